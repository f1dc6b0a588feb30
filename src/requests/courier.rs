//! The kiosk's courier: this app in a hidden frame of the self-check
//! (`requests.html?kiosk=1&courier=1`, started by `kiosk::screen`). A customer
//! may file a request while the network is down and walk away; the kiosk resets
//! but keeps that request in the outbox, and the courier sends it with the same
//! outbox code as the form, exactly once (the idempotency key is stored with it).
//! It shows nothing, and once nothing waits it deletes the device store, "My
//! requests" included: a later customer finds nothing of it.

use leptos::prelude::*;

use super::outbox::{self, OutboxState};
use super::DEFAULT_API_BASE;
use crate::browser::mount::Mount;
use crate::browser::{clock, idb};

/// How often the courier looks whether anything still waits.
const LOOK_EVERY_MS: f64 = 2_000.0;

#[component]
pub fn Courier(mount: Mount) -> impl IntoView {
    let api_base = mount
        .api_base
        .unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
    outbox::start_sync_service(&api_base);
    leptos::task::spawn_local(async move {
        loop {
            clock::sleep(LOOK_EVERY_MS).await;
            let entries = outbox::entries().await;
            for entry in &entries {
                // Refused by the server, with nobody left to fix it: keeping it
                // would leave a customer's details on a public device for good.
                if entry.state == OutboxState::NeedsFix {
                    let _ = outbox::discard(&entry.id).await;
                }
            }
            if entries.iter().all(|e| e.state == OutboxState::NeedsFix) {
                let _ = idb::keep_only_undelivered().await;
                break;
            }
        }
    });
}
