//! Person types: what is stored, what is sent in, and its parsing.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::web::forms::{Check, RawForm};

/// A person of the network. `lived_experience` is `None` (and absent from JSON) for
/// everyone but coordinators and admins: the store masks it before it leaves.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub email: String,
    pub phone: String,
    /// The day the person consented to their data being kept.
    pub consent_date: Option<NaiveDate>,
    /// Lived-experience status; only coordinators and admins ever receive this field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lived_experience: Option<bool>,
    /// Marks demo content that is not in the source documents.
    pub is_example: bool,
    /// The organisations the person belongs to.
    #[sqlx(skip)]
    pub organisations: Vec<OrgRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by one on every change; send it back with an update (or `If-Match`).
    pub version: i64,
}

impl Person {
    /// Ids of the person's organisations.
    pub fn organisation_ids(&self) -> Vec<i64> {
        self.organisations.iter().map(|o| o.id).collect()
    }
}

/// An organisation as shown beside a person.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgRef {
    pub id: i64,
    pub name_fi: String,
    pub name_sv: String,
}

/// A person as sent to the API (and, as strings, by the form).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(example = "etunimi.sukunimi@example.fi")]
    pub email: String,
    #[serde(default)]
    #[schema(example = "+358 40 123 4567", max_length = 50)]
    pub phone: String,
    /// `YYYY-MM-DD`, or empty/null when not recorded.
    #[serde(default)]
    #[schema(format = Date)]
    pub consent_date: Option<String>,
    /// Organisation ids. An editor's own organisation is always added.
    #[serde(default)]
    pub organisations: Vec<i64>,
    /// Taken into account only from coordinators and admins; ignored from anyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lived_experience: Option<bool>,
    /// The version this change is based on; a save based on an older one is refused (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

impl From<&Person> for PersonInput {
    fn from(p: &Person) -> Self {
        PersonInput {
            name: p.name.clone(),
            title: p.title.clone(),
            email: p.email.clone(),
            phone: p.phone.clone(),
            consent_date: Some(p.consent_date.map(|d| d.to_string()).unwrap_or_default()),
            organisations: p.organisation_ids(),
            lived_experience: p.lived_experience,
            version: Some(p.version),
        }
    }
}

impl PersonInput {
    /// Reads the form. `lived_experience` is read only when the form may show it, so that
    /// a forged field from someone else is ignored.
    pub fn from_form(f: &RawForm, sees_lived_experience: bool) -> Self {
        PersonInput {
            name: f.get("name"),
            title: f.get("title"),
            email: f.get("email"),
            phone: f.get("phone"),
            consent_date: Some(f.get("consent_date")),
            // A value that is not a number becomes 0, which `check` reports as a bad choice.
            organisations: f
                .all("organisations")
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap_or(0))
                .collect(),
            lived_experience: sees_lived_experience.then(|| f.checked("lived_experience")),
            version: f.get("version").parse().ok(),
        }
    }

    /// Checks the fields; returns the cleaned input and the consent date. Whether the
    /// organisations exist is checked by the store.
    pub fn check(&self, c: &mut Check) -> (PersonInput, Option<NaiveDate>) {
        let consent = c.date("consent_date", self.consent_date.as_deref().unwrap_or(""));
        let mut orgs: Vec<i64> = Vec::new();
        for id in &self.organisations {
            if *id <= 0 {
                c.add("organisations", "error-choice");
            } else if !orgs.contains(id) {
                orgs.push(*id);
            }
        }
        let phone = c.optional("phone", &self.phone, 50);
        if !phone.is_empty() && !is_phone(&phone) {
            c.add("phone", "people-error-phone");
        }
        let v = PersonInput {
            name: c.line("name", &self.name, 200),
            title: c.optional_line("title", &self.title, 200),
            email: c.email("email", &self.email),
            phone,
            consent_date: self.consent_date.as_ref().map(|s| s.trim().to_owned()),
            organisations: orgs,
            lived_experience: self.lived_experience,
            version: self.version,
        };
        (v, consent)
    }
}

/// Digits with the usual separators, optionally starting with `+`.
fn is_phone(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && v.chars().enumerate().all(|(i, ch)| {
            ch.is_ascii_digit() || matches!(ch, ' ' | '-' | '(' | ')') || (ch == '+' && i == 0)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_needs_a_name_and_well_formed_contact_details() {
        let mut c = Check::new();
        PersonInput {
            name: " ".into(),
            email: "nobody".into(),
            phone: "call me".into(),
            consent_date: Some("2026-02-30".into()),
            organisations: vec![0],
            ..Default::default()
        }
        .check(&mut c);
        let e = c.finish(()).unwrap_err();
        assert_eq!(e.0["name"], "error-required");
        assert_eq!(e.0["email"], "error-email");
        assert_eq!(e.0["phone"], "people-error-phone");
        assert_eq!(e.0["consent_date"], "error-date");
        assert_eq!(e.0["organisations"], "error-choice");
    }

    #[test]
    fn the_lived_experience_box_is_read_only_for_those_who_may_see_it() {
        let f = RawForm(vec![
            ("name".into(), "Aino".into()),
            ("lived_experience".into(), "on".into()),
            ("organisations".into(), "3".into()),
            ("organisations".into(), "3".into()),
        ]);
        assert_eq!(PersonInput::from_form(&f, false).lived_experience, None);
        assert_eq!(
            PersonInput::from_form(&f, true).lived_experience,
            Some(true)
        );
        let mut c = Check::new();
        let (v, consent) = PersonInput::from_form(&f, true).check(&mut c);
        assert!(c.finish(()).is_ok());
        assert_eq!((v.organisations, consent), (vec![3], None));
        assert!(is_phone("+358 40 123 4567") && !is_phone("12+34"));
    }
}
