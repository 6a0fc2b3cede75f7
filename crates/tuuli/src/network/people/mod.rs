//! People of the network: contact details, organisations and consent. Only signed-in users
//! see people, and only those the visibility rule allows (see `store`); lived-experience
//! status is seen and set only by coordinators and admins.
//!
//! Rights: coordinators and admins create, edit and delete anyone; an editor creates people
//! (linked to the editor's organisation) and edits or deletes the people of that
//! organisation; members only read.

pub mod api;
pub mod erasure;
pub mod export;
pub mod html;
pub mod model;
pub mod store;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::{Role, Viewer};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use model::Person;

pub use crate::network::organisations::require;

/// HTML routes.
pub fn router() -> Router<AppState> {
    html::router()
}

/// JSON routes under `/api/v1`.
pub fn api_router() -> OpenApiRouter<AppState> {
    api::router()
}

/// Who may create people: coordinators, admins and editors with an organisation.
pub fn can_create(v: &Viewer) -> bool {
    v.user().is_some_and(|u| {
        u.is_coordinator() || (u.role == Role::Editor && u.organisation_id.is_some())
    })
}

/// Who may edit or delete this person: coordinators, admins and editors of one of the
/// person's organisations.
pub fn can_edit(v: &Viewer, person: &Person) -> bool {
    v.user().is_some_and(|u| {
        u.is_coordinator()
            || (u.role == Role::Editor
                && person
                    .organisations
                    .iter()
                    .any(|o| Some(o.id) == u.organisation_id))
    })
}

/// The person, if the viewer may edit it: 401 for the anonymous; for everyone but
/// coordinators 403 unless the person belongs to the editor's organisation, whether the
/// person exists or not, so that the answer never reveals who is registered; 404 for
/// coordinators asking for someone missing.
pub async fn editable(db: &Db, viewer: &Viewer, id: i64) -> AppResult<Person> {
    viewer.require_signed_in()?;
    if !viewer.is_coordinator() && !store::in_own_organisation(db, viewer, id).await? {
        return Err(AppError::forbidden());
    }
    let person = store::get(db, viewer, id).await?;
    require(viewer, can_edit(viewer, &person))?;
    Ok(person)
}
