//! The filing writer: one task owns inserts of new requests and commits them in
//! batches, so many concurrent filings share one durable commit (one fsync on
//! SQLite, one WAL flush on PostgreSQL) instead of paying one each.

use std::collections::HashSet;
use std::fmt::Write;
use std::time::Duration;

use aftersales_contract::{Flag, RequestStatus};
use sqlx::{Any, Row, Transaction};
use tokio::sync::{mpsc, oneshot};

use crate::db::Db;
use crate::domain::queue_keys::QueueKeys;
use crate::error::ApiError;
use crate::store::reports::{count_received, Received};

/// The status of every new request (a constant in the SQL text, never input).
const RECEIVED: &str = RequestStatus::Received.as_str();

/// Largest batch committed at once; more waiting filings go in the next one.
const MAX_BATCH: usize = 256;

/// A service level row to insert with a new request.
#[derive(Clone, Debug)]
pub struct LevelRow {
    pub what: String,
    pub after: String,
    pub within_minutes: i64,
    pub due_at: Option<i64>,
}

/// Everything stored for a new request.
#[derive(Clone, Debug)]
pub struct NewFiling {
    pub id: String,
    pub tracking_code: String,
    pub body_hash: String,
    pub order_number: String,
    pub request_type: String,
    pub flags: Vec<Flag>,
    pub filed_at: String,
    pub evaluated_at: i64,
    pub received_at: i64,
    /// The store's day of `received_at` (crate::domain::clock::store_day).
    pub received_day: i64,
    pub policy_version: String,
    pub decision_json: String,
    pub client_decision_json: Option<String>,
    pub filing_json: String,
    pub contact_json: String,
    pub description: String,
    pub levels: Vec<LevelRow>,
    pub keys: QueueKeys,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Committed: the row survives a crash from now on.
    Created,
    /// A request with this id already exists (the caller compares bodies).
    Exists,
}

struct Job {
    filing: NewFiling,
    reply: oneshot::Sender<Result<WriteOutcome, ()>>,
}

#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer task; it ends when every `Writer` clone is dropped and
    /// the queue is drained (graceful shutdown waits for it).
    pub fn start(db: Db) -> (Writer, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        let handle = tokio::spawn(run(db, rx));
        (Writer { tx }, handle)
    }

    /// Queues `filing` and waits until it is committed (or found to exist).
    pub async fn submit(&self, filing: NewFiling) -> Result<WriteOutcome, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { filing, reply })
            .await
            .map_err(|_| ApiError::unavailable())?;
        match answer.await {
            Ok(Ok(outcome)) => Ok(outcome),
            _ => Err(ApiError::unavailable()),
        }
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let jobs = std::mem::take(&mut batch);
        match write_batch(&db, &jobs).await {
            Ok(outcomes) => {
                for (job, outcome) in jobs.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) if jobs.len() > 1 => {
                // One bad row must not sink its neighbours: retry them one by one.
                tracing::warn!(error = %e, size = jobs.len(), "batch failed, retrying singly");
                for job in jobs {
                    let result = write_batch(&db, std::slice::from_ref(&job)).await;
                    let reply = match result {
                        Ok(mut o) => o.pop().ok_or(()),
                        Err(e) => {
                            tracing::error!(error = %e, "filing not stored");
                            Err(())
                        }
                    };
                    let _ = job.reply.send(reply);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "filing not stored");
                for job in jobs {
                    let _ = job.reply.send(Err(()));
                }
                // The database is likely down: don't spin on the next batch.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Rows per multi-row statement: well under SQLite's 32766 and PostgreSQL's
/// 65535 bound parameters.
const ROWS_PER_STATEMENT: usize = 128;

async fn write_batch(db: &Db, jobs: &[Job]) -> Result<Vec<WriteOutcome>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut seen = HashSet::new();
    for chunk in jobs.chunks(ROWS_PER_STATEMENT) {
        let inserted = insert_requests(&mut tx, chunk).await?;
        let mut created = Vec::new();
        for job in chunk {
            // A second copy of an id inside one batch is a retry of the first.
            if inserted.contains(&job.filing.id) && seen.insert(job.filing.id.as_str()) {
                created.push(&job.filing);
                outcomes.push(WriteOutcome::Created);
            } else {
                outcomes.push(WriteOutcome::Exists);
            }
        }
        insert_children(&mut tx, &created).await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// One multi-row insert; returns the ids that were new.
async fn insert_requests(
    tx: &mut Transaction<'static, Any>,
    chunk: &[Job],
) -> Result<HashSet<String>, sqlx::Error> {
    const COLS: usize = 22;
    let mut sql = String::from(
        "INSERT INTO requests (id, tracking_code, body_hash, order_number, request_type, \
         flagged, flags, filed_at, evaluated_at, received_at, policy_version, decision, \
         client_decision, filing, contact, description, outcome, clause, phone, next_role, \
         next_due_what, due_sort, status, step, attachment_count, updated_at, keyed) VALUES ",
    );
    for i in 0..chunk.len() {
        if i > 0 {
            sql.push(',');
        }
        let b = i * COLS;
        sql.push('(');
        for c in 1..=COLS {
            let _ = write!(sql, "${}, ", b + c);
        }
        // status, step, attachment_count, updated_at (= received_at), keyed
        let _ = write!(sql, "'{RECEIVED}', NULL, 0, ${}, 1)", b + 10);
    }
    sql.push_str(" ON CONFLICT (id) DO NOTHING RETURNING id");
    let mut query = sqlx::query(&sql);
    for job in chunk {
        let f = &job.filing;
        let flags = serde_json::to_string(&f.flags).unwrap_or_else(|_| "[]".into());
        query = query
            .bind(f.id.as_str())
            .bind(f.tracking_code.as_str())
            .bind(f.body_hash.as_str())
            .bind(f.order_number.as_str())
            .bind(f.request_type.as_str())
            .bind(i64::from(!f.flags.is_empty()))
            .bind(flags)
            .bind(f.filed_at.as_str())
            .bind(f.evaluated_at)
            .bind(f.received_at)
            .bind(f.policy_version.as_str())
            .bind(f.decision_json.as_str())
            .bind(f.client_decision_json.as_deref())
            .bind(f.filing_json.as_str())
            .bind(f.contact_json.as_str())
            .bind(f.description.as_str())
            .bind(f.keys.outcome.as_deref())
            .bind(f.keys.clause.as_deref())
            .bind(f.keys.phone.as_deref())
            .bind(f.keys.next_role.map(|r| r.as_str()))
            .bind(f.keys.next_due.as_ref().map(|d| d.what.as_str()))
            .bind(f.keys.due_sort());
    }
    let rows = query.fetch_all(&mut **tx).await?;
    rows.iter().map(|r| r.try_get::<String, _>(0)).collect()
}

/// The first history entry, the service levels and the daily counts of the new
/// requests.
async fn insert_children(
    tx: &mut Transaction<'static, Any>,
    created: &[&NewFiling],
) -> Result<(), sqlx::Error> {
    if created.is_empty() {
        return Ok(());
    }
    let mut sql = String::from(
        "INSERT INTO request_history (request_id, seq, at, status, step, note, actor) VALUES ",
    );
    for i in 0..created.len() {
        if i > 0 {
            sql.push(',');
        }
        let _ = write!(
            sql,
            "(${}, 1, ${}, '{RECEIVED}', NULL, NULL, 'customer')",
            2 * i + 1,
            2 * i + 2
        );
    }
    let mut query = sqlx::query(&sql);
    for f in created {
        query = query.bind(f.id.as_str()).bind(f.received_at);
    }
    query.execute(&mut **tx).await?;

    let levels: Vec<(&NewFiling, usize, &LevelRow)> = created
        .iter()
        .flat_map(|f| f.levels.iter().enumerate().map(move |(i, l)| (*f, i, l)))
        .collect();
    for part in levels.chunks(ROWS_PER_STATEMENT * 4) {
        let mut sql = String::from(
            "INSERT INTO service_levels (request_id, position, what, after_event, \
             within_minutes, due_at, received_at, met_at) VALUES ",
        );
        for i in 0..part.len() {
            if i > 0 {
                sql.push(',');
            }
            let b = i * 7;
            sql.push('(');
            for c in 1..=7 {
                let _ = write!(sql, "${}, ", b + c);
            }
            sql.push_str("NULL)");
        }
        let mut query = sqlx::query(&sql);
        for (f, position, level) in part {
            query = query
                .bind(f.id.as_str())
                .bind(*position as i64)
                .bind(level.what.as_str())
                .bind(level.after.as_str())
                .bind(level.within_minutes)
                .bind(level.due_at)
                .bind(f.received_at);
        }
        query.execute(&mut **tx).await?;
    }
    let received: Vec<Received> = created
        .iter()
        .map(|f| Received {
            day: f.received_day,
            request_type: &f.request_type,
            outcome: f.keys.outcome.as_deref(),
            clause: f.keys.clause.as_deref(),
        })
        .collect();
    count_received(tx, &received).await
}
