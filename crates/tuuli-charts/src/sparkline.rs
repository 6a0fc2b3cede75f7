//! A sparkline: one area's values over the years as a small line, for a row of a long
//! list (a profile of a hundred indicators) where a full chart per row would be too heavy.
//! No axes, no intervals: the first and the last value are written as text at the ends,
//! the last point is a marker, and [`Sparkline::table_rows`] gives every value for the
//! table beside it. Gaps (missing years) split the line.

use std::fmt::Write as _;

use crate::svg::{self, INK, PALETTE, Scale, Shape, esc, n};
use crate::{ChartText, NumberFormat, TableRow};

/// The numbers of a sparkline.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sparkline {
    /// The periods (years), oldest first.
    pub periods: Vec<String>,
    /// The value of each period (`None`: missing or suppressed).
    pub values: Vec<Option<f64>>,
}

const WIDTH: f64 = 240.0;
const HEIGHT: f64 = 28.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = WIDTH - 48.0;

impl Sparkline {
    /// The SVG string (`role="img"`, the caller's title and description).
    pub fn svg(&self, text: &ChartText<'_>, fmt: NumberFormat) -> String {
        let id = svg::clean_id(text.id);
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="tuuli-chart sparkline" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="sans-serif" font-size="11" fill="{INK}"><title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc>"#,
            w = n(WIDTH),
            h = n(HEIGHT),
            t = esc(text.title),
            d = esc(text.desc),
        );
        let points: Vec<(usize, f64)> = self
            .values
            .iter()
            .take(self.periods.len())
            .enumerate()
            .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i, v)))
            .collect();
        let Some((lo, hi)) = svg::extent(points.iter().map(|p| p.1)) else {
            let _ = write!(
                out,
                r#"<text x="{x}" y="{y}" text-anchor="middle">{t}</text></svg>"#,
                x = n(WIDTH / 2.0),
                y = n(HEIGHT / 2.0 + 4.0),
                t = esc(text.empty)
            );
            return out;
        };
        let last_index = self.periods.len().saturating_sub(1).max(1) as f64;
        let x = |i: usize| LEFT + (RIGHT - LEFT) * i as f64 / last_index;
        let y = Scale::new(lo, hi, HEIGHT - 4.0, 4.0);
        let mut d = String::new();
        let mut prev: Option<usize> = None;
        for &(i, v) in &points {
            let cmd = if prev.is_some_and(|p| p + 1 == i) {
                'L'
            } else {
                'M'
            };
            let _ = write!(d, "{cmd}{} {}", n(x(i)), n(y.at(v)));
            prev = Some(i);
        }
        let _ = write!(
            out,
            r#"<path d="{d}" fill="none" stroke="{c}" stroke-width="1.5"/>"#,
            c = PALETTE[0]
        );
        if let (Some(first), Some(last)) = (points.first(), points.last()) {
            out.push_str(&Shape::Circle.marker(x(last.0), y.at(last.1), 2.5, PALETTE[0], true));
            for (tx, anchor, v) in [(LEFT - 4.0, "end", first.1), (RIGHT + 4.0, "start", last.1)] {
                let _ = write!(
                    out,
                    r#"<text x="{x}" y="{y}" text-anchor="{anchor}">{t}</text>"#,
                    x = n(tx),
                    y = n(HEIGHT / 2.0 + 4.0),
                    t = esc(&fmt.format(v))
                );
            }
        }
        out.push_str("</svg>");
        out
    }

    /// One row per period: its value.
    pub fn table_rows(&self) -> Vec<TableRow> {
        self.periods
            .iter()
            .enumerate()
            .map(|(i, p)| TableRow {
                header: p.clone(),
                cells: vec![self.values.get(i).copied().flatten()],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>() -> ChartText<'a> {
        ChartText {
            id: "spark-1",
            title: "Smokers – Sysmä",
            desc: "From 12,0 in 2020 to 10,5 in 2024.",
            empty: "No data",
        }
    }

    #[test]
    fn a_sparkline_is_an_accessible_image_with_its_end_values_as_text() {
        let s = Sparkline {
            periods: ["2020", "2021", "2022", "2023", "2024"]
                .map(String::from)
                .to_vec(),
            values: vec![Some(12.0), None, Some(11.0), Some(11.5), Some(10.5)],
        };
        let svg = s.svg(&text(), NumberFormat::for_locale("fi", 1));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"<title id="spark-1-title">Smokers – Sysmä</title>"#));
        assert!(svg.contains("<desc id=\"spark-1-desc\">"));
        assert!(svg.contains(">12,0<") && svg.contains(">10,5<"));
        // The missing year splits the line: two moves.
        let line = svg
            .split("<path d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(line.matches('M').count(), 2, "{line}");
        assert!(!svg.contains("NaN"));
        let rows = s.table_rows();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[1].cells, vec![None]);
        assert_eq!(rows[4].cells, vec![Some(10.5)]);
    }

    #[test]
    fn an_empty_sparkline_says_so() {
        let s = Sparkline {
            periods: vec!["2024".into()],
            values: vec![Some(f64::NAN)],
        };
        let svg = s.svg(&text(), NumberFormat::for_locale("en", 1));
        assert!(svg.contains(">No data<"));
        assert!(!svg.contains("NaN"));
    }
}
