//! The report as a PDF: Typst markup made from the report's data (a cover, a table of
//! contents, a running header and page numbers around the sections' own markup), rendered
//! by `tuuli-pdf` off the async runtime (`spawn_blocking`). A report is a few pages and
//! renders in well under the 3 s budget (docs/benchmarks.md), so it is made on request;
//! a much larger document (the welfare report) would be queued as a job (`src/jobs/`).

use tuuli_pdf::{Document, escape, string};

use super::{Files, RenderCtx, ReportData, section};
use crate::error::{AppError, AppResult};

/// The whole Typst document of a report in one language, and the files it refers to.
pub fn document(data: &ReportData, cx: &RenderCtx<'_>, generated: &str) -> Document {
    let title = format!(
        "{} — {} {}",
        data.title(cx.lang),
        cx.t("report-title"),
        data.period()
    );
    let mut files = Files::default();
    let mut body = String::new();
    if !data.intro.trim().is_empty() {
        body.push_str(&format!("= {}\n\n", escape(&cx.t("report-intro"))));
        for p in data.intro.split("\n\n") {
            let p = p.trim();
            if !p.is_empty() {
                body.push_str(&escape(p));
                body.push_str("\n\n");
            }
        }
    }
    if !data.has_data {
        body.push_str(&format!("*{}*\n\n", escape(&cx.t("report-no-data"))));
    }
    for s in &data.sections {
        if let Some(sec) = section(&s.key) {
            body.push_str(&sec.to_typst(&s.data, cx, &mut files));
        }
    }
    let header = escape(&format!("{} {}", cx.t("report-title"), data.period()));
    let source = format!(
        r#"#set document(title: {title_str}, author: {author})
#set text(lang: "{lang}", font: "Liberation Sans", size: 10.5pt)
#set page(paper: "a4", margin: (x: 2.2cm, top: 2.6cm, bottom: 2.4cm),
  header: context {{ if here().page() > 1 [#set text(size: 8.5pt); {header} #h(1fr) {plan_short}] }},
  footer: context {{ if here().page() > 1 [#set text(size: 8.5pt); #h(1fr) #counter(page).display("1 / 1", both: true) #h(1fr)] }})
#set heading(numbering: none)
#set par(justify: false)
#show heading.where(level: 1): it => {{ pagebreak(weak: true); it }}

#page(header: none, footer: none)[
  #v(6cm)
  #text(size: 24pt, weight: "bold")[{report_title}]
  #v(0.6cm)
  #text(size: 16pt)[{plan}]
  #v(0.4cm)
  #text(size: 14pt)[{period}]
  #v(1fr)
  #text(size: 9pt)[{generated}]
]

#outline(title: [{contents}], depth: 3)

{body}"#,
        title_str = string(&title),
        author = string(&cx.t("report-author")),
        lang = cx.lang.code(),
        header = header,
        plan_short = escape(data.title(cx.lang)),
        report_title = escape(&cx.t("report-title")),
        plan = escape(data.title(cx.lang)),
        period = escape(&data.period()),
        generated = escape(generated),
        contents = escape(&cx.t("report-contents")),
        body = body,
    );
    Document {
        source,
        files: files.0,
        created_unix: None,
    }
}

/// Renders the report's PDF off the async runtime.
pub async fn render(data: &ReportData, cx: &RenderCtx<'_>, generated: &str) -> AppResult<Vec<u8>> {
    let doc = document(data, cx, generated);
    tokio::task::spawn_blocking(move || tuuli_pdf::render(&doc))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))
}
