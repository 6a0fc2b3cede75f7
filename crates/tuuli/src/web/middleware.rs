//! Request middleware: language choice, localised error bodies and security headers.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::{AppState, PageCtx, cookie};
use crate::error::{ErrorInfo, FieldErrors};
use crate::i18n::Lang;

pub const LANG_COOKIE: &str = "tuuli_lang";

/// Picks the language: `?lang=` (remembered in a cookie), the cookie, `Accept-Language`, Finnish.
pub async fn language(mut req: Request, next: Next) -> Response {
    let from_query = req
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| Lang::parse(&v))
        });
    let lang = from_query
        .or_else(|| cookie(req.headers(), LANG_COOKIE).and_then(|c| Lang::parse(&c)))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    req.extensions_mut().insert(lang);
    let secure = is_secure(&req);
    let mut res = next.run(req).await;
    if let Some(l) = from_query {
        let c = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
            l.code(),
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    res
}

/// Whether cookies should be `Secure`: configured so, or the proxy says the client used HTTPS.
pub fn is_secure(req: &Request) -> bool {
    let forwarded = req
        .headers()
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        == Some("https");
    forwarded || req.extensions().get::<SecureCookies>().is_some_and(|s| s.0)
}

/// Set from the configuration for every request.
#[derive(Clone, Copy, Debug)]
pub struct SecureCookies(pub bool);

/// Replaces the body of error responses with a localised one: JSON under `/api`, an HTML
/// page (or a redirect to sign in, for 401) elsewhere. Bare 404/405/413 from the router and
/// body-limit layers get the same treatment.
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_else(|| path.clone());
    let is_api = path.starts_with("/api/");
    let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
    let (parts, body) = req.into_parts();
    let mut kept = parts.clone();
    let res = next.run(Request::from_parts(parts, body)).await;
    let status = res.status();
    let (res, param) = query_param_rejection(res).await;
    let info = match res.extensions().get::<ErrorInfo>() {
        Some(i) => i.clone(),
        None if status == StatusCode::NOT_FOUND => ErrorInfo {
            status,
            key: "error-not-found".to_owned(),
            details: FieldErrors::new(),
        },
        None if status == StatusCode::METHOD_NOT_ALLOWED => ErrorInfo {
            status,
            key: "error-method".to_owned(),
            details: FieldErrors::new(),
        },
        None if status == StatusCode::PAYLOAD_TOO_LARGE => ErrorInfo {
            status,
            key: "error-too-large".to_owned(),
            details: FieldErrors::new(),
        },
        None if param.is_some() => {
            let mut details = FieldErrors::new();
            details.add(param.as_deref().unwrap_or_default(), "error-param-invalid");
            ErrorInfo {
                status,
                key: "error-bad-param".to_owned(),
                details,
            }
        }
        None if status.is_client_error() => ErrorInfo {
            status,
            key: "error-bad-request".to_owned(),
            details: FieldErrors::new(),
        },
        None => return res,
    };
    // A handler that rendered its own page (a form re-shown with errors) keeps it.
    if res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
    {
        return res;
    }
    let i18n = &state.i18n;
    // A 413 names the limit that applied to the route (see `web::uploads`).
    let (key, args) = match res.extensions().get::<super::uploads::BodyLimit>() {
        Some(l) if info.status == StatusCode::PAYLOAD_TOO_LARGE => (
            "error-too-large-limit",
            vec![("limit", super::uploads::human_size(l.0))],
        ),
        _ => (
            info.key.as_str(),
            vec![("name", param.clone().unwrap_or_default())],
        ),
    };
    let message = i18n.t(lang, key, &args);
    if is_api {
        let details: serde_json::Map<String, serde_json::Value> = info
            .details
            .0
            .iter()
            .map(|(k, v)| (k.clone(), i18n.t(lang, v, &[]).into()))
            .collect();
        let body = serde_json::json!({ "error": message, "details": details });
        let mut out = (info.status, axum::Json(body)).into_response();
        copy_cookies(&res, &mut out);
        return out;
    }
    if info.status == StatusCode::UNAUTHORIZED {
        let target = format!(
            "/login?next={}",
            serde_urlencoded::to_string([("", &path_and_query)])
                .unwrap_or_default()
                .trim_start_matches('=')
        );
        return Redirect::to(&target).into_response();
    }
    let ctx = match PageCtx::from_parts(&mut kept, &state).await {
        Some(c) => c,
        None => return (info.status, message).into_response(),
    };
    let page = ctx.render(
        "error.html",
        minijinja::context! { status => info.status.as_u16(), message_key => &info.key, message => &message, param => param.clone().unwrap_or_default() },
    );
    let mut out = match page {
        Ok(html) => (info.status, html).into_response(),
        Err(_) => (info.status, message).into_response(),
    };
    copy_cookies(&res, &mut out);
    out
}

/// A 400 from axum's query-string extractor names the parameter it could not read
/// ("Failed to deserialize query string: page: invalid digit…"): returns the response
/// (body intact) and that parameter's name, so the answer can say which one to fix.
async fn query_param_rejection(res: Response) -> (Response, Option<String>) {
    if res.status() != StatusCode::BAD_REQUEST || res.extensions().get::<ErrorInfo>().is_some() {
        return (res, None);
    }
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let param = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| t.strip_prefix("Failed to deserialize query string: "))
        .and_then(|rest| rest.split_once(": "))
        .map(|(name, _)| name.to_owned())
        .filter(|n| {
            !n.is_empty()
                && n.len() <= 40
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    (
        Response::from_parts(parts, axum::body::Body::from(bytes)),
        param,
    )
}

fn copy_cookies(from: &Response, to: &mut Response) {
    for v in from.headers().get_all(header::SET_COOKIE) {
        to.headers_mut().append(header::SET_COOKIE, v.clone());
    }
}

impl PageCtx {
    async fn from_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Option<PageCtx> {
        use axum::extract::FromRequestParts;
        PageCtx::from_request_parts(parts, state).await.ok()
    }
}

/// Headers every response carries.
pub async fn security_headers(req: Request, next: Next) -> Response {
    // Answers to a signed-in request may carry personal data: no cache may keep them.
    let signed_in = req.headers().contains_key(header::AUTHORIZATION)
        || crate::web::cookie(req.headers(), crate::auth::SESSION_COOKIE).is_some();
    let private = signed_in && !req.uri().path().starts_with("/assets/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if private {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    );
    res
}

/// JSON bodies under `/api` may not carry NUL characters (`\u0000`): PostgreSQL cannot
/// store them, and the forms drop them. Refused with 400 before any handler runs.
pub async fn refuse_nul_json(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !is_json || !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    // JSON bodies are never uploads: the ordinary limit applies (the route's own limit,
    // inside, would come too late for this buffer).
    let Ok(bytes) = axum::body::to_bytes(body, state.config.max_body_bytes).await else {
        return crate::error::AppError::PayloadTooLarge.into_response();
    };
    if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
        && serde_json::from_slice::<serde_json::Value>(&bytes).is_ok_and(|v| has_nul(&v))
    {
        return crate::error::AppError::BadRequest("error-nul").into_response();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

fn has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(a) => a.iter().any(has_nul),
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}
