//! The home page: the four themes, the groups and the coming public meetings.

use axum::Router;
use axum::response::Html;
use axum::routing::get;

use crate::error::AppResult;
use crate::network::themes;
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home(ctx: PageCtx) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    ctx.render(
        "home.html",
        minijinja::context! { themes => themes::list(db).await? },
    )
}
