//! The import engine: [`Importer::start`] records the `imports` row and opens the
//! transaction, [`Importer::push`] takes parsed rows one at a time, [`Importer::finish`]
//! commits (or rolls back and records the failure). Memory holds one chunk of rows, the
//! areas and the catalogue's ids, never the file.
//!
//! Per chunk ([`CHUNK`] rows), in a task of its own while the next chunk is read
//! ([`super::merge::merge_chunk`]): the rows are sorted by the store's key and checked for duplicates in Rust (agreeing ones
//! are dropped, disagreeing ones are errors). On PostgreSQL the rows of indicators that
//! had no value before the import are `COPY`ed straight into `indicator_values` (in a
//! savepoint when the import's earlier chunks began the indicator: a repeated key rolls
//! it back and the chunk is compared instead). SQLite stages every row with multi-row
//! `INSERT`s of 3,600 rows (one prepared statement reused) into a temporary table and
//! inserts those of indicators without a stored value with one `INSERT … SELECT`. The
//! other rows are staged (PostgreSQL with one `COPY … FROM STDIN`) and merged set-based,
//! the same SQL on both: the earlier versions of changed values into
//! `indicator_value_revisions`, then `INSERT … ON CONFLICT DO UPDATE … WHERE changed`.
//! A row that repeats a key of an earlier chunk of the same import is marked as a repeat
//! ([`SeenKeys`] remembers the keys merged); with another value it is reported as a
//! duplicate, whether the earlier row changed the stored value or left it as it was.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;

use crate::auth::Actor;
use crate::db::Db;
use crate::knowledge::import::sotkanet_meta::IndicatorMeta;
use crate::knowledge::import::{ImportError, Location, Rejected};
use crate::with_db;

use super::catalogue::{Entry, UPSERT};
use super::merge::{
    Merged, NewInImport, SQLITE_BATCH, Staged, Tx, merge_chunk, sqlite_insert, with_tx,
};
use super::model::{AreaRef, ImportMeta, InRow, IndicatorRef, Summary, message_text};
use super::seen::SeenKeys;

/// Rows staged and merged at a time.
pub const CHUNK: usize = 65_536;
/// SQLite's page cache during an import (KiB; the connection's own is restored after).
const SQLITE_IMPORT_CACHE_KIB: i64 = 65_536;

/// Where an import's time went, printed at the end with `TUULI_IMPORT_TIMINGS=1`.
#[derive(Debug)]
struct Timings {
    /// When the import started.
    started: Instant,
    /// Time the reading waited for the chunk before to be merged.
    wait: Duration,
    /// Sorting and checking each chunk for duplicates (in the merge task).
    sort: Duration,
    /// Writing the staging table (in the merge task).
    stage: Duration,
    /// The set-based merge statements (in the merge task).
    merge: Duration,
}

#[derive(Debug, Clone)]
struct AreaInfo {
    id: i64,
    code: String,
    valid_from: Option<i64>,
    valid_to: Option<i64>,
    successor: Option<i64>,
    name: String,
}

#[derive(Debug, Clone, Copy)]
struct IndicatorInfo {
    id: i64,
    percent: bool,
}

/// One import in progress; see the module doc.
pub struct Importer {
    db: Db,
    tx: Option<Tx>,
    meta: ImportMeta,
    /// The `imports` row.
    pub import_id: i64,
    areas: Vec<AreaInfo>,
    by_sotkanet: HashMap<i64, usize>,
    by_code: HashMap<String, usize>,
    indicators: HashMap<(String, String), IndicatorInfo>,
    /// Sotkanet's indicators by their id (the common case, without a string per row).
    sotkanet_indicators: HashMap<u32, IndicatorInfo>,
    buf: Vec<Staged>,
    locations: Vec<Location>,
    rejected: Rejected,
    summary: Summary,
    sqlite_insert: Arc<str>,
    /// PostgreSQL: per indicator seen so far, whether it had no value before this import
    /// (its rows are then `COPY`ed straight into the store; see [`merge_chunk`]).
    new_in_import: NewInImport,
    /// The keys merged so far (by the merge task, one chunk at a time).
    seen: Arc<std::sync::Mutex<SeenKeys>>,
    /// The chunk being merged while the next is read; it holds the transaction.
    pending: Option<JoinHandle<(Tx, anyhow::Result<Merged>)>>,
    /// SQLite's page cache size before the import, restored at the end.
    sqlite_cache: Option<i64>,
    timings: Timings,
}

impl Importer {
    /// Records the import (status `running`, committed at once so a failure can be
    /// recorded), reads the areas and the catalogue's ids, and opens the transaction.
    pub async fn start(db: &Db, meta: ImportMeta) -> anyhow::Result<Self> {
        let now = Utc::now();
        type AreaRow = (
            i64,
            String,
            String,
            String,
            Option<i64>,
            String,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        );
        let (import_id, areas, indicators) = with_db!(db, p => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO imports (kind, source_name, vintage, status, is_synthetic, user_id, job_id, started_at) \
                 VALUES ($1, $2, $3, 'running', $4, $5, $6, $7) RETURNING id",
            )
            .bind(meta.kind).bind(&meta.source_name).bind(meta.vintage).bind(meta.is_synthetic)
            .bind(meta.actor.user_id).bind(meta.job_id).bind(now)
            .fetch_one(p).await?;
            let areas: Vec<AreaRow> = sqlx::query_as(
                "SELECT id, kind, official_code, statfin_code, sotkanet_id, name_fi, CAST(valid_from AS BIGINT), CAST(valid_to AS BIGINT), successor_id FROM areas",
            ).fetch_all(p).await?;
            let inds: Vec<(i64, String, String, String)> = sqlx::query_as(
                "SELECT id, source, source_id, value_type FROM indicators",
            ).fetch_all(p).await?;
            (id, areas, inds)
        });
        let mut me = Self {
            db: db.clone(),
            tx: None,
            meta,
            import_id,
            areas: Vec::with_capacity(areas.len()),
            by_sotkanet: HashMap::new(),
            by_code: HashMap::new(),
            indicators: HashMap::new(),
            sotkanet_indicators: HashMap::new(),
            buf: Vec::with_capacity(CHUNK),
            locations: Vec::with_capacity(CHUNK),
            rejected: Rejected::default(),
            summary: Summary {
                import_id,
                ..Summary::default()
            },
            sqlite_insert: sqlite_insert(SQLITE_BATCH).into(),
            new_in_import: NewInImport::default(),
            seen: Arc::default(),
            sqlite_cache: None,
            timings: Timings {
                started: Instant::now(),
                wait: Duration::ZERO,
                sort: Duration::ZERO,
                stage: Duration::ZERO,
                merge: Duration::ZERO,
            },
            pending: None,
        };
        for (id, kind, official, statfin, sotkanet, name, from, to, successor) in areas {
            let i = me.areas.len();
            if let Some(s) = sotkanet {
                me.by_sotkanet.insert(s, i);
            }
            if !statfin.is_empty() {
                me.by_code.entry(statfin.to_uppercase()).or_insert(i);
            }
            let prefix = match kind.as_str() {
                "municipality" => "KU",
                "region" => "MK",
                "wellbeing_county" => "HVA",
                "subregion" => "SK",
                "hospital_district" => "SHP",
                _ => "",
            };
            if kind == "country" {
                me.by_code.insert("SSS".into(), i);
            }
            me.by_code
                .entry(format!("{prefix}{official}").to_uppercase())
                .or_insert(i);
            me.areas.push(AreaInfo {
                id,
                code: if statfin.is_empty() {
                    format!("{prefix}{official}")
                } else {
                    statfin
                },
                valid_from: from,
                valid_to: to,
                successor,
                name,
            });
        }
        for (id, source, source_id, value_type) in indicators {
            let info = IndicatorInfo {
                id,
                percent: value_type == "percent",
            };
            if source == "sotkanet"
                && let Ok(n) = source_id.parse::<u32>()
            {
                me.sotkanet_indicators.insert(n, info);
            }
            me.indicators.insert((source, source_id), info);
        }
        let tx = match db {
            Db::Sqlite(p) => {
                let mut t = crate::db::begin_write(p).await?;
                let cache: i64 = sqlx::query_scalar("PRAGMA cache_size")
                    .fetch_one(&mut *t)
                    .await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}"
                )))
                .execute(&mut *t)
                .await?;
                me.sqlite_cache = Some(cache);
                sqlx::query("DROP TABLE IF EXISTS temp.import_stage")
                    .execute(&mut *t)
                    .await?;
                sqlx::query(
                    "CREATE TEMP TABLE import_stage (area_id INTEGER, indicator_id INTEGER, year INTEGER, sex INTEGER, \
                     value REAL, count REAL, denominator REAL, line INTEGER, repeat INTEGER)",
                )
                .execute(&mut *t)
                .await?;
                Tx::Sqlite(t)
            }
            Db::Postgres(p, _) => {
                let mut t = crate::db::begin_write(p).await?;
                sqlx::query(
                    "CREATE TEMP TABLE import_stage (area_id BIGINT, indicator_id BIGINT, year INTEGER, sex INTEGER, \
                     value DOUBLE PRECISION, count DOUBLE PRECISION, denominator DOUBLE PRECISION, line BIGINT, repeat INTEGER) ON COMMIT DROP",
                )
                .execute(&mut *t)
                .await?;
                Tx::Postgres(t)
            }
        };
        me.tx = Some(tx);
        Ok(me)
    }

    /// Whether a Sotkanet indicator is in the catalogue (or was added by this import).
    pub fn knows_sotkanet(&self, id: u32) -> bool {
        self.sotkanet_indicators.contains_key(&id)
    }

    /// Creates or refreshes the catalogue entry of a Sotkanet indicator from its metadata,
    /// in the import's transaction.
    pub async fn upsert_indicator(&mut self, m: &IndicatorMeta) -> anyhow::Result<()> {
        let e = Entry::from_sotkanet(m);
        let now = Utc::now();
        self.settle().await?;
        let tx = self
            .tx
            .as_mut()
            .ok_or_else(|| anyhow::anyhow!("import already finished"))?;
        let (changed, id, vt) = with_tx!(tx, t => {
            let mut q = sqlx::query(UPSERT).bind("sotkanet").bind(&e.source_id);
            for text in &e.texts {
                q = q.bind(text);
            }
            let changed = q
                .bind(e.value_type).bind(e.decimals).bind(&e.producer).bind(&e.attribution)
                .bind(&e.source_updated).bind(now)
                .execute(&mut **t).await?.rows_affected();
            let (id, vt): (i64, String) = sqlx::query_as(
                "SELECT id, value_type FROM indicators WHERE source = 'sotkanet' AND source_id = $1",
            ).bind(&e.source_id).fetch_one(&mut **t).await?;
            (changed, id, vt)
        });
        self.summary.indicators_upserted += changed;
        let info = IndicatorInfo {
            id,
            percent: vt == "percent",
        };
        if let Ok(n) = e.source_id.parse::<u32>() {
            self.sotkanet_indicators.insert(n, info);
        }
        self.indicators
            .insert(("sotkanet".to_owned(), e.source_id), info);
        Ok(())
    }

    /// Takes one parsed row (or the parser's error for it).
    pub async fn push(&mut self, row: Result<InRow, ImportError>) -> anyhow::Result<()> {
        self.summary.rows_read += 1;
        let ordinal = i64::try_from(self.summary.rows_read).unwrap_or(i64::MAX);
        match row.and_then(|r| self.place(r, ordinal)) {
            Ok((staged, location)) => {
                if self.rejected.is_empty() {
                    self.buf.push(staged);
                    self.locations.push(location);
                    if self.buf.len() >= CHUNK {
                        self.flush().await?;
                    }
                }
            }
            Err(e) => {
                self.rejected.push(e);
                self.buf.clear();
                self.locations.clear();
            }
        }
        Ok(())
    }

    /// Counts a row the format's reader leaves out on purpose (a Sotkanet folder's row of
    /// a region Tuuli does not keep, a JSON-stat cell without a value): not read, not an
    /// error, but recorded with the import.
    pub fn skip(&mut self) {
        self.summary.skipped += 1;
    }

    /// Rows read so far.
    pub fn rows_read(&self) -> u64 {
        self.summary.rows_read
    }

    /// Errors so far.
    pub fn has_errors(&self) -> bool {
        !self.rejected.is_empty()
    }

    fn indicator(&self, r: &IndicatorRef) -> Option<IndicatorInfo> {
        let key = match r {
            IndicatorRef::Sotkanet(id) => return self.sotkanet_indicators.get(id).copied(),
            IndicatorRef::Text(t) => {
                let t = t.trim();
                match t.split_once(':') {
                    Some((source, id)) => (source.trim().to_lowercase(), id.trim().to_owned()),
                    None => ("sotkanet".to_owned(), t.to_owned()),
                }
            }
        };
        self.indicators.get(&key).copied()
    }

    fn area(&self, r: &AreaRef) -> Option<&AreaInfo> {
        let i = match r {
            AreaRef::Sotkanet(id) => self.by_sotkanet.get(&i64::from(*id)),
            AreaRef::Code(code) => {
                let c = code.trim().to_uppercase();
                if let Some(id) = c.strip_prefix("SOTKANET:") {
                    id.trim()
                        .parse::<i64>()
                        .ok()
                        .and_then(|id| self.by_sotkanet.get(&id))
                } else if !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) && c.len() <= 3 {
                    // A bare municipality number: `398`, `98`, `098`.
                    self.by_code.get(&format!("KU{c:0>3}"))
                } else {
                    self.by_code.get(&c)
                }
            }
        };
        i.map(|i| &self.areas[*i])
    }

    fn place(&self, r: InRow, ordinal: i64) -> Result<(Staged, Location), ImportError> {
        let loc = r.location;
        let err = |key: &'static str, args: &[(&'static str, &str)]| {
            ImportError::new(loc.clone(), key, args)
        };
        let ind = self.indicator(&r.indicator).ok_or_else(|| {
            let name = match &r.indicator {
                IndicatorRef::Sotkanet(id) => format!("sotkanet:{id}"),
                IndicatorRef::Text(t) => t.clone(),
            };
            err("import-error-unknown-indicator", &[("indicator", &name)])
        })?;
        let area = self.area(&r.area).ok_or_else(|| {
            let name = match &r.area {
                AreaRef::Sotkanet(id) => format!("sotkanet:{id}"),
                AreaRef::Code(c) => c.clone(),
            };
            err("import-error-unknown-area", &[("area", &name)])
        })?;
        let year = i64::from(r.year.get());
        if area.valid_from.is_some_and(|f| year < f) || area.valid_to.is_some_and(|t| year > t) {
            let successor = area
                .successor
                .and_then(|s| self.areas.iter().find(|a| a.id == s))
                .map_or_else(|| "-".to_owned(), |a| a.name.clone());
            return Err(err(
                "import-error-area-not-valid",
                &[
                    ("area", &format!("{} {}", area.code, area.name)),
                    ("year", &year.to_string()),
                    ("successor", &successor),
                ],
            ));
        }
        if ind.percent
            && let Some(v) = r.value
            && !(0.0..=100.0).contains(&v)
        {
            return Err(err(
                "import-error-percent-range",
                &[("value", &v.to_string())],
            ));
        }
        if let Some(c) = r.count
            && c < 0.0
        {
            return Err(err(
                "import-error-negative",
                &[("value", &c.to_string()), ("column", "count")],
            ));
        }
        if let (Some(c), Some(d)) = (r.count, r.denominator)
            && c > d
        {
            return Err(err(
                "import-error-count-over-denominator",
                &[("count", &c.to_string()), ("denominator", &d.to_string())],
            ));
        }
        Ok((
            Staged {
                area_id: area.id,
                indicator_id: ind.id,
                year: i32::from(r.year.get()),
                sex: r.sex.code(),
                value: r.value,
                count: r.count,
                denominator: r.denominator,
                ordinal,
                repeat: false,
            },
            loc,
        ))
    }

    /// Hands the rows held to a task that merges them (see [`merge_chunk`]) while the
    /// next chunk is read; first waits for the chunk before it. Nothing once an error was
    /// found.
    async fn flush(&mut self) -> anyhow::Result<()> {
        if self.buf.is_empty() || !self.rejected.is_empty() {
            self.buf.clear();
            self.locations.clear();
            return Ok(());
        }
        self.settle().await?;
        if !self.rejected.is_empty() {
            self.buf.clear();
            self.locations.clear();
            return Ok(());
        }
        let buf = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        let locations = std::mem::replace(&mut self.locations, Vec::with_capacity(CHUNK));
        let mut tx = self
            .tx
            .take()
            .ok_or_else(|| anyhow::anyhow!("import already finished"))?;
        let import_id = self.import_id;
        let sql = self.sqlite_insert.clone();
        let new_in_import = self.new_in_import.clone();
        let seen = self.seen.clone();
        self.pending = Some(tokio::spawn(async move {
            let merged = merge_chunk(
                &mut tx,
                buf,
                &locations,
                import_id,
                &sql,
                &new_in_import,
                &seen,
            )
            .await;
            (tx, merged)
        }));
        Ok(())
    }

    /// Waits for the chunk being merged, if any, and takes in its outcome.
    async fn settle(&mut self) -> anyhow::Result<()> {
        let Some(task) = self.pending.take() else {
            return Ok(());
        };
        let waited = Instant::now();
        let (tx, merged) = task
            .await
            .map_err(|e| anyhow::anyhow!("the import's merge task failed: {e}"))?;
        self.timings.wait += waited.elapsed();
        self.tx = Some(tx);
        let m = merged?;
        self.timings.sort += m.sort;
        self.timings.stage += m.stage;
        self.timings.merge += m.merge;
        if m.errors.is_empty() {
            self.summary.updated += m.updated;
            self.summary.inserted += m.affected.saturating_sub(m.updated);
            self.summary.unchanged += m.rows.saturating_sub(m.affected);
        } else {
            self.reject_all(m.errors);
        }
        Ok(())
    }

    /// Records errors found in a chunk, in the order of the rows.
    fn reject_all(&mut self, mut errors: Vec<(i64, ImportError)>) {
        errors.sort_by_key(|e| e.0);
        for (_, e) in errors {
            self.rejected.push(e);
        }
    }

    /// Commits the import, or rolls it back when any row was bad; records the outcome in
    /// the `imports` row with one audit entry either way.
    pub async fn finish(mut self) -> anyhow::Result<Summary> {
        self.flush().await?;
        self.settle().await?;
        let now = Utc::now();
        let mut s = std::mem::take(&mut self.summary);
        let mut tx = self
            .tx
            .take()
            .ok_or_else(|| anyhow::anyhow!("import already finished"))?;
        restore_cache(&mut tx, self.sqlite_cache).await?;
        if std::env::var_os("TUULI_IMPORT_TIMINGS").is_some() {
            let t = &self.timings;
            eprintln!(
                "import timings: {:.2}s in all, of which reading waited {:.2}s for the merge task; \
                 the task sorted {:.2}s, staged or copied {:.2}s, merged {:.2}s",
                t.started.elapsed().as_secs_f64(),
                t.wait.as_secs_f64(),
                t.sort.as_secs_f64(),
                t.stage.as_secs_f64(),
                t.merge.as_secs_f64()
            );
        }
        if self.rejected.is_empty() {
            s.status = "done";
            let after = serde_json::to_value(&s)?;
            with_tx!(tx, mut t => {
                if matches!(self.db, Db::Sqlite(_)) {
                    sqlx::query("DROP TABLE IF EXISTS temp.import_stage").execute(&mut *t).await?;
                }
                sqlx::query(
                    "UPDATE imports SET status = 'done', rows_read = $1, inserted = $2, updated = $3, unchanged = $4, \
                     rejected = 0, skipped = $5, finished_at = $6 WHERE id = $7",
                )
                .bind(to_i64(s.rows_read)).bind(to_i64(s.inserted)).bind(to_i64(s.updated)).bind(to_i64(s.unchanged))
                .bind(to_i64(s.skipped)).bind(now).bind(s.import_id)
                .execute(&mut *t).await?;
                crate::audit!(&mut *t, &self.meta.actor, "create", "import", s.import_id, None, Some(after))?;
                t.commit().await?;
            });
        } else {
            with_tx!(tx, t => t.rollback().await?);
            s.status = "failed";
            s.rejected = self.rejected.errors.len() as u64 + self.rejected.more;
            s.inserted = 0;
            s.updated = 0;
            s.unchanged = 0;
            s.errors = std::mem::take(&mut self.rejected);
            fail(&self.db, &self.meta.actor, &s, now).await?;
        }
        Ok(s)
    }

    /// Gives up (an I/O or database error, not a bad row): rolls back and records the
    /// import as failed with `reason` (a message key).
    pub async fn abort(mut self, reason: &str) -> anyhow::Result<Summary> {
        if let Some(task) = self.pending.take()
            && let Ok((tx, _)) = task.await
        {
            self.tx = Some(tx);
        }
        if let Some(mut tx) = self.tx.take() {
            restore_cache(&mut tx, self.sqlite_cache).await?;
            with_tx!(tx, t => t.rollback().await?);
        }
        let mut s = std::mem::take(&mut self.summary);
        s.status = "failed";
        s.inserted = 0;
        s.updated = 0;
        s.unchanged = 0;
        let mut r = std::mem::take(&mut self.rejected);
        r.push(ImportError::file(
            "import-error-aborted",
            &[("reason", reason)],
        ));
        s.rejected = r.errors.len() as u64 + r.more;
        s.errors = r;
        fail(&self.db, &self.meta.actor, &s, Utc::now()).await?;
        Ok(s)
    }
}

async fn fail(db: &Db, actor: &Actor, s: &Summary, now: DateTime<Utc>) -> anyhow::Result<()> {
    let message = message_text(s);
    let after = serde_json::to_value(s)?;
    with_db!(db, p => {
        let mut t = crate::db::begin_write(p).await?;
        sqlx::query(
            "UPDATE imports SET status = $1, rows_read = $2, inserted = 0, updated = 0, unchanged = 0, rejected = $3, \
             skipped = $4, message = $5, finished_at = $6 WHERE id = $7",
        )
        .bind(s.status).bind(to_i64(s.rows_read)).bind(to_i64(s.rejected)).bind(to_i64(s.skipped)).bind(&message)
        .bind(now).bind(s.import_id)
        .execute(&mut *t).await?;
        crate::audit!(&mut *t, actor, "create", "import", s.import_id, None, Some(after))?;
        t.commit().await?;
    });
    Ok(())
}

/// Gives an SQLite connection its own page cache size back (it returns to the pool).
async fn restore_cache(tx: &mut Tx, cache: Option<i64>) -> anyhow::Result<()> {
    if let (Tx::Sqlite(t), Some(cache)) = (tx, cache) {
        sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = {cache}")))
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
