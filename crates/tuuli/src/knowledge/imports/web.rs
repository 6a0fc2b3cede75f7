//! Imports on the web, for coordinators and admins: `GET /imports` (the history with each
//! import's summary, and the upload form), `POST /imports` (the upload: queued as a
//! [`job`](super::job) whose page shows its progress; 303 there), `GET /api/v1/imports`,
//! `POST /api/v1/imports` (202 with the job) and `GET /api/v1/imports/{id}` (one import
//! with its errors, in the request's language).

use axum::extract::multipart::Multipart;
use axum::extract::{Extension, Path, State};
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
    /// Rows left out on purpose, not errors (a Sotkanet folder's rows of regions Tuuli
    /// does not keep, JSON-stat cells without a value).
    pub skipped: i64,
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
        "SELECT id, kind, source_name, vintage, status, rows_read, inserted, updated, unchanged, rejected, skipped, message, \
         is_synthetic, user_id, job_id, started_at, finished_at FROM imports ORDER BY id DESC LIMIT {}",
        limit.clamp(1, 500)
    );
    Ok(
        with_db!(db, p => sqlx::query_as::<_, ImportView>(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?,
    )
}

/// One import, if it exists.
pub async fn one(db: &Db, id: i64) -> AppResult<Option<ImportView>> {
    Ok(with_db!(db, p => sqlx::query_as::<_, ImportView>(
        "SELECT id, kind, source_name, vintage, status, rows_read, inserted, updated, unchanged, rejected, skipped, message, \
         is_synthetic, user_id, job_id, started_at, finished_at FROM imports WHERE id = $1",
    ).bind(id).fetch_optional(p).await)?)
}

/// A stored error list ("location key<TAB>reason key" lines) for a template.
fn error_rows(message: &str, limit: usize) -> Vec<serde_json::Value> {
    message
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(limit)
        .map(|l| {
            let (loc, reason) = l.split_once('\t').unwrap_or(("", l));
            serde_json::json!({"location": loc, "reason": reason})
        })
        .collect()
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
    Router::new()
        .route("/imports", get(page))
        .route("/imports/{id}", get(show))
}

pub fn upload_router() -> Router<AppState> {
    Router::new().route("/imports", post(submit))
}

pub fn upload_api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_imports_list, api_imports_create))
        .routes(routes!(api_import_one))
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
            let errors = error_rows(&i.message, 20);
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

/// An import's own page: its summary, who and when, the errors it recorded (in the
/// reader's language) and its job while it runs. For those who see `/imports`.
async fn show(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    require_can_import(&ctx.viewer)?;
    let Some(i) = one(&ctx.state.db, id).await? else {
        return Err(AppError::NotFound);
    };
    let who: Option<String> = match i.user_id {
        Some(u) => with_db!(&ctx.state.db, p => sqlx::query_scalar::<_, String>(
            "SELECT name FROM users WHERE id = $1",
        ).bind(u).fetch_optional(p).await)?,
        None => None,
    };
    let errors = error_rows(&i.message, crate::knowledge::import::MAX_ERRORS + 1);
    // The job's page is for whoever started it and admins (`jobs::store::get_visible`):
    // linked only for them, not as a dead link for other coordinators.
    let sees_job = ctx
        .viewer
        .user()
        .is_some_and(|u| u.is_admin() || i.user_id == Some(u.id));
    ctx.render(
        "knowledge/import.html",
        minijinja::context! { import => i, who, errors, sees_job },
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
    /// English column names; `;` or `,`; decimal comma or point; UTF-8), or an XLSX
    /// workbook whose first sheet has the same columns.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// The latest 200 imports with their summaries and errors (in the request's language, as
/// `GET /imports/{id}` gives them), newest first (coordinators and admins).
#[utoipa::path(get, path = "/imports", tag = "knowledge",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<ImportDetail>), (status = 401), (status = 403)))]
async fn api_imports_list(
    State(state): State<AppState>,
    viewer: Viewer,
    lang: Option<Extension<Lang>>,
) -> AppResult<Json<Vec<ImportDetail>>> {
    require_can_import(&viewer)?;
    let lang = lang.map(|l| l.0).unwrap_or_default();
    Ok(Json(
        recent(&state.db, 200)
            .await?
            .into_iter()
            .map(|i| ImportDetail::new(i, &state.i18n, lang))
            .collect(),
    ))
}

/// Uploads a coordinator's CSV or XLSX file and queues its import (coordinators and admins): all
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

/// One recorded error of an import.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportErrorView {
    /// The line of the file, when the error has one.
    pub line: Option<i64>,
    /// Where in a file without lines (`data-289.csv:12`, `value[3]`), when it has no line.
    pub path: Option<String>,
    /// Where, in the request's language ("Line 3"); `null` for the whole file.
    pub location: Option<String>,
    /// Why, in the request's language.
    pub reason: String,
    /// The reason as a stable message key (`import-error-year`, `import-error-more`, …).
    pub code: String,
}

/// One import: its summary, who and when, and its errors.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportDetail {
    pub id: i64,
    /// running, done or failed.
    pub status: String,
    /// The format: sotkanet_api, sotkanet_dir, csv, xlsx, jsonstat, demo or bench.
    pub kind: String,
    /// The file name or URL.
    pub source_name: String,
    /// When the data was fetched from its source, if known.
    pub vintage: Option<DateTime<Utc>>,
    /// Demo or benchmark data.
    pub is_synthetic: bool,
    pub rows_read: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    /// Rows left out on purpose, not errors (a Sotkanet folder's rows of regions Tuuli
    /// does not keep, JSON-stat cells without a value).
    pub skipped: i64,
    /// Who imported; `null` for the command line or the system.
    pub user_id: Option<i64>,
    /// The job that ran it, if it ran as one (an upload).
    pub job_id: Option<i64>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// A refused import's recorded errors, in the order of the file (at most the first
    /// 200, then one "… more" entry).
    pub errors: Vec<ImportErrorView>,
}

impl ImportDetail {
    /// The import with its stored errors translated into `lang`.
    pub fn new(i: ImportView, i18n: &crate::i18n::I18n, lang: Lang) -> Self {
        let errors = i
            .message
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (loc, reason) = l.split_once('\t').unwrap_or(("", l));
                let (loc_key, args) = crate::i18n::split_args(loc);
                let arg = |name: &str| args.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
                let line = (loc_key == "import-at-line")
                    .then(|| arg("line").and_then(|n| n.parse().ok()))
                    .flatten();
                let path = (loc_key == "import-at-path").then(|| arg("path")).flatten();
                ImportErrorView {
                    line,
                    path,
                    location: (!loc.is_empty()).then(|| i18n.t(lang, loc, &[])),
                    reason: i18n.t(lang, reason, &[]),
                    code: crate::i18n::split_args(reason).0.to_owned(),
                }
            })
            .collect();
        ImportDetail {
            id: i.id,
            status: i.status,
            kind: i.kind,
            source_name: i.source_name,
            vintage: i.vintage,
            is_synthetic: i.is_synthetic,
            rows_read: i.rows_read,
            inserted: i.inserted,
            updated: i.updated,
            unchanged: i.unchanged,
            rejected: i.rejected,
            skipped: i.skipped,
            user_id: i.user_id,
            job_id: i.job_id,
            started_at: i.started_at,
            finished_at: i.finished_at,
            errors,
        }
    }
}

/// One import with its summary and its recorded errors, in the request's language
/// (coordinators and admins, like its page `/imports/{id}`).
#[utoipa::path(get, path = "/imports/{id}", tag = "knowledge",
    params(("id" = i64, Path, description = "The import's id")),
    security(("bearer" = [])),
    responses((status = 200, body = ImportDetail), (status = 401), (status = 403), (status = 404)))]
async fn api_import_one(
    State(state): State<AppState>,
    viewer: Viewer,
    lang: Option<Extension<Lang>>,
    Path(id): Path<i64>,
) -> AppResult<Json<ImportDetail>> {
    require_can_import(&viewer)?;
    let Some(i) = one(&state.db, id).await? else {
        return Err(AppError::NotFound);
    };
    Ok(Json(ImportDetail::new(
        i,
        &state.i18n,
        lang.map(|l| l.0).unwrap_or_default(),
    )))
}
