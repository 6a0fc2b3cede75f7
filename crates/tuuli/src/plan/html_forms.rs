//! The plan forms: create and edit a plan, a service promise, a goal and an action; report
//! progress; delete promises, goals and actions. Coordinators and admins edit; progress is
//! reported by those `can_report_progress` allows.
//!
//! A refused form is shown again with exactly what was typed (numbers that are not numbers
//! included) and each error next to its field (422); a save based on an older version shows
//! the saved values beside the typed ones (409). The action form's organisation chooser is
//! a search field (`org_q`) and a "Find" button that shows the form again with at most 30
//! matches — no JavaScript, and never the whole registry in a select.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use super::model::*;
use super::{can_edit_plans, can_report_progress, require, store};
use crate::core::kinds::PLAN_STATUSES;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::PageCtx;
use crate::web::conflict::{self, Change, EDIT_CONFLICT};
use crate::web::forms::{Check, RawForm};

const MULTI: &[&str] = &["organisations", "municipalities", "themes"];

/// What the user typed, as the template shows it: text per field, lists for the repeated ones.
fn typed(form: &RawForm) -> Value {
    let mut m = Map::new();
    for (k, _) in &form.0 {
        if k == "_csrf" || m.contains_key(k) {
            continue;
        }
        let v = if MULTI.contains(&k.as_str()) {
            Value::from(form.all(k))
        } else {
            Value::from(form.get(k))
        };
        m.insert(k.clone(), v);
    }
    for k in MULTI {
        m.entry(k.to_string())
            .or_insert_with(|| Value::Array(vec![]));
    }
    Value::Object(m)
}

/// A stored value as the form shows it: numbers and booleans as text, none as empty.
fn shown<T: Serialize>(v: &T) -> Value {
    fn text(v: Value) -> Value {
        match v {
            Value::Null => Value::from(""),
            Value::Bool(b) => Value::from(if b { "on" } else { "" }),
            Value::Number(n) => Value::from(n.to_string()),
            Value::Array(a) => Value::Array(a.into_iter().map(text).collect()),
            Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, text(v))).collect()),
            s => s,
        }
    }
    let mut v = text(serde_json::to_value(v).unwrap_or_default());
    if let Value::Object(m) = &mut v {
        for k in MULTI {
            m.entry(k.to_string())
                .or_insert_with(|| Value::Array(vec![]));
        }
    }
    v
}

/// Reads numbers from the form; a text that is not one is an error on its field.
struct Numbers<'a> {
    form: &'a RawForm,
    check: Check,
}

impl<'a> Numbers<'a> {
    fn new(form: &'a RawForm) -> Self {
        Numbers {
            form,
            check: Check::new(),
        }
    }
    fn int(&mut self, field: &str, default: i32) -> i32 {
        let v = self.form.get(field);
        if v.is_empty() {
            return default;
        }
        v.parse().unwrap_or_else(|_| {
            self.check.add(field, "error-plan-number");
            default
        })
    }
    fn amount(&mut self, field: &str) -> Option<f64> {
        let v = self.form.get(field).replace([' ', '\u{a0}'], "");
        if v.is_empty() {
            return None;
        }
        match v.replace(',', ".").parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                self.check.add(field, "error-plan-number");
                None
            }
        }
    }
    fn id(&mut self, field: &str) -> Option<i64> {
        self.check.id(field, &self.form.get(field))
    }
    fn ids(&mut self, field: &str) -> Vec<i64> {
        let mut out = Vec::new();
        for v in self.form.all(field) {
            match v.parse::<i64>() {
                Ok(n) if n > 0 => out.push(n),
                _ => self.check.add(field, "error-choice"),
            }
        }
        out
    }
    fn version(&mut self) -> Option<i64> {
        self.form.get("version").parse().ok()
    }
}

/// Everything a form template needs besides its own choices.
struct FormPage<'a> {
    template: &'static str,
    /// Where the form posts, and where Cancel leads.
    action: String,
    cancel: String,
    editing: bool,
    v: &'a Value,
    errors: &'a FieldErrors,
    conflict: Option<&'a str>,
    changes: &'a [Change],
}

fn render(ctx: &PageCtx, f: FormPage<'_>, extra: minijinja::Value) -> AppResult<Html<String>> {
    let base = minijinja::context! {
        action => f.action, cancel => f.cancel, editing => f.editing, v => f.v,
        errors => f.errors.0, conflict => f.conflict, changes => f.changes,
    };
    ctx.render(f.template, minijinja::context! { ..base, ..extra })
}

/// 422 for field errors, 409 for a conflict, with the page `page` renders.
async fn refused<Fut>(
    err: AppError,
    page: impl FnOnce(FieldErrors, Option<&'static str>) -> Fut,
) -> AppResult<Response>
where
    Fut: std::future::Future<Output = AppResult<Html<String>>>,
{
    crate::web::forms::redisplay(err, page).await
}

// ---- Plans -----------------------------------------------------------------------------

fn plan_input(form: &RawForm) -> (PlanInput, Check) {
    let mut n = Numbers::new(form);
    let input = PlanInput {
        title_fi: form.get("title_fi"),
        title_sv: form.get("title_sv"),
        start_year: n.int("start_year", 0),
        end_year: n.int("end_year", 0),
        status: form.get("status"),
        description: form.get("description"),
        published: form.checked("published"),
        based_on: form.get("based_on"),
        version: n.version(),
    };
    (input, n.check)
}

fn plan_values(p: &Plan) -> PlanInput {
    PlanInput {
        title_fi: p.title_fi.clone(),
        title_sv: p.title_sv.clone(),
        start_year: p.start_year,
        end_year: p.end_year,
        status: p.status.clone(),
        description: p.description.clone(),
        published: p.published,
        based_on: p.based_on.clone(),
        version: Some(p.version),
    }
}

fn plan_form(
    ctx: &PageCtx,
    id: Option<i64>,
    v: &Value,
    errors: &FieldErrors,
    conflict: Option<&str>,
    changes: &[Change],
) -> AppResult<Html<String>> {
    let statuses: Vec<(&str, String)> = PLAN_STATUSES
        .iter()
        .map(|s| (*s, format!("plan-plan-status-{s}")))
        .collect();
    render(
        ctx,
        FormPage {
            template: "plan/plan_form.html",
            action: id.map_or("/plans".into(), |i| format!("/plans/{i}/edit")),
            cancel: id.map_or("/plans".into(), |i| format!("/plans/{i}")),
            editing: id.is_some(),
            v,
            errors,
            conflict,
            changes,
        },
        minijinja::context! { statuses },
    )
}

pub(super) async fn new_plan(ctx: PageCtx) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let year = chrono::Datelike::year(&super::html::today());
    let v = serde_json::json!({"status": "draft", "start_year": year.to_string(), "end_year": (year + 3).to_string()});
    plan_form(&ctx, None, &v, &FieldErrors::new(), None, &[])
}

pub(super) async fn edit_plan(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let p = store::get_plan(&ctx.state.db, id, true).await?;
    plan_form(
        &ctx,
        Some(id),
        &shown(&plan_values(&p)),
        &FieldErrors::new(),
        None,
        &[],
    )
}

pub(super) async fn create_plan(ctx: PageCtx, form: RawForm) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let v = typed(&form);
    let (input, mut pre) = plan_input(&form);
    let result = if pre.errors.is_empty() {
        store::create_plan(&ctx.state.db, &input, &ctx.viewer.actor()).await
    } else {
        input.check(&mut pre);
        Err(AppError::Validation(pre.errors))
    };
    match result {
        Ok(p) => Ok(Redirect::to(&format!("/plans/{}?saved=1", p.id)).into_response()),
        Err(e) => {
            refused(e, |errors, c| async move {
                plan_form(&ctx, None, &v, &errors, c, &[])
            })
            .await
        }
    }
}

pub(super) async fn update_plan(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let mut v = typed(&form);
    let (input, mut pre) = plan_input(&form);
    let result = if pre.errors.is_empty() {
        store::update_plan(&ctx.state.db, id, &input, &ctx.viewer.actor()).await
    } else {
        input.check(&mut pre);
        Err(AppError::Validation(pre.errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?saved=1")).into_response()),
        Err(AppError::Conflict(EDIT_CONFLICT)) => {
            let saved = plan_values(&store::get_plan(&ctx.state.db, id, true).await?);
            let typed_input = PlanInput {
                version: saved.version,
                ..input
            };
            let changes = conflict::changes(&typed_input, &saved);
            set_version(&mut v, saved.version);
            let page = plan_form(
                &ctx,
                Some(id),
                &v,
                &FieldErrors::new(),
                Some(EDIT_CONFLICT),
                &changes,
            )?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => {
            refused(e, |errors, c| async move {
                plan_form(&ctx, Some(id), &v, &errors, c, &[])
            })
            .await
        }
    }
}

fn set_version(v: &mut Value, version: Option<i64>) {
    if let (Value::Object(m), Some(n)) = (v, version) {
        m.insert("version".into(), Value::from(n.to_string()));
    }
}

// ---- Service promises ------------------------------------------------------------------

fn promise_input(form: &RawForm, plan_id: i64) -> (PromiseInput, Check) {
    let mut n = Numbers::new(form);
    let input = PromiseInput {
        plan_id,
        position: n.int("position", 0),
        title_fi: form.get("title_fi"),
        title_sv: form.get("title_sv"),
        title_en: form.get("title_en"),
        version: n.version(),
    };
    (input, n.check)
}

fn promise_values(p: &Promise) -> PromiseInput {
    PromiseInput {
        plan_id: p.plan_id,
        position: p.position,
        title_fi: p.title_fi.clone(),
        title_sv: p.title_sv.clone(),
        title_en: p.title_en.clone(),
        version: Some(p.version),
    }
}

#[allow(clippy::too_many_arguments)]
fn promise_form(
    ctx: &PageCtx,
    plan: &Plan,
    id: Option<i64>,
    v: &Value,
    errors: &FieldErrors,
    conflict: Option<&str>,
    changes: &[Change],
) -> AppResult<Html<String>> {
    render(
        ctx,
        FormPage {
            template: "plan/promise_form.html",
            action: id.map_or(format!("/plans/{}/promises", plan.id), |i| {
                format!("/promises/{i}/edit")
            }),
            cancel: format!("/plans/{}", plan.id),
            editing: id.is_some(),
            v,
            errors,
            conflict,
            changes,
        },
        minijinja::context! { plan, id },
    )
}

pub(super) async fn new_promise(ctx: PageCtx, Path(plan_id): Path<i64>) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let plan = store::get_plan(&ctx.state.db, plan_id, true).await?;
    promise_form(
        &ctx,
        &plan,
        None,
        &serde_json::json!({"position": "0"}),
        &FieldErrors::new(),
        None,
        &[],
    )
}

pub(super) async fn create_promise(
    ctx: PageCtx,
    Path(plan_id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let plan = store::get_plan(&ctx.state.db, plan_id, true).await?;
    let v = typed(&form);
    let (input, mut pre) = promise_input(&form, plan_id);
    let result = if pre.errors.is_empty() {
        store::create_promise(&ctx.state.db, &input, &ctx.viewer.actor()).await
    } else {
        input.check(&mut pre);
        Err(AppError::Validation(pre.errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{plan_id}?saved=1")).into_response()),
        Err(e) => {
            refused(e, |errors, c| async move {
                promise_form(&ctx, &plan, None, &v, &errors, c, &[])
            })
            .await
        }
    }
}

pub(super) async fn edit_promise(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let p = store::get_promise(&ctx.state.db, id).await?;
    let plan = store::get_plan(&ctx.state.db, p.plan_id, true).await?;
    promise_form(
        &ctx,
        &plan,
        Some(id),
        &shown(&promise_values(&p)),
        &FieldErrors::new(),
        None,
        &[],
    )
}

pub(super) async fn update_promise(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let current = store::get_promise(&ctx.state.db, id).await?;
    let plan = store::get_plan(&ctx.state.db, current.plan_id, true).await?;
    let mut v = typed(&form);
    let (input, mut pre) = promise_input(&form, current.plan_id);
    let result = if pre.errors.is_empty() {
        store::update_promise(&ctx.state.db, id, &input, &ctx.viewer.actor()).await
    } else {
        input.check(&mut pre);
        Err(AppError::Validation(pre.errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{}?saved=1", plan.id)).into_response()),
        Err(AppError::Conflict(EDIT_CONFLICT)) => {
            let saved = promise_values(&store::get_promise(&ctx.state.db, id).await?);
            let changes = conflict::changes(
                &PromiseInput {
                    version: saved.version,
                    ..input
                },
                &saved,
            );
            set_version(&mut v, saved.version);
            let page = promise_form(
                &ctx,
                &plan,
                Some(id),
                &v,
                &FieldErrors::new(),
                Some(EDIT_CONFLICT),
                &changes,
            )?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => {
            refused(e, |errors, c| async move {
                promise_form(&ctx, &plan, Some(id), &v, &errors, c, &[])
            })
            .await
        }
    }
}

pub(super) async fn delete_promise(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let p = store::get_promise(&ctx.state.db, id).await?;
    match store::delete_promise(&ctx.state.db, id, &ctx.viewer.actor()).await {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{}?deleted=1", p.plan_id)).into_response()),
        Err(AppError::Conflict(key)) => {
            let plan = store::get_plan(&ctx.state.db, p.plan_id, true).await?;
            let page = promise_form(
                &ctx,
                &plan,
                Some(id),
                &shown(&promise_values(&p)),
                &FieldErrors::new(),
                Some(key),
                &[],
            )?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---- Goals -----------------------------------------------------------------------------

fn goal_input(form: &RawForm) -> (GoalInput, Check) {
    let mut n = Numbers::new(form);
    let promise_id = n.id("promise_id").unwrap_or(0);
    let input = GoalInput {
        promise_id,
        position: n.int("position", 0),
        title_fi: form.get("title_fi"),
        title_sv: form.get("title_sv"),
        title_en: form.get("title_en"),
        description: form.get("description"),
        themes: form.all("themes"),
        version: n.version(),
    };
    (input, n.check)
}

fn goal_values(g: &Goal) -> GoalInput {
    GoalInput {
        promise_id: g.promise_id,
        position: g.position,
        title_fi: g.title_fi.clone(),
        title_sv: g.title_sv.clone(),
        title_en: g.title_en.clone(),
        description: g.description.clone(),
        themes: g.themes.clone(),
        version: Some(g.version),
    }
}

#[allow(clippy::too_many_arguments)]
async fn goal_form(
    ctx: &PageCtx,
    plan: &Plan,
    promise_id: i64,
    id: Option<i64>,
    v: &Value,
    errors: &FieldErrors,
    conflict: Option<&str>,
    changes: &[Change],
) -> AppResult<Html<String>> {
    let promises = super::views::promise_choices(&ctx.state.db, plan.id).await?;
    render(
        ctx,
        FormPage {
            template: "plan/goal_form.html",
            action: id.map_or(format!("/promises/{promise_id}/goals"), |i| {
                format!("/goals/{i}/edit")
            }),
            cancel: id.map_or(format!("/plans/{}", plan.id), |i| format!("/goals/{i}")),
            editing: id.is_some(),
            v,
            errors,
            conflict,
            changes,
        },
        minijinja::context! { plan, promises, themes => ctx.state.themes().await? },
    )
}

pub(super) async fn new_goal(ctx: PageCtx, Path(promise_id): Path<i64>) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let pr = store::get_promise(&ctx.state.db, promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    let v = shown(&serde_json::json!({"promise_id": promise_id, "position": 0}));
    goal_form(
        &ctx,
        &plan,
        promise_id,
        None,
        &v,
        &FieldErrors::new(),
        None,
        &[],
    )
    .await
}

pub(super) async fn create_goal(
    ctx: PageCtx,
    Path(promise_id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let pr = store::get_promise(&ctx.state.db, promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    let v = typed(&form);
    let (input, mut pre) = goal_input(&form);
    let result = if pre.errors.is_empty() {
        store::create_goal(&ctx.state.db, &input, &ctx.viewer.actor()).await
    } else {
        input.check(&mut pre);
        Err(AppError::Validation(pre.errors))
    };
    match result {
        Ok(g) => Ok(Redirect::to(&format!("/goals/{}?saved=1", g.id)).into_response()),
        Err(e) => {
            refused(e, |errors, c| async move {
                goal_form(&ctx, &plan, promise_id, None, &v, &errors, c, &[]).await
            })
            .await
        }
    }
}

pub(super) async fn edit_goal(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let g = store::get_goal(&ctx.state.db, id).await?;
    let pr = store::get_promise(&ctx.state.db, g.promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    goal_form(
        &ctx,
        &plan,
        g.promise_id,
        Some(id),
        &shown(&goal_values(&g)),
        &FieldErrors::new(),
        None,
        &[],
    )
    .await
}

pub(super) async fn update_goal(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let g = store::get_goal(&ctx.state.db, id).await?;
    let pr = store::get_promise(&ctx.state.db, g.promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    let mut v = typed(&form);
    let (input, mut pre) = goal_input(&form);
    let result = if pre.errors.is_empty() {
        store::update_goal(&ctx.state.db, id, &input, &ctx.viewer.actor()).await
    } else {
        input.check(&mut pre);
        Err(AppError::Validation(pre.errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/goals/{id}?saved=1")).into_response()),
        Err(AppError::Conflict(EDIT_CONFLICT)) => {
            let saved = goal_values(&store::get_goal(&ctx.state.db, id).await?);
            let changes = conflict::changes(
                &GoalInput {
                    version: saved.version,
                    ..input
                },
                &saved,
            );
            set_version(&mut v, saved.version);
            let page = goal_form(
                &ctx,
                &plan,
                g.promise_id,
                Some(id),
                &v,
                &FieldErrors::new(),
                Some(EDIT_CONFLICT),
                &changes,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => {
            refused(e, |errors, c| async move {
                goal_form(&ctx, &plan, g.promise_id, Some(id), &v, &errors, c, &[]).await
            })
            .await
        }
    }
}

pub(super) async fn delete_goal(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let g = store::get_goal(&ctx.state.db, id).await?;
    let pr = store::get_promise(&ctx.state.db, g.promise_id).await?;
    match store::delete_goal(&ctx.state.db, id, &ctx.viewer.actor()).await {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{}?deleted=1", pr.plan_id)).into_response()),
        Err(AppError::Conflict(key)) => Ok((
            StatusCode::CONFLICT,
            super::html::goal_page_with(&ctx, id, Some(key)).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

// ---- Actions ---------------------------------------------------------------------------

fn action_input(form: &RawForm) -> (ActionInput, Check) {
    let mut n = Numbers::new(form);
    let opt = |k: &str| Some(form.get(k)).filter(|s| !s.is_empty());
    let input = ActionInput {
        goal_id: n.id("goal_id").unwrap_or(0),
        title: form.get("title"),
        description: form.get("description"),
        lead_organisation_id: n.id("lead_organisation_id"),
        organisations: n.ids("organisations"),
        municipalities: n.ids("municipalities"),
        themes: form.all("themes"),
        start_date: opt("start_date"),
        end_date: opt("end_date"),
        planned_euros: n.amount("planned_euros"),
        planned_days: n.amount("planned_days"),
        version: n.version(),
    };
    (input, n.check)
}

fn action_values(a: &Action) -> ActionInput {
    ActionInput {
        goal_id: a.goal_id,
        title: a.title.clone(),
        description: a.description.clone(),
        lead_organisation_id: a.lead_organisation_id,
        organisations: a.organisations.clone(),
        municipalities: a.municipalities.clone(),
        themes: a.themes.clone(),
        start_date: a.start_date.map(|d| d.to_string()),
        end_date: a.end_date.map(|d| d.to_string()),
        planned_euros: a.planned_euros,
        planned_days: a.planned_days,
        version: Some(a.version),
    }
}

/// The organisations the chooser offers: those chosen (lead and others) and, when a search
/// text is given, at most 30 that match it; and whether more matched.
async fn org_choices(ctx: &PageCtx, v: &Value) -> AppResult<(Vec<(i64, String)>, bool)> {
    let text = v.get("org_q").and_then(Value::as_str).unwrap_or("");
    let lead = v
        .get("lead_organisation_id")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<i64>().ok());
    let chosen: Vec<i64> = v
        .get("organisations")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str()?.parse().ok()).collect())
        .unwrap_or_default();
    let (mut out, more) =
        crate::network::organisations::store::choices_matching(&ctx.state.db, Some(text), lead)
            .await?;
    let missing: Vec<i64> = chosen
        .into_iter()
        .filter(|id| !out.iter().any(|(o, _)| o == id))
        .collect();
    if !missing.is_empty() {
        let sql = format!(
            "SELECT id, name_fi FROM organisations WHERE id IN ({}) ORDER BY name_key, id",
            crate::db::id_list(missing.into_iter())
        );
        let rows = crate::with_db!(&ctx.state.db, p => sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?;
        out.extend(rows);
    }
    Ok((out, more))
}

#[allow(clippy::too_many_arguments)]
async fn action_form(
    ctx: &PageCtx,
    plan: &Plan,
    goal_id: i64,
    id: Option<i64>,
    v: &Value,
    errors: &FieldErrors,
    conflict: Option<&str>,
    changes: &[Change],
) -> AppResult<Html<String>> {
    let goals = super::views::goal_choices(&ctx.state.db, plan.id).await?;
    let (orgs, more) = org_choices(ctx, v).await?;
    let searched = v
        .get("org_q")
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty());
    render(
        ctx,
        FormPage {
            template: "plan/action_form.html",
            action: id.map_or(format!("/goals/{goal_id}/actions"), |i| {
                format!("/actions/{i}/edit")
            }),
            cancel: id.map_or(format!("/goals/{goal_id}"), |i| format!("/actions/{i}")),
            editing: id.is_some(),
            v,
            errors,
            conflict,
            changes,
        },
        minijinja::context! {
            plan, goals, orgs, more, searched,
            municipalities => ctx.state.municipalities().await?,
            themes => ctx.state.themes().await?,
        },
    )
}

pub(super) async fn new_action(ctx: PageCtx, Path(goal_id): Path<i64>) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let g = store::get_goal(&ctx.state.db, goal_id).await?;
    let pr = store::get_promise(&ctx.state.db, g.promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    let v = shown(&serde_json::json!({"goal_id": goal_id}));
    action_form(
        &ctx,
        &plan,
        goal_id,
        None,
        &v,
        &FieldErrors::new(),
        None,
        &[],
    )
    .await
}

pub(super) async fn create_action(
    ctx: PageCtx,
    Path(goal_id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let g = store::get_goal(&ctx.state.db, goal_id).await?;
    let pr = store::get_promise(&ctx.state.db, g.promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    let v = typed(&form);
    if !form.get("_find").is_empty() {
        let page = action_form(
            &ctx,
            &plan,
            goal_id,
            None,
            &v,
            &FieldErrors::new(),
            None,
            &[],
        )
        .await?;
        return Ok(page.into_response());
    }
    let (input, mut pre) = action_input(&form);
    let result = if pre.errors.is_empty() {
        store::create_action(&ctx.state.db, &input, &ctx.viewer.actor()).await
    } else {
        input.check(&mut pre);
        Err(AppError::Validation(pre.errors))
    };
    match result {
        Ok(a) => Ok(Redirect::to(&format!("/actions/{}?saved=1", a.id)).into_response()),
        Err(e) => {
            refused(e, |errors, c| async move {
                action_form(&ctx, &plan, goal_id, None, &v, &errors, c, &[]).await
            })
            .await
        }
    }
}

pub(super) async fn edit_action(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let a = store::get_action(&ctx.state.db, id).await?;
    let plan = store::get_plan(&ctx.state.db, a.plan_id, true).await?;
    action_form(
        &ctx,
        &plan,
        a.goal_id,
        Some(id),
        &shown(&action_values(&a)),
        &FieldErrors::new(),
        None,
        &[],
    )
    .await
}

pub(super) async fn update_action(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let a = store::get_action(&ctx.state.db, id).await?;
    let plan = store::get_plan(&ctx.state.db, a.plan_id, true).await?;
    let mut v = typed(&form);
    if !form.get("_find").is_empty() {
        let page = action_form(
            &ctx,
            &plan,
            a.goal_id,
            Some(id),
            &v,
            &FieldErrors::new(),
            None,
            &[],
        )
        .await?;
        return Ok(page.into_response());
    }
    let (input, mut pre) = action_input(&form);
    let result = if pre.errors.is_empty() {
        store::update_action(&ctx.state.db, id, &input, &ctx.viewer.actor()).await
    } else {
        input.check(&mut pre);
        Err(AppError::Validation(pre.errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/actions/{id}?saved=1")).into_response()),
        Err(AppError::Conflict(EDIT_CONFLICT)) => {
            let saved_action = store::get_action(&ctx.state.db, id).await?;
            let saved = action_values(&saved_action);
            let mut changes = conflict::changes(
                &ActionInput {
                    version: saved.version,
                    ..input
                },
                &saved,
            );
            // Names, not ids, for the linked rows.
            let (areas, orgs) = super::views::action_names(&ctx.state.db, &saved_action).await?;
            let names = |v: &[super::views::Named]| {
                v.iter()
                    .map(|n| n.name_fi.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            for c in changes.iter_mut() {
                match c.field.as_str() {
                    "lead_organisation_id" => {
                        c.saved = saved_action.lead_name.clone().unwrap_or_default()
                    }
                    "organisations" => c.saved = names(&orgs),
                    "municipalities" => c.saved = names(&areas),
                    _ => {}
                }
            }
            set_version(&mut v, saved.version);
            let page = action_form(
                &ctx,
                &plan,
                a.goal_id,
                Some(id),
                &v,
                &FieldErrors::new(),
                Some(EDIT_CONFLICT),
                &changes,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => {
            refused(e, |errors, c| async move {
                action_form(&ctx, &plan, a.goal_id, Some(id), &v, &errors, c, &[]).await
            })
            .await
        }
    }
}

pub(super) async fn delete_action(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let a = store::get_action(&ctx.state.db, id).await?;
    match store::delete_action(&ctx.state.db, id, &ctx.viewer.actor()).await {
        Ok(()) => Ok(Redirect::to(&format!("/goals/{}?deleted=1", a.goal_id)).into_response()),
        Err(AppError::Conflict(key)) => Ok((
            StatusCode::CONFLICT,
            super::html::action_page_with(&ctx, id, &Value::Null, &FieldErrors::new(), Some(key))
                .await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

// ---- Progress --------------------------------------------------------------------------

/// Adds a progress update from the form on the action page; refused input shows the page
/// again with the typed values and the errors next to their fields (422).
pub(super) async fn add_progress(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    ctx.viewer.require_signed_in()?;
    super::visible_action(&ctx.state.db, &ctx.viewer, id).await?;
    require(
        &ctx.viewer,
        can_report_progress(&ctx.state.db, &ctx.viewer, id).await?,
    )?;
    let v = typed(&form);
    let mut n = Numbers::new(&form);
    let percent = n.int("percent", 0);
    let input = ProgressInput {
        report_date: form.get("report_date"),
        status: form.get("status"),
        percent,
        narrative: form.get("narrative"),
        euros_used: n.amount("euros_used"),
        days_used: n.amount("days_used"),
        evidence: form.get("evidence"),
    };
    let mut pre = n.check;
    if form.get("percent").is_empty() {
        pre.add("percent", "error-required");
    }
    let result = if pre.errors.is_empty() {
        store::add_progress(&ctx.state.db, id, &input, &ctx.viewer.actor()).await
    } else {
        input.check(&mut pre);
        Err(AppError::Validation(pre.errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/actions/{id}?reported=1")).into_response()),
        Err(e) => {
            refused(e, |errors, c| async move {
                super::html::action_page_with(&ctx, id, &v, &errors, c).await
            })
            .await
        }
    }
}
