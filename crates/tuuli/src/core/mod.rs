//! The core room: what every module stands on and no module owns — the four themes, areas
//! and the reference data loaded into them, Helsinki time, paging, and the visibility and
//! edit rights shared by the modules. Modules import from here; `core` imports no module,
//! and `web` and `auth` import only `core` (never a module), so there is no cycle.

pub mod areas;
pub mod areas_national;
pub mod areas_write;
pub mod cache;
pub mod csv_cell;
pub mod kinds;
pub mod memo;
pub mod paging;
pub mod reference;
pub mod rights;
pub mod spreadsheet;
pub mod themes;
pub mod time;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::web::AppState;

/// The pages of the core room (themes; the area pages list organisations, so they are the
/// network module's).
pub fn router() -> Router<AppState> {
    Router::new().merge(themes::router())
}

/// The JSON routes of the core room (under `/api/v1`).
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(themes::api_router())
        .merge(areas::api_router())
        .merge(areas_write::api_router())
}
