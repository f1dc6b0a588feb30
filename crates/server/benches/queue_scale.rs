//! Scale benchmark of the staff queue and dashboard: fills a fresh database with
//! N requests (default 1,000,000) by direct SQL, starts the real server on it,
//! times the queue's tabs, filters and search, the tab counts, the dashboard and
//! the CSV export over HTTP, and prints the query plans of their SQL.
//!
//!     cargo bench -p aftersales-server --bench queue_scale -- [--requests N] [--runs R] [--reuse]
//!
//! A fresh SQLite file by default, or `BENCH_DATABASE_URL` (an empty
//! PostgreSQL database; scripts/bench-queue.sh runs both). Targets: 100 ms at
//! the 95th percentile for the queue, 1 s for the dashboard. A missed target
//! prints OVER; it does not fail the run. `--reuse` measures a database an
//! earlier run filled (a `BENCH_DATABASE_URL` file) instead of filling one.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aftersales_contract::fields::{TRACKING_CODE_ALPHABET, TRACKING_CODE_LEN};
use aftersales_rules::StaffRole;
use aftersales_server::config::Config;
use aftersales_server::db::{self, Backend, Db};
use aftersales_server::Application;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sqlx::pool::PoolConnection;
use sqlx::{Any, Row};

struct Args {
    requests: usize,
    runs: usize,
    /// Measure a database an earlier run filled (`BENCH_DATABASE_URL`).
    reuse: bool,
}

fn args() -> Args {
    let mut a = Args {
        requests: 1_000_000,
        runs: 50,
        reuse: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--requests" => {
                a.requests = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.requests)
            }
            "--runs" => a.runs = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.runs),
            "--reuse" => a.reuse = true,
            _ => {} // `cargo bench` passes --bench
        }
    }
    a
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
/// Requests per transaction of the fill (with their levels and feedback).
const PER_TX: usize = 20_000;
/// Rows per INSERT statement: under SQLite's 32,766 bound values.
const REQUEST_ROWS: usize = 500;
const LEVEL_ROWS: usize = 2_000;
const FEEDBACK_ROWS: usize = 5_000;

/// Who performs each step (public/policy.json's `roles`).
fn role_of(step: &str) -> &'static str {
    match step {
        "first_contact" | "plan_to_customer" | "repair" | "return_to_customer"
        | "followup_call" => "service_centre",
        "inspection_visit" => "technician",
        "manager_fills_form" | "goods_inspected" | "exchange_handover" | "manager_confirms" => {
            "store_manager"
        }
        "operations_head_approval" => "operations_head",
        "general_manager_approval" => "general_manager",
        "finance_filing" | "refund" => "finance",
        _ => "front_desk",
    }
}

const CANCEL_STEPS: &[&str] = &[
    "record_reason",
    "retention_offer",
    "cancellation_form",
    "general_manager_approval",
    "refund",
];
const RETURN_STEPS: &[&str] = &[
    "record_reason",
    "manager_fills_form",
    "goods_inspected",
    "operations_head_approval",
    "finance_filing",
    "refund",
];
const INSPECT_STEPS: &[&str] = &[
    "record_reason",
    "inspection_visit",
    "goods_inspected",
    "operations_head_approval",
    "refund",
];
const EXCHANGE_STEPS: &[&str] = &[
    "record_reason",
    "manager_fills_form",
    "goods_inspected",
    "exchange_handover",
];
const REPAIR_STEPS: &[&str] = &[
    "repair_notice",
    "first_contact",
    "inspection_visit",
    "manager_confirms",
    "plan_to_customer",
    "repair",
    "return_to_customer",
    "followup_call",
];
const COMPLAINT_STEPS: &[&str] = &[
    "record_complaint",
    "assign_department",
    "handle",
    "feedback_to_customer",
    "archive",
];
const REFUSED_STEPS: &[&str] = &["record_reason"];

/// A service level: what, the event it counts from, minutes (the acknowledgement
/// comes first on every request).
type Level = (&'static str, &'static str, i64);
const ACK: Level = ("acknowledge", "received", 1440);
const RESOLVE: &[Level] = &[ACK, ("resolution", "received", 4320)];
const REPAIR_LEVELS: &[Level] = &[
    ACK,
    ("first_contact", "received", 2880),
    ("post_repair_followup", "item_returned", 1440),
];
const ACK_ONLY_PLUS_CALL: &[Level] = &[ACK, ("first_contact", "received", 2880)];

/// One kind of decision: type, outcome, clause, steps, levels, weight.
struct Kind {
    request_type: &'static str,
    outcome: &'static str,
    clause: &'static str,
    steps: &'static [&'static str],
    levels: &'static [Level],
    weight: u32,
}

const KINDS: &[Kind] = &[
    kind("cancel", "allowed", "cancel.free", CANCEL_STEPS, RESOLVE, 8),
    kind(
        "cancel",
        "allowed_with_fee",
        "cancel.fee",
        CANCEL_STEPS,
        RESOLVE,
        4,
    ),
    kind(
        "cancel",
        "refused",
        "cancel.already_fulfilled",
        REFUSED_STEPS,
        RESOLVE,
        2,
    ),
    kind(
        "cancel",
        "refused",
        "cancel.custom_order",
        REFUSED_STEPS,
        RESOLVE,
        1,
    ),
    kind(
        "return",
        "allowed",
        "return.within_window",
        RETURN_STEPS,
        RESOLVE,
        14,
    ),
    kind(
        "return",
        "allowed",
        "return.self_pickup",
        RETURN_STEPS,
        RESOLVE,
        4,
    ),
    kind(
        "return",
        "allowed_with_fee",
        "return.packaging_opened",
        RETURN_STEPS,
        RESOLVE,
        2,
    ),
    kind(
        "return",
        "needs_inspection",
        "return.quality_inspection",
        INSPECT_STEPS,
        RESOLVE,
        5,
    ),
    kind(
        "return",
        "refused",
        "return.window_expired",
        REFUSED_STEPS,
        RESOLVE,
        5,
    ),
    kind(
        "return",
        "refused",
        "return.not_intact",
        REFUSED_STEPS,
        RESOLVE,
        2,
    ),
    kind(
        "return",
        "refused",
        "return.final_sale",
        REFUSED_STEPS,
        RESOLVE,
        1,
    ),
    kind("return", "mixed", "mixed", RETURN_STEPS, RESOLVE, 3),
    kind(
        "exchange",
        "allowed",
        "return.within_window",
        EXCHANGE_STEPS,
        RESOLVE,
        10,
    ),
    kind(
        "exchange",
        "refused",
        "return.window_expired",
        REFUSED_STEPS,
        RESOLVE,
        2,
    ),
    kind(
        "repair",
        "allowed",
        "repair.warranty",
        REPAIR_STEPS,
        REPAIR_LEVELS,
        14,
    ),
    kind(
        "repair",
        "allowed_with_fee",
        "repair.chargeable",
        REPAIR_STEPS,
        REPAIR_LEVELS,
        6,
    ),
    kind(
        "complaint",
        "allowed",
        "complaint.service",
        COMPLAINT_STEPS,
        ACK_ONLY_PLUS_CALL,
        8,
    ),
    kind(
        "complaint",
        "needs_inspection",
        "complaint.product",
        COMPLAINT_STEPS,
        ACK_ONLY_PLUS_CALL,
        4,
    ),
];

const fn kind(
    request_type: &'static str,
    outcome: &'static str,
    clause: &'static str,
    steps: &'static [&'static str],
    levels: &'static [Level],
    weight: u32,
) -> Kind {
    Kind {
        request_type,
        outcome,
        clause,
        steps,
        levels,
        weight,
    }
}

fn pick_kind(rng: &mut StdRng) -> &'static Kind {
    let total: u32 = KINDS.iter().map(|k| k.weight).sum();
    let mut n = rng.gen_range(0..total);
    for k in KINDS {
        if n < k.weight {
            return k;
        }
        n -= k.weight;
    }
    &KINDS[0]
}

/// The i-th distinct tracking code: i times a constant prime to the alphabet's
/// size, modulo all codes (a bijection), written in the alphabet.
fn tracking_code(i: u64) -> String {
    let alphabet = TRACKING_CODE_ALPHABET.as_bytes();
    let base = alphabet.len() as u64;
    let space = base.pow(TRACKING_CODE_LEN as u32);
    let mut n = (i.wrapping_mul(2_654_435_761) + 12_345) % space;
    let mut out = vec![b'2'; TRACKING_CODE_LEN];
    for slot in out.iter_mut().rev() {
        *slot = alphabet[(n % base) as usize];
        n /= base;
    }
    String::from_utf8(out).expect("ascii")
}

fn phone(i: u64) -> String {
    (13_800_000_000 + i).to_string()
}

fn order_number(i: u64) -> String {
    format!("SO-{}", 1_000_000 + i)
}

struct RequestRow {
    id: String,
    tracking_code: String,
    body_hash: String,
    order_number: String,
    request_type: &'static str,
    status: &'static str,
    step: Option<&'static str>,
    flagged: bool,
    filed_at: String,
    received_at: i64,
    decision: String,
    filing: String,
    contact: String,
    updated_at: i64,
    outcome: &'static str,
    clause: &'static str,
    phone: String,
    next_role: Option<&'static str>,
    next_due_what: Option<&'static str>,
    due_sort: i64,
    ended_at: Option<i64>,
}

struct LevelRow {
    request_id: String,
    position: i64,
    what: &'static str,
    after: &'static str,
    minutes: i64,
    due_at: Option<i64>,
    met_at: Option<i64>,
    received_at: i64,
}

struct Generated {
    requests: Vec<RequestRow>,
    levels: Vec<LevelRow>,
    feedback: Vec<(String, i64, i64)>,
}

/// Request `i` of `n`: the first 99% closed or rejected over five years, the
/// last 1% open and recent (some overdue, some due within the hour).
fn generate(rng: &mut StdRng, i: u64, n: u64, now: i64, out: &mut Generated) {
    let k = pick_kind(rng);
    let open_from = n - (n / 100).max(1);
    let open = i >= open_from;
    let received_at = if open {
        if rng.gen_bool(0.6) {
            now - rng.gen_range(0..30 * HOUR)
        } else {
            now - rng.gen_range(0..4 * DAY)
        }
    } else {
        // Spread evenly over five years, ending two days ago, in filing order.
        let span = 5 * 365 * DAY;
        now - 2 * DAY - span
            + (span as u128 * i as u128 / open_from.max(1) as u128) as i64
            + rng.gen_range(0..600)
    };
    let id = uuid::Builder::from_random_bytes(rng.gen())
        .into_uuid()
        .to_string();
    let flagged = rng.gen_bool(0.03);
    let refused = k.outcome == "refused";
    let rejected = !open && rng.gen_bool(if refused { 0.6 } else { 0.03 });
    // Open: "received" (nothing done) or in progress at some step.
    let in_progress = open && received_at < now - 2 * HOUR && rng.gen_bool(0.45);
    let (status, step, next_role) = if !open {
        let status = if rejected { "rejected" } else { "closed" };
        (status, k.steps.last().copied(), None)
    } else if in_progress {
        let at = rng.gen_range(0..k.steps.len());
        let next = k.steps.get(at + 1).map(|s| role_of(s));
        ("in_progress", Some(k.steps[at]), next)
    } else {
        ("received", None, Some(role_of(k.steps[0])))
    };
    let took = if open {
        0
    } else {
        // Hours to weeks, most within days.
        let hours = rng.gen_range(0.0f64..500.0f64.ln()).exp();
        (hours * HOUR as f64) as i64 + 600
    };
    let ended_at = (!open).then_some(received_at + took);
    let updated_at = ended_at.unwrap_or(if in_progress {
        received_at + rng.gen_range(600..2 * HOUR)
    } else {
        received_at
    });

    let mut due_first: Option<(i64, &'static str)> = None;
    for (position, (what, after, minutes)) in k.levels.iter().enumerate() {
        let counts_from_receipt = *after == "received";
        let due_at = (counts_from_receipt || !open).then_some(received_at + minutes * 60);
        let met_at = if !open {
            // Most on time, about 8% late.
            due_at.map(|d| {
                if rng.gen_bool(0.08) {
                    d + rng.gen_range(HOUR..2 * DAY)
                } else {
                    d - rng.gen_range(0..minutes * 60)
                }
            })
        } else if in_progress && position == 0 {
            Some(received_at + rng.gen_range(300..2 * HOUR))
        } else {
            None
        };
        if open && met_at.is_none() {
            if let Some(d) = due_at {
                if due_first.is_none_or(|(at, _)| d < at) {
                    due_first = Some((d, what));
                }
            }
        }
        out.levels.push(LevelRow {
            request_id: id.clone(),
            position: position as i64,
            what,
            after,
            minutes: *minutes,
            due_at,
            met_at,
            received_at,
        });
    }
    if status == "closed" && rng.gen_bool(0.3) {
        let rating = match rng.gen_range(0..20) {
            0 => 1,
            1 => 2,
            2 | 3 => 3,
            4..=9 => 4,
            _ => 5,
        };
        let at = ended_at.unwrap_or(received_at) + rng.gen_range(0..3 * DAY);
        out.feedback.push((id.clone(), rating, at));
    }

    let phone = phone(i);
    let order_number = order_number(i);
    let levels: Vec<Value> = k
        .levels
        .iter()
        .map(|(what, after, minutes)| json!({"what": what, "after": after, "within_minutes": minutes}))
        .collect();
    let decision = json!({
        "outcome": k.outcome,
        "clause": k.clause,
        "steps": k.steps,
        "documents": ["receipt_or_invoice"],
        "service_levels": levels,
        "policy_version": "bench",
    });
    let filing = json!({
        "order_number": order_number,
        "request": {"type": k.request_type, "reason": "bench"},
        "facts": {"goods_intact": true},
        "documents": ["receipt"],
    });
    let contact = json!({"name": "王女士", "phone": phone, "preferred_time": ""});
    let filed_at = aftersales_rules::Timestamp::from_unix(received_at, 8 * 3600)
        .map(|t| t.to_string())
        .unwrap_or_default();
    out.requests.push(RequestRow {
        tracking_code: tracking_code(i),
        body_hash: format!("{:016x}{:016x}{:016x}{:016x}", rng.gen::<u64>(), i, i, i),
        order_number,
        request_type: k.request_type,
        status,
        step,
        flagged,
        filed_at,
        received_at,
        decision: decision.to_string(),
        filing: filing.to_string(),
        contact: contact.to_string(),
        updated_at,
        outcome: k.outcome,
        clause: k.clause,
        phone,
        next_role,
        next_due_what: due_first.map(|(_, w)| w),
        due_sort: due_first.map_or(i64::MAX, |(at, _)| at),
        ended_at,
        id,
    });
}

/// `(…), (…)`: `rows` groups of `cols` placeholders and then `tail`. SQLite gets
/// plain `?`: it looks each named parameter up in a list, quadratic in a
/// statement of thousands (that alone made the fill five times slower).
fn values(rows: usize, cols: usize, tail: &str, numbered: bool) -> String {
    let mut sql = String::with_capacity(rows * (cols * 7 + tail.len() + 3));
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 1..=cols {
            if c > 1 {
                sql.push(',');
            }
            if numbered {
                sql.push_str(&format!("${}", r * cols + c));
            } else {
                sql.push('?');
            }
        }
        sql.push_str(tail);
        sql.push(')');
    }
    sql
}

async fn insert(
    conn: &mut PoolConnection<Any>,
    g: &Generated,
    numbered: bool,
) -> Result<(), sqlx::Error> {
    for chunk in g.requests.chunks(REQUEST_ROWS) {
        // evaluated_at is received_at, bound again; keyed and the rest constant.
        let sql = format!(
            "INSERT INTO requests (id, tracking_code, body_hash, order_number, request_type, \
             status, step, flagged, flags, filed_at, received_at, decision, filing, contact, \
             description, updated_at, outcome, clause, phone, next_role, next_due_what, \
             due_sort, ended_at, evaluated_at, policy_version, attachment_count, keyed) VALUES {}",
            values(chunk.len(), 24, ",'bench',0,1", numbered)
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(r.id.as_str())
                .bind(r.tracking_code.as_str())
                .bind(r.body_hash.as_str())
                .bind(r.order_number.as_str())
                .bind(r.request_type)
                .bind(r.status)
                .bind(r.step)
                .bind(i64::from(r.flagged))
                .bind(if r.flagged {
                    r#"["phone_mismatch"]"#
                } else {
                    "[]"
                })
                .bind(r.filed_at.as_str())
                .bind(r.received_at)
                .bind(r.decision.as_str())
                .bind(r.filing.as_str())
                .bind(r.contact.as_str())
                .bind("Bench request.")
                .bind(r.updated_at)
                .bind(r.outcome)
                .bind(r.clause)
                .bind(r.phone.as_str())
                .bind(r.next_role)
                .bind(r.next_due_what)
                .bind(r.due_sort)
                .bind(r.ended_at)
                .bind(r.received_at);
        }
        q.execute(&mut **conn).await?;
    }
    for chunk in g.levels.chunks(LEVEL_ROWS) {
        let sql = format!(
            "INSERT INTO service_levels (request_id, position, what, after_event, \
             within_minutes, due_at, met_at, received_at) VALUES {}",
            values(chunk.len(), 8, "", numbered)
        );
        let mut q = sqlx::query(&sql);
        for l in chunk {
            q = q
                .bind(l.request_id.as_str())
                .bind(l.position)
                .bind(l.what)
                .bind(l.after)
                .bind(l.minutes)
                .bind(l.due_at)
                .bind(l.met_at)
                .bind(l.received_at);
        }
        q.execute(&mut **conn).await?;
    }
    for chunk in g.feedback.chunks(FEEDBACK_ROWS) {
        let sql = format!(
            "INSERT INTO feedback (request_id, rating, created_at, comment) VALUES {}",
            values(chunk.len(), 3, ",''", numbered)
        );
        let mut q = sqlx::query(&sql);
        for (id, rating, at) in chunk {
            q = q.bind(id.as_str()).bind(*rating).bind(*at);
        }
        q.execute(&mut **conn).await?;
    }
    Ok(())
}

/// What the fill left to search for: an existing tracking code, order and phone.
struct Samples {
    tracking_code: String,
    order_number: String,
    phone: String,
}

impl Samples {
    /// From request n/3 of n: a closed one in the middle of the table.
    fn of(n: u64) -> Samples {
        Samples {
            tracking_code: tracking_code(n / 3),
            order_number: order_number(n / 3),
            phone: phone(n / 3),
        }
    }
}

async fn fill(db: &Db, n: usize, now: i64) -> Result<(), sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    if db.backend == Backend::Sqlite {
        // Only for the fill, on this connection: a crash would lose a bench database.
        sqlx::query("PRAGMA synchronous = OFF")
            .execute(&mut *conn)
            .await?;
        sqlx::query("PRAGMA cache_size = -524288")
            .execute(&mut *conn)
            .await?;
    }
    let mut rng = StdRng::seed_from_u64(2026);
    let started = Instant::now();
    let (mut levels, mut feedback) = (0usize, 0usize);
    let mut i = 0usize;
    while i < n {
        let end = (i + PER_TX).min(n);
        let mut g = Generated {
            requests: Vec::with_capacity(end - i),
            levels: Vec::with_capacity((end - i) * 3),
            feedback: Vec::new(),
        };
        for j in i..end {
            generate(&mut rng, j as u64, n as u64, now, &mut g);
        }
        levels += g.levels.len();
        feedback += g.feedback.len();
        sqlx::query("BEGIN").execute(&mut *conn).await?;
        insert(&mut conn, &g, db.backend == Backend::Postgres).await?;
        sqlx::query("COMMIT").execute(&mut *conn).await?;
        i = end;
        if i.is_multiple_of(200_000) || i == n {
            eprintln!(
                "  filled {i} requests in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "fill: {n} requests, {levels} service levels, {feedback} feedback in {took:.1} s \
         ({:.0} requests/s, {:.0} rows/s)",
        n as f64 / took,
        (n + levels + feedback) as f64 / took
    );
    if db.backend == Backend::Sqlite {
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *conn)
            .await?;
        sqlx::query("PRAGMA cache_size = -2000")
            .execute(&mut *conn)
            .await?;
    } else {
        // A live database has been analyzed by autovacuum by now.
        let started = Instant::now();
        sqlx::query("ANALYZE").execute(&mut *conn).await?;
        println!("ANALYZE: {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

struct Timing {
    name: String,
    p50: f64,
    p95: f64,
    max: f64,
    target: Option<f64>,
    note: String,
}

async fn time(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    runs: usize,
) -> (Vec<Duration>, String) {
    let mut note = String::new();
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs + 3 {
        let started = Instant::now();
        let result = client.get(url).bearer_auth(token).send().await;
        let (status, body) = match result {
            Ok(r) => {
                let status = r.status().as_u16();
                (status, r.bytes().await.unwrap_or_default())
            }
            Err(e) => {
                note = format!("error: {e}");
                break;
            }
        };
        let took = started.elapsed();
        if status != 200 {
            note = format!("HTTP {status}: {}", String::from_utf8_lossy(&body));
            break;
        }
        if i == 0 {
            note = describe(&body);
        }
        if i >= 3 {
            times.push(took);
        }
    }
    times.sort_unstable();
    (times, note)
}

/// How many rows a queue page or the CSV held, as a sanity check of the query.
fn describe(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => match v.get("requests").and_then(Value::as_array) {
            Some(rows) => format!(
                "{} rows{}",
                rows.len(),
                if v["has_more"] == true { "+" } else { "" }
            ),
            None => match v.get("received") {
                Some(n) => format!("received {n}"),
                None => v.to_string().chars().take(60).collect(),
            },
        },
        Err(_) => format!("{} lines", body.split(|b| *b == b'\n').count() - 1),
    }
}

const ROW_COLUMNS: &str = "SELECT r.id, r.tracking_code, r.request_type, r.order_number, \
     r.status, r.step, r.flags, r.outcome, r.clause, r.next_role, r.received_at, \
     r.updated_at, r.ended_at, r.next_due_what, r.due_sort";
const OPEN: &str = "r.status IN ('received', 'in_progress')";
const BY_DUE: &str = " ORDER BY r.due_sort, r.received_at, r.id LIMIT 51 OFFSET 0";
const BY_UPDATE: &str = " ORDER BY r.updated_at DESC, r.id LIMIT 51 OFFSET 0";
const BY_RECEIVED: &str = " ORDER BY r.received_at DESC, r.id LIMIT 51 OFFSET 0";

/// The SQL crate::store::queue and crate::store::reports send for the measured
/// calls, with the values written in.
fn shapes(now: i64, s: &Samples, backend: Backend) -> Vec<(String, String)> {
    let page =
        |cond: &str, order: &str| format!("{ROW_COLUMNS} FROM requests r WHERE 1 = 1{cond}{order}");
    let roles: Vec<String> = StaffRole::ALL
        .iter()
        .filter(|r| **r != StaffRole::Admin)
        .map(|r| format!("'{}'", r.as_str()))
        .collect();
    let waiting = format!(
        " AND {OPEN} AND (r.next_role IN ({}) OR r.next_role IS NULL)",
        roles.join(", ")
    );
    let overdue = format!(" AND {OPEN} AND r.due_sort < {now}");
    let within = format!(
        " AND {OPEN} AND r.due_sort >= {now} AND r.due_sort < {}",
        now + 3600
    );
    let search = |text: &str, phone: bool| {
        let upper = text.to_ascii_uppercase();
        let mut any = vec![format!("r.order_number = '{text}'")];
        if upper != text {
            any.push(format!("r.order_number = '{upper}'"));
        }
        any.push(format!("r.tracking_code = '{}'", upper.replace('-', "")));
        if phone {
            any.push(format!("r.phone = '{text}'"));
        }
        format!(" AND ({})", any.join(" OR "))
    };
    let count = |cond: &str| {
        format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM requests r WHERE 1 = 1{cond} LIMIT 1000) capped"
        )
    };
    let (from, to) = (now - 730 * DAY, now + DAY);
    let joined = match backend {
        Backend::Sqlite => "group_concat((ended_at - received_at) / 60, ',')",
        Backend::Postgres => "string_agg(CAST((ended_at - received_at) / 60 AS TEXT), ',')",
    };
    let (first_day, today) = (from / DAY, now / DAY);
    vec![
        (
            "tab received".into(),
            page(" AND r.status = 'received'", BY_DUE),
        ),
        (
            "tab in_progress".into(),
            page(" AND r.status = 'in_progress'", BY_DUE),
        ),
        ("tab waiting (all roles)".into(), page(&waiting, BY_DUE)),
        (
            "tab closed".into(),
            page(" AND r.status = 'closed'", BY_UPDATE),
        ),
        (
            "tab rejected".into(),
            page(" AND r.status = 'rejected'", BY_UPDATE),
        ),
        ("all".into(), page("", BY_RECEIVED)),
        (
            "type=repair".into(),
            page(" AND r.request_type = 'repair'", BY_RECEIVED),
        ),
        (
            "outcome=refused".into(),
            page(" AND r.outcome = 'refused'", BY_RECEIVED),
        ),
        (
            "flagged=true".into(),
            page(" AND r.flagged = 1", BY_RECEIVED),
        ),
        (
            "closed & type=repair".into(),
            page(
                " AND r.status = 'closed' AND r.request_type = 'repair'",
                BY_UPDATE,
            ),
        ),
        (
            "closed & outcome=refused".into(),
            page(
                " AND r.status = 'closed' AND r.outcome = 'refused'",
                BY_UPDATE,
            ),
        ),
        (
            "closed & flagged=true".into(),
            page(" AND r.status = 'closed' AND r.flagged = 1", BY_UPDATE),
        ),
        (
            "received & type=repair".into(),
            page(
                " AND r.status = 'received' AND r.request_type = 'repair'",
                BY_DUE,
            ),
        ),
        ("overdue=true".into(), page(&overdue, BY_RECEIVED)),
        ("due_within_minutes=60".into(), page(&within, BY_RECEIVED)),
        (
            "q=tracking code".into(),
            page(&search(&s.tracking_code, false), BY_RECEIVED),
        ),
        (
            "q=order number".into(),
            page(&search(&s.order_number, false), BY_RECEIVED),
        ),
        ("q=phone".into(), page(&search(&s.phone, true), BY_RECEIVED)),
        (
            "q=nothing-matches".into(),
            page(&search("nothing-matches", false), BY_RECEIVED),
        ),
        ("count received".into(), count(" AND r.status = 'received'")),
        ("count waiting".into(), count(&waiting)),
        ("count overdue".into(), count(&overdue)),
        (
            "report daily counts (730 d)".into(),
            format!(
                "SELECT day, dimension, id, received FROM report_days \
                 WHERE day >= {first_day} AND day <= {today}"
            ),
        ),
        (
            "report levels met (730 d)".into(),
            format!(
                "SELECT what, CAST(SUM(on_time) AS BIGINT) AS on_time, \
                 CAST(SUM(late) AS BIGINT) AS late FROM report_level_days \
                 WHERE day >= {first_day} AND day <= {today} GROUP BY what"
            ),
        ),
        (
            "report levels not met (730 d)".into(),
            format!(
                "SELECT what, SUM(CASE WHEN due_at < {now} THEN 1 ELSE 0 END) AS late, \
                 SUM(CASE WHEN due_at IS NULL OR due_at >= {now} THEN 1 ELSE 0 END) AS still_open \
                 FROM service_levels WHERE met_at IS NULL AND received_at >= {from} \
                 AND received_at < {to} GROUP BY what"
            ),
        ),
        (
            "report minutes to close, a type (730 d)".into(),
            format!(
                "SELECT {joined} FROM requests \
                 WHERE status = 'closed' AND request_type = 'repair' \
                 AND ended_at >= {from} AND ended_at < {to}"
            ),
        ),
        (
            "report ratings (730 d)".into(),
            format!(
                "SELECT rating, COUNT(*) AS n FROM feedback WHERE created_at >= {from} \
                 AND created_at < {to} GROUP BY rating ORDER BY rating"
            ),
        ),
    ]
}

async fn print_plans(db: &Db, now: i64, samples: &Samples) -> Result<(), sqlx::Error> {
    println!();
    match db.backend {
        Backend::Sqlite => println!("query plans (SQLite EXPLAIN QUERY PLAN):"),
        Backend::Postgres => println!("query plans (PostgreSQL EXPLAIN ANALYZE):"),
    }
    for (name, sql) in shapes(now, samples, db.backend) {
        println!("\n-- {name}");
        match db.backend {
            Backend::Sqlite => {
                let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(&db.pool)
                    .await?;
                let mut depth: HashMap<i64, usize> = HashMap::new();
                for r in rows {
                    let id: i64 = r.try_get(0)?;
                    let parent: i64 = r.try_get(1)?;
                    let detail: String = r.try_get(3)?;
                    let d = depth.get(&parent).map_or(0, |d| d + 1);
                    depth.insert(id, d);
                    println!("   {}{detail}", "  ".repeat(d));
                }
            }
            Backend::Postgres => {
                let rows = sqlx::query(&format!("EXPLAIN (ANALYZE, BUFFERS OFF) {sql}"))
                    .fetch_all(&db.pool)
                    .await?;
                for r in rows {
                    let line: String = r.try_get(0)?;
                    println!("   {line}");
                }
            }
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let now = db::unix_now();

    // Migrate and fill with a pool of our own, closed before the server opens it.
    let filled = db::connect(&database_url).await.expect("database opens");
    let backend = filled.backend.name();
    println!(
        "queue_scale: {} requests on {backend}, {} runs per query",
        args.requests, args.runs
    );
    let existing: i64 = sqlx::query("SELECT COUNT(*) FROM requests")
        .fetch_one(&filled.pool)
        .await
        .and_then(|r| r.try_get(0))
        .expect("count");
    let n = if args.reuse && existing > 0 {
        println!("reusing the {existing} requests stored");
        existing as usize
    } else {
        assert!(
            existing == 0,
            "the bench needs an empty database ({existing} requests found; --reuse measures them)"
        );
        fill(&filled, args.requests, now).await.expect("fill");
        args.requests
    };
    let samples = Samples::of(n as u64);
    filled.pool.close().await;

    let config = Config {
        port: 0,
        database_url,
        static_dir: dir.path().join("dist"),
        demo_data: false,
        lookup_rate_per_minute: 1_000_000,
        ..Config::default()
    };
    let started = Instant::now();
    let app = Application::build(config).await.expect("server starts");
    println!("server start-up: {:.2} s", started.elapsed().as_secs_f64());
    let db = app.db().clone();
    aftersales_server::store::staff::add_staff(&db, "bench", "bench password", StaffRole::ALL)
        .await
        .expect("staff account");
    let base = format!("http://{}", app.addr);
    let _server = tokio::spawn(app.run_until(std::future::pending()));

    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let login: Value = client
        .post(format!("{base}/api/staff/login"))
        .json(&json!({"username": "bench", "password": "bench password"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login answer");
    let token = login["token"].as_str().expect("token").to_owned();

    let q = "/api/staff/requests";
    let queue = Some(100.0);
    let dashboard = Some(1000.0);
    let probes: Vec<(String, String, Option<f64>)> = [
        ("tab received", format!("{q}?status=received"), queue),
        ("tab in_progress", format!("{q}?status=in_progress"), queue),
        ("tab waiting", format!("{q}?waiting=true"), queue),
        ("tab closed", format!("{q}?status=closed"), queue),
        ("tab rejected", format!("{q}?status=rejected"), queue),
        ("all (no filter)", q.to_owned(), queue),
        ("type=repair", format!("{q}?type=repair"), queue),
        ("outcome=refused", format!("{q}?outcome=refused"), queue),
        ("flagged=true", format!("{q}?flagged=true"), queue),
        (
            "closed & type=repair",
            format!("{q}?status=closed&type=repair"),
            queue,
        ),
        (
            "closed & outcome=refused",
            format!("{q}?status=closed&outcome=refused"),
            queue,
        ),
        (
            "closed & flagged=true",
            format!("{q}?status=closed&flagged=true"),
            queue,
        ),
        (
            "received & type=repair",
            format!("{q}?status=received&type=repair"),
            queue,
        ),
        ("overdue=true", format!("{q}?overdue=true"), queue),
        (
            "due_within_minutes=60",
            format!("{q}?due_within_minutes=60"),
            queue,
        ),
        (
            "q=tracking code",
            format!("{q}?q={}", samples.tracking_code),
            queue,
        ),
        (
            "q=order number",
            format!("{q}?q={}", samples.order_number),
            queue,
        ),
        ("q=phone", format!("{q}?q={}", samples.phone), queue),
        ("q=nothing-matches", format!("{q}?q=nothing-matches"), queue),
        ("queue-counts", "/api/staff/queue-counts".to_owned(), queue),
        (
            "reports (90 days)",
            "/api/staff/reports".to_owned(),
            dashboard,
        ),
        (
            "reports days=365",
            "/api/staff/reports?days=365".to_owned(),
            dashboard,
        ),
        (
            "reports days=730",
            "/api/staff/reports?days=730".to_owned(),
            dashboard,
        ),
        (
            "CSV status=received",
            "/api/staff/requests.csv?status=received".to_owned(),
            None,
        ),
    ]
    .into_iter()
    .map(|(name, path, target)| (name.to_owned(), path, target))
    .collect();

    let mut table = Vec::new();
    for (name, path, target) in probes {
        // The dashboard and the export read far more rows: fewer runs.
        let runs = if target == queue {
            args.runs
        } else {
            args.runs.min(20)
        };
        let (times, note) = time(&client, &format!("{base}{path}"), &token, runs).await;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        table.push(Timing {
            name,
            p50: ms(percentile(&times, 0.50)),
            p95: ms(percentile(&times, 0.95)),
            max: ms(percentile(&times, 1.0)),
            target,
            note: if times.is_empty() {
                format!("FAILED {note}")
            } else {
                note
            },
        });
    }

    println!();
    println!(
        "{} requests on {backend} (runs: {} per queue query, {} per report/CSV, after 3 warm-ups)",
        n,
        args.runs,
        args.runs.min(20)
    );
    println!(
        "{:<26} {:>9} {:>9} {:>9} {:>8}  {:<6} rows",
        "query", "p50 ms", "p95 ms", "max ms", "target", "result"
    );
    let mut over = 0;
    for t in &table {
        let (target, verdict) = match t.target {
            Some(limit) if t.note.starts_with("FAILED") => (format!("{limit:.0} ms"), "FAIL"),
            Some(limit) if t.p95 <= limit => (format!("{limit:.0} ms"), "PASS"),
            Some(limit) => {
                over += 1;
                (format!("{limit:.0} ms"), "OVER")
            }
            None => ("-".to_owned(), "-"),
        };
        println!(
            "{:<26} {:>9.1} {:>9.1} {:>9.1} {:>8}  {:<6} {}",
            t.name, t.p50, t.p95, t.max, target, verdict, t.note
        );
    }
    println!(
        "{}",
        if over == 0 {
            "every target held".to_owned()
        } else {
            format!("{over} target(s) missed")
        }
    );

    print_plans(&db, now, &samples).await.expect("plans");
}
