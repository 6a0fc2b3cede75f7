//! Reference data every installation needs, demo or not: the four themes and the region's
//! areas (`data/paijat_hame_regions.csv`, embedded). `tuuli migrate`, `tuuli serve` and the
//! other commands load it right after the migrations, so a production server on an empty
//! database can take organisations with an area from its first request.
//!
//! Loading is idempotent and upserts by natural key (a theme's slug; an area's kind and
//! official code): a missing row is inserted, a row whose data differs from the file is
//! updated to the file's values, a row that matches is left alone, and rows the file does
//! not name (areas coordinators added) are never touched. Every insert and update is
//! audited as the actor `reference`. Unlike a SQL data migration, a corrected file takes
//! effect on the next start.

use anyhow::Context;
use serde::Deserialize;

use crate::auth::Actor;
use crate::core::areas::Area;
use crate::core::themes::THEMES;
use crate::db::Db;
use crate::with_db;

const REGIONS_CSV: &str = include_str!("../../../../data/paijat_hame_regions.csv");

/// The region's own official code (Päijät-Häme): parent of its municipalities and sub-region.
pub const REGION_CODE: &str = "07";
/// The whole country's code: parent of the wider areas.
pub const COUNTRY_CODE: &str = "SSS";

/// One area as the reference file gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRow {
    pub kind: &'static str,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub official_code: String,
    pub statfin_code: String,
    pub sotkanet_id: Option<i64>,
    pub population: Option<i64>,
}

/// The columns of `paijat_hame_regions.csv` that Tuuli uses.
#[derive(Debug, Deserialize)]
struct CsvRow {
    name_fi: String,
    name_sv: String,
    category: String,
    official_code: String,
    statfin_code: String,
    sotkanet_region_id: Option<i64>,
    population_2009_sotkanet_ind127: Option<i64>,
    population_2023_fiwiki: Option<i64>,
    population_2024_citypopulation: Option<i64>,
}

/// Parses the embedded regions file (newest population first); names in parentheses are
/// the file's English glosses and are dropped. A row of an unknown category is an error.
pub fn area_rows() -> anyhow::Result<Vec<AreaRow>> {
    let mut reader = csv::Reader::from_reader(REGIONS_CSV.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.deserialize::<CsvRow>().enumerate() {
        let c = row.with_context(|| format!("data/paijat_hame_regions.csv row {}", i + 2))?;
        let kind = match c.category.as_str() {
            "KUNTA" => "municipality",
            "MAAKUNTA" => "region",
            "HYVINVOINTIALUE" => "wellbeing_county",
            "SEUTUKUNTA" => "subregion",
            "SAIRAANHOITOPIIRI" => "hospital_district",
            "MAA" => "country",
            other => anyhow::bail!("data/paijat_hame_regions.csv: unknown category {other}"),
        };
        let fi = c.name_fi.split(" (").next().unwrap_or(&c.name_fi).trim();
        let (sv, en) = match kind {
            "wellbeing_county" => (
                "Päijänne-Tavastlands välfärdsområde",
                "Päijät-Häme wellbeing services county",
            ),
            "region" => (c.name_sv.as_str(), "Päijät-Häme"),
            "subregion" => (c.name_sv.as_str(), "Lahti sub-region"),
            "hospital_district" => (c.name_sv.as_str(), "Päijät-Häme hospital district (former)"),
            "country" => ("Hela landet", "Finland"),
            _ => (c.name_sv.as_str(), fi),
        };
        out.push(AreaRow {
            kind,
            name_fi: fi.to_owned(),
            name_sv: sv.to_owned(),
            name_en: en.to_owned(),
            official_code: c.official_code,
            statfin_code: c.statfin_code,
            sotkanet_id: c.sotkanet_region_id,
            population: c
                .population_2024_citypopulation
                .or(c.population_2023_fiwiki)
                .or(c.population_2009_sotkanet_ind127),
        });
    }
    // Parents before children: the country, then the region, then the rest.
    out.sort_by_key(|r| match (r.kind, r.official_code.as_str()) {
        ("country", _) => 0,
        ("region", REGION_CODE) => 1,
        _ => 2,
    });
    Ok(out)
}

/// What one load changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Loaded {
    pub inserted: usize,
    pub updated: usize,
}

/// Loads the themes and the region's areas (idempotent; see the module doc).
pub async fn load(db: &Db) -> anyhow::Result<Loaded> {
    let rows = area_rows()?;
    let actor = Actor::system("reference");
    let mut n = Loaded::default();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        for (i, (slug, fi, sv, en)) in THEMES.iter().enumerate() {
            let order = i as i64;
            let found: Option<(i64, String, String, String, i64)> = sqlx::query_as(
                "SELECT id, name_fi, name_sv, name_en, sort_order FROM themes WHERE slug = $1",
            ).bind(slug).fetch_optional(&mut *tx).await?;
            let after = serde_json::json!({"slug": slug, "name_fi": fi, "name_sv": sv, "name_en": en, "sort_order": order});
            match found {
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO themes (slug, name_fi, name_sv, name_en, sort_order) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    ).bind(slug).bind(fi).bind(sv).bind(en).bind(order).fetch_one(&mut *tx).await?;
                    crate::audit!(&mut *tx, &actor, "create", "theme", id, None, Some(after))?;
                    n.inserted += 1;
                }
                Some((id, f, s, e, o)) if (f.as_str(), s.as_str(), e.as_str(), o) != (*fi, *sv, *en, order) => {
                    sqlx::query("UPDATE themes SET name_fi = $1, name_sv = $2, name_en = $3, sort_order = $4 WHERE id = $5")
                        .bind(fi).bind(sv).bind(en).bind(order).bind(id).execute(&mut *tx).await?;
                    let before = serde_json::json!({"slug": slug, "name_fi": f, "name_sv": s, "name_en": e, "sort_order": o});
                    crate::audit!(&mut *tx, &actor, "update", "theme", id, Some(before), Some(after))?;
                    n.updated += 1;
                }
                Some(_) => {}
            }
        }

        let mut ids: Vec<(&'static str, String, i64)> = Vec::new();
        for r in rows.iter() {
            let id_of = |kind: &str, code: &str| ids.iter().find(|(k, c, _)| *k == kind && c == code).map(|(_, _, id)| *id);
            let parent = match r.kind {
                "country" => None,
                "municipality" | "subregion" => id_of("region", REGION_CODE),
                _ => id_of("country", COUNTRY_CODE),
            };
            let found: Option<Area> = sqlx::query_as(
                "SELECT id, kind, name_fi, name_sv, name_en, official_code, statfin_code, sotkanet_id, parent_id, population, version \
                 FROM areas WHERE kind = $1 AND official_code = $2",
            ).bind(r.kind).bind(&r.official_code).fetch_optional(&mut *tx).await?;
            let wanted = Area {
                id: found.as_ref().map_or(0, |a| a.id),
                kind: r.kind.to_owned(),
                name_fi: r.name_fi.clone(),
                name_sv: r.name_sv.clone(),
                name_en: r.name_en.clone(),
                official_code: r.official_code.clone(),
                statfin_code: r.statfin_code.clone(),
                sotkanet_id: r.sotkanet_id,
                parent_id: parent,
                population: r.population,
                version: found.as_ref().map_or(1, |a| a.version),
            };
            let id = match found {
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO areas (kind, name_fi, name_sv, name_en, official_code, statfin_code, sotkanet_id, parent_id, population) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                        .bind(r.kind).bind(&r.name_fi).bind(&r.name_sv).bind(&r.name_en).bind(&r.official_code)
                        .bind(&r.statfin_code).bind(r.sotkanet_id).bind(parent).bind(r.population)
                        .fetch_one(&mut *tx).await?;
                    let after = serde_json::to_value(Area { id, ..wanted })?;
                    crate::audit!(&mut *tx, &actor, "create", "area", id, None, Some(after))?;
                    n.inserted += 1;
                    id
                }
                Some(old) if !same_area(&old, &wanted) => {
                    sqlx::query(
                        "UPDATE areas SET name_fi = $1, name_sv = $2, name_en = $3, statfin_code = $4, sotkanet_id = $5, parent_id = $6, population = $7, version = version + 1 WHERE id = $8")
                        .bind(&r.name_fi).bind(&r.name_sv).bind(&r.name_en).bind(&r.statfin_code)
                        .bind(r.sotkanet_id).bind(parent).bind(r.population).bind(old.id)
                        .execute(&mut *tx).await?;
                    crate::audit!(&mut *tx, &actor, "update", "area", old.id, Some(serde_json::to_value(&old)?), Some(serde_json::to_value(&wanted)?))?;
                    n.updated += 1;
                    old.id
                }
                Some(old) => old.id,
            };
            ids.push((r.kind, r.official_code.clone(), id));
        }
        tx.commit().await?;
    });
    if n != Loaded::default() {
        tracing::info!(
            inserted = n.inserted,
            updated = n.updated,
            "reference data loaded"
        );
    }
    Ok(n)
}

fn same_area(a: &Area, b: &Area) -> bool {
    (
        &a.name_fi,
        &a.name_sv,
        &a.name_en,
        &a.statfin_code,
        a.sotkanet_id,
        a.parent_id,
        a.population,
    ) == (
        &b.name_fi,
        &b.name_sv,
        &b.name_en,
        &b.statfin_code,
        b.sotkanet_id,
        b.parent_id,
        b.population,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_regions_file_gives_ten_municipalities_and_the_wider_areas() {
        let rows = super::area_rows().unwrap();
        assert_eq!(rows.iter().filter(|r| r.kind == "municipality").count(), 10);
        let lahti = rows.iter().find(|r| r.name_fi == "Lahti").expect("Lahti");
        assert_eq!(
            (
                lahti.official_code.as_str(),
                lahti.sotkanet_id,
                lahti.name_sv.as_str()
            ),
            ("398", Some(177), "Lahtis")
        );
        let region = rows.iter().find(|r| r.kind == "region").expect("region");
        assert_eq!(
            (region.name_fi.as_str(), region.sotkanet_id),
            ("Päijät-Häme", Some(493))
        );
        assert!(
            rows.iter()
                .any(|r| r.kind == "wellbeing_county" && r.sotkanet_id == Some(975))
        );
        assert_eq!(rows[0].official_code, super::COUNTRY_CODE, "parents first");
        assert_eq!(rows[1].official_code, super::REGION_CODE, "parents first");
    }
}
