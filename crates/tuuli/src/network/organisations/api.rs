//! `/api/v1/organisations`: the same store functions as the pages, as JSON.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::model::{Organisation, OrganisationInput};
use super::store::{self, OrgFilter};
use super::{can_create, can_edit, require};
use crate::auth::Viewer;
use crate::core::paging::{Page, PageParams, Paging};
use crate::error::AppResult;
use crate::web::{ApiJson, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
}

/// Organisations, filtered and paged. Public. A search (`q`) counts at most 1,000 matches
/// (`total_capped`).
#[utoipa::path(get, path = "/organisations", tag = "organisations", params(OrgFilter, PageParams),
    responses((status = 200, body = Page<Organisation>)))]
async fn list(
    State(state): State<AppState>,
    Query(f): Query<OrgFilter>,
    Query(p): Query<PageParams>,
) -> AppResult<Json<Page<Organisation>>> {
    Ok(Json(
        store::list(
            &state.db,
            &f,
            Paging::new(p.page, p.per_page, 50).capped_for_search(f.q.as_deref()),
        )
        .await?,
    ))
}

/// One organisation. Public.
#[utoipa::path(get, path = "/organisations/{id}", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, body = Organisation), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Organisation>> {
    Ok(Json(store::get(&state.db, id).await?))
}

/// Creates an organisation (coordinators and admins).
#[utoipa::path(post, path = "/organisations", tag = "organisations", request_body = OrganisationInput,
    security(("bearer" = [])),
    responses((status = 201, body = Organisation), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> AppResult<(StatusCode, Json<Organisation>)> {
    require(&viewer, can_create(&viewer))?;
    Ok((
        StatusCode::CREATED,
        Json(store::create(&state.db, &input, &viewer.actor()).await?),
    ))
}

/// Replaces an organisation's data (its editors, coordinators and admins).
#[utoipa::path(put, path = "/organisations/{id}", tag = "organisations", params(("id" = i64, Path)), request_body = OrganisationInput,
    security(("bearer" = [])),
    responses((status = 200, body = Organisation), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    ApiJson(mut input): ApiJson<OrganisationInput>,
) -> AppResult<Json<Organisation>> {
    require(&viewer, can_edit(&viewer, id))?;
    input.version = input.version.or(crate::web::conflict::if_match(&headers));
    Ok(Json(
        store::update(&state.db, id, &input, &viewer.actor()).await?,
    ))
}

/// Deletes an organisation nothing refers to (coordinators and admins); 409 otherwise.
#[utoipa::path(delete, path = "/organisations/{id}", tag = "organisations", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    require(&viewer, can_create(&viewer))?;
    store::delete(&state.db, id, &viewer.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}
