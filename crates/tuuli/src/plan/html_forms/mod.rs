//! The plan forms: create and edit a plan, a service promise, a goal and an action; report
//! progress; delete promises, goals and actions. Coordinators and admins edit; progress is
//! reported by those `can_report_progress` allows.
//!
//! A refused form is shown again with exactly what was typed (numbers that are not numbers
//! included) and each error next to its field (422); a save based on an older version shows
//! the saved values beside the typed ones (409). The action form's organisation chooser is
//! a search field (`org_q`) and a "Find" button that shows the form again with at most 30
//! matches — no JavaScript, and never the whole registry in a select.
//!
//! This file holds what every form shares (the typed values, numbers read from text, the
//! page and its refusal, and `save_or_redisplay`: what every create and edit does with a
//! submitted form); each entity's handlers are in a file of their own.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use super::model::*;
use super::{can_edit_plans, can_report_progress, require, store};
use crate::core::kinds::PLAN_STATUSES;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::PageCtx;
use crate::web::conflict::{self, Change, EDIT_CONFLICT};
use crate::web::forms::{Check, RawForm};

mod actions;
mod goals;
mod plans;
mod progress;
mod promises;

pub(super) use actions::*;
pub(super) use goals::*;
pub(super) use plans::*;
pub(super) use progress::*;
pub(super) use promises::*;

const MULTI: &[&str] = &["organisations", "municipalities", "themes"];

/// What the user typed, as the template shows it: text per field, lists for the repeated ones.
fn typed(form: &RawForm) -> Value {
    let mut m = Map::new();
    for (k, _) in &form.0 {
        if k == "_csrf" || m.contains_key(k) {
            continue;
        }
        let v = if MULTI.contains(&k.as_str()) {
            Value::from(form.all(k))
        } else {
            Value::from(form.get(k))
        };
        m.insert(k.clone(), v);
    }
    for k in MULTI {
        m.entry(k.to_string())
            .or_insert_with(|| Value::Array(vec![]));
    }
    Value::Object(m)
}

/// A stored value as the form shows it: numbers and booleans as text, none as empty.
fn shown<T: Serialize>(v: &T) -> Value {
    fn text(v: Value) -> Value {
        match v {
            Value::Null => Value::from(""),
            Value::Bool(b) => Value::from(if b { "on" } else { "" }),
            Value::Number(n) => Value::from(n.to_string()),
            Value::Array(a) => Value::Array(a.into_iter().map(text).collect()),
            Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, text(v))).collect()),
            s => s,
        }
    }
    let mut v = text(serde_json::to_value(v).unwrap_or_default());
    if let Value::Object(m) = &mut v {
        for k in MULTI {
            m.entry(k.to_string())
                .or_insert_with(|| Value::Array(vec![]));
        }
    }
    v
}

/// Reads numbers from the form; a text that is not one is an error on its field.
struct Numbers<'a> {
    form: &'a RawForm,
    check: Check,
}

impl<'a> Numbers<'a> {
    fn new(form: &'a RawForm) -> Self {
        Numbers {
            form,
            check: Check::new(),
        }
    }
    fn int(&mut self, field: &str, default: i32) -> i32 {
        let v = self.form.get(field);
        if v.is_empty() {
            return default;
        }
        v.parse().unwrap_or_else(|_| {
            self.check.add(field, "error-plan-number");
            default
        })
    }
    fn amount(&mut self, field: &str) -> Option<f64> {
        let v = self.form.get(field).replace([' ', '\u{a0}'], "");
        if v.is_empty() {
            return None;
        }
        match v.replace(',', ".").parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                self.check.add(field, "error-plan-number");
                None
            }
        }
    }
    fn id(&mut self, field: &str) -> Option<i64> {
        self.check.id(field, &self.form.get(field))
    }
    fn ids(&mut self, field: &str) -> Vec<i64> {
        let mut out = Vec::new();
        for v in self.form.all(field) {
            match v.parse::<i64>() {
                Ok(n) if n > 0 => out.push(n),
                _ => self.check.add(field, "error-choice"),
            }
        }
        out
    }
    fn version(&mut self) -> Option<i64> {
        self.form.get("version").parse().ok()
    }
}

/// Why a form is shown again: errors beside its fields, or a conflict's message with the
/// saved values that differ from the typed ones; `none` for a form shown fresh. (One type
/// without lifetimes, so that the handlers' futures stay `Send` for axum.)
#[derive(Default)]
struct Refusal {
    errors: FieldErrors,
    conflict: Option<&'static str>,
    changes: Vec<Change>,
}

impl Refusal {
    fn none() -> Refusal {
        Refusal::default()
    }
}

/// Everything a form template needs besides its own choices.
struct FormPage<'a> {
    template: &'static str,
    /// Where the form posts, and where Cancel leads.
    action: String,
    cancel: String,
    editing: bool,
    v: &'a Value,
    refusal: &'a Refusal,
}

fn render(ctx: &PageCtx, f: FormPage<'_>, extra: minijinja::Value) -> AppResult<Html<String>> {
    let base = minijinja::context! {
        action => f.action, cancel => f.cancel, editing => f.editing, v => f.v,
        errors => f.refusal.errors.0, conflict => f.refusal.conflict,
        changes => f.refusal.changes,
    };
    ctx.render(f.template, minijinja::context! { ..base, ..extra })
}

/// 422 for field errors, 409 for a conflict, with the page `page` renders.
async fn refused<Fut>(
    err: AppError,
    page: impl FnOnce(FieldErrors, Option<&'static str>) -> Fut,
) -> AppResult<Response>
where
    Fut: std::future::Future<Output = AppResult<Html<String>>>,
{
    crate::web::forms::redisplay(err, page).await
}

fn set_version(v: &mut Value, version: Option<i64>) {
    if let (Value::Object(m), Some(n)) = (v, version) {
        m.insert("version".into(), Value::from(n.to_string()));
    }
}

/// A form's input as its handlers save it.
trait FormInput: Serialize {
    /// Adds the model's own errors (the store checks again when it saves).
    fn check_into(&self, c: &mut Check);
    /// The version the form was read at (none for a create).
    fn version(&self) -> Option<i64>;
}

/// The inputs of the edit forms: each has its model's `check` and a `version`.
macro_rules! form_input {
    ($($input:ty),*) => {$(
        impl FormInput for $input {
            fn check_into(&self, c: &mut Check) {
                self.check(c);
            }
            fn version(&self) -> Option<i64> {
                self.version
            }
        }
    )*};
}
form_input!(PlanInput, PromiseInput, GoalInput, ActionInput);

/// Saves only what reads right: when a number in the form did not read, `save` does not
/// run and the input's own checks add their errors to the numbers' ones, so the form
/// shows them all at once.
async fn checked<I: FormInput, T>(
    input: &I,
    mut numbers: Check,
    save: impl AsyncFnOnce(&I) -> AppResult<T>,
) -> AppResult<T> {
    if numbers.errors.is_empty() {
        save(input).await
    } else {
        input.check_into(&mut numbers);
        Err(AppError::Validation(numbers.errors))
    }
}

/// What an edit based on an older version is shown again with: the version saved since,
/// and the saved values that differ from the typed ones.
#[derive(Default)]
struct Newer {
    version: Option<i64>,
    changes: Vec<Change>,
}

impl Newer {
    fn than<I: FormInput>(typed: &I, saved: &I) -> Newer {
        Newer {
            version: saved.version(),
            changes: conflict::changes(typed, saved),
        }
    }
}

/// For a create: there is no older version to be refused for.
async fn nothing_newer<I>(_: &I) -> AppResult<Newer> {
    Ok(Newer::default())
}

/// Saves a create or edit form and sends the browser to the address `save` gives, or
/// shows the form again through `page`, with what was typed, saying why not:
/// - field errors (see `checked`): 422;
/// - an edit based on an older version: the saved values that `newer` reads beside the
///   typed ones, and the newer version in the form, so a second save keeps the typed
///   values (409);
/// - any other refusal through `refused`.
async fn save_or_redisplay<I: FormInput>(
    form: &RawForm,
    (input, numbers): (I, Check),
    save: impl AsyncFnOnce(&I) -> AppResult<String>,
    newer: impl AsyncFnOnce(&I) -> AppResult<Newer>,
    page: impl AsyncFnOnce(Value, Refusal) -> AppResult<Html<String>>,
) -> AppResult<Response> {
    let mut v = typed(form);
    match checked(&input, numbers, save).await {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(AppError::Conflict(EDIT_CONFLICT)) => {
            let newer = newer(&input).await?;
            set_version(&mut v, newer.version);
            let refusal = Refusal {
                errors: FieldErrors::new(),
                conflict: Some(EDIT_CONFLICT),
                changes: newer.changes,
            };
            let shown = page(v, refusal).await?;
            Ok((StatusCode::CONFLICT, shown).into_response())
        }
        Err(e) => {
            let changes = vec![];
            refused(e, |errors, conflict| {
                page(
                    v,
                    Refusal {
                        errors,
                        conflict,
                        changes,
                    },
                )
            })
            .await
        }
    }
}
