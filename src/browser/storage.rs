//! Local and session storage under one key prefix, and wiping everything the
//! portal keeps about the customer on this device.
//!
//! Everything degrades quietly: no storage (private mode, sandboxed iframe) just
//! means nothing is remembered.

use crate::browser::idb;

/// Every key the portal stores in `localStorage` starts with this prefix.
pub const STORAGE_PREFIX: &str = "aftersales:";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn get(storage: Option<web_sys::Storage>, key: &str) -> Option<String> {
    storage?
        .get_item(&format!("{STORAGE_PREFIX}{key}"))
        .ok()
        .flatten()
}

fn set(storage: Option<web_sys::Storage>, key: &str, value: &str) {
    if let Some(s) = storage {
        let _ = s.set_item(&format!("{STORAGE_PREFIX}{key}"), value);
    }
}

/// Whether this tab can keep anything (not in a frame whose browser blocks
/// third-party data).
pub fn session_works() -> bool {
    let probe = format!("{STORAGE_PREFIX}probe");
    session_storage()
        .is_some_and(|s| s.set_item(&probe, "1").is_ok() && s.remove_item(&probe).is_ok())
}

fn delete(storage: Option<web_sys::Storage>, key: &str) {
    if let Some(s) = storage {
        let _ = s.remove_item(&format!("{STORAGE_PREFIX}{key}"));
    }
}

/// Reads a value kept for this tab only (the self-check in progress).
pub fn load_session(key: &str) -> Option<String> {
    get(session_storage(), key)
}

pub fn store_session(key: &str, value: &str) {
    set(session_storage(), key, value)
}

pub fn remove_session(key: &str) {
    delete(session_storage(), key)
}

/// Forgets everything the portal keeps about the customer on this device: every
/// `aftersales:` key of local and session storage and the device store
/// (IndexedDB `aftersales`).
pub fn wipe_customer_data() {
    if let Some(idb) = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()) {
        let _ = idb.delete_database(idb::DATABASE);
    }
    wipe_storages();
}

fn wipe_storages() {
    for s in [storage(), session_storage()].into_iter().flatten() {
        let keys: Vec<String> = (0..s.length().unwrap_or(0))
            .filter_map(|i| s.key(i).ok().flatten())
            .filter(|k| k.starts_with(STORAGE_PREFIX))
            .collect();
        for k in keys {
            let _ = s.remove_item(&k);
        }
    }
}

/// Forgets the customer ([`wipe_customer_data`]) and opens `url` as a new
/// page: the footer's "clear my data" and a store page's `reset()`.
pub fn start_afresh(url: &str) {
    wipe_customer_data();
    open_afresh(url);
}

/// The kiosk's reset: like [`start_afresh`], but a filed request the server
/// has not confirmed stays in the outbox (nobody could file it again; the
/// kiosk's courier sends it, unseen), with its photos. Local and session
/// storage go at once; the start page comes when the device store is done, or
/// after [`RESET_WAIT_MS`] whatever it is doing (the kiosk app of the next page
/// forgets again).
pub fn start_afresh_keeping_undelivered(url: &str) {
    wipe_storages();
    let opened = std::rc::Rc::new(std::cell::Cell::new(false));
    for wait in [false, true] {
        let (url, opened) = (url.to_owned(), opened.clone());
        wasm_bindgen_futures::spawn_local(async move {
            if wait {
                crate::browser::clock::sleep(RESET_WAIT_MS).await;
            } else {
                forget_all_but_undelivered().await;
            }
            if !opened.replace(true) {
                open_afresh(&url);
            }
        });
    }
}

/// The longest a kiosk's reset waits for the device store.
pub const RESET_WAIT_MS: f64 = 3_000.0;

/// The device store but for requests not yet delivered (nothing at all if it
/// cannot be read).
pub async fn forget_all_but_undelivered() {
    if idb::keep_only_undelivered().await.is_err() {
        let _ = idb::wipe().await;
    }
}

/// Opens `url` (absolute or relative to this page) in place of this page (no
/// history entry), reloading when only the fragment differs: the browser would
/// otherwise only move to the fragment and keep this page's memory.
fn open_afresh(url: &str) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let here = location.href().unwrap_or_default();
    let url = web_sys::Url::new_with_base(url, &here).map_or_else(|_| url.to_owned(), |u| u.href());
    let (page, fragment) = url.split_once('#').unwrap_or((&url, ""));
    if here.split('#').next() == Some(page) {
        let _ = location.replace(&format!("#{fragment}"));
        let _ = location.reload();
    } else {
        let _ = location.replace(&url);
    }
}

/// Reads a value kept on this device (the language choice).
pub fn load(key: &str) -> Option<String> {
    get(storage(), key)
}

pub fn store(key: &str, value: &str) {
    set(storage(), key, value)
}

pub fn remove(key: &str) {
    delete(storage(), key)
}
