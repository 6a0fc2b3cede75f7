//! Text cells of the CSV files Tuuli writes. A cell that a spreadsheet would run as a
//! formula (`=HYPERLINK(…)`, `+…`, `-…`, `@…`, typed by one user and opened by another) is
//! written with a leading apostrophe, which spreadsheets show as text ("CSV injection");
//! a reader of Tuuli's own files takes it away again with [`unguard`], so a round trip
//! keeps the text. Numbers are written as numbers and never pass through here.

/// What a spreadsheet reads as the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as it is written: with a leading apostrophe when it starts like a formula.
pub fn guard(text: String) -> String {
    if text.starts_with(FORMULA_START) {
        format!("'{text}")
    } else {
        text
    }
}

/// The text of a cell written by [`guard`].
pub fn unguard(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => text,
    }
}
