//! The network module: organisations, people, groups, memberships and meetings (themes,
//! areas and the shared rights are in `core`). Each entity has its own folder or file with `store` (SQL), `html` (pages) and
//! `api` (JSON, with OpenAPI) sharing the same model and store functions.

pub mod areas_html;
pub mod groups;
pub mod meetings;
pub mod organisations;
pub mod people;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::web::AppState;

/// The HTML routes of the network module.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(areas_html::router())
        .merge(organisations::html::router())
        .merge(people::router())
        .merge(groups::router())
        .merge(meetings::router())
}

/// The JSON routes of the network module (under `/api/v1`).
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(organisations::api::router())
        .merge(people::api_router())
        .merge(groups::api_router())
        .merge(meetings::api_router())
}
