//! The figures of the staff reports, aggregated by the database over a range
//! of instants (each query served by an index: `requests_report`,
//! `requests_by_end`, `feedback_by_time`).

use sqlx::Row;

use crate::db::Db;

/// Requests received in the range, counted by bucket, type, outcome and clause.
pub struct Tally {
    pub bucket: i64,
    pub request_type: String,
    pub outcome: Option<String>,
    pub clause: Option<String>,
    pub count: i64,
}

/// `[from, to)` cut into buckets of `size` seconds from `from`.
#[derive(Clone, Copy)]
pub struct Range {
    pub from: i64,
    pub to: i64,
    pub size: i64,
}

pub async fn tallies(db: &Db, range: Range) -> Result<Vec<Tally>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT (received_at - $1) / $3 AS bucket, request_type, outcome, clause, COUNT(*) AS n \
         FROM requests WHERE received_at >= $1 AND received_at < $2 \
         GROUP BY 1, 2, 3, 4",
    )
    .bind(range.from)
    .bind(range.to)
    .bind(range.size)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Tally {
                bucket: r.try_get("bucket")?,
                request_type: r.try_get("request_type")?,
                outcome: r.try_get("outcome")?,
                clause: r.try_get("clause")?,
                count: r.try_get("n")?,
            })
        })
        .collect()
}

/// How one service level fared on the requests received in the range.
pub struct LevelFigures {
    pub what: String,
    /// Met by its due instant.
    pub on_time: i64,
    /// Met after it, or past it and still not met.
    pub late: i64,
    /// Not met and not yet due (or not started).
    pub open: i64,
}

pub async fn level_figures(
    db: &Db,
    range: Range,
    now: i64,
) -> Result<Vec<LevelFigures>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.what, \
         SUM(CASE WHEN s.met_at IS NOT NULL AND (s.due_at IS NULL OR s.met_at <= s.due_at) \
             THEN 1 ELSE 0 END) AS on_time, \
         SUM(CASE WHEN (s.met_at IS NOT NULL AND s.met_at > s.due_at) \
             OR (s.met_at IS NULL AND s.due_at < $3) THEN 1 ELSE 0 END) AS late, \
         SUM(CASE WHEN s.met_at IS NULL AND (s.due_at IS NULL OR s.due_at >= $3) \
             THEN 1 ELSE 0 END) AS still_open \
         FROM requests r JOIN service_levels s ON s.request_id = r.id \
         WHERE r.received_at >= $1 AND r.received_at < $2 GROUP BY s.what ORDER BY s.what",
    )
    .bind(range.from)
    .bind(range.to)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LevelFigures {
                what: r.try_get("what")?,
                on_time: r.try_get("on_time")?,
                late: r.try_get("late")?,
                open: r.try_get("still_open")?,
            })
        })
        .collect()
}

/// Seconds from receipt to closing of each request closed in the range, by type.
pub async fn times_to_close(db: &Db, range: Range) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT request_type, ended_at - received_at AS took FROM requests \
         WHERE status = 'closed' AND ended_at >= $1 AND ended_at < $2",
    )
    .bind(range.from)
    .bind(range.to)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("request_type")?, r.try_get("took")?)))
        .collect()
}

/// Ratings (1 to 5) given in the range, counted.
pub async fn ratings(db: &Db, range: Range) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT rating, COUNT(*) AS n FROM feedback WHERE created_at >= $1 AND created_at < $2 \
         GROUP BY rating ORDER BY rating",
    )
    .bind(range.from)
    .bind(range.to)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("rating")?, r.try_get("n")?)))
        .collect()
}
