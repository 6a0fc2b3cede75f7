//! The knowledge API's read side and catalogue editing (under `/api/v1`):
//! `/indicators`, `/indicators/{id}` (PUT for coordinators), `/sets`, `/sets/{id}` (PUT
//! for coordinators) and `/values` (paged JSON, or `format=csv|xlsx|jsonstat`). Reading is
//! public: the data is public.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Viewer;
use crate::core::paging::{Page, Paging};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::knowledge::catalogue::store::{self, CatalogueFilter};
use crate::knowledge::catalogue::values::{self, Order, Selection, ValueRow};
use crate::knowledge::catalogue::{
    Indicator, IndicatorInput, IndicatorSet, SetInput, require_edit, sex_code,
};
use crate::knowledge::export::{self, Format};
use crate::web::{ApiJson, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_indicators))
        .routes(routes!(get_indicator, update_indicator))
        .routes(routes!(list_sets))
        .routes(routes!(get_set, update_set))
        .routes(routes!(list_values))
}

/// The catalogue's filters and paging.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// Text in a title (any language, case-insensitive) or the source id.
    pub q: Option<String>,
    /// A theme slug.
    #[param(inline, value_type = Option<crate::core::kinds::schema::ThemeSlug>)]
    pub theme: Option<String>,
    /// A set's key (`substance-key`, `kuva`, `minimum-list`, `region`) or id.
    pub set: Option<String>,
    /// The source.
    #[param(inline, value_type = Option<crate::knowledge::catalogue::schema::Source>)]
    pub source: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

/// The catalogue: indicators with their themes and sets, by Finnish title.
#[utoipa::path(get, path = "/indicators", tag = "indicators", params(IndicatorQuery),
    responses((status = 200, body = Page<Indicator>), (status = 400)))]
async fn list_indicators(
    State(state): State<AppState>,
    Query(q): Query<IndicatorQuery>,
) -> AppResult<Json<Page<Indicator>>> {
    let filter = CatalogueFilter {
        q: q.q,
        theme: q.theme,
        set: q.set,
        source: q.source,
    };
    let paging = Paging::new(q.page, q.per_page, 50);
    Ok(Json(store::list(&state.db, &filter, paging).await?))
}

/// One indicator with its metadata (descriptions and limits sanitised HTML), themes and
/// sets.
#[utoipa::path(get, path = "/indicators/{id}", tag = "indicators", params(("id" = i64, Path)),
    responses((status = 200, body = Indicator), (status = 404)))]
async fn get_indicator(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Indicator>> {
    Ok(Json(store::get(&state.db, id).await?))
}

/// Changes an indicator's polarity, Swedish and English titles and themes (coordinators
/// and admins; `version` or `If-Match` guards against overwriting another's change).
#[utoipa::path(put, path = "/indicators/{id}", tag = "indicators", params(("id" = i64, Path)),
    request_body = IndicatorInput, security(("bearer" = [])),
    responses((status = 200, body = Indicator), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_indicator(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(mut input): ApiJson<IndicatorInput>,
) -> AppResult<Json<Indicator>> {
    require_edit(&viewer)?;
    input.version = input.version.or(crate::web::conflict::if_match(&headers));
    Ok(Json(
        store::update(&state.db, id, &input, &viewer.actor()).await?,
    ))
}

/// The indicator sets with their sizes.
#[utoipa::path(get, path = "/sets", tag = "indicators", responses((status = 200, body = Vec<IndicatorSet>)))]
async fn list_sets(State(state): State<AppState>) -> AppResult<Json<Vec<IndicatorSet>>> {
    Ok(Json(store::sets(&state.db).await?))
}

/// A set with its indicators in order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SetDetail {
    #[serde(flatten)]
    pub set: IndicatorSet,
    pub indicators: Vec<Indicator>,
}

async fn set_detail(state: &AppState, id: &str) -> AppResult<SetDetail> {
    let set = store::set(&state.db, id).await?;
    let ids = store::member_ids(&state.db, set.id).await?;
    let indicators = store::by_ids(&state.db, &ids).await?;
    Ok(SetDetail { set, indicators })
}

/// One set (by id or key) with its indicators in order.
#[utoipa::path(get, path = "/sets/{id}", tag = "indicators", params(("id" = String, Path, description = "The set's id or key")),
    responses((status = 200, body = SetDetail), (status = 404)))]
async fn get_set(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<SetDetail>> {
    Ok(Json(set_detail(&state, &id).await?))
}

/// Replaces a set's indicators and their order (coordinators and admins).
#[utoipa::path(put, path = "/sets/{id}", tag = "indicators", params(("id" = String, Path, description = "The set's id or key")),
    request_body = SetInput, security(("bearer" = [])),
    responses((status = 200, body = SetDetail), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_set(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(mut input): ApiJson<SetInput>,
) -> AppResult<Json<SetDetail>> {
    require_edit(&viewer)?;
    input.version = input.version.or(crate::web::conflict::if_match(&headers));
    let set = store::set(&state.db, &id).await?;
    store::update_set(&state.db, set.id, &input, &viewer.actor()).await?;
    Ok(Json(set_detail(&state, &set.id.to_string()).await?))
}

/// Which values to read; lists are comma-separated (`indicator=12,13`, `year=2019-2023`).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValuesQuery {
    /// Catalogue ids of indicators, comma-separated.
    pub indicator: Option<String>,
    /// A set's key or id: its indicators (added to `indicator`).
    pub set: Option<String>,
    /// Area ids, comma-separated.
    pub area: Option<String>,
    /// An area kind.
    #[param(inline, value_type = Option<crate::core::kinds::schema::AreaKind>)]
    pub area_kind: Option<String>,
    /// Years, comma-separated, or a range `2015-2020`.
    pub year: Option<String>,
    /// Sexes (`total`, `male`, `female` or 0, 1, 2), comma-separated.
    pub sex: Option<String>,
    /// `json` (paged, the default) or a whole-selection export.
    #[param(inline, value_type = Option<crate::knowledge::catalogue::schema::ValuesFormat>)]
    pub format: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
    /// `1` adds to each row of the JSON page its 95 % and 99.8 % confidence intervals
    /// (`lower95`, `upper95`, `lower998`, `upper998`, `method`, `stat_status`) and its
    /// `comparison` with the country in the same year at 95 %.
    #[param(inline, value_type = Option<crate::knowledge::catalogue::schema::StatsFlag>)]
    pub stats: Option<String>,
}

/// Parses a comma-separated list of integers (and `a-b` ranges when `ranges`).
pub fn int_list(
    raw: Option<&str>,
    field: &str,
    ranges: bool,
    errors: &mut FieldErrors,
) -> Vec<i64> {
    let mut out = Vec::new();
    for part in raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let range = if ranges { part.split_once('-') } else { None };
        match range {
            Some((a, b)) => match (a.trim().parse::<i64>(), b.trim().parse::<i64>()) {
                (Ok(a), Ok(b)) if a <= b && b - a <= 300 => out.extend(a..=b),
                _ => errors.add(field, "error-choice"),
            },
            None => match part.parse::<i64>() {
                Ok(n) => out.push(n),
                Err(_) => errors.add(field, "error-choice"),
            },
        }
    }
    if out.len() > 10_000 {
        errors.add(field, "error-choice");
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The selection a values query names (a set adds its indicators).
pub async fn selection(state: &AppState, q: &ValuesQuery) -> AppResult<Selection> {
    let mut errors = FieldErrors::new();
    let mut indicators = int_list(q.indicator.as_deref(), "indicator", false, &mut errors);
    let areas = int_list(q.area.as_deref(), "area", false, &mut errors);
    let years = int_list(q.year.as_deref(), "year", true, &mut errors);
    let mut sexes = Vec::new();
    for s in q
        .sex
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match sex_code(s) {
            Some(c) if !sexes.contains(&c) => sexes.push(c),
            Some(_) => {}
            None => errors.add("sex", "error-choice"),
        }
    }
    if let Some(k) = q.area_kind.as_deref().filter(|k| !k.is_empty())
        && !crate::core::kinds::AREA_KINDS.contains(&k)
    {
        errors.add("area_kind", "error-choice");
    }
    if let Some(set) = q.set.as_deref().filter(|s| !s.is_empty()) {
        match store::set(&state.db, set).await {
            Ok(s) => {
                let members = store::member_ids(&state.db, s.id).await?;
                if members.is_empty() && indicators.is_empty() {
                    // An empty set selects nothing, not everything.
                    indicators.push(0);
                }
                indicators.extend(members);
            }
            Err(AppError::NotFound) => errors.add("set", "error-choice"),
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    indicators.sort_unstable();
    indicators.dedup();
    Ok(Selection {
        indicators,
        areas,
        years,
        sexes,
        area_kind: q.area_kind.clone().filter(|k| !k.is_empty()),
    })
}

/// One row of a values page; with `stats=1` also its intervals and comparison.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ValueItem {
    #[serde(flatten)]
    pub row: ValueRow,
    #[serde(flatten)]
    pub stats: Option<crate::knowledge::stats::RowStats>,
}

/// A page of values with what must travel with them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ValuesPage {
    pub items: Vec<ValueItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The attribution of the page's indicators (THL, Sotkanet.fi, CC BY 4.0; producers).
    pub attribution: Vec<String>,
    /// Whether any value of the page is synthetic (demo or benchmark data, not real).
    pub synthetic: bool,
}

/// Values of indicators per area, year and sex, in key order (area first): paged JSON, or
/// the whole selection as CSV (Finnish style, streamed), XLSX or JSON-stat 2.0.
#[utoipa::path(get, path = "/values", tag = "indicators", params(ValuesQuery),
    responses((status = 200, body = ValuesPage, description = "JSON, or the file of `format`"),
        (status = 422, description = "A bad filter, or a selection too big for the format")))]
async fn list_values(
    State(state): State<AppState>,
    lang: Option<axum::Extension<Lang>>,
    Query(q): Query<ValuesQuery>,
) -> AppResult<Response> {
    let mut ph = crate::core::memo::Phases::start("list_values");
    let lang = lang.map(|l| l.0).unwrap_or_default();
    let sel = selection(&state, &q).await?;
    let with_stats = match q.stats.as_deref().unwrap_or("") {
        "" | "0" => false,
        "1" => true,
        _ => {
            let mut e = FieldErrors::new();
            e.add("stats", "error-choice");
            return Err(AppError::Validation(e));
        }
    };
    let format = match q.format.as_deref().unwrap_or("json") {
        "" | "json" => None,
        f => match Format::parse(f) {
            Some(f) => Some(f),
            None => {
                let mut e = FieldErrors::new();
                e.add("format", "error-choice");
                return Err(AppError::Validation(e));
            }
        },
    };
    if let Some(f) = format {
        return export::respond(&state.db, &state.i18n, lang, sel, f, "tuuli-values").await;
    }
    ph.mark("selection");
    let paging = Paging::new(q.page, q.per_page, 100);
    let page = values::page(&state.db, &sel, Order::Key, paging).await?;
    ph.mark("page");
    let mut page_indicators: Vec<i64> = page.items.iter().map(|r| r.indicator_id).collect();
    page_indicators.sort_unstable();
    page_indicators.dedup();
    let attr = export::attributions_of(&state.db, &page_indicators).await?;
    ph.mark("attributions");
    let mut attribution: Vec<String> = Vec::new();
    for row in &page.items {
        for l in attr.get(&row.indicator_id).into_iter().flatten() {
            if !attribution.contains(l) {
                attribution.push(l.clone());
            }
        }
    }
    let synthetic = page.items.iter().any(|r| r.synthetic);
    let mut stats = if with_stats {
        let keyed: Vec<crate::knowledge::stats::Keyed> = page
            .items
            .iter()
            .map(|r| {
                let raw = crate::knowledge::stats::model::Raw {
                    year: i32::try_from(r.year).unwrap_or(0),
                    value: r.value,
                    count: r.count,
                    denominator: r.denominator,
                };
                (
                    r.area_id,
                    r.indicator_id,
                    i32::try_from(r.sex).unwrap_or(0),
                    raw,
                )
            })
            .collect();
        crate::knowledge::stats::stats_of(&state.db, &keyed)
            .await?
            .into_iter()
            .map(|(s, c)| Some(crate::knowledge::stats::RowStats::new(&s, c)))
            .collect()
    } else {
        Vec::new()
    }
    .into_iter();
    let items = page
        .items
        .into_iter()
        .map(|row| ValueItem {
            row,
            stats: stats.next().flatten(),
        })
        .collect();
    ph.mark("stats");
    Ok(Json(ValuesPage {
        synthetic,
        attribution,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        items,
    })
    .into_response())
}
