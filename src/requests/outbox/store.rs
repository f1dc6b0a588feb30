//! The outbox's storage: entries, photos and "my requests" in IndexedDB, read
//! and changed atomically, and the calls the pages make.

use std::cell::RefCell;

use aftersales_rules::Timestamp;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

use super::model::*;
use super::sync::spawn;
use crate::browser::idb::{self, IdbError, Op, MINE, OUTBOX, PHOTOS};
use crate::browser::{ids, tabs};
use crate::handover;
use crate::requests::api::{self, ApiError, RequestStatus, RequestView};

pub(super) fn now_ms() -> f64 {
    js_sys::Date::now()
}

pub(super) async fn load_entries() -> Vec<Entry> {
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
pub(super) async fn modify(
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

/// Records in [`handover`] how many requests wait on this device (every stored
/// entry counts: a finished one is deleted in the transaction that finishes it).
/// The self-check reads it, without IndexedDB or outbox code, to offer a way
/// back here, where the sync service sends them.
pub(super) async fn refresh_pending_flag() {
    if let Ok(pending) = idb::count(OUTBOX).await {
        handover::set_outbox_pending(pending);
    }
}

/// Checks `draft`, stores it with its photos on the device (one transaction),
/// starts sending and returns the new request id. From here on the request
/// is never lost: it is in [`entries`] until the server confirmed it.
pub async fn submit(draft: NewRequest) -> Result<String, SubmitError> {
    let id = ids::new_uuid();
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

pub(super) async fn store_new(
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
    let id = ids::new_uuid();
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
pub async fn refresh(api_base: &str, id: &str) -> Result<RequestView, ApiError> {
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

thread_local! {
    static UPLOAD: RefCell<Option<UploadProgress>> = const { RefCell::new(None) };
}

/// The photo this tab is uploading now, if any (cheap: no IndexedDB read).
pub fn upload_progress() -> Option<UploadProgress> {
    UPLOAD.with(|u| u.borrow().clone())
}

pub(super) fn set_upload(progress: Option<UploadProgress>) {
    UPLOAD.with(|u| *u.borrow_mut() = progress);
    tabs::progressed();
}
