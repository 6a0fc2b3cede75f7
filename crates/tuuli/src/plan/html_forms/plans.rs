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
    refusal: &Refusal,
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
            refusal,
        },
        minijinja::context! { statuses },
    )
}

pub(in crate::plan) async fn new_plan(ctx: PageCtx) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let year = chrono::Datelike::year(&crate::plan::html::today());
    let v = serde_json::json!({"status": "draft", "start_year": year.to_string(), "end_year": (year + 3).to_string()});
    plan_form(&ctx, None, &v, &Refusal::none())
}

pub(in crate::plan) async fn edit_plan(
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let p = store::get_plan(&ctx.state.db, id, true).await?;
    plan_form(&ctx, Some(id), &shown(&plan_values(&p)), &Refusal::none())
}

pub(in crate::plan) async fn create_plan(ctx: PageCtx, form: RawForm) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    save_or_redisplay(
        &form,
        plan_input(&form),
        async |input| {
            let p = store::create_plan(&ctx.state.db, input, &ctx.viewer.actor()).await?;
            Ok(format!("/plans/{}?saved=1", p.id))
        },
        nothing_newer,
        async |v, r| plan_form(&ctx, None, &v, &r),
    )
    .await
}

pub(in crate::plan) async fn update_plan(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    save_or_redisplay(
        &form,
        plan_input(&form),
        async |input| {
            store::update_plan(&ctx.state.db, id, input, &ctx.viewer.actor()).await?;
            Ok(format!("/plans/{id}?saved=1"))
        },
        async |typed| {
            let saved = store::get_plan(&ctx.state.db, id, true).await?;
            Ok(Newer::than(typed, &plan_values(&saved)))
        },
        async |v, r| plan_form(&ctx, Some(id), &v, &r),
    )
    .await
}
