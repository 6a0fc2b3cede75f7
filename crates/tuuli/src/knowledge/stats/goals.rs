//! Indicator targets of plan goals (migration 0015): a goal links an indicator and an
//! area with a baseline (value, year) and a target (value, year). A target is judged
//! *on track* when the latest value is at least as good as the straight path from the
//! baseline to the target in its year (better = the indicator's polarity, or, without one,
//! the direction from baseline to target).

use std::collections::HashMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Actor;
use crate::db::{Db, id_list};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::with_db;

/// A stored target.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct GoalTarget {
    pub id: i64,
    pub goal_id: i64,
    pub indicator_id: i64,
    pub area_id: i64,
    pub baseline_value: f64,
    pub baseline_year: i32,
    pub target_value: f64,
    pub target_year: i32,
    pub version: i64,
}

/// A new target. Years 1900–2200; the target year after the baseline year; an indicator
/// and area may be linked to a goal once.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct TargetInput {
    pub indicator_id: i64,
    pub area_id: i64,
    pub baseline_value: f64,
    #[schema(minimum = 1900, maximum = 2200, example = 2020)]
    pub baseline_year: i32,
    pub target_value: f64,
    #[schema(minimum = 1900, maximum = 2200, example = 2028)]
    pub target_year: i32,
}

/// A target with its judgement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Judged {
    pub target_id: i64,
    pub goal_id: i64,
    pub goal_title: String,
    /// The goal's Swedish and English titles (empty when not given).
    pub goal_title_sv: String,
    pub goal_title_en: String,
    pub indicator_id: i64,
    pub area_id: i64,
    pub baseline_value: f64,
    pub baseline_year: i32,
    pub target_value: f64,
    pub target_year: i32,
    pub latest_value: Option<f64>,
    pub latest_year: Option<i32>,
    /// Where the straight path is in the latest value's year.
    pub path_value: Option<f64>,
    /// None: no value since the baseline year.
    pub on_track: Option<bool>,
    /// on_track, off_track or no_data.
    pub status: &'static str,
    pub synthetic: bool,
}

/// The straight path's value in `year` (the target after the target year).
pub fn path_value(t: &GoalTarget, year: i32) -> f64 {
    let span = f64::from(t.target_year - t.baseline_year).max(1.0);
    let done = f64::from(year.clamp(t.baseline_year, t.target_year) - t.baseline_year) / span;
    t.baseline_value + (t.target_value - t.baseline_value) * done
}

/// On track when `latest` is at least as good as the path (lower is better when the
/// polarity says so, or when the target is below the baseline without a polarity).
pub fn on_track(t: &GoalTarget, polarity: &str, latest: f64, year: i32) -> bool {
    let path = path_value(t, year);
    let lower_better = match polarity {
        "lower_better" => true,
        "higher_better" => false,
        _ => t.target_value < t.baseline_value,
    };
    if lower_better {
        latest <= path
    } else {
        latest >= path
    }
}

const COLS: &str = "id, goal_id, indicator_id, area_id, baseline_value, baseline_year, target_value, target_year, version";

/// The targets of some goals.
pub async fn list(db: &Db, goal_ids: &[i64]) -> AppResult<Vec<GoalTarget>> {
    if goal_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLS} FROM goal_targets WHERE goal_id IN ({}) ORDER BY goal_id, id",
        id_list(goal_ids.iter().copied())
    );
    Ok(
        with_db!(db, p => sqlx::query_as::<_, GoalTarget>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?,
    )
}

/// Judges the targets of `goal_ids`: goal id → its judged targets. For the plan pages.
pub async fn judge_goal_targets(db: &Db, goal_ids: &[i64]) -> AppResult<HashMap<i64, Vec<Judged>>> {
    let targets = list(db, goal_ids).await?;
    let judged = judge(db, targets).await?;
    Ok(crate::db::group_by_owner(
        judged.into_iter().map(|j| (j.goal_id, j)).collect(),
    ))
}

/// Judges every target of some areas (for the flags). The targets of goals of unpublished
/// plans only when `sees_drafts` (`plan::sees_unpublished`): a flag names its goal.
pub async fn judge_for_areas(
    db: &Db,
    area_ids: &[i64],
    sees_drafts: bool,
) -> AppResult<Vec<Judged>> {
    if area_ids.is_empty() {
        return Ok(Vec::new());
    }
    let published = if sees_drafts {
        ""
    } else {
        " AND goal_id IN (SELECT g.id FROM plan_goals g JOIN plan_promises pr ON pr.id = g.promise_id \
         JOIN plans pl ON pl.id = pr.plan_id WHERE pl.published)"
    };
    let sql = format!(
        "SELECT {COLS} FROM goal_targets WHERE area_id IN ({}){published} ORDER BY goal_id, id",
        id_list(area_ids.iter().copied())
    );
    let targets = with_db!(db, p => sqlx::query_as::<_, GoalTarget>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?;
    judge(db, targets).await
}

async fn judge(db: &Db, targets: Vec<GoalTarget>) -> AppResult<Vec<Judged>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let ids = |f: fn(&GoalTarget) -> i64| id_list(targets.iter().map(f));
    // The latest total value of each (area, indicator) pair involved, in one query.
    let sql = format!(
        "SELECT v.area_id, v.indicator_id, v.year, v.value, im.is_synthetic FROM indicator_values v JOIN imports im ON im.id = v.import_id \
         WHERE v.area_id IN ({}) AND v.indicator_id IN ({}) AND v.sex = 0 AND v.value IS NOT NULL ORDER BY v.year",
        ids(|t| t.area_id),
        ids(|t| t.indicator_id)
    );
    let rows: Vec<(i64, i64, i32, f64, bool)> =
        with_db!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?;
    let mut latest: HashMap<(i64, i64), (i32, f64, bool)> = HashMap::new();
    for (a, i, y, v, s) in rows {
        latest.insert((a, i), (y, v, s));
    }
    let sql = format!(
        "SELECT g.id, g.title_fi, COALESCE(g.title_sv, ''), COALESCE(g.title_en, '') FROM plan_goals g WHERE g.id IN ({})",
        ids(|t| t.goal_id)
    );
    let titles: HashMap<i64, (String, String, String)> = with_db!(db, p => sqlx::query_as::<_, (i64, String, String, String)>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?
        .into_iter()
        .map(|(id, fi, sv, en)| (id, (fi, sv, en)))
        .collect();
    let sql = format!(
        "SELECT id, polarity FROM indicators WHERE id IN ({})",
        ids(|t| t.indicator_id)
    );
    let polarity: HashMap<i64, String> = with_db!(db, p => sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?
        .into_iter()
        .collect();
    Ok(targets
        .into_iter()
        .map(|t| {
            let l = latest
                .get(&(t.area_id, t.indicator_id))
                .copied()
                .filter(|(y, _, _)| *y >= t.baseline_year);
            let pol = polarity
                .get(&t.indicator_id)
                .map(String::as_str)
                .unwrap_or("none");
            let track = l.map(|(y, v, _)| on_track(&t, pol, v, y));
            let (goal_title, goal_title_sv, goal_title_en) =
                titles.get(&t.goal_id).cloned().unwrap_or_default();
            Judged {
                target_id: t.id,
                goal_id: t.goal_id,
                goal_title,
                goal_title_sv,
                goal_title_en,
                indicator_id: t.indicator_id,
                area_id: t.area_id,
                baseline_value: t.baseline_value,
                baseline_year: t.baseline_year,
                target_value: t.target_value,
                target_year: t.target_year,
                latest_value: l.map(|x| x.1),
                latest_year: l.map(|x| x.0),
                path_value: l.map(|(y, _, _)| path_value(&t, y)),
                on_track: track,
                status: match track {
                    Some(true) => "on_track",
                    Some(false) => "off_track",
                    None => "no_data",
                },
                synthetic: l.is_some_and(|x| x.2),
            }
        })
        .collect())
}

/// A goal as the targets page needs it; 404 when it does not exist or its plan is
/// unpublished and the viewer may not see drafts.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct GoalRef {
    pub id: i64,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    pub plan_id: i64,
}

pub async fn goal(db: &Db, id: i64, sees_drafts: bool) -> AppResult<GoalRef> {
    with_db!(db, p => sqlx::query_as::<_, GoalRef>(
        "SELECT g.id, g.title_fi, g.title_sv, g.title_en, pl.id AS plan_id FROM plan_goals g \
         JOIN plan_promises pr ON pr.id = g.promise_id JOIN plans pl ON pl.id = pr.plan_id \
         WHERE g.id = $1 AND ($2 OR pl.published)")
        .bind(id).bind(sees_drafts).fetch_optional(p).await)?
    .ok_or(AppError::NotFound)
}

/// The largest baseline or target value taken (an indicator's value is a rate, a share,
/// a count or euros: far below this).
const MAX_TARGET_VALUE: f64 = 1e12;

fn check(input: &TargetInput) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    let years = |y: i32| (1900..=2200).contains(&y);
    if !years(input.baseline_year) {
        e.add("baseline_year", "stats-error-year");
    }
    if !years(input.target_year) {
        e.add("target_year", "stats-error-year");
    } else if years(input.baseline_year) && input.target_year <= input.baseline_year {
        e.add("target_year", "stats-error-target-year");
    }
    // A finite number of plausible size: the path from baseline to target is computed
    // from their difference, which overflows near f64's limits (1.7e308 gave no path).
    for (field, v) in [
        ("baseline_value", input.baseline_value),
        ("target_value", input.target_value),
    ] {
        if !v.is_finite() {
            e.add(field, "stats-error-number");
        } else if v.abs() > MAX_TARGET_VALUE {
            e.add(field, "stats-error-number-range");
        }
    }
    e.into_result(())
}

/// Adds a target to a goal (coordinators; the caller checks the right).
pub async fn create(
    db: &Db,
    goal_id: i64,
    input: &TargetInput,
    actor: &Actor,
) -> AppResult<GoalTarget> {
    check(input)?;
    let now = Utc::now();
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let mut e = FieldErrors::new();
        let ind: Option<i64> = sqlx::query_scalar("SELECT id FROM indicators WHERE id = $1").bind(input.indicator_id).fetch_optional(&mut *tx).await?;
        if ind.is_none() { e.add("indicator_id", "error-choice"); }
        let area: Option<i64> = sqlx::query_scalar("SELECT id FROM areas WHERE id = $1").bind(input.area_id).fetch_optional(&mut *tx).await?;
        if area.is_none() { e.add("area_id", "error-choice"); }
        if e.is_empty() {
            let twice: Option<i64> = sqlx::query_scalar("SELECT id FROM goal_targets WHERE goal_id = $1 AND indicator_id = $2 AND area_id = $3")
                .bind(goal_id).bind(input.indicator_id).bind(input.area_id).fetch_optional(&mut *tx).await?;
            if twice.is_some() { e.add("indicator_id", "stats-error-target-twice"); }
        }
        if !e.is_empty() { return Err(AppError::Validation(e)); }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO goal_targets (goal_id, indicator_id, area_id, baseline_value, baseline_year, target_value, target_year, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id")
            .bind(goal_id).bind(input.indicator_id).bind(input.area_id).bind(input.baseline_value).bind(input.baseline_year)
            .bind(input.target_value).bind(input.target_year).bind(now)
            .fetch_one(&mut *tx).await
            .map_err(|err| {
                if err.as_database_error().is_some_and(|d| d.is_unique_violation()) {
                    let mut e = FieldErrors::new();
                    e.add("indicator_id", "stats-error-target-twice");
                    AppError::Validation(e)
                } else {
                    AppError::from_db(err, "stats-error-target-twice")
                }
            })?;
        crate::audit!(&mut *tx, actor, "create", "goal_target", id, None, serde_json::to_value(input).ok())?;
        tx.commit().await?;
        id
    });
    get(db, id).await
}

/// One target (404 when missing).
pub async fn get(db: &Db, id: i64) -> AppResult<GoalTarget> {
    let sql = format!("SELECT {COLS} FROM goal_targets WHERE id = $1");
    with_db!(db, p => sqlx::query_as::<_, GoalTarget>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)
}

/// Deletes a target (coordinators; the caller checks the right).
pub async fn delete(db: &Db, id: i64, actor: &Actor) -> AppResult<()> {
    let before = get(db, id).await?;
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        sqlx::query("DELETE FROM goal_targets WHERE id = $1").bind(id).execute(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "delete", "goal_target", id, serde_json::to_value(&before).ok(), None)?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(b: f64, tv: f64) -> GoalTarget {
        GoalTarget {
            id: 1,
            goal_id: 1,
            indicator_id: 1,
            area_id: 1,
            baseline_value: b,
            baseline_year: 2020,
            target_value: tv,
            target_year: 2030,
            version: 1,
        }
    }

    #[test]
    fn the_path_runs_straight_from_baseline_to_target() {
        assert_eq!(path_value(&t(10.0, 5.0), 2025), 7.5);
        assert_eq!(path_value(&t(10.0, 5.0), 2040), 5.0);
    }

    #[test]
    fn on_track_respects_the_polarity() {
        assert!(on_track(&t(10.0, 5.0), "lower_better", 7.0, 2025));
        assert!(!on_track(&t(10.0, 5.0), "lower_better", 8.0, 2025));
        assert!(on_track(&t(50.0, 70.0), "higher_better", 61.0, 2025));
        assert!(!on_track(&t(50.0, 70.0), "none", 59.0, 2025));
    }
}
