//! Static assets, embedded in the binary (no CDN).

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::web::AppState;

const STYLE: &str = include_str!("../../../assets/style.css");
/// The icon: four blades for the four winds, in the accent colour. SVG, so one small file
/// serves every size; `/favicon.ico` answers with it too, for clients that ask by habit.
const FAVICON: &str = include_str!("../../../assets/favicon.svg");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/style.css", get(style))
        .route("/assets/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
}

async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
}

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}
