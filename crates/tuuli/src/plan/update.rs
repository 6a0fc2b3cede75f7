//! The fast-update screen's store: every action of the non-archived plans that one
//! organisation leads or is responsible for, with its latest progress update, read in one
//! query; and the screen's save, which turns each changed row into a progress update
//! (`store::insert_progress!`, audited) in ONE transaction, or saves nothing.
//!
//! A row carries a marker: the id of the action's latest update when the screen was opened
//! (0 for none). A row is changed when what was typed differs from that update; a changed
//! row whose action has been updated by someone else since (its latest update is no longer
//! the marker) is a conflict, and then nothing is saved.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::model::{LONG_TEXT, ProgressValues};
use super::store::{insert_progress, json};
use crate::auth::Actor;
use crate::core::kinds::PROGRESS_STATUSES;
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::knowledge::import::fields::parse_number;
use crate::with_db;

/// One action on the screen, with its latest update (or the defaults when it has none).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct UpdateRow {
    pub id: i64,
    pub title: String,
    pub plan_id: i64,
    pub plan_title: String,
    #[serde(skip)]
    pub plan_status: String,
    pub start_date: Option<NaiveDate>,
    #[serde(skip)]
    pub created_at: DateTime<Utc>,
    /// The latest update's id, 0 when there is none: the row's conflict marker.
    pub latest_id: i64,
    pub status: String,
    pub percent: i32,
    pub narrative: String,
    pub euros_used: Option<f64>,
    pub days_used: Option<f64>,
    pub last_report: Option<NaiveDate>,
    /// Flagged by `plan::stale::is_stale`.
    #[sqlx(skip)]
    pub stale: bool,
}

const ROWS: &str = "SELECT a.id, a.title, pl.id AS plan_id, pl.title_fi AS plan_title, pl.status AS plan_status, \
    a.start_date, a.created_at, COALESCE(lp.id, 0) AS latest_id, COALESCE(lp.status, 'not_started') AS status, \
    COALESCE(lp.percent, 0) AS percent, COALESCE(lp.narrative, '') AS narrative, lp.euros_used, lp.days_used, \
    lp.report_date AS last_report \
    FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id JOIN plan_promises pr ON pr.id = g.promise_id \
    JOIN plans pl ON pl.id = pr.plan_id \
    LEFT JOIN plan_progress lp ON lp.id = (SELECT p2.id FROM plan_progress p2 WHERE p2.action_id = a.id \
                                           ORDER BY p2.report_date DESC, p2.id DESC LIMIT 1) \
    WHERE (a.lead_organisation_id = $1 OR EXISTS (SELECT 1 FROM plan_action_organisations ao \
                                                  WHERE ao.action_id = a.id AND ao.organisation_id = $1))";

/// The organisation's actions with their latest updates, in one query; archived plans'
/// actions too when `archived` (the save checks against them, the screen leaves them out).
async fn load(db: &Db, org: i64, archived: bool) -> AppResult<Vec<UpdateRow>> {
    let sql = format!(
        "{ROWS}{} ORDER BY pl.start_year DESC, pl.id, a.title, a.id",
        if archived {
            ""
        } else {
            " AND pl.status <> 'archived'"
        }
    );
    Ok(
        with_db!(db, p => sqlx::query_as::<_, UpdateRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(org).fetch_all(p).await)?,
    )
}

/// The screen's rows: the stale ones (`plan::stale`) first, each group in plan order.
pub async fn rows(
    db: &Db,
    org: i64,
    today: NaiveDate,
    stale_days: i64,
) -> AppResult<Vec<UpdateRow>> {
    let mut rows = load(db, org, false).await?;
    for r in rows.iter_mut() {
        r.stale = super::stale::is_stale(
            &r.status,
            r.last_report,
            r.start_date,
            r.created_at.date_naive(),
            today,
            stale_days,
        );
    }
    // A stable sort keeps the plan order within each group.
    rows.sort_by_key(|r| !r.stale);
    Ok(rows)
}

/// The organisations that lead or share some action of a non-archived plan, for the
/// coordinator's choice: (id, Finnish name), by name.
pub async fn organisations(db: &Db) -> AppResult<Vec<(i64, String)>> {
    let sql = "SELECT o.id, o.name_fi FROM organisations o WHERE o.id IN ( \
               SELECT a.lead_organisation_id FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id \
               JOIN plan_promises pr ON pr.id = g.promise_id JOIN plans pl ON pl.id = pr.plan_id \
               WHERE pl.status <> 'archived' \
               UNION SELECT ao.organisation_id FROM plan_action_organisations ao JOIN plan_actions a ON a.id = ao.action_id \
               JOIN plan_goals g ON g.id = a.goal_id JOIN plan_promises pr ON pr.id = g.promise_id \
               JOIN plans pl ON pl.id = pr.plan_id WHERE pl.status <> 'archived') \
               ORDER BY o.name_key, o.id";
    Ok(with_db!(db, p => sqlx::query_as::<_, (i64, String)>(sql).fetch_all(p).await)?)
}

/// One row as typed (all text, so that it can be shown back).
#[derive(Clone, Debug, Default, Serialize)]
pub struct RowInput {
    pub action_id: i64,
    /// The latest update's id when the screen was opened ("0": none).
    pub latest: String,
    pub status: String,
    pub percent: String,
    pub narrative: String,
    pub euros_used: String,
    pub days_used: String,
}

impl RowInput {
    /// The values shown for a row read from the database (amounts in the language's
    /// decimal mark).
    pub fn from_row(r: &UpdateRow, decimal_comma: bool) -> Self {
        let amount = |v: Option<f64>| {
            v.map(|x| {
                let s = x.to_string();
                if decimal_comma {
                    s.replace('.', ",")
                } else {
                    s
                }
            })
            .unwrap_or_default()
        };
        RowInput {
            action_id: r.id,
            latest: r.latest_id.to_string(),
            status: r.status.clone(),
            percent: r.percent.to_string(),
            narrative: r.narrative.clone(),
            euros_used: amount(r.euros_used),
            days_used: amount(r.days_used),
        }
    }
}

/// A row after checking.
#[derive(Clone, Debug, PartialEq)]
struct RowValues {
    status: String,
    percent: i32,
    narrative: String,
    euros_used: Option<f64>,
    days_used: Option<f64>,
}

/// Field names on the screen are `<field>-<action id>`, so each error sits by its row.
pub fn field(name: &str, action_id: i64) -> String {
    format!("{name}-{action_id}")
}

fn check_row(r: &RowInput, errors: &mut FieldErrors) -> RowValues {
    let id = r.action_id;
    let status = r.status.trim();
    if !PROGRESS_STATUSES.contains(&status) {
        errors.add(&field("status", id), "error-choice");
    }
    let percent = match r.percent.trim().trim_end_matches('%').trim().parse::<i32>() {
        Ok(p) if (0..=100).contains(&p) => p,
        _ => {
            errors.add(&field("percent", id), "error-percent-range");
            0
        }
    };
    let mut amount = |name: &str, raw: &str| match parse_number(raw) {
        Ok(Some(x)) if (0.0..=super::model::MAX_AMOUNT).contains(&x) => Some(x),
        Ok(None) => None,
        Ok(Some(x)) if x > super::model::MAX_AMOUNT => {
            errors.add(&field(name, id), "plan-error-amount-too-large");
            None
        }
        Ok(Some(_)) => {
            errors.add(&field(name, id), "error-negative");
            None
        }
        Err(_) => {
            errors.add(&field(name, id), "plan-update-error-number");
            None
        }
    };
    let euros_used = amount("euros_used", &r.euros_used);
    let days_used = amount("days_used", &r.days_used);
    let narrative = r.narrative.trim().to_owned();
    if narrative.chars().count() > LONG_TEXT {
        errors.add(
            &field("narrative", id),
            &crate::web::forms::too_long(LONG_TEXT),
        );
    }
    RowValues {
        status: status.to_owned(),
        percent,
        narrative,
        euros_used,
        days_used,
    }
}

/// Why a save was refused.
#[derive(Debug)]
pub enum SaveError {
    /// 422: the rows' field errors (keys from `field`); nothing was saved.
    Invalid(FieldErrors),
    /// 409: these actions were updated by someone else since the screen was opened
    /// (action id → the update now latest); nothing was saved.
    Conflict(Vec<i64>),
    /// Anything else (403 for a row that is not the organisation's, 500…).
    Other(AppError),
}

impl From<AppError> for SaveError {
    fn from(e: AppError) -> Self {
        SaveError::Other(e)
    }
}

impl From<sqlx::Error> for SaveError {
    fn from(e: sqlx::Error) -> Self {
        SaveError::Other(e.into())
    }
}

/// Saves the screen of organisation `org`: every changed row becomes a progress update
/// dated `today`, all in one transaction; unchanged rows add nothing. A row naming an
/// action that is not the organisation's is refused (403) and a row of an archived plan
/// is an error (422); in both cases, and on any field error or conflict, nothing is
/// saved. Returns the ids of the updated actions.
pub async fn save(
    db: &Db,
    org: i64,
    inputs: &[RowInput],
    today: NaiveDate,
    actor: &Actor,
) -> Result<Vec<i64>, SaveError> {
    let current: HashMap<i64, UpdateRow> = load(db, org, true)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut errors = FieldErrors::new();
    let mut checked = Vec::with_capacity(inputs.len());
    for r in inputs {
        let Some(row) = current.get(&r.action_id) else {
            // Not an action of this organisation: the screen never offers it.
            return Err(SaveError::Other(AppError::forbidden()));
        };
        let v = check_row(r, &mut errors);
        if row.plan_status == "archived" {
            errors.add(&field("status", r.action_id), "plan-update-error-archived");
        }
        let marker: i64 = r.latest.trim().parse().unwrap_or(-1);
        checked.push((r.action_id, marker, v));
    }
    if !errors.is_empty() {
        return Err(SaveError::Invalid(errors));
    }
    // What each row showed when the screen was opened: the update named by its marker.
    let markers: Vec<i64> = checked.iter().map(|c| c.1).filter(|m| *m > 0).collect();
    let shown = shown_updates(db, &markers).await?;
    let baseline = RowValues {
        status: "not_started".into(),
        percent: 0,
        narrative: String::new(),
        euros_used: None,
        days_used: None,
    };
    let changed: Vec<(i64, i64, RowValues)> = checked
        .into_iter()
        .filter(|(id, marker, v)| {
            let was = match shown.get(marker) {
                Some((action, values)) if action == id => values,
                // No update then (or a marker that is not this action's): the defaults.
                _ => &baseline,
            };
            v != was
        })
        .collect();
    if changed.is_empty() {
        return Ok(vec![]);
    }
    // The changed actions' locks, then their latest updates, in two statements.
    let ids = crate::db::id_list(changed.iter().map(|c| c.0));
    let lock =
        format!("UPDATE plan_actions SET version = version WHERE id IN ({ids}) RETURNING id");
    let latest_sql = format!(
        "SELECT a.id, COALESCE((SELECT p2.id FROM plan_progress p2 WHERE p2.action_id = a.id \
         ORDER BY p2.report_date DESC, p2.id DESC LIMIT 1), 0) FROM plan_actions a WHERE a.id IN ({ids})"
    );
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let locked: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(lock.as_str())).fetch_all(&mut *tx).await?;
        if locked.len() != changed.len() {
            return Err(SaveError::Other(AppError::NotFound));
        }
        let latest: HashMap<i64, i64> = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(latest_sql.as_str()))
            .fetch_all(&mut *tx).await?.into_iter().collect();
        let conflicts: Vec<i64> = changed
            .iter()
            .filter(|(id, marker, _)| latest.get(id) != Some(marker))
            .map(|c| c.0)
            .collect();
        if !conflicts.is_empty() {
            return Err(SaveError::Conflict(conflicts));
        }
        for (id, _, v) in &changed {
            let values = ProgressValues {
                report_date: Some(today),
                status: v.status.clone(),
                percent: v.percent,
                narrative: v.narrative.clone(),
                euros_used: v.euros_used,
                days_used: v.days_used,
                evidence: String::new(),
            };
            insert_progress!(tx, *id, &values, actor);
        }
        tx.commit().await?;
        Ok::<_, SaveError>(())
    })?;
    Ok(changed.into_iter().map(|c| c.0).collect())
}

/// The updates with these ids: id → (action, values), in one query.
async fn shown_updates(db: &Db, ids: &[i64]) -> AppResult<BTreeMap<i64, (i64, RowValues)>> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let sql = format!(
        "SELECT id, action_id, status, percent, narrative, euros_used, days_used FROM plan_progress WHERE id IN ({})",
        crate::db::id_list(ids.iter().copied())
    );
    type Row = (i64, i64, String, i32, String, Option<f64>, Option<f64>);
    let rows = with_db!(db, p => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, action, status, percent, narrative, euros_used, days_used)| {
                (
                    id,
                    (
                        action,
                        RowValues {
                            status,
                            percent,
                            narrative,
                            euros_used,
                            days_used,
                        },
                    ),
                )
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_with_a_percent_over_100_or_a_bad_amount_is_refused_by_field() {
        let mut errors = FieldErrors::new();
        check_row(
            &RowInput {
                action_id: 7,
                latest: "0".into(),
                status: "on_track".into(),
                percent: "101".into(),
                euros_used: "12,5".into(),
                days_used: "x".into(),
                ..Default::default()
            },
            &mut errors,
        );
        assert_eq!(errors.0["percent-7"], "error-percent-range");
        assert_eq!(errors.0["days_used-7"], "plan-update-error-number");
        assert!(!errors.0.contains_key("euros_used-7"));
        assert!(!errors.0.contains_key("status-7"));
    }

    #[test]
    fn amounts_shown_back_parse_to_the_same_value() {
        let mut errors = FieldErrors::new();
        let v = check_row(
            &RowInput {
                action_id: 1,
                status: "done".into(),
                percent: "100 %".into(),
                euros_used: "1 234,56".into(),
                ..Default::default()
            },
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(v.euros_used, Some(1234.56));
        assert_eq!(v.percent, 100);
    }
}
