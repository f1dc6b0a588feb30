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

pub fn load(key: &str) -> Option<String> {
    storage()?
        .get_item(&format!("{STORAGE_PREFIX}{key}"))
        .ok()
        .flatten()
}

pub fn store(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&format!("{STORAGE_PREFIX}{key}"), value);
    }
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

/// Why the policy file could not be fetched.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchError {
    Status(u16),
    Network(String),
}

/// GETs `url` (relative to the page) as text, bypassing stale caches so that a
/// changed policy applies on the next visit.
pub async fn fetch_text(url: &str) -> Result<String, FetchError> {
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
    init.set_cache(web_sys::RequestCache::NoCache);
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(network)?;
    let response: web_sys::Response = response.dyn_into().map_err(network)?;
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?;
    text.as_string()
        .ok_or_else(|| FetchError::Network("response is not text".into()))
}
