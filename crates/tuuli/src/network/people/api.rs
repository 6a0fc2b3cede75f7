//! `/api/v1/people`: the same store functions and rules as the pages, as JSON. The
//! `lived_experience` field is present only for coordinators and admins.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::export::PersonExport;
use super::model::{Person, PersonInput};
use super::store::{self, PersonFilter};
use super::{can_create, editable, require};
use crate::auth::Viewer;
use crate::core::paging::PageParams;
use crate::core::paging::{Page, Paging};
use crate::error::AppResult;
use crate::web::{ApiJson, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(erase))
        .routes(routes!(export))
}

/// The people the caller may see, filtered and paged (signed-in users). A search (`q`)
/// counts at most 1,000 matches (`total_capped`).
#[utoipa::path(get, path = "/people", tag = "people", params(PersonFilter, PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = Page<Person>), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(f): Query<PersonFilter>,
    Query(p): Query<PageParams>,
) -> AppResult<Json<Page<Person>>> {
    viewer.require_signed_in()?;
    Ok(Json(
        store::list(
            &state.db,
            &viewer,
            &f,
            Paging::new(p.page, p.per_page, 50).capped_for_search(f.q.as_deref()),
        )
        .await?,
    ))
}

/// One person; 404 also when the caller may not see the person.
#[utoipa::path(get, path = "/people/{id}", tag = "people", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Person), (status = 401), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Json<Person>> {
    viewer.require_signed_in()?;
    Ok(Json(store::get(&state.db, &viewer, id).await?))
}

/// Creates a person (coordinators, admins, and editors: linked to their organisation).
/// `lived_experience` is ignored unless the caller is a coordinator or admin.
#[utoipa::path(post, path = "/people", tag = "people", request_body = PersonInput,
    security(("bearer" = [])),
    responses((status = 201, body = Person), (status = 401), (status = 403), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<PersonInput>,
) -> AppResult<(StatusCode, Json<Person>)> {
    require(&viewer, can_create(&viewer))?;
    Ok((
        StatusCode::CREATED,
        Json(store::create(&state.db, &viewer, &input).await?),
    ))
}

/// Replaces a person's data (coordinators, admins, editors of the person's organisation).
#[utoipa::path(put, path = "/people/{id}", tag = "people", params(("id" = i64, Path)), request_body = PersonInput,
    security(("bearer" = [])),
    responses((status = 200, body = Person), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    ApiJson(mut input): ApiJson<PersonInput>,
) -> AppResult<Json<Person>> {
    editable(&state.db, &viewer, id).await?;
    input.version = input.version.or(crate::web::conflict::if_match(&headers));
    Ok(Json(store::update(&state.db, &viewer, id, &input).await?))
}

/// Deletes a person (history stays anonymous); 409 while a user account is linked, 403 for
/// an editor when the person also belongs to another organisation.
#[utoipa::path(delete, path = "/people/{id}", tag = "people", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    editable(&state.db, &viewer, id).await?;
    store::delete(&state.db, &viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Erases a person for a data subject's request (coordinators and admins): personal data
/// goes, history stays anonymous, the audit log's copies are scrubbed.
#[utoipa::path(post, path = "/people/{id}/erase", tag = "people", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn erase(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    viewer.require_signed_in()?;
    store::erase(&state.db, &viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything Tuuli holds on a person, for an access request (coordinators and admins).
#[utoipa::path(get, path = "/people/{id}/export", tag = "people", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = PersonExport), (status = 401), (status = 403), (status = 404)))]
async fn export(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Json<PersonExport>> {
    viewer.require_signed_in()?;
    Ok(Json(super::export::export(&state.db, &viewer, id).await?))
}
