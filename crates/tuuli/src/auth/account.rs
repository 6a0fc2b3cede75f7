//! The signed-in user's own account: the private calendar feed and the password.

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::{SESSION_COOKIE, password, store};
use crate::error::{AppResult, FieldErrors};
use crate::web::forms::RawForm;
use crate::web::{AppState, PageCtx, cookie};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(overview))
        .route("/account/calendar", axum::routing::post(calendar))
        .route("/account/password", get(form).post(change))
}

/// `GET /account`: who is signed in, the private calendar feed, the password.
async fn overview(ctx: PageCtx) -> AppResult<Response> {
    let user = ctx.viewer.require_signed_in()?.clone();
    account_page(&ctx, &user, None).await
}

async fn account_page(
    ctx: &PageCtx,
    user: &super::CurrentUser,
    new_feed: Option<String>,
) -> AppResult<Response> {
    let has_feed = store::has_calendar_token(&ctx.state.db, user.id).await?;
    Ok(ctx
        .render(
            "auth/account.html",
            minijinja::context! {
                user, has_feed, new_feed,
                linked_person => user.person_id.is_some(),
                saved => ctx.query.contains("saved=1"),
            },
        )?
        .into_response())
}

/// `POST /account/calendar`: `action=create` makes a new secret feed address (replacing
/// the old one, which stops working) and shows it once; `action=revoke` removes it.
async fn calendar(ctx: PageCtx, form: RawForm) -> AppResult<Response> {
    let user = ctx.viewer.require_signed_in()?.clone();
    let create = match form.get("action").as_str() {
        "create" => true,
        "revoke" => false,
        _ => return Err(crate::error::AppError::BadRequest("error-bad-request")),
    };
    let token =
        store::set_calendar_token(&ctx.state.db, user.id, create, &ctx.viewer.actor()).await?;
    match token {
        Some(t) => {
            let url = format!("{}/calendar/{t}.ics", ctx.state.config.site_url());
            account_page(&ctx, &user, Some(url)).await
        }
        None => Ok(Redirect::to("/account?saved=1").into_response()),
    }
}

async fn form(ctx: PageCtx) -> AppResult<Response> {
    ctx.viewer.require_signed_in()?;
    let saved = ctx.query.contains("saved=1");
    Ok(ctx
        .render(
            "auth/password.html",
            minijinja::context! { errors => FieldErrors::new().0, saved },
        )?
        .into_response())
}

/// The current password is required (a session left open on a shared computer must not be
/// enough to take the account over); the user's other sessions end.
async fn change(
    ctx: PageCtx,
    headers: axum::http::HeaderMap,
    form: RawForm,
) -> AppResult<Response> {
    let user = ctx.viewer.require_signed_in()?.clone();
    let raw = |k: &str| {
        form.0
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (current, new, again) = (
        raw("current_password"),
        raw("new_password"),
        raw("new_password_again"),
    );
    let mut errors = FieldErrors::new();
    let stored = store::password_hash(&ctx.state.db, user.id)
        .await?
        .unwrap_or_default();
    if current.is_empty() {
        errors.add("current_password", "error-required");
    } else if current.chars().count() > password::MAX_LENGTH
        || !password::verify(current, stored).await?
    {
        errors.add("current_password", "account-error-current");
    }
    if let Err(key) = password::check_new(&new) {
        errors.add("new_password", key);
    } else if new != again {
        errors.add("new_password_again", "account-error-mismatch");
    }
    if !errors.is_empty() {
        let page = ctx.render(
            "auth/password.html",
            minijinja::context! { errors => errors.0, saved => false },
        )?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = password::hash(new).await?;
    let session = cookie(&headers, SESSION_COOKIE);
    store::set_password(
        &ctx.state.db,
        user.id,
        &hash,
        session.as_deref(),
        &ctx.viewer.actor(),
    )
    .await?;
    Ok(Redirect::to("/account/password?saved=1").into_response())
}
