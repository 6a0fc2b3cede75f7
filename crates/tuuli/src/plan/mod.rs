//! The plan module (DOMAIN.md module 2): the region's wellbeing plan as plan → service
//! promise → goal → action, and each action's progress updates (history kept, the latest
//! shown, rolled up per goal, promise and plan).
//!
//! Who may do what:
//! - The public sees published plans only; an unpublished plan (with its promises, goals
//!   and actions) does not exist for them (404). Signed-in users see every plan.
//! - Coordinators and admins create and edit plans, promises, goals and actions.
//! - An editor of an action's lead or other responsible organisation adds progress updates
//!   to that action; nobody else does, except coordinators and admins.

pub mod api;
pub mod decision;
pub mod demo;
pub mod exchange;
pub mod exchange_html;
pub mod html;
pub mod html_forms;
pub mod model;
pub mod report;
pub mod stale;
pub mod store;
pub mod update;
pub mod update_html;
pub mod views;

use utoipa_axum::router::OpenApiRouter;

use crate::auth::Viewer;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::AppState;

/// The JSON routes of the plan module (under `/api/v1`).
pub fn api_router() -> OpenApiRouter<AppState> {
    api::router().merge(report::api::router())
}

/// The annual report's pages (`/plans/{id}/reports…`).
pub fn report_router() -> axum::Router<AppState> {
    report::html::router()
}

/// The plan pages.
pub fn router() -> axum::Router<AppState> {
    html::router()
}

/// Who sees unpublished plans: everyone signed in.
pub fn sees_unpublished(v: &Viewer) -> bool {
    v.signed_in()
}

/// Who may create and edit plans, promises, goals and actions.
pub fn can_edit_plans(v: &Viewer) -> bool {
    v.is_coordinator()
}

/// Who may add progress updates to an action: coordinators and admins, and editors of its
/// lead or other responsible organisations.
pub async fn can_report_progress(db: &Db, v: &Viewer, action_id: i64) -> AppResult<bool> {
    let Some(u) = v.user() else {
        return Ok(false);
    };
    if u.is_coordinator() {
        return Ok(true);
    }
    if u.role != crate::auth::Role::Editor {
        return Ok(false);
    }
    let Some(org) = u.organisation_id else {
        return Ok(false);
    };
    Ok(store::responsible_organisations(db, action_id)
        .await?
        .contains(&org))
}

/// 401 for the anonymous, 403 for others without the right.
pub fn require(v: &Viewer, allowed: bool) -> Result<(), AppError> {
    v.require_signed_in()?;
    if allowed {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// An action the viewer may see (its plan published, or the viewer signed in); 404 otherwise.
pub async fn visible_action(db: &Db, v: &Viewer, id: i64) -> AppResult<model::Action> {
    let action = store::get_action(db, id).await?;
    store::get_plan(db, action.plan_id, sees_unpublished(v)).await?;
    Ok(action)
}
