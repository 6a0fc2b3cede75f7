//! The `knowledge_import` job: a coordinator's uploaded CSV imported into the value store
//! in the background, its progress (bytes read) on the job's page, the summary as the
//! job's result and in the `imports` row. The job owns the uploaded file and deletes it
//! when it is over.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::auth::Actor;
use crate::jobs::{JobCtx, JobError, JobResult};
use crate::knowledge::values::ImportMeta;

pub const KIND: &str = "knowledge_import";

/// What the job is given.
#[derive(Debug, Serialize, Deserialize)]
pub struct Payload {
    /// The file's name inside `upload_dir` (never a path).
    pub file: String,
    /// The name the sender gave.
    pub file_name: String,
}

/// The file a payload names, inside `dir` only.
fn resolve(dir: &Path, file: &str) -> Option<PathBuf> {
    let ok = file.starts_with("upload-")
        && file.len() <= 64
        && file.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    ok.then(|| dir.join(file))
}

/// Runs one import. An import whose summary was checkpointed (the attempt died after the
/// commit) returns that summary instead of importing again.
pub async fn run(ctx: JobCtx) -> JobResult {
    let p: Payload = ctx.payload()?;
    let path = resolve(&ctx.state.config.upload_dir, &p.file)
        .ok_or(JobError::Fail("job-error-bad-payload"))?;
    if let Some(done) = ctx.checkpoint::<serde_json::Value>() {
        remove(&path).await;
        return Ok(done);
    }
    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Err(JobError::Fail("job-error-file-missing"));
    }
    let meta = ImportMeta {
        kind: "csv",
        source_name: p.file_name.clone(),
        vintage: None,
        is_synthetic: false,
        actor: Actor {
            user_id: ctx.job().created_by,
            label: format!("job {}", ctx.id()),
        },
        job_id: Some(ctx.id()),
    };
    let (tx, mut rx) = watch::channel((0u64, 0u64));
    let db = ctx.state.db.clone();
    let file = path.clone();
    let mut import =
        tokio::spawn(async move { super::local_csv(&db, &file, meta, Some(&tx)).await });
    let mut open = true;
    let mut last = std::time::Instant::now();
    let outcome = loop {
        tokio::select! {
            r = &mut import => break r,
            c = rx.changed(), if open => match c {
                Ok(()) if last.elapsed() >= std::time::Duration::from_millis(500) => {
                    last = std::time::Instant::now();
                    let (done, total) = *rx.borrow();
                    if let Err(e) = ctx.progress(to_i64(done), Some(to_i64(total))).await {
                        // Lost the job: dropping the import rolls it back.
                        import.abort();
                        return Err(e);
                    }
                }
                Ok(()) => {}
                Err(_) => open = false,
            },
        }
    };
    let summary = match outcome {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(JobError::Retry(e)),
        Err(e) => {
            return Err(JobError::Retry(anyhow::anyhow!(
                "the import task ended: {e}"
            )));
        }
    };
    let mut result = serde_json::to_value(&summary).unwrap_or_default();
    if let Some(o) = result.as_object_mut() {
        o.insert("file_name".into(), p.file_name.into());
    }
    let done = to_i64(summary.rows_read);
    ctx.save_checkpoint(&result, done, Some(done)).await?;
    remove(&path).await;
    Ok(result)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

async fn remove(path: &Path) {
    if let Err(e) = tokio::fs::remove_file(path).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %e, "could not delete an imported upload");
    }
}
