//! `GET /api/staff/requests`: the queue by tab, filtered and searched, sorted
//! by the next service level due; `GET /api/staff/queue-counts`: the tabs' badges.

use aftersales_contract::{FieldCode, FieldError, RequestStatus};
use aftersales_rules::{Outcome, RequestType, StaffRole};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Staff;
use crate::db::unix_now;
use crate::domain::clock::show_text;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::store::queue::{self, Filter, QueueRow, Search, Tab};
use crate::AppState;

/// The longest `due_within_minutes` (a week).
const MAX_DUE_WITHIN_MINUTES: i64 = 7 * 24 * 60;

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `received`, `in_progress`, `closed` or `rejected` (every status without it).
    #[param(schema_with = crate::openapi::status_filter)]
    pub status: Option<String>,
    /// Only open requests waiting for one of the signed-in member's roles: its
    /// next step is theirs, or its steps are done and they may close it (with
    /// `status`, only those of that status).
    pub waiting: Option<bool>,
    /// Request type: `cancel`, `return`, `exchange`, `repair`, `complaint`.
    #[serde(rename = "type")]
    #[param(schema_with = crate::openapi::request_type_filter)]
    pub request_type: Option<String>,
    /// The server's outcome: `allowed`, `allowed_with_fee`, `needs_inspection`,
    /// `refused`, `mixed`.
    #[param(schema_with = crate::openapi::outcome_filter)]
    pub outcome: Option<String>,
    /// Only open requests with a service level past due and not met.
    pub overdue: Option<bool>,
    /// Only open requests with a service level due within this many minutes (1 to 10080).
    #[param(minimum = 1, maximum = 10080)]
    pub due_within_minutes: Option<i64>,
    /// Only (`true`) or no (`false`) flagged requests.
    pub flagged: Option<bool>,
    /// An order number, a tracking code or a phone number (any status).
    #[param(max_length = 64)]
    pub q: Option<String>,
    /// 1 to 200 [default: 50].
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// [default: 0]
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

impl ListQuery {
    /// The filter these parameters ask for, or the fields in error.
    pub fn filter(&self, staff: &Staff) -> Result<Filter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let status = self.status.as_deref().map(RequestStatus::parse);
        if status.is_some_and(|s| s.is_none_or(|s| s == RequestStatus::Unknown)) {
            errors.push(FieldError::new("status", FieldCode::Invalid));
        }
        let request_type = self.request_type.as_deref().map(RequestType::parse);
        if request_type.is_some_and(|t| t.is_none()) {
            errors.push(FieldError::new("type", FieldCode::Invalid));
        }
        let outcome = self.outcome.as_deref().map(Outcome::parse);
        if outcome.is_some_and(|o| o.is_none()) {
            errors.push(FieldError::new("outcome", FieldCode::Invalid));
        }
        if self
            .due_within_minutes
            .is_some_and(|m| !(1..=MAX_DUE_WITHIN_MINUTES).contains(&m))
        {
            errors.push(FieldError::new("due_within_minutes", FieldCode::OutOfRange));
        }
        let search = self.q.as_deref().and_then(Search::new);
        if self.q.as_deref().is_some_and(|q| q.chars().count() > 64) {
            errors.push(FieldError::new("q", FieldCode::TooLong));
        }
        let waiting = self.waiting == Some(true);
        if !errors.is_empty() {
            return Err(errors);
        }
        let tab = match (waiting, status.flatten()) {
            _ if search.is_some() && status.is_none() => Tab::All,
            (true, _) => Tab::WaitingFor(staff.roles.clone()),
            (false, Some(RequestStatus::Received)) => Tab::New,
            (false, Some(RequestStatus::InProgress)) => Tab::InProgress,
            (false, Some(RequestStatus::Closed)) => Tab::Closed,
            (false, Some(RequestStatus::Rejected)) => Tab::Rejected,
            _ => Tab::All,
        };
        Ok(Filter {
            // With `waiting`, a status narrows it further.
            status: matches!(tab, Tab::WaitingFor(_))
                .then_some(status.flatten())
                .flatten(),
            tab,
            request_type: request_type.flatten(),
            outcome: outcome.flatten(),
            flagged: self.flagged,
            overdue: self.overdue,
            due_within: self.due_within_minutes.map(|m| m * 60),
            search,
        })
    }
}

impl ListQuery {
    /// The filter, limit and offset, or a `400` naming every field in error.
    pub fn checked(&self, staff: &Staff) -> Result<(Filter, i64, i64), ApiError> {
        let filter = self.filter(staff);
        let mut errors = filter.as_ref().err().cloned().unwrap_or_default();
        let limit = self.limit.unwrap_or(50);
        let offset = self.offset.unwrap_or(0);
        if !(1..=200).contains(&limit) {
            errors.push(FieldError::new("limit", FieldCode::OutOfRange));
        }
        if offset < 0 {
            errors.push(FieldError::new("offset", FieldCode::OutOfRange));
        }
        match filter {
            Ok(filter) if errors.is_empty() => Ok((filter, limit, offset)),
            _ => Err(ApiError::validation(errors).in_query()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RequestSummary {
    pub id: String,
    pub tracking_code: String,
    #[serde(rename = "type")]
    pub request_type: String,
    pub order_number: String,
    #[schema(value_type = String)]
    pub status: RequestStatus,
    pub step: Option<String>,
    pub flags: Vec<String>,
    pub outcome: Option<String>,
    pub clause: Option<String>,
    /// The roles the request waits for: that of its next step, or those that
    /// may close it once its steps are done; empty once it is closed or rejected.
    #[schema(value_type = Vec<String>)]
    pub waiting_for: Vec<StaffRole>,
    pub received_at: String,
    pub updated_at: String,
    /// The service level due first among those not met, and when.
    pub next_due_level: Option<String>,
    pub next_due: Option<String>,
    pub overdue: bool,
}

impl RequestSummary {
    pub fn of(row: QueueRow, state: &AppState, now: i64) -> RequestSummary {
        let policy = &state.policy.policy;
        let waiting_for = match (row.status.is_open(), row.next_role) {
            (false, _) => Vec::new(),
            (true, Some(role)) => vec![role],
            (true, None) => StaffRole::CLOSERS.to_vec(),
        };
        let (next_due_level, due) = row.next_due.unzip();
        RequestSummary {
            received_at: show_text(policy, row.received_at),
            updated_at: show_text(policy, row.updated_at),
            next_due: due.map(|t| show_text(policy, t)),
            overdue: row.status.is_open() && due.is_some_and(|d| d < now),
            next_due_level,
            waiting_for,
            id: row.id,
            tracking_code: row.tracking_code,
            request_type: row.request_type,
            order_number: row.order_number,
            status: row.status,
            step: row.step,
            flags: row.flags,
            outcome: row.outcome,
            clause: row.clause,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RequestList {
    pub requests: Vec<RequestSummary>,
    pub limit: i64,
    pub offset: i64,
    /// Whether another page follows.
    pub has_more: bool,
}

/// The queue: a tab (a status, or what waits for the member's roles), filters
/// and search; open requests by the next service level due.
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
    staff: Staff,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<RequestList>, ApiError> {
    let (filter, limit, offset) = q.checked(&staff)?;
    let now = unix_now();
    // One row more than asked says whether another page follows.
    let mut rows = queue::list(&state.db, &filter, now, limit + 1, offset).await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let requests = rows
        .into_iter()
        .map(|r| RequestSummary::of(r, &state, now))
        .collect();
    Ok(Json(RequestList {
        requests,
        limit,
        offset,
        has_more,
    }))
}

/// Most a badge counts; above it the console shows "999+".
const COUNT_CAP: i64 = 1000;

/// How many requests each working tab holds (counted up to 1,000).
#[derive(Serialize, ToSchema)]
pub struct QueueCounts {
    pub new: i64,
    pub in_progress: i64,
    /// Open requests waiting for one of the member's roles.
    pub waiting: i64,
    /// Open requests with a service level past due.
    pub overdue: i64,
    pub cap: i64,
}

#[utoipa::path(
    get,
    path = "/api/staff/queue-counts",
    responses(
        (status = 200, description = "The tabs' counts", body = QueueCounts),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn counts(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<QueueCounts>, ApiError> {
    let now = unix_now();
    let of = |tab: Tab, overdue: Option<bool>| Filter {
        status: None,
        tab,
        request_type: None,
        outcome: None,
        flagged: None,
        overdue,
        due_within: None,
        search: None,
    };
    let db = &state.db;
    Ok(Json(QueueCounts {
        new: queue::count(db, &of(Tab::New, None), now, COUNT_CAP).await?,
        in_progress: queue::count(db, &of(Tab::InProgress, None), now, COUNT_CAP).await?,
        waiting: queue::count(db, &of(Tab::WaitingFor(staff.roles), None), now, COUNT_CAP).await?,
        overdue: queue::count(db, &of(Tab::All, Some(true)), now, COUNT_CAP).await?,
        cap: COUNT_CAP,
    }))
}
