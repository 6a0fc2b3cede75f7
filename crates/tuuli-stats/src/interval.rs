//! Confidence levels, intervals and multipliers shared by every method.

use crate::StatsError;
use crate::special::normal_quantile;

/// The two confidence levels Fingertips uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// 95 %: z = 1.959964, α = 0.05.
    P95,
    /// 99.8 %: z = 3.090232, α = 0.002.
    P998,
}

impl Level {
    /// Both levels, narrower first.
    pub const ALL: [Level; 2] = [Level::P95, Level::P998];

    /// α, the two-sided error rate: 0.05 or 0.002.
    pub fn alpha(self) -> f64 {
        match self {
            Level::P95 => 0.05,
            Level::P998 => 0.002,
        }
    }

    /// z = Φ⁻¹(1 − α/2), computed by the crate's own normal quantile
    /// (1.959963984540054 and 3.090232306167813).
    pub fn z(self) -> f64 {
        normal_quantile(1.0 - self.alpha() / 2.0)
    }

    /// The level as a percentage for labels: 95.0 or 99.8.
    pub fn percent(self) -> f64 {
        match self {
            Level::P95 => 95.0,
            Level::P998 => 99.8,
        }
    }
}

/// Which method produced an interval (to be shown beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Wilson score interval for a proportion.
    Wilson,
    /// Byar's approximation to the Poisson interval (counts of 10 or more).
    Byar,
    /// Exact Poisson limits from the chi-squared distribution (counts below 10).
    ExactPoisson,
}

/// A confidence interval: `lower <= upper`, both finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower limit.
    pub lower: f64,
    /// Upper limit.
    pub upper: f64,
    /// The confidence level.
    pub level: Level,
    /// The method used.
    pub method: Method,
}

impl Interval {
    /// True when `x` lies in the closed interval.
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }

    /// The interval with both limits multiplied by `m`.
    pub fn scaled(self, m: Multiplier) -> Interval {
        Interval {
            lower: self.lower * m.get(),
            upper: self.upper * m.get(),
            ..self
        }
    }

    /// The standard error implied by a 95 % interval, (upper − lower) / 3.92, as the trend
    /// test of STATISTICS.md uses it.
    pub fn standard_error(&self) -> f64 {
        (self.upper - self.lower) / 3.92
    }
}

/// A value and its interval, on the same scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// Its interval.
    pub interval: Interval,
}

/// The scale of a proportion or rate: 100 for percent, 1,000, 10,000, 100,000 for rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Multiplier(f64);

impl Multiplier {
    /// No scaling (a fraction, or a rate per person).
    pub const ONE: Multiplier = Multiplier(1.0);
    /// Percent.
    pub const PERCENT: Multiplier = Multiplier(100.0);
    /// Per 1,000.
    pub const PER_1000: Multiplier = Multiplier(1_000.0);
    /// Per 10,000.
    pub const PER_10000: Multiplier = Multiplier(10_000.0);
    /// Per 100,000.
    pub const PER_100000: Multiplier = Multiplier(100_000.0);

    /// Any other multiplier: positive, finite, at most 10⁹.
    pub fn new(m: f64) -> Result<Self, StatsError> {
        if m.is_finite() && m > 0.0 && m <= 1e9 {
            Ok(Multiplier(m))
        } else {
            Err(StatsError::InvalidMultiplier)
        }
    }

    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }
}
