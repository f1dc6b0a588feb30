//! The requests app (`requests.html`): filing a request with the offline
//! outbox, "My requests" and tracking: see `aftersales_portal::requests`.

#[cfg(target_arch = "wasm32")]
fn main() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let Some((root, mount)) = aftersales_portal::browser::mount::Mount::read() else {
        return;
    };
    leptos::mount::mount_to(root, move || {
        leptos::view! { <aftersales_portal::requests::App mount=mount.clone() /> }
    })
    .forget();
}

/// Natively the portal only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-requests is a WebAssembly app: build it with scripts/build-portal.sh");
}
