//! Organisations: the actors of the network (municipalities, the wellbeing services county,
//! parishes, NGOs, …). Anyone may read them; coordinators create and delete; an editor
//! edits their own organisation.

pub mod api;
pub mod html;
pub mod model;
pub mod store;

use crate::auth::Viewer;
use crate::error::AppError;

/// Who may create or delete organisations.
pub fn can_create(v: &Viewer) -> bool {
    v.is_coordinator()
}

/// Who may edit this organisation.
pub fn can_edit(v: &Viewer, id: i64) -> bool {
    v.user().is_some_and(|u| u.edits_organisation(Some(id)))
}

/// 401 for the anonymous, 403 for others without the right.
pub fn require(v: &Viewer, allowed: bool) -> Result<(), AppError> {
    v.require_signed_in()?;
    if allowed {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}
