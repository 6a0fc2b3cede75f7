//! Users, roles, sessions, API tokens, passwords and CSRF.
//!
//! Who is asking is resolved once per request by the [`Viewer`] extractor: a bearer token
//! (`Authorization: Bearer tuuli_…`) or the session cookie. Rights are asked of the viewer
//! (`require_signed_in`, `require_role`) and of each module's policy functions.

pub mod account;
pub mod client;
pub mod csrf;
pub mod html;
pub mod password;
pub mod store;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::web::AppState;

/// The roles of DOMAIN.md, from most to least rights.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Member,
    Editor,
    Coordinator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Editor => "editor",
            Role::Member => "member",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "coordinator" => Some(Role::Coordinator),
            "editor" => Some(Role::Editor),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
    pub const ALL: [Role; 4] = [Role::Admin, Role::Coordinator, Role::Editor, Role::Member];
}

/// A signed-in user.
#[derive(Clone, Debug, Serialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub person_id: Option<i64>,
}

impl CurrentUser {
    /// Coordinators and admins see and edit all regional content.
    pub fn is_coordinator(&self) -> bool {
        self.role >= Role::Coordinator
    }
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    /// An editor of this organisation (or anyone who edits everything).
    pub fn edits_organisation(&self, org: Option<i64>) -> bool {
        self.is_coordinator()
            || (self.role == Role::Editor && org.is_some() && self.organisation_id == org)
    }
}

/// Whoever makes the request: anonymous or a signed-in user.
#[derive(Clone, Debug, Default)]
pub struct Viewer(pub Option<CurrentUser>);

impl Viewer {
    pub fn user(&self) -> Option<&CurrentUser> {
        self.0.as_ref()
    }
    pub fn require_signed_in(&self) -> Result<&CurrentUser, AppError> {
        self.0.as_ref().ok_or(AppError::Unauthorized)
    }
    /// 401 for the anonymous, 403 for a user whose role is below `role`.
    pub fn require_role(&self, role: Role) -> Result<&CurrentUser, AppError> {
        let u = self.require_signed_in()?;
        if u.role >= role {
            Ok(u)
        } else {
            Err(AppError::forbidden())
        }
    }
    pub fn is_coordinator(&self) -> bool {
        self.0.as_ref().is_some_and(CurrentUser::is_coordinator)
    }
    pub fn signed_in(&self) -> bool {
        self.0.is_some()
    }
    /// Who to write in the audit log.
    pub fn actor(&self) -> Actor {
        match &self.0 {
            Some(u) => Actor {
                user_id: Some(u.id),
                label: u.email.clone(),
            },
            None => Actor {
                user_id: None,
                label: "anonymous".into(),
            },
        }
    }
}

/// Who made a change, for the audit log.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    /// Changes made from the command line.
    pub fn system(label: &str) -> Self {
        Actor {
            user_id: None,
            label: label.to_owned(),
        }
    }
}

pub const SESSION_COOKIE: &str = "tuuli_session";

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(v) = parts.extensions.get::<Viewer>() {
            return Ok(v.clone());
        }
        let viewer = if let Some(auth) = parts.headers.get(axum::http::header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|s| s.strip_prefix("Bearer "))
                .ok_or(AppError::Unauthorized)?;
            // A token that is wrong or revoked is an error, not an anonymous request.
            Viewer(Some(
                store::user_for_token(&state.db, token.trim())
                    .await?
                    .ok_or(AppError::Unauthorized)?,
            ))
        } else if let Some(token) = crate::web::cookie(&parts.headers, SESSION_COOKIE) {
            Viewer(store::user_for_session(&state.db, &token).await?)
        } else {
            Viewer(None)
        };
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

/// A random token of 32 bytes as hex, with a prefix that says what it is.
pub fn random_token(prefix: &str) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// Tokens and session ids are stored only as their SHA-256.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_rights() {
        assert!(
            Role::Admin > Role::Coordinator
                && Role::Coordinator > Role::Editor
                && Role::Editor > Role::Member
        );
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn an_editor_edits_only_their_own_organisation() {
        let u = CurrentUser {
            id: 1,
            email: "e@x".into(),
            name: "E".into(),
            role: Role::Editor,
            organisation_id: Some(5),
            person_id: None,
        };
        assert!(u.edits_organisation(Some(5)));
        assert!(!u.edits_organisation(Some(6)));
        assert!(!u.edits_organisation(None));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token("tuuli_");
        assert!(a.starts_with("tuuli_") && a.len() == 70);
        assert_ne!(a, random_token("tuuli_"));
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
