//! The outbox's sending: one pass at a time, in one tab, with backoff; started
//! at load, when the device comes online, on focus and on a timer.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::Blob;

use super::model::*;
use super::store::*;
use crate::browser::embed::{self, HostEvent};
use crate::browser::http::Progress;
use crate::browser::idb::{self, PHOTOS};
use crate::browser::tabs::{self, Turn};
use crate::requests::api;

/// A pass starts no new work after this long, so it never holds the outbox
/// for ever; the next pass continues.
const MAX_PASS_MS: f64 = 5.0 * 60.0 * 1000.0;
/// Another tab was sending: look again after this long.
const BUSY_RETRY_MS: f64 = 5_000.0;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

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

pub(super) fn spawn(urgency: Urgency) {
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
            Ok(Some(updated)) if updated.state == OutboxState::Received => {
                embed::emit(&HostEvent::Filed {
                    id: updated.id.clone(),
                    request: updated.request_type,
                });
                entry = updated
            }
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
                let progress: Progress = Box::new(move |sent, total| {
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
