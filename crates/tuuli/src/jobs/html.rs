//! `GET /jobs/{id}`: a job's page. While the job is queued or running the page reloads
//! itself every few seconds (`<meta http-equiv="refresh">`, no JavaScript), unless the
//! reader turned that off with `?refresh=off`.

use axum::Router;
use axum::extract::{Path, Query};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

use super::api::JobView;
use super::store;
use crate::error::AppResult;
use crate::web::{AppState, PageCtx};

/// Seconds between reloads of a pending job's page.
const REFRESH_SECONDS: u32 = 5;

pub fn router() -> Router<AppState> {
    Router::new().route("/jobs/{id}", get(page))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    refresh: Option<String>,
}

async fn page(
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> AppResult<Html<String>> {
    let job = store::get_visible(&ctx.state.db, id, &ctx.viewer).await?;
    let view = JobView::new(&job, &ctx.state, ctx.lang);
    let pending = job.status.is_pending();
    let refresh_off = q.refresh.as_deref() == Some("off");
    let percent = view.percent();
    ctx.render(
        "jobs/show.html",
        minijinja::context! {
            job => view,
            pending,
            refresh => (pending && !refresh_off).then_some(REFRESH_SECONDS),
            refresh_off,
            percent,
        },
    )
}
