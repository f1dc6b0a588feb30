//! The requests app (`requests.html`): filing a request with the offline
//! outbox, "My requests" and tracking: see `aftersales_portal::requests`.
//! Its pages are parts of their own, fetched on demand
//! (`aftersales_portal::ui::part`).

#[cfg(target_arch = "wasm32")]
fn main() {
    use aftersales_portal::part;
    use aftersales_portal::requests::courier::Courier;
    use aftersales_portal::requests::{self, App, Parts, Tracked};
    use aftersales_rules::RequestType;
    use leptos::prelude::IntoAny;
    aftersales_portal::browser::mount::start(|mount| {
        if mount.courier {
            leptos::view! { <Courier mount /> }.into_any()
        } else {
            let parts = Parts {
                mine: part!(mine: () => requests::mine_page),
                file: part!(file: RequestType => requests::file_page),
                entry: part!(entry: String => requests::entry_page),
                track: part!(track: Tracked => requests::track_page),
            };
            leptos::view! { <App mount parts /> }.into_any()
        }
    });
}

/// Natively the app only runs its unit tests (`cargo test`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("aftersales-requests is a WebAssembly app: build it with scripts/build-portal.sh");
}
