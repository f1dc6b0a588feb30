//! The self-check app (bin `aftersales-portal`, `index.html`), the portal's
//! first load: see `aftersales_portal::self_check`.

#[cfg(target_arch = "wasm32")]
fn main() {
    use aftersales_portal::self_check::App;
    aftersales_portal::browser::mount::start(|mount| leptos::view! { <App mount /> });
}

/// Natively the portal only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-portal is a WebAssembly app: build it with scripts/build-portal.sh");
}
