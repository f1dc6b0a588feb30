//! The staff queue: requests by tab, filtered, searched and sorted by the next
//! service level due, read from the queue columns (`crate::domain::queue_keys`)
//! and their indexes. The SQL is assembled from the filters given; every value
//! is bound, never spliced in.

use aftersales_contract::fields::normalise_tracking_code;
use aftersales_contract::{Phone, RequestStatus};
use aftersales_rules::{Outcome, Policy, RequestType, StaffRole};
use sqlx::{Any, Row, Transaction};

use super::requests::status_of;
use crate::db::Db;
use crate::domain::queue_keys::QueueKeys;

/// Which requests a queue tab holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tab {
    New,
    InProgress,
    /// Open requests whose next step is one of these roles' (or, with a role
    /// that may close, whose steps are all done).
    WaitingFor(Vec<StaffRole>),
    Closed,
    Rejected,
    /// Every request (a search looks everywhere).
    All,
}

/// What the search box matched against: an order number, a tracking code or a phone.
#[derive(Clone, Debug, Default)]
pub struct Search {
    order_numbers: Vec<String>,
    tracking_code: String,
    phone: Option<String>,
}

impl Search {
    /// `None` for blank text.
    pub fn new(text: &str) -> Option<Search> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut order_numbers = vec![text.to_owned()];
        if text.to_ascii_uppercase() != text {
            order_numbers.push(text.to_ascii_uppercase());
        }
        Some(Search {
            order_numbers,
            tracking_code: normalise_tracking_code(text),
            phone: Phone::parse(text).ok().map(Phone::into_string),
        })
    }
}

/// Which requests to list.
#[derive(Clone, Debug)]
pub struct Filter {
    pub tab: Tab,
    /// A status within the tab (narrows [`Tab::WaitingFor`]).
    pub status: Option<RequestStatus>,
    pub request_type: Option<RequestType>,
    pub outcome: Option<Outcome>,
    pub flagged: Option<bool>,
    /// Only (`true`) or no (`false`) open requests with a service level past due.
    pub overdue: Option<bool>,
    /// Only open requests with a service level due within this many seconds.
    pub due_within: Option<i64>,
    pub search: Option<Search>,
}

/// One request of the queue as stored.
pub struct QueueRow {
    pub id: String,
    pub tracking_code: String,
    pub request_type: String,
    pub order_number: String,
    pub status: RequestStatus,
    pub step: Option<String>,
    pub flags: Vec<String>,
    pub outcome: Option<String>,
    pub clause: Option<String>,
    pub next_role: Option<StaffRole>,
    pub received_at: i64,
    pub updated_at: i64,
    pub ended_at: Option<i64>,
    /// The service level due first, and when.
    pub next_due: Option<(String, i64)>,
}

enum Bind {
    Text(String),
    Int(i64),
}

/// Open statuses, as SQL (constants, not input).
const OPEN: &str = "r.status IN ('received', 'in_progress')";

/// The `WHERE` clause of a filter, its bound values, and the `ORDER BY` that
/// its tab's index serves.
struct Query {
    sql: String,
    binds: Vec<Bind>,
}

impl Query {
    fn new(select: &str) -> Query {
        Query {
            sql: format!("{select} FROM requests r WHERE 1 = 1"),
            binds: Vec::new(),
        }
    }

    /// The next placeholder, bound to `value`.
    fn param(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    fn filtered(mut self, filter: &Filter, now: i64) -> Query {
        match &filter.tab {
            Tab::New => self.sql.push_str(" AND r.status = 'received'"),
            Tab::InProgress => self.sql.push_str(" AND r.status = 'in_progress'"),
            Tab::Closed => self.sql.push_str(" AND r.status = 'closed'"),
            Tab::Rejected => self.sql.push_str(" AND r.status = 'rejected'"),
            Tab::All => {}
            Tab::WaitingFor(roles) => {
                let mut alternatives: Vec<String> = Vec::new();
                let steps: Vec<StaffRole> = roles
                    .iter()
                    .copied()
                    .filter(|r| *r != StaffRole::Admin)
                    .collect();
                if !steps.is_empty() {
                    let list: Vec<String> = steps
                        .iter()
                        .map(|r| self.param(Bind::Text(r.as_str().to_owned())))
                        .collect();
                    alternatives.push(format!("r.next_role IN ({})", list.join(", ")));
                }
                if roles.iter().any(|r| StaffRole::CLOSERS.contains(r)) {
                    alternatives.push("r.next_role IS NULL".into());
                }
                if alternatives.is_empty() {
                    alternatives.push("1 = 0".into());
                }
                self.sql
                    .push_str(&format!(" AND {OPEN} AND ({})", alternatives.join(" OR ")));
            }
        }
        if let Some(status) = filter.status {
            let p = self.param(Bind::Text(status.as_str().to_owned()));
            self.sql.push_str(&format!(" AND r.status = {p}"));
        }
        if let Some(t) = filter.request_type {
            let p = self.param(Bind::Text(t.as_str().to_owned()));
            self.sql.push_str(&format!(" AND r.request_type = {p}"));
        }
        if let Some(o) = filter.outcome {
            let p = self.param(Bind::Text(o.as_str().to_owned()));
            self.sql.push_str(&format!(" AND r.outcome = {p}"));
        }
        if let Some(flagged) = filter.flagged {
            let p = self.param(Bind::Int(i64::from(flagged)));
            self.sql.push_str(&format!(" AND r.flagged = {p}"));
        }
        if let Some(overdue) = filter.overdue {
            let p = self.param(Bind::Int(now));
            if overdue {
                self.sql
                    .push_str(&format!(" AND {OPEN} AND r.due_sort < {p}"));
            } else {
                self.sql
                    .push_str(&format!(" AND NOT ({OPEN} AND r.due_sort < {p})"));
            }
        }
        if let Some(within) = filter.due_within {
            let from = self.param(Bind::Int(now));
            let to = self.param(Bind::Int(now.saturating_add(within)));
            self.sql.push_str(&format!(
                " AND {OPEN} AND r.due_sort >= {from} AND r.due_sort < {to}"
            ));
        }
        if let Some(search) = &filter.search {
            let mut any: Vec<String> = search
                .order_numbers
                .iter()
                .map(|n| {
                    let p = self.param(Bind::Text(n.clone()));
                    format!("r.order_number = {p}")
                })
                .collect();
            let p = self.param(Bind::Text(search.tracking_code.clone()));
            any.push(format!("r.tracking_code = {p}"));
            if let Some(phone) = &search.phone {
                let p = self.param(Bind::Text(phone.clone()));
                any.push(format!("r.phone = {p}"));
            }
            self.sql.push_str(&format!(" AND ({})", any.join(" OR ")));
        }
        self
    }

    fn bound(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        let mut query = sqlx::query(&self.sql);
        for b in &self.binds {
            query = match b {
                Bind::Text(t) => query.bind(t.as_str()),
                Bind::Int(i) => query.bind(*i),
            };
        }
        query
    }
}

const ROW_COLUMNS: &str = "SELECT r.id, r.tracking_code, r.request_type, r.order_number, \
     r.status, r.step, r.flags, r.outcome, r.clause, r.next_role, r.received_at, \
     r.updated_at, r.ended_at, r.next_due_what, r.due_sort";

/// Open tabs are worked in the order their service levels fall due; ended ones
/// show the latest first; a search across every status, the newest first.
fn order_of(tab: &Tab) -> &'static str {
    match tab {
        Tab::New | Tab::InProgress | Tab::WaitingFor(_) => {
            " ORDER BY r.due_sort, r.received_at, r.id"
        }
        Tab::Closed | Tab::Rejected => " ORDER BY r.updated_at DESC, r.id",
        Tab::All => " ORDER BY r.received_at DESC, r.id",
    }
}

/// One page of the queue: at most `limit` rows from `offset`.
pub async fn list(
    db: &Db,
    filter: &Filter,
    now: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    let mut query = Query::new(ROW_COLUMNS).filtered(filter, now);
    query.sql.push_str(order_of(&filter.tab));
    let l = query.param(Bind::Int(limit));
    let o = query.param(Bind::Int(offset));
    query.sql.push_str(&format!(" LIMIT {l} OFFSET {o}"));
    let rows = query.bound().fetch_all(&db.pool).await?;
    rows.iter().map(row_of).collect()
}

/// Every row of the filter, in the queue's order, at most `cap` of them (the export).
pub async fn all(
    db: &Db,
    filter: &Filter,
    now: i64,
    cap: i64,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    list(db, filter, now, cap, 0).await
}

/// How many requests the filter holds, counting at most `cap` (a tab's badge).
pub async fn count(db: &Db, filter: &Filter, now: i64, cap: i64) -> Result<i64, sqlx::Error> {
    let mut inner = Query::new("SELECT 1").filtered(filter, now);
    let l = inner.param(Bind::Int(cap));
    inner.sql = format!("SELECT COUNT(*) FROM ({} LIMIT {l}) capped", inner.sql);
    inner.bound().fetch_one(&db.pool).await?.try_get(0)
}

fn row_of(r: &sqlx::any::AnyRow) -> Result<QueueRow, sqlx::Error> {
    let flags: String = r.try_get("flags")?;
    let status: String = r.try_get("status")?;
    let next_role: Option<String> = r.try_get("next_role")?;
    let next_due_what: Option<String> = r.try_get("next_due_what")?;
    let due_sort: i64 = r.try_get("due_sort")?;
    Ok(QueueRow {
        id: r.try_get("id")?,
        tracking_code: r.try_get("tracking_code")?,
        request_type: r.try_get("request_type")?,
        order_number: r.try_get("order_number")?,
        status: status_of(&status),
        step: r.try_get("step")?,
        flags: serde_json::from_str(&flags).unwrap_or_default(),
        outcome: r.try_get("outcome")?,
        clause: r.try_get("clause")?,
        next_role: next_role.as_deref().and_then(StaffRole::parse),
        received_at: r.try_get("received_at")?,
        updated_at: r.try_get("updated_at")?,
        ended_at: r.try_get("ended_at")?,
        next_due: next_due_what.map(|what| (what, due_sort)),
    })
}

/// Writes the queue columns of request `id` from its stored state, inside the
/// transaction that changed its status, step or service levels.
pub async fn rekey(
    tx: &mut Transaction<'static, Any>,
    policy: &Policy,
    id: &str,
) -> Result<(), sqlx::Error> {
    let row = sqlx::query("SELECT status, step, decision, contact FROM requests WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    let json = |text: String| serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    let status: String = row.try_get("status")?;
    let status = status_of(&status);
    let step: Option<String> = row.try_get("step")?;
    let levels = sqlx::query(
        "SELECT what, due_at FROM service_levels WHERE request_id = $1 AND met_at IS NULL",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|l| Ok((l.try_get("what")?, l.try_get("due_at")?)))
    .collect::<Result<Vec<(String, Option<i64>)>, sqlx::Error>>()?;
    let keys = QueueKeys::of(
        policy,
        status,
        step.as_deref(),
        &json(row.try_get("decision")?),
        &json(row.try_get("contact")?),
        &levels,
    );
    sqlx::query(
        "UPDATE requests SET outcome = $2, clause = $3, phone = $4, next_role = $5, \
         next_due_what = $6, due_sort = $7, keyed = 1, \
         ended_at = CASE WHEN $8 = 1 THEN COALESCE(ended_at, updated_at) END WHERE id = $1",
    )
    .bind(id)
    .bind(keys.outcome.as_deref())
    .bind(keys.clause.as_deref())
    .bind(keys.phone.as_deref())
    .bind(keys.next_role.map(|r| r.as_str()))
    .bind(keys.next_due.as_ref().map(|d| d.what.as_str()))
    .bind(keys.due_sort())
    .bind(i64::from(!status.is_open()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Fills the queue columns of requests stored before they existed, a batch per
/// transaction; returns how many it filled.
pub async fn fill_keys(db: &Db, policy: &Policy) -> Result<u64, sqlx::Error> {
    let mut filled = 0;
    loop {
        let ids: Vec<String> = sqlx::query("SELECT id FROM requests WHERE keyed = 0 LIMIT 500")
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        if ids.is_empty() {
            return Ok(filled);
        }
        let mut tx = db.pool.begin().await?;
        for id in &ids {
            rekey(&mut tx, policy, id).await?;
        }
        tx.commit().await?;
        filled += ids.len() as u64;
    }
}
