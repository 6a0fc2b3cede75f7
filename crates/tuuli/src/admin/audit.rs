//! The audit log: who changed what, when, with the values before and after.
//! Written by every store function (see the `audit!` macro); browsed here by admins.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Role, Viewer};
use crate::core::paging::{Page, Paging};
use crate::db::Db;
use crate::error::AppResult;
use crate::web::{AppState, PageCtx};
use crate::with_db;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    /// The user's email, or `cli` / `demo` for changes from the command line.
    pub actor: String,
    /// create, update or delete.
    #[schema(value_type = crate::core::kinds::schema::AuditAction)]
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    /// JSON of the values before the change.
    pub before_json: Option<String>,
    /// JSON of the values after the change.
    pub after_json: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Entity name (organisation, person, group, membership, meeting, user, …).
    pub entity: Option<String>,
    /// Entity id.
    pub entity_id: Option<i64>,
    /// create, update or delete.
    #[param(inline, value_type = Option<crate::core::kinds::schema::AuditAction>)]
    pub action: Option<String>,
    /// Text in the actor (email).
    pub actor: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

const WHERE: &str = " WHERE ($1 = '' OR entity = $1) AND ($2 = 0 OR entity_id = $2) AND ($3 = '' OR action = $3) AND ";

/// The actor condition, present only when there is text (see organisations' store).
fn actor_condition(actor: &str) -> &'static str {
    if actor.is_empty() {
        "$4 = ''"
    } else {
        "lower(actor) LIKE $4 ESCAPE '\\'"
    }
}

pub async fn list(db: &Db, f: &AuditFilter) -> AppResult<Page<AuditEntry>> {
    let paging = Paging::new(f.page, f.per_page, 50);
    let entity = f.entity.clone().unwrap_or_default();
    let action = f.action.clone().unwrap_or_default();
    let actor = f
        .actor
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(crate::db::like_pattern)
        .unwrap_or_default();
    let eid = f.entity_id.unwrap_or(0);
    let cond = actor_condition(&actor);
    let sql = format!(
        "SELECT id, at, user_id, actor, action, entity, entity_id, before_json, after_json FROM audit_log{WHERE}{cond} ORDER BY id DESC{}",
        paging.sql()
    );
    let count_sql = format!("SELECT COUNT(*) FROM audit_log{WHERE}{cond}");
    let (items, total) = with_db!(db, p => {
        let items = sqlx::query_as::<_, AuditEntry>(sqlx::AssertSqlSafe(sql.as_str())).bind(&entity).bind(eid).bind(&action).bind(&actor).fetch_all(p).await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str())).bind(&entity).bind(eid).bind(&action).bind(&actor).fetch_one(p).await?;
        Ok::<_, sqlx::Error>((items, total))
    })?;
    Ok(Page::new(items, total, paging))
}

pub async fn entities(db: &Db) -> AppResult<Vec<String>> {
    Ok(
        with_db!(db, p => sqlx::query_scalar::<_, String>("SELECT DISTINCT entity FROM audit_log ORDER BY entity").fetch_all(p).await)?,
    )
}

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/audit", get(page))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    entity: Option<String>,
    entity_id: Option<String>,
    action: Option<String>,
    actor: Option<String>,
    page: Option<String>,
}

async fn page(ctx: PageCtx, Query(q): Query<PageQuery>) -> AppResult<Html<String>> {
    ctx.viewer.require_role(Role::Admin)?;
    let f = AuditFilter {
        entity: q.entity.clone().filter(|s| !s.is_empty()),
        entity_id: q.entity_id.as_deref().and_then(|s| s.trim().parse().ok()),
        action: q.action.clone().filter(|s| !s.is_empty()),
        actor: q.actor.clone(),
        page: q.page.as_deref().and_then(|s| s.parse().ok()),
        per_page: None,
    };
    let page = list(&ctx.state.db, &f).await?;
    let pages = page.pages();
    let entities = entities(&ctx.state.db).await?;
    ctx.render("admin/audit.html", minijinja::context! { page, pages, entities, filter => minijinja::context! { entity => q.entity, entity_id => q.entity_id, action => q.action, actor => q.actor } })
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api_list))
}

/// The audit log, newest first (admins only).
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditFilter), security(("bearer" = [])),
    responses((status = 200, body = Page<AuditEntry>), (status = 401), (status = 403)))]
async fn api_list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(f): Query<AuditFilter>,
) -> AppResult<axum::Json<Page<AuditEntry>>> {
    viewer.require_role(Role::Admin)?;
    Ok(axum::Json(list(&state.db, &f).await?))
}
