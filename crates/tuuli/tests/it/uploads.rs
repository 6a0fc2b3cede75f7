//! Uploads: multipart forms with the CSRF token, per-route body limits and 413 naming the
//! limit, streaming to disk (memory stays flat for 50 MB), and the checksum job end to end.

use axum::body::{Body, Bytes};
use axum::http::{Method, Request, header};
use sha2::{Digest, Sha256};
use tuuli::auth::Role;
use tuuli::jobs::{JobStatus, registry, worker};

use crate::both;
use crate::helpers::{Backend, Res, TestApp};
use crate::jobs::{fast, wait_done};

const BOUNDARY: &str = "----tuuliTestBoundary7MA4YWxkTrZu0gW";

/// A part of a multipart body.
pub enum Part<'a> {
    Field(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

fn part_head(p: &Part) -> String {
    match p {
        Part::Field(name, _) => {
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
        }
        Part::File(name, file_name, _) => format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        ),
    }
}

/// A whole multipart body.
pub fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(part_head(p).as_bytes());
        match p {
            Part::Field(_, v) => body.extend_from_slice(v.as_bytes()),
            Part::File(_, _, data) => body.extend_from_slice(data),
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Posts a multipart body (with Content-Length) with the app's cookies.
pub async fn post_multipart(
    app: &TestApp,
    path: &str,
    body: Vec<u8>,
    extra: &[(&str, &str)],
) -> Res {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, content_type())
        .header(header::CONTENT_LENGTH, body.len());
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    app.send(b.body(Body::from(body)).unwrap()).await
}

/// A file of `size` bytes sent as a stream of 64 KiB chunks (never whole in memory), with
/// the CSRF token first; no Content-Length, as a chunked upload.
fn streamed_file_body(token: &str, size: usize) -> Body {
    let head = format!(
        "{}{token}\r\n{}",
        part_head(&Part::Field("_csrf", "")),
        part_head(&Part::File("file", "big.csv", b""))
    );
    let tail = format!("\r\n--{BOUNDARY}--\r\n");
    const CHUNK: usize = 64 * 1024;
    let chunks = size.div_ceil(CHUNK);
    let data = (0..chunks).map(move |i| {
        let n = CHUNK.min(size - i * CHUNK);
        Bytes::from(vec![b'a' + (i % 26) as u8; n])
    });
    let all = std::iter::once(Bytes::from(head))
        .chain(data)
        .chain(std::iter::once(Bytes::from(tail)))
        .map(Ok::<_, std::convert::Infallible>);
    Body::from_stream(futures_util::stream::iter(all))
}

async fn coordinator(app: &TestApp) -> String {
    app.add_user("coord@example.fi", Role::Coordinator, None, None)
        .await;
    app.sign_in("coord@example.fi").await;
    app.csrf().await
}

async fn job_count(app: &TestApp) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM jobs").fetch_one(p).await).unwrap()
}

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

both!(
    a_multipart_form_without_the_csrf_token_first_is_refused,
    |app| async move {
        let token = coordinator(&app).await;
        let file = Part::File("file", "a.csv", b"x;y\n1;2\n");
        let res = post_multipart(
            &app,
            "/jobs/checksum",
            multipart(&[Part::File("file", "a.csv", b"1")]),
            &[],
        )
        .await;
        res.assert_status(403);
        let late = multipart(&[file, Part::Field("_csrf", &token)]);
        post_multipart(&app, "/jobs/checksum", late, &[])
            .await
            .assert_status(403);
        let wrong = multipart(&[
            Part::Field("_csrf", &"0".repeat(64)),
            Part::File("file", "a.csv", b"1"),
        ]);
        post_multipart(&app, "/jobs/checksum", wrong, &[])
            .await
            .assert_status(403);
        // The API with the session cookie wants the header.
        let api = multipart(&[
            Part::Field("_csrf", &token),
            Part::File("file", "a.csv", b"1"),
        ]);
        post_multipart(&app, "/api/v1/jobs/checksum", api, &[])
            .await
            .assert_status(403);
        assert_eq!(job_count(&app).await, 0);
        assert_eq!(files_in(&app.upload_dir), 0, "no upload was kept");
    }
);

both!(
    a_multipart_form_with_the_token_first_starts_a_checksum_job,
    |app| async move {
        let token = coordinator(&app).await;
        let data = b"area;value\n081;12.5\n";
        let body = multipart(&[
            Part::Field("_csrf", &token),
            Part::File("file", "dir/data.csv", data),
        ]);
        let res = post_multipart(&app, "/jobs/checksum", body, &[]).await;
        res.assert_status(303);
        let id: i64 = res.location().trim_start_matches("/jobs/").parse().unwrap();
        assert_eq!(files_in(&app.upload_dir), 1, "the job owns the stored file");
        assert_eq!(app.audit_count("job", "create").await, 1);
        let w = worker::spawn(app.state.clone(), registry(), fast());
        let job = wait_done(&app, id).await;
        w.shutdown().await;
        assert_eq!(job.status, JobStatus::Succeeded, "{job:?}");
        let result = job.result.unwrap();
        assert_eq!(result["sha256"], hex::encode(Sha256::digest(data)));
        assert_eq!(result["size"], data.len());
        assert_eq!(result["file_name"], "data.csv");
        assert_eq!(
            files_in(&app.upload_dir),
            0,
            "the file is deleted when done"
        );
        let page = app.get(&format!("/jobs/{id}")).await;
        assert!(page.body.contains(&hex::encode(Sha256::digest(data))));
        // Submitting without choosing a file shows the form again with a message.
        let empty = multipart(&[Part::Field("_csrf", &token), Part::File("file", "", b"")]);
        let res = post_multipart(&app, "/jobs/checksum?lang=en", empty, &[]).await;
        res.assert_status(422);
        assert!(
            res.body.contains("Choose a file to upload."),
            "{}",
            res.body
        );
    }
);

both!(
    the_api_takes_an_upload_with_the_header_token_or_a_bearer_token,
    |app| async move {
        let token = coordinator(&app).await;
        let body = multipart(&[Part::File("file", "a.txt", b"hello")]);
        let res = post_multipart(
            &app,
            "/api/v1/jobs/checksum",
            body,
            &[("x-csrf-token", &token)],
        )
        .await;
        res.assert_status(202);
        let id = res.json()["id"].as_i64().unwrap();
        assert_eq!(res.location(), format!("/api/v1/jobs/{id}"));
        assert_eq!(res.json()["status"], "queued");
        app.sign_out_locally();
        let bearer = app.token_for("coord@example.fi").await;
        let body = multipart(&[Part::File("file", "b.txt", b"world")]);
        let auth = format!("Bearer {bearer}");
        let res = post_multipart(
            &app,
            "/api/v1/jobs/checksum",
            body,
            &[("authorization", &auth), ("cookie", "")],
        )
        .await;
        res.assert_status(202);
        let w = worker::spawn(app.state.clone(), registry(), fast());
        let job = wait_done(&app, res.json()["id"].as_i64().unwrap()).await;
        w.shutdown().await;
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/jobs/{}", job.id),
                Some(&bearer),
                None,
            )
            .await;
        res.assert_status(200);
        assert_eq!(res.json()["status"], "succeeded");
        assert_eq!(
            res.json()["result"]["sha256"],
            hex::encode(Sha256::digest(b"world"))
        );
        assert_eq!(res.json()["progress_done"], 5);
        // Members may not start jobs.
        app.add_user("member@example.fi", Role::Member, None, None)
            .await;
        let member = app.token_for("member@example.fi").await;
        let auth = format!("Bearer {member}");
        let body = multipart(&[Part::File("file", "c.txt", b"!")]);
        post_multipart(
            &app,
            "/api/v1/jobs/checksum",
            body,
            &[("authorization", &auth), ("cookie", "")],
        )
        .await
        .assert_status(403);
    }
);

mod limits {
    use super::*;

    async fn small_limit_app(backend: Backend) -> Option<TestApp> {
        TestApp::new_with(backend, |c| c.max_upload_bytes = 64 * 1024).await
    }

    async fn over_the_limit_is_413_naming_it(app: TestApp) {
        let token = coordinator(&app).await;
        let big = vec![b'x'; 100 * 1024];
        // Declared too large (Content-Length): refused before the handler runs.
        let body = multipart(&[
            Part::Field("_csrf", &token),
            Part::File("file", "big.csv", &big),
        ]);
        let res = post_multipart(&app, "/jobs/checksum?lang=en", body.clone(), &[]).await;
        res.assert_status(413);
        assert!(res.body.contains("the limit is 64 KiB"), "{}", res.body);
        assert!(
            res.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let res = post_multipart(
            &app,
            "/api/v1/jobs/checksum?lang=fi",
            body,
            &[("x-csrf-token", &token)],
        )
        .await;
        res.assert_status(413);
        assert_eq!(
            res.json()["error"],
            "Lähetetty tieto on liian suuri: enimmäiskoko on 64 KiB."
        );
        assert!(res.json()["details"].as_object().unwrap().is_empty());
        // Streamed without a length: cut off when it passes the limit.
        let req = Request::post("/jobs/checksum?lang=sv")
            .header(header::CONTENT_TYPE, content_type())
            .body(streamed_file_body(&token, 100 * 1024))
            .unwrap();
        let res = app.send(req).await;
        res.assert_status(413);
        assert!(res.body.contains("gränsen är 64 KiB"), "{}", res.body);
        assert_eq!(job_count(&app).await, 0);
        assert_eq!(files_in(&app.upload_dir), 0, "partial uploads are deleted");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_upload_over_the_limit_is_413_naming_the_limit_sqlite() {
        over_the_limit_is_413_naming_it(small_limit_app(Backend::Sqlite).await.unwrap()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_upload_over_the_limit_is_413_naming_the_limit_postgres() {
        if let Some(app) = small_limit_app(Backend::Postgres).await {
            over_the_limit_is_413_naming_it(app).await;
        }
    }
}

both!(
    upload_routes_take_more_than_the_ordinary_limit_and_other_routes_do_not,
    |app| async move {
        let token = coordinator(&app).await;
        let req = Request::post("/jobs/checksum")
            .header(header::CONTENT_TYPE, content_type())
            .body(streamed_file_body(&token, 1024 * 1024))
            .unwrap();
        app.send(req).await.assert_status(303);
        let long = "x".repeat(300 * 1024);
        let res = app
            .post_form(
                "/organisations?lang=en",
                &[("name_fi", &long), ("org_type", "ngo")],
            )
            .await;
        res.assert_status(413);
        assert!(res.body.contains("the limit is 256 KiB"), "{}", res.body);
    }
);

/// VmRSS and VmHWM of this process, in KiB.
#[cfg(target_os = "linux")]
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Runs in a child process of its own (started by the test below), so that no other test
/// allocates while memory is measured.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by uploading_50_mb_keeps_the_memory_of_the_process_flat in its own process"]
async fn fifty_megabyte_upload_child() {
    let app = TestApp::new(Backend::Sqlite).await.unwrap();
    let token = coordinator(&app).await;
    // Warm up the whole path once.
    let warm = Request::post("/jobs/checksum")
        .header(header::CONTENT_TYPE, content_type())
        .body(streamed_file_body(&token, 1024 * 1024))
        .unwrap();
    app.send(warm).await.assert_status(303);
    // Reset the high-water mark (clear_refs 5), or else sample VmRSS while uploading.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let (before, _) = memory_kib();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                peak = peak.max(memory_kib().0);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            peak
        })
    };
    let size = 50 * 1000 * 1000;
    let req = Request::post("/jobs/checksum")
        .header(header::CONTENT_TYPE, content_type())
        .body(streamed_file_body(&token, size))
        .unwrap();
    let res = app.send(req).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let sampled = sampler.join().unwrap();
    res.assert_status(303);
    let (_, hwm) = memory_kib();
    let peak = if reset { sampled.max(hwm) } else { sampled };
    let growth = peak.saturating_sub(before);
    println!("rss before {before} KiB, peak {peak} KiB (hwm reset: {reset}), growth {growth} KiB");
    let stored: u64 = std::fs::read_dir(&app.upload_dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .max()
        .unwrap();
    assert_eq!(stored, size as u64, "the whole file is on disk");
    assert!(
        growth <= 10 * 1024,
        "memory grew by {growth} KiB for a 50 MB upload"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn uploading_50_mb_keeps_the_memory_of_the_process_flat() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "uploads::fifty_megabyte_upload_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "the child test ran: {text}");
}

both!(
    a_checksum_job_whose_file_is_gone_fails_with_a_reason_the_user_can_act_on,
    |app| async move {
        let owner = app
            .add_user("coord@example.fi", Role::Coordinator, None, None)
            .await;
        let actor = tuuli::auth::Actor {
            user_id: Some(owner),
            label: "coord@example.fi".into(),
        };
        let job = |payload: serde_json::Value| tuuli::jobs::store::NewJob {
            kind: "checksum",
            payload,
            max_attempts: 3,
        };
        let gone = tuuli::jobs::store::enqueue(&app.db, &job(serde_json::json!({"file": "upload-0123abcd", "file_name": "a.csv", "content_type": "text/csv"})), &actor).await.unwrap();
        let outside = tuuli::jobs::store::enqueue(&app.db, &job(serde_json::json!({"file": "../../etc/passwd", "file_name": "a", "content_type": "x"})), &actor).await.unwrap();
        let w = worker::spawn(app.state.clone(), registry(), fast());
        let (gone, outside) = (wait_done(&app, gone).await, wait_done(&app, outside).await);
        w.shutdown().await;
        assert_eq!(
            (gone.status, gone.attempts),
            (JobStatus::Failed, 1),
            "not retried: it cannot get better"
        );
        assert_eq!(gone.error.as_deref(), Some("job-error-file-missing"));
        assert_eq!(outside.error.as_deref(), Some("job-error-bad-payload"));
        app.sign_in("coord@example.fi").await;
        let page = app.get(&format!("/jobs/{}?lang=en", gone.id)).await;
        assert!(
            page.body
                .contains("The uploaded file was no longer available. Upload it again."),
            "{}",
            page.body
        );
        let token = app.token_for("coord@example.fi").await;
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/jobs/{}?lang=sv", gone.id),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(
            res.json()["error"],
            "Den uppladdade filen fanns inte längre. Ladda upp den på nytt."
        );
        assert_eq!(res.json()["error_code"], "job-error-file-missing");
    }
);

both!(
    uploads_no_pending_job_needs_are_swept_once_old,
    |app| async move {
        let dir = app.upload_dir.clone();
        std::fs::create_dir_all(&dir).unwrap();
        let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 3600);
        for name in ["upload-old1", "upload-old2", "upload-new", "other-old"] {
            let f = std::fs::File::create(dir.join(name)).unwrap();
            if name.ends_with("old1") || name.ends_with("old2") || name == "other-old" {
                f.set_modified(day_ago).unwrap();
            }
        }
        let actor = tuuli::auth::Actor::system("test");
        let job = tuuli::jobs::store::NewJob {
            kind: "checksum",
            payload: serde_json::json!({"file": "upload-old2"}),
            max_attempts: 1,
        };
        tuuli::jobs::store::enqueue(&app.db, &job, &actor)
            .await
            .unwrap();
        let removed = worker::sweep_uploads(&app.state, std::time::Duration::from_secs(3600))
            .await
            .unwrap();
        assert_eq!(removed, 1);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["other-old", "upload-new", "upload-old2"],
            "only the old upload no job needs is gone"
        );
    }
);
