//! Background jobs: atomic claims, resuming without repeating work, retries, shutdown,
//! and who sees a job (`/jobs/{id}`, `/api/v1/jobs/{id}`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::json;
use tokio::sync::Notify;
use tuuli::auth::{Actor, Role};
use tuuli::jobs::store::{self, NewJob};
use tuuli::jobs::{JobCtx, JobError, JobStatus, Registry, WorkerOptions, worker};
use tuuli::{job_checkpoint, with_db};

use crate::both;
use crate::helpers::TestApp;

/// Worker options for tests: a short lease and poll, so a dead worker's job comes back fast.
pub fn fast() -> WorkerOptions {
    WorkerOptions {
        lease: Duration::from_millis(900),
        poll: Duration::from_millis(50),
        concurrency: 2,
        retry_base: Duration::from_millis(20),
    }
}

pub async fn enqueue(
    app: &TestApp,
    kind: &'static str,
    max_attempts: i32,
    user: Option<i64>,
) -> i64 {
    let actor = Actor {
        user_id: user,
        label: "test".into(),
    };
    store::enqueue(
        &app.db,
        &NewJob {
            kind,
            payload: json!({}),
            max_attempts,
        },
        &actor,
    )
    .await
    .expect("enqueue")
}

/// Waits until the job is no longer queued or running (at most 60 s).
pub async fn wait_done(app: &TestApp, id: i64) -> tuuli::jobs::Job {
    for _ in 0..1200 {
        let job = store::get(&app.db, id).await.expect("job");
        if !job.status.is_pending() {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} did not finish");
}

/// Uploads a file on the import page as the signed-in user (with the page's CSRF token),
/// runs a worker until the import's job is done and returns the job.
pub async fn import_on_the_page(app: &TestApp, name: &str, file: &[u8]) -> tuuli::jobs::Job {
    use crate::uploads::{Part, multipart, post_multipart};
    let csrf = app.csrf().await;
    let body = multipart(&[Part::Field("_csrf", &csrf), Part::File("file", name, file)]);
    let res = post_multipart(app, "/imports", body, &[]).await;
    res.assert_status(303);
    let id: i64 = res.location().trim_start_matches("/jobs/").parse().unwrap();
    let w = worker::spawn(app.state.clone(), tuuli::jobs::registry(), fast());
    let job = wait_done(app, id).await;
    w.shutdown().await;
    job
}

async fn wait_for(n: &Notify) {
    tokio::time::timeout(Duration::from_secs(60), n.notified())
        .await
        .expect("the handler did not reach the expected point");
}

both!(
    each_job_is_claimed_exactly_once_by_many_concurrent_claimers,
    |app| async move {
        let mut ids = Vec::new();
        for _ in 0..40 {
            ids.push(enqueue(&app, "test/noop", 1, None).await);
        }
        let mut claimers = Vec::new();
        for c in 0..8 {
            let db = app.db.clone();
            claimers.push(tokio::spawn(async move {
            let worker = format!("claimer-{c}");
            let mut mine = Vec::new();
            loop {
                match store::claim(&db, &worker, &["test/noop"], Duration::from_secs(60)).await {
                    Ok(Some(job)) => {
                        assert_eq!(job.status, JobStatus::Running);
                        assert_eq!(job.attempts, 1);
                        mine.push(job.id);
                    }
                    Ok(None) => {
                        // PostgreSQL may skip a row another claim had locked: stop only
                        // when nothing is queued any more.
                        let left = with_db!(&db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM jobs WHERE status = 'queued'").fetch_one(p).await).unwrap();
                        if left == 0 {
                            return mine;
                        }
                    }
                    Err(e) => panic!("claim failed: {e:?}"),
                }
            }
        }));
        }
        let mut claimed = Vec::new();
        for c in claimers {
            claimed.extend(c.await.unwrap());
        }
        claimed.sort_unstable();
        assert_eq!(claimed, ids, "every job claimed once, none twice");
        // A kind the claimer does not run is never claimed.
        enqueue(&app, "test/other", 1, None).await;
        assert!(
            store::claim(&app.db, "x", &["test/noop"], Duration::from_secs(1))
                .await
                .unwrap()
                .is_none()
        );
    }
);

/// A job of five steps; each step writes a row into `job_test_effects` and its checkpoint in
/// one transaction. While `block` is set, step 2 stops after writing its row (before the
/// commit) and says so through `reached`.
fn steps_registry(block: Arc<AtomicBool>, reached: Arc<Notify>) -> Registry {
    Registry::default().register("test/steps", move |ctx: JobCtx| {
        let (block, reached) = (block.clone(), reached.clone());
        async move {
            #[derive(serde::Deserialize)]
            struct Next {
                next: i64,
            }
            let start = ctx.checkpoint::<Next>().map(|c| c.next).unwrap_or(0);
            for step in start..5 {
                with_db!(&ctx.state.db, p => {
                    let mut tx = p.begin().await?;
                    sqlx::query("INSERT INTO job_test_effects (job_id, step) VALUES ($1, $2)")
                        .bind(ctx.id()).bind(step).execute(&mut *tx).await?;
                    if step == 2 && block.load(Ordering::SeqCst) {
                        reached.notify_one();
                        std::future::pending::<()>().await;
                    }
                    job_checkpoint!(&mut *tx, &ctx, json!({ "next": step + 1 }), step + 1, Some(5))?;
                    tx.commit().await?;
                    Ok::<_, JobError>(())
                })?;
            }
            Ok(json!({ "steps": 5 }))
        }
    })
}

async fn effects(app: &TestApp, job: i64) -> Vec<(i64, i64)> {
    with_db!(&app.db, p => sqlx::query_as::<_, (i64, i64)>("SELECT step, COUNT(*) FROM job_test_effects WHERE job_id = $1 GROUP BY step ORDER BY step").bind(job).fetch_all(p).await).unwrap()
}

both!(
    a_job_whose_worker_died_mid_step_finishes_later_without_repeating_a_step,
    |app| async move {
        with_db!(&app.db, p => sqlx::query("CREATE TABLE job_test_effects (job_id BIGINT NOT NULL, step BIGINT NOT NULL)").execute(p).await.map(|_| ())).unwrap();
        let id = enqueue(&app, "test/steps", 3, None).await;
        let (block, reached) = (Arc::new(AtomicBool::new(true)), Arc::new(Notify::new()));
        let first = worker::spawn(
            app.state.clone(),
            steps_registry(block.clone(), reached.clone()),
            fast(),
        );
        wait_for(&reached).await;
        // Killed in the middle of step 2: steps 0 and 1 are committed, step 2 is not.
        first.abort();
        let job = store::get(&app.db, id).await.unwrap();
        assert_eq!((job.status, job.progress_done), (JobStatus::Running, 2));
        block.store(false, Ordering::SeqCst);
        // A new worker (as after a restart) takes the job over once the dead one's lease expires.
        let second = worker::spawn(app.state.clone(), steps_registry(block, reached), fast());
        let job = wait_done(&app, id).await;
        second.shutdown().await;
        assert_eq!(job.status, JobStatus::Succeeded, "{job:?}");
        assert_eq!(job.attempts, 2);
        assert_eq!((job.progress_done, job.progress_total), (5, Some(5)));
        assert_eq!(job.result, Some(json!({ "steps": 5 })));
        let once: Vec<(i64, i64)> = (0..5).map(|s| (s, 1)).collect();
        assert_eq!(
            effects(&app, id).await,
            once,
            "each step's side effect exactly once"
        );
    }
);

both!(
    a_job_handed_back_at_shutdown_is_resumed_at_once_by_the_next_worker,
    |app| async move {
        with_db!(&app.db, p => sqlx::query("CREATE TABLE job_test_effects (job_id BIGINT NOT NULL, step BIGINT NOT NULL)").execute(p).await.map(|_| ())).unwrap();
        let id = enqueue(&app, "test/steps", 3, None).await;
        let (block, reached) = (Arc::new(AtomicBool::new(true)), Arc::new(Notify::new()));
        // A long lease: the next worker can only have the job because it was handed back.
        let slow = WorkerOptions {
            lease: Duration::from_secs(3600),
            ..fast()
        };
        let first = worker::spawn(
            app.state.clone(),
            steps_registry(block.clone(), reached.clone()),
            slow.clone(),
        );
        wait_for(&reached).await;
        first.shutdown().await;
        let job = store::get(&app.db, id).await.unwrap();
        assert_eq!(
            (job.status, job.attempts, job.progress_done),
            (JobStatus::Queued, 0, 2)
        );
        block.store(false, Ordering::SeqCst);
        let second = worker::spawn(app.state.clone(), steps_registry(block, reached), slow);
        let job = wait_done(&app, id).await;
        second.shutdown().await;
        assert_eq!((job.status, job.attempts), (JobStatus::Succeeded, 1));
        let once: Vec<(i64, i64)> = (0..5).map(|s| (s, 1)).collect();
        assert_eq!(effects(&app, id).await, once);
    }
);

both!(
    a_failed_attempt_is_retried_and_a_hopeless_job_fails_with_its_reason,
    |app| async move {
        let failed_once = Arc::new(AtomicBool::new(false));
        let flag = failed_once.clone();
        let registry = Registry::default()
            .register("test/flaky", move |_ctx: JobCtx| {
                let flag = flag.clone();
                async move {
                    if flag.swap(true, Ordering::SeqCst) {
                        Ok(json!({ "ok": true }))
                    } else {
                        Err(JobError::Retry(anyhow::anyhow!("first attempt fails")))
                    }
                }
            })
            .register("test/broken", |_ctx: JobCtx| async {
                Err(JobError::Retry(anyhow::anyhow!("always fails")))
            })
            .register("test/hopeless", |_ctx: JobCtx| async {
                Err(JobError::Fail("job-error-file-missing"))
            });
        let flaky = enqueue(&app, "test/flaky", 3, None).await;
        let broken = enqueue(&app, "test/broken", 2, None).await;
        let hopeless = enqueue(&app, "test/hopeless", 3, None).await;
        let w = worker::spawn(app.state.clone(), registry, fast());
        let (flaky, broken, hopeless) = (
            wait_done(&app, flaky).await,
            wait_done(&app, broken).await,
            wait_done(&app, hopeless).await,
        );
        w.shutdown().await;
        assert_eq!((flaky.status, flaky.attempts), (JobStatus::Succeeded, 2));
        assert!(
            flaky.run_after > flaky.created_at,
            "the retry waited (backoff)"
        );
        assert_eq!((broken.status, broken.attempts), (JobStatus::Failed, 2));
        assert_eq!(broken.error.as_deref(), Some("job-error-internal"));
        assert_eq!((hopeless.status, hopeless.attempts), (JobStatus::Failed, 1));
        assert_eq!(hopeless.error.as_deref(), Some("job-error-file-missing"));
    }
);

both!(
    the_status_column_accepts_only_the_four_statuses,
    |app| async move {
        let id = enqueue(&app, "test/noop", 1, None).await;
        let res = with_db!(&app.db, p => sqlx::query("UPDATE jobs SET status = 'paused' WHERE id = $1").bind(id).execute(p).await.map(|_| ()));
        assert!(res.is_err(), "a CHECK constraint refuses other statuses");
    }
);

both!(
    a_job_is_seen_by_who_started_it_and_by_admins_only,
    |app| async move {
        let owner = app
            .add_user("owner@example.fi", Role::Coordinator, None, None)
            .await;
        app.add_user("other@example.fi", Role::Coordinator, None, None)
            .await;
        app.add_user("admin@example.fi", Role::Admin, None, None)
            .await;
        let id = enqueue(&app, "checksum", 1, Some(owner)).await;
        let page = format!("/jobs/{id}");
        let api = format!("/api/v1/jobs/{id}");
        let res = app.get(&page).await;
        assert_eq!(
            (res.status.as_u16(), res.location().starts_with("/login")),
            (303, true)
        );
        app.api(axum::http::Method::GET, &api, None, None)
            .await
            .assert_status(401);
        for (email, expect) in [
            ("owner@example.fi", 200),
            ("other@example.fi", 404),
            ("admin@example.fi", 200),
        ] {
            app.sign_in(email).await;
            app.get(&page).await.assert_status(expect);
            let token = app.token_for(email).await;
            let res = app
                .api(axum::http::Method::GET, &api, Some(&token), None)
                .await;
            res.assert_status(expect);
            if expect == 200 {
                assert_eq!(res.json()["status"], "queued");
            }
            app.sign_out_locally();
        }
        // A job that does not exist looks the same as someone else's.
        app.sign_in("other@example.fi").await;
        app.get("/jobs/999999").await.assert_status(404);
    }
);

both!(
    the_job_page_refreshes_itself_only_while_the_job_is_pending,
    |app| async move {
        let owner = app
            .add_user("owner@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("owner@example.fi").await;
        let id = enqueue(&app, "test/quick", 1, Some(owner)).await;
        let res = app.get(&format!("/jobs/{id}")).await;
        res.assert_status(200);
        assert!(
            res.body
                .contains(r#"<meta http-equiv="refresh" content="5">"#),
            "{}",
            res.body
        );
        assert!(res.body.contains("?refresh=off"));
        let res = app.get(&format!("/jobs/{id}?refresh=off")).await;
        assert!(!res.body.contains("http-equiv=\"refresh\""));
        let registry = Registry::default().register("test/quick", |ctx: JobCtx| async move {
            ctx.progress(3, Some(3)).await?;
            Ok(json!({ "size": 3 }))
        });
        let w = worker::spawn(app.state.clone(), registry, fast());
        wait_done(&app, id).await;
        w.shutdown().await;
        let res = app.get(&format!("/jobs/{id}?lang=en")).await;
        assert!(!res.body.contains("http-equiv=\"refresh\""), "{}", res.body);
        assert!(
            res.body.contains("Done") && res.body.contains("Size in bytes"),
            "{}",
            res.body
        );
    }
);

both!(
    a_worker_that_lost_its_lease_can_no_longer_write_to_the_job,
    |app| async move {
        let id = enqueue(&app, "test/noop", 3, None).await;
        // Long enough that a loaded machine cannot let it expire between two claims.
        let short = Duration::from_millis(1500);
        let first = store::claim(&app.db, "w1", &["test/noop"], short)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.id, id);
        // Not yet expired: nobody else may take it.
        assert!(
            store::claim(&app.db, "w2", &["test/noop"], short)
                .await
                .unwrap()
                .is_none()
        );
        tokio::time::sleep(Duration::from_millis(1700)).await;
        let second = store::claim(&app.db, "w2", &["test/noop"], Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((second.id, second.attempts), (id, 2));
        assert!(matches!(
            store::progress(&app.db, id, "w1", 1, Some(2)).await,
            Err(JobError::LeaseLost)
        ));
        assert!(!store::heartbeat(&app.db, id, "w1", short).await.unwrap());
        store::succeed(&app.db, id, "w1", &json!({ "by": "w1" }))
            .await
            .unwrap();
        assert_eq!(
            store::get(&app.db, id).await.unwrap().status,
            JobStatus::Running,
            "w1's result is ignored"
        );
        store::progress(&app.db, id, "w2", 2, Some(2))
            .await
            .unwrap();
        store::succeed(&app.db, id, "w2", &json!({ "by": "w2" }))
            .await
            .unwrap();
        let job = store::get(&app.db, id).await.unwrap();
        assert_eq!(
            (job.status, job.result),
            (JobStatus::Succeeded, Some(json!({ "by": "w2" })))
        );
    }
);

both!(
    a_job_whose_workers_keep_dying_is_given_up_after_its_attempts,
    |app| async move {
        let id = enqueue(&app, "test/crashy", 1, None).await;
        // A worker claims it and dies (nothing renews the lease).
        store::claim(&app.db, "dead", &["test/crashy"], Duration::from_millis(20))
            .await
            .unwrap()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        let registry = Registry::default().register("test/crashy", move |_ctx: JobCtx| {
            let flag = flag.clone();
            async move {
                flag.store(true, Ordering::SeqCst);
                Ok(json!({}))
            }
        });
        let w = worker::spawn(app.state.clone(), registry, fast());
        let job = wait_done(&app, id).await;
        w.shutdown().await;
        assert_eq!(
            (job.status, job.error.as_deref()),
            (JobStatus::Failed, Some("job-error-gave-up"))
        );
        assert!(!ran.load(Ordering::SeqCst), "the handler is not run again");
    }
);

both!(
    a_job_longer_than_its_lease_keeps_it_by_heartbeat_and_runs_once,
    |app| async move {
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let registry = || {
            let runs = runs.clone();
            Registry::default().register("test/slow", move |_ctx: JobCtx| {
                let runs = runs.clone();
                async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    Ok(json!({}))
                }
            })
        };
        let id = enqueue(&app, "test/slow", 3, None).await;
        // Two workers whose lease (2 s, renewed every 2/3 s) is far shorter than the job.
        let options = WorkerOptions {
            lease: Duration::from_secs(2),
            ..fast()
        };
        let (a, b) = (
            worker::spawn(app.state.clone(), registry(), options.clone()),
            worker::spawn(app.state.clone(), registry(), options),
        );
        let job = wait_done(&app, id).await;
        a.shutdown().await;
        b.shutdown().await;
        assert_eq!((job.status, job.attempts), (JobStatus::Succeeded, 1));
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "no second worker took the job over"
        );
    }
);
