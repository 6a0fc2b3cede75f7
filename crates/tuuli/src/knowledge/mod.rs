//! The knowledge room (DOMAIN.md module "Knowledge"): indicators, their values per area,
//! year and sex, and the importers that bring them in.
//!
//! - [`import`]: the pure import layer, functions that turn bytes into typed rows or
//!   located, localisable errors;
//! - [`catalogue`]: the indicator catalogue and its sets (seeded reference data, pages,
//!   coordinators' editing) and reading values;
//! - [`export`]: values as CSV, XLSX and JSON-stat 2.0;
//! - [`api`]: the JSON API's catalogue, sets and values;
//! - [`values`] and [`imports`]: the write path (atomic, idempotent imports with revisions)
//!   and the import pages, jobs and API;
//! - [`stats`]: statistics views (profiles, funnels, flags, goal targets, welfare report).

pub mod api;
pub mod catalogue;
pub mod demo;
pub mod demo_gen;
pub mod export;
pub mod import;
pub mod imports;
pub mod stats;
pub mod values;

/// The knowledge room's pages.
pub fn router() -> axum::Router<crate::web::AppState> {
    catalogue::html::router()
}

/// The knowledge room's JSON routes (under `/api/v1`).
pub fn api_router() -> utoipa_axum::router::OpenApiRouter<crate::web::AppState> {
    api::router()
}
