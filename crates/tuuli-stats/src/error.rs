//! The one error type: every impossible input becomes a `StatsError`, never a panic,
//! a NaN or an infinity.

use std::fmt;

/// Why a statistic could not be built from its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsError {
    /// A number was NaN or infinite.
    NotFinite(&'static str),
    /// A count, denominator or benchmark was negative.
    Negative(&'static str),
    /// A denominator was zero.
    ZeroDenominator,
    /// A proportion's count exceeded its denominator.
    CountAboveDenominator,
    /// A number was beyond the range where `f64` arithmetic stays exact enough
    /// (above [`crate::MAX_INPUT`]).
    TooLarge(&'static str),
    /// A proportion benchmark was outside [0, 1].
    BenchmarkOutOfRange,
    /// A multiplier was not a positive finite number of at most 10⁹.
    InvalidMultiplier,
    /// Nothing to work on (e.g. pooling no years).
    Empty,
    /// The same year appears twice.
    DuplicateYear(i32),
}

impl fmt::Display for StatsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFinite(what) => write!(f, "{what} is not a finite number"),
            Self::Negative(what) => write!(f, "{what} is negative"),
            Self::ZeroDenominator => write!(f, "the denominator is zero"),
            Self::CountAboveDenominator => write!(f, "the count is above the denominator"),
            Self::TooLarge(what) => write!(f, "{what} is too large"),
            Self::BenchmarkOutOfRange => write!(f, "a proportion benchmark must lie in [0, 1]"),
            Self::InvalidMultiplier => {
                write!(f, "the multiplier must be positive, finite and at most 1e9")
            }
            Self::Empty => write!(f, "no values were given"),
            Self::DuplicateYear(y) => write!(f, "the year {y} appears twice"),
        }
    }
}

impl std::error::Error for StatsError {}

/// Checks that `x` is finite, non-negative and at most [`crate::MAX_INPUT`].
pub(crate) fn check_amount(x: f64, what: &'static str) -> Result<f64, StatsError> {
    if !x.is_finite() {
        Err(StatsError::NotFinite(what))
    } else if x < 0.0 {
        Err(StatsError::Negative(what))
    } else if x > crate::MAX_INPUT {
        Err(StatsError::TooLarge(what))
    } else {
        Ok(x)
    }
}
