//! The kiosk app (`kiosk.js`, loaded by either app's page in kiosk mode): see
//! `aftersales_portal::kiosk`.

#[cfg(target_arch = "wasm32")]
fn main() {
    // Readable panic messages in development builds only (size).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    aftersales_portal::kiosk::start();
}

/// Natively the app only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-kiosk is a WebAssembly app: build it with scripts/build-portal.sh");
}
