//! The iCalendar feeds: all public meetings, one group's public meetings, one meeting.
//! Calendar programs fetch them without signing in, so the feeds hold public meetings only;
//! a single meeting follows the same visibility as its page.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::ical::Calendar;
use super::store;
use crate::error::{AppError, AppResult};
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings.ics", get(all))
        .route("/groups/{id}/meetings.ics", get(group))
}

/// The site's address as the request gave it (for absolute links in calendar entries),
/// or None when the Host header does not look like a host name.
pub fn base_url(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let sane = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !sane {
        return None;
    }
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        == Some("https");
    Some(format!("{}://{host}", if https { "https" } else { "http" }))
}

/// A calendar response.
fn ics(body: String, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /meetings.ics`: every public meeting from a year back on.
async fn all(ctx: PageCtx, headers: HeaderMap) -> AppResult<Response> {
    let meetings = store::public_feed(&ctx.state.db, None).await?;
    let base = base_url(&headers);
    let mut cal = Calendar::new(&ctx.t("meetings-calendar-name"));
    for m in &meetings {
        cal.meeting(m, base.as_deref());
    }
    Ok(ics(cal.finish(), "meetings.ics"))
}

/// `GET /groups/{id}/meetings.ics`: one group's public meetings (404 for an unknown group).
async fn group(ctx: PageCtx, headers: HeaderMap, Path(id): Path<String>) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let g = store::group(&ctx.state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let meetings = store::public_feed(&ctx.state.db, Some(id)).await?;
    let base = base_url(&headers);
    let name = ctx.lang.pick(&g.name_fi, &g.name_sv, &g.name_en).to_owned();
    let mut cal = Calendar::new(&name);
    for m in &meetings {
        cal.meeting(m, base.as_deref());
    }
    Ok(ics(cal.finish(), &format!("group-{id}-meetings.ics")))
}

/// `GET /meetings/{id}.ics`: one meeting, visible as its page is (routed from the page's
/// path, as the router cannot match a parameter with a suffix).
pub async fn one(ctx: &PageCtx, headers: &HeaderMap, id: i64) -> AppResult<Response> {
    let (m, _) = super::visible(&ctx.state.db, &ctx.viewer, id).await?;
    let base = base_url(headers);
    let mut cal = Calendar::new(&m.title);
    cal.meeting(&m, base.as_deref());
    Ok(ics(cal.finish(), &format!("meeting-{id}.ics")))
}
