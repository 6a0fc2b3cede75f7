//! SQL for the catalogue and the sets. Changes are written with their audit row in one
//! transaction, after `lock_version!` and the version check (`web/conflict.rs`).
//!
//! Search folds in Rust like `db::keys` (so "ä" finds "Ä" on both databases) over the
//! titles and the source id. The catalogue is small — the shortlist's 99 indicators, a few
//! thousand with Sotkanet's whole list — so the filtered ids and titles are read, matched
//! and sorted in Rust, and only the page's rows are then read whole.

use chrono::Utc;

use super::{Indicator, IndicatorInput, IndicatorSet, POLARITIES, SOURCES, SetInput};
use crate::auth::Actor;
use crate::core::paging::{Page, Paging};
use crate::db::{Db, id_list, keys::fold};
use crate::error::{AppError, AppResult};
use crate::web::forms::Check;
use crate::with_db;

/// The catalogue's filters; each is optional.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CatalogueFilter {
    /// Text found in a title (any language) or the source id.
    pub q: Option<String>,
    /// A theme slug.
    pub theme: Option<String>,
    /// A set's key or id.
    pub set: Option<String>,
    /// `sotkanet`, `statfin` or `local`.
    pub source: Option<String>,
}

const COLUMNS: &str = "i.id, i.source, i.source_id, i.title_fi, i.title_sv, i.title_en, i.description_fi, i.description_sv, \
    i.description_en, i.limits_fi, i.limits_sv, i.limits_en, i.value_type, CAST(i.decimals AS BIGINT) AS decimals, i.polarity, i.producer, i.attribution, \
    i.source_updated, i.is_example, i.version";

/// The ids of the indicators that pass the filters, sorted by Finnish title (folded).
pub async fn matching_ids(db: &Db, f: &CatalogueFilter) -> AppResult<Vec<i64>> {
    // No theme or set is named with a NUL (which PostgreSQL refuses in text).
    if [&f.theme, &f.set]
        .iter()
        .any(|v| v.as_deref().is_some_and(|s| s.contains('\0')))
    {
        return Ok(vec![]);
    }
    let mut sql = String::from(
        "SELECT i.id, i.source_id, i.title_fi, i.title_sv, i.title_en FROM indicators i WHERE 1 = 1",
    );
    let mut binds: Vec<String> = Vec::new();
    if let Some(s) = f.source.as_deref().filter(|s| !s.is_empty()) {
        if !SOURCES.contains(&s) {
            return Err(AppError::BadRequest("error-choice"));
        }
        binds.push(s.to_owned());
        sql.push_str(&format!(" AND i.source = ${}", binds.len()));
    }
    if let Some(t) = f.theme.as_deref().filter(|s| !s.is_empty()) {
        binds.push(t.to_owned());
        sql.push_str(&format!(
            " AND i.id IN (SELECT it.indicator_id FROM indicator_themes it JOIN themes th ON th.id = it.theme_id WHERE th.slug = ${})",
            binds.len()
        ));
    }
    if let Some(s) = f.set.as_deref().filter(|s| !s.is_empty()) {
        binds.push(s.to_owned());
        let n = binds.len();
        sql.push_str(&format!(
            " AND i.id IN (SELECT m.indicator_id FROM indicator_set_members m JOIN indicator_sets s ON s.id = m.set_id WHERE s.key = ${n} OR CAST(s.id AS TEXT) = ${n})"
        ));
    }
    let rows: Vec<(i64, String, String, String, String)> = with_db!(db, p => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(p).await
    })?;
    let needle =
        f.q.as_deref()
            .map(|q| fold(q.trim()))
            .filter(|q| !q.is_empty());
    let mut found: Vec<(String, i64)> = rows
        .into_iter()
        .filter(|(_, sid, fi, sv, en)| match &needle {
            None => true,
            Some(n) => [sid, fi, sv, en]
                .iter()
                .any(|t| fold(t).contains(n.as_str())),
        })
        .map(|(id, _, fi, _, _)| (fold(&fi), id))
        .collect();
    found.sort();
    Ok(found.into_iter().map(|(_, id)| id).collect())
}

/// One page of the catalogue.
pub async fn list(db: &Db, f: &CatalogueFilter, paging: Paging) -> AppResult<Page<Indicator>> {
    let ids = matching_ids(db, f).await?;
    let total = ids.len() as i64;
    let page_ids: Vec<i64> = ids
        .into_iter()
        .skip(paging.offset().max(0) as usize)
        .take(paging.limit() as usize)
        .collect();
    let items = by_ids(db, &page_ids).await?;
    Ok(Page::new(items, total, paging))
}

/// The indicators with these ids, in the given order, with their themes and sets.
pub async fn by_ids(db: &Db, ids: &[i64]) -> AppResult<Vec<Indicator>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let list = id_list(ids.iter().copied());
    let sql = format!("SELECT {COLUMNS} FROM indicators i WHERE i.id IN ({list})");
    let themes_sql = format!(
        "SELECT it.indicator_id, th.slug FROM indicator_themes it JOIN themes th ON th.id = it.theme_id WHERE it.indicator_id IN ({list}) ORDER BY th.sort_order"
    );
    let sets_sql = format!(
        "SELECT m.indicator_id, s.key FROM indicator_set_members m JOIN indicator_sets s ON s.id = m.set_id WHERE m.indicator_id IN ({list}) ORDER BY s.id"
    );
    let (rows, themes, sets) = with_db!(db, p => {
        let rows: Vec<Indicator> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await?;
        let themes: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(themes_sql.as_str())).fetch_all(p).await?;
        let sets: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sets_sql.as_str())).fetch_all(p).await?;
        Ok::<_, sqlx::Error>((rows, themes, sets))
    })?;
    let mut themes = crate::db::group_by_owner(themes);
    let mut sets = crate::db::group_by_owner(sets);
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(mut r) = rows.iter().find(|r| r.id == *id).cloned() {
            r.themes = themes.remove(id).unwrap_or_default();
            r.sets = sets.remove(id).unwrap_or_default();
            out.push(r);
        }
    }
    Ok(out)
}

/// One indicator (404 when there is none).
pub async fn get(db: &Db, id: i64) -> AppResult<Indicator> {
    by_ids(db, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

/// Checks a coordinator's change; returns it cleaned, with the themes' ids.
async fn check_input(db: &Db, input: &IndicatorInput) -> AppResult<(IndicatorInput, Vec<i64>)> {
    let mut c = Check::new();
    let v = IndicatorInput {
        polarity: c.one_of("polarity", &input.polarity, POLARITIES),
        title_sv: c.optional_line("title_sv", &input.title_sv, 500),
        title_en: c.optional_line("title_en", &input.title_en, 500),
        themes: input.themes.clone(),
        version: input.version,
    };
    let theme_ids = crate::core::themes::ids_for(db, &input.themes, &mut c, "themes").await?;
    Ok((c.finish(v)?, theme_ids))
}

/// Changes what coordinators own of an indicator: polarity, Swedish and English titles,
/// themes (audited; a stale version is 409).
pub async fn update(
    db: &Db,
    id: i64,
    input: &IndicatorInput,
    actor: &Actor,
) -> AppResult<Indicator> {
    let (v, theme_ids) = check_input(db, input).await?;
    let before = get(db, id).await?;
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "indicators", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(v.version, current)?;
        let old: (String, String, String) = sqlx::query_as("SELECT polarity, title_sv, title_en FROM indicators WHERE id = $1")
            .bind(id).fetch_one(&mut *tx).await?;
        let old_themes: Vec<String> = sqlx::query_scalar(
            "SELECT th.slug FROM indicator_themes it JOIN themes th ON th.id = it.theme_id WHERE it.indicator_id = $1 ORDER BY th.sort_order")
            .bind(id).fetch_all(&mut *tx).await?;
        sqlx::query("UPDATE indicators SET polarity = $1, title_sv = $2, title_en = $3, updated_at = $4, version = version + 1 WHERE id = $5")
            .bind(&v.polarity).bind(&v.title_sv).bind(&v.title_en).bind(Utc::now()).bind(id)
            .execute(&mut *tx).await?;
        crate::replace_links!(tx, "indicator_themes", "indicator_id", "theme_id", id, &theme_ids)?;
        let b = serde_json::json!({"source_id": before.source_id, "polarity": old.0, "title_sv": old.1, "title_en": old.2, "themes": old_themes});
        let a = serde_json::json!({"source_id": before.source_id, "polarity": v.polarity, "title_sv": v.title_sv, "title_en": v.title_en, "themes": v.themes});
        crate::audit!(&mut *tx, actor, "update", "indicator", id, Some(b), Some(a))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    get(db, id).await
}

const SET_COLUMNS: &str = "s.id, s.key, s.name_fi, s.name_sv, s.name_en, s.description_fi, s.description_sv, s.description_en, s.version, \
    (SELECT COUNT(*) FROM indicator_set_members m WHERE m.set_id = s.id) AS size";

/// Every set, in the order they were made.
pub async fn sets(db: &Db) -> AppResult<Vec<IndicatorSet>> {
    let sql = format!("SELECT {SET_COLUMNS} FROM indicator_sets s ORDER BY s.id");
    Ok(
        with_db!(db, p => sqlx::query_as::<_, IndicatorSet>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?,
    )
}

/// One set by id or key (404 when there is none).
pub async fn set(db: &Db, id_or_key: &str) -> AppResult<IndicatorSet> {
    if id_or_key.contains('\0') || id_or_key.len() > 200 {
        return Err(AppError::NotFound);
    }
    let sql = format!(
        "SELECT {SET_COLUMNS} FROM indicator_sets s WHERE s.key = $1 OR CAST(s.id AS TEXT) = $1"
    );
    with_db!(db, p => sqlx::query_as::<_, IndicatorSet>(sqlx::AssertSqlSafe(sql.as_str())).bind(id_or_key).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)
}

/// A set's indicator ids in its order.
pub async fn member_ids(db: &Db, set_id: i64) -> AppResult<Vec<i64>> {
    let sql = "SELECT indicator_id FROM indicator_set_members WHERE set_id = $1 ORDER BY position, indicator_id";
    Ok(with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(set_id).fetch_all(p).await)?)
}

/// Replaces a set's members and their order (coordinators; audited; a stale version is
/// 409; an unknown or repeated indicator is a field error).
pub async fn update_set(
    db: &Db,
    set_id: i64,
    input: &SetInput,
    actor: &Actor,
) -> AppResult<IndicatorSet> {
    let mut c = Check::new();
    let mut seen = Vec::with_capacity(input.indicators.len());
    for id in &input.indicators {
        if seen.contains(id) {
            c.add("indicators", "catalogue-error-repeated");
        } else {
            seen.push(*id);
        }
    }
    if !seen.is_empty() {
        let sql = format!(
            "SELECT COUNT(*) FROM indicators WHERE id IN ({})",
            id_list(seen.iter().copied())
        );
        let n = with_db!(db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str())).fetch_one(p).await)?;
        if n != seen.len() as i64 {
            c.add("indicators", "error-choice");
        }
    }
    c.finish(())?;
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "indicator_sets", set_id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(input.version, current)?;
        let before: Vec<i64> = sqlx::query_scalar("SELECT indicator_id FROM indicator_set_members WHERE set_id = $1 ORDER BY position, indicator_id")
            .bind(set_id).fetch_all(&mut *tx).await?;
        sqlx::query("DELETE FROM indicator_set_members WHERE set_id = $1").bind(set_id).execute(&mut *tx).await?;
        for (pos, id) in seen.iter().enumerate() {
            sqlx::query("INSERT INTO indicator_set_members (set_id, indicator_id, position) VALUES ($1, $2, $3)")
                .bind(set_id).bind(id).bind(pos as i64).execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE indicator_sets SET updated_at = $1, version = version + 1 WHERE id = $2")
            .bind(Utc::now()).bind(set_id).execute(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "update", "indicator_set", set_id,
            Some(serde_json::json!({"indicators": before})), Some(serde_json::json!({"indicators": seen})))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    set(db, &set_id.to_string()).await
}
