//! The indicator catalogue: indicators (from Sotkanet, Statistics Finland's PxWeb or the
//! region's own), their themes and the sets they belong to, and reading their values.
//!
//! Who may do what: everyone reads the catalogue, the sets and the values (the data is
//! public); coordinators and admins edit an indicator's polarity, themes and Swedish and
//! English titles, and the sets' membership and order. Every change is audited.
//!
//! - [`seed`]: the shortlist of 99 Sotkanet indicators and the sets, loaded at every start
//!   (never overwriting what coordinators edited);
//! - [`store`]: SQL for the catalogue and the sets;
//! - [`values`]: reading values for pages, exports and the API;
//! - [`sanitize`]: Sotkanet's HTML made safe to show;
//! - [`html`]: the pages.

pub mod html;
pub mod sanitize;
pub mod seed;
pub mod store;
pub mod values;

use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;

/// Where an indicator comes from (the `indicators_source_check` vocabulary).
pub const SOURCES: &[&str] = &["sotkanet", "statfin", "local"];
/// What a value is (the `indicators_value_type_check` vocabulary).
pub const VALUE_TYPES: &[&str] = &[
    "percent",
    "per_1000",
    "per_10000",
    "per_100000",
    "count",
    "euros",
    "litres",
    "index",
    "other",
];
/// Which direction is better (the `indicators_polarity_check` vocabulary).
pub const POLARITIES: &[&str] = &["higher_better", "lower_better", "none"];
/// The sexes as the API names them, in the order of their stored codes 0, 1, 2.
pub const SEXES: &[&str] = &["total", "male", "female"];

/// OpenAPI enum schemas for the catalogue's vocabularies, built from the constants above.
pub mod schema {
    macro_rules! vocabulary {
        ($(#[doc = $doc:literal] $name:ident = $values:expr;)*) => {$(
            #[doc = $doc]
            #[derive(Debug)]
            pub struct $name;
            impl utoipa::PartialSchema for $name {
                fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::String)
                        .enum_values(Some($values.iter().copied()))
                        .description(Some($doc.trim()))
                        .into()
                }
            }
            impl utoipa::ToSchema for $name {}
        )*};
    }

    vocabulary! {
        /// Where an indicator comes from.
        Source = super::SOURCES;
        /// What an indicator's value is.
        ValueType = super::VALUE_TYPES;
        /// Which direction of an indicator is better.
        Polarity = super::POLARITIES;
        /// Total, male or female.
        Sex = super::SEXES;
        /// An export format of values (`json` is the paged list).
        ValuesFormat = ["json", "csv", "xlsx", "jsonstat"];
    }
}

/// The words of a stored sex code.
pub fn sex_name(code: i64) -> &'static str {
    SEXES.get(code as usize).copied().unwrap_or("total")
}

/// The stored code of a sex given as a word or a code.
pub fn sex_code(s: &str) -> Option<i64> {
    let s = s.trim();
    SEXES
        .iter()
        .position(|x| x.eq_ignore_ascii_case(s))
        .map(|i| i as i64)
        .or_else(|| s.parse::<i64>().ok().filter(|c| (0..=2).contains(c)))
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Indicator {
    pub id: i64,
    #[schema(value_type = schema::Source)]
    pub source: String,
    pub source_id: String,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    /// Sanitised HTML.
    pub description_fi: String,
    pub description_sv: String,
    pub description_en: String,
    pub limits_fi: String,
    pub limits_sv: String,
    pub limits_en: String,
    #[schema(value_type = schema::ValueType)]
    pub value_type: String,
    pub decimals: i64,
    #[schema(value_type = schema::Polarity)]
    pub polarity: String,
    pub producer: String,
    pub attribution: String,
    pub source_updated: String,
    pub is_example: bool,
    pub version: i64,
    /// Theme slugs.
    #[sqlx(skip)]
    #[schema(value_type = Vec<crate::core::kinds::schema::ThemeSlug>)]
    pub themes: Vec<String>,
    /// Keys of the sets it belongs to.
    #[sqlx(skip)]
    pub sets: Vec<String>,
}

impl Indicator {
    /// The title in the reader's language (Finnish when there is none).
    pub fn title(&self, lang: Lang) -> &str {
        lang.pick(&self.title_fi, &self.title_sv, &self.title_en)
    }

    /// The attribution lines an export or page carrying this indicator's values shows:
    /// Sotkanet's terms (THL, Sotkanet.fi, CC BY 4.0) and the producer.
    pub fn attribution_lines(&self) -> Vec<String> {
        attribution_lines(&self.source, &self.attribution, &self.producer)
    }
}

/// The attribution of Sotkanet's data, as its terms ask.
pub const SOTKANET_ATTRIBUTION: &str =
    "Source: THL, Sotkanet.fi statistics and indicator bank (https://sotkanet.fi), CC BY 4.0";

/// See [`Indicator::attribution_lines`].
pub fn attribution_lines(source: &str, attribution: &str, producer: &str) -> Vec<String> {
    let mut lines = Vec::new();
    if !attribution.is_empty() {
        lines.push(attribution.to_owned());
    } else if source == "sotkanet" {
        lines.push(SOTKANET_ATTRIBUTION.to_owned());
    }
    if !producer.is_empty() {
        lines.push(format!("Producer: {producer}"));
    }
    lines
}

/// A set of indicators (the substance key indicators, KUVA, the minimum list, the
/// region's own).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct IndicatorSet {
    pub id: i64,
    pub key: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub description_fi: String,
    pub description_sv: String,
    pub description_en: String,
    pub version: i64,
    /// How many indicators it has.
    #[sqlx(default)]
    pub size: i64,
}

/// What coordinators change of an indicator (`PUT /api/v1/indicators/{id}` and the edit
/// form). Titles in Finnish, descriptions, value type and producer belong to the source.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorInput {
    /// `higher_better`, `lower_better` or `none`.
    #[schema(value_type = schema::Polarity)]
    pub polarity: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub title_sv: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub title_en: String,
    /// Theme slugs.
    #[serde(default)]
    #[schema(value_type = Vec<crate::core::kinds::schema::ThemeSlug>)]
    pub themes: Vec<String>,
    /// The version read (or `If-Match`); a stale one is 409.
    #[serde(default)]
    pub version: Option<i64>,
}

/// What coordinators change of a set: its members in order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SetInput {
    /// Indicator ids, in the set's order.
    pub indicators: Vec<i64>,
    #[serde(default)]
    pub version: Option<i64>,
}

/// Who edits the catalogue and the sets: coordinators and admins.
pub fn can_edit(v: &Viewer) -> bool {
    v.is_coordinator()
}

/// 401 for the anonymous, 403 for other users.
pub fn require_edit(v: &Viewer) -> Result<(), AppError> {
    v.require_signed_in()?;
    if can_edit(v) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// A number as the reader's language writes it: comma decimals in Finnish and Swedish, a
/// real minus sign, `decimals` places.
pub fn format_number(v: f64, decimals: i64, lang: Lang) -> String {
    if !v.is_finite() {
        return "..".into();
    }
    let d = decimals.clamp(0, 6) as usize;
    let s = format!("{:.*}", d, v.abs());
    let s = if matches!(lang, Lang::En) {
        s
    } else {
        s.replace('.', ",")
    };
    if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("\u{2212}{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_the_readers_decimal_mark() {
        assert_eq!(format_number(12.345, 1, Lang::Fi), "12,3");
        assert_eq!(format_number(12.345, 2, Lang::En), "12.35");
        assert_eq!(format_number(-0.5, 1, Lang::Sv), "\u{2212}0,5");
        assert_eq!(format_number(f64::NAN, 1, Lang::Fi), "..");
    }

    #[test]
    fn sexes_parse_as_words_or_codes() {
        assert_eq!(sex_code("female"), Some(2));
        assert_eq!(sex_code("0"), Some(0));
        assert_eq!(sex_code("3"), None);
        assert_eq!(sex_name(1), "male");
    }
}
