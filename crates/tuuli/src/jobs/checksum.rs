//! The `checksum` job: the SHA-256 of an uploaded file, computed in the background with
//! progress. It is the smallest real user of the whole path a data import takes — a
//! multipart upload streamed to a file, a job that owns the file, progress, a checkpoint,
//! a result page — and lets anyone check that a file arrived intact.
//!
//! Routes (coordinators and admins): `GET /jobs/checksum` (the form), `POST /jobs/checksum`
//! (303 to the job's page) and `POST /api/v1/jobs/checksum` (202 with the job).

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::multipart::Multipart;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::api::JobView;
use super::store::{self, NewJob};
use super::{JobCtx, JobError, JobResult};
use crate::auth::{Role, Viewer};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::web::uploads::{self, Upload};
use crate::web::{AppState, PageCtx};

pub const KIND: &str = "checksum";

/// The multipart field that carries the file.
pub const FILE_FIELD: &str = "file";

/// Progress is recorded after every this many bytes.
const PROGRESS_EVERY: u64 = 4 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    /// The file's name inside `upload_dir` (never a path).
    file: String,
    /// The name the sender gave.
    file_name: String,
    content_type: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Checksum {
    sha256: String,
    size: u64,
    file_name: String,
}

/// The file a payload names, inside `dir` only.
fn resolve(dir: &Path, file: &str) -> Option<PathBuf> {
    let ok = file.starts_with("upload-")
        && file.len() <= 64
        && file.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    ok.then(|| dir.join(file))
}

/// Computes the checksum. Hashing has no side effects, so an interrupted attempt simply
/// starts over; the result is checkpointed before the file is deleted, so an attempt that
/// finds the file gone after that returns the recorded result instead of failing.
/// The file is deleted once the job is over: done, failed for good, or on its last attempt.
pub async fn run(ctx: JobCtx) -> JobResult {
    let p: Payload = ctx.payload()?;
    let path = resolve(&ctx.state.config.upload_dir, &p.file)
        .ok_or(JobError::Fail("job-error-bad-payload"))?;
    let outcome = hash(&ctx, p, &path).await;
    let last = ctx.job().attempts >= ctx.job().max_attempts;
    let over = match &outcome {
        Err(JobError::Fail(_)) => true,
        Err(JobError::Retry(_)) => last,
        Ok(_) | Err(JobError::LeaseLost) => false,
    };
    if over && let Err(e) = tokio::fs::remove_file(&path).await {
        tracing::debug!(error = %e, "the upload of a failed checksum job is gone already");
    }
    outcome
}

async fn hash(ctx: &JobCtx, p: Payload, path: &Path) -> JobResult {
    if let Some(done) = ctx.checkpoint::<Checksum>() {
        remove(path).await?;
        return Ok(serde_json::to_value(done).unwrap_or_default());
    }
    let mut file = match tokio::fs::File::open(path).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(JobError::Fail("job-error-file-missing"));
        }
        Err(e) => return Err(e.into()),
    };
    let total = file.metadata().await?.len();
    let total_i = i64::try_from(total).unwrap_or(i64::MAX);
    ctx.progress(0, Some(total_i)).await?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let (mut done, mut reported) = (0u64, 0u64);
    loop {
        let n = file.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        done += n as u64;
        if done - reported >= PROGRESS_EVERY {
            ctx.progress(i64::try_from(done).unwrap_or(i64::MAX), Some(total_i))
                .await?;
            reported = done;
        }
    }
    let result = Checksum {
        sha256: hex::encode(hasher.finalize()),
        size: done,
        file_name: p.file_name,
    };
    let done_i = i64::try_from(done).unwrap_or(i64::MAX);
    ctx.save_checkpoint(&result, done_i, Some(done_i)).await?;
    remove(path).await?;
    Ok(serde_json::to_value(result).unwrap_or_default())
}

async fn remove(path: &Path) -> Result<(), JobError> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Queues a checksum job for an upload; the job owns the file from now on.
async fn enqueue(state: &AppState, viewer: &Viewer, upload: Upload) -> AppResult<i64> {
    let payload = Payload {
        file: upload.file.file_name(),
        file_name: upload.original_name.clone(),
        content_type: upload.content_type.clone(),
    };
    let job = NewJob {
        kind: KIND,
        payload: serde_json::to_value(&payload).map_err(|e| AppError::Internal(e.into()))?,
        max_attempts: 3,
    };
    // If queuing fails, `upload` is dropped here and its file deleted.
    let id = store::enqueue(&state.db, &job, &viewer.actor()).await?;
    upload.file.keep();
    Ok(id)
}

/// Who may start a checksum job.
fn require_can_start(viewer: &Viewer) -> AppResult<()> {
    viewer.require_role(Role::Coordinator).map(|_| ())
}

pub fn router() -> Router<AppState> {
    Router::new().route("/jobs/checksum", get(form_page))
}

pub fn upload_router() -> Router<AppState> {
    Router::new().route("/jobs/checksum", post(form_submit))
}

pub fn upload_api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api_create))
}

async fn form_page(ctx: PageCtx) -> AppResult<Html<String>> {
    require_can_start(&ctx.viewer)?;
    render_form(&ctx, FieldErrors::new())
}

fn render_form(ctx: &PageCtx, errors: FieldErrors) -> AppResult<Html<String>> {
    let limit = uploads::human_size(ctx.state.config.max_upload_bytes);
    ctx.render(
        "jobs/checksum.html",
        minijinja::context! { errors => errors.0, limit },
    )
}

async fn form_submit(ctx: PageCtx, form: Multipart) -> AppResult<Response> {
    require_can_start(&ctx.viewer)?;
    let form = uploads::receive(form, &ctx.state.config.upload_dir, FILE_FIELD).await?;
    let Some(upload) = form.file else {
        let mut errors = FieldErrors::new();
        errors.add(FILE_FIELD, "error-upload-no-file");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render_form(&ctx, errors)?).into_response());
    };
    let id = enqueue(&ctx.state, &ctx.viewer, upload).await?;
    Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
}

/// The multipart body of `POST /jobs/checksum` (for the OpenAPI description).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the multipart body; never constructed")]
struct ChecksumUpload {
    /// The file.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// Uploads a file and queues a job that computes its SHA-256 (coordinators and admins).
/// The body is `multipart/form-data` with the file in the field `file`, at most
/// `max_upload_bytes` (413 names the limit). Answers 202 with the job; follow it at
/// `/api/v1/jobs/{id}`.
#[utoipa::path(post, path = "/jobs/checksum", tag = "jobs",
    request_body(content = ChecksumUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses((status = 202, body = JobView), (status = 400), (status = 401), (status = 403), (status = 413), (status = 422)))]
async fn api_create(
    State(state): State<AppState>,
    viewer: Viewer,
    lang: Option<Extension<Lang>>,
    form: Multipart,
) -> AppResult<Response> {
    require_can_start(&viewer)?;
    let form = uploads::receive(form, &state.config.upload_dir, FILE_FIELD).await?;
    let upload = form
        .require_file(FILE_FIELD)
        .map_err(AppError::Validation)?;
    let id = enqueue(&state, &viewer, upload).await?;
    crate::jobs::api::accepted(&state, id, lang.map(|l| l.0).unwrap_or_default()).await
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use std::path::Path;

    #[test]
    fn a_payload_names_only_files_inside_the_upload_folder() {
        let dir = Path::new("/data/uploads");
        assert_eq!(
            resolve(dir, "upload-abc123"),
            Some(dir.join("upload-abc123"))
        );
        assert_eq!(resolve(dir, "../etc/passwd"), None);
        assert_eq!(resolve(dir, "upload-../../x"), None);
        assert_eq!(resolve(dir, "/etc/passwd"), None);
    }
}
