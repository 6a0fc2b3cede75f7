//! `/api/v1/meetings`: the same store functions and visibility as the pages, as JSON.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::minutes_store as ms;
use super::model::{
    AttendanceInput, Decision, DecisionInput, Meeting, MeetingDetail, MeetingInput,
};
use super::store::{self, MeetingFilter, Scope};
use super::{editable, require_group_edit, visible};
use crate::auth::Viewer;
use crate::core::paging::PageParams;
use crate::core::paging::{Page, Paging};
use crate::error::AppResult;
use crate::web::{ApiJson, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(add_decision))
        .routes(routes!(delete_decision))
        .routes(routes!(set_attendance))
}

/// Meetings the caller may see, filtered and paged: coming ones first by time, or past
/// ones latest first. The public sees public meetings only.
#[utoipa::path(get, path = "/meetings", tag = "meetings", params(MeetingFilter, PageParams),
    responses((status = 200, body = Page<Meeting>)))]
async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(f): Query<MeetingFilter>,
    Query(p): Query<PageParams>,
) -> AppResult<Json<Page<Meeting>>> {
    let scope = Scope::of(&state.db, &viewer).await?;
    Ok(Json(
        store::list(&state.db, &scope, &f, Paging::new(p.page, p.per_page, 50)).await?,
    ))
}

/// One meeting with its agenda and decisions; minutes and attendance only for those who
/// see the group's internals. An internal meeting is 404 for everyone else.
#[utoipa::path(get, path = "/meetings/{id}", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingDetail), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Json<MeetingDetail>> {
    let (m, internals) = visible(&state.db, &viewer, id).await?;
    let mut detail = store::detail_of(&state.db, m, internals).await?;
    if !crate::plan::sees_unpublished(&viewer) {
        super::minutes_store::hide_unpublished_actions(&state.db, &mut detail.decisions).await?;
    }
    Ok(Json(detail))
}

/// Creates a meeting (coordinators, and editors of the group's convener).
#[utoipa::path(post, path = "/meetings", tag = "meetings", request_body = MeetingInput,
    security(("bearer" = [])),
    responses((status = 201, body = MeetingDetail), (status = 401), (status = 403), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<MeetingInput>,
) -> AppResult<(StatusCode, Json<MeetingDetail>)> {
    require_group_edit(&state.db, &viewer, input.group_id).await?;
    let id = store::create(&state.db, &input, &viewer.actor()).await?;
    Ok((
        StatusCode::CREATED,
        Json(store::detail(&state.db, id, true).await?),
    ))
}

/// Replaces a meeting's data and agenda (decisions and attendance stay).
#[utoipa::path(put, path = "/meetings/{id}", tag = "meetings", params(("id" = i64, Path)), request_body = MeetingInput,
    security(("bearer" = [])),
    responses((status = 200, body = MeetingDetail), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    ApiJson(mut input): ApiJson<MeetingInput>,
) -> AppResult<Json<MeetingDetail>> {
    editable(&state.db, &viewer, id).await?;
    input.version = input.version.or(crate::web::conflict::if_match(&headers));
    require_group_edit(&state.db, &viewer, input.group_id).await?;
    store::update(&state.db, id, &input, &viewer.actor()).await?;
    Ok(Json(store::detail(&state.db, id, true).await?))
}

/// Deletes a meeting with its agenda, decisions and attendance.
#[utoipa::path(delete, path = "/meetings/{id}", tag = "meetings", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    editable(&state.db, &viewer, id).await?;
    store::delete(&state.db, id, &viewer.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a decision of a meeting.
#[utoipa::path(post, path = "/meetings/{id}/decisions", tag = "meetings", params(("id" = i64, Path)), request_body = DecisionInput,
    security(("bearer" = [])),
    responses((status = 201, body = Decision), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn add_decision(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> AppResult<(StatusCode, Json<Decision>)> {
    editable(&state.db, &viewer, id).await?;
    let d = ms::add_decision(&state.db, id, &input, &viewer.actor()).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Deletes a decision of a meeting.
#[utoipa::path(delete, path = "/meetings/{id}/decisions/{did}", tag = "meetings",
    params(("id" = i64, Path), ("did" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn delete_decision(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, did)): Path<(i64, i64)>,
) -> AppResult<StatusCode> {
    editable(&state.db, &viewer, id).await?;
    ms::delete_decision(&state.db, id, did, &viewer.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces a meeting's attendance: the listed people present, the group's other members
/// absent. Only members of the group on the meeting's date (or people already listed).
#[utoipa::path(put, path = "/meetings/{id}/attendance", tag = "meetings", params(("id" = i64, Path)), request_body = AttendanceInput,
    security(("bearer" = [])),
    responses((status = 200, body = MeetingDetail), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn set_attendance(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AttendanceInput>,
) -> AppResult<Json<MeetingDetail>> {
    let m = editable(&state.db, &viewer, id).await?;
    ms::set_attendance(&state.db, &m, &input.present, &viewer.actor()).await?;
    Ok(Json(store::detail(&state.db, id, true).await?))
}
