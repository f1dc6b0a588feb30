//! The bodies of the customer API: filing (`POST /api/requests`), tracking
//! (`GET /api/requests/{id}`), feedback (`POST /api/requests/{id}/feedback`) and
//! the order look-up (`GET /api/orders/{number}`, answered with the engine's
//! [`Order`](aftersales_rules::case::Order)).
//!
//! Bodies the server accepts refuse unknown fields. Answers read leniently:
//! fields this build may not understand are [`Lenient`] or have defaults, and an
//! unknown status is [`RequestStatus::Unknown`], so an older portal keeps
//! working against a newer server.

use aftersales_rules::case::Filing;
use aftersales_rules::{Decision, RequestType, Timestamp};
use serde::{Deserialize, Serialize};

use crate::lenient::Lenient;
use crate::status::RequestStatus;

/// `POST /api/requests`: a request as filed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// Client-generated UUID; the idempotency key.
    pub id: String,
    /// When the customer pressed "submit" (RFC 3339), possibly offline.
    pub filed_at: String,
    /// The case: order, request, facts, documents (the engine's case without `now`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub case: Filing,
    pub contact: Contact,
    #[serde(default)]
    pub description: String,
    /// The decision the portal showed the customer. Read leniently: one this
    /// build cannot read (another portal version's) is kept and flagged, never a
    /// reason to refuse the customer's request.
    #[serde(
        default,
        deserialize_with = "crate::lenient::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub client_decision: Option<Lenient<Decision>>,
}

/// How to reach the customer: `phone` is checked with `Phone::parse`, `name`
/// with `fields::check_name`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub preferred_time: String,
}

/// The event service levels count from unless they say otherwise.
pub const AFTER_REQUEST: &str = "request";

fn after_request() -> String {
    AFTER_REQUEST.to_owned()
}

fn is_after_request(after: &str) -> bool {
    after == AFTER_REQUEST
}

/// A service-level promise turned into an instant; `at` is null until the
/// event it counts from (`after`: `item_returned`, `resolved`) is recorded by
/// staff. `after` is left out when it is `request`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Due {
    pub what: String,
    #[serde(default, deserialize_with = "crate::lenient::optional")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub at: Option<Lenient<Timestamp>>,
    #[serde(default = "after_request", skip_serializing_if = "is_after_request")]
    pub after: String,
}

/// The answer to a filing: `201`, or `200` for the same request again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FiledResponse {
    pub id: String,
    pub tracking_code: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: RequestStatus,
    /// The server's decision (the one stored).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub decision: Lenient<Decision>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub due: Vec<Due>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub policy_version: String,
}

/// One change of status, oldest first; staff notes appear here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: RequestStatus,
    /// The decision's step (while `in_progress`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub at: Lenient<Timestamp>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Satisfaction feedback as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackView {
    pub rating: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub comment: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub at: Lenient<Timestamp>,
}

/// What the customer sees with the tracking code (`GET /api/requests/{id}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestView {
    pub id: String,
    #[serde(rename = "type", default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub request_type: Lenient<RequestType>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub order_number: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: RequestStatus,
    /// The decision's step the request is at (while `in_progress`).
    #[serde(default)]
    pub step: Option<String>,
    /// As the portal sent it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub filed_at: String,
    /// The server's decision.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub decision: Lenient<Decision>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub due: Vec<Due>,
    /// Oldest first.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub history: Vec<HistoryEntry>,
    /// Photos the server holds.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub attachments: i64,
    #[serde(default)]
    pub feedback: Option<FeedbackView>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub policy_version: String,
}

/// `POST /api/requests/{id}/feedback`, once the request is closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewFeedback {
    /// 1 (poor) to 5 (excellent).
    #[serde(deserialize_with = "aftersales_rules::case::whole_number")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub rating: i64,
    #[serde(default)]
    pub comment: String,
}

/// `?code=` of the customer's calls on one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CodeQuery {
    /// The tracking code given when the request was filed.
    pub code: String,
}

/// `?phone=` of the order look-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct LookupQuery {
    /// The phone number the order was placed with (spaces, dashes and +86 are ignored).
    pub phone: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tracking_reads_the_server_view_and_tolerates_the_unknown() {
        let body = r#"{
            "id": "0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11", "type": "return",
            "order_number": "DEMO-1003", "status": "in_progress", "step": "pickup",
            "filed_at": "2026-11-22T10:00:00+08:00",
            "decision": {"outcome": "something_new"},
            "due": [{"what": "first_contact", "at": "2026-11-22T12:00:00+08:00"},
                    {"what": "refund", "at": null, "after": "item_returned"}],
            "history": [{"status": "received", "at": "2026-11-22T10:00:01+08:00", "note": null},
                        {"status": "escalated", "at": "2026-11-22T11:00:00+08:00", "note": "call"}],
            "attachments": 2, "feedback": null, "policy_version": "abc"
        }"#;
        let t: RequestView = serde_json::from_str(body).unwrap();
        assert_eq!(t.request_type.known(), Some(&RequestType::Return));
        assert_eq!(t.status, RequestStatus::InProgress);
        assert_eq!(t.decision.known(), None);
        assert_eq!(t.due.len(), 2);
        assert_eq!(t.due[0].after, AFTER_REQUEST);
        assert!(t.due[0].at.as_ref().and_then(Lenient::known).is_some());
        assert_eq!(t.due[1].at, None);
        assert_eq!(t.due[1].after, "item_returned");
        assert_eq!(t.history[1].status, RequestStatus::Unknown);
        assert_eq!(t.history[1].note.as_deref(), Some("call"));
        assert_eq!(t.attachments, 2);

        let minimal: RequestView =
            serde_json::from_str(r#"{"id": "x", "status": "closed"}"#).unwrap();
        assert_eq!(minimal.status, RequestStatus::Closed);
        assert!(minimal.history.is_empty() && minimal.feedback.is_none());
    }

    #[test]
    fn answers_serialise_as_the_server_sends_them() {
        let due = vec![
            Due {
                what: "first_contact".into(),
                at: Some(Lenient::Other(json!("2026-11-22T12:00:00+08:00"))),
                after: AFTER_REQUEST.into(),
            },
            Due {
                what: "refund".into(),
                at: None,
                after: "item_returned".into(),
            },
        ];
        assert_eq!(
            serde_json::to_value(&due).unwrap(),
            json!([{"what": "first_contact", "at": "2026-11-22T12:00:00+08:00"},
                   {"what": "refund", "at": null, "after": "item_returned"}])
        );
        let history = HistoryEntry {
            status: RequestStatus::Received,
            step: None,
            at: Lenient::Known(Timestamp::parse("2026-11-22T10:00:01+08:00").unwrap()),
            note: None,
        };
        assert_eq!(
            serde_json::to_value(&history).unwrap(),
            json!({"status": "received", "at": "2026-11-22T10:00:01+08:00", "note": null})
        );
        let filed = FiledResponse {
            id: "x".into(),
            tracking_code: "AB23CD45".into(),
            status: RequestStatus::Received,
            decision: Lenient::Other(json!({"outcome": "allowed"})),
            due: Vec::new(),
            policy_version: "v".into(),
        };
        assert_eq!(
            serde_json::to_value(&filed).unwrap(),
            json!({"id": "x", "tracking_code": "AB23CD45", "status": "received",
                   "decision": {"outcome": "allowed"}, "due": [], "policy_version": "v"})
        );
    }

    #[test]
    fn bodies_the_server_accepts_refuse_unknown_fields() {
        let contact: Contact =
            serde_json::from_str(r#"{"name": "王女士", "phone": "13800138000"}"#).unwrap();
        assert_eq!(contact.preferred_time, "");
        assert!(serde_json::from_str::<Contact>(
            r#"{"name": "a", "phone": "1", "email": "a@b.c"}"#
        )
        .is_err());
        let feedback: NewFeedback = serde_json::from_str(r#"{"rating": 5}"#).unwrap();
        assert_eq!(feedback.comment, "");
        assert!(serde_json::from_str::<NewFeedback>(r#"{"rating": 5, "x": 1}"#).is_err());
    }
}
