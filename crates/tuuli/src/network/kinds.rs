//! The closed vocabularies of the network module. Each value's label is the locale key
//! `<prefix>-<value>` (for example `org-type-ngo`).

/// Organisation types.
pub const ORG_TYPES: &[&str] = &[
    "municipality",
    "wellbeing_county",
    "parish",
    "ngo",
    "national",
    "foundation",
    "education",
    "other",
];

/// Group types.
pub const GROUP_TYPES: &[&str] = &["coordination", "expert", "other"];

/// Group statuses.
pub const GROUP_STATUSES: &[&str] = &["active", "planned", "negotiation", "closed"];

/// Roles in a group.
pub const MEMBER_ROLES: &[&str] = &[
    "chair",
    "convener",
    "secretary",
    "member",
    "lived_experience",
    "national_rep",
];

/// The membership role that reveals lived-experience status; shown only to coordinators.
pub const LIVED_EXPERIENCE_ROLE: &str = "lived_experience";

/// Area kinds, from the widest.
pub const AREA_KINDS: &[&str] = &[
    "country",
    "wellbeing_county",
    "region",
    "subregion",
    "hospital_district",
    "municipality",
];

/// Options for a `<select>`: value and label key.
pub fn options(prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), format!("{prefix}-{}", v.replace('_', "-"))))
        .collect()
}
