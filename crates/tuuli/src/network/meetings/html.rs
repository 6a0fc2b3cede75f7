//! Meeting pages: list with filters and paging, the meeting page (agenda, decisions,
//! attendance, minutes) with its decision and attendance forms, create/edit forms, delete.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::minutes_store as ms;
use super::model::{DecisionInput, MeetingInput};
use super::store::{self, MeetingFilter, Scope};
use super::{editable, feeds, require_group_edit, visible};
use crate::core::paging::Paging;
use crate::core::rights;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::network::organisations;
use crate::web::chooser::{self, Chooser};
use crate::web::conflict::{self, Change, EDIT_CONFLICT};
use crate::web::forms::{RawForm, markdown_to_html};
use crate::web::templates::format_datetime;
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(list_page).post(create))
        .route("/meetings/new", get(new_form))
        .route("/meetings/{id}", get(detail))
        .route("/meetings/{id}/edit", get(edit_form).post(update))
        .route("/meetings/{id}/delete", post(delete))
        .route("/meetings/{id}/decisions", post(add_decision))
        .route(
            "/meetings/{id}/decisions/{did}/delete",
            post(delete_decision),
        )
        .route("/meetings/{id}/attendance", post(set_attendance))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

async fn list_page(ctx: PageCtx, Query(q): Query<ListQuery>) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    let when = if q.when.as_deref() == Some("past") {
        "past"
    } else {
        "upcoming"
    };
    let filter = MeetingFilter {
        group: q.group.as_deref().and_then(|s| s.parse().ok()),
        theme: q.theme.clone().filter(|s| !s.is_empty()),
        when: Some(when.to_owned()),
    };
    let paging = Paging::new(q.page.as_deref().and_then(|p| p.parse().ok()), None, 25);
    let scope = Scope::of(db, &ctx.viewer).await?;
    let page = store::list(db, &scope, &filter, paging).await?;
    let pages = page.pages();
    ctx.render(
        "network/meetings.html",
        minijinja::context! {
            page, pages, when,
            filter => minijinja::context! { group => q.group, theme => q.theme, when => when },
            groups => store::all_groups(db).await?,
            themes => ctx.state.themes().await?,
            can_create => !store::editable_groups(db, &ctx.viewer).await?.is_empty(),
        },
    )
}

/// `13:00–15:00` on one day, the full date and time on both sides otherwise.
fn time_range(starts: NaiveDateTime, ends: NaiveDateTime) -> String {
    let s = format_datetime(&starts.format("%Y-%m-%dT%H:%M:%S").to_string());
    let e = format_datetime(&ends.format("%Y-%m-%dT%H:%M:%S").to_string());
    if starts.date() == ends.date() {
        let end_time = e.rsplit(' ').next().unwrap_or(&e);
        format!("{s}–{end_time}")
    } else {
        format!("{s} – {e}")
    }
}

/// The minutes as safe HTML, their headings moved below the page's own (h1 is the
/// meeting's title and h2 the "Minutes" section), so that the page keeps one h1.
fn minutes_html(src: &str) -> String {
    let mut html = markdown_to_html(src);
    // Raw HTML in the source comes out escaped, so these tags can only be Markdown headings.
    for (from, to) in [(5, 6), (4, 6), (3, 5), (2, 4), (1, 3)] {
        html = html
            .replace(&format!("<h{from}>"), &format!("<h{to}>"))
            .replace(&format!("</h{from}>"), &format!("</h{to}>"));
    }
    html
}

/// Renders the meeting page; the decision and attendance forms keep typed values
/// (`typed_present`: the ticked people of a refused attendance form; `raw`: the submitted
/// decision form, whose responsible organisation chooser keeps its search, see
/// `web::chooser`) and show field errors.
async fn detail_page(
    ctx: &PageCtx,
    id: i64,
    decision: &DecisionInput,
    typed_present: Option<&[i64]>,
    errors: &FieldErrors,
    raw: Option<&RawForm>,
) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    let (m, internals) = visible(db, &ctx.viewer, id).await?;
    let can_edit = rights::can_edit_group(db, &ctx.viewer, m.group_id).await?;
    let (orgs, mut choices) = if can_edit {
        let text = raw
            .map(|f| chooser::text(f, "responsible_id"))
            .unwrap_or_default();
        let chosen: Vec<i64> = decision.responsible_id.into_iter().collect();
        let orgs = Chooser::new(
            "responsible_id",
            &text,
            organisations::store::choices_for(db, &text, &chosen).await?,
        )
        .found_by(raw.and_then(chooser::find).as_deref());
        (Some(orgs), ms::attendance_choices(db, &m).await?)
    } else {
        (None, vec![])
    };
    if let Some(typed) = typed_present {
        for c in choices.iter_mut() {
            c.present = typed.contains(&c.person_id);
        }
    }
    let when_text = time_range(m.starts_at, m.ends_at);
    let mut meeting = store::detail_of(db, m, internals).await?;
    if !crate::plan::sees_unpublished(&ctx.viewer) {
        super::minutes_store::hide_unpublished_actions(db, &mut meeting.decisions).await?;
    }
    let minutes_html = meeting
        .minutes
        .as_deref()
        .map(|src| minijinja::Value::from_safe_string(minutes_html(src)));
    ctx.render(
        "network/meeting.html",
        minijinja::context! {
            meeting, internals, can_edit, orgs, choices, decision, when_text, minutes_html,
            errors => errors.0,
        },
    )
}

/// `GET /meetings/{id}` and, as the router cannot match a suffix, `GET /meetings/{id}.ics`.
async fn detail(ctx: PageCtx, Path(id): Path<String>) -> AppResult<Response> {
    if let Some(n) = id.strip_suffix(".ics") {
        let n: i64 = n
            .parse()
            .map_err(|_| AppError::BadRequest("error-bad-request"))?;
        return feeds::one(&ctx, n).await;
    }
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::BadRequest("error-bad-request"))?;
    Ok(detail_page(
        &ctx,
        id,
        &DecisionInput::default(),
        None,
        &FieldErrors::new(),
        None,
    )
    .await?
    .into_response())
}

/// Renders the form with what the user typed and what to fix.
async fn form_page(
    ctx: &PageCtx,
    id: Option<i64>,
    input: &MeetingInput,
    errors: &FieldErrors,
    conflict: Option<&str>,
    changes: &[Change],
) -> AppResult<Html<String>> {
    ctx.render(
        "network/meeting_form.html",
        minijinja::context! {
            id, input, errors => errors.0, changes, conflict,
            agenda_text => input.agenda.join("\n"),
            groups => store::editable_groups(&ctx.state.db, &ctx.viewer).await?,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    group: Option<String>,
}

/// The form for a new meeting, for anyone who edits some group; `?group=` preselects a
/// group when it is one of those (otherwise it is ignored, as the select would not offer it).
async fn new_form(ctx: PageCtx, Query(q): Query<NewQuery>) -> AppResult<Html<String>> {
    require_group_edit(&ctx.state.db, &ctx.viewer, None).await?;
    let wanted = q.group.as_deref().and_then(|g| g.parse::<i64>().ok());
    let group = match wanted {
        Some(g) if rights::can_edit_group(&ctx.state.db, &ctx.viewer, g).await? => Some(g),
        _ => None,
    };
    let input = MeetingInput {
        group_id: group,
        ..Default::default()
    };
    form_page(&ctx, None, &input, &FieldErrors::new(), None, &[]).await
}

async fn edit_form(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let m = editable(&ctx.state.db, &ctx.viewer, id).await?;
    form_page(
        &ctx,
        Some(id),
        &MeetingInput::from_meeting(&m),
        &FieldErrors::new(),
        None,
        &[],
    )
    .await
}

/// Shows the form again on a validation error or a conflict; other errors pass on.
async fn redisplay(
    ctx: &PageCtx,
    id: Option<i64>,
    input: &MeetingInput,
    err: AppError,
) -> AppResult<Response> {
    if let (Some(id), AppError::Conflict(EDIT_CONFLICT)) = (id, &err) {
        // Someone saved first: the typed values stay, the saved ones are shown, and the
        // form now carries the current version.
        let meeting = store::get(&ctx.state.db, id).await?;
        let saved = MeetingInput::from_meeting(&meeting);
        let typed = MeetingInput {
            version: saved.version,
            ..input.clone()
        };
        let mut changes = conflict::changes(&typed, &saved);
        for c in changes.iter_mut().filter(|c| c.field == "group_id") {
            c.saved = ctx
                .lang
                .pick(
                    &meeting.group.name_fi,
                    &meeting.group.name_sv,
                    &meeting.group.name_en,
                )
                .to_owned();
        }
        let page = form_page(
            ctx,
            Some(id),
            &typed,
            &FieldErrors::new(),
            Some(EDIT_CONFLICT),
            &changes,
        )
        .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    crate::web::forms::redisplay(err, |errors, _| async move {
        form_page(ctx, id, input, &errors, None, &[]).await
    })
    .await
}

async fn create(ctx: PageCtx, form: RawForm) -> AppResult<Response> {
    let input = MeetingInput::from_form(&form);
    require_group_edit(&ctx.state.db, &ctx.viewer, input.group_id).await?;
    match store::create(&ctx.state.db, &input, &ctx.viewer.actor()).await {
        Ok(id) => Ok(Redirect::to(&format!("/meetings/{id}?saved=1")).into_response()),
        Err(e) => redisplay(&ctx, None, &input, e).await,
    }
}

async fn update(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    editable(&ctx.state.db, &ctx.viewer, id).await?;
    let input = MeetingInput::from_form(&form);
    // Moving a meeting to another group needs the right to edit that group too.
    require_group_edit(&ctx.state.db, &ctx.viewer, input.group_id).await?;
    match store::update(&ctx.state.db, id, &input, &ctx.viewer.actor()).await {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{id}?saved=1")).into_response()),
        Err(e) => redisplay(&ctx, Some(id), &input, e).await,
    }
}

async fn delete(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    editable(&ctx.state.db, &ctx.viewer, id).await?;
    store::delete(&ctx.state.db, id, &ctx.viewer.actor()).await?;
    Ok(Redirect::to("/meetings?deleted=1").into_response())
}

async fn add_decision(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    editable(&ctx.state.db, &ctx.viewer, id).await?;
    let input = DecisionInput::from_form(&form);
    if chooser::find(&form).is_some() {
        // "Find" in the responsible organisation chooser: the page again with the
        // organisations found, the decision as typed.
        let none = FieldErrors::new();
        let page = detail_page(&ctx, id, &input, None, &none, Some(&form)).await?;
        return Ok(page.into_response());
    }
    match ms::add_decision(&ctx.state.db, id, &input, &ctx.viewer.actor()).await {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}?saved=1#decisions")).into_response()),
        Err(AppError::Validation(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            detail_page(&ctx, id, &input, None, &errors, Some(&form)).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

async fn delete_decision(ctx: PageCtx, Path((id, did)): Path<(i64, i64)>) -> AppResult<Response> {
    editable(&ctx.state.db, &ctx.viewer, id).await?;
    ms::delete_decision(&ctx.state.db, id, did, &ctx.viewer.actor()).await?;
    Ok(Redirect::to(&format!("/meetings/{id}?saved=1#decisions")).into_response())
}

async fn set_attendance(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    let m = editable(&ctx.state.db, &ctx.viewer, id).await?;
    let mut present = Vec::new();
    let mut errors = FieldErrors::new();
    for v in form.all("present") {
        match v.parse::<i64>() {
            Ok(n) => present.push(n),
            Err(_) => errors.add("present", "error-choice"),
        }
    }
    let result = if errors.is_empty() {
        ms::set_attendance(&ctx.state.db, &m, &present, &ctx.viewer.actor()).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{id}?saved=1#attendance")).into_response()),
        Err(AppError::Validation(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            detail_page(
                &ctx,
                id,
                &DecisionInput::default(),
                Some(&present),
                &errors,
                None,
            )
            .await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_headings_stay_below_the_page_headings() {
        let html = minutes_html("# Muistio\n\n## Päätökset\n\n###### Pieni\n\n<h1>raaka</h1>");
        assert!(
            html.contains("<h3>Muistio</h3>") && html.contains("<h4>Päätökset</h4>"),
            "{html}"
        );
        assert!(html.contains("<h6>Pieni</h6>"), "{html}");
        assert!(!html.contains("<h1>") && !html.contains("<h2>"), "{html}");
        assert!(html.contains("&lt;h1&gt;raaka"), "{html}");
    }

    #[test]
    fn a_meeting_on_one_day_shows_the_end_time_only() {
        let d = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(
            time_range(d("2026-12-01 09:30"), d("2026-12-01 15:00")),
            "1.12.2026 9:30–15:00"
        );
        assert_eq!(
            time_range(d("2026-12-01 09:30"), d("2026-12-02 12:00")),
            "1.12.2026 9:30 – 2.12.2026 12:00"
        );
    }
}
