//! `POST /api/requests`: filing. Idempotent by the client's id, re-checked with
//! the rule engine against the stored order, flagged where the portal disagrees.

use aftersales_contract::fields::{self, check_name, path};
use aftersales_contract::{
    Contact, Due, ErrorCode, FieldCode, FieldError, FiledResponse, Lenient, NewRequest, Phone,
    RequestStatus,
};
use aftersales_rules::{check, CaseError, Timestamp};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::unix_now;
use crate::domain::clock::{show, store_day};
use crate::domain::constant_time_eq;
use crate::domain::flags::{decision_flag, order_flags, FiledAt};
use crate::domain::queue_keys::QueueKeys;
use crate::domain::tracking_code::new_tracking_code;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::store::orders;
use crate::store::requests::{self, load_due, StoredRequest};
use crate::store::writer::{LevelRow, NewFiling, WriteOutcome};
use crate::AppState;

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn check_text(errors: &mut Vec<FieldError>, field: &str, rule: fields::TextRule, text: &str) {
    if let Err(problem) = rule.check(text) {
        errors.push(FieldError::new(field, problem));
    }
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
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code)
        .with_fields(vec![FieldError::new(field, e.code)])
        .with_detail(e.message)
}

/// Files a request (docs/api.md `POST /api/requests`).
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
        errors.push(FieldError::new(path::ID, FieldCode::Invalid));
    }
    let filed_at = Timestamp::parse(&body.filed_at);
    if filed_at.is_err() {
        errors.push(FieldError::new(path::FILED_AT, FieldCode::Invalid));
    }
    let name = check_name(&body.contact.name);
    if let Err(problem) = name {
        errors.push(FieldError::new(path::CONTACT_NAME, problem));
    }
    let contact_phone = Phone::parse(&body.contact.phone).ok();
    if contact_phone.is_none() {
        errors.push(FieldError::new(path::CONTACT_PHONE, FieldCode::Invalid));
    }
    check_text(
        &mut errors,
        path::CONTACT_PREFERRED_TIME,
        fields::PREFERRED_TIME,
        &body.contact.preferred_time,
    );
    check_text(
        &mut errors,
        path::DESCRIPTION,
        fields::DESCRIPTION,
        &body.description,
    );
    check_text(
        &mut errors,
        path::ORDER_NUMBER,
        fields::ORDER_NUMBER,
        &body.case.order.number,
    );
    let (Ok(filed_at), Ok(name), Some(contact_phone), true) =
        (filed_at, name, contact_phone, errors.is_empty())
    else {
        return Err(ApiError::validation(errors));
    };
    let body_hash = sha256_hex(&canonical);

    // No look-up first: a retry is recognised by the writer's insert (ON CONFLICT)
    // and answered with the stored record; that saves a query on every filing.
    let now = unix_now();
    let grace = i64::from(policy.offline_grace_hours) * 3600;
    let filed = filed_at.unix_seconds();
    let timing = FiledAt::of(filed, now, grace);
    if timing == FiledAt::OutsideGrace && state.config.reject_stale_filings {
        return Err(
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::FiledAtExpired)
                .with_fields(vec![FieldError::new(path::FILED_AT, FieldCode::Expired)]),
        );
    }
    let evaluated_at = timing.evaluated_at(filed, now);
    let mut flags: Vec<_> = timing.flag().into_iter().collect();

    // The stored order is authoritative; the portal's copy is checked against it.
    let mut filing = body.case.clone();
    let stored = orders::find(&state.db, &filing.order.number).await?;
    flags.extend(order_flags(
        stored.as_ref().map(|s| (&s.order, s.phone.as_str())),
        &filing.order,
        &contact_phone,
    ));
    if let Some(stored) = stored {
        filing.order = stored.order;
    }
    let at = Timestamp::from_unix(evaluated_at, 0)
        .and_then(|t| policy.time_zone.localize(t))
        .map_err(|_| ApiError::internal())?;
    let decision = check(policy, &filing.at(at)).map_err(case_error)?;
    flags.extend(decision_flag(&decision, body.client_decision.as_ref()));
    let levels: Vec<LevelRow> = decision
        .service_levels
        .iter()
        .map(|sl| LevelRow {
            what: sl.what.clone(),
            after: sl.after.clone(),
            within_minutes: i64::from(sl.within_minutes),
            due_at: (sl.after == aftersales_contract::wire::AFTER_REQUEST)
                .then(|| evaluated_at + i64::from(sl.within_minutes) * 60),
        })
        .collect();
    let decision_value = serde_json::to_value(&decision).map_err(|_| ApiError::internal())?;
    let open_levels: Vec<_> = levels.iter().map(|l| (l.what.clone(), l.due_at)).collect();
    let keys = QueueKeys::of(
        policy,
        RequestStatus::Received,
        None,
        &decision_value,
        &serde_json::json!({ "phone": body.contact.phone }),
        &open_levels,
    );
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
        received_day: store_day(policy, now),
        policy_version: policy.version.clone(),
        decision_json: decision_value.to_string(),
        client_decision_json: body.client_decision.as_ref().map(to_json),
        filing_json: to_json(&filing),
        contact_json: to_json(&Contact {
            name: name.to_owned(),
            phone: body.contact.phone.clone(),
            preferred_time: body.contact.preferred_time.clone(),
        }),
        description: body.description.clone(),
        levels: levels.clone(),
        keys,
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
                    status: RequestStatus::Received,
                    decision: Lenient::Other(decision_value),
                    due,
                    policy_version: policy.version.clone(),
                }),
            ))
        }
        // Stored before (a retry, or a concurrent copy): the stored record answers.
        WriteOutcome::Exists => match requests::load(&state.db, &id).await? {
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
        return Err(ApiError::conflict(ErrorCode::IdConflict));
    }
    let due = load_due(&state.db, &state.policy.policy, &existing.id).await?;
    Ok((
        StatusCode::OK,
        Json(FiledResponse {
            id: existing.id.clone(),
            tracking_code: existing.tracking_code.clone(),
            status: existing.status,
            decision: Lenient::Other(existing.decision.clone()),
            due,
            policy_version: existing.policy_version.clone(),
        }),
    ))
}
