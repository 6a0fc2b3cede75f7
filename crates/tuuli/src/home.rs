//! The home page: the four themes, the groups and the coming public meetings; for a
//! signed-in user who belongs to groups, first their own groups and coming meetings
//! (internal ones included).

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::Db;
use crate::error::AppResult;
use crate::web::{AppState, PageCtx};
use crate::with_db;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Debug, Serialize, sqlx::FromRow)]
struct GroupCard {
    id: i64,
    name_fi: String,
    name_sv: String,
    name_en: String,
    status: String,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
struct GroupName {
    name_fi: String,
    name_sv: String,
    name_en: String,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
struct MeetingLine {
    id: i64,
    title: String,
    title_sv: String,
    title_en: String,
    starts_at: NaiveDateTime,
    /// The group's names, shown in the page's language.
    #[sqlx(flatten)]
    group: GroupName,
    is_example: bool,
}

async fn groups(db: &Db) -> AppResult<Vec<GroupCard>> {
    let sql = "SELECT id, name_fi, name_sv, name_en, status FROM work_groups WHERE status <> 'closed' \
               ORDER BY CASE group_type WHEN 'coordination' THEN 0 ELSE 1 END, name_fi";
    Ok(with_db!(db, p => sqlx::query_as::<_, GroupCard>(sql).fetch_all(p).await)?)
}

/// The next public meetings, from now on (local time, as meetings are stored).
async fn coming_public_meetings(db: &Db) -> AppResult<Vec<MeetingLine>> {
    let sql = "SELECT m.id, m.title, m.title_sv, m.title_en, m.starts_at, g.name_fi, g.name_sv, g.name_en, m.is_example FROM meetings m JOIN work_groups g ON g.id = m.group_id \
               WHERE m.is_public AND m.ends_at >= $1 ORDER BY m.starts_at LIMIT 5";
    let now = crate::core::time::local_now();
    Ok(with_db!(db, p => sqlx::query_as::<_, MeetingLine>(sql).bind(now).fetch_all(p).await)?)
}

/// The viewer's own groups (memberships in force) and their coming meetings.
async fn my_view(
    db: &Db,
    ctx: &PageCtx,
) -> AppResult<(
    Vec<GroupCard>,
    Vec<crate::network::meetings::model::Meeting>,
)> {
    let ids = crate::core::rights::member_group_ids(db, &ctx.viewer).await?;
    if ids.is_empty() {
        return Ok((vec![], vec![]));
    }
    // Ids are integers from the database, so inlining them is safe.
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT id, name_fi, name_sv, name_en, status FROM work_groups WHERE id IN ({}) ORDER BY name_fi",
        list.join(",")
    );
    let groups = with_db!(db, p => sqlx::query_as::<_, GroupCard>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?;
    let now = crate::core::time::local_now();
    let meetings = crate::network::meetings::store::of_groups(db, &ids, now, 10).await?;
    Ok((groups, meetings))
}

async fn home(ctx: PageCtx) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    let (my_groups, my_meetings) = my_view(db, &ctx).await?;
    ctx.render(
        "home.html",
        minijinja::context! {
            themes => ctx.state.themes().await?,
            groups => groups(db).await?,
            meetings => coming_public_meetings(db).await?,
            my_groups, my_meetings,
        },
    )
}
