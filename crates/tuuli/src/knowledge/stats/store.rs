//! SQL of the statistics views: the indicators of a set or theme, the areas around an
//! area (its region, the country, the region's municipalities) and the values of many
//! areas × indicators in one query (the values' key starts with the area).

use serde::Serialize;
use utoipa::ToSchema;

use super::model::Raw;
use crate::db::{Db, id_list};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::with_db;

/// An indicator as the statistics views need it.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct IndicatorMeta {
    pub id: i64,
    pub source: String,
    pub source_id: String,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    /// percent, per_1000, per_10000, per_100000, count, euros, litres, index, other.
    pub value_type: String,
    pub decimals: i32,
    /// higher_better, lower_better or none.
    pub polarity: String,
    pub attribution: String,
}

impl IndicatorMeta {
    /// The title in `lang`, Finnish when missing.
    pub fn title(&self, lang: Lang) -> &str {
        let t = lang.pick(&self.title_fi, &self.title_sv, &self.title_en);
        if t.is_empty() { &self.title_fi } else { t }
    }
}

const INDICATOR_COLS: &str = "i.id, i.source, i.source_id, i.title_fi, i.title_sv, i.title_en, i.value_type, i.decimals, i.polarity, i.attribution";

/// A set, as chosen on the pages.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct SetRef {
    pub id: i64,
    pub key: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
}

/// Every set, for the choosers.
pub async fn sets(db: &Db) -> AppResult<Vec<SetRef>> {
    Ok(with_db!(db, p => sqlx::query_as::<_, SetRef>(
        "SELECT id, key, name_fi, name_sv, name_en FROM indicator_sets ORDER BY id").fetch_all(p).await)?)
}

/// The set named by key (or id); the first set when none is named; `None` without sets.
pub async fn choose_set(db: &Db, key: Option<&str>) -> AppResult<Option<SetRef>> {
    let all = sets(db).await?;
    Ok(match key.filter(|k| !k.is_empty()) {
        Some(k) => Some(
            all.into_iter()
                .find(|s| s.key == k || s.id.to_string() == k)
                .ok_or(AppError::NotFound)?,
        ),
        None => all.into_iter().next(),
    })
}

/// The indicators of a set (in the set's order), or of the whole catalogue without a
/// set; only those of `theme` (a slug) when given.
pub async fn indicators(
    db: &Db,
    set: Option<i64>,
    theme: Option<&str>,
) -> AppResult<Vec<IndicatorMeta>> {
    let theme_cond = "($2 = '' OR EXISTS (SELECT 1 FROM indicator_themes it JOIN themes t ON t.id = it.theme_id WHERE it.indicator_id = i.id AND t.slug = $2))";
    let theme = theme.unwrap_or("");
    Ok(match set {
        Some(set) => {
            let sql = format!(
                "SELECT {INDICATOR_COLS} FROM indicator_set_members m JOIN indicators i ON i.id = m.indicator_id \
                 WHERE m.set_id = $1 AND {theme_cond} ORDER BY m.position, i.id"
            );
            with_db!(db, p => sqlx::query_as::<_, IndicatorMeta>(sqlx::AssertSqlSafe(sql.as_str())).bind(set).bind(theme).fetch_all(p).await)?
        }
        None => {
            let sql = format!(
                "SELECT {INDICATOR_COLS} FROM indicators i WHERE $1 = 0 AND {theme_cond} ORDER BY i.id"
            );
            with_db!(db, p => sqlx::query_as::<_, IndicatorMeta>(sqlx::AssertSqlSafe(sql.as_str())).bind(0i64).bind(theme).fetch_all(p).await)?
        }
    })
}

/// One indicator (404 when missing).
pub async fn indicator(db: &Db, id: i64) -> AppResult<IndicatorMeta> {
    let sql = format!("SELECT {INDICATOR_COLS} FROM indicators i WHERE i.id = $1");
    with_db!(db, p => sqlx::query_as::<_, IndicatorMeta>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)
}

/// Some indicators by id, in one query (unknown ids are left out).
pub async fn indicators_by_id(db: &Db, ids: &[i64]) -> AppResult<Vec<IndicatorMeta>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {INDICATOR_COLS} FROM indicators i WHERE i.id IN ({}) ORDER BY i.id",
        id_list(ids.iter().copied())
    );
    Ok(
        with_db!(db, p => sqlx::query_as::<_, IndicatorMeta>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?,
    )
}

/// The theme slugs of some indicators: (indicator id, slug).
pub async fn indicator_themes(db: &Db, ids: &[i64]) -> AppResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT it.indicator_id, t.slug FROM indicator_themes it JOIN themes t ON t.id = it.theme_id \
         WHERE it.indicator_id IN ({}) ORDER BY t.sort_order",
        id_list(ids.iter().copied())
    );
    Ok(
        with_db!(db, p => sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?,
    )
}

/// An area by name, for the views.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow, PartialEq)]
pub struct AreaRef {
    pub id: i64,
    pub kind: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub parent_id: Option<i64>,
}

impl AreaRef {
    /// The name in `lang`, Finnish when missing.
    pub fn name(&self, lang: Lang) -> &str {
        let t = lang.pick(&self.name_fi, &self.name_sv, &self.name_en);
        if t.is_empty() { &self.name_fi } else { t }
    }
}

const AREA_COLS: &str = "a.id, a.kind, a.name_fi, a.name_sv, a.name_en, a.parent_id";

/// One area (404 when missing).
pub async fn area(db: &Db, id: i64) -> AppResult<AreaRef> {
    let sql = format!("SELECT {AREA_COLS} FROM areas a WHERE a.id = $1");
    with_db!(db, p => sqlx::query_as::<_, AreaRef>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)
}

/// The country (the first area of kind `country`).
pub async fn country(db: &Db) -> AppResult<Option<AreaRef>> {
    let sql =
        format!("SELECT {AREA_COLS} FROM areas a WHERE a.kind = 'country' ORDER BY a.id LIMIT 1");
    Ok(
        with_db!(db, p => sqlx::query_as::<_, AreaRef>(sqlx::AssertSqlSafe(sql.as_str())).fetch_optional(p).await)?,
    )
}

/// The region an area belongs to in `year`: from `area_memberships` when it has any
/// rows (the import layer's area history), else its `parent_id`. A region is its own.
pub async fn region_of(db: &Db, a: &AreaRef, year: i32) -> AppResult<Option<AreaRef>> {
    if a.kind == "region" {
        return Ok(Some(a.clone()));
    }
    let sql = format!(
        "SELECT {AREA_COLS} FROM areas a WHERE a.kind = 'region' AND ( \
           a.id IN (SELECT m.parent_id FROM area_memberships m WHERE m.area_id = $1 AND $2 BETWEEN m.valid_from AND m.valid_to) \
           OR (a.id = $3 AND NOT EXISTS (SELECT 1 FROM area_memberships m2 JOIN areas p2 ON p2.id = m2.parent_id WHERE m2.area_id = $1 AND p2.kind = 'region'))) \
         ORDER BY a.id LIMIT 1"
    );
    Ok(
        with_db!(db, p => sqlx::query_as::<_, AreaRef>(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(a.id).bind(year).bind(a.parent_id.unwrap_or(0)).fetch_optional(p).await)?,
    )
}

/// The municipalities of a region in `year` (memberships valid in the year, or
/// `parent_id` for municipalities without membership rows), by name.
pub async fn members(db: &Db, region: i64, year: i32) -> AppResult<Vec<AreaRef>> {
    let sql = format!(
        "SELECT {AREA_COLS} FROM areas a WHERE a.kind = 'municipality' AND ( \
           EXISTS (SELECT 1 FROM area_memberships m WHERE m.area_id = a.id AND m.parent_id = $1 AND $2 BETWEEN m.valid_from AND m.valid_to) \
           OR (a.parent_id = $1 AND NOT EXISTS (SELECT 1 FROM area_memberships m2 JOIN areas p2 ON p2.id = m2.parent_id WHERE m2.area_id = a.id AND p2.kind = 'region'))) \
         ORDER BY a.name_fi, a.id"
    );
    Ok(
        with_db!(db, p => sqlx::query_as::<_, AreaRef>(sqlx::AssertSqlSafe(sql.as_str())).bind(region).bind(year).fetch_all(p).await)?,
    )
}

/// Every municipality of the country valid in `year`, by name.
pub async fn municipalities_in(db: &Db, year: i32) -> AppResult<Vec<AreaRef>> {
    let sql = format!(
        "SELECT {AREA_COLS} FROM areas a WHERE a.kind = 'municipality' \
           AND (a.valid_from IS NULL OR a.valid_from <= $1) AND (a.valid_to IS NULL OR a.valid_to >= $1) \
         ORDER BY a.name_fi, a.id"
    );
    Ok(
        with_db!(db, p => sqlx::query_as::<_, AreaRef>(sqlx::AssertSqlSafe(sql.as_str())).bind(year).fetch_all(p).await)?,
    )
}

/// One stored value with where it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRow {
    pub area_id: i64,
    pub indicator_id: i64,
    pub sex: i32,
    pub raw: Raw,
    pub synthetic: bool,
}

/// The values of `areas` × `indicators` (all years), of one sex or all, in one query.
pub async fn values(
    db: &Db,
    areas: &[i64],
    indicators: &[i64],
    sex: Option<i32>,
) -> AppResult<Vec<ValueRow>> {
    values_in(db, areas, indicators, sex, &[]).await
}

/// [`values`] of some years only (all years when `years` is empty).
pub async fn values_in(
    db: &Db,
    areas: &[i64],
    indicators: &[i64],
    sex: Option<i32>,
    years: &[i32],
) -> AppResult<Vec<ValueRow>> {
    if areas.is_empty() || indicators.is_empty() {
        return Ok(Vec::new());
    }
    let year_cond = if years.is_empty() {
        String::new()
    } else {
        format!(
            " AND v.year IN ({})",
            id_list(years.iter().map(|y| i64::from(*y)))
        )
    };
    let sql = format!(
        "SELECT v.area_id, v.indicator_id, v.year, v.sex, v.value, v.count, v.denominator, im.is_synthetic \
         FROM indicator_values v JOIN imports im ON im.id = v.import_id \
         WHERE v.area_id IN ({}) AND v.indicator_id IN ({}){year_cond} AND ($1 < 0 OR v.sex = $1) \
         ORDER BY v.area_id, v.indicator_id, v.year",
        id_list(areas.iter().copied()),
        id_list(indicators.iter().copied())
    );
    type Row = (
        i64,
        i64,
        i32,
        i32,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        bool,
    );
    let rows: Vec<Row> = with_db!(db, p => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql.as_str())).bind(sex.unwrap_or(-1)).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(
            |(area_id, indicator_id, year, sex, value, count, denominator, synthetic)| ValueRow {
                area_id,
                indicator_id,
                sex,
                raw: Raw {
                    year,
                    value,
                    count,
                    denominator,
                },
                synthetic,
            },
        )
        .collect())
}

/// A number that changes whenever anything a statistics view is built from changes: a
/// finished import (values), the catalogue (kinds, polarity, titles, themes), the sets and
/// their members, the areas and their memberships. One cheap query; see `core::memo`.
pub async fn stamp(db: &Db) -> AppResult<i64> {
    let row: (i64, i64, i64, i64, i64, i64) = with_db!(db, p => sqlx::query_as(
        "SELECT (SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM imports WHERE status = 'done'), \
                (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM indicators), \
                (SELECT CAST(COUNT(*) AS BIGINT) FROM indicators), \
                (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM indicator_sets), \
                (SELECT CAST(COUNT(*) AS BIGINT) FROM indicator_set_members), \
                (SELECT CAST(COALESCE(SUM(version), 0) + COUNT(*) AS BIGINT) FROM areas) \
                  + (SELECT CAST(COUNT(*) AS BIGINT) FROM area_memberships)")
        .fetch_one(p).await)?;
    let (a, b, c, d, e, f) = row;
    Ok([a, b, c, d, e, f]
        .into_iter()
        .fold(17i64, |h, x| h.wrapping_mul(1_000_003).wrapping_add(x)))
}

/// The years with values of one indicator, newest first.
pub async fn years(db: &Db, indicator: i64) -> AppResult<Vec<i32>> {
    Ok(with_db!(db, p => sqlx::query_scalar::<_, i32>(
        "SELECT DISTINCT year FROM indicator_values WHERE indicator_id = $1 ORDER BY year DESC")
        .bind(indicator).fetch_all(p).await)?)
}
