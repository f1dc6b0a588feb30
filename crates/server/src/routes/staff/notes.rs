//! `POST /api/staff/requests/{id}/notes`: a note staff keep for each other on a
//! request. It is never shown to the customer (their notes go with a move).

use aftersales_contract::fields::NOTE_MAX_CHARS;
use aftersales_contract::{ErrorCode, FieldCode, FieldError};
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::detail::{detail_of, RequestDetail};
use super::Staff;
use crate::db::unix_now;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::store::requests;
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInternalNote {
    /// 1 to 2,000 characters; only staff see it.
    pub body: String,
}

#[utoipa::path(
    post,
    path = "/api/staff/requests/{id}/notes",
    params(("id" = String, Path, description = "The request id")),
    request_body = NewInternalNote,
    responses(
        (status = 200, description = "The request with the note", body = RequestDetail),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 422, description = "Empty or too long", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn add(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson { value: body, .. }: ApiJson<NewInternalNote>,
) -> Result<Json<RequestDetail>, ApiError> {
    let id = id.to_ascii_lowercase();
    let text = body.body.trim();
    if text.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "body",
            FieldCode::Required,
        )]));
    }
    if text.chars().count() > NOTE_MAX_CHARS || text.contains('\0') {
        return Err(ApiError::validation(vec![FieldError::new(
            "body",
            FieldCode::TooLong,
        )]));
    }
    requests::load(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::RequestNotFound))?;
    requests::add_internal_note(&state.db, &id, &staff.username, text, unix_now()).await?;
    Ok(Json(detail_of(&state, &id).await?))
}
