//! Form input: parsing that never fails, field validation into message keys, and safe
//! Markdown. Handlers take form bodies as `Form<Vec<(String, String)>>`-like raw pairs or
//! structs of `String`s, so that whatever the user typed can be shown back.

use chrono::{NaiveDate, NaiveDateTime};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::error::FieldErrors;

/// Raw form pairs, with helpers to read them.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct RawForm(pub Vec<(String, String)>);

impl RawForm {
    pub fn parse(body: &[u8]) -> Self {
        // NUL characters are never meaningful in a form and PostgreSQL refuses them.
        let strip = |s: String| {
            if s.contains('\0') {
                s.replace('\0', "")
            } else {
                s
            }
        };
        let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default();
        RawForm(
            pairs
                .into_iter()
                .map(|(k, v)| (strip(k), strip(v)))
                .collect(),
        )
    }
    /// The first value of a field, trimmed ("" when absent).
    pub fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }
    /// Every value of a repeated field (checkboxes, multi-selects).
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }
    pub fn checked(&self, key: &str) -> bool {
        matches!(self.get(key).as_str(), "on" | "true" | "1" | "yes")
    }
}

/// Collects field errors while parsing a form or JSON input.
#[derive(Debug, Default)]
pub struct Check {
    pub errors: FieldErrors,
}

impl Check {
    pub fn new() -> Self {
        Self::default()
    }

    /// A required text of at most `max` characters.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.errors.add(field, "error-required");
        } else if v.chars().count() > max {
            self.errors.add(field, &too_long(max));
        }
        v.to_owned()
    }

    /// An optional text of at most `max` characters.
    pub fn optional(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.chars().count() > max {
            self.errors.add(field, &too_long(max));
        }
        v.to_owned()
    }

    /// A required name or title: at most `max` characters on one line (no line breaks,
    /// tabs or other control characters, which would break lists, CSV rows and calendar
    /// entries).
    pub fn line(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = self.required(field, value, max);
        self.one_line(field, &v);
        v
    }

    /// An optional name or title on one line (see [`Check::line`]).
    pub fn optional_line(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = self.optional(field, value, max);
        self.one_line(field, &v);
        v
    }

    fn one_line(&mut self, field: &str, v: &str) {
        if v.chars().any(char::is_control) {
            self.errors.add(field, "error-single-line");
        }
    }

    /// An optional email address (something@something.tld, no spaces).
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        if !v.is_empty() && !is_email(v) {
            self.errors.add(field, "error-email");
        }
        v.to_owned()
    }

    /// An optional http(s) address.
    pub fn url(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        if !v.is_empty() && !is_http_url(v) {
            self.errors.add(field, "error-url");
        }
        v.to_owned()
    }

    /// An optional date `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) if in_range(d) => Some(d),
            Ok(_) => {
                self.errors.add(field, &date_range());
                None
            }
            Err(_) => {
                self.errors.add(field, "error-date");
                None
            }
        }
    }

    /// A required local date and time (`YYYY-MM-DDTHH:MM` as browsers send, seconds optional).
    pub fn datetime(&mut self, field: &str, value: &str) -> Option<NaiveDateTime> {
        let v = value.trim();
        if v.is_empty() {
            self.errors.add(field, "error-required");
            return None;
        }
        let parsed = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
            .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M"));
        match parsed {
            Ok(d) if in_range(d.date()) => Some(d),
            Ok(_) => {
                self.errors.add(field, &date_range());
                None
            }
            Err(_) => {
                self.errors.add(field, "error-datetime");
                None
            }
        }
    }

    /// An optional id (positive whole number).
    pub fn id(&mut self, field: &str, value: &str) -> Option<i64> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        match v.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                self.errors.add(field, "error-choice");
                None
            }
        }
    }

    /// A required id.
    pub fn required_id(&mut self, field: &str, value: &str) -> Option<i64> {
        if value.trim().is_empty() {
            self.errors.add(field, "error-required");
            return None;
        }
        self.id(field, value)
    }

    /// One of the allowed values.
    pub fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.errors.add(field, "error-required");
        } else if !allowed.contains(&v) {
            self.errors.add(field, "error-choice");
        }
        v.to_owned()
    }

    pub fn add(&mut self, field: &str, key: &str) {
        self.errors.add(field, key);
    }

    pub fn finish<T>(self, value: T) -> Result<T, FieldErrors> {
        self.errors.into_result(value)
    }
}

/// "At most `max` characters", with the number in the message.
pub fn too_long(max: usize) -> String {
    crate::i18n::with_args("error-too-long-max", &[("max", &max.to_string())])
}

fn date_range() -> String {
    crate::i18n::with_args(
        "error-date-range",
        &[
            ("min", &MIN_YEAR.to_string()),
            ("max", &MAX_YEAR.to_string()),
        ],
    )
}

/// The years a date may have: wider than any real meeting, membership or consent, and
/// narrow enough that every later conversion (time zones, iCalendar) stays well-defined.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2200;

fn in_range(d: NaiveDate) -> bool {
    use chrono::Datelike;
    (MIN_YEAR..=MAX_YEAR).contains(&d.year())
}

pub fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        && !domain.contains('@')
        && v.len() <= 254
}

pub fn is_http_url(v: &str) -> bool {
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/') && !v.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == '"'))
        && v.len() <= 500
}

/// Renders Markdown to HTML safely: raw HTML in the source is shown as text, and only
/// http(s), mailto and relative links survive.
pub fn markdown_to_html(src: &str) -> String {
    // An image from another site would not load (the pages' Content-Security-Policy allows
    // images from Tuuli itself only) and would tell that site who reads the page: it is
    // shown as a link to the image, its alt text the link's text.
    let mut image_as_link = false;
    let parser =
        Parser::new_ext(src, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|ev| {
            match ev {
                Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) if !safe_link(&dest_url) => Event::Start(Tag::Link {
                    link_type,
                    dest_url: "#".into(),
                    title,
                    id,
                }),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) if !local_url(&dest_url) => {
                    image_as_link = true;
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: if safe_link(&dest_url) {
                            dest_url
                        } else {
                            "#".into()
                        },
                        title,
                        id,
                    })
                }
                Event::End(TagEnd::Image) if image_as_link => {
                    image_as_link = false;
                    Event::End(TagEnd::Link)
                }
                other => other,
            }
        });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, parser);
    out
}

/// A path on Tuuli itself (`/…`, not `//host/…`).
fn local_url(url: &str) -> bool {
    let u = url.trim();
    u.starts_with('/') && !u.starts_with("//") && !u.starts_with("/\\")
}

fn safe_link(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("http://")
        || u.starts_with("https://")
        || u.starts_with("mailto:")
        || u.starts_with('/')
        || u.starts_with('#')
        || !u.contains(':')
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for RawForm {
    type Rejection = crate::error::AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| crate::error::AppError::PayloadTooLarge)?;
        Ok(RawForm::parse(&bytes))
    }
}

/// The usual answer to a failed form submission: the form again, keeping what was typed,
/// with the field errors (422) or the conflict's message (409). Other errors pass on.
pub async fn redisplay<F, Fut>(
    err: crate::error::AppError,
    form: F,
) -> crate::error::AppResult<axum::response::Response>
where
    F: FnOnce(FieldErrors, Option<&'static str>) -> Fut,
    Fut: std::future::Future<Output = crate::error::AppResult<axum::response::Html<String>>>,
{
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    match err {
        crate::error::AppError::Validation(errors) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, form(errors, None).await?).into_response())
        }
        crate::error::AppError::Conflict(key) => Ok((
            StatusCode::CONFLICT,
            form(FieldErrors::new(), Some(key)).await?,
        )
            .into_response()),
        other => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cannot_carry_scripts() {
        let html =
            markdown_to_html("Hi <script>alert(1)</script> [x](javascript:alert(1)) **bold**");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
    }

    #[test]
    fn a_name_is_one_line_without_control_characters() {
        let mut c = Check::new();
        assert_eq!(c.line("a", "  Lahden nuoret \n", 50), "Lahden nuoret");
        c.line("b", "Kaksi\nriviä", 50);
        c.line("c", "Sarake\tväli", 50);
        c.optional_line("d", "Rivi\r\nvaihto", 50);
        c.optional_line("e", "", 50);
        c.line("f", "", 50);
        c.line("g", "Pitkä\nnimi", 3);
        let e = c.errors.0;
        assert!(!e.contains_key("a") && !e.contains_key("e"), "{e:?}");
        for f in ["b", "c", "d"] {
            assert_eq!(e[f], "error-single-line", "{f}");
        }
        assert_eq!(e["f"], "error-required");
        assert!(e["g"].starts_with("error-too-long"), "{e:?}");
    }

    #[test]
    fn an_image_from_another_site_is_a_link_and_one_from_tuuli_an_image() {
        let html = markdown_to_html(
            "![Logo](https://tracker.example/pixel.png) ![x](//tracker.example/p.png) \
             ![bad](javascript:alert(1)) ![Kartta](/assets/map.png)",
        );
        assert!(
            html.contains(r#"<a href="https://tracker.example/pixel.png">Logo</a>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<a href="//tracker.example/p.png">x</a>"#),
            "{html}"
        );
        assert!(html.contains(r##"<a href="#">bad</a>"##), "{html}");
        assert!(
            html.contains(r#"<img src="/assets/map.png" alt="Kartta" />"#),
            "{html}"
        );
        assert_eq!(html.matches("<img").count(), 1, "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn dates_outside_1900_to_2200_are_refused_with_a_message() {
        let mut c = Check::new();
        for (i, v) in [
            "0000-01-01",
            "-0001-01-01",
            "1899-12-31",
            "2201-01-01",
            "+262143-01-01",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(c.date(&format!("d{i}"), v), None, "{v}");
        }
        assert_eq!(c.datetime("t", "-262143-01-01T10:00"), None);
        assert_eq!(c.datetime("t2", "2201-01-01T10:00"), None);
        let errs = c.finish(()).unwrap_err();
        let range = "error-date-range?min=1900&max=2200";
        assert_eq!(errs.0["d0"], range);
        assert_eq!(errs.0["d3"], range);
        assert!(errs.0["t"] == range || errs.0["t"] == "error-datetime");
        assert_eq!(errs.0["t2"], range);
        let mut ok = Check::new();
        assert!(ok.date("a", "1900-01-01").is_some() && ok.date("b", "2200-12-31").is_some());
        assert!(ok.datetime("c", "2026-12-01T10:00").is_some());
        assert!(ok.finish(()).is_ok());
    }

    #[test]
    fn fields_are_checked_into_message_keys() {
        let mut c = Check::new();
        c.required("name", "  ", 10);
        c.email("email", "not-an-email");
        c.url("website", "javascript:alert(1)");
        c.date("consent", "2026-13-40");
        c.datetime("starts", "tomorrow");
        let errs = c.finish(()).unwrap_err();
        assert_eq!(
            errs.0.get("name").map(String::as_str),
            Some("error-required")
        );
        assert_eq!(errs.0.get("email").map(String::as_str), Some("error-email"));
        assert_eq!(errs.0.get("website").map(String::as_str), Some("error-url"));
        assert_eq!(
            errs.0.get("consent").map(String::as_str),
            Some("error-date")
        );
        assert_eq!(
            errs.0.get("starts").map(String::as_str),
            Some("error-datetime")
        );
    }

    #[test]
    fn good_input_passes() {
        let mut c = Check::new();
        assert_eq!(c.required("n", " Lahti ", 10), "Lahti");
        assert!(c.datetime("s", "2026-12-01T09:30").is_some());
        assert!(c.email("e", "a.b@lahti.fi").contains('@'));
        assert!(c.url("w", "https://www.lahti.fi/").starts_with("https"));
        assert!(c.finish(()).is_ok());
    }
}
