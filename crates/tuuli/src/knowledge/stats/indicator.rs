//! One indicator across the region: every municipality's value with its intervals, the
//! region's and the country's, the funnel plot's limits and points, each area's history,
//! and the breakdown by sex. Two queries for the values (the members, the aggregates).

use std::sync::Arc;

use chrono::Datelike;
use serde::Serialize;
use tuuli_stats::Level;
use tuuli_stats::funnel::{self, Flag};
use tuuli_stats::small::SmallNumbers;
use utoipa::ToSchema;

use super::model::{self, Judgement, Kind, Stat};
use super::profile::{self, BenchmarkKind, ByArea};
use super::store::{self, AreaRef, IndicatorMeta};
use crate::db::Db;
use crate::error::AppResult;
use crate::web::AppState;

/// One area's value in the chosen year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaStat {
    pub area: AreaRef,
    pub stat: Option<Stat>,
    pub comparison: Judgement,
    /// Its values of the other sexes in the same year: men, women.
    pub men: Option<Stat>,
    pub women: Option<Stat>,
}

/// A funnel point: an area's value against its denominator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunnelPointOut {
    pub area: AreaRef,
    pub value: f64,
    pub denominator: f64,
    /// within, above95, below95, above998, below998.
    pub flag: &'static str,
}

/// The control limits at one denominator.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct LimitOut {
    pub denominator: f64,
    pub lower95: Option<f64>,
    pub upper95: f64,
    pub lower998: Option<f64>,
    pub upper998: f64,
}

/// A funnel plot's data (`/api/v1/indicators/{id}/funnel`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Funnel {
    pub indicator_id: i64,
    pub year: Option<i32>,
    pub benchmark: BenchmarkKind,
    pub benchmark_value: Option<f64>,
    pub points: Vec<FunnelPointOut>,
    pub limits: Vec<LimitOut>,
    /// Why there is no funnel: no_interval_kind, no_benchmark, no_data.
    pub unavailable: Option<&'static str>,
    pub synthetic: bool,
}

/// Everything the indicator statistics page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorStats {
    pub indicator: IndicatorMeta,
    pub years: Vec<i32>,
    pub year: Option<i32>,
    pub level: &'static str,
    pub benchmark: BenchmarkKind,
    pub region: Option<AreaStat>,
    pub country: Option<AreaStat>,
    pub municipalities: Vec<AreaStat>,
    pub funnel: Funnel,
    /// Histories of the chosen areas (area, its values oldest first).
    pub series: Vec<(AreaRef, Vec<Stat>)>,
    pub synthetic: bool,
}

fn flag_name(f: Flag) -> &'static str {
    match f {
        Flag::Within => "within",
        Flag::Above(Level::P95) => "above95",
        Flag::Below(Level::P95) => "below95",
        Flag::Above(Level::P998) => "above998",
        Flag::Below(Level::P998) => "below998",
    }
}

/// Which municipalities an indicator's page and funnel plot compare: the home region's
/// (the default) or every municipality of the country valid in the year shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Region,
    Country,
}

impl Scope {
    /// `country` → Country; anything else → Region.
    pub fn parse(s: Option<&str>) -> Scope {
        match s {
            Some("country") => Scope::Country,
            _ => Scope::Region,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Region => "region",
            Scope::Country => "country",
        }
    }
}

/// Builds the page's data. `chosen` are the areas whose histories are drawn (none: the
/// region and the country).
pub async fn stats(
    db: &Db,
    id: i64,
    year: Option<i32>,
    benchmark: BenchmarkKind,
    level: Level,
    scope: Scope,
    chosen: &[i64],
) -> AppResult<IndicatorStats> {
    let indicator = store::indicator(db, id).await?;
    let years = store::years(db, id).await?;
    let year = year
        .filter(|y| years.contains(y))
        .or(years.first().copied());
    let now = chrono::Utc::now().year();
    let region = crate::knowledge::stats::flags::home_region(db).await?;
    let country = store::country(db).await?;
    let members = match (scope, &region) {
        (Scope::Country, _) => store::municipalities_in(db, year.unwrap_or(now)).await?,
        (Scope::Region, Some(r)) => store::members(db, r.id, year.unwrap_or(now)).await?,
        (Scope::Region, None) => Vec::new(),
    };
    let series_areas: Vec<AreaRef> = if chosen.is_empty() {
        region.iter().chain(country.iter()).cloned().collect()
    } else {
        let mut v = Vec::new();
        for c in chosen {
            if let Some(a) = members
                .iter()
                .chain(region.iter())
                .chain(country.iter())
                .find(|a| a.id == *c)
            {
                v.push(a.clone());
            } else if let Ok(a) = store::area(db, *c).await {
                v.push(a);
            }
        }
        v
    };
    // The chosen year of every area compared (all sexes), and the whole history (totals)
    // of the areas drawn as series only: not 25 years × 3 sexes of every municipality.
    let mut ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    ids.extend(region.iter().map(|r| r.id));
    ids.extend(country.iter().map(|c| c.id));
    ids.extend(series_areas.iter().map(|a| a.id));
    ids.sort_unstable();
    ids.dedup();
    let all = match year {
        Some(y) => store::values_in(db, &ids, &[id], None, &[y]).await?,
        None => Vec::new(),
    };
    let mut series_ids: Vec<i64> = series_areas.iter().map(|a| a.id).collect();
    series_ids.sort_unstable();
    series_ids.dedup();
    let histories = profile::group(store::values(db, &series_ids, &[id], Some(0)).await?);
    let synthetic =
        all.iter().any(|v| v.synthetic) || histories.values().flatten().any(|v| v.synthetic);
    let (totals, by_sex): (Vec<_>, Vec<_>) = all.into_iter().partition(|v| v.sex == 0);
    let totals = profile::group(totals);
    let men = profile::group(by_sex.iter().filter(|v| v.sex == 1).copied().collect());
    let women = profile::group(by_sex.into_iter().filter(|v| v.sex == 2).collect());
    let kind = Kind::of(&indicator.value_type);
    let polarity = model::polarity(&indicator.polarity);
    let small = SmallNumbers::default();
    let stat_of = |g: &ByArea, a: i64| {
        let y = year?;
        profile::in_year(g.get(&(a, id)), y).map(|v| model::annotate(kind, &v.raw, small))
    };
    let region_stat = region.as_ref().and_then(|r| stat_of(&totals, r.id));
    let country_stat = country.as_ref().and_then(|c| stat_of(&totals, c.id));
    let bench = match benchmark {
        BenchmarkKind::Region => region_stat.and_then(|s| s.value),
        BenchmarkKind::Country => country_stat.and_then(|s| s.value),
    };
    let area_stat = |a: &AreaRef| {
        let stat = stat_of(&totals, a.id);
        AreaStat {
            area: a.clone(),
            stat,
            comparison: stat
                .map(|s| model::judge(&s, level, bench, polarity))
                .unwrap_or(Judgement::NotCompared),
            men: stat_of(&men, a.id),
            women: stat_of(&women, a.id),
        }
    };
    let municipalities: Vec<AreaStat> = members.iter().map(area_stat).collect();
    let funnel = funnel_of(
        &indicator,
        kind,
        year,
        benchmark,
        bench,
        &municipalities,
        synthetic,
    );
    let series = series_areas
        .into_iter()
        .map(|a| {
            let h = histories
                .get(&(a.id, id))
                .map(|rows| {
                    rows.iter()
                        .map(|v| model::annotate(kind, &v.raw, small))
                        .collect()
                })
                .unwrap_or_default();
            (a, h)
        })
        .collect();
    Ok(IndicatorStats {
        indicator,
        years,
        year,
        level: model::level_str(level),
        benchmark,
        region: region.as_ref().map(area_stat),
        country: country.as_ref().map(area_stat),
        municipalities,
        funnel,
        series,
        synthetic,
    })
}

fn funnel_of(
    ind: &IndicatorMeta,
    kind: Kind,
    year: Option<i32>,
    benchmark: BenchmarkKind,
    bench: Option<f64>,
    areas: &[AreaStat],
    synthetic: bool,
) -> Funnel {
    let mut f = Funnel {
        indicator_id: ind.id,
        year,
        benchmark,
        benchmark_value: bench,
        points: Vec::new(),
        limits: Vec::new(),
        unavailable: None,
        synthetic,
    };
    let m = kind.multiplier();
    let limits = |dens: &[f64]| match (kind, bench) {
        (Kind::Proportion, Some(b)) => funnel::proportion_funnel(b / m.get(), m, dens).ok(),
        (Kind::Rate(_), Some(b)) => funnel::rate_funnel(b, m, dens).ok(),
        _ => None,
    };
    let shown: Vec<(&AreaStat, f64, f64)> = areas
        .iter()
        .filter_map(|a| {
            let s = a.stat?;
            (s.status == model::Status::Interval).then_some((a, s.value?, s.denominator?))
        })
        .filter(|(_, _, d)| *d > 0.0)
        .collect();
    if !matches!(kind, Kind::Proportion | Kind::Rate(_)) {
        f.unavailable = Some("no_interval_kind");
        return f;
    }
    if bench.is_none() {
        f.unavailable = Some("no_benchmark");
        return f;
    }
    if shown.is_empty() {
        f.unavailable = Some("no_data");
        return f;
    }
    let dens: Vec<f64> = shown.iter().map(|s| s.2).collect();
    // Each point's flag: for proportions from the closed-form limits at its denominator;
    // for rates from its own tail probabilities (the same answer without bisecting the
    // limits at every municipality's denominator).
    let flags: Option<Vec<Flag>> = match (kind, bench) {
        (Kind::Proportion, Some(b)) => funnel::proportion_funnel(b / m.get(), m, &dens)
            .ok()
            .map(|lims| lims.iter().zip(&shown).map(|(l, s)| l.flag(s.1)).collect()),
        (Kind::Rate(_), Some(b)) => {
            let pts: Vec<(f64, f64)> = shown.iter().map(|s| (s.1, s.2)).collect();
            funnel::rate_flags(b, m, &pts).ok()
        }
        _ => None,
    };
    let Some(flags) = flags else {
        f.unavailable = Some("no_benchmark");
        return f;
    };
    for ((a, v, d), flag) in shown.iter().zip(flags) {
        f.points.push(FunnelPointOut {
            area: a.area.clone(),
            value: *v,
            denominator: *d,
            flag: flag_name(flag),
        });
    }
    // The curves: 40 denominators spaced evenly on a log scale over the points' range.
    let (lo, hi) = dens
        .iter()
        .fold((f64::MAX, 0.0f64), |(l, h), d| (l.min(*d), h.max(*d)));
    let (lo, hi) = ((lo * 0.8).max(1.0), hi * 1.2);
    let grid: Vec<f64> = (0..40)
        .map(|i| {
            (lo.ln() + (hi.ln() - lo.ln()) * f64::from(i) / 39.0)
                .exp()
                .round()
                .max(1.0)
        })
        .collect();
    if let Some(curve) = limits(&grid) {
        f.limits = curve
            .iter()
            .map(|p| LimitOut {
                denominator: p.denominator,
                lower95: p.p95.lower,
                upper95: p.p95.upper,
                lower998: p.p998.lower,
                upper998: p.p998.upper,
            })
            .collect();
    }
    f
}

/// The memo key of an indicator's statistics (the current year is part of it: without a
/// chosen year it picks the municipalities). Views built from them extend it.
pub fn memo_key(
    id: i64,
    year: Option<i32>,
    benchmark: BenchmarkKind,
    level: Level,
    scope: Scope,
    chosen: &[i64],
) -> String {
    format!(
        "indicator:{id}:{year:?}:{}:{}:{}:{chosen:?}:{}",
        benchmark.as_str(),
        model::level_str(level),
        scope.as_str(),
        chrono::Utc::now().year()
    )
}

/// [`stats`], kept in the application's memo while the data it was built from is
/// unchanged (`stamp` from [`store::stamp`]); the funnel is computed once per indicator,
/// year, benchmark and scope.
#[expect(clippy::too_many_arguments)]
pub async fn cached_at(
    state: &AppState,
    stamp: i64,
    id: i64,
    year: Option<i32>,
    benchmark: BenchmarkKind,
    level: Level,
    scope: Scope,
    chosen: &[i64],
) -> AppResult<Arc<IndicatorStats>> {
    let key = memo_key(id, year, benchmark, level, scope, chosen);
    if let Some(s) = state.memo.get::<IndicatorStats>(&key, stamp) {
        return Ok(s);
    }
    let s = Arc::new(stats(&state.db, id, year, benchmark, level, scope, chosen).await?);
    state.memo.put(key, stamp, s.clone());
    Ok(s)
}

/// The funnel alone (the API).
pub async fn funnel_only(
    db: &Db,
    id: i64,
    year: Option<i32>,
    benchmark: BenchmarkKind,
    scope: Scope,
) -> AppResult<Funnel> {
    Ok(stats(db, id, year, benchmark, Level::P95, scope, &[])
        .await?
        .funnel)
}
