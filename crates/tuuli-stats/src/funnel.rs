//! Funnel-plot control limits around a benchmark (STATISTICS.md, "Funnel plots").
//!
//! Each area's value is plotted against its denominator with the benchmark as a horizontal
//! line; the limits at 95 % and 99.8 % narrow as the denominator grows. Use the same
//! benchmark for the line and the limits (the pooled value of the areas, or the country).

use crate::error::check_amount;
use crate::rate::{byar_lower, byar_upper};
use crate::special::{bisect, reg_gamma};
use crate::{Level, Multiplier, StatsError};

/// The limits at one level. `lower` is `None` when no value at this denominator could be
/// significantly low (a rate whose expected count is so small that even 0 is not).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Values strictly below this are significantly low.
    pub lower: Option<f64>,
    /// Values strictly above this are significantly high.
    pub upper: f64,
}

/// The control limits at one denominator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelPoint {
    /// The denominator n.
    pub denominator: f64,
    /// The 95 % limits.
    pub p95: Limits,
    /// The 99.8 % limits.
    pub p998: Limits,
}

/// Where an area lies relative to the funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// Inside the 95 % limits.
    Within,
    /// Above the upper limit at this level (99.8 % when outside both).
    Above(Level),
    /// Below the lower limit at this level (99.8 % when outside both).
    Below(Level),
}

impl FunnelPoint {
    /// The limits at a level.
    pub fn limits(&self, level: Level) -> Limits {
        match level {
            Level::P95 => self.p95,
            Level::P998 => self.p998,
        }
    }

    /// Flags a value (on the funnel's scale) plotted at this point's denominator.
    pub fn flag(&self, value: f64) -> Flag {
        for level in [Level::P998, Level::P95] {
            let l = self.limits(level);
            if value > l.upper {
                return Flag::Above(level);
            }
            if l.lower.is_some_and(|lower| value < lower) {
                return Flag::Below(level);
            }
        }
        Flag::Within
    }
}

fn check_denominators(denominators: &[f64]) -> Result<(), StatsError> {
    for &n in denominators {
        if check_amount(n, "denominator")? == 0.0 {
            return Err(StatsError::ZeroDenominator);
        }
    }
    Ok(())
}

/// Limits for proportions around a benchmark proportion `b` (a fraction in [0, 1]),
/// scaled by `m` (e.g. percent).
///
/// At denominator n the limits are the observed proportions whose Wilson interval has `b`
/// as an end point. The Wilson interval is the set of π with (p − π)² ≤ z²π(1 − π)/n, so
/// its bound equals `b` exactly when p = b ± z·√(b(1 − b)/n) — the closed form used here,
/// clamped to [0, 1].
pub fn proportion_funnel(
    b: f64,
    m: Multiplier,
    denominators: &[f64],
) -> Result<Vec<FunnelPoint>, StatsError> {
    if !b.is_finite() {
        return Err(StatsError::NotFinite("benchmark"));
    }
    if !(0.0..=1.0).contains(&b) {
        return Err(StatsError::BenchmarkOutOfRange);
    }
    check_denominators(denominators)?;
    let at = |n: f64, level: Level| {
        let half = level.z() * (b * (1.0 - b) / n).sqrt();
        Limits {
            lower: Some((b - half).max(0.0) * m.get()),
            upper: (b + half).min(1.0) * m.get(),
        }
    };
    Ok(denominators
        .iter()
        .map(|&n| FunnelPoint {
            denominator: n,
            p95: at(n, Level::P95),
            p998: at(n, Level::P998),
        })
        .collect())
}

/// Limits for crude rates around a benchmark rate per `m`.
///
/// At denominator n the expected count is E = benchmark / m · n. The upper limit is the
/// count O_u whose exact Poisson lower limit equals E (P(X ≥ O_u | E) = α/2, i.e.
/// P(O_u, E) = α/2 with P the regularised incomplete gamma, continuous in O_u); the lower
/// limit is the count O_l whose exact upper limit equals E (Q(O_l + 1, E) = α/2). Both are
/// found by bisection and returned as rates, O / n · m. A count beyond a limit is exactly the
/// count whose exact Poisson interval excludes E.
pub fn rate_funnel(
    benchmark: f64,
    m: Multiplier,
    denominators: &[f64],
) -> Result<Vec<FunnelPoint>, StatsError> {
    check_amount(benchmark, "benchmark")?;
    check_denominators(denominators)?;
    let mut points = Vec::with_capacity(denominators.len());
    for &n in denominators {
        let e = benchmark / m.get() * n;
        if !e.is_finite() || e > crate::MAX_INPUT {
            return Err(StatsError::TooLarge("expected count"));
        }
        let at = |level: Level| {
            let (lower, upper) = poisson_test_limits(e, level);
            Limits {
                lower: lower.map(|o| o / n * m.get()),
                upper: upper / n * m.get(),
            }
        };
        points.push(FunnelPoint {
            denominator: n,
            p95: at(Level::P95),
            p998: at(Level::P998),
        });
    }
    Ok(points)
}

/// Flags rates (`value` per `m` at denominator `n`, one pair per area) against the funnel
/// around `benchmark`, exactly as [`rate_funnel`]'s limits at each area's own denominator
/// would ([`FunnelPoint::flag`]) but without finding the limits: a limit is the count
/// whose Poisson tail probability against the expected count E is α/2, so a count is
/// beyond it exactly when its own tail probability is below α/2. Two incomplete-gamma
/// evaluations per area instead of four bisections of about sixty (the limits of the
/// drawn curve need [`rate_funnel`] only at its few grid points). Above
/// [`EXACT_FUNNEL_UP_TO`] the limits (Byar's) are found as in [`rate_funnel`].
pub fn rate_flags(
    benchmark: f64,
    m: Multiplier,
    points: &[(f64, f64)],
) -> Result<Vec<Flag>, StatsError> {
    check_amount(benchmark, "benchmark")?;
    let dens: Vec<f64> = points.iter().map(|p| p.1).collect();
    check_denominators(&dens)?;
    let mut out = Vec::with_capacity(points.len());
    for &(value, n) in points {
        if !value.is_finite() {
            return Err(StatsError::NotFinite("value"));
        }
        let e = benchmark / m.get() * n;
        if !e.is_finite() || e > crate::MAX_INPUT {
            return Err(StatsError::TooLarge("expected count"));
        }
        if e > EXACT_FUNNEL_UP_TO || e <= 0.0 {
            let at = |level: Level| {
                let (lower, upper) = poisson_test_limits(e, level);
                Limits {
                    lower: lower.map(|o| o / n * m.get()),
                    upper: upper / n * m.get(),
                }
            };
            let p = FunnelPoint {
                denominator: n,
                p95: at(Level::P95),
                p998: at(Level::P998),
            };
            out.push(p.flag(value));
            continue;
        }
        // The count on the funnel's continuous scale, as the limits are.
        let o = (value / m.get() * n).max(0.0);
        // P(o, E): the chance of o or more (continuous in o); Q(o + 1, E): of o or fewer.
        let above = if o > 0.0 { reg_gamma(o, e).0 } else { 1.0 };
        let below = reg_gamma(o + 1.0, e).1;
        let mut flag = Flag::Within;
        for level in [Level::P998, Level::P95] {
            let tail = level.alpha() / 2.0;
            if above < tail {
                flag = Flag::Above(level);
                break;
            }
            if below < tail {
                flag = Flag::Below(level);
                break;
            }
        }
        out.push(flag);
    }
    Ok(out)
}

/// Above this expected count the limits are found on Byar's approximation instead of the
/// exact Poisson tails: the incomplete-gamma series needs about 9·√E terms per evaluation,
/// too slow for huge E, while the two agree there to better than 2·10⁻¹⁰ relative (checked
/// with scipy at E = 10⁶: 1.9e-10 at 99.8 %, 1.5e-11 at 95 %; the gap shrinks as E grows).
pub const EXACT_FUNNEL_UP_TO: f64 = 1e6;

/// The counts at which a Poisson test against expected count `e` becomes significant at
/// `level`: exact up to [`EXACT_FUNNEL_UP_TO`], Byar's approximation above it.
fn poisson_test_limits(e: f64, level: Level) -> (Option<f64>, f64) {
    if e <= 0.0 {
        // Any count above 0 has an exact lower limit above 0; none can be lower.
        return (None, 0.0);
    }
    if e > EXACT_FUNNEL_UP_TO {
        let z = level.z();
        let span = 20.0 * z * e.sqrt() + 20.0;
        let upper = bisect(e, e + span, |o| byar_lower(o, z) < e);
        let lower = bisect((e - span).max(0.0), e, |o| byar_upper(o, z) < e);
        return (Some(lower), upper);
    }
    let tail = level.alpha() / 2.0;
    let mut hi = e + 10.0 * e.sqrt() + 20.0;
    while reg_gamma(hi, e).0 > tail {
        hi *= 2.0;
    }
    let upper = bisect(e, hi, |o| reg_gamma(o, e).0 > tail);
    let lower = if (-e).exp() >= tail {
        None
    } else {
        Some(bisect(0.0, e, |o| reg_gamma(o + 1.0, e).1 < tail))
    };
    (lower, upper)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Count, Proportion};

    #[test]
    fn proportion_limits_are_where_the_wilson_bound_meets_the_benchmark() {
        // b = 0.2, n = 100: 0.2 ± z·0.04, z from Python statistics.NormalDist:
        // 95 %: 0.121601440618..0.278398559382; 99.8 %: 0.076390707753..0.323609292247.
        let f = proportion_funnel(0.2, Multiplier::PERCENT, &[100.0]).unwrap();
        let p = f[0];
        assert!((p.p95.upper - 27.839_855_938_160_22).abs() < 1e-9);
        assert!((p.p95.lower.unwrap() - 12.160_144_061_839_787).abs() < 1e-9);
        assert!((p.p998.upper - 32.360_929_224_671_25).abs() < 1e-9);
        // The Wilson lower bound of the upper limit is the benchmark itself.
        let at_limit = Proportion::new(p.p95.upper / 100.0 * 100.0, 100.0).unwrap();
        assert!((at_limit.wilson(Level::P95).lower - 0.2).abs() < 1e-12);
    }

    #[test]
    fn rate_limits_are_where_the_exact_poisson_interval_meets_the_benchmark() {
        // E = 1.6234863901184227 is the exact 95 % lower limit of O = 5, and
        // E = 5.571643390938899 the exact 95 % upper limit of O = 1 (Python finite Poisson
        // sums, see rate.rs), so the funnel must put its limits at exactly those counts.
        let f = rate_funnel(1.623_486_390_118_422_7, Multiplier::PER_1000, &[1000.0]).unwrap();
        assert!((f[0].p95.upper - 5.0).abs() < 1e-8, "{}", f[0].p95.upper);
        assert_eq!(
            f[0].p95.lower, None,
            "e^-1.62 > 0.025: no count is significantly low"
        );
        let f = rate_funnel(5.571_643_390_938_899, Multiplier::PER_1000, &[1000.0]).unwrap();
        assert!((f[0].p95.lower.unwrap() - 1.0).abs() < 1e-8);
    }

    #[test]
    fn rate_limits_match_scipy() {
        // scipy 1.x in a venv: brentq on scipy.special.gammainc(a, E) = α/2 (upper count) and
        // gammaincc(o + 1, E) = α/2 (lower count), an implementation independent of ours.
        // E = 50 per 10,000 × 1,000 = 5: counts 0.6772687908333316 and 10.296288156411116 at
        // 95 %; at 99.8 % 13.668368433534289 and no lower limit (e^-5 > 0.001).
        let f = rate_funnel(50.0, Multiplier::PER_10000, &[1_000.0, 1_000_000.0]).unwrap();
        let near = |a: f64, b: f64| (a - b).abs() < 1e-8 * b.abs().max(1.0);
        assert!(near(f[0].p95.lower.unwrap(), 6.772_687_908_333_316));
        assert!(near(f[0].p95.upper, 102.962_881_564_111_16));
        assert_eq!(f[0].p998.lower, None);
        assert!(near(f[0].p998.upper, 136.683_684_335_342_9));
        // E = 5,000: 4861.385456549149–5139.5617236314265 (95 %),
        // 4782.419592360204–5220.430413127567 (99.8 %), per 10,000 of 1,000,000.
        assert!(near(f[1].p95.lower.unwrap(), 48.613_854_565_491_49));
        assert!(near(f[1].p95.upper, 51.395_617_236_314_265));
        assert!(near(f[1].p998.lower.unwrap(), 47.824_195_923_602_04));
        assert!(near(f[1].p998.upper, 52.204_304_131_275_67));
    }

    #[test]
    fn huge_expected_counts_switch_to_byar_seamlessly() {
        // scipy (brentq on gammainc/gammaincc) at E = 10⁶: 95 % counts 998040.0097510131 and
        // 1001960.9374020634; 99.8 %: 996910.6931125557 and 1003092.1567334807. Just below the
        // switch the exact tails are used, just above it Byar: both agree with scipy to 1e-9.
        let near = |a: f64, b: f64| (a - b).abs() < 1e-9 * b;
        for e in [EXACT_FUNNEL_UP_TO, EXACT_FUNNEL_UP_TO * (1.0 + 1e-12)] {
            let f = rate_funnel(e, Multiplier::ONE, &[1.0]).unwrap()[0];
            let scale = e / EXACT_FUNNEL_UP_TO;
            assert!(near(f.p95.lower.unwrap(), 998_040.009_751_013_1 * scale));
            assert!(near(f.p95.upper, 1_001_960.937_402_063_4 * scale));
            assert!(near(f.p998.lower.unwrap(), 996_910.693_112_555_7 * scale));
            assert!(near(f.p998.upper, 1_003_092.156_733_480_7 * scale));
        }
        // And the largest accepted expected count is quick and finite.
        let f = rate_funnel(1e15, Multiplier::ONE, &[1.0]).unwrap()[0];
        assert!(f.p998.upper.is_finite() && f.p998.upper > 1e15);
    }

    #[test]
    fn rate_limits_agree_with_the_count_interval_used_for_comparison() {
        // For a count below 10 the comparison uses the same exact limits.
        let f = rate_funnel(2.0, Multiplier::ONE, &[1.0]).unwrap();
        let u = f[0].p95.upper;
        assert!(u < 10.0, "{u}");
        let i = Count::new(u).unwrap().interval(Level::P95);
        assert!((i.lower - 2.0).abs() < 1e-9);
    }

    #[test]
    fn limits_narrow_as_the_denominator_grows_and_flags_follow() {
        let ns = [100.0, 1_000.0, 10_000.0, 100_000.0];
        let f = rate_funnel(50.0, Multiplier::PER_10000, &ns).unwrap();
        for w in f.windows(2) {
            assert!(w[1].p95.upper < w[0].p95.upper);
            assert!(w[1].p95.lower.unwrap_or(0.0) >= w[0].p95.lower.unwrap_or(0.0));
        }
        let big = f[3];
        assert_eq!(big.flag(50.0), Flag::Within);
        assert_eq!(big.flag(big.p95.upper + 1e-9), Flag::Above(Level::P95));
        assert_eq!(big.flag(big.p998.upper + 1e-9), Flag::Above(Level::P998));
        assert_eq!(big.flag(0.0), Flag::Below(Level::P998));
    }

    #[test]
    fn rate_flags_agree_with_the_limits_at_each_denominator() {
        // Small and large expected counts, values inside and on both sides of both limits:
        // the flag from the tail probabilities is the flag from the bisected limits.
        let b = 50.0;
        let m = Multiplier::PER_10000;
        let ns = [40.0, 100.0, 1_000.0, 12_345.0, 1_000_000.0, 3.0e9];
        let limits = rate_funnel(b, m, &ns).unwrap();
        let mut points = Vec::new();
        let mut want = Vec::new();
        for l in &limits {
            let mut vals = vec![0.0, b, l.p95.upper, l.p998.upper];
            vals.extend([
                l.p95.upper * 1.001,
                l.p998.upper * 1.001,
                l.p95.upper * 0.999,
            ]);
            if let Some(lo) = l.p95.lower {
                vals.extend([lo * 0.999, lo * 1.001]);
            }
            if let Some(lo) = l.p998.lower {
                vals.extend([lo * 0.999, lo * 1.001]);
            }
            for v in vals {
                points.push((v, l.denominator));
                want.push(l.flag(v));
            }
        }
        let got = rate_flags(b, m, &points).unwrap();
        for ((p, w), g) in points.iter().zip(&want).zip(&got) {
            // Exactly at a limit the bisection's last bit may fall either way.
            let at_limit = limits.iter().any(|l| {
                l.denominator == p.1
                    && [
                        Some(l.p95.upper),
                        Some(l.p998.upper),
                        l.p95.lower,
                        l.p998.lower,
                    ]
                    .into_iter()
                    .flatten()
                    .any(|x| (x - p.0).abs() <= 1e-9 * x.abs().max(1.0))
            });
            if !at_limit {
                assert_eq!(g, w, "value {} at n = {}", p.0, p.1);
            }
        }
        // A known small example: E = 5 (50 per 10,000 of 1,000); scipy's 95 % upper count
        // is 10.296…, so 11 cases are above at 95 % and 10 are within.
        let f = rate_flags(b, m, &[(110.0, 1_000.0), (100.0, 1_000.0)]).unwrap();
        assert_eq!(f, vec![Flag::Above(Level::P95), Flag::Within]);
        assert!(rate_flags(b, m, &[(f64::NAN, 10.0)]).is_err());
        assert!(rate_flags(b, m, &[(1.0, 0.0)]).is_err());
    }

    #[test]
    fn bad_funnel_input_is_refused() {
        assert_eq!(
            proportion_funnel(1.5, Multiplier::PERCENT, &[10.0]),
            Err(StatsError::BenchmarkOutOfRange)
        );
        assert_eq!(
            proportion_funnel(0.5, Multiplier::PERCENT, &[0.0]),
            Err(StatsError::ZeroDenominator)
        );
        assert!(rate_funnel(f64::NAN, Multiplier::ONE, &[10.0]).is_err());
        assert!(rate_funnel(-1.0, Multiplier::ONE, &[10.0]).is_err());
    }
}
