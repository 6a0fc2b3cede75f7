//! The one application error type.
//!
//! Policy: handlers return `AppError`; its response carries an [`ErrorInfo`] extension and
//! a plain JSON body. The `render_errors` middleware (see `web::middleware`) then localises
//! it: JSON `{"error", "details"}` under `/api`, an HTML error page (or a sign-in redirect
//! for 401) elsewhere. Server-side causes are logged with the request, never shown. Unique
//! and foreign-key violations become 409 with a message the user can act on.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Field name → message key, for 422 answers and forms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: &str, key: &str) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| key.to_owned());
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_result<T>(self, ok: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(ok) } else { Err(self) }
    }
}

#[derive(Debug)]
pub enum AppError {
    /// 400, with a message key.
    BadRequest(&'static str),
    /// 401: not signed in.
    Unauthorized,
    /// 403: signed in without the right, or a failed CSRF check (message key).
    Forbidden(&'static str),
    /// 404.
    NotFound,
    /// 409, with a message key saying what clashes.
    Conflict(&'static str),
    /// 413.
    PayloadTooLarge,
    /// 422 with field messages.
    Validation(FieldErrors),
    /// 429, with a message key.
    TooManyRequests(&'static str),
    /// 500: the cause is logged, never shown.
    Internal(anyhow::Error),
    /// Any client error whose message takes arguments (a key made by `i18n::with_args`).
    Message(StatusCode, String),
}

/// What the error middleware needs to localise an error response.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// A message key, possibly with its arguments (`i18n::with_args`).
    pub key: String,
    pub details: FieldErrors,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Message(status, _) => *status,
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            AppError::BadRequest(k)
            | AppError::Forbidden(k)
            | AppError::Conflict(k)
            | AppError::TooManyRequests(k) => k,
            AppError::Unauthorized => "error-unauthorized",
            AppError::NotFound => "error-not-found",
            AppError::PayloadTooLarge => "error-too-large",
            AppError::Validation(_) => "error-validation",
            AppError::Internal(_) => "error-internal",
            // The message and its arguments are in `message()`.
            AppError::Message(..) => "error-bad-request",
        }
    }

    /// The message to show: the key, with its arguments when it has them.
    pub fn message(&self) -> String {
        match self {
            AppError::Message(_, m) => m.clone(),
            other => other.key().to_owned(),
        }
    }

    pub fn forbidden() -> Self {
        AppError::Forbidden("error-forbidden")
    }

    /// Maps the error of a DELETE: a row that others still refer to (a foreign key) is
    /// 409 with `in_use_key` — the database answers "still in use", so no hand-written
    /// count can miss a reference.
    pub fn in_use(err: sqlx::Error, in_use_key: &'static str) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                AppError::Conflict(in_use_key)
            }
            _ => AppError::from_db(err, in_use_key),
        }
    }

    /// Maps a database error, turning constraint violations into 409 with `conflict_key`.
    pub fn from_db(err: sqlx::Error, conflict_key: &'static str) -> Self {
        match &err {
            sqlx::Error::RowNotFound => AppError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                AppError::Conflict(conflict_key)
            }
            // PostgreSQL refuses NUL and invalid characters in text (SQLSTATE 22021): the
            // input was bad, not the server.
            sqlx::Error::Database(db) if db.code().as_deref() == Some("22021") => {
                AppError::BadRequest("error-bad-request")
            }
            // A CHECK constraint (closed vocabulary, date order) refused a value that
            // validation let through: the input was bad.
            sqlx::Error::Database(db) if db.is_check_violation() => {
                AppError::BadRequest("error-bad-request")
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                AppError::Conflict("error-still-referenced")
            }
            _ => AppError::Internal(err.into()),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::from_db(err, "error-duplicate")
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        AppError::Internal(err)
    }
}

impl From<FieldErrors> for AppError {
    fn from(err: FieldErrors) -> Self {
        AppError::Validation(err)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = ?cause, "internal error");
        }
        let details = match &self {
            AppError::Validation(f) => f.clone(),
            _ => FieldErrors::default(),
        };
        let info = ErrorInfo {
            status,
            key: self.message(),
            details,
        };
        // The middleware replaces this body with a localised one.
        let mut res =
            (status, axum::Json(serde_json::json!({ "error": info.key }))).into_response();
        res.extensions_mut().insert(info);
        res
    }
}
