//! Reading indicator values: one selection (indicators × areas × years × sexes, each
//! optional, and an area kind) for the indicator page, the API and the exports.
//!
//! The primary key of `indicator_values` starts with the area, so "one area, every
//! indicator of a set" is `WHERE area_id IN (…) AND indicator_id IN (…)`, an index range
//! per area. Lists of ids, years and sexes are integers we parsed and are written into the
//! SQL (`db::id_list`); the area kind is checked against its vocabulary and bound.

use futures_util::TryStreamExt;
use serde::Serialize;

use crate::core::paging::{Page, Paging};
use crate::db::{Db, id_list};
use crate::error::{AppError, AppResult};
use crate::with_db;

/// Which values to read; an empty list means "any".
#[derive(Debug, Clone, Default, Serialize)]
pub struct Selection {
    pub indicators: Vec<i64>,
    pub areas: Vec<i64>,
    pub years: Vec<i64>,
    pub sexes: Vec<i64>,
    /// An area kind (`municipality`, `region`, …).
    pub area_kind: Option<String>,
}

/// How the rows come: by key (area first, the fast order for exports and the API) or, for
/// an indicator's page, by area kind, area name, newest year first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Key,
    Page,
}

/// One value with what a reader needs to know about it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ValueRow {
    pub indicator_id: i64,
    /// The indicator's source and its id there (`sotkanet`, `289`).
    pub indicator_source: String,
    pub indicator_source_id: String,
    pub indicator_title_fi: String,
    /// The Swedish and English titles (empty when not translated).
    pub indicator_title_sv: String,
    pub indicator_title_en: String,
    pub area_id: i64,
    pub area_kind: String,
    /// The area's official code (municipality number, region code).
    pub area_code: String,
    pub area_name_fi: String,
    pub area_name_sv: String,
    pub area_name_en: String,
    pub year: i64,
    /// 0 total, 1 male, 2 female (`sex_name` gives the word).
    #[schema(minimum = 0, maximum = 2)]
    pub sex: i64,
    pub value: Option<f64>,
    pub count: Option<f64>,
    pub denominator: Option<f64>,
    pub decimals: i64,
    /// Whether the value came from a synthetic import (demo, benchmark): labelled wherever
    /// it is shown.
    pub synthetic: bool,
}

const SELECT: &str = "SELECT v.indicator_id, i.source AS indicator_source, i.source_id AS indicator_source_id, \
    i.title_fi AS indicator_title_fi, i.title_sv AS indicator_title_sv, i.title_en AS indicator_title_en, v.area_id, a.kind AS area_kind, a.official_code AS area_code, a.name_fi AS area_name_fi, \
    a.name_sv AS area_name_sv, a.name_en AS area_name_en, CAST(v.year AS BIGINT) AS year, CAST(v.sex AS BIGINT) AS sex, \
    v.value, v.count, v.denominator, CAST(i.decimals AS BIGINT) AS decimals, \
    m.is_synthetic AS synthetic";
const FROM: &str = " FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id JOIN areas a ON a.id = v.area_id \
    JOIN imports m ON m.id = v.import_id";

/// The FROM of a count: the values alone (every value's area, indicator and import exist:
/// triggers refuse deleting them, migration 0019), with the areas only when filtered by
/// kind. Joining the indicators and imports only to count cost four times the count.
fn count_from(kind: &Option<String>) -> &'static str {
    if kind.is_some() {
        " FROM indicator_values v JOIN areas a ON a.id = v.area_id"
    } else {
        " FROM indicator_values v"
    }
}

impl Selection {
    /// The WHERE clause (`$1` is the area kind when given) and whether it binds the kind.
    fn where_sql(&self) -> AppResult<(String, Option<String>)> {
        let mut w = String::from(" WHERE 1 = 1");
        // Area first, as the key starts with it.
        if !self.areas.is_empty() {
            w.push_str(&format!(
                " AND v.area_id IN ({})",
                id_list(self.areas.iter().copied())
            ));
        }
        if !self.indicators.is_empty() {
            w.push_str(&format!(
                " AND v.indicator_id IN ({})",
                id_list(self.indicators.iter().copied())
            ));
        }
        if !self.years.is_empty() {
            w.push_str(&format!(
                " AND v.year IN ({})",
                id_list(self.years.iter().copied())
            ));
        }
        if !self.sexes.is_empty() {
            w.push_str(&format!(
                " AND v.sex IN ({})",
                id_list(self.sexes.iter().copied())
            ));
        }
        let kind = match self.area_kind.as_deref().filter(|k| !k.is_empty()) {
            Some(k) if crate::core::kinds::AREA_KINDS.contains(&k) => {
                w.push_str(" AND a.kind = $1");
                Some(k.to_owned())
            }
            Some(_) => return Err(AppError::BadRequest("error-choice")),
            None => None,
        };
        Ok((w, kind))
    }
}

fn order_sql(order: Order) -> &'static str {
    match order {
        Order::Key => " ORDER BY v.area_id, v.indicator_id, v.year, v.sex",
        Order::Page => " ORDER BY a.kind, a.name_fi, a.id, v.indicator_id, v.year DESC, v.sex",
    }
}

/// One page of values.
pub async fn page(
    db: &Db,
    sel: &Selection,
    order: Order,
    paging: Paging,
) -> AppResult<Page<ValueRow>> {
    let (w, kind) = sel.where_sql()?;
    let sql = format!("{SELECT}{FROM}{w}{}{}", order_sql(order), paging.sql());
    let count_sql = format!("SELECT COUNT(*){}{w}", count_from(&kind));
    let (items, total) = with_db!(db, p => {
        let mut q = sqlx::query_as::<_, ValueRow>(sqlx::AssertSqlSafe(sql.as_str()));
        let mut c = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql.as_str()));
        if let Some(k) = &kind {
            q = q.bind(k.clone());
            c = c.bind(k.clone());
        }
        Ok::<_, sqlx::Error>((q.fetch_all(p).await?, c.fetch_one(p).await?))
    })?;
    Ok(Page::new(items, total, paging))
}

/// How many values a selection has.
pub async fn count(db: &Db, sel: &Selection) -> AppResult<i64> {
    let (w, kind) = sel.where_sql()?;
    let sql = format!("SELECT COUNT(*){}{w}", count_from(&kind));
    Ok(with_db!(db, p => {
        let mut c = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str()));
        if let Some(k) = kind {
            c = c.bind(k);
        }
        c.fetch_one(p).await
    })?)
}

/// Whether any value of the selection came from a synthetic import.
pub async fn any_synthetic(db: &Db, sel: &Selection) -> AppResult<bool> {
    let (w, kind) = sel.where_sql()?;
    let sql =
        format!("SELECT COUNT(*) FROM (SELECT 1{FROM}{w} AND m.is_synthetic = TRUE LIMIT 1) x");
    let n = with_db!(db, p => {
        let mut c = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str()));
        if let Some(k) = kind {
            c = c.bind(k);
        }
        c.fetch_one(p).await
    })?;
    Ok(n > 0)
}

/// Sends every value of the selection, in key order, to `tx` as it is read from the
/// database (a stream: memory does not grow with the selection; a bounded channel makes
/// the reading wait for a slow client). Stops when the receiver is gone.
pub async fn send_all(
    db: &Db,
    sel: &Selection,
    tx: tokio::sync::mpsc::Sender<ValueRow>,
) -> AppResult<()> {
    let (w, kind) = sel.where_sql()?;
    let sql = format!("{SELECT}{FROM}{w}{}", order_sql(Order::Key));
    with_db!(db, p => {
        let mut q = sqlx::query_as::<_, ValueRow>(sqlx::AssertSqlSafe(sql.as_str()));
        if let Some(k) = kind {
            q = q.bind(k);
        }
        let mut rows = q.fetch(p);
        while let Some(row) = rows.try_next().await? {
            if tx.send(row).await.is_err() {
                break;
            }
        }
        Ok::<_, sqlx::Error>(())
    })?;
    Ok(())
}

/// Every value of the selection in key order, in memory (XLSX and JSON-stat, after the
/// caller has checked the count against its cap).
pub async fn all(db: &Db, sel: &Selection) -> AppResult<Vec<ValueRow>> {
    let (w, kind) = sel.where_sql()?;
    let sql = format!("{SELECT}{FROM}{w}{}", order_sql(Order::Key));
    Ok(with_db!(db, p => {
        let mut q = sqlx::query_as::<_, ValueRow>(sqlx::AssertSqlSafe(sql.as_str()));
        if let Some(k) = kind {
            q = q.bind(k);
        }
        q.fetch_all(p).await
    })?)
}
