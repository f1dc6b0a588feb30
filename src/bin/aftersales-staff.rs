//! The staff console (`staff.html`): see `aftersales_portal::staff`.

#[cfg(target_arch = "wasm32")]
fn main() {
    use aftersales_portal::staff::App;
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("aftersales-staff"))
    else {
        return;
    };
    let Ok(root) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(root) else {
        return;
    };
    root.set_inner_html("");
    leptos::mount::mount_to(root, App).forget();
}

/// Natively the console only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-staff is a WebAssembly app: build it with scripts/build-portal.sh");
}
