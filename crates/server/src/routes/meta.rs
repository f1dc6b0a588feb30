//! The portal's plumbing: health, the policy in force, the store's settings,
//! the OpenAPI document.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::{openapi, AppState};

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
}

/// Liveness and database reachability.
#[utoipa::path(
    get,
    path = "/api/health",
    responses(
        (status = 200, description = "Up", body = Health),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody),
    ),
    tag = "public"
)]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    sqlx::query("SELECT 1").execute(&state.db.pool).await?;
    Ok(Json(Health {
        status: "ok".into(),
        database: state.db.backend.name().into(),
    }))
}

/// The policy in force, with its `version` (content hash).
#[utoipa::path(
    get,
    path = "/api/policy",
    responses((status = 200, description = "The policy JSON (docs/policy.md) plus `version`", body = Object)),
    tag = "public"
)]
pub async fn policy(State(state): State<AppState>) -> Response {
    let mut response = Json(state.policy.json.clone()).into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", state.policy.policy.version)) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[derive(Serialize, ToSchema)]
pub struct Store {
    pub name: String,
    pub time_zone: String,
    pub currency: String,
}

/// The store's name, time zone and currency, for the portal's header.
#[utoipa::path(
    get,
    path = "/api/store",
    responses((status = 200, description = "Store settings", body = Store)),
    tag = "public"
)]
pub async fn store(State(state): State<AppState>) -> Json<Store> {
    let p = &state.policy.policy;
    Json(Store {
        name: state.config.store_name.clone(),
        time_zone: p.time_zone.name().to_owned(),
        currency: p.currency.clone(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct Embedding {
    /// The sites (`scheme://host[:port]`) whose pages may embed the portal:
    /// its frame talks to no other page (docs/embedding.md).
    pub allowed_origins: Vec<String>,
}

/// The sites that may embed the portal, for the portal's own frame script.
#[utoipa::path(
    get,
    path = "/api/embed",
    responses((status = 200, description = "The embedding sites", body = Embedding)),
    tag = "public"
)]
pub async fn embedding(State(state): State<AppState>) -> Json<Embedding> {
    Json(Embedding {
        allowed_origins: state.config.allowed_origins.clone(),
    })
}

pub async fn openapi_json() -> Response {
    match openapi::document() {
        Value::Null => ApiError::internal().into_response(),
        doc => Json(doc).into_response(),
    }
}
