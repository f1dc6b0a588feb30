//! The staff queue: requests newest first, filtered. The SQL is assembled from
//! the filters given; every value is bound, never spliced in.

use aftersales_contract::RequestStatus;
use sqlx::Row;

use super::requests::status_of;
use crate::db::Db;

/// Which requests to list.
#[derive(Debug, Default)]
pub struct Filter {
    pub status: Option<RequestStatus>,
    pub request_type: Option<String>,
    /// Only (`true`) or no (`false`) open requests with an unmet level past due.
    pub overdue: Option<bool>,
    pub flagged: Option<bool>,
    pub limit: i64,
    pub offset: i64,
}

/// One request of the queue as stored.
pub struct QueueRow {
    pub id: String,
    pub request_type: String,
    pub order_number: String,
    pub status: RequestStatus,
    pub step: Option<String>,
    pub flags: Vec<String>,
    pub decision: serde_json::Value,
    pub received_at: i64,
    pub updated_at: i64,
    /// The earliest unmet due instant.
    pub next_due: Option<i64>,
}

enum Bind {
    Text(String),
    Int(i64),
}

const OPEN: &str = "r.status IN ('received', 'in_progress')";

pub async fn list(db: &Db, filter: &Filter, now: i64) -> Result<Vec<QueueRow>, sqlx::Error> {
    // Placeholders are numbered as filters are added; values are always bound.
    let mut sql = String::from(
        "SELECT r.id, r.request_type, r.order_number, r.status, r.step, r.flags, r.decision, \
         r.received_at, r.updated_at, (SELECT MIN(s.due_at) FROM service_levels s \
         WHERE s.request_id = r.id AND s.met_at IS NULL AND s.due_at IS NOT NULL) AS next_due \
         FROM requests r WHERE 1 = 1",
    );
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let mut binds: Vec<Bind> = Vec::new();
    if let Some(status) = filter.status {
        sql.push_str(&format!(" AND r.status = {}", next()));
        binds.push(Bind::Text(status.as_str().to_owned()));
    }
    if let Some(t) = &filter.request_type {
        sql.push_str(&format!(" AND r.request_type = {}", next()));
        binds.push(Bind::Text(t.clone()));
    }
    if let Some(flagged) = filter.flagged {
        sql.push_str(&format!(" AND r.flagged = {}", next()));
        binds.push(Bind::Int(i64::from(flagged)));
    }
    if let Some(overdue) = filter.overdue {
        let p = next();
        let exists = format!(
            "EXISTS (SELECT 1 FROM service_levels s WHERE s.request_id = r.id \
             AND s.met_at IS NULL AND s.due_at IS NOT NULL AND s.due_at < {p})"
        );
        if overdue {
            sql.push_str(&format!(" AND {OPEN} AND {exists}"));
        } else {
            sql.push_str(&format!(" AND NOT ({OPEN} AND {exists})"));
        }
        binds.push(Bind::Int(now));
    }
    sql.push_str(&format!(
        " ORDER BY r.received_at DESC, r.id LIMIT {} OFFSET {}",
        next(),
        next()
    ));
    binds.push(Bind::Int(filter.limit));
    binds.push(Bind::Int(filter.offset));
    let mut query = sqlx::query(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let rows = query.fetch_all(&db.pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let flags: String = r.try_get("flags")?;
        let decision: String = r.try_get("decision")?;
        let status: String = r.try_get("status")?;
        out.push(QueueRow {
            id: r.try_get("id")?,
            request_type: r.try_get("request_type")?,
            order_number: r.try_get("order_number")?,
            status: status_of(&status),
            step: r.try_get("step")?,
            flags: serde_json::from_str(&flags).unwrap_or_default(),
            decision: serde_json::from_str(&decision).unwrap_or_default(),
            received_at: r.try_get("received_at")?,
            updated_at: r.try_get("updated_at")?,
            next_due: r.try_get("next_due")?,
        });
    }
    Ok(out)
}
