//! The requests app's client of the server's JSON API (`docs/api.md`): filing,
//! photos, tracking, feedback.
//!
//! Every call goes through `XMLHttpRequest` ([`crate::browser::http::send`]):
//! it reports upload progress and has a timeout, so a stalled request never
//! holds the outbox. `api_base` is where the API lives relative to the page
//! (`"api/"`).

use aftersales_contract::{ErrorBody, ErrorCode, FieldError, NewFeedback};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use web_sys::Blob;

use crate::browser::http::{endpoint, send, Body, Progress, Reply, Unreachable};

const JSON_TIMEOUT_MS: u32 = 30_000;
/// A 1600 px JPEG is well under 1 MB; this allows for a slow mobile link.
const PHOTO_TIMEOUT_MS: u32 = 180_000;

/// The API's error body (`{"error": {"code", "message", "fields"}}`) with its
/// status. `message` is the server's text in the `Accept-Language` language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub status: u16,
    pub code: ErrorCode,
    #[serde(default)]
    pub message: String,
    /// The fields the server refused (`{"field": "contact.phone", "code": "invalid"}`).
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

impl Problem {
    /// Reads the error body; a body that is not the API's (a proxy's page)
    /// still yields a problem, coded `http_<status>`.
    pub fn from_reply(reply: &Reply) -> Problem {
        match serde_json::from_str::<ErrorBody>(&reply.body) {
            Ok(ErrorBody { error }) => Problem {
                status: reply.status,
                code: error.code,
                message: error.message,
                fields: error.fields,
            },
            Err(_) => Problem {
                status: reply.status,
                code: ErrorCode::Other(format!("http_{}", reply.status)),
                message: String::new(),
                fields: Vec::new(),
            },
        }
    }
}

/// Why a tracking, feedback or order call gave no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// Unknown id or wrong code; unknown order or wrong phone (the server does
    /// not say which).
    NotFound,
    /// Too many look-ups from this device; try again after `retry_after` s.
    RateLimited { retry_after: Option<u64> },
    /// No answer, or the server is temporarily unavailable (5xx): try later.
    Network,
    /// The server refused the call (409 not closed yet, 422 rating, …).
    Refused(Problem),
    /// The input was unusable before sending, or the answer was unreadable.
    Invalid,
}

impl ApiError {
    pub fn from_reply(reply: &Reply) -> ApiError {
        match reply.status {
            404 => ApiError::NotFound,
            429 => ApiError::RateLimited {
                retry_after: reply.retry_after,
            },
            408 | 500..=599 => ApiError::Network,
            400..=499 => ApiError::Refused(Problem::from_reply(reply)),
            _ => ApiError::Invalid,
        }
    }
}

fn read<T: DeserializeOwned>(reply: Result<Reply, Unreachable>) -> Result<T, ApiError> {
    let reply = reply.map_err(|Unreachable| ApiError::Network)?;
    if (200..300).contains(&reply.status) {
        serde_json::from_str(&reply.body).map_err(|_| ApiError::Invalid)
    } else {
        Err(ApiError::from_reply(&reply))
    }
}

pub use aftersales_contract::{
    Due, FeedbackView, FiledResponse, HistoryEntry, RequestStatus, RequestView,
};

/// `POST /api/requests` with the exact stored body (a retry must be
/// byte-for-byte the same request to be recognised as one).
pub async fn file(api_base: &str, body: &str) -> Result<Reply, Unreachable> {
    let url = endpoint(api_base, &["requests"], &[]);
    send("POST", &url, Body::Json(body), JSON_TIMEOUT_MS, None).await
}

/// `POST /api/requests/{id}/attachments?code=` with the photo as the body.
pub async fn upload_photo(
    api_base: &str,
    id: &str,
    code: &str,
    photo: &Blob,
    progress: Option<Progress>,
) -> Result<Reply, Unreachable> {
    let url = endpoint(
        api_base,
        &["requests", id, "attachments"],
        &[("code", code)],
    );
    send("POST", &url, Body::Photo(photo), PHOTO_TIMEOUT_MS, progress).await
}

/// Status, decision, due times and history of a request.
pub async fn track(api_base: &str, id: &str, code: &str) -> Result<RequestView, ApiError> {
    if id.trim().is_empty() || code.trim().is_empty() {
        return Err(ApiError::Invalid);
    }
    let url = endpoint(api_base, &["requests", id.trim()], &[("code", code.trim())]);
    read(send("GET", &url, Body::Empty, JSON_TIMEOUT_MS, None).await)
}

/// Satisfaction feedback (1–5) once the request is closed; `Refused` with
/// `not_closed` before that, `feedback_exists` if a different one was given.
pub async fn send_feedback(
    api_base: &str,
    id: &str,
    code: &str,
    rating: u8,
    comment: &str,
) -> Result<FeedbackView, ApiError> {
    if !(1..=5).contains(&rating) {
        return Err(ApiError::Invalid);
    }
    let body = serde_json::to_string(&NewFeedback {
        rating: i64::from(rating),
        comment: comment.trim().to_owned(),
    })
    .map_err(|_| ApiError::Invalid)?;
    let url = endpoint(api_base, &["requests", id, "feedback"], &[("code", code)]);
    read(send("POST", &url, Body::Json(&body), JSON_TIMEOUT_MS, None).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_contract::FieldCode;
    use aftersales_rules::case::Order;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.into(),
            retry_after: None,
        }
    }

    #[test]
    fn error_bodies_become_problems() {
        let body = r#"{"error":{"code":"validation_failed","message":"请检查","fields":[{"field":"contact.phone","code":"invalid"}]}}"#;
        assert_eq!(
            Problem::from_reply(&reply(422, body)),
            Problem {
                status: 422,
                code: ErrorCode::ValidationFailed,
                message: "请检查".into(),
                fields: vec![FieldError::new("contact.phone", FieldCode::Invalid)],
            }
        );
        let proxy = Problem::from_reply(&reply(413, "<html>too big</html>"));
        assert_eq!(proxy.code, ErrorCode::Other("http_413".into()));
        assert!(proxy.fields.is_empty());
    }

    #[test]
    fn statuses_map_to_api_errors() {
        assert_eq!(ApiError::from_reply(&reply(404, "")), ApiError::NotFound);
        assert_eq!(
            ApiError::from_reply(&Reply {
                status: 429,
                body: String::new(),
                retry_after: Some(30)
            }),
            ApiError::RateLimited {
                retry_after: Some(30)
            }
        );
        assert_eq!(ApiError::from_reply(&reply(503, "")), ApiError::Network);
        assert!(matches!(
            ApiError::from_reply(&reply(409, r#"{"error":{"code":"not_closed"}}"#)),
            ApiError::Refused(Problem {
                code: ErrorCode::NotClosed,
                ..
            })
        ));
        assert_eq!(read::<Order>(Err(Unreachable)), Err(ApiError::Network));
        assert_eq!(
            read::<Order>(Ok(reply(200, "<html>"))),
            Err(ApiError::Invalid)
        );
    }

    #[test]
    fn an_order_reads_as_the_engine_order() {
        let body = r#"{"number":"DEMO-1001","ordered_at":"2026-11-21T09:30:00+08:00",
            "currency":"CNY","fulfilment":{"state":"pending"},
            "lines":[{"id":"1","sku":"SOFA","name":"沙发","kind":"regular","quantity":1,"unit_price":599900}]}"#;
        let order: Order = read(Ok(reply(200, body))).unwrap();
        assert_eq!(order.number, "DEMO-1001");
        assert_eq!(order.lines[0].unit_price, 599_900);
    }
}
