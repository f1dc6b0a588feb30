//! Filed requests as stored, and what is loaded with them: service levels,
//! the status history, feedback.

use aftersales_contract::{Due, FeedbackView, HistoryEntry, RequestStatus};
use aftersales_rules::Policy;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use utoipa::ToSchema;

use crate::db::{inserted, unix_now, Db};
use crate::domain::clock::{show, show_text, store_day};
use crate::domain::status::steps_of;
use crate::store::reports::met_on_time;

/// A request as stored.
#[derive(Debug, Clone)]
pub struct StoredRequest {
    pub id: String,
    pub tracking_code: String,
    pub body_hash: String,
    pub order_number: String,
    pub request_type: String,
    pub status: RequestStatus,
    pub step: Option<String>,
    pub flags: Vec<String>,
    pub filed_at: String,
    pub evaluated_at: i64,
    pub received_at: i64,
    pub policy_version: String,
    pub decision: serde_json::Value,
    pub client_decision: Option<serde_json::Value>,
    pub filing: serde_json::Value,
    pub contact: serde_json::Value,
    pub description: String,
    pub attachment_count: i64,
    pub updated_at: i64,
}

impl StoredRequest {
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }

    /// The decision's step ids.
    pub fn steps(&self) -> Vec<String> {
        steps_of(&self.decision)
    }
}

/// A status column's value (only the server writes it; anything else reads as unknown).
pub fn status_of(text: &str) -> RequestStatus {
    RequestStatus::parse(text).unwrap_or(RequestStatus::Unknown)
}

/// The stored request with this id.
pub async fn load(db: &Db, id: &str) -> Result<Option<StoredRequest>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT id, tracking_code, body_hash, order_number, request_type, status, step, flags, \
         filed_at, evaluated_at, received_at, policy_version, decision, client_decision, filing, \
         contact, description, attachment_count, updated_at FROM requests WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let json = |text: String| serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    let flags: String = row.try_get("flags")?;
    let status: String = row.try_get("status")?;
    let client_decision: Option<String> = row.try_get("client_decision")?;
    Ok(Some(StoredRequest {
        id: row.try_get("id")?,
        tracking_code: row.try_get("tracking_code")?,
        body_hash: row.try_get("body_hash")?,
        order_number: row.try_get("order_number")?,
        request_type: row.try_get("request_type")?,
        status: status_of(&status),
        step: row.try_get("step")?,
        flags: serde_json::from_str(&flags).unwrap_or_default(),
        filed_at: row.try_get("filed_at")?,
        evaluated_at: row.try_get("evaluated_at")?,
        received_at: row.try_get("received_at")?,
        policy_version: row.try_get("policy_version")?,
        decision: json(row.try_get("decision")?),
        client_decision: client_decision.map(json),
        filing: json(row.try_get("filing")?),
        contact: json(row.try_get("contact")?),
        description: row.try_get("description")?,
        attachment_count: row.try_get("attachment_count")?,
        updated_at: row.try_get("updated_at")?,
    }))
}

/// A service level as stored, for staff views.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LevelView {
    pub what: String,
    pub after: String,
    pub within_minutes: i64,
    pub due: Option<String>,
    pub met: Option<String>,
    pub overdue: bool,
}

/// A request's service levels with their due and met instants.
pub async fn load_levels(
    db: &Db,
    policy: &Policy,
    id: &str,
) -> Result<Vec<(LevelView, Option<i64>)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT what, after_event, within_minutes, due_at, met_at FROM service_levels \
         WHERE request_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let now = unix_now();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let due_at: Option<i64> = r.try_get("due_at")?;
        let met_at: Option<i64> = r.try_get("met_at")?;
        out.push((
            LevelView {
                what: r.try_get("what")?,
                after: r.try_get("after_event")?,
                within_minutes: r.try_get("within_minutes")?,
                due: due_at.map(|t| show_text(policy, t)),
                met: met_at.map(|t| show_text(policy, t)),
                overdue: met_at.is_none() && due_at.is_some_and(|d| d < now),
            },
            due_at,
        ));
    }
    Ok(out)
}

/// The customer's view of the service levels.
pub async fn load_due(db: &Db, policy: &Policy, id: &str) -> Result<Vec<Due>, sqlx::Error> {
    Ok(load_levels(db, policy, id)
        .await?
        .into_iter()
        .map(|(l, due_at)| Due {
            what: l.what,
            at: due_at.map(|t| show(policy, t)),
            after: l.after,
        })
        .collect())
}

/// Customer-visible history, oldest first, with the actor of each change.
pub async fn load_history(
    db: &Db,
    policy: &Policy,
    id: &str,
) -> Result<Vec<(HistoryEntry, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, status, step, note, actor FROM request_history WHERE request_id = $1 \
         ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let status: String = r.try_get("status")?;
        out.push((
            HistoryEntry {
                status: status_of(&status),
                step: r.try_get("step")?,
                at: show(policy, r.try_get("at")?),
                note: r.try_get("note")?,
            },
            r.try_get("actor")?,
        ));
    }
    Ok(out)
}

pub async fn load_feedback(
    db: &Db,
    policy: &Policy,
    id: &str,
) -> Result<Option<FeedbackView>, sqlx::Error> {
    let row = sqlx::query("SELECT rating, comment, created_at FROM feedback WHERE request_id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(r) => Ok(Some(FeedbackView {
            rating: r.try_get("rating")?,
            comment: r.try_get("comment")?,
            at: show(policy, r.try_get("created_at")?),
        })),
        None => Ok(None),
    }
}

/// Stores feedback unless the request has some; whether this call stored it.
pub async fn insert_feedback(
    db: &Db,
    id: &str,
    rating: i64,
    comment: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "INSERT INTO feedback (request_id, rating, comment, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (request_id) DO NOTHING",
    )
    .bind(id)
    .bind(rating)
    .bind(comment)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(inserted(&result))
}

/// A staff transition, applied in one transaction.
pub struct Move<'a> {
    pub policy: &'a Policy,
    pub request: &'a StoredRequest,
    pub status: RequestStatus,
    pub step: Option<&'a str>,
    pub note: Option<&'a str>,
    pub actor: &'a str,
    /// Service levels met (`acknowledge` included).
    pub met: &'a [String],
    /// Events that start the levels counted from them.
    pub events: &'a [String],
    pub at: i64,
    pub audit_detail: serde_json::Value,
}

/// Moves the request if nobody moved it since it was read; `false` if someone did.
pub async fn apply_move(db: &Db, m: Move<'_>) -> Result<bool, sqlx::Error> {
    let r = m.request;
    let mut tx = db.pool.begin().await?;
    // Optimistic: only if nobody moved it since we read it (first statement is a
    // write, so SQLite takes the write lock before reading anything).
    let moved = sqlx::query(
        "UPDATE requests SET status = $1, step = $2, updated_at = $3 \
         WHERE id = $4 AND status = $5 AND COALESCE(step, '') = $6",
    )
    .bind(m.status.as_str())
    .bind(m.step)
    .bind(m.at)
    .bind(&r.id)
    .bind(r.status.as_str())
    .bind(r.step.as_deref().unwrap_or(""))
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let seq: i64 =
        sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 FROM request_history WHERE request_id = $1")
            .bind(&r.id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
    sqlx::query(
        "INSERT INTO request_history (request_id, seq, at, status, step, note, actor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&r.id)
    .bind(seq)
    .bind(m.at)
    .bind(m.status.as_str())
    .bind(m.step)
    .bind(m.note)
    .bind(m.actor)
    .execute(&mut *tx)
    .await?;
    mark_levels(&mut tx, m.policy, &r.id, m.met, m.events, m.at).await?;
    super::queue::rekey(&mut tx, m.policy, &r.id).await?;
    super::audit::record(
        &mut tx,
        m.at,
        m.actor,
        "transition",
        Some(&r.id),
        m.audit_detail,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Marks service levels met (counted in the reports) and starts those counted
/// from `events`.
async fn mark_levels(
    tx: &mut Transaction<'static, Any>,
    policy: &Policy,
    id: &str,
    met: &[String],
    events: &[String],
    at: i64,
) -> Result<(), sqlx::Error> {
    for what in met {
        let marked = sqlx::query(
            "UPDATE service_levels SET met_at = $3 WHERE request_id = $1 AND what = $2 \
             AND met_at IS NULL RETURNING received_at, due_at",
        )
        .bind(id)
        .bind(what)
        .bind(at)
        .fetch_all(&mut **tx)
        .await?;
        for level in &marked {
            let day = store_day(policy, level.try_get("received_at")?);
            let on_time = met_on_time(level.try_get("due_at")?, at);
            super::reports::count_met(tx, day, what, on_time).await?;
        }
    }
    for event in events {
        sqlx::query(
            "UPDATE service_levels SET due_at = $3 + within_minutes * 60 \
             WHERE request_id = $1 AND after_event = $2 AND due_at IS NULL",
        )
        .bind(id)
        .bind(event)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Service levels met and events recorded on an open request without moving it.
pub struct Record<'a> {
    pub policy: &'a Policy,
    pub request: &'a StoredRequest,
    pub actor: &'a str,
    pub met: &'a [String],
    pub events: &'a [String],
    pub at: i64,
}

/// Records them if the request is still open; `false` if it was closed meanwhile.
pub async fn record_levels(db: &Db, rec: Record<'_>) -> Result<bool, sqlx::Error> {
    let id = &rec.request.id;
    let mut tx = db.pool.begin().await?;
    // A write first, so SQLite takes the write lock before reading anything.
    let open = sqlx::query(
        "UPDATE requests SET updated_at = $2 WHERE id = $1 \
         AND status IN ('received', 'in_progress')",
    )
    .bind(id)
    .bind(rec.at)
    .execute(&mut *tx)
    .await?;
    if open.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    mark_levels(&mut tx, rec.policy, id, rec.met, rec.events, rec.at).await?;
    super::queue::rekey(&mut tx, rec.policy, id).await?;
    super::audit::record(
        &mut tx,
        rec.at,
        rec.actor,
        "service_levels",
        Some(id),
        serde_json::json!({ "met": rec.met, "events": rec.events }),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// A note staff keep on a request, never shown to the customer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InternalNote {
    pub at: String,
    pub author: String,
    pub body: String,
}

pub async fn load_internal_notes(
    db: &Db,
    policy: &Policy,
    id: &str,
) -> Result<Vec<InternalNote>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, author, body FROM internal_notes WHERE request_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(InternalNote {
                at: show_text(policy, r.try_get("at")?),
                author: r.try_get("author")?,
                body: r.try_get("body")?,
            })
        })
        .collect()
}

/// Adds an internal note (audited) to request `id`.
pub async fn add_internal_note(
    db: &Db,
    id: &str,
    author: &str,
    body: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let seq: i64 =
        sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 FROM internal_notes WHERE request_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
    sqlx::query(
        "INSERT INTO internal_notes (request_id, seq, at, author, body) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(seq)
    .bind(at)
    .bind(author)
    .bind(body)
    .execute(&mut *tx)
    .await?;
    super::audit::record(
        &mut tx,
        at,
        author,
        "internal_note",
        Some(id),
        serde_json::json!({ "seq": seq }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
