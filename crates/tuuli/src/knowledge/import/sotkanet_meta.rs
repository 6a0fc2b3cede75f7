//! Sotkanet metadata: one indicator (`/indicators/{id}`, the 2025 shape), the indicator
//! list (`/indicators`, the short form without value type or decimals) and the region list
//! (`/regions`). Descriptions and limits are Sotkanet's HTML kept as strings: they are
//! sanitised where they are shown.

use std::io::Read;

use serde_json::{Map, Value};

use super::fields::{Sex, Year};
use super::{ImportError, Rejected, json};

/// A text in Finnish, Swedish and English; a missing language is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts {
    /// Finnish.
    pub fi: String,
    /// Swedish.
    pub sv: String,
    /// English.
    pub en: String,
}

/// What an indicator's value is (`primaryValueType.code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueType {
    /// `PROS`: percent.
    Percent,
    /// `PER10000`: per 10,000 inhabitants.
    Per10000,
    /// `PER100000`: per 100,000 inhabitants.
    Per100000,
    /// A code not seen in the samples (per 1,000, counts, euros…), kept as Sotkanet wrote
    /// it so that the catalogue can map it later.
    Other(String),
}

impl ValueType {
    /// The type for Sotkanet's code.
    pub fn from_code(code: &str) -> Self {
        match code {
            "PROS" => Self::Percent,
            "PER10000" => Self::Per10000,
            "PER100000" => Self::Per100000,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// The producer of an indicator (2 = THL, 3 = Statistics Finland, 5 = Kela).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Sotkanet's organisation id.
    pub id: u32,
    /// Its name.
    pub title: Texts,
}

/// One indicator's metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorMeta {
    /// Sotkanet's indicator id.
    pub id: u32,
    /// The title.
    pub title: Texts,
    /// The description (HTML).
    pub description: Texts,
    /// How to interpret it (HTML).
    pub interpretation: Texts,
    /// Its limits (HTML).
    pub limits: Texts,
    /// Notices (HTML).
    pub notices: Texts,
    /// Legislation (HTML).
    pub legislation: Texts,
    /// The value type; absent in the list form.
    pub value_type: Option<ValueType>,
    /// The value type's name.
    pub value_type_title: Texts,
    /// Decimals to show; absent in the list form.
    pub decimals: Option<u8>,
    /// The producer.
    pub organization: Option<Organization>,
    /// The sexes values are given for (`classifications.sex.values`); empty if not said.
    pub sexes: Vec<Sex>,
    /// The region levels values are given for (`classifications.region.values`: `Kunta`,
    /// `Maakunta`…), as Sotkanet writes them.
    pub region_levels: Vec<String>,
    /// The first and last year with data (`range`).
    pub range: Option<(Year, Year)>,
    /// When the data was last updated (`data-updated`, as written: `2025-04-29`).
    pub data_updated: Option<String>,
}

/// One area of Sotkanet's region list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Sotkanet's own id (stable; the key to use).
    pub id: u32,
    /// The official code within its category, as a string (leading zeros kept).
    pub code: String,
    /// The category (`KUNTA`, `MAAKUNTA`, `HYVINVOINTIALUE`, `MAA`…), as written.
    pub category: String,
    /// The name.
    pub title: Texts,
    /// The ids of the areas it belongs to.
    pub member_of: Vec<u32>,
}

/// Reads one indicator's metadata (`/indicators/{id}`).
pub fn read_indicator(reader: impl Read) -> Result<IndicatorMeta, Rejected> {
    Ok(indicator(&json::read(reader)?, "$")?)
}

/// Reads the indicator list (`/indicators`).
pub fn read_indicator_list(reader: impl Read) -> Result<Vec<IndicatorMeta>, Rejected> {
    each(&json::read(reader)?, indicator)
}

/// Reads the region list (`/regions`).
pub fn read_regions(reader: impl Read) -> Result<Vec<Region>, Rejected> {
    each(&json::read(reader)?, region)
}

fn each<T>(
    doc: &Value,
    one: fn(&Value, &str) -> Result<T, ImportError>,
) -> Result<Vec<T>, Rejected> {
    let items = json::array(doc, "$")?;
    let mut out = Vec::with_capacity(items.len());
    let mut rejected = Rejected::default();
    for (i, item) in items.iter().enumerate() {
        match one(item, &format!("$[{i}]")) {
            Ok(x) => out.push(x),
            Err(e) => rejected.push(e),
        }
    }
    if rejected.is_empty() {
        Ok(out)
    } else {
        Err(rejected)
    }
}

/// One indicator object at `path` (also used for an element of a wrapper file).
pub fn indicator(v: &Value, path: &str) -> Result<IndicatorMeta, ImportError> {
    let o = json::object(v, path)?;
    let p = |name: &str| format!("{path}.{name}");
    let texts_of = |name: &str| texts(o.get(name), &p(name));
    let value_type = match o.get("primaryValueType") {
        None | Some(Value::Null) => None,
        Some(t) => Some(json::object(t, &p("primaryValueType"))?),
    };
    let decimals = match json::number(o.get("decimals"), &p("decimals"))? {
        None => None,
        Some(d) if d.fract() == 0.0 && (0.0..=10.0).contains(&d) => Some(d as u8),
        Some(_) => return Err(json::type_error(&p("decimals"), "number")),
    };
    let classes = match o.get("classifications") {
        None | Some(Value::Null) => None,
        Some(c) => Some(json::object(c, &p("classifications"))?),
    };
    Ok(IndicatorMeta {
        id: json::id(json::member(o, path, "id")?, &p("id"))?,
        title: texts_of("title")?,
        description: texts_of("description")?,
        interpretation: texts_of("interpretation")?,
        limits: texts_of("limits")?,
        notices: texts_of("notices")?,
        legislation: texts_of("legislation")?,
        value_type: match value_type {
            None => None,
            Some(t) => json::text(t.get("code"), &p("primaryValueType.code"))?
                .map(|c| ValueType::from_code(&c)),
        },
        value_type_title: match value_type {
            None => Texts::default(),
            Some(t) => texts(t.get("title"), &p("primaryValueType.title"))?,
        },
        decimals,
        organization: organization(o.get("organization"), &p("organization"))?,
        sexes: sexes(classes, &p("classifications.sex.values"))?,
        region_levels: strings(
            class_values(classes, "region"),
            &p("classifications.region.values"),
        )?,
        range: range(o.get("range"), &p("range"))?,
        data_updated: json::text(o.get("data-updated"), &p("data-updated"))?,
    })
}

fn region(v: &Value, path: &str) -> Result<Region, ImportError> {
    let o = json::object(v, path)?;
    let p = |name: &str| format!("{path}.{name}");
    let required = |name: &str| -> Result<String, ImportError> {
        json::text(Some(json::member(o, path, name)?), &p(name))?
            .ok_or_else(|| json::missing(&p(name)))
    };
    let member_of = match o.get("memberOf") {
        None | Some(Value::Null) => Vec::new(),
        Some(m) => json::array(m, &p("memberOf"))?
            .iter()
            .enumerate()
            .map(|(i, id)| json::id(id, &format!("{path}.memberOf[{i}]")))
            .collect::<Result<_, _>>()?,
    };
    Ok(Region {
        id: json::id(json::member(o, path, "id")?, &p("id"))?,
        code: required("code")?,
        category: required("category")?,
        title: texts(o.get("title"), &p("title"))?,
        member_of,
    })
}

fn texts(v: Option<&Value>, path: &str) -> Result<Texts, ImportError> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(Texts::default());
    };
    let o = json::object(v, path)?;
    let lang =
        |l: &str| json::text(o.get(l), &format!("{path}.{l}")).map(Option::unwrap_or_default);
    Ok(Texts {
        fi: lang("fi")?,
        sv: lang("sv")?,
        en: lang("en")?,
    })
}

fn organization(v: Option<&Value>, path: &str) -> Result<Option<Organization>, ImportError> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let o = json::object(v, path)?;
    Ok(Some(Organization {
        id: json::id(json::member(o, path, "id")?, &format!("{path}.id"))?,
        title: texts(o.get("title"), &format!("{path}.title"))?,
    }))
}

fn class_values<'a>(classes: Option<&'a Map<String, Value>>, name: &str) -> Option<&'a Value> {
    classes?.get(name)?.get("values")
}

fn strings(v: Option<&Value>, path: &str) -> Result<Vec<String>, ImportError> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    json::array(v, path)?
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = format!("{path}[{i}]");
            json::text(Some(s), &p)?.ok_or_else(|| json::type_error(&p, "string"))
        })
        .collect()
}

fn sexes(classes: Option<&Map<String, Value>>, path: &str) -> Result<Vec<Sex>, ImportError> {
    strings(class_values(classes, "sex"), path)?
        .iter()
        .enumerate()
        .map(|(i, s)| super::fields::sex_at(&super::Location::Path(format!("{path}[{i}]")), s))
        .collect()
}

fn range(v: Option<&Value>, path: &str) -> Result<Option<(Year, Year)>, ImportError> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let o = json::object(v, path)?;
    let year = |name: &str| -> Result<Year, ImportError> {
        let p = format!("{path}.{name}");
        let raw = json::text(Some(json::member(o, path, name)?), &p)?.unwrap_or_default();
        super::fields::year_at(&super::Location::Path(p), &raw)
    };
    Ok(Some((year("start")?, year("end")?)))
}

#[cfg(test)]
mod tests;
