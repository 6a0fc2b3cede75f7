//! The keys an import has merged in its earlier chunks, so that a row of a later chunk
//! that repeats one is known as a repeat (see [`super::engine`]): a repeat that
//! disagrees is a duplicate even when the earlier row left the stored value as it was
//! (and so left no mark of this import in the store).
//!
//! Compact, since an import may hold millions of keys: one entry per (area, indicator)
//! with a bit per year and sex in a window of [`WINDOW`] years around the first year
//! seen, and a set of its own for a year outside the window: 56 bytes per area ×
//! indicator, so 13 million values over 175,000 areas × indicators take about 15 MB
//! (262,144 buckets of 57 bytes).

use std::collections::{HashMap, HashSet};

/// Years per window (3 sexes each: 192 bits).
const WINDOW: u16 = 64;
/// Years before the first year seen that the window covers.
const BEFORE: u16 = 24;

/// One area × indicator's years and sexes seen.
#[derive(Debug, Default)]
pub struct Years {
    /// The window's first year (set by the first year seen).
    first: Option<u16>,
    bits: [u64; 3],
    /// Years and sexes outside the window. Boxed: rarely there, and a `HashSet` inline
    /// would make every pair's entry 48 bytes larger.
    #[allow(clippy::box_collection)]
    outside: Option<Box<HashSet<(u16, u8)>>>,
}

impl Years {
    /// Marks a year and sex as seen; true if it was seen before.
    pub fn insert(&mut self, year: u16, sex: u8) -> bool {
        let first = *self.first.get_or_insert(year.saturating_sub(BEFORE));
        let offset = year.checked_sub(first).filter(|o| *o < WINDOW);
        match offset {
            Some(offset) if sex <= 2 => {
                let n = usize::from(offset) * 3 + usize::from(sex);
                let (word, mask) = (n / 64, 1u64 << (n % 64));
                let before = self.bits[word] & mask != 0;
                self.bits[word] |= mask;
                before
            }
            _ => !self.outside.get_or_insert_default().insert((year, sex)),
        }
    }
}

/// The keys (area, indicator, year, sex) seen so far.
#[derive(Debug, Default)]
pub struct SeenKeys {
    pairs: HashMap<(i64, i64), Years>,
}

impl SeenKeys {
    /// One area × indicator's years and sexes (look it up once for a run of rows).
    pub fn pair(&mut self, area: i64, indicator: i64) -> &mut Years {
        self.pairs.entry((area, indicator)).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::SeenKeys;

    #[test]
    fn a_key_is_new_once_and_seen_after() {
        let mut s = SeenKeys::default();
        assert!(!s.pair(1, 2).insert(2020, 0));
        assert!(s.pair(1, 2).insert(2020, 0));
        // Every other part of the key makes another key.
        assert!(!s.pair(1, 2).insert(2020, 1));
        assert!(!s.pair(1, 2).insert(2020, 2));
        assert!(!s.pair(1, 2).insert(2021, 0));
        assert!(!s.pair(2, 2).insert(2020, 0));
        assert!(!s.pair(1, 3).insert(2020, 0));
        assert!(s.pair(1, 2).insert(2020, 2));
    }

    #[test]
    fn years_far_from_the_first_are_kept_too() {
        let mut s = SeenKeys::default();
        assert!(!s.pair(7, 9).insert(2015, 0));
        for year in [1900, 1990, 1991, 2038, 2039, 2040, 2100] {
            for sex in 0..3 {
                assert!(!s.pair(7, 9).insert(year, sex), "{year} {sex}");
                assert!(s.pair(7, 9).insert(year, sex), "{year} {sex}");
            }
        }
        // Every year of the range, each sex, once new and once seen.
        let mut all = SeenKeys::default();
        for year in 1900..=2100 {
            for sex in 0..3 {
                assert!(!all.pair(1, 1).insert(year, sex), "{year} {sex}");
            }
        }
        for year in 1900..=2100 {
            for sex in 0..3 {
                assert!(all.pair(1, 1).insert(year, sex), "{year} {sex}");
            }
        }
    }
}
