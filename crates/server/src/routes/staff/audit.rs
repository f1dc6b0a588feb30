//! `GET /api/staff/audit`: the audit trail, newest first.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Staff;
use crate::domain::clock::show_text;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::store::audit;
use crate::AppState;
use aftersales_contract::{FieldCode, FieldError};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub request_id: Option<String>,
    pub actor: Option<String>,
    /// 1 to 1000 [default: 100].
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditRecord {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub request_id: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// The audit trail (newest first): who changed what, and when.
#[utoipa::path(
    get,
    path = "/api/staff/audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Audit entries", body = Vec<AuditRecord>),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn audit_trail(
    State(state): State<AppState>,
    _staff: Staff,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditRecord>>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(
            ApiError::validation(vec![FieldError::new("limit", FieldCode::OutOfRange)]).in_query(),
        );
    }
    let request_id = q.request_id.unwrap_or_default().to_ascii_lowercase();
    let actor = q.actor.unwrap_or_default();
    let rows = audit::trail(&state.db, &request_id, &actor, limit).await?;
    let policy = &state.policy.policy;
    Ok(Json(
        rows.into_iter()
            .map(|r| AuditRecord {
                at: show_text(policy, r.at),
                actor: r.actor,
                action: r.action,
                request_id: r.request_id,
                detail: r.detail,
            })
            .collect(),
    ))
}
