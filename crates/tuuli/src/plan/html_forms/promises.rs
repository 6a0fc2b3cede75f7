//! Creating, editing and deleting a service promise.

use super::*;

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

fn promise_form(
    ctx: &PageCtx,
    plan: &Plan,
    id: Option<i64>,
    v: &Value,
    refusal: &Refusal,
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
            refusal,
        },
        minijinja::context! { plan, id },
    )
}

pub(in crate::plan) async fn new_promise(
    ctx: PageCtx,
    Path(plan_id): Path<i64>,
) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let plan = store::get_plan(&ctx.state.db, plan_id, true).await?;
    promise_form(
        &ctx,
        &plan,
        None,
        &serde_json::json!({"position": "0"}),
        &Refusal::none(),
    )
}

pub(in crate::plan) async fn create_promise(
    ctx: PageCtx,
    Path(plan_id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let plan = store::get_plan(&ctx.state.db, plan_id, true).await?;
    save_or_redisplay(
        &form,
        promise_input(&form, plan_id),
        async |input| {
            store::create_promise(&ctx.state.db, input, &ctx.viewer.actor()).await?;
            Ok(format!("/plans/{plan_id}?saved=1"))
        },
        nothing_newer,
        async |v, r| promise_form(&ctx, &plan, None, &v, &r),
    )
    .await
}

pub(in crate::plan) async fn edit_promise(
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let p = store::get_promise(&ctx.state.db, id).await?;
    let plan = store::get_plan(&ctx.state.db, p.plan_id, true).await?;
    promise_form(
        &ctx,
        &plan,
        Some(id),
        &shown(&promise_values(&p)),
        &Refusal::none(),
    )
}

pub(in crate::plan) async fn update_promise(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let current = store::get_promise(&ctx.state.db, id).await?;
    let plan = store::get_plan(&ctx.state.db, current.plan_id, true).await?;
    save_or_redisplay(
        &form,
        promise_input(&form, current.plan_id),
        async |input| {
            store::update_promise(&ctx.state.db, id, input, &ctx.viewer.actor()).await?;
            Ok(format!("/plans/{}?saved=1", plan.id))
        },
        async |typed| {
            let saved = store::get_promise(&ctx.state.db, id).await?;
            Ok(Newer::than(typed, &promise_values(&saved)))
        },
        async |v, r| promise_form(&ctx, &plan, Some(id), &v, &r),
    )
    .await
}

pub(in crate::plan) async fn delete_promise(
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
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
                &Refusal {
                    conflict: Some(key),
                    ..Refusal::none()
                },
            )?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e),
    }
}
