//! Local and session storage under one key prefix, and wiping everything the
//! portal keeps about the customer on this device.
//!
//! Everything degrades quietly: no storage (private mode, sandboxed iframe) just
//! means nothing is remembered.

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
/// `aftersales:` key of local and session storage and the outbox's IndexedDB
/// database `aftersales` (the kiosk's "new customer").
pub fn wipe_customer_data() {
    if let Some(idb) = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()) {
        let _ = idb.delete_database("aftersales");
    }
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
/// page, reloading when only the fragment differs: a plain navigation would
/// keep this page's memory.
pub fn start_afresh(url: &str) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    wipe_customer_data();
    let (page, fragment) = url.split_once('#').unwrap_or((url, ""));
    if location
        .href()
        .ok()
        .as_deref()
        .and_then(|h| h.split('#').next())
        == Some(page)
    {
        let _ = location.set_hash(fragment);
        let _ = location.reload();
    } else {
        let _ = location.replace(url);
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
