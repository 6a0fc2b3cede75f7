//! Changing areas through the API (coordinators and admins): areas are reference data that
//! `tuuli demo` loads, but a region that gains a municipality or corrects a code should not
//! need a developer. Every change is audited; an area still in use is not deleted.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::areas::{Area, get_area};
use crate::auth::{Actor, Role, Viewer};
use crate::core::kinds::AREA_KINDS;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::forms::Check;
use crate::web::{ApiJson, AppState};
use crate::with_db;

/// An area as sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaInput {
    /// country, wellbeing_county, region, subregion, hospital_district or municipality.
    #[schema(value_type = crate::core::kinds::schema::AreaKind)]
    pub kind: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name_fi: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name_sv: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name_en: String,
    #[schema(min_length = 1, max_length = 20)]
    pub official_code: String,
    #[serde(default)]
    #[schema(max_length = 20)]
    pub statfin_code: String,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub sotkanet_id: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub population: Option<i64>,
    /// The version this change is based on; a save based on an older one is refused (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

async fn validate(db: &Db, input: &AreaInput, id: Option<i64>) -> AppResult<AreaInput> {
    let mut c = Check::new();
    let v = AreaInput {
        kind: c.one_of("kind", &input.kind, AREA_KINDS),
        name_fi: c.line("name_fi", &input.name_fi, 200),
        name_sv: c.optional_line("name_sv", &input.name_sv, 200),
        name_en: c.optional_line("name_en", &input.name_en, 200),
        official_code: c.line("official_code", &input.official_code, 20),
        statfin_code: c.optional("statfin_code", &input.statfin_code, 20),
        sotkanet_id: input.sotkanet_id,
        parent_id: input.parent_id,
        population: input.population,
        version: input.version,
    };
    if v.sotkanet_id.is_some_and(|n| n <= 0) {
        c.add("sotkanet_id", "error-choice");
    }
    if v.population.is_some_and(|n| n < 0) {
        c.add("population", "error-choice");
    }
    if let Some(parent) = v.parent_id
        && (Some(parent) == id || get_area(db, parent).await.is_err())
    {
        c.add("parent_id", "error-choice");
    }
    Ok(c.finish(v)?)
}

const COLS: &str = "kind = $1, name_fi = $2, name_sv = $3, name_en = $4, official_code = $5, statfin_code = $6, sotkanet_id = $7, parent_id = $8, population = $9";

pub async fn create(db: &Db, input: &AreaInput, actor: &Actor) -> AppResult<Area> {
    let v = validate(db, input, None).await?;
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO areas (kind, name_fi, name_sv, name_en, official_code, statfin_code, sotkanet_id, parent_id, population) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(&v.kind).bind(&v.name_fi).bind(&v.name_sv).bind(&v.name_en).bind(&v.official_code)
            .bind(&v.statfin_code).bind(v.sotkanet_id).bind(v.parent_id).bind(v.population)
            .fetch_one(&mut *tx).await.map_err(|e| AppError::from_db(e, "error-duplicate-area"))?;
        crate::audit!(&mut *tx, actor, "create", "area", id, None, Some(serde_json::to_value(&v).unwrap_or_default()))?;
        tx.commit().await?;
        id
    });
    get_area(db, id).await
}

pub async fn update(db: &Db, id: i64, input: &AreaInput, actor: &Actor) -> AppResult<Area> {
    let v = validate(db, input, Some(id)).await?;
    let sql = format!("UPDATE areas SET {COLS}, version = version + 1 WHERE id = $10");
    let read = format!(
        "SELECT {} FROM areas WHERE id = $1",
        crate::core::areas::COLS
    );
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "areas", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(input.version, current)?;
        let before: Area = sqlx::query_as(sqlx::AssertSqlSafe(read.as_str())).bind(id).fetch_one(&mut *tx).await?;
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&v.kind).bind(&v.name_fi).bind(&v.name_sv).bind(&v.name_en).bind(&v.official_code)
            .bind(&v.statfin_code).bind(v.sotkanet_id).bind(v.parent_id).bind(v.population).bind(id)
            .execute(&mut *tx).await.map_err(|e| AppError::from_db(e, "error-duplicate-area"))?;
        crate::audit!(&mut *tx, actor, "update", "area", id, Some(serde_json::to_value(&before).unwrap_or_default()), Some(serde_json::to_value(&v).unwrap_or_default()))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    get_area(db, id).await
}

/// Deletes an area no organisation or other area refers to; 409 otherwise.
pub async fn delete(db: &Db, id: i64, actor: &Actor) -> AppResult<()> {
    let read = format!(
        "SELECT {} FROM areas WHERE id = $1",
        crate::core::areas::COLS
    );
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "areas", id)?.ok_or(AppError::NotFound)?;
        let before: Area = sqlx::query_as(sqlx::AssertSqlSafe(read.as_str())).bind(id).fetch_one(&mut *tx).await?;
        // Indicator values have no foreign key to their area (migration 0019: bulk imports);
        // a trigger refuses the delete, and this says so in the same words as the keys do.
        let has_values: Option<i64> = sqlx::query_scalar("SELECT area_id FROM indicator_values WHERE area_id = $1 LIMIT 1")
            .bind(id).fetch_optional(&mut *tx).await?;
        if has_values.is_some() {
            return Err(AppError::Conflict("error-area-in-use"));
        }
        sqlx::query("DELETE FROM areas WHERE id = $1").bind(id).execute(&mut *tx).await
            .map_err(|e| AppError::in_use(e, "error-area-in-use"))?;
        crate::audit!(&mut *tx, actor, "delete", "area", id, Some(serde_json::to_value(&before).unwrap_or_default()), None)?;
        tx.commit().await?;
        Ok(())
    })
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_create))
        .routes(routes!(api_update, api_delete))
}

/// Creates an area (coordinators and admins).
#[utoipa::path(post, path = "/areas", tag = "areas", request_body = AreaInput, security(("bearer" = [])),
    responses((status = 201, body = Area), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<AreaInput>,
) -> AppResult<(StatusCode, Json<Area>)> {
    viewer.require_role(Role::Coordinator)?;
    let area = create(&state.db, &input, &viewer.actor()).await?;
    state.reference.clear();
    Ok((StatusCode::CREATED, Json(area)))
}

/// Replaces an area's data (coordinators and admins).
#[utoipa::path(put, path = "/areas/{id}", tag = "areas", params(("id" = i64, Path)), request_body = AreaInput, security(("bearer" = [])),
    responses((status = 200, body = Area), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn api_update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    ApiJson(mut input): ApiJson<AreaInput>,
) -> AppResult<Json<Area>> {
    viewer.require_role(Role::Coordinator)?;
    input.version = input.version.or(crate::web::conflict::if_match(&headers));
    let area = update(&state.db, id, &input, &viewer.actor()).await?;
    state.reference.clear();
    Ok(Json(area))
}

/// Deletes an area nothing refers to (coordinators and admins); 409 otherwise.
#[utoipa::path(delete, path = "/areas/{id}", tag = "areas", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn api_delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    viewer.require_role(Role::Coordinator)?;
    delete(&state.db, id, &viewer.actor()).await?;
    state.reference.clear();
    Ok(StatusCode::NO_CONTENT)
}
