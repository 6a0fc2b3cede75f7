//! The plan's annual report (issue 7): a plan and a period (from year … to year), built
//! from pluggable sections, with the coordinators' narratives, published as a frozen
//! snapshot, compared with a newer draft, and rendered as HTML, JSON and PDF.
//!
//! **Sections are pluggable.** A section implements [`ReportSection`]: `build` reads what
//! it needs from the database into a JSON value (its data), and `render_html`, `to_typst`
//! and `figures` work from that value alone, never from the database. So a published
//! snapshot, which stores the values, renders the same forever, and the comparison page
//! compares figures, not SQL. To add one (a knowledge or statistics section): write a type
//! implementing the trait in its module, give it a template under
//! `templates/plan_report/` and strings in its locale file, and add it to [`sections`].
//!
//! Who may do what: see `html.rs` (pages) and `api.rs` (JSON); the rules are here:
//! drafts (the live report, its narratives, the comparison) need a signed-in viewer who
//! sees unpublished plans (`plan::sees_unpublished`); a published snapshot of a published
//! plan is public; coordinators create reports, write narratives, publish and start the
//! next plan.

pub mod api;
pub mod html;
pub mod model;
pub mod pdf;
pub mod sections;
pub mod sections_knowledge;
pub mod store;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use super::model::Plan;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::AppState;

pub use model::*;

/// A boxed future, so sections can live in a list of trait objects.
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a section's `build` gets: the database, the plan, the period and the narratives.
pub struct BuildCtx<'a> {
    pub db: &'a Db,
    pub plan: &'a Plan,
    pub from_year: i32,
    pub to_year: i32,
    /// The coordinators' Markdown texts by key (`intro`, `promise-<id>`).
    pub narratives: &'a BTreeMap<String, String>,
}

/// What rendering gets: the reader's language and the application (templates, strings).
pub struct RenderCtx<'a> {
    pub lang: Lang,
    pub state: &'a AppState,
}

impl RenderCtx<'_> {
    pub fn t(&self, key: &str) -> String {
        self.state.i18n.t(self.lang, key, &[])
    }
    pub fn t_args(&self, key: &str, args: &[(&str, String)]) -> String {
        self.state.i18n.t(self.lang, key, args)
    }
    /// Renders a template with `lang` set (so `t()` speaks the reader's language).
    pub fn render<S: Serialize>(&self, name: &str, ctx: S) -> AppResult<String> {
        let merged = minijinja::context! {
            ..minijinja::Value::from_serialize(&ctx),
            ..minijinja::context! { lang => self.lang.code() }
        };
        self.state
            .templates
            .render(name, merged)
            .map_err(AppError::Internal)
    }
    /// A number in the reader's language (comma decimals, no-break-space grouping).
    pub fn num(&self, v: f64, decimals: usize) -> String {
        tuuli_charts::NumberFormat::for_locale(self.lang.code(), decimals).format(v)
    }
}

/// Files a section's Typst markup refers to (its charts as SVG).
#[derive(Default)]
pub struct Files(pub Vec<(String, Vec<u8>)>);

impl Files {
    /// Adds a file and returns the name to use in `image("…")`.
    pub fn add(&mut self, stem: &str, ext: &str, bytes: Vec<u8>) -> String {
        let name = format!("{stem}-{}.{ext}", self.0.len() + 1);
        self.0.push((name.clone(), bytes));
        name
    }
}

/// One figure of a report, for the comparison page: a label in the reader's language and
/// a number.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: f64,
}

/// A part of the report. See the module documentation.
pub trait ReportSection: Send + Sync {
    /// A stable key: stored in snapshots, used for ids and anchors.
    fn key(&self) -> &'static str;
    /// Reads the section's data for the plan and period.
    fn build<'a>(&'a self, cx: &'a BuildCtx<'a>) -> BoxFut<'a, AppResult<serde_json::Value>>;
    /// The section as an HTML fragment (headings from `h2` down).
    fn render_html(&self, data: &serde_json::Value, cx: &RenderCtx<'_>) -> AppResult<String>;
    /// The section as Typst markup (headings from `==` down); charts go into `files`.
    fn to_typst(&self, data: &serde_json::Value, cx: &RenderCtx<'_>, files: &mut Files) -> String;
    /// The section's figures, for comparing a draft with the published report.
    fn figures(&self, _data: &serde_json::Value, _cx: &RenderCtx<'_>) -> Vec<Figure> {
        vec![]
    }
    /// Whether the section found anything for the period.
    fn has_data(&self, _data: &serde_json::Value) -> bool {
        false
    }
}

/// The sections of the annual report, in order. Later modules append theirs here.
pub fn sections() -> Vec<&'static dyn ReportSection> {
    vec![
        &sections::Summary,
        &sections::Promises,
        &sections::Network,
        &sections_knowledge::Knowledge,
    ]
}

fn section(key: &str) -> Option<&'static dyn ReportSection> {
    sections().into_iter().find(|s| s.key() == key)
}

/// One section's stored data.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SectionData {
    pub key: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// A report's data: what its pages, PDF and snapshot are made from.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportData {
    pub plan_id: i64,
    pub plan_title_fi: String,
    pub plan_title_sv: String,
    pub from_year: i32,
    pub to_year: i32,
    /// The introduction (Markdown).
    pub intro: String,
    /// Whether any section found anything in the period.
    pub has_data: bool,
    pub sections: Vec<SectionData>,
}

impl ReportData {
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::Sv if !self.plan_title_sv.is_empty() => &self.plan_title_sv,
            _ => &self.plan_title_fi,
        }
    }
    pub fn period(&self) -> String {
        if self.from_year == self.to_year {
            self.from_year.to_string()
        } else {
            format!("{}–{}", self.from_year, self.to_year)
        }
    }
}

/// Builds a report's data from the database.
pub async fn build(
    db: &Db,
    plan: &Plan,
    from_year: i32,
    to_year: i32,
    narratives: &BTreeMap<String, String>,
) -> AppResult<ReportData> {
    let cx = BuildCtx {
        db,
        plan,
        from_year,
        to_year,
        narratives,
    };
    let mut out = Vec::new();
    let mut has_data = false;
    for s in sections() {
        let data = s.build(&cx).await?;
        has_data |= s.has_data(&data);
        out.push(SectionData {
            key: s.key().to_owned(),
            data,
        });
    }
    Ok(ReportData {
        plan_id: plan.id,
        plan_title_fi: plan.title_fi.clone(),
        plan_title_sv: plan.title_sv.clone(),
        from_year,
        to_year,
        intro: narratives.get("intro").cloned().unwrap_or_default(),
        has_data,
        sections: out,
    })
}

/// The report's body as HTML (title, introduction, sections), in one language.
pub fn render_html(data: &ReportData, cx: &RenderCtx<'_>) -> AppResult<String> {
    let mut parts = Vec::new();
    for s in &data.sections {
        // A section whose code is gone (an older snapshot) is skipped, not an error.
        if let Some(sec) = section(&s.key) {
            parts.push(minijinja::Value::from_safe_string(
                sec.render_html(&s.data, cx)?,
            ));
        }
    }
    cx.render(
        "plan_report/body.html",
        minijinja::context! {
            report => data,
            title => data.title(cx.lang),
            period => data.period(),
            sections => parts,
        },
    )
}

/// The report's figures, section by section.
pub fn figures(data: &ReportData, cx: &RenderCtx<'_>) -> Vec<Figure> {
    data.sections
        .iter()
        .filter_map(|s| section(&s.key).map(|sec| sec.figures(&s.data, cx)))
        .flatten()
        .collect()
}

/// A figure whose value differs between the published report and the draft (or exists in
/// only one of them).
#[derive(Clone, Debug, Serialize)]
pub struct Difference {
    pub label: String,
    pub published: Option<f64>,
    pub draft: Option<f64>,
}

/// Which figures changed between two reports (matched by label, in the draft's order).
pub fn compare(published: &[Figure], draft: &[Figure]) -> Vec<Difference> {
    let old: BTreeMap<&str, f64> = published
        .iter()
        .map(|f| (f.label.as_str(), f.value))
        .collect();
    let new: BTreeMap<&str, f64> = draft.iter().map(|f| (f.label.as_str(), f.value)).collect();
    let mut out: Vec<Difference> = draft
        .iter()
        .filter(|f| {
            old.get(f.label.as_str())
                .is_none_or(|v| (v - f.value).abs() > 1e-9)
        })
        .map(|f| Difference {
            label: f.label.clone(),
            published: old.get(f.label.as_str()).copied(),
            draft: Some(f.value),
        })
        .collect();
    out.extend(
        published
            .iter()
            .filter(|f| !new.contains_key(f.label.as_str()))
            .map(|f| Difference {
                label: f.label.clone(),
                published: Some(f.value),
                draft: None,
            }),
    );
    out
}

/// Escapes text for HTML outside templates (the CLI's standalone page).
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(label: &str, value: f64) -> Figure {
        Figure {
            label: label.into(),
            value,
        }
    }

    #[test]
    fn the_comparison_lists_changed_added_and_removed_figures_only() {
        let d = compare(
            &[f("a", 1.0), f("b", 2.0), f("gone", 3.0)],
            &[f("a", 1.0), f("b", 5.0), f("new", 4.0)],
        );
        let labels: Vec<_> = d.iter().map(|x| x.label.as_str()).collect();
        assert_eq!(labels, ["b", "new", "gone"]);
        assert_eq!((d[0].published, d[0].draft), (Some(2.0), Some(5.0)));
        assert_eq!(d[1].published, None);
        assert_eq!(d[2].draft, None);
    }
}
