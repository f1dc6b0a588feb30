//! The outbox (issue 5): filing a request works offline. [`submit`] writes the
//! request and its photos to IndexedDB first, then a sync pass sends them:
//!
//! ```text
//! saved ──▶ sending ──▶ received (tracking code) ──▶ photos, one by one ──▶ gone from the outbox
//!   ▲          │  └──▶ needs_fix (409/422/400/413/415: the server's code and fields)
//!   └──────────┘ network error, 5xx, 429: backoff with full jitter, Retry-After honoured
//! ```
//!
//! A request leaves the outbox only after the server confirmed it and every
//! photo was answered; "my requests" (IndexedDB too) keeps what the tracking
//! page needs. Attempts and their schedule are stored, so a reload or the next
//! visit carries on where this one stopped.
//!
//! The UI: [`submit`], [`entries`], [`my_requests`], [`start_sync_service`]
//! once at start-up, and `tabs::subscribe` (or `tabs::version`) to know when
//! to re-read.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use aftersales_rules::case::Filing;
use aftersales_rules::{Decision, RequestType, Timestamp};
use js_sys::{Function, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

use crate::api::{self, ApiError, Filed, Problem, Reply, RequestStatus, Tracking, Unreachable};
use crate::contact::{self, Contact, ContactDraft, Invalid};
use crate::idb::{self, IdbError, Op, MINE, OUTBOX, PHOTOS};
use crate::tabs::{self, Turn};

/// Backoff: the first retry within 2 s, growing to at most 5 minutes.
const BASE_MS: f64 = 2_000.0;
const CAP_MS: f64 = 300_000.0;
/// A pass starts no new work after this long, so it never holds the outbox
/// for ever; the next pass continues.
const MAX_PASS_MS: f64 = 5.0 * 60.0 * 1000.0;
/// Another tab was sending: look again after this long.
const BUSY_RETRY_MS: f64 = 5_000.0;

// ------------------------------------------------------------------ model

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
#[serde(tag = "state", rename_all = "snake_case")]
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
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// No answer: offline, timeout, connection lost.
    Unreachable,
    /// 5xx, 429 or another status worth retrying.
    Status { status: u16 },
    /// A 2xx answer that was not the API's (a captive portal's page).
    Unreadable,
}

/// The request as the device stores it until the server confirmed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Entry {
    id: String,
    /// The exact JSON body: a retry must be the same request to the byte.
    body: String,
    request_type: RequestType,
    order_number: String,
    filed_at: String,
    /// `Date.now()` when saved; orders the outbox.
    saved_at: f64,
    state: OutboxState,
    #[serde(default)]
    tracking_code: Option<String>,
    #[serde(default)]
    status: Option<RequestStatus>,
    #[serde(default)]
    problem: Option<Problem>,
    #[serde(default)]
    last_failure: Option<Failure>,
    /// Failed attempts in a row of the current step (filing, or a photo).
    #[serde(default)]
    attempts: u32,
    /// `Date.now()` before which no attempt is made; 0 = at once.
    #[serde(default)]
    next_attempt_at: f64,
    #[serde(default)]
    photos: Vec<PhotoState>,
}

/// The body of `POST /api/requests`, exactly API.md's shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestBody {
    pub id: String,
    pub filed_at: String,
    pub case: Filing,
    pub contact: Contact,
    pub description: String,
    pub client_decision: Decision,
}

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

// ------------------------------------------------------------------ pure logic

/// The body of `POST /api/requests`.
fn request_body(id: &str, draft: &NewRequest, photos: usize) -> Result<String, Vec<Invalid>> {
    let checked = contact::check(&draft.contact, &draft.description, photos)?;
    let body = RequestBody {
        id: id.to_owned(),
        filed_at: draft.filed_at.to_string(),
        case: draft.case.clone(),
        contact: checked.contact,
        description: checked.description,
        client_decision: draft.decision.clone(),
    };
    serde_json::to_string(&body).map_err(|_| Vec::new())
}

/// A new entry for `draft`, `photos` of them queued.
fn new_entry(id: &str, draft: &NewRequest, photos: usize, now: f64) -> Result<Entry, Vec<Invalid>> {
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
enum FilingStep {
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

fn filing_step(reply: Result<&Reply, Unreachable>) -> FilingStep {
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
        200 | 201 => match serde_json::from_str::<Filed>(&reply.body) {
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
enum PhotoStep {
    Done,
    Failed(String),
    Retry {
        failure: Failure,
        retry_after: Option<u64>,
    },
}

fn photo_step(reply: Result<&Reply, Unreachable>) -> PhotoStep {
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
            if problem.code == "too_many_attachments" {
                PhotoStep::Done
            } else {
                PhotoStep::Failed(problem.code)
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
enum Urgency {
    Due,
    Now,
}

impl Entry {
    fn photos_pending(&self) -> bool {
        self.photos
            .iter()
            .any(|p| matches!(p, PhotoState::Queued | PhotoState::Uploading { .. }))
    }

    /// Something to send, now or later.
    fn has_work(&self) -> bool {
        match self.state {
            OutboxState::Saved | OutboxState::Sending => true,
            OutboxState::Received => self.photos_pending(),
            OutboxState::NeedsFix => false,
        }
    }

    fn ready(&self, now: f64, urgency: Urgency) -> bool {
        self.has_work()
            && (self.next_attempt_at <= now
                || (urgency == Urgency::Now && self.last_failure == Some(Failure::Unreachable)))
    }

    /// Confirmed and every photo answered: the outbox can let go.
    fn finished(&self) -> bool {
        self.state == OutboxState::Received && !self.photos_pending()
    }

    fn retry_later(&mut self, failure: Failure, retry_after: Option<u64>, now: f64, random: f64) {
        self.attempts = self.attempts.saturating_add(1);
        self.next_attempt_at = now + backoff_ms(self.attempts, random, retry_after);
        self.last_failure = Some(failure);
    }

    fn succeeded(&mut self) {
        self.attempts = 0;
        self.next_attempt_at = 0.0;
        self.last_failure = None;
    }

    fn apply_filing(&mut self, step: FilingStep, now: f64, random: f64) {
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

    fn apply_photo(&mut self, index: usize, step: PhotoStep, now: f64, random: f64) {
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

    fn mine(&self, now: f64) -> Option<MyRequest> {
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

    fn view(&self, upload: Option<&UploadProgress>) -> OutboxView {
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

/// A version 4 UUID from 16 random bytes.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn photo_key(id: &str, index: usize) -> String {
    format!("{id}/{index}")
}

fn to_json<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

fn from_json<T: serde::de::DeserializeOwned>(value: JsValue) -> Option<T> {
    serde_json::from_str(&value.as_string()?).ok()
}

// ------------------------------------------------------------------ browser: ids and clock

/// A new request id. `crypto.randomUUID` exists only in secure contexts (a
/// kiosk on plain http has none); `getRandomValues` works everywhere.
pub fn new_uuid() -> String {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .filter(JsValue::is_object);
    if let Some(crypto) = &crypto {
        let made = Reflect::get(crypto, &"randomUUID".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .and_then(|f| f.call0(crypto).ok())
            .and_then(|v| v.as_string());
        if let Some(id) = made {
            return id.to_ascii_lowercase();
        }
    }
    let mut bytes = [0u8; 16];
    let filled = crypto.and_then(|crypto| {
        let array = Uint8Array::new_with_length(16);
        let fill: Function = Reflect::get(&crypto, &"getRandomValues".into())
            .ok()?
            .dyn_into()
            .ok()?;
        fill.call1(&crypto, &array).ok()?;
        array.copy_to(&mut bytes);
        Some(())
    });
    if filled.is_none() {
        // Unique enough for an idempotency key; nothing secret depends on it.
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid_v4(bytes)
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

// ------------------------------------------------------------------ browser: store

async fn load_entries() -> Vec<Entry> {
    let mut entries: Vec<Entry> = idb::get_all_json(OUTBOX)
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect();
    entries.sort_by(|a, b| a.saved_at.total_cmp(&b.saved_at));
    entries
}

/// Changes the stored entry `id` with `change`, atomically; keeps "my
/// requests" and the photo blobs in step. `None` if the entry is gone
/// (discarded in another tab): the caller stops.
async fn modify(
    id: &str,
    change: impl FnOnce(&mut Entry) + 'static,
) -> Result<Option<Entry>, IdbError> {
    let key = id.to_owned();
    let now = now_ms();
    let result = idb::update(&[OUTBOX, PHOTOS, MINE], OUTBOX, id, move |current| {
        let Some(mut entry) = current.and_then(from_json::<Entry>) else {
            return (Vec::new(), None);
        };
        let was_received = entry.state == OutboxState::Received;
        change(&mut entry);
        let mut ops = Vec::new();
        // Answered photos are not needed on the device any more.
        for (index, photo) in entry.photos.iter().enumerate() {
            if matches!(photo, PhotoState::Done | PhotoState::Failed { .. }) {
                ops.push(Op::delete(PHOTOS, &photo_key(&key, index)));
            }
        }
        let accepted = !was_received && entry.state == OutboxState::Received;
        let failed_photos = entry
            .photos
            .iter()
            .any(|p| matches!(p, PhotoState::Failed { .. }));
        if accepted || (entry.finished() && failed_photos) {
            if let Some(json) = entry.mine(now).as_ref().and_then(to_json) {
                ops.push(Op::put_json(MINE, &key, json));
            }
        }
        if entry.finished() {
            ops.push(Op::delete(OUTBOX, &key));
        } else if let Some(json) = to_json(&entry) {
            ops.push(Op::put_json(OUTBOX, &key, json));
        }
        (ops, Some(entry))
    })
    .await;
    tabs::stored();
    refresh_pending_flag().await;
    result
}

/// The `localStorage` key (`aftersales:outbox-pending`) that says requests wait
/// on this device: the number of entries still to send or to fix. The self-check
/// reads it (no IndexedDB, no outbox code) to offer a way back here, where the
/// sync service sends them.
pub const PENDING_FLAG: &str = "aftersales:outbox-pending";

/// Sets or clears [`PENDING_FLAG`] from the stored outbox (a finished entry is
/// deleted in the same transaction that finishes it: every stored one counts).
async fn refresh_pending_flag() {
    let Ok(pending) = idb::count(OUTBOX).await else {
        return;
    };
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let _ = if pending == 0 {
        storage.remove_item(PENDING_FLAG)
    } else {
        storage.set_item(PENDING_FLAG, &pending.to_string())
    };
}

// ------------------------------------------------------------------ browser: UI API

/// Checks `draft`, stores it with its photos on the device (one transaction),
/// starts sending and returns the new request id. From here on the request
/// is never lost: it is in [`entries`] until the server confirmed it.
pub async fn submit(draft: NewRequest) -> Result<String, SubmitError> {
    let id = new_uuid();
    let entry =
        new_entry(&id, &draft, draft.photos.len(), now_ms()).map_err(SubmitError::Invalid)?;
    let photos = draft
        .photos
        .iter()
        .map(|p| JsValue::from(p.clone()))
        .collect();
    store_new(entry, photos, Vec::new()).await?;
    Ok(id)
}

async fn store_new(
    entry: Entry,
    photos: Vec<JsValue>,
    mut ops: Vec<Op>,
) -> Result<(), SubmitError> {
    let json = to_json(&entry).ok_or(SubmitError::Storage(IdbError::Failed("encode".into())))?;
    ops.push(Op::put_json(OUTBOX, &entry.id, json));
    for (index, photo) in photos.into_iter().enumerate() {
        ops.push(Op::Put {
            store: PHOTOS,
            key: photo_key(&entry.id, index),
            value: photo,
        });
    }
    idb::write(&[OUTBOX, PHOTOS], ops)
        .await
        .map_err(SubmitError::Storage)?;
    tabs::stored();
    refresh_pending_flag().await;
    spawn(Urgency::Due);
    Ok(())
}

/// Files a corrected version of an entry the server refused (`NeedsFix`) as
/// a new request (new id: the old one may be taken on the server) and drops
/// the old entry. Its unsent photos come along, then `draft.photos`.
pub async fn resubmit(old_id: &str, draft: NewRequest) -> Result<String, SubmitError> {
    let old: Entry = idb::get(OUTBOX, old_id)
        .await
        .map_err(SubmitError::Storage)?
        .and_then(from_json)
        .filter(|e: &Entry| e.state == OutboxState::NeedsFix)
        .ok_or(SubmitError::NotFound)?;
    let mut photos: Vec<JsValue> = Vec::new();
    let mut ops = vec![Op::delete(OUTBOX, old_id)];
    for (index, state) in old.photos.iter().enumerate() {
        let key = photo_key(old_id, index);
        if *state == PhotoState::Queued {
            if let Ok(Some(blob)) = idb::get(PHOTOS, &key).await {
                photos.push(blob);
            }
        }
        ops.push(Op::Delete { store: PHOTOS, key });
    }
    photos.extend(draft.photos.iter().map(|p| JsValue::from(p.clone())));
    let id = new_uuid();
    let entry = new_entry(&id, &draft, photos.len(), now_ms()).map_err(SubmitError::Invalid)?;
    store_new(entry, photos, ops).await?;
    Ok(id)
}

/// What was filed in entry `id` (to prefill the form when it needs a fix).
pub async fn stored_request(id: &str) -> Option<RequestBody> {
    let entry: Entry = from_json(idb::get(OUTBOX, id).await.ok()??)?;
    serde_json::from_str(&entry.body).ok()
}

/// Removes an entry and its photos (the customer gave up on it).
pub async fn discard(id: &str) -> Result<(), IdbError> {
    let entry: Option<Entry> = idb::get(OUTBOX, id).await?.and_then(from_json);
    let mut ops = vec![Op::delete(OUTBOX, id)];
    for index in 0..entry.map_or(0, |e| e.photos.len()) {
        ops.push(Op::delete(PHOTOS, &photo_key(id, index)));
    }
    idb::write(&[OUTBOX, PHOTOS], ops).await?;
    tabs::stored();
    refresh_pending_flag().await;
    Ok(())
}

/// The stored photo `index` of entry `id` while it waits for upload (for a
/// thumbnail); `None` once it was answered (it is deleted then).
pub async fn photo_blob(id: &str, index: usize) -> Option<Blob> {
    idb::get(PHOTOS, &photo_key(id, index))
        .await
        .ok()
        .flatten()
        .and_then(|v| v.dyn_into::<Blob>().ok())
}

/// Remembers a status learned elsewhere (the tracking page) for one of "my
/// requests"; nothing if the request is not one of them.
pub async fn note_status(id: &str, status: RequestStatus) {
    let checked_at = now_ms();
    let key = id.to_owned();
    let changed = idb::update(&[MINE], MINE, id, move |current| {
        let Some(mut mine) = current.and_then(from_json::<MyRequest>) else {
            return (Vec::new(), false);
        };
        let changed = mine.status != status;
        mine.status = status;
        mine.checked_at = checked_at;
        (
            to_json(&mine)
                .map(|json| vec![Op::put_json(MINE, &key, json)])
                .unwrap_or_default(),
            changed,
        )
    })
    .await;
    if changed == Ok(true) {
        tabs::stored();
    }
}

/// One entry of the outbox, if it is still there.
pub async fn entry(id: &str) -> Option<OutboxView> {
    let entry: Entry = from_json(idb::get(OUTBOX, id).await.ok()??)?;
    Some(entry.view(upload_progress().as_ref()))
}

/// One of "my requests", if the server confirmed it.
pub async fn my_request(id: &str) -> Option<MyRequest> {
    from_json(idb::get(MINE, id).await.ok()??)
}

/// The outbox, oldest first.
pub async fn entries() -> Vec<OutboxView> {
    let upload = upload_progress();
    load_entries()
        .await
        .iter()
        .map(|e| e.view(upload.as_ref()))
        .collect()
}

/// Requests the server confirmed, newest first.
pub async fn my_requests() -> Vec<MyRequest> {
    let mut mine: Vec<MyRequest> = idb::get_all_json(MINE)
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect();
    let instant = |r: &MyRequest| Timestamp::parse(&r.filed_at).map_or(0, |t| t.unix_millis());
    mine.sort_by_key(|r| std::cmp::Reverse(instant(r)));
    mine
}

/// Fetches the current status of one of "my requests" and remembers it.
pub async fn refresh(api_base: &str, id: &str) -> Result<Tracking, ApiError> {
    let mine: MyRequest = idb::get(MINE, id)
        .await
        .ok()
        .flatten()
        .and_then(from_json)
        .ok_or(ApiError::NotFound)?;
    let tracking = api::track(api_base, id, &mine.tracking_code).await?;
    let status = tracking.status;
    let checked_at = now_ms();
    let key = id.to_owned();
    let _ = idb::update(&[MINE], MINE, id, move |current| {
        let Some(mut mine) = current.and_then(from_json::<MyRequest>) else {
            return (Vec::new(), ());
        };
        mine.status = status;
        mine.checked_at = checked_at;
        (
            to_json(&mine)
                .map(|json| vec![Op::put_json(MINE, &key, json)])
                .unwrap_or_default(),
            (),
        )
    })
    .await;
    tabs::stored();
    Ok(tracking)
}

/// Removes a request from "my requests" (the server keeps it).
pub async fn forget(id: &str) -> Result<(), IdbError> {
    idb::write(&[MINE], vec![Op::delete(MINE, id)]).await?;
    tabs::stored();
    Ok(())
}

/// Deletes everything the portal stored on the device (kiosk "wipe").
pub async fn wipe() -> Result<(), IdbError> {
    idb::wipe().await?;
    tabs::stored();
    Ok(())
}

thread_local! {
    static UPLOAD: RefCell<Option<UploadProgress>> = const { RefCell::new(None) };
}

/// The photo this tab is uploading now, if any (cheap: no IndexedDB read).
pub fn upload_progress() -> Option<UploadProgress> {
    UPLOAD.with(|u| u.borrow().clone())
}

fn set_upload(progress: Option<UploadProgress>) {
    UPLOAD.with(|u| *u.borrow_mut() = progress);
    tabs::progressed();
}

// ------------------------------------------------------------------ browser: sync

thread_local! {
    static API_BASE: RefCell<Option<String>> = const { RefCell::new(None) };
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static AGAIN: Cell<Option<Urgency>> = const { Cell::new(None) };
    static TIMER: Cell<Option<i32>> = const { Cell::new(None) };
    static TIMER_CALLBACK: RefCell<Option<Closure<dyn FnMut()>>> = const { RefCell::new(None) };
}

/// Starts sending: installs the `online`, `focus` and `visibilitychange`
/// listeners (once) and runs a first pass, which picks up whatever an earlier
/// visit left. Call once at start-up; calling again only changes `api_base`.
pub fn start_sync_service(api_base: &str) {
    let first = API_BASE.with(|b| b.replace(Some(api_base.to_owned())).is_none());
    if first {
        install_listeners();
    }
    spawn(Urgency::Due);
}

/// Runs a pass now, also retrying at once what failed for lack of network
/// (the customer pressed "retry"); server-requested waits are kept. If a pass
/// is already running, another follows it and this returns at once.
pub async fn sync_now() {
    run(Urgency::Now).await;
}

fn spawn(urgency: Urgency) {
    wasm_bindgen_futures::spawn_local(run(urgency));
}

fn install_listeners() {
    let Some(window) = web_sys::window() else {
        return;
    };
    // Page-lifetime listeners: leaked on purpose, installed once.
    let online = Closure::<dyn FnMut()>::new(|| spawn(Urgency::Now));
    let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
    online.forget();
    let focus = Closure::<dyn FnMut()>::new(|| spawn(Urgency::Due));
    let _ = window.add_event_listener_with_callback("focus", focus.as_ref().unchecked_ref());
    focus.forget();
    if let Some(document) = window.document() {
        let visible = Closure::<dyn FnMut()>::new(|| {
            let shown = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
            if shown {
                spawn(Urgency::Due);
            }
        });
        let _ = document
            .add_event_listener_with_callback("visibilitychange", visible.as_ref().unchecked_ref());
        visible.forget();
    }
}

/// One pass at a time in this tab; a request during a pass queues one more.
async fn run(urgency: Urgency) {
    let Some(api_base) = API_BASE.with(|b| b.borrow().clone()) else {
        return;
    };
    if RUNNING.with(Cell::get) {
        AGAIN.with(|a| {
            if a.get() != Some(Urgency::Now) {
                a.set(Some(urgency));
            }
        });
        return;
    }
    RUNNING.with(|r| r.set(true));
    let mut urgency = urgency;
    loop {
        let base = api_base.clone();
        if tabs::exclusively(move || pass(base, urgency)).await == Turn::Busy {
            schedule(BUSY_RETRY_MS);
        }
        match AGAIN.with(|a| a.take()) {
            Some(next) => urgency = next,
            None => break,
        }
    }
    RUNNING.with(|r| r.set(false));
}

/// Sends whatever is ready, re-reading the outbox until nothing new is ready
/// (another tab may have added an entry meanwhile), then sets the timer.
async fn pass(api_base: String, urgency: Urgency) {
    let started = now_ms();
    let mut tried = HashSet::new();
    while !offline() && now_ms() - started < MAX_PASS_MS {
        let ready: Vec<Entry> = load_entries()
            .await
            .into_iter()
            .filter(|e| !tried.contains(&e.id) && e.ready(now_ms(), urgency))
            .collect();
        if ready.is_empty() {
            break;
        }
        for entry in ready {
            tried.insert(entry.id.clone());
            process(&api_base, entry).await;
            if offline() {
                break;
            }
        }
    }
    // Offline: no timer; the `online` event starts the next pass.
    if offline() {
        return;
    }
    let now = now_ms();
    let next = load_entries()
        .await
        .iter()
        .filter(|e| e.has_work())
        .map(|e| e.next_attempt_at)
        .fold(f64::INFINITY, f64::min);
    if next.is_finite() {
        schedule(next - now);
    }
    refresh_pending_flag().await;
}

async fn process(api_base: &str, entry: Entry) {
    let mut entry = entry;
    if matches!(entry.state, OutboxState::Saved | OutboxState::Sending) {
        let marked = modify(&entry.id, |e| {
            if e.state == OutboxState::Saved {
                e.state = OutboxState::Sending;
            }
        })
        .await;
        if !matches!(marked, Ok(Some(ref e)) if e.state == OutboxState::Sending) {
            return;
        }
        let reply = api::file(api_base, &entry.body).await;
        let step = filing_step(reply.as_ref().map_err(|u| *u));
        let (now, random) = (now_ms(), js_sys::Math::random());
        match modify(&entry.id, move |e| e.apply_filing(step, now, random)).await {
            Ok(Some(updated)) if updated.state == OutboxState::Received => entry = updated,
            _ => return,
        }
    }
    if entry.state == OutboxState::Received {
        upload_photos(api_base, entry).await;
    }
}

/// Photos one by one; each answer is stored before the next photo starts,
/// so a retry never sends a confirmed photo again.
async fn upload_photos(api_base: &str, entry: Entry) {
    let Some(code) = entry.tracking_code.clone() else {
        return;
    };
    for (index, state) in entry.photos.iter().enumerate() {
        if *state != PhotoState::Queued {
            continue;
        }
        let blob = idb::get(PHOTOS, &photo_key(&entry.id, index))
            .await
            .ok()
            .flatten()
            .and_then(|v| v.dyn_into::<Blob>().ok());
        let step = match blob {
            None => PhotoStep::Failed("missing_on_device".into()),
            Some(blob) => {
                let id = entry.id.clone();
                set_upload(Some(UploadProgress {
                    id: id.clone(),
                    photo: index,
                    sent: 0.0,
                    total: blob.size(),
                }));
                let progress: api::Progress = Box::new(move |sent, total| {
                    set_upload(Some(UploadProgress {
                        id: id.clone(),
                        photo: index,
                        sent,
                        total,
                    }));
                });
                let reply =
                    api::upload_photo(api_base, &entry.id, &code, &blob, Some(progress)).await;
                set_upload(None);
                photo_step(reply.as_ref().map_err(|u| *u))
            }
        };
        let stop = matches!(step, PhotoStep::Retry { .. });
        let (now, random) = (now_ms(), js_sys::Math::random());
        let stored = modify(&entry.id, move |e| e.apply_photo(index, step, now, random)).await;
        if stop || !matches!(stored, Ok(Some(_))) || offline() {
            return;
        }
    }
}

/// One timer for the next due attempt; a new schedule replaces the old one.
fn schedule(delay_ms: f64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // At least the base delay: an entry that keeps failing to be stored
    // must not spin a pass every few milliseconds.
    let delay = delay_ms.clamp(BASE_MS, CAP_MS + 3_600_000.0) as i32;
    if let Some(old) = TIMER.with(Cell::take) {
        window.clear_timeout_with_handle(old);
    }
    TIMER_CALLBACK.with(|c| {
        let mut callback = c.borrow_mut();
        let callback = callback.get_or_insert_with(|| {
            Closure::<dyn FnMut()>::new(|| {
                TIMER.with(|t| t.set(None));
                spawn(Urgency::Due);
            })
        });
        if let Ok(handle) = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.as_ref().unchecked_ref(),
            delay,
        ) {
            TIMER.with(|t| t.set(Some(handle)));
        }
    });
}

#[cfg(test)]
mod tests {
    use aftersales_rules::{check, Policy};

    use super::*;
    use crate::contact::{Field, Problem as FieldProblem};

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
        assert_eq!(back.client_decision, draft().decision);
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
            assert_eq!(problem.code, "validation_failed");
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

    #[test]
    fn uuids_are_version_4() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = uuid_v4([0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
        assert_eq!(id.len(), 36);
    }
}
