//! What the plan pages show, read in a fixed number of queries whatever the plan's size:
//! the tree (`store::tree`, four queries) plus, for the whole plan at once, each action's
//! dates and resources (one query) and its themes, municipalities and other responsible
//! organisations (three queries). Filters, stale flags, roll-ups, the timeline and the
//! resource sums are then worked out in Rust.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use super::model::*;
use super::store;
use crate::db::Db;
use crate::error::AppResult;
use crate::with_db;

/// An action's dates and resources; `euros_used` and `days_used` are the sums of what its
/// progress updates report (each update reports what was used since the previous one).
#[derive(Clone, Debug, sqlx::FromRow)]
struct Facts {
    id: i64,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    created_at: DateTime<Utc>,
    planned_euros: Option<f64>,
    planned_days: Option<f64>,
    euros_used: Option<f64>,
    days_used: Option<f64>,
}

const IN_PLAN: &str = "JOIN plan_goals g ON g.id = a.goal_id JOIN plan_promises pr ON pr.id = g.promise_id WHERE pr.plan_id = $1";

/// A municipality or organisation linked to an action.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Named {
    pub id: i64,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
}

/// The links of every action of a plan: (themes, municipalities, other organisations).
type Links = (
    HashMap<i64, Vec<String>>,
    HashMap<i64, Vec<Named>>,
    HashMap<i64, Vec<Named>>,
);

async fn facts_and_links(db: &Db, plan_id: i64) -> AppResult<(HashMap<i64, Facts>, Links)> {
    let facts_sql = format!(
        "SELECT a.id, a.start_date, a.end_date, a.created_at, a.planned_euros, a.planned_days, \
         (SELECT SUM(p.euros_used) FROM plan_progress p WHERE p.action_id = a.id) AS euros_used, \
         (SELECT SUM(p.days_used) FROM plan_progress p WHERE p.action_id = a.id) AS days_used \
         FROM plan_actions a {IN_PLAN}"
    );
    let themes_sql = format!(
        "SELECT at.action_id, t.slug FROM plan_action_themes at JOIN themes t ON t.id = at.theme_id \
         JOIN plan_actions a ON a.id = at.action_id {IN_PLAN} ORDER BY t.sort_order"
    );
    let areas_sql = format!(
        "SELECT aa.action_id, ar.id, ar.name_fi, ar.name_sv, ar.name_en FROM plan_action_areas aa \
         JOIN areas ar ON ar.id = aa.area_id JOIN plan_actions a ON a.id = aa.action_id {IN_PLAN} ORDER BY ar.name_fi, ar.id"
    );
    let orgs_sql = format!(
        "SELECT ao.action_id, o.id, o.name_fi, o.name_sv, '' AS name_en FROM plan_action_organisations ao \
         JOIN organisations o ON o.id = ao.organisation_id JOIN plan_actions a ON a.id = ao.action_id {IN_PLAN} ORDER BY o.name_key, o.id"
    );
    type Row = (i64, i64, String, String, String);
    let (facts, themes, areas, orgs) = with_db!(db, p => {
        let facts: Vec<Facts> = sqlx::query_as(sqlx::AssertSqlSafe(facts_sql.as_str())).bind(plan_id).fetch_all(p).await?;
        let themes: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(themes_sql.as_str())).bind(plan_id).fetch_all(p).await?;
        let areas: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(areas_sql.as_str())).bind(plan_id).fetch_all(p).await?;
        let orgs: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(orgs_sql.as_str())).bind(plan_id).fetch_all(p).await?;
        Ok::<_, sqlx::Error>((facts, themes, areas, orgs))
    })?;
    let named = |rows: Vec<Row>| {
        crate::db::group_by_owner(
            rows.into_iter()
                .map(|(a, id, name_fi, name_sv, name_en)| {
                    (
                        a,
                        Named {
                            id,
                            name_fi,
                            name_sv,
                            name_en,
                        },
                    )
                })
                .collect(),
        )
    };
    Ok((
        facts.into_iter().map(|f| (f.id, f)).collect(),
        (crate::db::group_by_owner(themes), named(areas), named(orgs)),
    ))
}

/// A roll-up with each state's share of the actions (whole percent).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Shares {
    #[serde(flatten)]
    pub counts: Rollup,
    pub done_pct: i64,
    pub on_track_pct: i64,
    pub delayed_pct: i64,
    pub not_started_pct: i64,
    pub cancelled_pct: i64,
    /// Stale actions among them.
    pub stale: i64,
}

fn pct(n: i64, total: i64) -> i64 {
    if total == 0 {
        0
    } else {
        ((n as f64) * 100.0 / (total as f64)).round() as i64
    }
}

impl Shares {
    fn of(counts: Rollup, stale: i64) -> Shares {
        let t = counts.total;
        Shares {
            counts,
            done_pct: pct(counts.done, t),
            on_track_pct: pct(counts.on_track, t),
            delayed_pct: pct(counts.delayed, t),
            not_started_pct: pct(counts.not_started, t),
            cancelled_pct: pct(counts.cancelled, t),
            stale,
        }
    }
}

/// An action as the plan pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct ViewAction {
    pub id: i64,
    pub goal_id: i64,
    pub title: String,
    pub lead_organisation_id: Option<i64>,
    pub lead_name: Option<String>,
    pub status: String,
    pub percent: i32,
    pub last_report: Option<NaiveDate>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub stale: bool,
    pub planned_euros: Option<f64>,
    pub planned_days: Option<f64>,
    pub euros_used: Option<f64>,
    pub days_used: Option<f64>,
    pub themes: Vec<String>,
    pub municipalities: Vec<Named>,
    pub organisations: Vec<Named>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ViewGoal {
    pub goal: Goal,
    pub rollup: Shares,
    pub actions: Vec<ViewAction>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ViewPromise {
    pub promise: Promise,
    pub rollup: Shares,
    pub goals: Vec<ViewGoal>,
}

/// The plan as its pages show it, after the filters.
#[derive(Clone, Debug, Serialize)]
pub struct PlanView {
    pub plan: Plan,
    pub rollup: Shares,
    pub promises: Vec<ViewPromise>,
    /// How many actions the plan has in all (before the filters).
    pub all_actions: i64,
    /// Organisations named on the plan's actions (lead or other), for the filter.
    pub organisations: Vec<Named>,
}

/// The plan page's filters (GET parameters); an empty one is no filter.
#[derive(Clone, Debug, Default, serde::Deserialize, Serialize)]
pub struct PlanFilter {
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub municipality: String,
    #[serde(default)]
    pub organisation: String,
    /// A progress status, or `stale`.
    #[serde(default)]
    pub status: String,
}

impl PlanFilter {
    pub fn is_empty(&self) -> bool {
        self.theme.is_empty()
            && self.municipality.is_empty()
            && self.organisation.is_empty()
            && self.status.is_empty()
    }

    fn keeps(&self, a: &ViewAction, goal_themes: &[String]) -> bool {
        let id = |s: &str| s.trim().parse::<i64>().ok();
        (self.theme.is_empty()
            || a.themes.contains(&self.theme)
            || goal_themes.contains(&self.theme))
            && (self.municipality.is_empty()
                || a.municipalities
                    .iter()
                    .any(|m| Some(m.id) == id(&self.municipality)))
            && (self.organisation.is_empty()
                || a.lead_organisation_id.is_some()
                    && a.lead_organisation_id == id(&self.organisation)
                || a.organisations
                    .iter()
                    .any(|o| Some(o.id) == id(&self.organisation)))
            && (self.status.is_empty()
                || a.status == self.status
                || (self.status == "stale" && a.stale))
    }
}

/// Reads and shapes a plan for its pages: roll-ups over the actions the filter keeps, stale
/// flags by `stale::is_stale` on `today`. `all` as in `store::get_plan`.
pub async fn plan_view(
    db: &Db,
    id: i64,
    all: bool,
    filter: &PlanFilter,
    today: NaiveDate,
    stale_days: i64,
) -> AppResult<PlanView> {
    let tree = store::tree(db, id, all).await?;
    let (facts, (mut themes, mut areas, mut orgs)) = facts_and_links(db, id).await?;
    let mut all_actions = 0;
    let mut named: BTreeMap<String, Named> = BTreeMap::new();
    let mut plan_counts = Rollup::default();
    let mut plan_stale = 0;
    let mut promises = Vec::new();
    for tp in tree.promises {
        let mut pr_counts = Rollup::default();
        let mut pr_stale = 0;
        let mut goals = Vec::new();
        for tg in tp.goals {
            let mut counts = Rollup::default();
            let mut stale_n = 0;
            let mut actions = Vec::new();
            for ta in tg.actions {
                all_actions += 1;
                let f = facts.get(&ta.id);
                let start_date = f.and_then(|f| f.start_date);
                let created = f.map_or(today, |f| f.created_at.date_naive());
                let stale = super::stale::is_stale(
                    &ta.status,
                    ta.last_report,
                    start_date,
                    created,
                    today,
                    stale_days,
                );
                let a = ViewAction {
                    id: ta.id,
                    goal_id: ta.goal_id,
                    title: ta.title,
                    lead_organisation_id: ta.lead_organisation_id,
                    lead_name: ta.lead_name,
                    status: ta.status,
                    percent: ta.percent,
                    last_report: ta.last_report,
                    start_date,
                    end_date: f.and_then(|f| f.end_date),
                    stale,
                    planned_euros: f.and_then(|f| f.planned_euros),
                    planned_days: f.and_then(|f| f.planned_days),
                    euros_used: f.and_then(|f| f.euros_used),
                    days_used: f.and_then(|f| f.days_used),
                    themes: themes.remove(&ta.id).unwrap_or_default(),
                    municipalities: areas.remove(&ta.id).unwrap_or_default(),
                    organisations: orgs.remove(&ta.id).unwrap_or_default(),
                };
                if let (Some(lid), Some(ln)) = (a.lead_organisation_id, &a.lead_name) {
                    named.insert(
                        format!("{}\u{0}{lid}", crate::db::keys::fold(ln)),
                        Named {
                            id: lid,
                            name_fi: ln.clone(),
                            name_sv: String::new(),
                            name_en: String::new(),
                        },
                    );
                }
                for o in &a.organisations {
                    named.insert(
                        format!("{}\u{0}{}", crate::db::keys::fold(&o.name_fi), o.id),
                        o.clone(),
                    );
                }
                if !filter.keeps(&a, &tg.goal.themes) {
                    continue;
                }
                counts.add(&a.status);
                stale_n += i64::from(a.stale);
                actions.push(a);
            }
            if !filter.is_empty() && actions.is_empty() {
                continue;
            }
            pr_counts.merge(&counts);
            pr_stale += stale_n;
            goals.push(ViewGoal {
                goal: tg.goal,
                rollup: Shares::of(counts, stale_n),
                actions,
            });
        }
        if !filter.is_empty() && goals.is_empty() {
            continue;
        }
        plan_counts.merge(&pr_counts);
        plan_stale += pr_stale;
        promises.push(ViewPromise {
            promise: tp.promise,
            rollup: Shares::of(pr_counts, pr_stale),
            goals,
        });
    }
    let mut organisations: Vec<Named> = Vec::new();
    for (_, n) in named {
        if organisations.last().map(|o| o.id) != Some(n.id) {
            organisations.push(n);
        }
    }
    organisations.dedup_by_key(|o| o.id);
    Ok(PlanView {
        plan: tree.plan,
        rollup: Shares::of(plan_counts, plan_stale),
        promises,
        all_actions,
        organisations,
    })
}

/// One row of the timeline: an action and, per year of the plan, whether it runs then.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineRow {
    pub id: i64,
    pub title: String,
    pub promise: Promise,
    pub status: String,
    pub years: Vec<bool>,
    /// Whether the action has no dates (then it is shown over the whole period).
    pub undated: bool,
}

/// Which actions run in which year of the plan: an action runs from its start date's year
/// (the plan's first year when it has none) through its end date's year (the plan's last).
pub fn timeline(view: &PlanView) -> (Vec<i32>, Vec<TimelineRow>) {
    let (first, last) = (view.plan.start_year, view.plan.end_year);
    let years: Vec<i32> = (first..=last).collect();
    let mut rows = Vec::new();
    for p in &view.promises {
        for g in &p.goals {
            for a in &g.actions {
                let s = a.start_date.map_or(first, |d| d.year());
                let e = a.end_date.map_or(last, |d| d.year());
                rows.push(TimelineRow {
                    id: a.id,
                    title: a.title.clone(),
                    promise: p.promise.clone(),
                    status: a.status.clone(),
                    years: years.iter().map(|y| (s..=e).contains(y)).collect(),
                    undated: a.start_date.is_none() && a.end_date.is_none(),
                });
            }
        }
    }
    (years, rows)
}

/// Planned and used money and days of a set of actions.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Sums {
    pub key: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub actions: i64,
    pub planned_euros: f64,
    pub euros_used: f64,
    pub planned_days: f64,
    pub days_used: f64,
}

impl Sums {
    fn add(&mut self, a: &ViewAction) {
        self.actions += 1;
        self.planned_euros += a.planned_euros.unwrap_or(0.0);
        self.euros_used += a.euros_used.unwrap_or(0.0);
        self.planned_days += a.planned_days.unwrap_or(0.0);
        self.days_used += a.days_used.unwrap_or(0.0);
    }
}

/// The resources of a plan summed by promise, theme, organisation and municipality, and
/// in all. An action with several themes (organisations, municipalities) counts in each,
/// so those tables may sum to more than the total.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Resources {
    pub total: Sums,
    pub by_promise: Vec<Sums>,
    pub by_theme: Vec<Sums>,
    pub by_organisation: Vec<Sums>,
    pub by_municipality: Vec<Sums>,
}

pub fn resources(view: &PlanView, themes: &[crate::core::themes::Theme]) -> Resources {
    let mut r = Resources::default();
    let mut by_theme: BTreeMap<String, Sums> = BTreeMap::new();
    let mut by_org: BTreeMap<String, Sums> = BTreeMap::new();
    let mut by_area: BTreeMap<String, Sums> = BTreeMap::new();
    let entry = |m: &mut BTreeMap<String, Sums>, key: String, fi: &str, sv: &str, en: &str| {
        m.entry(key.clone())
            .or_insert_with(|| Sums {
                key,
                name_fi: fi.to_owned(),
                name_sv: sv.to_owned(),
                name_en: en.to_owned(),
                ..Default::default()
            })
            .clone()
    };
    for p in &view.promises {
        let mut ps = Sums {
            key: p.promise.id.to_string(),
            name_fi: p.promise.title_fi.clone(),
            name_sv: p.promise.title_sv.clone(),
            name_en: p.promise.title_en.clone(),
            ..Default::default()
        };
        for g in &p.goals {
            for a in &g.actions {
                ps.add(a);
                r.total.add(a);
                let mut slugs: Vec<&String> = a.themes.iter().chain(g.goal.themes.iter()).collect();
                slugs.sort();
                slugs.dedup();
                for slug in slugs {
                    let (fi, sv, en) = themes
                        .iter()
                        .find(|t| t.slug == *slug)
                        .map(|t| (t.name_fi.as_str(), t.name_sv.as_str(), t.name_en.as_str()))
                        .unwrap_or((slug, slug, slug));
                    let mut s = entry(&mut by_theme, slug.clone(), fi, sv, en);
                    s.add(a);
                    by_theme.insert(slug.clone(), s);
                }
                let mut org_ids: Vec<(i64, String)> = a
                    .organisations
                    .iter()
                    .map(|o| (o.id, o.name_fi.clone()))
                    .collect();
                if let (Some(id), Some(n)) = (a.lead_organisation_id, &a.lead_name) {
                    org_ids.push((id, n.clone()));
                }
                org_ids.sort();
                org_ids.dedup_by_key(|o| o.0);
                for (id, name) in org_ids {
                    let key = format!("{}\u{0}{id}", crate::db::keys::fold(&name));
                    let mut s = entry(&mut by_org, key.clone(), &name, "", "");
                    s.add(a);
                    by_org.insert(key, s);
                }
                for m in &a.municipalities {
                    let key = format!("{}\u{0}{}", crate::db::keys::fold(&m.name_fi), m.id);
                    let mut s = entry(
                        &mut by_area,
                        key.clone(),
                        &m.name_fi,
                        &m.name_sv,
                        &m.name_en,
                    );
                    s.add(a);
                    by_area.insert(key, s);
                }
            }
        }
        r.by_promise.push(ps);
    }
    let order: Vec<&str> = themes.iter().map(|t| t.slug.as_str()).collect();
    let mut t: Vec<Sums> = by_theme.into_values().collect();
    t.sort_by_key(|s| order.iter().position(|o| *o == s.key).unwrap_or(usize::MAX));
    r.by_theme = t;
    r.by_organisation = by_org.into_values().collect();
    r.by_municipality = by_area.into_values().collect();
    r
}

/// A progress update with its author's name (for signed-in readers only).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ProgressRow {
    pub id: i64,
    pub report_date: NaiveDate,
    pub status: String,
    pub percent: i32,
    pub narrative: String,
    pub euros_used: Option<f64>,
    pub days_used: Option<f64>,
    pub evidence: String,
    pub author_name: Option<String>,
}

/// An action's progress updates, newest first, with their authors' names.
pub async fn progress_history(db: &Db, action_id: i64) -> AppResult<Vec<ProgressRow>> {
    let sql = "SELECT p.id, p.report_date, p.status, p.percent, p.narrative, p.euros_used, p.days_used, p.evidence, u.name AS author_name \
               FROM plan_progress p LEFT JOIN users u ON u.id = p.author_id WHERE p.action_id = $1 ORDER BY p.report_date DESC, p.id DESC";
    Ok(with_db!(db, p => sqlx::query_as::<_, ProgressRow>(sql).bind(action_id).fetch_all(p).await)?)
}

/// The names of an action's municipalities and other organisations, for its page.
pub async fn action_names(db: &Db, a: &Action) -> AppResult<(Vec<Named>, Vec<Named>)> {
    let areas_sql = format!(
        "SELECT id, name_fi, name_sv, name_en FROM areas WHERE id IN ({}) ORDER BY name_fi, id",
        crate::db::id_list(a.municipalities.iter().copied())
    );
    let orgs_sql = format!(
        "SELECT id, name_fi, name_sv, '' AS name_en FROM organisations WHERE id IN ({}) ORDER BY name_key, id",
        crate::db::id_list(a.organisations.iter().copied())
    );
    let areas = if a.municipalities.is_empty() {
        vec![]
    } else {
        with_db!(db, p => sqlx::query_as::<_, Named>(sqlx::AssertSqlSafe(areas_sql.as_str())).fetch_all(p).await)?
    };
    let orgs = if a.organisations.is_empty() {
        vec![]
    } else {
        with_db!(db, p => sqlx::query_as::<_, Named>(sqlx::AssertSqlSafe(orgs_sql.as_str())).fetch_all(p).await)?
    };
    Ok((areas, orgs))
}

/// The goals of a plan with their promises, for the action form's goal chooser.
pub async fn goal_choices(db: &Db, plan_id: i64) -> AppResult<Vec<(i64, String)>> {
    let sql = "SELECT g.id, pr.title_fi || ' / ' || g.title_fi FROM plan_goals g JOIN plan_promises pr ON pr.id = g.promise_id \
               WHERE pr.plan_id = $1 ORDER BY pr.position, pr.id, g.position, g.id";
    Ok(with_db!(db, p => sqlx::query_as::<_, (i64, String)>(sql).bind(plan_id).fetch_all(p).await)?)
}

/// The promises of a plan, for the goal form's promise chooser.
pub async fn promise_choices(db: &Db, plan_id: i64) -> AppResult<Vec<(i64, String)>> {
    let sql = "SELECT id, title_fi FROM plan_promises WHERE plan_id = $1 ORDER BY position, id";
    Ok(with_db!(db, p => sqlx::query_as::<_, (i64, String)>(sql).bind(plan_id).fetch_all(p).await)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(id: i64, status: &str, stale: bool) -> ViewAction {
        ViewAction {
            id,
            goal_id: 1,
            title: format!("A{id}"),
            lead_organisation_id: Some(7),
            lead_name: Some("Lead".into()),
            status: status.into(),
            percent: 0,
            last_report: None,
            start_date: NaiveDate::from_ymd_opt(2023, 5, 1),
            end_date: None,
            stale,
            planned_euros: Some(100.0),
            planned_days: None,
            euros_used: Some(40.0),
            days_used: None,
            themes: vec!["violence".into()],
            municipalities: vec![],
            organisations: vec![Named {
                id: 8,
                name_fi: "Other".into(),
                name_sv: String::new(),
                name_en: String::new(),
            }],
        }
    }

    #[test]
    fn shares_are_whole_percentages_of_the_total_and_zero_without_actions() {
        let mut r = Rollup::default();
        for s in ["done", "done", "on_track"] {
            r.add(s);
        }
        let s = Shares::of(r, 1);
        assert_eq!((s.done_pct, s.on_track_pct, s.delayed_pct), (67, 33, 0));
        assert_eq!(Shares::of(Rollup::default(), 0).done_pct, 0);
    }

    #[test]
    fn a_filter_keeps_an_action_by_its_own_or_its_goals_theme_lead_or_other_organisation_and_status()
     {
        let a = action(1, "delayed", true);
        let f = |theme: &str, org: &str, status: &str| PlanFilter {
            theme: theme.into(),
            organisation: org.into(),
            status: status.into(),
            ..Default::default()
        };
        assert!(f("", "", "").keeps(&a, &[]));
        assert!(f("violence", "", "").keeps(&a, &[]));
        assert!(f("gambling", "", "").keeps(&a, &["gambling".into()]));
        assert!(!f("gambling", "", "").keeps(&a, &[]));
        assert!(f("", "7", "").keeps(&a, &[]) && f("", "8", "").keeps(&a, &[]));
        assert!(!f("", "9", "").keeps(&a, &[]) && !f("", "x", "").keeps(&a, &[]));
        assert!(f("", "", "delayed").keeps(&a, &[]) && f("", "", "stale").keeps(&a, &[]));
        assert!(!f("", "", "done").keeps(&a, &[]));
        assert!(!f("", "", "stale").keeps(&action(2, "delayed", false), &[]));
    }
}
