//! The SQLite and PostgreSQL migration trees stay in lock-step.

use std::collections::{BTreeMap, BTreeSet};

use crate::helpers::{Backend, TestApp};

fn migration_names(dir: &str) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(dir);
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

#[test]
fn both_migration_trees_have_the_same_files() {
    let sqlite = migration_names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_names("postgres"));
}

async fn columns(app: &TestApp) -> BTreeMap<String, BTreeSet<String>> {
    let rows: Vec<(String, String)> = match &app.db {
        tuuli::db::Db::Sqlite(p) => sqlx::query_as(
            "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .expect("sqlite schema"),
        tuuli::db::Db::Postgres(p) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .expect("pg schema"),
    };
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (t, c) in rows {
        out.entry(t).or_default().insert(c);
    }
    out
}

#[tokio::test]
async fn both_databases_get_the_same_tables_and_columns() {
    let sqlite = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let Some(pg) = TestApp::postgres().await else {
        return;
    };
    let a = columns(&sqlite).await;
    let b = columns(&pg).await;
    assert!(a.len() >= 15, "{a:?}");
    assert_eq!(a, b);
}
