//! Comparing an area's interval with a benchmark value (STATISTICS.md, "Comparing an area
//! with a benchmark"; Fingertips' "compared with benchmark" colouring).

use crate::{Interval, Level, StatsError};

/// A benchmark: the region's or country's value, or a target, on the same scale as the
/// interval it is compared with (e.g. both percent). Finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Benchmark(f64);

impl Benchmark {
    /// Checks and builds a benchmark value.
    pub fn new(value: f64) -> Result<Self, StatsError> {
        if value.is_finite() {
            Ok(Benchmark(value))
        } else {
            Err(StatsError::NotFinite("benchmark"))
        }
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Which direction is good for an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Polarity {
    /// A higher value is better (e.g. vaccination coverage).
    HigherIsBetter,
    /// A lower value is better (e.g. smoking prevalence).
    LowerIsBetter,
}

/// The outcome of a comparison. With a polarity: Better / Similar / Worse; without one:
/// Higher / Similar / Lower.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Significantly better than the benchmark.
    Better,
    /// Not significantly different.
    Similar,
    /// Significantly worse than the benchmark.
    Worse,
    /// Significantly higher (no polarity).
    Higher,
    /// Significantly lower (no polarity).
    Lower,
}

/// A judgement and the level it was made at (to be shown beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Comparison {
    /// Better / Similar / Worse, or Higher / Similar / Lower.
    pub outcome: Outcome,
    /// The interval's level: 95 % or 99.8 %.
    pub level: Level,
}

/// Compares an area's interval with a benchmark: *significantly higher* when the lower
/// limit is above the benchmark, *significantly lower* when the upper limit is below it,
/// otherwise *similar*; a polarity turns higher/lower into better/worse. The level is the
/// interval's own: build the interval at 95 % or 99.8 % to choose it.
pub fn compare(area: &Interval, benchmark: Benchmark, polarity: Option<Polarity>) -> Comparison {
    let b = benchmark.get();
    let higher = area.lower > b;
    let lower = area.upper < b;
    let outcome =
        match (higher, lower, polarity) {
            (true, _, None) => Outcome::Higher,
            (_, true, None) => Outcome::Lower,
            (true, _, Some(Polarity::HigherIsBetter))
            | (_, true, Some(Polarity::LowerIsBetter)) => Outcome::Better,
            (true, _, Some(Polarity::LowerIsBetter))
            | (_, true, Some(Polarity::HigherIsBetter)) => Outcome::Worse,
            (false, false, _) => Outcome::Similar,
        };
    Comparison {
        outcome,
        level: area.level,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Multiplier, Proportion};

    fn pct(o: f64, n: f64, level: Level) -> Interval {
        Proportion::new(o, n)
            .unwrap()
            .estimate(level, Multiplier::PERCENT)
            .interval
    }

    fn b(x: f64) -> Benchmark {
        Benchmark::new(x).unwrap()
    }

    #[test]
    fn an_area_whose_interval_lies_above_the_benchmark_is_higher() {
        // 30/100 = 30 %, Wilson 95 % ≈ 21.9–39.6 %: 20 % lies below it.
        let i = pct(30.0, 100.0, Level::P95);
        assert_eq!(compare(&i, b(20.0), None).outcome, Outcome::Higher);
        assert_eq!(
            compare(&i, b(20.0), Some(Polarity::HigherIsBetter)).outcome,
            Outcome::Better
        );
        assert_eq!(
            compare(&i, b(20.0), Some(Polarity::LowerIsBetter)).outcome,
            Outcome::Worse
        );
        assert_eq!(
            compare(&i, b(45.0), Some(Polarity::LowerIsBetter)).outcome,
            Outcome::Better
        );
        assert_eq!(compare(&i, b(45.0), None).outcome, Outcome::Lower);
        assert_eq!(compare(&i, b(30.0), None).outcome, Outcome::Similar);
    }

    #[test]
    fn the_stricter_level_can_turn_a_difference_into_similar() {
        // 30/100: 95 % lower limit ≈ 21.9 %, 99.8 % lower limit ≈ 18.1 %; benchmark 20 %.
        let c95 = compare(&pct(30.0, 100.0, Level::P95), b(20.0), None);
        let c998 = compare(&pct(30.0, 100.0, Level::P998), b(20.0), None);
        assert_eq!((c95.outcome, c95.level), (Outcome::Higher, Level::P95));
        assert_eq!((c998.outcome, c998.level), (Outcome::Similar, Level::P998));
    }

    #[test]
    fn a_benchmark_on_the_limit_is_similar() {
        let i = pct(30.0, 100.0, Level::P95);
        assert_eq!(compare(&i, b(i.lower), None).outcome, Outcome::Similar);
        assert_eq!(compare(&i, b(i.upper), None).outcome, Outcome::Similar);
    }

    #[test]
    fn a_benchmark_must_be_finite() {
        assert!(Benchmark::new(f64::NAN).is_err());
        assert!(Benchmark::new(f64::NEG_INFINITY).is_err());
    }
}
