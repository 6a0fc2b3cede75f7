//! The import engine: [`Importer::start`] records the `imports` row and opens the
//! transaction, [`Importer::push`] takes parsed rows one at a time, [`Importer::finish`]
//! commits (or rolls back and records the failure). Memory holds one chunk of rows, the
//! areas and the catalogue's ids, never the file.
//!
//! Per chunk ([`CHUNK`] rows), in a task of its own while the next chunk is read: the
//! rows are sorted by the store's key and checked for duplicates in Rust (agreeing ones
//! are dropped, disagreeing ones are errors). On PostgreSQL the rows of indicators that
//! had no value before the import are `COPY`ed straight into `indicator_values` (in a
//! savepoint when the import's earlier chunks began the indicator: a repeated key rolls
//! it back and the chunk is compared instead). SQLite stages every row with multi-row
//! `INSERT`s of 4,000 rows (one prepared statement reused) into a temporary table and
//! inserts those of indicators without a stored value with one `INSERT … SELECT`. The
//! other rows are staged (PostgreSQL with one `COPY … FROM STDIN`) and merged set-based,
//! the same SQL on both: the earlier versions of changed values into
//! `indicator_value_revisions`, then `INSERT … ON CONFLICT DO UPDATE … WHERE changed`.
//! A row that repeats a key of an earlier chunk of the same import is marked as a repeat
//! ([`SeenKeys`] remembers the keys merged); with another value it is reported as a
//! duplicate, whether the earlier row changed the stored value or left it as it was.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Sqlite, Transaction};
use tokio::task::JoinHandle;

use crate::auth::Actor;
use crate::db::Db;
use crate::knowledge::import::sotkanet_meta::IndicatorMeta;
use crate::knowledge::import::{ImportError, Location, Rejected, Sex, Year};
use crate::with_db;

use super::catalogue::{Entry, UPSERT};
use super::seen::SeenKeys;

/// Rows staged and merged at a time.
pub const CHUNK: usize = 65_536;
/// Rows per multi-row `INSERT` into SQLite's staging table (9 parameters each, under
/// SQLite's limit of 32,766 parameters per statement).
const SQLITE_BATCH: usize = 3_600;
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

/// What an import is, for its `imports` row.
#[derive(Debug, Clone)]
pub struct ImportMeta {
    /// `sotkanet_api`, `sotkanet_dir`, `csv`, `xlsx`, `jsonstat`, `demo` or `bench`.
    pub kind: &'static str,
    /// The file name or URL.
    pub source_name: String,
    /// When the data was fetched from its source, if known.
    pub vintage: Option<DateTime<Utc>>,
    /// Demo or benchmark data.
    pub is_synthetic: bool,
    /// Who imports (a user, or the command line).
    pub actor: Actor,
    /// The job that runs it, if any.
    pub job_id: Option<i64>,
}

/// An area as a row names it.
#[derive(Debug, Clone, PartialEq)]
pub enum AreaRef {
    /// Sotkanet's region id.
    Sotkanet(u32),
    /// A code as a coordinator or Statistics Finland writes it: `KU398`, `398`, `MK07`,
    /// `SSS`, `sotkanet:177`.
    Code(String),
}

/// An indicator as a row names it.
#[derive(Debug, Clone, PartialEq)]
pub enum IndicatorRef {
    /// Sotkanet's indicator id.
    Sotkanet(u32),
    /// As written: `sotkanet:289`, `289` (Sotkanet), `local:xyz`, `statfin:…`.
    Text(String),
}

/// One parsed row, before it is placed on an area and an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct InRow {
    pub location: Location,
    pub indicator: IndicatorRef,
    pub area: AreaRef,
    pub year: Year,
    pub sex: Sex,
    pub value: Option<f64>,
    pub count: Option<f64>,
    pub denominator: Option<f64>,
}

/// The outcome of one import.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub import_id: i64,
    /// `done` or `failed`.
    pub status: &'static str,
    pub rows_read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Bad rows (all of them, also those beyond the listed ones).
    pub rejected: u64,
    /// Rows left out on purpose, not errors (see [`Importer::skip`]).
    pub skipped: u64,
    /// Catalogue entries created or refreshed from metadata.
    pub indicators_upserted: u64,
    /// The listed errors, as message keys with their arguments (location first).
    #[serde(skip)]
    pub errors: Rejected,
}

impl Summary {
    /// Each listed error as "location: reason" message keys, and the "… more" line.
    pub fn error_keys(&self) -> Vec<(Option<String>, String)> {
        let mut out: Vec<(Option<String>, String)> = self
            .errors
            .errors
            .iter()
            .map(|e| (e.location_key(), e.message_key()))
            .collect();
        if let Some(more) = self.errors.more_key() {
            out.push((None, more));
        }
        out
    }
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

#[derive(Debug, Clone, Copy, PartialEq)]
struct Staged {
    area_id: i64,
    indicator_id: i64,
    year: i32,
    sex: i32,
    value: Option<f64>,
    count: Option<f64>,
    denominator: Option<f64>,
    /// The row's ordinal in the import (1-based), its key in the staging table.
    ordinal: i64,
    /// Whether an earlier chunk of the import had the same key.
    repeat: bool,
}

enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

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

const STAGE_COLUMNS: &str =
    "area_id, indicator_id, year, sex, value, count, denominator, line, repeat";
const KEY_JOIN: &str = "v.area_id = s.area_id AND v.indicator_id = s.indicator_id AND v.year = s.year AND v.sex = s.sex";
const DIFFERS: &str = "(v.value IS DISTINCT FROM s.value OR v.count IS DISTINCT FROM s.count OR v.denominator IS DISTINCT FROM s.denominator)";

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
                let mut t = p.begin().await?;
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
            Db::Postgres(p) => {
                let mut t = p.begin().await?;
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

/// Per indicator seen by an import so far, whether it had no value before the import;
/// shared with the merge task (one chunk at a time, so never contended).
#[derive(Debug, Clone, Default)]
struct NewInImport(Arc<std::sync::Mutex<HashMap<i64, bool>>>);

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
struct Merged {
    /// Rows handed in (agreeing duplicates included).
    rows: u64,
    /// Values whose earlier version went to the revisions.
    updated: u64,
    /// Values inserted or updated.
    affected: u64,
    /// Duplicates found, with the row's ordinal.
    errors: Vec<(i64, ImportError)>,
    sort: Duration,
    stage: Duration,
    merge: Duration,
}

/// Stages and merges the rows held (nothing once an error was found): sorts them by
/// the key (so the store's B-trees are written in order), drops agreeing duplicates and
/// reports disagreeing ones, stages the rest and merges them set-based. When no value
/// of the chunk's indicators is stored yet (a first import) the comparison is skipped
/// and the rows are inserted as they are.
async fn merge_chunk(
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
        for r in &mut buf {
            let year = u16::try_from(r.year).unwrap_or(u16::MAX);
            let sex = u8::try_from(r.sex).unwrap_or(u8::MAX);
            r.repeat = seen.insert(r.area_id, r.indicator_id, year, sex);
            repeats += usize::from(r.repeat);
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

/// The `imports.message` text: one localisable line per error ("location key<TAB>reason key").
pub fn message_text(s: &Summary) -> String {
    s.error_keys()
        .into_iter()
        .map(|(loc, reason)| format!("{}\t{reason}", loc.unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn fail(db: &Db, actor: &Actor, s: &Summary, now: DateTime<Utc>) -> anyhow::Result<()> {
    let message = message_text(s);
    let after = serde_json::to_value(s)?;
    with_db!(db, p => {
        let mut t = p.begin().await?;
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
fn sqlite_insert(rows: usize) -> String {
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
