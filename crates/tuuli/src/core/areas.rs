//! Areas: the country, the wellbeing services county, the region, the sub-region and the
//! municipalities, with official codes and Sotkanet region ids. Public, read-only on the web;
//! the region's areas are loaded from `data/paijat_hame_regions.csv` at every start (see
//! `reference`); coordinators add others through the API (`areas_write`).

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use crate::with_db;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Area {
    pub id: i64,
    /// country, wellbeing_county, region, subregion, hospital_district or municipality.
    #[schema(value_type = crate::core::kinds::schema::AreaKind)]
    pub kind: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    /// The official code (municipality number, region code, …).
    pub official_code: String,
    pub statfin_code: String,
    /// THL Sotkanet region id.
    pub sotkanet_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub population: Option<i64>,
    /// Raised by one on every change; send it back with an update (or `If-Match`).
    pub version: i64,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreaFilter {
    /// Only areas of this kind.
    #[param(inline, value_type = Option<crate::core::kinds::schema::AreaKind>)]
    pub kind: Option<String>,
}

pub(crate) const COLS: &str = "id, kind, name_fi, name_sv, name_en, official_code, statfin_code, sotkanet_id, parent_id, population, version";

pub async fn list(db: &Db, filter: &AreaFilter) -> AppResult<Vec<Area>> {
    let sql = format!(
        "SELECT {COLS} FROM areas WHERE ($1 = '' OR kind = $1) ORDER BY \
         CASE kind WHEN 'country' THEN 0 WHEN 'wellbeing_county' THEN 1 WHEN 'region' THEN 2 WHEN 'subregion' THEN 3 WHEN 'hospital_district' THEN 4 ELSE 5 END, name_fi"
    );
    let kind = filter.kind.clone().unwrap_or_default();
    Ok(
        with_db!(db, p => sqlx::query_as::<_, Area>(sqlx::AssertSqlSafe(sql.as_str())).bind(&kind).fetch_all(p).await)?,
    )
}

pub async fn get_area(db: &Db, id: i64) -> AppResult<Area> {
    let sql = format!("SELECT {COLS} FROM areas WHERE id = $1");
    with_db!(db, p => sqlx::query_as::<_, Area>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?.ok_or(AppError::NotFound)
}

/// Municipalities only, for filters and forms.
pub async fn municipalities(db: &Db) -> AppResult<Vec<Area>> {
    list(
        db,
        &AreaFilter {
            kind: Some("municipality".into()),
        },
    )
    .await
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list))
        .routes(routes!(api_get))
}

/// Areas, widest first.
#[utoipa::path(get, path = "/areas", tag = "areas", params(AreaFilter), responses((status = 200, body = Vec<Area>)))]
async fn api_list(
    State(state): State<AppState>,
    Query(filter): Query<AreaFilter>,
) -> AppResult<axum::Json<Vec<Area>>> {
    Ok(axum::Json(list(&state.db, &filter).await?))
}

/// One area.
#[utoipa::path(get, path = "/areas/{id}", tag = "areas", params(("id" = i64, Path)), responses((status = 200, body = Area), (status = 404)))]
async fn api_get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<axum::Json<Area>> {
    Ok(axum::Json(get_area(&state.db, id).await?))
}
