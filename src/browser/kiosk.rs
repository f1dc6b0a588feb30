//! Kiosk mode as the apps see it: a page opened with `?kiosk=1` (`idle=SECONDS`,
//! `warn=SECONDS`; `docs/kiosk.md`) on a shared touch screen in a showroom.
//!
//! - [`carried`] the page's kiosk parameters, carried by `Mount` on every link
//!   between the apps, so the mode holds for the tab's life (the kiosk app reads
//!   them: `crate::kiosk::Kiosk`);
//! - [`activate`] / [`active`]: the page runs in kiosk mode (navigations then
//!   replace the history entry, fields suggest nothing);
//! - [`load`] fetches the kiosk app (`crate::kiosk`, its own WASM, `kiosk.js`)
//!   and its stylesheet into the page: phones never download either.
//!
//! Invariant: every navigation in kiosk mode replaces the current history entry,
//! so Back never reaches a page of an earlier customer.

use std::cell::Cell;

use crate::browser::router::{encode, query_param};

/// The kiosk's stylesheet (`style/kiosk.css`), next to the apps' pages.
pub const STYLESHEET: &str = "kiosk.css";
/// The kiosk app's loader (written by `scripts/build-portal.sh`): imports the
/// kiosk's hashed JS and WASM.
pub const LOADER: &str = "kiosk.js";

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// Turns kiosk mode on for this page (once, when the mount is read).
pub fn activate() {
    ACTIVE.with(|a| a.set(true));
}

/// Whether this page runs in kiosk mode: navigations then replace the history
/// entry, and fields suggest and remember nothing.
pub fn active() -> bool {
    ACTIVE.with(Cell::get)
}

/// Fetches the kiosk app and its stylesheet into this page.
#[cfg(target_arch = "wasm32")]
pub fn load() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(head) = document.head() else {
        return;
    };
    if let Ok(link) = document.create_element("link") {
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", STYLESHEET);
        let _ = head.append_child(&link);
    }
    if let Ok(script) = document.create_element("script") {
        let _ = script.set_attribute("type", "module");
        let _ = script.set_attribute("src", LOADER);
        let _ = head.append_child(&script);
    }
}

/// The query that keeps kiosk mode on the next page (`?kiosk=1&idle=…&warn=…`,
/// the values as given: the kiosk app checks them), if this page's query
/// (without its `?`) asks for kiosk mode.
pub fn carried(query: &str) -> Option<String> {
    if query_param(query, "kiosk").as_deref() != Some("1") {
        return None;
    }
    let mut carried = "?kiosk=1".to_owned();
    for name in ["idle", "warn"] {
        if let Some(value) = query_param(query, name) {
            carried.push_str(&format!("&{name}={}", encode(&value)));
        }
    }
    Some(carried)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kiosk_mode_and_its_timing_are_carried_on() {
        assert_eq!(carried(""), None);
        assert_eq!(carried("kiosk=0&idle=5"), None);
        assert_eq!(carried("kiosk=1").as_deref(), Some("?kiosk=1"));
        assert_eq!(
            carried("lang=en&kiosk=1&warn=2.5&idle=x%26y").as_deref(),
            Some("?kiosk=1&idle=x%26y&warn=2.5")
        );
    }
}
