//! Aftersales Portal: the requests app (`requests.html`): filing a request with
//! the offline outbox, "My requests" and tracking (`aftersales_portal::requests`).
//! A second WASM bundle, loaded only when the customer files a request or opens
//! "My requests", so the self-check's first load stays small.
//!
//! It mounts into the same `<div id="aftersales-portal">` element as the
//! self-check, with the same attributes (`data-policy-url`, `data-api-base`,
//! `data-store-url`, `data-manage-document`, `data-service-worker`) and
//! `data-self-check`: the self-check's page (default `index.html`).

#[cfg(target_arch = "wasm32")]
use aftersales_portal::{api_base, mount_point, offline, requests};

#[cfg(target_arch = "wasm32")]
fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let Some((root, attr)) = mount_point() else {
        return;
    };
    let config = requests::Config {
        policy_url: attr("data-policy-url").unwrap_or_else(|| "policy.json".to_owned()),
        store_url: attr("data-store-url"),
        api_base: api_base(attr("data-api-base")).unwrap_or_else(|| "api/".to_owned()),
        manage_document: attr("data-manage-document").as_deref() == Some("true"),
        self_check: attr("data-self-check").unwrap_or_else(|| "index.html".to_owned()),
    };
    if let Some(worker) = attr("data-service-worker") {
        offline::register_service_worker(&worker);
    }
    root.set_inner_html("");
    leptos::mount::mount_to(root, move || {
        leptos::view! { <requests::RequestsApp config=config.clone() /> }
    })
    .forget();
}

/// Natively the portal only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-requests is a WebAssembly app: build it with scripts/build-portal.sh");
}
