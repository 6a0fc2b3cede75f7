//! The in-process worker: claims due jobs, runs their handlers with a renewed lease, and
//! records the outcome. `tuuli serve` starts one; any number of instances may run one
//! against the same database.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tracing::Instrument as _;

use super::{Job, JobCtx, JobError, Registry, store};
use crate::web::AppState;

/// How a worker behaves.
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// How long a claimed job is held without a heartbeat; a job whose worker died is
    /// claimed again after this. The heartbeat renews it every third of it.
    pub lease: Duration,
    /// How often to look for due jobs when nothing woke the worker.
    pub poll: Duration,
    /// Jobs run at once.
    pub concurrency: usize,
    /// The first retry waits this long; each further one twice as long (at most an hour).
    pub retry_base: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(2),
            concurrency: 2,
            retry_base: Duration::from_secs(10),
        }
    }
}

/// A running worker.
#[derive(Debug)]
pub struct WorkerHandle {
    id: Arc<str>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Starts a worker for the kinds in `registry`.
pub fn spawn(state: AppState, registry: Registry, options: WorkerOptions) -> WorkerHandle {
    let id: Arc<str> = format!("worker-{}", &crate::auth::random_token("")[..12]).into();
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run(state, Arc::new(registry), options, id.clone(), stopped));
    WorkerHandle { id, stop, task }
}

impl WorkerHandle {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Stops claiming, cancels the jobs it runs and hands them back to the queue (so a
    /// restart resumes them at once), and waits until that is done.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// Stops the worker at once, as a crash would: its jobs stay `running` until their
    /// lease expires and another worker claims them.
    pub fn abort(&self) {
        self.task.abort();
    }
}

async fn run(
    state: AppState,
    registry: Arc<Registry>,
    options: WorkerOptions,
    id: Arc<str>,
    mut stopped: watch::Receiver<bool>,
) {
    let kinds = registry.kinds();
    let mut running = JoinSet::new();
    let mut jobs: HashMap<tokio::task::Id, i64> = HashMap::new();
    tracing::info!(worker = %id, kinds = ?kinds, "job worker started");
    let mut sweep = tokio::time::interval(SWEEP_EVERY);
    loop {
        while running.len() < options.concurrency.max(1) {
            match store::claim(&state.db, &id, &kinds, options.lease).await {
                Ok(Some(job)) => {
                    let job_id = job.id;
                    let work = run_job(
                        state.clone(),
                        registry.clone(),
                        job,
                        id.clone(),
                        options.clone(),
                    );
                    let handle = running.spawn(work);
                    jobs.insert(handle.id(), job_id);
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(worker = %id, error = ?e, "could not claim a job");
                    break;
                }
            }
        }
        tokio::select! {
            _ = stopped.changed() => break,
            Some(done) = running.join_next_with_id() => {
                let task = match &done { Ok((t, ())) => *t, Err(e) => e.id() };
                jobs.remove(&task);
            }
            _ = store::WAKE.notified() => {}
            _ = tokio::time::sleep(options.poll) => {}
            _ = sweep.tick() => {
                match sweep_uploads(&state, UPLOAD_MAX_AGE).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(files = n, "removed uploads no job uses"),
                    Err(e) => tracing::warn!(error = ?e, "could not sweep the upload folder"),
                }
            }
        }
    }
    running.abort_all();
    while let Some(done) = running.join_next_with_id().await {
        match done {
            Ok((task, ())) => {
                jobs.remove(&task);
            }
            Err(e) => {
                if let Some(job) = jobs.remove(&e.id())
                    && let Err(err) = store::release(&state.db, job, &id).await
                {
                    tracing::warn!(job, error = ?err, "could not hand a job back at shutdown");
                }
            }
        }
    }
    tracing::info!(worker = %id, "job worker stopped");
}

async fn run_job(
    state: AppState,
    registry: Arc<Registry>,
    job: Job,
    worker: Arc<str>,
    options: WorkerOptions,
) {
    let span = tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempts);
    async move {
        let db = state.db.clone();
        let (id, attempts, max_attempts) = (job.id, job.attempts, job.max_attempts);
        if attempts > max_attempts {
            // Its workers kept dying: trying again would only repeat that.
            tracing::error!("job given up after {max_attempts} attempts");
            log_err(store::fail(&db, id, &worker, "job-error-gave-up").await);
            return;
        }
        let Some(handler) = registry.handler(&job.kind) else {
            log_err(store::fail(&db, id, &worker, "job-error-unknown-kind").await);
            return;
        };
        let ctx = JobCtx {
            state: state.clone(),
            job,
            worker: worker.clone(),
        };
        let outcome = tokio::select! {
            r = AssertUnwindSafe(handler(ctx)).catch_unwind() => match r {
                Ok(r) => r,
                Err(_) => Err(JobError::Retry(anyhow::anyhow!("the job's handler panicked"))),
            },
            () = heartbeat(&db, id, &worker, options.lease) => Err(JobError::LeaseLost),
        };
        match outcome {
            Ok(result) => {
                tracing::info!("job succeeded");
                log_err(store::succeed(&db, id, &worker, &result).await);
            }
            Err(JobError::LeaseLost) => {
                tracing::warn!("job lost to another worker (lease expired)");
            }
            Err(JobError::Fail(key)) => {
                tracing::warn!(error = key, "job failed");
                log_err(store::fail(&db, id, &worker, key).await);
            }
            Err(JobError::Retry(cause)) if attempts < max_attempts => {
                let wait = backoff(options.retry_base, attempts);
                tracing::warn!(error = ?cause, retry_in = ?wait, "job attempt failed; will retry");
                let at = chrono::Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                log_err(store::retry(&db, id, &worker, "job-error-internal", at).await);
            }
            Err(JobError::Retry(cause)) => {
                tracing::error!(error = ?cause, "job failed on its last attempt");
                log_err(store::fail(&db, id, &worker, "job-error-internal").await);
            }
        }
    }
    .instrument(span)
    .await
}

/// How often the worker looks for forgotten uploads, and how old they must be.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);
const UPLOAD_MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// Deletes files `upload-*` in the upload folder older than `max_age` that no queued or
/// running job names in its payload: what a crash in the middle of an upload, or a job
/// given up without running, left behind. Returns how many were deleted.
pub async fn sweep_uploads(state: &AppState, max_age: Duration) -> anyhow::Result<usize> {
    let dir = &state.config.upload_dir;
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let pending = store::pending_payloads(&state.db)
        .await
        .map_err(|e| anyhow::anyhow!("reading pending jobs: {e:?}"))?;
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("upload-") || pending.iter().any(|p| p.contains(&name)) {
            continue;
        }
        let meta = entry.metadata().await?;
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or_default();
        if meta.is_file() && age > max_age {
            tokio::fs::remove_file(entry.path()).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Renews the lease every third of its length; returns when the lease is lost.
async fn heartbeat(db: &crate::db::Db, id: i64, worker: &str, lease: Duration) {
    loop {
        tokio::time::sleep(lease / 3).await;
        match store::heartbeat(db, id, worker, lease).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => tracing::warn!(error = ?e, "job heartbeat failed"),
        }
    }
}

/// The wait before retry number `attempt` (1-based): base, 2 × base, 4 × base … ≤ 1 hour.
pub fn backoff(base: Duration, attempt: i32) -> Duration {
    let exp = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    base.saturating_mul(1u32 << exp)
        .min(Duration::from_secs(3600))
}

fn log_err(r: crate::error::AppResult<()>) {
    if let Err(e) = r {
        tracing::error!(error = ?e, "could not record a job's outcome");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_an_hour() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 1), Duration::from_secs(10));
        assert_eq!(backoff(base, 2), Duration::from_secs(20));
        assert_eq!(backoff(base, 3), Duration::from_secs(40));
        assert_eq!(backoff(base, 30), Duration::from_secs(3600));
        assert_eq!(backoff(base, 0), Duration::from_secs(10));
    }
}
