//! Reading a plan's spreadsheet: CSV (UTF-8, a BOM skipped, `;` or `,`) and XLSX (the
//! first sheet) into records with their line numbers, and the problem type every check
//! reports with.

use std::io::Cursor;

use chrono::NaiveDate;
use serde::Serialize;

use crate::i18n::with_args;

/// One problem of an import: the line (1 = the header) and column, and a message key with
/// its arguments (`i18n::with_args`). Line 0 is the file itself.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub line: usize,
    pub column: String,
    pub key: String,
}

pub(super) fn problem(line: usize, column: &str, key: &str, args: &[(&str, &str)]) -> Problem {
    Problem {
        line,
        column: column.to_owned(),
        key: if args.is_empty() {
            key.to_owned()
        } else {
            with_args(key, args)
        },
    }
}

/// The file's records with their line numbers; the first is the header.
pub type Records = Vec<(usize, Vec<String>)>;

/// Reads a CSV file: UTF-8 (a BOM is skipped), `;` or `,` between fields (whichever the
/// header line has more of).
pub fn read_csv(bytes: &[u8]) -> Result<Records, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) || std::str::from_utf8(bytes).is_err() {
        return Err(problem(0, "", "plan-update-import-not-csv", &[]));
    }
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let semi = first.iter().filter(|b| **b == b';').count();
    let comma = first.iter().filter(|b| **b == b',').count();
    let delimiter = if comma > semi { b',' } else { b';' };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
            problem(line, "", "plan-update-import-not-csv", &[])
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        out.push((line, rec.iter().map(str::to_owned).collect()));
    }
    Ok(out)
}

/// An Excel serial day number (the 1900 system) as a date.
pub(super) fn excel_date(serial: f64) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    (serial.is_finite() && (1.0..1_000_000.0).contains(&serial))
        .then(|| base.checked_add_days(chrono::Days::new(serial.trunc() as u64)))
        .flatten()
}

/// Reads the first sheet of an XLSX workbook; a cell's text is what the CSV would hold.
pub fn read_xlsx(bytes: Vec<u8>) -> Result<Records, Problem> {
    use calamine::{Data, Reader, Xlsx};
    let not = || problem(0, "", "plan-update-import-not-xlsx", &[]);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not())?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(not)?
        .map_err(|_| not())?;
    let (top, _) = range.start().unwrap_or((0, 0));
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let cells = row
            .iter()
            .map(|c| match c {
                Data::Empty | Data::Error(_) => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Int(n) => n.to_string(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
                Data::Float(f) => f.to_string().replace('.', ","),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => excel_date(d.as_f64())
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            })
            .collect();
        out.push((top as usize + i + 1, cells));
    }
    Ok(out)
}
