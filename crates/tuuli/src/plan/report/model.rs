//! Report types: a report (plan + period + narratives), its published snapshots, and
//! what is sent in.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::web::forms::Check;

/// A report of a plan for a period, with the coordinators' narratives (a draft until
/// published; publishing again freezes a newer snapshot).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub id: i64,
    pub plan_id: i64,
    pub from_year: i32,
    pub to_year: i32,
    /// Markdown texts by key: `intro`, `promise-<id>`.
    pub narratives: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// When the latest snapshot was published (none: never).
    pub published_at: Option<DateTime<Utc>>,
}

/// A report as stored (narratives as JSON text).
#[derive(sqlx::FromRow)]
pub(super) struct ReportRow {
    pub id: i64,
    pub plan_id: i64,
    pub from_year: i32,
    pub to_year: i32,
    pub narratives: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub published_at: Option<DateTime<Utc>>,
}

impl From<ReportRow> for Report {
    fn from(r: ReportRow) -> Self {
        Report {
            id: r.id,
            plan_id: r.plan_id,
            from_year: r.from_year,
            to_year: r.to_year,
            narratives: serde_json::from_str(&r.narratives).unwrap_or_default(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
            published_at: r.published_at,
        }
    }
}

/// A new report: the period.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    #[schema(minimum = 2000, maximum = 2100)]
    pub from_year: i32,
    /// Not before `from_year`.
    #[schema(minimum = 2000, maximum = 2100)]
    pub to_year: i32,
}

impl ReportInput {
    pub fn check(&self, c: &mut Check) -> ReportInput {
        for (field, y) in [("from_year", self.from_year), ("to_year", self.to_year)] {
            if !(2000..=2100).contains(&y) {
                c.add(field, "error-year-range");
            }
        }
        if self.to_year < self.from_year {
            c.add("to_year", "error-end-before-start");
        }
        self.clone()
    }
}

/// The coordinators' texts: the whole set replaces the saved one.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NarrativesInput {
    /// Markdown by key: `intro`, or `promise-<id>` for a service promise's commentary.
    pub narratives: BTreeMap<String, String>,
    /// The version this change is based on; a save based on an older one is refused (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// The longest narrative.
pub const NARRATIVE_MAX: usize = 20_000;

impl NarrativesInput {
    /// Keeps known keys (`intro`, `promise-<id>` of the plan's promises) and non-empty texts.
    pub fn check(&self, c: &mut Check, promise_ids: &[i64]) -> NarrativesInput {
        let mut out = BTreeMap::new();
        for (k, v) in &self.narratives {
            let known = k == "intro"
                || k.strip_prefix("promise-")
                    .and_then(|id| id.parse::<i64>().ok())
                    .is_some_and(|id| promise_ids.contains(&id));
            if !known {
                c.add(k, "error-choice");
                continue;
            }
            let text = c.optional(k, v, NARRATIVE_MAX);
            if !text.is_empty() {
                out.insert(k.clone(), text);
            }
        }
        NarrativesInput {
            narratives: out,
            version: self.version,
        }
    }
}

/// A published snapshot: the data the report used and its rendered body in each language.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Snapshot {
    pub id: i64,
    pub report_id: i64,
    /// The report's data as JSON (see `ReportData`).
    pub data: String,
    pub html_fi: String,
    pub html_sv: String,
    pub html_en: String,
    pub published_at: DateTime<Utc>,
}

impl Snapshot {
    pub fn html(&self, lang: crate::i18n::Lang) -> &str {
        match lang {
            crate::i18n::Lang::Fi => &self.html_fi,
            crate::i18n::Lang::Sv => &self.html_sv,
            crate::i18n::Lang::En => &self.html_en,
        }
    }
    pub fn report_data(&self) -> Option<super::ReportData> {
        serde_json::from_str(&self.data).ok()
    }
}

/// What the next plan is made of: the report's plan, a new period and title.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NextPlanInput {
    #[schema(min_length = 1, max_length = 200)]
    pub title_fi: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title_sv: String,
    #[schema(minimum = 2000, maximum = 2100)]
    pub start_year: i32,
    #[schema(minimum = 2000, maximum = 2100)]
    pub end_year: i32,
}
