//! The four themes ("the four winds") every item can be tagged with. They are data
//! (loaded by `reference::load` at every start), named in fi, sv, en.

use axum::Router;
use axum::extract::State;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Db;
use crate::error::AppResult;
use crate::web::AppState;
use crate::with_db;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Theme {
    pub id: i64,
    pub slug: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
}

/// The four themes: (slug, fi, sv, en).
pub const THEMES: [(&str, &str, &str, &str); 4] = [
    (
        "substances",
        "Ehkäisevä päihdetyö",
        "Förebyggande missbruksarbete",
        "Substance-abuse prevention",
    ),
    (
        "mental-health",
        "Mielenterveyden edistäminen",
        "Främjande av psykisk hälsa",
        "Mental-health promotion",
    ),
    (
        "gambling",
        "Digi- ja rahapelihaittojen ehkäisy",
        "Förebyggande av skador orsakade av digitala spel och penningspel",
        "Prevention of digital-gaming and gambling harms",
    ),
    (
        "violence",
        "Perhe- ja lähisuhdeväkivallan ehkäisy",
        "Förebyggande av våld i familjen och i nära relationer",
        "Prevention of family and intimate-partner violence",
    ),
];

pub async fn list(db: &Db) -> AppResult<Vec<Theme>> {
    let sql = "SELECT id, slug, name_fi, name_sv, name_en FROM themes ORDER BY sort_order, id";
    Ok(with_db!(db, p => sqlx::query_as::<_, Theme>(sql).fetch_all(p).await)?)
}

/// Resolves theme slugs to ids; unknown slugs are reported as the field error.
pub async fn ids_for(
    db: &Db,
    slugs: &[String],
    check: &mut crate::web::forms::Check,
    field: &str,
) -> AppResult<Vec<i64>> {
    let all = list(db).await?;
    let mut ids = Vec::new();
    for s in slugs.iter().filter(|s| !s.is_empty()) {
        match all.iter().find(|t| &t.slug == s) {
            Some(t) if !ids.contains(&t.id) => ids.push(t.id),
            Some(_) => {}
            None => check.add(field, "error-choice"),
        }
    }
    Ok(ids)
}

pub fn router() -> Router<AppState> {
    Router::new()
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api_list))
}

/// The four themes.
#[utoipa::path(get, path = "/themes", tag = "themes", responses((status = 200, body = Vec<Theme>)))]
async fn api_list(State(state): State<AppState>) -> AppResult<axum::Json<Vec<Theme>>> {
    Ok(axum::Json(list(&state.db).await?))
}
