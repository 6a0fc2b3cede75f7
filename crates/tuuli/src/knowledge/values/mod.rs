//! The value store's write path: one import = one `imports` row, one transaction, one
//! audit row. See [`engine::Importer`].
//!
//! Rows arrive from the parsers ([`crate::knowledge::import`]) with Sotkanet's ids or the
//! codes a coordinator wrote; the importer places each on an area valid in its year and an
//! indicator of the catalogue, checks what only the catalogue knows (a percentage above
//! 100), stages the rows in chunks and merges each chunk set-based: earlier versions of
//! changed values go to `indicator_value_revisions` with the import that brought them,
//! then one `INSERT … ON CONFLICT DO UPDATE … WHERE changed`. Any bad row fails the whole
//! import: the transaction is rolled back, every bad row (up to
//! [`crate::knowledge::import::MAX_ERRORS`]) is reported with its line and reason, and the
//! `imports` row says `failed`.

pub mod catalogue;
pub mod engine;
mod merge;
pub mod model;
mod seen;

pub use engine::Importer;
pub use model::{AreaRef, ImportMeta, InRow, IndicatorRef, Summary};
