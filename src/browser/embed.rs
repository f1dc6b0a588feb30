//! The portal inside another page: what it tells that page, and what the page
//! may ask of it.
//!
//! Every app dispatches bubbling DOM `CustomEvent`s ([`HostEvent`]) on its mount
//! element. A store that mounts the portal into its own page listens there;
//! inside the frame of `embed.js`, the frame script [`FRAME_SCRIPT`] relays them
//! to the store's page (`docs/embedding.md`). The mount element also keeps
//! `data-page`, `data-ready` and `data-version`, so a relay that starts late
//! still knows where the customer is.
//!
//! The page asks through events on the mount element: `aftersales-lang`
//! (`{lang}`: the language, live) and `aftersales-reset` (`{src}`: forget the
//! customer, then open `src`).
//!
//! No event carries personal data: page names and the engine's ids only.

use aftersales_rules::{Clause, Outcome, RequestType};

/// The frame script, beside the pages; the painted page's inline script loads
/// it early, [`load_frame_script`] when no page did.
pub const FRAME_SCRIPT: &str = "embed-frame.js";

/// The portal's version, in the `ready` event.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The pages a host page is told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageId {
    Start,
    Order,
    Question,
    Answer,
    File,
    Sent,
    Track,
    Mine,
}

impl PageId {
    pub fn as_str(self) -> &'static str {
        match self {
            PageId::Start => "start",
            PageId::Order => "order",
            PageId::Question => "question",
            PageId::Answer => "answer",
            PageId::File => "file",
            PageId::Sent => "sent",
            PageId::Track => "track",
            PageId::Mine => "mine",
        }
    }
}

/// What the portal tells the page it lives in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostEvent {
    /// The app has rendered its first page and answers taps.
    Ready,
    Navigate(PageId),
    /// An answer is on screen.
    Decision {
        request: RequestType,
        outcome: Outcome,
        clause: Clause,
    },
    /// The server confirmed a request filed from here (the request's id).
    Filed {
        id: String,
        request: RequestType,
    },
}

impl HostEvent {
    /// The DOM event's name.
    pub fn name(&self) -> &'static str {
        match self {
            HostEvent::Ready => "aftersales-ready",
            HostEvent::Navigate(_) => "aftersales-navigate",
            HostEvent::Decision { .. } => "aftersales-decision",
            HostEvent::Filed { .. } => "aftersales-filed",
        }
    }

    /// The event's `detail`, field by field: ids, never the customer's data.
    pub fn detail(&self) -> Vec<(&'static str, String)> {
        match self {
            HostEvent::Ready => vec![("version", VERSION.to_owned())],
            HostEvent::Navigate(page) => vec![("page", page.as_str().to_owned())],
            HostEvent::Decision {
                request,
                outcome,
                clause,
            } => vec![
                ("type", request.as_str().to_owned()),
                ("outcome", outcome.as_str().to_owned()),
                ("clause", clause.as_str().to_owned()),
            ],
            HostEvent::Filed { id, request } => {
                vec![("id", id.clone()), ("type", request.as_str().to_owned())]
            }
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn mount_element() -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .get_element_by_id(crate::browser::mount::MOUNT_ID)
}

thread_local! {
    static LAST: std::cell::RefCell<Option<HostEvent>> = const { std::cell::RefCell::new(None) };
}

/// [`emit`]s `event` unless it is the one told last (a page re-rendering, an
/// answer refreshed by the clock, tells the host page once).
pub fn emit_changed(event: HostEvent) {
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.as_ref() != Some(&event) {
            emit(&event);
            *last = Some(event);
        }
    });
}

/// Dispatches `event` on the mount element and keeps its state attributes.
#[cfg(target_arch = "wasm32")]
pub fn emit(event: &HostEvent) {
    use js_sys::{Object, Reflect};

    let Some(root) = mount_element() else {
        return;
    };
    match event {
        HostEvent::Ready => {
            let _ = root.set_attribute("data-ready", "");
            let _ = root.set_attribute("data-version", VERSION);
        }
        HostEvent::Navigate(page) => {
            let _ = root.set_attribute("data-page", page.as_str());
        }
        _ => {}
    }
    let detail = Object::new();
    for (field, value) in event.detail() {
        let _ = Reflect::set(&detail, &field.into(), &value.into());
    }
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_detail(&detail);
    if let Ok(dom_event) = web_sys::CustomEvent::new_with_event_init_dict(event.name(), &init) {
        let _ = root.dispatch_event(&dom_event);
    }
}

/// Calls `handle` with the string `field` of the `detail` of every `name`
/// event on the mount element, for the page's lifetime. (A boxed handler: one
/// closure type in the WASM for every request.)
#[cfg(target_arch = "wasm32")]
pub fn on_host_request(name: &str, field: &'static str, handle: Box<dyn Fn(String)>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Some(root) = mount_element() else {
        return;
    };
    let callback = Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
        if let Some(value) = js_sys::Reflect::get(&e.detail(), &field.into())
            .ok()
            .and_then(|v| v.as_string())
        {
            handle(value);
        }
    });
    let _ = root.add_event_listener_with_callback(name, callback.as_ref().unchecked_ref());
    callback.forget();
}

/// Nothing to tell outside a browser (the start page rendered at build time).
#[cfg(not(target_arch = "wasm32"))]
pub fn emit(_event: &HostEvent) {}

/// Loads the frame script unless the page already did.
#[cfg(target_arch = "wasm32")]
pub fn load_frame_script() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let loaded = document
        .query_selector(&format!("script[src=\"{FRAME_SCRIPT}\"]"))
        .ok()
        .flatten()
        .is_some();
    if loaded {
        return;
    }
    if let (Ok(script), Some(head)) = (document.create_element("script"), document.head()) {
        let _ = script.set_attribute("src", FRAME_SCRIPT);
        let _ = head.append_child(&script);
    }
}

/// Forgets the customer and opens `src` (a page of this origin) afresh, as the
/// store's page asked (`reset()` of `embed.js`).
#[cfg(target_arch = "wasm32")]
pub fn reset_to(src: &str) {
    let Some(Ok(origin)) = web_sys::window().map(|w| w.location().origin()) else {
        return;
    };
    if !src.starts_with(&format!("{origin}/")) {
        return;
    }
    crate::browser::storage::start_afresh(src);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_carry_ids_only() {
        let decision = HostEvent::Decision {
            request: RequestType::Return,
            outcome: Outcome::parse("allowed").unwrap(),
            clause: Clause::parse("return.within_window").unwrap(),
        };
        assert_eq!(decision.name(), "aftersales-decision");
        assert_eq!(
            decision.detail(),
            [
                ("type", "return".to_owned()),
                ("outcome", "allowed".to_owned()),
                ("clause", "return.within_window".to_owned()),
            ]
        );
        assert_eq!(
            HostEvent::Navigate(PageId::Question).detail(),
            [("page", "question".to_owned())]
        );
        assert_eq!(HostEvent::Ready.detail(), [("version", VERSION.to_owned())]);
        let filed = HostEvent::Filed {
            id: "0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11".into(),
            request: RequestType::Repair,
        };
        assert_eq!(filed.name(), "aftersales-filed");
        assert_eq!(
            filed.detail(),
            [
                ("id", "0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11".to_owned()),
                ("type", "repair".to_owned()),
            ]
        );
    }
}
