//! Sign-in and sign-out pages.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{SESSION_COOKIE, password, store};
use crate::error::AppResult;
use crate::web::forms::RawForm;
use crate::web::{AppState, PageCtx, cookie};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only same-site relative paths are followed after sign-in.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

async fn login_form(ctx: PageCtx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    Ok(ctx
        .render(
            "auth/login.html",
            minijinja::context! { next => next, email => "" },
        )?
        .into_response())
}

async fn login(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ctx: PageCtx,
    form: RawForm,
) -> AppResult<Response> {
    let email = form.get("email");
    let pass = form
        .0
        .iter()
        .find(|(k, _)| k == "password")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let next = safe_next(&form.get("next"));
    let fail = |key: &str, status: StatusCode| -> AppResult<Response> {
        let page = ctx.render(
            "auth/login.html",
            minijinja::context! { next => &next, email => &email, error => key },
        )?;
        Ok((status, page).into_response())
    };
    if email.is_empty() || pass.is_empty() {
        return fail("login-missing", StatusCode::UNPROCESSABLE_ENTITY);
    }
    if store::is_throttled(&state.db, &email).await? {
        return fail("login-throttled", StatusCode::TOO_MANY_REQUESTS);
    }
    let creds = store::credentials(&state.db, &email).await?;
    let hash = creds
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| password::DUMMY_HASH.to_owned());
    let ok = password::verify(pass, hash).await? && creds.is_some();
    let Some((user, _)) = creds.filter(|_| ok) else {
        store::record_failure(&state.db, &email).await?;
        return fail("login-failed", StatusCode::UNAUTHORIZED);
    };
    store::clear_failures(&state.db, &email).await?;
    let token = store::create_session(&state.db, user.id, state.config.session_hours).await?;
    let secure = state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            == Some("https");
    let c = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        state.config.session_hours * 3600,
        if secure { "; Secure" } else { "" }
    );
    let mut res = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&c) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> AppResult<Response> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        store::delete_session(&state.db, &token).await?;
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("tuuli_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            super::safe_next("/organisations?page=2"),
            "/organisations?page=2"
        );
        assert_eq!(super::safe_next("//evil.example"), "/");
        assert_eq!(super::safe_next("https://evil.example"), "/");
    }
}
