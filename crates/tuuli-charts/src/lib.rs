//! Accessible SVG charts for Tuuli, as strings.
//!
//! Pure: plain numbers in (the app computes them with `tuuli-stats`), SVG and HTML out; no
//! I/O, no randomness, no UI strings. The same SVG goes into the page and the PDF.
//!
//! Every chart:
//! - is `<svg role="img" aria-labelledby="{id}-title {id}-desc">` with the caller's
//!   `<title>` and `<desc>` (in the reader's language), a fixed `viewBox` and
//!   `width="100%"`, so it scales;
//! - escapes all text (`esc`), and writes only finite coordinates (a non-finite input is
//!   left out of the drawing, never written as NaN);
//! - never relies on colour alone: series differ by **marker shape and dash pattern**;
//!   funnel points outside the limits are **triangles** (up above, down below; hollow at
//!   95 %, filled at 99.8 %) while points inside are circles; benchmark lines differ by
//!   **dash pattern** and are named in a legend; plan progress segments have
//!   **patterns** (solid, hatched, cross-hatched, dotted) and a legend with **counts in
//!   text**; bar values are written as text at the end of each row, followed by the
//!   comparison's **shape** (○ similar, ▲ higher, ▼ lower, ◆ better, ■ worse) which the
//!   caller's legend text explains; the reader's own area is **hatched and bold**;
//! - uses colours of at least 4.5:1 against white for lines, markers and text;
//! - with no data, draws the caller's `empty` text instead of panicking;
//! - has ids derived only from the caller's `id` prefix, so two charts on a page differ
//!   and the output is byte-for-byte stable.
//!
//! Each chart also has `table_rows()`, rendered by [`html_table`] with the caller's
//! caption and headers: the page always shows the same numbers as a table.
//!
//! ```
//! use tuuli_charts::{Bar, BarChart, Benchmark, ChartText, NumberFormat, html_table};
//!
//! let chart = BarChart {
//!     bars: vec![Bar {
//!         label: "Kuopio".into(),
//!         value: Some(12.4),
//!         lower: Some(10.9),
//!         upper: Some(14.1),
//!         ..Bar::default()
//!     }],
//!     benchmarks: vec![Benchmark { label: "Koko maa".into(), value: 11.1 }],
//!     mark_labels: vec![],
//! };
//! let fmt = NumberFormat::for_locale("fi", 1);
//! let text = ChartText {
//!     id: "smoking",
//!     title: "Tupakoivat, % oppilaista",
//!     desc: "Kuopio 12,4 %, koko maa 11,1 %.",
//!     empty: "Ei tietoja",
//! };
//! let svg = chart.svg(&text, fmt);
//! assert!(svg.contains(r#"role="img""#) && svg.contains(">12,4<"));
//! let table = html_table(
//!     "Tupakoivat, % oppilaista",
//!     &["Alue", "Arvo", "Alaraja", "Yläraja"],
//!     &chart.table_rows(),
//!     fmt,
//!     "..",
//! );
//! assert!(table.contains(r#"<th scope="row">Kuopio</th>"#));
//! ```

#![warn(missing_docs)]

pub mod bar;
pub mod format;
pub mod funnel;
pub mod line;
pub mod progress;
pub mod sparkline;
pub mod spine;
pub mod svg;
pub mod table;

pub use bar::{Bar, BarChart, Benchmark, Mark};
pub use format::NumberFormat;
pub use funnel::{FunnelChart, FunnelFlag, FunnelLegend, FunnelLimit, FunnelPoint};
pub use line::{LineChart, Series};
pub use progress::{Progress, ProgressLabels};
pub use sparkline::Sparkline;
pub use spine::SpineRow;
pub use table::{TableRow, html_table};

/// The texts and id every chart needs from the caller, all in the reader's language.
#[derive(Debug, Clone, Copy)]
pub struct ChartText<'a> {
    /// Id prefix, unique on the page (cleaned to a valid XML id).
    pub id: &'a str,
    /// Short accessible name, e.g. "Smokers, % of pupils, 2025".
    pub title: &'a str,
    /// What the chart shows and its main message, for screen readers and the PDF.
    pub desc: &'a str,
    /// Shown in the chart when there is nothing to draw, e.g. "No data for this year".
    pub empty: &'a str,
}
