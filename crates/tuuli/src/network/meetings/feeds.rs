//! The iCalendar feeds: all public meetings, one group's public meetings, one meeting.
//! Calendar programs fetch them without signing in, so the feeds hold public meetings only;
//! a single meeting follows the same visibility as its page.

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::ical::Calendar;
use super::model::Meeting;
use super::store;
use crate::error::{AppError, AppResult};
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings.ics", get(all))
        .route("/groups/{id}/meetings.ics", get(group))
        .route("/calendar/{token}", get(private))
}

/// `GET /calendar/{secret}.ics`: a user's private feed — every meeting of the groups they
/// belong to, internal ones included, from a year back on. Calendar programs cannot sign
/// in, so the secret in the address stands for the user (it can be replaced or revoked on
/// the account page); rights are those of the user now: a membership that ended no longer
/// shows its group's meetings, a disabled user's feed is gone. An unknown secret is 404.
async fn private(ctx: PageCtx, Path(token): Path<String>) -> AppResult<Response> {
    let token = token.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let user = crate::auth::store::user_for_calendar_token(&ctx.state.db, token)
        .await?
        .ok_or(AppError::NotFound)?;
    let viewer = crate::auth::Viewer(Some(user));
    let groups = crate::core::rights::member_group_ids(&ctx.state.db, &viewer).await?;
    let since = crate::core::time::local_now() - chrono::Duration::days(365);
    let meetings = store::of_groups(&ctx.state.db, &groups, since, 2000).await?;
    let base = base_url(&ctx);
    let mut cal = Calendar::new(&ctx.t("account-calendar-name"));
    for m in &meetings {
        cal.meeting(&in_lang(m, ctx.lang), base.as_deref());
    }
    let mut res = ics(cal.finish(), "tuuli.ics");
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// The site's public address from the configuration (`public_url`), for absolute links in
/// calendar entries. The request's Host header is never used: it is whatever the client
/// wrote, and a feed cached by a calendar service would carry someone else's host.
fn base_url(ctx: &PageCtx) -> Option<String> {
    Some(ctx.state.config.site_url())
}

/// The meeting with its title in the reader's language (Finnish when not translated).
fn in_lang(m: &Meeting, lang: crate::i18n::Lang) -> Meeting {
    let mut m = m.clone();
    m.title = lang.pick(&m.title, &m.title_sv, &m.title_en).to_owned();
    m
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
async fn all(ctx: PageCtx) -> AppResult<Response> {
    let meetings = store::public_feed(&ctx.state.db, None).await?;
    let base = base_url(&ctx);
    let mut cal = Calendar::new(&ctx.t("meetings-calendar-name"));
    for m in &meetings {
        cal.meeting(&in_lang(m, ctx.lang), base.as_deref());
    }
    Ok(ics(cal.finish(), "meetings.ics"))
}

/// `GET /groups/{id}/meetings.ics`: one group's public meetings (404 for an unknown group).
async fn group(ctx: PageCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::BadRequest("error-bad-request"))?;
    let g = store::group(&ctx.state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let meetings = store::public_feed(&ctx.state.db, Some(id)).await?;
    let base = base_url(&ctx);
    let name = ctx.lang.pick(&g.name_fi, &g.name_sv, &g.name_en).to_owned();
    let mut cal = Calendar::new(&name);
    for m in &meetings {
        cal.meeting(&in_lang(m, ctx.lang), base.as_deref());
    }
    Ok(ics(cal.finish(), &format!("group-{id}-meetings.ics")))
}

/// `GET /meetings/{id}.ics`: one meeting, visible as its page is (routed from the page's
/// path, as the router cannot match a parameter with a suffix).
pub async fn one(ctx: &PageCtx, id: i64) -> AppResult<Response> {
    let (m, _) = super::visible(&ctx.state.db, &ctx.viewer, id).await?;
    let base = base_url(ctx);
    let mut cal = Calendar::new(ctx.lang.pick(&m.title, &m.title_sv, &m.title_en));
    cal.meeting(&in_lang(&m, ctx.lang), base.as_deref());
    Ok(ics(cal.finish(), &format!("meeting-{id}.ics")))
}
