//! The self-check app (bin `aftersales-portal`, `index.html`), the portal's
//! first load: see `aftersales_portal::self_check`.

#[cfg(target_arch = "wasm32")]
fn main() {
    // Readable panic messages in development builds; release builds leave the
    // hook (and its formatting code) out of the size budget.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let Some((root, mount)) = aftersales_portal::browser::mount::Mount::read() else {
        return;
    };
    leptos::mount::mount_to(root, move || {
        leptos::view! { <aftersales_portal::self_check::App mount=mount.clone() /> }
    })
    .forget();
}

/// Natively the portal only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-portal is a WebAssembly app: build it with scripts/build-portal.sh");
}
