//! Administration: users and the audit log (admins only).

pub mod audit;
pub mod user_edit;
pub mod users;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(audit::router())
        .merge(users::router())
        .merge(user_edit::router())
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(audit::api_router())
}
