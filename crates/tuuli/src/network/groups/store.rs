//! SQL for groups. Groups are public; their members are not (see `memberships`).
//! Every change is written to the audit log in the same transaction.

use chrono::Utc;
use serde::Deserialize;

use super::model::{Group, GroupInput};
use crate::auth::Viewer;
use crate::core::paging::{Page, Paging};
use crate::db::{Db, keys};
use crate::error::{AppError, AppResult};
use crate::web::forms::Check;
use crate::with_db;

/// List filters (all optional).
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupFilter {
    /// Theme slug.
    #[serde(default)]
    #[param(inline, value_type = Option<crate::core::kinds::schema::ThemeSlug>)]
    pub theme: Option<String>,
    /// Status: active, planned, negotiation or closed.
    #[serde(default)]
    #[param(inline, value_type = Option<crate::core::kinds::schema::GroupStatus>)]
    pub status: Option<String>,
    /// Group type: coordination, expert or other.
    #[serde(default, rename = "type")]
    #[param(inline, value_type = Option<crate::core::kinds::schema::GroupType>)]
    pub group_type: Option<String>,
}

/// The convener's name is a subquery by id, not a join: PostgreSQL merge-joined the
/// organisations' primary key to the page's groups, reading it up to the highest convener
/// id (all 20,000 entries when one convener was added last).
const SELECT: &str = "SELECT g.id, g.name_fi, g.name_sv, g.name_en, g.group_type, g.status, g.convener_id, \
                      (SELECT o.name_fi FROM organisations o WHERE o.id = g.convener_id) AS convener_name, \
                      g.description, g.description_sv, g.description_en, g.is_example, g.created_at, g.updated_at, g.version \
                      FROM work_groups g";

const WHERE: &str = " WHERE ($1 = '' OR g.status = $1) AND ($2 = '' OR g.group_type = $2) \
                      AND ($3 = '' OR EXISTS (SELECT 1 FROM group_themes gt JOIN themes t ON t.id = gt.theme_id WHERE gt.group_id = g.id AND t.slug = $3))";

/// Groups, filtered and paged: the coordination group first, then by name.
pub async fn list(db: &Db, f: &GroupFilter, paging: Paging) -> AppResult<Page<Group>> {
    let status = f.status.clone().unwrap_or_default();
    let ty = f.group_type.clone().unwrap_or_default();
    let theme = f.theme.clone().unwrap_or_default();
    // The page's groups first, then only their conveners: joined before the LIMIT,
    // PostgreSQL hashed the whole organisation table (20,000 rows) for every page.
    let order = "CASE g.group_type WHEN 'coordination' THEN 0 ELSE 1 END, g.name_key, g.id";
    let sql = format!(
        "{SELECT} WHERE g.id IN (SELECT g.id FROM work_groups g{WHERE} ORDER BY {order}{}) ORDER BY {order}",
        paging.sql()
    );
    let count_sql = format!("SELECT COUNT(*) FROM work_groups g{WHERE}");
    let (mut items, total) = with_db!(db, p => {
        let items = sqlx::query_as::<_, Group>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&status).bind(&ty).bind(&theme)
            .fetch_all(p).await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str()))
            .bind(&status).bind(&ty).bind(&theme).fetch_one(p).await?;
        Ok::<_, sqlx::Error>((items, total))
    })?;
    attach_themes(db, &mut items).await?;
    Ok(Page::new(items, total, paging))
}

/// All groups' ids and names, for select boxes.
pub async fn choices(db: &Db) -> AppResult<Vec<(i64, String)>> {
    Ok(
        with_db!(db, p => sqlx::query_as::<_, (i64, String)>("SELECT id, name_fi FROM work_groups ORDER BY name_fi").fetch_all(p).await)?,
    )
}

/// One group with its themes, read on `$conn` (a pool connection or the change's
/// transaction); `None` when missing.
macro_rules! load {
    ($conn:expr, $id:expr) => {{
        let sql = format!("{SELECT} WHERE g.id = $1");
        let found: Option<Group> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind($id).fetch_optional(&mut *$conn).await?;
        match found {
            None => None,
            Some(mut g) => {
                g.themes = sqlx::query_scalar(
                    "SELECT t.slug FROM group_themes gt JOIN themes t ON t.id = gt.theme_id WHERE gt.group_id = $1 ORDER BY t.sort_order",
                )
                .bind($id).fetch_all(&mut *$conn).await?;
                Some(g)
            }
        }
    }};
}

pub async fn get(db: &Db, id: i64) -> AppResult<Group> {
    let sql = format!("{SELECT} WHERE g.id = $1");
    let g = with_db!(db, p => sqlx::query_as::<_, Group>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?;
    let mut items = vec![g.ok_or(AppError::NotFound)?];
    attach_themes(db, &mut items).await?;
    Ok(items.remove(0))
}

/// Loads the theme slugs of many groups in one query.
async fn attach_themes(db: &Db, items: &mut [Group]) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = items.iter().map(|g| g.id).collect();
    let rows: Vec<(i64, String)> = crate::db::rows_for_ids(
        db,
        "SELECT gt.group_id, t.slug FROM group_themes gt JOIN themes t ON t.id = gt.theme_id \
         WHERE gt.group_id {ids} ORDER BY t.sort_order",
        &ids,
    )
    .await?;
    let mut by_owner = crate::db::group_by_owner(rows);
    for g in items.iter_mut() {
        g.themes = by_owner.remove(&g.id).unwrap_or_default();
    }
    Ok(())
}

/// Checks the input against the database (the convener exists, the themes are known).
pub async fn validate(db: &Db, input: &GroupInput) -> AppResult<(GroupInput, Vec<i64>)> {
    let mut c = Check::new();
    let v = input.check(&mut c);
    let themes = crate::core::themes::ids_for(db, &v.themes, &mut c, "themes").await?;
    if let Some(org) = v.convener_id
        && crate::network::organisations::store::get(db, org)
            .await
            .is_err()
    {
        c.add("convener_id", "error-choice");
    }
    Ok(c.finish((v, themes))?)
}

pub async fn create(db: &Db, viewer: &Viewer, input: &GroupInput) -> AppResult<Group> {
    let (v, themes) = validate(db, input).await?;
    let actor = viewer.actor();
    let now = Utc::now();
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO work_groups (name_fi, name_sv, name_en, group_type, convener_id, status, description, description_sv, description_en, created_at, updated_at, name_key, search_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12) RETURNING id",
        )
        .bind(&v.name_fi).bind(&v.name_sv).bind(&v.name_en).bind(&v.group_type).bind(v.convener_id).bind(&v.status).bind(&v.description).bind(&v.description_sv).bind(&v.description_en).bind(now)
        .bind(keys::fold(&v.name_fi)).bind(keys::search_key(&[&v.name_fi, &v.name_sv, &v.name_en]))
        .fetch_one(&mut *tx).await
        .map_err(|e| AppError::from_db(e, "groups-error-duplicate"))?;
        for t in &themes {
            sqlx::query("INSERT INTO group_themes (group_id, theme_id) VALUES ($1, $2)").bind(id).bind(t).execute(&mut *tx).await?;
        }
        crate::audit!(&mut *tx, &actor, "create", "group", id, None, Some(serde_json::to_value(&v).unwrap_or_default()))?;
        tx.commit().await?;
        id
    });
    get(db, id).await
}

/// Replaces a group's data. Only coordinators and admins move a group to another
/// convener: an editor's change of convener is ignored, so that editors cannot hand a
/// group (and its members' data) to another organisation or lock themselves out.
pub async fn update(db: &Db, viewer: &Viewer, id: i64, input: &GroupInput) -> AppResult<Group> {
    let (mut v, themes) = validate(db, input).await?;
    let actor = viewer.actor();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "work_groups", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(v.version, current)?;
        let before = load!(tx, id).ok_or(AppError::NotFound)?;
        if !viewer.is_coordinator() {
            v.convener_id = before.convener_id;
        }
        sqlx::query("UPDATE work_groups SET name_fi = $1, name_sv = $2, name_en = $3, group_type = $4, convener_id = $5, status = $6, description = $7, description_sv = $10, description_en = $11, updated_at = $8, version = version + 1, name_key = $12, search_key = $13 WHERE id = $9")
            .bind(&v.name_fi).bind(&v.name_sv).bind(&v.name_en).bind(&v.group_type).bind(v.convener_id).bind(&v.status).bind(&v.description).bind(Utc::now()).bind(id).bind(&v.description_sv).bind(&v.description_en)
            .bind(keys::fold(&v.name_fi)).bind(keys::search_key(&[&v.name_fi, &v.name_sv, &v.name_en]))
            .execute(&mut *tx).await
            .map_err(|e| AppError::from_db(e, "groups-error-duplicate"))?;
        crate::replace_links!(tx, "group_themes", "group_id", "theme_id", id, &themes)?;
        crate::audit!(&mut *tx, &actor, "update", "group", id, Some(serde_json::to_value(&before).unwrap_or_default()), Some(serde_json::to_value(&v).unwrap_or_default()))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    get(db, id).await
}

/// Deletes a group without memberships (current or ended) or meetings; 409 otherwise.
pub async fn delete(db: &Db, viewer: &Viewer, id: i64) -> AppResult<()> {
    let actor = viewer.actor();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "work_groups", id)?.ok_or(AppError::NotFound)?;
        let before = load!(tx, id).ok_or(AppError::NotFound)?;
        sqlx::query("DELETE FROM work_groups WHERE id = $1").bind(id).execute(&mut *tx).await
            .map_err(|e| AppError::in_use(e, "groups-error-in-use"))?;
        crate::audit!(&mut *tx, &actor, "delete", "group", id, Some(serde_json::to_value(&before).unwrap_or_default()), None)?;
        tx.commit().await?;
        Ok(())
    })
}
