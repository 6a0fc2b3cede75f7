//! Saves that meet another writer wait for it instead of failing: on SQLite a save that
//! found the database locked by another connection's write used to fail at once with a
//! 500 ("database is locked") when the table it wrote had an FTS5 search index
//! (organisations and people), instead of waiting for the busy timeout.

use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;
use tuuli::db::Db;

use crate::both;

/// A transaction of another connection that holds the write lock of the tables a save
/// writes (SQLite: the database's; PostgreSQL: the two tables') until it is committed.
async fn hold_write_lock(db: &Db) -> LockHolder {
    match db {
        Db::Sqlite(p) => {
            let tx = p.begin_with("BEGIN IMMEDIATE").await.unwrap();
            LockHolder::Sqlite(tx)
        }
        Db::Postgres(p, _) => {
            let mut tx = p.begin().await.unwrap();
            sqlx::query("LOCK TABLE organisations, people IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await
                .unwrap();
            LockHolder::Postgres(tx)
        }
    }
}

enum LockHolder {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl LockHolder {
    /// Keeps the lock a moment longer (so that the save meets it), then commits.
    async fn release_later(self) {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        match self {
            LockHolder::Sqlite(tx) => tx.commit().await.unwrap(),
            LockHolder::Postgres(tx) => tx.commit().await.unwrap(),
        }
    }
}

both!(
    a_save_waits_for_another_writer_instead_of_failing,
    |app| async move {
        app.add_user("c@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("c@example.fi").await;
        for (path, body) in [
            (
                "/api/v1/organisations",
                json!({"name_fi": "Odottava ry", "org_type": "ngo"}),
            ),
            ("/api/v1/people", json!({"name": "Odottava Henkilö"})),
        ] {
            let holder = hold_write_lock(&app.db).await;
            let (res, ()) = tokio::join!(
                app.api(Method::POST, path, Some(&token), Some(body.clone())),
                holder.release_later()
            );
            res.assert_status(201);
            let listed = app
                .api(
                    Method::GET,
                    &format!("{path}?q=odottava"),
                    Some(&token),
                    None,
                )
                .await
                .json();
            assert_eq!(listed["total"], 1, "{path}: {listed}");
        }
    }
);
