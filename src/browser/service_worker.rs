//! Offline support: registers the service worker (`dist/sw.js`, written after the build
//! by `scripts/gen-sw.mjs` from the template `public/sw.js`) that precaches the portal,
//! so after one visit the self-check works with no network.
//!
//! Called through `js_sys::Reflect` rather than web-sys bindings, so it needs no extra
//! web-sys features.

/// Registers the service worker at `url` (relative to the page; its folder is the
/// worker's scope). Does nothing where service workers are unavailable (an insecure
/// context, an old browser, a native build); a failed registration is only logged as a
/// warning. Never panics.
#[cfg(target_arch = "wasm32")]
pub fn register_service_worker(url: &str) {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    let Some(window) = web_sys::window() else {
        return;
    };
    // `navigator.serviceWorker` is not even defined outside secure contexts.
    let container = match Reflect::get(&window.navigator(), &JsValue::from_str("serviceWorker")) {
        Ok(c) if c.is_object() => c,
        _ => return,
    };
    let Some(register) = Reflect::get(&container, &JsValue::from_str("register"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return;
    };
    match register.call1(&container, &JsValue::from_str(url)) {
        Ok(promise) => {
            let Ok(promise) = promise.dyn_into::<Promise>() else {
                return;
            };
            let url = url.to_owned();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(error) = wasm_bindgen_futures::JsFuture::from(promise).await {
                    warn(&url, &error);
                }
            });
        }
        Err(error) => warn(url, &error),
    }
}

#[cfg(target_arch = "wasm32")]
fn warn(url: &str, error: &wasm_bindgen::JsValue) {
    let message = js_sys::Reflect::get(error, &wasm_bindgen::JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_default();
    web_sys::console::warn_1(
        &format!("aftersales portal: service worker {url} not registered: {message}").into(),
    );
}

/// Natively there is no browser: nothing to register.
#[cfg(not(target_arch = "wasm32"))]
pub fn register_service_worker(_url: &str) {}
