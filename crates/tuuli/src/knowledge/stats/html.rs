//! The statistics pages: a municipality's profile, an indicator's statistics (bars with
//! intervals, series with bands, the funnel plot, sexes), theme dashboards, the flag list,
//! a goal's indicator targets and the welfare-report section.

use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::flags;
use super::goals::{self, TargetInput};
use super::indicator;
use super::model;
use super::profile::{self, BenchmarkKind, Params};
use super::views::{self, fmt};
use super::welfare;
use super::welfare_pdf;
use super::{can_edit, sees_drafts, store};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::forms::RawForm;
use crate::web::{AppState, PageCtx};

mod welfare_pages;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/areas/{id}/profile", get(profile_page))
        .route("/indicators/{id}/stats", get(indicator_page))
        .route("/knowledge/themes/{theme}", get(theme_page))
        .route("/flags", get(flags_page))
        .route("/goals/{id}/targets", get(targets_page).post(add_target))
        .route("/goals/{id}/targets/{target}/delete", post(delete_target))
        .route(
            "/areas/{id}/welfare-report",
            get(welfare_pages::welfare_page),
        )
        .route(
            "/areas/{id}/welfare-report/narrative",
            post(welfare_pages::save_narrative),
        )
        .route(
            "/areas/{id}/welfare-report/omissions",
            post(welfare_pages::save_omission),
        )
        .route(
            "/areas/{id}/welfare-report.pdf",
            get(welfare_pages::welfare_pdf),
        )
}

/// The common query of the views.
#[derive(Debug, Default, Deserialize)]
pub struct ViewQuery {
    pub set: Option<String>,
    pub theme: Option<String>,
    pub benchmark: Option<String>,
    pub level: Option<String>,
    pub area: Option<String>,
    pub year: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub scope: Option<String>,
}

impl ViewQuery {
    fn params(&self) -> Params<'_> {
        Params {
            set: self.set.as_deref(),
            theme: self.theme.as_deref(),
            benchmark: BenchmarkKind::parse(self.benchmark.as_deref()),
            level: model::level(self.level.as_deref()),
        }
    }

    /// Area ids from `area=1,2` (anything unreadable is left out).
    fn areas(&self) -> Vec<i64> {
        self.area
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .take(6)
            .collect()
    }
}

/// A profile's body as rendered once per language (see `_profile_body.html`) with what
/// the page shell around it needs.
struct ProfileBody {
    html: String,
    area: store::AreaRef,
    area_name: String,
    set: Option<store::SetRef>,
    sets: Vec<store::SetRef>,
    theme: Option<String>,
    benchmark: &'static str,
    level: &'static str,
    level_word: &'static str,
    synthetic: bool,
}

/// Renders a body template (no viewer in it: it is kept in the memo for everyone).
fn render_body<S: serde::Serialize>(ctx: &PageCtx, name: &str, data: S) -> AppResult<String> {
    let merged = minijinja::context! {
        ..minijinja::Value::from_serialize(&data),
        ..minijinja::context! { lang => ctx.lang.code() }
    };
    ctx.state
        .templates
        .render(name, merged)
        .map_err(AppError::Internal)
}

async fn profile_page(
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<ViewQuery>,
) -> AppResult<Html<String>> {
    let mut ph = crate::core::memo::Phases::start("profile_page");
    let params = q.params();
    let stamp = store::stamp(&ctx.state.db).await?;
    ph.mark("stamp");
    // The rendered body depends on the data (the stamp), the parameters and the language
    // only: statistics are public, nothing in it differs by viewer.
    let key = format!("{}:page:{}", profile::memo_key(id, params), ctx.lang.code());
    let body = match ctx.state.memo.get::<ProfileBody>(&key, stamp) {
        Some(b) => b,
        None => {
            let p = profile::cached_at(&ctx.state, stamp, id, params).await?;
            ph.mark("profile");
            let t = |k: &str| ctx.t(k);
            let rows = views::profile_rows(&p, ctx.lang, &t);
            ph.mark("rows");
            let area_name = p.area.name(ctx.lang).to_owned();
            let level_word = flags::level_word(p.level, ctx.lang);
            let html = render_body(
                &ctx,
                "knowledge/stats/_profile_body.html",
                minijinja::context! {
                    area => &p.area, area_name => &area_name, region => p.region.as_ref().map(|r| r.name(ctx.lang).to_owned()),
                    country => p.country.as_ref().map(|c| c.name(ctx.lang).to_owned()),
                    level => p.level, level_word => &level_word, rows,
                },
            )?;
            ph.mark("render_body");
            let b = std::sync::Arc::new(ProfileBody {
                html,
                area: p.area.clone(),
                area_name,
                set: p.set.clone(),
                sets: store::sets(&ctx.state.db).await?,
                theme: p.theme.clone(),
                benchmark: p.benchmark.as_str(),
                level: p.level,
                level_word,
                synthetic: p.synthetic,
            });
            ctx.state.memo.put(key, stamp, b.clone());
            b
        }
    };
    let themes = ctx.state.themes().await?;
    ph.mark("themes");
    let page = ctx.render(
        "knowledge/stats/profile.html",
        minijinja::context! {
            area => &body.area, area_name => &body.area_name,
            set => &body.set, sets => &body.sets, themes, theme => &body.theme, benchmark => body.benchmark, level => body.level,
            level_word => &body.level_word, synthetic => body.synthetic, body => &body.html,
        },
    );
    ph.mark("render_shell");
    page
}

/// An indicator page's body as rendered once per language (see `_indicator_body.html`)
/// with what the page shell around it needs.
struct IndicatorBody {
    html: String,
    indicator: store::IndicatorMeta,
    title: String,
    years: Vec<i32>,
    year: Option<i32>,
    level: &'static str,
    level_word: &'static str,
    synthetic: bool,
}

async fn indicator_page(
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<ViewQuery>,
) -> AppResult<Html<String>> {
    let mut ph = crate::core::memo::Phases::start("indicator_page");
    let year = q.year.as_deref().and_then(|y| y.parse().ok());
    let b = BenchmarkKind::parse(q.benchmark.as_deref());
    let level = model::level(q.level.as_deref());
    let scope = indicator::Scope::parse(q.scope.as_deref());
    let chosen = q.areas();
    let stamp = store::stamp(&ctx.state.db).await?;
    ph.mark("stamp");
    let key = format!(
        "{}:page:{}",
        indicator::memo_key(id, year, b, level, scope, &chosen),
        ctx.lang.code()
    );
    let body = match ctx.state.memo.get::<IndicatorBody>(&key, stamp) {
        Some(body) => body,
        None => {
            let s =
                indicator::cached_at(&ctx.state, stamp, id, year, b, level, scope, &chosen).await?;
            ph.mark("stats");
            let t = |k: &str| ctx.t(k);
            let charts = views::indicator_charts(&s, ctx.lang, &t);
            ph.mark("charts");
            let f = fmt(ctx.lang, s.indicator.decimals);
            let municipalities: Vec<_> = s
                .municipalities
                .iter()
                .map(|a| views::area_view(a, ctx.lang, f, s.level))
                .collect();
            let aggregates: Vec<_> = s
                .region
                .iter()
                .chain(s.country.iter())
                .map(|a| views::area_view(a, ctx.lang, f, s.level))
                .collect();
            let flagged: Vec<_> = s
                .funnel
                .points
                .iter()
                .filter(|p| p.flag != "within")
                .map(|p| (p.area.name(ctx.lang).to_owned(), p.flag))
                .collect();
            let level_word = flags::level_word(s.level, ctx.lang);
            let html = render_body(
                &ctx,
                "knowledge/stats/_indicator_body.html",
                minijinja::context! {
                    level => s.level, level_word => &level_word, scope => scope.as_str(),
                    municipalities, aggregates, charts, flagged, funnel_unavailable => s.funnel.unavailable,
                },
            )?;
            ph.mark("render_body");
            let body = std::sync::Arc::new(IndicatorBody {
                html,
                title: s.indicator.title(ctx.lang).to_owned(),
                indicator: s.indicator.clone(),
                years: s.years.clone(),
                year: s.year,
                level: s.level,
                level_word,
                synthetic: s.synthetic,
            });
            ctx.state.memo.put(key, stamp, body.clone());
            body
        }
    };
    let page = ctx.render(
        "knowledge/stats/indicator.html",
        minijinja::context! {
            indicator => &body.indicator, title => &body.title, years => &body.years, year => body.year,
            level => body.level, level_word => &body.level_word, benchmark => b.as_str(),
            synthetic => body.synthetic, chosen => q.area.clone().unwrap_or_default(), scope => scope.as_str(),
            body => &body.html,
        },
    );
    ph.mark("render_shell");
    page
}

async fn theme_page(
    ctx: PageCtx,
    Path(theme): Path<String>,
    Query(q): Query<ViewQuery>,
) -> AppResult<Html<String>> {
    let themes = ctx.state.themes().await?;
    let th = themes
        .iter()
        .find(|t| t.slug == theme)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let area_id = q.areas().first().copied();
    let region = flags::home_region(&ctx.state.db).await?;
    let Some(focus) = area_id.or(region.as_ref().map(|r| r.id)) else {
        return Err(AppError::NotFound);
    };
    let params = Params {
        theme: Some(&theme),
        ..q.params()
    };
    let p = profile::cached(&ctx.state, focus, params).await?;
    let t = |k: &str| ctx.t(k);
    let rows = views::profile_rows(&p, ctx.lang, &t);
    let list = flags::flags(
        &ctx.state.db,
        area_id,
        Some(&theme),
        q.set.as_deref(),
        params.level,
        sees_drafts(&ctx.viewer),
    )
    .await?;
    let flags = super::explained(&ctx.state, ctx.lang, list);
    let municipalities = match &region {
        Some(r) => {
            store::members(
                &ctx.state.db,
                r.id,
                chrono::Datelike::year(&chrono::Utc::now()),
            )
            .await?
        }
        None => Vec::new(),
    };
    let choices: Vec<(i64, String)> = municipalities
        .iter()
        .map(|m| (m.id, m.name(ctx.lang).to_owned()))
        .collect();
    ctx.render(
        "knowledge/stats/theme.html",
        minijinja::context! {
            theme => th, area_name => p.area.name(ctx.lang), area_id, choices, rows, flags,
            level => p.level, level_word => flags::level_word(p.level, ctx.lang), benchmark => p.benchmark.as_str(),
            synthetic => p.synthetic,
        },
    )
}

async fn flags_page(ctx: PageCtx, Query(q): Query<ViewQuery>) -> AppResult<Html<String>> {
    let area = q.areas().first().copied();
    let level = model::level(q.level.as_deref());
    let theme = q.theme.as_deref().filter(|t| !t.is_empty());
    let list = flags::flags(
        &ctx.state.db,
        area,
        theme,
        q.set.as_deref(),
        level,
        sees_drafts(&ctx.viewer),
    )
    .await?;
    let synthetic = list.iter().any(|f| f.synthetic);
    let flags = super::explained(&ctx.state, ctx.lang, list);
    let themes = ctx.state.themes().await?;
    let region = flags::home_region(&ctx.state.db).await?;
    let municipalities = match &region {
        Some(r) => {
            store::members(
                &ctx.state.db,
                r.id,
                chrono::Datelike::year(&chrono::Utc::now()),
            )
            .await?
        }
        None => Vec::new(),
    };
    let choices: Vec<(i64, String)> = municipalities
        .iter()
        .map(|m| (m.id, m.name(ctx.lang).to_owned()))
        .collect();
    ctx.render(
        "knowledge/stats/flags.html",
        minijinja::context! {
            flags, themes, choices, area, theme, level => model::level_str(level), synthetic,
        },
    )
}

async fn targets_form(
    ctx: &PageCtx,
    id: i64,
    input: Option<&RawForm>,
    errors: &FieldErrors,
) -> AppResult<Html<String>> {
    let goal = goals::goal(&ctx.state.db, id, sees_drafts(&ctx.viewer)).await?;
    let mut judged = goals::judge_goal_targets(&ctx.state.db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    judged.sort_by_key(|j| j.target_id);
    let inds = store::indicators(&ctx.state.db, None, None).await?;
    let names: std::collections::HashMap<i64, String> = inds
        .iter()
        .map(|i| (i.id, i.title(ctx.lang).to_owned()))
        .collect();
    let region = flags::home_region(&ctx.state.db).await?;
    let mut areas = match &region {
        Some(r) => {
            store::members(
                &ctx.state.db,
                r.id,
                chrono::Datelike::year(&chrono::Utc::now()),
            )
            .await?
        }
        None => Vec::new(),
    };
    areas.extend(region);
    let area_names: std::collections::HashMap<i64, String> = areas
        .iter()
        .map(|a| (a.id, a.name(ctx.lang).to_owned()))
        .collect();
    let f = |v: f64| fmt(ctx.lang, 2).format(v);
    let rows: Vec<_> = judged
        .iter()
        .map(|j| minijinja::context! {
            id => j.target_id, indicator => names.get(&j.indicator_id).cloned().unwrap_or_default(),
            area => area_names.get(&j.area_id).cloned().unwrap_or_else(|| j.area_id.to_string()),
            baseline => f(j.baseline_value), baseline_year => j.baseline_year, target => f(j.target_value), target_year => j.target_year,
            latest => j.latest_value.map(f), latest_year => j.latest_year, path => j.path_value.map(f), status => j.status, synthetic => j.synthetic,
        })
        .collect();
    let ind_options: Vec<(i64, String)> = inds
        .iter()
        .map(|i| (i.id, i.title(ctx.lang).to_owned()))
        .collect();
    let area_options: Vec<(i64, String)> = areas
        .iter()
        .map(|a| (a.id, a.name(ctx.lang).to_owned()))
        .collect();
    let value = |k: &str| input.map(|f| f.get(k)).unwrap_or_default();
    ctx.render(
        "knowledge/stats/targets.html",
        minijinja::context! {
            goal_id => goal.id, goal_title => ctx.lang.pick(&goal.title_fi, &goal.title_sv, &goal.title_en).to_owned(),
            goal_title_fi => &goal.title_fi,
            rows, ind_options, area_options, errors => &errors.0, can_edit => can_edit(&ctx.viewer),
            form => minijinja::context! {
                indicator_id => value("indicator_id"), area_id => value("area_id"), baseline_value => value("baseline_value"),
                baseline_year => value("baseline_year"), target_value => value("target_value"), target_year => value("target_year"),
            },
        },
    )
}

async fn targets_page(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    targets_form(&ctx, id, None, &FieldErrors::new()).await
}

/// Reads the target form; unreadable numbers are field errors.
fn target_input(form: &RawForm) -> Result<TargetInput, FieldErrors> {
    let mut e = FieldErrors::new();
    let num = |e: &mut FieldErrors, k: &str| -> f64 {
        let s = form
            .get(k)
            .trim()
            .replace(',', ".")
            .replace('\u{2212}', "-");
        s.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .unwrap_or_else(|| {
                e.add(
                    k,
                    if s.is_empty() {
                        "error-required"
                    } else {
                        "stats-error-number"
                    },
                );
                0.0
            })
    };
    let int = |e: &mut FieldErrors, k: &str, key: &str| -> i64 {
        let s = form.get(k);
        s.trim().parse::<i64>().unwrap_or_else(|_| {
            e.add(
                k,
                if s.trim().is_empty() {
                    "error-required"
                } else {
                    key
                },
            );
            0
        })
    };
    let input = TargetInput {
        indicator_id: int(&mut e, "indicator_id", "error-choice"),
        area_id: int(&mut e, "area_id", "error-choice"),
        baseline_value: num(&mut e, "baseline_value"),
        baseline_year: int(&mut e, "baseline_year", "stats-error-year").clamp(0, 9999) as i32,
        target_value: num(&mut e, "target_value"),
        target_year: int(&mut e, "target_year", "stats-error-year").clamp(0, 9999) as i32,
    };
    e.into_result(input)
}

async fn add_target(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    crate::plan::require(&ctx.viewer, can_edit(&ctx.viewer))?;
    goals::goal(&ctx.state.db, id, true).await?;
    let result = match target_input(&form) {
        Ok(input) => goals::create(&ctx.state.db, id, &input, &ctx.viewer.actor())
            .await
            .map(|_| ()),
        Err(e) => Err(AppError::Validation(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/goals/{id}/targets?saved=1")).into_response()),
        Err(err) => {
            crate::web::forms::redisplay(err, |errors, _| async move {
                targets_form(&ctx, id, Some(&form), &errors).await
            })
            .await
        }
    }
}

async fn delete_target(ctx: PageCtx, Path((id, target)): Path<(i64, i64)>) -> AppResult<Response> {
    crate::plan::require(&ctx.viewer, can_edit(&ctx.viewer))?;
    let t = goals::get(&ctx.state.db, target).await?;
    if t.goal_id != id {
        return Err(AppError::NotFound);
    }
    goals::delete(&ctx.state.db, target, &ctx.viewer.actor()).await?;
    Ok(Redirect::to(&format!("/goals/{id}/targets?deleted=1")).into_response())
}
