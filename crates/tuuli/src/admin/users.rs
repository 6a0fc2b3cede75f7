//! User administration pages (admins only): list users, add one, disable or enable one.

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::auth::{Role, password, store};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::forms::{Check, RawForm};
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list_page).post(create))
        .route(
            "/admin/users/{id}/disabled",
            axum::routing::post(set_disabled),
        )
}

async fn render(
    ctx: &PageCtx,
    form: &RawForm,
    errors: &FieldErrors,
    conflict: Option<&str>,
) -> AppResult<Html<String>> {
    let users = store::list_users(&ctx.state.db).await?;
    let (organisations, people) = super::user_edit::choosers(ctx, form).await?;
    let values: std::collections::BTreeMap<String, String> = form
        .0
        .iter()
        .filter(|(k, _)| k != "password" && k != "_csrf")
        .cloned()
        .collect();
    ctx.render(
        "admin/users.html",
        minijinja::context! { users, organisations, people, values, errors => errors.0, conflict, roles => Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>() },
    )
}

async fn list_page(ctx: PageCtx) -> AppResult<Html<String>> {
    ctx.viewer.require_role(Role::Admin)?;
    render(&ctx, &RawForm::default(), &FieldErrors::new(), None).await
}

async fn create(ctx: PageCtx, form: RawForm) -> AppResult<Response> {
    ctx.viewer.require_role(Role::Admin)?;
    if crate::web::chooser::find(&form).is_some() {
        // "Find" in a chooser: the form again with the matches, nothing saved.
        return Ok(render(&ctx, &form, &FieldErrors::new(), None)
            .await?
            .into_response());
    }
    let mut c = Check::new();
    let email = c.required("email", &form.get("email"), 254);
    if !email.is_empty() {
        c.email("email", &email);
    }
    let (name, role, organisation_id, person_id) = super::user_edit::check_profile(&form, &mut c);
    let pw = form
        .0
        .iter()
        .find(|(k, _)| k == "password")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if let Err(key) = password::check_new(&pw) {
        c.add("password", key);
    }
    if !c.errors.is_empty() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ctx, &form, &c.errors, None).await?,
        )
            .into_response());
    }
    let new = store::NewUser {
        email,
        name,
        role: role.unwrap_or(Role::Member),
        organisation_id,
        person_id,
        password_hash: password::hash(pw).await?,
    };
    match store::create_user(&ctx.state.db, &new, &ctx.viewer.actor()).await {
        Ok(_) => Ok(Redirect::to("/admin/users?saved=1").into_response()),
        Err(AppError::Conflict(key)) => Ok((
            StatusCode::CONFLICT,
            render(&ctx, &form, &FieldErrors::new(), Some(key)).await?,
        )
            .into_response()),
        Err(AppError::Validation(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ctx, &form, &errors, None).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

/// Disables (`disabled=1`) or enables (`disabled=0`) a user. Admins cannot disable themselves.
async fn set_disabled(
    ctx: PageCtx,
    axum::extract::Path(id): axum::extract::Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    let me = ctx.viewer.require_role(Role::Admin)?;
    let disabled = form.get("disabled") == "1";
    if disabled && me.id == id {
        return Err(AppError::BadRequest("error-disable-self"));
    }
    if !store::set_disabled(&ctx.state.db, id, disabled, &ctx.viewer.actor()).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/admin/users?saved=1").into_response())
}
