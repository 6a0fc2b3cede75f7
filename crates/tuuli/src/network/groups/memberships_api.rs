//! `/api/v1/groups/{id}/memberships`: a group's members, for those who may see them
//! (401 for the anonymous, 403 for others); changes by those who may edit the group.
//! The role `lived_experience` is shown as `member` to everyone but coordinators.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::memberships::{self, Membership, MembershipInput};
use super::{require_edit, require_internals};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::web::{ApiJson, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
}

/// A group's memberships, current and ended (`active` tells which).
#[utoipa::path(get, path = "/groups/{id}/memberships", tag = "memberships", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Membership>), (status = 401), (status = 403), (status = 404)))]
async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<Membership>>> {
    require_internals(&state.db, &viewer, id).await?;
    Ok(Json(
        memberships::list_for_group(&state.db, &viewer, id).await?,
    ))
}

/// One membership of the group.
#[utoipa::path(get, path = "/groups/{id}/memberships/{mid}", tag = "memberships",
    params(("id" = i64, Path), ("mid" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Membership), (status = 401), (status = 403), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, mid)): Path<(i64, i64)>,
) -> AppResult<Json<Membership>> {
    require_internals(&state.db, &viewer, id).await?;
    Ok(Json(memberships::get(&state.db, &viewer, id, mid).await?))
}

/// Adds a member (those who may edit the group). 409 when the person already has a
/// current membership; the `lived_experience` role only from coordinators (422 otherwise).
#[utoipa::path(post, path = "/groups/{id}/memberships", tag = "memberships", params(("id" = i64, Path)),
    request_body = MembershipInput, security(("bearer" = [])),
    responses((status = 201, body = Membership), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MembershipInput>,
) -> AppResult<(StatusCode, Json<Membership>)> {
    require_edit(&state.db, &viewer, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(memberships::create(&state.db, &viewer, id, &input).await?),
    ))
}

/// Changes a membership's role and dates; set `end_date` to end it.
#[utoipa::path(put, path = "/groups/{id}/memberships/{mid}", tag = "memberships",
    params(("id" = i64, Path), ("mid" = i64, Path)),
    request_body = MembershipInput, security(("bearer" = [])),
    responses((status = 200, body = Membership), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, mid)): Path<(i64, i64)>,
    headers: axum::http::HeaderMap,
    ApiJson(mut input): ApiJson<MembershipInput>,
) -> AppResult<Json<Membership>> {
    require_edit(&state.db, &viewer, id).await?;
    input.version = input.version.or(crate::web::conflict::if_match(&headers));
    Ok(Json(
        memberships::update(&state.db, &viewer, id, mid, &input).await?,
    ))
}

/// Deletes a membership outright (ending it keeps the history instead).
#[utoipa::path(delete, path = "/groups/{id}/memberships/{mid}", tag = "memberships",
    params(("id" = i64, Path), ("mid" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, mid)): Path<(i64, i64)>,
) -> AppResult<StatusCode> {
    require_edit(&state.db, &viewer, id).await?;
    memberships::delete(&state.db, &viewer, id, mid).await?;
    Ok(StatusCode::NO_CONTENT)
}
