//! Merging one chunk of an import into the store ([`merge_chunk`]): the rows sorted by
//! the store's key, duplicates within the chunk found in Rust, repeats of earlier chunks
//! marked ([`SeenKeys`]), then staged and merged set-based — on PostgreSQL the rows of
//! indicators new to the store `COPY`ed straight in, on SQLite staged with multi-row
//! `INSERT`s. See [`super::engine`] for the whole import.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use sqlx::{Postgres, Sqlite, Transaction};

use crate::knowledge::import::{ImportError, Location};

use super::engine::CHUNK;
use super::seen::SeenKeys;

/// Rows per multi-row `INSERT` into SQLite's staging table (9 parameters each, under
/// SQLite's limit of 32,766 parameters per statement).
pub(super) const SQLITE_BATCH: usize = 3_600;

/// One placed row, as staged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Staged {
    pub(super) area_id: i64,
    pub(super) indicator_id: i64,
    pub(super) year: i32,
    pub(super) sex: i32,
    pub(super) value: Option<f64>,
    pub(super) count: Option<f64>,
    pub(super) denominator: Option<f64>,
    /// The row's ordinal in the import (1-based), its key in the staging table.
    pub(super) ordinal: i64,
    /// Whether an earlier chunk of the import had the same key.
    pub(super) repeat: bool,
}

/// The import's transaction, on either database.
pub(super) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs the body with the transaction of either database.
macro_rules! with_tx {
    ($tx:expr, mut $t:ident => $body:expr) => {
        match $tx {
            Tx::Sqlite(mut $t) => $body,
            Tx::Postgres(mut $t) => $body,
        }
    };
    ($tx:expr, $t:ident => $body:expr) => {
        match $tx {
            Tx::Sqlite($t) => $body,
            Tx::Postgres($t) => $body,
        }
    };
}
pub(super) use with_tx;

const STAGE_COLUMNS: &str =
    "area_id, indicator_id, year, sex, value, count, denominator, line, repeat";
const KEY_JOIN: &str = "v.area_id = s.area_id AND v.indicator_id = s.indicator_id AND v.year = s.year AND v.sex = s.sex";
const DIFFERS: &str = "(v.value IS DISTINCT FROM s.value OR v.count IS DISTINCT FROM s.count OR v.denominator IS DISTINCT FROM s.denominator)";

/// Per indicator seen by an import so far, whether it had no value before the import;
/// shared with the merge task (one chunk at a time, so never contended).
#[derive(Debug, Clone, Default)]
pub(super) struct NewInImport(Arc<std::sync::Mutex<HashMap<i64, bool>>>);

impl NewInImport {
    fn get(&self, indicator: i64) -> Option<bool> {
        self.0.lock().ok().and_then(|m| m.get(&indicator).copied())
    }

    fn set(&self, indicator: i64, new: bool) {
        if let Ok(mut m) = self.0.lock() {
            m.entry(indicator).or_insert(new);
        }
    }
}

/// What merging one chunk did.
#[derive(Debug, Default)]
pub(super) struct Merged {
    /// Rows handed in (agreeing duplicates included).
    pub(super) rows: u64,
    /// Values whose earlier version went to the revisions.
    pub(super) updated: u64,
    /// Values inserted or updated.
    pub(super) affected: u64,
    /// Duplicates found, with the row's ordinal.
    pub(super) errors: Vec<(i64, ImportError)>,
    pub(super) sort: Duration,
    pub(super) stage: Duration,
    pub(super) merge: Duration,
}

/// Stages and merges the rows held (nothing once an error was found): sorts them by
/// the key (so the store's B-trees are written in order), drops agreeing duplicates and
/// reports disagreeing ones, stages the rest and merges them set-based. When no value
/// of the chunk's indicators is stored yet (a first import) the comparison is skipped
/// and the rows are inserted as they are.
pub(super) async fn merge_chunk(
    tx: &mut Tx,
    mut buf: Vec<Staged>,
    locations: &[Location],
    import_id: i64,
    batch_sql: &str,
    new_in_import: &NewInImport,
    seen: &std::sync::Mutex<SeenKeys>,
) -> anyhow::Result<Merged> {
    let started = Instant::now();
    let first = buf.first().map_or(0, |r| r.ordinal);
    let mut m = Merged {
        rows: buf.len() as u64,
        ..Merged::default()
    };
    buf.sort_unstable_by_key(|r| (r.area_id, r.indicator_id, r.year, r.sex, r.ordinal));
    // Duplicates within the chunk: the first of a key is kept.
    let mut errors: Vec<(i64, ImportError)> = Vec::new();
    let mut kept = 0usize;
    for i in 0..buf.len() {
        let r = buf[i];
        if kept > 0 {
            let k = buf[kept - 1];
            if (k.area_id, k.indicator_id, k.year, k.sex)
                == (r.area_id, r.indicator_id, r.year, r.sex)
            {
                if (k.value, k.count, k.denominator) != (r.value, r.count, r.denominator) {
                    let earlier = location_text(locations, first, k.ordinal);
                    let loc = location_of(locations, first, r.ordinal);
                    errors.push((
                        r.ordinal,
                        ImportError::new(loc, "import-error-duplicate", &[("first", &earlier)]),
                    ));
                }
                continue;
            }
        }
        buf[kept] = r;
        kept += 1;
    }
    buf.truncate(kept);
    if !errors.is_empty() {
        m.errors = errors;
        m.sort = started.elapsed();
        return Ok(m);
    }
    // Keys an earlier chunk had: with another value, a duplicate (checked after staging).
    let mut repeats = 0usize;
    {
        let mut seen = seen
            .lock()
            .map_err(|_| anyhow::anyhow!("the import's key set was poisoned"))?;
        // Sorted by the key: one lookup per area × indicator.
        for run in
            buf.chunk_by_mut(|a, b| (a.area_id, a.indicator_id) == (b.area_id, b.indicator_id))
        {
            let years = seen.pair(run[0].area_id, run[0].indicator_id);
            for r in run {
                let year = u16::try_from(r.year).unwrap_or(u16::MAX);
                let sex = u8::try_from(r.sex).unwrap_or(u8::MAX);
                r.repeat = years.insert(year, sex);
                repeats += usize::from(r.repeat);
            }
        }
    }
    let mut indicators: Vec<i64> = buf.iter().map(|r| r.indicator_id).collect();
    indicators.sort_unstable();
    indicators.dedup();
    let sorted = Instant::now();
    m.sort = sorted.duration_since(started);
    // SQLite: indicators with a stored value (this import's earlier chunks included) go
    // through the comparison; the others (a first import, and a chunk's next indicators)
    // are inserted as they are.
    // PostgreSQL: the rows of indicators without a value before this import are `COPY`ed
    // straight into the store. When such an indicator was begun by an earlier chunk, its
    // rows may repeat this import's own (agreeing: one value; disagreeing: a duplicate),
    // so the `COPY` runs in a savepoint: a key violation rolls it back and the chunk
    // takes the comparison like the others.
    let mut stored: Vec<i64> = Vec::new();
    let mut fresh: Vec<i64> = Vec::new();
    let mut direct: Vec<i64> = Vec::new();
    let mut risky = false;
    with_tx!(&mut *tx, t => {
        for id in &indicators {
            let known = new_in_import.get(*id);
            if let Some(new) = known {
                if new {
                    risky = true;
                    direct.push(*id);
                } else {
                    stored.push(*id);
                }
                continue;
            }
            let any: Option<i64> = sqlx::query_scalar(
                "SELECT indicator_id FROM indicator_values WHERE indicator_id = $1 LIMIT 1",
            ).bind(id).fetch_optional(&mut **t).await?;
            if any.is_some() { stored.push(*id); } else { fresh.push(*id); }
        }
    });
    let mut inserted = 0u64;
    match tx {
        Tx::Sqlite(t) => {
            stored.append(&mut direct);
            stored.sort_unstable();
            let mut chunks = buf.chunks_exact(SQLITE_BATCH);
            for chunk in chunks.by_ref() {
                bind_rows(sqlx::query(sqlx::AssertSqlSafe(batch_sql)), chunk)
                    .execute(&mut **t)
                    .await?;
            }
            let rest = chunks.remainder();
            if !rest.is_empty() {
                let sql = sqlite_insert(rest.len());
                bind_rows(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), rest)
                    .persistent(false)
                    .execute(&mut **t)
                    .await?;
            }
        }
        Tx::Postgres(t) => {
            for id in &fresh {
                new_in_import.set(*id, true);
            }
            for id in &stored {
                new_in_import.set(*id, false);
            }
            direct.append(&mut fresh);
            direct.sort_unstable();
            if !direct.is_empty() {
                let text = copy_text(
                    buf.iter()
                        .filter(|r| direct.binary_search(&r.indicator_id).is_ok()),
                    Some(import_id),
                );
                if risky {
                    sqlx::query("SAVEPOINT import_copy")
                        .execute(&mut **t)
                        .await?;
                }
                let copied: Result<u64, sqlx::Error> = async {
                    let mut copy = t
                        .copy_in_raw(
                            "COPY indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) FROM STDIN",
                        )
                        .await?;
                    copy.send(text.into_bytes()).await?;
                    copy.finish().await
                }
                .await;
                match copied {
                    Ok(n) => {
                        inserted = n;
                        if risky {
                            sqlx::query("RELEASE SAVEPOINT import_copy")
                                .execute(&mut **t)
                                .await?;
                        }
                    }
                    Err(e)
                        if risky
                            && e.as_database_error().and_then(|d| d.code()).as_deref()
                                == Some("23505") =>
                    {
                        sqlx::query("ROLLBACK TO SAVEPOINT import_copy")
                            .execute(&mut **t)
                            .await?;
                        stored.append(&mut direct);
                        stored.sort_unstable();
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            if !stored.is_empty() {
                let text = copy_text(
                    buf.iter()
                        .filter(|r| stored.binary_search(&r.indicator_id).is_ok()),
                    None,
                );
                let mut copy = t.copy_in_raw("COPY import_stage FROM STDIN").await?;
                copy.send(text.into_bytes()).await?;
                copy.finish().await?;
            }
        }
    }
    let staged = Instant::now();
    m.stage = staged.duration_since(sorted);
    let is_pg = matches!(tx, Tx::Postgres(_));
    let list = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let (updated, affected) = with_tx!(&mut *tx, t => {
        if !fresh.is_empty() && !is_pg {
            inserted = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) \
                 SELECT area_id, indicator_id, year, sex, value, count, denominator, $1 FROM import_stage \
                 WHERE indicator_id IN ({})", list(&fresh)
            ))).bind(import_id).execute(&mut **t).await?.rows_affected();
        }
        if stored.is_empty() {
            (0, inserted)
        } else {
            let stored_list = list(&stored);
            if is_pg {
                // The planner's estimate of the staging table, for the joins below.
                sqlx::query("ANALYZE import_stage").execute(&mut **t).await?;
            }
            let revisions = format!(
                "INSERT INTO indicator_value_revisions (area_id, indicator_id, year, sex, value, count, denominator, import_id, replaced_by, replaced_at) \
                 SELECT v.area_id, v.indicator_id, v.year, v.sex, v.value, v.count, v.denominator, v.import_id, $1, $2 \
                 FROM import_stage s JOIN indicator_values v ON {KEY_JOIN} WHERE s.indicator_id IN ({stored_list}) AND {DIFFERS}"
            );
            let updated = sqlx::query(sqlx::AssertSqlSafe(revisions))
                .bind(import_id).bind(Utc::now())
                .execute(&mut **t).await?.rows_affected();
            if updated > 0 {
                // A key of an earlier chunk (marked as a repeat, or a value this import
                // wrote), now with another value: a duplicate.
                let earlier = repeats > 0 || sqlx::query_scalar::<_, i64>(
                    "SELECT id FROM indicator_value_revisions WHERE import_id = $1 LIMIT 1",
                ).bind(import_id).fetch_optional(&mut **t).await?.is_some();
                if earlier {
                    let lines: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT s.line FROM import_stage s JOIN indicator_values v ON {KEY_JOIN} \
                         WHERE (v.import_id = $1 OR s.repeat = 1) AND {DIFFERS} ORDER BY s.line LIMIT 200"
                    ))).bind(import_id).fetch_all(&mut **t).await?;
                    for l in lines {
                        let loc = location_of(locations, first, l);
                        errors.push((l, ImportError::new(loc, "import-error-duplicate", &[("first", "-")])));
                    }
                }
            }
            let affected = if errors.is_empty() {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) \
                     SELECT area_id, indicator_id, year, sex, value, count, denominator, $1 FROM import_stage \
                     WHERE indicator_id IN ({stored_list}) \
                     ON CONFLICT (area_id, indicator_id, year, sex) DO UPDATE SET value = excluded.value, \
                     count = excluded.count, denominator = excluded.denominator, import_id = excluded.import_id \
                     WHERE indicator_values.value IS DISTINCT FROM excluded.value \
                     OR indicator_values.count IS DISTINCT FROM excluded.count \
                     OR indicator_values.denominator IS DISTINCT FROM excluded.denominator",
                ))).bind(import_id).execute(&mut **t).await?.rows_affected()
            } else {
                0
            };
            (updated, inserted + affected)
        }
    });
    match tx {
        Tx::Sqlite(t) => {
            sqlx::query("DELETE FROM import_stage")
                .execute(&mut **t)
                .await?;
        }
        Tx::Postgres(t) => {
            sqlx::query("TRUNCATE import_stage")
                .execute(&mut **t)
                .await?;
        }
    }
    m.merge = staged.elapsed();
    m.updated = updated;
    m.affected = affected;
    m.errors = errors;
    Ok(m)
}

/// Rows in `COPY`'s text format: the key, value, count and denominator, then the
/// import's id (for the store) or, without one, the row's ordinal and whether it is a
/// repeat (for the staging table).
fn copy_text<'a>(rows: impl Iterator<Item = &'a Staged>, import_id: Option<i64>) -> String {
    let mut text = String::with_capacity(CHUNK * 56);
    for r in rows {
        let _ = write!(
            text,
            "{}\t{}\t{}\t{}\t",
            r.area_id, r.indicator_id, r.year, r.sex
        );
        for v in [r.value, r.count, r.denominator] {
            match v {
                Some(v) => {
                    let _ = write!(text, "{v}\t");
                }
                None => text.push_str("\\N\t"),
            }
        }
        match import_id {
            Some(id) => {
                let _ = writeln!(text, "{id}");
            }
            None => {
                let _ = writeln!(text, "{}\t{}", r.ordinal, i32::from(r.repeat));
            }
        }
    }
    text
}

/// A multi-row `INSERT` into the staging table. Positional `?` parameters: SQLite looks
/// numbered ones (`$1`) up by name, which grows with the square of their number (a
/// 4,000-row statement took seconds).
pub(super) fn sqlite_insert(rows: usize) -> String {
    let mut sql = format!("INSERT INTO import_stage ({STAGE_COLUMNS}) VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push_str("(?,?,?,?,?,?,?,?,?)");
    }
    sql
}

fn bind_rows<'q>(
    mut q: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments>,
    rows: &[Staged],
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments> {
    for r in rows {
        q = q
            .bind(r.area_id)
            .bind(r.indicator_id)
            .bind(r.year)
            .bind(r.sex)
            .bind(r.value)
            .bind(r.count)
            .bind(r.denominator)
            .bind(r.ordinal)
            .bind(i32::from(r.repeat));
    }
    q
}

fn location_of(locations: &[Location], first: i64, ordinal: i64) -> Location {
    usize::try_from(ordinal - first)
        .ok()
        .and_then(|i| locations.get(i))
        .cloned()
        .unwrap_or(Location::File)
}

fn location_text(locations: &[Location], first: i64, ordinal: i64) -> String {
    match location_of(locations, first, ordinal) {
        Location::Line(l) => l.to_string(),
        Location::Path(p) => p,
        Location::File => "-".to_owned(),
    }
}
