//! Groups of the network (the regional coordination group, the expert groups, …) and
//! their memberships. Anyone may read groups; their members are seen only by those
//! `rights::can_see_group_internals` allows. Coordinators and admins create and delete
//! groups; `rights::can_edit_group` (coordinators, editors of the convener) edits a group
//! and its memberships.

pub mod api;
pub mod html;
pub mod memberships;
pub mod memberships_api;
pub mod memberships_html;
pub mod model;
pub mod store;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::Viewer;
use crate::core::rights;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::AppState;

pub use crate::network::organisations::require;

/// HTML routes.
pub fn router() -> Router<AppState> {
    html::router().merge(memberships_html::router())
}

/// JSON routes under `/api/v1`.
pub fn api_router() -> OpenApiRouter<AppState> {
    api::router().merge(memberships_api::router())
}

/// Who may create or delete groups.
pub fn can_create(v: &Viewer) -> bool {
    v.is_coordinator()
}

/// 404 for a group that does not exist, then 401/403 unless the viewer may edit it.
pub async fn require_edit(db: &Db, viewer: &Viewer, group_id: i64) -> AppResult<()> {
    store::get(db, group_id).await?;
    require(viewer, rights::can_edit_group(db, viewer, group_id).await?)
}

/// 404 for a group that does not exist, then 401/403 unless the viewer may see its members.
pub async fn require_internals(db: &Db, viewer: &Viewer, group_id: i64) -> AppResult<()> {
    store::get(db, group_id).await?;
    viewer.require_signed_in()?;
    if rights::can_see_group_internals(db, viewer, group_id).await? {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}
