//! A list's WHERE clause built from the filters actually given, with numbered parameters.
//!
//! Writing only the conditions in use (rather than `($1 = '' OR col = $1)` for every
//! possible filter) lets each database pick the index that serves the query, and lets an
//! unfiltered `COUNT(*)` be answered from the smallest index. Conditions are our own SQL
//! with `?` where the value goes; values are always bound, never written into the text.

use chrono::NaiveDate;

use super::Db;
use super::keys::fold;

/// A bound value.
#[derive(Clone, Debug)]
pub enum Arg {
    Int(i64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
}

/// Conditions joined with AND, and their values in parameter order.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    conds: Vec<String>,
    pub args: Vec<Arg>,
    /// The FTS5 count of the search, when the search went through FTS5: `SELECT COUNT(*)`
    /// on the FTS table with the phrase bound as `$1`.
    fts_count: Option<(String, String)>,
    /// Whether a text search is among the conditions.
    searched: bool,
    /// A keyset page fetched backwards (from a `Before` cursor): the page's ids are read
    /// in descending order (the caller sorts the rows again).
    desc: bool,
    /// Where the text search is: its condition's index in `conds`, its value's index in
    /// `args`, and the folded text (see [`Self::walk_page_ids`]).
    search_at: Option<(usize, usize, String)>,
    /// Whether a condition other than the search, `erased = FALSE` and a keyset cursor is
    /// given (one the name-and-search index cannot test by itself).
    unindexed: bool,
    /// The caller's word that the search's matches are the whole list (no other condition
    /// can exclude a row they find; see [`Self::matches_are_the_list`]).
    matches_are_the_list: bool,
    /// The keyset cursor's name key and id, when [`Self::keyset`] gave one (the
    /// direction is `desc`).
    cursor: Option<(String, i64)>,
}

/// How many entries of the name index [`Filter::walk_page_ids`] reads at most before it
/// gives up and lets the search's own index find the page.
pub const WALK_ENTRIES: i64 = 2000;

/// SQLite: a search of at most this many matches that the short walk does not answer is
/// sorted from its FTS5 matches ([`Filter::sort_matches`]); more are found by walking the
/// whole name index. Measured on the synthetic registry (release build, CPU per request):
/// a match costs about 2 µs to read and sort, a walked index entry about 0.05 µs, so
/// sorting wins below roughly one match in 45 entries: 391 people "örjan h" among 50,000
/// (4.9 → 2.7 ms a request), but not 1,666 organisations "äänek" among 20,000 (2.5 → 5.2
/// ms). A registry's size is not known here; this bound keeps the larger case walking.
pub const SORTED_MATCHES: i64 = 500;

impl Filter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a condition whose `?` marks (in order) take `args`.
    pub fn push(&mut self, cond: &str, args: Vec<Arg>) {
        self.unindexed = true;
        self.push_indexed(cond, args);
    }

    /// [`Self::push`] for a condition on the columns of the table's name-and-search index
    /// (`erased = FALSE` of people), which a walk of that index tests without the row.
    pub fn push_indexed(&mut self, cond: &str, args: Vec<Arg>) {
        let mut out = String::with_capacity(cond.len() + 4);
        let mut args = args.into_iter();
        for c in cond.chars() {
            if c == '?' {
                let arg = args
                    .next()
                    .expect("a value for every ? in a filter condition");
                self.args.push(arg);
                out.push_str(&format!("${}", self.args.len()));
            } else {
                out.push(c);
            }
        }
        debug_assert!(args.next().is_none(), "more values than ? in {cond}");
        self.conds.push(out);
    }

    /// Says that every row the search finds belongs to the list (the search is the only
    /// condition that can exclude a row; `erased = FALSE` of people, whose tombstones
    /// have empty search keys, cannot), so that on SQLite [`Self::find_page`] may count
    /// the FTS5 matches and sort the page from them, and on PostgreSQL find the count and
    /// the page in the server's name index ([`super::names`]).
    pub fn matches_are_the_list(&mut self, yes: bool) {
        self.matches_are_the_list = yes;
    }

    /// How many conditions there are.
    pub fn len(&self) -> usize {
        self.conds.len()
    }

    /// Whether there are no conditions.
    pub fn is_empty(&self) -> bool {
        self.conds.is_empty()
    }

    /// SQL and phrase that count the rows the search finds straight from the FTS5 index,
    /// when the search used it. Equal to the filtered count only when the search is the
    /// only condition that can exclude a row (the caller knows).
    pub fn fts_count(&self) -> Option<(&str, &str)> {
        self.fts_count
            .as_ref()
            .map(|(sql, phrase)| (sql.as_str(), phrase.as_str()))
    }

    /// [`Self::fts_count`] stopping after `cap` + 1 matches.
    pub fn fts_count_capped(&self, cap: Option<i64>) -> Option<(String, &str)> {
        let (sql, phrase) = self.fts_count()?;
        Some(match cap {
            None => (sql.to_owned(), phrase),
            Some(cap) => (
                sql.replacen(
                    "SELECT COUNT(*) FROM",
                    "SELECT COUNT(*) FROM (SELECT 1 FROM",
                    1,
                ) + &format!(" LIMIT {}) c", cap + 1),
                phrase,
            ),
        })
    }

    /// `SELECT <alias>.id … ORDER BY <alias>.name_key, <alias>.id LIMIT …`: the ids of one
    /// page, in name order, for `WHERE id IN (…)`. Without a search, the name index serves
    /// the order. With one on PostgreSQL, the matches are found first (trigram index) and
    /// only they are sorted: given `ORDER BY … LIMIT`, the planner would otherwise walk the
    /// name index testing LIKE on every row until it had a page — tens of thousands of rows
    /// for a rare name late in the alphabet (`OFFSET 0` keeps the inner query apart).
    pub fn page_ids(&self, db: &Db, table: &str, alias: &str, paging: &str) -> String {
        let cond = self.sql();
        let dir = if self.desc { " DESC" } else { "" };
        if self.searched && matches!(db, Db::Postgres(..)) {
            format!(
                "SELECT m.id FROM (SELECT {alias}.id, {alias}.name_key FROM {table} {alias}{cond} OFFSET 0) m ORDER BY m.name_key{dir}, m.id{dir}{paging}"
            )
        } else {
            format!(
                "SELECT {alias}.id FROM {table} {alias}{cond} ORDER BY {alias}.name_key{dir}, {alias}.id{dir}{paging}"
            )
        }
    }

    /// The rows of the page, with its probe row, ordered by name: `select` is a list's
    /// `SELECT … FROM <table> <alias> [joins]` (without WHERE), and `ids` what
    /// [`Self::find_page`] answered. Its ids are read by `id = ANY($1)`
    /// ([`super::rows_by_ids`]); without them the page's ids and rows come in one statement
    /// restricted to [`Self::page_ids`] — on SQLite `id IN (…)`, on PostgreSQL
    /// `id = ANY(ARRAY(…))`, which PostgreSQL runs as the page's ids first and then an index
    /// lookup of each (as `id IN (…)` a page of 200 made it hash the whole table: 4.2 ms on
    /// 20,000 organisations, 0.9 ms by id), one round trip instead of two.
    pub async fn page_rows<T>(
        &self,
        db: &Db,
        select: &str,
        table: &str,
        alias: &str,
        paging: &crate::core::paging::Paging,
        ids: Option<Vec<i64>>,
    ) -> Result<Vec<T>, sqlx::Error>
    where
        T: super::AnyRow,
    {
        if let Some(ids) = ids {
            return super::rows_by_ids(db, select, alias, &ids).await;
        }
        let page = self.page_ids(db, table, alias, &paging.probe_sql());
        let restrict = match db {
            Db::Sqlite(_) => format!("{alias}.id IN ({page})"),
            Db::Postgres(..) => format!("{alias}.id = ANY(ARRAY({page}))"),
        };
        let sql = format!("{select} WHERE {restrict} ORDER BY {alias}.name_key, {alias}.id");
        crate::with_db!(db, p => crate::bind_filter!(sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())), self).fetch_all(p).await)
    }

    /// The page's ids (in the list's order, with the probe row: `paging.probe_sql()`) found
    /// by walking the name-and-search index (migration 0017: `(name_key, id, search_key)`,
    /// people `(erased, name_key, id, search_key)`) and testing the search on each entry
    /// without reading rows — when that is cheap and certain; `None` when the caller has
    /// to use [`Self::page_ids`] instead. `matches` is the search's (possibly capped) count.
    ///
    /// A search with many matches is found this way in a few hundred entries, where the
    /// search's own index (FTS5 or trigram) finds every match and sorts them all by name.
    /// The walk stops at the [`WALK_ENTRIES`]th entry in name order (a bound the same
    /// index finds by skipping entries), and its answer is used only when it holds the
    /// whole probe: then the page and the row after it are the first matches in name
    /// order, exactly what sorting every match would give. Otherwise — matches late in
    /// the alphabet, the last page — `None`; and the walk is not tried at all for few
    /// matches, a deep page by number, or a filter the index cannot test.
    pub async fn walk_page_ids(
        &self,
        db: &Db,
        table: &str,
        alias: &str,
        paging: &crate::core::paging::Paging,
        matches: i64,
    ) -> Result<Option<Vec<i64>>, sqlx::Error> {
        let Some((at_cond, at_arg, folded)) = &self.search_at else {
            return Ok(None);
        };
        let offset = if paging.cursor.is_some() {
            0
        } else {
            paging.offset()
        };
        let probe = paging.limit() + 1;
        // Fewer than one match in ten entries (of a registry of 20,000, at least 2,000
        // matches) is rarely found within the walk: the sorted matches are cheap enough.
        let needed = offset + probe;
        if !self.walkable(paging) || matches < 10 * needed {
            return Ok(None);
        }
        let mut args = self.args.clone();
        args[*at_arg] = Arg::Text(super::like_pattern(folded));
        let others: Vec<&str> = self
            .conds
            .iter()
            .enumerate()
            .filter(|(i, _)| i != at_cond)
            .map(|(_, c)| c.as_str())
            .collect();
        let (bound_where, and_others) = if others.is_empty() {
            (String::new(), String::new())
        } else {
            let others = others.join(" AND ");
            (format!(" WHERE {others}"), format!(" AND {others}"))
        };
        let (dir, cmp) = if self.desc {
            (" DESC", ">=")
        } else {
            ("", "<=")
        };
        let order = format!("{alias}.name_key{dir}, {alias}.id{dir}");
        // PostgreSQL: the walk tests the search on the index entries, never through the
        // trigram index; written on an expression that index does not hold, the LIKE
        // leaves the planner no trigram path to weigh, and after five executions it keeps
        // one generic plan instead of planning the statement again for every pattern
        // (0.25–0.35 ms of every search request, as long as its walk).
        let key = match db {
            Db::Postgres(..) => format!("({alias}.search_key || '')"),
            Db::Sqlite(_) => format!("{alias}.search_key"),
        };
        let sql = format!(
            "SELECT {alias}.id FROM {table} {alias} WHERE {key} LIKE ${} ESCAPE '\\'{and_others} \
             AND ({alias}.name_key, {alias}.id) {cmp} (SELECT {alias}.name_key, {alias}.id FROM {table} {alias}{bound_where} ORDER BY {order} LIMIT 1 OFFSET {}) \
             ORDER BY {order}{}",
            at_arg + 1,
            WALK_ENTRIES - 1,
            paging.probe_sql()
        );
        let walk = Filter {
            args,
            ..Filter::default()
        };
        let ids: Vec<i64> = crate::with_db!(db, p => crate::bind_filter!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())), walk).fetch_all(p).await)?;
        Ok((ids.len() as i64 == probe).then_some(ids))
    }

    /// Whether [`Self::walk_page_ids`] can find this page at all: a search is given, every
    /// other condition is one the name-and-search index holds, and the page (with its
    /// probe row) lies within the walk's first [`WALK_ENTRIES`] / 8 matches.
    fn walkable(&self, paging: &crate::core::paging::Paging) -> bool {
        let offset = if paging.cursor.is_some() {
            0
        } else {
            paging.offset()
        };
        self.search_at.is_some() && !self.unindexed && offset + paging.limit() < WALK_ENTRIES / 8
    }

    /// SQLite: lets the search's FTS5 matches drive the page query (`id IN (matches)`,
    /// then sorted by name) instead of walking the whole name index and testing every
    /// entry against them (`+id IN (matches)`). Used when the short walk of
    /// [`Self::walk_page_ids`] could have found the page but did not, or was not tried
    /// because the matches are few, and they are at most [`SORTED_MATCHES`]: then the
    /// full walk would read much of the index — 50,000 entries for 391 people named
    /// "örjan h", who sort after `z`. A no-op on PostgreSQL and without FTS5.
    fn sort_matches(&mut self) {
        if let Some((at, _, _)) = &self.search_at
            && self.fts_count.is_some()
            && let Some(cond) = self.conds.get_mut(*at)
            && cond.starts_with('+')
        {
            cond.remove(0);
        }
    }

    /// The total and the page's ids (with `paging`'s probe row) of a list whose rows
    /// `self` finds — `self` may carry a keyset cursor that `count` does not — choosing
    /// how to find the page:
    ///
    /// - on PostgreSQL, a search whose matches are the list: from the name index in
    ///   memory ([`Self::find_in_memory`]);
    /// - a search with many matches early in the name order: a short walk of the
    ///   name-and-search index ([`Self::walk_page_ids`]);
    /// - otherwise on PostgreSQL, a search: the matches are found once by the trigram
    ///   index, sorted, and counted in the same statement ([`Self::page_ids_counted`]), instead
    ///   of once for the count and once for the page. PostgreSQL tries the walk first
    ///   (at most [`WALK_ENTRIES`] index entries) instead of counting first;
    /// - otherwise on SQLite, a search of at most [`SORTED_MATCHES`] matches: sorted
    ///   from the FTS5 matches — from their ids, read once with the count, when the count
    ///   is capped and the matches are the list ([`Self::sqlite_matches`]); else by the
    ///   search again ([`Self::sort_matches`]);
    /// - otherwise the name index in order ([`Self::page_ids`]).
    ///
    /// `count` counts the list (exactly or capped, as the caller wants); it is not run
    /// when the page's statement counted the matches, nor for an unsearched page by number
    /// that lies past the count cap (`Paging::past_count_cap`): the total is then `None`,
    /// and [`total_of_page`] answers it from the page's rows. The answer is `None` for the
    /// ids when the caller should read its rows with [`Self::page_rows`] in one
    /// statement.
    pub async fn find_page<F, Fut>(
        &mut self,
        db: &Db,
        table: &str,
        alias: &str,
        paging: &crate::core::paging::Paging,
        count: F,
    ) -> Result<(Option<i64>, Option<Vec<i64>>), sqlx::Error>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<i64, sqlx::Error>>,
    {
        if let Db::Postgres(pool, names) = db
            && self.searched
        {
            if let Some(found) = self.find_in_memory(pool, names, table, paging).await? {
                return Ok(found);
            }
            if let Some(ids) = self
                .walk_page_ids(db, table, alias, paging, i64::MAX)
                .await?
            {
                return Ok((Some(count().await?), Some(ids)));
            }
            if paging.cursor.is_none() {
                let sql = self.page_ids_counted(table, alias, &paging.probe_sql());
                let (total, ids): (i64, Vec<i64>) =
                    crate::bind_filter!(sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())), self)
                        .fetch_one(pool)
                        .await?;
                return Ok((Some(total), Some(ids)));
            }
            return Ok((Some(count().await?), None));
        }
        if !self.searched && paging.past_count_cap() {
            return Ok((None, None));
        }
        if let Some(found) = self.sqlite_matches(db, table, paging).await? {
            return self.page_of_matches(db, table, alias, paging, found).await;
        }
        let total = count().await?;
        if let Some(ids) = self.walk_page_ids(db, table, alias, paging, total).await? {
            return Ok((Some(total), Some(ids)));
        }
        if self.walkable(paging) && total <= SORTED_MATCHES {
            self.sort_matches();
        }
        Ok((Some(total), None))
    }

    /// PostgreSQL, a search whose matches are the list ([`Self::matches_are_the_list`]):
    /// its count and page from the server's name index of `table`
    /// ([`super::names`], kept exact by a change counter read first) instead of a walk
    /// of the name index and a count through the trigram index. `None` for other
    /// searches and for a table without a name index.
    async fn find_in_memory(
        &self,
        pool: &sqlx::PgPool,
        names: &super::names::NameIndexes,
        table: &str,
        paging: &crate::core::paging::Paging,
    ) -> Result<Option<(Option<i64>, Option<Vec<i64>>)>, sqlx::Error> {
        use super::names::Start;
        let (true, Some((_, _, folded))) = (self.matches_are_the_list, &self.search_at) else {
            return Ok(None);
        };
        let Some(index) = names.current(pool, table).await? else {
            return Ok(None);
        };
        let from = match &self.cursor {
            Some((key, id)) if self.desc => Start::Before(key, *id),
            Some((key, id)) => Start::After(key, *id),
            None => Start::Offset(usize::try_from(paging.offset()).unwrap_or(usize::MAX)),
        };
        let take = usize::try_from(paging.limit() + 1).unwrap_or(0);
        let (total, ids) = index.find(folded, from, take, paging.count_cap);
        Ok(Some((Some(total), Some(ids))))
    }

    /// SQLite, a capped count of a search whose matches are the list
    /// ([`Self::matches_are_the_list`]): the ids of at most `cap` + 1 FTS5 matches, read
    /// in one statement as a JSON array — their number is the count, and when they are
    /// few ([`SORTED_MATCHES`]) the page is sorted from them
    /// ([`Self::page_of_matches`]) instead of running the search a second time (391
    /// people "örjan h": the search was two fifths of the request's SQL). `None` in
    /// every other case.
    async fn sqlite_matches(
        &self,
        db: &Db,
        table: &str,
        paging: &crate::core::paging::Paging,
    ) -> Result<Option<String>, sqlx::Error> {
        let (Db::Sqlite(pool), Some(cap), true, Some((_, phrase))) = (
            db,
            paging.count_cap,
            self.matches_are_the_list,
            &self.fts_count,
        ) else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT json_group_array(rowid) FROM (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH $1 LIMIT {})",
            cap + 1
        );
        let ids: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(phrase.clone())
            .fetch_one(pool)
            .await?;
        Ok(Some(ids))
    }

    /// [`Self::find_page`]'s SQLite answer from the matches of [`Self::sqlite_matches`]
    /// (`ids`, a JSON array): a short walk of the name index when the matches are many
    /// and early in the alphabet; at most [`SORTED_MATCHES`], the search's condition
    /// becomes `id IN` those ids (`json_each`), sorted by name in the page's statement;
    /// else the walk of the whole name index, as without them.
    async fn page_of_matches(
        &mut self,
        db: &Db,
        table: &str,
        alias: &str,
        paging: &crate::core::paging::Paging,
        ids: String,
    ) -> Result<(Option<i64>, Option<Vec<i64>>), sqlx::Error> {
        let total = serde_json::from_str::<Vec<i64>>(&ids)
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?
            .len() as i64;
        if let Some(page) = self.walk_page_ids(db, table, alias, paging, total).await? {
            return Ok((Some(total), Some(page)));
        }
        if self.walkable(paging)
            && total <= SORTED_MATCHES
            && let Some((at_cond, at_arg, _)) = &self.search_at
            && let Some(cond) = self.conds.get_mut(*at_cond)
        {
            *cond = format!(
                "{alias}.id IN (SELECT value FROM json_each(${}))",
                at_arg + 1
            );
            self.args[*at_arg] = Arg::Text(ids);
        }
        Ok((Some(total), None))
    }

    /// PostgreSQL: the number of a search's matches and [`Self::page_ids`] in one row
    /// (`SELECT COUNT(*), ARRAY(… ORDER BY … LIMIT …)`), the matches read once into a
    /// materialised CTE (on 1,666 matches 1.0 ms, where `COUNT(*) OVER ()` took 1.2 ms and
    /// a count and a page apart 0.6 + 0.8 ms). A page past the end still has its count.
    fn page_ids_counted(&self, table: &str, alias: &str, paging: &str) -> String {
        let cond = self.sql();
        format!(
            "WITH m AS MATERIALIZED (SELECT {alias}.id, {alias}.name_key FROM {table} {alias}{cond}) \
             SELECT (SELECT COUNT(*) FROM m), ARRAY(SELECT m.id FROM m ORDER BY m.name_key, m.id{paging})"
        )
    }

    /// Starts the page at a keyset cursor: the rows after (or, `before`, before) the row
    /// whose name key and id are given, in `(name_key, id)` order — a seek in the name
    /// index instead of skipping OFFSET entries. A row value comparison, which both
    /// databases serve from a `(…, name_key, id)` index.
    pub fn keyset(&mut self, alias: &str, name_key: &str, id: i64, before: bool) {
        let op = if before { "<" } else { ">" };
        self.desc = before;
        self.cursor = Some((name_key.to_owned(), id));
        self.push_indexed(
            &format!("({alias}.name_key, {alias}.id) {op} (?, ?)"),
            vec![Arg::Text(name_key.to_owned()), Arg::Int(id)],
        );
    }

    /// Applies `paging`'s cursor (if any) with [`Self::keyset`], reading the cursor row's
    /// name key from `table`. A cursor whose row is gone is dropped: the page is then
    /// found by its number (OFFSET).
    pub async fn apply_cursor(
        &mut self,
        db: &Db,
        table: &str,
        alias: &str,
        paging: &mut crate::core::paging::Paging,
    ) -> Result<(), sqlx::Error> {
        use crate::core::paging::Cursor;
        let Some(cursor) = paging.cursor else {
            return Ok(());
        };
        let (id, before) = match cursor {
            Cursor::After(id) => (id, false),
            Cursor::Before(id) => (id, true),
        };
        let sql = format!("SELECT name_key FROM {table} WHERE id = $1");
        let key: Option<String> = crate::with_db!(db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?;
        match key {
            Some(key) => self.keyset(alias, &key, id, before),
            None => paging.cursor = None,
        }
        Ok(())
    }

    /// `SELECT COUNT(*)` of the rows these conditions find, at most `cap` + 1 of them when
    /// a cap is given (so a count stops early instead of visiting every row).
    pub fn count_sql(&self, table: &str, alias: &str, cap: Option<i64>) -> String {
        let cond = self.sql();
        match cap {
            None => format!("SELECT COUNT(*) FROM {table} {alias}{cond}"),
            Some(cap) => format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {table} {alias}{cond} LIMIT {}) c",
                cap + 1
            ),
        }
    }

    /// ` WHERE a AND b`, or nothing without conditions.
    pub fn sql(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conds.join(" AND "))
        }
    }

    /// Adds a substring search of `text` (folded like the keys) in the `search_key` column
    /// of `alias` (a row of `table`). On SQLite, text of three or more characters goes
    /// through the table's FTS5 trigram index (`<table>_fts`); shorter text, and
    /// PostgreSQL (whose trigram GIN index serves LIKE itself), use `LIKE`.
    pub fn search(&mut self, db: &Db, table: &str, alias: &str, text: &str) {
        let folded = fold(text.trim());
        if folded.is_empty() {
            return;
        }
        self.searched = true;
        self.search_at = Some((self.conds.len(), self.args.len(), folded.clone()));
        if matches!(db, Db::Sqlite(_)) && folded.chars().count() >= 3 {
            // One FTS5 phrase: the text in double quotes (doubled inside) is matched
            // literally, as a substring of the trigram-indexed column.
            let phrase = format!("\"{}\"", folded.replace('"', "\"\""));
            self.fts_count = Some((
                format!("SELECT COUNT(*) FROM {table}_fts WHERE {table}_fts MATCH $1"),
                phrase.clone(),
            ));
            // `+` keeps SQLite from driving the query by the matches' ids (reading every
            // matching row to sort them by name): it walks the name index instead and
            // tests each entry against the matches, stopping when it has a page — for a
            // search of 2,000 matches about four times faster.
            self.push_indexed(
                &format!(
                    "+{alias}.id IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)"
                ),
                vec![Arg::Text(phrase)],
            );
        } else {
            self.push_indexed(
                &format!("{alias}.search_key LIKE ? ESCAPE '\\'"),
                vec![Arg::Text(super::like_pattern(&folded))],
            );
        }
    }
}

/// The total of a page whose count [`Filter::find_page`] left out (`None`): a page by
/// number past the count cap that has rows shows that the list is longer than the cap
/// (the page then says "more than" the cap, as the count would have); an empty one (past
/// the list's end) is counted. A deep page by number so skips reading up to the cap's
/// worth of index entries a second time.
pub async fn total_of_page<F, Fut>(
    total: Option<i64>,
    page_has_rows: bool,
    paging: &crate::core::paging::Paging,
    count: F,
) -> Result<i64, sqlx::Error>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<i64, sqlx::Error>>,
{
    match (total, paging.count_cap) {
        (Some(total), _) => Ok(total),
        (None, Some(cap)) if page_has_rows => Ok(cap + 1),
        (None, _) => count().await,
    }
}

/// Binds a [`Filter`]'s values to a query, in order, on either backend (use inside
/// `with_db!`, where the query's database type is known).
#[macro_export]
macro_rules! bind_filter {
    ($query:expr, $filter:expr) => {{
        let mut q = $query;
        for arg in &$filter.args {
            q = match arg {
                $crate::db::filter::Arg::Int(v) => q.bind(*v),
                $crate::db::filter::Arg::Text(v) => q.bind(v.clone()),
                $crate::db::filter::Arg::Bool(v) => q.bind(*v),
                $crate::db::filter::Arg::Date(v) => q.bind(*v),
            };
        }
        q
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_are_numbered_in_order_and_only_given_ones_appear() {
        let mut f = Filter::new();
        assert_eq!(f.sql(), "");
        f.push("o.org_type = ?", vec![Arg::Text("ngo".into())]);
        f.push("(o.a = ? OR o.b = ?)", vec![Arg::Int(1), Arg::Int(2)]);
        assert_eq!(f.sql(), " WHERE o.org_type = $1 AND (o.a = $2 OR o.b = $3)");
        assert_eq!(f.args.len(), 3);
    }
}
