//! The few browser services the portal uses: clock, language, storage, fetch.
//!
//! Everything degrades quietly: no storage (private mode, sandboxed iframe) just
//! means the language choice is not remembered.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use aftersales_rules::Timestamp;

use crate::i18n::Lang;

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

/// Reads a value kept for this tab only (the self-check in progress).
pub fn load_session(key: &str) -> Option<String> {
    get(session_storage(), key)
}

pub fn store_session(key: &str, value: &str) {
    set(session_storage(), key, value)
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

/// Reads a value kept on this device (the language choice).
pub fn load(key: &str) -> Option<String> {
    get(storage(), key)
}

pub fn store(key: &str, value: &str) {
    set(storage(), key, value)
}

/// The current instant, whole seconds (JavaScript `Date.now()`).
pub fn now() -> Timestamp {
    let secs = (js_sys::Date::now() / 1000.0).floor() as i64;
    Timestamp::from_unix(secs, 0).unwrap_or_else(|_| {
        // A clock outside 0000–9999 is broken; the epoch keeps the page usable.
        Timestamp::from_unix(0, 0).unwrap_or_else(|_| unreachable!())
    })
}

/// The language remembered from last time, else the browser's, else Chinese.
pub fn initial_lang() -> Lang {
    if let Some(lang) = load("lang").as_deref().and_then(Lang::from_tag) {
        return lang;
    }
    let navigator = web_sys::window().map(|w| w.navigator());
    let languages = navigator
        .as_ref()
        .map(|n| n.languages().to_vec())
        .unwrap_or_default();
    languages
        .iter()
        .filter_map(|v| v.as_string())
        .chain(navigator.and_then(|n| n.language()))
        .find_map(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::Zh)
}

/// Why a fetch failed.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchError {
    Status(u16),
    Network(String),
}

/// GETs `url` (relative to the page) as text, bypassing stale caches so that a
/// changed policy applies on the next visit.
pub async fn fetch_text(url: &str) -> Result<String, FetchError> {
    let reply = http_get(url, web_sys::RequestCache::NoCache, &[]).await?;
    if !(200..300).contains(&reply.status) {
        return Err(FetchError::Status(reply.status));
    }
    Ok(reply.body)
}

/// An HTTP answer: status and body text.
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// GETs `url` (relative to the page) as JSON, saying which language the answer's
/// messages should be in. Any status is a [`Reply`]; only no answer is an error.
pub async fn get_json(url: &str, lang: Lang) -> Result<Reply, FetchError> {
    let headers = [
        ("Accept", "application/json"),
        ("Accept-Language", lang.code()),
    ];
    http_get(url, web_sys::RequestCache::NoStore, &headers).await
}

/// One GET with `fetch`: any status is a reply, no answer is an error.
async fn http_get(
    url: &str,
    cache: web_sys::RequestCache,
    headers: &[(&str, &str)],
) -> Result<Reply, FetchError> {
    let network = |e: wasm_bindgen::JsValue| {
        FetchError::Network(
            e.as_string()
                .or_else(|| {
                    e.dyn_ref::<js_sys::Error>()
                        .map(|e| String::from(e.message()))
                })
                .unwrap_or_else(|| "fetch failed".into()),
        )
    };
    let window = web_sys::window().ok_or_else(|| FetchError::Network("no window".into()))?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_cache(cache);
    let request_headers = web_sys::Headers::new().map_err(network)?;
    for (name, value) in headers {
        request_headers.set(name, value).map_err(network)?;
    }
    init.set_headers(&request_headers);
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(network)?;
    let response: web_sys::Response = response.dyn_into().map_err(network)?;
    let body = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    Ok(Reply {
        status: response.status(),
        body,
    })
}
