//! The router: the API routes of each area (`crate::routes`), the built portal, and the cross-cutting layers
//! (CORS, security headers, body limits, compression, logging, panics).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aftersales_contract::ErrorCode;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Router;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::Config;
use crate::error::{localise, ApiError};
use crate::routes::{attachments, meta, orders, requests, staff, tracking};
use crate::AppState;

/// JSON bodies are small; photos have their own, larger limit.
const JSON_BODY_LIMIT: usize = 256 * 1024;

pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let photo_limit = config.max_attachment_bytes + 256 * 1024;
    let api = Router::new()
        .route("/health", get(meta::health))
        .route("/policy", get(meta::policy))
        .route("/store", get(meta::store))
        .route("/embed", get(meta::embedding))
        .route("/openapi.json", get(meta::openapi_json))
        .route("/orders/{number}", get(orders::lookup))
        .route("/requests", post(requests::file_request))
        .route("/requests/{id}", get(tracking::get_request))
        .route(
            "/requests/{id}/attachments",
            post(attachments::upload).layer(DefaultBodyLimit::max(photo_limit)),
        )
        .route("/requests/{id}/feedback", post(tracking::feedback))
        .route("/staff/login", post(staff::session::login))
        .route("/staff/logout", post(staff::session::logout))
        .route(
            "/staff/session",
            post(staff::session::open)
                .get(staff::session::current)
                .delete(staff::session::close),
        )
        .route("/staff/requests", get(staff::queue::list))
        .route("/staff/requests.csv", get(staff::export::export))
        .route("/staff/queue-counts", get(staff::queue::counts))
        .route("/staff/reports", get(staff::reports::report))
        .route(
            "/staff/accounts",
            get(staff::accounts::list).post(staff::accounts::create),
        )
        .route("/staff/accounts/{username}", patch(staff::accounts::update))
        .route("/staff/requests/{id}/notes", post(staff::notes::add))
        .route(
            "/staff/requests/{id}/service-levels",
            post(staff::service_levels::record),
        )
        .route("/staff/requests/{id}", get(staff::detail::detail))
        .route(
            "/staff/requests/{id}/transition",
            post(staff::transitions::transition),
        )
        .route(
            "/staff/requests/{id}/attachments/{seq}",
            get(staff::detail::attachment),
        )
        .route("/staff/audit", get(staff::audit::audit_trail))
        .fallback(api_not_found)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    let index = config.static_dir.join("index.html");
    let portal = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .service(ServeDir::new(&config.static_dir).fallback(ServeFile::new(index)));

    let csp = content_security_policy(&config);
    let mut app = Router::new()
        .nest("/api", api)
        .fallback_service(portal)
        .layer(middleware::from_fn(localise))
        .layer(middleware::from_fn(log_request))
        .layer(CompressionLayer::new())
        .layer(cors(&config))
        .layer(header_layer("content-security-policy", &csp))
        .layer(header_layer("x-content-type-options", "nosniff"))
        .layer(header_layer("referrer-policy", "no-referrer"))
        .layer(header_layer(
            "permissions-policy",
            "camera=(self), microphone=(), geolocation=()",
        ));
    if config.allowed_origins.is_empty() {
        // Old browsers ignore frame-ancestors; with no embedding sites, deny framing.
        app = app.layer(header_layer("x-frame-options", "DENY"));
    }
    app.layer(CatchPanicLayer::custom(|_| {
        ApiError::internal().into_response()
    }))
    .with_state(state)
}

fn header_layer(name: &'static str, value: &str) -> SetResponseHeaderLayer<HeaderValue> {
    let value = HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static(""));
    SetResponseHeaderLayer::overriding(HeaderName::from_static(name), value)
}

fn cors(config: &Config) -> CorsLayer {
    let origins: Vec<HeaderValue> = config
        .allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::ACCEPT_LANGUAGE,
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// The portal's CSP; inline scripts of the built pages (Trunk's loader in
/// `index.html`, the self-check, and `requests.html`, the requests app: every
/// `*.html` at the top of the static directory) are allowed by hash, so no
/// `unsafe-inline` is needed for scripts.
pub fn content_security_policy(config: &Config) -> String {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&config.static_dir)
        .map(|dir| {
            dir.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "html"))
                .collect()
        })
        .unwrap_or_default();
    pages.sort();
    let hashes: String = pages.iter().map(|p| inline_script_hashes(p)).collect();
    let ancestors = std::iter::once("'self'".to_owned())
        .chain(config.allowed_origins.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors {ancestors}"
    )
}

fn inline_script_hashes(index: &Path) -> String {
    let Ok(html) = std::fs::read_to_string(index) else {
        return String::new();
    };
    let mut out = String::new();
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + close];
        if !tag.contains("src=") && !body.trim().is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            out.push_str(&format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &rest[body_start + close..];
    }
    out
}

/// One structured line per request: method, route template, status, duration.
/// Never the query string or the concrete path (phone numbers, tracking codes).
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| {
            if request.uri().path().starts_with("/api") {
                "/api/<unmatched>".into()
            } else {
                "<static>".into()
            }
        });
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::warn!(%method, route, status, ms, "request");
    } else {
        tracing::info!(%method, route, status, ms, "request");
    }
    response
}

async fn api_not_found() -> ApiError {
    ApiError::not_found(ErrorCode::NotFound)
}
