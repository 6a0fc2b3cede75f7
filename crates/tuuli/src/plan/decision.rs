//! Decision → action: `GET/POST /decisions/{id}/action`. Whoever edits the meeting's group
//! — coordinators and admins, and the editors of the group's convener (the meeting rule,
//! `network::meetings::editable`) — may turn one of its decisions into a plan action: a form
//! prefilled from the decision (title from its text, start date the meeting's date, end date
//! its due date, the convener as lead organisation) where they choose the plan's goal.
//!
//! Creating actions is otherwise for those who edit plans (`plan::can_edit_plans`); the
//! convener's editors get this one door, and only for their group's decision: the check is
//! `create_from_decision` here, in the store layer, not only in the handler. A decision
//! becomes at most one action (a second attempt is 409); the decision then links to it, and
//! the action's JSON carries `source_decision_id`.

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::model::{Action, ActionInput};
use crate::auth::Viewer;
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::PageCtx;
use crate::web::forms::RawForm;
use crate::with_db;

pub fn router() -> Router<crate::web::AppState> {
    Router::new().route("/decisions/{id}/action", get(form_page).post(create))
}

/// A decision with what the action form needs from its meeting.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct SourceDecision {
    pub id: i64,
    pub meeting_id: i64,
    pub meeting_title: String,
    pub text: String,
    pub due_date: Option<NaiveDate>,
    pub starts_at: NaiveDateTime,
    pub convener_id: Option<i64>,
    pub action_id: Option<i64>,
}

async fn source(db: &Db, id: i64) -> AppResult<SourceDecision> {
    let sql = "SELECT d.id, d.meeting_id, m.title AS meeting_title, d.text, d.due_date, m.starts_at, g.convener_id, \
               (SELECT MIN(a.id) FROM plan_actions a WHERE a.source_decision_id = d.id) AS action_id \
               FROM decisions d JOIN meetings m ON m.id = d.meeting_id JOIN work_groups g ON g.id = m.group_id \
               WHERE d.id = $1";
    with_db!(db, p => sqlx::query_as::<_, SourceDecision>(sql).bind(id).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)
}

/// The decision, if the viewer may turn it into an action: 401 for the anonymous, 404 when
/// missing or its meeting is hidden from them, 403 for those who do not edit its meeting.
pub async fn decision_for(db: &Db, viewer: &Viewer, id: i64) -> AppResult<SourceDecision> {
    viewer.require_signed_in()?;
    let d = source(db, id).await?;
    // Hidden meetings are 404, meetings the viewer does not edit 403 (the meeting rule).
    crate::network::meetings::visible(db, viewer, d.meeting_id).await?;
    crate::network::meetings::editable(db, viewer, d.meeting_id).await?;
    Ok(d)
}

/// Creates the action made from decision `id`, checking the viewer's right here: an editor
/// who cannot create actions otherwise may create this one because it is their group's
/// decision. A decision that already has an action is 409.
pub async fn create_from_decision(
    db: &Db,
    viewer: &Viewer,
    id: i64,
    input: &ActionInput,
) -> AppResult<Action> {
    let d = decision_for(db, viewer, id).await?;
    if d.action_id.is_some() {
        return Err(AppError::Conflict("plan-update-decision-has-action"));
    }
    let goals = goal_choices(db).await?;
    if !goals.iter().any(|g| g.id == input.goal_id) {
        let mut e = FieldErrors::new();
        e.add("goal_id", "error-choice");
        return Err(AppError::Validation(e));
    }
    super::store::create_action_from(db, input, Some(d.id), &viewer.actor()).await
}

/// A goal of a plan that is not archived, for the form's select.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct GoalChoice {
    pub id: i64,
    pub title: String,
    pub promise: String,
    pub plan_id: i64,
    pub plan: String,
}

async fn goal_choices(db: &Db) -> AppResult<Vec<GoalChoice>> {
    let sql = "SELECT g.id, g.title_fi AS title, pr.title_fi AS promise, pl.id AS plan_id, pl.title_fi AS plan \
               FROM plan_goals g JOIN plan_promises pr ON pr.id = g.promise_id JOIN plans pl ON pl.id = pr.plan_id \
               WHERE pl.status <> 'archived' ORDER BY pl.start_year DESC, pl.id, pr.position, pr.id, g.position, g.id";
    Ok(with_db!(db, p => sqlx::query_as::<_, GoalChoice>(sql).fetch_all(p).await)?)
}

/// The form's fields as typed.
#[derive(Clone, Debug, Default, Serialize)]
struct Typed {
    title: String,
    goal_id: String,
    lead_organisation_id: String,
    start_date: String,
    end_date: String,
    description: String,
}

impl Typed {
    fn prefilled(d: &SourceDecision) -> Self {
        Typed {
            title: d.text.chars().take(500).collect(),
            goal_id: String::new(),
            lead_organisation_id: d.convener_id.map(|c| c.to_string()).unwrap_or_default(),
            start_date: d.starts_at.date().to_string(),
            end_date: d.due_date.map(|x| x.to_string()).unwrap_or_default(),
            description: String::new(),
        }
    }
    fn from_form(f: &RawForm) -> Self {
        Typed {
            title: f.get("title"),
            goal_id: f.get("goal_id"),
            lead_organisation_id: f.get("lead_organisation_id"),
            start_date: f.get("start_date"),
            end_date: f.get("end_date"),
            description: f.get("description"),
        }
    }
    /// The action input, with the ids that are not numbers as field errors.
    fn input(&self) -> Result<ActionInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let goal_id = self.goal_id.parse::<i64>().unwrap_or_else(|_| {
            errors.add("goal_id", "error-choice");
            0
        });
        let lead = if self.lead_organisation_id.is_empty() {
            None
        } else {
            match self.lead_organisation_id.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add("lead_organisation_id", "error-choice");
                    None
                }
            }
        };
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        errors.into_result(ActionInput {
            goal_id,
            title: self.title.clone(),
            description: self.description.clone(),
            lead_organisation_id: lead,
            start_date: opt(&self.start_date),
            end_date: opt(&self.end_date),
            ..Default::default()
        })
    }
}

/// The lead organisations offered: the one typed (or prefilled: the convener) and the
/// convener, plus the whole registry when it is small. The action's own form (with its
/// search chooser) changes the lead to any other organisation afterwards.
async fn lead_choices(db: &Db, d: &SourceDecision, typed: &Typed) -> AppResult<Vec<(i64, String)>> {
    let mut chosen: Vec<i64> = d.convener_id.into_iter().collect();
    if let Ok(id) = typed.lead_organisation_id.trim().parse::<i64>() {
        chosen.push(id);
    }
    let (choices, _more) =
        crate::network::organisations::store::choices_for(db, "", &chosen).await?;
    Ok(choices)
}

async fn render(
    ctx: &PageCtx,
    d: &SourceDecision,
    typed: &Typed,
    errors: &FieldErrors,
    conflict: Option<&str>,
) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    ctx.render(
        "plan_update/decision_action.html",
        minijinja::context! {
            decision => d, input => typed, errors => errors.0, conflict,
            goals => goal_choices(db).await?,
            orgs => lead_choices(db, d, typed).await?,
        },
    )
}

async fn form_page(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    let d = decision_for(&ctx.state.db, &ctx.viewer, id).await?;
    if let Some(a) = d.action_id {
        return Ok(Redirect::to(&format!("/actions/{a}")).into_response());
    }
    let typed = Typed::prefilled(&d);
    Ok(render(&ctx, &d, &typed, &FieldErrors::new(), None)
        .await?
        .into_response())
}

async fn create(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    let d = decision_for(&ctx.state.db, &ctx.viewer, id).await?;
    let typed = Typed::from_form(&form);
    let result = match typed.input() {
        Ok(input) => create_from_decision(&ctx.state.db, &ctx.viewer, id, &input).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        // Back to the meeting, where the decision now links to its action.
        Ok(_) => Ok(
            Redirect::to(&format!("/meetings/{}?saved=1#decisions", d.meeting_id)).into_response(),
        ),
        Err(AppError::Validation(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ctx, &d, &typed, &errors, None).await?,
        )
            .into_response()),
        Err(AppError::Conflict(key)) => Ok((
            StatusCode::CONFLICT,
            render(&ctx, &d, &typed, &FieldErrors::new(), Some(key)).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}
