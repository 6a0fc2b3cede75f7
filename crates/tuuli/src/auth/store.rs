//! SQL for users, sessions, API tokens and sign-in throttling.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::{CurrentUser, Role, token_hash};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::with_db;

/// Failed sign-ins for one email within [`THROTTLE_WINDOW_MINUTES`] that lock it.
pub const THROTTLE_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    organisation_id: Option<i64>,
    person_id: Option<i64>,
}

impl UserRow {
    fn into_user(self) -> Option<CurrentUser> {
        Some(CurrentUser {
            id: self.id,
            email: self.email,
            name: self.name,
            role: Role::parse(&self.role)?,
            organisation_id: self.organisation_id,
            person_id: self.person_id,
        })
    }
}

const USER_COLS: &str = "u.id, u.email, u.name, u.role, u.organisation_id, u.person_id";

/// A user as listed for admins.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub person_id: Option<i64>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// What is needed to create a user.
#[derive(Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub person_id: Option<i64>,
    pub password_hash: String,
}

pub async fn create_user(db: &Db, u: &NewUser, actor: &super::Actor) -> AppResult<i64> {
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, role, organisation_id, person_id, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(u.email.trim().to_lowercase())
        .bind(u.name.trim())
        .bind(u.role.as_str())
        .bind(u.organisation_id)
        .bind(u.person_id)
        .bind(&u.password_hash)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| AppError::from_db(e, "error-duplicate-user"))?;
        let after = serde_json::json!({"email": u.email, "name": u.name, "role": u.role.as_str(), "organisation_id": u.organisation_id, "person_id": u.person_id});
        crate::audit!(&mut *tx, actor, "create", "user", id, None, Some(after))?;
        tx.commit().await?;
        Ok(id)
    })
}

const USER_SUMMARY: &str = "SELECT u.id, u.email, u.name, u.role, u.organisation_id, o.name_fi AS organisation_name, u.person_id, u.disabled, u.created_at \
                            FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id";

/// One user, for the admin's edit form.
pub async fn get_user(db: &Db, id: i64) -> AppResult<UserSummary> {
    let sql = format!("{USER_SUMMARY} WHERE u.id = $1");
    with_db!(db, p => sqlx::query_as::<_, UserSummary>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?
        .ok_or(AppError::NotFound)
}

/// What an admin may change about a user (the email is the sign-in and stays).
#[derive(Debug, serde::Serialize)]
pub struct UserChange {
    pub name: String,
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub person_id: Option<i64>,
}

pub async fn update_user(
    db: &Db,
    id: i64,
    change: &UserChange,
    actor: &super::Actor,
) -> AppResult<()> {
    let before = get_user(db, id).await?;
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("UPDATE users SET name = $1, role = $2, organisation_id = $3, person_id = $4 WHERE id = $5")
            .bind(change.name.trim()).bind(change.role.as_str()).bind(change.organisation_id).bind(change.person_id).bind(id)
            .execute(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "update", "user", id, Some(serde_json::to_value(&before).unwrap_or_default()), Some(serde_json::to_value(change).unwrap_or_default()))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })
}

pub async fn list_users(db: &Db) -> AppResult<Vec<UserSummary>> {
    let sql = format!("{USER_SUMMARY} ORDER BY u.email");
    Ok(
        with_db!(db, p => sqlx::query_as::<_, UserSummary>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?,
    )
}

/// (user, password hash) for an enabled user with this email.
pub async fn credentials(db: &Db, email: &str) -> AppResult<Option<(CurrentUser, String)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
    }
    let sql = format!(
        "SELECT {USER_COLS}, u.password_hash FROM users u WHERE lower(u.email) = $1 AND NOT u.disabled"
    );
    let email = email.trim().to_lowercase();
    let row: Option<Row> = with_db!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(&email).fetch_optional(p).await)?;
    Ok(row.and_then(|r| r.user.into_user().map(|u| (u, r.password_hash))))
}

pub async fn user_for_session(db: &Db, token: &str) -> AppResult<Option<CurrentUser>> {
    let sql = format!(
        "SELECT {USER_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled"
    );
    let hash = token_hash(token);
    let row: Option<UserRow> = with_db!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(&hash).bind(Utc::now()).fetch_optional(p).await)?;
    Ok(row.and_then(UserRow::into_user))
}

pub async fn user_for_token(db: &Db, token: &str) -> AppResult<Option<CurrentUser>> {
    let sql = format!(
        "SELECT {USER_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT u.disabled"
    );
    let hash = token_hash(token);
    let row: Option<UserRow> = with_db!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(&hash).fetch_optional(p).await)?;
    Ok(row.and_then(UserRow::into_user))
}

/// Starts a session and returns its secret (kept only in the cookie).
pub async fn create_session(db: &Db, user_id: i64, hours: i64) -> AppResult<String> {
    let token = super::random_token("");
    let now = Utc::now();
    with_db!(db, p => {
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(p).await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(user_id)
            .bind(now)
            .bind(now + Duration::hours(hours))
            .execute(p)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(token)
}

pub async fn delete_session(db: &Db, token: &str) -> AppResult<()> {
    with_db!(db, p => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token)).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Creates an API token for the user with this email; returns (token id, secret).
pub async fn create_token(db: &Db, email: &str, actor: &super::Actor) -> AppResult<(i64, String)> {
    let Some((user, _)) = credentials(db, email).await? else {
        return Err(AppError::NotFound);
    };
    let token = super::random_token("tuuli_");
    let id = with_db!(db, p => {
        let mut tx = p.begin().await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(user.id)
            .bind(token_hash(&token))
            .bind(Utc::now())
            .fetch_one(&mut *tx)
            .await?;
        crate::audit!(&mut *tx, actor, "create", "api_token", id, None, Some(serde_json::json!({"user_id": user.id})))?;
        tx.commit().await?;
        id
    });
    Ok((id, token))
}

/// Revokes a token by id; false when there was no such live token.
pub async fn revoke_token(db: &Db, id: i64, actor: &super::Actor) -> AppResult<bool> {
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(Utc::now())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            crate::audit!(&mut *tx, actor, "update", "api_token", id, None, Some(serde_json::json!({"revoked": true})))?;
        }
        tx.commit().await?;
        Ok(n > 0)
    })
}

/// True while the email has too many recent failures to try again.
pub async fn is_throttled(db: &Db, email: &str) -> AppResult<bool> {
    let since = Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let email = email.trim().to_lowercase();
    let n: i64 = with_db!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at > $2")
        .bind(&email).bind(since).fetch_one(p).await)?;
    Ok(n >= THROTTLE_FAILURES)
}

pub async fn record_failure(db: &Db, email: &str) -> AppResult<()> {
    let email = email.trim().to_lowercase();
    with_db!(db, p => sqlx::query("INSERT INTO login_failures (email, at) VALUES ($1, $2)").bind(&email).bind(Utc::now()).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn clear_failures(db: &Db, email: &str) -> AppResult<()> {
    let email = email.trim().to_lowercase();
    with_db!(db, p => sqlx::query("DELETE FROM login_failures WHERE email = $1").bind(&email).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Disables or enables a user; disabling also ends their sessions. False when no such user.
pub async fn set_disabled(
    db: &Db,
    id: i64,
    disabled: bool,
    actor: &super::Actor,
) -> AppResult<bool> {
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        let before: Option<bool> = sqlx::query_scalar("SELECT disabled FROM users WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
        let Some(before) = before else { return Ok(false) };
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2").bind(disabled).bind(id).execute(&mut *tx).await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        crate::audit!(&mut *tx, actor, "update", "user", id, Some(serde_json::json!({"disabled": before})), Some(serde_json::json!({"disabled": disabled})))?;
        tx.commit().await?;
        Ok(true)
    })
}
