//! `GET/POST /plans/updates`: the fast-update screen. An editor sees every action of the
//! non-archived plans that their organisation leads or shares; a coordinator (or admin)
//! first chooses an organisation (`?organisation=`, a plain form, no JavaScript). One row
//! per action — status, percent, euros and days used, a short narrative — and one submit
//! for all; stale actions come first, flagged in words and with a symbol.

use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::update::{self, RowInput, SaveError, UpdateRow};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::web::PageCtx;
use crate::web::forms::RawForm;

pub fn router() -> Router<crate::web::AppState> {
    Router::new().route("/plans/updates", get(page).post(save))
}

#[derive(Debug, Default, Deserialize)]
pub struct UpdatesQuery {
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

/// Whose actions the viewer updates: an editor their own organisation's (another one asked
/// for is 403), a coordinator the one chosen (`None`: not chosen yet). 401 for the
/// anonymous, 403 for everyone else.
fn organisation_for(ctx: &PageCtx, asked: Option<&str>) -> AppResult<Option<i64>> {
    let u = ctx.viewer.require_signed_in()?;
    let asked = asked.map(str::trim).filter(|s| !s.is_empty());
    let asked_id = match asked {
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| AppError::BadRequest("error-bad-request"))?,
        ),
        None => None,
    };
    if u.is_coordinator() {
        return Ok(asked_id);
    }
    match (u.role, u.organisation_id) {
        (crate::auth::Role::Editor, Some(own)) if asked_id.is_none_or(|a| a == own) => {
            Ok(Some(own))
        }
        _ => Err(AppError::forbidden()),
    }
}

/// A row of the page: the action, what its fields hold, and for a conflict what was saved.
#[derive(Serialize)]
struct PageRow {
    row: UpdateRow,
    input: RowInput,
    conflict: bool,
}

fn decimal_comma(lang: Lang) -> bool {
    !matches!(lang, Lang::En)
}

/// Renders the screen: `typed` (by action id) replaces the saved values of those rows;
/// `conflicts` are rows someone else updated meanwhile (their markers move to the update
/// now latest, so that saving again is a deliberate overwrite).
async fn render(
    ctx: &PageCtx,
    org: Option<i64>,
    typed: &[RowInput],
    errors: &FieldErrors,
    conflicts: &[i64],
    saved: Option<String>,
) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    let coordinator = ctx.viewer.is_coordinator();
    let organisations = if coordinator {
        update::organisations(db).await?
    } else {
        vec![]
    };
    let today = crate::core::time::local_now().date();
    let rows = match org {
        Some(o) => update::rows(db, o, today, ctx.state.config.stale_days).await?,
        None => vec![],
    };
    let org_name = match org {
        Some(o) => Some(
            crate::network::organisations::store::get(db, o)
                .await?
                .name_fi
                .clone(),
        ),
        None => None,
    };
    let comma = decimal_comma(ctx.lang);
    let rows: Vec<PageRow> = rows
        .into_iter()
        .map(|row| {
            let conflict = conflicts.contains(&row.id);
            let input = match typed.iter().find(|t| t.action_id == row.id) {
                Some(t) if conflict => RowInput {
                    latest: row.latest_id.to_string(),
                    ..t.clone()
                },
                Some(t) => t.clone(),
                None => RowInput::from_row(&row, comma),
            };
            PageRow {
                row,
                input,
                conflict,
            }
        })
        .collect();
    let stale_count = rows.iter().filter(|r| r.row.stale).count();
    ctx.render(
        "plan_update/updates.html",
        minijinja::context! {
            org, org_name, organisations, coordinator, rows, stale_count, saved,
            archived_error => errors.0.values().any(|k| k == "plan-update-error-archived"),
            errors => errors.0, conflict => !conflicts.is_empty(),
            stale_days => ctx.state.config.stale_days,
            statuses => crate::core::kinds::PROGRESS_STATUSES,
        },
    )
}

async fn page(ctx: PageCtx, Query(q): Query<UpdatesQuery>) -> AppResult<Html<String>> {
    let org = organisation_for(&ctx, q.organisation.as_deref())?;
    render(&ctx, org, &[], &FieldErrors::new(), &[], q.saved).await
}

/// The rows of a submitted screen: `action` lists the ids, each row's fields are
/// `<field>-<id>`. A repeated or unreadable id is ignored.
fn rows_of(form: &RawForm) -> Vec<RowInput> {
    let mut seen = std::collections::HashSet::new();
    // The first value of each field, found in one pass (a screen has hundreds of fields).
    let mut fields: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (k, v) in &form.0 {
        fields.entry(k.as_str()).or_insert(v.as_str());
    }
    form.all("action")
        .iter()
        .filter_map(|s| s.parse::<i64>().ok())
        .filter(|id| seen.insert(*id))
        .map(|id| {
            let raw = |name: &str| {
                fields
                    .get(update::field(name, id).as_str())
                    .map(|v| (*v).to_owned())
                    .unwrap_or_default()
            };
            RowInput {
                action_id: id,
                latest: raw("latest"),
                status: raw("status"),
                percent: raw("percent"),
                narrative: raw("narrative"),
                euros_used: raw("euros_used"),
                days_used: raw("days_used"),
            }
        })
        .collect()
}

async fn save(ctx: PageCtx, form: RawForm) -> AppResult<Response> {
    let org = organisation_for(&ctx, Some(&form.get("organisation")))?
        .ok_or(AppError::BadRequest("error-bad-request"))?;
    let inputs = rows_of(&form);
    let today = crate::core::time::local_now().date();
    match update::save(&ctx.state.db, org, &inputs, today, &ctx.viewer.actor()).await {
        Ok(ids) => Ok(Redirect::to(&format!(
            "/plans/updates?organisation={org}&saved={}",
            ids.len()
        ))
        .into_response()),
        Err(SaveError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ctx, Some(org), &inputs, &errors, &[], None).await?,
        )
            .into_response()),
        Err(SaveError::Conflict(ids)) => Ok((
            StatusCode::CONFLICT,
            render(&ctx, Some(org), &inputs, &FieldErrors::new(), &ids, None).await?,
        )
            .into_response()),
        Err(SaveError::Other(e)) => Err(e),
    }
}
