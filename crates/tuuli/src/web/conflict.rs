//! Edit conflicts. Every editable row has a `version`, raised by one on every change. A
//! form carries the version it was opened with (a hidden field), an API client sends it as
//! `version` in the body or as `If-Match`; a save based on an older version is refused with
//! 409 "changed by someone else since you opened it", and the form is shown again with what
//! the user typed, the values saved meanwhile, and the new version (so that saving again is
//! a deliberate overwrite). An API call without a version is not checked.
//!
//! The store takes the row's lock and reads its version in the change's own transaction
//! ([`lock_version!`](crate::lock_version)), so two saves cannot both pass the check.

use axum::http::HeaderMap;
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// The message key of an edit conflict.
pub const EDIT_CONFLICT: &str = "error-edit-conflict";

/// Refuses a change based on another version than the current one.
pub fn check(given: Option<i64>, current: i64) -> AppResult<()> {
    match given {
        Some(v) if v != current => Err(AppError::Conflict(EDIT_CONFLICT)),
        _ => Ok(()),
    }
}

/// The version an API client names in `If-Match` (`"3"` or `3`; weak tags are not
/// versions and are ignored).
pub fn if_match(headers: &HeaderMap) -> Option<i64> {
    let v = headers
        .get(axum::http::header::IF_MATCH)?
        .to_str()
        .ok()?
        .trim();
    v.trim_matches('"').parse().ok()
}

/// A field whose saved value differs from what the user typed.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub field: String,
    pub saved: String,
}

/// The fields (other than `version`) whose saved value differs from the typed one.
pub fn changes<T: Serialize>(typed: &T, saved: &T) -> Vec<Change> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(typed), serde_json::to_value(saved))
    else {
        return vec![];
    };
    b.iter()
        .filter(|(k, v)| k.as_str() != "version" && a.get(k.as_str()) != Some(v))
        .map(|(k, v)| Change {
            field: k.clone(),
            saved: text(v),
        })
        .collect()
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_older_version_conflicts() {
        assert!(check(Some(3), 3).is_ok());
        assert!(check(None, 3).is_ok());
        assert!(matches!(
            check(Some(2), 3),
            Err(AppError::Conflict(EDIT_CONFLICT))
        ));
    }

    #[test]
    fn if_match_names_a_version() {
        let mut h = HeaderMap::new();
        assert_eq!(if_match(&h), None);
        h.insert(
            "if-match",
            "\"7\"".parse().unwrap_or_else(|_| unreachable!()),
        );
        assert_eq!(if_match(&h), Some(7));
        h.insert(
            "if-match",
            "W/\"7\"".parse().unwrap_or_else(|_| unreachable!()),
        );
        assert_eq!(if_match(&h), None);
    }

    #[test]
    fn changes_list_the_saved_values_that_differ() {
        let typed = serde_json::json!({"name": "A", "themes": ["x"], "version": 1});
        let saved = serde_json::json!({"name": "B", "themes": ["x"], "version": 2});
        let c = changes(&typed, &saved);
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].field.as_str(), c[0].saved.as_str()), ("name", "B"));
    }
}
