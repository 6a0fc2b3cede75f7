//! People pages: list with filters and paging, detail, create/edit forms, delete.
//! Everything here needs a signed-in user; the anonymous are sent to sign in.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::model::{Person, PersonInput};
use super::store::{self, PersonFilter};
use super::{can_create, can_edit, require};
use crate::core::paging::Paging;
use crate::core::rights::sees_lived_experience;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::network::groups::memberships;
use crate::network::organisations;
use crate::web::chooser::{self, Chooser};
use crate::web::conflict::{self, Change, EDIT_CONFLICT};
use crate::web::forms::RawForm;
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(list_page).post(create))
        .route("/people/new", get(new_form))
        .route("/people/{id}", get(detail))
        .route("/people/{id}/edit", get(edit_form).post(update))
        .route("/people/{id}/delete", post(delete))
        .route("/people/{id}/erase", post(erase))
        .route("/people/{id}/export", get(export))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    q: Option<String>,
    /// Text to find organisations for the organisation filter (see `choices_matching`).
    #[serde(default)]
    org_q: Option<String>,
    #[serde(default)]
    page: Option<String>,
    /// Keyset cursors of the pager's links (see `core::paging::Cursor`).
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    before: Option<String>,
}

async fn list_page(ctx: PageCtx, Query(q): Query<ListQuery>) -> AppResult<Html<String>> {
    ctx.viewer.require_signed_in()?;
    let filter = PersonFilter {
        organisation: q.organisation.as_deref().and_then(|s| s.parse().ok()),
        q: q.q.clone(),
    };
    let paging = Paging::new(q.page.as_deref().and_then(|p| p.parse().ok()), None, 25)
        .with_cursor(
            q.after.as_deref().and_then(|p| p.parse().ok()),
            q.before.as_deref().and_then(|p| p.parse().ok()),
        )
        .capped();
    let page = store::list(&ctx.state.db, &ctx.viewer, &filter, paging).await?;
    let pages = page.pages();
    let window = page.window;
    let (organisations, more_organisations) = organisations::store::choices_matching(
        &ctx.state.db,
        q.org_q.as_deref(),
        filter.organisation,
    )
    .await?;
    ctx.render(
        "network/people.html",
        minijinja::context! {
            page, pages, window,
            filter => minijinja::context! { organisation => q.organisation, q => q.q, org_q => q.org_q },
            organisations, more_organisations,
            choices_shown => organisations::store::CHOICES_SHOWN,
            can_create => can_create(&ctx.viewer),
        },
    )
}

/// Renders a person's page, optionally with a conflict message (status set by the caller).
async fn detail_page(
    ctx: &PageCtx,
    person: &Person,
    conflict: Option<&str>,
) -> AppResult<Html<String>> {
    let groups = memberships::for_person(&ctx.state.db, &ctx.viewer, person.id).await?;
    ctx.render(
        "network/people_detail.html",
        minijinja::context! {
            person, groups, conflict,
            sees_lived => sees_lived_experience(&ctx.viewer),
            can_edit => can_edit(&ctx.viewer, person),
            can_erase => ctx.viewer.is_coordinator(),
        },
    )
}

async fn detail(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    ctx.viewer.require_signed_in()?;
    let person = store::get(&ctx.state.db, &ctx.viewer, id).await?;
    detail_page(&ctx, &person, None).await
}

/// Renders the form with what the user typed and what to fix; `raw` (the submitted form,
/// if any) keeps the organisation chooser's search text (see `web::chooser`).
async fn form_page(
    ctx: &PageCtx,
    id: Option<i64>,
    input: &PersonInput,
    errors: &FieldErrors,
    conflict: Option<&str>,
    changes: &[Change],
    raw: Option<&RawForm>,
) -> AppResult<Html<String>> {
    let text = raw
        .map(|f| chooser::text(f, "organisations"))
        .unwrap_or_default();
    let organisations = Chooser::new(
        "organisations",
        &text,
        organisations::store::choices_for(&ctx.state.db, &text, &input.organisations).await?,
    )
    .found_by(raw.and_then(chooser::find).as_deref());
    let own_org = ctx
        .viewer
        .user()
        .filter(|u| !u.is_coordinator())
        .and_then(|u| u.organisation_id);
    ctx.render(
        "network/people_form.html",
        minijinja::context! {
            id, input, errors => errors.0, conflict, own_org, changes,
            organisations,
            sees_lived => sees_lived_experience(&ctx.viewer),
        },
    )
}

async fn new_form(ctx: PageCtx) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_create(&ctx.viewer))?;
    // An editor's people belong to the editor's organisation; coordinators choose freely.
    let own = ctx
        .viewer
        .user()
        .filter(|u| !u.is_coordinator())
        .and_then(|u| u.organisation_id);
    let input = PersonInput {
        organisations: own.into_iter().collect(),
        lived_experience: sees_lived_experience(&ctx.viewer).then_some(false),
        ..Default::default()
    };
    form_page(&ctx, None, &input, &FieldErrors::new(), None, &[], None).await
}

/// The person if the viewer may edit it (see `people::editable`).
async fn editable(ctx: &PageCtx, id: i64) -> AppResult<Person> {
    super::editable(&ctx.state.db, &ctx.viewer, id).await
}

async fn edit_form(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let p = editable(&ctx, id).await?;
    form_page(
        &ctx,
        Some(id),
        &PersonInput::from(&p),
        &FieldErrors::new(),
        None,
        &[],
        None,
    )
    .await
}

/// Shows the form again on a validation error or a conflict; other errors pass on.
async fn redisplay(
    ctx: &PageCtx,
    id: Option<i64>,
    input: &PersonInput,
    raw: &RawForm,
    err: AppError,
) -> AppResult<Response> {
    if let (Some(id), AppError::Conflict(EDIT_CONFLICT)) = (id, &err) {
        // Someone saved first: the typed values stay, the saved ones are shown (as this
        // viewer may see them), and the form now carries the current version.
        let person = store::get(&ctx.state.db, &ctx.viewer, id).await?;
        let saved = PersonInput::from(&person);
        let typed = PersonInput {
            version: saved.version,
            ..input.clone()
        };
        let mut changes = conflict::changes(&typed, &saved);
        for c in changes.iter_mut().filter(|c| c.field == "organisations") {
            let names: Vec<&str> = person
                .organisations
                .iter()
                .map(|o| o.name_fi.as_str())
                .collect();
            c.saved = names.join(", ");
        }
        let page = form_page(
            ctx,
            Some(id),
            &typed,
            &FieldErrors::new(),
            Some(EDIT_CONFLICT),
            &changes,
            Some(raw),
        )
        .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    crate::web::forms::redisplay(err, |errors, conflict| async move {
        form_page(ctx, id, input, &errors, conflict, &[], Some(raw)).await
    })
    .await
}

async fn create(ctx: PageCtx, form: RawForm) -> AppResult<Response> {
    require(&ctx.viewer, can_create(&ctx.viewer))?;
    let input = PersonInput::from_form(&form, sees_lived_experience(&ctx.viewer));
    if chooser::find(&form).is_some() {
        // "Find" in the organisation chooser: the form again with the organisations found.
        let none = FieldErrors::new();
        let page = form_page(&ctx, None, &input, &none, None, &[], Some(&form)).await?;
        return Ok(page.into_response());
    }
    match store::create(&ctx.state.db, &ctx.viewer, &input).await {
        Ok(p) => Ok(Redirect::to(&format!("/people/{}?saved=1", p.id)).into_response()),
        Err(e) => redisplay(&ctx, None, &input, &form, e).await,
    }
}

async fn update(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    editable(&ctx, id).await?;
    let input = PersonInput::from_form(&form, sees_lived_experience(&ctx.viewer));
    if chooser::find(&form).is_some() {
        let none = FieldErrors::new();
        let page = form_page(&ctx, Some(id), &input, &none, None, &[], Some(&form)).await?;
        return Ok(page.into_response());
    }
    match store::update(&ctx.state.db, &ctx.viewer, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response()),
        Err(e) => redisplay(&ctx, Some(id), &input, &form, e).await,
    }
}

async fn delete(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    let person = editable(&ctx, id).await?;
    match store::delete(&ctx.state.db, &ctx.viewer, id).await {
        Ok(()) => Ok(Redirect::to("/people?deleted=1").into_response()),
        Err(e @ (AppError::Conflict(_) | AppError::Forbidden(_))) => {
            Ok((e.status(), detail_page(&ctx, &person, Some(e.key())).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /people/{id}/erase`: a data subject's erasure (coordinators and admins).
async fn erase(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.viewer.require_signed_in()?;
    store::erase(&ctx.state.db, &ctx.viewer, id).await?;
    Ok(Redirect::to("/people?erased=1").into_response())
}

/// `GET /people/{id}/export`: everything held on a person, as a JSON file (coordinators
/// and admins).
async fn export(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.viewer.require_signed_in()?;
    let data = super::export::export(&ctx.state.db, &ctx.viewer, id).await?;
    let body = serde_json::to_string_pretty(&data).map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"person-{id}.json\""),
            ),
        ],
        body,
    )
        .into_response())
}
