//! `GET /api/orders/{number}?phone=`: an order by number and phone.

use aftersales_contract::{ErrorCode, LookupQuery, Order, Phone};
use axum::extract::{Path, State};
use axum::Json;

use crate::domain::constant_time_eq;
use crate::error::ApiError;
use crate::extract::{ApiQuery, ClientIp};
use crate::store::orders;
use crate::AppState;

/// Looks an order up by number and phone; unknown order and wrong phone answer
/// the same 404, and lookups are rate-limited per client.
#[utoipa::path(
    get,
    path = "/api/orders/{number}",
    params(("number" = String, Path, description = "Order number"), LookupQuery),
    responses(
        (status = 200, description = "The order (the rule engine's `order`)", body = Object),
        (status = 404, description = "No order with this number and phone", body = crate::error::ErrorBody),
        (status = 429, description = "Too many lookups", body = crate::error::ErrorBody),
    ),
    tag = "public"
)]
pub async fn lookup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(number): Path<String>,
    ApiQuery(query): ApiQuery<LookupQuery>,
) -> Result<Json<Order>, ApiError> {
    state.limiter.check(ip)?;
    let not_found = || ApiError::not_found(ErrorCode::OrderNotFound);
    let phone = Phone::parse(&query.phone).map_err(|_| not_found())?;
    if number.len() > 64 {
        return Err(not_found());
    }
    let stored = orders::find(&state.db, &number)
        .await?
        .ok_or_else(not_found)?;
    if !constant_time_eq(stored.phone.as_bytes(), phone.as_str().as_bytes()) {
        return Err(not_found());
    }
    Ok(Json(stored.order))
}
