//! Awaiting one DOM event: IndexedDB requests and transactions and
//! `XMLHttpRequest` all report their end as events, not promises.

use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, EventTarget};

/// Removes the listeners if the awaiting future is dropped early, so the
/// browser never calls a freed closure.
struct Listening<'a> {
    target: &'a EventTarget,
    names: &'a [&'a str],
    callback: Closure<dyn FnMut(Event)>,
}

impl Drop for Listening<'_> {
    fn drop(&mut self) {
        for name in self.names {
            let _ = self
                .target
                .remove_event_listener_with_callback(name, self.callback.as_ref().unchecked_ref());
        }
    }
}

/// The first of `names` that `target` fires. Listeners are attached when the
/// future is first polled: await it before yielding to the event loop.
pub async fn first(target: &EventTarget, names: &[&str]) -> Result<Event, JsValue> {
    let mut resolve: Option<Function> = None;
    let promise = Promise::new(&mut |res, _rej| resolve = Some(res));
    let resolve = resolve.ok_or_else(|| JsValue::from_str("promise executor not run"))?;
    let callback = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        let _ = resolve.call1(&JsValue::NULL, &event);
    });
    let listening = Listening {
        target,
        names,
        callback,
    };
    for name in names {
        target
            .add_event_listener_with_callback(name, listening.callback.as_ref().unchecked_ref())?;
    }
    let event = JsFuture::from(promise).await?;
    drop(listening);
    event.dyn_into::<Event>()
}
