//! Organisation types: what is stored, what is sent in, and its parsing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::core::kinds::ORG_TYPES;
use crate::web::forms::{Check, RawForm};

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub name_fi: String,
    pub name_sv: String,
    /// municipality, wellbeing_county, parish, ngo, national, foundation, education or other.
    #[schema(value_type = crate::core::kinds::schema::OrgType)]
    pub org_type: String,
    pub area_id: Option<i64>,
    /// The area's Finnish name, for display.
    #[sqlx(default)]
    pub area_name: Option<String>,
    pub website: String,
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

/// An organisation as sent to the API (and, as strings, by the form).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name_fi: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name_sv: String,
    #[schema(value_type = crate::core::kinds::schema::OrgType)]
    pub org_type: String,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub area_id: Option<i64>,
    #[serde(default)]
    #[schema(example = "https://www.example.fi")]
    pub website: String,
    /// Theme slugs (see `/api/v1/themes`).
    #[serde(default)]
    #[schema(value_type = Vec<crate::core::kinds::schema::ThemeSlug>)]
    pub themes: Vec<String>,
    /// The version this change is based on; a save based on an older one is refused (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

impl From<&Organisation> for OrganisationInput {
    fn from(o: &Organisation) -> Self {
        OrganisationInput {
            name_fi: o.name_fi.clone(),
            name_sv: o.name_sv.clone(),
            org_type: o.org_type.clone(),
            area_id: o.area_id,
            website: o.website.clone(),
            themes: o.themes.clone(),
            version: Some(o.version),
        }
    }
}

impl OrganisationInput {
    pub fn from_form(f: &RawForm) -> Self {
        OrganisationInput {
            name_fi: f.get("name_fi"),
            name_sv: f.get("name_sv"),
            org_type: f.get("org_type"),
            area_id: f.get("area_id").parse().ok(),
            website: f.get("website"),
            themes: f.all("themes"),
            version: f.get("version").parse().ok(),
        }
    }

    /// Checks the fields; the theme slugs are resolved by the store.
    pub fn check(&self, c: &mut Check) -> OrganisationInput {
        OrganisationInput {
            name_fi: c.line("name_fi", &self.name_fi, 200),
            name_sv: c.optional_line("name_sv", &self.name_sv, 200),
            org_type: c.one_of("org_type", &self.org_type, ORG_TYPES),
            area_id: self.area_id.filter(|id| {
                if *id <= 0 {
                    c.add("area_id", "error-choice");
                }
                *id > 0
            }),
            website: c.url("website", &self.website),
            themes: self.themes.clone(),
            version: self.version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisation_needs_a_name_and_a_known_type() {
        let mut c = Check::new();
        OrganisationInput {
            name_fi: " ".into(),
            org_type: "club".into(),
            ..Default::default()
        }
        .check(&mut c);
        let e = c.finish(()).unwrap_err();
        assert_eq!(e.0["name_fi"], "error-required");
        assert_eq!(e.0["org_type"], "error-choice");
    }
}
