//! The report pages under `/plans/{id}/reports`: the list (and a form for a new period),
//! a draft report, the narratives' form, publishing, the published snapshot, the
//! comparison of the draft with it, the PDFs, and starting the next plan.
//!
//! Drafts (the live report, the comparison, the draft PDF) are for those who see
//! unpublished plans (`plan::sees_unpublished`; the public gets 404); a published snapshot
//! of a published plan is public; coordinators create, write, publish and start plans.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::model::*;
use super::{RenderCtx, ReportData, store};
use crate::error::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::plan::{can_edit_plans, require, sees_unpublished};
use crate::web::forms::RawForm;
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/reports", get(list).post(create))
        .route("/plans/{id}/reports/{rid}", get(draft))
        .route("/plans/{id}/reports/{rid}/edit", get(edit_form).post(save))
        .route("/plans/{id}/reports/{rid}/publish", post(publish))
        .route("/plans/{id}/reports/{rid}/published", get(published))
        .route("/plans/{id}/reports/{rid}/compare", get(compare))
        .route("/plans/{id}/reports/{rid}/draft.pdf", get(draft_pdf))
        .route(
            "/plans/{id}/reports/{rid}/published.pdf",
            get(published_pdf),
        )
        .route("/plans/{id}/reports/{rid}/next-plan", post(next_plan))
}

fn rcx(ctx: &PageCtx) -> RenderCtx<'_> {
    RenderCtx {
        lang: ctx.lang,
        state: &ctx.state,
    }
}

/// A report the viewer may see as a draft: its plan visible and the viewer signed in.
async fn draft_report(
    ctx: &PageCtx,
    id: i64,
    rid: i64,
) -> AppResult<(crate::plan::model::Plan, Report)> {
    if !sees_unpublished(&ctx.viewer) {
        return Err(AppError::NotFound);
    }
    let plan = crate::plan::store::get_plan(&ctx.state.db, id, true).await?;
    let report = store::get(&ctx.state.db, id, rid).await?;
    Ok((plan, report))
}

/// The report's current (draft) data.
pub async fn live_data(
    db: &crate::db::Db,
    plan: &crate::plan::model::Plan,
    r: &Report,
) -> AppResult<ReportData> {
    super::build(db, plan, r.from_year, r.to_year, &r.narratives).await
}

async fn list(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    list_page(&ctx, id, FieldErrors::new(), &ReportInput::default()).await
}

async fn list_page(
    ctx: &PageCtx,
    id: i64,
    errors: FieldErrors,
    typed: &ReportInput,
) -> AppResult<Html<String>> {
    let plan =
        crate::plan::store::get_plan(&ctx.state.db, id, sees_unpublished(&ctx.viewer)).await?;
    let mut reports = store::list(&ctx.state.db, id).await?;
    if !sees_unpublished(&ctx.viewer) {
        reports.retain(|r| r.published_at.is_some());
    }
    let (from, to) = if typed.from_year == 0 {
        (plan.start_year, plan.start_year)
    } else {
        (typed.from_year, typed.to_year)
    };
    ctx.render(
        "plan_report/list.html",
        minijinja::context! {
            plan => &plan,
            reports => reports,
            drafts => sees_unpublished(&ctx.viewer),
            can_edit => can_edit_plans(&ctx.viewer),
            errors => errors.0,
            from_year => from,
            to_year => to,
        },
    )
}

fn year(form: &RawForm, key: &str) -> i32 {
    form.get(key).trim().parse().unwrap_or(-1)
}

async fn create(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    crate::plan::store::get_plan(&ctx.state.db, id, true).await?;
    let input = ReportInput {
        from_year: year(&form, "from_year"),
        to_year: year(&form, "to_year"),
    };
    match store::create(&ctx.state.db, id, &input, &ctx.viewer.actor()).await {
        Ok(r) => Ok(Redirect::to(&format!("/plans/{id}/reports/{}", r.id)).into_response()),
        Err(AppError::Validation(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            list_page(&ctx, id, errors, &input).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

async fn draft(ctx: PageCtx, Path((id, rid)): Path<(i64, i64)>) -> AppResult<Html<String>> {
    let (plan, report) = draft_report(&ctx, id, rid).await?;
    let data = live_data(&ctx.state.db, &plan, &report).await?;
    let body = super::render_html(&data, &rcx(&ctx))?;
    ctx.render(
        "plan_report/show.html",
        minijinja::context! {
            plan => &plan,
            report => &report,
            body => minijinja::Value::from_safe_string(body),
            draft => true,
            can_edit => can_edit_plans(&ctx.viewer),
            next => next_defaults(&plan),
        },
    )
}

fn next_defaults(plan: &crate::plan::model::Plan) -> NextPlanInput {
    let span = plan.end_year - plan.start_year;
    let title = plan.title_fi.replace(
        &format!("{}–{}", plan.start_year, plan.end_year),
        &format!("{}–{}", plan.end_year + 1, plan.end_year + 1 + span),
    );
    NextPlanInput {
        title_fi: title,
        title_sv: String::new(),
        start_year: plan.end_year + 1,
        end_year: plan.end_year + 1 + span,
    }
}

async fn edit_form(ctx: PageCtx, Path((id, rid)): Path<(i64, i64)>) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let (plan, report) = draft_report(&ctx, id, rid).await?;
    edit_page(
        &ctx,
        &plan,
        &report,
        &report.narratives,
        report.version,
        FieldErrors::new(),
        None,
    )
    .await
}

async fn edit_page(
    ctx: &PageCtx,
    plan: &crate::plan::model::Plan,
    report: &Report,
    typed: &std::collections::BTreeMap<String, String>,
    version: i64,
    errors: FieldErrors,
    conflict: Option<&'static str>,
) -> AppResult<Html<String>> {
    let promises = crate::plan::store::tree(&ctx.state.db, plan.id, true)
        .await?
        .promises;
    let fields: Vec<_> = std::iter::once(("intro".to_owned(), ctx.t("report-intro")))
        .chain(promises.iter().map(|p| {
            (
                format!("promise-{}", p.promise.id),
                ctx.lang
                    .pick(
                        &p.promise.title_fi,
                        &p.promise.title_sv,
                        &p.promise.title_en,
                    )
                    .to_owned(),
            )
        }))
        .collect();
    ctx.render(
        "plan_report/edit.html",
        minijinja::context! {
            plan => plan,
            report => report,
            fields => fields,
            values => typed,
            version => version,
            errors => errors.0,
            conflict => conflict,
            saved => &report.narratives,
        },
    )
}

async fn save(
    ctx: PageCtx,
    Path((id, rid)): Path<(i64, i64)>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let (plan, report) = draft_report(&ctx, id, rid).await?;
    let promise_ids: Vec<i64> = crate::plan::store::tree(&ctx.state.db, id, true)
        .await?
        .promises
        .iter()
        .map(|p| p.promise.id)
        .collect();
    let mut narratives = std::collections::BTreeMap::new();
    for key in std::iter::once("intro".to_owned())
        .chain(promise_ids.iter().map(|p| format!("promise-{p}")))
    {
        narratives.insert(key.clone(), form.get(&key));
    }
    let version = form.get("version").trim().parse().ok();
    let input = NarrativesInput {
        narratives,
        version,
    };
    match store::save_narratives(
        &ctx.state.db,
        &report,
        &input,
        &promise_ids,
        &ctx.viewer.actor(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}/reports/{rid}")).into_response()),
        Err(AppError::Validation(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            edit_page(
                &ctx,
                &plan,
                &report,
                &input.narratives,
                version.unwrap_or(report.version),
                errors,
                None,
            )
            .await?,
        )
            .into_response()),
        Err(AppError::Conflict(key)) => {
            let current = store::get(&ctx.state.db, id, rid).await?;
            Ok((
                StatusCode::CONFLICT,
                edit_page(
                    &ctx,
                    &plan,
                    &current,
                    &input.narratives,
                    current.version,
                    FieldErrors::new(),
                    Some(key),
                )
                .await?,
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}

/// Freezes the report as it is now: its data and its body in fi, sv and en.
pub async fn publish_report(
    state: &AppState,
    plan: &crate::plan::model::Plan,
    report: &Report,
    actor: &crate::auth::Actor,
) -> AppResult<Snapshot> {
    let data = live_data(&state.db, plan, report).await?;
    let mut html = Vec::new();
    for lang in crate::i18n::Lang::ALL {
        html.push(super::render_html(&data, &RenderCtx { lang, state })?);
    }
    let json = serde_json::to_string(&data).map_err(|e| AppError::Internal(e.into()))?;
    store::publish(
        &state.db,
        report,
        &json,
        [&html[0], &html[1], &html[2]],
        actor,
    )
    .await
}

async fn publish(ctx: PageCtx, Path((id, rid)): Path<(i64, i64)>) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let (plan, report) = draft_report(&ctx, id, rid).await?;
    publish_report(&ctx.state, &plan, &report, &ctx.viewer.actor()).await?;
    Ok(Redirect::to(&format!("/plans/{id}/reports/{rid}/published")).into_response())
}

/// The published snapshot of a report of a plan the viewer sees.
async fn snapshot(
    ctx: &PageCtx,
    id: i64,
    rid: i64,
) -> AppResult<(crate::plan::model::Plan, Report, Snapshot)> {
    let plan =
        crate::plan::store::get_plan(&ctx.state.db, id, sees_unpublished(&ctx.viewer)).await?;
    let report = store::get(&ctx.state.db, id, rid).await?;
    let snap = store::latest_snapshot(&ctx.state.db, rid)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((plan, report, snap))
}

async fn published(ctx: PageCtx, Path((id, rid)): Path<(i64, i64)>) -> AppResult<Html<String>> {
    let (plan, report, snap) = snapshot(&ctx, id, rid).await?;
    ctx.render(
        "plan_report/show.html",
        minijinja::context! {
            plan => &plan,
            report => &report,
            body => minijinja::Value::from_safe_string(snap.html(ctx.lang).to_owned()),
            draft => false,
            published_at => snap.published_at.to_rfc3339(),
            can_edit => can_edit_plans(&ctx.viewer),
            next => next_defaults(&plan),
        },
    )
}

async fn compare(ctx: PageCtx, Path((id, rid)): Path<(i64, i64)>) -> AppResult<Html<String>> {
    let (plan, report) = draft_report(&ctx, id, rid).await?;
    let snap = store::latest_snapshot(&ctx.state.db, rid).await?;
    let cx = rcx(&ctx);
    let draft = live_data(&ctx.state.db, &plan, &report).await?;
    let new = super::figures(&draft, &cx);
    let old = snap
        .as_ref()
        .and_then(Snapshot::report_data)
        .map(|d| super::figures(&d, &cx));
    let fmt = |v: Option<f64>| {
        v.map(|x| cx.num(x, if x.fract() == 0.0 { 0 } else { 2 }))
            .unwrap_or_else(|| "–".into())
    };
    let diffs: Vec<_> = old
        .as_ref()
        .map(|old| super::compare(old, &new))
        .unwrap_or_default()
        .into_iter()
        .map(|d| (d.label, fmt(d.published), fmt(d.draft)))
        .collect();
    ctx.render(
        "plan_report/compare.html",
        minijinja::context! {
            plan => &plan,
            report => &report,
            published => snap.is_some(),
            diffs => diffs,
        },
    )
}

fn pdf_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn draft_pdf(ctx: PageCtx, Path((id, rid)): Path<(i64, i64)>) -> AppResult<Response> {
    let (plan, report) = draft_report(&ctx, id, rid).await?;
    let data = live_data(&ctx.state.db, &plan, &report).await?;
    let note = ctx.t("report-draft-note");
    let bytes = super::pdf::render(&data, &rcx(&ctx), &note).await?;
    Ok(pdf_response(bytes, &format!("report-{rid}-draft.pdf")))
}

async fn published_pdf(ctx: PageCtx, Path((id, rid)): Path<(i64, i64)>) -> AppResult<Response> {
    let (_, _, snap) = snapshot(&ctx, id, rid).await?;
    let data = snap
        .report_data()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("snapshot {} unreadable", snap.id)))?;
    let note = format!(
        "{} {}",
        ctx.t("report-published-on"),
        snap.published_at.date_naive()
    );
    let bytes = super::pdf::render(&data, &rcx(&ctx), &note).await?;
    Ok(pdf_response(bytes, &format!("report-{rid}.pdf")))
}

async fn next_plan(
    ctx: PageCtx,
    Path((id, rid)): Path<(i64, i64)>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let (_, report) = draft_report(&ctx, id, rid).await?;
    let input = NextPlanInput {
        title_fi: form.get("title_fi"),
        title_sv: form.get("title_sv"),
        start_year: year(&form, "start_year"),
        end_year: year(&form, "end_year"),
    };
    let new = store::next_plan(&ctx.state.db, &report, &input, &ctx.viewer.actor()).await?;
    Ok(Redirect::to(&format!("/plans/{new}")).into_response())
}
