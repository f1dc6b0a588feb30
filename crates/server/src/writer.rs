//! The filing writer: one task owns inserts of new requests and commits them in
//! batches, so many concurrent filings share one durable commit (one fsync on
//! SQLite, one WAL flush on PostgreSQL) instead of paying one each.

use std::time::Duration;

use sqlx::{Any, Transaction};
use tokio::sync::{mpsc, oneshot};

use crate::db::{inserted, Db};
use crate::error::ApiError;

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
    pub flags: Vec<String>,
    pub filed_at: String,
    pub evaluated_at: i64,
    pub received_at: i64,
    pub policy_version: String,
    pub decision_json: String,
    pub client_decision_json: Option<String>,
    pub filing_json: String,
    pub contact_json: String,
    pub description: String,
    pub levels: Vec<LevelRow>,
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

async fn write_batch(db: &Db, jobs: &[Job]) -> Result<Vec<WriteOutcome>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        outcomes.push(insert(&mut tx, &job.filing).await?);
    }
    tx.commit().await?;
    Ok(outcomes)
}

async fn insert(
    tx: &mut Transaction<'static, Any>,
    f: &NewFiling,
) -> Result<WriteOutcome, sqlx::Error> {
    let flags = serde_json::to_string(&f.flags).unwrap_or_else(|_| "[]".into());
    let result = sqlx::query(
        "INSERT INTO requests (id, tracking_code, body_hash, order_number, request_type, status, \
         step, flagged, flags, filed_at, evaluated_at, received_at, policy_version, decision, \
         client_decision, filing, contact, description, attachment_count, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'received', NULL, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
         $15, $16, 0, $10) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&f.id)
    .bind(&f.tracking_code)
    .bind(&f.body_hash)
    .bind(&f.order_number)
    .bind(&f.request_type)
    .bind(i64::from(!f.flags.is_empty()))
    .bind(flags)
    .bind(&f.filed_at)
    .bind(f.evaluated_at)
    .bind(f.received_at)
    .bind(&f.policy_version)
    .bind(&f.decision_json)
    .bind(f.client_decision_json.as_deref())
    .bind(&f.filing_json)
    .bind(&f.contact_json)
    .bind(&f.description)
    .execute(&mut **tx)
    .await?;
    if !inserted(&result) {
        return Ok(WriteOutcome::Exists);
    }
    sqlx::query(
        "INSERT INTO request_history (request_id, seq, at, status, step, note, actor) \
         VALUES ($1, 1, $2, 'received', NULL, NULL, 'customer')",
    )
    .bind(&f.id)
    .bind(f.received_at)
    .execute(&mut **tx)
    .await?;
    for (position, level) in f.levels.iter().enumerate() {
        sqlx::query(
            "INSERT INTO service_levels (request_id, position, what, after_event, \
             within_minutes, due_at, met_at) VALUES ($1, $2, $3, $4, $5, $6, NULL)",
        )
        .bind(&f.id)
        .bind(position as i64)
        .bind(&level.what)
        .bind(&level.after)
        .bind(level.within_minutes)
        .bind(level.due_at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(WriteOutcome::Created)
}
