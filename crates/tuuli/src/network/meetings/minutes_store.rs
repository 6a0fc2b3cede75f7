//! SQL for what a meeting records: decisions and attendance. Every change is written to the
//! audit log (entities `decision` and `attendance`) in the same transaction.

use super::model::{Attendee, Decision, DecisionInput, DecisionValues, Meeting};
use crate::auth::Actor;
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::forms::Check;
use crate::with_db;

pub(super) const SELECT_DECISION: &str = "SELECT d.id, d.meeting_id, d.text, d.responsible_id, o.name_fi AS responsible_name, d.due_date, \
                               (SELECT MIN(a.id) FROM plan_actions a WHERE a.source_decision_id = d.id) AS action_id \
                               FROM decisions d LEFT JOIN organisations o ON o.id = d.responsible_id";

/// A meeting's decisions in the order they were made.
pub async fn decisions(db: &Db, meeting_id: i64) -> AppResult<Vec<Decision>> {
    let sql = format!("{SELECT_DECISION} WHERE d.meeting_id = $1 ORDER BY d.id");
    Ok(
        with_db!(db, p => sqlx::query_as::<_, Decision>(sqlx::AssertSqlSafe(sql.as_str())).bind(meeting_id).fetch_all(p).await)?,
    )
}

/// Forgets the action made from a decision when that action's plan is unpublished: for
/// readers who do not see unpublished plans (`plan::sees_unpublished`), whose link would
/// lead to a 404 and tell that a draft plan has such an action.
pub async fn hide_unpublished_actions(db: &Db, decisions: &mut [Decision]) -> AppResult<()> {
    let ids: Vec<i64> = decisions.iter().filter_map(|d| d.action_id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT a.id FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id \
         JOIN plan_promises pr ON pr.id = g.promise_id JOIN plans pl ON pl.id = pr.plan_id \
         WHERE pl.published AND a.id IN ({})",
        crate::db::id_list(ids.into_iter())
    );
    let published: Vec<i64> = with_db!(db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?;
    for d in decisions {
        if d.action_id.is_some_and(|a| !published.contains(&a)) {
            d.action_id = None;
        }
    }
    Ok(())
}

/// One decision of a meeting (404 when it belongs to another meeting).
pub async fn decision(db: &Db, meeting_id: i64, id: i64) -> AppResult<Decision> {
    let sql = format!("{SELECT_DECISION} WHERE d.id = $1 AND d.meeting_id = $2");
    with_db!(db, p => sqlx::query_as::<_, Decision>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).bind(meeting_id).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)
}

/// Checks a decision against the database (the responsible organisation exists).
pub async fn validate_decision(db: &Db, input: &DecisionInput) -> AppResult<DecisionValues> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    if let Some(org) = v.responsible_id {
        let sql = "SELECT COUNT(*) FROM organisations WHERE id = $1";
        let n: i64 = with_db!(db, p => sqlx::query_scalar(sql).bind(org).fetch_one(p).await)?;
        if n == 0 {
            c.add("responsible_id", "error-choice");
        }
    }
    Ok(c.finish(v)?)
}

pub async fn add_decision(
    db: &Db,
    meeting_id: i64,
    input: &DecisionInput,
    actor: &Actor,
) -> AppResult<Decision> {
    let v = validate_decision(db, input).await?;
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO decisions (meeting_id, text, responsible_id, due_date) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(meeting_id).bind(&v.text).bind(v.responsible_id).bind(v.due_date)
        .fetch_one(&mut *tx).await?;
        let after = serde_json::json!({ "meeting_id": meeting_id, "decision": &v });
        crate::audit!(&mut *tx, actor, "create", "decision", id, None, Some(after))?;
        tx.commit().await?;
        id
    });
    decision(db, meeting_id, id).await
}

pub async fn delete_decision(db: &Db, meeting_id: i64, id: i64, actor: &Actor) -> AppResult<()> {
    let sql = format!("{SELECT_DECISION} WHERE d.id = $1 AND d.meeting_id = $2");
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "meetings", meeting_id)?.ok_or(AppError::NotFound)?;
        let before: Decision = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).bind(meeting_id)
            .fetch_optional(&mut *tx).await?.ok_or(AppError::NotFound)?;
        sqlx::query("DELETE FROM decisions WHERE id = $1 AND meeting_id = $2").bind(id).bind(meeting_id).execute(&mut *tx).await
            .map_err(|e| AppError::in_use(e, "plan-update-decision-in-use"))?;
        let before = serde_json::json!({ "meeting_id": meeting_id, "decision": &before });
        crate::audit!(&mut *tx, actor, "delete", "decision", id, Some(before), None)?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })
}

/// A meeting's attendance list ($1 = meeting id).
pub(super) const SELECT_ATTENDANCE: &str = "SELECT a.person_id, p.name, a.present FROM attendance a JOIN people p ON p.id = a.person_id \
                                            WHERE a.meeting_id = $1 ORDER BY p.name, p.id";

/// The recorded attendance of a meeting: who was present and who was not.
pub async fn attendance(db: &Db, meeting_id: i64) -> AppResult<Vec<Attendee>> {
    let sql = SELECT_ATTENDANCE;
    Ok(with_db!(db, p => sqlx::query_as::<_, Attendee>(sql).bind(meeting_id).fetch_all(p).await)?)
}

/// Who can be marked present: the people whose membership in the group covers the
/// meeting's date, and anyone already on the list. `present` tells who is marked now.
pub async fn attendance_choices(db: &Db, m: &Meeting) -> AppResult<Vec<Attendee>> {
    let sql = "SELECT p.id AS person_id, p.name, COALESCE(a.present, FALSE) AS present FROM people p \
               LEFT JOIN attendance a ON a.person_id = p.id AND a.meeting_id = $1 \
               WHERE a.person_id IS NOT NULL OR (NOT p.erased AND EXISTS (SELECT 1 FROM memberships ms WHERE ms.person_id = p.id AND ms.group_id = $2 \
                 AND (ms.start_date IS NULL OR ms.start_date <= $3) AND (ms.end_date IS NULL OR ms.end_date >= $3))) \
               ORDER BY p.name, p.id";
    let day = m.starts_at.date();
    Ok(
        with_db!(db, p => sqlx::query_as::<_, Attendee>(sql).bind(m.id).bind(m.group_id).bind(day).fetch_all(p).await)?,
    )
}

/// Replaces the attendance of a meeting: the given people present, the other choices
/// absent. An id that is not among the choices is a field error on `present`.
pub async fn set_attendance(db: &Db, m: &Meeting, present: &[i64], actor: &Actor) -> AppResult<()> {
    let choices = attendance_choices(db, m).await?;
    if present
        .iter()
        .any(|id| !choices.iter().any(|c| c.person_id == *id))
    {
        let mut e = FieldErrors::new();
        e.add("present", "error-choice");
        return Err(AppError::Validation(e));
    }
    let mut after: Vec<i64> = present.to_vec();
    after.sort_unstable();
    after.dedup();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        // The meeting's lock first, then the before-value, in this transaction.
        crate::lock_version!(tx, "meetings", m.id)?.ok_or(AppError::NotFound)?;
        let before: Vec<i64> = sqlx::query_scalar("SELECT person_id FROM attendance WHERE meeting_id = $1 AND present ORDER BY person_id")
            .bind(m.id).fetch_all(&mut *tx).await?;
        sqlx::query("DELETE FROM attendance WHERE meeting_id = $1").bind(m.id).execute(&mut *tx).await?;
        for c in &choices {
            sqlx::query("INSERT INTO attendance (meeting_id, person_id, present) VALUES ($1, $2, $3)")
                .bind(m.id).bind(c.person_id).bind(after.contains(&c.person_id))
                .execute(&mut *tx).await?;
        }
        crate::audit!(&mut *tx, actor, "update", "attendance", m.id,
            Some(serde_json::json!({ "present": before })), Some(serde_json::json!({ "present": after })))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })
}
