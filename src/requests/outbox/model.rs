//! The outbox's model: what is stored for each request, and the pure rules of
//! its life (what an answer means, when to try again), tested without a browser.

use aftersales_rules::case::Filing;
use aftersales_rules::{Decision, RequestType, Timestamp};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use web_sys::Blob;

use aftersales_contract::ErrorCode;

use crate::browser::http::{Reply, Unreachable};
use crate::browser::idb::IdbError;
use crate::requests::api::{FiledResponse, Problem, RequestStatus};
use crate::requests::contact::{self, ContactDraft, Invalid};

/// Backoff: the first retry within 2 s, growing to at most 5 minutes.
pub(super) const BASE_MS: f64 = 2_000.0;
pub(super) const CAP_MS: f64 = 300_000.0;

/// Where a request stands on this device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Stored on the device, waiting to be sent (or to be sent again).
    Saved,
    /// Being sent now (by this tab or another).
    Sending,
    /// The server has it and gave a tracking code; photos may still be going.
    Received,
    /// The server refused it (409/422…): the customer must fix or discard it.
    NeedsFix,
}

/// One photo of an entry. Stored entries hold only `Queued`, `Done` and
/// `Failed`; `Uploading` is added to views while bytes go out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", try_from = "PhotoFields")]
pub enum PhotoState {
    Queued,
    Uploading {
        sent: f64,
        total: f64,
    },
    Done,
    /// The server refused this photo for good (`unsupported_image`,
    /// `payload_too_large`, `request_closed`, …); it is not retried.
    Failed {
        code: String,
    },
}

/// Why the last attempt did not get through; it will be retried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "FailureFields")]
pub enum Failure {
    /// No answer: offline, timeout, connection lost.
    Unreachable,
    /// 5xx, 429 or another status worth retrying.
    Status { status: u16 },
    /// A 2xx answer that was not the API's (a captive portal's page).
    Unreadable,
}

/// The stored form of [`PhotoState`], as read. The tagged enums are read
/// through plain structs: serde's internally tagged reader buffers every value
/// in a second type first, which costs the WASM KBs.
#[derive(Deserialize)]
pub(super) struct PhotoFields {
    state: String,
    #[serde(default)]
    sent: Option<f64>,
    #[serde(default)]
    total: Option<f64>,
    #[serde(default)]
    code: Option<String>,
}

impl TryFrom<PhotoFields> for PhotoState {
    type Error = &'static str;

    fn try_from(f: PhotoFields) -> Result<Self, Self::Error> {
        Ok(match (f.state.as_str(), f.sent, f.total, f.code) {
            ("queued", ..) => PhotoState::Queued,
            ("uploading", Some(sent), Some(total), _) => PhotoState::Uploading { sent, total },
            ("done", ..) => PhotoState::Done,
            ("failed", _, _, Some(code)) => PhotoState::Failed { code },
            _ => return Err("not a photo state"),
        })
    }
}

/// The stored form of [`Failure`], as read.
#[derive(Deserialize)]
pub(super) struct FailureFields {
    kind: String,
    #[serde(default)]
    status: Option<u16>,
}

impl TryFrom<FailureFields> for Failure {
    type Error = &'static str;

    fn try_from(f: FailureFields) -> Result<Self, Self::Error> {
        Ok(match (f.kind.as_str(), f.status) {
            ("unreachable", _) => Failure::Unreachable,
            ("status", Some(status)) => Failure::Status { status },
            ("unreadable", _) => Failure::Unreadable,
            _ => return Err("not a failure"),
        })
    }
}

/// The request as the device stores it until the server confirmed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct Entry {
    pub(super) id: String,
    /// The exact JSON body: a retry must be the same request to the byte.
    pub(super) body: String,
    pub(super) request_type: RequestType,
    pub(super) order_number: String,
    pub(super) filed_at: String,
    /// `Date.now()` when saved; orders the outbox.
    pub(super) saved_at: f64,
    pub(super) state: OutboxState,
    #[serde(default)]
    pub(super) tracking_code: Option<String>,
    #[serde(default)]
    pub(super) status: Option<RequestStatus>,
    #[serde(default)]
    pub(super) problem: Option<Problem>,
    #[serde(default)]
    pub(super) last_failure: Option<Failure>,
    /// Failed attempts in a row of the current step (filing, or a photo).
    #[serde(default)]
    pub(super) attempts: u32,
    /// `Date.now()` before which no attempt is made; 0 = at once.
    #[serde(default)]
    pub(super) next_attempt_at: f64,
    #[serde(default)]
    pub(super) photos: Vec<PhotoState>,
}

/// The body of `POST /api/requests` as the outbox stores it: the contract's
/// wire type, so a retry sends exactly what the server reads.
pub type RequestBody = aftersales_contract::NewRequest;

/// What the customer filed, as the UI hands it to [`submit`].
#[derive(Clone, Debug)]
pub struct NewRequest {
    /// When the customer pressed submit, in the store's offset
    /// (`policy.time_zone.localize(now)`).
    pub filed_at: Timestamp,
    pub case: Filing,
    /// The decision the portal showed.
    pub decision: Decision,
    pub contact: ContactDraft,
    pub description: String,
    /// Already prepared with `photo::downscale`, at most 6.
    pub photos: Vec<Blob>,
}

/// Why [`submit`] stored nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubmitError {
    /// Fields to correct; nothing was stored.
    Invalid(Vec<Invalid>),
    /// The device store failed (no IndexedDB, out of space); nothing was stored.
    Storage(IdbError),
    /// [`resubmit`]: no entry with that id needs fixing.
    NotFound,
    /// Sent without a device store ([`send_directly`]): the server refused it.
    Refused(Problem),
    /// Sent without a device store: the server could not be reached; nothing
    /// was filed and the form still holds everything.
    Unsent,
}

/// An outbox entry for the UI.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxView {
    pub id: String,
    pub request_type: RequestType,
    pub order_number: String,
    pub filed_at: String,
    pub state: OutboxState,
    pub tracking_code: Option<String>,
    /// `NeedsFix`: what the server refused (code, fields, localised message).
    pub problem: Option<Problem>,
    /// While retrying: why the last attempt failed.
    pub last_failure: Option<Failure>,
    pub attempts: u32,
    /// `Date.now()` milliseconds of the next automatic attempt, if one waits.
    pub next_attempt_at: Option<f64>,
    pub photos: Vec<PhotoState>,
}

/// A request the server confirmed, kept for the tracking page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyRequest {
    pub id: String,
    pub tracking_code: String,
    pub request_type: RequestType,
    pub order_number: String,
    pub filed_at: String,
    /// The last status the server told us.
    pub status: RequestStatus,
    /// `Date.now()` when `status` was learned.
    pub checked_at: f64,
    /// Photos the server refused for good.
    #[serde(default)]
    pub photos_failed: u32,
}

/// Bytes of the photo being uploaded now by this tab.
#[derive(Clone, Debug, PartialEq)]
pub struct UploadProgress {
    pub id: String,
    /// Index of the photo in the entry.
    pub photo: usize,
    pub sent: f64,
    pub total: f64,
}

/// The body of `POST /api/requests`.
pub(super) fn request_body(
    id: &str,
    draft: &NewRequest,
    photos: usize,
) -> Result<String, Vec<Invalid>> {
    let checked = contact::check(&draft.contact, &draft.description, photos)?;
    let body = RequestBody {
        id: id.to_owned(),
        filed_at: draft.filed_at.to_string(),
        case: draft.case.clone(),
        contact: checked.contact,
        description: checked.description,
        client_decision: Some(draft.decision.clone().into()),
    };
    serde_json::to_string(&body).map_err(|_| Vec::new())
}

/// A new entry for `draft`, `photos` of them queued.
pub(super) fn new_entry(
    id: &str,
    draft: &NewRequest,
    photos: usize,
    now: f64,
) -> Result<Entry, Vec<Invalid>> {
    Ok(Entry {
        id: id.to_owned(),
        body: request_body(id, draft, photos)?,
        request_type: draft.case.request.kind,
        order_number: draft.case.order.number.clone(),
        filed_at: draft.filed_at.to_string(),
        saved_at: now,
        state: OutboxState::Saved,
        tracking_code: None,
        status: None,
        problem: None,
        last_failure: None,
        attempts: 0,
        next_attempt_at: 0.0,
        photos: vec![PhotoState::Queued; photos],
    })
}

/// Delay before retry number `attempts` (1 = first retry): full jitter,
/// `random × min(cap, base × 2^(attempts-1))`, but never before the server's
/// `Retry-After`. `random` is in [0, 1) (`Math.random()`).
pub fn backoff_ms(attempts: u32, random: f64, retry_after_secs: Option<u64>) -> f64 {
    let exponent = attempts.saturating_sub(1).min(30);
    let ceiling = (BASE_MS * f64::from(1u32 << exponent)).min(CAP_MS);
    let random = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        1.0
    };
    let server = retry_after_secs.map_or(0.0, |s| s as f64 * 1000.0);
    (ceiling * random).max(server)
}

/// What a filing's answer means for the entry.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum FilingStep {
    Accepted {
        tracking_code: String,
        status: RequestStatus,
    },
    NeedsFix(Problem),
    Retry {
        failure: Failure,
        retry_after: Option<u64>,
    },
}

pub(super) fn filing_step(reply: Result<&Reply, Unreachable>) -> FilingStep {
    let reply = match reply {
        Ok(reply) => reply,
        Err(Unreachable) => {
            return FilingStep::Retry {
                failure: Failure::Unreachable,
                retry_after: None,
            }
        }
    };
    match reply.status {
        200 | 201 => match serde_json::from_str::<FiledResponse>(&reply.body) {
            Ok(filed) if !filed.tracking_code.is_empty() => FilingStep::Accepted {
                tracking_code: filed.tracking_code,
                status: filed.status,
            },
            _ => FilingStep::Retry {
                failure: Failure::Unreadable,
                retry_after: None,
            },
        },
        // The server refused this body: sending it again cannot help.
        400 | 409 | 413 | 415 | 422 => FilingStep::NeedsFix(Problem::from_reply(reply)),
        status => FilingStep::Retry {
            failure: Failure::Status { status },
            retry_after: reply.retry_after,
        },
    }
}

/// What a photo upload's answer means.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum PhotoStep {
    Done,
    Failed(String),
    Retry {
        failure: Failure,
        retry_after: Option<u64>,
    },
}

pub(super) fn photo_step(reply: Result<&Reply, Unreachable>) -> PhotoStep {
    let reply = match reply {
        Ok(reply) => reply,
        Err(Unreachable) => {
            return PhotoStep::Retry {
                failure: Failure::Unreachable,
                retry_after: None,
            }
        }
    };
    match reply.status {
        200 | 201 => PhotoStep::Done,
        400 | 404 | 409 | 413 | 415 | 422 => {
            let problem = Problem::from_reply(reply);
            // A retry after a lost answer can meet the 6-photo cap with its own
            // first copy counted: that photo is there.
            if problem.code == ErrorCode::TooManyAttachments {
                PhotoStep::Done
            } else {
                PhotoStep::Failed(problem.code.to_string())
            }
        }
        status => PhotoStep::Retry {
            failure: Failure::Status { status },
            retry_after: reply.retry_after,
        },
    }
}

/// Whether [`sync_now`] may skip the backoff: only after "no answer" (the
/// customer says the network is back), never against a server's wish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Urgency {
    Due,
    Now,
}

impl Entry {
    pub(super) fn photos_pending(&self) -> bool {
        self.photos
            .iter()
            .any(|p| matches!(p, PhotoState::Queued | PhotoState::Uploading { .. }))
    }

    /// Something to send, now or later.
    pub(super) fn has_work(&self) -> bool {
        match self.state {
            OutboxState::Saved | OutboxState::Sending => true,
            OutboxState::Received => self.photos_pending(),
            OutboxState::NeedsFix => false,
        }
    }

    pub(super) fn ready(&self, now: f64, urgency: Urgency) -> bool {
        self.has_work()
            && (self.next_attempt_at <= now
                || (urgency == Urgency::Now && self.last_failure == Some(Failure::Unreachable)))
    }

    /// Confirmed and every photo answered: the outbox can let go.
    pub(super) fn finished(&self) -> bool {
        self.state == OutboxState::Received && !self.photos_pending()
    }

    pub(super) fn retry_later(
        &mut self,
        failure: Failure,
        retry_after: Option<u64>,
        now: f64,
        random: f64,
    ) {
        self.attempts = self.attempts.saturating_add(1);
        self.next_attempt_at = now + backoff_ms(self.attempts, random, retry_after);
        self.last_failure = Some(failure);
    }

    pub(super) fn succeeded(&mut self) {
        self.attempts = 0;
        self.next_attempt_at = 0.0;
        self.last_failure = None;
    }

    pub(super) fn apply_filing(&mut self, step: FilingStep, now: f64, random: f64) {
        match step {
            FilingStep::Accepted {
                tracking_code,
                status,
            } => {
                self.state = OutboxState::Received;
                self.tracking_code = Some(tracking_code);
                self.status = Some(status);
                self.problem = None;
                self.succeeded();
            }
            FilingStep::NeedsFix(problem) => {
                self.state = OutboxState::NeedsFix;
                self.problem = Some(problem);
                self.succeeded();
            }
            FilingStep::Retry {
                failure,
                retry_after,
            } => {
                self.state = OutboxState::Saved;
                self.retry_later(failure, retry_after, now, random);
            }
        }
    }

    pub(super) fn apply_photo(&mut self, index: usize, step: PhotoStep, now: f64, random: f64) {
        let Some(photo) = self.photos.get_mut(index) else {
            return;
        };
        match step {
            PhotoStep::Done => {
                *photo = PhotoState::Done;
                self.succeeded();
            }
            PhotoStep::Failed(code) => {
                *photo = PhotoState::Failed { code };
                self.succeeded();
            }
            PhotoStep::Retry {
                failure,
                retry_after,
            } => self.retry_later(failure, retry_after, now, random),
        }
    }

    pub(super) fn mine(&self, now: f64) -> Option<MyRequest> {
        Some(MyRequest {
            id: self.id.clone(),
            tracking_code: self.tracking_code.clone()?,
            request_type: self.request_type,
            order_number: self.order_number.clone(),
            filed_at: self.filed_at.clone(),
            status: self.status.unwrap_or(RequestStatus::Received),
            checked_at: now,
            photos_failed: self
                .photos
                .iter()
                .filter(|p| matches!(p, PhotoState::Failed { .. }))
                .count() as u32,
        })
    }

    pub(super) fn view(&self, upload: Option<&UploadProgress>) -> OutboxView {
        let mut photos = self.photos.clone();
        if let Some(u) = upload.filter(|u| u.id == self.id) {
            if let Some(p @ PhotoState::Queued) = photos.get_mut(u.photo) {
                *p = PhotoState::Uploading {
                    sent: u.sent,
                    total: u.total,
                };
            }
        }
        OutboxView {
            id: self.id.clone(),
            request_type: self.request_type,
            order_number: self.order_number.clone(),
            filed_at: self.filed_at.clone(),
            state: self.state,
            tracking_code: self.tracking_code.clone(),
            problem: self.problem.clone(),
            last_failure: self.last_failure.clone(),
            attempts: self.attempts,
            next_attempt_at: (self.has_work() && self.next_attempt_at > 0.0)
                .then_some(self.next_attempt_at),
            photos,
        }
    }
}

pub(super) fn photo_key(id: &str, index: usize) -> String {
    format!("{id}/{index}")
}

pub(super) fn to_json<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(value: JsValue) -> Option<T> {
    serde_json::from_str(&value.as_string()?).ok()
}

#[cfg(test)]
mod tests {
    use aftersales_rules::{check, Policy};

    use super::*;
    use crate::requests::contact::{Field, Problem as FieldProblem};

    fn draft() -> NewRequest {
        let filed_at = Timestamp::parse("2026-11-22T10:00:00+08:00").unwrap();
        let case: Filing = serde_json::from_str(
            r#"{"order": {"number": "DEMO-1003", "ordered_at": "2026-11-15T09:30:00+08:00",
                 "fulfilment": {"state": "delivered", "at": "2026-11-19T15:00:00+08:00"},
                 "lines": [{"id": "1", "kind": "regular", "quantity": 1, "unit_price": 259900}]},
                "request": {"type": "return"}, "facts": {"packaging_unopened": true}}"#,
        )
        .unwrap();
        let policy = Policy::from_json(aftersales_rules::policy::DEFAULT_POLICY_JSON).unwrap();
        let decision = check(&policy, &case.at(filed_at)).unwrap();
        NewRequest {
            filed_at,
            case,
            decision,
            contact: ContactDraft {
                name: " 王女士 ".into(),
                phone: "+86 138 0013 8000".into(),
                preferred_time: "weekday evenings".into(),
            },
            description: "Wrong colour.".into(),
            photos: Vec::new(),
        }
    }

    const ID: &str = "0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11";

    fn entry(photos: usize) -> Entry {
        new_entry(ID, &draft(), photos, 1_000.0).unwrap()
    }

    fn reply(status: u16, body: &str, retry_after: Option<u64>) -> Reply {
        Reply {
            status,
            body: body.into(),
            retry_after,
        }
    }

    const FILED: &str = r#"{"id":"0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11","tracking_code":"AB2CD3EF",
        "status":"received","decision":{},"due":[{"what":"first_contact","at":"2026-11-22T12:00:00+08:00"}],
        "policy_version":"x"}"#;

    #[test]
    fn the_body_is_exactly_the_api_shape() {
        let body: serde_json::Value = serde_json::from_str(&entry(0).body).unwrap();
        let keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "case",
                "client_decision",
                "contact",
                "description",
                "filed_at",
                "id"
            ]
        );
        assert_eq!(body["id"], ID);
        assert_eq!(body["filed_at"], "2026-11-22T10:00:00+08:00");
        assert_eq!(
            body["contact"],
            serde_json::json!({"name": "王女士", "phone": "13800138000", "preferred_time": "weekday evenings"})
        );
        assert_eq!(body["case"]["request"]["type"], "return");
        assert_eq!(body["client_decision"]["outcome"], "allowed");
        let back: RequestBody = serde_json::from_value(body).unwrap();
        assert_eq!(back.case, draft().case);
        assert_eq!(back.client_decision, Some(draft().decision.into()));
    }

    #[test]
    fn a_new_entry_is_saved_with_its_photos_queued() {
        let e = entry(3);
        assert_eq!(e.state, OutboxState::Saved);
        assert_eq!(e.request_type, RequestType::Return);
        assert_eq!(e.order_number, "DEMO-1003");
        assert_eq!(e.photos, vec![PhotoState::Queued; 3]);
        assert!(e.ready(1_000.0, Urgency::Due));
        let stored: Entry = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(stored, e);
    }

    #[test]
    fn photo_states_and_failures_keep_their_stored_json() {
        let photos = [
            (r#"{"state":"queued"}"#, PhotoState::Queued),
            (
                r#"{"state":"uploading","sent":5.0,"total":10.0}"#,
                PhotoState::Uploading {
                    sent: 5.0,
                    total: 10.0,
                },
            ),
            (r#"{"state":"done"}"#, PhotoState::Done),
            (
                r#"{"state":"failed","code":"unsupported_image"}"#,
                PhotoState::Failed {
                    code: "unsupported_image".into(),
                },
            ),
        ];
        for (json, state) in photos {
            assert_eq!(serde_json::to_string(&state).unwrap(), json);
            assert_eq!(serde_json::from_str::<PhotoState>(json).unwrap(), state);
        }
        let failures = [
            (r#"{"kind":"unreachable"}"#, Failure::Unreachable),
            (
                r#"{"kind":"status","status":503}"#,
                Failure::Status { status: 503 },
            ),
            (r#"{"kind":"unreadable"}"#, Failure::Unreadable),
        ];
        for (json, failure) in failures {
            assert_eq!(serde_json::to_string(&failure).unwrap(), json);
            assert_eq!(serde_json::from_str::<Failure>(json).unwrap(), failure);
        }
        for bad in [
            r#"{"state":"failed"}"#,
            r#"{"state":"lost"}"#,
            r#"{"kind":"x"}"#,
        ] {
            assert!(serde_json::from_str::<PhotoState>(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<Failure>(r#"{"kind":"status"}"#).is_err());
    }

    #[test]
    fn invalid_contacts_store_nothing() {
        let mut d = draft();
        d.contact.phone = "12345".into();
        assert_eq!(
            new_entry(ID, &d, 0, 0.0).unwrap_err(),
            vec![Invalid {
                field: Field::Phone,
                problem: FieldProblem::Invalid
            }]
        );
        assert_eq!(
            new_entry(ID, &draft(), 7, 0.0).unwrap_err(),
            vec![Invalid {
                field: Field::Photos,
                problem: FieldProblem::TooMany
            }]
        );
    }

    #[test]
    fn backoff_grows_with_full_jitter_up_to_the_cap() {
        assert_eq!(backoff_ms(1, 1.0, None), 2_000.0);
        assert_eq!(backoff_ms(2, 1.0, None), 4_000.0);
        assert_eq!(backoff_ms(3, 0.5, None), 4_000.0);
        assert_eq!(backoff_ms(8, 1.0, None), 256_000.0);
        assert_eq!(backoff_ms(9, 1.0, None), CAP_MS);
        assert_eq!(backoff_ms(u32::MAX, 0.999, None), CAP_MS * 0.999);
        assert_eq!(backoff_ms(5, 0.0, None), 0.0);
        assert_eq!(backoff_ms(1, f64::NAN, None), 2_000.0);
        assert_eq!(backoff_ms(1, 7.0, None), 2_000.0);
    }

    #[test]
    fn retry_after_is_a_floor() {
        assert_eq!(backoff_ms(1, 0.1, Some(30)), 30_000.0);
        assert_eq!(backoff_ms(9, 1.0, Some(30)), CAP_MS);
    }

    #[test]
    fn a_created_or_replayed_filing_is_received() {
        for status in [201, 200] {
            let mut e = entry(0);
            e.state = OutboxState::Sending;
            e.attempts = 3;
            e.apply_filing(filing_step(Ok(&reply(status, FILED, None))), 5_000.0, 0.5);
            assert_eq!(e.state, OutboxState::Received);
            assert_eq!(e.tracking_code.as_deref(), Some("AB2CD3EF"));
            assert_eq!(e.status, Some(RequestStatus::Received));
            assert_eq!(e.attempts, 0);
            assert!(e.finished(), "no photos: done");
            let mine = e.mine(7.0).unwrap();
            assert_eq!(mine.checked_at, 7.0);
            assert_eq!(mine.tracking_code, "AB2CD3EF");
            assert_eq!(mine.order_number, "DEMO-1003");
            assert_eq!(mine.filed_at, "2026-11-22T10:00:00+08:00");
        }
    }

    #[test]
    fn refusals_need_a_fix_and_keep_the_server_fields() {
        let body = r#"{"error":{"code":"validation_failed","message":"m",
            "fields":[{"field":"contact.phone","code":"invalid"}]}}"#;
        for status in [422, 409, 400, 413, 415] {
            let mut e = entry(1);
            e.apply_filing(filing_step(Ok(&reply(status, body, None))), 0.0, 0.5);
            assert_eq!(e.state, OutboxState::NeedsFix, "{status}");
            let problem = e.problem.clone().unwrap();
            assert_eq!(problem.status, status);
            assert_eq!(problem.code, ErrorCode::ValidationFailed);
            assert_eq!(problem.fields[0].field, "contact.phone");
            assert!(!e.has_work(), "never resent, never dropped");
            assert!(!e.finished());
        }
    }

    #[test]
    fn network_errors_5xx_and_429_retry_later() {
        let mut e = entry(0);
        e.state = OutboxState::Sending;
        e.apply_filing(filing_step(Err(Unreachable)), 10_000.0, 1.0);
        assert_eq!(e.state, OutboxState::Saved);
        assert_eq!(e.attempts, 1);
        assert_eq!(e.next_attempt_at, 12_000.0);
        assert_eq!(e.last_failure, Some(Failure::Unreachable));
        assert!(!e.ready(11_000.0, Urgency::Due));
        assert!(e.ready(11_000.0, Urgency::Now), "the network is back: go");
        assert!(e.ready(12_000.0, Urgency::Due));

        e.apply_filing(filing_step(Ok(&reply(503, "", Some(5)))), 20_000.0, 0.0);
        assert_eq!(e.attempts, 2);
        assert_eq!(e.next_attempt_at, 25_000.0);
        assert_eq!(e.last_failure, Some(Failure::Status { status: 503 }));
        assert!(!e.ready(21_000.0, Urgency::Now), "the server asked to wait");

        e.apply_filing(filing_step(Ok(&reply(429, "", Some(60)))), 30_000.0, 1.0);
        assert_eq!(e.next_attempt_at, 90_000.0);

        // A captive portal's 200 page is not a confirmation.
        e.apply_filing(filing_step(Ok(&reply(200, "<html>", None))), 0.0, 1.0);
        assert_eq!(e.state, OutboxState::Saved);
        assert_eq!(e.last_failure, Some(Failure::Unreadable));
    }

    #[test]
    fn photos_are_answered_one_by_one() {
        let mut e = entry(4);
        e.apply_filing(filing_step(Ok(&reply(201, FILED, None))), 0.0, 0.5);
        assert!(e.has_work() && !e.finished());

        e.apply_photo(0, photo_step(Ok(&reply(201, "{}", None))), 0.0, 0.5);
        e.apply_photo(1, photo_step(Err(Unreachable)), 1_000.0, 1.0);
        assert_eq!(e.photos[1], PhotoState::Queued);
        assert_eq!(e.attempts, 1);
        assert_eq!(e.next_attempt_at, 3_000.0);

        // The retry meets the cap because its lost first try was stored: done.
        let full = r#"{"error":{"code":"too_many_attachments","message":"","fields":[]}}"#;
        e.apply_photo(1, photo_step(Ok(&reply(409, full, None))), 4_000.0, 0.5);
        assert_eq!(e.photos[1], PhotoState::Done);
        assert_eq!(e.attempts, 0);

        let bad = r#"{"error":{"code":"unsupported_image","message":"","fields":[]}}"#;
        e.apply_photo(2, photo_step(Ok(&reply(415, bad, None))), 0.0, 0.5);
        assert_eq!(
            e.photos[2],
            PhotoState::Failed {
                code: "unsupported_image".into()
            }
        );
        assert!(!e.finished());
        e.apply_photo(3, photo_step(Ok(&reply(200, "{}", None))), 0.0, 0.5);
        assert!(e.finished());
        assert_eq!(e.mine(0.0).unwrap().photos_failed, 1);
        e.apply_photo(9, PhotoStep::Done, 0.0, 0.5);
    }

    #[test]
    fn views_show_the_upload_in_progress() {
        let mut e = entry(2);
        e.apply_filing(filing_step(Ok(&reply(201, FILED, None))), 0.0, 0.5);
        let progress = UploadProgress {
            id: ID.into(),
            photo: 0,
            sent: 512.0,
            total: 2048.0,
        };
        let view = e.view(Some(&progress));
        assert_eq!(
            view.photos[0],
            PhotoState::Uploading {
                sent: 512.0,
                total: 2048.0
            }
        );
        assert_eq!(view.photos[1], PhotoState::Queued);
        assert_eq!(view.tracking_code.as_deref(), Some("AB2CD3EF"));
        assert_eq!(view.next_attempt_at, None);
        let other = UploadProgress {
            id: "other".into(),
            ..progress
        };
        assert_eq!(e.view(Some(&other)).photos[0], PhotoState::Queued);
    }
}
