//! The exchange of a plan's actions as CSV and XLSX (`plan::exchange`): the coordinators'
//! page `/plans/{id}/exchange` (download buttons and the upload form) and the API
//! `GET/POST /api/v1/plans/{id}/actions.csv` and `.xlsx`. Anyone who sees the plan may
//! download it; only those who edit plans (coordinators, admins) import.

use axum::Json;
use axum::Router;
use axum::extract::multipart::Multipart;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::exchange::{self, ImportResult, MAX_IMPORT_BYTES, Problem, Refused};
use super::{can_edit_plans, require, sees_unpublished, store};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::uploads;
use crate::web::{AppState, PageCtx};

pub const FILE_FIELD: &str = "file";

const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The page (ordinary body limit).
pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/exchange", get(page))
}

/// The page's upload (the upload body limit).
pub fn upload_router() -> Router<AppState> {
    Router::new().route("/plans/{id}/exchange", post(page_import))
}

/// The downloads (ordinary body limit).
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_csv))
        .routes(routes!(export_xlsx))
}

/// The imports (the upload body limit).
pub fn upload_api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_csv))
        .routes(routes!(import_xlsx))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Csv,
    Xlsx,
}

/// An editable plan: 401/403 without the right, 404 when missing, 422 when archived.
async fn importable(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<()> {
    require(viewer, can_edit_plans(viewer))?;
    let plan = store::get_plan(&state.db, id, true).await?;
    if plan.status == "archived" {
        return Err(AppError::Message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "plan-update-import-archived".into(),
        ));
    }
    Ok(())
}

/// Reads the upload: too large is 413, a file that is not of the format is a problem.
async fn read_upload(
    state: &AppState,
    form: Multipart,
    format: Option<Format>,
) -> AppResult<Result<Vec<(usize, Vec<String>)>, Vec<Problem>>> {
    let form = uploads::receive(form, &state.config.upload_dir, FILE_FIELD).await?;
    let upload = form
        .require_file(FILE_FIELD)
        .map_err(AppError::Validation)?;
    if upload.size > MAX_IMPORT_BYTES as u64 {
        return Err(AppError::Message(
            StatusCode::PAYLOAD_TOO_LARGE,
            crate::i18n::with_args(
                "plan-update-import-too-large",
                &[("limit", &uploads::human_size(MAX_IMPORT_BYTES))],
            ),
        ));
    }
    let bytes = tokio::fs::read(upload.file.path())
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    // The page takes either: an XLSX file is a zip archive.
    let format = format.unwrap_or(if bytes.starts_with(b"PK\x03\x04") {
        Format::Xlsx
    } else {
        Format::Csv
    });
    let records = match format {
        Format::Csv => exchange::read_csv(&bytes),
        Format::Xlsx => exchange::read_xlsx(bytes),
    };
    Ok(records.map_err(|p| vec![p]))
}

async fn run_import(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    records: &[(usize, Vec<String>)],
) -> AppResult<Result<ImportResult, Refused>> {
    let labels = exchange::status_labels(&state.i18n);
    let today = crate::core::time::local_now().date();
    exchange::import(
        &state.db,
        id,
        &records.to_vec(),
        &labels,
        today,
        &viewer.actor(),
    )
    .await
}

/// The problems as an API error: 422 with each under `line N: column`.
fn refused(problems: Vec<Problem>) -> AppError {
    let mut details = FieldErrors::new();
    for p in problems {
        let place = if p.line == 0 {
            "file".to_owned()
        } else if p.column.is_empty() {
            format!("line {}", p.line)
        } else {
            format!("line {}: {}", p.line, p.column)
        };
        details.add(&place, &p.key);
    }
    AppError::Validation(details)
}

async fn api_import(
    state: AppState,
    viewer: Viewer,
    id: i64,
    form: Multipart,
    format: Format,
) -> AppResult<Json<ImportResult>> {
    importable(&state, &viewer, id).await?;
    let records = read_upload(&state, form, Some(format))
        .await?
        .map_err(refused)?;
    match run_import(&state, &viewer, id, &records).await? {
        Ok(r) => Ok(Json(r)),
        Err(Refused(p)) => Err(refused(p)),
    }
}

#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the multipart body; never constructed")]
struct ActionsUpload {
    /// The spreadsheet, with the columns of the export.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// Imports a CSV file of the plan's actions (coordinators and admins): rows with an
/// `action_id` update that action, rows without one add an action; all or nothing, every
/// bad row listed in `details` as `line N: column`.
#[utoipa::path(post, path = "/plans/{id}/actions.csv", tag = "plans", params(("id" = i64, Path)),
    request_body(content = ActionsUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportResult), (status = 400), (status = 401), (status = 403), (status = 404),
               (status = 413), (status = 422)))]
async fn import_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    form: Multipart,
) -> AppResult<Json<ImportResult>> {
    api_import(state, viewer, id, form, Format::Csv).await
}

/// Imports an XLSX workbook of the plan's actions (its first sheet); as the CSV import.
#[utoipa::path(post, path = "/plans/{id}/actions.xlsx", tag = "plans", params(("id" = i64, Path)),
    request_body(content = ActionsUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportResult), (status = 400), (status = 401), (status = 403), (status = 404),
               (status = 413), (status = 422)))]
async fn import_xlsx(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    form: Multipart,
) -> AppResult<Json<ImportResult>> {
    api_import(state, viewer, id, form, Format::Xlsx).await
}

fn download(bytes: Vec<u8>, content_type: &'static str, name: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The plan's actions as CSV (UTF-8 with BOM, `;`, decimal comma); 404 for the public
/// when the plan is unpublished.
#[utoipa::path(get, path = "/plans/{id}/actions.csv", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404)))]
async fn export_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    store::get_plan(&state.db, id, sees_unpublished(&viewer)).await?;
    let bytes = exchange::export_csv(&state.db, id).await?;
    Ok(download(
        bytes,
        "text/csv; charset=utf-8",
        format!("plan-{id}-actions.csv"),
    ))
}

/// The plan's actions as an XLSX workbook; 404 for the public when the plan is unpublished.
#[utoipa::path(get, path = "/plans/{id}/actions.xlsx", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               body = Vec<u8>), (status = 404)))]
async fn export_xlsx(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    store::get_plan(&state.db, id, sees_unpublished(&viewer)).await?;
    let bytes = exchange::export_xlsx(&state.db, id).await?;
    Ok(download(
        bytes,
        XLSX_TYPE,
        format!("plan-{id}-actions.xlsx"),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    created: Option<usize>,
    #[serde(default)]
    updated: Option<usize>,
    #[serde(default)]
    progress: Option<usize>,
}

fn render(
    ctx: &PageCtx,
    plan: &super::model::Plan,
    problems: &[Problem],
    done: &DoneQuery,
) -> AppResult<Html<String>> {
    ctx.render(
        "plan_update/exchange.html",
        minijinja::context! {
            plan, problems,
            done => done.created.is_some(),
            created => done.created.unwrap_or(0),
            updated => done.updated.unwrap_or(0),
            progress => done.progress.unwrap_or(0),
            limit => uploads::human_size(MAX_IMPORT_BYTES),
            columns => exchange::COLUMNS,
        },
    )
}

async fn page(
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let plan = store::get_plan(&ctx.state.db, id, true).await?;
    render(&ctx, &plan, &[], &q)
}

async fn page_import(ctx: PageCtx, Path(id): Path<i64>, form: Multipart) -> AppResult<Response> {
    importable(&ctx.state, &ctx.viewer, id).await?;
    let plan = store::get_plan(&ctx.state.db, id, true).await?;
    let unprocessable = |problems: &[Problem]| -> AppResult<Response> {
        Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ctx, &plan, problems, &DoneQuery::default())?,
        )
            .into_response())
    };
    let records = match read_upload(&ctx.state, form, None).await {
        Ok(Ok(r)) => r,
        Ok(Err(problems)) => return unprocessable(&problems),
        Err(AppError::Validation(_)) => {
            return unprocessable(&[Problem {
                line: 0,
                column: String::new(),
                key: "error-upload-no-file".into(),
            }]);
        }
        Err(e) => return Err(e),
    };
    match run_import(&ctx.state, &ctx.viewer, id, &records).await? {
        Ok(r) => Ok(Redirect::to(&format!(
            "/plans/{id}/exchange?created={}&updated={}&progress={}",
            r.created, r.updated, r.progress
        ))
        .into_response()),
        Err(Refused(problems)) => unprocessable(&problems),
    }
}
