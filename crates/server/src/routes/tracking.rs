//! The customer's view of a filed request with its tracking code
//! (`GET /api/requests/{id}?code=`) and satisfaction feedback.

use aftersales_contract::fields::{self, normalise_tracking_code, path, rating_ok};
use aftersales_contract::{
    CodeQuery, ErrorCode, FeedbackView, FieldCode, FieldError, Lenient, NewFeedback, RequestStatus,
    RequestView,
};
use aftersales_rules::RequestType;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::db::unix_now;
use crate::domain::constant_time_eq;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, ClientIp};
use crate::store::requests::{self, load_due, load_feedback, load_history, StoredRequest};
use crate::AppState;

/// The request, if `code` is its tracking code; otherwise the same 404 as for an
/// unknown id.
pub async fn authorise(state: &AppState, id: &str, code: &str) -> Result<StoredRequest, ApiError> {
    let not_found = || ApiError::not_found(ErrorCode::RequestNotFound);
    if id.len() > 64 {
        return Err(not_found());
    }
    let request = requests::load(&state.db, &id.to_ascii_lowercase())
        .await?
        .ok_or_else(not_found)?;
    let given = normalise_tracking_code(code);
    if !constant_time_eq(request.tracking_code.as_bytes(), given.as_bytes()) {
        return Err(not_found());
    }
    Ok(request)
}

/// Status, decision, due times and history (docs/api.md `GET /api/requests/{id}`).
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
    let request_type = match RequestType::parse(&request.request_type) {
        Some(t) => Lenient::Known(t),
        None => Lenient::Other(serde_json::Value::String(request.request_type)),
    };
    Ok(Json(RequestView {
        id: request.id,
        request_type,
        order_number: request.order_number,
        status: request.status,
        step: request.step,
        filed_at: request.filed_at,
        decision: Lenient::Other(request.decision),
        due,
        history,
        attachments: request.attachment_count,
        feedback,
        policy_version: request.policy_version,
    }))
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
        (status = 429, description = "Too many requests from this client", body = crate::error::ErrorBody),
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
    if !rating_ok(body.rating) {
        errors.push(FieldError::new(path::RATING, FieldCode::OutOfRange));
    }
    if let Err(problem) = fields::COMMENT.check(&body.comment) {
        errors.push(FieldError::new(path::COMMENT, problem));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let request = authorise(&state, &id, &query.code).await?;
    if request.status != RequestStatus::Closed {
        return Err(ApiError::conflict(ErrorCode::NotClosed));
    }
    let policy = &state.policy.policy;
    let stored_now = requests::insert_feedback(
        &state.db,
        &request.id,
        body.rating,
        &body.comment,
        unix_now(),
    )
    .await?;
    let stored = load_feedback(&state.db, policy, &request.id)
        .await?
        .ok_or_else(ApiError::unavailable)?;
    if stored_now {
        tracing::info!(request_id = %request.id, rating = body.rating, "feedback given");
        Ok((StatusCode::CREATED, Json(stored)))
    } else if stored.rating == body.rating && stored.comment == body.comment {
        Ok((StatusCode::OK, Json(stored)))
    } else {
        Err(ApiError::conflict(ErrorCode::FeedbackExists))
    }
}
