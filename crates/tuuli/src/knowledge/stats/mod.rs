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

/// Adds intervals and the comparison with the country to stored values (two queries:
/// the indicators' kinds, the country's values).
pub async fn annotate(db: &Db, rows: Vec<store::ValueRow>) -> AppResult<Vec<AnnotatedValue>> {
    let mut ind_ids: Vec<i64> = rows.iter().map(|r| r.indicator_id).collect();
    ind_ids.sort_unstable();
    ind_ids.dedup();
    let mut meta = HashMap::new();
    for id in &ind_ids {
        if let Ok(m) = store::indicator(db, *id).await {
            meta.insert(*id, m);
        }
    }
    let country = store::country(db).await?;
    let bench: HashMap<(i64, i32, i32), f64> = match &country {
        Some(c) => store::values(db, &[c.id], &ind_ids, None)
            .await?
            .into_iter()
            .filter_map(|v| Some(((v.indicator_id, v.raw.year, v.sex), v.raw.value?)))
            .collect(),
        None => HashMap::new(),
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let m = meta.get(&r.indicator_id);
            let kind = model::Kind::of(m.map(|m| m.value_type.as_str()).unwrap_or("other"));
            let polarity = m.and_then(|m| model::polarity(&m.polarity));
            let stat = model::annotate(kind, &r.raw, SmallNumbers::default());
            let b = bench.get(&(r.indicator_id, r.raw.year, r.sex)).copied();
            AnnotatedValue {
                area_id: r.area_id,
                indicator_id: r.indicator_id,
                year: r.raw.year,
                sex: r.sex,
                stat,
                comparison: model::judge(&stat, Level::P95, b, polarity),
                synthetic: r.synthetic,
            }
        })
        .collect())
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
