//! What an import takes and gives: its description ([`ImportMeta`]), the rows the
//! parsers hand over ([`InRow`], naming areas and indicators as the file does), and the
//! outcome ([`Summary`]).

use chrono::{DateTime, Utc};

use crate::auth::Actor;
use crate::knowledge::import::{Location, Rejected, Sex, Year};

/// What an import is, for its `imports` row.
#[derive(Debug, Clone)]
pub struct ImportMeta {
    /// `sotkanet_api`, `sotkanet_dir`, `csv`, `xlsx`, `jsonstat`, `demo` or `bench`.
    pub kind: &'static str,
    /// The file name or URL.
    pub source_name: String,
    /// When the data was fetched from its source, if known.
    pub vintage: Option<DateTime<Utc>>,
    /// Demo or benchmark data.
    pub is_synthetic: bool,
    /// Who imports (a user, or the command line).
    pub actor: Actor,
    /// The job that runs it, if any.
    pub job_id: Option<i64>,
}

/// An area as a row names it.
#[derive(Debug, Clone, PartialEq)]
pub enum AreaRef {
    /// Sotkanet's region id.
    Sotkanet(u32),
    /// A code as a coordinator or Statistics Finland writes it: `KU398`, `398`, `MK07`,
    /// `SSS`, `sotkanet:177`.
    Code(String),
}

/// An indicator as a row names it.
#[derive(Debug, Clone, PartialEq)]
pub enum IndicatorRef {
    /// Sotkanet's indicator id.
    Sotkanet(u32),
    /// As written: `sotkanet:289`, `289` (Sotkanet), `local:xyz`, `statfin:…`.
    Text(String),
}

/// One parsed row, before it is placed on an area and an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct InRow {
    pub location: Location,
    pub indicator: IndicatorRef,
    pub area: AreaRef,
    pub year: Year,
    pub sex: Sex,
    pub value: Option<f64>,
    pub count: Option<f64>,
    pub denominator: Option<f64>,
}

/// The outcome of one import.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub import_id: i64,
    /// `done` or `failed`.
    pub status: &'static str,
    pub rows_read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Bad rows (all of them, also those beyond the listed ones).
    pub rejected: u64,
    /// Rows left out on purpose, not errors (see [`Importer::skip`]).
    pub skipped: u64,
    /// Catalogue entries created or refreshed from metadata.
    pub indicators_upserted: u64,
    /// The listed errors, as message keys with their arguments (location first).
    #[serde(skip)]
    pub errors: Rejected,
}

impl Summary {
    /// Each listed error as "location: reason" message keys, and the "… more" line.
    pub fn error_keys(&self) -> Vec<(Option<String>, String)> {
        let mut out: Vec<(Option<String>, String)> = self
            .errors
            .errors
            .iter()
            .map(|e| (e.location_key(), e.message_key()))
            .collect();
        if let Some(more) = self.errors.more_key() {
            out.push((None, more));
        }
        out
    }
}

/// The `imports.message` text: one localisable line per error ("location key<TAB>reason key").
pub fn message_text(s: &Summary) -> String {
    s.error_keys()
        .into_iter()
        .map(|(loc, reason)| format!("{}\t{reason}", loc.unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}
