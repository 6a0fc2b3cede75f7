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
}

impl Filter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a condition whose `?` marks (in order) take `args`.
    pub fn push(&mut self, cond: &str, args: Vec<Arg>) {
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
        if self.searched && matches!(db, Db::Postgres(_)) {
            format!(
                "SELECT m.id FROM (SELECT {alias}.id, {alias}.name_key FROM {table} {alias}{cond} OFFSET 0) m ORDER BY m.name_key{dir}, m.id{dir}{paging}"
            )
        } else {
            format!(
                "SELECT {alias}.id FROM {table} {alias}{cond} ORDER BY {alias}.name_key{dir}, {alias}.id{dir}{paging}"
            )
        }
    }

    /// Starts the page at a keyset cursor: the rows after (or, `before`, before) the row
    /// whose name key and id are given, in `(name_key, id)` order — a seek in the name
    /// index instead of skipping OFFSET entries. A row value comparison, which both
    /// databases serve from a `(…, name_key, id)` index.
    pub fn keyset(&mut self, alias: &str, name_key: &str, id: i64, before: bool) {
        let op = if before { "<" } else { ">" };
        self.desc = before;
        self.push(
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
            self.push(
                &format!(
                    "+{alias}.id IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)"
                ),
                vec![Arg::Text(phrase)],
            );
        } else {
            self.push(
                &format!("{alias}.search_key LIKE ? ESCAPE '\\'"),
                vec![Arg::Text(super::like_pattern(&folded))],
            );
        }
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
