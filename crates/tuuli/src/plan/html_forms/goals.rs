//! Creating, editing and deleting a goal.

use super::*;

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

async fn goal_form(
    ctx: &PageCtx,
    plan: &Plan,
    promise_id: i64,
    id: Option<i64>,
    v: &Value,
    refusal: &Refusal,
) -> AppResult<Html<String>> {
    let promises = crate::plan::views::promise_choices(&ctx.state.db, plan.id).await?;
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
            refusal,
        },
        minijinja::context! { plan, promises, themes => ctx.state.themes().await? },
    )
}

pub(in crate::plan) async fn new_goal(
    ctx: PageCtx,
    Path(promise_id): Path<i64>,
) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let pr = store::get_promise(&ctx.state.db, promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    let v = shown(&serde_json::json!({"promise_id": promise_id, "position": 0}));
    goal_form(&ctx, &plan, promise_id, None, &v, &Refusal::none()).await
}

pub(in crate::plan) async fn create_goal(
    ctx: PageCtx,
    Path(promise_id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let pr = store::get_promise(&ctx.state.db, promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    save_or_redisplay(
        &form,
        goal_input(&form),
        async |input| {
            let g = store::create_goal(&ctx.state.db, input, &ctx.viewer.actor()).await?;
            Ok(format!("/goals/{}?saved=1", g.id))
        },
        nothing_newer,
        async |v, r| goal_form(&ctx, &plan, promise_id, None, &v, &r).await,
    )
    .await
}

pub(in crate::plan) async fn edit_goal(
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
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
        &Refusal::none(),
    )
    .await
}

pub(in crate::plan) async fn update_goal(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let g = store::get_goal(&ctx.state.db, id).await?;
    let pr = store::get_promise(&ctx.state.db, g.promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    save_or_redisplay(
        &form,
        goal_input(&form),
        async |input| {
            store::update_goal(&ctx.state.db, id, input, &ctx.viewer.actor()).await?;
            Ok(format!("/goals/{id}?saved=1"))
        },
        async |typed| {
            let saved = store::get_goal(&ctx.state.db, id).await?;
            Ok(Newer::than(typed, &goal_values(&saved)))
        },
        async |v, r| goal_form(&ctx, &plan, g.promise_id, Some(id), &v, &r).await,
    )
    .await
}

pub(in crate::plan) async fn delete_goal(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let g = store::get_goal(&ctx.state.db, id).await?;
    let pr = store::get_promise(&ctx.state.db, g.promise_id).await?;
    match store::delete_goal(&ctx.state.db, id, &ctx.viewer.actor()).await {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{}?deleted=1", pr.plan_id)).into_response()),
        Err(AppError::Conflict(key)) => Ok((
            StatusCode::CONFLICT,
            crate::plan::html::goal_page_with(&ctx, id, Some(key)).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}
