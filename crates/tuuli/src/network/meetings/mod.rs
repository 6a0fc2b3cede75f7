//! Meetings of the groups: agenda, minutes (Markdown), decisions, attendance and
//! iCalendar feeds.
//!
//! Who sees what (see `network::access`): everyone sees public meetings with their agenda
//! and decisions; minutes and attendance, and internal meetings altogether, only those who
//! see the group's internals (its members, the convener's editors, coordinators). An
//! internal meeting is "not found" for everyone else, so that its existence does not leak.
//! Those who edit the group (coordinators, the convener's editors) edit its meetings.

pub mod api;
pub mod feeds;
pub mod html;
pub mod ical;
pub mod minutes_store;
pub mod model;
pub mod store;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::Viewer;
use crate::core::rights;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use model::Meeting;

/// HTML routes (and the iCalendar feeds).
pub fn router() -> Router<AppState> {
    html::router().merge(feeds::router())
}

/// JSON routes under `/api/v1`.
pub fn api_router() -> OpenApiRouter<AppState> {
    api::router()
}

/// A meeting the viewer may see, and whether they also see its internals (minutes,
/// attendance). A hidden meeting is `NotFound`, exactly like a missing one.
pub async fn visible(db: &Db, viewer: &Viewer, id: i64) -> AppResult<(Meeting, bool)> {
    let m = store::get(db, id).await?;
    let internals = rights::can_see_group_internals(db, viewer, m.group_id).await?;
    if !m.is_public && !internals {
        return Err(AppError::NotFound);
    }
    Ok((m, internals))
}

/// A meeting the viewer may edit: 401 for the anonymous, 404 when missing, 403 for those
/// who do not edit the meeting's group.
pub async fn editable(db: &Db, viewer: &Viewer, id: i64) -> AppResult<Meeting> {
    viewer.require_signed_in()?;
    let m = store::get(db, id).await?;
    if !rights::can_edit_group(db, viewer, m.group_id).await? {
        return Err(AppError::forbidden());
    }
    Ok(m)
}

/// Whether the viewer may put a meeting into this group (create one, or move one there):
/// 401 for the anonymous, 403 without the right. Without a group, anyone who edits some
/// group passes, and the missing field is reported by validation.
pub async fn require_group_edit(db: &Db, viewer: &Viewer, group_id: Option<i64>) -> AppResult<()> {
    viewer.require_signed_in()?;
    let allowed = match group_id {
        Some(g) if g > 0 => rights::can_edit_group(db, viewer, g).await?,
        _ => !store::editable_groups(db, viewer).await?.is_empty(),
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}
