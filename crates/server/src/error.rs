//! The API's error shape: `{"error": {"code", "message", "fields"}}` (the body
//! and its codes are `aftersales_contract`'s).
//!
//! Handlers return [`ApiError`]; the body is rendered in zh-CN, and the
//! [`localise`] middleware re-renders it in the language the client asked for
//! (an `IntoResponse` impl cannot see the request headers).

pub use aftersales_contract::{ErrorBody, ErrorCode, ErrorContent, FieldCode, FieldError};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::i18n::{message, Lang};

/// An error answer; `code` selects the localised message.
#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub fields: Vec<FieldError>,
    /// Technical detail in English (e.g. the engine's message naming the field).
    pub detail: Option<String>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<ErrorCode>) -> Self {
        ApiError {
            status,
            code: code.into(),
            fields: Vec::new(),
            detail: None,
            retry_after: None,
        }
    }

    pub fn bad_request(code: ErrorCode) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code)
    }

    pub fn not_found(code: ErrorCode) -> Self {
        Self::new(StatusCode::NOT_FOUND, code)
    }

    pub fn conflict(code: ErrorCode) -> Self {
        Self::new(StatusCode::CONFLICT, code)
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
    }

    pub fn validation(fields: Vec<FieldError>) -> Self {
        ApiError {
            fields,
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ValidationFailed,
            )
        }
    }

    pub fn too_large() -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
        )
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
        }
    }

    /// The database could not be reached: the client (the portal's outbox) retries.
    pub fn unavailable() -> Self {
        ApiError {
            retry_after: Some(5),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServiceUnavailable,
            )
        }
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_fields(mut self, fields: Vec<FieldError>) -> Self {
        self.fields = fields;
        self
    }

    /// The same fields as a `400 invalid_query` (problems of a query string).
    pub fn in_query(mut self) -> Self {
        self.code = ErrorCode::InvalidQuery;
        self.status = StatusCode::BAD_REQUEST;
        self
    }

    fn body(&self, lang: Lang) -> String {
        let body = ErrorBody {
            error: ErrorContent {
                code: self.code.clone(),
                message: message(&self.code, lang).to_owned(),
                fields: self.fields.clone(),
                detail: self.detail.clone(),
            },
        };
        serde_json::to_string(&body).unwrap_or_else(|_| "{}".to_owned())
    }

    fn render(&self, lang: Lang) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            self.body(lang),
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.render(Lang::Zh);
        response.extensions_mut().insert(self);
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        // Logged without bind values: the driver's message never carries row data.
        tracing::error!(error = %e, "database error");
        ApiError::unavailable()
    }
}

/// Re-renders error bodies in the language of `Accept-Language`, and gives
/// axum's own bare 404/405/413 answers the API's error shape.
pub async fn localise(request: Request, next: Next) -> Response {
    let lang = Lang::from_accept_language(
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let is_api = request.uri().path().starts_with("/api");
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions_mut().remove::<ApiError>() {
        if lang != Lang::Zh {
            let mut rendered = error.render(lang);
            for (name, value) in response.headers() {
                if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                    rendered.headers_mut().insert(name.clone(), value.clone());
                }
            }
            return rendered;
        }
        return response;
    }
    let status = response.status();
    let bare = response.headers().get(header::CONTENT_TYPE).is_none()
        || response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"));
    if is_api && bare && (status.is_client_error() || status.is_server_error()) {
        let code = match status {
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            StatusCode::REQUEST_TIMEOUT => ErrorCode::ServiceUnavailable,
            s if s.is_client_error() => ErrorCode::InvalidBody,
            _ => ErrorCode::Internal,
        };
        let mut rendered = ApiError::new(status, code).render(lang);
        for (name, value) in response.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                rendered.headers_mut().insert(name.clone(), value.clone());
            }
        }
        return rendered;
    }
    response
}
