//! The portal's shell: configuration, policy and store loading, the header, and
//! which page the current route shows.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use aftersales_rules::{Policy, RequestType, Timestamp};

use crate::brand::Brand;
use crate::browser::{self, FetchError};
use crate::draft::Draft;
use crate::i18n::Lang;
use crate::route::{Route, Router};

/// How the host page configured the portal (attributes of the mount element).
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where `policy.json` is (`data-policy-url`).
    pub policy_url: String,
    /// The store's branding file (`data-store-url`), if any.
    pub store_url: Option<String>,
    /// The backend's API base (`data-api-base`, e.g. `api/`); without it orders
    /// are entered by hand.
    pub api_base: Option<String>,
    /// Offer the demo orders (`data-demo="true"`).
    pub demo: bool,
    /// The portal owns the page and may set `<html lang>` and the title.
    pub manage_document: bool,
}

/// What every page needs, shared through context. All `Copy` handles.
#[derive(Clone, Copy)]
pub struct Portal {
    pub lang: RwSignal<Lang>,
    pub router: Router,
    /// The self-check in progress (kept in session storage).
    pub draft: RwSignal<Draft>,
    pub policy: StoredValue<Arc<Policy>>,
    /// The current instant, refreshed every second (countdowns, expiring windows).
    pub clock: ReadSignal<Timestamp>,
    pub config: StoredValue<Config>,
}

impl Portal {
    /// Goes to the first missing step of `kind` (or its answer).
    pub fn continue_with(&self, kind: RequestType) {
        let next = self.draft.with_untracked(|d| {
            self.policy
                .with_value(|p| d.next_step(p, kind, self.clock.get_untracked()))
        });
        self.router.go(next);
    }
}

/// A fixed text of the translation files that follows the language switch:
/// `text(|l| tr!(l, portal.back))`. Every call gives the same closure type, so
/// Leptos compiles its reactive-text code once instead of once per string (a
/// closure per string cost tens of KB of WASM).
pub fn text(f: fn(Lang) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    text_in(expect_context::<Portal>().lang, f)
}

/// [`text`] for the shell, before the portal's context exists.
pub fn text_in(
    lang: RwSignal<Lang>,
    f: fn(Lang) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync {
    move || f(lang.get())
}

/// What loading `policy.json` came to.
#[derive(Clone)]
pub enum Loaded {
    Ready(Arc<Policy>),
    Invalid(Vec<String>),
    Failed(FetchError),
}

/// Fetches `policy.json` and validates it with the engine.
pub async fn load_policy(url: String) -> Loaded {
    match browser::fetch_text(&url).await {
        Err(e) => Loaded::Failed(e),
        Ok(text) => match Policy::from_json(&text) {
            Ok(p) => Loaded::Ready(Arc::new(p)),
            Err(errors) => Loaded::Invalid(errors.0.iter().map(ToString::to_string).collect()),
        },
    }
}

#[component]
pub fn App(config: Config) -> impl IntoView {
    let lang = RwSignal::new(browser::initial_lang());
    // Plain signals filled by one task rather than resources: the async-derived
    // machinery behind LocalResource costs several KB of WASM for two fetches.
    let brand = RwSignal::new(Brand::default());
    // Nothing but a status line until the store file and the policy are both in:
    // the header, page and footer then appear in one go, with no layout shift.
    let brand_ready = RwSignal::new(false);
    let policy: RwSignal<Option<Loaded>> = RwSignal::new(None);
    {
        let (store_url, policy_url) = (config.store_url.clone(), config.policy_url.clone());
        leptos::task::spawn_local(async move { policy.set(Some(load_policy(policy_url).await)) });
        leptos::task::spawn_local(async move {
            brand.set(Brand::load(store_url).await);
            brand_ready.set(true);
        });
    }
    if config.manage_document {
        manage_document(lang, brand, |l| tr!(l, portal.title));
    }
    let config = StoredValue::new(config);

    view! {
        <div class="asp" lang=move || lang.get().code() style=move || brand.get().style()>
            {move || {
                if !brand_ready.get() || policy.with(Option::is_none) {
                    return view! {
                        <p class="asp-status" role="status">
                            {text_in(lang, |l| tr!(l, portal.loading))}
                        </p>
                    }
                        .into_any();
                }
                view! {
            {header(lang, brand, "#/".to_owned(), "requests.html#/")}
            {move || match policy.get() {
                None => ().into_any(),
                Some(Loaded::Ready(policy)) => view! { <Pages policy lang config /> }.into_any(),
                Some(Loaded::Invalid(errors)) => view! { <PolicyInvalid errors lang /> }.into_any(),
                Some(Loaded::Failed(error)) => view! { <LoadFailed error lang /> }.into_any(),
            }}
            <footer class="asp-footer">
                <button
                    type="button"
                    class="asp-link-button"
                    on:click=move |_| {
                        browser::wipe_customer_data();
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().set_hash("#/");
                            let _ = w.location().reload();
                        }
                    }
                >
                    {text_in(lang, |l| tr!(l, portal.forget_device))}
                </button>
            </footer>
                }
                    .into_any()
            }}
        </div>
    }
}

/// The header of both apps: the store's logo and name with the service's title
/// (the portal's one h1, a link to `home`), "My requests" and the language switch.
/// A host page that embeds the portal keeps its own h1 above it.
pub fn header(
    lang: RwSignal<Lang>,
    brand: RwSignal<Brand>,
    home: String,
    requests: &'static str,
) -> impl IntoView {
    // Only an explicit choice is remembered; otherwise the browser's language rules.
    let switch_lang = move |_| {
        lang.update(|l| *l = l.other());
        browser::store("lang", lang.get_untracked().code());
    };
    view! {
        <header class="asp-header">
            <h1 class="asp-heading">
                <a class="asp-home" href=home>
                    {move || {
                        brand.get().logo.map(|src| view! { <img class="asp-logo" src=src alt="" /> })
                    }}
                    <span class="asp-brand">
                        <span class="asp-store">{move || brand.get().name(lang.get()).to_owned()}</span>
                        <span class="asp-title">{text_in(lang, |l| tr!(l, portal.title))}</span>
                    </span>
                </a>
            </h1>
            <nav class="asp-nav" aria-label=text_in(lang, |l| tr!(l, portal.nav_label))>
                <a class="asp-nav-link" href=requests>
                    {text_in(lang, |l| tr!(l, portal.my_requests))}
                </a>
                <button type="button" class="asp-lang" on:click=switch_lang>
                    <span class="asp-sr">{text_in(lang, |l| tr!(l, portal.switch_label))} ": "</span>
                    <span lang=move || lang.get().other().code()>
                        {move || lang.get().other().endonym()}
                    </span>
                </button>
            </nav>
        </header>
    }
}

/// When the portal owns the page: `<html lang>` and the title (`title · store`)
/// follow the language.
pub fn manage_document(
    lang: RwSignal<Lang>,
    brand: RwSignal<Brand>,
    title: fn(Lang) -> &'static str,
) {
    Effect::new(move |_| {
        let l = lang.get();
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(root) = doc.document_element() {
            let _ = root.set_attribute("lang", l.code());
        }
        let name = brand.get().name(l).to_owned();
        let title = title(l);
        doc.set_title(&if name.is_empty() {
            title.to_owned()
        } else {
            format!("{title} · {name}")
        });
    });
}

/// The routed pages, once the policy is loaded.
#[component]
fn Pages(policy: Arc<Policy>, lang: RwSignal<Lang>, config: StoredValue<Config>) -> impl IntoView {
    let router = Router::install();
    let draft = RwSignal::new(
        browser::load_session("draft")
            .and_then(|json| serde_json::from_str::<Draft>(&json).ok())
            .unwrap_or_default(),
    );
    Effect::new(move |_| {
        draft.with(|d| {
            if let Ok(json) = serde_json::to_string(d) {
                browser::store_session("draft", &json);
            }
        })
    });
    let (clock, set_clock) = signal(browser::now());
    let tick = set_interval_with_handle(
        move || set_clock.set(browser::now()),
        Duration::from_secs(1),
    );
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    let portal = Portal {
        lang,
        router,
        draft,
        policy: StoredValue::new(policy),
        clock,
        config,
    };
    provide_context(portal);

    // A deep link into the middle of the flow without the earlier answers (a new
    // tab, a shared link) goes to the first step still missing, in place.
    Effect::new(move |_| {
        let route = router.route.get();
        let allowed = draft.with_untracked(|d| d.allows(&route));
        if !allowed {
            if let Some(kind) = route.request() {
                let next = draft.with_untracked(|d| {
                    portal
                        .policy
                        .with_value(|p| d.next_step(p, kind, clock.get_untracked()))
                });
                router.redirect(next);
            }
        }
    });

    // Moves focus to the new page's heading after a navigation (not on the first
    // render), so screen readers and keyboards start at the top of the new step.
    Effect::new(move |first: Option<()>| {
        router.route.track();
        if first.is_some() {
            request_animation_frame(focus_page_title);
        }
    });

    // Requests saved on this device but not yet sent (the requests app keeps the
    // count): the customer is pointed there, where they are sent.
    let pending = browser::load("outbox-pending").is_some();

    view! {
        {pending
            .then(|| {
                view! {
                    <p class="asp-banner" role="status">
                        <a href="requests.html#/">{text(|l| tr!(l, requests.pending_banner))}</a>
                    </p>
                }
            })}
        <div class="asp-page">
            {move || {
                let route = router.route.get();
                match route {
                    Route::Start => view! { <crate::start::StartPage /> }.into_any(),
                    Route::Order { request, number } => {
                        view! { <crate::order::OrderPage request number /> }.into_any()
                    }
                    Route::Manual(request) => {
                        view! { <crate::order::ManualPage request /> }.into_any()
                    }
                    Route::Items(request) => {
                        view! { <crate::questions::ItemsPage request /> }.into_any()
                    }
                    Route::Reason(request) => {
                        view! { <crate::questions::ReasonPage request /> }.into_any()
                    }
                    Route::About => view! { <crate::questions::AboutPage /> }.into_any(),
                    Route::Ask(request, condition) => {
                        view! { <crate::questions::AskPage request condition /> }.into_any()
                    }
                    Route::Answer(request) => {
                        view! { <crate::answer::AnswerPage request /> }.into_any()
                    }
                    // Filing and tracking live in the requests app; old links go there.
                    Route::File(_) | Route::Requests | Route::Track { .. } => {
                        if let (Some(href), Some(w)) = (route.requests_href(), web_sys::window()) {
                            let _ = w.location().replace(&href);
                        }
                        ().into_any()
                    }
                    Route::NotFound => {
                        view! { <NotFound /> }.into_any()
                    }
                }
            }}
        </div>
    }
}

/// Focuses the page's `<h2>` and scrolls it into view (after a navigation).
pub fn focus_page_title() {
    if let Some(el) = focus_by_id(PAGE_TITLE_ID) {
        el.scroll_into_view();
    }
}

/// Focuses the element with `id`, if it is there.
pub fn focus_by_id(id: &str) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let el = web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()?;
    let _ = el.focus();
    Some(el)
}

/// The id of every page's `<h2>`, focused after navigation.
pub const PAGE_TITLE_ID: &str = "asp-page-title";

/// A page heading that receives focus after navigation.
#[component]
pub fn PageTitle(#[prop(into)] text: Signal<String>) -> impl IntoView {
    view! {
        <h2 id=PAGE_TITLE_ID class="asp-page-title" tabindex="-1">
            {move || text.get()}
        </h2>
    }
}

/// A link back to an earlier step.
#[component]
pub fn BackLink(route: Route) -> impl IntoView {
    let portal = expect_context::<Portal>();
    view! {
        <a class="asp-back" href=route.href()>
            <span aria-hidden="true">"‹ "</span>
            {move || tr!(portal.lang.get(), portal.back)}
        </a>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <PageTitle text=Signal::derive(text(|l| tr!(l, portal.not_found)).to_owned()) />
        <p>
            <a class="asp-button" href="#/">
                {text(|l| tr!(l, portal.start_over))}
            </a>
        </p>
    }
}

#[component]
fn PolicyInvalid(errors: Vec<String>, lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <div class="asp-alert" role="alert">
            <p class="asp-alert-title">{text_in(lang, |l| tr!(l, portal.policy_invalid))}</p>
            <p>{text_in(lang, |l| tr!(l, portal.policy_invalid_hint))}</p>
            // Field paths and messages come from the engine; they are technical and
            // stay as written (lang="en") for the store's staff.
            <ul class="asp-errors" lang="en">
                {errors.into_iter().map(|e| view! { <li><code>{e}</code></li> }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn LoadFailed(error: FetchError, lang: RwSignal<Lang>) -> impl IntoView {
    let detail = match error {
        FetchError::Status(code) => Some(code),
        FetchError::Network(_) => None,
    };
    view! {
        <div class="asp-alert" role="alert">
            <p class="asp-alert-title">{text_in(lang, |l| tr!(l, portal.load_failed))}</p>
            {detail
                .map(|code| {
                    view! { <p>{text_in(lang, |l| tr!(l, portal.load_failed_status))} " " {code}</p> }
                })}
        </div>
    }
}
