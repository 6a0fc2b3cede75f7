//! The knowledge room (DOMAIN.md module "Knowledge"): indicators, their values per area,
//! year and sex, and the importers that bring them in.
//!
//! So far only the pure import layer exists ([`import`]): functions that turn bytes into
//! typed rows or located, localisable errors. No database, no routes: the later store
//! loads what these return in one transaction.

pub mod import;
pub mod imports;
pub mod values;
