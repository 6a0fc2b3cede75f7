//! A time series: several series over the same periods, each with its own colour, marker
//! shape and dash pattern, and an optional confidence band.

use std::fmt::Write as _;

use crate::bar::tick_decimals;
use crate::svg::{self, GRID, PALETTE, Scale, Shape, WIDTH, dash_attr, esc, n};
use crate::{ChartText, NumberFormat, TableRow};

/// One series (an area, a sex …). `values` and `band` line up with the chart's periods.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// The series' name, shown in the legend.
    pub label: String,
    /// One value per period; `None` leaves a gap in the line.
    pub values: Vec<Option<f64>>,
    /// Confidence interval per period (lower, upper); empty for none.
    pub band: Vec<Option<(f64, f64)>>,
}

/// The chart: periods along the x axis (e.g. years, as the caller writes them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineChart {
    /// Period labels, left to right.
    pub periods: Vec<String>,
    /// The series, styled by their position.
    pub series: Vec<Series>,
}

const LEFT: f64 = 56.0;
const RIGHT: f64 = WIDTH - 16.0;
const TOP: f64 = 14.0;
const PLOT_H: f64 = 220.0;

impl LineChart {
    /// The SVG string.
    pub fn svg(&self, text: &ChartText<'_>, fmt: NumberFormat) -> String {
        let id = svg::clean_id(text.id);
        let legend_h = 18.0 * self.series.len() as f64;
        let bottom = TOP + PLOT_H;
        let height = bottom + 30.0 + legend_h + 8.0;
        let mut out = String::new();
        svg::open(&mut out, &id, height, text.title, text.desc);

        let all = self.series.iter().flat_map(|s| {
            let v = s.values.iter().flatten().copied();
            let b = s.band.iter().flatten().flat_map(|&(l, u)| [l, u]);
            v.chain(b)
        });
        let periods = self.periods.len();
        let ext = svg::extent(all);
        let (Some((lo, hi)), true) = (ext, periods > 0) else {
            svg::empty_note(&mut out, height / 2.0, text.empty);
            out.push_str("</svg>");
            return out;
        };
        let pad = (hi - lo).abs() * 0.05;
        let y = Scale::new(lo - pad, hi + pad, bottom, TOP);
        let x = |i: usize| {
            if periods <= 1 {
                (LEFT + RIGHT) / 2.0
            } else {
                LEFT + (RIGHT - LEFT) * i as f64 / (periods - 1) as f64
            }
        };
        let tick_fmt = fmt.with_decimals(tick_decimals(&y));
        for t in y.ticks(5) {
            let _ = write!(
                out,
                r#"<path d="M{l} {y}H{r}" stroke="{GRID}"/><text x="{tx}" y="{ty}" text-anchor="end">{label}</text>"#,
                l = n(LEFT),
                r = n(RIGHT),
                y = n(y.at(t)),
                tx = n(LEFT - 6.0),
                ty = n(y.at(t) + 4.0),
                label = esc(&tick_fmt.format(t)),
            );
        }
        // Label every period when they fit, otherwise every k-th (the table has them all).
        let every = periods.div_ceil(12).max(1);
        for (i, p) in self.periods.iter().enumerate() {
            if i % every == 0 || i + 1 == periods {
                let _ = write!(
                    out,
                    r#"<text x="{x}" y="{y}" text-anchor="middle">{t}</text>"#,
                    x = n(x(i)),
                    y = n(bottom + 16.0),
                    t = esc(p)
                );
            }
        }
        for (si, s) in self.series.iter().enumerate() {
            let colour = PALETTE[si % PALETTE.len()];
            for run in runs(&s.band, periods) {
                let upper = run.iter().map(|&(i, (_, u))| (x(i), y.at(u)));
                let lower = run.iter().rev().map(|&(i, (l, _))| (x(i), y.at(l)));
                let d = polyline(upper.chain(lower));
                // A thin edge in the series' own dash pattern tells overlapping bands apart
                // without relying on their tint.
                let _ = write!(
                    out,
                    r#"<path d="{d}Z" fill="{colour}" fill-opacity="0.15" stroke="{colour}" stroke-width="0.75"{dash}/>"#,
                    dash = dash_attr(si)
                );
            }
            let points: Vec<Option<f64>> = s
                .values
                .iter()
                .map(|v| v.filter(|v| v.is_finite()))
                .collect();
            let pairs: Vec<Option<(f64, f64)>> = points.iter().map(|v| v.map(|v| (v, v))).collect();
            for run in runs(&pairs, periods) {
                let d = polyline(run.iter().map(|&(i, (v, _))| (x(i), y.at(v))));
                let _ = write!(
                    out,
                    r#"<path d="{d}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
                    dash = dash_attr(si)
                );
            }
            for (i, v) in points.iter().enumerate().take(periods) {
                if let Some(v) = v {
                    out.push_str(&Shape::nth(si).marker(x(i), y.at(*v), 4.0, colour, true));
                }
            }
            let ly = bottom + 40.0 + 18.0 * si as f64;
            let _ = write!(
                out,
                r#"<path d="M{x0} {y}H{x1}" stroke="{colour}" stroke-width="2"{dash}/>"#,
                x0 = n(LEFT),
                x1 = n(LEFT + 36.0),
                y = n(ly - 4.0),
                dash = dash_attr(si)
            );
            out.push_str(&Shape::nth(si).marker(LEFT + 18.0, ly - 4.0, 4.0, colour, true));
            let _ = write!(
                out,
                r#"<text x="{x}" y="{y}">{t}</text>"#,
                x = n(LEFT + 44.0),
                y = n(ly),
                t = esc(&s.label)
            );
        }
        out.push_str("</svg>");
        out
    }

    /// Rows for [`crate::html_table`]: one row per period; per series three columns
    /// (value, lower, upper).
    pub fn table_rows(&self) -> Vec<TableRow> {
        self.periods
            .iter()
            .enumerate()
            .map(|(i, p)| TableRow {
                header: p.clone(),
                cells: self
                    .series
                    .iter()
                    .flat_map(|s| {
                        let v = s.values.get(i).copied().flatten();
                        let b = s.band.get(i).copied().flatten();
                        [v, b.map(|b| b.0), b.map(|b| b.1)]
                    })
                    .collect(),
            })
            .collect()
    }
}

/// Consecutive runs of finite pairs (gaps split the line and the band).
fn runs(values: &[Option<(f64, f64)>], limit: usize) -> Vec<Vec<(usize, (f64, f64))>> {
    let mut out = vec![];
    let mut cur = vec![];
    for (i, v) in values.iter().enumerate().take(limit) {
        match v {
            Some((a, b)) if a.is_finite() && b.is_finite() => cur.push((i, (*a, *b))),
            _ => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `M x y L x y …`.
pub(crate) fn polyline(points: impl Iterator<Item = (f64, f64)>) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.enumerate() {
        let _ = write!(d, "{}{} {}", if i == 0 { 'M' } else { 'L' }, n(x), n(y));
    }
    d
}
