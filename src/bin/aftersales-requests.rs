//! The requests app (`requests.html`): filing a request with the offline
//! outbox, "My requests" and tracking: see `aftersales_portal::requests`.

#[cfg(target_arch = "wasm32")]
fn main() {
    use aftersales_portal::requests::App;
    aftersales_portal::browser::mount::start(|mount| leptos::view! { <App mount /> });
}

/// Natively the app only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-requests is a WebAssembly app: build it with scripts/build-portal.sh");
}
