//! Visibility and edit rights shared by people, groups, memberships and meetings.
//!
//! - The public sees areas, organisations, groups (without members) and public meetings.
//! - A member also sees the members, internal meetings and minutes of the groups they
//!   belong to (an open membership of the person linked to their user).
//! - An editor edits their own organisation's data: the groups it convenes, with their
//!   memberships and meetings, and its people.
//! - Coordinators and admins see and edit everything; only they see lived-experience status.

use crate::auth::{Role, Viewer};
use crate::db::Db;
use crate::error::AppResult;
use crate::with_db;

/// Ids of the groups in which the viewer's person has an open membership.
pub async fn member_group_ids(db: &Db, viewer: &Viewer) -> AppResult<Vec<i64>> {
    let Some(person) = viewer.user().and_then(|u| u.person_id) else {
        return Ok(vec![]);
    };
    let today = super::time::local_now().date();
    let sql = format!(
        "SELECT group_id FROM memberships m WHERE m.person_id = $1 AND {}",
        in_force("m", "$2")
    );
    let sql = sql.as_str();
    Ok(
        with_db!(db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).bind(person).bind(today).fetch_all(p).await)?,
    )
}

/// The SQL condition "membership `alias` is in force on the date `param`": access starts on
/// the start date and ends after the end date (both days included). A membership that has
/// not started yet grants nothing.
pub fn in_force(alias: &str, param: &str) -> String {
    format!(
        "({alias}.start_date IS NULL OR {alias}.start_date <= {param}) AND ({alias}.end_date IS NULL OR {alias}.end_date >= {param})"
    )
}

/// The convener organisation of a group (None when the group has none or does not exist).
pub async fn group_convener(db: &Db, group_id: i64) -> AppResult<Option<i64>> {
    let sql = "SELECT convener_id FROM work_groups WHERE id = $1";
    Ok(with_db!(db, p => sqlx::query_scalar::<_, Option<i64>>(sql).bind(group_id).fetch_optional(p).await)?.flatten())
}

/// Who may edit a group, its memberships and its meetings: coordinators and admins, and
/// editors of the convening organisation.
pub async fn can_edit_group(db: &Db, viewer: &Viewer, group_id: i64) -> AppResult<bool> {
    let Some(u) = viewer.user() else {
        return Ok(false);
    };
    if u.is_coordinator() {
        return Ok(true);
    }
    if u.role != Role::Editor {
        return Ok(false);
    }
    Ok(u.organisation_id.is_some() && group_convener(db, group_id).await? == u.organisation_id)
}

/// Who may see a group's members, internal meetings and minutes.
pub async fn can_see_group_internals(db: &Db, viewer: &Viewer, group_id: i64) -> AppResult<bool> {
    if viewer.user().is_none() {
        return Ok(false);
    }
    if can_edit_group(db, viewer, group_id).await? {
        return Ok(true);
    }
    Ok(member_group_ids(db, viewer).await?.contains(&group_id))
}

/// Lived-experience status (and the membership role that reveals it) is visible only to
/// coordinators and admins.
pub fn sees_lived_experience(viewer: &Viewer) -> bool {
    viewer.is_coordinator()
}
