//! Number formatting for labels and tables. The crate holds no UI strings; the caller
//! chooses the decimal separator (Finnish and Swedish use a comma, English a point).

/// How numbers are written in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberFormat {
    /// The decimal separator: `,` for fi and sv, `.` for en.
    pub decimal: char,
    /// Digits after the separator.
    pub decimals: usize,
    /// Thousands separator for numbers of five digits or more: a no-break space for fi
    /// and sv, a comma for en (four-digit numbers such as years stay ungrouped).
    pub group: Option<char>,
}

impl NumberFormat {
    /// The format for a language tag (`fi`, `sv`, `en`, or `fi-FI` …); unknown tags get a
    /// point.
    pub fn for_locale(tag: &str, decimals: usize) -> Self {
        let lang = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let nordic = lang == "fi" || lang == "sv";
        let decimal = if nordic { ',' } else { '.' };
        let group = Some(if nordic { '\u{a0}' } else { ',' });
        NumberFormat {
            decimal,
            decimals,
            group,
        }
    }

    /// The same format with another number of decimals (ticks, counts).
    pub fn with_decimals(self, decimals: usize) -> Self {
        NumberFormat { decimals, ..self }
    }

    /// `v` rounded to the chosen decimals, with the locale's separator and a real minus
    /// sign (U+2212). A non-finite number is written as `..` (no value), never "NaN".
    pub fn format(&self, v: f64) -> String {
        if !v.is_finite() {
            return "..".to_owned();
        }
        let raw = format!("{:.*}", self.decimals, v.abs());
        let (int, frac) = raw.split_once('.').unwrap_or((raw.as_str(), ""));
        let mut s = match self.group {
            Some(g) if int.len() > 4 => group_digits(int, g),
            _ => int.to_owned(),
        };
        if !frac.is_empty() {
            s.push(self.decimal);
            s.push_str(frac);
        }
        // "-0,0" would read as a negative value; only a value that rounds to non-zero
        // gets a sign.
        let zero = s.chars().all(|c| c == '0' || c == self.decimal);
        if v < 0.0 && !zero {
            format!("\u{2212}{s}")
        } else {
            s
        }
    }
}

/// `1234567` → `1 234 567` with the given separator.
fn group_digits(int: &str, sep: char) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finnish_and_swedish_use_a_comma_english_a_point() {
        assert_eq!(NumberFormat::for_locale("fi", 1).format(12.34), "12,3");
        assert_eq!(NumberFormat::for_locale("sv-FI", 2).format(0.5), "0,50");
        assert_eq!(NumberFormat::for_locale("en", 1).format(12.34), "12.3");
    }

    #[test]
    fn negatives_get_a_minus_sign_and_rounded_zero_none() {
        let f = NumberFormat::for_locale("fi", 1);
        assert_eq!(f.format(-2.0), "\u{2212}2,0");
        assert_eq!(f.format(-0.01), "0,0");
    }

    #[test]
    fn large_numbers_are_grouped_but_years_are_not() {
        let fi = NumberFormat::for_locale("fi", 0);
        assert_eq!(fi.format(15000.0), "15\u{a0}000");
        assert_eq!(fi.format(2024.0), "2024");
        assert_eq!(
            NumberFormat::for_locale("en", 1).format(1234567.26),
            "1,234,567.3"
        );
    }

    #[test]
    fn non_finite_numbers_are_written_as_no_value() {
        let f = NumberFormat::for_locale("en", 1);
        assert_eq!(f.format(f64::NAN), "..");
        assert_eq!(f.format(f64::INFINITY), "..");
    }
}
