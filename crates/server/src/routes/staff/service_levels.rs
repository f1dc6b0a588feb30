//! `POST /api/staff/requests/{id}/service-levels`: marks service levels met
//! (first contact made, answer given) and records events (item returned,
//! resolved) on an open request without moving it to another step.

use aftersales_contract::{ErrorCode, FieldError};
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::detail::{detail_of, RequestDetail};
use super::transitions::{check_levels, open_request};
use super::Staff;
use crate::db::unix_now;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::store::requests::{self, Record};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelRecord {
    /// Service levels met now (e.g. `first_contact`).
    #[serde(default)]
    pub met: Vec<String>,
    /// Events that happened now and start the levels counted from them
    /// (`item_returned`, `resolved`).
    #[serde(default)]
    pub events: Vec<String>,
}

#[utoipa::path(
    post,
    path = "/api/staff/requests/{id}/service-levels",
    params(("id" = String, Path, description = "The request id")),
    request_body = LevelRecord,
    responses(
        (status = 200, description = "The request after the change", body = RequestDetail),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 409, description = "Closed or rejected", body = crate::error::ErrorBody),
        (status = 422, description = "Nothing given, an unknown service level or event", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn record(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson { value: body, .. }: ApiJson<LevelRecord>,
) -> Result<Json<RequestDetail>, ApiError> {
    let r = open_request(&state, &id).await?;
    let policy = &state.policy.policy;
    let mut errors = check_levels(&state, &r.id, &body.met, &body.events).await?;
    if body.met.is_empty() && body.events.is_empty() {
        errors.push(FieldError::new(
            "met",
            aftersales_contract::FieldCode::Required,
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let recorded = requests::record_levels(
        &state.db,
        Record {
            policy,
            request: &r,
            actor: &staff.username,
            met: &body.met,
            events: &body.events,
            at: unix_now(),
        },
    )
    .await?;
    if !recorded {
        return Err(ApiError::conflict(ErrorCode::RequestClosed));
    }
    Ok(Json(detail_of(&state, &r.id).await?))
}
