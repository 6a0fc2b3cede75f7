//! Pure public-health statistics for Tuuli, following the methods in `STATISTICS.md`
//! (Fingertips' technical guidance; PHEindicatormethods and PHStatsMethods as readable
//! references):
//!
//! - intervals: Wilson score for proportions ([`Proportion`]), Byar's method with exact
//!   Poisson limits below 10 for counts and rates ([`Count`], [`Rate`]), at 95 % or
//!   99.8 % ([`Level`]);
//! - [`compare()`]: an area against a benchmark, with or without a [`Polarity`];
//! - [`trend`]: the recent-trend test on the last five annual points;
//! - [`funnel`]: control limits around a benchmark;
//! - [`small`]: suppression of small numbers, values without counts, pooling of years.
//!
//! The crate is pure: no I/O, no database, no web, no dependencies. Bad input is a
//! [`StatsError`], never a panic; no NaN or infinity ever leaves the crate.
//!
//! One deliberate departure from `STATISTICS.md`: it suggests `statrs` for the chi-squared
//! quantile. We need only the regularised incomplete gamma function and a normal quantile,
//! which are short (`special.rs`, with formulas and sources), so the crate has no
//! dependencies; they reproduce PHEindicatormethods' published test values (made with R's
//! `qnorm`/`qchisq`) to 1e-9 relative, and scipy's `gammainc` for the funnel limits.

pub mod compare;
mod error;
pub mod funnel;
mod interval;
mod proportion;
mod rate;
pub mod small;
mod special;
pub mod trend;

pub use compare::{Benchmark, Comparison, Outcome, Polarity, compare};
pub use error::StatsError;
pub use interval::{Estimate, Interval, Level, Method, Multiplier};
pub use proportion::Proportion;
pub use rate::{Count, Rate};

/// The largest count or denominator accepted: 10¹⁵, below 2⁵³ so that whole counts stay
/// exact in `f64` and no formula can overflow.
pub const MAX_INPUT: f64 = 1e15;
