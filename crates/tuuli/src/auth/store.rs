//! SQL for users, sessions, API tokens and sign-in throttling.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::{CurrentUser, Role, token_hash};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::with_db;

/// Failed sign-ins for one email within [`THROTTLE_WINDOW_MINUTES`] that lock it.
pub const THROTTLE_FAILURES: i64 = 5;
/// The window in which failures count; older rows are deleted.
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

/// The organisation and person a user is linked to must exist (422 on the field otherwise;
/// a foreign-key error would read as "exists already").
pub async fn check_links(
    db: &Db,
    organisation_id: Option<i64>,
    person_id: Option<i64>,
) -> AppResult<()> {
    let (orgs, people): (i64, i64) = with_db!(db, p => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM organisations WHERE id = $1), (SELECT COUNT(*) FROM people WHERE id = $2 AND NOT erased)",
    ).bind(organisation_id.unwrap_or(0)).bind(person_id.unwrap_or(0)).fetch_one(p).await)?;
    let mut errors = crate::error::FieldErrors::new();
    if organisation_id.is_some() && orgs == 0 {
        errors.add("organisation_id", "error-choice");
    }
    if person_id.is_some() && people == 0 {
        errors.add("person_id", "error-choice");
    }
    errors.into_result(()).map_err(AppError::Validation)
}

pub async fn create_user(db: &Db, u: &NewUser, actor: &super::Actor) -> AppResult<i64> {
    check_links(db, u.organisation_id, u.person_id).await?;
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
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
    check_links(db, change.organisation_id, change.person_id).await?;
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        // The before-value is read in the change's transaction, so it is the one replaced.
        let sql = format!("{USER_SUMMARY} WHERE u.id = $1");
        let before: UserSummary = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(&mut *tx).await?.ok_or(AppError::NotFound)?;
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
        let mut tx = crate::db::begin_write(p).await?;
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
        let mut tx = crate::db::begin_write(p).await?;
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

/// Sign-in throttling. Every attempt first reserves a row in `login_failures` (kept when
/// the password is wrong, removed when it is right), so the check and the count are one
/// atomic step: on PostgreSQL under an advisory lock, on SQLite under its single writer
/// (the transaction holds the write lock from its `BEGIN IMMEDIATE`).
///
/// Limits within [`THROTTLE_WINDOW_MINUTES`]:
/// - one client and one account: [`THROTTLE_FAILURES`] failures, then that client waits;
/// - one client, any accounts: [`THROTTLE_CLIENT_FAILURES`];
/// - one account from many clients ([`THROTTLE_ACCOUNT_HOT`] failures or more): the account
///   is slowed down, not locked — a client that has not failed there may try once every
///   [`THROTTLE_SLOW_SECONDS`], so its owner can still sign in while others hammer it.
pub const THROTTLE_CLIENT_FAILURES: usize = 30;
pub const THROTTLE_ACCOUNT_HOT: usize = 10;
pub const THROTTLE_SLOW_SECONDS: i64 = 2;

/// The answer to "may this client try to sign in to this account now?".
#[derive(Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Go ahead; the reservation's id is passed to [`attempt_succeeded`] on success.
    Allowed(i64),
    /// Refused: try again after this many seconds.
    Refused { retry_after: i64 },
}

/// The advisory lock key that serialises sign-in reservations on PostgreSQL.
const ATTEMPT_LOCK: i64 = 0x7475_756c_6901;

pub async fn reserve_attempt(db: &Db, email: &str, client: &str) -> AppResult<Attempt> {
    #[derive(sqlx::FromRow)]
    struct Row {
        email: String,
        client: String,
        at: DateTime<Utc>,
    }
    let email = email.trim().to_lowercase();
    let now = Utc::now();
    let window = Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let since = now - window;
    let postgres = matches!(db, Db::Postgres(..));
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        if postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(ATTEMPT_LOCK).execute(&mut *tx).await?;
        }
        let id: i64 = sqlx::query_scalar("INSERT INTO login_failures (email, client, at) VALUES ($1, $2, $3) RETURNING id")
            .bind(&email).bind(client).bind(now).fetch_one(&mut *tx).await?;
        sqlx::query("DELETE FROM login_failures WHERE at <= $1").bind(since).execute(&mut *tx).await?;
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT email, client, at FROM login_failures WHERE (email = $1 OR client = $2) AND at > $3 AND id <> $4 ORDER BY at",
        )
        .bind(&email).bind(client).bind(since).bind(id).fetch_all(&mut *tx).await?;
        let pair: Vec<&Row> = rows.iter().filter(|r| r.email == email && r.client == client).collect();
        let by_client: Vec<&Row> = rows.iter().filter(|r| r.client == client).collect();
        let account: Vec<&Row> = rows.iter().filter(|r| r.email == email).collect();
        let wait_until_oldest = |rs: &[&Row]| rs.first().map_or(1, |r| (r.at + window - now).num_seconds().max(1));
        let refused = if pair.len() >= THROTTLE_FAILURES as usize {
            Some(wait_until_oldest(&pair))
        } else if by_client.len() >= THROTTLE_CLIENT_FAILURES {
            Some(wait_until_oldest(&by_client))
        } else if pair.is_empty() && account.len() >= THROTTLE_ACCOUNT_HOT {
            // A hot account: one attempt every few seconds from clients new to it.
            let last_new = account.iter().filter(|r| r.client != client).map(|r| r.at).max();
            last_new
                .map(|at| (at + Duration::seconds(THROTTLE_SLOW_SECONDS) - now).num_seconds())
                .filter(|s| *s > 0)
        } else {
            None
        };
        match refused {
            Some(retry_after) => {
                tx.rollback().await?;
                Ok::<_, AppError>(Attempt::Refused { retry_after })
            }
            None => {
                tx.commit().await?;
                Ok(Attempt::Allowed(id))
            }
        }
    })
}

/// The password was right: the reservation and this client's earlier failures on the
/// account go (other clients' failures stay, so an attacker stays throttled).
pub async fn attempt_succeeded(
    db: &Db,
    reservation: i64,
    email: &str,
    client: &str,
) -> AppResult<()> {
    let email = email.trim().to_lowercase();
    with_db!(db, p => sqlx::query("DELETE FROM login_failures WHERE id = $1 OR (email = $2 AND client = $3)")
        .bind(reservation).bind(&email).bind(client).execute(p).await.map(|r| r.rows_affected()))?;
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
        let mut tx = crate::db::begin_write(p).await?;
        let before: Option<bool> = sqlx::query_scalar("SELECT disabled FROM users WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
        let Some(before) = before else { return Ok(false) };
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2").bind(disabled).bind(id).execute(&mut *tx).await?;
        if disabled {
            // Disabling ends every way in: sessions, and API tokens for good (enabling the
            // user again does not bring old tokens back).
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(Utc::now()).bind(id).execute(&mut *tx).await?;
            sqlx::query("UPDATE users SET calendar_token_hash = NULL WHERE id = $1").bind(id).execute(&mut *tx).await?;
        }
        crate::audit!(&mut *tx, actor, "update", "user", id, Some(serde_json::json!({"disabled": before})), Some(serde_json::json!({"disabled": disabled})))?;
        tx.commit().await?;
        Ok(true)
    })
}

/// Replaces a user's password. `keep_session` (the token of the session that made the
/// change) stays signed in; every other session of the user ends.
pub async fn set_password(
    db: &Db,
    user_id: i64,
    hash: &str,
    keep_session: Option<&str>,
    actor: &super::Actor,
) -> AppResult<bool> {
    let keep = keep_session.map(token_hash).unwrap_or_default();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let n = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash).bind(user_id).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id).bind(&keep).execute(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "update", "user", user_id, None, Some(serde_json::json!({"password_changed": true})))?;
        tx.commit().await?;
        Ok::<_, AppError>(true)
    })
}

/// The stored password hash of a user (for checking the current password).
pub async fn password_hash(db: &Db, user_id: i64) -> AppResult<Option<String>> {
    Ok(
        with_db!(db, p => sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND NOT disabled").bind(user_id).fetch_optional(p).await)?,
    )
}

/// The id of the user with this email (enabled or not).
pub async fn user_id_by_email(db: &Db, email: &str) -> AppResult<Option<i64>> {
    let email = email.trim().to_lowercase();
    Ok(
        with_db!(db, p => sqlx::query_scalar("SELECT id FROM users WHERE lower(email) = $1").bind(&email).fetch_optional(p).await)?,
    )
}

/// An API token as listed for operators (never the secret).
#[derive(Debug, sqlx::FromRow)]
pub struct TokenSummary {
    pub id: i64,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// API tokens, all or one user's, newest first.
pub async fn list_tokens(db: &Db, email: Option<&str>) -> AppResult<Vec<TokenSummary>> {
    let email = email.map(|e| e.trim().to_lowercase()).unwrap_or_default();
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT t.id, u.email, t.created_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE $1 = '' OR lower(u.email) = $1 ORDER BY t.created_at DESC, t.id DESC",
    ).bind(&email).fetch_all(p).await)?)
}

/// Replaces (or, with `None`, revokes) a user's private calendar feed secret; only its
/// SHA-256 is stored. Returns the new secret.
pub async fn set_calendar_token(
    db: &Db,
    user_id: i64,
    create: bool,
    actor: &super::Actor,
) -> AppResult<Option<String>> {
    let token = create.then(|| super::random_token("cal_"));
    let hash = token.as_deref().map(token_hash);
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        sqlx::query("UPDATE users SET calendar_token_hash = $1 WHERE id = $2").bind(&hash).bind(user_id).execute(&mut *tx).await?;
        crate::audit!(&mut *tx, actor, "update", "user", user_id, None, Some(serde_json::json!({"calendar_feed": if create { "created" } else { "revoked" }})))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    Ok(token)
}

/// Whether the user has a private calendar feed.
pub async fn has_calendar_token(db: &Db, user_id: i64) -> AppResult<bool> {
    let n: i64 = with_db!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1 AND calendar_token_hash IS NOT NULL").bind(user_id).fetch_one(p).await)?;
    Ok(n > 0)
}

/// The enabled user whose private calendar feed this secret opens.
pub async fn user_for_calendar_token(db: &Db, token: &str) -> AppResult<Option<CurrentUser>> {
    let sql = format!(
        "SELECT {USER_COLS} FROM users u WHERE u.calendar_token_hash = $1 AND NOT u.disabled"
    );
    let hash = token_hash(token);
    let row: Option<UserRow> = with_db!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(&hash).fetch_optional(p).await)?;
    Ok(row.and_then(UserRow::into_user))
}
