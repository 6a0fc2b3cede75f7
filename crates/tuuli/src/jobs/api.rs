//! `GET /api/v1/jobs/{id}`: a job's status, progress and outcome, for the person who
//! started it and for admins (others get 404).

use axum::Json;
use axum::extract::{Extension, Path, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Job, JobStatus, store};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::web::AppState;

/// A job as shown to the person who started it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    pub id: i64,
    /// What the job does (`checksum`, …).
    pub kind: String,
    pub status: JobStatus,
    /// Units of work done (bytes, rows, … as the kind counts them).
    pub progress_done: i64,
    /// Units of work in all, when known.
    pub progress_total: Option<i64>,
    /// What a succeeded job produced (its shape depends on the kind).
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    /// Why the job failed (or why its last attempt did), in the request's language.
    pub error: Option<String>,
    /// The same as a stable message key.
    pub error_code: Option<String>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl JobView {
    pub fn new(job: &Job, state: &AppState, lang: Lang) -> Self {
        JobView {
            id: job.id,
            kind: job.kind.clone(),
            status: job.status,
            progress_done: job.progress_done,
            progress_total: job.progress_total,
            result: if job.status == JobStatus::Succeeded {
                job.result.clone()
            } else {
                None
            },
            error: job.error.as_deref().map(|k| state.i18n.t(lang, k, &[])),
            error_code: job.error.clone(),
            attempts: job.attempts,
            max_attempts: job.max_attempts,
            created_at: job.created_at,
            updated_at: job.updated_at,
            finished_at: job.finished_at,
        }
    }

    /// Progress in whole percent, when the total is known.
    pub fn percent(&self) -> Option<i64> {
        match self.progress_total {
            Some(t) if t > 0 => {
                Some((self.progress_done.clamp(0, t) as i128 * 100 / t as i128) as i64)
            }
            Some(_) => Some(100),
            None => None,
        }
    }
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_one))
}

/// One job: status, progress, result or error. Only the person who started it and admins
/// see it; for anyone else it does not exist (404).
#[utoipa::path(get, path = "/jobs/{id}", tag = "jobs", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = JobView), (status = 401), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    viewer: Viewer,
    lang: Option<Extension<Lang>>,
    Path(id): Path<i64>,
) -> AppResult<Json<JobView>> {
    let job = store::get_visible(&state.db, id, &viewer).await?;
    let lang = lang.map(|l| l.0).unwrap_or_default();
    Ok(Json(JobView::new(&job, &state, lang)))
}

/// The answer to an API request that queued job `id`: 202 with the job and its address
/// (`Location`), where the caller follows its progress.
pub async fn accepted(
    state: &crate::web::AppState,
    id: i64,
    lang: crate::i18n::Lang,
) -> crate::error::AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let job = super::store::get(&state.db, id).await?;
    Ok((
        axum::http::StatusCode::ACCEPTED,
        [(axum::http::header::LOCATION, format!("/api/v1/jobs/{id}"))],
        axum::Json(JobView::new(&job, state, lang)),
    )
        .into_response())
}
