//! `/api/v1/plans`, `/promises`, `/goals`, `/actions` and `/actions/{id}/progress`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::model::*;
use super::{can_edit_plans, can_report_progress, require, sees_unpublished, store};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::web::{ApiJson, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, create_plan))
        .routes(routes!(get_plan, update_plan))
        .routes(routes!(create_promise))
        .routes(routes!(update_promise, delete_promise))
        .routes(routes!(create_goal))
        .routes(routes!(update_goal, delete_goal))
        .routes(routes!(create_action))
        .routes(routes!(get_action, update_action, delete_action))
        .routes(routes!(list_progress, add_progress))
}

fn if_match(version: Option<i64>, headers: &HeaderMap) -> Option<i64> {
    version.or(crate::web::conflict::if_match(headers))
}

/// Plans: published ones for the public, all for those signed in.
#[utoipa::path(get, path = "/plans", tag = "plans", responses((status = 200, body = Vec<Plan>)))]
async fn list_plans(State(state): State<AppState>, viewer: Viewer) -> AppResult<Json<Vec<Plan>>> {
    Ok(Json(
        store::list_plans(&state.db, sees_unpublished(&viewer)).await?,
    ))
}

/// A plan with its promises, goals and actions (each with its latest status) and the
/// roll-ups. An unpublished plan is 404 for the public.
#[utoipa::path(get, path = "/plans/{id}", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = PlanTree), (status = 404)))]
async fn get_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Json<PlanTree>> {
    Ok(Json(
        store::tree(&state.db, id, sees_unpublished(&viewer)).await?,
    ))
}

/// Creates a plan (coordinators and admins).
#[utoipa::path(post, path = "/plans", tag = "plans", request_body = PlanInput, security(("bearer" = [])),
    responses((status = 201, body = Plan), (status = 401), (status = 403), (status = 422)))]
async fn create_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<PlanInput>,
) -> AppResult<(StatusCode, Json<Plan>)> {
    require(&viewer, can_edit_plans(&viewer))?;
    let plan = store::create_plan(&state.db, &input, &viewer.actor()).await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

/// Replaces a plan's data (coordinators and admins).
#[utoipa::path(put, path = "/plans/{id}", tag = "plans", params(("id" = i64, Path)), request_body = PlanInput,
    security(("bearer" = [])),
    responses((status = 200, body = Plan), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(mut input): ApiJson<PlanInput>,
) -> AppResult<Json<Plan>> {
    require(&viewer, can_edit_plans(&viewer))?;
    input.version = if_match(input.version, &headers);
    Ok(Json(
        store::update_plan(&state.db, id, &input, &viewer.actor()).await?,
    ))
}

/// Adds a service promise to a plan (coordinators and admins).
#[utoipa::path(post, path = "/promises", tag = "plans", request_body = PromiseInput, security(("bearer" = [])),
    responses((status = 201, body = Promise), (status = 401), (status = 403), (status = 422)))]
async fn create_promise(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<PromiseInput>,
) -> AppResult<(StatusCode, Json<Promise>)> {
    require(&viewer, can_edit_plans(&viewer))?;
    let row = store::create_promise(&state.db, &input, &viewer.actor()).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Replaces a service promise (coordinators and admins).
#[utoipa::path(put, path = "/promises/{id}", tag = "plans", params(("id" = i64, Path)), request_body = PromiseInput,
    security(("bearer" = [])),
    responses((status = 200, body = Promise), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_promise(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(mut input): ApiJson<PromiseInput>,
) -> AppResult<Json<Promise>> {
    require(&viewer, can_edit_plans(&viewer))?;
    input.version = if_match(input.version, &headers);
    Ok(Json(
        store::update_promise(&state.db, id, &input, &viewer.actor()).await?,
    ))
}

/// Adds a goal to a service promise (coordinators and admins).
#[utoipa::path(post, path = "/goals", tag = "plans", request_body = GoalInput, security(("bearer" = [])),
    responses((status = 201, body = Goal), (status = 401), (status = 403), (status = 422)))]
async fn create_goal(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<GoalInput>,
) -> AppResult<(StatusCode, Json<Goal>)> {
    require(&viewer, can_edit_plans(&viewer))?;
    let row = store::create_goal(&state.db, &input, &viewer.actor()).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Replaces a goal (coordinators and admins).
#[utoipa::path(put, path = "/goals/{id}", tag = "plans", params(("id" = i64, Path)), request_body = GoalInput,
    security(("bearer" = [])),
    responses((status = 200, body = Goal), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_goal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(mut input): ApiJson<GoalInput>,
) -> AppResult<Json<Goal>> {
    require(&viewer, can_edit_plans(&viewer))?;
    input.version = if_match(input.version, &headers);
    Ok(Json(
        store::update_goal(&state.db, id, &input, &viewer.actor()).await?,
    ))
}

/// Adds an action to a goal (coordinators and admins).
#[utoipa::path(post, path = "/actions", tag = "plans", request_body = ActionInput, security(("bearer" = [])),
    responses((status = 201, body = Action), (status = 401), (status = 403), (status = 422)))]
async fn create_action(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ActionInput>,
) -> AppResult<(StatusCode, Json<Action>)> {
    require(&viewer, can_edit_plans(&viewer))?;
    let row = store::create_action(&state.db, &input, &viewer.actor()).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// One action (404 for the public when its plan is unpublished).
#[utoipa::path(get, path = "/actions/{id}", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = Action), (status = 404)))]
async fn get_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Json<Action>> {
    Ok(Json(super::visible_action(&state.db, &viewer, id).await?))
}

/// Replaces an action (coordinators and admins).
#[utoipa::path(put, path = "/actions/{id}", tag = "plans", params(("id" = i64, Path)), request_body = ActionInput,
    security(("bearer" = [])),
    responses((status = 200, body = Action), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(mut input): ApiJson<ActionInput>,
) -> AppResult<Json<Action>> {
    require(&viewer, can_edit_plans(&viewer))?;
    input.version = if_match(input.version, &headers);
    Ok(Json(
        store::update_action(&state.db, id, &input, &viewer.actor()).await?,
    ))
}

/// An action's progress updates, the latest first (404 for the public when its plan is
/// unpublished). Who reported each (`author_id`) is for signed-in readers, as on the
/// action's page; `null` for the public.
#[utoipa::path(get, path = "/actions/{id}/progress", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Progress>), (status = 404)))]
async fn list_progress(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<Progress>>> {
    super::visible_action(&state.db, &viewer, id).await?;
    let mut list = store::list_progress(&state.db, id).await?;
    if !viewer.signed_in() {
        for p in &mut list {
            p.author_id = None;
        }
    }
    Ok(Json(list))
}

/// Adds a progress update (editors of the action's responsible organisations,
/// coordinators and admins).
#[utoipa::path(post, path = "/actions/{id}/progress", tag = "plans", params(("id" = i64, Path)), request_body = ProgressInput,
    security(("bearer" = [])),
    responses((status = 201, body = Progress), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn add_progress(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ProgressInput>,
) -> AppResult<(StatusCode, Json<Progress>)> {
    viewer.require_signed_in()?;
    super::visible_action(&state.db, &viewer, id).await?;
    require(&viewer, can_report_progress(&state.db, &viewer, id).await?)?;
    let row = store::add_progress(&state.db, id, &input, &viewer.actor()).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Deletes a service promise (coordinators and admins); 409 while it still has goals.
#[utoipa::path(delete, path = "/promises/{id}", tag = "plans", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn delete_promise(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    require(&viewer, can_edit_plans(&viewer))?;
    store::delete_promise(&state.db, id, &viewer.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a goal (coordinators and admins); 409 while it still has actions.
#[utoipa::path(delete, path = "/goals/{id}", tag = "plans", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn delete_goal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    require(&viewer, can_edit_plans(&viewer))?;
    store::delete_goal(&state.db, id, &viewer.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes an action with its progress history (coordinators and admins; the audit log
/// keeps both).
#[utoipa::path(delete, path = "/actions/{id}", tag = "plans", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn delete_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    require(&viewer, can_edit_plans(&viewer))?;
    store::delete_action(&state.db, id, &viewer.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}
