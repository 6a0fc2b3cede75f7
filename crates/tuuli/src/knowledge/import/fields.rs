//! The values every format shares: years, sexes, numbers and ids, each parsed once, with
//! the error a bad one gives.

use super::{ImportError, Location};

/// The earliest year accepted.
pub const MIN_YEAR: u16 = 1900;
/// The latest year accepted.
pub const MAX_YEAR: u16 = 2100;

/// A statistical year between [`MIN_YEAR`] and [`MAX_YEAR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Year(u16);

impl Year {
    /// The year if it is in range.
    pub fn new(year: i64) -> Option<Self> {
        u16::try_from(year)
            .ok()
            .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
            .map(Self)
    }

    /// Four ASCII digits in range (`"2023"`; not `"20O4"`, `"2023.0"` or `" 23"`).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<i64>().ok().and_then(Self::new)
    }

    /// The year as a number.
    pub fn get(self) -> u16 {
        self.0
    }
}

/// Whom a value counts: everybody, men or women.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sex {
    /// Both sexes together (Sotkanet `total`).
    Total,
    /// Men (Sotkanet `male`).
    Male,
    /// Women (Sotkanet `female`).
    Female,
}

impl Sex {
    /// Sotkanet's words (`total`, `male`, `female`), and the Finnish and Swedish ones a
    /// spreadsheet may hold (`yhteensä`, `miehet`, `naiset`; `totalt`, `män`, `kvinnor`),
    /// in any case.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "total" | "yhteensä" | "kaikki" | "totalt" => Some(Self::Total),
            "male" | "miehet" | "mies" | "män" => Some(Self::Male),
            "female" | "naiset" | "nainen" | "kvinnor" => Some(Self::Female),
            _ => None,
        }
    }

    /// The code stored in `indicator_values.sex` (0 total, 1 male, 2 female).
    pub fn code(self) -> i32 {
        match self {
            Self::Total => 0,
            Self::Male => 1,
            Self::Female => 2,
        }
    }

    /// The sex stored under `code`.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            0 => Some(Self::Total),
            1 => Some(Self::Male),
            2 => Some(Self::Female),
            _ => None,
        }
    }

    /// Sotkanet's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Total => "total",
            Self::Male => "male",
            Self::Female => "female",
        }
    }
}

/// The text was not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// A number as people and programs write it: decimal point or decimal comma, spaces or
/// no-break spaces between thousands, a leading `-` or `−`. Empty is `Ok(None)`; anything
/// else that is not a finite number is `Err(NotANumber)`. A text with both `.` and `,` is refused:
/// which one is the decimal mark cannot be known.
pub fn parse_number(raw: &str) -> Result<Option<f64>, NotANumber> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let mut s = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            ' ' | '\u{a0}' | '\u{202f}' => {}
            '\u{2212}' => s.push('-'),
            c if c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | 'e' | 'E') => s.push(c),
            _ => return Err(NotANumber),
        }
    }
    if s.contains('.') && s.contains(',') {
        return Err(NotANumber);
    }
    let s = s.replace(',', ".");
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(NotANumber),
    }
}

/// A year field, or the error naming the bad value.
pub fn year_at(loc: &Location, raw: &str) -> Result<Year, ImportError> {
    Year::parse(raw).ok_or_else(|| {
        let (min, max) = (MIN_YEAR.to_string(), MAX_YEAR.to_string());
        ImportError::new(
            loc.clone(),
            "import-error-year",
            &[("value", raw), ("min", &min), ("max", &max)],
        )
    })
}

/// A sex field, or the error naming the bad value.
pub fn sex_at(loc: &Location, raw: &str) -> Result<Sex, ImportError> {
    Sex::parse(raw)
        .ok_or_else(|| ImportError::new(loc.clone(), "import-error-sex", &[("value", raw)]))
}

/// An optional number in `column`.
pub fn number_at(loc: &Location, column: &str, raw: &str) -> Result<Option<f64>, ImportError> {
    parse_number(raw).map_err(|NotANumber| {
        ImportError::new(
            loc.clone(),
            "import-error-number",
            &[("column", column), ("value", raw)],
        )
    })
}

/// An optional count in `column`: a number that is not negative.
pub fn count_at(loc: &Location, column: &str, raw: &str) -> Result<Option<f64>, ImportError> {
    let n = number_at(loc, column, raw)?;
    if n.is_some_and(|n| n < 0.0) {
        return Err(ImportError::new(
            loc.clone(),
            "import-error-negative",
            &[("column", column), ("value", raw)],
        ));
    }
    Ok(n)
}

/// A field that must not be empty.
pub fn required_at<'a>(loc: &Location, column: &str, raw: &'a str) -> Result<&'a str, ImportError> {
    let t = raw.trim();
    if t.is_empty() {
        Err(ImportError::new(
            loc.clone(),
            "import-error-required",
            &[("column", column)],
        ))
    } else {
        Ok(t)
    }
}

/// A positive whole number (a Sotkanet id) in `column`.
pub fn id_at(loc: &Location, column: &str, raw: &str) -> Result<u32, ImportError> {
    let t = raw.trim();
    match t.parse::<u32>() {
        Ok(n) if n > 0 && t.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(ImportError::new(
            loc.clone(),
            "import-error-id",
            &[("column", column), ("value", raw)],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_four_digits_in_a_sane_range() {
        assert_eq!(Year::parse("2023").map(Year::get), Some(2023));
        assert_eq!(Year::parse(" 1990 ").map(Year::get), Some(1990));
        for bad in ["20O4", "2023.0", "23", "1899", "2101", "", "-2020", "+202"] {
            assert_eq!(Year::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn sexes_are_read_in_sotkanet_finnish_and_swedish_words() {
        assert_eq!(Sex::parse("total"), Some(Sex::Total));
        assert_eq!(Sex::parse("Miehet"), Some(Sex::Male));
        assert_eq!(Sex::parse("NAISET"), Some(Sex::Female));
        assert_eq!(Sex::parse("kvinnor"), Some(Sex::Female));
        assert_eq!(Sex::parse("both"), None);
    }

    #[test]
    fn numbers_take_a_decimal_comma_or_point_and_thousands_spaces() {
        assert_eq!(parse_number("12,5"), Ok(Some(12.5)));
        assert_eq!(parse_number("12.5"), Ok(Some(12.5)));
        assert_eq!(parse_number("1 153 669"), Ok(Some(1_153_669.0)));
        assert_eq!(parse_number("1\u{a0}234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_number("\u{2212}3"), Ok(Some(-3.0)));
        assert_eq!(parse_number("  "), Ok(None));
        for bad in ["1.234,5", "abc", "NaN", "inf", "1e999", "12%", "--1"] {
            assert_eq!(parse_number(bad), Err(NotANumber), "{bad}");
        }
    }
}
