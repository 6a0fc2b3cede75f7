//! Creating and editing a plan.

use super::*;

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

pub(in crate::plan) async fn new_plan(ctx: PageCtx) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let year = chrono::Datelike::year(&crate::plan::html::today());
    let v = serde_json::json!({"status": "draft", "start_year": year.to_string(), "end_year": (year + 3).to_string()});
    plan_form(&ctx, None, &v, &FieldErrors::new(), None, &[])
}

pub(in crate::plan) async fn edit_plan(
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
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

pub(in crate::plan) async fn create_plan(ctx: PageCtx, form: RawForm) -> AppResult<Response> {
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

pub(in crate::plan) async fn update_plan(
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
