//! Staff accounts and their sessions (tokens stored as SHA-256 only).

use aftersales_rules::StaffRole;
use sqlx::Row;

use super::audit;
use crate::db::{unix_now, Db};
use crate::domain::password::{hash_password, token_hash, valid_username, MIN_PASSWORD_CHARS};

/// Roles as stored: their ids, comma-separated, in [`StaffRole::ALL`]'s order.
pub fn roles_text(roles: &[StaffRole]) -> String {
    StaffRole::ALL
        .iter()
        .filter(|r| roles.contains(r))
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Stored roles read back; an id this build does not know grants nothing.
pub fn roles_of(text: &str) -> Vec<StaffRole> {
    text.split(',')
        .filter_map(|r| StaffRole::parse(r.trim()))
        .collect()
}

/// Creates the account or resets its password (`add-staff`), with `roles` if
/// given (a new account needs at least one). Returns whether it is new.
pub async fn add_staff(
    db: &Db,
    username: &str,
    password: &str,
    roles: &[StaffRole],
) -> Result<bool, String> {
    let username = username.trim();
    if !valid_username(username) {
        return Err("username: 1 to 64 of a-z, 0-9, . _ - @".into());
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err("password: at least 8 characters".into());
    }
    let hash = hash_password(password)?;
    let now = unix_now();
    let mut tx = db.pool.begin().await.map_err(|e| e.to_string())?;
    let updated = sqlx::query(
        "UPDATE staff SET password_hash = $2, roles = CASE WHEN $3 = '' THEN roles ELSE $3 END \
         WHERE username = $1",
    )
    .bind(username)
    .bind(&hash)
    .bind(roles_text(roles))
    .execute(&mut *tx)
    .await
    .map_err(|e| e.to_string())?
    .rows_affected()
        > 0;
    if !updated && roles.is_empty() {
        return Err(format!(
            "roles: a new account needs at least one --role ({})",
            roles_text(StaffRole::ALL).replace(',', ", ")
        ));
    }
    if updated {
        // A new password ends every open session.
        sqlx::query("DELETE FROM sessions WHERE username = $1")
            .bind(username)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    } else {
        sqlx::query(
            "INSERT INTO staff (username, password_hash, created_at, roles) VALUES ($1, $2, $3, $4)",
        )
        .bind(username)
        .bind(&hash)
        .bind(now)
        .bind(roles_text(roles))
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    }
    let action = if updated {
        "password_reset"
    } else {
        "staff_added"
    };
    audit::record(
        &mut tx,
        now,
        "cli",
        action,
        None,
        serde_json::json!({"username": username, "roles": roles_text(roles)}),
    )
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(!updated)
}

/// The stored password hash of `username`, if the account exists and is not disabled.
pub async fn password_hash(db: &Db, username: &str) -> Result<Option<String>, sqlx::Error> {
    let row =
        sqlx::query("SELECT password_hash FROM staff WHERE username = $1 AND disabled_at IS NULL")
            .bind(username)
            .fetch_optional(&db.pool)
            .await?;
    match row {
        Some(r) => Ok(Some(r.try_get("password_hash")?)),
        None => Ok(None),
    }
}

/// The username and roles of an unexpired session with this token (of an
/// account that is not disabled).
pub async fn session_user(
    db: &Db,
    token: &str,
) -> Result<Option<(String, Vec<StaffRole>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.username, st.roles FROM sessions s JOIN staff st ON st.username = s.username \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND st.disabled_at IS NULL",
    )
    .bind(token_hash(token))
    .bind(unix_now())
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(r) => Ok(Some((
            r.try_get("username")?,
            roles_of(&r.try_get::<String, _>("roles")?),
        ))),
        None => Ok(None),
    }
}

/// When the session of `token` ends.
pub async fn session_expiry(db: &Db, token: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT expires_at FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .fetch_optional(&db.pool)
        .await
}

/// The roles of `username` (none if there is no such account).
pub async fn roles(db: &Db, username: &str) -> Result<Vec<StaffRole>, sqlx::Error> {
    let row = sqlx::query("SELECT roles FROM staff WHERE username = $1")
        .bind(username)
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(r) => roles_of(&r.try_get::<String, _>("roles")?),
        None => Vec::new(),
    })
}

/// The subject a failed sign-in is counted under for an account name.
pub fn account_subject(username: &str) -> String {
    format!("account:{}", username.chars().take(64).collect::<String>())
}

/// The subject a failed sign-in is counted under for a client.
pub fn client_subject(client: std::net::IpAddr) -> String {
    format!("client:{client}")
}

/// The instants of `subject`'s failed sign-ins since `since`, oldest first.
pub async fn failures_since(db: &Db, subject: &str, since: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT at FROM login_failures WHERE subject = $1 AND at > $2 ORDER BY at")
        .bind(subject)
        .bind(since)
        .fetch_all(&db.pool)
        .await
}

/// Forgets the failed sign-ins of `subject` (after a successful one).
pub async fn clear_failures(db: &Db, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE subject = $1")
        .bind(subject)
        .execute(&db.pool)
        .await
        .map(drop)
}

/// Records a failed sign-in under each of `subjects`, forgetting failures
/// older than `forget_before`.
pub async fn login_failed(
    db: &Db,
    username: &str,
    subjects: &[String],
    at: i64,
    forget_before: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    for subject in subjects {
        sqlx::query("INSERT INTO login_failures (subject, at) VALUES ($1, $2)")
            .bind(subject)
            .bind(at)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind(forget_before)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        at,
        "anonymous",
        "login_failed",
        None,
        serde_json::json!({"username": username.chars().take(64).collect::<String>()}),
    )
    .await?;
    tx.commit().await
}

/// Opens a session until `expires_at` (and drops expired ones).
pub async fn open_session(
    db: &Db,
    token: &str,
    username: &str,
    at: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(token))
    .bind(username)
    .bind(at)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(at)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, at, username, "login", None, serde_json::json!({})).await?;
    tx.commit().await
}

/// Ends the session of `token`.
pub async fn end_session(db: &Db, token: &str, username: &str, at: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, at, username, "logout", None, serde_json::json!({})).await?;
    tx.commit().await
}

/// A staff account as the administrator sees it.
pub struct Account {
    pub username: String,
    pub roles: Vec<StaffRole>,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
}

/// Every account, by name.
pub async fn accounts(db: &Db) -> Result<Vec<Account>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT username, roles, created_at, disabled_at FROM staff ORDER BY username")
            .fetch_all(&db.pool)
            .await?;
    rows.iter()
        .map(|r| {
            Ok(Account {
                username: r.try_get("username")?,
                roles: roles_of(&r.try_get::<String, _>("roles")?),
                created_at: r.try_get("created_at")?,
                disabled_at: r.try_get("disabled_at")?,
            })
        })
        .collect()
}

/// Creates an account (checked by the caller); `false` if the name is taken.
pub async fn create_account(
    db: &Db,
    actor: &str,
    username: &str,
    password_hash: &str,
    roles: &[StaffRole],
    at: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let created = sqlx::query(
        "INSERT INTO staff (username, password_hash, created_at, roles) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (username) DO NOTHING",
    )
    .bind(username)
    .bind(password_hash)
    .bind(at)
    .bind(roles_text(roles))
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if !created {
        tx.rollback().await?;
        return Ok(false);
    }
    audit::record(
        &mut tx,
        at,
        actor,
        "staff_added",
        None,
        serde_json::json!({"username": username, "roles": roles_text(roles)}),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// What the administrator changes in an account (checked by the caller).
#[derive(Default)]
pub struct AccountChange<'a> {
    pub roles: Option<&'a [StaffRole]>,
    pub disabled: Option<bool>,
    pub password_hash: Option<&'a str>,
}

/// Applies `change` to `username`; a new password or disabling ends its
/// sessions. `false` if there is no such account.
pub async fn change_account(
    db: &Db,
    actor: &str,
    username: &str,
    change: AccountChange<'_>,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let found = sqlx::query(
        "UPDATE staff SET roles = COALESCE($2, roles), password_hash = COALESCE($3, password_hash), \
         disabled_at = CASE WHEN $4 = 1 THEN COALESCE(disabled_at, $5) \
         WHEN $4 = 0 THEN NULL ELSE disabled_at END WHERE username = $1",
    )
    .bind(username)
    .bind(change.roles.map(roles_text))
    .bind(change.password_hash)
    .bind(change.disabled.map(i64::from).unwrap_or(-1))
    .bind(at)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if !found {
        tx.rollback().await?;
        return Ok(false);
    }
    if change.password_hash.is_some() || change.disabled == Some(true) {
        sqlx::query("DELETE FROM sessions WHERE username = $1")
            .bind(username)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        at,
        actor,
        "staff_changed",
        None,
        serde_json::json!({
            "username": username,
            "roles": change.roles.map(roles_text),
            "disabled": change.disabled,
            "password_changed": change.password_hash.is_some(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
