//! The audit trail: who changed what, and when. Appended inside the
//! transaction of the change it records.

use sqlx::{Any, Row, Transaction};

use crate::db::Db;

/// Appends to the audit trail inside the caller's transaction.
pub async fn record(
    tx: &mut Transaction<'static, Any>,
    at: i64,
    actor: &str,
    action: &str,
    request_id: Option<&str>,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, request_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(audit_id())
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(request_id)
    .bind(detail.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Audit ids sort by time (nanoseconds, zero-padded), then a random suffix.
fn audit_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    format!("{nanos:020}-{}", &suffix[..8])
}

/// One audit entry as stored.
pub struct AuditRow {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub request_id: Option<String>,
    pub detail: serde_json::Value,
}

fn row_of(r: &sqlx::any::AnyRow) -> Result<AuditRow, sqlx::Error> {
    let detail: String = r.try_get("detail")?;
    Ok(AuditRow {
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        request_id: r.try_get("request_id")?,
        detail: serde_json::from_str(&detail).unwrap_or_default(),
    })
}

/// A request's audit entries, oldest first.
pub async fn for_request(db: &Db, request_id: &str) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, actor, action, request_id, detail FROM audit_log WHERE request_id = $1 \
         ORDER BY at, id",
    )
    .bind(request_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(row_of).collect()
}

/// The newest `limit` entries, of one request and/or one actor when given
/// (an empty string matches all).
pub async fn trail(
    db: &Db,
    request_id: &str,
    actor: &str,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, actor, action, request_id, detail FROM audit_log \
         WHERE ($1 = '' OR request_id = $1) AND ($2 = '' OR actor = $2) \
         ORDER BY at DESC, id LIMIT $3",
    )
    .bind(request_id)
    .bind(actor)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(row_of).collect()
}
