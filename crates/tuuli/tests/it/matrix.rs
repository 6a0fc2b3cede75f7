//! The role × route authorization matrix: every route, every role, the expected status.
//!
//! Roles, in column order: anonymous, member (of group G), editor of organisation A (which
//! convenes G), editor of organisation B, coordinator, admin. Each role runs on a fresh
//! database with the same world, so destructive routes do not disturb the others.
//! A page that sends the anonymous to the sign-in form counts as 401.

use axum::http::Method;

use crate::helpers::{Backend, TestApp};

mod calls;
mod changes;
mod reports;
mod world;

use calls::Call;
use world::{World, sign_in_as, world};

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Who {
    Anon,
    Member,
    EdA,
    EdB,
    Coord,
    Admin,
}

const WHO: [Who; 6] = [
    Who::Anon,
    Who::Member,
    Who::EdA,
    Who::EdB,
    Who::Coord,
    Who::Admin,
];

/// Every row, in the order they run.
fn cases(w: &World) -> Vec<(Call, [u16; 6])> {
    let mut rows = calls::reads_and_forms(w);
    rows.extend(reports::rows(w));
    rows.extend(changes::changes(w));
    rows
}

async fn run(backend: Backend) {
    let mut failures = Vec::new();
    let mut count = 0;
    for (col, who) in WHO.iter().enumerate() {
        let app = match backend {
            Backend::Sqlite => TestApp::new(Backend::Sqlite).await.expect("app"),
            Backend::Postgres => match TestApp::postgres().await {
                Some(a) => a,
                None => return,
            },
        };
        let w = world(&app).await;
        let token = sign_in_as(&app, *who, &w).await;
        for (call, expect) in cases(&w) {
            count += 1;
            let (label, status) = match call {
                Call::Page(method, path, fields) => {
                    let res = if method == Method::GET {
                        app.get(&path).await
                    } else {
                        let f: Vec<(&str, &str)> =
                            fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        app.post_form(&path, &f).await
                    };
                    let s = if res.status.as_u16() == 303 && res.location().starts_with("/login") {
                        401
                    } else {
                        res.status.as_u16()
                    };
                    (format!("{method} {path}"), s)
                }
                Call::Api(method, path, body) => {
                    let res = app.api(method.clone(), &path, token.as_deref(), body).await;
                    (format!("API {method} {path}"), res.status.as_u16())
                }
                Call::Upload { path, api } => {
                    use crate::uploads::{Part, multipart, post_multipart};
                    let file = Part::File("file", "matrix.csv", b"a;b\n");
                    let res = if api {
                        let auth = token.as_deref().map(|t| format!("Bearer {t}"));
                        let mut headers = vec![("cookie", "")];
                        if let Some(a) = &auth {
                            headers.push(("authorization", a.as_str()));
                        }
                        post_multipart(&app, &path, multipart(&[file]), &headers).await
                    } else {
                        let csrf = app.csrf().await;
                        let body = multipart(&[Part::Field("_csrf", &csrf), file]);
                        post_multipart(&app, &path, body, &[]).await
                    };
                    let s = if res.status.as_u16() == 303 && res.location().starts_with("/login") {
                        401
                    } else {
                        res.status.as_u16()
                    };
                    (format!("UPLOAD {path}"), s)
                }
            };
            if status != expect[col] {
                failures.push(format!(
                    "{who:?}: {label} → {status}, expected {}",
                    expect[col]
                ));
            }
        }
    }
    assert!(count > 300);
    assert!(
        failures.is_empty(),
        "{} of {count} role × route checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_route_matrix_sqlite() {
    run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_route_matrix_postgres() {
    run(Backend::Postgres).await;
}

/// The matrix cannot miss a route: every (method, path) the application routes — read from
/// the router itself (`routes::routes`) — must have at least one row above, so a new route
/// fails this test until its access rule is written down.
#[tokio::test]
async fn every_route_of_the_application_has_a_row_in_the_matrix() {
    let app = TestApp::new(Backend::Sqlite).await.expect("app");
    let w = World {
        org_a: 1,
        org_b: 2,
        org_free: 3,
        org_free2: 4,
        group: 5,
        group_b: 6,
        person_a: 7,
        person_free: 8,
        person_api: 9,
        person_del: 10,
        membership: 11,
        internal: 12,
        public: 13,
        internal_b: 14,
        decision: 15,
        decision2: 16,
        group_del: 17,
        group_del2: 18,
        meeting_del: 19,
        person_del2: 20,
        membership_del: 21,
        area: 22,
        area_del: 23,
        user: 24,
        person_att: 25,
        job: 26,
        plan: 27,
        plan_draft: 28,
        promise: 29,
        goal: 30,
        action: 31,
        action_draft: 32,
        report: 38,
        report_draft: 39,
        sysma: 33,
        indicator: 34,
        goal_draft: 35,
        target: 36,
        target2: 37,
        seeded_indicator: 1,
        indicator_set: 1,
        decision_action: 33,
        import: 38,
    };
    let rows: Vec<(String, String)> = cases(&w)
        .into_iter()
        .map(|(call, _)| match call {
            Call::Page(m, p, _) | Call::Api(m, p, _) => (m.to_string(), p),
            Call::Upload { path, .. } => ("POST".to_owned(), path),
        })
        .collect();
    let missing: Vec<String> = crate::routes::routes(&app.router)
        .into_iter()
        .filter(|(method, template)| {
            !rows
                .iter()
                .any(|(m, p)| m == method && crate::routes::matches(template, p))
        })
        .map(|(m, t)| format!("{m} {t}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the role × route matrix:\n{}",
        missing.join("\n")
    );
}
