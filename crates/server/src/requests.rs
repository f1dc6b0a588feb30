//! Filed requests: idempotent filing with a server re-check, the customer's view
//! (status, decision, due times, history), and satisfaction feedback.

use aftersales_rules::case::{Filing, Order};
use aftersales_rules::{check, CaseError, Decision, Policy, Timestamp};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use utoipa::{IntoParams, ToSchema};

use crate::db::{inserted, unix_now, Db};
use crate::error::{ApiError, FieldError};
use crate::extract::{ApiJson, ApiQuery, ClientIp};
use crate::orders::{self, constant_time_eq, normalise_phone};
use crate::writer::{LevelRow, NewFiling, WriteOutcome};
use crate::AppState;

/// Tracking codes: no 0/O, 1/I/L, so they survive being read aloud or retyped.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LEN: usize = 8;
/// How far in the future a `filed_at` may be (client clocks drift).
const CLOCK_SKEW_SECS: i64 = 300;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// `POST /api/requests` body (API.md).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// Client-generated UUID; the idempotency key.
    pub id: String,
    /// When the customer pressed "submit" (RFC 3339), possibly offline.
    pub filed_at: String,
    /// The case: order, request, facts, documents (CHECK-CONTRACT.md without `now`).
    #[schema(value_type = Object)]
    pub case: Filing,
    pub contact: Contact,
    #[serde(default)]
    pub description: String,
    /// The decision the portal showed the customer.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub client_decision: Option<Decision>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub preferred_time: String,
}

/// A service-level promise turned into an instant; `at` is null until the event
/// it counts from (`after`) is recorded by staff.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Due {
    pub what: String,
    pub at: Option<String>,
    #[serde(skip_serializing_if = "is_request")]
    pub after: String,
}

fn is_request(after: &str) -> bool {
    after == "request"
}

/// `201`/`200` answer to a filing.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledResponse {
    pub id: String,
    pub tracking_code: String,
    pub status: String,
    #[schema(value_type = Object)]
    pub decision: serde_json::Value,
    pub due: Vec<Due>,
    pub policy_version: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub at: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackView {
    pub rating: i64,
    pub comment: String,
    pub at: String,
}

/// What the customer sees with the tracking code.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestView {
    pub id: String,
    #[serde(rename = "type")]
    pub request_type: String,
    pub order_number: String,
    pub status: String,
    pub step: Option<String>,
    pub filed_at: String,
    #[schema(value_type = Object)]
    pub decision: serde_json::Value,
    pub due: Vec<Due>,
    pub history: Vec<HistoryEntry>,
    pub attachments: i64,
    pub feedback: Option<FeedbackView>,
    pub policy_version: String,
}

/// A request as stored.
#[derive(Debug, Clone)]
pub struct StoredRequest {
    pub id: String,
    pub tracking_code: String,
    pub body_hash: String,
    pub order_number: String,
    pub request_type: String,
    pub status: String,
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
        self.status == "received" || self.status == "in_progress"
    }

    /// The decision's step ids.
    pub fn steps(&self) -> Vec<String> {
        self.decision
            .get("steps")
            .and_then(|s| s.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A new random tracking code (OS CSPRNG, ~40 bits).
pub fn new_tracking_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// Upper case without spaces or dashes, as a customer might retype it.
fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Instants are shown in the store's zone.
pub fn show(policy: &Policy, unix: i64) -> String {
    Timestamp::from_unix(unix, 0)
        .and_then(|t| policy.time_zone.localize(t))
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Text a person typed: bounded, and free of control characters that would
/// corrupt logs or be refused by PostgreSQL (NUL).
fn check_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    text: &str,
    min: usize,
    max: usize,
    multiline: bool,
) {
    let count = text.chars().count();
    if count < min {
        errors.push(FieldError::new(field, "required"));
    } else if count > max {
        errors.push(FieldError::new(field, "too_long"));
    } else if text
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        errors.push(FieldError::new(field, "invalid"));
    }
}

/// The customer-relevant part of an order, to tell whether the portal's copy
/// matches the stored one.
fn same_order(a: &Order, b: &Order) -> bool {
    a.number == b.number
        && a.ordered_at == b.ordered_at
        && a.fulfilment == b.fulfilment
        && a.lines.len() == b.lines.len()
        && a.lines.iter().zip(&b.lines).all(|(x, y)| {
            x.id == y.id
                && x.kind == y.kind
                && x.quantity == y.quantity
                && x.unit_price == y.unit_price
        })
}

/// The engine's error as an API error naming the field under `case`.
pub fn case_error(e: CaseError) -> ApiError {
    let field = e
        .message
        .split_once(':')
        .map(|(path, _)| path.trim())
        .filter(|p| !p.contains(' '))
        .map(|p| format!("case.{p}"))
        .unwrap_or_else(|| "case".into());
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code.as_str())
        .with_fields(vec![FieldError::new(field, e.code.as_str())])
        .with_detail(e.message)
}

/// Files a request (API.md `POST /api/requests`).
#[utoipa::path(
    post,
    path = "/api/requests",
    request_body = NewRequest,
    responses(
        (status = 201, description = "Stored durably", body = FiledResponse),
        (status = 200, description = "The same id and body again: the stored record", body = FiledResponse),
        (status = 400, description = "Malformed body, wrong type or unknown field", body = crate::error::ErrorBody),
        (status = 409, description = "The same id with a different body", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields, or a case the engine cannot decide", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable; retry after Retry-After", body = crate::error::ErrorBody),
    ),
    tag = "public"
)]
pub async fn file_request(
    State(state): State<AppState>,
    ApiJson {
        value: body,
        canonical,
    }: ApiJson<NewRequest>,
) -> Result<(StatusCode, Json<FiledResponse>), ApiError> {
    let policy = &state.policy.policy;
    let mut errors = Vec::new();
    let id = body.id.to_ascii_lowercase();
    if id.len() != 36 || uuid::Uuid::try_parse(&id).is_err() {
        errors.push(FieldError::new("id", "invalid"));
    }
    let filed_at = Timestamp::parse(&body.filed_at);
    if filed_at.is_err() {
        errors.push(FieldError::new("filed_at", "invalid"));
    }
    check_text(
        &mut errors,
        "contact.name",
        body.contact.name.trim(),
        1,
        100,
        false,
    );
    let contact_phone = normalise_phone(&body.contact.phone);
    if contact_phone.is_none() {
        errors.push(FieldError::new("contact.phone", "invalid"));
    }
    check_text(
        &mut errors,
        "contact.preferred_time",
        &body.contact.preferred_time,
        0,
        200,
        false,
    );
    check_text(
        &mut errors,
        "description",
        &body.description,
        0,
        MAX_DESCRIPTION_CHARS,
        true,
    );
    check_text(
        &mut errors,
        "case.order.number",
        &body.case.order.number,
        1,
        64,
        false,
    );
    let (Ok(filed_at), Some(contact_phone), true) = (filed_at, contact_phone, errors.is_empty())
    else {
        return Err(ApiError::validation(errors));
    };
    let body_hash = sha256_hex(&canonical);

    // No look-up first: a retry is recognised by the writer's insert (ON CONFLICT)
    // and answered with the stored record; that saves a query on every filing.
    let now = unix_now();
    let mut flags = Vec::new();
    let grace = i64::from(policy.offline_grace_hours) * 3600;
    let filed = filed_at.unix_seconds();
    let evaluated_at = if filed > now + CLOCK_SKEW_SECS {
        flags.push("filed_at_in_future".to_owned());
        now
    } else if filed < now - grace {
        if state.config.reject_stale_filings {
            return Err(
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "filed_at_expired")
                    .with_fields(vec![FieldError::new("filed_at", "expired")]),
            );
        }
        flags.push("filed_at_outside_grace".to_owned());
        now
    } else {
        filed
    };

    // The stored order is authoritative; the portal's copy is checked against it.
    let mut filing = body.case.clone();
    match orders::find(&state.db, &filing.order.number).await? {
        Some(stored) => {
            if !same_order(&stored.order, &filing.order) {
                flags.push("order_differs".to_owned());
            }
            if stored.phone != contact_phone {
                flags.push("phone_mismatch".to_owned());
            }
            filing.order = stored.order;
        }
        None => flags.push("order_unknown".to_owned()),
    }
    let at = Timestamp::from_unix(evaluated_at, 0)
        .and_then(|t| policy.time_zone.localize(t))
        .map_err(|_| ApiError::internal())?;
    let decision = check(policy, &filing.at(at)).map_err(case_error)?;
    if let Some(client) = &body.client_decision {
        if !decision.agrees_with(client) {
            flags.push("decision_mismatch".to_owned());
        }
    }
    let levels: Vec<LevelRow> = decision
        .service_levels
        .iter()
        .map(|sl| LevelRow {
            what: sl.what.clone(),
            after: sl.after.clone(),
            within_minutes: i64::from(sl.within_minutes),
            due_at: (sl.after == "request")
                .then(|| evaluated_at + i64::from(sl.within_minutes) * 60),
        })
        .collect();
    let decision_value = serde_json::to_value(&decision).map_err(|_| ApiError::internal())?;
    let record = NewFiling {
        id: id.clone(),
        tracking_code: new_tracking_code(),
        body_hash: body_hash.clone(),
        order_number: filing.order.number.clone(),
        request_type: filing.request.kind.as_str().to_owned(),
        flags: flags.clone(),
        filed_at: body.filed_at.clone(),
        evaluated_at,
        received_at: now,
        policy_version: policy.version.clone(),
        decision_json: decision_value.to_string(),
        client_decision_json: body.client_decision.as_ref().map(to_json),
        filing_json: to_json(&filing),
        contact_json: to_json(&Contact {
            name: body.contact.name.trim().to_owned(),
            phone: body.contact.phone.clone(),
            preferred_time: body.contact.preferred_time.clone(),
        }),
        description: body.description.clone(),
        levels: levels.clone(),
    };
    let tracking_code = record.tracking_code.clone();
    match state.writer.submit(record).await? {
        WriteOutcome::Created => {
            tracing::info!(
                request_id = %id,
                kind = filing.request.kind.as_str(),
                outcome = decision.outcome.as_str(),
                flagged = !flags.is_empty(),
                "request filed"
            );
            let due = levels
                .iter()
                .map(|l| Due {
                    what: l.what.clone(),
                    at: l.due_at.map(|t| show(policy, t)),
                    after: l.after.clone(),
                })
                .collect();
            Ok((
                StatusCode::CREATED,
                Json(FiledResponse {
                    id,
                    tracking_code,
                    status: "received".into(),
                    decision: decision_value,
                    due,
                    policy_version: policy.version.clone(),
                }),
            ))
        }
        // Stored before (a retry, or a concurrent copy): the stored record answers.
        WriteOutcome::Exists => match load(&state.db, &id).await? {
            Some(existing) => replay(&state, &existing, &body_hash).await,
            None => Err(ApiError::unavailable()),
        },
    }
}

/// Serialises without failing the request: these types always serialise.
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

async fn replay(
    state: &AppState,
    existing: &StoredRequest,
    body_hash: &str,
) -> Result<(StatusCode, Json<FiledResponse>), ApiError> {
    if !constant_time_eq(existing.body_hash.as_bytes(), body_hash.as_bytes()) {
        return Err(ApiError::conflict("id_conflict"));
    }
    let due = load_due(&state.db, &state.policy.policy, &existing.id).await?;
    Ok((
        StatusCode::OK,
        Json(FiledResponse {
            id: existing.id.clone(),
            tracking_code: existing.tracking_code.clone(),
            status: existing.status.clone(),
            decision: existing.decision.clone(),
            due,
            policy_version: existing.policy_version.clone(),
        }),
    ))
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
    let client_decision: Option<String> = row.try_get("client_decision")?;
    Ok(Some(StoredRequest {
        id: row.try_get("id")?,
        tracking_code: row.try_get("tracking_code")?,
        body_hash: row.try_get("body_hash")?,
        order_number: row.try_get("order_number")?,
        request_type: row.try_get("request_type")?,
        status: row.try_get("status")?,
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

pub async fn load_levels(
    db: &Db,
    policy: &Policy,
    id: &str,
) -> Result<Vec<LevelView>, sqlx::Error> {
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
        out.push(LevelView {
            what: r.try_get("what")?,
            after: r.try_get("after_event")?,
            within_minutes: r.try_get("within_minutes")?,
            due: due_at.map(|t| show(policy, t)),
            met: met_at.map(|t| show(policy, t)),
            overdue: met_at.is_none() && due_at.is_some_and(|d| d < now),
        });
    }
    Ok(out)
}

pub async fn load_due(db: &Db, policy: &Policy, id: &str) -> Result<Vec<Due>, sqlx::Error> {
    Ok(load_levels(db, policy, id)
        .await?
        .into_iter()
        .map(|l| Due {
            what: l.what,
            at: l.due,
            after: l.after,
        })
        .collect())
}

/// Customer-visible history, oldest first.
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
        out.push((
            HistoryEntry {
                status: r.try_get("status")?,
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

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CodeQuery {
    /// The tracking code given when the request was filed.
    pub code: String,
}

/// The request, if `code` is its tracking code; otherwise the same 404 as for an
/// unknown id.
pub async fn authorise(state: &AppState, id: &str, code: &str) -> Result<StoredRequest, ApiError> {
    let not_found = || ApiError::not_found("request_not_found");
    if id.len() > 64 {
        return Err(not_found());
    }
    let request = load(&state.db, &id.to_ascii_lowercase())
        .await?
        .ok_or_else(not_found)?;
    let given = normalise_code(code);
    if !constant_time_eq(request.tracking_code.as_bytes(), given.as_bytes()) {
        return Err(not_found());
    }
    Ok(request)
}

/// Status, decision, due times and history (API.md `GET /api/requests/{id}`).
#[utoipa::path(
    get,
    path = "/api/requests/{id}",
    params(("id" = String, Path, description = "The request id"), CodeQuery),
    responses(
        (status = 200, description = "The request", body = RequestView),
        (status = 404, description = "Unknown id or wrong code", body = crate::error::ErrorBody),
        (status = 429, description = "Too many lookups", body = crate::error::ErrorBody),
    ),
    tag = "public"
)]
pub async fn get_request(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<CodeQuery>,
) -> Result<Json<RequestView>, ApiError> {
    state.limiter.check(ip)?;
    let request = authorise(&state, &id, &query.code).await?;
    let policy = &state.policy.policy;
    let due = load_due(&state.db, policy, &request.id).await?;
    let history = load_history(&state.db, policy, &request.id)
        .await?
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    let feedback = load_feedback(&state.db, policy, &request.id).await?;
    Ok(Json(RequestView {
        id: request.id,
        request_type: request.request_type,
        order_number: request.order_number,
        status: request.status,
        step: request.step,
        filed_at: request.filed_at,
        decision: request.decision,
        due,
        history,
        attachments: request.attachment_count,
        feedback,
        policy_version: request.policy_version,
    }))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFeedback {
    /// 1 (poor) to 5 (excellent).
    pub rating: i64,
    #[serde(default)]
    pub comment: String,
}

/// Satisfaction feedback, once the request is closed; given once.
#[utoipa::path(
    post,
    path = "/api/requests/{id}/feedback",
    params(("id" = String, Path, description = "The request id"), CodeQuery),
    request_body = NewFeedback,
    responses(
        (status = 201, description = "Stored", body = FeedbackView),
        (status = 200, description = "The same feedback again", body = FeedbackView),
        (status = 404, description = "Unknown id or wrong code", body = crate::error::ErrorBody),
        (status = 409, description = "Not closed yet, or feedback already given", body = crate::error::ErrorBody),
        (status = 422, description = "Rating outside 1..5 or comment too long", body = crate::error::ErrorBody),
    ),
    tag = "public"
)]
pub async fn feedback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<CodeQuery>,
    ApiJson { value: body, .. }: ApiJson<NewFeedback>,
) -> Result<(StatusCode, Json<FeedbackView>), ApiError> {
    state.limiter.check(ip)?;
    let mut errors = Vec::new();
    if !(1..=5).contains(&body.rating) {
        errors.push(FieldError::new("rating", "out_of_range"));
    }
    check_text(&mut errors, "comment", &body.comment, 0, 1000, true);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let request = authorise(&state, &id, &query.code).await?;
    if request.status != "closed" {
        return Err(ApiError::conflict("not_closed"));
    }
    let policy = &state.policy.policy;
    let now = unix_now();
    let result = sqlx::query(
        "INSERT INTO feedback (request_id, rating, comment, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (request_id) DO NOTHING",
    )
    .bind(&request.id)
    .bind(body.rating)
    .bind(&body.comment)
    .bind(now)
    .execute(&state.db.pool)
    .await?;
    let stored = load_feedback(&state.db, policy, &request.id)
        .await?
        .ok_or_else(ApiError::unavailable)?;
    if inserted(&result) {
        tracing::info!(request_id = %request.id, rating = body.rating, "feedback given");
        Ok((StatusCode::CREATED, Json(stored)))
    } else if stored.rating == body.rating && stored.comment == body.comment {
        Ok((StatusCode::OK, Json(stored)))
    } else {
        Err(ApiError::conflict("feedback_exists"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_use_the_unambiguous_alphabet() {
        for _ in 0..100 {
            let code = new_tracking_code();
            assert_eq!(code.len(), CODE_LEN);
            assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        }
        assert_eq!(CODE_ALPHABET.len(), 31);
        assert_eq!(normalise_code("ab2c-d3ef g"), "AB2CD3EFG");
    }
}
