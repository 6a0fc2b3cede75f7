//! The statistics views of the knowledge room (issue 9): a municipality's profile, an
//! indicator's statistics with its funnel plot, theme dashboards, shortcoming flags, plan
//! goals' indicator targets and the welfare-report section. Numbers come from
//! `tuuli-stats` (through [`model`]) and pictures from `tuuli-charts`, so a chart, its
//! table and the words beside it always agree.
//!
//! Who may do what: everyone reads (the figures are public statistics; a goal's targets
//! follow its plan: drafts only for those signed in). Coordinators and admins add and
//! remove goal targets, record omissions and write the welfare report's narrative.

pub mod api;
pub mod flags;
pub mod goals;
pub mod html;
pub mod indicator;
pub mod model;
pub mod profile;
pub mod store;
pub mod views;
pub mod welfare;
pub mod welfare_pdf;

use std::collections::HashMap;

use serde::Serialize;
use tuuli_stats::Level;
use tuuli_stats::small::SmallNumbers;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::Viewer;
use crate::db::Db;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::web::AppState;

/// The pages.
pub fn router() -> axum::Router<AppState> {
    html::router()
}

/// The JSON routes (under `/api/v1`).
pub fn api_router() -> OpenApiRouter<AppState> {
    api::router()
}

/// Who edits goal targets, omissions and narratives.
pub fn can_edit(v: &Viewer) -> bool {
    v.is_coordinator()
}

/// Who sees the targets of goals of unpublished plans.
pub fn sees_drafts(v: &Viewer) -> bool {
    v.signed_in()
}

/// A stored value with its statistics (what `/api/v1/values` can add to its rows).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnnotatedValue {
    pub area_id: i64,
    pub indicator_id: i64,
    pub year: i32,
    pub sex: i32,
    #[serde(flatten)]
    pub stat: model::Stat,
    /// Against the country's value of the same indicator, year and sex, at 95 %.
    pub comparison: model::Judgement,
    pub synthetic: bool,
}

/// What `?stats=1` adds to a row of `/api/v1/values`: its intervals at both levels (or why
/// it has none) and its comparison with the country in the same year, at 95 %.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowStats {
    pub lower95: Option<f64>,
    pub upper95: Option<f64>,
    pub lower998: Option<f64>,
    pub upper998: Option<f64>,
    /// wilson, byar or exact_poisson; null without an interval.
    pub method: Option<&'static str>,
    /// Why a value has no interval (or `interval`).
    pub stat_status: model::Status,
    /// Against the country's value of the same indicator, year and sex, at 95 %.
    pub comparison: model::Judgement,
}

/// One value to annotate: (area, indicator, sex, the stored numbers).
pub type Keyed = (i64, i64, i32, model::Raw);

/// Intervals and the comparison with the country for stored values, in their order
/// (two queries, whatever the number of values: the indicators' kinds and the country's
/// values of those indicators).
pub async fn stats_of(db: &Db, rows: &[Keyed]) -> AppResult<Vec<(model::Stat, model::Judgement)>> {
    let mut ind_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    ind_ids.sort_unstable();
    ind_ids.dedup();
    let meta: HashMap<i64, store::IndicatorMeta> = store::indicators_by_id(db, &ind_ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let country = store::country(db).await?;
    let bench: HashMap<(i64, i32, i32), f64> = match &country {
        Some(c) if !ind_ids.is_empty() => store::values(db, &[c.id], &ind_ids, None)
            .await?
            .into_iter()
            .filter_map(|v| Some(((v.indicator_id, v.raw.year, v.sex), v.raw.value?)))
            .collect(),
        _ => HashMap::new(),
    };
    Ok(rows
        .iter()
        .map(|(_, indicator_id, sex, raw)| {
            let m = meta.get(indicator_id);
            let kind = model::Kind::of(m.map(|m| m.value_type.as_str()).unwrap_or("other"));
            let polarity = m.and_then(|m| model::polarity(&m.polarity));
            let stat = model::annotate(kind, raw, SmallNumbers::default());
            let b = bench.get(&(*indicator_id, raw.year, *sex)).copied();
            (stat, model::judge(&stat, Level::P95, b, polarity))
        })
        .collect())
}

/// Adds intervals and the comparison with the country to stored values.
pub async fn annotate(db: &Db, rows: Vec<store::ValueRow>) -> AppResult<Vec<AnnotatedValue>> {
    let keyed: Vec<Keyed> = rows
        .iter()
        .map(|r| (r.area_id, r.indicator_id, r.sex, r.raw))
        .collect();
    let stats = stats_of(db, &keyed).await?;
    Ok(rows
        .into_iter()
        .zip(stats)
        .map(|(r, (stat, comparison))| AnnotatedValue {
            area_id: r.area_id,
            indicator_id: r.indicator_id,
            year: r.raw.year,
            sex: r.sex,
            stat,
            comparison,
            synthetic: r.synthetic,
        })
        .collect())
}

impl RowStats {
    pub fn new(stat: &model::Stat, comparison: model::Judgement) -> RowStats {
        RowStats {
            lower95: stat.lower95,
            upper95: stat.upper95,
            lower998: stat.lower998,
            upper998: stat.upper998,
            method: stat.method,
            stat_status: stat.status,
            comparison,
        }
    }
}

/// Flags with their one-sentence explanations in `lang`.
pub fn explained(state: &AppState, lang: Lang, list: Vec<flags::Flag>) -> Vec<api::FlagOut> {
    list.into_iter()
        .map(|f| {
            let bkey = match f.benchmark {
                Some(profile::BenchmarkKind::Region) => "stats-in-region",
                _ => "stats-in-country",
            };
            let bword = state.i18n.t(lang, bkey, &[]);
            let explanation = state.i18n.t(lang, &flags::explain(&f, lang, &bword), &[]);
            api::FlagOut {
                flag: f,
                explanation,
            }
        })
        .collect()
}
