//! Small numbers (STATISTICS.md, "Small numbers" and "Where the count is missing"):
//! suppression below a threshold, values without a count (no interval, no judgement), and
//! pooling several years for small areas.

use crate::compare::{Benchmark, Comparison, Polarity, compare};
use crate::error::check_amount;
use crate::{Estimate, Level, Multiplier, Proportion, Rate, StatsError};

/// What a suppressed value is shown as.
pub const SUPPRESSED_MARK: &str = "..";

/// The default threshold: counts below 5 are suppressed.
pub const DEFAULT_THRESHOLD: u32 = 5;

/// The suppression rule: a value (and every comparison built on it) is suppressed when its
/// count is below `threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmallNumbers {
    threshold: u32,
}

impl Default for SmallNumbers {
    fn default() -> Self {
        SmallNumbers {
            threshold: DEFAULT_THRESHOLD,
        }
    }
}

impl SmallNumbers {
    /// A rule with another threshold (0 suppresses nothing).
    pub fn new(threshold: u32) -> Self {
        SmallNumbers { threshold }
    }

    /// The threshold.
    pub fn threshold(self) -> u32 {
        self.threshold
    }

    /// True when a value built on `count` must not be shown.
    pub fn suppresses(self, count: f64) -> bool {
        count < f64::from(self.threshold)
    }

    /// Reports a proportion at `level`, scaled by `m` (e.g. percent), or suppresses it.
    pub fn proportion(self, p: &Proportion, level: Level, m: Multiplier) -> Shown {
        if self.suppresses(p.count()) {
            Shown::Suppressed {
                threshold: self.threshold,
            }
        } else {
            Shown::WithInterval(p.estimate(level, m))
        }
    }

    /// Reports a rate at `level` per `m`, or suppresses it.
    pub fn rate(self, r: &Rate, level: Level, m: Multiplier) -> Shown {
        if self.suppresses(r.count()) {
            Shown::Suppressed {
                threshold: self.threshold,
            }
        } else {
            Shown::WithInterval(r.estimate(level, m))
        }
    }
}

/// What may be shown for one area's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    /// A value with its interval: it may be compared.
    WithInterval(Estimate),
    /// A value given without its count (e.g. Sotkanet without `absValue`): shown, but with
    /// no interval and no significance.
    WithoutCount(f64),
    /// Built on fewer cases than the threshold: shown as [`SUPPRESSED_MARK`], with the reason.
    Suppressed {
        /// The threshold the count fell below.
        threshold: u32,
    },
}

/// Why no comparison was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCompared {
    /// The value came without a count, so it has no interval.
    NoCount,
    /// The value is suppressed (count below the threshold).
    Suppressed {
        /// The threshold the count fell below.
        threshold: u32,
    },
}

impl Shown {
    /// A value without a count: no interval can be given.
    pub fn without_count(value: f64) -> Result<Self, StatsError> {
        if value.is_finite() {
            Ok(Shown::WithoutCount(value))
        } else {
            Err(StatsError::NotFinite("value"))
        }
    }

    /// Compares with a benchmark when there is an interval; otherwise says why not.
    pub fn compare(
        &self,
        benchmark: Benchmark,
        polarity: Option<Polarity>,
    ) -> Result<Comparison, NotCompared> {
        match self {
            Shown::WithInterval(e) => Ok(compare(&e.interval, benchmark, polarity)),
            Shown::WithoutCount(_) => Err(NotCompared::NoCount),
            Shown::Suppressed { threshold } => Err(NotCompared::Suppressed {
                threshold: *threshold,
            }),
        }
    }
}

/// Derives a denominator from a value and its count, n = O / (value / m), when a source
/// gives both but no denominator. Fails for a zero or impossible value.
pub fn derive_denominator(count: f64, value: f64, m: Multiplier) -> Result<f64, StatsError> {
    let count = check_amount(count, "count")?;
    let value = check_amount(value, "value")?;
    if value == 0.0 {
        return Err(StatsError::ZeroDenominator);
    }
    check_amount(count / (value / m.get()), "denominator")
}

/// A value pooled over several years, which must always be labelled as pooled with them.
#[derive(Debug, Clone, PartialEq)]
pub struct Pooled<T> {
    /// The pooled value: sum of counts over sum of denominators.
    pub value: T,
    /// The years pooled, ascending.
    pub years: Vec<i32>,
}

fn pooled_sums<T>(
    points: &[(i32, T)],
    parts: impl Fn(&T) -> (f64, f64),
) -> Result<(f64, f64, Vec<i32>), StatsError> {
    if points.is_empty() {
        return Err(StatsError::Empty);
    }
    let mut years: Vec<i32> = points.iter().map(|(y, _)| *y).collect();
    years.sort_unstable();
    if let Some(w) = years.windows(2).find(|w| w[0] == w[1]) {
        return Err(StatsError::DuplicateYear(w[0]));
    }
    let (o, n) = points.iter().fold((0.0, 0.0), |(o, n), (_, t)| {
        let (a, b) = parts(t);
        (o + a, n + b)
    });
    Ok((o, n, years))
}

/// Pools proportions over years: ΣO / Σn.
pub fn pool_proportions(points: &[(i32, Proportion)]) -> Result<Pooled<Proportion>, StatsError> {
    let (o, n, years) = pooled_sums(points, |p| (p.count(), p.denominator()))?;
    Ok(Pooled {
        value: Proportion::new(o, n)?,
        years,
    })
}

/// Pools rates over years: ΣO / Σn (the denominators being person-years).
pub fn pool_rates(points: &[(i32, Rate)]) -> Result<Pooled<Rate>, StatsError> {
    let (o, n, years) = pooled_sums(points, |r| (r.count(), r.denominator()))?;
    Ok(Pooled {
        value: Rate::new(o, n)?,
        years,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Outcome;

    #[test]
    fn counts_below_five_are_suppressed_by_default_and_so_is_their_comparison() {
        let rule = SmallNumbers::default();
        let four = Proportion::new(4.0, 10.0).unwrap();
        let five = Proportion::new(5.0, 10.0).unwrap();
        let shown = rule.proportion(&four, Level::P95, Multiplier::PERCENT);
        assert_eq!(shown, Shown::Suppressed { threshold: 5 });
        let bench = Benchmark::new(90.0).unwrap();
        assert_eq!(
            shown.compare(bench, None),
            Err(NotCompared::Suppressed { threshold: 5 })
        );
        let shown = rule.proportion(&five, Level::P95, Multiplier::PERCENT);
        assert_eq!(
            shown.compare(bench, None).map(|c| c.outcome),
            Ok(Outcome::Lower)
        );
    }

    #[test]
    fn the_threshold_is_configurable() {
        let r = Rate::new(7.0, 1000.0).unwrap();
        assert!(matches!(
            SmallNumbers::new(10).rate(&r, Level::P95, Multiplier::PER_1000),
            Shown::Suppressed { threshold: 10 }
        ));
        assert!(matches!(
            SmallNumbers::new(0).rate(&r, Level::P95, Multiplier::PER_1000),
            Shown::WithInterval(_)
        ));
    }

    #[test]
    fn a_value_without_a_count_has_no_interval_and_no_judgement() {
        let shown = Shown::without_count(12.5).unwrap();
        let bench = Benchmark::new(0.0).unwrap();
        assert_eq!(
            shown.compare(bench, Some(Polarity::LowerIsBetter)),
            Err(NotCompared::NoCount)
        );
        assert!(Shown::without_count(f64::NAN).is_err());
    }

    #[test]
    fn a_denominator_is_derived_from_value_and_count() {
        // 12.5 % from 25 cases: n = 25 / 0.125 = 200.
        let n = derive_denominator(25.0, 12.5, Multiplier::PERCENT).unwrap();
        assert!((n - 200.0).abs() < 1e-9);
        assert!(derive_denominator(25.0, 0.0, Multiplier::PERCENT).is_err());
    }

    #[test]
    fn pooling_sums_counts_and_denominators_and_keeps_the_years() {
        let pts = [
            (2021, Proportion::new(2.0, 40.0).unwrap()),
            (2019, Proportion::new(3.0, 50.0).unwrap()),
            (2020, Proportion::new(1.0, 30.0).unwrap()),
        ];
        let pooled = pool_proportions(&pts).unwrap();
        assert_eq!(pooled.years, vec![2019, 2020, 2021]);
        assert_eq!(
            (pooled.value.count(), pooled.value.denominator()),
            (6.0, 120.0)
        );
        let dup = [pts[0], pts[0]];
        assert_eq!(pool_proportions(&dup), Err(StatsError::DuplicateYear(2021)));
        assert_eq!(pool_rates(&[]), Err(StatsError::Empty));
    }
}
