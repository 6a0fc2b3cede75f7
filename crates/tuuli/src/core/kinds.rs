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

/// A plan's status.
pub const PLAN_STATUSES: &[&str] = &["draft", "approved", "archived"];

/// An action's status in a progress update.
pub const PROGRESS_STATUSES: &[&str] = &["not_started", "on_track", "delayed", "done", "cancelled"];

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

/// Audit actions.
pub const AUDIT_ACTIONS: &[&str] = &["create", "update", "delete", "erase"];

/// Which meetings a list shows.
pub const MEETING_WHEN: &[&str] = &["upcoming", "past"];

/// OpenAPI schemas for the closed vocabularies, built from the same constants the code
/// checks against, so the document cannot drift from the rules. The Rust fields stay
/// `String` (checked by `web::forms::Check::one_of`); `#[schema(value_type = …)]` names these.
pub mod schema {
    macro_rules! vocabulary {
        ($(#[doc = $doc:literal] $name:ident = $values:expr;)*) => {$(
            #[doc = $doc]
            #[derive(Debug)]
            pub struct $name;
            impl utoipa::PartialSchema for $name {
                fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::String)
                        .enum_values(Some($values.iter().copied()))
                        .description(Some($doc.trim()))
                        .into()
                }
            }
            impl utoipa::ToSchema for $name {}
        )*};
    }

    vocabulary! {
        /// An organisation type.
        OrgType = super::ORG_TYPES;
        /// A group type.
        GroupType = super::GROUP_TYPES;
        /// A group's status.
        GroupStatus = super::GROUP_STATUSES;
        /// A role in a group.
        MemberRole = super::MEMBER_ROLES;
        /// An area kind, from the widest.
        AreaKind = super::AREA_KINDS;
        /// An audit action.
        AuditAction = super::AUDIT_ACTIONS;
        /// Upcoming (not yet ended) or past meetings.
        MeetingWhen = super::MEETING_WHEN;
        /// A theme's slug.
        ThemeSlug = crate::core::themes::THEMES.map(|t| t.0);
        /// A user's role.
        UserRole = crate::auth::Role::ALL.map(crate::auth::Role::as_str);
        /// A plan's status.
        PlanStatus = super::PLAN_STATUSES;
        /// An action's status in a progress update.
        ProgressStatus = super::PROGRESS_STATUSES;
    }
}
