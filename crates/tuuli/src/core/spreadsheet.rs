//! A guard run before calamine opens an uploaded XLSX workbook. An XLSX file is a ZIP
//! archive, and a few megabytes of it can unpack to gigabytes (a "zip bomb"): calamine
//! keeps the shared strings in memory, and a whole-sheet read keeps a grid as large as the
//! sheet. [`check_unpacked`] unpacks every part it is asked to limit into nothing, counting
//! bytes, and refuses the file as soon as a limit is passed — before anything is parsed.
//! The sizes written in the archive are not trusted (they can lie); the bytes are counted.

use std::io::{self, Read, Seek};

/// How much a workbook may unpack to, in bytes: the worksheets together (`None`: not
/// counted, for readers that stream the sheet cell by cell) and every other part together
/// (shared strings, styles, …).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub sheets: Option<u64>,
    pub other: u64,
}

/// Why a workbook was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a ZIP archive, or a damaged one.
    NotXlsx,
    /// It unpacks to more than the limit (in bytes).
    TooLarge { limit: u64 },
}

/// More parts than any workbook a person makes (each sheet, its relations, styles, …).
const MAX_PARTS: usize = 10_000;

/// Unpacks the parts the limits cover, counting bytes; leaves the reader wherever it
/// ended (seek back to the start before reading the workbook).
pub fn check_unpacked<R: Read + Seek>(reader: R, limits: Limits) -> Result<(), Refusal> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|_| Refusal::NotXlsx)?;
    if zip.len() > MAX_PARTS {
        return Err(Refusal::NotXlsx);
    }
    let (mut sheets, mut other) = (0u64, 0u64);
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|_| Refusal::NotXlsx)?;
        let is_sheet = part
            .name()
            .map_err(|_| Refusal::NotXlsx)?
            .starts_with("xl/worksheets/");
        let (used, limit) = if is_sheet {
            match limits.sheets {
                Some(limit) => (&mut sheets, limit),
                None => continue,
            }
        } else {
            (&mut other, limits.other)
        };
        let room = limit.saturating_sub(*used);
        let n = io::copy(
            &mut (&mut part).take(room.saturating_add(1)),
            &mut io::sink(),
        )
        .map_err(|_| Refusal::NotXlsx)?;
        *used += n;
        if *used > limit {
            return Err(Refusal::TooLarge { limit });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;

    use super::*;

    /// A ZIP with the given parts, each `size` bytes of one repeated letter (which packs
    /// to almost nothing).
    fn archive(parts: &[(&str, usize)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, size) in parts {
            w.start_file(*name, opts).unwrap();
            let block = vec![b'a'; 64 * 1024];
            let mut left = *size;
            while left > 0 {
                let n = left.min(block.len());
                w.write_all(&block[..n]).unwrap();
                left -= n;
            }
        }
        w.finish().unwrap().into_inner()
    }

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn a_workbook_within_the_limits_passes() {
        let file = archive(&[
            ("xl/worksheets/sheet1.xml", 1 << 20),
            ("xl/sharedStrings.xml", 1 << 20),
        ]);
        let limits = Limits {
            sheets: Some(2 * MIB),
            other: 2 * MIB,
        };
        assert_eq!(check_unpacked(Cursor::new(file), limits), Ok(()));
    }

    #[test]
    fn a_sheet_that_unpacks_past_the_limit_is_refused_though_the_file_is_small() {
        let file = archive(&[("xl/worksheets/sheet1.xml", 40 << 20)]);
        assert!(
            file.len() < 1 << 20,
            "the test file packs small: {}",
            file.len()
        );
        let limits = Limits {
            sheets: Some(8 * MIB),
            other: MIB,
        };
        assert_eq!(
            check_unpacked(Cursor::new(file), limits),
            Err(Refusal::TooLarge { limit: 8 * MIB })
        );
    }

    #[test]
    fn the_parts_count_together() {
        let file = archive(&[
            ("xl/sharedStrings.xml", 3 << 20),
            ("xl/styles.xml", 3 << 20),
        ]);
        let limits = Limits {
            sheets: None,
            other: 5 * MIB,
        };
        assert_eq!(
            check_unpacked(Cursor::new(file), limits),
            Err(Refusal::TooLarge { limit: 5 * MIB })
        );
    }

    #[test]
    fn unlimited_sheets_are_not_unpacked_but_shared_strings_are() {
        let file = archive(&[
            ("xl/worksheets/sheet1.xml", 40 << 20),
            ("xl/sharedStrings.xml", 2 << 20),
        ]);
        assert_eq!(
            check_unpacked(
                Cursor::new(file.clone()),
                Limits {
                    sheets: None,
                    other: 4 * MIB
                }
            ),
            Ok(())
        );
        assert_eq!(
            check_unpacked(
                Cursor::new(file),
                Limits {
                    sheets: None,
                    other: MIB
                }
            ),
            Err(Refusal::TooLarge { limit: MIB })
        );
    }

    #[test]
    fn what_is_not_a_zip_archive_is_refused() {
        let limits = Limits {
            sheets: Some(MIB),
            other: MIB,
        };
        assert_eq!(
            check_unpacked(Cursor::new(b"action_id;goal\n".to_vec()), limits),
            Err(Refusal::NotXlsx)
        );
    }
}
