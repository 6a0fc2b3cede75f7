//! What the statistics pages show for one value, built with `tuuli-stats` (pure: rows in,
//! annotated values out). Every page, the API and the flags go through these functions,
//! so a number, its interval and the judgement beside it can never disagree.

use serde::Serialize;
use tuuli_stats::small::SmallNumbers;
use tuuli_stats::trend::{self, Direction, Problem, Reading};
use tuuli_stats::{
    Benchmark, Count, Level, Method, Multiplier, Outcome, Polarity, Proportion, Rate, compare,
};
use utoipa::ToSchema;

/// How a value type is treated: which interval it gets, on which scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Percent of a denominator: Wilson score interval.
    Proportion,
    /// Crude rate per `m`: Byar / exact Poisson.
    Rate(Multiplier),
    /// A count: Byar / exact Poisson on the count itself.
    Count,
    /// Euros, litres, an index …: no interval.
    Plain,
}

impl Kind {
    /// The kind of a catalogue `value_type`.
    pub fn of(value_type: &str) -> Kind {
        match value_type {
            "percent" => Kind::Proportion,
            "per_1000" => Kind::Rate(Multiplier::PER_1000),
            "per_10000" => Kind::Rate(Multiplier::PER_10000),
            "per_100000" => Kind::Rate(Multiplier::PER_100000),
            "count" => Kind::Count,
            _ => Kind::Plain,
        }
    }

    /// The scale of values of this kind (1 for counts and plain values).
    pub fn multiplier(self) -> Multiplier {
        match self {
            Kind::Proportion => Multiplier::PERCENT,
            Kind::Rate(m) => m,
            Kind::Count | Kind::Plain => Multiplier::ONE,
        }
    }
}

/// The polarity of a catalogue `polarity`.
pub fn polarity(p: &str) -> Option<Polarity> {
    match p {
        "higher_better" => Some(Polarity::HigherIsBetter),
        "lower_better" => Some(Polarity::LowerIsBetter),
        _ => None,
    }
}

/// `95` or `99.8` → the level (anything else: 95 %).
pub fn level(s: Option<&str>) -> Level {
    match s {
        Some("99.8") | Some("998") => Level::P998,
        _ => Level::P95,
    }
}

/// The level as the API and the URLs write it.
pub fn level_str(l: Level) -> &'static str {
    match l {
        Level::P95 => "95",
        Level::P998 => "99.8",
    }
}

/// One stored value as read from `indicator_values`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Raw {
    pub year: i32,
    pub value: Option<f64>,
    pub count: Option<f64>,
    pub denominator: Option<f64>,
}

/// Why a value has no interval (or is not shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Shown with its 95 % and 99.8 % intervals.
    Interval,
    /// Shown without an interval: the source gave no count (or the kind has none).
    NoCount,
    /// Built on fewer cases than the threshold: shown as "..".
    Suppressed,
    /// No value for this year.
    Missing,
}

/// A value with its intervals, as every page and the API show it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Stat {
    pub year: i32,
    /// `None` when suppressed or missing.
    pub value: Option<f64>,
    /// `None` when suppressed (the count itself would reveal the small number).
    pub count: Option<f64>,
    pub denominator: Option<f64>,
    pub lower95: Option<f64>,
    pub upper95: Option<f64>,
    pub lower998: Option<f64>,
    pub upper998: Option<f64>,
    /// wilson, byar or exact_poisson.
    pub method: Option<&'static str>,
    pub status: Status,
}

impl Stat {
    fn bare(year: i32, status: Status) -> Stat {
        Stat {
            year,
            value: None,
            count: None,
            denominator: None,
            lower95: None,
            upper95: None,
            lower998: None,
            upper998: None,
            method: None,
            status,
        }
    }

    /// The interval at `level`, when there is one.
    pub fn interval(&self, level: Level) -> Option<(f64, f64)> {
        match level {
            Level::P95 => self.lower95.zip(self.upper95),
            Level::P998 => self.lower998.zip(self.upper998),
        }
    }
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Wilson => "wilson",
        Method::Byar => "byar",
        Method::ExactPoisson => "exact_poisson",
    }
}

/// The denominator to use: the stored one, or derived from the value and count.
fn denominator_of(kind: Kind, raw: &Raw) -> Option<f64> {
    raw.denominator.filter(|d| *d > 0.0).or_else(|| {
        let (c, v) = (raw.count?, raw.value?);
        tuuli_stats::small::derive_denominator(c, v, kind.multiplier()).ok()
    })
}

/// Annotates one stored value: its intervals at both levels, or why it has none.
pub fn annotate(kind: Kind, raw: &Raw, small: SmallNumbers) -> Stat {
    let Some(value) = raw.value.filter(|v| v.is_finite()) else {
        // A count without a value still tells nothing we can show safely.
        return Stat::bare(raw.year, Status::Missing);
    };
    let no_count = || Stat {
        value: Some(value),
        denominator: raw.denominator,
        ..Stat::bare(raw.year, Status::NoCount)
    };
    let Some(count) = raw.count.filter(|c| c.is_finite() && *c >= 0.0) else {
        return no_count();
    };
    if kind != Kind::Plain && small.suppresses(count) {
        return Stat::bare(raw.year, Status::Suppressed);
    }
    let m = kind.multiplier();
    let both: Option<[tuuli_stats::Estimate; 2]> = match kind {
        Kind::Proportion => denominator_of(kind, raw)
            .and_then(|n| Proportion::new(count, n).ok())
            .map(|p| Level::ALL.map(|l| p.estimate(l, m))),
        Kind::Rate(_) => denominator_of(kind, raw)
            .and_then(|n| Rate::new(count, n).ok())
            .map(|r| Level::ALL.map(|l| r.estimate(l, m))),
        Kind::Count => Count::new(count).ok().map(|c| {
            Level::ALL.map(|l| tuuli_stats::Estimate {
                value: count,
                interval: c.interval(l),
            })
        }),
        Kind::Plain => None,
    };
    let Some([e95, e998]) = both else {
        return no_count();
    };
    Stat {
        year: raw.year,
        // The stored value is what the source published; the interval is ours.
        value: Some(value),
        count: Some(count),
        denominator: denominator_of(kind, raw),
        lower95: Some(e95.interval.lower),
        upper95: Some(e95.interval.upper),
        lower998: Some(e998.interval.lower),
        upper998: Some(e998.interval.upper),
        method: Some(method_name(e95.interval.method)),
        status: Status::Interval,
    }
}

/// The outcome of comparing a value with a benchmark, as pages and the API name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    Better,
    Similar,
    Worse,
    Higher,
    Lower,
    /// No interval (no count), suppressed, or no benchmark value: no claim is made.
    NotCompared,
}

impl Judgement {
    /// The message key of the word (`stats-cmp-better` …).
    pub fn key(self) -> &'static str {
        match self {
            Judgement::Better => "stats-cmp-better",
            Judgement::Similar => "stats-cmp-similar",
            Judgement::Worse => "stats-cmp-worse",
            Judgement::Higher => "stats-cmp-higher",
            Judgement::Lower => "stats-cmp-lower",
            Judgement::NotCompared => "stats-cmp-not-compared",
        }
    }

    /// The symbol shown with the word, so colour is never the only carrier.
    pub fn symbol(self) -> &'static str {
        match self {
            Judgement::Better => "◆",
            Judgement::Similar => "○",
            Judgement::Worse => "■",
            Judgement::Higher => "▲",
            Judgement::Lower => "▼",
            Judgement::NotCompared => "–",
        }
    }

    /// The chart mark of the same judgement.
    pub fn mark(self) -> tuuli_charts::Mark {
        match self {
            Judgement::Better => tuuli_charts::Mark::Better,
            Judgement::Similar => tuuli_charts::Mark::Similar,
            Judgement::Worse => tuuli_charts::Mark::Worse,
            Judgement::Higher => tuuli_charts::Mark::Higher,
            Judgement::Lower => tuuli_charts::Mark::Lower,
            Judgement::NotCompared => tuuli_charts::Mark::None,
        }
    }

    /// A CSS class name.
    pub fn class(self) -> &'static str {
        match self {
            Judgement::Better => "better",
            Judgement::Similar => "similar",
            Judgement::Worse => "worse",
            Judgement::Higher => "higher",
            Judgement::Lower => "lower",
            Judgement::NotCompared => "not-compared",
        }
    }
}

/// Compares `stat` with a benchmark value at `level` (tuuli-stats' rule).
pub fn judge(
    stat: &Stat,
    level: Level,
    benchmark: Option<f64>,
    polarity: Option<Polarity>,
) -> Judgement {
    let (Some((lower, upper)), Some(b)) = (stat.interval(level), benchmark) else {
        return Judgement::NotCompared;
    };
    let (Ok(b), Some(method)) = (Benchmark::new(b), stat.method) else {
        return Judgement::NotCompared;
    };
    let method = match method {
        "wilson" => Method::Wilson,
        "byar" => Method::Byar,
        _ => Method::ExactPoisson,
    };
    let interval = tuuli_stats::Interval {
        lower,
        upper,
        level,
        method,
    };
    match compare(&interval, b, polarity).outcome {
        Outcome::Better => Judgement::Better,
        Outcome::Similar => Judgement::Similar,
        Outcome::Worse => Judgement::Worse,
        Outcome::Higher => Judgement::Higher,
        Outcome::Lower => Judgement::Lower,
    }
}

/// A recent trend as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrendView {
    /// increasing, decreasing, no_change or cannot_be_calculated.
    pub direction: &'static str,
    /// getting_better or getting_worse (with a polarity and a significant direction).
    pub reading: Option<&'static str>,
    /// chi_squared_linear_trend or weighted_regression.
    pub test: &'static str,
    pub chi_squared: Option<f64>,
    pub years: Vec<i32>,
    /// Why it cannot be calculated: too_few_points, gap, duplicate_year, missing_count, no_method.
    pub problem: Option<&'static str>,
}

impl TrendView {
    /// True when the trend is significant and in the bad direction.
    pub fn worsening(&self) -> bool {
        self.reading == Some("getting_worse")
    }
}

/// The recent trend of an area's values (all years, any order) — the last five
/// consecutive annual points, as `tuuli_stats::trend` requires. Suppressed points still
/// count (their counts are real); values without a count make it incalculable.
pub fn trend_of(kind: Kind, points: &[Raw], polarity: Option<Polarity>) -> TrendView {
    let t = match kind {
        Kind::Proportion => {
            let pts: Vec<trend::Point<Proportion>> = points
                .iter()
                .map(|r| {
                    let p = r.count.zip(denominator_of(kind, r));
                    (r.year, p.and_then(|(c, n)| Proportion::new(c, n).ok()))
                })
                .collect();
            trend::proportion_trend(&pts)
        }
        Kind::Rate(_) => {
            let pts: Vec<trend::Point<Rate>> = points
                .iter()
                .map(|r| {
                    let p = r.count.zip(denominator_of(kind, r));
                    (r.year, p.and_then(|(c, n)| Rate::new(c, n).ok()))
                })
                .collect();
            trend::rate_trend(&pts)
        }
        Kind::Count | Kind::Plain => {
            return TrendView {
                direction: "cannot_be_calculated",
                reading: None,
                test: "weighted_regression",
                chi_squared: None,
                years: Vec::new(),
                problem: Some("no_method"),
            };
        }
    };
    let (direction, problem) = match t.direction {
        Direction::Increasing => ("increasing", None),
        Direction::Decreasing => ("decreasing", None),
        Direction::NoSignificantChange => ("no_change", None),
        Direction::CannotBeCalculated(p) => (
            "cannot_be_calculated",
            Some(match p {
                Problem::TooFewPoints { .. } => "too_few_points",
                Problem::Gap { .. } => "gap",
                Problem::DuplicateYear(_) => "duplicate_year",
                Problem::MissingCount(_) => "missing_count",
            }),
        ),
    };
    let reading = polarity
        .and_then(|p| t.direction.reading(p))
        .map(|r| match r {
            Reading::GettingBetter => "getting_better",
            Reading::GettingWorse => "getting_worse",
        });
    TrendView {
        direction,
        reading,
        test: match t.test {
            trend::TrendTest::ChiSquaredForLinearTrend => "chi_squared_linear_trend",
            trend::TrendTest::WeightedRegression => "weighted_regression",
        },
        chi_squared: t.chi_squared,
        years: t.years,
        problem,
    }
}

/// Min, quartiles and max of some values (for the spine row), or `None` without values.
pub fn spread(values: &[f64]) -> Option<(f64, f64, f64, f64)> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let pos = p * (v.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    Some((v[0], q(0.25), q(0.75), v[v.len() - 1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(value: f64, count: Option<f64>, den: Option<f64>) -> Raw {
        Raw {
            year: 2024,
            value: Some(value),
            count,
            denominator: den,
        }
    }

    #[test]
    fn a_percent_with_count_and_denominator_gets_the_wilson_interval() {
        let s = annotate(
            Kind::Proportion,
            &raw(3.0, Some(12.0), Some(400.0)),
            SmallNumbers::default(),
        );
        let w = Proportion::new(12.0, 400.0)
            .expect("valid")
            .estimate(Level::P95, Multiplier::PERCENT);
        assert_eq!(s.status, Status::Interval);
        assert_eq!(s.method, Some("wilson"));
        assert_eq!(s.lower95, Some(w.interval.lower));
        assert_eq!(s.upper95, Some(w.interval.upper));
    }

    #[test]
    fn below_five_cases_the_value_is_suppressed_and_not_compared() {
        let s = annotate(
            Kind::Proportion,
            &raw(1.0, Some(4.0), Some(400.0)),
            SmallNumbers::default(),
        );
        assert_eq!(s.status, Status::Suppressed);
        assert_eq!(s.value, None);
        assert_eq!(
            judge(&s, Level::P95, Some(5.0), None),
            Judgement::NotCompared
        );
    }

    #[test]
    fn without_a_count_there_is_no_interval_and_no_judgement() {
        let s = annotate(
            Kind::Rate(Multiplier::PER_1000),
            &raw(7.0, None, None),
            SmallNumbers::default(),
        );
        assert_eq!(s.status, Status::NoCount);
        assert_eq!(s.lower95, None);
        assert_eq!(
            judge(&s, Level::P95, Some(1.0), None),
            Judgement::NotCompared
        );
    }

    #[test]
    fn a_rate_uses_byar_and_is_judged_with_its_polarity() {
        let s = annotate(
            Kind::Rate(Multiplier::PER_1000),
            &raw(20.0, Some(80.0), Some(4000.0)),
            SmallNumbers::default(),
        );
        assert_eq!(s.method, Some("byar"));
        let lower_better = Some(Polarity::LowerIsBetter);
        assert_eq!(
            judge(&s, Level::P95, Some(10.0), lower_better),
            Judgement::Worse
        );
        assert_eq!(judge(&s, Level::P95, Some(10.0), None), Judgement::Higher);
        assert_eq!(
            judge(&s, Level::P95, Some(20.0), lower_better),
            Judgement::Similar
        );
    }

    #[test]
    fn the_spread_gives_min_quartiles_and_max() {
        assert_eq!(
            spread(&[1.0, 2.0, 3.0, 4.0, 5.0]),
            Some((1.0, 2.0, 4.0, 5.0))
        );
        assert_eq!(spread(&[]), None);
    }
}
