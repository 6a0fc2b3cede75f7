//! Group pages: list with filters and paging, the group page (with its members for those
//! who may see them), create/edit forms, delete.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::memberships::{self, MembershipInput};
use super::model::{Group, GroupInput};
use super::store::{self, GroupFilter};
use super::{can_create, require, require_edit};
use crate::core::kinds;
use crate::core::paging::Paging;
use crate::core::rights::{self, sees_lived_experience};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::network::{organisations, people};
use crate::web::chooser::{self, Chooser};
use crate::web::conflict::{self, Change, EDIT_CONFLICT};
use crate::web::forms::RawForm;
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/groups", get(list_page).post(create))
        .route("/groups/new", get(new_form))
        .route("/groups/{id}", get(detail))
        .route("/groups/{id}/edit", get(edit_form).post(update))
        .route("/groups/{id}/delete", post(delete))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, rename = "type")]
    group_type: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

async fn list_page(ctx: PageCtx, Query(q): Query<ListQuery>) -> AppResult<Html<String>> {
    let filter = GroupFilter {
        theme: q.theme.clone().filter(|s| !s.is_empty()),
        status: q.status.clone().filter(|s| !s.is_empty()),
        group_type: q.group_type.clone().filter(|s| !s.is_empty()),
    };
    let paging = Paging::new(q.page.as_deref().and_then(|p| p.parse().ok()), None, 25);
    let page = store::list(&ctx.state.db, &filter, paging).await?;
    let pages = page.pages();
    ctx.render(
        "network/groups.html",
        minijinja::context! {
            page, pages,
            filter => minijinja::context! { theme => q.theme, status => q.status, type => q.group_type },
            group_types => kinds::options("group-type", kinds::GROUP_TYPES),
            statuses => kinds::options("group-status", kinds::GROUP_STATUSES),
            themes => ctx.state.themes().await?,
            can_create => can_create(&ctx.viewer),
        },
    )
}

/// The add-member form's state when the group page is shown again after a failed add.
#[derive(Debug, Default)]
pub struct AddForm {
    pub input: MembershipInput,
    pub errors: FieldErrors,
    pub conflict: Option<&'static str>,
    /// The submitted form (empty on a plain GET): keeps the person chooser's search.
    pub raw: RawForm,
}

/// The roles this viewer may give (the lived-experience role only by coordinators).
pub fn role_options(ctx: &PageCtx) -> Vec<(String, String)> {
    let sees = sees_lived_experience(&ctx.viewer);
    kinds::options("member-role", kinds::MEMBER_ROLES)
        .into_iter()
        .filter(|(v, _)| sees || v != kinds::LIVED_EXPERIENCE_ROLE)
        .collect()
}

/// Renders the group page; members only for those who may see them, the add form only
/// for those who may edit the group.
pub async fn group_page(ctx: &PageCtx, group: &Group, add: AddForm) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    let internals = rights::can_see_group_internals(db, &ctx.viewer, group.id).await?;
    let can_edit = rights::can_edit_group(db, &ctx.viewer, group.id).await?;
    let (current, earlier): (Vec<_>, Vec<_>) = if internals {
        memberships::list_for_group(db, &ctx.viewer, group.id)
            .await?
            .into_iter()
            .partition(|m| m.active)
    } else {
        (vec![], vec![])
    };
    let people = if can_edit {
        let text = chooser::text(&add.raw, "person_id");
        let chosen: Vec<i64> = add.input.person_id.into_iter().collect();
        Some(
            Chooser::new(
                "person_id",
                &text,
                people::store::choices_for(db, &ctx.viewer, &text, &chosen).await?,
            )
            .found_by(chooser::find(&add.raw).as_deref()),
        )
    } else {
        None
    };
    // The group's coming meetings that this viewer may see, in one query.
    let scope = crate::network::meetings::store::Scope::of(db, &ctx.viewer).await?;
    let filter = crate::network::meetings::store::MeetingFilter {
        group: Some(group.id),
        ..Default::default()
    };
    let meetings = crate::network::meetings::store::list(
        db,
        &scope,
        &filter,
        crate::core::paging::Paging::new(None, Some(5), 5),
    )
    .await?;
    let mut add_input = add.input;
    if add_input.start_date.is_none() {
        add_input.start_date = Some(crate::core::time::local_now().date().to_string());
    }
    if add_input.role.is_empty() {
        add_input.role = "member".into();
    }
    ctx.render(
        "network/group.html",
        minijinja::context! {
            group, internals, can_edit, current, earlier, people,
            meetings => meetings.items, more_meetings => meetings.total > 5,
            can_delete => can_create(&ctx.viewer),
            themes => ctx.state.themes().await?,
            roles => role_options(ctx),
            add => add_input, errors => add.errors.0, conflict => add.conflict,
        },
    )
}

async fn detail(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let group = store::get(&ctx.state.db, id).await?;
    group_page(&ctx, &group, AddForm::default()).await
}

/// Renders the form with what the user typed and what to fix; `raw` (the submitted form,
/// if any) keeps the convener chooser's search text (see `web::chooser`).
async fn form_page(
    ctx: &PageCtx,
    id: Option<i64>,
    input: &GroupInput,
    errors: &FieldErrors,
    conflict: Option<&str>,
    changes: &[Change],
    raw: Option<&RawForm>,
) -> AppResult<Html<String>> {
    let text = raw
        .map(|f| chooser::text(f, "convener_id"))
        .unwrap_or_default();
    let chosen: Vec<i64> = input.convener_id.into_iter().collect();
    let convener = Chooser::new(
        "convener_id",
        &text,
        organisations::store::choices_for(&ctx.state.db, &text, &chosen).await?,
    )
    .found_by(raw.and_then(chooser::find).as_deref());
    let convener_name = match input.convener_id {
        Some(org) => organisations::store::get(&ctx.state.db, org)
            .await
            .ok()
            .map(|o| o.name_fi),
        None => None,
    };
    ctx.render(
        "network/group_form.html",
        minijinja::context! {
            id, input, errors => errors.0, conflict, convener_name, changes,
            // Only coordinators move a group to another convener (see store::update).
            may_change_convener => ctx.viewer.is_coordinator(),
            group_types => kinds::options("group-type", kinds::GROUP_TYPES),
            statuses => kinds::options("group-status", kinds::GROUP_STATUSES),
            convener,
            themes => ctx.state.themes().await?,
        },
    )
}

async fn new_form(ctx: PageCtx) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_create(&ctx.viewer))?;
    let input = GroupInput {
        group_type: "expert".into(),
        status: "planned".into(),
        ..Default::default()
    };
    form_page(&ctx, None, &input, &FieldErrors::new(), None, &[], None).await
}

async fn edit_form(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    require_edit(&ctx.state.db, &ctx.viewer, id).await?;
    let g = store::get(&ctx.state.db, id).await?;
    form_page(
        &ctx,
        Some(id),
        &GroupInput::from(&g),
        &FieldErrors::new(),
        None,
        &[],
        None,
    )
    .await
}

/// Shows the form again on a validation error or a conflict; other errors pass on.
async fn redisplay(
    ctx: &PageCtx,
    id: Option<i64>,
    input: &GroupInput,
    raw: &RawForm,
    err: AppError,
) -> AppResult<Response> {
    if let (Some(id), AppError::Conflict(EDIT_CONFLICT)) = (id, &err) {
        // Someone saved first: the typed values stay, the saved ones are shown, and the
        // form now carries the current version.
        let group = store::get(&ctx.state.db, id).await?;
        let saved = GroupInput::from(&group);
        let typed = GroupInput {
            version: saved.version,
            ..input.clone()
        };
        let mut changes = conflict::changes(&typed, &saved);
        for c in changes.iter_mut().filter(|c| c.field == "convener_id") {
            c.saved = group.convener_name.clone().unwrap_or_default();
        }
        let page = form_page(
            ctx,
            Some(id),
            &typed,
            &FieldErrors::new(),
            Some(EDIT_CONFLICT),
            &changes,
            Some(raw),
        )
        .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    crate::web::forms::redisplay(err, |errors, conflict| async move {
        form_page(ctx, id, input, &errors, conflict, &[], Some(raw)).await
    })
    .await
}

async fn create(ctx: PageCtx, form: RawForm) -> AppResult<Response> {
    require(&ctx.viewer, can_create(&ctx.viewer))?;
    let input = GroupInput::from_form(&form);
    if chooser::find(&form).is_some() {
        // "Find" in the convener chooser: the form again with the organisations found.
        let none = FieldErrors::new();
        let page = form_page(&ctx, None, &input, &none, None, &[], Some(&form)).await?;
        return Ok(page.into_response());
    }
    match store::create(&ctx.state.db, &ctx.viewer, &input).await {
        Ok(g) => Ok(Redirect::to(&format!("/groups/{}?saved=1", g.id)).into_response()),
        Err(e) => redisplay(&ctx, None, &input, &form, e).await,
    }
}

async fn update(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    require_edit(&ctx.state.db, &ctx.viewer, id).await?;
    let mut input = GroupInput::from_form(&form);
    if !ctx.viewer.is_coordinator() {
        // Shown again as stored, since the store keeps it (see store::update).
        input.convener_id = store::get(&ctx.state.db, id).await?.convener_id;
    }
    if chooser::find(&form).is_some() {
        let none = FieldErrors::new();
        let page = form_page(&ctx, Some(id), &input, &none, None, &[], Some(&form)).await?;
        return Ok(page.into_response());
    }
    match store::update(&ctx.state.db, &ctx.viewer, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/groups/{id}?saved=1")).into_response()),
        Err(e) => redisplay(&ctx, Some(id), &input, &form, e).await,
    }
}

async fn delete(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    require(&ctx.viewer, can_create(&ctx.viewer))?;
    match store::delete(&ctx.state.db, &ctx.viewer, id).await {
        Ok(()) => Ok(Redirect::to("/groups?deleted=1").into_response()),
        Err(AppError::Conflict(key)) => {
            let group = store::get(&ctx.state.db, id).await?;
            let add = AddForm {
                conflict: Some(key),
                ..Default::default()
            };
            Ok((StatusCode::CONFLICT, group_page(&ctx, &group, add).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
