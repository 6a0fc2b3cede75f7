//! Our own small Typst `World`: one main source, the caller's files by name, the fonts
//! shipped in `fonts/`, and a fixed date. No file system, no network, no packages.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::{Document, PdfError};

const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../fonts/LiberationSans-BoldItalic.ttf"),
];

/// The library, the fonts and their book: built once per process.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// How many font faces the crate ships (a test checks they load).
pub fn fonts_book_len() -> usize {
    SHARED.fonts.len()
}

struct DocWorld {
    main: Source,
    files: Vec<(FileId, Bytes)>,
    today: Option<Datetime>,
}

fn file_id(name: &str) -> Result<FileId, PdfError> {
    let path =
        VirtualPath::new(name).map_err(|e| PdfError(format!("file name {name:?}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_owned()));
        }
        self.files
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| FileError::NotFound(id.get().vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

fn datetime(unix: i64) -> Option<Datetime> {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Datetime::from_ymd_hms(
        year,
        month,
        day,
        (secs / 3600) as u8,
        (secs % 3600 / 60) as u8,
        (secs % 60) as u8,
    )
}

fn messages(diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn render(doc: &Document, ua: bool) -> Result<Vec<u8>, PdfError> {
    let main = Source::new(file_id("main.typ")?, doc.source.clone());
    let mut files = Vec::with_capacity(doc.files.len());
    for (name, bytes) in &doc.files {
        files.push((file_id(name)?, Bytes::new(bytes.clone())));
    }
    let today = doc.created_unix.and_then(datetime);
    let world = DocWorld { main, files, today };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    let result = match compiled {
        Err(diags) => Err(PdfError(messages(&diags))),
        Ok(paged) => {
            let list: &[PdfStandard] = if ua { &[PdfStandard::Ua_1] } else { &[] };
            let standards = PdfStandards::new(list).map_err(|e| PdfError(format!("{e:?}")))?;
            let options = PdfOptions {
                timestamp: today.map(Timestamp::new_utc),
                standards,
                ..PdfOptions::default()
            };
            typst_pdf::pdf(&paged, &options).map_err(|diags| PdfError(messages(&diags)))
        }
    };
    // Typst memoises across compilations; keep the cache from growing without bound.
    typst::comemo::evict(10);
    result
}
