//! CSRF protection by the double-submit pattern.
//!
//! Every response to a browser carries a random `tuuli_csrf` cookie (HttpOnly, SameSite=Lax);
//! every form repeats it in a hidden `_csrf` field, and every unsafe request must present it:
//! a form field for pages, an `X-CSRF-Token` header for API calls made with the session
//! cookie. API calls with a bearer token (or without a session) carry no ambient credentials
//! and need no token.
//! Another site can neither read the cookie nor set it, so a forged POST gets 403.
//!
//! A `multipart/form-data` page form (an upload) must carry the token as its FIRST field
//! (or in the header): only that first part is read here, at most [`PEEK_LIMIT`] bytes, and
//! the body is passed on unchanged and still streaming, so large uploads are never held in
//! memory and no handler runs for a multipart POST without the token.

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

/// A refusal from [`check`]: a CSRF failure (or other error), or a body over `limit`.
enum Refusal {
    Error(AppError),
    TooLarge(usize),
}

struct TooLarge(usize);

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Refusal::Error(e)
    }
}

impl From<TooLarge> for Refusal {
    fn from(t: TooLarge) -> Self {
        Refusal::TooLarge(t.0)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Error(e) => e.into_response(),
            Refusal::TooLarge(limit) => crate::web::uploads::too_large(limit),
        }
    }
}

async fn check(req: Request, expected: Option<&str>, limit: usize) -> Result<Request, Refusal> {
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
        return Err(AppError::Forbidden("error-csrf").into());
    };
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if constant_eq(h, expected) {
            Ok(req)
        } else {
            Err(AppError::Forbidden("error-csrf").into())
        };
    }
    if is_api {
        return Err(AppError::Forbidden("error-csrf").into());
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if let Some(boundary) = multipart_boundary(&content_type) {
        return check_first_multipart_field(req, &boundary, expected).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::Forbidden("error-csrf").into());
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return Err(TooLarge(limit).into()),
    };
    let sent = form_urlencoded_field(&bytes, CSRF_FIELD);
    if !sent.is_some_and(|s| constant_eq(&s, expected)) {
        return Err(AppError::Forbidden("error-csrf").into());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// How much of a multipart body is read to find the token in its first field.
pub const PEEK_LIMIT: usize = 8 * 1024;

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        let v = v.trim().trim_matches('"');
        (k.trim().eq_ignore_ascii_case("boundary") && !v.is_empty() && v.len() <= 200)
            .then(|| v.to_owned())
    })
}

/// Reads the body until its first part is complete, checks that it is the `_csrf` field
/// with the right token, and passes on the bytes read followed by the rest of the stream.
async fn check_first_multipart_field(
    req: Request,
    boundary: &str,
    expected: &str,
) -> Result<Request, Refusal> {
    use futures_util::StreamExt as _;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::new();
    loop {
        match first_part(&buf, boundary) {
            FirstPart::Field(name, value) => {
                let ok = name == CSRF_FIELD
                    && std::str::from_utf8(value).is_ok_and(|v| constant_eq(v, expected));
                if !ok {
                    return Err(AppError::Forbidden("error-csrf").into());
                }
                break;
            }
            FirstPart::Invalid => return Err(AppError::Forbidden("error-csrf").into()),
            FirstPart::Incomplete if buf.len() > PEEK_LIMIT => {
                return Err(AppError::Forbidden("error-csrf").into());
            }
            FirstPart::Incomplete => match stream.next().await {
                Some(Ok(chunk)) => buf.extend_from_slice(&chunk),
                Some(Err(_)) => return Err(AppError::BadRequest("error-upload-malformed").into()),
                None => return Err(AppError::Forbidden("error-csrf").into()),
            },
        }
    }
    let prefix = axum::body::Bytes::from(buf);
    let rest =
        futures_util::stream::once(async move { Ok::<_, axum::Error>(prefix) }).chain(stream);
    Ok(Request::from_parts(parts, Body::from_stream(rest)))
}

#[derive(Debug, PartialEq)]
enum FirstPart<'a> {
    /// The first part is complete: its field name and value.
    Field(String, &'a [u8]),
    /// More bytes are needed.
    Incomplete,
    /// Not a multipart body, or its first part is a file.
    Invalid,
}

/// Parses the first part of a multipart body read so far.
fn first_part<'a>(buf: &'a [u8], boundary: &str) -> FirstPart<'a> {
    let delimiter = format!("--{boundary}");
    let Some(start) = find(buf, delimiter.as_bytes()) else {
        return FirstPart::Incomplete;
    };
    let after = &buf[start + delimiter.len()..];
    if after.len() < 2 {
        return FirstPart::Incomplete;
    }
    let Some(after) = after.strip_prefix(b"\r\n") else {
        return FirstPart::Invalid;
    };
    let Some(headers_end) = find(after, b"\r\n\r\n") else {
        return FirstPart::Incomplete;
    };
    let Ok(headers) = std::str::from_utf8(&after[..headers_end]) else {
        return FirstPart::Invalid;
    };
    let mut name = None;
    for line in headers.split("\r\n") {
        let Some((k, v)) = line.split_once(':') else {
            return FirstPart::Invalid;
        };
        if !k.trim().eq_ignore_ascii_case("content-disposition") {
            continue;
        }
        for param in v.split(';').skip(1) {
            match param.trim().split_once('=') {
                Some((pk, pv)) if pk.trim().eq_ignore_ascii_case("name") => {
                    name = Some(pv.trim().trim_matches('"').to_owned());
                }
                Some((pk, _)) if pk.trim().eq_ignore_ascii_case("filename") => {
                    return FirstPart::Invalid;
                }
                _ => {}
            }
        }
    }
    let Some(name) = name else {
        return FirstPart::Invalid;
    };
    let value = &after[headers_end + 4..];
    let end_marker = format!("\r\n{delimiter}");
    match find(value, end_marker.as_bytes()) {
        Some(end) => FirstPart::Field(name, &value[..end]),
        None => FirstPart::Incomplete,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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
    use super::{FirstPart, first_part, multipart_boundary};

    #[test]
    fn the_boundary_is_read_from_a_multipart_content_type() {
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=abc").as_deref(),
            Some("abc")
        );
        assert_eq!(
            multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(
            multipart_boundary("application/x-www-form-urlencoded"),
            None
        );
        assert_eq!(multipart_boundary("multipart/form-data"), None);
    }

    #[test]
    fn the_first_multipart_field_is_found_only_when_complete() {
        let body =
            b"--XY\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok\r\n--XY\r\nmore";
        assert_eq!(
            first_part(body, "XY"),
            FirstPart::Field("_csrf".into(), b"tok")
        );
        assert_eq!(first_part(&body[..40], "XY"), FirstPart::Incomplete);
        assert_eq!(first_part(b"", "XY"), FirstPart::Incomplete);
    }

    #[test]
    fn a_file_as_first_part_or_garbage_is_refused() {
        let file = b"--XY\r\nContent-Disposition: form-data; name=\"_csrf\"; filename=\"a\"\r\n\r\ntok\r\n--XY";
        assert_eq!(first_part(file, "XY"), FirstPart::Invalid);
        assert_eq!(first_part(b"--XYgarbage", "XY"), FirstPart::Invalid);
        let no_name = b"--XY\r\nContent-Type: text/plain\r\n\r\nx\r\n--XY";
        assert_eq!(first_part(no_name, "XY"), FirstPart::Invalid);
    }

    #[test]
    fn comparison_is_exact() {
        assert!(super::constant_eq("abc", "abc"));
        assert!(!super::constant_eq("abc", "abd"));
        assert!(!super::constant_eq("abc", "ab"));
    }
}
