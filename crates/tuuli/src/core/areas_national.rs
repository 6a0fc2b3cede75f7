//! The national area list: every municipality, region (maakunta), wellbeing services
//! county (hyvinvointialue), sub-region, former hospital district and the country, from
//! Sotkanet's region list, with their history (validity, successors and which wider area a
//! municipality belonged to in which years). Loaded by every command after
//! [`crate::core::reference::load`], from files embedded in the binary:
//!
//! - `data/sotkanet_regions.json`: Sotkanet's `/regions` answer (511 regions, 2015);
//! - `data/sotkanet_wellbeing_counties.csv`: the 23 wellbeing services counties' Sotkanet
//!   ids and codes (they began in 2023, after the region list was saved);
//! - `data/area_history.csv`: validity, successors and memberships that changed
//!   (Nastola → Lahti and Hämeenkoski → Hollola in 2016, Iitti from Kymenlaakso to
//!   Päijät-Häme in 2021, the wellbeing services county from 2023).
//!
//! Sotkanet categories outside the `areas.kind` vocabulary are skipped: ELY-KESKUS,
//! ALUEHALLINTOVIRASTO, ERVA, SUURALUE, NUTS1, EUROOPPA, EURALUEET and POHJOISMAAT (they
//! are not used by the region's welfare reports; adding them means a migration).
//!
//! Areas are matched by Sotkanet id, then by (kind, official code). Rows the region's own
//! file (`data/paijat_hame_regions.csv`) names stay as that file has them; the others
//! take the national list's names and parent. The load runs only when the files changed
//! (their SHA-256 is kept in `reference_loads`), so an ordinary start costs one query.
//! `area_memberships` is written only here: it is replaced as a whole when the files
//! change.

use std::collections::{BTreeSet, HashMap};

use anyhow::Context;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::auth::Actor;
use crate::db::Db;
use crate::with_db;

const REGIONS_JSON: &str = include_str!("../../../../data/sotkanet_regions.json");
const COUNTIES_CSV: &str = include_str!("../../../../data/sotkanet_wellbeing_counties.csv");
const HISTORY_CSV: &str = include_str!("../../../../data/area_history.csv");
/// Raise when the loading rules change, so the next start loads again.
const LOADER_VERSION: &str = "1";
/// The `reference_loads` row of this loader.
const LOAD_NAME: &str = "areas_national";

/// Years without an end: `area_memberships`' defaults.
const OPEN_FROM: i64 = 1900;
const OPEN_TO: i64 = 2200;

/// An area's (valid from, valid to, successor).
type Life = (Option<i64>, Option<i64>, Option<i64>);

/// One area of the national list.
#[derive(Debug, Clone, PartialEq)]
pub struct NationalArea {
    pub sotkanet_id: i64,
    pub kind: &'static str,
    pub code: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    /// Sotkanet ids of the wider areas it belongs to (kinds Tuuli keeps only).
    pub member_of: Vec<i64>,
}

#[derive(Deserialize)]
struct JsonRegion {
    id: i64,
    code: String,
    category: String,
    #[serde(default)]
    title: HashMap<String, String>,
    #[serde(default, rename = "memberOf")]
    member_of: Vec<i64>,
}

#[derive(Deserialize)]
struct CountyRow {
    nimi: String,
    uusi_id: i64,
    uusi_code: String,
}

/// The `areas.kind` of a Sotkanet category, or None for categories Tuuli does not keep.
pub fn kind_of(category: &str) -> Option<&'static str> {
    Some(match category {
        "MAA" => "country",
        "HYVINVOINTIALUE" => "wellbeing_county",
        "MAAKUNTA" => "region",
        "SEUTUKUNTA" => "subregion",
        "SAIRAANHOITOPIIRI" => "hospital_district",
        "KUNTA" => "municipality",
        _ => return None,
    })
}

/// Parents before children.
fn rank(kind: &str) -> u8 {
    match kind {
        "country" => 0,
        "wellbeing_county" => 1,
        "region" => 2,
        "hospital_district" => 3,
        "subregion" => 4,
        _ => 5,
    }
}

/// The national list from the embedded files, parents first.
pub fn national_areas() -> anyhow::Result<Vec<NationalArea>> {
    let regions: Vec<JsonRegion> =
        serde_json::from_str(REGIONS_JSON).context("data/sotkanet_regions.json")?;
    let kept: HashMap<i64, &'static str> = regions
        .iter()
        .filter_map(|r| kind_of(&r.category).map(|k| (r.id, k)))
        .collect();
    let mut out: Vec<NationalArea> = regions
        .into_iter()
        .filter_map(|r| {
            let kind = kind_of(&r.category)?;
            let name = |l: &str| r.title.get(l).cloned().unwrap_or_default();
            Some(NationalArea {
                sotkanet_id: r.id,
                kind,
                code: r.code.clone(),
                name_fi: name("fi"),
                name_sv: name("sv"),
                name_en: name("en"),
                member_of: r
                    .member_of
                    .iter()
                    .copied()
                    .filter(|m| kept.contains_key(m))
                    .collect(),
            })
        })
        .collect();
    let mut counties = csv::Reader::from_reader(COUNTIES_CSV.as_bytes());
    for (i, row) in counties.deserialize::<CountyRow>().enumerate() {
        let c =
            row.with_context(|| format!("data/sotkanet_wellbeing_counties.csv row {}", i + 2))?;
        out.push(NationalArea {
            sotkanet_id: c.uusi_id,
            kind: "wellbeing_county",
            // Two digits, as the region's file and Statistics Finland write them.
            code: format!("{:0>2}", c.uusi_code.trim()),
            name_fi: c.nimi,
            name_sv: String::new(),
            name_en: String::new(),
            member_of: Vec::new(),
        });
    }
    out.sort_by_key(|a| rank(a.kind));
    Ok(out)
}

/// One line of `data/area_history.csv`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct HistoryRow {
    /// `validity`, `successor` or `membership`.
    pub record: String,
    pub kind: String,
    pub code: String,
    #[serde(default)]
    pub other_kind: String,
    #[serde(default)]
    pub other_code: String,
    pub valid_from: Option<i64>,
    pub valid_to: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// The history file's rows.
pub fn history_rows() -> anyhow::Result<Vec<HistoryRow>> {
    let mut reader = csv::Reader::from_reader(HISTORY_CSV.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.deserialize::<HistoryRow>().enumerate() {
        let r = row.with_context(|| format!("data/area_history.csv row {}", i + 2))?;
        if !["validity", "successor", "membership"].contains(&r.record.as_str()) {
            anyhow::bail!(
                "data/area_history.csv row {}: unknown record {}",
                i + 2,
                r.record
            );
        }
        out.push(r);
    }
    Ok(out)
}

fn checksum() -> String {
    let mut h = Sha256::new();
    for part in [LOADER_VERSION, REGIONS_JSON, COUNTIES_CSV, HISTORY_CSV] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// What one load did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Loaded {
    /// False when the files had not changed since the last load (nothing was read).
    pub ran: bool,
    pub inserted: usize,
    pub updated: usize,
    pub memberships: usize,
}

/// Loads the national area list and its history when the embedded files changed (see the
/// module doc). Run after [`crate::core::reference::load`].
pub async fn load(db: &Db) -> anyhow::Result<Loaded> {
    let sum = checksum();
    let stored: Option<String> = with_db!(db, p => sqlx::query_scalar(
        "SELECT checksum FROM reference_loads WHERE name = $1",
    ).bind(LOAD_NAME).fetch_optional(p).await)?;
    if stored.as_deref() == Some(sum.as_str()) {
        return Ok(Loaded::default());
    }
    let areas = national_areas()?;
    let history = history_rows()?;
    let regional: BTreeSet<i64> = crate::core::reference::area_rows()?
        .iter()
        .filter_map(|r| r.sotkanet_id)
        .collect();
    let actor = Actor::system("reference");
    let mut n = Loaded {
        ran: true,
        ..Loaded::default()
    };
    type Row = (
        i64,
        String,
        String,
        Option<i64>,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let existing: Vec<Row> = sqlx::query_as(
            "SELECT id, kind, official_code, sotkanet_id, name_fi, name_sv, name_en, parent_id, CAST(valid_from AS BIGINT), CAST(valid_to AS BIGINT), successor_id FROM areas",
        ).fetch_all(&mut *tx).await?;
        let mut by_sotkanet: HashMap<i64, usize> = HashMap::new();
        let mut by_code: HashMap<(String, String), usize> = HashMap::new();
        for (i, r) in existing.iter().enumerate() {
            if let Some(s) = r.3 {
                by_sotkanet.insert(s, i);
            }
            by_code.insert((r.1.clone(), r.2.clone()), i);
        }
        // Sotkanet id → area id, filled parents first.
        let mut ids: HashMap<i64, i64> = HashMap::new();
        let mut kind_of_id: HashMap<i64, &'static str> = HashMap::new();
        let country = areas.iter().find(|a| a.kind == "country").map(|a| a.sotkanet_id);
        for a in &areas {
            let found = by_sotkanet
                .get(&a.sotkanet_id)
                .or_else(|| by_code.get(&(a.kind.to_owned(), a.code.clone())))
                .map(|i| &existing[*i]);
            let parent_sotkanet = match a.kind {
                "country" => None,
                "municipality" | "subregion" => a
                    .member_of
                    .iter()
                    .copied()
                    .find(|m| areas.iter().any(|x| x.sotkanet_id == *m && x.kind == "region")),
                _ => country,
            };
            let parent = parent_sotkanet.and_then(|s| ids.get(&s).copied());
            let id = match found {
                Some(old) if regional.contains(&a.sotkanet_id) => old.0,
                Some(old) => {
                    let same = (old.4.as_str(), old.5.as_str(), old.6.as_str(), old.3, old.7)
                        == (a.name_fi.as_str(), a.name_sv.as_str(), a.name_en.as_str(), Some(a.sotkanet_id), parent);
                    if !same {
                        sqlx::query("UPDATE areas SET name_fi = $1, name_sv = $2, name_en = $3, sotkanet_id = $4, parent_id = $5, version = version + 1 WHERE id = $6")
                            .bind(&a.name_fi).bind(&a.name_sv).bind(&a.name_en).bind(a.sotkanet_id).bind(parent).bind(old.0)
                            .execute(&mut *tx).await?;
                        let before = serde_json::json!({"name_fi": old.4, "name_sv": old.5, "name_en": old.6, "sotkanet_id": old.3, "parent_id": old.7});
                        let after = serde_json::json!({"name_fi": a.name_fi, "name_sv": a.name_sv, "name_en": a.name_en, "sotkanet_id": a.sotkanet_id, "parent_id": parent});
                        crate::audit!(&mut *tx, &actor, "update", "area", old.0, Some(before), Some(after))?;
                        n.updated += 1;
                    }
                    old.0
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO areas (kind, name_fi, name_sv, name_en, official_code, sotkanet_id, parent_id) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                        .bind(a.kind).bind(&a.name_fi).bind(&a.name_sv).bind(&a.name_en).bind(&a.code)
                        .bind(a.sotkanet_id).bind(parent)
                        .fetch_one(&mut *tx).await?;
                    let after = serde_json::json!({"kind": a.kind, "name_fi": a.name_fi, "name_sv": a.name_sv, "name_en": a.name_en, "official_code": a.code, "sotkanet_id": a.sotkanet_id, "parent_id": parent});
                    crate::audit!(&mut *tx, &actor, "create", "area", id, None, Some(after))?;
                    n.inserted += 1;
                    id
                }
            };
            ids.insert(a.sotkanet_id, id);
            kind_of_id.insert(id, a.kind);
        }

        // Areas by (kind, code) for the history file: the national codes, then the
        // region's file's own codes (its country is `SSS`).
        let mut by_kind_code: HashMap<(String, String), i64> = HashMap::new();
        for a in &areas {
            if let Some(id) = ids.get(&a.sotkanet_id) {
                by_kind_code.insert((a.kind.to_owned(), a.code.clone()), *id);
            }
        }
        for r in &existing {
            by_kind_code.entry((r.1.clone(), r.2.clone())).or_insert(r.0);
        }
        let find = |kind: &str, code: &str| {
            by_kind_code
                .get(&(kind.to_owned(), code.to_owned()))
                .copied()
                .with_context(|| format!("data/area_history.csv names {kind} {code}, which is not an area"))
        };

        // Validity and successors.
        let mut life: HashMap<i64, Life> = HashMap::new();
        for h in history.iter().filter(|h| h.record != "membership") {
            let id = find(&h.kind, &h.code)?;
            let e = life.entry(id).or_default();
            if h.record == "validity" {
                e.0 = h.valid_from;
                e.1 = h.valid_to;
            } else {
                e.2 = Some(find(&h.other_kind, &h.other_code)?);
            }
        }
        for (id, (from, to, successor)) in &life {
            let old = existing.iter().find(|r| r.0 == *id);
            if old.is_some_and(|o| (o.8, o.9, o.10) == (*from, *to, *successor)) {
                continue;
            }
            sqlx::query("UPDATE areas SET valid_from = $1, valid_to = $2, successor_id = $3, version = version + 1 WHERE id = $4")
                .bind(*from).bind(*to).bind(*successor).bind(*id).execute(&mut *tx).await?;
            let before = old.map(|o| serde_json::json!({"valid_from": o.8, "valid_to": o.9, "successor_id": o.10}));
            let after = serde_json::json!({"valid_from": from, "valid_to": to, "successor_id": successor});
            crate::audit!(&mut *tx, &actor, "update", "area", *id, before, Some(after))?;
            n.updated += 1;
        }

        // Memberships: the region list's (open-ended), except where the history file
        // speaks for an (area, kind of wider area) pair.
        let mut overridden: BTreeSet<(i64, &str)> = BTreeSet::new();
        let mut rows: BTreeSet<(i64, i64, i64, i64)> = BTreeSet::new();
        for h in history.iter().filter(|h| h.record == "membership") {
            let id = find(&h.kind, &h.code)?;
            let parent = find(&h.other_kind, &h.other_code)?;
            overridden.insert((id, kind_of_id.get(&parent).copied().unwrap_or("")));
            rows.insert((id, parent, h.valid_from.unwrap_or(OPEN_FROM), h.valid_to.unwrap_or(OPEN_TO)));
        }
        for a in &areas {
            let Some(id) = ids.get(&a.sotkanet_id).copied() else { continue };
            for m in &a.member_of {
                let Some(parent) = ids.get(m).copied() else { continue };
                let pk = kind_of_id.get(&parent).copied().unwrap_or("");
                if pk == "country" || overridden.contains(&(id, pk)) {
                    continue;
                }
                rows.insert((id, parent, OPEN_FROM, OPEN_TO));
            }
        }
        sqlx::query("DELETE FROM area_memberships").execute(&mut *tx).await?;
        let rows: Vec<_> = rows.into_iter().collect();
        for chunk in rows.chunks(500) {
            // Integers we hold: written into the statement, one statement per 500 rows.
            let values = chunk
                .iter()
                .map(|(a, p, f, t)| format!("({a},{p},{f},{t})"))
                .collect::<Vec<_>>()
                .join(",");
            let sql = format!("INSERT INTO area_memberships (area_id, parent_id, valid_from, valid_to) VALUES {values}");
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
        n.memberships = rows.len();
        let after = serde_json::json!({"memberships": rows.len(), "checksum": sum});
        crate::audit!(&mut *tx, &actor, "update", "area_memberships", 0_i64, None, Some(after))?;

        sqlx::query("INSERT INTO reference_loads (name, checksum, loaded_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, loaded_at = excluded.loaded_at")
            .bind(LOAD_NAME).bind(&sum).bind(chrono::Utc::now()).execute(&mut *tx).await?;
        tx.commit().await?;
    });
    tracing::info!(
        inserted = n.inserted,
        updated = n.updated,
        memberships = n.memberships,
        "national areas loaded"
    );
    Ok(n)
}

/// One member of a wider area in a year.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Member {
    pub id: i64,
    pub kind: String,
    pub name_fi: String,
    pub official_code: String,
}

/// The areas that belonged to `parent_id` in `year`: a membership in force that year, of
/// an area that existed that year (Nastola is a member of Päijät-Häme in 2015, not in
/// 2016; Iitti from 2021). Sorted by name.
pub async fn members_of(db: &Db, parent_id: i64, year: i64) -> anyhow::Result<Vec<Member>> {
    Ok(with_db!(db, p => sqlx::query_as::<_, Member>(
        "SELECT a.id, a.kind, a.name_fi, a.official_code FROM area_memberships m JOIN areas a ON a.id = m.area_id \
         WHERE m.parent_id = $1 AND $2 BETWEEN m.valid_from AND m.valid_to \
         AND (a.valid_from IS NULL OR a.valid_from <= $2) AND (a.valid_to IS NULL OR a.valid_to >= $2) \
         ORDER BY a.name_fi, a.id",
    ).bind(parent_id).bind(year).fetch_all(p).await)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_national_list_keeps_the_kinds_tuuli_knows_and_the_wellbeing_counties() {
        let areas = super::national_areas().unwrap();
        let count = |k: &str| areas.iter().filter(|a| a.kind == k).count();
        assert_eq!(count("municipality"), 320);
        assert_eq!(count("region"), 19);
        assert_eq!(count("subregion"), 70);
        assert_eq!(count("hospital_district"), 21);
        assert_eq!(count("country"), 1);
        assert_eq!(count("wellbeing_county"), 23);
        let phhva = areas.iter().find(|a| a.sotkanet_id == 975).unwrap();
        assert_eq!(phhva.code, "09", "two digits, as in the region's file");
        assert_eq!(areas[0].kind, "country", "parents first");
    }

    #[test]
    fn the_history_file_names_the_known_changes() {
        let h = super::history_rows().unwrap();
        assert!(
            h.iter()
                .any(|r| r.record == "successor" && r.code == "532" && r.other_code == "398")
        );
        assert!(h.iter().any(|r| r.record == "membership"
            && r.code == "142"
            && r.other_code == "07"
            && r.valid_from == Some(2021)));
    }
}
