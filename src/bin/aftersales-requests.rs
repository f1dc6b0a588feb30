//! The requests app (`requests.html`): filing a request with the offline
//! outbox, "My requests" and tracking: see `aftersales_portal::requests`.

#[cfg(target_arch = "wasm32")]
fn main() {
    use aftersales_portal::requests::courier::Courier;
    use aftersales_portal::requests::App;
    use leptos::prelude::IntoAny;
    aftersales_portal::browser::mount::start(|mount| {
        if mount.courier {
            leptos::view! { <Courier mount /> }.into_any()
        } else {
            leptos::view! { <App mount /> }.into_any()
        }
    });
}

/// Natively the app only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-requests is a WebAssembly app: build it with scripts/build-portal.sh");
}
