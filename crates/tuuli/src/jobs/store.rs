//! SQL for jobs. Every write a worker makes is fenced by `locked_by = <worker>` and
//! `status = 'running'`, so a worker that lost its lease changes nothing.

use std::sync::LazyLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::{Job, JobError, JobStatus};
use crate::auth::{Actor, Viewer};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::{audit, with_db};

const COLUMNS: &str = "id, kind, payload, status, progress_done, progress_total, checkpoint, result, error, attempts, max_attempts, run_after, created_by, created_at, updated_at, finished_at";

/// Checkpoint and progress of a running job ($1 checkpoint JSON, $2 done, $3 total,
/// $4 now, $5 id, $6 worker); used by `job_checkpoint!` and `JobCtx::save_checkpoint`.
pub const CHECKPOINT_SQL: &str = "UPDATE jobs SET checkpoint = $1, progress_done = $2, progress_total = $3, updated_at = $4 WHERE id = $5 AND locked_by = $6 AND status = 'running'";

/// Wakes this process's workers when a job is queued, so they need not wait for their poll.
pub(crate) static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    payload: String,
    status: String,
    progress_done: i64,
    progress_total: Option<i64>,
    checkpoint: Option<String>,
    result: Option<String>,
    error: Option<String>,
    attempts: i32,
    max_attempts: i32,
    run_after: DateTime<Utc>,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or(serde_json::Value::Null)
}

impl TryFrom<JobRow> for Job {
    type Error = AppError;
    fn try_from(r: JobRow) -> AppResult<Job> {
        let status = JobStatus::parse(&r.status).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("job {} has status {}", r.id, r.status))
        })?;
        Ok(Job {
            id: r.id,
            kind: r.kind,
            payload: json(&r.payload),
            status,
            progress_done: r.progress_done,
            progress_total: r.progress_total,
            checkpoint: r.checkpoint.as_deref().map(json),
            result: r.result.as_deref().map(json),
            error: r.error,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_after: r.run_after,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            finished_at: r.finished_at,
        })
    }
}

/// A job to queue.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    /// How many times the job is tried before it fails (at least 1).
    pub max_attempts: i32,
}

/// Queues a job started by `actor` (audited) and wakes this process's workers.
pub async fn enqueue(db: &Db, job: &NewJob, actor: &Actor) -> AppResult<i64> {
    let now = Utc::now();
    let after = serde_json::json!({ "kind": job.kind, "payload": job.payload });
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO jobs (kind, payload, status, max_attempts, run_after, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'queued', $3, $4, $5, $4, $4) RETURNING id",
        )
        .bind(job.kind)
        .bind(job.payload.to_string())
        .bind(job.max_attempts.max(1))
        .bind(now)
        .bind(actor.user_id)
        .fetch_one(&mut *tx)
        .await?;
        audit!(&mut *tx, actor, "create", "job", id, None, Some(after))?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(id)
    })?;
    WAKE.notify_one();
    Ok(id)
}

/// A job by id, whoever started it.
pub async fn get(db: &Db, id: i64) -> AppResult<Job> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    let row = with_db!(db, p => sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?;
    row.ok_or(AppError::NotFound)?.try_into()
}

/// Who sees a job: the person who started it, and admins. For anyone else it does not
/// exist (404), so a job's existence does not leak; the anonymous get 401.
pub async fn get_visible(db: &Db, id: i64, viewer: &Viewer) -> AppResult<Job> {
    let user = viewer.require_signed_in()?;
    let job = get(db, id).await?;
    if user.is_admin() || job.created_by == Some(user.id) {
        Ok(job)
    } else {
        Err(AppError::NotFound)
    }
}

/// Claims the next due job of one of `kinds` for `worker`: a queued job whose time has
/// come, or a running one whose lease expired (its worker died). One statement, so two
/// workers never claim the same job: PostgreSQL skips rows another claim has locked;
/// SQLite runs one writing statement at a time.
pub async fn claim(
    db: &Db,
    worker: &str,
    kinds: &[&str],
    lease: Duration,
) -> AppResult<Option<Job>> {
    if kinds.is_empty() {
        return Ok(None);
    }
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let placeholders: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 4)).collect();
    let lock = match db {
        Db::Postgres(..) => " FOR UPDATE SKIP LOCKED",
        Db::Sqlite(_) => "",
    };
    let sql = format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $1, lease_until = $2, updated_at = $3 \
         WHERE id = (SELECT id FROM jobs \
           WHERE ((status = 'queued' AND run_after <= $3) OR (status = 'running' AND lease_until < $3)) \
             AND kind IN ({}) \
           ORDER BY run_after, id LIMIT 1{lock}) \
         RETURNING {COLUMNS}",
        placeholders.join(", ")
    );
    let row = with_db!(db, p => {
        let mut q = sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(worker).bind(until).bind(now);
        for k in kinds {
            q = q.bind(*k);
        }
        q.fetch_optional(p).await
    })?;
    row.map(Job::try_from).transpose()
}

/// `Ok` when a fenced write changed the job's row, `LeaseLost` when it did not.
pub fn held(rows: u64) -> Result<(), JobError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(JobError::LeaseLost)
    }
}

/// Extends the lease of a running job; false when the worker no longer holds it.
pub async fn heartbeat(db: &Db, id: i64, worker: &str, lease: Duration) -> AppResult<bool> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let rows = with_db!(db, p => sqlx::query("UPDATE jobs SET lease_until = $1, updated_at = $2 WHERE id = $3 AND locked_by = $4 AND status = 'running'")
        .bind(until).bind(now).bind(id).bind(worker).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(rows == 1)
}

/// Records progress of a running job.
pub async fn progress(
    db: &Db,
    id: i64,
    worker: &str,
    done: i64,
    total: Option<i64>,
) -> Result<(), JobError> {
    let rows = with_db!(db, p => sqlx::query("UPDATE jobs SET progress_done = $1, progress_total = $2, updated_at = $3 WHERE id = $4 AND locked_by = $5 AND status = 'running'")
        .bind(done).bind(total).bind(Utc::now()).bind(id).bind(worker).execute(p).await.map(|r| r.rows_affected()))?;
    held(rows)
}

/// Marks a running job succeeded with its result.
pub async fn succeed(db: &Db, id: i64, worker: &str, result: &serde_json::Value) -> AppResult<()> {
    let now = Utc::now();
    with_db!(db, p => sqlx::query("UPDATE jobs SET status = 'succeeded', result = $1, error = NULL, locked_by = NULL, lease_until = NULL, finished_at = $2, updated_at = $2 WHERE id = $3 AND locked_by = $4 AND status = 'running'")
        .bind(result.to_string()).bind(now).bind(id).bind(worker).execute(p).await.map(|_| ()))?;
    Ok(())
}

/// Marks a running job failed for good, with a message key.
pub async fn fail(db: &Db, id: i64, worker: &str, error: &str) -> AppResult<()> {
    let now = Utc::now();
    with_db!(db, p => sqlx::query("UPDATE jobs SET status = 'failed', error = $1, locked_by = NULL, lease_until = NULL, finished_at = $2, updated_at = $2 WHERE id = $3 AND locked_by = $4 AND status = 'running'")
        .bind(error).bind(now).bind(id).bind(worker).execute(p).await.map(|_| ()))?;
    Ok(())
}

/// Puts a running job back in the queue to be tried again at `run_after`.
pub async fn retry(
    db: &Db,
    id: i64,
    worker: &str,
    error: &str,
    run_after: DateTime<Utc>,
) -> AppResult<()> {
    with_db!(db, p => sqlx::query("UPDATE jobs SET status = 'queued', error = $1, run_after = $2, locked_by = NULL, lease_until = NULL, updated_at = $3 WHERE id = $4 AND locked_by = $5 AND status = 'running'")
        .bind(error).bind(run_after).bind(Utc::now()).bind(id).bind(worker).execute(p).await.map(|_| ()))?;
    Ok(())
}

/// Hands a job back to the queue at shutdown: it is due now, and the interrupted attempt
/// does not count.
pub async fn release(db: &Db, id: i64, worker: &str) -> AppResult<()> {
    let now = Utc::now();
    with_db!(db, p => sqlx::query("UPDATE jobs SET status = 'queued', attempts = attempts - 1, run_after = $1, locked_by = NULL, lease_until = NULL, updated_at = $1 WHERE id = $2 AND locked_by = $3 AND status = 'running'")
        .bind(now).bind(id).bind(worker).execute(p).await.map(|_| ()))?;
    Ok(())
}

/// The payloads (JSON text) of queued and running jobs: what files they still need.
pub async fn pending_payloads(db: &Db) -> AppResult<Vec<String>> {
    Ok(
        with_db!(db, p => sqlx::query_scalar::<_, String>("SELECT payload FROM jobs WHERE status IN ('queued', 'running')").fetch_all(p).await)?,
    )
}
