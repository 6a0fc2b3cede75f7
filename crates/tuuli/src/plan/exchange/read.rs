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
        out.push((
            line,
            rec.iter()
                .map(|c| crate::core::csv_cell::unguard(c).to_owned())
                .collect(),
        ));
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

/// What a plan's workbook may unpack to (a plan of thousands of actions is a few MB): more
/// is refused before it is parsed (`core::spreadsheet`).
const XLSX_UNPACKED: u64 = 64 * 1024 * 1024;
/// Rows and columns a plan's sheet may use; a cell beyond them refuses the file (a real
/// export has one row per action and about twenty columns).
const XLSX_ROWS: u32 = 100_000;
const XLSX_COLUMNS: u16 = 200;

/// Reads the first sheet of an XLSX workbook; a cell's text is what the CSV would hold.
/// The sheet is read cell by cell and only the cells that hold something are kept, so a
/// sheet with one cell at A1 and another at XFD1048576 costs two cells, not a grid of
/// seventeen billion; a workbook that unpacks to more than 64 MiB, or a cell beyond row
/// 100,000 or column 200, refuses the file with a message that says so.
pub fn read_xlsx(bytes: Vec<u8>) -> Result<Records, Problem> {
    use crate::core::spreadsheet::{self, Limits, Refusal};
    use calamine::{DataRef, Reader, Xlsx};
    let not = || problem(0, "", "plan-update-import-not-xlsx", &[]);
    let limits = Limits {
        sheets: Some(XLSX_UNPACKED),
        other: XLSX_UNPACKED,
    };
    match spreadsheet::check_unpacked(Cursor::new(&bytes), limits) {
        Ok(()) => {}
        Err(Refusal::NotXlsx) => return Err(not()),
        Err(Refusal::TooLarge { limit }) => {
            let limit = crate::web::uploads::human_size(limit as usize);
            return Err(problem(
                0,
                "",
                "plan-update-import-xlsx-unpacks-too-large",
                &[("limit", &limit)],
            ));
        }
    }
    // A damaged archive must never take the server down: a panic is a refusal.
    let opened = std::panic::catch_unwind(|| Xlsx::new(Cursor::new(bytes)));
    let mut book: Xlsx<_> = opened.map_err(|_| not())?.map_err(|_| not())?;
    let sheet = book.sheet_names().into_iter().next().ok_or_else(not)?;
    let mut cells = book.worksheet_cells_reader(&sheet).map_err(|_| not())?;
    // Rows by their number in the sheet (from 0), each with its cells by column.
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    while let Some(cell) = cells.next_cell().map_err(|_| not())? {
        let (r, c) = cell.get_position();
        if r >= XLSX_ROWS || c >= u32::from(XLSX_COLUMNS) {
            let (rows, columns) = (XLSX_ROWS.to_string(), XLSX_COLUMNS.to_string());
            return Err(problem(
                0,
                "",
                "plan-update-import-xlsx-sheet-too-large",
                &[("rows", &rows), ("columns", &columns)],
            ));
        }
        let text = match cell.get_value() {
            DataRef::Empty | DataRef::Error(_) => String::new(),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => (*s).to_owned(),
            DataRef::Int(n) => n.to_string(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
            DataRef::Float(f) => f.to_string().replace('.', ","),
            DataRef::Bool(b) => b.to_string(),
            DataRef::DateTime(d) => excel_date(d.as_f64())
                .map(|d| d.to_string())
                .unwrap_or_default(),
        };
        if text.is_empty() {
            continue;
        }
        let row = rows.entry(r).or_default();
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    // From the first used column, every row as wide as the widest: what a whole-sheet
    // read gives.
    let left = rows
        .values()
        .filter_map(|cells| cells.iter().position(|c| !c.is_empty()))
        .min()
        .unwrap_or(0);
    let width = rows.values().map(Vec::len).max().unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|(r, mut cells)| {
            cells.resize(width, String::new());
            cells.drain(..left);
            (r as usize + 1, cells)
        })
        .collect())
}
