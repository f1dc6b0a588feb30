//! The clock: the current instant, and a signal of it refreshed every second
//! (countdowns, windows that close while the page is open).

use std::time::Duration;

use leptos::prelude::*;

use aftersales_rules::Timestamp;

/// The current instant, whole seconds (JavaScript `Date.now()`).
pub fn now() -> Timestamp {
    let secs = (js_sys::Date::now() / 1000.0).floor() as i64;
    Timestamp::from_unix(secs, 0).unwrap_or_else(|_| {
        // A clock outside 0000–9999 is broken; the epoch keeps the page usable.
        Timestamp::from_unix(0, 0).unwrap_or_else(|_| unreachable!())
    })
}

/// A signal of [`now`], refreshed every second for the life of the owner.
pub fn ticking() -> ReadSignal<Timestamp> {
    let (clock, set_clock) = signal(now());
    let tick = set_interval_with_handle(move || set_clock.set(now()), Duration::from_secs(1));
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    clock
}

/// Waits `ms` milliseconds (a timer; nothing to wait on without a window).
pub async fn sleep(ms: f64) {
    use wasm_bindgen::JsCast;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                resolve.unchecked_ref(),
                ms as i32,
            );
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
