//! Staff sign-in and sign-out, and the extractor of the signed-in member.
//!
//! Two ways in, one session table: scripts sign in at `/api/staff/login` and
//! send `Authorization: Bearer`; the staff console signs in at
//! `/api/staff/session` and gets an `HttpOnly`, `SameSite=Strict` cookie, and
//! every change it makes carries the session's CSRF token in `X-CSRF-Token`.
//! Failed sign-ins slow down and lock the account name and the client
//! (`crate::domain::lockout`).

use aftersales_contract::ErrorCode;
use aftersales_rules::StaffRole;
use axum::extract::{FromRequestParts, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::unix_now;
use crate::domain::clock::show_text;
use crate::domain::constant_time_eq;
use crate::domain::lockout::{self, ACCOUNT_LIMIT, CLIENT_LIMIT, WINDOW_SECS};
use crate::domain::password::{csrf_token, new_token, verify_password};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientIp};
use crate::store::staff as store;
use crate::AppState;

/// How long a staff session lasts.
const SESSION_SECS: i64 = 12 * 3600;

/// The browser session's cookie (sent only to the staff API).
pub const SESSION_COOKIE: &str = "aftersales_staff";
const COOKIE_PATH: &str = "/api/staff";
/// The header a browser session's changes carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in staff member (bearer token or session cookie).
pub struct Staff {
    pub username: String,
    pub roles: Vec<StaffRole>,
    /// The session's secret (to end it).
    token: String,
    /// Signed in with the cookie: its changes need the CSRF token.
    by_cookie: bool,
}

impl Staff {
    pub fn has(&self, role: StaffRole) -> bool {
        self.roles.contains(&role)
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (token, by_cookie) = match bearer(&parts.headers) {
            Some(t) => (t, false),
            None => (
                session_cookie(&parts.headers).ok_or_else(ApiError::unauthorized)?,
                true,
            ),
        };
        if token.is_empty() || token.len() > 128 {
            return Err(ApiError::unauthorized());
        }
        // A browser sends the cookie with any request, a forged one from
        // another site's form included: a change must prove it comes from the
        // console's own page.
        let safe = matches!(parts.method, Method::GET | Method::HEAD);
        if by_cookie && !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), csrf_token(token).as_bytes()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    ErrorCode::CsrfRejected,
                ));
            }
        }
        let (username, roles) = store::session_user(&state.db, token)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        Ok(Staff {
            username,
            roles,
            token: token.to_owned(),
            by_cookie,
        })
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

/// The console's session: who is signed in, and the token its changes carry.
#[derive(Serialize, ToSchema)]
pub struct ConsoleSession {
    pub username: String,
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<StaffRole>,
    /// Send as `X-CSRF-Token` with every change.
    pub csrf_token: String,
    pub expires_at: String,
}

/// Checks the credentials, with slowing down and locking; opens a session.
async fn sign_in(
    state: &AppState,
    client: std::net::IpAddr,
    body: &Login,
) -> Result<(String, Session), ApiError> {
    state.limiter.check(client)?;
    let now = unix_now();
    let since = now - WINDOW_SECS;
    let account = store::account_subject(&body.username);
    let client = store::client_subject(client);
    let account_failures = store::failures_since(&state.db, &account, since).await?;
    let client_failures = store::failures_since(&state.db, &client, since).await?;
    // Locked: not even a right password opens it, and the answer is the same
    // for a name that has no account.
    if let Some(wait) = lockout::locked_for(&account_failures, ACCOUNT_LIMIT, now)
        .max(lockout::locked_for(&client_failures, CLIENT_LIMIT, now))
    {
        return Err(ApiError::rate_limited(wait));
    }
    let stored = store::password_hash(&state.db, &body.username).await?;
    let password = body.password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, stored.as_deref()))
        .await
        .unwrap_or(false);
    if !ok {
        store::login_failed(&state.db, &body.username, &[account, client], now, since).await?;
        let recent = account_failures.len().max(client_failures.len()) + 1;
        tokio::time::sleep(std::time::Duration::from_millis(lockout::delay_ms(recent))).await;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
        ));
    }
    store::clear_failures(&state.db, &account).await?;
    let token = new_token();
    store::open_session(&state.db, &token, &body.username, now, now + SESSION_SECS).await?;
    tracing::info!(staff = %body.username, "staff signed in");
    let roles = store::roles(&state.db, &body.username).await?;
    Ok((
        token.clone(),
        Session {
            token,
            roles,
            username: body.username.clone(),
            expires_at: show_text(&state.policy.policy, now + SESSION_SECS),
        },
    ))
}

/// Signs in; the answer's token goes in `Authorization: Bearer …`.
#[utoipa::path(
    post,
    path = "/api/staff/login",
    request_body = Login,
    responses(
        (status = 200, description = "Signed in", body = Session),
        (status = 401, description = "Wrong username or password", body = crate::error::ErrorBody),
        (status = 429, description = "Too many attempts, or locked after repeated failures", body = crate::error::ErrorBody),
    ),
    tag = "staff"
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson { value: body, .. }: ApiJson<Login>,
) -> Result<Json<Session>, ApiError> {
    Ok(Json(sign_in(&state, ip, &body).await?.1))
}

/// Ends the session of the presented token.
#[utoipa::path(post, path = "/api/staff/logout", responses((status = 204, description = "Signed out")), tag = "staff", security(("bearer" = [])))]
pub async fn logout(State(state): State<AppState>, staff: Staff) -> Result<StatusCode, ApiError> {
    store::end_session(&state.db, &staff.token, &staff.username, unix_now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The session cookie: `Secure` when the console was reached over https (as a
/// trusted proxy says).
fn cookie(state: &AppState, headers: &HeaderMap, value: &str, max_age: i64) -> HeaderValue {
    let https = state.config.trust_forwarded_for
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path={COOKIE_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The console signs in: the session goes in a cookie the page cannot read.
#[utoipa::path(
    post,
    path = "/api/staff/session",
    request_body = Login,
    responses(
        (status = 200, description = "Signed in; the session is in the `aftersales_staff` cookie", body = ConsoleSession),
        (status = 401, description = "Wrong username or password", body = crate::error::ErrorBody),
        (status = 429, description = "Too many attempts, or locked after repeated failures", body = crate::error::ErrorBody),
    ),
    tag = "staff"
)]
pub async fn open(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson { value: body, .. }: ApiJson<Login>,
) -> Result<Response, ApiError> {
    let (token, session) = sign_in(&state, ip, &body).await?;
    let answer = ConsoleSession {
        csrf_token: csrf_token(&token),
        username: session.username,
        roles: session.roles,
        expires_at: session.expires_at,
    };
    let mut response = Json(answer).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie(&state, &headers, &token, SESSION_SECS),
    );
    Ok(response)
}

/// Who is signed in (the console asks when it opens).
#[utoipa::path(
    get,
    path = "/api/staff/session",
    responses(
        (status = 200, description = "The session", body = ConsoleSession),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    ),
    tag = "staff"
)]
pub async fn current(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<ConsoleSession>, ApiError> {
    let expires_at = store::session_expiry(&state.db, &staff.token)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok(Json(ConsoleSession {
        csrf_token: csrf_token(&staff.token),
        username: staff.username,
        roles: staff.roles,
        expires_at: show_text(&state.policy.policy, expires_at),
    }))
}

/// Signs out: ends the session and clears the cookie.
#[utoipa::path(
    delete,
    path = "/api/staff/session",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "No CSRF token, or a wrong one", body = crate::error::ErrorBody),
    ),
    tag = "staff"
)]
pub async fn close(
    State(state): State<AppState>,
    headers: HeaderMap,
    staff: Staff,
) -> Result<Response, ApiError> {
    store::end_session(&state.db, &staff.token, &staff.username, unix_now()).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if staff.by_cookie {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, cookie(&state, &headers, "", 0));
    }
    Ok(response)
}
