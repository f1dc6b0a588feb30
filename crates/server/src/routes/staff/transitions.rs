//! `POST /api/staff/requests/{id}/transition`: moves a request to a later step
//! of its decision, or closes or rejects it (`crate::domain::status`).

use aftersales_contract::fields::NOTE_MAX_CHARS;
use aftersales_contract::wire::AFTER_REQUEST;
use aftersales_contract::{ErrorCode, FieldCode, FieldError, RequestStatus};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::detail::{detail_of, RequestDetail};
use super::Staff;
use crate::db::unix_now;
use crate::domain::roles::may_move;
use crate::domain::status::{can_move, destination};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::store::requests::{self, Move, StoredRequest};
use crate::AppState;

/// Moves a request to a later step of its decision, or closes/rejects it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// A step id of the decision (after the current one), `closed` or `rejected`.
    pub to: String,
    /// Shown to the customer in the status history; required to reject.
    #[serde(default)]
    pub note: String,
    /// Service levels met by this change (e.g. `first_contact`); `acknowledge` is
    /// met by any change.
    #[serde(default)]
    pub met: Vec<String>,
    /// Events that start service levels counted from them (`item_returned`, `resolved`).
    #[serde(default)]
    pub events: Vec<String>,
}

/// The service level every change meets.
const ACKNOWLEDGE: &str = "acknowledge";

#[utoipa::path(
    post,
    path = "/api/staff/requests/{id}/transition",
    params(("id" = String, Path, description = "The request id")),
    request_body = Transition,
    responses(
        (status = 200, description = "The request after the change", body = RequestDetail),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "The step (or a step passed over) is another role's; closing or rejecting is not this role's", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 409, description = "Closed already, not a later step, or changed meanwhile", body = crate::error::ErrorBody),
        (status = 422, description = "Unknown service level or event, note too long, or no reason to reject", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn transition(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson { value: body, .. }: ApiJson<Transition>,
) -> Result<Json<RequestDetail>, ApiError> {
    let r = open_request(&state, &id).await?;
    let mut errors = Vec::new();
    if body.note.chars().count() > NOTE_MAX_CHARS || body.note.contains('\0') {
        errors.push(FieldError::new("note", FieldCode::TooLong));
    }
    errors.extend(check_levels(&state, &r.id, &body.met, &body.events).await?);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let steps = r.steps();
    let Some((status, step)) = destination(&body.to, &steps, r.step.as_deref()) else {
        return Err(ApiError::conflict(ErrorCode::InvalidTransition)
            .with_fields(vec![FieldError::new("to", FieldCode::NotALaterStep)]));
    };
    if let Err(needed) = may_move(
        &state.policy.policy,
        &staff.roles,
        &body.to,
        &steps,
        r.step.as_deref(),
    ) {
        let needed: Vec<&str> = needed.iter().map(|r| r.as_str()).collect();
        return Err(ApiError::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden)
            .with_detail(format!("this needs the role {}", needed.join(" or "))));
    }
    let note = Some(body.note.trim().to_owned()).filter(|n| !n.is_empty());
    // The customer is owed a reason for a refusal: it shows in their history.
    if status == RequestStatus::Rejected && note.is_none() {
        return Err(ApiError::validation(vec![FieldError::new(
            "note",
            FieldCode::Required,
        )]));
    }
    let now = unix_now();
    let mut met = body.met.clone();
    met.push(ACKNOWLEDGE.into());
    let moved = requests::apply_move(
        &state.db,
        Move {
            policy: &state.policy.policy,
            request: &r,
            status,
            step: step.as_deref(),
            note: note.as_deref(),
            actor: &staff.username,
            met: &met,
            events: &body.events,
            at: now,
            audit_detail: serde_json::json!({
                "from": {"status": r.status, "step": r.step},
                "to": {"status": status, "step": step},
                "note": note,
                "met": body.met,
                "events": body.events,
            }),
        },
    )
    .await?;
    if !moved {
        return Err(ApiError::conflict(ErrorCode::Conflict));
    }
    tracing::info!(request_id = %r.id, staff = %staff.username, status = %status, "request moved");
    Ok(Json(detail_of(&state, &r.id).await?))
}

/// The request with this id (any case), if it is still open: `404` for an
/// unknown id, `409` once it is closed or rejected.
pub async fn open_request(state: &AppState, id: &str) -> Result<StoredRequest, ApiError> {
    let r = requests::load(&state.db, &id.to_ascii_lowercase())
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::RequestNotFound))?;
    if !can_move(r.status) {
        return Err(ApiError::conflict(ErrorCode::RequestClosed));
    }
    Ok(r)
}

/// The fields in error among service levels said met and events said
/// recorded: each must be one of the request's.
pub async fn check_levels(
    state: &AppState,
    id: &str,
    met: &[String],
    events: &[String],
) -> Result<Vec<FieldError>, ApiError> {
    let levels = requests::load_levels(&state.db, &state.policy.policy, id).await?;
    let mut errors = Vec::new();
    for (i, m) in met.iter().enumerate() {
        if !levels.iter().any(|(l, _)| &l.what == m) {
            errors.push(FieldError::new(
                format!("met[{i}]"),
                FieldCode::UnknownServiceLevel,
            ));
        }
    }
    for (i, e) in events.iter().enumerate() {
        if e == AFTER_REQUEST || !levels.iter().any(|(l, _)| &l.after == e) {
            errors.push(FieldError::new(
                format!("events[{i}]"),
                FieldCode::UnknownEvent,
            ));
        }
    }
    Ok(errors)
}
