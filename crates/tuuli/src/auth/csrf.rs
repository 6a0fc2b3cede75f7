//! CSRF protection by the double-submit pattern.
//!
//! Every response to a browser carries a random `tuuli_csrf` cookie (HttpOnly, SameSite=Lax);
//! every form repeats it in a hidden `_csrf` field, and every unsafe request must present it:
//! a form field for pages, an `X-CSRF-Token` header for API calls made with the session
//! cookie. API calls with a bearer token (or without a session) carry no ambient credentials
//! and need no token.
//! Another site can neither read the cookie nor set it, so a forged POST gets 403.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::web::middleware::is_secure;
use crate::web::{AppState, CsrfToken, cookie};

pub const CSRF_COOKIE: &str = "tuuli_csrf";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE)
        .filter(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()));
    let token = existing.clone().unwrap_or_else(|| super::random_token(""));
    let secure = is_secure(&req);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let req = if unsafe_method {
        match check(req, existing.as_deref(), state.config.max_body_bytes).await {
            Ok(r) => r,
            Err(e) => return e.into_response(),
        }
    } else {
        req
    };
    let mut req = req;
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.run(req).await;
    if existing.is_none() {
        let c = format!(
            "{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}",
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

async fn check(req: Request, expected: Option<&str>, limit: usize) -> Result<Request, AppError> {
    let is_api = req.uri().path().starts_with("/api/");
    // API calls with a bearer token, or with no session cookie at all, carry no ambient
    // credentials: a forged request could do nothing the anonymous cannot.
    if is_api
        && (req.headers().contains_key(header::AUTHORIZATION)
            || cookie(req.headers(), super::SESSION_COOKIE).is_none())
    {
        return Ok(req);
    }
    let Some(expected) = expected else {
        return Err(AppError::Forbidden("error-csrf"));
    };
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if constant_eq(h, expected) {
            Ok(req)
        } else {
            Err(AppError::Forbidden("error-csrf"))
        };
    }
    if is_api {
        return Err(AppError::Forbidden("error-csrf"));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Forbidden("error-csrf"));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let sent = form_urlencoded_field(&bytes, CSRF_FIELD);
    if !sent.is_some_and(|s| constant_eq(&s, expected)) {
        return Err(AppError::Forbidden("error-csrf"));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn comparison_is_exact() {
        assert!(super::constant_eq("abc", "abc"));
        assert!(!super::constant_eq("abc", "abd"));
        assert!(!super::constant_eq("abc", "ab"));
    }
}
