//! Coordinators' own figures as an XLSX workbook: the first sheet, in the same long format
//! as [`local_csv`](super::local_csv) (`indicator;area;year;sex;value;count;denominator`,
//! Finnish headers and sex words too). Numbers may be numbers or text with a decimal comma;
//! empty cells are empty.
//!
//! The sheet is streamed cell by cell (calamine's cell reader on its own thread) into
//! `;`-separated lines, one per sheet row, and read by the CSV reader: a row's line number
//! is its row number in the spreadsheet, so errors name the row a user sees.

use std::io::{self, Read, Seek};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{DataRef, Reader, Xlsx};

use super::ImportError;
use super::local_csv::{self, LocalCsv};
use crate::core::spreadsheet::{self, Limits, Refusal};

/// Bytes of CSV text handed over at a time.
const CHUNK: usize = 64 * 1024;

/// What the parts of a workbook other than its sheets (shared strings, styles, …) may
/// unpack to together: they are held in memory while the sheet is read.
const UNPACKED_PARTS: u64 = 256 * 1024 * 1024;

/// Opens a workbook and starts reading its first sheet. Refuses at once what is not an
/// XLSX workbook or has no sheet.
pub fn read<R: Read + Seek + Send + 'static>(
    reader: R,
) -> Result<LocalCsv<SheetText>, ImportError> {
    let not_xlsx = || ImportError::file("import-error-not-xlsx", &[]);
    // The sheet is streamed, so its size is not limited here; the shared strings and the
    // other parts are held in memory by calamine, so a workbook whose parts unpack to more
    // than that is refused before it is opened (a few MB of "zip bomb" can unpack to GBs).
    let mut reader = reader;
    let limits = Limits {
        sheets: None,
        other: UNPACKED_PARTS,
    };
    match spreadsheet::check_unpacked(&mut reader, limits) {
        Ok(()) => {}
        Err(Refusal::NotXlsx) => return Err(not_xlsx()),
        Err(Refusal::TooLarge { limit }) => {
            let limit = crate::web::uploads::human_size(limit as usize);
            return Err(ImportError::file(
                "import-error-xlsx-unpacks-too-large",
                &[("limit", &limit)],
            ));
        }
    }
    reader
        .seek(io::SeekFrom::Start(0))
        .map_err(|_| ImportError::file("import-error-read", &[]))?;
    // A damaged archive must never take the import down: a panic is a refusal.
    let mut book: Xlsx<R> =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Xlsx::new(reader)))
            .map_err(|_| not_xlsx())?
            .map_err(|_| not_xlsx())?;
    let sheet = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| ImportError::file("import-error-empty", &[]))?;
    let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(4);
    std::thread::Builder::new()
        .name("xlsx-import".into())
        .spawn(move || {
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                sheet_to_text(&mut book, &sheet, &tx)
            }));
            let end = match done {
                Ok(true) => Ok(Vec::new()), // the end marker: an empty chunk
                Ok(false) => return,        // the reader went away, or an error was sent
                Err(_) => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the workbook could not be read",
                )),
            };
            let _ = tx.send(end);
        })
        .map_err(|_| ImportError::file("import-error-read", &[]))?;
    Ok(local_csv::read_separated(
        SheetText {
            rx,
            buf: Vec::new(),
            pos: 0,
            finished: false,
        },
        b';',
    ))
}

/// The sheet as `;`-separated text, arriving from the reading thread in chunks; an
/// empty chunk marks the end, so a reader that stopped early is an error, not a short
/// sheet.
pub struct SheetText {
    rx: Receiver<io::Result<Vec<u8>>>,
    buf: Vec<u8>,
    pos: usize,
    finished: bool,
}

impl Read for SheetText {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.buf.len() {
            if self.finished {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Ok(chunk)) if chunk.is_empty() => self.finished = true,
                Ok(Ok(chunk)) => {
                    self.buf = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the workbook reader stopped early",
                    ));
                }
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A cell as the CSV would hold it: whole numbers without a fraction, others with a point,
/// text as written (a decimal comma is the number parser's business), an error value as
/// Excel shows it (`#DIV/0!`), so the row is refused with it.
fn cell_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Empty => String::new(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// Appends one field, quoted when it must be; line breaks inside a cell become spaces so
/// that one sheet row stays one line.
fn push_field(line: &mut Vec<u8>, text: &str) {
    let text = text.replace(['\r', '\n'], " ");
    if text.contains([';', '"']) {
        line.push(b'"');
        line.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        line.push(b'"');
    } else {
        line.extend_from_slice(text.as_bytes());
    }
}

/// Sends the sheet's text; true when it was all sent (false after an error was sent or
/// when the import stopped reading).
fn sheet_to_text<R: Read + Seek>(
    book: &mut Xlsx<R>,
    sheet: &str,
    tx: &SyncSender<io::Result<Vec<u8>>>,
) -> bool {
    let fail = |tx: &SyncSender<io::Result<Vec<u8>>>, e: calamine::XlsxError| {
        let _ = tx.send(Err(io::Error::new(
            io::ErrorKind::InvalidData,
            e.to_string(),
        )));
    };
    let mut cells = match book.worksheet_cells_reader(sheet) {
        Ok(c) => c,
        Err(e) => {
            fail(tx, e);
            return false;
        }
    };
    let mut out: Vec<u8> = Vec::with_capacity(CHUNK + 1024);
    // The row being gathered (from 0) and its cells by column; `lines` rows written so far.
    let mut row: u32 = 0;
    let mut fields: Vec<String> = Vec::new();
    let mut lines: u32 = 0;
    let mut started = false;
    // An empty row is written as `;` once the header is out (the CSV reader skips such a
    // record but counts its line; a truly empty line would shift the next record's line
    // number), and as an empty line before it (so the header is the first record).
    let write_row = |out: &mut Vec<u8>, fields: &mut Vec<String>, started: &mut bool| {
        if fields.is_empty() {
            if *started {
                out.push(b';');
            }
        } else {
            *started = true;
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b';');
                }
                push_field(out, f);
            }
        }
        out.push(b'\n');
        fields.clear();
    };
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                fail(tx, e);
                return false;
            }
        };
        let (r, c) = cell.get_position();
        let text = cell_text(cell.get_value());
        if r != row {
            if r < row {
                // Cells out of order: not something a spreadsheet program writes.
                let _ = tx.send(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "rows out of order",
                )));
                return false;
            }
            // Close the current row and write every row skipped, so that line numbers
            // stay the sheet's row numbers.
            while lines < r {
                write_row(&mut out, &mut fields, &mut started);
                lines += 1;
            }
            row = r;
            if out.len() >= CHUNK && tx.send(Ok(std::mem::take(&mut out))).is_err() {
                return false; // the import stopped reading
            }
        }
        if text.is_empty() {
            continue;
        }
        let c = c as usize;
        if fields.len() <= c {
            // A sheet wider than any long-format file needs is cut off at 1,000 columns.
            if c >= 1000 {
                continue;
            }
            fields.resize(c + 1, String::new());
        }
        fields[c] = text;
    }
    write_row(&mut out, &mut fields, &mut started);
    tx.send(Ok(out)).is_ok()
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use rust_xlsxwriter::Workbook;

    use super::*;
    use crate::knowledge::import::{Location, Sex, collect};

    fn book(rows: &[&[Cell]]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Cell::T(t) => ws.write_string(r, c, *t).map(|_| ()),
                    Cell::N(n) => ws.write_number(r, c, *n).map(|_| ()),
                    Cell::E => Ok(()),
                }
                .unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }

    enum Cell {
        T(&'static str),
        N(f64),
        E,
    }
    use Cell::{E, N, T};

    #[test]
    fn numbers_text_with_a_decimal_comma_and_empty_cells_read_as_in_a_csv() {
        let bytes = book(&[
            &[
                T("Indikaattori"),
                T("Alue"),
                T("Vuosi"),
                T("Sukupuoli"),
                T("Arvo"),
                T("Lukumäärä"),
            ],
            &[T("local:a"), T("KU398"), N(2023.0), T("naiset"), N(12.5), E],
            &[
                T("local:a"),
                N(398.0),
                T("2022"),
                T("yhteensä"),
                T("11,5"),
                N(7.0),
            ],
        ]);
        let rows = collect(read(Cursor::new(bytes)).unwrap()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (
                rows[0].area.as_str(),
                rows[0].year.get(),
                rows[0].sex,
                rows[0].value,
                rows[0].count
            ),
            ("KU398", 2023, Sex::Female, 12.5, None)
        );
        assert_eq!(
            (rows[1].area.as_str(), rows[1].value, rows[1].count),
            ("398", 11.5, Some(7.0))
        );
    }

    #[test]
    fn a_bad_row_is_named_by_its_sheet_row() {
        let bytes = book(&[
            &[T("indicator"), T("area"), T("year"), T("sex"), T("value")],
            &[T("local:a"), T("KU398"), N(2023.0), T("total"), N(1.0)],
            &[E, E, E, E, E],
            &[T("local:a"), T("KU398"), T("20O4"), T("total"), N(1.0)],
        ]);
        let err = collect(read(Cursor::new(bytes)).unwrap()).unwrap_err();
        assert_eq!(err.errors.len(), 1);
        assert_eq!(err.errors[0].location, Location::Line(4));
        assert_eq!(err.errors[0].key, "import-error-year");
    }

    /// Damaged copies of a real workbook: refused or read, never a panic, never a silent
    /// short sheet (a read error is an error row).
    #[test]
    fn damaged_workbooks_never_panic() {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        let good = book(&[
            &[T("indicator"), T("area"), T("year"), T("sex"), T("value")],
            &[T("local:a"), T("KU398"), N(2023.0), T("total"), N(1.5)],
            &[T("local:a"), T("KU081"), N(2023.0), T("total"), N(2.5)],
        ]);
        let mut rng = StdRng::seed_from_u64(8);
        for round in 0..300 {
            let mut v = good.clone();
            if round % 2 == 0 {
                v.truncate(rng.gen_range(0..v.len()));
            } else {
                for _ in 0..rng.gen_range(1..16) {
                    let i = rng.gen_range(0..v.len());
                    v[i] = rng.r#gen();
                }
            }
            if let Ok(rows) = read(Cursor::new(v)) {
                let _ = collect(rows);
            }
        }
    }

    #[test]
    fn what_is_not_a_workbook_is_refused_whole() {
        for bytes in [
            b"indicator;area;year;sex;value\n".to_vec(),
            Vec::new(),
            b"PK\x03\x04broken".to_vec(),
        ] {
            let e = read(Cursor::new(bytes)).err().unwrap();
            assert_eq!(e.key, "import-error-not-xlsx");
        }
    }
}
