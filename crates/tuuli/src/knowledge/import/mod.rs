//! Parsers for the formats indicator values arrive in: bytes in, typed rows or errors out.
//!
//! - [`sotkanet_csv`]: Sotkanet's `/rest/1.1/csv` answer, streamed row by row;
//! - [`sotkanet_json`]: Sotkanet's `/rest/1.1/json` data rows;
//! - [`sotkanet_meta`]: one indicator's metadata (`/indicators/{id}`), the indicator list
//!   and the region list (`/regions`);
//! - [`jsonstat`]: Statistics Finland's PxWeb JSON-stat 2.0 (and 1.x) datasets;
//! - [`local_csv`]: coordinators' own figures as Finnish spreadsheets save them.
//!
//! Every bad input is an [`ImportError`]: where (a line, a JSON path or the whole file),
//! a message key and its arguments, so the UI localises it. Row parsers are iterators of
//! `Result<row, ImportError>` that go on after a bad row and stop after a fatal error
//! (a wrong header, an unreadable file); [`drain`] and [`collect`] run one to the end and
//! gather up to [`MAX_ERRORS`] errors, so a whole file can be refused with every bad row
//! listed. Nothing here panics on any input.

pub mod fields;
mod json;
pub mod jsonstat;
pub mod local_csv;
pub mod local_xlsx;
pub mod sotkanet_csv;
pub mod sotkanet_json;
pub mod sotkanet_meta;

use std::fmt;

use crate::i18n::with_args;
pub use fields::{Sex, Year};

/// At most this many errors are kept from one file; the rest are only counted.
pub const MAX_ERRORS: usize = 100;

/// Where in the input an error is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (empty, unreadable, wrong shape at the top).
    File,
    /// A line of a text file, counted from 1 (a CSV row's first line).
    Line(u64),
    /// A path into a JSON document, such as `$[3].year` or `value[12]`.
    Path(String),
}

/// One reason an input was refused, in a form the UI can localise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// Where the problem is.
    pub location: Location,
    /// The Fluent message key of the reason (`locales/*/knowledge.ftl`).
    pub key: &'static str,
    /// The reason's arguments.
    pub args: Vec<(&'static str, String)>,
}

impl ImportError {
    /// An error at `location` with a reason key and its arguments.
    pub fn new(location: Location, key: &'static str, args: &[(&'static str, &str)]) -> Self {
        Self {
            location,
            key,
            args: args.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
        }
    }

    /// An error about the whole file.
    pub fn file(key: &'static str, args: &[(&'static str, &str)]) -> Self {
        Self::new(Location::File, key, args)
    }

    /// The reason as a message key with its arguments ([`with_args`]); the line or the
    /// path is among the arguments too (`line`, `path`).
    pub fn message_key(&self) -> String {
        let mut args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let line;
        match &self.location {
            Location::File => {}
            Location::Line(n) => {
                line = n.to_string();
                args.push(("line", &line));
            }
            Location::Path(p) => args.push(("path", p)),
        }
        with_args(self.key, &args)
    }

    /// Where, as a message key ("Line 3", "At value[2]"); `None` for the whole file.
    pub fn location_key(&self) -> Option<String> {
        match &self.location {
            Location::File => None,
            Location::Line(n) => Some(with_args("import-at-line", &[("line", &n.to_string())])),
            Location::Path(p) => Some(with_args("import-at-path", &[("path", p)])),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Location::File => write!(f, "file: ")?,
            Location::Line(n) => write!(f, "line {n}: ")?,
            Location::Path(p) => write!(f, "{p}: ")?,
        }
        write!(f, "{}", self.key)?;
        for (k, v) in &self.args {
            write!(f, " {k}={v:?}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

/// Why a whole input was refused: its first [`MAX_ERRORS`] errors and how many more.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rejected {
    /// The errors, in input order.
    pub errors: Vec<ImportError>,
    /// Errors found beyond [`MAX_ERRORS`], counted but not kept.
    pub more: u64,
}

impl Rejected {
    /// Adds an error, keeping at most [`MAX_ERRORS`].
    pub fn push(&mut self, e: ImportError) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        } else {
            self.more += 1;
        }
    }

    /// True when nothing was refused.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.more == 0
    }

    /// "… and N more errors", when some were not kept.
    pub fn more_key(&self) -> Option<String> {
        (self.more > 0)
            .then(|| with_args("import-error-more", &[("count", &self.more.to_string())]))
    }
}

impl From<ImportError> for Rejected {
    fn from(e: ImportError) -> Self {
        Self {
            errors: vec![e],
            more: 0,
        }
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.errors {
            writeln!(f, "{e}")?;
        }
        if self.more > 0 {
            writeln!(f, "… and {} more", self.more)?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejected {}

/// Runs a row parser to its end, handing each good row to `accept` and gathering errors.
/// Returns the number of good rows, or every error (capped) if there was any: then the
/// caller must discard what `accept` received (roll back its transaction).
pub fn drain<T>(
    rows: impl IntoIterator<Item = Result<T, ImportError>>,
    mut accept: impl FnMut(T),
) -> Result<u64, Rejected> {
    let mut rejected = Rejected::default();
    let mut good = 0u64;
    for row in rows {
        match row {
            Ok(row) => {
                good += 1;
                accept(row);
            }
            Err(e) => rejected.push(e),
        }
    }
    if rejected.is_empty() {
        Ok(good)
    } else {
        Err(rejected)
    }
}

/// Runs a row parser to its end and keeps the rows: for small inputs only.
pub fn collect<T>(
    rows: impl IntoIterator<Item = Result<T, ImportError>>,
) -> Result<Vec<T>, Rejected> {
    let mut out = Vec::new();
    drain(rows, |r| out.push(r))?;
    Ok(out)
}

/// One value row of Sotkanet (CSV or JSON): ids are Sotkanet's own.
#[derive(Debug, Clone, PartialEq)]
pub struct SotkanetValue {
    /// Sotkanet's indicator id.
    pub indicator: u32,
    /// Sotkanet's region id (not the official code).
    pub region: u32,
    /// The statistical year.
    pub year: Year,
    /// Total, male or female.
    pub sex: Sex,
    /// The primary value; `None` when suppressed or missing.
    pub value: Option<f64>,
    /// The count behind the value (`absValue`, "absolute value"), often missing.
    pub count: Option<f64>,
}

#[cfg(test)]
mod fuzz_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_their_location_among_the_arguments() {
        let e = ImportError::new(Location::Line(3), "import-error-year", &[("value", "x")]);
        assert_eq!(
            e.message_key(),
            with_args("import-error-year", &[("value", "x"), ("line", "3")])
        );
        assert_eq!(
            e.location_key(),
            Some(with_args("import-at-line", &[("line", "3")]))
        );
    }

    /// Every reason key the parsers use, so a missing translation fails here.
    const KEYS: &[&str] = &[
        "import-at-line",
        "import-at-path",
        "import-error-read",
        "import-error-encoding",
        "import-error-empty",
        "import-error-header",
        "import-error-header-missing",
        "import-error-header-duplicate",
        "import-error-field-count",
        "import-error-year",
        "import-error-sex",
        "import-error-number",
        "import-error-negative",
        "import-error-required",
        "import-error-id",
        "import-error-count-over-denominator",
        "import-error-json-truncated",
        "import-error-json-syntax",
        "import-error-json-type",
        "import-error-json-missing",
        "import-error-jsonstat-class",
        "import-error-jsonstat-size",
        "import-error-jsonstat-position",
        "import-error-jsonstat-too-large",
        "import-error-more",
        "import-error-not-xlsx",
    ];

    #[test]
    fn every_reason_is_translated_and_takes_its_arguments() {
        let i18n = crate::i18n::I18n::load().unwrap();
        for lang in crate::i18n::Lang::ALL {
            for key in KEYS {
                assert!(i18n.keys(lang).contains(*key), "{key} missing in {lang:?}");
            }
            let e = ImportError::new(
                Location::Line(3),
                "import-error-year",
                &[("value", "20O4"), ("min", "1900"), ("max", "2100")],
            );
            let reason = i18n.t(lang, &e.message_key(), &[]);
            let place = i18n.t(lang, &e.location_key().unwrap(), &[]);
            assert!(
                reason.contains("20O4") && reason.contains("2100"),
                "{reason}"
            );
            assert!(place.contains('3'), "{place}");
            let e = ImportError::new(
                Location::Path("$".into()),
                "import-error-json-type",
                &[("expected", "array")],
            );
            let reason = i18n.t(lang, &e.message_key(), &[]);
            assert!(
                !reason.contains("array") || lang == crate::i18n::Lang::En,
                "{reason}"
            );
        }
    }

    #[test]
    fn rejected_keeps_at_most_the_cap_and_counts_the_rest() {
        let rows = (0..150).map(|i| {
            Err::<(), _>(ImportError::new(
                Location::Line(i),
                "import-error-year",
                &[],
            ))
        });
        let r = drain(rows, |_| {}).unwrap_err();
        assert_eq!(r.errors.len(), MAX_ERRORS);
        assert_eq!(r.more, 50);
        assert!(r.more_key().is_some());
    }
}
