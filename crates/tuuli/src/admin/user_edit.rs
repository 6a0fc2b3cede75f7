//! Editing a user (admins only): name, role, the organisation an editor edits and the
//! person a member is. The email stays: it is the sign-in. An admin cannot take their own
//! admin role away, so that the last admin cannot lock everyone out by a slip.

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::auth::Role;
use crate::auth::store::{self, UserChange};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::chooser::{self, Chooser};
use crate::web::forms::{Check, RawForm};
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/users/{id}/edit", get(edit_form).post(update))
}

/// Checks the profile fields shared by the add and edit forms.
pub fn check_profile(
    form: &RawForm,
    c: &mut Check,
) -> (String, Option<Role>, Option<i64>, Option<i64>) {
    let name = c.line("name", &form.get("name"), 200);
    let role = Role::parse(&c.one_of(
        "role",
        &form.get("role"),
        &["admin", "coordinator", "editor", "member"],
    ));
    let organisation_id = c.id("organisation_id", &form.get("organisation_id"));
    let person_id = c.id("person_id", &form.get("person_id"));
    if role == Some(Role::Editor) && organisation_id.is_none() {
        c.add("organisation_id", "error-editor-needs-organisation");
    }
    (name, role, organisation_id, person_id)
}

/// The organisation and person choosers of the add and edit forms (see `web::chooser`):
/// never a select of the whole registry.
pub async fn choosers(ctx: &PageCtx, form: &RawForm) -> AppResult<(Chooser, Chooser)> {
    let db = &ctx.state.db;
    let find = chooser::find(form);
    let chosen = |name: &str| -> Vec<i64> { form.get(name).parse().ok().into_iter().collect() };
    let text = chooser::text(form, "organisation_id");
    let organisations = Chooser::new(
        "organisation_id",
        &text,
        crate::network::organisations::store::choices_for(db, &text, &chosen("organisation_id"))
            .await?,
    )
    .found_by(find.as_deref());
    let text = chooser::text(form, "person_id");
    let people = Chooser::new(
        "person_id",
        &text,
        crate::network::people::store::choices_for(db, &ctx.viewer, &text, &chosen("person_id"))
            .await?,
    )
    .found_by(find.as_deref());
    Ok((organisations, people))
}

async fn render(
    ctx: &PageCtx,
    id: i64,
    values: &RawForm,
    errors: &FieldErrors,
) -> AppResult<Html<String>> {
    let user = store::get_user(&ctx.state.db, id).await?;
    let (organisations, people) = choosers(ctx, values).await?;
    let values: std::collections::BTreeMap<String, String> = values
        .0
        .iter()
        .filter(|(k, _)| k != "_csrf")
        .cloned()
        .collect();
    ctx.render(
        "admin/user_form.html",
        minijinja::context! { user, values, organisations, people, errors => errors.0 },
    )
}

async fn edit_form(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    ctx.viewer.require_role(Role::Admin)?;
    let u = store::get_user(&ctx.state.db, id).await?;
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let values = RawForm(vec![
        ("name".into(), u.name),
        ("role".into(), u.role),
        ("organisation_id".into(), opt(u.organisation_id)),
        ("person_id".into(), opt(u.person_id)),
    ]);
    render(&ctx, id, &values, &FieldErrors::new()).await
}

async fn update(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    let me = ctx.viewer.require_role(Role::Admin)?.clone();
    store::get_user(&ctx.state.db, id).await?;
    if chooser::find(&form).is_some() {
        // "Find" in a chooser: the form again with the matches, nothing saved.
        return Ok(render(&ctx, id, &form, &FieldErrors::new())
            .await?
            .into_response());
    }
    let mut c = Check::new();
    let (name, role, organisation_id, person_id) = check_profile(&form, &mut c);
    if me.id == id && role.is_some_and(|r| r != Role::Admin) {
        c.add("role", "error-demote-self");
    }
    if !c.errors.is_empty() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ctx, id, &form, &c.errors).await?,
        )
            .into_response());
    }
    let change = UserChange {
        name,
        role: role.unwrap_or(Role::Member),
        organisation_id,
        person_id,
    };
    match store::update_user(&ctx.state.db, id, &change, &ctx.viewer.actor()).await {
        Ok(()) => Ok(Redirect::to("/admin/users?saved=1").into_response()),
        Err(AppError::Validation(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&ctx, id, &form, &errors).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}
