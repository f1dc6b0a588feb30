//! Aftersales Portal: the self-check app (bin `aftersales-portal`, `index.html`),
//! the portal's first load. The library (`src/lib.rs`) holds its pages; filing and
//! tracking are the second app, `src/bin/aftersales-requests.rs`.
//!
//! The portal mounts into `<div id="aftersales-portal">` of the host page, never
//! into `<body>`, so it can be embedded in an existing site. Attributes of that
//! element configure it:
//! - `data-policy-url`: where `policy.json` is, relative to the page (default `policy.json`);
//! - `data-store-url`: the store's name, logo and colour (`store.json`, see `brand`);
//! - `data-api-base`: the backend's API (`api/`); without it orders are entered by hand;
//! - `data-demo="true"`: offer the demo orders;
//! - `data-service-worker`: the service worker to register (`sw.js`: offline use);
//! - `data-manage-document="true"`: the portal owns the page and may set `<html lang>`
//!   and the title.

#[cfg(target_arch = "wasm32")]
use aftersales_portal::{api_base, app, mount_point, offline};

#[cfg(target_arch = "wasm32")]
fn main() {
    // Readable panic messages in development builds; release builds leave the
    // hook (and its formatting code) out of the size budget.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let Some((root, attr)) = mount_point() else {
        return;
    };
    let config = app::Config {
        policy_url: attr("data-policy-url").unwrap_or_else(|| "policy.json".to_owned()),
        store_url: attr("data-store-url"),
        api_base: api_base(attr("data-api-base")),
        demo: attr("data-demo").as_deref() == Some("true"),
        manage_document: attr("data-manage-document").as_deref() == Some("true"),
    };
    if let Some(worker) = attr("data-service-worker") {
        offline::register_service_worker(&worker);
    }
    // Replace the host page's fallback content (noscript text, spinner).
    root.set_inner_html("");
    leptos::mount::mount_to(root, move || {
        leptos::view! { <app::App config=config.clone() /> }
    })
    .forget();
}

/// Natively the portal only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-portal is a WebAssembly app: build it with scripts/build-portal.sh");
}
