//! The self-check app (bin `aftersales-portal`, `index.html`), the portal's
//! first load: see `aftersales_portal::self_check`. Its steps after the start
//! page are a part of their own, fetched once the start page shows
//! (`aftersales_portal::ui::part`).

#[cfg(target_arch = "wasm32")]
fn main() {
    use aftersales_portal::self_check::{steps, App};
    aftersales_portal::browser::mount::start(|mount| {
        let steps = aftersales_portal::part!(steps: steps::Entry => steps::view);
        leptos::view! { <App mount steps /> }
    });
}

/// Natively the portal only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-portal is a WebAssembly app: build it with scripts/build-portal.sh");
}
