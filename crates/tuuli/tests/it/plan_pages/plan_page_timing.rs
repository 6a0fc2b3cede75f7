//! Timing, not a test: the plan pages for the large synthetic plan of `scripts/bench-plan-seed`
//! (500 actions, 10,000 updates) over the demo data, in-process through the router, with the
//! phases apart (the tree's queries, the whole view, the page). Run it with
//! `cargo test --test it -- --ignored --nocapture plan_page_timing` (add `--release` for
//! figures worth writing down; TEST_DATABASE_URL for PostgreSQL too).

use super::*;
use crate::helpers::{backend_label, timed};

pub(super) async fn timing(app: TestApp, label: &str) {
    let app = app.with_demo().await;
    let seed = std::process::Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/bench-plan-seed"
    ))
    .output()
    .expect("bench-plan-seed");
    let sql = String::from_utf8(seed.stdout).unwrap();
    let plan: i64 = tuuli::with_db!(&app.db, p => {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(p).await.unwrap();
        sqlx::query_scalar("SELECT MAX(id) FROM plans").fetch_one(p).await.unwrap()
    });
    if let tuuli::db::Db::Postgres(p, _) = &app.db {
        // As autovacuum would soon after the load (the bench script does the same).
        sqlx::raw_sql("VACUUM (ANALYZE) plan_progress, plan_actions")
            .execute(p)
            .await
            .unwrap();
    }
    let db = &app.db;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let filter = tuuli::plan::views::PlanFilter::default();
    let tree = timed(11, || tuuli::plan::store::tree(db, plan, false)).await;
    let view = timed(11, || {
        tuuli::plan::views::plan_view(db, plan, false, &filter, today, 120)
    })
    .await;
    let v = tuuli::plan::views::plan_view(db, plan, false, &filter, today, 120)
        .await
        .unwrap();
    assert_eq!(v.all_actions, 500);
    let serialize = timed(11, || async { minijinja::Value::from_serialize(&v) }).await;
    let mut pages = Vec::new();
    for url in [
        format!("/plans/{plan}"),
        format!("/plans/{plan}?status=delayed"),
        format!("/plans/{plan}/public"),
        format!("/plans/{plan}/timeline"),
        format!("/plans/{plan}/resources"),
        format!("/api/v1/plans/{plan}"),
    ] {
        assert_eq!(app.get(&url).await.status, 200, "{url}");
        pages.push(format!("{url} {:?}", timed(11, || app.get(&url)).await));
    }
    println!(
        "plan pages, 500 actions, {label}: tree {tree:?}; view {view:?}; view to template value {serialize:?}; {}",
        pages.join("; ")
    );
}

both!(
    #[ignore = "timing, not a test: run it in release"]
    plan_page_timing,
    |app| async move {
        let label = backend_label(&app.db);
        timing(app, label).await
    }
);
