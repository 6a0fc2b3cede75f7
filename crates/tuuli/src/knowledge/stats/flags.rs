//! Shortcoming flags per municipality and theme: significantly worse than the country or
//! the region, significantly worsening (the recent-trend test), both (listed first), and
//! a plan goal's target off track. Each is explained in one sentence in the reader's
//! language ([`explain`]).

use serde::Serialize;
use tuuli_charts::NumberFormat;
use tuuli_stats::Level;
use tuuli_stats::small::SmallNumbers;
use utoipa::ToSchema;

use super::goals::{self, Judged};
use super::model::{self, Judgement};
use super::profile::{self, BenchmarkKind, Params};
use super::store::{self, AreaRef};
use crate::core::reference::REGION_CODE;
use crate::db::Db;
use crate::error::AppResult;
use crate::i18n::{Lang, with_args};

/// What a flag says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Significantly worse than a benchmark and significantly worsening.
    WorseAndWorsening,
    /// Significantly worse than the country (or, failing that, the region).
    Worse,
    /// Significantly worsening.
    Worsening,
    /// A plan goal's target for this area is off track.
    GoalOffTrack,
}

/// One flag.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Flag {
    pub kind: FlagKind,
    pub area: AreaRef,
    pub indicator_id: i64,
    pub indicator_title_fi: String,
    pub indicator_title_sv: String,
    pub indicator_title_en: String,
    pub decimals: i32,
    pub themes: Vec<String>,
    /// The data year the flag is built on.
    pub year: Option<i32>,
    pub value: Option<f64>,
    /// The benchmark a "worse" flag compares with, and its value.
    pub benchmark: Option<BenchmarkKind>,
    pub benchmark_value: Option<f64>,
    /// 95 or 99.8 (comparisons); trends are always tested at 99.8.
    pub level: &'static str,
    /// The trend's five years.
    pub trend_from: Option<i32>,
    pub trend_to: Option<i32>,
    /// A goal-off-track flag's judgement.
    pub goal: Option<Judged>,
    pub synthetic: bool,
}

/// Flags of the region's municipalities (or of one area), optionally of one theme. Goals of
/// unpublished plans flag only for viewers who see drafts (`sees_drafts`).
pub async fn flags(
    db: &Db,
    area: Option<i64>,
    theme: Option<&str>,
    set: Option<&str>,
    level: Level,
    sees_drafts: bool,
) -> AppResult<Vec<Flag>> {
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let (areas, region) = match area {
        Some(id) => {
            let a = store::area(db, id).await?;
            let r = store::region_of(db, &a, year).await?;
            (vec![a], r)
        }
        None => {
            let region = home_region(db).await?;
            let members = match &region {
                Some(r) => store::members(db, r.id, year).await?,
                None => Vec::new(),
            };
            (members, region)
        }
    };
    let set = store::choose_set(db, set).await?;
    let theme = theme.filter(|t| !t.is_empty());
    let indicators = store::indicators(db, set.as_ref().map(|s| s.id), theme).await?;
    let country = store::country(db).await?;
    let members = match &region {
        Some(r) => store::members(db, r.id, year).await?,
        None => Vec::new(),
    };
    let mut ids: Vec<i64> = areas.iter().map(|a| a.id).collect();
    ids.extend(region.iter().map(|r| r.id));
    ids.extend(country.iter().map(|c| c.id));
    ids.sort_unstable();
    ids.dedup();
    let ind_ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();
    let themes = crate::db::group_by_owner(store::indicator_themes(db, &ind_ids).await?);
    let values = profile::group(store::values(db, &ids, &ind_ids, Some(0)).await?);
    let params = Params {
        set: None,
        theme,
        benchmark: BenchmarkKind::Country,
        level,
    };
    let mut out = Vec::new();
    for a in &areas {
        for ind in &indicators {
            let row = profile::build_row(
                ind,
                a,
                region.as_ref(),
                country.as_ref(),
                &members,
                &values,
                SmallNumbers::default(),
                params,
            );
            let worse_country = row.vs_country == Judgement::Worse;
            let worse_region = row.vs_region == Judgement::Worse;
            let worsening = row.trend.worsening();
            let kind = match (worse_country || worse_region, worsening) {
                (true, true) => FlagKind::WorseAndWorsening,
                (true, false) => FlagKind::Worse,
                (false, true) => FlagKind::Worsening,
                (false, false) => continue,
            };
            let (benchmark, bstat) = if worse_country {
                (Some(BenchmarkKind::Country), row.country)
            } else if worse_region {
                (Some(BenchmarkKind::Region), row.region)
            } else {
                (None, None)
            };
            out.push(Flag {
                kind,
                area: a.clone(),
                indicator_id: ind.id,
                indicator_title_fi: ind.title_fi.clone(),
                indicator_title_sv: ind.title_sv.clone(),
                indicator_title_en: ind.title_en.clone(),
                decimals: ind.decimals,
                themes: themes.get(&ind.id).cloned().unwrap_or_default(),
                year: row.latest.map(|s| s.year),
                value: row.latest.and_then(|s| s.value),
                benchmark,
                benchmark_value: bstat.and_then(|s| s.value),
                level: model::level_str(level),
                trend_from: row.trend.years.first().copied(),
                trend_to: row.trend.years.last().copied(),
                goal: None,
                synthetic: row.synthetic,
            });
        }
    }
    // Goals off track for these areas (and this theme's indicators).
    let area_ids: Vec<i64> = areas.iter().map(|a| a.id).collect();
    for j in goals::judge_for_areas(db, &area_ids, sees_drafts).await? {
        if j.on_track != Some(false) || (theme.is_some() && !ind_ids.contains(&j.indicator_id)) {
            continue;
        }
        let Some(a) = areas.iter().find(|a| a.id == j.area_id) else {
            continue;
        };
        let ind = store::indicator(db, j.indicator_id).await?;
        out.push(Flag {
            kind: FlagKind::GoalOffTrack,
            area: a.clone(),
            indicator_id: ind.id,
            indicator_title_fi: ind.title_fi.clone(),
            indicator_title_sv: ind.title_sv.clone(),
            indicator_title_en: ind.title_en.clone(),
            decimals: ind.decimals,
            themes: themes.get(&ind.id).cloned().unwrap_or_default(),
            year: j.latest_year,
            value: j.latest_value,
            benchmark: None,
            benchmark_value: None,
            level: model::level_str(level),
            trend_from: None,
            trend_to: None,
            synthetic: j.synthetic,
            goal: Some(j),
        });
    }
    out.sort_by(|a, b| {
        (a.kind, &a.area.name_fi, a.indicator_id).cmp(&(b.kind, &b.area.name_fi, b.indicator_id))
    });
    Ok(out)
}

/// The installation's own region (Päijät-Häme's code, else the first region).
pub async fn home_region(db: &Db) -> AppResult<Option<AreaRef>> {
    Ok(crate::with_db!(db, p => sqlx::query_as::<_, AreaRef>(
        "SELECT a.id, a.kind, a.name_fi, a.name_sv, a.name_en, a.parent_id FROM areas a WHERE a.kind = 'region' \
         ORDER BY CASE WHEN a.official_code = $1 THEN 0 ELSE 1 END, a.id LIMIT 1")
        .bind(REGION_CODE).fetch_optional(p).await)?)
}

/// The flag's one-sentence explanation as a message key with its arguments, numbers
/// written the reader's way; `area_word` and `benchmark_word` are already translated.
pub fn explain(f: &Flag, lang: Lang, in_benchmark: &str) -> String {
    let fmt = NumberFormat::for_locale(lang.code(), f.decimals.clamp(0, 6) as usize);
    let num = |v: Option<f64>| v.map(|v| fmt.format(v)).unwrap_or_else(|| "..".into());
    let year = f.year.map(|y| y.to_string()).unwrap_or_default();
    let title = {
        let t = lang.pick(
            &f.indicator_title_fi,
            &f.indicator_title_sv,
            &f.indicator_title_en,
        );
        if t.is_empty() {
            f.indicator_title_fi.as_str()
        } else {
            t
        }
    };
    let area = f.area.name(lang);
    let value = num(f.value);
    let bench = num(f.benchmark_value);
    let from = f.trend_from.map(|y| y.to_string()).unwrap_or_default();
    let to = f.trend_to.map(|y| y.to_string()).unwrap_or_default();
    let common = [
        ("area", area),
        ("indicator", title),
        ("value", value.as_str()),
        ("year", year.as_str()),
    ];
    match f.kind {
        FlagKind::WorseAndWorsening | FlagKind::Worse => {
            let key = if f.kind == FlagKind::Worse {
                "stats-flag-worse"
            } else {
                "stats-flag-worse-and-worsening"
            };
            let mut args = common.to_vec();
            args.extend([
                ("benchmark", in_benchmark),
                ("benchmark_value", bench.as_str()),
                ("level", level_word(f.level, lang)),
                ("from", from.as_str()),
                ("to", to.as_str()),
            ]);
            with_args(key, &args)
        }
        FlagKind::Worsening => {
            let mut args = common.to_vec();
            args.extend([("from", from.as_str()), ("to", to.as_str())]);
            with_args("stats-flag-worsening", &args)
        }
        FlagKind::GoalOffTrack => {
            let g = f.goal.as_ref();
            let b = num(g.map(|g| g.baseline_value));
            let t = num(g.map(|g| g.target_value));
            let by = g.map(|g| g.baseline_year.to_string()).unwrap_or_default();
            let ty = g.map(|g| g.target_year.to_string()).unwrap_or_default();
            let goal = g
                .map(|g| lang.pick(&g.goal_title, &g.goal_title_sv, &g.goal_title_en))
                .unwrap_or("");
            let mut args = common.to_vec();
            args.extend([
                ("baseline", b.as_str()),
                ("baseline_year", by.as_str()),
                ("target", t.as_str()),
                ("target_year", ty.as_str()),
                ("goal", goal),
            ]);
            with_args("stats-flag-goal-off-track", &args)
        }
    }
}

/// "95" / "99,8" the reader's way.
pub fn level_word(level: &str, lang: Lang) -> &'static str {
    match (level, lang) {
        ("99.8", Lang::En) => "99.8",
        ("99.8", _) => "99,8",
        _ => "95",
    }
}
