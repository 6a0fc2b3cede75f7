//! A municipality's profile: every indicator of a set (or theme) with its latest value and
//! intervals, the region's and the country's values, the comparison, the trend, the
//! history and the spread of the region's municipalities. Four queries for the whole page
//! (the area, its region, the members, the values of all of them at once).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Datelike;
use serde::Serialize;
use tuuli_stats::Level;
use tuuli_stats::small::SmallNumbers;
use utoipa::ToSchema;

use super::model::{self, Judgement, Kind, Stat, TrendView};
use super::store::{self, AreaRef, IndicatorMeta, SetRef, ValueRow};
use crate::db::Db;
use crate::error::AppResult;
use crate::web::AppState;

/// Which benchmark the comparison uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BenchmarkKind {
    Region,
    Country,
}

impl BenchmarkKind {
    /// `region` → Region; anything else → Country.
    pub fn parse(s: Option<&str>) -> BenchmarkKind {
        match s {
            Some("region") => BenchmarkKind::Region,
            _ => BenchmarkKind::Country,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BenchmarkKind::Region => "region",
            BenchmarkKind::Country => "country",
        }
    }
}

/// The range of the region's municipalities' latest values (for the spine row).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Spread {
    pub min: f64,
    pub q1: f64,
    pub q3: f64,
    pub max: f64,
    /// How many municipalities had a value shown.
    pub areas: usize,
}

/// One indicator's line of the profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileRow {
    pub indicator: IndicatorMeta,
    pub themes: Vec<String>,
    /// The area's latest value (None: no value at all).
    pub latest: Option<Stat>,
    /// The region's and the country's values in the same year.
    pub region: Option<Stat>,
    pub country: Option<Stat>,
    /// Against the chosen benchmark, at the chosen level.
    pub comparison: Judgement,
    pub vs_region: Judgement,
    pub vs_country: Judgement,
    pub trend: TrendView,
    /// Every year of the area, oldest first.
    pub history: Vec<Stat>,
    pub spread: Option<Spread>,
    /// The latest value comes from a synthetic (demo or benchmark) import.
    pub synthetic: bool,
}

/// A whole profile (the page and `/api/v1/areas/{id}/profile`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Profile {
    pub area: AreaRef,
    pub region: Option<AreaRef>,
    pub country: Option<AreaRef>,
    pub set: Option<SetRef>,
    pub theme: Option<String>,
    pub benchmark: BenchmarkKind,
    /// 95 or 99.8.
    pub level: &'static str,
    /// Some value shown comes from synthetic data.
    pub synthetic: bool,
    pub rows: Vec<ProfileRow>,
}

/// Values grouped by (area, indicator), oldest year first.
pub type ByArea = HashMap<(i64, i64), Vec<ValueRow>>;

pub fn group(values: Vec<ValueRow>) -> ByArea {
    let mut out: ByArea = HashMap::new();
    for v in values {
        out.entry((v.area_id, v.indicator_id)).or_default().push(v);
    }
    out
}

/// What is known about one indicator of one area: the latest stat, the stat of another
/// area in that year, the trend.
pub fn latest(rows: Option<&Vec<ValueRow>>) -> Option<&ValueRow> {
    rows?.iter().rev().find(|v| v.raw.value.is_some())
}

pub fn in_year(rows: Option<&Vec<ValueRow>>, year: i32) -> Option<&ValueRow> {
    rows?.iter().find(|v| v.raw.year == year)
}

/// Parameters of a profile.
#[derive(Debug, Clone, Copy)]
pub struct Params<'a> {
    pub set: Option<&'a str>,
    pub theme: Option<&'a str>,
    pub benchmark: BenchmarkKind,
    pub level: Level,
}

/// The memo key of an area's profile with these parameters (the current year is part of
/// it: it picks the region's members). Views built from the profile extend it.
pub fn memo_key(area_id: i64, params: Params<'_>) -> String {
    format!(
        "profile:{area_id}:{:?}:{:?}:{}:{}:{}",
        params.set,
        params.theme,
        params.benchmark.as_str(),
        model::level_str(params.level),
        chrono::Utc::now().year()
    )
}

/// The area's profile, kept in the application's memo while the data it was built from is
/// unchanged (a 100-indicator profile reads thousands of values).
pub async fn cached(state: &AppState, area_id: i64, params: Params<'_>) -> AppResult<Arc<Profile>> {
    let stamp = store::stamp(&state.db).await?;
    cached_at(state, stamp, area_id, params).await
}

/// [`cached`] with the stamp already read.
pub async fn cached_at(
    state: &AppState,
    stamp: i64,
    area_id: i64,
    params: Params<'_>,
) -> AppResult<Arc<Profile>> {
    let key = memo_key(area_id, params);
    if let Some(p) = state.memo.get::<Profile>(&key, stamp) {
        return Ok(p);
    }
    let p = Arc::new(profile(&state.db, area_id, params).await?);
    state.memo.put(key, stamp, p.clone());
    Ok(p)
}

/// Builds the area's profile.
pub async fn profile(db: &Db, area_id: i64, params: Params<'_>) -> AppResult<Profile> {
    let area = store::area(db, area_id).await?;
    let set = store::choose_set(db, params.set).await?;
    let theme = params.theme.filter(|t| !t.is_empty());
    let indicators = store::indicators(db, set.as_ref().map(|s| s.id), theme).await?;
    let year = chrono::Utc::now().year();
    let region = store::region_of(db, &area, year).await?;
    let country = store::country(db).await?;
    let members = match &region {
        Some(r) => store::members(db, r.id, year).await?,
        None => Vec::new(),
    };
    let mut others: Vec<i64> = members.iter().map(|m| m.id).collect();
    others.extend(region.iter().map(|r| r.id));
    others.extend(country.iter().map(|c| c.id));
    others.sort_unstable();
    others.dedup();
    others.retain(|a| *a != area.id);
    let ind_ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();
    let themes = crate::db::group_by_owner(store::indicator_themes(db, &ind_ids).await?);
    // The area's whole history; of the others only the years that are some indicator's
    // latest for the area (all a row compares with), not 25 years of every member.
    let mut values = group(store::values(db, &[area.id], &ind_ids, Some(0)).await?);
    let mut latest_years: Vec<i32> = values
        .values()
        .filter_map(|rows| latest(Some(rows)).map(|v| v.raw.year))
        .collect();
    latest_years.sort_unstable();
    latest_years.dedup();
    if !latest_years.is_empty() {
        for v in store::values_in(db, &others, &ind_ids, Some(0), &latest_years).await? {
            values
                .entry((v.area_id, v.indicator_id))
                .or_default()
                .push(v);
        }
    }
    let small = SmallNumbers::default();
    let mut synthetic = false;
    let rows = indicators
        .into_iter()
        .map(|ind| {
            let row = build_row(
                &ind,
                &area,
                region.as_ref(),
                country.as_ref(),
                &members,
                &values,
                small,
                params,
            );
            synthetic |= row.synthetic;
            ProfileRow {
                themes: themes.get(&ind.id).cloned().unwrap_or_default(),
                ..row
            }
        })
        .collect();
    Ok(Profile {
        area,
        region,
        country,
        set,
        theme: theme.map(str::to_owned),
        benchmark: params.benchmark,
        level: model::level_str(params.level),
        synthetic,
        rows,
    })
}

#[expect(clippy::too_many_arguments)]
pub fn build_row(
    ind: &IndicatorMeta,
    area: &AreaRef,
    region: Option<&AreaRef>,
    country: Option<&AreaRef>,
    members: &[AreaRef],
    values: &ByArea,
    small: SmallNumbers,
    params: Params<'_>,
) -> ProfileRow {
    let kind = Kind::of(&ind.value_type);
    let polarity = model::polarity(&ind.polarity);
    let own = values.get(&(area.id, ind.id));
    let last = latest(own);
    let latest_stat = last.map(|v| model::annotate(kind, &v.raw, small));
    let year = last.map(|v| v.raw.year);
    let at = |a: Option<&AreaRef>| {
        let (a, y) = (a?, year?);
        in_year(values.get(&(a.id, ind.id)), y).map(|v| model::annotate(kind, &v.raw, small))
    };
    let region_stat = at(region);
    let country_stat = at(country);
    let level = params.level;
    let judge = |b: &Option<Stat>| match &latest_stat {
        Some(s) => model::judge(s, level, b.and_then(|b| b.value), polarity),
        None => Judgement::NotCompared,
    };
    let vs_region = judge(&region_stat);
    let vs_country = judge(&country_stat);
    let comparison = match params.benchmark {
        BenchmarkKind::Region => vs_region,
        BenchmarkKind::Country => vs_country,
    };
    let raws: Vec<model::Raw> = own
        .map(|r| r.iter().map(|v| v.raw).collect())
        .unwrap_or_default();
    let trend = model::trend_of(kind, &raws, polarity);
    let history = raws
        .iter()
        .map(|r| model::annotate(kind, r, small))
        .collect();
    let spread = year.and_then(|y| {
        let vals: Vec<f64> = members
            .iter()
            .filter_map(|m| in_year(values.get(&(m.id, ind.id)), y))
            .map(|v| model::annotate(kind, &v.raw, small))
            .filter_map(|s| s.value)
            .collect();
        model::spread(&vals).map(|(min, q1, q3, max)| Spread {
            min,
            q1,
            q3,
            max,
            areas: vals.len(),
        })
    });
    ProfileRow {
        indicator: ind.clone(),
        themes: Vec::new(),
        latest: latest_stat,
        region: region_stat,
        country: country_stat,
        comparison,
        vs_region,
        vs_country,
        trend,
        history,
        spread,
        synthetic: last.is_some_and(|v| v.synthetic),
    }
}
