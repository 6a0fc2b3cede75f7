//! The small SVG toolkit every chart shares: escaping, finite coordinates, scales, the
//! `<svg>` frame with its title and description, markers, patterns and the palette.

use std::fmt::Write as _;

/// Width of every chart's viewBox; charts scale to their container (`width="100%"`).
pub const WIDTH: f64 = 640.0;

/// Text colour: near black, 16:1 on white.
pub const INK: &str = "#1a1a1a";
/// Axis and grid colour (grid is decoration; axes carry labels in text).
pub const GRID: &str = "#d0d0d0";
/// Series colours, each at least 4.5:1 against white so lines and markers pass the 3:1
/// non-text contrast of WCAG 2.1 (1.4.11) with margin. Colour is never alone: each series
/// also has its own marker shape and dash pattern.
pub const PALETTE: [&str; 6] = [
    "#1f4e79", "#a33c00", "#2d6a2d", "#6a3d9a", "#7a5c00", "#005f66",
];

/// Escapes text for XML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Makes the caller's id prefix safe as an XML id: letters, digits, `-` and `_` only,
/// starting with a letter.
pub fn clean_id(prefix: &str) -> String {
    let mut id: String = prefix
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert(0, 'c');
    }
    id
}

/// A coordinate as text: two decimals at most, trailing zeros trimmed, never NaN or
/// infinite (a non-finite number becomes 0 so the output stays valid; scales below never
/// produce one, this is the last guard).
pub fn n(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let mut s = format!("{:.2}", v);
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if s == "-0" { "0".to_owned() } else { s }
}

/// A linear map from a data domain to a pixel range, safe for degenerate domains.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    /// A scale over `[d0, d1]`; an empty, reversed or non-finite domain is widened so
    /// that every input maps to a finite pixel.
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        let (mut d0, mut d1) = if d0.is_finite() && d1.is_finite() {
            (d0.min(d1), d0.max(d1))
        } else {
            (0.0, 1.0)
        };
        if d1 - d0 < f64::EPSILON * d0.abs().max(1.0) {
            let pad = if d0 == 0.0 { 1.0 } else { d0.abs() * 0.1 };
            d0 -= pad;
            d1 += pad;
        }
        Scale { d0, d1, r0, r1 }
    }

    /// The domain after widening.
    pub fn domain(&self) -> (f64, f64) {
        (self.d0, self.d1)
    }

    /// Pixel position of `v`, clamped to the range so that extreme values stay on the
    /// canvas (the table keeps the exact number).
    pub fn at(&self, v: f64) -> f64 {
        let v = if v.is_finite() { v } else { self.d0 };
        let t = ((v - self.d0) / (self.d1 - self.d0)).clamp(0.0, 1.0);
        let p = self.r0 + t * (self.r1 - self.r0);
        if p.is_finite() { p } else { self.r0 }
    }

    /// Pixel position of `v` without clamping to the range, for lines drawn under a
    /// clip path (clamping would bend them). Bounded to three ranges either side so the
    /// number stays finite and small.
    pub fn at_unclamped(&self, v: f64) -> f64 {
        let v = if v.is_finite() { v } else { self.d0 };
        let t = ((v - self.d0) / (self.d1 - self.d0)).clamp(-3.0, 4.0);
        let p = self.r0 + t * (self.r1 - self.r0);
        if p.is_finite() { p } else { self.r0 }
    }

    /// About `count` round tick values inside the domain (1, 2 or 5 times a power of ten).
    pub fn ticks(&self, count: usize) -> Vec<f64> {
        let span = self.d1 - self.d0;
        let raw = span / count.max(1) as f64;
        let mag = 10f64.powf(raw.log10().floor());
        if !mag.is_finite() || mag <= 0.0 {
            return vec![self.d0, self.d1];
        }
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| span / s <= count as f64)
            .unwrap_or(10.0 * mag);
        let first = (self.d0 / step).ceil() as i64;
        let last = (self.d1 / step).floor() as i64;
        (first..=last.min(first + 50))
            .map(|i| i as f64 * step)
            .map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v })
            .collect()
    }
}

/// Finite minimum and maximum of the values, if any.
pub fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Opens `<svg>` with role, accessible name and description, and the shared patterns.
pub fn open(out: &mut String, id: &str, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="tuuli-chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMidYMid meet" font-family="sans-serif" font-size="12" fill="{INK}"><title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc>"#,
        w = n(WIDTH),
        h = n(height),
        t = esc(title),
        d = esc(desc),
    );
    let _ = write!(
        out,
        r##"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="#2d6a2d"/></pattern><pattern id="{id}-cross" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fbe3d3"/><path d="M0 0L6 6M6 0L0 6" stroke="#a33c00" stroke-width="1.5"/></pattern><pattern id="{id}-dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#ffffff"/><rect x="1.5" y="1.5" width="2" height="2" fill="#595959"/></pattern></defs>"##
    );
}

/// Writes the caller's "no data" text centred in an empty chart body.
pub fn empty_note(out: &mut String, y: f64, text: &str) {
    let _ = write!(
        out,
        r#"<text x="{x}" y="{y}" text-anchor="middle" font-size="14">{t}</text>"#,
        x = n(WIDTH / 2.0),
        y = n(y),
        t = esc(text)
    );
}

/// Marker shapes: the second carrier of a series' or a flag's meaning besides colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// ●
    Circle,
    /// ■
    Square,
    /// ▲
    TriangleUp,
    /// ▼
    TriangleDown,
    /// ◆
    Diamond,
    /// ✕ (drawn with a stroke)
    Cross,
}

impl Shape {
    /// The shape used for the n-th series.
    pub fn nth(i: usize) -> Shape {
        const ORDER: [Shape; 6] = [
            Shape::Circle,
            Shape::Square,
            Shape::TriangleUp,
            Shape::Diamond,
            Shape::TriangleDown,
            Shape::Cross,
        ];
        ORDER[i % ORDER.len()]
    }

    /// Path data for the shape centred on (x, y) with half-size r.
    pub fn path(self, x: f64, y: f64, r: f64) -> String {
        let p = |dx: f64, dy: f64| format!("{} {}", n(x + dx), n(y + dy));
        match self {
            // A circle as two arcs keeps every marker a <path> with plain coordinates.
            Shape::Circle => format!(
                "M{}A{} {} 0 1 0 {}A{} {} 0 1 0 {}Z",
                p(-r, 0.0),
                n(r),
                n(r),
                p(r, 0.0),
                n(r),
                n(r),
                p(-r, 0.0)
            ),
            Shape::Square => format!("M{}L{}L{}L{}Z", p(-r, -r), p(r, -r), p(r, r), p(-r, r)),
            Shape::TriangleUp => format!(
                "M{}L{}L{}Z",
                p(0.0, -r * 1.2),
                p(r * 1.1, r * 0.8),
                p(-r * 1.1, r * 0.8)
            ),
            Shape::TriangleDown => format!(
                "M{}L{}L{}Z",
                p(0.0, r * 1.2),
                p(r * 1.1, -r * 0.8),
                p(-r * 1.1, -r * 0.8)
            ),
            Shape::Diamond => format!(
                "M{}L{}L{}L{}Z",
                p(0.0, -r * 1.3),
                p(r * 1.3, 0.0),
                p(0.0, r * 1.3),
                p(-r * 1.3, 0.0)
            ),
            Shape::Cross => format!("M{}L{}M{}L{}", p(-r, -r), p(r, r), p(r, -r), p(-r, r)),
        }
    }

    /// A full `<path>` element for the marker; `filled` false draws an outline on white.
    pub fn marker(self, x: f64, y: f64, r: f64, colour: &str, filled: bool) -> String {
        let fill = if filled && self != Shape::Cross {
            colour
        } else {
            "#ffffff"
        };
        format!(
            r#"<path d="{}" fill="{fill}" stroke="{colour}" stroke-width="1.5"/>"#,
            self.path(x, y, r)
        )
    }
}

/// Dash patterns for series and reference lines (`None` is solid).
pub const DASHES: [Option<&str>; 6] = [
    None,
    Some("6 3"),
    Some("2 3"),
    Some("8 3 2 3"),
    Some("1 2"),
    Some("10 4"),
];

/// ` stroke-dasharray="…"` for the n-th dash pattern, or nothing for solid.
pub fn dash_attr(i: usize) -> String {
    match DASHES[i % DASHES.len()] {
        Some(d) => format!(r#" stroke-dasharray="{d}""#),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_short_finite_and_never_negative_zero() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.345), "12.35");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(f64::NAN), "0");
        assert_eq!(n(f64::INFINITY), "0");
    }

    #[test]
    fn a_zero_width_domain_is_widened_and_maps_inside_the_range() {
        let s = Scale::new(5.0, 5.0, 0.0, 100.0);
        let (d0, d1) = s.domain();
        assert!(d0 < 5.0 && d1 > 5.0);
        assert_eq!(s.at(5.0), 50.0);
        assert_eq!(s.at(f64::INFINITY), 0.0);
        assert_eq!(s.at(1e300), 100.0);
    }

    #[test]
    fn ticks_are_round_and_inside_the_domain() {
        let s = Scale::new(0.0, 18.9, 0.0, 100.0);
        assert_eq!(s.ticks(5), vec![0.0, 5.0, 10.0, 15.0]);
        let wide = Scale::new(-f64::MAX, f64::MAX, 0.0, 100.0);
        assert!(wide.ticks(5).iter().all(|t| t.is_finite()));
    }

    #[test]
    fn ids_are_made_valid() {
        assert_eq!(clean_id("chart-1"), "chart-1");
        assert_eq!(clean_id("9 <x>"), "c9x");
        assert_eq!(clean_id(""), "c");
    }
}
