//! The network module: themes, areas, organisations, people, groups, memberships and
//! meetings. Each entity has its own folder or file with `store` (SQL), `html` (pages) and
//! `api` (JSON, with OpenAPI) sharing the same model and store functions.

pub mod access;
pub mod areas;
pub mod areas_write;
pub mod groups;
pub mod kinds;
pub mod meetings;
pub mod organisations;
pub mod people;
pub mod themes;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::web::AppState;

/// The HTML routes of the network module.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(areas::router())
        .merge(organisations::html::router())
        .merge(people::router())
        .merge(groups::router())
        .merge(meetings::router())
        .merge(themes::router())
}

/// The JSON routes of the network module (under `/api/v1`).
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(themes::api_router())
        .merge(areas::api_router())
        .merge(areas_write::api_router())
        .merge(organisations::api::router())
        .merge(people::api_router())
        .merge(groups::api_router())
        .merge(meetings::api_router())
}
