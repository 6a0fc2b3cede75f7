//! Horizontal bars of areas with confidence-interval whiskers and benchmark lines: the
//! "all municipalities with their intervals" view.

use std::fmt::Write as _;

use crate::svg::{self, GRID, INK, PALETTE, Scale, Shape, WIDTH, dash_attr, esc, n};
use crate::{ChartText, NumberFormat, TableRow};

/// How an area compares with the benchmark. The app takes it from `tuuli_stats::compare`
/// so the chart agrees with the written judgement. Each mark has its own shape (and
/// colour), drawn after the value and explained in the legend by the caller's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mark {
    /// Not compared (no interval, suppressed, or not wanted): nothing is drawn.
    #[default]
    None,
    /// Not significantly different: hollow circle.
    Similar,
    /// Significantly higher (no polarity): triangle up.
    Higher,
    /// Significantly lower (no polarity): triangle down.
    Lower,
    /// Significantly better (with a polarity): filled diamond.
    Better,
    /// Significantly worse (with a polarity): filled square.
    Worse,
}

impl Mark {
    fn marker(self, x: f64, y: f64) -> Option<String> {
        let (shape, filled, colour) = match self {
            Mark::None => return None,
            Mark::Similar => (Shape::Circle, false, INK),
            Mark::Higher => (Shape::TriangleUp, true, PALETTE[0]),
            Mark::Lower => (Shape::TriangleDown, true, PALETTE[0]),
            Mark::Better => (Shape::Diamond, true, PALETTE[2]),
            Mark::Worse => (Shape::Square, true, PALETTE[1]),
        };
        Some(shape.marker(x, y, 4.5, colour, filled))
    }
}

/// One area's bar. `lower`/`upper` are its confidence interval, if it has one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bar {
    /// The area's name.
    pub label: String,
    /// The value; `None` (suppressed, missing) draws no bar and writes `..`.
    pub value: Option<f64>,
    /// Lower confidence limit.
    pub lower: Option<f64>,
    /// Upper confidence limit.
    pub upper: Option<f64>,
    /// The reader's own area: drawn hatched with a bold label, not only in another colour.
    pub highlight: bool,
    /// Its comparison with the benchmark.
    pub mark: Mark,
}

/// A reference line across all bars (the region, the country).
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    /// Its name, shown in the legend with its value.
    pub label: String,
    /// Its value.
    pub value: f64,
}

/// The chart: bars top to bottom in the given order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarChart {
    /// The areas.
    pub bars: Vec<Bar>,
    /// Reference lines, each with its own dash pattern.
    pub benchmarks: Vec<Benchmark>,
    /// Legend entries for the marks used, in the reader's language, e.g.
    /// `(Mark::Worse, "Significantly worse than the country (95 %)")`.
    pub mark_labels: Vec<(Mark, String)>,
}

const ROW: f64 = 22.0;
const TOP: f64 = 12.0;
/// Where the legend starts (and the labels end for short names).
const LEGEND_X: f64 = 170.0;
const PLOT_END: f64 = 560.0;

impl BarChart {
    /// The SVG string.
    pub fn svg(&self, text: &ChartText<'_>, fmt: NumberFormat) -> String {
        let id = svg::clean_id(text.id);
        let rows = self.bars.len().max(1) as f64;
        // Names are never cut (a screen magnifier user reads them here); long names get a
        // wider label column, up to 40 % of the width, estimated at 6.6 px a character.
        let longest = self.bars.iter().map(|b| b.label.chars().count()).max();
        let label_end = (longest.unwrap_or(0) as f64 * 6.6 + 10.0).clamp(LEGEND_X, 260.0);
        let legend_h = 18.0 * self.benchmarks.len().max(self.mark_labels.len()) as f64;
        let height = TOP + rows * ROW + 30.0 + legend_h + 8.0;
        let mut out = String::new();
        svg::open(&mut out, &id, height, text.title, text.desc);

        let values = self.bars.iter().flat_map(|b| [b.value, b.lower, b.upper]);
        let bench = self.benchmarks.iter().map(|b| Some(b.value));
        let ext = svg::extent(values.chain(bench).flatten());
        let Some((lo, hi)) = ext else {
            svg::empty_note(&mut out, height / 2.0, text.empty);
            out.push_str("</svg>");
            return out;
        };
        // Bars grow from zero when all values are on one side of it.
        let (lo, hi) = (lo.min(0.0), hi.max(0.0));
        let x = Scale::new(lo, hi, label_end + 5.0, PLOT_END);
        let axis_y = TOP + rows * ROW;

        for t in x.ticks(5) {
            let _ = write!(
                out,
                r#"<path d="M{x} {y0}V{y1}" stroke="{GRID}"/><text x="{x}" y="{ty}" text-anchor="middle">{label}</text>"#,
                x = n(x.at(t)),
                y0 = n(TOP),
                y1 = n(axis_y),
                ty = n(axis_y + 14.0),
                label = esc(&fmt.with_decimals(tick_decimals(&x)).format(t)),
            );
        }
        let zero = x.at(0.0);
        for (i, bar) in self.bars.iter().enumerate() {
            let cy = TOP + i as f64 * ROW + ROW / 2.0;
            let weight = if bar.highlight {
                r#" font-weight="bold""#
            } else {
                ""
            };
            let _ = write!(
                out,
                r#"<text x="{x}" y="{y}" text-anchor="end"{weight}>{label}</text>"#,
                x = n(label_end),
                y = n(cy + 4.0),
                label = esc(&bar.label)
            );
            let value = bar.value.filter(|v| v.is_finite());
            if let Some(v) = value {
                let (a, b) = (zero.min(x.at(v)), zero.max(x.at(v)));
                let fill = if bar.highlight {
                    format!("url(#{id}-hatch)")
                } else {
                    "#9db9d5".to_owned()
                };
                let _ = write!(
                    out,
                    r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="{s}"/>"#,
                    x = n(a),
                    y = n(cy - 7.0),
                    w = n(b - a),
                    h = n(14.0),
                    s = PALETTE[0],
                );
            }
            if let (Some(l), Some(u)) = (bar.lower, bar.upper)
                && l.is_finite()
                && u.is_finite()
            {
                let (l, u) = (x.at(l), x.at(u));
                let _ = write!(
                    out,
                    r#"<path d="M{l} {y}H{u}M{l} {y0}V{y1}M{u} {y0}V{y1}" stroke="{INK}" stroke-width="1.5"/>"#,
                    l = n(l),
                    u = n(u),
                    y = n(cy),
                    y0 = n(cy - 5.0),
                    y1 = n(cy + 5.0),
                );
            }
            let shown = value.map_or_else(|| "..".to_owned(), |v| fmt.format(v));
            let _ = write!(
                out,
                r#"<text x="{x}" y="{y}">{t}</text>"#,
                x = n(PLOT_END + 8.0),
                y = n(cy + 4.0),
                t = esc(&shown)
            );
            if let Some(m) = bar.mark.marker(WIDTH - 12.0, cy) {
                out.push_str(&m);
            }
        }
        for (i, b) in self.benchmarks.iter().enumerate() {
            if !b.value.is_finite() {
                continue;
            }
            let _ = write!(
                out,
                r#"<path d="M{x} {y0}V{y1}" stroke="{INK}" stroke-width="2"{dash}/>"#,
                x = n(x.at(b.value)),
                y0 = n(TOP - 4.0),
                y1 = n(axis_y),
                dash = dash_attr(i + 1),
            );
            let ly = axis_y + 34.0 + 18.0 * i as f64;
            let _ = write!(
                out,
                r#"<path d="M{x0} {y}H{x1}" stroke="{INK}" stroke-width="2"{dash}/><text x="{tx}" y="{ty}">{label} {v}</text>"#,
                x0 = n(LEGEND_X + 5.0),
                x1 = n(LEGEND_X + 35.0),
                y = n(ly - 4.0),
                dash = dash_attr(i + 1),
                tx = n(LEGEND_X + 42.0),
                ty = n(ly),
                label = esc(&b.label),
                v = esc(&fmt.format(b.value)),
            );
        }
        let mx = LEGEND_X + 220.0;
        for (i, (mark, label)) in self.mark_labels.iter().enumerate() {
            let ly = axis_y + 34.0 + 18.0 * i as f64;
            if let Some(m) = mark.marker(mx, ly - 4.0) {
                out.push_str(&m);
            }
            let _ = write!(
                out,
                r#"<text x="{x}" y="{y}">{t}</text>"#,
                x = n(mx + 12.0),
                y = n(ly),
                t = esc(label)
            );
        }
        out.push_str("</svg>");
        out
    }

    /// Rows for [`crate::html_table`]: area, value, lower limit, upper limit; then one row
    /// per benchmark (value only).
    pub fn table_rows(&self) -> Vec<TableRow> {
        let bars = self.bars.iter().map(|b| TableRow {
            header: b.label.clone(),
            cells: vec![b.value, b.lower, b.upper],
        });
        let benches = self.benchmarks.iter().map(|b| TableRow {
            header: b.label.clone(),
            cells: vec![Some(b.value), None, None],
        });
        bars.chain(benches).collect()
    }
}

/// Decimals for tick labels: enough to tell adjacent ticks apart.
pub(crate) fn tick_decimals(scale: &Scale) -> usize {
    let ticks = scale.ticks(5);
    let step = match ticks.as_slice() {
        [a, b, ..] => (b - a).abs(),
        _ => 1.0,
    };
    if step >= 1.0 || step <= 0.0 || !step.is_finite() {
        0
    } else {
        ((-step.log10()).ceil() as usize).min(6)
    }
}
