//! The database handle: one enum over SQLite (embedded default) and PostgreSQL (production).
//!
//! SQL is written once with `$n` placeholders, which both backends accept; the
//! [`with_db!`] macro expands a body once per backend so that it is type-checked for both.
//! A backend branch is written by hand only where the SQL really differs.

pub mod filter;
pub mod keys;
pub mod names;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// A PostgreSQL connection idle longer than this is pinged before it is used.
const IDLE_CHECK: Duration = Duration::from_secs(30);

/// A pool for one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    /// The pool, and the name indexes this server keeps of the database's lists
    /// ([`names`]; shared by the clones of this handle, read when first searched).
    Postgres(PgPool, std::sync::Arc<names::NameIndexes>),
}

/// Runs `$body` with `$pool` bound to the concrete pool of `$db` (a `&Db`).
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool, _) => $body,
        }
    };
}

/// A pool that starts write transactions: `BEGIN IMMEDIATE` on SQLite, `BEGIN` on
/// PostgreSQL. Use [`begin_write`] (inside [`with_db!`]) for every transaction that writes.
pub trait BeginWrite {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>,
    > + Send;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    /// SQLite's plain (deferred) `BEGIN` takes the write lock only at the first write, and a
    /// write to a table with an FTS5 index (organisations, people: their triggers) opens a
    /// read transaction in the FTS5 module first. A connection that already reads cannot
    /// wait for the lock — SQLite answers "database is locked" at once instead of using
    /// the busy timeout — so of two saves at the same moment one failed with a 500.
    /// `IMMEDIATE` takes the write lock before anything else, waiting for it.
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error>,
    > + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error>,
    > + Send {
        self.begin()
    }
}

/// Starts a write transaction on `pool` ([`BeginWrite`]): `with_db!(db, p => { let mut tx =
/// crate::db::begin_write(p).await?; … })`.
pub fn begin_write<P: BeginWrite>(
    pool: &P,
) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, P::Database>, sqlx::Error>>
+ Send
+ '_ {
    pool.begin_write()
}

/// Records one change in the audit log, inside the caller's transaction.
/// `$before` and `$after` are `Option<serde_json::Value>`.
#[macro_export]
macro_rules! audit {
    ($tx:expr, $actor:expr, $action:expr, $entity:expr, $id:expr, $before:expr, $after:expr) => {{
        let actor: &$crate::auth::Actor = $actor;
        let before: Option<serde_json::Value> = $before;
        let after: Option<serde_json::Value> = $after;
        sqlx::query(
            "INSERT INTO audit_log (at, user_id, actor, action, entity, entity_id, before_json, after_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(chrono::Utc::now())
        .bind(actor.user_id)
        .bind(&actor.label)
        .bind($action)
        .bind($entity)
        .bind($id)
        .bind(before.map(|v| v.to_string()))
        .bind(after.map(|v| v.to_string()))
        .execute($tx)
        .await
    }};
}

/// Takes the lock of one editable row for the rest of the transaction and returns its
/// version (`None` when there is no such row): a no-op `UPDATE`, which is a row lock on
/// PostgreSQL and the write lock on SQLite. Run it first in the transaction, then read the
/// row's "before" value in the same transaction. `$table` is a literal table name.
#[macro_export]
macro_rules! lock_version {
    ($tx:expr, $table:literal, $id:expr) => {
        sqlx::query_scalar::<_, i64>(concat!(
            "UPDATE ",
            $table,
            " SET version = version WHERE id = $1 RETURNING version"
        ))
        .bind($id)
        .fetch_optional(&mut *$tx)
        .await
    };
}

/// Replaces the set of links of one row (its themes, organisations, …) in the caller's
/// transaction: `replace_links!(tx, "group_themes", "group_id", "theme_id", id, &ids)`.
/// Table and column names are literals; the ids are bound.
#[macro_export]
macro_rules! replace_links {
    ($tx:expr, $table:literal, $owner:literal, $other:literal, $id:expr, $others:expr) => {
        async {
            sqlx::query(concat!("DELETE FROM ", $table, " WHERE ", $owner, " = $1"))
                .bind($id)
                .execute(&mut *$tx)
                .await?;
            for other in $others.iter() {
                sqlx::query(concat!(
                    "INSERT INTO ",
                    $table,
                    " (",
                    $owner,
                    ", ",
                    $other,
                    ") VALUES ($1, $2)"
                ))
                .bind($id)
                .bind(*other)
                .execute(&mut *$tx)
                .await?;
            }
            Ok::<(), sqlx::Error>(())
        }
        .await
    };
}

/// Rows of `(owner id, value)` grouped by owner, for attaching related rows loaded for a
/// whole page in one query (`WHERE owner IN (…)`) to the page's items.
pub fn group_by_owner<T>(rows: Vec<(i64, T)>) -> std::collections::HashMap<i64, Vec<T>> {
    let mut out: std::collections::HashMap<i64, Vec<T>> = std::collections::HashMap::new();
    for (owner, value) in rows {
        out.entry(owner).or_default().push(value);
    }
    out
}

/// The ids as a SQL list for `IN (…)`: integers we hold, so writing them in is safe (one
/// bound parameter per id would be a statement per list length all the same). For a list
/// page's related rows on both databases see [`rows_for_ids`].
pub fn id_list(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

/// A row type read from either database (what the helpers that run one statement on
/// both need of it).
pub trait AnyRow:
    for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
    + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
    + Send
    + Unpin
{
}

impl<T> AnyRow for T where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + Send
        + Unpin
{
}

/// The rows of a statement about a list of ids we hold: `sql` says `{ids}` where the test
/// of a column against them goes (`WHERE po.person_id {ids}`). PostgreSQL binds them as one
/// array (`= ANY($1)`): one prepared statement, planned once, for every page of a list —
/// written in, each page's ids made a statement of their own, parsed and planned again
/// (0.6 ms on PostgreSQL) and crowding the connection's statement cache. SQLite writes
/// them in (`IN (…)`, [`id_list`]), since it has no arrays and prepares in microseconds.
pub async fn rows_for_ids<T>(db: &Db, sql: &str, ids: &[i64]) -> Result<Vec<T>, sqlx::Error>
where
    T: AnyRow,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    match db {
        Db::Postgres(p, _) => {
            let sql = sql.replace("{ids}", "= ANY($1)");
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(ids)
                .fetch_all(p)
                .await
        }
        Db::Sqlite(p) => {
            let sql = sql.replace("{ids}", &format!("IN ({})", id_list(ids.iter().copied())));
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await
        }
    }
}

/// The rows of these ids, by name: `select` is a list's `SELECT … FROM <table> <alias>
/// [joins]` (without WHERE), and the rows come ordered by `<alias>.name_key, <alias>.id`
/// ([`rows_for_ids`]).
pub async fn rows_by_ids<T>(
    db: &Db,
    select: &str,
    alias: &str,
    ids: &[i64],
) -> Result<Vec<T>, sqlx::Error>
where
    T: AnyRow,
{
    let sql = format!("{select} WHERE {alias}.id {{ids}} ORDER BY {alias}.name_key, {alias}.id");
    rows_for_ids(db, &sql, ids).await
}

/// Which backend a URL selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Kind::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Kind::Sqlite)
        } else {
            anyhow::bail!(
                "unsupported database URL '{url}': use sqlite://PATH (the default) or postgres://USER@HOST/DB"
            )
        }
    }
}

/// The most connections a pool opens: `TUULI_DB_CONNECTIONS` when set to a number from 1
/// to 64 (for tuning and benchmarks), else `default`.
fn pool_size(default: u32) -> u32 {
    std::env::var("TUULI_DB_CONNECTIONS")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|n| (1..=64).contains(n))
        .unwrap_or(default)
}

/// The page cache of each SQLite connection in KiB: `TUULI_SQLITE_CACHE_KIB` when set to
/// a number from 64 to 1,048,576, else SQLite's default of 2,000.
fn sqlite_cache_kib() -> u32 {
    std::env::var("TUULI_SQLITE_CACHE_KIB")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|n| (64..=1_048_576).contains(n))
        .unwrap_or(2000)
}

impl Db {
    /// A handle on this PostgreSQL pool, with name indexes of its own.
    pub fn postgres(pool: PgPool) -> Self {
        Db::Postgres(pool, Default::default())
    }

    /// Connects to the database, creating a SQLite file (and its folder) when missing.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        match Kind::from_url(url)? {
            Kind::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(pool_size(16))
                    .acquire_timeout(Duration::from_secs(10))
                    // sqlx pings every connection it takes from the pool (a round trip
                    // before each query: a list page sends three or four); only one that
                    // sat idle a while is checked, as the server may have dropped it.
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| {
                        Box::pin(async move {
                            if meta.idle_for > IDLE_CHECK {
                                sqlx::Connection::ping(conn).await?;
                            }
                            Ok(true)
                        })
                    })
                    .connect(url)
                    .await
                    .with_context(|| format!("could not connect to PostgreSQL at {}; check that the server runs and the URL's user, password and database are right", redact(url)))?;
                Ok(Db::postgres(pool))
            }
            Kind::Sqlite => {
                let memory = url.contains(":memory:") || url.contains("mode=memory");
                if !memory
                    && let Some(parent) = sqlite_path(url)
                        .and_then(|p| std::path::Path::new(p).parent().map(|p| p.to_owned()))
                    && !parent.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(&parent).with_context(|| {
                        format!("could not create the data folder {}", parent.display())
                    })?;
                }
                let opts = SqliteConnectOptions::from_str(url)
                    .with_context(|| format!("invalid SQLite URL '{url}'"))?
                    .create_if_missing(true)
                    .foreign_keys(true)
                    .journal_mode(if memory {
                        SqliteJournalMode::Memory
                    } else {
                        SqliteJournalMode::Wal
                    })
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    // Each connection keeps its own page cache (SQLite's default: 2 MB).
                    .pragma("cache_size", format!("-{}", sqlite_cache_kib()))
                    // sqlx's worker thread hands the rows over through a channel of this
                    // many; with its default of 50, a page of 200 rows stopped the worker
                    // three times to wait for the reading task (two thread wake-ups each).
                    .row_buffer_size(256);
                let pool = SqlitePoolOptions::new()
                    // The connections live in this process: no ping before every query
                    // (a round trip to the connection's worker thread).
                    .test_before_acquire(false)
                    // An in-memory database lives in one connection; keep exactly that one.
                    .max_connections(if memory { 1 } else { pool_size(8) })
                    .min_connections(if memory { 1 } else { 0 })
                    .idle_timeout(if memory {
                        None
                    } else {
                        Some(Duration::from_secs(600))
                    })
                    .max_lifetime(if memory {
                        None
                    } else {
                        Some(Duration::from_secs(3600))
                    })
                    .connect_with(opts)
                    .await
                    .with_context(|| format!("could not open the SQLite database {url}"))?;
                Ok(Db::Sqlite(pool))
            }
        }
    }

    /// Applies the embedded migrations of this backend (forward-only).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("../../migrations/sqlite").run(p).await,
            Db::Postgres(p, _) => sqlx::migrate!("../../migrations/postgres").run(p).await,
        }
        .context("database migration failed")?;
        keys::refold(self)
            .await
            .context("could not refold the name keys after migrating")?;
        self.optimize_search()
            .await
            .context("could not optimise the search indexes after migrating")
    }

    /// SQLite: merges each FTS5 search index into one segment (`'optimize'`). Rows added
    /// one by one or in bulk leave an index of many segments, and a search reads every
    /// one of them: on 50,000 people a search of 3,000 matches took 2.1 ms before and
    /// 0.9 ms after. Cheap when there is little to merge; run with the migrations, i.e.
    /// at every start. PostgreSQL's trigram indexes need nothing like it.
    pub async fn optimize_search(&self) -> anyhow::Result<()> {
        if let Db::Sqlite(p) = self {
            for t in ["organisations_fts", "people_fts"] {
                let sql = format!("INSERT INTO {t}({t}) VALUES ('optimize')");
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(p).await?;
            }
        }
        Ok(())
    }

    pub fn kind(&self) -> Kind {
        match self {
            Db::Sqlite(_) => Kind::Sqlite,
            Db::Postgres(..) => Kind::Postgres,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind() {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        }
    }

    pub async fn close(&self) {
        with_db!(self, p => p.close().await)
    }
}

/// The file of a SQLite URL, or None for PostgreSQL and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<&str> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    sqlite_path(url).filter(|p| !p.is_empty())
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

/// Hides a password in a URL before it is printed.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A `LIKE` pattern that finds `text` anywhere, lower-cased, with `%`, `_` and `\\` in it
/// matched literally. Use with `LIKE $n ESCAPE '\\'` (SQLite has no default escape).
pub fn like_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_the_backend_or_explain_what_is_wrong() {
        assert_eq!(
            Kind::from_url("postgres://a@b/c").ok(),
            Some(Kind::Postgres)
        );
        assert_eq!(Kind::from_url("sqlite://x.db").ok(), Some(Kind::Sqlite));
        let err = Kind::from_url("mysql://x").unwrap_err().to_string();
        assert!(err.contains("sqlite://"), "{err}");
    }

    #[test]
    fn passwords_are_hidden_when_urls_are_printed() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(
            redact("sqlite://tuuli-data/tuuli.db"),
            "sqlite://tuuli-data/tuuli.db"
        );
    }

    #[test]
    fn related_rows_are_grouped_by_their_owner_in_order() {
        let g = group_by_owner(vec![(2, "b"), (1, "a"), (2, "c")]);
        assert_eq!(g[&2], vec!["b", "c"]);
        assert_eq!(g[&1], vec!["a"]);
        assert_eq!(id_list([3_i64, 5, 8].into_iter()), "3,5,8");
    }

    #[test]
    fn search_text_is_matched_literally() {
        assert_eq!(like_pattern("50%_A\\b"), "%50\\%\\_a\\\\b%");
    }
}
