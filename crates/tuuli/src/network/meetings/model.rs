//! Meeting types: what is stored, what is sent in, and its parsing.
//!
//! Meeting times are local Helsinki wall-clock times (`NaiveDateTime`), as people type and
//! read them; they become UTC only in iCalendar feeds.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::web::forms::{Check, RawForm};

/// The most agenda items one meeting may have.
pub const MAX_AGENDA_ITEMS: usize = 100;

/// A group as meetings show it: id and names in the three languages.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct GroupRef {
    #[sqlx(rename = "group_id")]
    pub id: i64,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
}

/// A meeting with its agenda. Minutes are loaded but never serialised from here: they
/// reach a reader only through [`MeetingDetail`], for those who may see them.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Meeting {
    pub id: i64,
    pub group_id: i64,
    #[sqlx(flatten)]
    pub group: GroupRef,
    /// The title in Finnish; the Swedish and English ones fall back to it.
    pub title: String,
    pub title_sv: String,
    pub title_en: String,
    /// Local Helsinki time.
    #[schema(value_type = String, example = "2026-12-01T13:00:00")]
    pub starts_at: NaiveDateTime,
    /// Local Helsinki time.
    #[schema(value_type = String, example = "2026-12-01T15:00:00")]
    pub ends_at: NaiveDateTime,
    pub place: String,
    pub online_url: String,
    /// Public meetings are shown to everyone; internal ones to the group only.
    pub is_public: bool,
    /// Marks demo content that is not in the source documents.
    pub is_example: bool,
    /// Agenda items in order.
    #[sqlx(skip)]
    pub agenda: Vec<String>,
    #[serde(skip)]
    pub minutes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by one on every change; send it back with an update (or `If-Match`).
    pub version: i64,
}

/// A decision made in a meeting.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Decision {
    pub id: i64,
    #[serde(skip)]
    pub meeting_id: i64,
    pub text: String,
    /// The responsible organisation.
    pub responsible_id: Option<i64>,
    pub responsible_name: Option<String>,
    pub due_date: Option<NaiveDate>,
    /// The plan action made from this decision, if any.
    #[sqlx(default)]
    pub action_id: Option<i64>,
}

/// One person on a meeting's attendance list.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Attendee {
    pub person_id: i64,
    pub name: String,
    pub present: bool,
}

/// A meeting with its decisions and, for those who see the group's internals, its
/// minutes (Markdown) and attendance.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingDetail {
    #[serde(flatten)]
    pub meeting: Meeting,
    pub decisions: Vec<Decision>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendance: Option<Vec<Attendee>>,
}

/// A meeting as sent to the API (and, as strings, by the form).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    #[serde(default)]
    #[schema(minimum = 1)]
    pub group_id: Option<i64>,
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// The title in Swedish (empty: the Finnish one is shown).
    #[serde(default)]
    pub title_sv: String,
    /// The title in English (empty: the Finnish one is shown).
    #[serde(default)]
    pub title_en: String,
    /// Local Helsinki time, `YYYY-MM-DDTHH:MM[:SS]`.
    #[schema(
        pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$",
        example = "2030-01-15T13:00"
    )]
    pub starts_at: String,
    /// Local Helsinki time, after `starts_at`.
    #[schema(
        pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$",
        example = "2030-01-15T15:00"
    )]
    pub ends_at: String,
    #[serde(default)]
    #[schema(max_length = 300)]
    pub place: String,
    /// An http(s) address of an online meeting.
    #[serde(default)]
    #[schema(example = "https://meet.example.fi/ryhma")]
    pub online_url: String,
    #[serde(default)]
    pub is_public: bool,
    /// Agenda items in order.
    #[serde(default)]
    pub agenda: Vec<String>,
    /// Minutes in Markdown.
    #[serde(default)]
    #[schema(max_length = 100000)]
    pub minutes: String,
    /// The version this change is based on; a save based on an older one is refused (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// A checked meeting, ready to be stored.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MeetingValues {
    pub group_id: i64,
    pub title: String,
    pub title_sv: String,
    pub title_en: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: String,
    pub online_url: String,
    pub is_public: bool,
    pub agenda: Vec<String>,
    pub minutes: String,
    /// The version the change is based on (not stored as such).
    #[serde(skip)]
    pub version: Option<i64>,
}

impl MeetingInput {
    /// Reads the form; the agenda textarea has one item per line.
    pub fn from_form(f: &RawForm) -> Self {
        MeetingInput {
            group_id: f.get("group_id").parse().ok(),
            title: f.get("title"),
            title_sv: f.get("title_sv"),
            title_en: f.get("title_en"),
            starts_at: f.get("starts_at"),
            ends_at: f.get("ends_at"),
            place: f.get("place"),
            online_url: f.get("online_url"),
            is_public: f.checked("is_public"),
            agenda: agenda_lines(&f.get("agenda")),
            minutes: f.get("minutes"),
            version: f.get("version").parse().ok(),
        }
    }

    /// The input that shows a stored meeting in the edit form.
    pub fn from_meeting(m: &Meeting) -> Self {
        MeetingInput {
            group_id: Some(m.group_id),
            title: m.title.clone(),
            title_sv: m.title_sv.clone(),
            title_en: m.title_en.clone(),
            starts_at: m.starts_at.format("%Y-%m-%dT%H:%M").to_string(),
            ends_at: m.ends_at.format("%Y-%m-%dT%H:%M").to_string(),
            place: m.place.clone(),
            online_url: m.online_url.clone(),
            is_public: m.is_public,
            agenda: m.agenda.clone(),
            minutes: m.minutes.clone(),
            version: Some(m.version),
        }
    }

    /// Checks the fields; that the group exists is checked by the store.
    pub fn check(&self, c: &mut Check) -> MeetingValues {
        let group_id = match self.group_id {
            Some(id) if id > 0 => id,
            Some(_) => {
                c.add("group_id", "error-choice");
                0
            }
            None => {
                c.add("group_id", "error-required");
                0
            }
        };
        // Seconds are dropped: meetings are planned to the minute.
        let minute = |d: NaiveDateTime| d.with_second(0).and_then(|d| d.with_nanosecond(0));
        let starts = c.datetime("starts_at", &self.starts_at).and_then(minute);
        let ends = c.datetime("ends_at", &self.ends_at).and_then(minute);
        if let (Some(s), Some(e)) = (starts, ends)
            && e <= s
        {
            c.add("ends_at", "meetings-error-ends-before-starts");
        }
        let mut agenda = Vec::new();
        for item in self
            .agenda
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            if item.chars().count() > 500 {
                c.add("agenda", &crate::web::forms::too_long(500));
            }
            agenda.push(item.to_owned());
        }
        if agenda.len() > MAX_AGENDA_ITEMS {
            c.add("agenda", "meetings-error-agenda-too-long");
        }
        MeetingValues {
            group_id,
            title: c.line("title", &self.title, 300),
            title_sv: c.optional_line("title_sv", &self.title_sv, 300),
            title_en: c.optional_line("title_en", &self.title_en, 300),
            starts_at: starts.unwrap_or_default(),
            ends_at: ends.unwrap_or_default(),
            place: c.optional("place", &self.place, 300),
            online_url: c.url("online_url", &self.online_url),
            is_public: self.is_public,
            agenda,
            minutes: c.optional("minutes", &self.minutes, 100_000),
            version: self.version,
        }
    }
}

/// Splits the agenda textarea into items: one per non-empty line.
pub fn agenda_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A decision as sent to the API (and, as strings, by the form).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    #[schema(min_length = 1, max_length = 2000)]
    pub text: String,
    /// The responsible organisation's id.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub responsible_id: Option<i64>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(format = Date)]
    pub due_date: Option<String>,
}

/// A checked decision.
#[derive(Clone, Debug, Serialize)]
pub struct DecisionValues {
    pub text: String,
    pub responsible_id: Option<i64>,
    pub due_date: Option<NaiveDate>,
}

impl DecisionInput {
    pub fn from_form(f: &RawForm) -> Self {
        let due = f.get("due_date");
        DecisionInput {
            text: f.get("text"),
            responsible_id: f.get("responsible_id").parse().ok(),
            due_date: (!due.is_empty()).then_some(due),
        }
    }

    /// Checks the fields; that the organisation exists is checked by the store.
    pub fn check(&self, c: &mut Check) -> DecisionValues {
        if self.responsible_id.is_some_and(|id| id <= 0) {
            c.add("responsible_id", "error-choice");
        }
        DecisionValues {
            text: c.required("text", &self.text, 2000),
            responsible_id: self.responsible_id.filter(|id| *id > 0),
            due_date: c.date("due_date", self.due_date.as_deref().unwrap_or("")),
        }
    }
}

/// Who was present, as sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceInput {
    /// Ids of the people who were present; the group's other members are marked absent.
    pub present: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(starts: &str, ends: &str) -> MeetingInput {
        MeetingInput {
            group_id: Some(1),
            title: "Kokous".into(),
            starts_at: starts.into(),
            ends_at: ends.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_meeting_must_end_after_it_starts() {
        let mut c = Check::new();
        input("2026-12-01T13:00", "2026-12-01T12:00").check(&mut c);
        let e = c.finish(()).unwrap_err();
        assert_eq!(e.0["ends_at"], "meetings-error-ends-before-starts");
        let mut c = Check::new();
        input("huomenna", "2026-12-01T12:00").check(&mut c);
        let e = c.finish(()).unwrap_err();
        assert_eq!(e.0["starts_at"], "error-datetime");
        assert!(!e.0.contains_key("ends_at"));
    }

    #[test]
    fn good_input_gives_agenda_items_in_order_and_whole_minutes() {
        let mut c = Check::new();
        let mut i = input("2026-12-01T13:00:42", "2026-12-01T15:00");
        i.agenda = agenda_lines("Avaus\r\n\n  Toimintasuunnitelma  \nMuut asiat\n");
        let v = i.check(&mut c);
        assert!(c.finish(()).is_ok());
        assert_eq!(v.agenda, ["Avaus", "Toimintasuunnitelma", "Muut asiat"]);
        assert_eq!(v.starts_at.format("%H:%M:%S").to_string(), "13:00:00");
    }

    #[test]
    fn a_meeting_needs_a_group_a_title_and_a_web_address_that_is_http() {
        let mut c = Check::new();
        let mut i = input("2026-12-01T13:00", "2026-12-01T15:00");
        i.group_id = None;
        i.title = " ".into();
        i.online_url = "javascript:alert(1)".into();
        i.check(&mut c);
        let e = c.finish(()).unwrap_err();
        assert_eq!(e.0["group_id"], "error-required");
        assert_eq!(e.0["title"], "error-required");
        assert_eq!(e.0["online_url"], "error-url");
    }

    #[test]
    fn a_decision_needs_text_and_a_real_date() {
        let mut c = Check::new();
        DecisionInput {
            text: "".into(),
            responsible_id: Some(0),
            due_date: Some("31.12.2026".into()),
        }
        .check(&mut c);
        let e = c.finish(()).unwrap_err();
        assert_eq!(e.0["text"], "error-required");
        assert_eq!(e.0["responsible_id"], "error-choice");
        assert_eq!(e.0["due_date"], "error-date");
    }
}
