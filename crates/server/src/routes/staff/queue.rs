//! `GET /api/staff/requests`: the queue, newest first, with filters.

use aftersales_contract::{FieldCode, FieldError, RequestStatus};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Staff;
use crate::db::unix_now;
use crate::domain::clock::show_text;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::store::queue::{self, Filter};
use crate::AppState;

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `received`, `in_progress`, `closed` or `rejected`.
    #[param(schema_with = crate::openapi::status_filter)]
    pub status: Option<String>,
    /// Request type: `cancel`, `return`, `exchange`, `repair`, `complaint`.
    #[serde(rename = "type")]
    #[param(schema_with = crate::openapi::request_type_filter)]
    pub request_type: Option<String>,
    /// Only open requests with a service level past due and not met.
    pub overdue: Option<bool>,
    /// Only (`true`) or no (`false`) flagged requests.
    pub flagged: Option<bool>,
    /// 1 to 200 [default: 50].
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// [default: 0]
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestSummary {
    pub id: String,
    #[serde(rename = "type")]
    pub request_type: String,
    pub order_number: String,
    #[schema(value_type = String)]
    pub status: RequestStatus,
    pub step: Option<String>,
    pub flags: Vec<String>,
    pub outcome: Option<String>,
    pub received_at: String,
    pub updated_at: String,
    /// The earliest unmet due instant, if any.
    pub next_due: Option<String>,
    pub overdue: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RequestList {
    pub requests: Vec<RequestSummary>,
    pub limit: i64,
    pub offset: i64,
}

/// The queue, newest first, with filters.
#[utoipa::path(
    get,
    path = "/api/staff/requests",
    params(ListQuery),
    responses(
        (status = 200, description = "Matching requests", body = RequestList),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    _staff: Staff,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<RequestList>, ApiError> {
    let mut errors = Vec::new();
    let status = q.status.as_deref().map(RequestStatus::parse);
    if status.is_some_and(|s| s.is_none()) {
        errors.push(FieldError::new("status", FieldCode::Invalid));
    }
    if q.request_type
        .as_deref()
        .is_some_and(|t| aftersales_rules::RequestType::parse(t).is_none())
    {
        errors.push(FieldError::new("type", FieldCode::Invalid));
    }
    let limit = q.limit.unwrap_or(50);
    let offset = q.offset.unwrap_or(0);
    if !(1..=200).contains(&limit) {
        errors.push(FieldError::new("limit", FieldCode::OutOfRange));
    }
    if offset < 0 {
        errors.push(FieldError::new("offset", FieldCode::OutOfRange));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors).in_query());
    }
    let now = unix_now();
    let filter = Filter {
        status: status.flatten(),
        request_type: q.request_type,
        overdue: q.overdue,
        flagged: q.flagged,
        limit,
        offset,
    };
    let rows = queue::list(&state.db, &filter, now).await?;
    let policy = &state.policy.policy;
    let requests = rows
        .into_iter()
        .map(|r| RequestSummary {
            outcome: r
                .decision
                .get("outcome")
                .and_then(|o| o.as_str())
                .map(str::to_owned),
            received_at: show_text(policy, r.received_at),
            updated_at: show_text(policy, r.updated_at),
            next_due: r.next_due.map(|t| show_text(policy, t)),
            overdue: r.status.is_open() && r.next_due.is_some_and(|d| d < now),
            id: r.id,
            request_type: r.request_type,
            order_number: r.order_number,
            status: r.status,
            step: r.step,
            flags: r.flags,
        })
        .collect();
    Ok(Json(RequestList {
        requests,
        limit,
        offset,
    }))
}
