//! Coordinators' own figures as Finnish spreadsheets save them: a long format with named
//! columns `indicator;area;year;sex;value;count;denominator` (in any order; Finnish names
//! accepted too), `;` or `,` between fields (detected from the header), decimal comma or
//! point, UTF-8 with or without a byte-order mark. Read as a stream.
//!
//! `indicator` and `area` are kept as written: matching them to the catalogue and the
//! areas (`sotkanet:289`, `KU398`, `398`…) is the store's step.

use std::io::{BufRead, BufReader, Chain, Cursor, Read};

use csv::StringRecord;

use super::fields::{Sex, Year, count_at, number_at, required_at, sex_at, year_at};
use super::sotkanet_csv::{csv_error, is_blank, line_of};
use super::{ImportError, Location};

/// One row of a coordinator's file.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalValue {
    /// The indicator as written (a catalogue id or a bare Sotkanet id).
    pub indicator: String,
    /// The area code as written.
    pub area: String,
    /// The year.
    pub year: Year,
    /// Total, male or female.
    pub sex: Sex,
    /// The value.
    pub value: f64,
    /// The count behind it, if given (not negative).
    pub count: Option<f64>,
    /// The denominator, if given (not negative, not below the count).
    pub denominator: Option<f64>,
}

/// The columns, each with the header names accepted for it (compared in lower case).
const COLUMNS: [(&str, &[&str]); 7] = [
    ("indicator", &["indicator", "indikaattori", "indikator"]),
    (
        "area",
        &["area", "area code", "alue", "aluekoodi", "område"],
    ),
    ("year", &["year", "vuosi", "år"]),
    ("sex", &["sex", "gender", "sukupuoli", "kön"]),
    ("value", &["value", "arvo", "värde"]),
    ("count", &["count", "lukumäärä", "määrä", "antal"]),
    ("denominator", &["denominator", "nimittäjä", "nämnare"]),
];
/// The first five columns are required.
const REQUIRED: usize = 5;

/// Rows of a coordinator's CSV file, one at a time.
pub struct LocalCsv<R: Read> {
    reader: Option<csv::Reader<Source<R>>>,
    pending: Option<ImportError>,
    record: StringRecord,
    /// Field position of each column of [`COLUMNS`], if present.
    positions: [Option<usize>; 7],
    /// Each column's name as the file's header writes it, for messages.
    names: [String; 7],
    started: bool,
}

/// The longest header line looked at to pick the separator.
const HEADER_PEEK: u64 = 64 * 1024;

/// The reader under the csv parser: the header line already read, then the rest.
type Source<R> = Chain<Cursor<Vec<u8>>, BufReader<R>>;

/// Starts reading: reads the first line (at most 64 KiB, however the input arrives),
/// drops a byte-order mark and picks the separator from it.
pub fn read<R: Read>(reader: R) -> LocalCsv<R> {
    let mut buffered = BufReader::new(reader);
    let mut head = Vec::new();
    let pending = match (&mut buffered)
        .take(HEADER_PEEK)
        .read_until(b'\n', &mut head)
    {
        Ok(_) => None,
        Err(_) => Some(ImportError::file("import-error-read", &[])),
    };
    if head.starts_with(b"\xef\xbb\xbf") {
        head.drain(..3);
    }
    let delimiter = if head.contains(&b';') { b';' } else { b',' };
    LocalCsv {
        reader: Some(
            csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .terminator(csv::Terminator::Any(b'\n'))
                .has_headers(false)
                .flexible(true)
                .from_reader(Cursor::new(head).chain(buffered)),
        ),
        pending,
        record: StringRecord::new(),
        positions: [None; 7],
        names: COLUMNS.map(|(name, _)| name.to_owned()),
        started: false,
    }
}

impl<R: Read> LocalCsv<R> {
    /// The line (from 1) of the row last returned, for the store's own checks.
    pub fn line(&self) -> u64 {
        line_of(&self.record)
    }

    fn next_record(&mut self) -> Result<bool, ImportError> {
        match &mut self.reader {
            Some(r) => r.read_record(&mut self.record).map_err(|e| csv_error(&e)),
            None => Ok(false),
        }
    }

    fn header(&mut self) -> Result<(), ImportError> {
        let loc = Location::Line(line_of(&self.record));
        for (i, field) in self.record.iter().enumerate() {
            let name = field.trim().to_lowercase();
            let Some(col) = COLUMNS
                .iter()
                .position(|(_, names)| names.contains(&name.as_str()))
            else {
                continue; // other columns (notes, names) are allowed and ignored
            };
            self.names[col] = field.trim().to_owned();
            if self.positions[col].replace(i).is_some() {
                return Err(ImportError::new(
                    loc,
                    "import-error-header-duplicate",
                    &[("column", COLUMNS[col].0)],
                ));
            }
        }
        match self.positions[..REQUIRED].iter().position(Option::is_none) {
            Some(col) => Err(ImportError::new(
                loc,
                "import-error-header-missing",
                &[("column", COLUMNS[col].0)],
            )),
            None => Ok(()),
        }
    }

    fn row(&self) -> Result<LocalValue, ImportError> {
        let loc = Location::Line(line_of(&self.record));
        let get = |col: usize| self.positions[col].and_then(|i| self.record.get(i));
        let f = |col: usize| -> Result<&str, ImportError> {
            get(col).ok_or_else(|| {
                let (expected, found) = (
                    self.positions.iter().flatten().max().map_or(0, |m| m + 1),
                    self.record.len(),
                );
                ImportError::new(
                    loc.clone(),
                    "import-error-field-count",
                    &[
                        ("expected", &expected.to_string()),
                        ("found", &found.to_string()),
                    ],
                )
            })
        };
        let (indicator, area) = (f(0)?, f(1)?);
        let year = year_at(&loc, f(2)?)?;
        let sex = sex_at(&loc, f(3)?)?;
        let value = required_at(&loc, &self.names[4], f(4)?)?;
        let value = number_at(&loc, &self.names[4], value)?.unwrap_or_default();
        let count = count_at(&loc, &self.names[5], get(5).unwrap_or(""))?;
        let denominator = count_at(&loc, &self.names[6], get(6).unwrap_or(""))?;
        if let (Some(c), Some(d)) = (count, denominator)
            && c > d
        {
            return Err(ImportError::new(
                loc,
                "import-error-count-over-denominator",
                &[
                    ("count", get(5).unwrap_or("").trim()),
                    ("denominator", get(6).unwrap_or("").trim()),
                ],
            ));
        }
        Ok(LocalValue {
            indicator: required_at(&loc, &self.names[0], indicator)?.to_owned(),
            area: required_at(&loc, &self.names[1], area)?.to_owned(),
            year,
            sex,
            value,
            count,
            denominator,
        })
    }

    fn fatal(&mut self, e: ImportError) -> Option<Result<LocalValue, ImportError>> {
        self.reader = None;
        Some(Err(e))
    }
}

impl<R: Read> Iterator for LocalCsv<R> {
    type Item = Result<LocalValue, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.pending.take() {
            return self.fatal(e);
        }
        self.reader.as_ref()?;
        if !self.started {
            self.started = true;
            match self.next_record() {
                Ok(true) => {}
                Ok(false) => return self.fatal(ImportError::file("import-error-empty", &[])),
                Err(e) => return self.fatal(e),
            }
            if let Err(e) = self.header() {
                return self.fatal(e);
            }
        }
        loop {
            match self.next_record() {
                // A row of empty cells (spreadsheets write them) is skipped.
                Ok(true) if is_blank(&self.record) => continue,
                Ok(true) => return Some(self.row()),
                Ok(false) => {
                    self.reader = None;
                    return None;
                }
                Err(e) => return self.fatal(e),
            }
        }
    }
}

#[cfg(test)]
mod tests;
