//! SQL for plans, service promises, goals, actions and progress updates. Every change is
//! written with its audit row in one transaction; updates take the row's lock and compare
//! versions first (`lock_version!`, `conflict::check`).

use chrono::Utc;

use super::model::*;
use crate::auth::Actor;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::forms::Check;
use crate::with_db;

pub(crate) fn json<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
    Some(serde_json::to_value(v).unwrap_or_default())
}

const PLAN: &str = "SELECT id, title_fi, title_sv, start_year, end_year, status, description, published, based_on, is_example, created_at, updated_at, version FROM plans";

/// Plans, newest first; only published ones unless `all`.
pub async fn list_plans(db: &Db, all: bool) -> AppResult<Vec<Plan>> {
    let sql = format!("{PLAN} WHERE ($1 OR published) ORDER BY start_year DESC, id DESC");
    Ok(
        with_db!(db, p => sqlx::query_as::<_, Plan>(sqlx::AssertSqlSafe(sql.as_str())).bind(all).fetch_all(p).await)?,
    )
}

/// One plan; a plan the viewer may not see (`all` false and unpublished) does not exist.
pub async fn get_plan(db: &Db, id: i64, all: bool) -> AppResult<Plan> {
    let sql = format!("{PLAN} WHERE id = $1 AND ($2 OR published)");
    with_db!(db, p => sqlx::query_as::<_, Plan>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).bind(all).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)
}

pub async fn create_plan(db: &Db, input: &PlanInput, actor: &Actor) -> AppResult<Plan> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    let v = c.finish(v)?;
    let now = Utc::now();
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plans (title_fi, title_sv, start_year, end_year, status, description, published, based_on, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id")
            .bind(&v.title_fi).bind(&v.title_sv).bind(v.start_year).bind(v.end_year).bind(&v.status)
            .bind(&v.description).bind(v.published).bind(&v.based_on).bind(now)
            .fetch_one(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "create", "plan", id, None, json(&v))?;
        tx.commit().await?;
        id
    });
    get_plan(db, id, true).await
}

pub async fn update_plan(db: &Db, id: i64, input: &PlanInput, actor: &Actor) -> AppResult<Plan> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    let v = c.finish(v)?;
    let sql = format!("{PLAN} WHERE id = $1");
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "plans", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(v.version, current)?;
        let before: Plan = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE plans SET title_fi = $1, title_sv = $2, start_year = $3, end_year = $4, status = $5, description = $6, published = $7, based_on = $8, updated_at = $9, version = version + 1 WHERE id = $10")
            .bind(&v.title_fi).bind(&v.title_sv).bind(v.start_year).bind(v.end_year).bind(&v.status)
            .bind(&v.description).bind(v.published).bind(&v.based_on).bind(Utc::now()).bind(id)
            .execute(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "update", "plan", id, json(&before), json(&v))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    get_plan(db, id, true).await
}

/// Whether every id exists in `table` (a literal table name).
async fn all_exist(db: &Db, table: &str, ids: &[i64]) -> AppResult<bool> {
    if ids.is_empty() {
        return Ok(true);
    }
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let sql = format!(
        "SELECT COUNT(*) FROM {table} WHERE id IN ({})",
        crate::db::id_list(unique.iter().copied())
    );
    let n = with_db!(db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str())).fetch_one(p).await)?;
    Ok(n == unique.len() as i64)
}

const PROMISE: &str =
    "SELECT id, plan_id, position, title_fi, title_sv, title_en, version FROM plan_promises";

pub async fn get_promise(db: &Db, id: i64) -> AppResult<Promise> {
    let sql = format!("{PROMISE} WHERE id = $1");
    with_db!(db, p => sqlx::query_as::<_, Promise>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)
}

async fn check_promise(db: &Db, input: &PromiseInput) -> AppResult<PromiseInput> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    if !all_exist(db, "plans", &[v.plan_id]).await? {
        c.add("plan_id", "error-choice");
    }
    Ok(c.finish(v)?)
}

pub async fn create_promise(db: &Db, input: &PromiseInput, actor: &Actor) -> AppResult<Promise> {
    let v = check_promise(db, input).await?;
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_promises (plan_id, position, title_fi, title_sv, title_en) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(v.plan_id).bind(v.position).bind(&v.title_fi).bind(&v.title_sv).bind(&v.title_en)
            .fetch_one(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "create", "plan_promise", id, None, json(&v))?;
        tx.commit().await?;
        id
    });
    get_promise(db, id).await
}

pub async fn update_promise(
    db: &Db,
    id: i64,
    input: &PromiseInput,
    actor: &Actor,
) -> AppResult<Promise> {
    let v = check_promise(db, input).await?;
    let sql = format!("{PROMISE} WHERE id = $1");
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "plan_promises", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(v.version, current)?;
        let before: Promise = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE plan_promises SET plan_id = $1, position = $2, title_fi = $3, title_sv = $4, title_en = $5, version = version + 1 WHERE id = $6")
            .bind(v.plan_id).bind(v.position).bind(&v.title_fi).bind(&v.title_sv).bind(&v.title_en).bind(id)
            .execute(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "update", "plan_promise", id, json(&before), json(&v))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    get_promise(db, id).await
}

const GOAL: &str = "SELECT id, promise_id, position, title_fi, title_sv, title_en, description, version FROM plan_goals";

pub async fn get_goal(db: &Db, id: i64) -> AppResult<Goal> {
    let sql = format!("{GOAL} WHERE id = $1");
    let mut goal = with_db!(db, p => sqlx::query_as::<_, Goal>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)?;
    goal.themes = with_db!(db, p => sqlx::query_scalar::<_, String>(
        "SELECT t.slug FROM plan_goal_themes gt JOIN themes t ON t.id = gt.theme_id WHERE gt.goal_id = $1 ORDER BY t.sort_order")
        .bind(id).fetch_all(p).await)?;
    Ok(goal)
}

async fn check_goal(db: &Db, input: &GoalInput) -> AppResult<(GoalInput, Vec<i64>)> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    let themes = crate::core::themes::ids_for(db, &v.themes, &mut c, "themes").await?;
    if !all_exist(db, "plan_promises", &[v.promise_id]).await? {
        c.add("promise_id", "error-choice");
    }
    Ok(c.finish((v, themes))?)
}

pub async fn create_goal(db: &Db, input: &GoalInput, actor: &Actor) -> AppResult<Goal> {
    let (v, themes) = check_goal(db, input).await?;
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_goals (promise_id, position, title_fi, title_sv, title_en, description) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(v.promise_id).bind(v.position).bind(&v.title_fi).bind(&v.title_sv).bind(&v.title_en).bind(&v.description)
            .fetch_one(&mut *tx).await?;
        crate::replace_links!(tx, "plan_goal_themes", "goal_id", "theme_id", id, &themes)?;
        crate::audit!(&mut *tx, actor, "create", "plan_goal", id, None, json(&v))?;
        tx.commit().await?;
        id
    });
    get_goal(db, id).await
}

pub async fn update_goal(db: &Db, id: i64, input: &GoalInput, actor: &Actor) -> AppResult<Goal> {
    let (v, themes) = check_goal(db, input).await?;
    let sql = format!("{GOAL} WHERE id = $1");
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "plan_goals", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(v.version, current)?;
        let before: Goal = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE plan_goals SET promise_id = $1, position = $2, title_fi = $3, title_sv = $4, title_en = $5, description = $6, version = version + 1 WHERE id = $7")
            .bind(v.promise_id).bind(v.position).bind(&v.title_fi).bind(&v.title_sv).bind(&v.title_en).bind(&v.description).bind(id)
            .execute(&mut *tx).await?;
        crate::replace_links!(tx, "plan_goal_themes", "goal_id", "theme_id", id, &themes)?;
        crate::audit!(&mut *tx, actor, "update", "plan_goal", id, json(&before), json(&v))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    get_goal(db, id).await
}

const ACTION: &str = "SELECT a.id, a.goal_id, pr.plan_id, a.title, a.description, a.lead_organisation_id, o.name_fi AS lead_name, \
                      a.start_date, a.end_date, a.planned_euros, a.planned_days, a.source_decision_id, a.method_id, a.indicator_id, \
                      a.is_example, a.created_at, a.updated_at, a.version \
                      FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id JOIN plan_promises pr ON pr.id = g.promise_id \
                      LEFT JOIN organisations o ON o.id = a.lead_organisation_id";

/// One action with its organisations, municipalities and themes.
pub async fn get_action(db: &Db, id: i64) -> AppResult<Action> {
    let sql = format!("{ACTION} WHERE a.id = $1");
    let mut a = with_db!(db, p => sqlx::query_as::<_, Action>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)?;
    let (orgs, areas, themes) = with_db!(db, p => {
        let orgs: Vec<i64> = sqlx::query_scalar("SELECT organisation_id FROM plan_action_organisations WHERE action_id = $1 ORDER BY organisation_id").bind(id).fetch_all(p).await?;
        let areas: Vec<i64> = sqlx::query_scalar("SELECT area_id FROM plan_action_areas WHERE action_id = $1 ORDER BY area_id").bind(id).fetch_all(p).await?;
        let themes: Vec<String> = sqlx::query_scalar("SELECT t.slug FROM plan_action_themes at JOIN themes t ON t.id = at.theme_id WHERE at.action_id = $1 ORDER BY t.sort_order").bind(id).fetch_all(p).await?;
        Ok::<_, sqlx::Error>((orgs, areas, themes))
    })?;
    a.organisations = orgs;
    a.municipalities = areas;
    a.themes = themes;
    Ok(a)
}

async fn check_action(db: &Db, input: &ActionInput) -> AppResult<(ActionValues, Vec<i64>)> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    let themes = crate::core::themes::ids_for(db, &v.themes, &mut c, "themes").await?;
    let period_sql = "SELECT pl.start_year, pl.end_year FROM plan_goals g JOIN plan_promises pr ON pr.id = g.promise_id \
                      JOIN plans pl ON pl.id = pr.plan_id WHERE g.id = $1";
    let period = with_db!(db, p => sqlx::query_as::<_, (i32, i32)>(period_sql).bind(v.goal_id).fetch_optional(p).await)?;
    match period {
        None => c.add("goal_id", "error-choice"),
        Some((first, last)) => {
            // An action's dates fall within its plan's period.
            let outside = |d: Option<chrono::NaiveDate>| {
                d.is_some_and(|d| !(first..=last).contains(&chrono::Datelike::year(&d)))
            };
            let key = crate::i18n::with_args(
                "error-outside-plan-period",
                &[("start", &first.to_string()), ("end", &last.to_string())],
            );
            if outside(v.start_date) {
                c.add("start_date", &key);
            }
            if outside(v.end_date) {
                c.add("end_date", &key);
            }
        }
    }
    if let Some(lead) = v.lead_organisation_id
        && !all_exist(db, "organisations", &[lead]).await?
    {
        c.add("lead_organisation_id", "error-choice");
    }
    if !all_exist(db, "organisations", &v.organisations).await? {
        c.add("organisations", "error-choice");
    }
    if !all_exist(db, "areas", &v.municipalities).await? {
        c.add("municipalities", "error-choice");
    }
    Ok(c.finish((v, themes))?)
}

pub async fn create_action(db: &Db, input: &ActionInput, actor: &Actor) -> AppResult<Action> {
    create_action_from(db, input, None, actor).await
}

/// Creates an action, recording the network decision it comes from (`source_decision_id`).
pub async fn create_action_from(
    db: &Db,
    input: &ActionInput,
    source_decision_id: Option<i64>,
    actor: &Actor,
) -> AppResult<Action> {
    let (v, themes) = check_action(db, input).await?;
    let now = Utc::now();
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_actions (goal_id, title, description, lead_organisation_id, start_date, end_date, planned_euros, planned_days, created_at, updated_at, source_decision_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id")
            .bind(v.goal_id).bind(&v.title).bind(&v.description).bind(v.lead_organisation_id)
            .bind(v.start_date).bind(v.end_date).bind(v.planned_euros).bind(v.planned_days).bind(now)
            .bind(source_decision_id)
            .fetch_one(&mut *tx).await?;
        crate::replace_links!(tx, "plan_action_organisations", "action_id", "organisation_id", id, &v.organisations)?;
        crate::replace_links!(tx, "plan_action_areas", "action_id", "area_id", id, &v.municipalities)?;
        crate::replace_links!(tx, "plan_action_themes", "action_id", "theme_id", id, &themes)?;
        let mut after = json(&v);
        if let (Some(serde_json::Value::Object(m)), Some(d)) = (after.as_mut(), source_decision_id) {
            m.insert("source_decision_id".into(), d.into());
        }
        crate::audit!(&mut *tx, actor, "create", "plan_action", id, None, after)?;
        tx.commit().await?;
        id
    });
    get_action(db, id).await
}

pub async fn update_action(
    db: &Db,
    id: i64,
    input: &ActionInput,
    actor: &Actor,
) -> AppResult<Action> {
    let (v, themes) = check_action(db, input).await?;
    let sql = format!("{ACTION} WHERE a.id = $1");
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "plan_actions", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(v.version, current)?;
        let before: Action = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE plan_actions SET goal_id = $1, title = $2, description = $3, lead_organisation_id = $4, start_date = $5, end_date = $6, \
                     planned_euros = $7, planned_days = $8, updated_at = $9, version = version + 1 WHERE id = $10")
            .bind(v.goal_id).bind(&v.title).bind(&v.description).bind(v.lead_organisation_id)
            .bind(v.start_date).bind(v.end_date).bind(v.planned_euros).bind(v.planned_days).bind(Utc::now()).bind(id)
            .execute(&mut *tx).await?;
        crate::replace_links!(tx, "plan_action_organisations", "action_id", "organisation_id", id, &v.organisations)?;
        crate::replace_links!(tx, "plan_action_areas", "action_id", "area_id", id, &v.municipalities)?;
        crate::replace_links!(tx, "plan_action_themes", "action_id", "theme_id", id, &themes)?;
        crate::audit!(&mut *tx, actor, "update", "plan_action", id, json(&before), json(&v))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    get_action(db, id).await
}

/// The organisations responsible for an action: the lead and the others.
pub async fn responsible_organisations(db: &Db, action_id: i64) -> AppResult<Vec<i64>> {
    let sql = "SELECT lead_organisation_id FROM plan_actions WHERE id = $1 AND lead_organisation_id IS NOT NULL \
               UNION SELECT organisation_id FROM plan_action_organisations WHERE action_id = $1";
    Ok(with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(action_id).fetch_all(p).await)?)
}

const PROGRESS: &str = "SELECT id, action_id, report_date, status, percent, narrative, euros_used, days_used, evidence, author_id, created_at FROM plan_progress";

/// An action's progress updates, the latest first.
pub async fn list_progress(db: &Db, action_id: i64) -> AppResult<Vec<Progress>> {
    let sql = format!("{PROGRESS} WHERE action_id = $1 ORDER BY report_date DESC, id DESC");
    Ok(
        with_db!(db, p => sqlx::query_as::<_, Progress>(sqlx::AssertSqlSafe(sql.as_str())).bind(action_id).fetch_all(p).await)?,
    )
}

/// Writes a checked progress update and its audit row on the caller's transaction (the
/// caller holds the action's lock); the id of the new update. Shared by `add_progress` and
/// the fast-update screen's one-transaction save (`plan::update`).
macro_rules! insert_progress {
    ($tx:ident, $action_id:expr, $v:expr, $actor:expr) => {{
        let v: &ProgressValues = $v;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_progress (action_id, report_date, status, percent, narrative, euros_used, days_used, evidence, author_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
            .bind($action_id).bind(v.report_date).bind(&v.status).bind(v.percent).bind(&v.narrative)
            .bind(v.euros_used).bind(v.days_used).bind(&v.evidence).bind($actor.user_id).bind(chrono::Utc::now())
            .fetch_one(&mut *$tx).await?;
        crate::audit!(&mut *$tx, $actor, "create", "plan_progress", id, None, json(v))?;
        id
    }};
}
pub(crate) use insert_progress;

/// Adds a progress update to an action (earlier ones are kept).
pub async fn add_progress(
    db: &Db,
    action_id: i64,
    input: &ProgressInput,
    actor: &Actor,
) -> AppResult<Progress> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    let v = c.finish(v)?;
    let sql = format!("{PROGRESS} WHERE id = $1");
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "plan_actions", action_id)?.ok_or(AppError::NotFound)?;
        let id = insert_progress!(tx, action_id, &v, actor);
        let row: Progress = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok::<_, AppError>(row)
    })
}

/// The plan tree in four queries: promises, goals, goal themes, and actions with their
/// latest progress update; the roll-ups are counted from the actions.
pub async fn tree(db: &Db, id: i64, all: bool) -> AppResult<PlanTree> {
    let plan = get_plan(db, id, all).await?;
    let promises_sql = format!("{PROMISE} WHERE plan_id = $1 ORDER BY position, id");
    let goals_sql = "SELECT g.id, g.promise_id, g.position, g.title_fi, g.title_sv, g.title_en, g.description, g.version \
                     FROM plan_goals g JOIN plan_promises pr ON pr.id = g.promise_id WHERE pr.plan_id = $1 ORDER BY g.position, g.id";
    let themes_sql = "SELECT gt.goal_id, t.slug FROM plan_goal_themes gt JOIN themes t ON t.id = gt.theme_id \
                      JOIN plan_goals g ON g.id = gt.goal_id JOIN plan_promises pr ON pr.id = g.promise_id \
                      WHERE pr.plan_id = $1 ORDER BY t.sort_order";
    // The latest update's fields one by one, each read from the end of the action's run in
    // the covering index `plan_progress_latest_idx` (migration 0018): joining the latest
    // row by its id instead made PostgreSQL hash all the progress updates in the database.
    let actions_sql = "SELECT a.id, a.goal_id, a.title, a.lead_organisation_id, o.name_fi AS lead_name, \
         COALESCE((SELECT p.status FROM plan_progress p WHERE p.action_id = a.id ORDER BY p.report_date DESC, p.id DESC LIMIT 1), 'not_started') AS status, \
         COALESCE((SELECT p.percent FROM plan_progress p WHERE p.action_id = a.id ORDER BY p.report_date DESC, p.id DESC LIMIT 1), 0) AS percent, \
         (SELECT p.report_date FROM plan_progress p WHERE p.action_id = a.id ORDER BY p.report_date DESC, p.id DESC LIMIT 1) AS last_report \
         FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id JOIN plan_promises pr ON pr.id = g.promise_id \
         LEFT JOIN organisations o ON o.id = a.lead_organisation_id \
         WHERE pr.plan_id = $1 ORDER BY CASE WHEN a.start_date IS NULL THEN 1 ELSE 0 END, a.start_date, a.id";
    let (promises, goals, themes, actions) = with_db!(db, p => {
        let promises: Vec<Promise> = sqlx::query_as(sqlx::AssertSqlSafe(promises_sql.as_str())).bind(id).fetch_all(p).await?;
        let goals: Vec<Goal> = sqlx::query_as(goals_sql).bind(id).fetch_all(p).await?;
        let themes: Vec<(i64, String)> = sqlx::query_as(themes_sql).bind(id).fetch_all(p).await?;
        let actions: Vec<TreeAction> = sqlx::query_as(actions_sql).bind(id).fetch_all(p).await?;
        Ok::<_, sqlx::Error>((promises, goals, themes, actions))
    })?;
    let mut themes = crate::db::group_by_owner(themes);
    let mut actions_by_goal =
        crate::db::group_by_owner(actions.into_iter().map(|a| (a.goal_id, a)).collect());
    let mut goals_by_promise = crate::db::group_by_owner(
        goals
            .into_iter()
            .map(|mut g| {
                g.themes = themes.remove(&g.id).unwrap_or_default();
                let actions = actions_by_goal.remove(&g.id).unwrap_or_default();
                let mut rollup = Rollup::default();
                for a in &actions {
                    rollup.add(&a.status);
                }
                (
                    g.promise_id,
                    TreeGoal {
                        goal: g,
                        rollup,
                        actions,
                    },
                )
            })
            .collect(),
    );
    let mut rollup = Rollup::default();
    let promises = promises
        .into_iter()
        .map(|pr| {
            let goals = goals_by_promise.remove(&pr.id).unwrap_or_default();
            let mut r = Rollup::default();
            for g in &goals {
                r.merge(&g.rollup);
            }
            rollup.merge(&r);
            TreePromise {
                promise: pr,
                rollup: r,
                goals,
            }
        })
        .collect();
    Ok(PlanTree {
        plan,
        rollup,
        promises,
    })
}

/// Deletes a service promise; refused (409) while it still has goals — the foreign key
/// answers, so no count can go stale.
pub async fn delete_promise(db: &Db, id: i64, actor: &Actor) -> AppResult<()> {
    let sql = format!("{PROMISE} WHERE id = $1");
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "plan_promises", id)?.ok_or(AppError::NotFound)?;
        let before: Promise = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(&mut *tx).await?;
        sqlx::query("DELETE FROM plan_promises WHERE id = $1").bind(id).execute(&mut *tx).await
            .map_err(|e| AppError::in_use(e, "error-promise-has-goals"))?;
        crate::audit!(&mut *tx, actor, "delete", "plan_promise", id, json(&before), None)?;
        tx.commit().await?;
        Ok(())
    })
}

/// Deletes a goal (its theme links go with it); refused (409) while it still has actions.
pub async fn delete_goal(db: &Db, id: i64, actor: &Actor) -> AppResult<()> {
    let sql = format!("{GOAL} WHERE id = $1");
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "plan_goals", id)?.ok_or(AppError::NotFound)?;
        let before: Goal = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(&mut *tx).await?;
        sqlx::query("DELETE FROM plan_goals WHERE id = $1").bind(id).execute(&mut *tx).await
            .map_err(|e| AppError::in_use(e, "error-goal-has-actions"))?;
        crate::audit!(&mut *tx, actor, "delete", "plan_goal", id, json(&before), None)?;
        tx.commit().await?;
        Ok(())
    })
}

/// Deletes an action with its links and progress history (which the audit row keeps).
pub async fn delete_action(db: &Db, id: i64, actor: &Actor) -> AppResult<()> {
    let before = get_action(db, id).await?;
    let progress = list_progress(db, id).await?;
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "plan_actions", id)?.ok_or(AppError::NotFound)?;
        sqlx::query("DELETE FROM plan_actions WHERE id = $1").bind(id).execute(&mut *tx).await
            .map_err(|e| AppError::in_use(e, "error-action-in-use"))?;
        crate::audit!(&mut *tx, actor, "delete", "plan_action", id,
            Some(serde_json::json!({"action": before, "progress": progress})), None)?;
        tx.commit().await?;
        Ok(())
    })
}
