//! Group types: what is stored, what is sent in, and its parsing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::core::kinds::{GROUP_STATUSES, GROUP_TYPES};
use crate::web::forms::{Check, RawForm};

/// A group (the coordination group, an expert group, …). Never carries its members.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Group {
    pub id: i64,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    /// coordination, expert or other.
    #[schema(value_type = crate::core::kinds::schema::GroupType)]
    pub group_type: String,
    /// active, planned, negotiation or closed.
    #[schema(value_type = crate::core::kinds::schema::GroupStatus)]
    pub status: String,
    /// The convening organisation.
    pub convener_id: Option<i64>,
    /// The convening organisation's Finnish name, for display.
    #[sqlx(default)]
    pub convener_name: Option<String>,
    /// Plain text or Markdown (Finnish; the Swedish and English ones fall back to it).
    pub description: String,
    pub description_sv: String,
    pub description_en: String,
    /// Marks demo content that is not in the source documents.
    pub is_example: bool,
    /// Theme slugs.
    #[sqlx(skip)]
    #[schema(value_type = Vec<crate::core::kinds::schema::ThemeSlug>)]
    pub themes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by one on every change; send it back with an update (or `If-Match`).
    pub version: i64,
}

/// A group as sent to the API (and, as strings, by the form).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name_fi: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name_sv: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name_en: String,
    #[schema(value_type = crate::core::kinds::schema::GroupType)]
    pub group_type: String,
    #[schema(value_type = crate::core::kinds::schema::GroupStatus)]
    pub status: String,
    /// Organisation id; only coordinators and admins may change it.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub convener_id: Option<i64>,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    /// The description in Swedish (empty: the Finnish one is shown).
    #[serde(default)]
    pub description_sv: String,
    /// The description in English (empty: the Finnish one is shown).
    #[serde(default)]
    pub description_en: String,
    /// Theme slugs (see `/api/v1/themes`).
    #[serde(default)]
    #[schema(value_type = Vec<crate::core::kinds::schema::ThemeSlug>)]
    pub themes: Vec<String>,
    /// The version this change is based on; a save based on an older one is refused (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

impl From<&Group> for GroupInput {
    fn from(g: &Group) -> Self {
        GroupInput {
            name_fi: g.name_fi.clone(),
            name_sv: g.name_sv.clone(),
            name_en: g.name_en.clone(),
            group_type: g.group_type.clone(),
            status: g.status.clone(),
            convener_id: g.convener_id,
            description: g.description.clone(),
            description_sv: g.description_sv.clone(),
            description_en: g.description_en.clone(),
            themes: g.themes.clone(),
            version: Some(g.version),
        }
    }
}

impl GroupInput {
    pub fn from_form(f: &RawForm) -> Self {
        let convener = f.get("convener_id");
        GroupInput {
            name_fi: f.get("name_fi"),
            name_sv: f.get("name_sv"),
            name_en: f.get("name_en"),
            group_type: f.get("group_type"),
            status: f.get("status"),
            // Something that is not a number becomes 0, which `check` reports.
            convener_id: (!convener.is_empty()).then(|| convener.parse().unwrap_or(0)),
            description: f.get("description"),
            description_sv: f.get("description_sv"),
            description_en: f.get("description_en"),
            themes: f.all("themes"),
            version: f.get("version").parse().ok(),
        }
    }

    /// Checks the fields; the convener and the theme slugs are resolved by the store.
    pub fn check(&self, c: &mut Check) -> GroupInput {
        GroupInput {
            name_fi: c.line("name_fi", &self.name_fi, 200),
            name_sv: c.optional_line("name_sv", &self.name_sv, 200),
            name_en: c.optional_line("name_en", &self.name_en, 200),
            group_type: c.one_of("group_type", &self.group_type, GROUP_TYPES),
            status: c.one_of("status", &self.status, GROUP_STATUSES),
            convener_id: self.convener_id.filter(|id| {
                if *id <= 0 {
                    c.add("convener_id", "error-choice");
                }
                *id > 0
            }),
            description: c.optional("description", &self.description, 20_000),
            description_sv: c.optional("description_sv", &self.description_sv, 20_000),
            description_en: c.optional("description_en", &self.description_en, 20_000),
            themes: self.themes.clone(),
            version: self.version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_needs_a_name_and_known_type_and_status() {
        let mut c = Check::new();
        GroupInput {
            name_fi: "".into(),
            group_type: "club".into(),
            status: "".into(),
            convener_id: Some(0),
            ..Default::default()
        }
        .check(&mut c);
        let e = c.finish(()).unwrap_err();
        assert_eq!(e.0["name_fi"], "error-required");
        assert_eq!(e.0["group_type"], "error-choice");
        assert_eq!(e.0["status"], "error-required");
        assert_eq!(e.0["convener_id"], "error-choice");
    }
}
