//! Property tests over many generated inputs (a small hand-written generator, so the crate
//! needs no dev-dependencies). Each property is one STATISTICS.md promises: the estimate lies
//! in its interval, the 95 % interval lies inside the 99.8 % one, intervals narrow as counts
//! grow at a fixed proportion, comparison is symmetric in polarity, and no NaN or infinity
//! leaves the crate, even at 0, 1 and u32::MAX-scale counts.

use tuuli_stats::funnel::{proportion_funnel, rate_funnel};
use tuuli_stats::trend::{Direction, proportion_trend, rate_trend};
use tuuli_stats::{
    Benchmark, Count, Interval, Level, Multiplier, Outcome, Polarity, Proportion, Rate, compare,
};

/// SplitMix64: a tiny, deterministic generator (Steele, Lea & Flood 2014).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A count spread over many scales: often 0, 1 or small, sometimes near u32::MAX.
    fn count(&mut self) -> f64 {
        match self.next() % 6 {
            0 => (self.next() % 3) as f64,
            1 => (self.next() % 20) as f64,
            2 => (self.next() % 1_000) as f64,
            3 => (self.next() % 1_000_000) as f64,
            4 => f64::from(u32::MAX) - (self.next() % 10) as f64,
            _ => (self.next() % (1 << 40)) as f64,
        }
    }

    /// A fraction in [0, 1].
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const CASES: usize = 3_000;

fn finite(i: &Interval) -> bool {
    i.lower.is_finite() && i.upper.is_finite() && i.lower <= i.upper
}

fn inside(inner: &Interval, outer: &Interval) -> bool {
    // A relative tolerance for rounding at u32::MAX scale.
    let tol = 1e-12 * outer.upper.abs().max(1.0);
    outer.lower <= inner.lower + tol && inner.upper <= outer.upper + tol
}

fn proportion(g: &mut Gen) -> Proportion {
    let n = g.count().max(1.0);
    let o = (g.unit() * n).floor().min(n);
    Proportion::new(o, n).expect("0 <= o <= n, n >= 1")
}

#[test]
fn a_proportion_lies_in_its_interval_and_the_95_interval_in_the_998_one() {
    let mut g = Gen(1);
    for _ in 0..CASES {
        let p = proportion(&mut g);
        let i95 = p.wilson(Level::P95);
        let i998 = p.wilson(Level::P998);
        assert!(finite(&i95) && finite(&i998), "{p:?}");
        assert!(
            i95.contains(p.fraction()) && i998.contains(p.fraction()),
            "{p:?}"
        );
        assert!(0.0 <= i998.lower && i998.upper <= 1.0, "{p:?}");
        assert!(inside(&i95, &i998), "{p:?}: {i95:?} {i998:?}");
    }
}

#[test]
fn a_rate_lies_in_its_interval_and_the_95_interval_in_the_998_one() {
    let mut g = Gen(2);
    for _ in 0..CASES {
        let r = Rate::new(g.count(), g.count().max(1.0)).unwrap();
        for m in [Multiplier::ONE, Multiplier::PER_100000] {
            let e95 = r.estimate(Level::P95, m);
            let e998 = r.estimate(Level::P998, m);
            assert!(finite(&e95.interval) && finite(&e998.interval), "{r:?}");
            assert!(
                e95.value.is_finite() && e95.interval.contains(e95.value),
                "{r:?}"
            );
            assert!(inside(&e95.interval, &e998.interval), "{r:?}");
        }
    }
}

#[test]
fn intervals_narrow_as_counts_grow_at_a_fixed_proportion() {
    let mut g = Gen(3);
    for _ in 0..300 {
        let n = 1.0 + (g.next() % 200) as f64;
        let o = (g.unit() * n).floor();
        for level in Level::ALL {
            let mut last_p = f64::INFINITY;
            let mut last_r = f64::INFINITY;
            for k in [1.0, 2.0, 4.0, 16.0, 256.0, 65_536.0] {
                let w = Proportion::new(k * o, k * n).unwrap().wilson(level);
                assert!(w.upper - w.lower < last_p, "o={o} n={n} k={k}");
                last_p = w.upper - w.lower;
                let r = Rate::new(k * o, k * n)
                    .unwrap()
                    .estimate(level, Multiplier::ONE);
                assert!(
                    r.interval.upper - r.interval.lower < last_r,
                    "o={o} n={n} k={k} {level:?}"
                );
                last_r = r.interval.upper - r.interval.lower;
            }
        }
    }
}

#[test]
fn comparison_is_symmetric_in_polarity() {
    let mut g = Gen(4);
    for _ in 0..CASES {
        let p = proportion(&mut g);
        let level = if g.next().is_multiple_of(2) {
            Level::P95
        } else {
            Level::P998
        };
        let i = p.wilson(level);
        let b = Benchmark::new(g.unit()).unwrap();
        let plain = compare(&i, b, None);
        let up = compare(&i, b, Some(Polarity::HigherIsBetter)).outcome;
        let down = compare(&i, b, Some(Polarity::LowerIsBetter)).outcome;
        let expected = match plain.outcome {
            Outcome::Higher => (Outcome::Better, Outcome::Worse),
            Outcome::Lower => (Outcome::Worse, Outcome::Better),
            Outcome::Similar => (Outcome::Similar, Outcome::Similar),
            other => panic!("no polarity gave {other:?}"),
        };
        assert_eq!((up, down), expected);
        assert_eq!(plain.level, level);
    }
}

#[test]
fn significance_at_998_implies_significance_at_95() {
    let mut g = Gen(5);
    for _ in 0..CASES {
        let p = proportion(&mut g);
        let b = Benchmark::new(g.unit()).unwrap();
        let strict = compare(&p.wilson(Level::P998), b, None).outcome;
        let loose = compare(&p.wilson(Level::P95), b, None).outcome;
        if strict != Outcome::Similar {
            assert_eq!(strict, loose, "{p:?} against {b:?}");
        }
    }
}

#[test]
fn extreme_counts_give_finite_intervals() {
    for o in [
        0.0,
        1.0,
        9.0,
        9.999,
        10.0,
        f64::from(u32::MAX),
        tuuli_stats::MAX_INPUT,
    ] {
        for level in Level::ALL {
            let i = Count::new(o).unwrap().interval(level);
            assert!(finite(&i) && i.contains(o), "{o}: {i:?}");
            let p = Proportion::new(o, tuuli_stats::MAX_INPUT)
                .unwrap()
                .wilson(level);
            assert!(finite(&p), "{o}: {p:?}");
            let same = Proportion::new(o, o.max(1.0)).unwrap().wilson(level);
            assert!(finite(&same), "{o}: {same:?}");
        }
    }
}

#[test]
fn funnels_contain_the_benchmark_and_nest_at_any_scale() {
    let ns = [1.0, 10.0, 1_000.0, 1e6, f64::from(u32::MAX)];
    for b in [0.0, 1e-9, 0.01, 0.5, 0.99, 1.0] {
        for p in proportion_funnel(b, Multiplier::PERCENT, &ns).unwrap() {
            let (l95, l998) = (p.p95, p.p998);
            assert!(l95.lower.unwrap() <= b * 100.0 && b * 100.0 <= l95.upper);
            assert!(l998.lower.unwrap() <= l95.lower.unwrap() && l95.upper <= l998.upper);
            assert!(l998.upper.is_finite() && l998.upper <= 100.0);
        }
    }
    for rate in [0.0, 0.001, 1.0, 50.0, 1000.0] {
        for p in rate_funnel(rate, Multiplier::PER_1000, &ns).unwrap() {
            assert!(p.p95.upper.is_finite() && p.p998.upper >= p.p95.upper);
            assert!(p.p95.upper >= rate);
            if let (Some(a), Some(b)) = (p.p998.lower, p.p95.lower) {
                assert!(a <= b && b <= rate && a >= 0.0);
            }
        }
    }
}

#[test]
fn trends_on_huge_or_empty_counts_stay_finite() {
    let huge: Vec<_> = (2019..2024)
        .zip([4.0e9, 4.1e9, 4.2e9, 4.25e9, 4.29e9])
        .map(|(y, o)| (y, Some(Proportion::new(o, f64::from(u32::MAX)).unwrap())))
        .collect();
    let t = proportion_trend(&huge);
    assert!(t.chi_squared.unwrap().is_finite());
    assert_eq!(t.direction, Direction::Increasing);
    let zeros: Vec<_> = (2019..2024)
        .map(|y| (y, Some(Rate::new(0.0, 1.0).unwrap())))
        .collect();
    let t = rate_trend(&zeros);
    assert!(t.chi_squared.unwrap().is_finite());
    assert_eq!(t.direction, Direction::NoSignificantChange);
}

#[test]
fn a_proportion_outside_the_funnel_is_one_whose_interval_excludes_the_benchmark() {
    let mut g = Gen(6);
    for _ in 0..CASES {
        let p = proportion(&mut g);
        let b = 0.01 + 0.98 * g.unit();
        let point = proportion_funnel(b, Multiplier::ONE, &[p.denominator()]).unwrap()[0];
        for level in Level::ALL {
            let limits = point.limits(level);
            let x = p.fraction();
            // Stay clear of the boundary itself, where rounding decides.
            let margin = 1e-9;
            if x > limits.upper + margin {
                assert_eq!(
                    compare(&p.wilson(level), Benchmark::new(b).unwrap(), None).outcome,
                    Outcome::Higher
                );
            } else if x < limits.lower.unwrap() - margin {
                assert_eq!(
                    compare(&p.wilson(level), Benchmark::new(b).unwrap(), None).outcome,
                    Outcome::Lower
                );
            } else if x < limits.upper - margin && x > limits.lower.unwrap() + margin {
                assert_eq!(
                    compare(&p.wilson(level), Benchmark::new(b).unwrap(), None).outcome,
                    Outcome::Similar,
                    "{p:?} b={b}"
                );
            }
        }
    }
}
