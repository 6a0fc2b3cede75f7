//! PostgreSQL: the names of organisations and people in memory, for their list searches.
//!
//! A search of a list whose matches are the whole list (a coordinator's people, every
//! organisation: [`super::filter::Filter::matches_are_the_list`]) needs its first page in
//! name order and its (capped) count. PostgreSQL answers both through its trigram index,
//! which is lossy: every candidate's row is read again to test the pattern, and a common
//! trigram ("nen" of Finnish surnames) makes a long posting list to intersect — with a
//! short walk of the name index before it, 1.7–2.1 ms of the database's time for each
//! search of the synthetic registry, most of what such a request costs. The same test on
//! the search keys held in memory, in name order, is a substring scan of a few megabytes
//! (`memchr::memmem`), stopping as soon as the page and the count cap are reached.
//!
//! The index is kept exact by a change counter (migration 0024: `name_index_changes`,
//! moved by statement triggers in the changing transaction). Every search reads the
//! counter first — one row by its key — and, when it has moved since the index was read,
//! reads the names again before answering, so a search sees every committed change, from
//! this server, another server or a `psql` session alike. SQLite keeps no such index: its
//! FTS5 searches run in the same process, and its memory target is tighter.

use std::sync::{Arc, RwLock};

use sqlx::PgPool;

/// The lists with a name index: the table, and the rows a search of it may find (every
/// row with a search key; of people those not erased — a tombstone's key is empty anyway).
const LISTS: [(&str, &str); 2] = [
    (
        "organisations",
        "SELECT id, name_key, search_key FROM organisations WHERE search_key <> '' ORDER BY name_key, id",
    ),
    (
        "people",
        "SELECT id, name_key, search_key FROM people WHERE erased = FALSE AND search_key <> '' ORDER BY name_key, id",
    ),
];

/// The name indexes of one database (one per list in [`LISTS`]), read when first needed.
#[derive(Default)]
pub struct NameIndexes {
    slots: [Slot; 2],
}

impl std::fmt::Debug for NameIndexes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NameIndexes")
    }
}

#[derive(Default)]
struct Slot {
    current: RwLock<Option<Arc<NameIndex>>>,
    /// Held while the names are read again, so that concurrent searches wait for one read
    /// instead of each reading the whole list.
    reading: tokio::sync::Mutex<()>,
}

impl NameIndexes {
    /// The index of `table`, as of the latest committed change (read again when the
    /// change counter has moved); `None` for a table without one.
    pub async fn current(
        &self,
        pool: &PgPool,
        table: &str,
    ) -> Result<Option<Arc<NameIndex>>, sqlx::Error> {
        let Some(at) = LISTS.iter().position(|(t, _)| *t == table) else {
            return Ok(None);
        };
        let slot = &self.slots[at];
        let changes = changes(pool, table).await?;
        if let Some(index) = slot.fresh(changes) {
            return Ok(Some(index));
        }
        let _reading = slot.reading.lock().await;
        // Another search may have read the names while this one waited.
        let changes = self::changes(pool, table).await?;
        if let Some(index) = slot.fresh(changes) {
            return Ok(Some(index));
        }
        let index = Arc::new(read(pool, table, LISTS[at].1).await?);
        *slot.current.write().unwrap_or_else(|e| e.into_inner()) = Some(index.clone());
        Ok(Some(index))
    }
}

impl Slot {
    fn fresh(&self, changes: i64) -> Option<Arc<NameIndex>> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current.as_ref().filter(|i| i.changes == changes).cloned()
    }
}

/// The change counter of `table`, read on a pool or in a transaction.
async fn changes<'e>(on: impl sqlx::PgExecutor<'e>, table: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT n FROM name_index_changes WHERE name = $1")
        .bind(table)
        .fetch_one(on)
        .await
}

/// Reads the counter and the names in one snapshot (a repeatable-read transaction), so
/// that the index is exactly the list as of the counter it records.
async fn read(pool: &PgPool, table: &str, sql: &'static str) -> Result<NameIndex, sqlx::Error> {
    use futures_util::TryStreamExt;
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *tx)
        .await?;
    let changes = changes(&mut *tx, table).await?;
    let mut index = NameIndex::new(changes);
    let mut rows = sqlx::query_as::<_, (i64, String, String)>(sql).fetch(&mut *tx);
    while let Some((id, name_key, search_key)) = rows.try_next().await? {
        index.push(id, &name_key, &search_key);
    }
    drop(rows);
    tx.commit().await?;
    index.shrink();
    Ok(index)
}

/// A list's rows in name order (`name_key`, then `id`, as `ORDER BY name_key, id` with
/// the keys' C collation sorts them): their ids, name keys and search keys, the keys in
/// two buffers (each search key followed by a NUL, which no key holds, so a pattern
/// never matches across two rows).
pub struct NameIndex {
    changes: i64,
    ids: Vec<i64>,
    names: String,
    name_ends: Vec<usize>,
    keys: String,
    key_starts: Vec<usize>,
}

/// Where a page starts: after or before the row with this name key and id (a keyset
/// cursor, [`super::filter::Filter::keyset`]), or at an offset into the matches.
#[derive(Clone, Copy, Debug)]
pub enum Start<'a> {
    Offset(usize),
    After(&'a str, i64),
    Before(&'a str, i64),
}

impl NameIndex {
    fn new(changes: i64) -> Self {
        NameIndex {
            changes,
            ids: Vec::new(),
            names: String::new(),
            name_ends: Vec::new(),
            keys: String::new(),
            key_starts: Vec::new(),
        }
    }

    fn push(&mut self, id: i64, name_key: &str, search_key: &str) {
        self.ids.push(id);
        self.names.push_str(name_key);
        self.name_ends.push(self.names.len());
        self.key_starts.push(self.keys.len());
        // A NUL cannot be stored in PostgreSQL text; dropped all the same, so that a
        // key can never run into the next one.
        self.keys.extend(search_key.chars().filter(|c| *c != '\0'));
        self.keys.push('\0');
    }

    fn shrink(&mut self) {
        self.ids.shrink_to_fit();
        self.names.shrink_to_fit();
        self.name_ends.shrink_to_fit();
        self.keys.shrink_to_fit();
        self.key_starts.shrink_to_fit();
    }

    /// The number of rows in the index.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the index has no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn name(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.name_ends[i - 1] };
        &self.names[start..self.name_ends[i]]
    }

    /// The number of rows before (`name_key`, `id`) in name order — with `inclusive`,
    /// of the rows at or before it.
    fn position(&self, name_key: &str, id: i64, inclusive: bool) -> usize {
        let (mut lo, mut hi) = (0, self.ids.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let row = (self.name(mid), self.ids[mid]);
            if row < (name_key, id) || (inclusive && row == (name_key, id)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The rows whose search key contains `text` (folded as the keys are): their number,
    /// up to `cap` + 1 when a cap is given (as a capped `COUNT(*)` says), and the ids of
    /// `take` of them from `from` — in name order, or after a `Before` cursor in reverse
    /// name order (the rows just before it, nearest first), as the list's SQL gives them.
    pub fn find(
        &self,
        text: &str,
        from: Start<'_>,
        take: usize,
        cap: Option<i64>,
    ) -> (i64, Vec<i64>) {
        if text.is_empty() || text.contains('\0') {
            return (0, Vec::new());
        }
        let finder = memchr::memmem::Finder::new(text.as_bytes());
        let bytes = self.keys.as_bytes();
        let limit = cap.map(|c| (c.max(0) as usize).saturating_add(1));
        let (skip, start, end) = match from {
            Start::Offset(n) => (n, 0, self.ids.len()),
            Start::After(key, id) => (0, self.position(key, id, true), self.ids.len()),
            Start::Before(key, id) => (0, 0, self.position(key, id, false)),
        };
        let mut count = 0usize;
        let mut page: Vec<i64> = Vec::new();
        // Before a cursor: the matches before it, of which the last `take` are the page.
        let mut before: std::collections::VecDeque<i64> = std::collections::VecDeque::new();
        let mut at = 0usize;
        while at < bytes.len() {
            let Some(hit) = finder.find(&bytes[at..]) else {
                break;
            };
            let row = self.key_starts.partition_point(|s| *s <= at + hit) - 1;
            count += 1;
            match from {
                Start::Offset(_) | Start::After(..) => {
                    if row >= start && count > skip && page.len() < take {
                        page.push(self.ids[row]);
                    }
                }
                Start::Before(..) => {
                    if row < end {
                        before.push_back(self.ids[row]);
                        if before.len() > take {
                            before.pop_front();
                        }
                    }
                }
            }
            let page_done = match from {
                Start::Before(..) => row + 1 >= end,
                _ => page.len() >= take,
            };
            if page_done && limit.is_some_and(|l| count >= l) {
                break;
            }
            at = self.key_starts.get(row + 1).map_or(bytes.len(), |s| *s);
        }
        if let Start::Before(..) = from {
            page = before.into_iter().rev().collect();
        }
        let count = limit.map_or(count, |l| count.min(l));
        (count as i64, page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of these rows (sorted here, as the database sorts them).
    fn index(rows: &[(i64, &str, &str)]) -> NameIndex {
        let mut rows = rows.to_vec();
        rows.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
        let mut index = NameIndex::new(0);
        for (id, name, key) in rows {
            index.push(id, name, key);
        }
        index
    }

    /// What the list's SQL answers: every match in name order, counted up to the cap,
    /// and the page from `from`.
    fn by_sql(
        rows: &[(i64, &str, &str)],
        text: &str,
        from: Start<'_>,
        take: usize,
        cap: Option<i64>,
    ) -> (i64, Vec<i64>) {
        let mut m: Vec<(&str, i64)> = rows
            .iter()
            .filter(|r| r.2.contains(text))
            .map(|r| (r.1, r.0))
            .collect();
        m.sort();
        let total = cap.map_or(m.len(), |c| m.len().min(c as usize + 1)) as i64;
        let page = match from {
            Start::Offset(n) => m.iter().skip(n).take(take).map(|r| r.1).collect(),
            Start::After(k, id) => m
                .iter()
                .filter(|r| **r > (k, id))
                .take(take)
                .map(|r| r.1)
                .collect(),
            Start::Before(k, id) => m
                .iter()
                .rev()
                .filter(|r| **r < (k, id))
                .take(take)
                .map(|r| r.1)
                .collect(),
        };
        (total, page)
    }

    #[test]
    fn a_page_and_its_count_are_what_the_lists_sql_gives() {
        // Names that share keys, matches twice in one key, non-ASCII letters, and keys
        // whose end and the next one's start would make a match across two rows.
        let names = [
            "äänekosken seura",
            "aino mäkinen",
            "mäkinen",
            "örjan holm",
            "anna",
            "anna",
            "zz mäki",
            "nen",
            "x",
        ];
        let keys = [
            "äänekosken seura",
            "aino mäkinen\nmäkinen@x",
            "mäkinen",
            "örjan holm\nörjan h",
            "anna",
            "ann",
            "zz mäki",
            "nen",
            "x",
        ];
        let mut rows: Vec<(i64, String, String)> = Vec::new();
        let mut seed = 7u64;
        for id in 1..=400 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = (seed >> 33) as usize % names.len();
            let k = (seed >> 17) as usize % keys.len();
            rows.push((id, names[n].to_owned(), keys[k].to_owned()));
        }
        let rows: Vec<(i64, &str, &str)> = rows
            .iter()
            .map(|(i, n, k)| (*i, n.as_str(), k.as_str()))
            .collect();
        let idx = index(&rows);
        assert_eq!(idx.len(), 400);
        for text in [
            "mäkinen", "ä", "nen", "örjan h", "anna", "nx", "n\nm", "\0", "ann", "x",
        ] {
            for cap in [None, Some(0), Some(5), Some(1000)] {
                for take in [1, 3, 21] {
                    let mut froms = vec![
                        Start::Offset(0),
                        Start::Offset(2),
                        Start::Offset(50),
                        Start::Offset(1000),
                    ];
                    for r in rows.iter().step_by(37) {
                        froms.push(Start::After(r.1, r.0));
                        froms.push(Start::Before(r.1, r.0));
                    }
                    froms.push(Start::After("", 0));
                    froms.push(Start::Before("zzzz", i64::MAX));
                    for from in froms {
                        let want = if text.contains('\0') {
                            (0, Vec::new())
                        } else {
                            by_sql(&rows, text, from, take, cap)
                        };
                        assert_eq!(
                            idx.find(text, from, take, cap),
                            want,
                            "{text:?} {from:?} take {take} cap {cap:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_pattern_never_matches_across_two_rows() {
        let idx = index(&[(1, "a", "abc"), (2, "b", "def")]);
        assert_eq!(idx.find("cd", Start::Offset(0), 10, None), (0, vec![]));
        assert_eq!(idx.find("c", Start::Offset(0), 10, None), (1, vec![1]));
        assert!(index(&[]).is_empty());
    }
}
