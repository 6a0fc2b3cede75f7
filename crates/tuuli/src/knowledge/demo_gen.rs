//! The synthetic indicator values of the demo (issue 8 item 6), generated deterministically
//! (pure: no database here; `demo.rs` writes what this returns).
//!
//! For each demo indicator a country rate moves gently over 2015–2024. Each municipality has
//! a true rate (the country's times a factor fixed per indicator) and its counts are
//! *sampled* — binomial for percentages, Poisson for rates — around that rate for its own
//! denominator (its population times the indicator's share), so small municipalities are as
//! noisy as real ones. Sexes are sampled separately and the total is their sum; the region
//! and the wellbeing services county are the sums of their municipalities; the country is
//! the region plus the rest of the country sampled at the country rate. So every aggregate
//! is consistent with its parts.
//!
//! Two municipalities are set up to show the difference between a real difference and noise:
//! - [`REAL`]: Sysmä's true rate of [`REAL_INDICATOR`] is 1.3 times the country's until
//!   2019 and then climbs to 4 times it in 2024 — a real, worsening difference that the statistics should find;
//! - [`NOISY`]: Padasjoki's true rate of [`NOISY_INDICATOR`] *is* the country's, but its
//!   latest year is an outlier: the largest count whose 95 % interval still contains the
//!   country's value — alarming to the eye, not significant.
//!
//! The PRNG is SplitMix64 seeded from the (indicator, area, year, sex) of each draw, so a
//! value does not depend on the order of generation or on anything else in the demo.

use tuuli_stats::{Level, Proportion};

/// The years generated.
pub const YEARS: std::ops::RangeInclusive<i32> = 2015..=2024;
/// Sysmä: a real, worsening difference.
pub const REAL: &str = "781";
/// Its indicator (substance-related inpatients per 1,000).
pub const REAL_INDICATOR: &str = "1278";
/// Padasjoki: an alarming-looking latest value that is noise.
pub const NOISY: &str = "576";
/// Its indicator (heavy drinking, % of pupils in years 8 and 9).
pub const NOISY_INDICATOR: &str = "289";
/// The set the demo's indicators belong to.
pub const SET_KEY: &str = "substance_key";

/// One demo indicator: real Sotkanet id and titles; synthetic numbers.
pub struct DemoIndicator {
    pub source_id: &'static str,
    pub title_fi: &'static str,
    pub title_sv: &'static str,
    pub title_en: &'static str,
    pub value_type: &'static str,
    pub polarity: &'static str,
    pub theme: &'static str,
    /// The country's value in 2015, on the indicator's scale.
    base: f64,
    /// The country's yearly relative change.
    change: f64,
    /// The denominator as a share of the population.
    share: f64,
    /// Relative rates of men and women.
    sexes: (f64, f64),
}

macro_rules! ind {
    ($id:literal, $fi:literal, $sv:literal, $en:literal, $vt:literal, $theme:literal, $base:literal, $change:literal, $share:literal, $m:literal, $f:literal) => {
        DemoIndicator {
            source_id: $id,
            title_fi: $fi,
            title_sv: $sv,
            title_en: $en,
            value_type: $vt,
            polarity: "lower_better",
            theme: $theme,
            base: $base,
            change: $change,
            share: $share,
            sexes: ($m, $f),
        }
    };
}

/// The demo's indicators (real Sotkanet ids and titles from the shortlist).
pub const INDICATORS: [DemoIndicator; 10] = [
    ind!(
        "289",
        "Tosi humalassa vähintään kerran kuukaudessa, % 8. ja 9. luokan oppilaista",
        "Ordentligt berusad minst en gång i månaden, % av eleverna i årskurs 8 och 9",
        "Heavy drinking at least once a month, as % of all pupils in 8th and 9th year of comprehensive school",
        "percent",
        "substances",
        9.0,
        -0.03,
        0.019,
        1.0,
        1.0
    ),
    ind!(
        "288",
        "Tupakoi päivittäin, % 8. ja 9. luokan oppilaista",
        "Röker dagligen, % av eleverna i årskurs 8 och 9",
        "Daily smokers, as % of all pupils in 8th and 9th year of comprehensive school",
        "percent",
        "substances",
        6.0,
        -0.05,
        0.019,
        1.1,
        0.9
    ),
    ind!(
        "1278",
        "Päihteiden vuoksi sairaaloiden ja terveyskeskusten vuodeosastoilla hoidetut potilaat / 1 000 asukasta",
        "Patienter som vårdats inom slutenvård på sjukhus och hälsovårdscentraler på grund av berusningsmedel / 1 000 invånare",
        "Hospital inpatient care for substance abuse, patients per 1000 inhabitants",
        "per_1000",
        "substances",
        6.0,
        -0.01,
        1.0,
        1.6,
        0.4
    ),
    ind!(
        "3105",
        "Alkoholikuolleisuus / 100 000 asukasta",
        "Alkoholdödlighet / 100 000 invånare",
        "Alcohol mortality per 100 000 inhabitants",
        "per_100000",
        "substances",
        30.0,
        -0.02,
        1.0,
        1.7,
        0.3
    ),
    ind!(
        "328",
        "Kohtalainen tai vaikea ahdistuneisuus, % 8. ja 9. luokan oppilaista",
        "Måttlig eller svår ångest, % av eleverna i årskurs 8 och 9",
        "Moderate or severe anxiety, as % of all pupils in 8th and 9th year of comprehensive school",
        "percent",
        "mental-health",
        12.0,
        0.04,
        0.019,
        0.5,
        1.5
    ),
    ind!(
        "3106",
        "Itsemurhakuolleisuus / 100 000 asukasta",
        "Självmord / 100 000 invånare",
        "Suicides per 100 000 inhabitants",
        "per_100000",
        "mental-health",
        13.0,
        -0.01,
        1.0,
        1.5,
        0.5
    ),
    ind!(
        "3146",
        "Pelaa rahapelejä viikoittain, % 8. ja 9. luokan oppilaista",
        "Procentuell andel av eleverna i årskurs 8 och 9 som varje vecka spelar om pengar",
        "Gambles every week, as % of all pupils in 8th and 9th year of comprehensive school",
        "percent",
        "gambling",
        6.0,
        -0.02,
        0.019,
        1.7,
        0.3
    ),
    ind!(
        "1514",
        "Koulukiusattuna vähintään kerran viikossa, % 8. ja 9. luokan oppilaista",
        "Mobbats i skolan, % av eleverna i årskurs 8 och 9",
        "Pupils who have been bullied at school, as % of all pupils in 8th and 9th year of comprehensive school",
        "percent",
        "violence",
        7.0,
        0.0,
        0.019,
        1.1,
        0.9
    ),
    ind!(
        "3113",
        "Poliisin tietoon tulleet henkeen ja terveyteen kohdistuneet rikokset / 1 000 asukasta",
        "Brott mot liv och hälsa som kommit till polisens kännedom / 1 000 invånare",
        "Offences against life and health recorded by the police per 1000 inhabitants",
        "per_1000",
        "violence",
        7.5,
        0.01,
        1.0,
        1.5,
        0.5
    ),
    ind!(
        "1086",
        "0 - 17-vuotiaat lapset, joista on tehty lastensuojeluilmoitus, % vastaavanikäisestä väestöstä (THL)",
        "0 - 17-åriga barn om vilka en barnskyddsanmälan gjorts, % av befolkningen i samma ålder (THL)",
        "Children aged 0-17 subject to a child welfare notification, as % of total population of same age (THL)",
        "percent",
        "violence",
        7.0,
        0.02,
        0.19,
        1.0,
        1.0
    ),
];

/// Where a generated value belongs: a municipality by its code, or an aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Municipality(String),
    Region,
    County,
    Country,
}

/// One generated value (sex 0 = total, 1 = men, 2 = women).
#[derive(Debug, Clone, PartialEq)]
pub struct GenValue {
    pub target: Target,
    pub source_id: &'static str,
    pub year: i32,
    pub sex: i32,
    pub value: f64,
    pub count: f64,
    pub denominator: f64,
}

/// SplitMix64 (Steele, Lea & Flood 2014): small, fast, and stable across versions.
struct Rng(u64);

impl Rng {
    fn seeded(parts: &[&str]) -> Rng {
        // FNV-1a over the parts, then mixed by the first SplitMix64 step.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for p in parts {
            for b in p.bytes().chain([0xff]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x100_0000_01b3);
            }
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Binomial(n, p): inversion for small variance, a rounded normal otherwise.
    fn binomial(&mut self, n: f64, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        let var = n * p * (1.0 - p);
        if var > 25.0 {
            return (n * p + var.sqrt() * self.normal()).round().clamp(0.0, n);
        }
        let q = 1.0 - p;
        let mut pmf = q.powf(n);
        let mut cdf = pmf;
        let u = self.uniform();
        let mut k = 0.0;
        while u > cdf && k < n {
            pmf *= (n - k) / (k + 1.0) * p / q;
            k += 1.0;
            cdf += pmf;
        }
        k
    }

    /// Poisson(λ): inversion below 30, a rounded normal above.
    fn poisson(&mut self, lambda: f64) -> f64 {
        if lambda > 30.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0);
        }
        let mut pmf = (-lambda).exp();
        let mut cdf = pmf;
        let u = self.uniform();
        let mut k = 0.0;
        while u > cdf && k < 1000.0 {
            k += 1.0;
            pmf *= lambda / k;
            cdf += pmf;
        }
        k
    }
}

impl DemoIndicator {
    fn multiplier(&self) -> f64 {
        match self.value_type {
            "percent" => 100.0,
            "per_1000" => 1_000.0,
            "per_100000" => 100_000.0,
            _ => 1.0,
        }
    }

    /// The country's true rate as a fraction (per person).
    fn country_rate(&self, year: i32) -> f64 {
        self.base / self.multiplier() * (1.0 + self.change).powi(year - 2015)
    }

    /// A municipality's factor against the country's rate.
    fn factor(&self, code: &str, year: i32) -> f64 {
        if code == REAL && self.source_id == REAL_INDICATOR {
            // 1.3 times the country's until 2019, then climbing by 0.6 a year to 4.0.
            return if year < 2020 {
                1.3
            } else {
                1.6 + 0.6 * f64::from(year - 2020)
            };
        }
        if code == NOISY {
            return 1.0;
        }
        0.85 + 0.3 * Rng::seeded(&["factor", self.source_id, code]).uniform()
    }

    /// Counts for one area-year by sex, sampled around `rate` on `denominator`.
    fn sample(&self, key: &[&str], rate: f64, denominator: f64) -> [(f64, f64); 2] {
        let (m, f) = self.sexes;
        let mean = 0.51 * m + 0.49 * f;
        let dens = [(0.51 * denominator).round(), (0.49 * denominator).round()];
        let rates = [rate * m / mean, rate * f / mean];
        let mut out = [(0.0, 0.0); 2];
        for (i, (d, r)) in dens.iter().zip(rates).enumerate() {
            let sex = if i == 0 { "1" } else { "2" };
            let mut rng = Rng::seeded(&[key, &[sex]].concat());
            let c = if self.value_type == "percent" {
                rng.binomial(*d, r)
            } else {
                rng.poisson(d * r)
            };
            out[i] = (c, *d);
        }
        out
    }
}

/// The largest count out of `n` whose 95 % Wilson interval still contains `benchmark`
/// (a fraction): the noisy municipality's outlier year.
pub fn largest_unremarkable_count(n: f64, benchmark: f64) -> f64 {
    let mut c = (benchmark * n).ceil();
    while c < n {
        let next = c + 1.0;
        let inside = Proportion::new(next, n)
            .map(|p| p.wilson(Level::P95).contains(benchmark))
            .unwrap_or(false);
        if !inside {
            break;
        }
        c = next;
    }
    c
}

/// Generates every value: `municipalities` are (official code, population); `country` is
/// the country's population.
pub fn generate(municipalities: &[(String, i64)], country: i64) -> Vec<GenValue> {
    let mut out = Vec::new();
    let region_pop: i64 = municipalities.iter().map(|(_, p)| p).sum();
    for ind in &INDICATORS {
        let m = ind.multiplier();
        for year in YEARS {
            let y = year.to_string();
            let rate = ind.country_rate(year);
            let mut region = [(0.0, 0.0); 2];
            let push = |out: &mut Vec<GenValue>, target: Target, sexes: [(f64, f64); 2]| {
                let total = (sexes[0].0 + sexes[1].0, sexes[0].1 + sexes[1].1);
                for (sex, (c, d)) in [(0, total), (1, sexes[0]), (2, sexes[1])] {
                    if d > 0.0 {
                        out.push(GenValue {
                            target: target.clone(),
                            source_id: ind.source_id,
                            year,
                            sex,
                            value: c / d * m,
                            count: c,
                            denominator: d,
                        });
                    }
                }
            };
            let rest_den = ((country - region_pop).max(0) as f64 * ind.share).round();
            let rest = ind.sample(&[ind.source_id, "rest", &y], rate, rest_den);
            let mut noisy = None;
            for (code, pop) in municipalities {
                let den = (*pop as f64 * ind.share).round();
                let mut sexes = ind.sample(
                    &[ind.source_id, code, &y],
                    rate * ind.factor(code, year),
                    den,
                );
                if code == NOISY && ind.source_id == NOISY_INDICATOR && year == *YEARS.end() {
                    noisy = Some((code.clone(), den));
                    sexes[0].0 = 0.0; // filled in below, once the country's value is known
                    sexes[1].0 = 0.0;
                }
                for i in 0..2 {
                    region[i].0 += sexes[i].0;
                    region[i].1 += sexes[i].1;
                }
                push(&mut out, Target::Municipality(code.clone()), sexes);
            }
            if let Some((code, den)) = noisy {
                // The outlier is chosen against the lower of the region's and the country's
                // values without it (adding its cases only raises them, towards it), so its
                // interval contains both benchmarks.
                let region_v = (region[0].0 + region[1].0) / (region[0].1 + region[1].1);
                let country_v = (region[0].0 + region[1].0 + rest[0].0 + rest[1].0)
                    / (region[0].1 + region[1].1 + rest[0].1 + rest[1].1);
                let c = largest_unremarkable_count(den, region_v.min(country_v));
                let men = (c * 0.51).round();
                let sexes = [(men, (0.51 * den).round()), (c - men, (0.49 * den).round())];
                region[0].0 += sexes[0].0;
                region[1].0 += sexes[1].0;
                let target = Target::Municipality(code);
                out.retain(|v| {
                    !(v.target == target && v.source_id == ind.source_id && v.year == year)
                });
                push(&mut out, target, sexes);
            }
            push(&mut out, Target::Region, region);
            push(&mut out, Target::County, region);
            let country_sexes = [
                (region[0].0 + rest[0].0, region[0].1 + rest[0].1),
                (region[1].0 + rest[1].0, region[1].1 + rest[1].1),
            ];
            push(&mut out, Target::Country, country_sexes);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn towns() -> Vec<(String, i64)> {
        vec![
            ("398".into(), 121_337),
            (REAL.into(), 3_428),
            (NOISY.into(), 2_676),
        ]
    }

    #[test]
    fn the_same_input_gives_the_same_values() {
        assert_eq!(generate(&towns(), 5_600_000), generate(&towns(), 5_600_000));
    }

    #[test]
    fn totals_are_the_sums_of_the_sexes_and_the_region_of_its_municipalities() {
        let v = generate(&towns(), 5_600_000);
        let get = |t: &Target, sex: i32| {
            v.iter()
                .find(|x| &x.target == t && x.source_id == "288" && x.year == 2020 && x.sex == sex)
                .map(|x| (x.count, x.denominator))
                .expect("value")
        };
        let region = get(&Target::Region, 0);
        let (m, f) = (get(&Target::Region, 1), get(&Target::Region, 2));
        assert_eq!(region, (m.0 + f.0, m.1 + f.1));
        let sum: f64 = towns()
            .iter()
            .map(|(c, _)| get(&Target::Municipality(c.clone()), 0).0)
            .sum();
        assert_eq!(region.0, sum);
    }

    #[test]
    fn the_noisy_outlier_is_the_largest_count_still_inside_the_interval() {
        let c = largest_unremarkable_count(50.0, 0.07);
        let inside = |c: f64| {
            Proportion::new(c, 50.0)
                .expect("valid")
                .wilson(Level::P95)
                .contains(0.07)
        };
        assert!(inside(c) && !inside(c + 1.0));
        assert!(c / 50.0 > 0.12, "it should look alarming: {c}/50");
    }

    #[test]
    fn binomial_and_poisson_draws_have_about_the_right_mean() {
        let mut r = Rng::seeded(&["mean"]);
        let b: f64 = (0..2000).map(|_| r.binomial(40.0, 0.1)).sum::<f64>() / 2000.0;
        let p: f64 = (0..2000).map(|_| r.poisson(7.0)).sum::<f64>() / 2000.0;
        assert!((b - 4.0).abs() < 0.2, "{b}");
        assert!((p - 7.0).abs() < 0.25, "{p}");
    }
}
