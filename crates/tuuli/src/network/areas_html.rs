//! The area pages: the areas of the region, and each area with its organisations.

use axum::Router;
use axum::extract::Path;
use axum::response::Html;
use axum::routing::get;

use crate::core::areas::{AreaFilter, get_area, list};
use crate::error::AppResult;
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/areas", get(list_page))
        .route("/areas/{id}", get(detail_page))
}

async fn list_page(ctx: PageCtx) -> AppResult<Html<String>> {
    let areas = list(&ctx.state.db, &AreaFilter::default()).await?;
    ctx.render("network/areas.html", minijinja::context! { areas })
}

async fn detail_page(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let area = get_area(&ctx.state.db, id).await?;
    let filter = crate::network::organisations::store::OrgFilter {
        area: Some(id),
        ..Default::default()
    };
    let orgs = crate::network::organisations::store::list(
        &ctx.state.db,
        &filter,
        crate::core::paging::Paging::new(None, Some(200), 200),
    )
    .await?;
    ctx.render(
        "network/area.html",
        minijinja::context! { area, organisations => orgs.items },
    )
}
