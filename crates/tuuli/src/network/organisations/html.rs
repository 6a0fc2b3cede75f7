//! Organisation pages: list with filters and paging, detail, create/edit forms, delete.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::model::OrganisationInput;
use super::store::{self, OrgFilter};
use super::{can_create, can_edit, require};
use crate::core::areas;
use crate::core::kinds;
use crate::core::paging::Paging;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::conflict::{self, Change, EDIT_CONFLICT};
use crate::web::forms::RawForm;
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organisations", get(list_page).post(create))
        .route("/organisations/new", get(new_form))
        .route("/organisations/{id}", get(detail))
        .route("/organisations/{id}/edit", get(edit_form).post(update))
        .route("/organisations/{id}/delete", post(delete))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default, rename = "type")]
    org_type: Option<String>,
    #[serde(default)]
    area: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    page: Option<String>,
    /// Keyset cursors of the pager's links (see `core::paging::Cursor`).
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    before: Option<String>,
}

async fn list_page(ctx: PageCtx, Query(q): Query<ListQuery>) -> AppResult<Html<String>> {
    let filter = OrgFilter {
        org_type: q.org_type.clone().filter(|s| !s.is_empty()),
        area: q.area.as_deref().and_then(|s| s.parse().ok()),
        theme: q.theme.clone().filter(|s| !s.is_empty()),
        q: q.q.clone(),
    };
    let paging = Paging::new(q.page.as_deref().and_then(|p| p.parse().ok()), None, 25)
        .with_cursor(
            q.after.as_deref().and_then(|p| p.parse().ok()),
            q.before.as_deref().and_then(|p| p.parse().ok()),
        )
        .capped();
    let page = store::list(&ctx.state.db, &filter, paging).await?;
    let pages = page.pages();
    let window = page.window;
    ctx.render(
        "network/organisations.html",
        minijinja::context! {
            page, pages, window,
            filter => minijinja::context! { type => q.org_type, area => q.area, theme => q.theme, q => q.q },
            org_types => kinds::options("org-type", kinds::ORG_TYPES),
            municipality_options => ctx.state.municipality_options(ctx.lang, q.area.as_deref()).await?,
            themes => ctx.state.themes().await?,
            can_create => can_create(&ctx.viewer),
        },
    )
}

async fn detail(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    detail_page(&ctx, id, None).await
}

/// The organisation with the groups it convenes and, for those who may see them, its people.
async fn detail_page(ctx: &PageCtx, id: i64, conflict: Option<&str>) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    let org = store::get(db, id).await?;
    let groups = store::convened_groups(db, id).await?;
    let people = if ctx.viewer.signed_in() {
        let filter = crate::network::people::store::PersonFilter {
            organisation: Some(id),
            q: None,
        };
        crate::network::people::store::list(
            db,
            &ctx.viewer,
            &filter,
            Paging::new(None, Some(200), 200),
        )
        .await?
        .items
    } else {
        vec![]
    };
    ctx.render(
        "network/organisation.html",
        minijinja::context! {
            org, groups, people, conflict,
            themes => ctx.state.themes().await?,
            can_edit => can_edit(&ctx.viewer, id),
            can_delete => can_create(&ctx.viewer),
        },
    )
}

/// Renders the form with what the user typed and what to fix.
async fn form_page(
    ctx: &PageCtx,
    id: Option<i64>,
    input: &OrganisationInput,
    errors: &FieldErrors,
    conflict: Option<&str>,
    changes: &[Change],
) -> AppResult<Html<String>> {
    ctx.render(
        "network/organisation_form.html",
        minijinja::context! {
            id, input, errors => errors.0, conflict, changes,
            org_types => kinds::options("org-type", kinds::ORG_TYPES),
            area_choices => areas::Choices::split(
                areas::list(&ctx.state.db, &areas::AreaFilter::default()).await?,
                &ctx.state.reference.home_ids(&ctx.state.db).await?,
            ),
            themes => ctx.state.themes().await?,
        },
    )
}

async fn new_form(ctx: PageCtx) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_create(&ctx.viewer))?;
    form_page(
        &ctx,
        None,
        &OrganisationInput {
            org_type: "ngo".into(),
            ..Default::default()
        },
        &FieldErrors::new(),
        None,
        &[],
    )
    .await
}

async fn edit_form(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    require(&ctx.viewer, can_edit(&ctx.viewer, id))?;
    let o = store::get(&ctx.state.db, id).await?;
    form_page(
        &ctx,
        Some(id),
        &OrganisationInput::from(&o),
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
    input: &OrganisationInput,
    err: AppError,
) -> AppResult<Response> {
    if let (Some(id), AppError::Conflict(EDIT_CONFLICT)) = (id, &err) {
        // Someone saved first: the typed values stay, the saved ones are shown, and the
        // form now carries the current version.
        let org = store::get(&ctx.state.db, id).await?;
        let saved = OrganisationInput::from(&org);
        let typed = OrganisationInput {
            version: saved.version,
            ..input.clone()
        };
        let mut changes = conflict::changes(&typed, &saved);
        for c in changes.iter_mut().filter(|c| c.field == "area_id") {
            c.saved = org.area_name.clone().unwrap_or_default();
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
    crate::web::forms::redisplay(err, |errors, conflict| async move {
        form_page(ctx, id, input, &errors, conflict, &[]).await
    })
    .await
}

async fn create(ctx: PageCtx, form: RawForm) -> AppResult<Response> {
    require(&ctx.viewer, can_create(&ctx.viewer))?;
    let input = OrganisationInput::from_form(&form);
    match store::create(&ctx.state.db, &input, &ctx.viewer.actor()).await {
        Ok(o) => Ok(Redirect::to(&format!("/organisations/{}?saved=1", o.id)).into_response()),
        Err(e) => redisplay(&ctx, None, &input, e).await,
    }
}

async fn update(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    require(&ctx.viewer, can_edit(&ctx.viewer, id))?;
    let input = OrganisationInput::from_form(&form);
    match store::update(&ctx.state.db, id, &input, &ctx.viewer.actor()).await {
        Ok(_) => Ok(Redirect::to(&format!("/organisations/{id}?saved=1")).into_response()),
        Err(e) => redisplay(&ctx, Some(id), &input, e).await,
    }
}

async fn delete(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    require(&ctx.viewer, can_create(&ctx.viewer))?;
    match store::delete(&ctx.state.db, id, &ctx.viewer.actor()).await {
        Ok(()) => Ok(Redirect::to("/organisations?deleted=1").into_response()),
        Err(AppError::Conflict(key)) => Ok((
            StatusCode::CONFLICT,
            detail_page(&ctx, id, Some(key)).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}
