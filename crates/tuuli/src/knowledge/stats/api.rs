//! JSON of the statistics views: `/api/v1/areas/{id}/profile`, `/indicators/{id}/funnel`,
//! `/flags`, `/values/stats`, and a goal's indicator targets.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tuuli_stats::Level;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::flags::{self, Flag};
use super::goals::{self, GoalTarget, Judged, TargetInput};
use super::indicator::{self, Funnel};
use super::model;
use super::profile::{self, BenchmarkKind, Params, Profile};
use super::{AnnotatedValue, can_edit, sees_drafts, store};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::{ApiJson, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(area_profile))
        .routes(routes!(indicator_funnel))
        .routes(routes!(list_flags))
        .routes(routes!(value_stats))
        .routes(routes!(list_targets, create_target))
        .routes(routes!(delete_target))
}

/// Query of the profile.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfileQuery {
    /// A set's key or id (default: the first set).
    pub set: Option<String>,
    /// A theme's slug.
    pub theme: Option<String>,
    /// region or country (default).
    pub benchmark: Option<String>,
    /// 95 (default) or 99.8.
    pub level: Option<String>,
}

/// A municipality's profile: every indicator of the set with its latest value, 95 % and
/// 99.8 % intervals (none without a count; suppressed below 5 cases), the region's and the
/// country's values, the comparison, the trend and the history.
#[utoipa::path(get, path = "/areas/{id}/profile", tag = "statistics", params(("id" = i64, Path), ProfileQuery),
    responses((status = 200, body = Profile), (status = 404)))]
async fn area_profile(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ProfileQuery>,
) -> AppResult<Response> {
    let params = Params {
        set: q.set.as_deref(),
        theme: q.theme.as_deref(),
        benchmark: BenchmarkKind::parse(q.benchmark.as_deref()),
        level: model::level(q.level.as_deref()),
    };
    let stamp = store::stamp(&state.db).await?;
    let key = format!("{}:json", profile::memo_key(id, params));
    let body = match state.memo.get::<Bytes>(&key, stamp) {
        Some(b) => b,
        None => {
            let p = profile::cached_at(&state, stamp, id, params).await?;
            let b = Arc::new(json_bytes(&*p)?);
            state.memo.put(key, stamp, b.clone());
            b
        }
    };
    Ok(json_response(&body))
}

/// A view serialised once (kept in the memo as bytes: a 100-indicator profile is 700 kB of
/// JSON).
fn json_bytes<T: Serialize>(v: &T) -> AppResult<Bytes> {
    serde_json::to_vec(v)
        .map(Bytes::from)
        .map_err(|e| AppError::Internal(e.into()))
}

/// The memoised JSON as a response (the bytes are shared, not copied).
fn json_response(body: &Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
}

/// Query of the funnel.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunnelQuery {
    /// The data year (default: the latest).
    pub year: Option<i32>,
    /// region or country (default).
    pub benchmark: Option<String>,
    /// Whose municipalities: `region` (the home region's, the default) or `country` (every
    /// municipality valid in the year).
    #[param(inline, value_type = Option<indicator::Scope>)]
    pub scope: Option<String>,
}

/// The funnel plot of an indicator over the region's (or the country's) municipalities: each area's value
/// against its denominator, and the 95 % and 99.8 % control limits around the benchmark.
#[utoipa::path(get, path = "/indicators/{id}/funnel", tag = "statistics", params(("id" = i64, Path), FunnelQuery),
    responses((status = 200, body = Funnel), (status = 404)))]
async fn indicator_funnel(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<FunnelQuery>,
) -> AppResult<Response> {
    let b = BenchmarkKind::parse(q.benchmark.as_deref());
    let scope = indicator::Scope::parse(q.scope.as_deref());
    let stamp = store::stamp(&state.db).await?;
    let key = format!(
        "{}:funnel-json",
        indicator::memo_key(id, q.year, b, Level::P95, scope, &[])
    );
    let body = match state.memo.get::<Bytes>(&key, stamp) {
        Some(body) => body,
        None => {
            let s =
                indicator::cached_at(&state, stamp, id, q.year, b, Level::P95, scope, &[]).await?;
            let body = Arc::new(json_bytes(&s.funnel)?);
            state.memo.put(key, stamp, body.clone());
            body
        }
    };
    Ok(json_response(&body))
}

/// Query of the flags.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FlagsQuery {
    /// One area (default: the region's municipalities).
    pub area: Option<i64>,
    /// A theme's slug.
    pub theme: Option<String>,
    /// A set's key or id.
    pub set: Option<String>,
    /// 95 (default) or 99.8.
    pub level: Option<String>,
}

/// A flag with its one-sentence explanation in the request's language.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagOut {
    #[serde(flatten)]
    pub flag: Flag,
    pub explanation: String,
}

/// Shortcoming flags: significantly worse than the country or region, significantly
/// worsening, both (first), and goal targets off track.
#[utoipa::path(get, path = "/flags", tag = "statistics", params(FlagsQuery),
    responses((status = 200, body = Vec<FlagOut>), (status = 404)))]
async fn list_flags(
    State(state): State<AppState>,
    viewer: Viewer,
    lang: Option<Extension<Lang>>,
    Query(q): Query<FlagsQuery>,
) -> AppResult<Json<Vec<FlagOut>>> {
    let lang = lang.map(|l| l.0).unwrap_or_default();
    let level = model::level(q.level.as_deref());
    let list = flags::flags(
        &state.db,
        q.area,
        q.theme.as_deref(),
        q.set.as_deref(),
        level,
        sees_drafts(&viewer),
    )
    .await?;
    Ok(Json(super::explained(&state, lang, list)))
}

/// Query of values with statistics.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValuesQuery {
    pub area: i64,
    pub indicator: i64,
    /// 0 total (default), 1 men, 2 women.
    pub sex: Option<i32>,
}

/// An area's values of one indicator with `lower95, upper95, lower998, upper998` and the
/// comparison with the country in the same year at 95 %.
#[utoipa::path(get, path = "/values/stats", tag = "statistics", params(ValuesQuery),
    responses((status = 200, body = Vec<AnnotatedValue>), (status = 404)))]
async fn value_stats(
    State(state): State<AppState>,
    Query(q): Query<ValuesQuery>,
) -> AppResult<Json<Vec<AnnotatedValue>>> {
    let rows = super::store::values(
        &state.db,
        &[q.area],
        &[q.indicator],
        Some(q.sex.unwrap_or(0)),
    )
    .await?;
    Ok(Json(super::annotate(&state.db, rows).await?))
}

/// A goal's indicator targets, each judged on or off track.
#[utoipa::path(get, path = "/goals/{id}/targets", tag = "statistics", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Judged>), (status = 404)))]
async fn list_targets(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<Judged>>> {
    goals::goal(&state.db, id, sees_drafts(&viewer)).await?;
    let mut m = goals::judge_goal_targets(&state.db, &[id]).await?;
    Ok(Json(m.remove(&id).unwrap_or_default()))
}

/// Links an indicator and an area to a goal with a baseline and a target (coordinators).
/// A target year not after the baseline year, or a pair already linked, is 422.
#[utoipa::path(post, path = "/goals/{id}/targets", tag = "statistics", params(("id" = i64, Path)),
    request_body = TargetInput, security(("bearer" = [])),
    responses((status = 201, body = GoalTarget), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn create_target(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TargetInput>,
) -> AppResult<(StatusCode, Json<GoalTarget>)> {
    crate::plan::require(&viewer, can_edit(&viewer))?;
    goals::goal(&state.db, id, true).await?;
    let t = goals::create(&state.db, id, &input, &viewer.actor()).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// Removes a target (coordinators).
#[utoipa::path(delete, path = "/goal-targets/{id}", tag = "statistics", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn delete_target(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    crate::plan::require(&viewer, can_edit(&viewer))?;
    goals::delete(&state.db, id, &viewer.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}
