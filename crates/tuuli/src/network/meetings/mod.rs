//! The meetings of the network module (being built: see issue 2).

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::web::AppState;

/// HTML routes.
pub fn router() -> Router<AppState> {
    Router::new()
}

/// JSON routes under `/api/v1`.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
