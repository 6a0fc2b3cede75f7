//! Memberships: who belongs to a group, in which role, from when to when. Ended
//! memberships are kept as history. A membership is in force from its start date through
//! its end date (both included; see `rights::in_force`); "ending" one sets the end date to
//! yesterday, so that it no longer counts today. One person's memberships in a group never
//! overlap: that is checked under a lock on the group, so concurrent saves cannot race.
//!
//! The role `lived_experience` reveals lived-experience status: it is set only by
//! coordinators and admins and shown to everyone else as `member`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{Role, Viewer};
use crate::core::kinds::{LIVED_EXPERIENCE_ROLE, MEMBER_ROLES};
use crate::core::rights::sees_lived_experience;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::forms::{Check, RawForm};
use crate::with_db;

/// A membership as shown on the group page and in the API.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Membership {
    pub id: i64,
    pub group_id: i64,
    pub person_id: i64,
    pub person_name: String,
    /// chair, convener, secretary, member, lived_experience (coordinators only) or national_rep.
    #[schema(value_type = crate::core::kinds::schema::MemberRole)]
    pub role: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// Whether the membership is current (no end date, or one still ahead).
    #[sqlx(skip)]
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by one on every change; send it back with an update (or `If-Match`).
    pub version: i64,
}

/// One of a person's memberships, with the group's names, for the person's page.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct PersonMembership {
    pub id: i64,
    pub group_id: i64,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub role: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[sqlx(skip)]
    pub active: bool,
}

/// A membership as sent to the API (and, as strings, by the form).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipInput {
    /// Required when adding; a membership's person cannot be changed (ignored on update).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub person_id: Option<i64>,
    #[schema(value_type = crate::core::kinds::schema::MemberRole)]
    pub role: String,
    /// `YYYY-MM-DD`; a new membership without one starts today.
    #[serde(default)]
    #[schema(format = Date)]
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`; empty or null for a current membership.
    #[serde(default)]
    #[schema(format = Date)]
    pub end_date: Option<String>,
    /// The version this change is based on; a save based on an older one is refused (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

impl From<&Membership> for MembershipInput {
    fn from(m: &Membership) -> Self {
        MembershipInput {
            person_id: Some(m.person_id),
            role: m.role.clone(),
            start_date: Some(m.start_date.map(|d| d.to_string()).unwrap_or_default()),
            end_date: Some(m.end_date.map(|d| d.to_string()).unwrap_or_default()),
            version: Some(m.version),
        }
    }
}

/// Checked input: the person, role and dates.
struct Checked {
    person_id: i64,
    role: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    version: Option<i64>,
}

impl MembershipInput {
    pub fn from_form(f: &RawForm) -> Self {
        let person = f.get("person_id");
        MembershipInput {
            // Something that is not a number becomes 0, which `check` reports.
            person_id: (!person.is_empty()).then(|| person.parse().unwrap_or(0)),
            role: f.get("role"),
            start_date: Some(f.get("start_date")),
            end_date: Some(f.get("end_date")),
            version: f.get("version").parse().ok(),
        }
    }

    fn check(&self, c: &mut Check, fixed_person: Option<i64>) -> Checked {
        let person_id = match (fixed_person, self.person_id) {
            (Some(p), _) => p,
            (None, Some(p)) if p > 0 => p,
            (None, Some(_)) => {
                c.add("person_id", "error-choice");
                0
            }
            (None, None) => {
                c.add("person_id", "error-required");
                0
            }
        };
        let role = c.one_of("role", &self.role, MEMBER_ROLES);
        let start = c.date("start_date", self.start_date.as_deref().unwrap_or(""));
        let end = c.date("end_date", self.end_date.as_deref().unwrap_or(""));
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            c.add("end_date", "groups-error-end-before-start");
        }
        Checked {
            person_id,
            role,
            start,
            end,
            version: self.version,
        }
    }
}

fn today() -> NaiveDate {
    crate::core::time::local_now().date()
}

fn is_active(start: Option<NaiveDate>, end: Option<NaiveDate>, today: NaiveDate) -> bool {
    start.is_none_or(|s| s <= today) && end.is_none_or(|e| e >= today)
}

/// The role as this viewer may see it.
fn masked(viewer: &Viewer, role: String) -> String {
    if role == LIVED_EXPERIENCE_ROLE && !sees_lived_experience(viewer) {
        "member".to_owned()
    } else {
        role
    }
}

const SELECT: &str = "SELECT m.id, m.group_id, m.person_id, p.name AS person_name, m.role, m.start_date, m.end_date, m.created_at, m.updated_at, m.version \
                      FROM memberships m JOIN people p ON p.id = m.person_id";

fn finish(viewer: &Viewer, mut items: Vec<Membership>) -> Vec<Membership> {
    let today = today();
    for m in items.iter_mut() {
        m.active = is_active(m.start_date, m.end_date, today);
        m.role = masked(viewer, std::mem::take(&mut m.role));
    }
    items
}

/// All memberships of a group, current and ended, roles masked for the viewer. The caller
/// checks that the viewer may see the group's members.
pub async fn list_for_group(db: &Db, viewer: &Viewer, group_id: i64) -> AppResult<Vec<Membership>> {
    let sql = format!("{SELECT} WHERE m.group_id = $1 ORDER BY p.name, m.start_date, m.id");
    let items = with_db!(db, p => sqlx::query_as::<_, Membership>(sqlx::AssertSqlSafe(sql.as_str())).bind(group_id).fetch_all(p).await)?;
    Ok(finish(viewer, items))
}

/// One membership of this group (404 when it belongs to another), role masked.
pub async fn get(db: &Db, viewer: &Viewer, group_id: i64, id: i64) -> AppResult<Membership> {
    let raw = load(db, group_id, id).await?;
    Ok(finish(viewer, vec![raw]).remove(0))
}

/// Without masking: for rights decisions and the audit log.
async fn load(db: &Db, group_id: i64, id: i64) -> AppResult<Membership> {
    let sql = format!("{SELECT} WHERE m.id = $1 AND m.group_id = $2");
    let found = with_db!(db, p => sqlx::query_as::<_, Membership>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).bind(group_id).fetch_optional(p).await)?;
    let mut m = found.ok_or(AppError::NotFound)?;
    m.active = is_active(m.start_date, m.end_date, today());
    Ok(m)
}

/// A person's memberships in the groups whose members the viewer may see (the same rule
/// as `rights::can_see_group_internals`), current ones first.
pub async fn for_person(
    db: &Db,
    viewer: &Viewer,
    person_id: i64,
) -> AppResult<Vec<PersonMembership>> {
    let u = viewer.user();
    let editor_org = u
        .filter(|u| u.role == Role::Editor)
        .and_then(|u| u.organisation_id)
        .unwrap_or(0);
    let own = u.and_then(|u| u.person_id).unwrap_or(0);
    let today = today();
    let sql = "SELECT m.id, m.group_id, g.name_fi, g.name_sv, g.name_en, m.role, m.start_date, m.end_date \
               FROM memberships m JOIN work_groups g ON g.id = m.group_id \
               WHERE m.person_id = $1 AND ($2 OR g.convener_id = $3 OR EXISTS (SELECT 1 FROM memberships mine \
                 WHERE mine.group_id = m.group_id AND mine.person_id = $4 \
                 AND (mine.start_date IS NULL OR mine.start_date <= $5) AND (mine.end_date IS NULL OR mine.end_date >= $5))) \
               ORDER BY CASE WHEN m.end_date IS NULL OR m.end_date >= $5 THEN 0 ELSE 1 END, g.name_fi, m.start_date";
    let mut items = with_db!(db, p => sqlx::query_as::<_, PersonMembership>(sql)
        .bind(person_id).bind(viewer.is_coordinator()).bind(editor_org).bind(own).bind(today)
        .fetch_all(p).await)?;
    for m in items.iter_mut() {
        m.active = is_active(m.start_date, m.end_date, today);
        m.role = masked(viewer, std::mem::take(&mut m.role));
    }
    Ok(items)
}

/// Checks the input: the person must be one the viewer may see, and only coordinators
/// give the lived-experience role (always 422 for others, so that the answer reveals
/// nothing about the stored role).
async fn validate(
    db: &Db,
    viewer: &Viewer,
    input: &MembershipInput,
    fixed_person: Option<i64>,
) -> AppResult<Checked> {
    let mut c = Check::new();
    let v = input.check(&mut c, fixed_person);
    if fixed_person.is_none()
        && v.person_id > 0
        && !crate::network::people::store::is_visible(db, viewer, v.person_id).await?
    {
        c.add("person_id", "error-choice");
    }
    if v.role == LIVED_EXPERIENCE_ROLE && !sees_lived_experience(viewer) {
        c.add("role", "groups-error-role-lived-experience");
    }
    Ok(c.finish(v)?)
}

fn audit_json(group_id: i64, v: &Checked) -> serde_json::Value {
    serde_json::json!({ "group_id": group_id, "person_id": v.person_id, "role": v.role, "start_date": v.start, "end_date": v.end })
}

/// Takes the group's row lock (a no-op write) for the rest of the transaction, so that two
/// saves of memberships in one group run one after the other: on PostgreSQL a row lock,
/// on SQLite the database's single write lock (this is the transaction's first statement).
macro_rules! lock_group {
    ($tx:expr, $group_id:expr) => {
        sqlx::query("UPDATE work_groups SET id = id WHERE id = $1")
            .bind($group_id)
            .execute(&mut *$tx)
            .await
    };
}

/// Whether another membership of the same person in the group overlaps the period
/// (dates included; a missing start or end is open-ended). Run after `lock_group!`.
macro_rules! overlapping {
    ($tx:expr, $group_id:expr, $v:expr, $except:expr) => {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM memberships WHERE group_id = $1 AND person_id = $2 AND id <> $3 \
             AND (start_date IS NULL OR $5 IS NULL OR start_date <= $5) \
             AND (end_date IS NULL OR $4 IS NULL OR end_date >= $4)",
        )
        .bind($group_id)
        .bind($v.person_id)
        .bind($except)
        .bind($v.start)
        .bind($v.end)
        .fetch_one(&mut *$tx)
        .await
        .map(|n| n > 0)
    };
}

/// Adds a person to a group; 409 when the period overlaps another membership of theirs
/// in the group.
pub async fn create(
    db: &Db,
    viewer: &Viewer,
    group_id: i64,
    input: &MembershipInput,
) -> AppResult<Membership> {
    let mut v = validate(db, viewer, input, None).await?;
    // A new membership without a start date starts today: an open start would overlap
    // every earlier membership of the person in the group.
    v.start = v.start.or(Some(today()));
    let actor = viewer.actor();
    let now = Utc::now();
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        lock_group!(tx, group_id)?;
        if overlapping!(tx, group_id, v, 0_i64)? {
            return Err(AppError::Conflict("groups-error-already-member"));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO memberships (group_id, person_id, role, start_date, end_date, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(group_id).bind(v.person_id).bind(&v.role).bind(v.start).bind(v.end).bind(now)
        .fetch_one(&mut *tx).await
        .map_err(|e| AppError::from_db(e, "groups-error-already-member"))?;
        crate::audit!(&mut *tx, &actor, "create", "membership", id, None, Some(audit_json(group_id, &v)))?;
        tx.commit().await?;
        id
    });
    get(db, viewer, group_id, id).await
}

/// Changes a membership's role and dates (its person stays). Someone who may not see
/// lived-experience status cannot change a lived-experience expert's role: it stays.
pub async fn update(
    db: &Db,
    viewer: &Viewer,
    group_id: i64,
    id: i64,
    input: &MembershipInput,
) -> AppResult<Membership> {
    let person = load(db, group_id, id).await?.person_id;
    let v = validate(db, viewer, input, Some(person)).await?;
    let hidden_stays = !sees_lived_experience(viewer);
    write(db, viewer, group_id, id, |before| {
        crate::web::conflict::check(v.version, before.version)?;
        let mut v = v;
        if before.role == LIVED_EXPERIENCE_ROLE && hidden_stays {
            v.role = before.role.clone();
        }
        Ok(Some(v))
    })
    .await?;
    get(db, viewer, group_id, id).await
}

/// Changes one membership in one transaction: the group's and the membership's locks
/// first (always in that order), then the "before" value, which `change` turns into the
/// new values (or None: nothing to do), then the overlap check, the write and the audit.
async fn write(
    db: &Db,
    viewer: &Viewer,
    group_id: i64,
    id: i64,
    change: impl FnOnce(&Membership) -> AppResult<Option<Checked>>,
) -> AppResult<()> {
    let actor = viewer.actor();
    let sql = format!("{SELECT} WHERE m.id = $1 AND m.group_id = $2");
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        lock_group!(tx, group_id)?;
        crate::lock_version!(tx, "memberships", id)?.ok_or(AppError::NotFound)?;
        let mut before: Membership = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).bind(group_id)
            .fetch_optional(&mut *tx).await?.ok_or(AppError::NotFound)?;
        before.active = is_active(before.start_date, before.end_date, today());
        let Some(v) = change(&before)? else {
            return Ok(());
        };
        if overlapping!(tx, group_id, v, id)? {
            return Err(AppError::Conflict("groups-error-already-member"));
        }
        sqlx::query("UPDATE memberships SET role = $1, start_date = $2, end_date = $3, updated_at = $4, version = version + 1 WHERE id = $5")
            .bind(&v.role).bind(v.start).bind(v.end).bind(Utc::now()).bind(id)
            .execute(&mut *tx).await
            .map_err(|e| AppError::from_db(e, "groups-error-already-member"))?;
        crate::audit!(&mut *tx, &actor, "update", "membership", id, Some(serde_json::to_value(&before).unwrap_or_default()), Some(audit_json(group_id, &v)))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })
}

/// Ends a current membership: its last day was yesterday, so it no longer counts today
/// (a membership that started today ends today). It stays as history. Ending an ended one
/// does nothing; one that has not started yet is refused (delete it instead).
pub async fn end(db: &Db, viewer: &Viewer, group_id: i64, id: i64) -> AppResult<()> {
    let today = today();
    write(db, viewer, group_id, id, |before| {
        if before.start_date.is_some_and(|s| s > today) {
            return Err(AppError::Conflict("groups-error-not-started"));
        }
        if !before.active {
            return Ok(None);
        }
        Ok(Some(Checked {
            person_id: before.person_id,
            role: before.role.clone(),
            start: before.start_date,
            end: Some(
                today
                    .pred_opt()
                    .unwrap_or(today)
                    .max(before.start_date.unwrap_or(NaiveDate::MIN)),
            ),
            version: None,
        }))
    })
    .await
}

/// Deletes a membership outright (a mistake); ending it keeps the history instead.
pub async fn delete(db: &Db, viewer: &Viewer, group_id: i64, id: i64) -> AppResult<()> {
    let actor = viewer.actor();
    let sql = format!("{SELECT} WHERE m.id = $1 AND m.group_id = $2");
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "memberships", id)?.ok_or(AppError::NotFound)?;
        let before: Membership = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).bind(group_id)
            .fetch_optional(&mut *tx).await?.ok_or(AppError::NotFound)?;
        sqlx::query("DELETE FROM memberships WHERE id = $1").bind(id).execute(&mut *tx).await?;
        crate::audit!(&mut *tx, &actor, "delete", "membership", id, Some(serde_json::to_value(&before).unwrap_or_default()), None)?;
        tx.commit().await?;
        Ok(())
    })
}
