//! The catalogue's reference data: the 99 Sotkanet indicators of
//! `data/sotkanet_indicator_shortlist.csv` (titles, producer, a value type inferred from
//! the title, a theme from the `topic` column), descriptions and limits from the saved
//! Sotkanet metadata where the repository has them
//! (`data/sotkanet_indicator_metadata_3ind_2025-09-09_hus.json`), and the four sets.
//!
//! Loaded by every command right after the areas (`cli`, the demo, the tests), in one
//! transaction, and idempotent in the strict sense that it never changes a row that exists:
//!
//! - an indicator is inserted only when `(source, source_id)` is new (`ON CONFLICT DO
//!   NOTHING`), with its themes; so a coordinator's polarity, themes and titles, and the
//!   importer's fresher metadata, are never overwritten;
//! - a set is inserted only when its key is new, with its members; a set that exists keeps
//!   the membership and order coordinators gave it.
//!
//! Sets: the substance key indicators are the shortlist's `substance` topic; KUVA is its
//! `in_kuva_list` column (a probable match by title, see `shared/data/SOTKANET.md`); the
//! ids of THL's minimum list for the municipal welfare report are not known offline, so
//! that set and the region's own set start empty, for coordinators to fill.

use anyhow::Context;
use chrono::Utc;
use serde::Deserialize;

use super::sanitize::sanitize;
use crate::auth::Actor;
use crate::db::Db;
use crate::knowledge::import::sotkanet_meta::{self, ValueType};
use crate::with_db;

const SHORTLIST_CSV: &str = include_str!("../../../../../data/sotkanet_indicator_shortlist.csv");
const METADATA_JSON: &str =
    include_str!("../../../../../data/sotkanet_indicator_metadata_3ind_2025-09-09_hus.json");

/// One indicator as the reference files give it.
#[derive(Debug, Clone)]
pub struct SeedIndicator {
    pub source_id: String,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    pub description: [String; 3],
    pub limits: [String; 3],
    pub value_type: &'static str,
    pub decimals: i64,
    pub producer: String,
    pub source_updated: String,
    /// Theme slugs.
    pub themes: Vec<&'static str>,
    pub topic: String,
    pub in_kuva_list: bool,
}

/// One set: key, names and descriptions in fi, sv, en.
pub struct SeedSet {
    pub key: &'static str,
    pub name: [&'static str; 3],
    pub description: [&'static str; 3],
}

/// The four sets.
pub const SETS: [SeedSet; 4] = [
    SeedSet {
        key: "substance-key",
        name: [
            "Ehkäisevän päihdetyön avainindikaattorit",
            "Nyckelindikatorer för förebyggande missbruksarbete",
            "Key indicators of substance-abuse prevention",
        ],
        description: [
            "Päihteisiin liittyvät indikaattorit Sotkanetin lyhytlistalta. Koordinaattorit voivat muokata joukkoa.",
            "Indikatorer om berusningsmedel från kortlistan ur Sotkanet. Koordinatorerna kan ändra uppsättningen.",
            "The substance indicators of the Sotkanet shortlist. Coordinators can edit the set.",
        ],
    },
    SeedSet {
        key: "kuva",
        name: ["KUVA-indikaattorit", "KUVA-indikatorer", "KUVA indicators"],
        description: [
            "Indikaattorit, joiden nimi vastaa KUVA-luettelon nimeä (todennäköinen vastaavuus, ei virallinen luettelo). Koordinaattorit tarkistavat ja korjaavat joukon.",
            "Indikatorer vars namn motsvarar ett namn i KUVA-förteckningen (sannolik motsvarighet, inte den officiella förteckningen). Koordinatorerna kontrollerar och rättar uppsättningen.",
            "Indicators whose title matches a name in the KUVA list (a probable match, not the official list). Coordinators check and correct the set.",
        ],
    },
    SeedSet {
        key: "minimum-list",
        name: [
            "Hyvinvointikertomuksen vähimmäistietolista (THL)",
            "THL:s minimiförteckning för välfärdsberättelsen",
            "THL's minimum list for the municipal welfare report",
        ],
        description: [
            "Luettelon indikaattoreita ei ole saatavilla ilman verkkoyhteyttä, joten joukko on aluksi tyhjä: koordinaattorit lisäävät siihen THL:n luettelon indikaattorit.",
            "Förteckningens indikatorer finns inte tillgängliga utan nätförbindelse, så uppsättningen är först tom: koordinatorerna lägger till indikatorerna i THL:s förteckning.",
            "The list's indicators are not available offline, so the set starts empty: coordinators add the indicators of THL's list.",
        ],
    },
    SeedSet {
        key: "region",
        name: [
            "Päijät-Hämeen omat indikaattorit",
            "Päijänne-Tavastlands egna indikatorer",
            "Päijät-Häme's own indicators",
        ],
        description: [
            "Alueen itse valitsemat indikaattorit. Koordinaattorit kokoavat joukon.",
            "Indikatorer som regionen själv har valt. Koordinatorerna sammanställer uppsättningen.",
            "The indicators the region chose itself. Coordinators put the set together.",
        ],
    },
];

#[derive(Deserialize)]
struct CsvRow {
    id: String,
    topic: String,
    in_kuva_list: String,
    title_fi: String,
    title_en: String,
    title_sv: String,
    unit_inferred_from_title: String,
    organization_id: String,
    organization_en: String,
}

/// The value type for the shortlist's unit (inferred from the title).
pub fn value_type_of_unit(unit: &str) -> &'static str {
    match unit {
        "%" => "percent",
        "per 1 000" => "per_1000",
        "per 10 000" => "per_10000",
        "per 100 000" => "per_100000",
        "count" => "count",
        "EUR" => "euros",
        "litres pure alcohol per capita" => "litres",
        "index" => "index",
        _ => "other",
    }
}

/// The value type for Sotkanet's `primaryValueType`.
pub fn value_type_of(t: &ValueType) -> &'static str {
    match t {
        ValueType::Percent => "percent",
        ValueType::Per10000 => "per_10000",
        ValueType::Per100000 => "per_100000",
        ValueType::Other(code) => match code.as_str() {
            "PER1000" => "per_1000",
            "LKM" | "COUNT" => "count",
            "EUR" | "EUROA" => "euros",
            "INDEKSI" | "INDEX" => "index",
            _ => "other",
        },
    }
}

/// The theme slug of a shortlist topic (KUVA/wellbeing has none).
pub fn theme_of_topic(topic: &str) -> Option<&'static str> {
    match topic {
        "substance" => Some("substances"),
        "mental_health" => Some("mental-health"),
        "gambling" => Some("gambling"),
        "violence" => Some("violence"),
        _ => None,
    }
}

/// The producer's Finnish name for the organisation ids of the shortlist (from Sotkanet's
/// indicator list); others keep the English name the file gives.
fn producer(id: &str, english: &str) -> String {
    match id {
        "2" => "Terveyden ja hyvinvoinnin laitos (THL)",
        "3" => "Tilastokeskus",
        "5" => "Kansaneläkelaitos (Kela)",
        "32" => "Työ- ja elinkeinoministeriö (TEM)",
        "37" => "Asumisen rahoitus- ja kehittämiskeskus (ARA)",
        _ => english,
    }
    .to_owned()
}

/// The indicators of the reference files, in the shortlist's order.
pub fn indicators() -> anyhow::Result<Vec<SeedIndicator>> {
    let meta: serde_json::Value =
        serde_json::from_str(METADATA_JSON).context("the metadata sample is not JSON")?;
    let mut described = Vec::new();
    if let Some(map) = meta.get("indicators").and_then(|v| v.as_object()) {
        for (id, v) in map {
            let m = sotkanet_meta::indicator(v, &format!("$.indicators.{id}"))
                .map_err(|e| anyhow::anyhow!("metadata sample: {e}"))?;
            described.push(m);
        }
    }
    let mut reader = csv::Reader::from_reader(SHORTLIST_CSV.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.deserialize::<CsvRow>().enumerate() {
        let c =
            row.with_context(|| format!("data/sotkanet_indicator_shortlist.csv row {}", i + 2))?;
        let mut s = SeedIndicator {
            themes: theme_of_topic(&c.topic).into_iter().collect(),
            value_type: value_type_of_unit(&c.unit_inferred_from_title),
            decimals: 1,
            producer: producer(&c.organization_id, &c.organization_en),
            source_updated: String::new(),
            description: Default::default(),
            limits: Default::default(),
            in_kuva_list: c.in_kuva_list == "yes",
            topic: c.topic,
            source_id: c.id,
            title_fi: c.title_fi,
            title_sv: c.title_sv,
            title_en: c.title_en,
        };
        if let Some(m) = described.iter().find(|m| m.id.to_string() == s.source_id) {
            s.description =
                [&m.description.fi, &m.description.sv, &m.description.en].map(|t| sanitize(t));
            s.limits = [&m.limits.fi, &m.limits.sv, &m.limits.en].map(|t| sanitize(t));
            if let Some(t) = &m.value_type {
                s.value_type = value_type_of(t);
            }
            if let Some(d) = m.decimals {
                s.decimals = i64::from(d.min(6));
            }
            if let Some(o) = &m.organization
                && !o.title.fi.is_empty()
            {
                s.producer = o.title.fi.trim().to_owned();
            }
            s.source_updated = m.data_updated.clone().unwrap_or_default();
        }
        out.push(s);
    }
    Ok(out)
}

/// Which seeded indicators a set starts with.
fn starts_in(set: &str, i: &SeedIndicator) -> bool {
    match set {
        "substance-key" => i.topic == "substance",
        "kuva" => i.in_kuva_list,
        _ => false,
    }
}

/// What one load inserted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub indicators: usize,
    pub sets: usize,
}

/// Loads the catalogue's reference data (see the module doc).
pub async fn load(db: &Db) -> anyhow::Result<Seeded> {
    let rows = indicators()?;
    let actor = Actor::system("reference");
    let now = Utc::now();
    let mut n = Seeded::default();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let themes: Vec<(i64, String)> = sqlx::query_as("SELECT id, slug FROM themes").fetch_all(&mut *tx).await?;
        let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
        for r in &rows {
            let inserted: Option<i64> = sqlx::query_scalar(
                "INSERT INTO indicators (source, source_id, title_fi, title_sv, title_en, description_fi, description_sv, description_en, \
                 limits_fi, limits_sv, limits_en, value_type, decimals, producer, attribution, source_updated, created_at, updated_at) \
                 VALUES ('sotkanet', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) \
                 ON CONFLICT (source, source_id) DO NOTHING RETURNING id")
                .bind(&r.source_id).bind(&r.title_fi).bind(&r.title_sv).bind(&r.title_en)
                .bind(&r.description[0]).bind(&r.description[1]).bind(&r.description[2])
                .bind(&r.limits[0]).bind(&r.limits[1]).bind(&r.limits[2])
                .bind(r.value_type).bind(r.decimals).bind(&r.producer).bind(super::SOTKANET_ATTRIBUTION)
                .bind(&r.source_updated).bind(now)
                .fetch_optional(&mut *tx).await?;
            let id = match inserted {
                Some(id) => {
                    for slug in &r.themes {
                        if let Some((theme, _)) = themes.iter().find(|(_, s)| s == slug) {
                            sqlx::query("INSERT INTO indicator_themes (indicator_id, theme_id) VALUES ($1, $2)")
                                .bind(id).bind(theme).execute(&mut *tx).await?;
                        }
                    }
                    let after = serde_json::json!({"source": "sotkanet", "source_id": r.source_id, "title_fi": r.title_fi,
                        "value_type": r.value_type, "producer": r.producer, "themes": r.themes});
                    crate::audit!(&mut *tx, &actor, "create", "indicator", id, None, Some(after))?;
                    n.indicators += 1;
                    id
                }
                None => sqlx::query_scalar("SELECT id FROM indicators WHERE source = 'sotkanet' AND source_id = $1")
                    .bind(&r.source_id).fetch_one(&mut *tx).await?,
            };
            ids.push(id);
        }
        for set in &SETS {
            let inserted: Option<i64> = sqlx::query_scalar(
                "INSERT INTO indicator_sets (key, name_fi, name_sv, name_en, description_fi, description_sv, description_en, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (key) DO NOTHING RETURNING id")
                .bind(set.key).bind(set.name[0]).bind(set.name[1]).bind(set.name[2])
                .bind(set.description[0]).bind(set.description[1]).bind(set.description[2]).bind(now)
                .fetch_optional(&mut *tx).await?;
            if let Some(set_id) = inserted {
                let mut members = Vec::new();
                for (r, id) in rows.iter().zip(&ids) {
                    if starts_in(set.key, r) {
                        sqlx::query("INSERT INTO indicator_set_members (set_id, indicator_id, position) VALUES ($1, $2, $3)")
                            .bind(set_id).bind(id).bind(members.len() as i64).execute(&mut *tx).await?;
                        members.push(*id);
                    }
                }
                let after = serde_json::json!({"key": set.key, "name_fi": set.name[0], "indicators": members});
                crate::audit!(&mut *tx, &actor, "create", "indicator_set", set_id, None, Some(after))?;
                n.sets += 1;
            }
        }
        tx.commit().await?;
    });
    if n != Seeded::default() {
        tracing::info!(
            indicators = n.indicators,
            sets = n.sets,
            "indicator catalogue seeded"
        );
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortlist_gives_99_indicators_with_types_and_themes() {
        let rows = indicators().unwrap_or_default();
        assert_eq!(rows.len(), 99);
        let i289 = rows
            .iter()
            .find(|r| r.source_id == "289")
            .map(|r| (r.value_type, r.themes.clone()));
        assert_eq!(i289, Some(("percent", vec!["substances"])));
        assert_eq!(rows.iter().filter(|r| r.in_kuva_list).count(), 23);
        let i186 = rows.iter().find(|r| r.source_id == "186");
        assert!(i186.is_some_and(|r| r.value_type == "per_100000"
            && r.description[0].contains("<p>")
            && !r.description[0].contains("id=")));
    }
}
