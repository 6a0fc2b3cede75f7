//! Creating, editing and deleting an action, with the organisation chooser.

use super::*;

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

async fn action_form(
    ctx: &PageCtx,
    plan: &Plan,
    goal_id: i64,
    id: Option<i64>,
    v: &Value,
    refusal: &Refusal,
) -> AppResult<Html<String>> {
    let goals = crate::plan::views::goal_choices(&ctx.state.db, plan.id).await?;
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
            refusal,
        },
        minijinja::context! {
            plan, goals, orgs, more, searched,
            municipalities => ctx.state.municipalities().await?,
            municipality_choices => ctx.state.municipality_choices().await?,
            themes => ctx.state.themes().await?,
        },
    )
}

pub(in crate::plan) async fn new_action(
    ctx: PageCtx,
    Path(goal_id): Path<i64>,
) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let g = store::get_goal(&ctx.state.db, goal_id).await?;
    let pr = store::get_promise(&ctx.state.db, g.promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    let v = shown(&serde_json::json!({"goal_id": goal_id}));
    action_form(&ctx, &plan, goal_id, None, &v, &Refusal::none()).await
}

pub(in crate::plan) async fn create_action(
    ctx: PageCtx,
    Path(goal_id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let g = store::get_goal(&ctx.state.db, goal_id).await?;
    let pr = store::get_promise(&ctx.state.db, g.promise_id).await?;
    let plan = store::get_plan(&ctx.state.db, pr.plan_id, true).await?;
    let page = async |v: Value, r: Refusal| action_form(&ctx, &plan, goal_id, None, &v, &r).await;
    // "Find" shows the form again with the organisations that match, saving nothing.
    if !form.get("_find").is_empty() {
        return Ok(page(typed(&form), Refusal::none()).await?.into_response());
    }
    save_or_redisplay(
        &form,
        action_input(&form),
        async |input| {
            let a = store::create_action(&ctx.state.db, input, &ctx.viewer.actor()).await?;
            Ok(format!("/actions/{}?saved=1", a.id))
        },
        nothing_newer,
        page,
    )
    .await
}

pub(in crate::plan) async fn edit_action(
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let a = store::get_action(&ctx.state.db, id).await?;
    let plan = store::get_plan(&ctx.state.db, a.plan_id, true).await?;
    action_form(
        &ctx,
        &plan,
        a.goal_id,
        Some(id),
        &shown(&action_values(&a)),
        &Refusal::none(),
    )
    .await
}

pub(in crate::plan) async fn update_action(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let a = store::get_action(&ctx.state.db, id).await?;
    let plan = store::get_plan(&ctx.state.db, a.plan_id, true).await?;
    let page =
        async |v: Value, r: Refusal| action_form(&ctx, &plan, a.goal_id, Some(id), &v, &r).await;
    // "Find" shows the form again with the organisations that match, saving nothing.
    if !form.get("_find").is_empty() {
        return Ok(page(typed(&form), Refusal::none()).await?.into_response());
    }
    save_or_redisplay(
        &form,
        action_input(&form),
        async |input| {
            store::update_action(&ctx.state.db, id, input, &ctx.viewer.actor()).await?;
            Ok(format!("/actions/{id}?saved=1"))
        },
        async |typed| {
            let saved = store::get_action(&ctx.state.db, id).await?;
            let mut newer = Newer::than(typed, &action_values(&saved));
            name_linked_rows(&ctx, &saved, &mut newer.changes).await?;
            Ok(newer)
        },
        page,
    )
    .await
}

/// Shows the saved organisations and municipalities in a conflict by name, not by id.
async fn name_linked_rows(ctx: &PageCtx, saved: &Action, changes: &mut [Change]) -> AppResult<()> {
    let (areas, orgs) = crate::plan::views::action_names(&ctx.state.db, saved).await?;
    let names = |v: &[crate::plan::views::Named]| {
        v.iter()
            .map(|n| n.name_fi.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for c in changes.iter_mut() {
        match c.field.as_str() {
            "lead_organisation_id" => c.saved = saved.lead_name.clone().unwrap_or_default(),
            "organisations" => c.saved = names(&orgs),
            "municipalities" => c.saved = names(&areas),
            _ => {}
        }
    }
    Ok(())
}

pub(in crate::plan) async fn delete_action(
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    require(&ctx.viewer, can_edit_plans(&ctx.viewer))?;
    let a = store::get_action(&ctx.state.db, id).await?;
    match store::delete_action(&ctx.state.db, id, &ctx.viewer.actor()).await {
        Ok(()) => Ok(Redirect::to(&format!("/goals/{}?deleted=1", a.goal_id)).into_response()),
        Err(AppError::Conflict(key)) => Ok((
            StatusCode::CONFLICT,
            crate::plan::html::action_page_with(
                &ctx,
                id,
                &Value::Null,
                &FieldErrors::new(),
                Some(key),
            )
            .await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}
