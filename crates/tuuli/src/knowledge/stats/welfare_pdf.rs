//! The welfare report as a PDF: the same [`WelfareReport`] the page shows, written as Typst
//! markup (the pattern of `plan/report/pdf.rs`: a cover, a table of contents, a running
//! header and page numbers) and rendered by `tuuli-pdf` (tagged, PDF/UA-1) off the async
//! runtime. Numbers, intervals, comparison words and trends come from the same view
//! functions as the page (`views::profile_rows`, `views::show`, `views::cmp`), so the PDF
//! and the page cannot disagree. Every piece of text goes into the markup through
//! `tuuli_pdf::escape` / `string`; the narrative's Markdown marks are kept as text.

use tuuli_pdf::{Document, escape, string};

use super::api::FlagOut;
use super::flags::FlagKind;
use super::model::Judgement;
use super::views::{self, Shown};
use super::welfare::WelfareReport;
use crate::core::themes::Theme;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

/// Translates a key with arguments in the reader's language.
pub type Tr<'a> = &'a dyn Fn(&str, &[(&str, String)]) -> String;

/// The comparison's symbol for the PDF. Liberation Sans has no black diamond (U+25C6), so
/// "better" is the lozenge (U+25CA); the others are the page's own symbols.
pub fn pdf_symbol(j: Judgement) -> &'static str {
    match j {
        Judgement::Better => "◊",
        other => other.symbol(),
    }
}

fn shown(s: &Shown, tr: Tr<'_>) -> String {
    let mut out = if s.value.is_empty() {
        "–".to_owned()
    } else {
        s.value.clone()
    };
    if let Some(note) = s.note.filter(|n| *n != "stats-note-missing") {
        out.push_str(&format!(" ({})", tr(note, &[])));
    }
    out
}

fn cmp_words(symbol: &str, key: &str, tr: Tr<'_>) -> String {
    format!("{symbol} {}", tr(key, &[]))
}

/// The flag kind's name as the page and the API write it (`worse_and_worsening`, …).
fn kind_name(k: FlagKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A table with a caption (a figure, so the outline and the tags see it), a header row and
/// body rows, all cells already escaped.
fn table(caption: &str, head: &[String], rows: &[Vec<String>], first_wide: bool) -> String {
    let cols: Vec<&str> = (0..head.len())
        .map(|i| if i == 0 && first_wide { "2fr" } else { "1fr" })
        .collect();
    let mut s = format!(
        "#figure(kind: table, caption: [{}], table(columns: ({}), align: left, table.header({}),\n",
        escape(caption),
        cols.join(", "),
        head.iter()
            .map(|h| format!("[*{}*]", escape(h)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for r in rows {
        s.push_str("  ");
        s.push_str(
            &r.iter()
                .map(|c| format!("[{c}]"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        s.push_str(",\n");
    }
    s.push_str("))\n\n");
    s
}

/// Markdown as plain escaped paragraphs.
fn paragraphs(md: &str) -> String {
    md.split("\n\n")
        .map(|p| escape(p.trim()))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
        + "\n\n"
}

/// The whole Typst document of a welfare report in one language.
pub fn document(
    r: &WelfareReport,
    lang: Lang,
    tr: Tr<'_>,
    themes: &[Theme],
    flags: &[FlagOut],
    generated: &str,
) -> Document {
    let t = |k: &str| tr(k, &[]);
    let t1 = |k: &str| -> String { t(k) };
    let area = r.area.name(lang);
    let period = if r.from == r.to {
        r.from.to_string()
    } else {
        format!("{}–{}", r.from, r.to)
    };
    let title = format!("{}: {area} {period}", t("stats-welfare-title"));
    let profile = r.as_profile();
    let rows = views::profile_rows(&profile, lang, &t1);
    let mut body = String::new();

    // (1) The population's wellbeing, theme by theme.
    body.push_str(&format!(
        "= 1\\. {}\n\n",
        escape(&t("stats-welfare-wellbeing"))
    ));
    let head = [
        t("stats-indicator"),
        t("stats-value"),
        tr("stats-interval", &[("level", "95".into())]),
        t("stats-country"),
        t("stats-comparison"),
        t("stats-trend"),
    ];
    let mut any = false;
    for th in themes {
        let cells: Vec<Vec<String>> = r
            .wellbeing
            .iter()
            .zip(&rows)
            .filter(|(w, _)| w.themes.contains(&th.slug))
            .map(|(w, v)| {
                let year = v.latest.year.map(|y| format!(" ({y})")).unwrap_or_default();
                vec![
                    escape(&format!("{}{year}", v.title)),
                    escape(&shown(&v.latest, tr)),
                    escape(if v.latest.interval.is_empty() {
                        "–"
                    } else {
                        &v.latest.interval
                    }),
                    escape(&shown(&v.country, tr)),
                    escape(&cmp_words(pdf_symbol(w.comparison), v.comparison.key, tr)),
                    escape(&t(v.trend)),
                ]
            })
            .collect();
        if cells.is_empty() {
            continue;
        }
        any = true;
        let name = lang.pick(&th.name_fi, &th.name_sv, &th.name_en);
        body.push_str(&format!("== {}\n\n", escape(name)));
        body.push_str(&table(name, &head, &cells, true));
    }
    if !any {
        body.push_str(&format!("{}\n\n", escape(&t("stats-no-data"))));
    }

    // (2) Differences between groups: the sexes, and the flags against the country and
    // the region.
    body.push_str(&format!(
        "= 2\\. {}\n\n",
        escape(&t("stats-welfare-differences"))
    ));
    if r.by_sex.is_empty() {
        body.push_str(&format!("{}\n\n", escape(&t("stats-no-data"))));
    } else {
        let head = [
            t("stats-indicator"),
            t("stats-men"),
            t("stats-women"),
            t("stats-women-vs-men"),
        ];
        let cells: Vec<Vec<String>> = r
            .by_sex
            .iter()
            .map(|s| {
                let f = views::fmt(lang, s.decimals);
                let men = views::show(s.men.as_ref(), f, "95");
                let women = views::show(s.women.as_ref(), f, "95");
                let with_iv = |x: &Shown| {
                    if x.interval.is_empty() {
                        shown(x, tr)
                    } else {
                        format!("{} ({})", shown(x, tr), x.interval)
                    }
                };
                vec![
                    escape(lang.pick(&s.title_fi, &s.title_sv, &s.title_en)),
                    escape(&with_iv(&men)),
                    escape(&with_iv(&women)),
                    escape(&cmp_words(
                        pdf_symbol(s.women_vs_men),
                        s.women_vs_men.key(),
                        tr,
                    )),
                ]
            })
            .collect();
        let caption = tr("stats-by-sex-caption", &[("level", "95".into())]);
        body.push_str(&table(&caption, &head, &cells, true));
    }
    body.push_str(&format!("== {}\n\n", escape(&t("stats-flags-title"))));
    if flags.is_empty() {
        body.push_str(&format!("{}\n\n", escape(&t("stats-flags-none"))));
    } else {
        for f in flags {
            body.push_str(&format!(
                "- *{}:* {}\n",
                escape(&t(&format!("stats-flag-kind-{}", kind_name(f.flag.kind)))),
                escape(&f.explanation)
            ));
        }
        body.push('\n');
    }

    // (3) The work done and its resources.
    body.push_str(&format!("= 3\\. {}\n\n", escape(&t("stats-welfare-work"))));
    if r.work.is_empty() {
        body.push_str(&format!("{}\n\n", escape(&t("stats-welfare-no-work"))));
    } else {
        for w in &r.work {
            body.push_str(&format!(
                "- {} ({}: {})\n",
                escape(&w.action_title),
                escape(&t("stats-goal")),
                escape(lang.pick(&w.goal_title, &w.goal_title_sv, &w.goal_title_en))
            ));
        }
        body.push('\n');
    }

    // (4) The structures: the coordinators' narrative.
    body.push_str(&format!(
        "= 4\\. {}\n\n",
        escape(&t("stats-welfare-structures"))
    ));
    if r.narrative.trim().is_empty() {
        body.push_str(&format!("{}\n\n", escape(&t("stats-welfare-no-narrative"))));
    } else {
        body.push_str(&paragraphs(&r.narrative));
    }

    // The indicators left out, each with its reason.
    body.push_str(&format!("= {}\n\n", escape(&t("stats-welfare-omitted"))));
    if r.omissions.is_empty() {
        body.push_str(&format!("{}\n\n", escape(&t("stats-welfare-none-omitted"))));
    } else {
        for o in &r.omissions {
            body.push_str(&format!(
                "- {}: {}\n",
                escape(lang.pick(&o.title_fi, &o.title_sv, &o.title_en)),
                escape(&o.reason)
            ));
        }
        body.push('\n');
    }
    let attribution = escape(&format!(
        "{} CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)",
        t("stats-attribution")
    ));
    body.push_str(&format!("#v(1em)\n#text(size: 9pt)[{attribution}]\n"));

    let synthetic = if r.synthetic {
        format!(
            "#block(stroke: 1pt, inset: 8pt)[*{}* {}]",
            escape(&t("stats-synthetic-label")),
            escape(&t("stats-synthetic-text"))
        )
    } else {
        String::new()
    };
    let set = r
        .set
        .as_ref()
        .map(|s| {
            let name = lang.pick(&s.name_fi, &s.name_sv, &s.name_en);
            let name = if name.is_empty() { &s.name_fi } else { name };
            escape(&tr("welfare-pdf-set", &[("set", name.to_owned())]))
        })
        .unwrap_or_default();
    let header = escape(&title);
    let source = format!(
        r#"#set document(title: {title_str}, author: {author})
#set text(lang: "{lang}", font: "Liberation Sans", size: 10.5pt)
#set page(paper: "a4", margin: (x: 2cm, top: 2.6cm, bottom: 2.4cm),
  header: context {{ if here().page() > 1 [#set text(size: 8.5pt); {header}] }},
  footer: context {{ if here().page() > 1 [#set text(size: 8.5pt); #h(1fr) #counter(page).display("1 / 1", both: true) #h(1fr)] }})
#set heading(numbering: none)
#set par(justify: false)
#show table: set text(size: 8.5pt)
#show heading.where(level: 1): it => {{ pagebreak(weak: true); it }}

#page(header: none, footer: none)[
  #v(5cm)
  #text(size: 24pt, weight: "bold")[{report_title}]
  #v(0.6cm)
  #text(size: 18pt)[{area}]
  #v(0.4cm)
  #text(size: 14pt)[{period}]
  #v(0.4cm)
  {set}
  #v(0.8cm)
  {synthetic}
  #v(1fr)
  #text(size: 9pt)[{attribution}]

  #text(size: 9pt)[{generated}]
]

#outline(title: [{contents}], depth: 2)

{body}"#,
        title_str = string(&title),
        author = string(&t("report-author")),
        lang = lang.code(),
        report_title = escape(&t("stats-welfare-title")),
        area = escape(area),
        period = escape(&period),
        generated = escape(generated),
        contents = escape(&t("report-contents")),
    );
    Document {
        source,
        files: Vec::new(),
        created_unix: None,
    }
}

/// Renders the document off the async runtime.
pub async fn render(doc: Document) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || tuuli_pdf::render(&doc))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))
}

/// A file name for the download: `<prefix>-<area>-<from>-<to>.pdf`, ASCII only.
pub fn file_name(prefix: &str, area: &str, from: i32, to: i32) -> String {
    let slug = |s: &str| {
        let mut out = String::new();
        for c in s.to_lowercase().chars() {
            let c = match c {
                'ä' | 'å' | 'á' | 'à' | 'â' => 'a',
                'ö' | 'ø' | 'ó' | 'ô' => 'o',
                'é' | 'è' | 'ê' => 'e',
                'ü' | 'ú' => 'u',
                c if c.is_ascii_alphanumeric() => c,
                _ => '-',
            };
            if c != '-' || !out.ends_with('-') {
                out.push(c);
            }
        }
        out.trim_matches('-').to_owned()
    };
    let (p, a) = (slug(prefix), slug(area));
    let p = if p.is_empty() {
        "welfare-report".into()
    } else {
        p
    };
    if a.is_empty() {
        format!("{p}-{from}-{to}.pdf")
    } else {
        format!("{p}-{a}-{from}-{to}.pdf")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_is_ascii_without_spaces_or_quotes() {
        assert_eq!(
            file_name("hyvinvointikertomus", "Sysmä", 2021, 2024),
            "hyvinvointikertomus-sysma-2021-2024.pdf"
        );
        assert_eq!(
            file_name("välfärdsberättelse", "Hämeenkoski \"x\"", 2020, 2020),
            "valfardsberattelse-hameenkoski-x-2020-2020.pdf"
        );
        assert_eq!(
            file_name("", "", 2020, 2021),
            "welfare-report-2020-2021.pdf"
        );
    }

    #[test]
    fn the_better_symbol_has_a_glyph_in_the_pdf_font() {
        assert_eq!(pdf_symbol(Judgement::Better), "◊");
        assert_eq!(pdf_symbol(Judgement::Worse), Judgement::Worse.symbol());
    }
}
