//! The requests app, the portal's second WASM bundle (`requests.html`,
//! bin `aftersales-requests`): filing a request from the self-check's answer,
//! the offline outbox's progress, "My requests" and tracking with feedback.
//!
//! It is loaded only when the customer files a request or opens "My requests",
//! so the outbox code (IndexedDB, XHR uploads, photo downscaling, tab locks)
//! stays out of the self-check's first load. Pages are hash routes like the
//! self-check's ([`Page`]):
//!
//! - `#/` "My requests": everything filed from this device ([`mine`]);
//! - `#/file/<type>`: the form, prefilled from the self-check's draft in
//!   `sessionStorage` ([`file`]);
//! - `#/o/<id>`: one request of the outbox: "saved on this device, sending…",
//!   "received" with its tracking code, photo progress, or what to fix ([`sent`]);
//! - `#/r/<id>?code=<code>`: one request from the server, on any device
//!   ([`track`]).
//!
//! In a kiosk's hidden frame it only delivers what waits ([`courier`]).

pub mod api;
pub mod contact;
pub mod courier;
mod file;
mod mine;
pub mod outbox;
pub mod photo;
mod sent;
mod track;
pub mod when;

use leptos::prelude::*;

use aftersales_rules::{RequestType, Timestamp};

use crate::browser::embed::{self, HostEvent, PageId};
use crate::browser::http::FetchError;
use crate::browser::mount::Mount;
use crate::browser::router::{encode, query_param, split_fragment, Fragment, HashRouter};
use crate::browser::tabs::{self, Change};
use crate::browser::{clock, http};
use crate::ui::brand::Brand;
use crate::ui::i18n::Lang;
use crate::ui::part::{Loading, Part};
use crate::ui::policy::{read_policy, Loaded};
use crate::ui::shell::{
    focus_title_on_navigation, header, manage_document, provide_language, NotFound,
};
use crate::ui::text::text;
use api::RequestStatus;

/// A page of the requests app, from the location's fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    /// `#/`: the requests filed from this device.
    Mine,
    /// `#/file/<type>`: the filing form.
    File(RequestType),
    /// `#/o/<id>`: one request of this device's outbox.
    Entry(String),
    /// `#/r/<id>?code=<code>`: one request, by id and tracking code.
    Track {
        id: String,
        code: String,
    },
    NotFound,
}

impl Page {
    /// The page a host page is told about (`browser::embed`).
    pub fn page_id(&self) -> Option<PageId> {
        match self {
            Page::Mine => Some(PageId::Mine),
            Page::File(_) => Some(PageId::File),
            Page::Entry(_) => Some(PageId::Sent),
            Page::Track { .. } => Some(PageId::Track),
            Page::NotFound => None,
        }
    }
}

impl Fragment for Page {
    fn parse(hash: &str) -> Page {
        let (segments, query) = split_fragment(hash);
        let code = query_param(query, "code");
        let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
        match (seg.as_slice(), code) {
            ([], _) | (["requests"], _) => Page::Mine,
            (["file", kind], _) => RequestType::parse(kind).map_or(Page::NotFound, Page::File),
            (["o", id], _) => Page::Entry((*id).to_owned()),
            (["r", id], Some(code)) => Page::Track {
                id: (*id).to_owned(),
                code,
            },
            _ => Page::NotFound,
        }
    }

    fn href(&self) -> String {
        match self {
            Page::Mine => "#/".to_owned(),
            Page::File(kind) => format!("#/file/{}", kind.as_str()),
            Page::Entry(id) => format!("#/o/{}", encode(id)),
            Page::Track { id, code } => format!("#/r/{}?code={}", encode(id), encode(code)),
            Page::NotFound => "#/not-found".to_owned(),
        }
    }
}

/// What every page needs, shared through context. All `Copy` handles.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub router: HashRouter<Page>,
    /// `policy.json` as fetched; `None` while loading.
    pub policy_text: RwSignal<Option<Result<String, FetchError>>>,
    /// The policy read by the engine ([`Ctx::read_policy`]); `None` until then.
    pub policy: RwSignal<Option<Loaded>>,
    pub mount: StoredValue<Mount>,
    /// The current instant, refreshed every second.
    pub clock: ReadSignal<Timestamp>,
    /// Counts changes of the device store (this tab or another): re-read.
    pub stored: ReadSignal<u64>,
    /// Counts this tab's photo upload progress reports.
    pub progress: ReadSignal<u64>,
    /// Counts the page regaining focus or becoming visible: refresh from the server.
    pub focus: ReadSignal<u64>,
    /// `navigator.onLine`.
    pub online: ReadSignal<bool>,
}

impl Ctx {
    /// Goes to `page` as a new history entry.
    pub fn go(&self, page: Page) {
        self.router.go(page);
    }

    /// Replaces the current history entry (after filing, so that "back" does not
    /// return to a form that would file the request again).
    pub fn replace(&self, page: Page) {
        self.router.redirect(page);
    }

    pub fn api_base(&self) -> String {
        self.mount
            .with_value(|m| m.api_base.clone())
            .unwrap_or_else(|| DEFAULT_API_BASE.to_owned())
    }

    /// A link into the self-check: `index.html#/return/answer`.
    pub fn self_check(&self, fragment: &str) -> String {
        self.mount
            .with_value(|m| format!("{}{fragment}", m.self_check))
    }

    /// The store's time zone as the policy names it, once the policy is
    /// fetched. Tracking shows only this, so it does not read the policy with the
    /// engine (which would then be in its part of the WASM too).
    pub fn store_zone(&self) -> Option<String> {
        self.policy_text.with(|fetched| {
            let text = fetched.as_ref()?.as_ref().ok()?;
            let policy: serde_json::Value = serde_json::from_str(text).ok()?;
            policy.get("time_zone")?.as_str().map(str::to_owned)
        })
    }

    /// Reads the policy with the engine once it is fetched, for the pages that
    /// need it (filing). It calls this, so the engine is in its part of the
    /// WASM, not in the app's core.
    pub fn read_policy(&self) {
        let ctx = *self;
        Effect::new(move |_| {
            let Some(fetched) = ctx.policy_text.get() else {
                return;
            };
            if ctx.policy.with_untracked(Option::is_some) {
                return;
            }
            match fetched {
                Err(error) => ctx.policy.set(Some(Loaded::Failed(error))),
                Ok(text) => {
                    let url = ctx.mount.with_value(|m| m.policy_url.clone());
                    leptos::task::spawn_local(async move {
                        let loaded = read_policy(&url, &text).await;
                        ctx.policy.set(Some(loaded));
                    });
                }
            }
        });
    }
}

/// Filing needs the backend: without `data-api-base` it is the page's `api/`.
pub(crate) const DEFAULT_API_BASE: &str = "api/";

/// The server's status in words.
pub fn status_text(l: Lang, status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::Received => tr!(l, requests.status_received),
        RequestStatus::InProgress => tr!(l, requests.status_in_progress),
        RequestStatus::Closed => tr!(l, requests.status_closed),
        RequestStatus::Rejected => tr!(l, requests.status_rejected),
        RequestStatus::Unknown => tr!(l, requests.status_unknown),
    }
}

/// `received`, `in_progress`, … for `data-status` attributes and CSS.
pub fn status_id(status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::Received => "received",
        RequestStatus::InProgress => "in_progress",
        RequestStatus::Closed => "closed",
        RequestStatus::Rejected => "rejected",
        RequestStatus::Unknown => "unknown",
    }
}

fn on_line() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// The requests app's pages in parts of their own (declared in its bin:
/// `src/bin/aftersales-requests.rs`).
pub struct Parts {
    pub mine: Part<()>,
    pub file: Part<RequestType>,
    pub entry: Part<String>,
    pub track: Part<Tracked>,
}

/// One request to track, by id and tracking code.
pub struct Tracked {
    pub id: String,
    pub code: String,
}

/// "My requests".
pub fn mine_page((): ()) -> AnyView {
    view! { <mine::MinePage /> }.into_any()
}

/// The filing form.
pub fn file_page(kind: RequestType) -> AnyView {
    view! { <file::FilePage kind /> }.into_any()
}

/// One request of this device's outbox.
pub fn entry_page(id: String) -> AnyView {
    view! { <sent::EntryPage id /> }.into_any()
}

/// One request from the server.
pub fn track_page(tracked: Tracked) -> AnyView {
    let Tracked { id, code } = tracked;
    view! { <track::TrackPage id code /> }.into_any()
}

#[component]
pub fn App(mount: Mount, parts: Parts) -> impl IntoView {
    let lang = provide_language(mount.lang);
    // Server messages (a 422's text) follow the page's language.
    Effect::new(move |_| http::set_language(lang.get().code()));

    let brand = RwSignal::new(Brand::default());
    let policy_text = RwSignal::new(None);
    {
        let (store_url, policy_url) = (mount.store_url.clone(), mount.policy_url.clone());
        let accent = mount.accent.clone();
        leptos::task::spawn_local(async move {
            policy_text.set(Some(http::fetch_text(&policy_url).await));
        });
        leptos::task::spawn_local(async move {
            brand.set(Brand::load(store_url).await.with_accent(accent.as_deref()))
        });
    }

    let router = HashRouter::<Page>::install();
    let clock = clock::ticking();

    // The device store and upload progress, from this tab and the others.
    let (stored, set_stored) = signal(0u64);
    let (progress, set_progress) = signal(0u64);
    let subscription = tabs::subscribe(move |change| match change {
        Change::Stored => set_stored.update(|n| *n += 1),
        Change::Progress => set_progress.update(|n| *n += 1),
    });
    // For the page's lifetime.
    std::mem::forget(subscription);

    let (focus, set_focus) = signal(0u64);
    let _ = window_event_listener(leptos::ev::focus, move |_| set_focus.update(|n| *n += 1));
    let _ = window_event_listener_untyped("visibilitychange", move |_| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible {
            set_focus.update(|n| *n += 1);
        }
    });
    let (online, set_online) = signal(on_line());
    let _ = window_event_listener(leptos::ev::online, move |_| set_online.set(true));
    let _ = window_event_listener(leptos::ev::offline, move |_| set_online.set(false));

    let manage = mount.manage_document;
    let home = format!("{}#/", mount.self_check);
    let in_kiosk = mount.kiosk;

    let ctx = Ctx {
        lang,
        router,
        policy_text,
        policy: RwSignal::new(None),
        mount: StoredValue::new(mount),
        clock,
        stored,
        progress,
        focus,
        online,
    };
    provide_context(ctx);
    outbox::start_sync_service(&ctx.api_base());

    if manage {
        manage_document(lang, brand, |l| tr!(l, portal.my_requests));
    }
    focus_title_on_navigation(move || router.route.track());

    // Each page is a part of the WASM of its own: the one shown is fetched
    // first, then the others, so that a page reached later (the outbox's after
    // filing) shows even if the network is gone by then.
    let (mine, file, entry, track) = (
        Loading::lazy(parts.mine),
        Loading::lazy(parts.file),
        Loading::lazy(parts.entry),
        Loading::lazy(parts.track),
    );
    Effect::new(move |_| {
        let shown = match router.route.get() {
            Page::File(_) => file.settled(),
            Page::Entry(_) => entry.settled(),
            Page::Track { .. } => track.settled(),
            Page::Mine => mine.settled(),
            Page::NotFound => true,
        };
        if shown && policy_text.with(Option::is_some) {
            mine.prefetch();
            file.prefetch();
            entry.prefetch();
            track.prefetch();
        }
    });
    #[cfg(target_arch = "wasm32")]
    Effect::new(move |_| {
        if policy_text.with(Option::is_some) {
            crate::browser::mount::ready();
        }
    });

    view! {
        <div
            class="asp asp-requests"
            lang=move || lang.get().code()
            style=move || brand.get().style()
        >
            {header(lang, brand, home, "#/".to_owned())}
            <div class="asp-page">
                {move || {
                    let page = router.route.get();
                    if let Some(id) = page.page_id() {
                        embed::emit_changed(HostEvent::Navigate(id));
                    }
                    match page {
                        Page::Mine if in_kiosk => {
                            if let Some(w) = web_sys::window() {
                                let _ = w.location().replace(&ctx.self_check("#/"));
                            }
                            ().into_any()
                        }
                        Page::Mine => mine.view(()),
                        Page::File(kind) => file.view(kind),
                        Page::Entry(id) => entry.view(id),
                        Page::Track { id, code } => track.view(Tracked { id, code }),
                        Page::NotFound => {
                            view! {
                                <NotFound>
                                    <a class="asp-button" href="#/">
                                        {text(|l| tr!(l, portal.my_requests))}
                                    </a>
                                    " "
                                    <a class="asp-secondary" href=ctx.self_check("#/")>
                                        {text(|l| tr!(l, requests.new_check))}
                                    </a>
                                </NotFound>
                            }
                                .into_any()
                        }
                    }
                }}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_trip_through_their_fragment() {
        for page in [
            Page::Mine,
            Page::File(RequestType::Return),
            Page::Entry("0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11".into()),
            Page::Track {
                id: "0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11".into(),
                code: "AB2CD3EF".into(),
            },
        ] {
            assert_eq!(Page::parse(&page.href()), page, "{}", page.href());
        }
        assert_eq!(Page::parse(""), Page::Mine);
        assert_eq!(Page::parse("#/requests"), Page::Mine);
        assert_eq!(Page::parse("#/file/refund"), Page::NotFound);
        assert_eq!(Page::parse("#/r/abc"), Page::NotFound);
        assert_eq!(Page::parse("#/elsewhere"), Page::NotFound);
    }
}
