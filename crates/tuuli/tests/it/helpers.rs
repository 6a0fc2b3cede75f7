//! `TestApp`: the real application (`build_app`) on a fresh database, driven in-process
//! with cookies, CSRF tokens, sign-in and bearer tokens handled like a browser would.

#![allow(dead_code)]

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tuuli::auth::{Actor, Role, password, store};
use tuuli::config::Config;
use tuuli::db::Db;
use tuuli::web::AppState;

pub use tuuli::db::Kind as Backend;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The password every test user has.
pub const PASSWORD: &str = "test-password-123";

/// Runs a test body on SQLite and on PostgreSQL: `both!(name, |app| async move { … })`.
#[macro_export]
macro_rules! both {
    // `#[ignore = "why"]` before the name: a by-hand run on both databases (a timing),
    // ignored in test runs; the attribute goes on both generated tests.
    ($(#[$attr:meta])* $name:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $(#[$attr])*
            async fn sqlite() {
                let $app = $crate::helpers::TestApp::new($crate::helpers::Backend::Sqlite)
                    .await
                    .expect("sqlite app");
                $body.await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $(#[$attr])*
            async fn postgres() {
                let Some($app) = $crate::helpers::TestApp::postgres().await else {
                    return;
                };
                $body.await;
            }
        }
    };
}

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    pub state: AppState,
    pub cookies: std::sync::Mutex<HashMap<String, String>>,
    cleanup: Option<Cleanup>,
    /// This app's own upload folder (removed on drop).
    pub upload_dir: std::path::PathBuf,
}

enum Cleanup {
    File(std::path::PathBuf),
    Schema(String, String),
}

/// A response with its body read.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Res {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// The whole `Set-Cookie` line that sets the named cookie, if any.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        let prefix = format!("{name}=");
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&prefix))
            .map(str::to_owned)
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }
    #[track_caller]
    pub fn assert_status(&self, s: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            s,
            "unexpected status; body: {}",
            &self.body[..self.body.len().min(2000)]
        );
        self
    }
}

impl TestApp {
    /// A fresh app on SQLite (a temporary file, WAL, as in production) or PostgreSQL.
    pub async fn new(backend: Backend) -> Option<Self> {
        Self::new_with(backend, |_| {}).await
    }

    /// A fresh app whose configuration `adjust` changes first.
    pub async fn new_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        let mut config = Config::default();
        adjust(&mut config);
        match backend {
            Backend::Sqlite => {
                // Unique even against the files of an earlier, killed run whose process
                // had the same id (ids wrap at 32,768): a random part, and no leftover
                // journal of that name (a stale `-wal`/`-shm` beside a new file).
                let n = COUNTER.fetch_add(1, Ordering::SeqCst);
                let path = std::env::temp_dir().join(format!(
                    "tuuli-test-{}-{n}-{}.db",
                    std::process::id(),
                    rand_suffix()
                ));
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
                }
                let db = Db::connect(&format!("sqlite://{}", path.display()))
                    .await
                    .expect("sqlite");
                Some(Self::with_db(db, Some(Cleanup::File(path)), config).await)
            }
            Backend::Postgres => Self::postgres_with(config).await,
        }
    }

    /// A fresh app in its own PostgreSQL schema, or None (with a printed notice) when
    /// `TEST_DATABASE_URL` is not set. Under `CI=true` its absence fails the test.
    pub async fn postgres() -> Option<Self> {
        Self::postgres_with(Config::default()).await
    }

    async fn postgres_with(config: Config) -> Option<Self> {
        let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI");
            }
            eprintln!("skipping the PostgreSQL variant: TEST_DATABASE_URL is not set");
            return None;
        };
        use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let schema = format!("t_{}_{}_{n}", std::process::id(), rand_suffix());
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("connect to TEST_DATABASE_URL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .expect("create schema");
        admin.close().await;
        let opts = PgConnectOptions::from_str(&url)
            .expect("url")
            .options([("search_path", schema.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .expect("pg pool");
        Some(
            Self::with_db(
                Db::postgres(pool),
                Some(Cleanup::Schema(url, schema)),
                config,
            )
            .await,
        )
    }

    async fn with_db(db: Db, cleanup: Option<Cleanup>, mut config: Config) -> Self {
        db.migrate().await.expect("migrate");
        // What `tuuli serve` and `tuuli migrate` load on every database.
        tuuli::core::reference::load(&db)
            .await
            .expect("reference data");
        tuuli::knowledge::catalogue::seed::load(&db)
            .await
            .expect("indicator catalogue");
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let upload_dir = std::env::temp_dir().join(format!(
            "tuuli-test-uploads-{}-{n}-{}",
            std::process::id(),
            rand_suffix()
        ));
        config.upload_dir = upload_dir.clone();
        let state = AppState::new(db.clone(), config).expect("state");
        let router = tuuli::build_app(state.clone());
        TestApp {
            router,
            db,
            state,
            cookies: Default::default(),
            cleanup,
            upload_dir,
        }
    }

    /// A second client (its own cookies) of the same application and database.
    pub fn new_sharing(other: &TestApp) -> TestApp {
        TestApp {
            router: other.router.clone(),
            db: other.db.clone(),
            state: other.state.clone(),
            cookies: Default::default(),
            cleanup: None,
            // The first client owns (and removes) the upload folder.
            upload_dir: std::path::PathBuf::new(),
        }
    }

    /// The same database with another configuration (e.g. trusted proxies).
    pub fn with_config(mut self, change: impl FnOnce(&mut Config)) -> Self {
        let mut cfg = Config {
            upload_dir: self.upload_dir.clone(),
            ..Config::default()
        };
        change(&mut cfg);
        self.state = AppState::new(self.db.clone(), cfg).expect("state");
        self.router = tuuli::build_app(self.state.clone());
        self
    }

    /// Posts a form (with this app's CSRF token) as if from the client at `peer`
    /// (`"203.0.113.5:4000"`), with extra headers.
    pub async fn post_form_from(
        &self,
        peer: &str,
        headers: &[(&str, &str)],
        path: &str,
        fields: &[(&str, &str)],
    ) -> Res {
        let req = self.form_request(peer, headers, path, fields).await;
        self.send(req).await
    }

    /// A form POST request as a browser at `peer` would send it (CSRF cookie and field).
    pub async fn form_request(
        &self,
        peer: &str,
        headers: &[(&str, &str)],
        path: &str,
        fields: &[(&str, &str)],
    ) -> Request<Body> {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&all).expect("form");
        let mut b = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("tuuli_csrf={token}"));
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let addr: std::net::SocketAddr = peer.parse().expect("peer address");
        b.extension(axum::extract::ConnectInfo(addr))
            .body(Body::from(body))
            .expect("req")
    }

    /// Loads the Päijät-Häme demo data.
    pub async fn with_demo(self) -> Self {
        tuuli::demo::load(&self.db).await.expect("demo");
        self.state.reference.clear();
        self
    }

    /// Sends a request with this app's cookies, remembering the cookies it sets.
    pub async fn send(&self, req: Request<Body>) -> Res {
        let mut req = req;
        let cookie = {
            let jar = self.cookies.lock().expect("jar");
            jar.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        if !cookie.is_empty() && !req.headers().contains_key(header::COOKIE) {
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().expect("cookie"));
        }
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        {
            let mut jar = self.cookies.lock().expect("jar");
            for v in headers.get_all(header::SET_COOKIE) {
                let s = v.to_str().unwrap_or("");
                if let Some((k, rest)) = s.split_once('=') {
                    let val = rest.split(';').next().unwrap_or("").to_owned();
                    if s.contains("Max-Age=0") {
                        jar.remove(k);
                    } else {
                        jar.insert(k.to_owned(), val);
                    }
                }
            }
        }
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Res {
        self.send(Request::get(path).body(Body::empty()).expect("req"))
            .await
    }

    /// The CSRF token from the cookie, fetching a page first if there is none yet.
    pub async fn csrf(&self) -> String {
        if let Some(t) = self.cookies.lock().expect("jar").get("tuuli_csrf").cloned() {
            return t;
        }
        self.get("/login").await;
        self.cookies
            .lock()
            .expect("jar")
            .get("tuuli_csrf")
            .cloned()
            .expect("csrf cookie set")
    }

    /// Posts a form like a browser: the CSRF field is added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Res {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// Posts a form exactly as given (no CSRF field added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Res {
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("req"),
        )
        .await
    }

    /// A JSON API call with an optional bearer token.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Res {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, "");
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string())),
            None => b.body(Body::empty()),
        };
        self.send(req.expect("req")).await
    }

    /// Creates a user directly in the store and returns its id.
    pub async fn add_user(
        &self,
        email: &str,
        role: Role,
        organisation_id: Option<i64>,
        person_id: Option<i64>,
    ) -> i64 {
        let hash = password::hash(PASSWORD.into()).await.expect("hash");
        let new = store::NewUser {
            email: email.into(),
            name: format!("Test {email}"),
            role,
            organisation_id,
            person_id,
            password_hash: hash,
        };
        store::create_user(&self.db, &new, &Actor::system("test"))
            .await
            .expect("user")
    }

    /// Signs in through the login form (the session cookie is kept).
    pub async fn sign_in(&self, email: &str) -> Res {
        let res = self
            .post_form(
                "/login",
                &[("email", email), ("password", PASSWORD), ("next", "/")],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            res.body
        );
        res
    }

    pub fn sign_out_locally(&self) {
        self.cookies.lock().expect("jar").remove("tuuli_session");
    }

    /// An API token for a user.
    pub async fn token_for(&self, email: &str) -> String {
        store::create_token(&self.db, email, &Actor::system("test"))
            .await
            .expect("token")
            .1
    }

    /// Creates an organisation through the store and returns its id.
    pub async fn add_org(&self, name: &str, org_type: &str) -> i64 {
        let input = tuuli::network::organisations::model::OrganisationInput {
            name_fi: name.into(),
            org_type: org_type.into(),
            ..Default::default()
        };
        tuuli::network::organisations::store::create(&self.db, &input, &Actor::system("test"))
            .await
            .expect("org")
            .id
    }

    /// Counts audit rows for an entity and action.
    pub async fn audit_count(&self, entity: &str, action: &str) -> i64 {
        tuuli::with_db!(&self.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log WHERE entity = $1 AND action = $2")
            .bind(entity).bind(action).fetch_one(p).await).expect("audit count")
    }
}

fn rand_suffix() -> String {
    tuuli::auth::random_token("")[..8].to_owned()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.upload_dir);
        match self.cleanup.take() {
            Some(Cleanup::File(p)) => {
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
                }
            }
            Some(Cleanup::Schema(url, schema)) => {
                // Drop the schema from a plain thread: Drop cannot await.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let pool = sqlx::postgres::PgPoolOptions::new()
                            .max_connections(1)
                            .connect(&url)
                            .await
                            .ok()?;
                        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                            .execute(&pool)
                            .await
                            .ok()?;
                        pool.close().await;
                        Some(())
                    })
                })
                .join();
            }
            None => {}
        }
    }
}

/// The median of some durations (by-hand timings).
pub fn median(mut v: Vec<std::time::Duration>) -> std::time::Duration {
    v.sort();
    v[v.len() / 2]
}

/// The median time of `runs` runs of `f` (by-hand timings).
pub async fn timed<F, Fut, T>(runs: usize, mut f: F) -> std::time::Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut v = Vec::new();
    for _ in 0..runs {
        let start = std::time::Instant::now();
        let _ = f().await;
        v.push(start.elapsed());
    }
    median(v)
}

/// The database's name, for printed figures.
pub fn backend_label(db: &tuuli::db::Db) -> &'static str {
    match db {
        tuuli::db::Db::Sqlite(_) => "SQLite",
        tuuli::db::Db::Postgres(..) => "PostgreSQL",
    }
}
