//! The recent-trend test (STATISTICS.md, "Recent trend"; Fingertips' recent trends).
//!
//! A trend is marked only when there are at least five annual points with no gap among the
//! last five, the last five are used, the test exceeds the 99.8 % critical value of
//! chi-squared on one degree of freedom, and the direction stays the same when any one of the
//! five points is left out. It is a screening aid, and must be shown as such.

use crate::compare::Polarity;
use crate::{Level, Multiplier, Proportion, Rate};

/// The number of annual points used.
pub const POINTS: usize = 5;

/// The 99.8 % critical value of chi-squared on one degree of freedom, z² = 3.090232² ≈ 9.5495.
pub fn critical_value() -> f64 {
    let z = Level::P998.z();
    z * z
}

/// Which test was used (to be shown beside the result).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendTest {
    /// Chi-squared test for linear trend in proportions (Cochran–Armitage), on the counts
    /// and denominators.
    ChiSquaredForLinearTrend,
    /// Weighted least-squares regression of the rate on year, each point weighted by
    /// 1/SE², SE = (upper − lower)/3.92 from its 95 % interval.
    WeightedRegression,
}

/// Why a trend cannot be calculated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Fewer than five annual points.
    TooFewPoints {
        /// How many points there were.
        have: usize,
    },
    /// The last five points are not consecutive years; `after` is the year before the gap.
    Gap {
        /// The last year before the gap.
        after: i32,
    },
    /// A year appears twice.
    DuplicateYear(i32),
    /// One of the last five points has no count (or denominator).
    MissingCount(i32),
}

/// The result of the test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Significantly increasing, robust to leaving out any one point.
    Increasing,
    /// Significantly decreasing, robust to leaving out any one point.
    Decreasing,
    /// Not significant at 99.8 %, or the direction does not survive leaving out one point.
    NoSignificantChange,
    /// The test cannot be run, and why.
    CannotBeCalculated(Problem),
}

/// How an increase or decrease reads with a polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Moving in the good direction.
    GettingBetter,
    /// Moving in the bad direction.
    GettingWorse,
}

impl Direction {
    /// Increasing/decreasing read as getting better/worse under a polarity; `None` when
    /// there is no significant direction.
    pub fn reading(self, polarity: Polarity) -> Option<Reading> {
        match (self, polarity) {
            (Direction::Increasing, Polarity::HigherIsBetter)
            | (Direction::Decreasing, Polarity::LowerIsBetter) => Some(Reading::GettingBetter),
            (Direction::Increasing, Polarity::LowerIsBetter)
            | (Direction::Decreasing, Polarity::HigherIsBetter) => Some(Reading::GettingWorse),
            _ => None,
        }
    }
}

/// A trend result with the test, its statistic and the years used.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// The direction or why there is none.
    pub direction: Direction,
    /// The test used.
    pub test: TrendTest,
    /// The chi-squared statistic on one degree of freedom, when calculated.
    pub chi_squared: Option<f64>,
    /// The five years used (empty when the test could not be run).
    pub years: Vec<i32>,
}

/// One year's point: `None` when the value came without a count.
pub type Point<T> = (i32, Option<T>);

/// Chooses the last five points, or says why the test cannot be run.
fn last_five<T: Copy>(points: &[Point<T>]) -> Result<Vec<(i32, T)>, Problem> {
    let mut sorted = points.to_vec();
    sorted.sort_by_key(|(y, _)| *y);
    if let Some(w) = sorted.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Problem::DuplicateYear(w[0].0));
    }
    if sorted.len() < POINTS {
        return Err(Problem::TooFewPoints { have: sorted.len() });
    }
    let last = &sorted[sorted.len() - POINTS..];
    if let Some(w) = last.windows(2).find(|w| w[1].0 != w[0].0.saturating_add(1)) {
        return Err(Problem::Gap { after: w[0].0 });
    }
    last.iter()
        .map(|&(y, v)| v.map(|v| (y, v)).ok_or(Problem::MissingCount(y)))
        .collect()
}

/// A statistic on some points: chi-squared and the signed slope (or score), or `None` when
/// the data have no variation to test.
type Statistic<T> = fn(&[(i32, T)]) -> Option<(f64, f64)>;

fn run<T: Copy>(points: &[Point<T>], test: TrendTest, stat: Statistic<T>) -> Trend {
    let chosen = match last_five(points) {
        Ok(c) => c,
        Err(p) => {
            return Trend {
                direction: Direction::CannotBeCalculated(p),
                test,
                chi_squared: None,
                years: Vec::new(),
            };
        }
    };
    let years = chosen.iter().map(|(y, _)| *y).collect();
    let Some((chi2, slope)) = stat(&chosen) else {
        return Trend {
            direction: Direction::NoSignificantChange,
            test,
            chi_squared: Some(0.0),
            years,
        };
    };
    // The direction must hold with any one point left out.
    let robust = (0..POINTS).all(|leave| {
        let rest: Vec<(i32, T)> = (0..POINTS)
            .filter(|&i| i != leave)
            .map(|i| chosen[i])
            .collect();
        stat(&rest).is_some_and(|(_, s)| s.signum() == slope.signum() && s != 0.0)
    });
    let direction = if chi2 > critical_value() && robust && slope != 0.0 {
        if slope > 0.0 {
            Direction::Increasing
        } else {
            Direction::Decreasing
        }
    } else {
        Direction::NoSignificantChange
    };
    Trend {
        direction,
        test,
        chi_squared: Some(chi2),
        years,
    }
}

/// Recent trend of a proportion: the chi-squared test for linear trend (Armitage 1955;
/// Altman, *Practical Statistics for Medical Research*, 1991, §10.7.4), years as scores x:
///
/// ```text
/// N = Σn, R = ΣO, p̄ = R/N, x̄ = Σ n·x / N
/// U = Σ O·(x − x̄),  V = p̄(1 − p̄) · Σ n·(x − x̄)²,  χ² = U² / V   (1 d.f.)
/// ```
///
/// The sign of U is the direction.
pub fn proportion_trend(points: &[Point<Proportion>]) -> Trend {
    run(points, TrendTest::ChiSquaredForLinearTrend, armitage)
}

fn armitage(points: &[(i32, Proportion)]) -> Option<(f64, f64)> {
    let x0 = points.first()?.0;
    let xs = || points.iter().map(|(y, p)| (f64::from(y - x0), p));
    let n: f64 = xs().map(|(_, p)| p.denominator()).sum();
    let r: f64 = xs().map(|(_, p)| p.count()).sum();
    let pbar = r / n;
    let xbar = xs().map(|(x, p)| p.denominator() * x).sum::<f64>() / n;
    let u: f64 = xs().map(|(x, p)| p.count() * (x - xbar)).sum();
    let v = pbar
        * (1.0 - pbar)
        * xs()
            .map(|(x, p)| p.denominator() * (x - xbar).powi(2))
            .sum::<f64>();
    (v > 0.0 && v.is_finite()).then(|| (u * u / v, u))
}

/// Recent trend of a crude rate: weighted least squares of the rate O/n on year, weights
/// w = 1/SE², SE = (upper − lower)/3.92 from the rate's 95 % interval (Byar or exact):
///
/// ```text
/// x̄ = Σwx/Σw, ȳ = Σwy/Σw, Sxx = Σw(x − x̄)², b = Σw(x − x̄)(y − ȳ) / Sxx
/// Var(b) = 1/Sxx,  χ² = b² / Var(b) = b²·Sxx   (1 d.f.)
/// ```
///
/// The sign of b is the direction. The statistic does not depend on the rate's multiplier.
pub fn rate_trend(points: &[Point<Rate>]) -> Trend {
    run(points, TrendTest::WeightedRegression, weighted_regression)
}

fn weighted_regression(points: &[(i32, Rate)]) -> Option<(f64, f64)> {
    let x0 = points.first()?.0;
    let mut rows = Vec::with_capacity(points.len());
    for (y, r) in points {
        let se = r
            .estimate(Level::P95, Multiplier::ONE)
            .interval
            .standard_error();
        if se <= 0.0 || !se.is_finite() {
            return None;
        }
        rows.push((f64::from(y - x0), r.value(Multiplier::ONE), 1.0 / (se * se)));
    }
    let sw: f64 = rows.iter().map(|r| r.2).sum();
    let xbar = rows.iter().map(|r| r.2 * r.0).sum::<f64>() / sw;
    let ybar = rows.iter().map(|r| r.2 * r.1).sum::<f64>() / sw;
    let sxx: f64 = rows.iter().map(|r| r.2 * (r.0 - xbar).powi(2)).sum();
    let sxy: f64 = rows.iter().map(|r| r.2 * (r.0 - xbar) * (r.1 - ybar)).sum();
    let b = sxy / sxx;
    let chi2 = b * b * sxx;
    (sxx > 0.0 && chi2.is_finite()).then_some((chi2, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(counts: &[f64], n: f64) -> Vec<Point<Proportion>> {
        (2019..)
            .zip(counts)
            .map(|(y, &o)| (y, Some(Proportion::new(o, n).unwrap())))
            .collect()
    }

    fn rates(counts: &[f64], n: f64) -> Vec<Point<Rate>> {
        (2019..)
            .zip(counts)
            .map(|(y, &o)| (y, Some(Rate::new(o, n).unwrap())))
            .collect()
    }

    fn chi2(t: &Trend) -> f64 {
        t.chi_squared.unwrap()
    }

    // Reference statistics: the formulas in the docs above evaluated independently in Python
    // (standard library only; rates with Byar/exact 95 % limits from the finite Poisson sum).
    #[test]
    fn a_steady_rise_in_a_proportion_is_increasing() {
        let t = proportion_trend(&props(&[50.0, 60.0, 70.0, 80.0, 95.0], 1000.0));
        assert!((chi2(&t) - 18.344_729_301_535_8).abs() < 1e-9);
        assert_eq!(t.direction, Direction::Increasing);
        assert_eq!(t.test, TrendTest::ChiSquaredForLinearTrend);
        assert_eq!(t.years, vec![2019, 2020, 2021, 2022, 2023]);
        assert_eq!(
            t.direction.reading(Polarity::LowerIsBetter),
            Some(Reading::GettingWorse)
        );
    }

    #[test]
    fn a_single_jump_is_significant_but_not_a_trend() {
        // χ² = 32.72, but leaving out the last year leaves no slope at all (U = 0).
        let t = proportion_trend(&props(&[50.0, 50.0, 50.0, 50.0, 120.0], 1000.0));
        assert!((chi2(&t) - 32.719_017_094_017_1).abs() < 1e-9);
        assert_eq!(t.direction, Direction::NoSignificantChange);
    }

    #[test]
    fn noise_is_no_significant_change() {
        let t = proportion_trend(&props(&[50.0, 52.0, 49.0, 51.0, 50.0], 1000.0));
        assert!((chi2(&t) - 0.002_089_434_482_020_834).abs() < 1e-12);
        assert_eq!(t.direction, Direction::NoSignificantChange);
        let flat = proportion_trend(&props(&[0.0; 5], 100.0));
        assert_eq!(flat.direction, Direction::NoSignificantChange);
    }

    #[test]
    fn a_falling_rate_is_decreasing_by_weighted_regression() {
        let t = rate_trend(&rates(&[120.0, 100.0, 85.0, 70.0, 60.0], 20_000.0));
        assert!(
            (chi2(&t) - 23.744_105_814_180_19).abs() < 1e-6,
            "{}",
            chi2(&t)
        );
        assert_eq!(t.direction, Direction::Decreasing);
        assert_eq!(t.test, TrendTest::WeightedRegression);
        assert_eq!(
            t.direction.reading(Polarity::LowerIsBetter),
            Some(Reading::GettingBetter)
        );
        let small = rate_trend(&rates(&[3.0, 5.0, 2.0, 8.0, 4.0], 20_000.0));
        assert!((chi2(&small) - 0.237_962_355_477_894).abs() < 1e-6);
        assert_eq!(small.direction, Direction::NoSignificantChange);
    }

    #[test]
    fn only_the_last_five_points_count() {
        // An early gap does not matter; the last five are used.
        let mut pts = props(&[50.0, 60.0, 70.0, 80.0, 95.0], 1000.0);
        pts.insert(0, (2010, Some(Proportion::new(900.0, 1000.0).unwrap())));
        let t = proportion_trend(&pts);
        assert_eq!(t.years, vec![2019, 2020, 2021, 2022, 2023]);
        assert_eq!(t.direction, Direction::Increasing);
    }

    #[test]
    fn a_trend_cannot_be_calculated_without_five_consecutive_counted_years() {
        let four = props(&[1.0, 2.0, 3.0, 4.0], 10.0);
        assert_eq!(
            proportion_trend(&four).direction,
            Direction::CannotBeCalculated(Problem::TooFewPoints { have: 4 })
        );
        let mut gap = props(&[1.0, 2.0, 3.0, 4.0, 5.0], 10.0);
        gap[4].0 = 2024;
        assert_eq!(
            proportion_trend(&gap).direction,
            Direction::CannotBeCalculated(Problem::Gap { after: 2022 })
        );
        let mut missing = props(&[1.0, 2.0, 3.0, 4.0, 5.0], 10.0);
        missing[2].1 = None;
        assert_eq!(
            proportion_trend(&missing).direction,
            Direction::CannotBeCalculated(Problem::MissingCount(2021))
        );
        let mut dup = props(&[1.0, 2.0, 3.0, 4.0, 5.0], 10.0);
        dup[1].0 = 2019;
        assert_eq!(
            proportion_trend(&dup).direction,
            Direction::CannotBeCalculated(Problem::DuplicateYear(2019))
        );
    }

    #[test]
    fn the_critical_value_is_the_one_in_statistics_md() {
        assert!((critical_value() - 9.5495).abs() < 1e-4);
    }
}
