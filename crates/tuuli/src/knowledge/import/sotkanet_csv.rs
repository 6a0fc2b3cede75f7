//! Sotkanet's `/rest/1.1/csv` answer: `;`-separated, header
//! `indicator;region;year;gender;primary value;absolute value`, empty fields for missing
//! values. Read as a stream: memory does not grow with the file.

use std::io::Read;

use csv::StringRecord;

use super::fields::{count_at, id_at, number_at, sex_at, year_at};
use super::{ImportError, Location, SotkanetValue};

/// The header Sotkanet writes (compared without regard to case or surrounding spaces).
pub const HEADER: [&str; 6] = [
    "indicator",
    "region",
    "year",
    "gender",
    "primary value",
    "absolute value",
];

/// Rows of a Sotkanet CSV answer, one at a time; see the module doc of `import`.
pub struct SotkanetCsv<R: Read> {
    reader: csv::Reader<R>,
    record: StringRecord,
    started: bool,
    done: bool,
}

/// Starts reading a Sotkanet CSV answer from any reader.
pub fn read<R: Read>(reader: R) -> SotkanetCsv<R> {
    SotkanetCsv {
        reader: csv::ReaderBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::Any(b'\n'))
            .has_headers(false)
            .flexible(true)
            .from_reader(reader),
        record: StringRecord::new(),
        started: false,
        done: false,
    }
}

/// A csv crate error as an import error: bad UTF-8 or an unreadable input.
pub(super) fn csv_error(e: &csv::Error) -> ImportError {
    let line = e.position().map(csv::Position::line);
    match (e.kind(), line) {
        (csv::ErrorKind::Utf8 { .. }, Some(line)) => {
            ImportError::new(Location::Line(line), "import-error-encoding", &[])
        }
        (csv::ErrorKind::Utf8 { .. }, None) => ImportError::file("import-error-encoding", &[]),
        _ => ImportError::file("import-error-read", &[]),
    }
}

/// Whether every field is empty or blank (a spreadsheet's empty row, a stray `\r`).
pub(super) fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|f| f.trim().is_empty())
}

/// The record's first line, counted from 1. The readers end records at `\n` only (a `\r`
/// before it stays in the last field, and every field is trimmed): with the csv crate's
/// default terminator a CRLF file's rows were reported one line too early.
pub(super) fn line_of(record: &StringRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

impl<R: Read> SotkanetCsv<R> {
    /// The line (from 1) of the row last returned, for the store's own checks.
    pub fn line(&self) -> u64 {
        line_of(&self.record)
    }

    /// Reads the next record into `self.record`; `Ok(false)` at the end.
    fn next_record(&mut self) -> Result<bool, ImportError> {
        self.reader
            .read_record(&mut self.record)
            .map_err(|e| csv_error(&e))
    }

    fn check_header(&self) -> Result<(), ImportError> {
        let found: Vec<String> = self
            .record
            .iter()
            .map(|f| f.trim_start_matches('\u{feff}').trim().to_lowercase())
            .collect();
        if found.iter().map(String::as_str).eq(HEADER) {
            Ok(())
        } else {
            Err(ImportError::new(
                Location::Line(line_of(&self.record)),
                "import-error-header",
                &[("expected", &HEADER.join(";")), ("found", &found.join(";"))],
            ))
        }
    }

    fn row(&self) -> Result<SotkanetValue, ImportError> {
        let r = &self.record;
        let loc = Location::Line(line_of(r));
        if r.len() != HEADER.len() {
            let (expected, found) = (HEADER.len().to_string(), r.len().to_string());
            return Err(ImportError::new(
                loc,
                "import-error-field-count",
                &[("expected", &expected), ("found", &found)],
            ));
        }
        let f = |i: usize| r.get(i).unwrap_or("");
        Ok(SotkanetValue {
            indicator: id_at(&loc, HEADER[0], f(0))?,
            region: id_at(&loc, HEADER[1], f(1))?,
            year: year_at(&loc, f(2))?,
            sex: sex_at(&loc, f(3))?,
            value: number_at(&loc, HEADER[4], f(4))?,
            count: count_at(&loc, HEADER[5], f(5))?,
        })
    }
}

impl<R: Read> Iterator for SotkanetCsv<R> {
    type Item = Result<SotkanetValue, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let fatal = |s: &mut Self, e| {
            s.done = true;
            Some(Err(e))
        };
        if !self.started {
            self.started = true;
            match self.next_record() {
                Ok(true) => {}
                Ok(false) => return fatal(self, ImportError::file("import-error-empty", &[])),
                Err(e) => return fatal(self, e),
            }
            if let Err(e) = self.check_header() {
                return fatal(self, e);
            }
        }
        loop {
            match self.next_record() {
                Ok(true) if is_blank(&self.record) => continue,
                Ok(true) => return Some(self.row()),
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => return fatal(self, e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::import::{Sex, collect, drain};

    const SAMPLE: &[u8] =
        include_bytes!("../../../tests/fixtures/sotkanet/sotkanet_csv_ind127_2009_oskari.csv");

    fn errors(input: &str) -> Vec<ImportError> {
        collect(read(input.as_bytes())).unwrap_err().errors
    }

    #[test]
    fn the_saved_population_answer_reads_into_every_region() {
        let rows = collect(read(SAMPLE)).unwrap();
        assert_eq!(rows.len(), 466);
        assert!(
            rows.iter()
                .all(|r| r.indicator == 127 && r.year.get() == 2009 && r.sex == Sex::Total)
        );
        assert!(rows.iter().all(|r| r.count.is_none()));
        let lahti = rows.iter().find(|r| r.region == 177).unwrap();
        assert_eq!(lahti.value, Some(100_854.0));
        let country = rows.iter().find(|r| r.region == 658).unwrap();
        assert!(country.value.unwrap() > 5_000_000.0);
    }

    #[test]
    fn empty_fields_are_missing_values_and_a_decimal_comma_is_read() {
        let rows = collect(read(&b"indicator;region;year;gender;primary value;absolute value\n289;177;2023;male;;\n289;177;2023;female;9,6;182\n"[..])).unwrap();
        assert_eq!(rows[0].value, None);
        assert_eq!(rows[1].value, Some(9.6));
        assert_eq!(rows[1].count, Some(182.0));
    }

    #[test]
    fn a_wrong_header_is_refused_on_its_line() {
        let e = errors("indicator,region,year\n1,2,2020\n");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].key, "import-error-header");
        assert_eq!(e[0].location, Location::Line(1));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_reason() {
        let input = "indicator;region;year;gender;primary value;absolute value\r\n\
                     127;69;20O4;total;1;\r\n\
                     127;69;2009;both;1;\r\n\
                     127;69;2009;total;12x;\r\n\
                     127;69;2009;total;1;-3\r\n\
                     127;x;2009;total;1;\r\n\
                     127;69;2009\r\n\
                     127;69;2009;total;5;\r\n";
        let e = errors(input);
        let got: Vec<(Location, &str)> = e.iter().map(|e| (e.location.clone(), e.key)).collect();
        assert_eq!(
            got,
            vec![
                (Location::Line(2), "import-error-year"),
                (Location::Line(3), "import-error-sex"),
                (Location::Line(4), "import-error-number"),
                (Location::Line(5), "import-error-negative"),
                (Location::Line(6), "import-error-id"),
                (Location::Line(7), "import-error-field-count"),
            ]
        );
        assert!(
            e[0].message_key().contains("value=20O4"),
            "{}",
            e[0].message_key()
        );
    }

    #[test]
    fn an_empty_file_and_a_file_in_another_encoding_are_refused() {
        assert_eq!(errors("")[0].key, "import-error-empty");
        let latin1 = b"indicator;region;year;gender;primary value;absolute value\n127;69;2009;total;1;\n127;69;2009;total;\xe4;\n";
        let e = collect(read(&latin1[..])).unwrap_err().errors;
        assert_eq!(
            (&e[0].location, e[0].key),
            (&Location::Line(3), "import-error-encoding")
        );
    }

    #[test]
    fn a_large_file_is_read_row_by_row() {
        // 200,000 generated rows streamed from a reader that produces them on demand:
        // the whole text never exists in memory.
        struct Gen {
            row: u32,
            buf: Vec<u8>,
            at: usize,
        }
        impl Read for Gen {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                if self.at == self.buf.len() {
                    self.buf.clear();
                    self.at = 0;
                    if self.row == 0 {
                        self.buf.extend_from_slice(HEADER.join(";").as_bytes());
                        self.buf.push(b'\n');
                    } else if self.row <= 200_000 {
                        let year = 2000 + self.row % 25;
                        let line = format!(
                            "289;{};{year};total;{}.5;{}\n",
                            self.row % 350 + 1,
                            self.row % 100,
                            self.row % 7
                        );
                        self.buf.extend_from_slice(line.as_bytes());
                    } else {
                        return Ok(0);
                    }
                    self.row += 1;
                }
                let n = out.len().min(self.buf.len() - self.at);
                out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
                self.at += n;
                Ok(n)
            }
        }
        let mut sum = 0.0;
        let n = drain(
            read(Gen {
                row: 0,
                buf: Vec::new(),
                at: 0,
            }),
            |r| sum += r.count.unwrap_or(0.0),
        )
        .unwrap();
        assert_eq!(n, 200_000);
        assert!(sum > 0.0);
    }
}
