//! Plan types: what is stored, what is sent in, and its checking.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::core::kinds::{PLAN_STATUSES, PROGRESS_STATUSES};
use crate::web::forms::Check;

/// The longest free text (descriptions, narratives).
pub const LONG_TEXT: usize = 20_000;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Plan {
    pub id: i64,
    pub title_fi: String,
    pub title_sv: String,
    pub start_year: i32,
    pub end_year: i32,
    #[schema(value_type = crate::core::kinds::schema::PlanStatus)]
    pub status: String,
    /// Markdown.
    pub description: String,
    /// Only a published plan is shown to the public.
    pub published: bool,
    /// What the plan is based on (law, decision, earlier plan), free text.
    pub based_on: String,
    /// Marks demo content that is not in the source documents.
    pub is_example: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by one on every change; send it back with an update (or `If-Match`).
    pub version: i64,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    #[schema(min_length = 1, max_length = 200)]
    pub title_fi: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title_sv: String,
    #[schema(minimum = 2000, maximum = 2100)]
    pub start_year: i32,
    /// Not before `start_year`.
    #[schema(minimum = 2000, maximum = 2100)]
    pub end_year: i32,
    #[schema(value_type = crate::core::kinds::schema::PlanStatus)]
    pub status: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    #[serde(default)]
    pub published: bool,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub based_on: String,
    /// The version this change is based on; a save based on an older one is refused (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

fn year(c: &mut Check, field: &str, y: i32) {
    if !(2000..=2100).contains(&y) {
        c.add(field, "error-year-range");
    }
}

impl PlanInput {
    pub fn check(&self, c: &mut Check) -> PlanInput {
        year(c, "start_year", self.start_year);
        year(c, "end_year", self.end_year);
        if self.end_year < self.start_year {
            c.add("end_year", "error-end-before-start");
        }
        PlanInput {
            title_fi: c.line("title_fi", &self.title_fi, 200),
            title_sv: c.optional_line("title_sv", &self.title_sv, 200),
            start_year: self.start_year,
            end_year: self.end_year,
            status: c.one_of("status", &self.status, PLAN_STATUSES),
            description: c.optional("description", &self.description, LONG_TEXT),
            published: self.published,
            based_on: c.optional("based_on", &self.based_on, 2000),
            version: self.version,
        }
    }
}

/// A service promise of a plan.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Promise {
    pub id: i64,
    pub plan_id: i64,
    pub position: i32,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    pub version: i64,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromiseInput {
    #[schema(minimum = 1)]
    pub plan_id: i64,
    /// Order within the plan.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    pub position: i32,
    #[schema(min_length = 1, max_length = 500)]
    pub title_fi: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub title_sv: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub title_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

fn position(c: &mut Check, p: i32) -> i32 {
    if !(0..=1000).contains(&p) {
        c.add("position", "error-position-range");
    }
    p
}

impl PromiseInput {
    pub fn check(&self, c: &mut Check) -> PromiseInput {
        PromiseInput {
            plan_id: self.plan_id,
            position: position(c, self.position),
            title_fi: c.line("title_fi", &self.title_fi, 500),
            title_sv: c.optional_line("title_sv", &self.title_sv, 500),
            title_en: c.optional_line("title_en", &self.title_en, 500),
            version: self.version,
        }
    }
}

/// A goal under a service promise.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Goal {
    pub id: i64,
    pub promise_id: i64,
    pub position: i32,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    /// Markdown.
    pub description: String,
    /// Theme slugs.
    #[sqlx(skip)]
    #[schema(value_type = Vec<crate::core::kinds::schema::ThemeSlug>)]
    pub themes: Vec<String>,
    pub version: i64,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    #[schema(minimum = 1)]
    pub promise_id: i64,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    pub position: i32,
    #[schema(min_length = 1, max_length = 500)]
    pub title_fi: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub title_sv: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub title_en: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    #[serde(default)]
    #[schema(value_type = Vec<crate::core::kinds::schema::ThemeSlug>)]
    pub themes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

impl GoalInput {
    pub fn check(&self, c: &mut Check) -> GoalInput {
        GoalInput {
            promise_id: self.promise_id,
            position: position(c, self.position),
            title_fi: c.line("title_fi", &self.title_fi, 500),
            title_sv: c.optional_line("title_sv", &self.title_sv, 500),
            title_en: c.optional_line("title_en", &self.title_en, 500),
            description: c.optional("description", &self.description, LONG_TEXT),
            themes: self.themes.clone(),
            version: self.version,
        }
    }
}

/// An action under a goal.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Action {
    pub id: i64,
    pub goal_id: i64,
    /// The plan the action belongs to.
    pub plan_id: i64,
    pub title: String,
    /// Markdown.
    pub description: String,
    pub lead_organisation_id: Option<i64>,
    /// The lead organisation's Finnish name, for display.
    #[sqlx(default)]
    pub lead_name: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub planned_euros: Option<f64>,
    pub planned_days: Option<f64>,
    /// The network decision the action comes from, if any.
    pub source_decision_id: Option<i64>,
    /// Placeholder for the method module.
    pub method_id: Option<i64>,
    /// Placeholder for the indicator module.
    pub indicator_id: Option<i64>,
    pub is_example: bool,
    /// Other responsible organisations (ids).
    #[sqlx(skip)]
    pub organisations: Vec<i64>,
    /// Municipalities (area ids).
    #[sqlx(skip)]
    pub municipalities: Vec<i64>,
    /// Theme slugs.
    #[sqlx(skip)]
    #[schema(value_type = Vec<crate::core::kinds::schema::ThemeSlug>)]
    pub themes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    #[schema(minimum = 1)]
    pub goal_id: i64,
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub lead_organisation_id: Option<i64>,
    /// Other responsible organisations (ids).
    #[serde(default)]
    pub organisations: Vec<i64>,
    /// Municipalities (area ids).
    #[serde(default)]
    pub municipalities: Vec<i64>,
    #[serde(default)]
    #[schema(value_type = Vec<crate::core::kinds::schema::ThemeSlug>)]
    pub themes: Vec<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(format = Date)]
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`, not before `start_date`.
    #[serde(default)]
    #[schema(format = Date)]
    pub end_date: Option<String>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub planned_euros: Option<f64>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub planned_days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// An action's input after checking.
#[derive(Clone, Debug, Serialize)]
pub struct ActionValues {
    pub goal_id: i64,
    pub title: String,
    pub description: String,
    pub lead_organisation_id: Option<i64>,
    pub organisations: Vec<i64>,
    pub municipalities: Vec<i64>,
    pub themes: Vec<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub planned_euros: Option<f64>,
    pub planned_days: Option<f64>,
    #[serde(skip)]
    pub version: Option<i64>,
}

/// The largest amount of euros or days an action plans or an update reports: far above
/// any real one, and small enough that the sums over a plan stay finite (a total of
/// `inf` would be shown as ".." and written as `null`).
pub const MAX_AMOUNT: f64 = 1e12;

/// A non-negative finite amount, at most [`MAX_AMOUNT`].
fn amount(c: &mut Check, field: &str, v: Option<f64>) -> Option<f64> {
    if let Some(x) = v {
        if !(x.is_finite() && x >= 0.0) {
            c.add(field, "error-negative");
        } else if x > MAX_AMOUNT {
            c.add(field, "plan-error-amount-too-large");
        }
    }
    v
}

fn dates(c: &mut Check, start: &str, end: &str) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let s = c.date("start_date", start);
    let e = c.date("end_date", end);
    if let (Some(s), Some(e)) = (s, e)
        && e < s
    {
        c.add("end_date", "error-end-before-start");
    }
    (s, e)
}

impl ActionInput {
    pub fn check(&self, c: &mut Check) -> ActionValues {
        let (start_date, end_date) = dates(
            c,
            self.start_date.as_deref().unwrap_or(""),
            self.end_date.as_deref().unwrap_or(""),
        );
        let mut organisations = self.organisations.clone();
        organisations.sort_unstable();
        organisations.dedup();
        let mut municipalities = self.municipalities.clone();
        municipalities.sort_unstable();
        municipalities.dedup();
        ActionValues {
            goal_id: self.goal_id,
            title: c.line("title", &self.title, 500),
            description: c.optional("description", &self.description, LONG_TEXT),
            lead_organisation_id: self.lead_organisation_id,
            organisations,
            municipalities,
            themes: self.themes.clone(),
            start_date,
            end_date,
            planned_euros: amount(c, "planned_euros", self.planned_euros),
            planned_days: amount(c, "planned_days", self.planned_days),
            version: self.version,
        }
    }
}

/// One progress update of an action (the history is kept; the latest is the action's status).
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Progress {
    pub id: i64,
    pub action_id: i64,
    pub report_date: NaiveDate,
    #[schema(value_type = crate::core::kinds::schema::ProgressStatus)]
    pub status: String,
    pub percent: i32,
    /// Markdown.
    pub narrative: String,
    pub euros_used: Option<f64>,
    pub days_used: Option<f64>,
    /// Links to evidence, free text.
    pub evidence: String,
    pub author_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressInput {
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub report_date: String,
    #[schema(value_type = crate::core::kinds::schema::ProgressStatus)]
    pub status: String,
    #[schema(minimum = 0, maximum = 100)]
    pub percent: i32,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub narrative: String,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub euros_used: Option<f64>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub days_used: Option<f64>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub evidence: String,
}

/// A progress update after checking.
#[derive(Clone, Debug, Serialize)]
pub struct ProgressValues {
    pub report_date: Option<NaiveDate>,
    pub status: String,
    pub percent: i32,
    pub narrative: String,
    pub euros_used: Option<f64>,
    pub days_used: Option<f64>,
    pub evidence: String,
}

impl ProgressInput {
    pub fn check(&self, c: &mut Check) -> ProgressValues {
        if self.report_date.trim().is_empty() {
            c.add("report_date", "error-required");
        }
        if !(0..=100).contains(&self.percent) {
            c.add("percent", "error-percent-range");
        }
        ProgressValues {
            report_date: c.date("report_date", &self.report_date),
            status: c.one_of("status", &self.status, PROGRESS_STATUSES),
            percent: self.percent,
            narrative: c.optional("narrative", &self.narrative, LONG_TEXT),
            euros_used: amount(c, "euros_used", self.euros_used),
            days_used: amount(c, "days_used", self.days_used),
            evidence: c.optional("evidence", &self.evidence, 4000),
        }
    }
}

/// How many actions are in each state (by their latest progress update; none = not started).
#[derive(Clone, Copy, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Rollup {
    pub done: i64,
    pub on_track: i64,
    pub delayed: i64,
    pub not_started: i64,
    pub cancelled: i64,
    pub total: i64,
}

impl Rollup {
    pub fn add(&mut self, status: &str) {
        match status {
            "done" => self.done += 1,
            "on_track" => self.on_track += 1,
            "delayed" => self.delayed += 1,
            "cancelled" => self.cancelled += 1,
            _ => self.not_started += 1,
        }
        self.total += 1;
    }
    pub fn merge(&mut self, other: &Rollup) {
        self.done += other.done;
        self.on_track += other.on_track;
        self.delayed += other.delayed;
        self.not_started += other.not_started;
        self.cancelled += other.cancelled;
        self.total += other.total;
    }
}

/// An action in the plan tree, with its latest status.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TreeAction {
    pub id: i64,
    pub goal_id: i64,
    pub title: String,
    pub lead_organisation_id: Option<i64>,
    pub lead_name: Option<String>,
    /// The latest progress update's status; `not_started` when there is none.
    #[schema(value_type = crate::core::kinds::schema::ProgressStatus)]
    pub status: String,
    /// The latest progress update's percent (0 when there is none).
    pub percent: i32,
    pub last_report: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TreeGoal {
    #[serde(flatten)]
    pub goal: Goal,
    pub rollup: Rollup,
    pub actions: Vec<TreeAction>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TreePromise {
    #[serde(flatten)]
    pub promise: Promise,
    pub rollup: Rollup,
    pub goals: Vec<TreeGoal>,
}

/// A plan with its service promises, goals and actions, and the roll-ups.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlanTree {
    pub plan: Plan,
    pub rollup: Rollup,
    pub promises: Vec<TreePromise>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percent_over_100_and_an_end_before_the_start_are_refused_by_name() {
        let mut c = Check::new();
        ProgressInput {
            report_date: "2024-05-01".into(),
            status: "on_track".into(),
            percent: 101,
            ..Default::default()
        }
        .check(&mut c);
        assert_eq!(
            c.finish(()).unwrap_err().0["percent"],
            "error-percent-range"
        );
        let mut c = Check::new();
        ActionInput {
            goal_id: 1,
            title: "Toimenpide".into(),
            start_date: Some("2024-05-01".into()),
            end_date: Some("2024-04-30".into()),
            ..Default::default()
        }
        .check(&mut c);
        assert_eq!(
            c.finish(()).unwrap_err().0["end_date"],
            "error-end-before-start"
        );
    }

    #[test]
    fn the_rollup_counts_an_action_without_updates_as_not_started() {
        let mut r = Rollup::default();
        for s in ["done", "on_track", "", "delayed", "cancelled", "done"] {
            r.add(s);
        }
        assert_eq!(
            (
                r.done,
                r.on_track,
                r.delayed,
                r.not_started,
                r.cancelled,
                r.total
            ),
            (2, 1, 1, 1, 1, 6)
        );
    }
}
