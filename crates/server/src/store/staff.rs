//! Staff accounts and their sessions (tokens stored as SHA-256 only).

use sqlx::Row;

use super::audit;
use crate::db::{unix_now, Db};
use crate::domain::password::{hash_password, token_hash, valid_username, MIN_PASSWORD_CHARS};

/// Creates the account or resets its password (`add-staff`). Returns whether it is new.
pub async fn add_staff(db: &Db, username: &str, password: &str) -> Result<bool, String> {
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
    let updated = sqlx::query("UPDATE staff SET password_hash = $2 WHERE username = $1")
        .bind(username)
        .bind(&hash)
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?
        .rows_affected()
        > 0;
    if updated {
        // A new password ends every open session.
        sqlx::query("DELETE FROM sessions WHERE username = $1")
            .bind(username)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    } else {
        sqlx::query("INSERT INTO staff (username, password_hash, created_at) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(&hash)
            .bind(now)
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
        serde_json::json!({"username": username}),
    )
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(!updated)
}

/// The stored password hash of `username`, if the account exists.
pub async fn password_hash(db: &Db, username: &str) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT password_hash FROM staff WHERE username = $1")
        .bind(username)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(r) => Ok(Some(r.try_get("password_hash")?)),
        None => Ok(None),
    }
}

/// The username of an unexpired session with this token.
pub async fn session_user(db: &Db, token: &str) -> Result<Option<String>, sqlx::Error> {
    let row =
        sqlx::query("SELECT username FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash(token))
            .bind(unix_now())
            .fetch_optional(&db.pool)
            .await?;
    match row {
        Some(r) => Ok(Some(r.try_get("username")?)),
        None => Ok(None),
    }
}

/// Records a failed sign-in.
pub async fn login_failed(db: &Db, username: &str, at: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
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
