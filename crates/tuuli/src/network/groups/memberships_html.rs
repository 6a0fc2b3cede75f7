//! Membership forms: add (from the group page), edit, end and delete. All need
//! `access::can_edit_group`; a failed add shows the group page again (422 or 409).

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::html::{AddForm, group_page, role_options};
use super::memberships::{self, Membership, MembershipInput};
use super::{require_edit, store};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::conflict::{self, Change, EDIT_CONFLICT};
use crate::web::forms::RawForm;
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/groups/{id}/memberships", post(create))
        .route(
            "/groups/{id}/memberships/{mid}/edit",
            get(edit_form).post(update),
        )
        .route("/groups/{id}/memberships/{mid}/end", post(end))
        .route("/groups/{id}/memberships/{mid}/delete", post(delete))
}

fn members_url(id: i64) -> String {
    format!("/groups/{id}?saved=1#members")
}

async fn create(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    let db = &ctx.state.db;
    require_edit(db, &ctx.viewer, id).await?;
    let input = MembershipInput::from_form(&form);
    if crate::web::chooser::find(&form).is_some() {
        // "Find" in the person chooser: the group page again with the people found.
        let group = store::get(db, id).await?;
        let add = AddForm {
            input,
            raw: form,
            ..Default::default()
        };
        return Ok(group_page(&ctx, &group, add).await?.into_response());
    }
    let (status, add) = match memberships::create(db, &ctx.viewer, id, &input).await {
        Ok(_) => return Ok(Redirect::to(&members_url(id)).into_response()),
        Err(AppError::Validation(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            AddForm {
                input,
                errors,
                conflict: None,
                raw: form,
            },
        ),
        Err(AppError::Conflict(key)) => (
            StatusCode::CONFLICT,
            AddForm {
                input,
                errors: FieldErrors::new(),
                conflict: Some(key),
                raw: form,
            },
        ),
        Err(e) => return Err(e),
    };
    let group = store::get(db, id).await?;
    Ok((status, group_page(&ctx, &group, add).await?).into_response())
}

/// Renders the edit form with what the user typed and what to fix.
async fn form_page(
    ctx: &PageCtx,
    membership: &Membership,
    input: &MembershipInput,
    errors: &FieldErrors,
    conflict: Option<&str>,
    changes: &[Change],
) -> AppResult<Html<String>> {
    let group = store::get(&ctx.state.db, membership.group_id).await?;
    ctx.render(
        "network/membership_form.html",
        minijinja::context! {
            group, membership, input, errors => errors.0, conflict, changes,
            roles => role_options(ctx),
        },
    )
}

async fn edit_form(ctx: PageCtx, Path((id, mid)): Path<(i64, i64)>) -> AppResult<Html<String>> {
    require_edit(&ctx.state.db, &ctx.viewer, id).await?;
    let m = memberships::get(&ctx.state.db, &ctx.viewer, id, mid).await?;
    form_page(
        &ctx,
        &m,
        &MembershipInput::from(&m),
        &FieldErrors::new(),
        None,
        &[],
    )
    .await
}

async fn update(
    ctx: PageCtx,
    Path((id, mid)): Path<(i64, i64)>,
    form: RawForm,
) -> AppResult<Response> {
    let db = &ctx.state.db;
    require_edit(db, &ctx.viewer, id).await?;
    let m = memberships::get(db, &ctx.viewer, id, mid).await?;
    let input = MembershipInput::from_form(&form);
    match memberships::update(db, &ctx.viewer, id, mid, &input).await {
        Ok(_) => Ok(Redirect::to(&members_url(id)).into_response()),
        Err(AppError::Validation(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(&ctx, &m, &input, &errors, None, &[]).await?,
        )
            .into_response()),
        Err(AppError::Conflict(EDIT_CONFLICT)) => {
            // Someone saved first: the typed values stay, the saved ones are shown (as this
            // viewer may see them), and the form now carries the current version.
            let now = memberships::get(db, &ctx.viewer, id, mid).await?;
            let saved = MembershipInput::from(&now);
            let typed = MembershipInput {
                person_id: saved.person_id,
                version: saved.version,
                ..input.clone()
            };
            let changes = conflict::changes(&typed, &saved);
            let page = form_page(
                &ctx,
                &now,
                &typed,
                &FieldErrors::new(),
                Some(EDIT_CONFLICT),
                &changes,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(AppError::Conflict(key)) => Ok((
            StatusCode::CONFLICT,
            form_page(&ctx, &m, &input, &FieldErrors::new(), Some(key), &[]).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

/// Shows the group page with a conflict message (for end and delete).
async fn conflict_page(ctx: &PageCtx, id: i64, key: &'static str) -> AppResult<Response> {
    let group = store::get(&ctx.state.db, id).await?;
    let add = AddForm {
        conflict: Some(key),
        ..Default::default()
    };
    Ok((StatusCode::CONFLICT, group_page(ctx, &group, add).await?).into_response())
}

async fn end(ctx: PageCtx, Path((id, mid)): Path<(i64, i64)>) -> AppResult<Response> {
    require_edit(&ctx.state.db, &ctx.viewer, id).await?;
    match memberships::end(&ctx.state.db, &ctx.viewer, id, mid).await {
        Ok(()) => Ok(Redirect::to(&members_url(id)).into_response()),
        Err(AppError::Conflict(key)) => conflict_page(&ctx, id, key).await,
        Err(e) => Err(e),
    }
}

async fn delete(ctx: PageCtx, Path((id, mid)): Path<(i64, i64)>) -> AppResult<Response> {
    require_edit(&ctx.state.db, &ctx.viewer, id).await?;
    match memberships::delete(&ctx.state.db, &ctx.viewer, id, mid).await {
        Ok(()) => Ok(Redirect::to(&members_url(id)).into_response()),
        Err(AppError::Conflict(key)) => conflict_page(&ctx, id, key).await,
        Err(e) => Err(e),
    }
}
