//! Imports on the web, for coordinators and admins: `GET /imports` (the history with each
//! import's summary, and the upload form), `POST /imports` (the upload: queued as a
//! [`job`](super::job) whose page shows its progress; 303 there), `GET /api/v1/imports`
//! and `POST /api/v1/imports` (202 with the job).

use axum::extract::multipart::Multipart;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::job::{KIND, Payload};
use crate::auth::{Role, Viewer};
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::jobs::api::JobView;
use crate::jobs::store::{self, NewJob};
use crate::web::uploads::{self, Upload};
use crate::web::{AppState, PageCtx};
use crate::with_db;

/// The multipart field that carries the file.
pub const FILE_FIELD: &str = "file";

/// One import with its summary.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ImportView {
    pub id: i64,
    /// sotkanet_api, sotkanet_dir, csv, xlsx, jsonstat, demo or bench.
    pub kind: String,
    /// The file name or URL.
    pub source_name: String,
    /// When the data was fetched from its source, if known.
    pub vintage: Option<DateTime<Utc>>,
    /// running, done or failed.
    pub status: String,
    pub rows_read: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    /// A failed import's first errors, one per line ("location key<TAB>reason key").
    pub message: String,
    /// Demo or benchmark data.
    pub is_synthetic: bool,
    pub user_id: Option<i64>,
    pub job_id: Option<i64>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The latest imports, newest first.
pub async fn recent(db: &Db, limit: i64) -> AppResult<Vec<ImportView>> {
    let sql = format!(
        "SELECT id, kind, source_name, vintage, status, rows_read, inserted, updated, unchanged, rejected, message, \
         is_synthetic, user_id, job_id, started_at, finished_at FROM imports ORDER BY id DESC LIMIT {}",
        limit.clamp(1, 500)
    );
    Ok(
        with_db!(db, p => sqlx::query_as::<_, ImportView>(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?,
    )
}

fn require_can_import(viewer: &Viewer) -> AppResult<()> {
    viewer.require_role(Role::Coordinator).map(|_| ())
}

async fn enqueue(state: &AppState, viewer: &Viewer, upload: Upload) -> AppResult<i64> {
    let payload = Payload {
        file: upload.file.file_name(),
        file_name: upload.original_name.clone(),
    };
    let job = NewJob {
        kind: KIND,
        payload: serde_json::to_value(&payload).map_err(|e| AppError::Internal(e.into()))?,
        max_attempts: 3,
    };
    let id = store::enqueue(&state.db, &job, &viewer.actor()).await?;
    upload.file.keep();
    Ok(id)
}

pub fn router() -> Router<AppState> {
    Router::new().route("/imports", get(page))
}

pub fn upload_router() -> Router<AppState> {
    Router::new().route("/imports", post(submit))
}

pub fn upload_api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api_imports_list, api_imports_create))
}

async fn page(ctx: PageCtx) -> AppResult<Html<String>> {
    require_can_import(&ctx.viewer)?;
    render(&ctx, FieldErrors::new()).await
}

async fn render(ctx: &PageCtx, errors: FieldErrors) -> AppResult<Html<String>> {
    let imports = recent(&ctx.state.db, 50).await?;
    let rows: Vec<serde_json::Value> = imports
        .iter()
        .map(|i| {
            let errors: Vec<serde_json::Value> = i
                .message
                .lines()
                .take(20)
                .map(|l| {
                    let (loc, reason) = l.split_once('\t').unwrap_or(("", l));
                    serde_json::json!({"location": loc, "reason": reason})
                })
                .collect();
            serde_json::json!({
                "id": i.id, "kind": i.kind, "source_name": i.source_name, "status": i.status,
                "rows_read": i.rows_read, "inserted": i.inserted, "updated": i.updated,
                "unchanged": i.unchanged, "rejected": i.rejected, "is_synthetic": i.is_synthetic,
                "job_id": i.job_id, "started_at": i.started_at, "errors": errors,
            })
        })
        .collect();
    let limit = uploads::human_size(ctx.state.config.max_upload_bytes);
    ctx.render(
        "knowledge/imports.html",
        minijinja::context! { errors => errors.0, limit, imports => rows },
    )
}

async fn submit(ctx: PageCtx, form: Multipart) -> AppResult<Response> {
    require_can_import(&ctx.viewer)?;
    let form = uploads::receive(form, &ctx.state.config.upload_dir, FILE_FIELD).await?;
    let Some(upload) = form.file else {
        let mut errors = FieldErrors::new();
        errors.add(FILE_FIELD, "error-upload-no-file");
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ctx, errors).await?,
        )
            .into_response());
    };
    let id = enqueue(&ctx.state, &ctx.viewer, upload).await?;
    Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
}

/// The multipart body of `POST /imports` (for the OpenAPI description).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the multipart body; never constructed")]
struct ImportUpload {
    /// A CSV file: indicator;area;year;sex;value[;count;denominator] (Finnish, Swedish or
    /// English column names; `;` or `,`; decimal comma or point; UTF-8).
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// The latest 200 imports with their summaries, newest first (coordinators and admins).
#[utoipa::path(get, path = "/imports", tag = "knowledge",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<ImportView>), (status = 401), (status = 403)))]
async fn api_imports_list(
    State(state): State<AppState>,
    viewer: Viewer,
) -> AppResult<Json<Vec<ImportView>>> {
    require_can_import(&viewer)?;
    Ok(Json(recent(&state.db, 200).await?))
}

/// Uploads a coordinator's CSV file and queues its import (coordinators and admins): all
/// or nothing, summarised in the job's result and in `GET /imports`. Answers 202 with the
/// job; follow it at `/api/v1/jobs/{id}`.
#[utoipa::path(post, path = "/imports", tag = "knowledge",
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses((status = 202, body = JobView), (status = 400), (status = 401), (status = 403), (status = 413), (status = 422)))]
async fn api_imports_create(
    State(state): State<AppState>,
    viewer: Viewer,
    lang: Option<Extension<Lang>>,
    form: Multipart,
) -> AppResult<Response> {
    require_can_import(&viewer)?;
    let form = uploads::receive(form, &state.config.upload_dir, FILE_FIELD).await?;
    let upload = form
        .require_file(FILE_FIELD)
        .map_err(AppError::Validation)?;
    let id = enqueue(&state, &viewer, upload).await?;
    crate::jobs::api::accepted(&state, id, lang.map(|l| l.0).unwrap_or_default()).await
}
