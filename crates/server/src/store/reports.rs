//! The figures of the staff reports. Counts by day are kept as requests are
//! filed and levels met (`report_days`, `report_level_days`: a report over
//! two years reads a few thousand rows); what changes with the clock is read
//! live, each from an index alone (`service_levels_unmet`, `requests_by_end`,
//! `feedback_by_time`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use aftersales_rules::Policy;
use futures_util::TryStreamExt;
use sqlx::{Any, Row, Transaction};

use crate::db::{Backend, Db};
use crate::domain::clock::store_day;

/// What `report_days` counts requests by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    Type,
    Outcome,
    Clause,
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Type => "type",
            Dimension::Outcome => "outcome",
            Dimension::Clause => "clause",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Dimension::Type, Dimension::Outcome, Dimension::Clause]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// One request as the daily counts see it.
pub struct Received<'a> {
    pub day: i64,
    pub request_type: &'a str,
    pub outcome: Option<&'a str>,
    pub clause: Option<&'a str>,
}

/// Requests received on `day` with `id` (a type, outcome or clause id; "" for none).
pub struct DayCount {
    pub day: i64,
    pub dimension: Dimension,
    pub id: String,
    pub count: i64,
}

/// Rows per multi-row upsert: four parameters each, well under both databases'
/// bound-parameter limits.
const ROWS_PER_STATEMENT: usize = 500;

/// Daily counts to add: (day, dimension, id) to how many.
type DaySums = BTreeMap<(i64, Dimension, String), i64>;

fn add_received(sums: &mut DaySums, day: i64, request_type: &str, outcome: &str, clause: &str) {
    for (dimension, id) in [
        (Dimension::Type, request_type),
        (Dimension::Outcome, outcome),
        (Dimension::Clause, clause),
    ] {
        *sums.entry((day, dimension, id.to_owned())).or_default() += 1;
    }
}

/// Adds requests to the daily counts, in the transaction that stores them.
pub async fn count_received(
    tx: &mut Transaction<'static, Any>,
    requests: &[Received<'_>],
) -> Result<(), sqlx::Error> {
    let mut sums = DaySums::new();
    for r in requests {
        add_received(
            &mut sums,
            r.day,
            r.request_type,
            r.outcome.unwrap_or_default(),
            r.clause.unwrap_or_default(),
        );
    }
    add_days(tx, &sums).await
}

async fn add_days(tx: &mut Transaction<'static, Any>, sums: &DaySums) -> Result<(), sqlx::Error> {
    // Summed first: one statement may not touch a row twice (PostgreSQL).
    let sums: Vec<_> = sums.iter().collect();
    for part in sums.chunks(ROWS_PER_STATEMENT) {
        let mut sql =
            String::from("INSERT INTO report_days (day, dimension, id, received) VALUES ");
        for i in 0..part.len() {
            if i > 0 {
                sql.push(',');
            }
            let b = i * 4;
            let _ = write!(sql, "(${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4);
        }
        sql.push_str(
            " ON CONFLICT (day, dimension, id) \
             DO UPDATE SET received = report_days.received + excluded.received",
        );
        let mut query = sqlx::query(&sql);
        for ((day, dimension, id), n) in part {
            query = query
                .bind(*day)
                .bind(dimension.as_str())
                .bind(id.as_str())
                .bind(**n);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Counts a service level met, on the day its request was received.
pub async fn count_met(
    tx: &mut Transaction<'static, Any>,
    day: i64,
    what: &str,
    on_time: bool,
) -> Result<(), sqlx::Error> {
    add_level_day(tx, day, what, i64::from(on_time), i64::from(!on_time)).await
}

async fn add_level_day(
    tx: &mut Transaction<'static, Any>,
    day: i64,
    what: &str,
    on_time: i64,
    late: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO report_level_days (day, what, on_time, late) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (day, what) DO UPDATE SET on_time = report_level_days.on_time + \
         excluded.on_time, late = report_level_days.late + excluded.late",
    )
    .bind(day)
    .bind(what)
    .bind(on_time)
    .bind(late)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Fills the daily counts of a database whose requests predate them (they
/// are empty while requests exist); returns whether it did.
pub async fn fill_days(db: &Db, policy: &Policy) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let counted: i64 = sqlx::query("SELECT COUNT(*) FROM (SELECT 1 FROM report_days LIMIT 1) t")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let requests: i64 = sqlx::query("SELECT COUNT(*) FROM (SELECT 1 FROM requests LIMIT 1) t")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    if counted > 0 || requests == 0 {
        return Ok(false);
    }
    // Read row by row: the day of each instant is the store's, offset and all.
    let mut sums = DaySums::new();
    {
        let mut rows =
            sqlx::query("SELECT received_at, request_type, outcome, clause FROM requests")
                .fetch(&mut *tx);
        while let Some(r) = rows.try_next().await? {
            let outcome: Option<String> = r.try_get("outcome")?;
            let clause: Option<String> = r.try_get("clause")?;
            add_received(
                &mut sums,
                store_day(policy, r.try_get("received_at")?),
                r.try_get("request_type")?,
                outcome.as_deref().unwrap_or_default(),
                clause.as_deref().unwrap_or_default(),
            );
        }
    }
    let mut levels: BTreeMap<(i64, String), (i64, i64)> = BTreeMap::new();
    {
        let mut rows = sqlx::query(
            "SELECT received_at, what, due_at, met_at FROM service_levels WHERE met_at IS NOT NULL",
        )
        .fetch(&mut *tx);
        while let Some(r) = rows.try_next().await? {
            let day = store_day(policy, r.try_get("received_at")?);
            let due: Option<i64> = r.try_get("due_at")?;
            let met: i64 = r.try_get("met_at")?;
            let counts = levels.entry((day, r.try_get("what")?)).or_default();
            if met_on_time(due, met) {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
        }
    }
    add_days(&mut tx, &sums).await?;
    for ((day, what), (on_time, late)) in levels {
        add_level_day(&mut tx, day, &what, on_time, late).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A level met at `met` counts as on time by its due instant, or with none set.
pub fn met_on_time(due: Option<i64>, met: i64) -> bool {
    due.is_none_or(|d| met <= d)
}

/// The daily counts of the days `from..=to`.
pub async fn day_counts(db: &Db, from: i64, to: i64) -> Result<Vec<DayCount>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT day, dimension, id, received FROM report_days WHERE day >= $1 AND day <= $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let dimension: String = r.try_get("dimension")?;
        // A dimension this build does not know is skipped, not an error.
        let Some(dimension) = Dimension::parse(&dimension) else {
            continue;
        };
        out.push(DayCount {
            day: r.try_get("day")?,
            dimension,
            id: r.try_get("id")?,
            count: r.try_get("received")?,
        });
    }
    Ok(out)
}

/// `[from, to)` in Unix seconds.
#[derive(Clone, Copy)]
pub struct Range {
    pub from: i64,
    pub to: i64,
}

/// How one service level fared on the requests received in the range.
#[derive(Default)]
pub struct LevelFigures {
    /// Met by its due instant.
    pub on_time: i64,
    /// Met after it, or past it and still not met.
    pub late: i64,
    /// Not met and not yet due (or not started).
    pub open: i64,
}

/// Each level's figures over the days `days.0..=days.1` (met ones, from the
/// daily counts) and the instants `range` (those not met, against `now`).
pub async fn level_figures(
    db: &Db,
    days: (i64, i64),
    range: Range,
    now: i64,
) -> Result<BTreeMap<String, LevelFigures>, sqlx::Error> {
    let mut out: BTreeMap<String, LevelFigures> = BTreeMap::new();
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
    let met = sqlx::query(
        "SELECT what, CAST(SUM(on_time) AS BIGINT) AS on_time, CAST(SUM(late) AS BIGINT) AS late \
         FROM report_level_days WHERE day >= $1 AND day <= $2 GROUP BY what",
    )
    .bind(days.0)
    .bind(days.1)
    .fetch_all(&db.pool)
    .await?;
    for r in &met {
        let figures = out.entry(r.try_get("what")?).or_default();
        figures.on_time += r.try_get::<i64, _>("on_time")?;
        figures.late += r.try_get::<i64, _>("late")?;
    }
    let unmet = sqlx::query(
        "SELECT what, \
         SUM(CASE WHEN due_at < $3 THEN 1 ELSE 0 END) AS late, \
         SUM(CASE WHEN due_at IS NULL OR due_at >= $3 THEN 1 ELSE 0 END) AS still_open \
         FROM service_levels WHERE met_at IS NULL AND received_at >= $1 AND received_at < $2 \
         GROUP BY what",
    )
    .bind(range.from)
    .bind(range.to)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    for r in &unmet {
        let figures = out.entry(r.try_get("what")?).or_default();
        figures.late += r.try_get::<i64, _>("late")?;
        figures.open += r.try_get::<i64, _>("still_open")?;
    }
    Ok(out)
}

/// Minutes from receipt to closing of each request of `request_type` closed
/// in the range (a median needs them all). They come back as one text value:
/// fetched a row each, sqlx took about 2.5 µs a row, a second for two years
/// of a busy chain.
pub async fn minutes_to_close(
    db: &Db,
    range: Range,
    request_type: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    let joined = match db.backend {
        Backend::Sqlite => "group_concat((ended_at - received_at) / 60, ',')",
        Backend::Postgres => "string_agg(CAST((ended_at - received_at) / 60 AS TEXT), ',')",
    };
    let text: Option<String> = sqlx::query(&format!(
        "SELECT {joined} FROM requests \
         WHERE status = 'closed' AND request_type = $3 AND ended_at >= $1 AND ended_at < $2"
    ))
    .bind(range.from)
    .bind(range.to)
    .bind(request_type)
    .fetch_one(&db.pool)
    .await?
    .try_get(0)?;
    text.as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|m| !m.is_empty())
        .map(|m| {
            m.parse()
                .map_err(|e: std::num::ParseIntError| sqlx::Error::Decode(Box::new(e)))
        })
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
