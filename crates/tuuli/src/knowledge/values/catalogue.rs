//! Catalogue entries an import creates or refreshes from Sotkanet's metadata
//! (`indicator-<id>.json`): `INSERT … ON CONFLICT (source, source_id) DO UPDATE`, so the
//! catalogue's own seeding of the same rows and an import never fail each other. Only the
//! fields the source owns are refreshed (titles, texts, value type, decimals, producer),
//! and only when they differ, so importing the same metadata twice changes nothing.

use crate::knowledge::import::sotkanet_meta::{IndicatorMeta, ValueType};

/// `indicators.value_type` for Sotkanet's value type.
pub fn value_type(v: Option<&ValueType>) -> &'static str {
    match v {
        Some(ValueType::Percent) => "percent",
        Some(ValueType::Per10000) => "per_10000",
        Some(ValueType::Per100000) => "per_100000",
        Some(ValueType::Other(code)) => match code.as_str() {
            "PER1000" => "per_1000",
            "LKM" | "COUNT" => "count",
            "EUROA" | "EUR" => "euros",
            "LITRAA" => "litres",
            "INDEKSI" | "INDEX" => "index",
            _ => "other",
        },
        None => "other",
    }
}

/// The columns written, in order, after `source` and `source_id`.
pub const COLUMNS: &str = "title_fi, title_sv, title_en, description_fi, description_sv, description_en, \
     limits_fi, limits_sv, limits_en, value_type, decimals, producer, attribution, source_updated";

/// One catalogue entry's source-owned fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub source_id: String,
    pub texts: [String; 9],
    pub value_type: &'static str,
    pub decimals: i64,
    pub producer: String,
    pub attribution: String,
    pub source_updated: String,
}

impl Entry {
    /// The entry for one indicator's Sotkanet metadata.
    pub fn from_sotkanet(m: &IndicatorMeta) -> Self {
        let producer = m
            .organization
            .as_ref()
            .map(|o| o.title.fi.clone())
            .unwrap_or_default();
        let attribution = if producer.is_empty() {
            "THL, Sotkanet.fi (https://sotkanet.fi), CC BY 4.0".to_owned()
        } else {
            format!("THL, Sotkanet.fi (https://sotkanet.fi), CC BY 4.0; {producer}")
        };
        let title_fi = if m.title.fi.is_empty() {
            format!("Sotkanet {}", m.id)
        } else {
            m.title.fi.clone()
        };
        Self {
            source_id: m.id.to_string(),
            texts: [
                title_fi,
                m.title.sv.clone(),
                m.title.en.clone(),
                m.description.fi.clone(),
                m.description.sv.clone(),
                m.description.en.clone(),
                m.limits.fi.clone(),
                m.limits.sv.clone(),
                m.limits.en.clone(),
            ],
            value_type: value_type(m.value_type.as_ref()),
            decimals: i64::from(m.decimals.unwrap_or(1).min(6)),
            producer,
            attribution,
            source_updated: m.data_updated.clone().unwrap_or_default(),
        }
    }
}

/// The upsert statement (`$1` source, `$2` source_id, then [`COLUMNS`], then the time).
pub const UPSERT: &str = "INSERT INTO indicators (source, source_id, title_fi, title_sv, title_en, \
     description_fi, description_sv, description_en, limits_fi, limits_sv, limits_en, value_type, decimals, \
     producer, attribution, source_updated, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) \
     ON CONFLICT (source, source_id) DO UPDATE SET title_fi = excluded.title_fi, title_sv = excluded.title_sv, \
     title_en = excluded.title_en, description_fi = excluded.description_fi, description_sv = excluded.description_sv, \
     description_en = excluded.description_en, limits_fi = excluded.limits_fi, limits_sv = excluded.limits_sv, \
     limits_en = excluded.limits_en, value_type = excluded.value_type, decimals = excluded.decimals, \
     producer = excluded.producer, attribution = excluded.attribution, source_updated = excluded.source_updated, \
     updated_at = excluded.updated_at, version = indicators.version + 1 \
     WHERE indicators.title_fi IS DISTINCT FROM excluded.title_fi OR \
     indicators.title_sv IS DISTINCT FROM excluded.title_sv OR \
     indicators.title_en IS DISTINCT FROM excluded.title_en OR \
     indicators.description_fi IS DISTINCT FROM excluded.description_fi OR \
     indicators.description_sv IS DISTINCT FROM excluded.description_sv OR \
     indicators.description_en IS DISTINCT FROM excluded.description_en OR \
     indicators.limits_fi IS DISTINCT FROM excluded.limits_fi OR \
     indicators.limits_sv IS DISTINCT FROM excluded.limits_sv OR \
     indicators.limits_en IS DISTINCT FROM excluded.limits_en OR \
     indicators.value_type IS DISTINCT FROM excluded.value_type OR \
     indicators.decimals IS DISTINCT FROM excluded.decimals OR \
     indicators.producer IS DISTINCT FROM excluded.producer OR \
     indicators.source_updated IS DISTINCT FROM excluded.source_updated";
