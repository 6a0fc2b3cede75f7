//! PDF rendering for Tuuli: a Typst source and its images in, tagged PDF bytes out.
//!
//! The crate is data-in, bytes-out: it reads no files and fetches nothing. A [`Document`]
//! names its Typst markup (the app writes it; see [`escape`] for putting user text into
//! markup safely) and the images that markup refers to by name (the SVG charts of
//! `tuuli-charts`, embedded as vectors). The fonts are part of the crate: Liberation Sans
//! (SIL Open Font License 1.1, `fonts/LICENSE-LiberationSans.txt`), a sans with every
//! Finnish, Swedish and Sámi letter, embedded (subset) in every PDF. Typst packages
//! (`@preview/…`) cannot be used: nothing is downloaded at run time.
//!
//! Output is PDF/UA-1 (tagged, with the document's title and language, alternative texts
//! for images, table headers): [`render`] asks Typst to check conformance, so a document
//! that breaks the rules (an image without `alt`, no title) is an error, not a silently
//! inaccessible file.
//!
//! Rendering is CPU-bound (tens of milliseconds to seconds): callers on an async runtime
//! run it in `spawn_blocking` or a background job.

mod world;

use std::fmt;

pub use world::fonts_book_len;

/// A document to render.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The Typst markup of the whole document (set rules, cover, outline, body).
    pub source: String,
    /// Files the markup refers to by name, e.g. `("chart-1.svg", bytes)`.
    pub files: Vec<(String, Vec<u8>)>,
    /// The creation time, seconds since 1970 (UTC); makes the output reproducible.
    pub created_unix: Option<i64>,
}

/// Why a document could not be rendered (Typst's messages, for the log; never user input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdfError(pub String);

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PDF rendering failed: {}", self.0)
    }
}

impl std::error::Error for PdfError {}

/// Renders a document to PDF/UA-1 bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    world::render(doc, true)
}

/// Renders without the PDF/UA-1 check (still tagged): for drafts whose content the caller
/// cannot vouch for. The app uses [`render`].
pub fn render_tagged(doc: &Document) -> Result<Vec<u8>, PdfError> {
    world::render(doc, false)
}

/// Escapes text for Typst markup: every character with a meaning in markup is written
/// with a backslash, so user text is always shown as typed, never run as markup or code.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '#' | '*' | '_' | '`' | '$' | '<' | '>' | '@' | '[' | ']' | '=' | '-' | '+'
            | '/' | '~' | '{' | '}' | ':' | '.' | '^' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for a Typst string literal (`"…"`).
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> Document {
        Document {
            source: format!(
                "#set document(title: \"Testi\")\n#set text(lang: \"fi\", font: \"Liberation Sans\")\n{body}"
            ),
            files: vec![],
            created_unix: Some(1_700_000_000),
        }
    }

    #[test]
    fn a_finnish_document_renders_to_a_pdf() {
        let pdf = render(&doc("= Otsikko\n\nÄiti ja Åke söivät.")).expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn markup_characters_in_user_text_are_shown_not_run() {
        let evil = "#panic(\"x\") *bold* $x$ <lbl> @ref [a] = - + / ~ \\ ` _";
        let pdf = render(&doc(&format!("= X\n\n{}", escape(evil)))).expect("escaped text renders");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(render(&doc(&format!("#let s = {}\n= X\n\n#s", string(evil)))).is_ok());
    }

    #[test]
    fn an_error_in_the_source_is_an_error_not_a_panic() {
        assert!(render(&doc("#panic(\"no\")")).is_err());
        assert!(render(&doc("#image(\"missing.svg\", alt: \"x\")")).is_err());
    }

    #[test]
    fn the_same_document_gives_the_same_bytes() {
        let d = doc("= Sama\n\nSisältö.");
        assert_eq!(render(&d).expect("a"), render(&d).expect("b"));
    }

    #[test]
    fn the_shipped_fonts_are_found() {
        assert!(fonts_book_len() >= 4);
    }
}
