//! One request in full for staff (`GET /api/staff/requests/{id}`) and its photos.

use std::collections::BTreeMap;

use aftersales_contract::{ErrorCode, FeedbackView, HistoryEntry, RequestStatus};
use aftersales_rules::StaffRole;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::Staff;
use crate::domain::clock::show_text;
use crate::domain::roles;
use crate::domain::status::next_steps;
use crate::error::ApiError;
use crate::store::attachments::{self, AttachmentInfo};
use crate::store::audit;
use crate::store::requests::{self, InternalNote, LevelView};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct StaffHistoryEntry {
    #[serde(flatten)]
    pub entry: HistoryEntry,
    pub actor: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// Everything about one request, for staff.
#[derive(Serialize, ToSchema)]
pub struct RequestDetail {
    pub id: String,
    pub tracking_code: String,
    #[serde(rename = "type")]
    pub request_type: String,
    pub order_number: String,
    #[schema(value_type = String)]
    pub status: RequestStatus,
    pub step: Option<String>,
    /// The steps still ahead (the decision's steps after the current one).
    pub next_steps: Vec<String>,
    /// The role that performs each of the decision's steps (the policy's `roles`).
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub step_roles: BTreeMap<String, StaffRole>,
    pub flags: Vec<String>,
    pub filed_at: String,
    pub evaluated_at: String,
    pub received_at: String,
    pub policy_version: String,
    #[schema(value_type = Object)]
    pub decision: serde_json::Value,
    #[schema(value_type = Option<Object>)]
    pub client_decision: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    pub case: serde_json::Value,
    #[schema(value_type = Object)]
    pub contact: serde_json::Value,
    pub description: String,
    pub service_levels: Vec<LevelView>,
    pub history: Vec<StaffHistoryEntry>,
    /// Notes staff keep for each other; never shown to the customer.
    pub internal_notes: Vec<InternalNote>,
    pub attachments: Vec<AttachmentInfo>,
    pub feedback: Option<FeedbackView>,
    pub audit: Vec<AuditEntry>,
}

/// The request with this (lower-case) id, in full.
pub async fn detail_of(state: &AppState, id: &str) -> Result<RequestDetail, ApiError> {
    let r = requests::load(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::RequestNotFound))?;
    let policy = &state.policy.policy;
    let history = requests::load_history(&state.db, policy, &r.id)
        .await?
        .into_iter()
        .map(|(entry, actor)| StaffHistoryEntry { entry, actor })
        .collect();
    let audit_entries = audit::for_request(&state.db, &r.id)
        .await?
        .into_iter()
        .map(|a| AuditEntry {
            at: show_text(policy, a.at),
            actor: a.actor,
            action: a.action,
            detail: a.detail,
        })
        .collect();
    let steps = r.steps();
    Ok(RequestDetail {
        step_roles: steps
            .iter()
            .map(|s| (s.clone(), roles::role_of(policy, s)))
            .collect(),
        next_steps: if r.is_open() {
            next_steps(&steps, r.step.as_deref())
        } else {
            Vec::new()
        },
        service_levels: requests::load_levels(&state.db, policy, &r.id)
            .await?
            .into_iter()
            .map(|(level, _)| level)
            .collect(),
        attachments: attachments::list(&state.db, &r.id).await?,
        internal_notes: requests::load_internal_notes(&state.db, policy, &r.id).await?,
        feedback: requests::load_feedback(&state.db, policy, &r.id).await?,
        history,
        audit: audit_entries,
        filed_at: r.filed_at,
        evaluated_at: show_text(policy, r.evaluated_at),
        received_at: show_text(policy, r.received_at),
        id: r.id,
        tracking_code: r.tracking_code,
        request_type: r.request_type,
        order_number: r.order_number,
        status: r.status,
        step: r.step,
        flags: r.flags,
        policy_version: r.policy_version,
        decision: r.decision,
        client_decision: r.client_decision,
        case: r.filing,
        contact: r.contact,
        description: r.description,
    })
}

/// One request with contact details, history, service levels and audit trail.
#[utoipa::path(
    get,
    path = "/api/staff/requests/{id}",
    params(("id" = String, Path, description = "The request id")),
    responses(
        (status = 200, description = "The request", body = RequestDetail),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn detail(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(detail_of(&state, &id.to_ascii_lowercase()).await?))
}

/// One photo of a request.
#[utoipa::path(
    get,
    path = "/api/staff/requests/{id}/attachments/{seq}",
    params(("id" = String, Path, description = "The request id"), ("seq" = i64, Path, description = "The photo's position")),
    responses(
        (status = 200, description = "The image", content_type = "image/jpeg"),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 404, description = "No such photo", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn attachment(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, seq)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let id = id.to_ascii_lowercase();
    let (content_type, data) = attachments::fetch(&state.db, &id, seq)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::NotFound))?;
    tracing::info!(request_id = %id, seq, staff = %staff.username, "photo viewed");
    let mut response = data.into_response();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
