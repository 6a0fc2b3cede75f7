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

/// Areas split for a choice, the home region's first: the region the deployment serves
/// (Päijät-Häme, [`REGION_CODE`](crate::core::reference::REGION_CODE)) and its member
/// municipalities valid this year, then every other area. Forms and filters show `home`
/// as the main list and `other` in a group of its own, so a national list of 320
/// municipalities stays usable and any area can still be chosen without JavaScript.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Choices {
    pub home: Vec<Area>,
    pub other: Vec<Area>,
}

impl Choices {
    /// Splits `all` (order kept) by the ids in `home`.
    pub fn split(all: Vec<Area>, home: &[i64]) -> Self {
        let (home, other) = all.into_iter().partition(|a| home.contains(&a.id));
        Self { home, other }
    }
}

/// The ids of the home region's areas in `year`: its member municipalities (memberships
/// valid in the year, or `parent_id` for municipalities without membership rows), the
/// region, the wider areas its members belong to (the wellbeing services county, the
/// sub-region, the former hospital district) and the country.
pub async fn home_ids(db: &Db, year: i32) -> AppResult<Vec<i64>> {
    let region = crate::core::reference::REGION_CODE;
    let members: Vec<i64> = with_db!(db, p => sqlx::query_scalar::<_, i64>(
        "SELECT a.id FROM areas a JOIN areas r ON r.kind = 'region' AND r.official_code = $1 \
         WHERE a.kind = 'municipality' AND ( \
           EXISTS (SELECT 1 FROM area_memberships m WHERE m.area_id = a.id AND m.parent_id = r.id AND $2 BETWEEN m.valid_from AND m.valid_to \
             AND (a.valid_from IS NULL OR a.valid_from <= $2) AND (a.valid_to IS NULL OR a.valid_to >= $2)) \
           OR (a.parent_id = r.id AND NOT EXISTS (SELECT 1 FROM area_memberships m2 JOIN areas p2 ON p2.id = m2.parent_id WHERE m2.area_id = a.id AND p2.kind = 'region'))) \
         ORDER BY a.id",
    ).bind(region).bind(year).fetch_all(p).await)?;
    let mut ids = members.clone();
    let wider: Vec<i64> = with_db!(db, p => sqlx::query_scalar::<_, i64>(
        "SELECT r.id FROM areas r WHERE (r.kind = 'region' AND r.official_code = $1) OR r.kind = 'country' \
         UNION SELECT m.parent_id FROM area_memberships m JOIN areas a ON a.id = m.area_id JOIN areas r ON r.kind = 'region' AND r.official_code = $1 \
           WHERE $2 BETWEEN m.valid_from AND m.valid_to AND EXISTS (SELECT 1 FROM area_memberships h WHERE h.area_id = a.id AND h.parent_id = r.id AND $2 BETWEEN h.valid_from AND h.valid_to) \
         UNION SELECT s.id FROM areas s JOIN areas r ON r.kind = 'region' AND r.official_code = $1 WHERE s.parent_id = r.id AND s.kind <> 'municipality'",
    ).bind(region).bind(year).fetch_all(p).await)?;
    ids.extend(wider);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}
