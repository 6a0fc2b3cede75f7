//! Sign-in and sign-out pages.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::client::ClientAddr;
use super::{SESSION_COOKIE, password, store};
use crate::error::AppResult;
use crate::web::forms::RawForm;
use crate::web::{AppState, PageCtx, cookie};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .merge(super::account::router())
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only same-site paths are followed after sign-in: one leading `/` (not `//` or `/\`,
/// which browsers read as another site), and no control characters, whitespace or
/// backslashes anywhere (browsers drop tabs and newlines, so `/\t/evil.example` would
/// become `//evil.example`; a newline cannot go into a `Location` header at all).
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && next.len() <= 2000
        && !next
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if ok { next.to_owned() } else { "/".to_owned() }
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

/// The longest e-mail address (RFC 5321) and password a sign-in accepts; longer ones are
/// refused before anything is stored or hashed.
const MAX_EMAIL: usize = 254;
const MAX_PASSWORD: usize = 1024;

async fn login(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ClientAddr(client): ClientAddr,
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
    let fail = |key: &str, status: StatusCode, minutes: i64| -> AppResult<Response> {
        let shown = if email.chars().count() > MAX_EMAIL {
            ""
        } else {
            email.as_str()
        };
        let page = ctx.render(
            "auth/login.html",
            minijinja::context! { next => &next, email => shown, error => key, minutes => minutes },
        )?;
        Ok((status, page).into_response())
    };
    if email.is_empty() || pass.is_empty() {
        return fail("login-missing", StatusCode::UNPROCESSABLE_ENTITY, 0);
    }
    if email.chars().count() > MAX_EMAIL || pass.chars().count() > MAX_PASSWORD {
        return fail("login-too-long", StatusCode::UNPROCESSABLE_ENTITY, 0);
    }
    let reservation = match store::reserve_attempt(&state.db, &email, &client).await? {
        store::Attempt::Allowed(id) => id,
        store::Attempt::Refused { retry_after } => {
            let minutes = (retry_after + 59) / 60;
            let mut res = fail("login-throttled", StatusCode::TOO_MANY_REQUESTS, minutes)?;
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
            return Ok(res);
        }
    };
    let creds = store::credentials(&state.db, &email).await?;
    let hash = creds
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| password::DUMMY_HASH.to_owned());
    let ok = password::verify(pass, hash).await? && creds.is_some();
    let Some((user, _)) = creds.filter(|_| ok) else {
        // The reservation stays as the failure.
        return fail("login-failed", StatusCode::UNAUTHORIZED, 0);
    };
    store::attempt_succeeded(&state.db, reservation, &email, &client).await?;
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
        for evil in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\u{b}/evil.example",
            "/\\evil.example",
            "/ /evil.example",
            "/\r\nSet-Cookie: x=1",
            "evil.example",
            "",
        ] {
            assert_eq!(super::safe_next(evil), "/", "{evil:?}");
        }
        assert_eq!(super::safe_next("/people/3?x=%2F"), "/people/3?x=%2F");
    }
}
