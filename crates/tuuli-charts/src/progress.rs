//! A small stacked bar of plan progress: done, on track, delayed, not started. Each part
//! has its own pattern as well as colour (solid, hatched, cross-hatched, dotted), and the
//! legend under the bar writes every count as text.

use std::fmt::Write as _;

use crate::svg::{self, INK, WIDTH, esc, n};
use crate::{ChartText, NumberFormat, TableRow};

/// Counts of actions (or goals) by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Done.
    pub done: u32,
    /// Under way and on track.
    pub on_track: u32,
    /// Under way and delayed.
    pub delayed: u32,
    /// Not started.
    pub not_started: u32,
}

/// The four state names, in the reader's language.
#[derive(Debug, Clone, Copy)]
pub struct ProgressLabels<'a> {
    /// e.g. "Done".
    pub done: &'a str,
    /// e.g. "On track".
    pub on_track: &'a str,
    /// e.g. "Delayed".
    pub delayed: &'a str,
    /// e.g. "Not started".
    pub not_started: &'a str,
}

const HEIGHT: f64 = 58.0;
const BAR_H: f64 = 20.0;

impl Progress {
    fn parts<'a>(&self, labels: &ProgressLabels<'a>, id: &str) -> [(u32, &'a str, String); 4] {
        [
            (self.done, labels.done, "#2d6a2d".to_owned()),
            (self.on_track, labels.on_track, format!("url(#{id}-hatch)")),
            (self.delayed, labels.delayed, format!("url(#{id}-cross)")),
            (
                self.not_started,
                labels.not_started,
                format!("url(#{id}-dots)"),
            ),
        ]
    }

    /// The SVG string.
    pub fn svg(
        &self,
        text: &ChartText<'_>,
        labels: &ProgressLabels<'_>,
        fmt: NumberFormat,
    ) -> String {
        let id = svg::clean_id(text.id);
        let mut out = String::new();
        svg::open(&mut out, &id, HEIGHT, text.title, text.desc);
        let parts = self.parts(labels, &id);
        let total: u64 = parts.iter().map(|p| u64::from(p.0)).sum();
        if total == 0 {
            svg::empty_note(&mut out, HEIGHT / 2.0 + 5.0, text.empty);
            out.push_str("</svg>");
            return out;
        }
        let (left, width) = (2.0, WIDTH - 4.0);
        let mut x = left;
        for (count, _, fill) in &parts {
            let w = width * f64::from(*count) / total as f64;
            if w > 0.0 {
                let _ = write!(
                    out,
                    r#"<rect x="{x}" y="2" width="{w}" height="{h}" fill="{fill}" stroke="{INK}"/>"#,
                    x = n(x),
                    w = n(w),
                    h = n(BAR_H),
                );
            }
            x += w;
        }
        // Legend: swatch, name and count for every state, zero counts included.
        let counts = fmt.with_decimals(0);
        let slot = WIDTH / 4.0;
        for (i, (count, label, fill)) in parts.iter().enumerate() {
            let sx = i as f64 * slot + 2.0;
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="14" height="14" fill="{fill}" stroke="{INK}"/><text x="{tx}" y="{ty}">{t} {c}</text>"#,
                x = n(sx),
                y = n(BAR_H + 14.0),
                tx = n(sx + 20.0),
                ty = n(BAR_H + 26.0),
                t = esc(label),
                c = esc(&counts.format(f64::from(*count))),
            );
        }
        out.push_str("</svg>");
        out
    }

    /// Rows for [`crate::html_table`]: state, count.
    pub fn table_rows(&self, labels: &ProgressLabels<'_>) -> Vec<TableRow> {
        self.parts(labels, "")
            .into_iter()
            .map(|(count, label, _)| TableRow {
                header: label.to_owned(),
                cells: vec![Some(f64::from(count))],
            })
            .collect()
    }
}
