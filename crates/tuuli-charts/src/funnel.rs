//! A funnel plot: each area's value against its denominator, with the benchmark and the
//! 95 % and 99.8 % control limits. Points outside are triangles (up above, down below;
//! hollow at 95 %, filled at 99.8 %), points inside are circles.

use std::fmt::Write as _;

use crate::bar::tick_decimals;
use crate::line::polyline as path_through;
use crate::svg::{self, GRID, INK, PALETTE, Scale, Shape, WIDTH, esc, n};
use crate::{ChartText, NumberFormat, TableRow};

/// Where a point lies against the limits (the app takes it from `tuuli_stats::funnel`,
/// so the chart and the written judgement always agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelFlag {
    /// Inside the 95 % limits.
    Within,
    /// Above the 95 % limit but not the 99.8 % one.
    Above95,
    /// Below the 95 % limit but not the 99.8 % one.
    Below95,
    /// Above the 99.8 % limit.
    Above998,
    /// Below the 99.8 % limit.
    Below998,
}

impl FunnelFlag {
    fn marker(self, x: f64, y: f64) -> String {
        let (shape, filled, colour) = match self {
            FunnelFlag::Within => (Shape::Circle, false, PALETTE[0]),
            FunnelFlag::Above95 => (Shape::TriangleUp, false, PALETTE[1]),
            FunnelFlag::Below95 => (Shape::TriangleDown, false, PALETTE[1]),
            FunnelFlag::Above998 => (Shape::TriangleUp, true, PALETTE[1]),
            FunnelFlag::Below998 => (Shape::TriangleDown, true, PALETTE[1]),
        };
        shape.marker(x, y, 4.5, colour, filled)
    }
}

/// One area.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelPoint {
    /// The area's name (in the table; the chart labels only flagged points).
    pub label: String,
    /// Its denominator (population, pupils …).
    pub denominator: f64,
    /// Its value.
    pub value: f64,
    /// Its position against the limits.
    pub flag: FunnelFlag,
}

/// The limits at one denominator; the chart joins them into curves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelLimit {
    /// The denominator.
    pub denominator: f64,
    /// 95 % lower limit.
    pub lower95: f64,
    /// 95 % upper limit.
    pub upper95: f64,
    /// 99.8 % lower limit.
    pub lower998: f64,
    /// 99.8 % upper limit.
    pub upper998: f64,
}

/// Legend texts, in the reader's language.
#[derive(Debug, Clone, Copy)]
pub struct FunnelLegend<'a> {
    /// e.g. "Whole country".
    pub benchmark: &'a str,
    /// e.g. "95 % limits".
    pub limit95: &'a str,
    /// e.g. "99.8 % limits".
    pub limit998: &'a str,
    /// e.g. "Within the limits".
    pub within: &'a str,
    /// e.g. "Outside the 95 % limits (▲ above, ▼ below)".
    pub outside95: &'a str,
    /// e.g. "Outside the 99.8 % limits (filled)".
    pub outside998: &'a str,
}

/// The chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FunnelChart {
    /// The areas.
    pub points: Vec<FunnelPoint>,
    /// The benchmark value.
    pub benchmark: f64,
    /// Limits at increasing denominators.
    pub limits: Vec<FunnelLimit>,
}

/// Picks one of the four limits.
type LimitOf = fn(&FunnelLimit) -> f64;

const LEFT: f64 = 56.0;
const RIGHT: f64 = WIDTH - 16.0;
const TOP: f64 = 14.0;
const PLOT_H: f64 = 260.0;

impl FunnelChart {
    /// The SVG string.
    pub fn svg(
        &self,
        text: &ChartText<'_>,
        legend: &FunnelLegend<'_>,
        fmt: NumberFormat,
    ) -> String {
        let id = svg::clean_id(text.id);
        let bottom = TOP + PLOT_H;
        let height = bottom + 30.0 + 3.0 * 18.0 + 8.0;
        let mut out = String::new();
        svg::open(&mut out, &id, height, text.title, text.desc);

        let points: Vec<&FunnelPoint> = self
            .points
            .iter()
            .filter(|p| p.denominator.is_finite() && p.value.is_finite())
            .collect();
        let xs = svg::extent(points.iter().map(|p| p.denominator));
        let ys = svg::extent(points.iter().map(|p| p.value).chain([self.benchmark]));
        let (Some((_, x_hi)), Some((y_lo, y_hi))) = (xs, ys) else {
            svg::empty_note(&mut out, height / 2.0, text.empty);
            out.push_str("</svg>");
            return out;
        };
        let x = Scale::new(0.0, x_hi * 1.05, LEFT, RIGHT);
        let pad = (y_hi - y_lo).abs() * 0.15;
        let y = Scale::new(y_lo - pad, y_hi + pad, bottom, TOP);

        let y_fmt = fmt.with_decimals(tick_decimals(&y));
        for t in y.ticks(5) {
            let _ = write!(
                out,
                r#"<path d="M{l} {y}H{r}" stroke="{GRID}"/><text x="{tx}" y="{ty}" text-anchor="end">{label}</text>"#,
                l = n(LEFT),
                r = n(RIGHT),
                y = n(y.at(t)),
                tx = n(LEFT - 6.0),
                ty = n(y.at(t) + 4.0),
                label = esc(&y_fmt.format(t)),
            );
        }
        let x_fmt = fmt.with_decimals(tick_decimals(&x));
        for t in x.ticks(6) {
            let _ = write!(
                out,
                r#"<text x="{x}" y="{y}" text-anchor="middle">{label}</text>"#,
                x = n(x.at(t)),
                y = n(bottom + 16.0),
                label = esc(&x_fmt.format(t)),
            );
        }
        // Near zero denominators the limits run off the plot: clip them rather than clamp,
        // which would bend the curves.
        let _ = write!(
            out,
            r#"<clipPath id="{id}-plot"><rect x="{x}" y="{y}" width="{w}" height="{h}"/></clipPath>"#,
            x = n(LEFT),
            y = n(TOP),
            w = n(RIGHT - LEFT),
            h = n(PLOT_H),
        );
        let limits: Vec<&FunnelLimit> = self
            .limits
            .iter()
            .filter(|l| {
                [l.denominator, l.lower95, l.upper95, l.lower998, l.upper998]
                    .iter()
                    .all(|v| v.is_finite())
            })
            .collect();
        let curves: [(LimitOf, &str); 4] = [
            (|l| l.lower95, "6 3"),
            (|l| l.upper95, "6 3"),
            (|l| l.lower998, "2 3"),
            (|l| l.upper998, "2 3"),
        ];
        if limits.len() >= 2 {
            for (get, dash) in curves {
                let d = path_through(
                    limits
                        .iter()
                        .map(|l| (x.at(l.denominator), y.at_unclamped(get(l)))),
                );
                let _ = write!(
                    out,
                    r#"<path d="{d}" fill="none" stroke="{INK}" stroke-width="1.5" stroke-dasharray="{dash}" clip-path="url(#{id}-plot)"/>"#
                );
            }
        }
        if self.benchmark.is_finite() {
            let _ = write!(
                out,
                r#"<path d="M{l} {y}H{r}" stroke="{INK}" stroke-width="2"/>"#,
                l = n(LEFT),
                r = n(RIGHT),
                y = n(y.at(self.benchmark)),
            );
        }
        for p in &points {
            out.push_str(&p.flag.marker(x.at(p.denominator), y.at(p.value)));
        }
        // Flagged points are named on the chart so the reader need not match shapes.
        for p in points.iter().filter(|p| p.flag != FunnelFlag::Within) {
            let (px, py) = (x.at(p.denominator), y.at(p.value));
            let anchor = if px > (LEFT + RIGHT) / 2.0 {
                "end"
            } else {
                "start"
            };
            let dx = if anchor == "end" { -8.0 } else { 8.0 };
            let _ = write!(
                out,
                r#"<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="11">{t}</text>"#,
                x = n(px + dx),
                y = n(py + 4.0),
                t = esc(&p.label)
            );
        }
        self.legend(&mut out, legend, bottom + 36.0);
        out.push_str("</svg>");
        out
    }

    fn legend(&self, out: &mut String, legend: &FunnelLegend<'_>, top: f64) {
        let lines = [
            (legend.benchmark, None),
            (legend.limit95, Some("6 3")),
            (legend.limit998, Some("2 3")),
        ];
        for (i, (label, dash)) in lines.iter().enumerate() {
            let ly = top + 18.0 * i as f64;
            let dash = dash.map_or(String::new(), |d| format!(r#" stroke-dasharray="{d}""#));
            let _ = write!(
                out,
                r#"<path d="M{x0} {y}H{x1}" stroke="{INK}" stroke-width="2"{dash}/><text x="{tx}" y="{ty}">{t}</text>"#,
                x0 = n(LEFT),
                x1 = n(LEFT + 30.0),
                y = n(ly - 4.0),
                tx = n(LEFT + 38.0),
                ty = n(ly),
                t = esc(label)
            );
        }
        let marks = [
            (FunnelFlag::Within, legend.within),
            (FunnelFlag::Above95, legend.outside95),
            (FunnelFlag::Above998, legend.outside998),
        ];
        let x0 = LEFT + 280.0;
        for (i, (flag, label)) in marks.iter().enumerate() {
            let ly = top + 18.0 * i as f64;
            out.push_str(&flag.marker(x0, ly - 4.0));
            let _ = write!(
                out,
                r#"<text x="{x}" y="{y}">{t}</text>"#,
                x = n(x0 + 12.0),
                y = n(ly),
                t = esc(label)
            );
        }
    }

    /// Rows for [`crate::html_table`]: area, denominator, value. The flag is not a number;
    /// the page writes it as text beside the table from the same `tuuli-stats` result.
    pub fn table_rows(&self) -> Vec<TableRow> {
        self.points
            .iter()
            .map(|p| TableRow {
                header: p.label.clone(),
                cells: vec![Some(p.denominator), Some(p.value)],
            })
            .collect()
    }
}
