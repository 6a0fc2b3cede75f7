//! A person's data export for an access request: everything Tuuli holds on them, as JSON.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

use super::model::Person;
use crate::auth::Viewer;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::with_db;

/// Everything held on one person.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonExport {
    /// When the export was made.
    pub exported_at: DateTime<Utc>,
    /// The person's details and organisations, lived-experience status included.
    pub person: Person,
    pub memberships: Vec<ExportMembership>,
    pub attendance: Vec<ExportAttendance>,
    /// The user account linked to the person, if any.
    pub user_account: Option<ExportUser>,
    /// Changes recorded about the person (what was done, when and by whom).
    pub audit: Vec<ExportAudit>,
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ExportMembership {
    pub group_id: i64,
    pub group_name: String,
    pub role: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ExportAttendance {
    pub meeting_id: i64,
    pub meeting_title: String,
    #[schema(value_type = String)]
    pub starts_at: NaiveDateTime,
    pub present: bool,
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ExportUser {
    pub email: String,
    pub name: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ExportAudit {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
}

/// The export (coordinators and admins only; 404 for someone unknown or erased).
pub async fn export(db: &Db, viewer: &Viewer, id: i64) -> AppResult<PersonExport> {
    if !viewer.is_coordinator() {
        return Err(AppError::forbidden());
    }
    let person = super::store::get(db, viewer, id).await?;
    let (memberships, attendance, user_account, audit) = with_db!(db, p => {
        let memberships: Vec<ExportMembership> = sqlx::query_as(
            "SELECT m.group_id, g.name_fi AS group_name, m.role, m.start_date, m.end_date \
             FROM memberships m JOIN work_groups g ON g.id = m.group_id WHERE m.person_id = $1 ORDER BY m.start_date, m.id",
        ).bind(id).fetch_all(p).await?;
        let attendance: Vec<ExportAttendance> = sqlx::query_as(
            "SELECT a.meeting_id, m.title AS meeting_title, m.starts_at, a.present \
             FROM attendance a JOIN meetings m ON m.id = a.meeting_id WHERE a.person_id = $1 ORDER BY m.starts_at",
        ).bind(id).fetch_all(p).await?;
        let user_account: Option<ExportUser> = sqlx::query_as(
            "SELECT email, name, role, created_at FROM users WHERE person_id = $1",
        ).bind(id).fetch_optional(p).await?;
        let audit: Vec<ExportAudit> = sqlx::query_as(
            "SELECT at, actor, action, entity, entity_id FROM audit_log WHERE entity = 'person' AND entity_id = $1 ORDER BY at, id",
        ).bind(id).fetch_all(p).await?;
        Ok::<_, sqlx::Error>((memberships, attendance, user_account, audit))
    })?;
    Ok(PersonExport {
        exported_at: Utc::now(),
        person,
        memberships,
        attendance,
        user_account,
        audit,
    })
}
