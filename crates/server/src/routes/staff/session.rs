//! Staff sign-in and sign-out, and the bearer-token extractor.

use aftersales_contract::ErrorCode;
use aftersales_rules::StaffRole;
use axum::extract::{FromRequestParts, State};
use axum::http::{header, request::Parts, HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::unix_now;
use crate::domain::clock::show_text;
use crate::domain::password::{new_token, verify_password};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientIp};
use crate::store::staff as store;
use crate::AppState;

/// How long a staff session lasts.
const SESSION_SECS: i64 = 12 * 3600;

/// A signed-in staff member (from `Authorization: Bearer <token>`).
pub struct Staff {
    pub username: String,
    pub roles: Vec<StaffRole>,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or_else(ApiError::unauthorized)?;
        let (username, roles) = store::session_user(&state.db, token)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        Ok(Staff { username, roles })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Session {
    pub token: String,
    pub username: String,
    /// What this account may do (docs/policy.md, "Who performs each step").
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<StaffRole>,
    pub expires_at: String,
}

/// Signs in; the answer's token goes in `Authorization: Bearer …`.
#[utoipa::path(
    post,
    path = "/api/staff/login",
    request_body = Login,
    responses(
        (status = 200, description = "Signed in", body = Session),
        (status = 401, description = "Wrong username or password", body = crate::error::ErrorBody),
        (status = 429, description = "Too many attempts", body = crate::error::ErrorBody),
    ),
    tag = "staff"
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson { value: body, .. }: ApiJson<Login>,
) -> Result<Json<Session>, ApiError> {
    state.limiter.check(ip)?;
    let stored = store::password_hash(&state.db, &body.username).await?;
    let password = body.password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, stored.as_deref()))
        .await
        .unwrap_or(false);
    let now = unix_now();
    if !ok {
        store::login_failed(&state.db, &body.username, now).await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
        ));
    }
    let token = new_token();
    store::open_session(&state.db, &token, &body.username, now, now + SESSION_SECS).await?;
    tracing::info!(staff = %body.username, "staff signed in");
    let roles = store::roles(&state.db, &body.username).await?;
    Ok(Json(Session {
        token,
        roles,
        username: body.username,
        expires_at: show_text(&state.policy.policy, now + SESSION_SECS),
    }))
}

/// Ends the session of the presented token.
#[utoipa::path(post, path = "/api/staff/logout", responses((status = 204, description = "Signed out")), tag = "staff", security(("bearer" = [])))]
pub async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = bearer(&headers).unwrap_or("");
    store::end_session(&state.db, token, &staff.username, unix_now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
