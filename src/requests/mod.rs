//! The requests app (issue 5), the portal's second WASM bundle (`requests.html`,
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

mod file;
mod mine;
pub mod qr;
mod sent;
mod track;
pub mod when;

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use aftersales_rules::{Policy, RequestType, Timestamp};

use crate::api::{self, RequestStatus};
use crate::app::{self, focus_page_title, load_policy, text_in, Loaded};
use crate::brand::Brand;
use crate::browser;
use crate::i18n::Lang;
use crate::outbox;
use crate::route::{encode, query_param, split_fragment};
use crate::tabs::{self, Change};

/// How the host page configured the app (attributes of the mount element).
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where `policy.json` is (`data-policy-url`).
    pub policy_url: String,
    /// The store's branding file (`data-store-url`), if any.
    pub store_url: Option<String>,
    /// The backend's API base (`data-api-base`, default `api/`).
    pub api_base: String,
    /// The app owns the page and may set `<html lang>` and the title.
    pub manage_document: bool,
    /// The self-check's page, relative to this one (`data-self-check`, default
    /// `index.html`).
    pub self_check: String,
}

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
    /// Parses a location fragment, with or without the leading `#`.
    pub fn parse(hash: &str) -> Page {
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

    /// The fragment for this page, `#/…`.
    pub fn href(&self) -> String {
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
    pub page: RwSignal<Page>,
    /// `None` while loading.
    pub policy: RwSignal<Option<Loaded>>,
    pub config: StoredValue<Config>,
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
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            if location.set_hash(&page.href()).is_ok() {
                return;
            }
        }
        self.page.set(page);
    }

    /// Replaces the current history entry (after filing, so that "back" does not
    /// return to a form that would file the request again).
    pub fn replace(&self, page: Page) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&page.href()),
            );
        }
        self.page.set(page);
    }

    pub fn api_base(&self) -> String {
        self.config.with_value(|c| c.api_base.clone())
    }

    /// A link into the self-check: `index.html#/return/answer`.
    pub fn self_check(&self, fragment: &str) -> String {
        self.config
            .with_value(|c| format!("{}{fragment}", c.self_check))
    }

    /// The store's time zone, once the policy is loaded.
    pub fn policy(&self) -> Option<Arc<Policy>> {
        match self.policy.get() {
            Some(Loaded::Ready(p)) => Some(p),
            _ => None,
        }
    }
}

/// A fixed text of the translation files that follows the language switch.
pub fn t(f: fn(Lang) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    text_in(expect_context::<Ctx>().lang, f)
}

/// [`t`] as a `Signal<String>` (labels of `input_field`).
pub fn label(f: fn(Lang) -> &'static str) -> Signal<String> {
    let text = t(f);
    Signal::derive(move || text().to_owned())
}

/// The separator after a label: full-width in Chinese (`查询码：`), `: ` in English.
pub fn colon(l: Lang) -> &'static str {
    match l {
        Lang::Zh => "：",
        Lang::En => ": ",
    }
}

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

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn on_line() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

#[component]
pub fn RequestsApp(config: Config) -> impl IntoView {
    let lang = RwSignal::new(browser::initial_lang());
    // Server messages (a 422's text) follow the page's language.
    Effect::new(move |_| api::set_language(lang.get().code()));

    let brand = RwSignal::new(Brand::default());
    let policy: RwSignal<Option<Loaded>> = RwSignal::new(None);
    {
        let (store_url, policy_url) = (config.store_url.clone(), config.policy_url.clone());
        leptos::task::spawn_local(async move { policy.set(Some(load_policy(policy_url).await)) });
        leptos::task::spawn_local(async move { brand.set(Brand::load(store_url).await) });
    }

    let page = RwSignal::new(Page::parse(&current_hash()));
    let _ = window_event_listener(leptos::ev::hashchange, move |_| {
        page.set(Page::parse(&current_hash()));
    });

    let (clock, set_clock) = signal(browser::now());
    let _ = set_interval_with_handle(
        move || set_clock.set(browser::now()),
        Duration::from_secs(1),
    );

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

    outbox::start_sync_service(&config.api_base);

    let manage_document = config.manage_document;
    let home = format!("{}#/", config.self_check);
    let ctx = Ctx {
        lang,
        page,
        policy,
        config: StoredValue::new(config),
        clock,
        stored,
        progress,
        focus,
        online,
    };
    provide_context(ctx);

    if manage_document {
        app::manage_document(lang, brand, |l| tr!(l, portal.my_requests));
    }

    // Focus the new page's heading after a navigation (not on the first render).
    Effect::new(move |first: Option<()>| {
        page.track();
        if first.is_some() {
            request_animation_frame(focus_page_title);
        }
    });

    view! {
        <div class="asp asp-requests" lang=move || lang.get().code() style=move || brand.get().style()>
            {app::header(lang, brand, home, "#/")}
            <div class="asp-page">
                {move || match page.get() {
                    Page::Mine => view! { <mine::MinePage /> }.into_any(),
                    Page::File(kind) => view! { <file::FilePage kind /> }.into_any(),
                    Page::Entry(id) => view! { <sent::EntryPage id /> }.into_any(),
                    Page::Track { id, code } => view! { <track::TrackPage id code /> }.into_any(),
                    Page::NotFound => view! { <NotFound /> }.into_any(),
                }}
            </div>
        </div>
    }
}

/// A page heading that receives focus after navigation.
pub fn page_title(text: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    view! {
        <h2 id=crate::app::PAGE_TITLE_ID class="asp-page-title" tabindex="-1">
            {text}
        </h2>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        {page_title(move || t(|l| tr!(l, portal.not_found))().to_owned())}
        <p>
            <a class="asp-button" href="#/">
                {t(|l| tr!(l, portal.my_requests))}
            </a>
            " "
            <a class="asp-secondary" href=ctx.self_check("#/")>
                {t(|l| tr!(l, requests.new_check))}
            </a>
        </p>
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

    /// Every text of the requests namespace: no English words in the Chinese UI.
    #[test]
    fn chinese_texts_have_no_english_words() {
        let zh: serde_json::Value =
            serde_json::from_str(include_str!("../../locales/zh-CN/requests.json")).unwrap();
        let en: serde_json::Value =
            serde_json::from_str(include_str!("../../locales/en/requests.json")).unwrap();
        let zh = zh.as_object().unwrap();
        assert_eq!(zh.len(), en.as_object().unwrap().len());
        for (key, text) in zh {
            let text = text.as_str().unwrap();
            let bare: String = text
                .split("{{")
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part
                    } else {
                        part.split_once("}}").map_or("", |x| x.1)
                    }
                })
                .collect();
            assert!(
                !bare.chars().any(|c| c.is_ascii_alphabetic()),
                "requests.{key}: {text}"
            );
        }
    }
}
