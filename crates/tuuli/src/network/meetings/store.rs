//! SQL for meetings and their agenda items. Every change is written to the audit log in
//! the same transaction. Decisions and attendance are in `minutes_store.rs`.

use chrono::Utc;
use serde::Deserialize;

use super::minutes_store::{attendance, decisions};
use super::model::{GroupRef, Meeting, MeetingDetail, MeetingInput, MeetingValues};
use crate::auth::{Actor, Role, Viewer};
use crate::core::paging::{Page, Paging};
use crate::core::rights;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::forms::Check;
use crate::with_db;

/// Which meetings a viewer may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Coordinators and admins: every meeting.
    All,
    /// Public meetings and the internal meetings of these groups.
    PublicAnd(Vec<i64>),
}

impl Scope {
    /// The viewer's scope: the anonymous see public meetings; a signed-in user also the
    /// internal meetings of their groups and of the groups their organisation convenes.
    pub async fn of(db: &Db, viewer: &Viewer) -> AppResult<Scope> {
        let Some(u) = viewer.user() else {
            return Ok(Scope::PublicAnd(vec![]));
        };
        if u.is_coordinator() {
            return Ok(Scope::All);
        }
        let mut ids = rights::member_group_ids(db, viewer).await?;
        if let (Role::Editor, Some(org)) = (u.role, u.organisation_id) {
            ids.extend(convened_group_ids(db, org).await?);
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(Scope::PublicAnd(ids))
    }

    /// A SQL condition on `m` (meetings); the ids are integers from the database.
    fn condition(&self) -> String {
        match self {
            Scope::All => "1 = 1".to_owned(),
            Scope::PublicAnd(ids) if ids.is_empty() => "m.is_public".to_owned(),
            Scope::PublicAnd(ids) => {
                let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("(m.is_public OR m.group_id IN ({}))", ids.join(","))
            }
        }
    }
}

/// List filters (all optional).
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingFilter {
    /// Group id.
    #[serde(default)]
    pub group: Option<i64>,
    /// Theme slug (the group's themes).
    #[serde(default)]
    #[param(inline, value_type = Option<crate::core::kinds::schema::ThemeSlug>)]
    pub theme: Option<String>,
    /// `upcoming` (the default: not yet ended) or `past`.
    #[serde(default)]
    #[param(inline, value_type = Option<crate::core::kinds::schema::MeetingWhen>)]
    pub when: Option<String>,
}

impl MeetingFilter {
    pub fn is_past(&self) -> bool {
        self.when.as_deref() == Some("past")
    }
}

const SELECT: &str = "SELECT m.id, m.group_id, g.name_fi, g.name_sv, g.name_en, m.title, m.title_sv, m.title_en, m.starts_at, m.ends_at, m.place, m.online_url, \
                      m.is_public, m.is_example, m.minutes, m.created_at, m.updated_at, m.version \
                      FROM meetings m JOIN work_groups g ON g.id = m.group_id";

const FILTER: &str = " WHERE ($1 = 0 OR m.group_id = $1) \
                      AND ($2 = '' OR EXISTS (SELECT 1 FROM group_themes gt JOIN themes t ON t.id = gt.theme_id WHERE gt.group_id = m.group_id AND t.slug = $2))";

/// One page of the meetings the scope allows, coming ones first by time, past ones latest first.
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &MeetingFilter,
    paging: Paging,
) -> AppResult<Page<Meeting>> {
    let group = f.group.unwrap_or(0);
    let theme = f.theme.clone().unwrap_or_default();
    let (when, order) = if f.is_past() {
        ("m.ends_at < $3", "m.starts_at DESC, m.id DESC")
    } else {
        ("m.ends_at >= $3", "m.starts_at, m.id")
    };
    let cond = format!("{FILTER} AND {when} AND {}", scope.condition());
    let sql = format!("{SELECT}{cond} ORDER BY {order}{}", paging.sql());
    let count_sql = format!("SELECT COUNT(*) FROM meetings m{cond}");
    let now = crate::core::time::local_now();
    let (mut items, total) = with_db!(db, p => {
        let items = sqlx::query_as::<_, Meeting>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(group).bind(&theme).bind(now)
            .fetch_all(p).await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str()))
            .bind(group).bind(&theme).bind(now).fetch_one(p).await?;
        Ok::<_, sqlx::Error>((items, total))
    })?;
    attach_agenda(db, &mut items).await?;
    Ok(Page::new(items, total, paging))
}

/// Public meetings for the calendar feeds: from a year back on, of one group or all.
pub async fn public_feed(db: &Db, group: Option<i64>) -> AppResult<Vec<Meeting>> {
    let sql = format!(
        "{SELECT} WHERE m.is_public AND m.starts_at >= $1 AND ($2 = 0 OR m.group_id = $2) ORDER BY m.starts_at, m.id LIMIT 2000"
    );
    let since = crate::core::time::local_now() - chrono::Duration::days(365);
    let mut items = with_db!(db, p => sqlx::query_as::<_, Meeting>(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(since).bind(group.unwrap_or(0)).fetch_all(p).await)?;
    attach_agenda(db, &mut items).await?;
    Ok(items)
}

/// The meetings of these groups, public and internal, that end at or after `since`, soonest
/// first (a member's own calendar; at most `limit`).
pub async fn of_groups(
    db: &Db,
    groups: &[i64],
    since: chrono::NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<Meeting>> {
    if groups.is_empty() {
        return Ok(vec![]);
    }
    // Ids are integers from the database, so inlining them is safe.
    let ids: Vec<String> = groups.iter().map(i64::to_string).collect();
    let sql = format!(
        "{SELECT} WHERE m.group_id IN ({}) AND m.ends_at >= $1 ORDER BY m.starts_at, m.id LIMIT {limit}",
        ids.join(",")
    );
    let mut items = with_db!(db, p => sqlx::query_as::<_, Meeting>(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(since).fetch_all(p).await)?;
    attach_agenda(db, &mut items).await?;
    Ok(items)
}

/// A meeting with its agenda, minutes, decisions and attendance, read on `$conn` (the
/// change's transaction), for the audit log's "before"; `None` when missing.
macro_rules! load_detail {
    ($conn:expr, $id:expr) => {{
        let sql = format!("{SELECT} WHERE m.id = $1");
        let found: Option<Meeting> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind($id)
            .fetch_optional(&mut *$conn)
            .await?;
        match found {
            None => None,
            Some(mut meeting) => {
                meeting.agenda = sqlx::query_scalar(
                    "SELECT title FROM agenda_items WHERE meeting_id = $1 ORDER BY position, id",
                )
                .bind($id)
                .fetch_all(&mut *$conn)
                .await?;
                let dsql = format!(
                    "{} WHERE d.meeting_id = $1 ORDER BY d.id",
                    super::minutes_store::SELECT_DECISION
                );
                let decisions: Vec<super::model::Decision> =
                    sqlx::query_as(sqlx::AssertSqlSafe(dsql.as_str()))
                        .bind($id)
                        .fetch_all(&mut *$conn)
                        .await?;
                let attendance: Vec<super::model::Attendee> =
                    sqlx::query_as(super::minutes_store::SELECT_ATTENDANCE)
                        .bind($id)
                        .fetch_all(&mut *$conn)
                        .await?;
                let minutes = Some(meeting.minutes.clone());
                Some(MeetingDetail {
                    meeting,
                    decisions,
                    minutes,
                    attendance: Some(attendance),
                })
            }
        }
    }};
}

/// One meeting with its agenda, whoever asks (callers check visibility).
pub async fn get(db: &Db, id: i64) -> AppResult<Meeting> {
    let sql = format!("{SELECT} WHERE m.id = $1");
    let m = with_db!(db, p => sqlx::query_as::<_, Meeting>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?;
    let mut items = vec![m.ok_or(AppError::NotFound)?];
    attach_agenda(db, &mut items).await?;
    Ok(items.remove(0))
}

/// A meeting with its decisions; minutes and attendance only when `internals` is true.
pub async fn detail(db: &Db, id: i64, internals: bool) -> AppResult<MeetingDetail> {
    detail_of(db, get(db, id).await?, internals).await
}

/// Adds decisions (and, with `internals`, minutes and attendance) to a loaded meeting.
pub async fn detail_of(db: &Db, meeting: Meeting, internals: bool) -> AppResult<MeetingDetail> {
    let id = meeting.id;
    let decisions = decisions(db, id).await?;
    let (minutes, attendance) = if internals {
        (
            Some(meeting.minutes.clone()),
            Some(attendance(db, id).await?),
        )
    } else {
        (None, None)
    };
    Ok(MeetingDetail {
        meeting,
        decisions,
        minutes,
        attendance,
    })
}

/// Loads the agenda items of many meetings in one query.
async fn attach_agenda(db: &Db, items: &mut [Meeting]) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = items.iter().map(|m| m.id).collect();
    let rows: Vec<(i64, String)> = crate::db::rows_for_ids(
        db,
        "SELECT meeting_id, title FROM agenda_items WHERE meeting_id {ids} ORDER BY meeting_id, position, id",
        &ids,
    )
    .await?;
    let mut by_owner = crate::db::group_by_owner(rows);
    for m in items.iter_mut() {
        m.agenda = by_owner.remove(&m.id).unwrap_or_default();
    }
    Ok(())
}

/// A group's id and names, or None when there is no such group.
pub async fn group(db: &Db, id: i64) -> AppResult<Option<GroupRef>> {
    let sql = "SELECT id AS group_id, name_fi, name_sv, name_en FROM work_groups WHERE id = $1";
    Ok(with_db!(db, p => sqlx::query_as::<_, GroupRef>(sql).bind(id).fetch_optional(p).await)?)
}

/// Every group, for the list filter.
pub async fn all_groups(db: &Db) -> AppResult<Vec<GroupRef>> {
    let sql = "SELECT id AS group_id, name_fi, name_sv, name_en FROM work_groups ORDER BY name_fi";
    Ok(with_db!(db, p => sqlx::query_as::<_, GroupRef>(sql).fetch_all(p).await)?)
}

/// The groups whose meetings the viewer may create: all for coordinators, the convened
/// groups of an editor's organisation, none for others.
pub async fn editable_groups(db: &Db, viewer: &Viewer) -> AppResult<Vec<GroupRef>> {
    let Some(u) = viewer.user() else {
        return Ok(vec![]);
    };
    if u.is_coordinator() {
        return all_groups(db).await;
    }
    let (Role::Editor, Some(org)) = (u.role, u.organisation_id) else {
        return Ok(vec![]);
    };
    let sql = "SELECT id AS group_id, name_fi, name_sv, name_en FROM work_groups WHERE convener_id = $1 ORDER BY name_fi";
    Ok(with_db!(db, p => sqlx::query_as::<_, GroupRef>(sql).bind(org).fetch_all(p).await)?)
}

async fn convened_group_ids(db: &Db, org: i64) -> AppResult<Vec<i64>> {
    let sql = "SELECT id FROM work_groups WHERE convener_id = $1";
    Ok(with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(org).fetch_all(p).await)?)
}

/// Checks the input against the database (the group exists).
pub async fn validate(db: &Db, input: &MeetingInput) -> AppResult<MeetingValues> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    if v.group_id > 0 && group(db, v.group_id).await?.is_none() {
        c.add("group_id", "error-choice");
    }
    Ok(c.finish(v)?)
}

pub async fn create(db: &Db, input: &MeetingInput, actor: &Actor) -> AppResult<i64> {
    let v = validate(db, input).await?;
    let now = Utc::now();
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (group_id, title, starts_at, ends_at, place, online_url, is_public, minutes, is_example, created_at, updated_at, title_sv, title_en) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9, $9, $10, $11) RETURNING id",
        )
        .bind(v.group_id).bind(&v.title).bind(v.starts_at).bind(v.ends_at).bind(&v.place)
        .bind(&v.online_url).bind(v.is_public).bind(&v.minutes).bind(now).bind(&v.title_sv).bind(&v.title_en)
        .fetch_one(&mut *tx).await?;
        for (i, item) in v.agenda.iter().enumerate() {
            sqlx::query("INSERT INTO agenda_items (meeting_id, position, title) VALUES ($1, $2, $3)")
                .bind(id).bind(i as i64 + 1).bind(item).execute(&mut *tx).await?;
        }
        crate::audit!(&mut *tx, actor, "create", "meeting", id, None, Some(serde_json::to_value(&v).unwrap_or_default()))?;
        tx.commit().await?;
        id
    });
    Ok(id)
}

pub async fn update(db: &Db, id: i64, input: &MeetingInput, actor: &Actor) -> AppResult<()> {
    let v = validate(db, input).await?;
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "meetings", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(v.version, current)?;
        let before = load_detail!(tx, id).ok_or(AppError::NotFound)?;
        sqlx::query(
            "UPDATE meetings SET group_id = $1, title = $2, starts_at = $3, ends_at = $4, place = $5, online_url = $6, \
             is_public = $7, minutes = $8, updated_at = $9, version = version + 1, title_sv = $11, title_en = $12 WHERE id = $10",
        )
        .bind(v.group_id).bind(&v.title).bind(v.starts_at).bind(v.ends_at).bind(&v.place)
        .bind(&v.online_url).bind(v.is_public).bind(&v.minutes).bind(Utc::now()).bind(id).bind(&v.title_sv).bind(&v.title_en)
        .execute(&mut *tx).await?;
        sqlx::query("DELETE FROM agenda_items WHERE meeting_id = $1").bind(id).execute(&mut *tx).await?;
        for (i, item) in v.agenda.iter().enumerate() {
            sqlx::query("INSERT INTO agenda_items (meeting_id, position, title) VALUES ($1, $2, $3)")
                .bind(id).bind(i as i64 + 1).bind(item).execute(&mut *tx).await?;
        }
        crate::audit!(&mut *tx, actor, "update", "meeting", id, Some(serde_json::to_value(&before).unwrap_or_default()), Some(serde_json::to_value(&v).unwrap_or_default()))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })
}

/// Deletes a meeting with its agenda, decisions and attendance (they cascade).
pub async fn delete(db: &Db, id: i64, actor: &Actor) -> AppResult<()> {
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "meetings", id)?.ok_or(AppError::NotFound)?;
        let before = load_detail!(tx, id).ok_or(AppError::NotFound)?;
        sqlx::query("DELETE FROM meetings WHERE id = $1").bind(id).execute(&mut *tx).await
            .map_err(|e| AppError::in_use(e, "plan-update-decision-in-use"))?;
        crate::audit!(&mut *tx, actor, "delete", "meeting", id, Some(serde_json::to_value(&before).unwrap_or_default()), None)?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })
}
