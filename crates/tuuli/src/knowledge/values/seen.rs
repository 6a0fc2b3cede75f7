//! The keys an import has merged in its earlier chunks, so that a row of a later chunk
//! that repeats one is known as a repeat (see [`super::engine`]): a repeat that
//! disagrees is a duplicate even when the earlier row left the stored value as it was
//! (and so left no mark of this import in the store).
//!
//! Compact, since an import may hold millions of keys: one entry per (area, indicator)
//! with a bit per year and sex in a window of [`WINDOW`] years around the first year
//! seen, and a plain set for the rare key outside its window: 48 bytes per area ×
//! indicator, so 13 million values over 175,000 areas × indicators take about 13 MB
//! (262,144 buckets of 49 bytes).

use std::collections::{HashMap, HashSet};

/// Years per window (3 sexes each: 192 bits).
const WINDOW: u16 = 64;
/// Years before the first year seen that the window covers.
const BEFORE: u16 = 24;

/// One (area, indicator)'s years and sexes seen.
#[derive(Debug, Clone, Copy)]
struct Years {
    first: u16,
    bits: [u64; 3],
}

impl Years {
    fn new(year: u16) -> Self {
        Self {
            first: year.saturating_sub(BEFORE),
            bits: [0; 3],
        }
    }

    /// The bit of a year and sex, if inside the window.
    fn bit(&self, year: u16, sex: u8) -> Option<(usize, u64)> {
        if sex > 2 {
            return None;
        }
        let offset = year.checked_sub(self.first).filter(|o| *o < WINDOW)?;
        let n = usize::from(offset) * 3 + usize::from(sex);
        Some((n / 64, 1u64 << (n % 64)))
    }
}

/// The keys (area, indicator, year, sex) seen so far.
#[derive(Debug, Default)]
pub struct SeenKeys {
    pairs: HashMap<(i64, i64), Years>,
    outside: HashSet<(i64, i64, u16, u8)>,
}

impl SeenKeys {
    /// Marks the key as seen; true if it was seen before.
    pub fn insert(&mut self, area: i64, indicator: i64, year: u16, sex: u8) -> bool {
        let years = self
            .pairs
            .entry((area, indicator))
            .or_insert_with(|| Years::new(year));
        match years.bit(year, sex) {
            Some((word, mask)) => {
                let before = years.bits[word] & mask != 0;
                years.bits[word] |= mask;
                before
            }
            None => !self.outside.insert((area, indicator, year, sex)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SeenKeys;

    #[test]
    fn a_key_is_new_once_and_seen_after() {
        let mut s = SeenKeys::default();
        assert!(!s.insert(1, 2, 2020, 0));
        assert!(s.insert(1, 2, 2020, 0));
        // Every other part of the key makes another key.
        assert!(!s.insert(1, 2, 2020, 1));
        assert!(!s.insert(1, 2, 2020, 2));
        assert!(!s.insert(1, 2, 2021, 0));
        assert!(!s.insert(2, 2, 2020, 0));
        assert!(!s.insert(1, 3, 2020, 0));
        assert!(s.insert(1, 2, 2020, 2));
    }

    #[test]
    fn years_far_from_the_first_are_kept_too() {
        let mut s = SeenKeys::default();
        assert!(!s.insert(7, 9, 2015, 0));
        for year in [1900, 1990, 1991, 2038, 2039, 2040, 2100] {
            for sex in 0..3 {
                assert!(!s.insert(7, 9, year, sex), "{year} {sex}");
                assert!(s.insert(7, 9, year, sex), "{year} {sex}");
            }
        }
        // Every year of the range, each sex, once new and once seen.
        let mut all = SeenKeys::default();
        for year in 1900..=2100 {
            for sex in 0..3 {
                assert!(!all.insert(1, 1, year, sex), "{year} {sex}");
            }
        }
        for year in 1900..=2100 {
            for sex in 0..3 {
                assert!(all.insert(1, 1, year, sex), "{year} {sex}");
            }
        }
    }
}
