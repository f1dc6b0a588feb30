//! Aftersales Portal: the customer self-service page (Leptos CSR, WebAssembly).
//!
//! The portal mounts into `<div id="aftersales-portal">` of the host page, never
//! into `<body>`, so it can be embedded in an existing site. Attributes of that
//! element configure it:
//! - `data-policy-url`: where `policy.json` is, relative to the page (default `policy.json`);
//! - `data-manage-document="true"`: the portal owns the page and may set `<html lang>`
//!   and the title.

// Natively only the unit tests use the modules; the page is the WASM build.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod app;
mod browser;
mod demo;
mod format;
mod i18n;
mod result;

// Issue 5's browser core; the pages that use it are still being written, so
// on wasm most of it is unused until then.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
mod api;
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
mod contact;
mod events;
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
mod idb;
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
mod outbox;
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
mod photo;
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
mod tabs;

/// The id of the element the portal mounts into.
const MOUNT_ID: &str = "aftersales-portal";

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::JsCast;

    console_error_panic_hook::set_once();
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(MOUNT_ID))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        web_sys::console::error_1(&format!("aftersales portal: no element #{MOUNT_ID}").into());
        return;
    };
    let policy_url = root
        .get_attribute("data-policy-url")
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "policy.json".to_owned());
    let manage_document = root.get_attribute("data-manage-document").as_deref() == Some("true");
    // Replace the host page's fallback content (noscript text, spinner).
    root.set_inner_html("");
    leptos::mount::mount_to(root, move || {
        leptos::view! { <app::App policy_url manage_document /> }
    })
    .forget();
}

/// Natively the portal only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-portal is a WebAssembly app: build it with scripts/build-portal.sh");
}
