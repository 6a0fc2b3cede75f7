//! `/api/v1/plans/{id}/report` (a report for any period, as JSON, HTML or PDF) and
//! `/api/v1/plans/{id}/reports…` (saved reports: list, create, narratives, publish, the
//! published snapshot, the next plan). Same rights as the pages (`html.rs`).

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::model::*;
use super::{RenderCtx, ReportData, store};
use crate::error::{AppError, AppResult};
use crate::plan::{can_edit_plans, require, sees_unpublished};
use crate::web::{ApiJson, AppState, PageCtx};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(period_report))
        .routes(routes!(list_reports, create_report))
        .routes(routes!(save_narratives))
        .routes(routes!(publish_report))
        .routes(routes!(published_report))
        .routes(routes!(next_plan))
}

/// The formats a report comes in.
#[derive(Debug, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ReportFormat {
    Json,
    Html,
    Pdf,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First year (default: the plan's first year).
    pub from: Option<i32>,
    /// Last year (default: `from`).
    pub to: Option<i32>,
    /// `json` (default), `html` (the report's body) or `pdf`.
    #[param(value_type = Option<ReportFormat>, inline)]
    pub format: Option<String>,
}

fn rcx(ctx: &PageCtx) -> RenderCtx<'_> {
    RenderCtx {
        lang: ctx.lang,
        state: &ctx.state,
    }
}

/// The plan's report for a period, made from the current data (no narratives). A plan the
/// viewer may not see is 404; the language is the request's (`?lang=`, `Accept-Language`).
#[utoipa::path(get, path = "/plans/{id}/report", tag = "reports", params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, body = ReportData, description = "JSON; `text/html` or `application/pdf` with `format`"),
              (status = 404), (status = 422)))]
async fn period_report(
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let plan =
        crate::plan::store::get_plan(&ctx.state.db, id, sees_unpublished(&ctx.viewer)).await?;
    let from = q.from.unwrap_or(plan.start_year);
    let input = ReportInput {
        from_year: from,
        to_year: q.to.unwrap_or(from),
    };
    let mut c = crate::web::forms::Check::new();
    let input = input.check(&mut c);
    let format = c.one_of(
        "format",
        q.format.as_deref().unwrap_or("json"),
        &["json", "html", "pdf"],
    );
    c.finish(())?;
    let data = super::build(
        &ctx.state.db,
        &plan,
        input.from_year,
        input.to_year,
        &Default::default(),
    )
    .await?;
    respond(&ctx, &data, &format, &ctx.t("report-draft-note")).await
}

async fn respond(
    ctx: &PageCtx,
    data: &ReportData,
    format: &str,
    note: &str,
) -> AppResult<Response> {
    Ok(match format {
        "html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            super::render_html(data, &rcx(ctx))?,
        )
            .into_response(),
        "pdf" => (
            [(header::CONTENT_TYPE, "application/pdf")],
            super::pdf::render(data, &rcx(ctx), note).await?,
        )
            .into_response(),
        _ => Json(data).into_response(),
    })
}

/// A plan's saved reports: all for those signed in, published ones for the public —
/// without their narratives, which are the coordinators' working drafts (edits since the
/// last publishing included); the published text is in `…/published`.
#[utoipa::path(get, path = "/plans/{id}/reports", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Report>), (status = 404)))]
async fn list_reports(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Json<Vec<Report>>> {
    let all = sees_unpublished(&ctx.viewer);
    crate::plan::store::get_plan(&ctx.state.db, id, all).await?;
    let mut list = store::list(&ctx.state.db, id).await?;
    if !all {
        list.retain(|r| r.published_at.is_some());
        for r in &mut list {
            r.narratives.clear();
        }
    }
    Ok(Json(list))
}

/// Creates the plan's report for a period (or returns the existing one), coordinators.
#[utoipa::path(post, path = "/plans/{id}/reports", tag = "reports", params(("id" = i64, Path)), request_body = ReportInput,
    security(("bearer" = [])),
    responses((status = 201, body = Report), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn create_report(
    ctx: PageCtx,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReportInput>,
) -> AppResult<(StatusCode, Json<Report>)> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    crate::plan::store::get_plan(&ctx.state.db, id, true).await?;
    let r = store::create(&ctx.state.db, id, &input, &ctx.viewer.actor()).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

async fn coordinator_report(
    ctx: &PageCtx,
    id: i64,
    rid: i64,
) -> AppResult<(crate::plan::model::Plan, Report)> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let plan = crate::plan::store::get_plan(&ctx.state.db, id, true).await?;
    Ok((plan, store::get(&ctx.state.db, id, rid).await?))
}

/// Replaces a report's narratives (coordinators; `version` or `If-Match` checked).
#[utoipa::path(put, path = "/plans/{id}/reports/{rid}/narratives", tag = "reports",
    params(("id" = i64, Path), ("rid" = i64, Path)), request_body = NarrativesInput, security(("bearer" = [])),
    responses((status = 200, body = Report), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn save_narratives(
    ctx: PageCtx,
    Path((id, rid)): Path<(i64, i64)>,
    headers: HeaderMap,
    ApiJson(mut input): ApiJson<NarrativesInput>,
) -> AppResult<Json<Report>> {
    let (_, report) = coordinator_report(&ctx, id, rid).await?;
    input.version = input.version.or(crate::web::conflict::if_match(&headers));
    let promise_ids: Vec<i64> = crate::plan::store::tree(&ctx.state.db, id, true)
        .await?
        .promises
        .iter()
        .map(|p| p.promise.id)
        .collect();
    Ok(Json(
        store::save_narratives(
            &ctx.state.db,
            &report,
            &input,
            &promise_ids,
            &ctx.viewer.actor(),
        )
        .await?,
    ))
}

/// A published snapshot: when, and the data it froze.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Published {
    pub report_id: i64,
    pub published_at: chrono::DateTime<chrono::Utc>,
    pub data: ReportData,
}

fn published_view(snap: &Snapshot) -> AppResult<Published> {
    Ok(Published {
        report_id: snap.report_id,
        published_at: snap.published_at,
        data: snap.report_data().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("snapshot {} unreadable", snap.id))
        })?,
    })
}

/// Publishes the report as it is now: a snapshot that reads the same forever (coordinators).
#[utoipa::path(post, path = "/plans/{id}/reports/{rid}/publish", tag = "reports",
    params(("id" = i64, Path), ("rid" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Published), (status = 401), (status = 403), (status = 404)))]
async fn publish_report(
    ctx: PageCtx,
    Path((id, rid)): Path<(i64, i64)>,
) -> AppResult<(StatusCode, Json<Published>)> {
    let (plan, report) = coordinator_report(&ctx, id, rid).await?;
    let snap = super::html::publish_report(&ctx.state, &plan, &report, &ctx.viewer.actor()).await?;
    Ok((StatusCode::CREATED, Json(published_view(&snap)?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (default), `html` or `pdf`.
    #[param(value_type = Option<ReportFormat>, inline)]
    pub format: Option<String>,
}

/// The latest published snapshot (public for a published plan; 404 before publishing).
#[utoipa::path(get, path = "/plans/{id}/reports/{rid}/published", tag = "reports",
    params(("id" = i64, Path), ("rid" = i64, Path), FormatQuery),
    responses((status = 200, body = Published), (status = 404)))]
async fn published_report(
    ctx: PageCtx,
    Path((id, rid)): Path<(i64, i64)>,
    Query(q): Query<FormatQuery>,
) -> AppResult<Response> {
    crate::plan::store::get_plan(&ctx.state.db, id, sees_unpublished(&ctx.viewer)).await?;
    store::get(&ctx.state.db, id, rid).await?;
    let mut c = crate::web::forms::Check::new();
    let format = c.one_of(
        "format",
        q.format.as_deref().unwrap_or("json"),
        &["json", "html", "pdf"],
    );
    c.finish(())?;
    let snap = store::latest_snapshot(&ctx.state.db, rid)
        .await?
        .ok_or(AppError::NotFound)?;
    match format.as_str() {
        "html" => Ok((
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            snap.html(ctx.lang).to_owned(),
        )
            .into_response()),
        "pdf" => {
            let view = published_view(&snap)?;
            let note = format!(
                "{} {}",
                ctx.t("report-published-on"),
                snap.published_at.date_naive()
            );
            respond(&ctx, &view.data, "pdf", &note).await
        }
        _ => Ok(Json(published_view(&snap)?).into_response()),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewPlan {
    pub id: i64,
}

/// Starts the next plan from a report: a draft plan with the same promises and the goals
/// and actions not done or cancelled by the report's end, each linked to its origin.
#[utoipa::path(post, path = "/plans/{id}/reports/{rid}/next-plan", tag = "reports",
    params(("id" = i64, Path), ("rid" = i64, Path)), request_body = NextPlanInput, security(("bearer" = [])),
    responses((status = 201, body = NewPlan), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn next_plan(
    ctx: PageCtx,
    Path((id, rid)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<NextPlanInput>,
) -> AppResult<(StatusCode, Json<NewPlan>)> {
    let (_, report) = coordinator_report(&ctx, id, rid).await?;
    let new = store::next_plan(&ctx.state.db, &report, &input, &ctx.viewer.actor()).await?;
    Ok((StatusCode::CREATED, Json(NewPlan { id: new })))
}
