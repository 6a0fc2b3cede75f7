//! A spine chart row: one area's value against the range of the region's municipalities,
//! with the benchmark. One small SVG per indicator row of a profile.
//!
//! Drawn: the whole range (min–max) as a light bar, the middle half (quartiles) as a
//! darker bar, the benchmark as a black vertical line, the area as a diamond. The values
//! are written as text at both ends (min, max), so nothing depends on colour.
//!
//! The scale is the plain range of the region's municipalities (widened to include the
//! area and the benchmark), not Fingertips' benchmark-centred, polarity-oriented spine:
//! rows of a profile therefore do not share a "better is right" direction; the page's
//! table and comparison text carry that.

use std::fmt::Write as _;

use crate::svg::{self, INK, PALETTE, Scale, Shape, WIDTH, esc, n};
use crate::{ChartText, NumberFormat, TableRow};

/// The numbers of one row.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SpineRow {
    /// The lowest municipality's value.
    pub min: f64,
    /// The lower quartile, if known.
    pub q1: Option<f64>,
    /// The upper quartile, if known.
    pub q3: Option<f64>,
    /// The highest municipality's value.
    pub max: f64,
    /// The area's value (`None`: suppressed or missing; the caller's `empty` text shows).
    pub value: Option<f64>,
    /// The benchmark (region or country).
    pub benchmark: Option<f64>,
}

const HEIGHT: f64 = 32.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = WIDTH - 60.0;

impl SpineRow {
    /// The SVG string.
    pub fn svg(&self, text: &ChartText<'_>, fmt: NumberFormat) -> String {
        let id = svg::clean_id(text.id);
        let mut out = String::new();
        svg::open(&mut out, &id, HEIGHT, text.title, text.desc);
        let value = self.value.filter(|v| v.is_finite());
        let range = svg::extent([self.min, self.max]);
        let (Some(v), Some((lo, hi))) = (value, range) else {
            svg::empty_note(&mut out, HEIGHT / 2.0 + 5.0, text.empty);
            out.push_str("</svg>");
            return out;
        };
        let bench = self.benchmark.filter(|b| b.is_finite());
        let (d0, d1) = svg::extent([lo, hi, v].into_iter().chain(bench)).unwrap_or((lo, hi));
        let x = Scale::new(d0, d1, LEFT, RIGHT);
        let mid = HEIGHT / 2.0;
        let rect = |out: &mut String, a: f64, b: f64, h: f64, fill: &str| {
            let (a, b) = (x.at(a).min(x.at(b)), x.at(a).max(x.at(b)));
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="{s}"/>"#,
                x = n(a),
                y = n(mid - h / 2.0),
                w = n(b - a),
                h = n(h),
                s = PALETTE[0],
            );
        };
        rect(&mut out, lo, hi, 12.0, "#dde7f0");
        if let (Some(q1), Some(q3)) = (self.q1, self.q3)
            && q1.is_finite()
            && q3.is_finite()
        {
            rect(&mut out, q1, q3, 12.0, "#9db9d5");
        }
        if let Some(b) = bench {
            let _ = write!(
                out,
                r#"<path d="M{x} {y0}V{y1}" stroke="{INK}" stroke-width="2.5"/>"#,
                x = n(x.at(b)),
                y0 = n(2.0),
                y1 = n(HEIGHT - 2.0),
            );
        }
        out.push_str(&Shape::Diamond.marker(x.at(v), mid, 5.0, PALETTE[1], true));
        for (tx, anchor, t) in [(LEFT - 6.0, "end", lo), (RIGHT + 6.0, "start", hi)] {
            let _ = write!(
                out,
                r#"<text x="{x}" y="{y}" text-anchor="{anchor}">{t}</text>"#,
                x = n(tx),
                y = n(mid + 4.0),
                t = esc(&fmt.format(t))
            );
        }
        out.push_str("</svg>");
        out
    }

    /// One row for [`crate::html_table`] headed by the caller's indicator name: value,
    /// benchmark, min, lower quartile, upper quartile, max.
    pub fn table_row(&self, header: &str) -> TableRow {
        TableRow {
            header: header.to_owned(),
            cells: vec![
                self.value,
                self.benchmark,
                Some(self.min),
                self.q1,
                self.q3,
                Some(self.max),
            ],
        }
    }
}
