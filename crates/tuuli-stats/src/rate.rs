//! Counts and crude rates: Byar's method, exact Poisson limits below 10.

use crate::error::check_amount;
use crate::special::{poisson_exact_lower, poisson_exact_upper};
use crate::{Estimate, Interval, Level, Method, Multiplier, StatsError};

/// Counts below this use exact Poisson limits; from it on, Byar's approximation
/// (STATISTICS.md, as in Fingertips and PHEindicatormethods `byars_lower`/`byars_upper`).
pub const EXACT_BELOW: f64 = 10.0;

/// An observed count O of events: finite, `0 <= O <= MAX_INPUT`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Count(f64);

impl Count {
    /// Checks and builds a count.
    pub fn new(count: f64) -> Result<Self, StatsError> {
        check_amount(count, "count").map(Count)
    }

    /// The count O.
    pub fn get(self) -> f64 {
        self.0
    }

    /// Interval for the expected count.
    ///
    /// For O ≥ 10, Byar's approximation (Breslow & Day 1987, vol. II; PHE guidance):
    ///
    /// ```text
    /// O_lower = O · (1 − 1/(9O) − z/(3√O))³
    /// O_upper = (O + 1) · (1 − 1/(9(O + 1)) + z/(3√(O + 1)))³
    /// ```
    ///
    /// For O < 10, the exact Poisson limits (Garwood 1936):
    /// O_lower = χ²(α/2; 2O)/2 (0 when O = 0) and O_upper = χ²(1 − α/2; 2O + 2)/2, computed as
    /// the roots of the Poisson tails through the regularised incomplete gamma function
    /// (χ²(q; 2k)/2 is the q-quantile of Gamma(k, 1)).
    pub fn interval(self, level: Level) -> Interval {
        let o = self.0;
        let tail = level.alpha() / 2.0;
        let (lower, upper, method) = if o < EXACT_BELOW {
            (
                poisson_exact_lower(o, tail),
                poisson_exact_upper(o, tail),
                Method::ExactPoisson,
            )
        } else {
            let z = level.z();
            (byar_lower(o, z), byar_upper(o, z), Method::Byar)
        };
        Interval {
            lower: lower.clamp(0.0, o),
            upper: upper.max(o),
            level,
            method,
        }
    }
}

/// Byar's lower limit, O · (1 − 1/(9O) − z/(3√O))³, for O > 0.
pub(crate) fn byar_lower(o: f64, z: f64) -> f64 {
    o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * o.sqrt())).powi(3)
}

/// Byar's upper limit, (O + 1) · (1 − 1/(9(O + 1)) + z/(3√(O + 1)))³.
pub(crate) fn byar_upper(o: f64, z: f64) -> f64 {
    let o1 = o + 1.0;
    o1 * (1.0 - 1.0 / (9.0 * o1) + z / (3.0 * o1.sqrt())).powi(3)
}

/// A crude rate: a count over a population (or person-years) denominator > 0.
/// The count may exceed the denominator (events can repeat).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    count: Count,
    denominator: f64,
}

impl Rate {
    /// Checks and builds a rate; refuses bad numbers and a zero denominator.
    pub fn new(count: f64, denominator: f64) -> Result<Self, StatsError> {
        let count = Count::new(count)?;
        let denominator = check_amount(denominator, "denominator")?;
        if denominator == 0.0 {
            return Err(StatsError::ZeroDenominator);
        }
        Ok(Rate { count, denominator })
    }

    /// The count O.
    pub fn count(&self) -> f64 {
        self.count.get()
    }

    /// The denominator n.
    pub fn denominator(&self) -> f64 {
        self.denominator
    }

    /// O / n · m, computed as O · (m / n), the same product as the interval's limits, so
    /// that rounding can never put the value outside its interval.
    pub fn value(&self, m: Multiplier) -> f64 {
        self.count() * (m.get() / self.denominator)
    }

    /// The rate with its interval: O_lower / n · m and O_upper / n · m, the count interval
    /// being Byar's or exact Poisson as in [`Count::interval`].
    pub fn estimate(&self, level: Level, m: Multiplier) -> Estimate {
        let i = self.count.interval(level);
        let scale = m.get() / self.denominator;
        Estimate {
            value: self.value(m),
            interval: Interval {
                lower: i.lower * scale,
                upper: i.upper * scale,
                ..i
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(o: f64, level: Level) -> Interval {
        Count::new(o).unwrap().interval(level)
    }

    fn assert_limits(i: Interval, lower: f64, upper: f64, tol: f64) {
        assert!(
            (i.lower - lower).abs() < tol,
            "lower {} vs {lower}",
            i.lower
        );
        assert!(
            (i.upper - upper).abs() < tol,
            "upper {} vs {upper}",
            i.upper
        );
    }

    // Exact Poisson references: computed in Python (standard library only) by bisection on
    // the finite Poisson sum P(X <= k | mu) = Σ e^-mu mu^j / j!, independent of the gamma
    // code here:
    //   cdf = lambda k, mu: sum(math.exp(-mu + j*math.log(mu) - math.lgamma(j+1)) for j in range(k+1))
    //   lower: bisect 1 - cdf(o-1, mu) = α/2 on [0, o];  upper: bisect cdf(o, mu) = α/2.
    // For 1 and 5 they equal the published values of PHEindicatormethods' test data (R's
    // qchisq; see tests/pheindicatormethods_reference.rs). At O = 10, where Byar takes over,
    // the exact limits would be 4.7954–18.3904.
    #[test]
    fn exact_poisson_limits_for_small_counts_at_95() {
        assert_limits(count(0.0, Level::P95), 0.0, 3.688_879_454_113_936, 1e-9);
        assert_limits(
            count(1.0, Level::P95),
            0.025_317_807_984_289_842,
            5.571_643_390_938_899,
            1e-9,
        );
        assert_limits(
            count(5.0, Level::P95),
            1.623_486_390_118_422_7,
            11.668_332_079_322_67,
            1e-9,
        );
        assert_eq!(count(5.0, Level::P95).method, Method::ExactPoisson);
    }

    #[test]
    fn exact_poisson_limits_for_small_counts_at_998() {
        assert_limits(count(0.0, Level::P998), 0.0, 6.907_755_278_982_137, 1e-9);
        assert_limits(
            count(1.0, Level::P998),
            0.001_000_500_333_583_479,
            9.233_413_476_451_585,
            1e-9,
        );
        assert_limits(
            count(5.0, Level::P998),
            0.739_371_731_917_830_6,
            16.454_745_203_680_105,
            1e-9,
        );
    }

    // Byar references: the Byar formula of STATISTICS.md evaluated in Python with z from
    // statistics.NormalDist().inv_cdf. 100 at 95 % gives 81.36–121.63; 10 gives
    // 4.787–18.391, close to the exact 4.795–18.390 (the approximation is good from 10 up).
    #[test]
    fn byar_limits_from_ten_upwards() {
        assert_limits(
            count(10.0, Level::P95),
            4.787_449_913_967_564,
            18.391_458_605_756_473,
            1e-9,
        );
        assert_limits(
            count(100.0, Level::P95),
            81.362_105_490_527_88,
            121.627_937_579_206_5,
            1e-9,
        );
        assert_limits(
            count(100.0, Level::P998),
            71.903_691_872_598_37,
            134.943_621_762_263_18,
            1e-9,
        );
        assert_eq!(count(10.0, Level::P95).method, Method::Byar);
    }

    #[test]
    fn a_rate_scales_its_count_interval() {
        let e = Rate::new(100.0, 50_000.0)
            .unwrap()
            .estimate(Level::P95, Multiplier::PER_100000);
        assert!((e.value - 200.0).abs() < 1e-9);
        assert!((e.interval.lower - 162.724_210_981_055_76).abs() < 1e-6);
        assert!((e.interval.upper - 243.255_875_158_413).abs() < 1e-6);
    }

    #[test]
    fn impossible_rates_are_refused() {
        assert_eq!(Rate::new(1.0, 0.0), Err(StatsError::ZeroDenominator));
        assert_eq!(Rate::new(-3.0, 10.0), Err(StatsError::Negative("count")));
        assert_eq!(
            Rate::new(f64::NAN, 10.0),
            Err(StatsError::NotFinite("count"))
        );
        assert!(Rate::new(20.0, 10.0).is_ok(), "events can outnumber people");
    }
}
