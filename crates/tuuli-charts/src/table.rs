//! The same numbers as an HTML `<table>`, so a page can always show them beside (or instead
//! of) the chart: a caption, `scope="col"` headers, and a `scope="row"` header per row.

use crate::format::NumberFormat;
use crate::svg::esc;

/// One table row: its header (an area, a year …) and its cells (`None` = no value).
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// The row header, e.g. the area's name.
    pub header: String,
    /// The numbers, in the order of the column headers after the first.
    pub cells: Vec<Option<f64>>,
}

/// Renders `<table>` with the caller's caption and column headers (the first header is
/// the row headers' column). Missing cells show the caller's `missing` text (e.g. `..`).
pub fn html_table(
    caption: &str,
    headers: &[&str],
    rows: &[TableRow],
    fmt: NumberFormat,
    missing: &str,
) -> String {
    let mut out = String::from(r#"<table class="tuuli-chart-table"><caption>"#);
    out.push_str(&esc(caption));
    out.push_str("</caption><thead><tr>");
    for h in headers {
        out.push_str(r#"<th scope="col">"#);
        out.push_str(&esc(h));
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str(r#"<tr><th scope="row">"#);
        out.push_str(&esc(&row.header));
        out.push_str("</th>");
        for cell in &row.cells {
            out.push_str(r#"<td class="num">"#);
            match cell {
                Some(v) if v.is_finite() => out.push_str(&esc(&fmt.format(*v))),
                _ => out.push_str(&esc(missing)),
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}
