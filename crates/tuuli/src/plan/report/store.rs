//! SQL for reports, their snapshots, the data the sections read, and the next plan made
//! from a report. Every change is written with its audit row in one transaction.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

use super::model::*;
use crate::auth::Actor;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::forms::Check;
use crate::with_db;

fn json<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
    Some(serde_json::to_value(v).unwrap_or_default())
}

const REPORT: &str = "SELECT r.id, r.plan_id, r.from_year, r.to_year, r.narratives, r.created_at, r.updated_at, r.version, \
                      (SELECT MAX(s.published_at) FROM plan_report_snapshots s WHERE s.report_id = r.id) AS published_at \
                      FROM plan_reports r";

/// A plan's reports, the latest period first.
pub async fn list(db: &Db, plan_id: i64) -> AppResult<Vec<Report>> {
    let sql = format!(
        "{REPORT} WHERE r.plan_id = $1 ORDER BY r.to_year DESC, r.from_year DESC, r.id DESC"
    );
    let rows = with_db!(db, p => sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(plan_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(Report::from).collect())
}

/// One report of a plan (404 when the report belongs to another plan).
pub async fn get(db: &Db, plan_id: i64, id: i64) -> AppResult<Report> {
    let sql = format!("{REPORT} WHERE r.id = $1 AND r.plan_id = $2");
    with_db!(db, p => sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).bind(plan_id).fetch_optional(p).await)?
        .map(Report::from)
        .ok_or(AppError::NotFound)
}

/// Creates a report for a period, or returns the plan's existing one for that period.
pub async fn create(
    db: &Db,
    plan_id: i64,
    input: &ReportInput,
    actor: &Actor,
) -> AppResult<Report> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    let v = c.finish(v)?;
    let existing = with_db!(db, p => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM plan_reports WHERE plan_id = $1 AND from_year = $2 AND to_year = $3")
        .bind(plan_id).bind(v.from_year).bind(v.to_year).fetch_optional(p).await)?;
    if let Some(id) = existing {
        return get(db, plan_id, id).await;
    }
    let now = Utc::now();
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_reports (plan_id, from_year, to_year, narratives, created_at, updated_at) VALUES ($1, $2, $3, '{}', $4, $4) RETURNING id")
            .bind(plan_id).bind(v.from_year).bind(v.to_year).bind(now)
            .fetch_one(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "create", "plan_report", id, None, json(&serde_json::json!({"plan_id": plan_id, "from_year": v.from_year, "to_year": v.to_year})))?;
        tx.commit().await?;
        id
    });
    get(db, plan_id, id).await
}

/// Replaces a report's narratives (edit conflict checked against `version`).
pub async fn save_narratives(
    db: &Db,
    report: &Report,
    input: &NarrativesInput,
    promise_ids: &[i64],
    actor: &Actor,
) -> AppResult<Report> {
    let mut c = Check::new();
    let v = input.check(&mut c, promise_ids);
    let v = c.finish(v)?;
    let text = serde_json::to_string(&v.narratives).unwrap_or_else(|_| "{}".into());
    let id = report.id;
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "plan_reports", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(v.version, current)?;
        let before: String = sqlx::query_scalar("SELECT narratives FROM plan_reports WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE plan_reports SET narratives = $1, updated_at = $2, version = version + 1 WHERE id = $3")
            .bind(&text).bind(Utc::now()).bind(id).execute(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "update", "plan_report", id,
            Some(serde_json::json!({"narratives": serde_json::from_str::<serde_json::Value>(&before).unwrap_or_default()})),
            json(&serde_json::json!({"narratives": v.narratives})))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    get(db, report.plan_id, id).await
}

/// Stores a published snapshot (the data and the rendered body in each language).
pub async fn publish(
    db: &Db,
    report: &Report,
    data: &str,
    html: [&str; 3],
    actor: &Actor,
) -> AppResult<Snapshot> {
    let now = Utc::now();
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "plan_reports", report.id)?.ok_or(AppError::NotFound)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_report_snapshots (report_id, data, html_fi, html_sv, html_en, published_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(report.id).bind(data).bind(html[0]).bind(html[1]).bind(html[2]).bind(now)
            .fetch_one(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "create", "plan_report_snapshot", id, None,
            json(&serde_json::json!({"report_id": report.id, "published_at": now})))?;
        tx.commit().await?;
        Ok::<_, AppError>(id)
    })?;
    snapshot_by_id(db, id).await
}

const SNAPSHOT: &str = "SELECT id, report_id, data, html_fi, html_sv, html_en, published_at FROM plan_report_snapshots";

async fn snapshot_by_id(db: &Db, id: i64) -> AppResult<Snapshot> {
    let sql = format!("{SNAPSHOT} WHERE id = $1");
    with_db!(db, p => sqlx::query_as::<_, Snapshot>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)
}

/// The latest published snapshot of a report, if any.
pub async fn latest_snapshot(db: &Db, report_id: i64) -> AppResult<Option<Snapshot>> {
    let sql = format!("{SNAPSHOT} WHERE report_id = $1 ORDER BY id DESC LIMIT 1");
    Ok(
        with_db!(db, p => sqlx::query_as::<_, Snapshot>(sqlx::AssertSqlSafe(sql.as_str())).bind(report_id).fetch_optional(p).await)?,
    )
}

// ---- What the sections read ----

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct GoalRow {
    pub id: i64,
    pub promise_id: i64,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ActionRow {
    pub id: i64,
    pub goal_id: i64,
    pub title: String,
    pub lead_name: Option<String>,
    pub planned_euros: Option<f64>,
    pub planned_days: Option<f64>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProgressRow {
    pub action_id: i64,
    pub report_date: NaiveDate,
    pub status: String,
    pub percent: i32,
    pub narrative: String,
    pub euros_used: Option<f64>,
    pub days_used: Option<f64>,
}

/// The first and last day of a period of years.
pub fn period_days(from_year: i32, to_year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(from_year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(to_year, 12, 31).unwrap_or_default(),
    )
}

/// A plan's promises, goals, the actions running in the period (dates overlapping it, or
/// undated) and their progress updates up to the period's end, in four queries.
pub async fn plan_data(
    db: &Db,
    plan_id: i64,
    from_year: i32,
    to_year: i32,
) -> AppResult<(
    Vec<crate::plan::model::Promise>,
    Vec<GoalRow>,
    Vec<ActionRow>,
    Vec<ProgressRow>,
)> {
    let (first, last) = period_days(from_year, to_year);
    let promises_sql = "SELECT id, plan_id, position, title_fi, title_sv, title_en, version FROM plan_promises WHERE plan_id = $1 ORDER BY position, id";
    let goals_sql = "SELECT g.id, g.promise_id, g.title_fi, g.title_sv, g.title_en FROM plan_goals g \
                     JOIN plan_promises pr ON pr.id = g.promise_id WHERE pr.plan_id = $1 ORDER BY g.position, g.id";
    let in_period =
        "(a.start_date IS NULL OR a.start_date <= $3) AND (a.end_date IS NULL OR a.end_date >= $2)";
    let actions_sql = format!(
        "SELECT a.id, a.goal_id, a.title, o.name_fi AS lead_name, a.planned_euros, a.planned_days \
         FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id JOIN plan_promises pr ON pr.id = g.promise_id \
         LEFT JOIN organisations o ON o.id = a.lead_organisation_id \
         WHERE pr.plan_id = $1 AND {in_period} ORDER BY a.title, a.id"
    );
    let progress_sql = format!(
        "SELECT u.action_id, u.report_date, u.status, u.percent, u.narrative, u.euros_used, u.days_used \
         FROM plan_progress u JOIN plan_actions a ON a.id = u.action_id JOIN plan_goals g ON g.id = a.goal_id \
         JOIN plan_promises pr ON pr.id = g.promise_id \
         WHERE pr.plan_id = $1 AND {in_period} AND u.report_date <= $3 ORDER BY u.action_id, u.report_date, u.id"
    );
    Ok(with_db!(db, p => {
        let promises = sqlx::query_as(promises_sql).bind(plan_id).fetch_all(p).await?;
        let goals = sqlx::query_as(goals_sql).bind(plan_id).fetch_all(p).await?;
        let actions = sqlx::query_as(sqlx::AssertSqlSafe(actions_sql.as_str())).bind(plan_id).bind(first).bind(last).fetch_all(p).await?;
        let progress = sqlx::query_as(sqlx::AssertSqlSafe(progress_sql.as_str())).bind(plan_id).bind(first).bind(last).fetch_all(p).await?;
        Ok::<_, sqlx::Error>((promises, goals, actions, progress))
    })?)
}

/// A working group's activity in a period.
#[derive(Clone, Debug, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct GroupActivity {
    pub id: i64,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    /// Meetings held (started in the period, and already over).
    pub meetings: i64,
    /// Decisions made in those meetings.
    pub decisions: i64,
    /// Of those decisions, how many some plan action comes from.
    pub to_actions: i64,
}

/// Meetings held per group in the period, with their decisions and how many became actions.
pub async fn network_activity(
    db: &Db,
    from_year: i32,
    to_year: i32,
) -> AppResult<Vec<GroupActivity>> {
    let start = NaiveDate::from_ymd_opt(from_year, 1, 1)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(to_year + 1, 1, 1)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let now: NaiveDateTime = crate::core::time::local_now();
    let sql = "SELECT g.id, g.name_fi, g.name_sv, g.name_en, COUNT(DISTINCT m.id) AS meetings, COUNT(DISTINCT d.id) AS decisions, \
               COUNT(DISTINCT a.source_decision_id) AS to_actions \
               FROM meetings m JOIN work_groups g ON g.id = m.group_id \
               LEFT JOIN decisions d ON d.meeting_id = m.id LEFT JOIN plan_actions a ON a.source_decision_id = d.id \
               WHERE m.starts_at >= $1 AND m.starts_at < $2 AND m.ends_at <= $3 \
               GROUP BY g.id, g.name_fi, g.name_sv, g.name_en ORDER BY g.name_fi, g.id";
    Ok(
        with_db!(db, p => sqlx::query_as::<_, GroupActivity>(sql).bind(start).bind(end).bind(now).fetch_all(p).await)?,
    )
}

// ---- The next plan ----

/// Creates a draft plan from a report: the same promises, and the goals and actions not
/// done or cancelled at the report's end, each pointing to where it came from. One
/// transaction, audited row by row.
pub async fn next_plan(
    db: &Db,
    report: &Report,
    input: &NextPlanInput,
    actor: &Actor,
) -> AppResult<i64> {
    let mut c = Check::new();
    let plan_input = crate::plan::model::PlanInput {
        title_fi: input.title_fi.clone(),
        title_sv: input.title_sv.clone(),
        start_year: input.start_year,
        end_year: input.end_year,
        status: "draft".into(),
        description: String::new(),
        published: false,
        based_on: String::new(),
        version: None,
    }
    .check(&mut c);
    let v = c.finish(plan_input)?;
    let (_, last) = period_days(report.from_year, report.to_year);
    let source = report.plan_id;
    let now = Utc::now();
    // The actions to carry: not done or cancelled by the report's end.
    let open_sql = "SELECT a.id FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id JOIN plan_promises pr ON pr.id = g.promise_id \
                    LEFT JOIN plan_progress lp ON lp.id = (SELECT p2.id FROM plan_progress p2 WHERE p2.action_id = a.id AND p2.report_date <= $2 \
                                                           ORDER BY p2.report_date DESC, p2.id DESC LIMIT 1) \
                    WHERE pr.plan_id = $1 AND COALESCE(lp.status, 'not_started') NOT IN ('done', 'cancelled') ORDER BY a.id";
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let open: Vec<i64> = sqlx::query_scalar(open_sql).bind(source).bind(last).fetch_all(&mut *tx).await?;
        let plan: i64 = sqlx::query_scalar(
            "INSERT INTO plans (title_fi, title_sv, start_year, end_year, status, description, published, based_on, based_on_report_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'draft', '', FALSE, $5, $6, $7, $7) RETURNING id")
            .bind(&v.title_fi).bind(&v.title_sv).bind(v.start_year).bind(v.end_year)
            .bind(format!("report {} ({}–{})", report.id, report.from_year, report.to_year)).bind(report.id).bind(now)
            .fetch_one(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "create", "plan", plan, None,
            json(&serde_json::json!({"title_fi": v.title_fi, "based_on_report_id": report.id})))?;
        let promises: Vec<(i64, i32, String, String, String)> = sqlx::query_as(
            "SELECT id, position, title_fi, title_sv, title_en FROM plan_promises WHERE plan_id = $1 ORDER BY position, id")
            .bind(source).fetch_all(&mut *tx).await?;
        for (old_promise, position, fi, sv, en) in promises {
            let promise: i64 = sqlx::query_scalar(
                "INSERT INTO plan_promises (plan_id, position, title_fi, title_sv, title_en) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(plan).bind(position).bind(&fi).bind(&sv).bind(&en).fetch_one(&mut *tx).await?;
            crate::audit!(&mut *tx, actor, "create", "plan_promise", promise, None, json(&serde_json::json!({"title_fi": fi})))?;
            let goals: Vec<(i64, i32, String, String, String, String)> = sqlx::query_as(
                "SELECT id, position, title_fi, title_sv, title_en, description FROM plan_goals WHERE promise_id = $1 ORDER BY position, id")
                .bind(old_promise).fetch_all(&mut *tx).await?;
            for (old_goal, gpos, gfi, gsv, gen_, gdesc) in goals {
                let actions: Vec<i64> = sqlx::query_scalar("SELECT id FROM plan_actions WHERE goal_id = $1 ORDER BY id")
                    .bind(old_goal).fetch_all(&mut *tx).await?;
                let carried: Vec<i64> = actions.into_iter().filter(|a| open.contains(a)).collect();
                if carried.is_empty() {
                    continue;
                }
                let goal: i64 = sqlx::query_scalar(
                    "INSERT INTO plan_goals (promise_id, position, title_fi, title_sv, title_en, description, previous_goal_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(promise).bind(gpos).bind(&gfi).bind(&gsv).bind(&gen_).bind(&gdesc).bind(old_goal).fetch_one(&mut *tx).await?;
                sqlx::query("INSERT INTO plan_goal_themes (goal_id, theme_id) SELECT $1, theme_id FROM plan_goal_themes WHERE goal_id = $2")
                    .bind(goal).bind(old_goal).execute(&mut *tx).await?;
                // The goal's indicator targets go with it (issue 9: goal targets).
                sqlx::query("INSERT INTO goal_targets (goal_id, indicator_id, area_id, baseline_value, baseline_year, target_value, target_year, created_at, updated_at) \
                             SELECT $1, indicator_id, area_id, baseline_value, baseline_year, target_value, target_year, $3, $3 FROM goal_targets WHERE goal_id = $2")
                    .bind(goal).bind(old_goal).bind(now).execute(&mut *tx).await?;
                crate::audit!(&mut *tx, actor, "create", "plan_goal", goal, None, json(&serde_json::json!({"title_fi": gfi, "previous_goal_id": old_goal})))?;
                for old in carried {
                    let action: i64 = sqlx::query_scalar(
                        "INSERT INTO plan_actions (goal_id, title, description, lead_organisation_id, planned_euros, planned_days, source_decision_id, \
                         method_id, indicator_id, previous_action_id, created_at, updated_at) \
                         SELECT $1, title, description, lead_organisation_id, planned_euros, planned_days, source_decision_id, method_id, indicator_id, id, $2, $2 \
                         FROM plan_actions WHERE id = $3 RETURNING id")
                        .bind(goal).bind(now).bind(old).fetch_one(&mut *tx).await?;
                    for table in ["plan_action_organisations (action_id, organisation_id) SELECT $1, organisation_id FROM plan_action_organisations",
                                  "plan_action_areas (action_id, area_id) SELECT $1, area_id FROM plan_action_areas",
                                  "plan_action_themes (action_id, theme_id) SELECT $1, theme_id FROM plan_action_themes"] {
                        let sql = format!("INSERT INTO {table} WHERE action_id = $2");
                        sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(action).bind(old).execute(&mut *tx).await?;
                    }
                    crate::audit!(&mut *tx, actor, "create", "plan_action", action, None, json(&serde_json::json!({"previous_action_id": old})))?;
                }
            }
        }
        tx.commit().await?;
        Ok::<_, AppError>(plan)
    })?;
    Ok(id)
}

/// Where a carried-over action came from (its previous action), if anywhere.
pub async fn previous_action(db: &Db, action_id: i64) -> AppResult<Option<i64>> {
    Ok(with_db!(db, p => sqlx::query_scalar::<_, Option<i64>>("SELECT previous_action_id FROM plan_actions WHERE id = $1")
        .bind(action_id).fetch_optional(p).await)?.flatten())
}
