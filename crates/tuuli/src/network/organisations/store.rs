//! SQL for organisations. Every change is written to the audit log in the same transaction.

use chrono::Utc;
use serde::Deserialize;

use super::model::{Organisation, OrganisationInput};
use crate::auth::Actor;
use crate::core::paging::{Page, Paging, Window};
use crate::db::filter::{Arg, Filter};
use crate::db::{Db, keys};
use crate::error::{AppError, AppResult};
use crate::web::forms::Check;
use crate::with_db;

/// List filters (all optional).
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgFilter {
    /// Organisation type.
    #[serde(default, rename = "type")]
    #[param(inline, value_type = Option<crate::core::kinds::schema::OrgType>)]
    pub org_type: Option<String>,
    /// Area id.
    #[serde(default)]
    pub area: Option<i64>,
    /// Theme slug.
    #[serde(default)]
    #[param(inline, value_type = Option<crate::core::kinds::schema::ThemeSlug>)]
    pub theme: Option<String>,
    /// Text in the name.
    #[serde(default)]
    pub q: Option<String>,
}

const SELECT: &str = "SELECT o.id, o.name_fi, o.name_sv, o.org_type, o.area_id, a.name_fi AS area_name, o.website, o.is_example, o.created_at, o.updated_at, o.version \
                      FROM organisations o LEFT JOIN areas a ON a.id = o.area_id";

/// The WHERE clause of the filters given (see [`Filter`]).
fn filter(db: &Db, f: &OrgFilter) -> Filter {
    let mut w = Filter::new();
    if let Some(t) = f.org_type.as_deref().filter(|t| !t.is_empty()) {
        w.push("o.org_type = ?", vec![Arg::Text(t.to_owned())]);
    }
    if let Some(a) = f.area.filter(|a| *a != 0) {
        w.push("o.area_id = ?", vec![Arg::Int(a)]);
    }
    if let Some(t) = f.theme.as_deref().filter(|t| !t.is_empty()) {
        w.push(
            "EXISTS (SELECT 1 FROM organisation_themes ot JOIN themes t ON t.id = ot.theme_id WHERE ot.organisation_id = o.id AND t.slug = ?)",
            vec![Arg::Text(t.to_owned())],
        );
    }
    if let Some(q) = f.q.as_deref() {
        w.search(db, "organisations", "o", q);
    }
    w
}

/// One page of organisations by name, with the total. The page's ids come first from the
/// name index (`organisations_name_idx`: the sort is the index order; a deep page skips
/// index entries, not whole rows, or — from a keyset cursor, `Paging::cursor` — seeks
/// straight to its first entry); only those rows are read and joined. One row more than
/// the page is read to know whether a next page exists (`Page::window`). The total is its
/// own query with only the filters given, capped when `Paging::count_cap` says so:
/// unfiltered and exact, it is the count that the triggers of migration 0023 keep in
/// `row_counts` (no index read whole on every request). How a search finds its page (a short walk of the
/// name index, or its matches sorted, counted in the same statement on PostgreSQL) is
/// `Filter::find_page`'s choice.
pub async fn list(db: &Db, f: &OrgFilter, paging: Paging) -> AppResult<Page<Organisation>> {
    let mut paging = paging;
    let counted = filter(db, f);
    let mut w = counted.clone();
    w.matches_are_the_list(counted.len() == 1);
    w.apply_cursor(db, "organisations", "o", &mut paging)
        .await?;
    let cap = paging.count_cap;
    let count_sql = counted.count_sql("organisations", "o", cap);
    // A search alone is counted in the FTS5 index, without reading the rows it found.
    let fts_count = counted.fts_count_capped(cap).filter(|_| counted.len() == 1);
    // Every organisation, exactly (the JSON list): the count the triggers of migration
    // 0023 keep, instead of reading a whole index.
    let all = counted.is_empty() && cap.is_none();
    let count = || async {
        with_db!(db, p => match &fts_count {
            Some((sql, phrase)) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).bind(*phrase).fetch_one(p).await,
            None if all => sqlx::query_scalar("SELECT n FROM row_counts WHERE name = 'organisations'").fetch_one(p).await,
            None => crate::bind_filter!(sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str())), counted).fetch_one(p).await,
        })
    };
    let (total, ids) = w
        .find_page(db, "organisations", "o", &paging, &count)
        .await?;
    let mut items: Vec<Organisation> = w
        .page_rows(db, SELECT, "organisations", "o", &paging, ids)
        .await?;
    let total = crate::db::filter::total_of_page(total, !items.is_empty(), &paging, count).await?;
    let window = Window::trim(&mut items, &paging, |o| o.id);
    attach_themes(db, &mut items).await?;
    Ok(Page::new(items, total, paging).windowed(window, cap))
}

/// How many organisations a chooser lists at most.
pub const CHOICES_SHOWN: usize = crate::web::chooser::SHOWN;

/// Organisations for the people list's filter: see [`choices_for`].
pub async fn choices_matching(
    db: &Db,
    text: Option<&str>,
    chosen: Option<i64>,
) -> AppResult<(Vec<(i64, String)>, bool)> {
    let chosen: Vec<i64> = chosen.into_iter().collect();
    let text = text.unwrap_or("");
    let (choices, more) = choices_for(db, text, &chosen).await?;
    Ok((choices, more && !text.trim().is_empty()))
}

/// Organisations for a chooser that scales (`web::chooser`): the ones already chosen and,
/// when `text` is given, up to [`CHOICES_SHOWN`] whose names contain it, by name (found
/// through the trigram index). Without text, a registry of at most [`CHOICES_SHOWN`]
/// organisations is listed whole (read from the name index, never more than that many
/// rows); a larger one only the chosen: a form never lists the whole registry. The flag
/// says whether more organisations matched (or, without text, exist) than are listed.
pub async fn choices_for(
    db: &Db,
    text: &str,
    chosen: &[i64],
) -> AppResult<(Vec<(i64, String)>, bool)> {
    let chosen: Vec<i64> = chosen.iter().copied().filter(|id| *id > 0).collect();
    let mut out: Vec<(i64, String)> = Vec::new();
    if !chosen.is_empty() {
        let sql = format!(
            "SELECT id, name_fi FROM organisations WHERE id IN ({}) ORDER BY name_key, id",
            crate::db::id_list(chosen.iter().copied())
        );
        out = with_db!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?;
    }
    let mut w = Filter::new();
    w.search(db, "organisations", "o", text);
    let searched = !w.is_empty();
    // Nothing typed and a large registry: only the chosen. Told by the count the
    // triggers of migration 0023 keep, one row by its key, instead of reading the first
    // rows of the registry only to find that there are more (0.2 ms of PostgreSQL on
    // every people list page, whose organisation filter is such a chooser).
    if !searched {
        let all: i64 = with_db!(db, p => sqlx::query_scalar("SELECT n FROM row_counts WHERE name = 'organisations'").fetch_one(p).await)?;
        if all > CHOICES_SHOWN as i64 {
            return Ok((out, true));
        }
    }
    let sql = format!(
        "SELECT o.id, o.name_fi FROM organisations o WHERE o.id IN ({})",
        w.page_ids(
            db,
            "organisations",
            "o",
            &format!(" LIMIT {}", CHOICES_SHOWN + 1)
        )
    ) + " ORDER BY o.name_key, o.id";
    let mut found: Vec<(i64, String)> = with_db!(db, p => crate::bind_filter!(sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())), w).fetch_all(p).await)?;
    let more = found.len() > CHOICES_SHOWN;
    found.truncate(CHOICES_SHOWN);
    if !searched {
        if more {
            // The registry grew past the chooser since the count was read.
            return Ok((out, true));
        }
        // A small registry: all of it, in name order (the chosen among them).
        out.retain(|(id, _)| !found.iter().any(|(f, _)| f == id));
        out.extend(found);
        return Ok((out, false));
    }
    out.extend(found.into_iter().filter(|(id, _)| !chosen.contains(id)));
    Ok((out, more))
}

/// One organisation with its themes, read on `$conn` (a pool connection or the change's
/// transaction); `None` when missing.
macro_rules! load {
    ($conn:expr, $id:expr) => {{
        let sql = format!("{SELECT} WHERE o.id = $1");
        let found: Option<Organisation> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind($id)
            .fetch_optional(&mut *$conn)
            .await?;
        match found {
            None => None,
            Some(mut o) => {
                o.themes = sqlx::query_scalar(THEMES_OF_ONE)
                    .bind($id)
                    .fetch_all(&mut *$conn)
                    .await?;
                Some(o)
            }
        }
    }};
}

const THEMES_OF_ONE: &str = "SELECT t.slug FROM organisation_themes ot JOIN themes t ON t.id = ot.theme_id \
                             WHERE ot.organisation_id = $1 ORDER BY t.sort_order";

pub async fn get(db: &Db, id: i64) -> AppResult<Organisation> {
    let sql = format!("{SELECT} WHERE o.id = $1");
    let org = with_db!(db, p => sqlx::query_as::<_, Organisation>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?;
    let mut items = vec![org.ok_or(AppError::NotFound)?];
    attach_themes(db, &mut items).await?;
    Ok(items.remove(0))
}

/// Loads the theme slugs of many organisations in one query.
async fn attach_themes(db: &Db, items: &mut [Organisation]) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = items.iter().map(|o| o.id).collect();
    let rows: Vec<(i64, String)> = crate::db::rows_for_ids(
        db,
        "SELECT ot.organisation_id, t.slug FROM organisation_themes ot JOIN themes t ON t.id = ot.theme_id \
         WHERE ot.organisation_id {ids} ORDER BY t.sort_order",
        &ids,
    )
    .await?;
    let mut by_owner = crate::db::group_by_owner(rows);
    for o in items.iter_mut() {
        o.themes = by_owner.remove(&o.id).unwrap_or_default();
    }
    Ok(())
}

/// Checks the input against the database (area exists, themes known).
pub async fn validate(
    db: &Db,
    input: &OrganisationInput,
) -> AppResult<(OrganisationInput, Vec<i64>)> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    let themes = crate::core::themes::ids_for(db, &v.themes, &mut c, "themes").await?;
    if let Some(area) = v.area_id
        && crate::core::areas::get_area(db, area).await.is_err()
    {
        c.add("area_id", "error-choice");
    }
    Ok(c.finish((v, themes))?)
}

pub async fn create(db: &Db, input: &OrganisationInput, actor: &Actor) -> AppResult<Organisation> {
    let (v, themes) = validate(db, input).await?;
    let now = Utc::now();
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (name_fi, name_sv, org_type, area_id, website, created_at, updated_at, name_key, search_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8) RETURNING id",
        )
        .bind(&v.name_fi).bind(&v.name_sv).bind(&v.org_type).bind(v.area_id).bind(&v.website).bind(now)
        .bind(keys::fold(&v.name_fi)).bind(keys::search_key(&[&v.name_fi, &v.name_sv]))
        .fetch_one(&mut *tx).await
        .map_err(|e| AppError::from_db(e, "error-duplicate-organisation"))?;
        for t in &themes {
            sqlx::query("INSERT INTO organisation_themes (organisation_id, theme_id) VALUES ($1, $2)").bind(id).bind(t).execute(&mut *tx).await?;
        }
        crate::audit!(&mut *tx, actor, "create", "organisation", id, None, Some(serde_json::to_value(&v).unwrap_or_default()))?;
        tx.commit().await?;
        id
    });
    get(db, id).await
}

pub async fn update(
    db: &Db,
    id: i64,
    input: &OrganisationInput,
    actor: &Actor,
) -> AppResult<Organisation> {
    let (v, themes) = validate(db, input).await?;
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "organisations", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(v.version, current)?;
        let before = load!(tx, id).ok_or(AppError::NotFound)?;
        sqlx::query("UPDATE organisations SET name_fi = $1, name_sv = $2, org_type = $3, area_id = $4, website = $5, updated_at = $6, version = version + 1, name_key = $8, search_key = $9 WHERE id = $7")
            .bind(&v.name_fi).bind(&v.name_sv).bind(&v.org_type).bind(v.area_id).bind(&v.website).bind(Utc::now()).bind(id)
            .bind(keys::fold(&v.name_fi)).bind(keys::search_key(&[&v.name_fi, &v.name_sv]))
            .execute(&mut *tx).await
            .map_err(|e| AppError::from_db(e, "error-duplicate-organisation"))?;
        crate::replace_links!(tx, "organisation_themes", "organisation_id", "theme_id", id, &themes)?;
        crate::audit!(&mut *tx, actor, "update", "organisation", id, Some(serde_json::to_value(&before).unwrap_or_default()), Some(serde_json::to_value(&v).unwrap_or_default()))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    get(db, id).await
}

/// Deletes an organisation that nothing refers to any more. One that still has people,
/// users, convened groups or decisions is refused with 409 and a message saying so.
pub async fn delete(db: &Db, id: i64, actor: &Actor) -> AppResult<()> {
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "organisations", id)?.ok_or(AppError::NotFound)?;
        let before = load!(tx, id).ok_or(AppError::NotFound)?;
        sqlx::query("DELETE FROM organisations WHERE id = $1").bind(id).execute(&mut *tx).await
            .map_err(|e| AppError::in_use(e, "error-organisation-in-use"))?;
        crate::audit!(&mut *tx, actor, "delete", "organisation", id, Some(serde_json::to_value(&before).unwrap_or_default()), None)?;
        tx.commit().await?;
        Ok(())
    })
}

/// A group an organisation convenes, for its page.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct ConvenedGroup {
    pub id: i64,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub status: String,
}

/// The groups this organisation convenes (public information).
pub async fn convened_groups(db: &Db, id: i64) -> AppResult<Vec<ConvenedGroup>> {
    let sql = "SELECT id, name_fi, name_sv, name_en, status FROM work_groups WHERE convener_id = $1 ORDER BY name_fi";
    Ok(with_db!(db, p => sqlx::query_as::<_, ConvenedGroup>(sql).bind(id).fetch_all(p).await)?)
}
