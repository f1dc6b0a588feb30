//! Several tabs of the portal share one outbox. One tab at a time sends
//! (Web Locks, else a lease in IndexedDB), and every tab hears about changes
//! (BroadcastChannel `aftersales`) so its pages can re-read the device store.
//!
//! For the UI: [`subscribe`] calls back on every [`Change`]; [`version`] counts
//! `Change::Stored` notices, for turning into a signal.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{BroadcastChannel, MessageEvent};

use crate::browser::idb::{self, Op, META};

const CHANNEL: &str = "aftersales";
const LOCK: &str = "aftersales-outbox";
const LEASE_KEY: &str = "sync-lease";
/// Longer than any pass (passes stop starting work after 5 minutes), so a
/// lease only expires when its tab is gone.
const LEASE_MS: f64 = 10.0 * 60.0 * 1000.0;
const MESSAGE: &str = "outbox";

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The outbox or "my requests" changed (here or in another tab): re-read
    /// `outbox::entries()` / `outbox::my_requests()`.
    Stored,
    /// Bytes of a photo upload went out: re-read `outbox::upload_progress()`.
    Progress,
}

type Listener = Rc<dyn Fn(Change)>;
/// The channel and its `onmessage` callback, kept alive together.
type Broadcast = (BroadcastChannel, Closure<dyn FnMut(MessageEvent)>);

thread_local! {
    static LISTENERS: RefCell<Vec<(u64, Listener)>> = const { RefCell::new(Vec::new()) };
    static NEXT_LISTENER: Cell<u64> = const { Cell::new(0) };
    static VERSION: Cell<u64> = const { Cell::new(0) };
    static BROADCAST: RefCell<Option<Broadcast>> = const { RefCell::new(None) };
    static TAB: String = crate::browser::ids::new_uuid();
}

/// Stops the callback when dropped; it holds only a number, so it can live in
/// a Leptos `on_cleanup` (which wants `Send + Sync`).
#[must_use = "the subscription ends when this is dropped"]
#[derive(Debug)]
pub struct Subscription(u64);

impl Drop for Subscription {
    fn drop(&mut self) {
        let id = self.0;
        LISTENERS.with(|l| l.borrow_mut().retain(|(n, _)| *n != id));
    }
}

/// Calls `listener` after every change, from this tab or another.
pub fn subscribe(listener: impl Fn(Change) + 'static) -> Subscription {
    listen_to_other_tabs();
    let id = NEXT_LISTENER.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    LISTENERS.with(|l| l.borrow_mut().push((id, Rc::new(listener))));
    Subscription(id)
}

/// How many `Change::Stored` notices this tab has seen; a cheap "has anything
/// changed" for a signal's refetch.
pub fn version() -> u64 {
    VERSION.with(Cell::get)
}

fn notify(change: Change) {
    if change == Change::Stored {
        VERSION.with(|v| v.set(v.get().wrapping_add(1)));
    }
    // Copied out first: a listener may subscribe or unsubscribe.
    let listeners: Vec<Listener> =
        LISTENERS.with(|l| l.borrow().iter().map(|(_, f)| f.clone()).collect());
    for listener in listeners {
        listener(change);
    }
}

/// The device store changed: this tab's listeners and every other tab's.
pub fn stored() {
    notify(Change::Stored);
    listen_to_other_tabs();
    BROADCAST.with(|b| {
        if let Some((channel, _)) = b.borrow().as_ref() {
            let _ = channel.post_message(&MESSAGE.into());
        }
    });
}

/// Upload progress: only this tab sends, so only this tab hears.
pub fn progressed() {
    notify(Change::Progress);
}

/// Opens the channel once; no BroadcastChannel (old Safari) just means other
/// tabs refresh on their next focus instead.
fn listen_to_other_tabs() {
    if cfg!(not(target_arch = "wasm32")) || BROADCAST.with(|b| b.borrow().is_some()) {
        return;
    }
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        if event.data().as_string().as_deref() == Some(MESSAGE) {
            notify(Change::Stored);
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    BROADCAST.with(|b| *b.borrow_mut() = Some((channel, on_message)));
}

/// Whether the work ran or another tab holds the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    Ran,
    Busy,
}

/// Runs `work` unless another tab is running its own (`ifAvailable`: never
/// queue behind it; the holder re-reads the outbox before letting go).
pub async fn exclusively<F, W>(work: W) -> Turn
where
    W: FnOnce() -> F + 'static,
    F: Future<Output = ()> + 'static,
{
    let work = Rc::new(RefCell::new(Some(work)));
    if let Some(turn) = with_web_lock(work.clone()).await {
        return turn;
    }
    let untouched = work.borrow_mut().take();
    match untouched {
        Some(work) => with_lease(work).await,
        None => Turn::Ran,
    }
}

/// `navigator.locks.request(LOCK, {ifAvailable: true}, cb)` through Reflect
/// (web-sys has it only behind an unstable cfg); `None` without Web Locks.
async fn with_web_lock<F, W>(work: Rc<RefCell<Option<W>>>) -> Option<Turn>
where
    W: FnOnce() -> F + 'static,
    F: Future<Output = ()> + 'static,
{
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into())
        .ok()
        .filter(JsValue::is_object)?;
    let request: Function = Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let options = Object::new();
    Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE).ok()?;
    let callback = Closure::once_into_js(move |lock: JsValue| -> Promise {
        match work.borrow_mut().take() {
            Some(work) if !lock.is_null() => future_to_promise(async move {
                work().await;
                Ok(JsValue::TRUE)
            }),
            _ => Promise::resolve(&JsValue::FALSE),
        }
    });
    // The lock is held until the callback's promise settles.
    let held = request
        .call3(&locks, &LOCK.into(), &options, &callback)
        .ok()?
        .dyn_into::<Promise>()
        .ok()?;
    let ran = JsFuture::from(held).await.ok()?;
    Some(if ran.is_truthy() {
        Turn::Ran
    } else {
        Turn::Busy
    })
}

#[derive(Serialize, Deserialize)]
struct Lease {
    owner: String,
    until: f64,
}

/// Without Web Locks (Safari before 15.4): a lease record, taken with an
/// atomic read-modify-write in IndexedDB.
async fn with_lease<F, W>(work: W) -> Turn
where
    W: FnOnce() -> F + 'static,
    F: Future<Output = ()> + 'static,
{
    let me = TAB.with(String::clone);
    let now = js_sys::Date::now();
    let owner = me.clone();
    let taken = idb::update(&[META], META, LEASE_KEY, move |current| {
        let lease = current
            .and_then(|v| v.as_string())
            .and_then(|s| serde_json::from_str::<Lease>(&s).ok());
        let free = lease.is_none_or(|l| l.owner == owner || l.until < now);
        let mine = Lease {
            owner,
            until: now + LEASE_MS,
        };
        match serde_json::to_string(&mine) {
            Ok(json) if free => (vec![Op::put_json(META, LEASE_KEY, json)], true),
            _ => (Vec::new(), false),
        }
    })
    .await;
    if taken != Ok(true) {
        return Turn::Busy;
    }
    work().await;
    let _ = idb::update(&[META], META, LEASE_KEY, move |current| {
        let ours = current
            .and_then(|v| v.as_string())
            .and_then(|s| serde_json::from_str::<Lease>(&s).ok())
            .is_some_and(|l| l.owner == me);
        (
            if ours {
                vec![Op::delete(META, LEASE_KEY)]
            } else {
                Vec::new()
            },
            (),
        )
    })
    .await;
    Turn::Ran
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_hear_changes_until_dropped() {
        let heard = Rc::new(RefCell::new(Vec::new()));
        let before = version();
        let sink = heard.clone();
        let subscription = subscribe(move |c| sink.borrow_mut().push(c));
        notify(Change::Stored);
        progressed();
        assert_eq!(*heard.borrow(), vec![Change::Stored, Change::Progress]);
        assert_eq!(version(), before + 1);
        drop(subscription);
        notify(Change::Stored);
        assert_eq!(heard.borrow().len(), 2);
        assert_eq!(version(), before + 2);
    }
}
