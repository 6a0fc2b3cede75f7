//! Background jobs: work that takes longer than a request (imports, report PDFs, e-mail).
//!
//! A job is a row in `jobs` (kind, JSON payload, status, progress, checkpoint, result or
//! error). Any instance's [`worker`] claims due jobs atomically, runs the handler that the
//! job's kind has in the [`Registry`], renews a lease while it runs, and records the
//! outcome. A failed attempt is retried with exponential backoff up to `max_attempts`; a
//! job whose worker died is claimed again once its lease has expired.
//!
//! **Resuming without doing work twice.** A handler that has side effects writes each step
//! together with its checkpoint in one transaction ([`job_checkpoint!`]); on a later
//! attempt it reads [`JobCtx::checkpoint`] and continues after the last committed step.
//! The checkpoint write is fenced by the lease (`locked_by`): a worker that lost its job
//! to another cannot commit a step any more.
//!
//! A module adds a kind by writing `async fn run(ctx: JobCtx) -> JobResult` and
//! registering it in [`registry`]; it queues work with [`store::enqueue`].

pub mod api;
pub mod checksum;
pub mod html;
pub mod store;
pub mod worker;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;

use crate::web::AppState;

pub use worker::{WorkerHandle, WorkerOptions};

/// The job kinds this build runs. Every module that has background work adds its kind here.
pub fn registry() -> Registry {
    Registry::default()
        .register(checksum::KIND, checksum::run)
        .register(
            crate::knowledge::imports::job::KIND,
            crate::knowledge::imports::job::run,
        )
}

/// Page routes (ordinary body limit).
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(html::router())
        .merge(checksum::router())
}

/// Page routes that take uploads (the upload body limit).
pub fn upload_router() -> Router<AppState> {
    checksum::upload_router()
}

/// API routes (ordinary body limit).
pub fn api_router() -> OpenApiRouter<AppState> {
    api::api_router()
}

/// API routes that take uploads (the upload body limit).
pub fn upload_api_router() -> OpenApiRouter<AppState> {
    checksum::upload_api_router()
}

/// Where a job is in its life. A CHECK constraint keeps the column to these four.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(JobStatus::Queued),
            "running" => Some(JobStatus::Running),
            "succeeded" => Some(JobStatus::Succeeded),
            "failed" => Some(JobStatus::Failed),
            _ => None,
        }
    }

    /// Queued or running: the job is not done yet.
    pub fn is_pending(self) -> bool {
        matches!(self, JobStatus::Queued | JobStatus::Running)
    }
}

/// A job as stored.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub status: JobStatus,
    pub progress_done: i64,
    pub progress_total: Option<i64>,
    pub checkpoint: Option<serde_json::Value>,
    pub result: Option<serde_json::Value>,
    /// A message key saying why the job failed.
    pub error: Option<String>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_after: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Why a handler stopped without a result.
#[derive(Debug)]
pub enum JobError {
    /// Worth another attempt (the database or a file system hiccuped): retried with
    /// backoff until `max_attempts`. The cause is logged, never shown.
    Retry(anyhow::Error),
    /// Will not get better by trying again: the job fails now with this message key.
    Fail(&'static str),
    /// Another worker holds the job now (this one's lease expired): stop quietly.
    LeaseLost,
}

impl From<sqlx::Error> for JobError {
    fn from(e: sqlx::Error) -> Self {
        JobError::Retry(e.into())
    }
}

impl From<std::io::Error> for JobError {
    fn from(e: std::io::Error) -> Self {
        JobError::Retry(e.into())
    }
}

/// What a handler returns: the job's result (JSON) or why it stopped.
pub type JobResult = Result<serde_json::Value, JobError>;

type BoxedRun =
    Arc<dyn Fn(JobCtx) -> Pin<Box<dyn Future<Output = JobResult> + Send>> + Send + Sync>;

/// Job kinds and their handlers.
#[derive(Clone, Default)]
pub struct Registry {
    kinds: BTreeMap<&'static str, BoxedRun>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.kinds.keys()).finish()
    }
}

impl Registry {
    /// Adds a kind: `run` is called with the job's context for every attempt.
    pub fn register<F, Fut>(mut self, kind: &'static str, run: F) -> Self
    where
        F: Fn(JobCtx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        self.kinds
            .insert(kind, Arc::new(move |ctx| Box::pin(run(ctx))));
        self
    }

    /// The registered kinds (a worker claims only these).
    pub fn kinds(&self) -> Vec<&'static str> {
        self.kinds.keys().copied().collect()
    }

    fn handler(&self, kind: &str) -> Option<BoxedRun> {
        self.kinds.get(kind).cloned()
    }
}

/// What a handler gets: the application state and the claimed job.
#[derive(Clone, Debug)]
pub struct JobCtx {
    pub state: AppState,
    job: Job,
    worker: Arc<str>,
}

impl JobCtx {
    pub fn job(&self) -> &Job {
        &self.job
    }

    pub fn id(&self) -> i64 {
        self.job.id
    }

    /// The id of the worker running this attempt (what fences its writes).
    pub fn worker_id(&self) -> &str {
        &self.worker
    }

    /// The payload as `T`; a payload that does not parse fails the job.
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, JobError> {
        serde_json::from_value(self.job.payload.clone()).map_err(|e| {
            tracing::error!(job = self.job.id, error = %e, "job payload does not parse");
            JobError::Fail("job-error-bad-payload")
        })
    }

    /// What the last attempt committed as its checkpoint, if anything: a resumed job
    /// continues from here.
    pub fn checkpoint<T: DeserializeOwned>(&self) -> Option<T> {
        self.job
            .checkpoint
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
    }

    /// Records progress (`done` of `total`); fails with `LeaseLost` if another worker has
    /// the job now.
    pub async fn progress(&self, done: i64, total: Option<i64>) -> Result<(), JobError> {
        store::progress(&self.state.db, self.job.id, &self.worker, done, total).await
    }

    /// Records a checkpoint with progress, outside any transaction of the handler's
    /// (for work without side effects of its own; otherwise use [`job_checkpoint!`]).
    pub async fn save_checkpoint<T: Serialize>(
        &self,
        checkpoint: &T,
        done: i64,
        total: Option<i64>,
    ) -> Result<(), JobError> {
        let value = serde_json::to_value(checkpoint).map_err(|e| JobError::Retry(e.into()))?;
        let rows = crate::with_db!(&self.state.db, p => sqlx::query(store::CHECKPOINT_SQL)
            .bind(value.to_string()).bind(done).bind(total).bind(Utc::now())
            .bind(self.job.id).bind(&*self.worker)
            .execute(p).await.map(|r| r.rows_affected()))?;
        store::held(rows)
    }
}

/// Records a job's checkpoint and progress inside the handler's own transaction, so that
/// a step's side effects and the checkpoint that says it is done commit together.
/// Evaluates to `Result<(), JobError>`: `LeaseLost` when another worker has the job now
/// (then drop the transaction: the step is rolled back).
///
/// `job_checkpoint!(&mut *tx, &ctx, serde_json::json!({"step": 3}), done, Some(total))`
#[macro_export]
macro_rules! job_checkpoint {
    ($tx:expr, $ctx:expr, $checkpoint:expr, $done:expr, $total:expr) => {{
        let ctx: &$crate::jobs::JobCtx = $ctx;
        let checkpoint: serde_json::Value = $checkpoint;
        let done: i64 = $done;
        let total: Option<i64> = $total;
        match sqlx::query($crate::jobs::store::CHECKPOINT_SQL)
            .bind(checkpoint.to_string())
            .bind(done)
            .bind(total)
            .bind(chrono::Utc::now())
            .bind(ctx.id())
            .bind(ctx.worker_id())
            .execute($tx)
            .await
        {
            Ok(r) => $crate::jobs::store::held(r.rows_affected()),
            Err(e) => Err($crate::jobs::JobError::from(e)),
        }
    }};
}
