//! iCalendar (RFC 5545) for meetings, written by hand: CRLF line endings, content lines
//! folded at 75 octets on UTF-8 character boundaries, TEXT values escaped, and times in
//! UTC (`…Z`) converted from the local Helsinki times meetings are kept in.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::model::Meeting;
use crate::core::time::helsinki_to_utc;

/// The longest content line, in octets, before it is folded (RFC 5545 §3.1).
const MAX_OCTETS: usize = 75;

/// Escapes a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF and a lone CR are both one line break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in TEXT.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line: at most 75 octets per physical line, continuation lines start
/// with a space, and a multi-octet UTF-8 character is never split. Ends with CRLF.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > MAX_OCTETS {
            out.push_str("\r\n ");
            // The leading space counts towards the next line's 75 octets.
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
    out
}

fn utc_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A calendar being written.
pub struct Calendar {
    out: String,
}

impl Calendar {
    /// Starts a published calendar with a display name.
    pub fn new(name: &str) -> Self {
        let mut c = Calendar { out: String::new() };
        c.line("BEGIN:VCALENDAR");
        c.line("VERSION:2.0");
        c.line("PRODID:-//Tuuli//Meetings//FI");
        c.line("CALSCALE:GREGORIAN");
        c.line("METHOD:PUBLISH");
        c.line(&format!("X-WR-CALNAME:{}", escape_text(name)));
        c
    }

    fn line(&mut self, l: &str) {
        self.out.push_str(&fold_line(l));
    }

    /// Adds a meeting as a VEVENT; `base` (for example `https://tuuli.example.fi`) makes
    /// the URL of the meeting page absolute.
    pub fn meeting(&mut self, m: &Meeting, base: Option<&str>) {
        self.line("BEGIN:VEVENT");
        self.line(&format!("UID:meeting-{}@tuuli", m.id));
        self.line(&format!("DTSTAMP:{}", stamp(m.updated_at)));
        self.line(&format!(
            "DTSTART:{}",
            utc_stamp(helsinki_to_utc(m.starts_at))
        ));
        self.line(&format!("DTEND:{}", utc_stamp(helsinki_to_utc(m.ends_at))));
        self.line(&format!("SUMMARY:{}", escape_text(&m.title)));
        let location = if m.place.is_empty() {
            &m.online_url
        } else {
            &m.place
        };
        if !location.is_empty() {
            self.line(&format!("LOCATION:{}", escape_text(location)));
        }
        let page = base.map(|b| format!("{}/meetings/{}", b.trim_end_matches('/'), m.id));
        if let Some(url) = &page {
            // A URI value, not TEXT: it is not escaped (it holds no spaces or controls).
            self.line(&format!("URL:{url}"));
        }
        let mut description: Vec<String> = m
            .agenda
            .iter()
            .enumerate()
            .map(|(i, a)| format!("{}. {a}", i + 1))
            .collect();
        if !m.online_url.is_empty() && !m.place.is_empty() {
            description.push(m.online_url.clone());
        }
        if let Some(url) = page {
            description.push(url);
        }
        if !description.is_empty() {
            self.line(&format!(
                "DESCRIPTION:{}",
                escape_text(&description.join("\n"))
            ));
        }
        self.line("END:VEVENT");
    }

    /// Closes the calendar and returns its text.
    pub fn finish(mut self) -> String {
        self.line("END:VCALENDAR");
        self.out
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    utc_stamp(t.naive_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_escape_backslash_semicolon_comma_and_newlines() {
        assert_eq!(
            escape_text("a\\b; c, d\ne\r\nf"),
            "a\\\\b\\; c\\, d\\ne\\nf"
        );
        assert_eq!(escape_text("tab\tbell\u{7}"), "tabbell");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let title = format!(
            "SUMMARY:{}",
            "Mielenterveys- ja päihdeasiantuntijaryhmän kokous: yhteinen koulutuspäivä \
             ja hyvinvointikertomuksen päivitys, Päijät-Häme, ääkkösiä öö ää åå"
        );
        let folded = fold_line(&title);
        assert!(folded.ends_with("\r\n"));
        let lines: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 2, "{folded}");
        for (i, l) in lines.iter().enumerate() {
            assert!(l.len() <= 75, "line {i} has {} octets: {l:?}", l.len());
            if i > 0 {
                assert!(l.starts_with(' '), "continuation without a space: {l:?}");
            }
        }
        // Unfolding gives back the original line exactly: no character was split.
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, title);
        // A line of only two-octet letters folds before a letter, never inside one.
        let ae = "ä".repeat(100);
        for l in fold_line(&ae).trim_end_matches("\r\n").split("\r\n") {
            assert!(l.len() <= 75 && std::str::from_utf8(l.as_bytes()).is_ok());
        }
    }

    #[test]
    fn a_short_line_is_not_folded() {
        assert_eq!(fold_line("VERSION:2.0"), "VERSION:2.0\r\n");
        assert_eq!(fold_line(&"x".repeat(75)).len(), 77);
        assert_eq!(
            fold_line(&"x".repeat(76)),
            format!("{}\r\n x\r\n", "x".repeat(75))
        );
    }
}
