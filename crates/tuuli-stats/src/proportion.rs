//! Proportions and their Wilson score interval.

use crate::error::check_amount;
use crate::{Estimate, Interval, Level, Method, Multiplier, StatsError};

/// A count out of a denominator: `0 <= count <= denominator`, `denominator > 0`, both
/// finite and at most [`crate::MAX_INPUT`]. Counts need not be whole (pooled or
/// estimated counts are allowed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    count: f64,
    denominator: f64,
}

impl Proportion {
    /// Checks and builds a proportion; refuses negative, non-finite or too large input, a
    /// zero denominator and a count above its denominator.
    pub fn new(count: f64, denominator: f64) -> Result<Self, StatsError> {
        let count = check_amount(count, "count")?;
        let denominator = check_amount(denominator, "denominator")?;
        if denominator == 0.0 {
            return Err(StatsError::ZeroDenominator);
        }
        if count > denominator {
            return Err(StatsError::CountAboveDenominator);
        }
        Ok(Proportion { count, denominator })
    }

    /// The count O.
    pub fn count(&self) -> f64 {
        self.count
    }

    /// The denominator n.
    pub fn denominator(&self) -> f64 {
        self.denominator
    }

    /// O / n, a fraction in [0, 1].
    pub fn fraction(&self) -> f64 {
        self.count / self.denominator
    }

    /// Wilson score interval of the fraction (Wilson 1927; PHE "Commonly used public health
    /// statistics and their confidence intervals"; PHEindicatormethods `phe_proportion`):
    ///
    /// ```text
    /// lower = (2O + z² − z·√(z² + 4O(1 − O/n))) / (2(n + z²))
    /// upper = (2O + z² + z·√(z² + 4O(1 − O/n))) / (2(n + z²))
    /// ```
    ///
    /// Clamped to [0, 1] and to contain O/n, against rounding at O = 0 and O = n.
    pub fn wilson(&self, level: Level) -> Interval {
        let (o, n, z) = (self.count, self.denominator, level.z());
        let z2 = z * z;
        let root = z * (z2 + 4.0 * o * (1.0 - o / n)).max(0.0).sqrt();
        let denom = 2.0 * (n + z2);
        let p = self.fraction();
        Interval {
            lower: ((2.0 * o + z2 - root) / denom).clamp(0.0, p),
            upper: ((2.0 * o + z2 + root) / denom).clamp(p, 1.0),
            level,
            method: Method::Wilson,
        }
    }

    /// The value times `m` (e.g. percent) with its Wilson interval on the same scale.
    pub fn estimate(&self, level: Level, m: Multiplier) -> Estimate {
        Estimate {
            value: self.fraction() * m.get(),
            interval: self.wilson(level).scaled(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wilson(o: f64, n: f64, level: Level) -> Interval {
        Proportion::new(o, n).unwrap().wilson(level)
    }

    fn assert_limits(i: Interval, lower: f64, upper: f64) {
        assert!(
            (i.lower - lower).abs() < 1e-9,
            "lower {} vs {lower}",
            i.lower
        );
        assert!(
            (i.upper - upper).abs() < 1e-9,
            "upper {} vs {upper}",
            i.upper
        );
    }

    // Reference values: the Wilson formula of STATISTICS.md evaluated independently in
    // Python (standard library only) with z from statistics.NormalDist().inv_cdf:
    //   python3 -c "import statistics as s,math; z=s.NormalDist().inv_cdf(0.975);
    //   w=lambda o,n:((2*o+z*z-z*math.sqrt(z*z+4*o*(1-o/n)))/(2*(n+z*z)),
    //   (2*o+z*z+z*math.sqrt(z*z+4*o*(1-o/n)))/(2*(n+z*z))); print(w(1,10),w(5,50),w(0,20))"
    // (The 99.8 % ones likewise with inv_cdf(0.999).) Published values from
    // PHEindicatormethods' own test data are checked in tests/pheindicatormethods_reference.rs.
    #[test]
    fn wilson_95_matches_reference_values() {
        assert_limits(
            wilson(1.0, 10.0, Level::P95),
            0.017_876_213_095_072_94,
            0.404_150_026_795_238_37,
        );
        assert_limits(
            wilson(5.0, 50.0, Level::P95),
            0.043_475_764_931_890_44,
            0.213_602_314_374_796_54,
        );
        assert_limits(wilson(0.0, 20.0, Level::P95), 0.0, 0.161_125_158_052_819_32);
        assert_limits(wilson(20.0, 20.0, Level::P95), 0.838_874_841_947_180_8, 1.0);
    }

    #[test]
    fn wilson_998_matches_reference_values() {
        // Same Python expression with z = inv_cdf(0.999).
        assert_limits(
            wilson(1.0, 10.0, Level::P998),
            0.008_789_112_824_549_916,
            0.581_994_007_538_22,
        );
        assert_limits(
            wilson(5.0, 50.0, Level::P998),
            0.027_956_826_206_237_365,
            0.300_333_486_627_993_03,
        );
    }

    #[test]
    fn a_percentage_is_scaled_with_its_interval() {
        let e = Proportion::new(5.0, 50.0)
            .unwrap()
            .estimate(Level::P95, Multiplier::PERCENT);
        assert!((e.value - 10.0).abs() < 1e-12);
        assert!((e.interval.lower - 4.347_576_493_189_044).abs() < 1e-7);
    }

    #[test]
    fn impossible_proportions_are_refused() {
        assert_eq!(
            Proportion::new(11.0, 10.0),
            Err(StatsError::CountAboveDenominator)
        );
        assert_eq!(Proportion::new(0.0, 0.0), Err(StatsError::ZeroDenominator));
        assert_eq!(
            Proportion::new(-1.0, 10.0),
            Err(StatsError::Negative("count"))
        );
        assert_eq!(
            Proportion::new(f64::NAN, 10.0),
            Err(StatsError::NotFinite("count"))
        );
        assert_eq!(
            Proportion::new(1.0, f64::INFINITY),
            Err(StatsError::NotFinite("denominator"))
        );
        assert_eq!(
            Proportion::new(1.0, 1e300),
            Err(StatsError::TooLarge("denominator"))
        );
    }
}
