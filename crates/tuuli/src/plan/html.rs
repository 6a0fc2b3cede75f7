//! Plan pages: the list of plans, a plan's tree (promise → goal → action with status in
//! words and symbols, progress bars, roll-ups, stale flags, filters), a goal, an action with
//! its progress history and the "report progress" form, the timeline, the resources and
//! the public accountability page. The forms are in `html_forms.rs`.
//!
//! Who sees what: the rule of `plan::sees_unpublished` on every page — an unpublished plan,
//! its goals and actions are 404 for the public. Anyone may read a published plan's pages;
//! `/plans/{id}/public` is its accountability page without filters, edit links or any
//! person's name.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query};
use axum::response::Html;
use axum::routing::{get, post};
use minijinja::Value;
use tuuli_charts::{
    Bar, BarChart, ChartText, NumberFormat, Progress, ProgressLabels, TableRow, html_table,
};

use super::views::{self, PlanFilter, PlanView, Shares};
use super::{can_edit_plans, can_report_progress, sees_unpublished, store};
use crate::core::kinds::PROGRESS_STATUSES;
use crate::error::{AppResult, FieldErrors};
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/plans",
            get(list_page).post(super::html_forms::create_plan),
        )
        .route("/plans/new", get(super::html_forms::new_plan))
        .route("/plans/{id}", get(plan_page))
        .route(
            "/plans/{id}/edit",
            get(super::html_forms::edit_plan).post(super::html_forms::update_plan),
        )
        .route("/plans/{id}/public", get(public_page))
        .route("/plans/{id}/timeline", get(timeline_page))
        .route("/plans/{id}/resources", get(resources_page))
        .route(
            "/plans/{id}/promises/new",
            get(super::html_forms::new_promise),
        )
        .route(
            "/plans/{id}/promises",
            post(super::html_forms::create_promise),
        )
        .route(
            "/promises/{id}/edit",
            get(super::html_forms::edit_promise).post(super::html_forms::update_promise),
        )
        .route(
            "/promises/{id}/delete",
            post(super::html_forms::delete_promise),
        )
        .route("/promises/{id}/goals/new", get(super::html_forms::new_goal))
        .route("/promises/{id}/goals", post(super::html_forms::create_goal))
        .route("/goals/{id}", get(goal_page))
        .route(
            "/goals/{id}/edit",
            get(super::html_forms::edit_goal).post(super::html_forms::update_goal),
        )
        .route("/goals/{id}/delete", post(super::html_forms::delete_goal))
        .route(
            "/goals/{id}/actions/new",
            get(super::html_forms::new_action),
        )
        .route(
            "/goals/{id}/actions",
            post(super::html_forms::create_action),
        )
        .route("/actions/{id}", get(action_page))
        .route(
            "/actions/{id}/edit",
            get(super::html_forms::edit_action).post(super::html_forms::update_action),
        )
        .route(
            "/actions/{id}/delete",
            post(super::html_forms::delete_action),
        )
        .route(
            "/actions/{id}/progress",
            post(super::html_forms::add_progress),
        )
}

/// Today in Helsinki, the day the stale rule counts to.
pub(super) fn today() -> chrono::NaiveDate {
    crate::core::time::local_now().date()
}

fn tr(ctx: &PageCtx, key: &str, args: &[(&str, String)]) -> String {
    ctx.state.i18n.t(ctx.lang, key, args)
}

/// A roll-up as a progress bar (SVG, `role="img"`, title and desc) and the same numbers as a
/// table, both safe HTML for the template.
pub(super) fn progress_chart(ctx: &PageCtx, id: &str, title: &str, s: &Shares) -> Value {
    let c = &s.counts;
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    let p = Progress {
        done: n(c.done),
        on_track: n(c.on_track),
        delayed: n(c.delayed),
        not_started: n(c.not_started),
    };
    let (done, on_track, delayed, not_started, cancelled) = (
        ctx.t("plan-status-done"),
        ctx.t("plan-status-on_track"),
        ctx.t("plan-status-delayed"),
        ctx.t("plan-status-not_started"),
        ctx.t("plan-status-cancelled"),
    );
    let labels = ProgressLabels {
        done: &done,
        on_track: &on_track,
        delayed: &delayed,
        not_started: &not_started,
    };
    let desc = tr(
        ctx,
        "plan-chart-desc",
        &[
            ("total", c.total.to_string()),
            ("done", c.done.to_string()),
            ("on_track", c.on_track.to_string()),
            ("delayed", c.delayed.to_string()),
            ("not_started", c.not_started.to_string()),
            ("cancelled", c.cancelled.to_string()),
        ],
    );
    let empty = ctx.t("plan-no-actions");
    let text = ChartText {
        id,
        title,
        desc: &desc,
        empty: &empty,
    };
    let fmt = NumberFormat::for_locale(ctx.lang.code(), 0);
    let svg = p.svg(&text, &labels, fmt);
    let mut rows = p.table_rows(&labels);
    for (row, pct) in
        rows.iter_mut()
            .zip([s.done_pct, s.on_track_pct, s.delayed_pct, s.not_started_pct])
    {
        row.cells.push(Some(pct as f64));
    }
    rows.push(TableRow {
        header: cancelled,
        cells: vec![Some(c.cancelled as f64), Some(s.cancelled_pct as f64)],
    });
    let table = html_table(
        title,
        &[
            &ctx.t("plan-col-status"),
            &ctx.t("plan-col-actions"),
            &ctx.t("plan-col-share"),
        ],
        &rows,
        fmt,
        "..",
    );
    Value::from_safe_string(format!(
        r#"<div class="plan-chart">{svg}<details class="chart-table"><summary>{}</summary>{table}</details></div>"#,
        minijinja::HtmlEscape(&ctx.t("plan-show-table"))
    ))
}

/// The progress bars of a plan view: the plan's and each promise's, by promise id.
fn charts(ctx: &PageCtx, view: &PlanView) -> (Value, HashMap<String, Value>) {
    let plan_title = tr(
        ctx,
        "plan-chart-title",
        &[(
            "name",
            pick(ctx, &view.plan.title_fi, &view.plan.title_sv, ""),
        )],
    );
    let plan = progress_chart(ctx, "plan-progress", &plan_title, &view.rollup);
    let promises = view
        .promises
        .iter()
        .map(|p| {
            let name = pick(
                ctx,
                &p.promise.title_fi,
                &p.promise.title_sv,
                &p.promise.title_en,
            );
            let title = tr(ctx, "plan-chart-title", &[("name", name)]);
            (
                p.promise.id.to_string(),
                progress_chart(
                    ctx,
                    &format!("promise-{}-progress", p.promise.id),
                    &title,
                    &p.rollup,
                ),
            )
        })
        .collect();
    (plan, promises)
}

fn pick(ctx: &PageCtx, fi: &str, sv: &str, en: &str) -> String {
    ctx.lang.pick(fi, sv, en).to_owned()
}

fn status_options() -> Vec<(&'static str, String)> {
    PROGRESS_STATUSES
        .iter()
        .map(|s| (*s, format!("plan-status-{s}")))
        .collect()
}

async fn list_page(ctx: PageCtx) -> AppResult<Html<String>> {
    let plans = store::list_plans(&ctx.state.db, sees_unpublished(&ctx.viewer)).await?;
    ctx.render(
        "plan/plans.html",
        minijinja::context! { plans, can_edit => can_edit_plans(&ctx.viewer) },
    )
}

/// Each goal's indicator targets (issue 9) counted by judgement, keyed by the goal's id as
/// text: `[on track, off track, without data]`; every goal asked for has an entry.
async fn target_counts(
    db: &crate::db::Db,
    goal_ids: &[i64],
) -> AppResult<std::collections::HashMap<String, [usize; 3]>> {
    let judged = crate::knowledge::stats::goals::judge_goal_targets(db, goal_ids).await?;
    Ok(goal_ids
        .iter()
        .map(|id| {
            let mut c = [0; 3];
            for j in judged.get(id).into_iter().flatten() {
                c[match j.status {
                    "on_track" => 0,
                    "off_track" => 1,
                    _ => 2,
                }] += 1;
            }
            (id.to_string(), c)
        })
        .collect())
}

async fn plan_page(
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(filter): Query<PlanFilter>,
) -> AppResult<Html<String>> {
    let view = views::plan_view(
        &ctx.state.db,
        id,
        sees_unpublished(&ctx.viewer),
        &filter,
        today(),
        ctx.state.config.stale_days,
    )
    .await?;
    let (plan_chart, promise_charts) = charts(&ctx, &view);
    let goal_ids: Vec<i64> = view
        .promises
        .iter()
        .flat_map(|p| p.goals.iter().map(|g| g.goal.id))
        .collect();
    let targets = target_counts(&ctx.state.db, &goal_ids).await?;
    ctx.render(
        "plan/plan.html",
        minijinja::context! {
            view, filter, plan_chart, promise_charts, targets,
            filtered => !filter.is_empty(),
            themes => ctx.state.themes().await?,
            municipality_options => ctx.state.municipality_options(ctx.lang, Some(filter.municipality.as_str())).await?,
            statuses => status_options(),
            stale_days => ctx.state.config.stale_days,
            can_edit => can_edit_plans(&ctx.viewer),
        },
    )
}

async fn public_page(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let view = views::plan_view(
        &ctx.state.db,
        id,
        sees_unpublished(&ctx.viewer),
        &PlanFilter::default(),
        today(),
        ctx.state.config.stale_days,
    )
    .await?;
    let (plan_chart, promise_charts) = charts(&ctx, &view);
    ctx.render(
        "plan/public.html",
        minijinja::context! {
            view, plan_chart, promise_charts,
            themes => ctx.state.themes().await?,
            stale_days => ctx.state.config.stale_days,
        },
    )
}

async fn goal_page(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    goal_page_with(&ctx, id, None).await
}

/// The goal with its actions; `conflict` when a delete was refused.
pub(super) async fn goal_page_with(
    ctx: &PageCtx,
    id: i64,
    conflict: Option<&str>,
) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    let goal = store::get_goal(db, id).await?;
    let promise = store::get_promise(db, goal.promise_id).await?;
    let view = views::plan_view(
        db,
        promise.plan_id,
        sees_unpublished(&ctx.viewer),
        &PlanFilter::default(),
        today(),
        ctx.state.config.stale_days,
    )
    .await?;
    let Some(vg) = view
        .promises
        .iter()
        .flat_map(|p| p.goals.iter())
        .find(|g| g.goal.id == id)
        .cloned()
    else {
        return Err(crate::error::AppError::NotFound);
    };
    let title = tr(
        ctx,
        "plan-chart-title",
        &[(
            "name",
            pick(ctx, &goal.title_fi, &goal.title_sv, &goal.title_en),
        )],
    );
    let chart = progress_chart(ctx, "goal-progress", &title, &vg.rollup);
    let targets = target_counts(db, &[id]).await?;
    ctx.render(
        "plan/goal.html",
        minijinja::context! {
            plan => view.plan, promise, goal => vg, chart, conflict, targets,
            themes => ctx.state.themes().await?,
            stale_days => ctx.state.config.stale_days,
            can_edit => can_edit_plans(&ctx.viewer),
        },
    )
}

async fn action_page(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    action_page_with(
        &ctx,
        id,
        &serde_json::Value::Null,
        &FieldErrors::new(),
        None,
    )
    .await
}

/// The action with everything about it, and the progress form with what was typed
/// (`progress` null for a fresh form) and its errors.
pub(super) async fn action_page_with(
    ctx: &PageCtx,
    id: i64,
    progress: &serde_json::Value,
    errors: &FieldErrors,
    conflict: Option<&str>,
) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    let action = super::visible_action(db, &ctx.viewer, id).await?;
    let plan = store::get_plan(db, action.plan_id, true).await?;
    let goal = store::get_goal(db, action.goal_id).await?;
    let promise = store::get_promise(db, goal.promise_id).await?;
    let history = views::progress_history(db, id).await?;
    let (municipalities, organisations) = views::action_names(db, &action).await?;
    let latest = history.first();
    let status = latest.map_or("not_started", |p| p.status.as_str());
    let stale = super::stale::is_stale(
        status,
        latest.map(|p| p.report_date),
        action.start_date,
        action.created_at.date_naive(),
        today(),
        ctx.state.config.stale_days,
    );
    let euros_used: Option<f64> = history
        .iter()
        .filter_map(|p| p.euros_used)
        .reduce(|a, b| a + b);
    let days_used: Option<f64> = history
        .iter()
        .filter_map(|p| p.days_used)
        .reduce(|a, b| a + b);
    let decision_meeting: Option<i64> = match action.source_decision_id {
        Some(d) => {
            crate::with_db!(db, p => sqlx::query_scalar::<_, i64>("SELECT meeting_id FROM decisions WHERE id = $1").bind(d).fetch_optional(p).await)?
        }
        None => None,
    };
    let can_report = can_report_progress(db, &ctx.viewer, id).await?;
    let progress = if progress.is_null() {
        serde_json::json!({
            "report_date": today().to_string(),
            "status": status,
            "percent": latest.map_or(0, |p| p.percent).to_string(),
        })
    } else {
        progress.clone()
    };
    ctx.render(
        "plan/action.html",
        minijinja::context! {
            action, plan, goal, promise, history, municipalities, organisations,
            status, stale, euros_used, days_used, decision_meeting, conflict,
            percent => latest.map_or(0, |p| p.percent),
            progress, errors => errors.0,
            statuses => status_options(),
            themes => ctx.state.themes().await?,
            stale_days => ctx.state.config.stale_days,
            can_report,
            can_edit => can_edit_plans(&ctx.viewer),
            show_authors => ctx.viewer.signed_in(),
        },
    )
}

async fn timeline_page(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let view = views::plan_view(
        &ctx.state.db,
        id,
        sees_unpublished(&ctx.viewer),
        &PlanFilter::default(),
        today(),
        ctx.state.config.stale_days,
    )
    .await?;
    let (years, rows) = views::timeline(&view);
    ctx.render(
        "plan/timeline.html",
        minijinja::context! { plan => view.plan, years, rows },
    )
}

async fn resources_page(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let view = views::plan_view(
        &ctx.state.db,
        id,
        sees_unpublished(&ctx.viewer),
        &PlanFilter::default(),
        today(),
        ctx.state.config.stale_days,
    )
    .await?;
    let themes = ctx.state.themes().await?;
    let res = views::resources(&view, &themes);
    // Planned and used euros by promise: two bars each, the used one hatched and so named.
    let (planned, used) = (ctx.t("plan-planned"), ctx.t("plan-used"));
    let mut chart = BarChart::default();
    for s in &res.by_promise {
        let name = pick(&ctx, &s.name_fi, &s.name_sv, &s.name_en);
        chart.bars.push(Bar {
            label: format!("{name}: {planned}"),
            value: Some(s.planned_euros),
            ..Bar::default()
        });
        chart.bars.push(Bar {
            label: format!("{name}: {used}"),
            value: Some(s.euros_used),
            highlight: true,
            ..Bar::default()
        });
    }
    let title = ctx.t("plan-resources-chart-title");
    let desc = tr(
        &ctx,
        "plan-resources-chart-desc",
        &[
            (
                "planned",
                NumberFormat::for_locale(ctx.lang.code(), 0).format(res.total.planned_euros),
            ),
            (
                "used",
                NumberFormat::for_locale(ctx.lang.code(), 0).format(res.total.euros_used),
            ),
        ],
    );
    let empty = ctx.t("plan-no-actions");
    let svg = chart.svg(
        &ChartText {
            id: "resources-euros",
            title: &title,
            desc: &desc,
            empty: &empty,
        },
        NumberFormat::for_locale(ctx.lang.code(), 0),
    );
    ctx.render(
        "plan/resources.html",
        minijinja::context! {
            plan => view.plan, res,
            chart => Value::from_safe_string(svg),
        },
    )
}
