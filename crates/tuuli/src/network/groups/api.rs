//! `/api/v1/groups`: the same store functions as the pages, as JSON. Groups never carry
//! their members here (see `/api/v1/groups/{id}/memberships`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::model::{Group, GroupInput};
use super::store::{self, GroupFilter};
use super::{can_create, require, require_edit};
use crate::auth::Viewer;
use crate::core::paging::PageParams;
use crate::core::paging::{Page, Paging};
use crate::error::AppResult;
use crate::web::{ApiJson, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
}

/// Groups, filtered and paged. Public.
#[utoipa::path(get, path = "/groups", tag = "groups", params(GroupFilter, PageParams),
    responses((status = 200, body = Page<Group>)))]
async fn list(
    State(state): State<AppState>,
    Query(f): Query<GroupFilter>,
    Query(p): Query<PageParams>,
) -> AppResult<Json<Page<Group>>> {
    Ok(Json(
        store::list(&state.db, &f, Paging::new(p.page, p.per_page, 50)).await?,
    ))
}

/// One group. Public.
#[utoipa::path(get, path = "/groups/{id}", tag = "groups", params(("id" = i64, Path)),
    responses((status = 200, body = Group), (status = 404)))]
async fn get_one(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<Group>> {
    Ok(Json(store::get(&state.db, id).await?))
}

/// Creates a group (coordinators and admins).
#[utoipa::path(post, path = "/groups", tag = "groups", request_body = GroupInput,
    security(("bearer" = [])),
    responses((status = 201, body = Group), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<GroupInput>,
) -> AppResult<(StatusCode, Json<Group>)> {
    require(&viewer, can_create(&viewer))?;
    Ok((
        StatusCode::CREATED,
        Json(store::create(&state.db, &viewer, &input).await?),
    ))
}

/// Replaces a group's data (coordinators, admins, editors of the convener). An editor
/// cannot change the convener: `convener_id` from an editor is ignored.
#[utoipa::path(put, path = "/groups/{id}", tag = "groups", params(("id" = i64, Path)), request_body = GroupInput,
    security(("bearer" = [])),
    responses((status = 200, body = Group), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    ApiJson(mut input): ApiJson<GroupInput>,
) -> AppResult<Json<Group>> {
    require_edit(&state.db, &viewer, id).await?;
    input.version = input.version.or(crate::web::conflict::if_match(&headers));
    Ok(Json(store::update(&state.db, &viewer, id, &input).await?))
}

/// Deletes a group without memberships or meetings (coordinators and admins); 409 otherwise.
#[utoipa::path(delete, path = "/groups/{id}", tag = "groups", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    require(&viewer, can_create(&viewer))?;
    store::delete(&state.db, &viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
