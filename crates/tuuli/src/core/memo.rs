//! A small in-memory memo of expensive views keyed by what they were built from.
//!
//! A caller names an entry (`"profile:…"`) and a **stamp**: a value read cheaply from the
//! database that changes whenever anything the view depends on changes (for the
//! statistics, the last finished import and the versions of the catalogue, the sets and
//! the areas). An entry is served only while its stamp is current, so a change made by
//! any process shows on the next request; nothing is served stale by time. Per
//! application state (tests on different databases never mix), at most [`CAPACITY`]
//! entries (the oldest goes first), values shared as `Arc`s.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How many views are kept.
pub const CAPACITY: usize = 128;

type Entry = (i64, u64, Arc<dyn Any + Send + Sync>);

#[derive(Debug, Default)]
pub struct Memo {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    tick: u64,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo")
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl Memo {
    /// The value kept under `key` if it was built at `stamp`.
    pub fn get<T: Any + Send + Sync>(&self, key: &str, stamp: i64) -> Option<Arc<T>> {
        let mut inner = self.inner.lock().ok()?;
        inner.tick += 1;
        let tick = inner.tick;
        let entry = inner.entries.get_mut(key)?;
        if entry.0 != stamp {
            return None;
        }
        entry.1 = tick;
        entry.2.clone().downcast::<T>().ok()
    }

    /// Keeps `value` under `key`, built at `stamp` (the least recently used entry goes when
    /// full).
    pub fn put<T: Any + Send + Sync>(&self, key: String, stamp: i64, value: Arc<T>) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        inner.tick += 1;
        let tick = inner.tick;
        if inner.entries.len() >= CAPACITY
            && !inner.entries.contains_key(&key)
            && let Some(oldest) = inner
                .entries
                .iter()
                .min_by_key(|(_, e)| e.1)
                .map(|(k, _)| k.clone())
        {
            inner.entries.remove(&oldest);
        }
        inner.entries.insert(key, (stamp, tick, value));
    }

    /// Forgets everything.
    pub fn clear(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.entries.clear();
        }
    }
}

/// Phase timings of one request, printed to stderr when the environment variable
/// `TUULI_TIMING` is set (a debugging aid for the statistics views; no cost otherwise
/// beyond reading a clock).
pub struct Phases {
    name: &'static str,
    start: std::time::Instant,
    last: std::time::Instant,
    marks: Vec<(&'static str, u128)>,
}

fn timing_on() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("TUULI_TIMING").is_some())
}

impl Phases {
    /// Starts timing `name`.
    pub fn start(name: &'static str) -> Phases {
        let now = std::time::Instant::now();
        Phases {
            name,
            start: now,
            last: now,
            marks: Vec::new(),
        }
    }

    /// Ends a phase called `what`.
    pub fn mark(&mut self, what: &'static str) {
        if timing_on() {
            let now = std::time::Instant::now();
            self.marks.push((what, (now - self.last).as_micros()));
            self.last = now;
        }
    }
}

impl Drop for Phases {
    fn drop(&mut self) {
        if timing_on() {
            let parts: Vec<String> = self
                .marks
                .iter()
                .map(|(w, us)| format!("{w}={us}us"))
                .collect();
            eprintln!(
                "timing {} total={}us {}",
                self.name,
                self.start.elapsed().as_micros(),
                parts.join(" ")
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_served_only_at_its_stamp() {
        let m = Memo::default();
        m.put("a".into(), 1, Arc::new(7u32));
        assert_eq!(m.get::<u32>("a", 1).as_deref(), Some(&7));
        assert!(
            m.get::<u32>("a", 2).is_none(),
            "a newer stamp makes it stale"
        );
        assert!(m.get::<String>("a", 1).is_none(), "another type is not it");
        assert!(m.get::<u32>("b", 1).is_none());
    }

    #[test]
    fn the_least_recently_used_entry_goes_first_when_full() {
        let m = Memo::default();
        for i in 0..CAPACITY {
            m.put(format!("k{i}"), 0, Arc::new(i));
        }
        // k0 is used again, so k1 is now the oldest.
        assert!(m.get::<usize>("k0", 0).is_some());
        m.put("new".into(), 0, Arc::new(99usize));
        assert!(m.get::<usize>("k0", 0).is_some());
        assert!(m.get::<usize>("k1", 0).is_none());
        assert!(m.get::<usize>("new", 0).is_some());
    }
}
