//! The self-check app (`index.html`, bin `aftersales-portal`), the portal's
//! first load: "What do you need?" → the order → only the questions the answer
//! depends on → the answer, each step a hash route ([`route`]).
//!
//! - [`route`] the steps as URLs; [`flow`] which step comes next;
//! - [`start`], [`order`] (look-up, demo orders, hand entry), [`questions`],
//!   [`answer`] (the decision with its live countdown): one module per step;
//! - [`demo`] the demo orders, relative to now;
//! - `first_paint` (native only) the start page rendered into `index.html` at
//!   build time, shown before the WASM arrives.
//!
//! Filing and tracking are the requests app's; the check in progress reaches it
//! through [`crate::handover`].

pub mod answer;
pub mod demo;
#[cfg(not(target_arch = "wasm32"))]
pub mod first_paint;
pub mod flow;
pub mod order;
pub mod questions;
pub mod route;
pub mod start;

use std::sync::Arc;

use leptos::prelude::*;

use aftersales_rules::{Policy, RequestType, Timestamp};

use crate::browser::embed::{self, HostEvent};
use crate::browser::mount::Mount;
use crate::browser::router::{current_hash, Fragment};
use crate::browser::{clock, storage};
use crate::handover::{self, Draft};
use crate::ui::brand::Brand;
use crate::ui::i18n::Lang;
use crate::ui::policy::{load_policy, policy_problem, Loaded};
use crate::ui::shell::{
    focus_title_on_navigation, header, manage_document, provide_language, NotFound,
};
use crate::ui::text::{text, text_in};
use route::{Route, Router};

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
    pub mount: StoredValue<Mount>,
}

impl Portal {
    /// Goes to the first missing step of `kind` (or its answer).
    pub fn continue_with(&self, kind: RequestType) {
        let next = self.draft.with_untracked(|d| {
            self.policy
                .with_value(|p| flow::next_step(d, p, kind, self.clock.get_untracked()))
        });
        self.router.go(next);
    }
}

#[component]
pub fn App(mount: Mount) -> impl IntoView {
    let lang = provide_language(mount.lang);
    // Plain signals filled by one task rather than resources: the async-derived
    // machinery behind LocalResource costs several KB of WASM for two fetches.
    let brand = RwSignal::new(Brand::default());
    // Nothing but a status line until the store file and the policy are both in:
    // the header, page and footer then appear in one go, with no layout shift.
    let brand_ready = RwSignal::new(false);
    let policy: RwSignal<Option<Loaded>> = RwSignal::new(None);
    {
        let (store_url, policy_url) = (mount.store_url.clone(), mount.policy_url.clone());
        let accent = mount.accent.clone();
        leptos::task::spawn_local(async move { policy.set(Some(load_policy(policy_url).await)) });
        leptos::task::spawn_local(async move {
            brand.set(Brand::load(store_url).await.with_accent(accent.as_deref()));
            brand_ready.set(true);
        });
    }
    if mount.manage_document {
        manage_document(lang, brand, |l| tr!(l, portal.title));
    }
    let my_requests = mount.requests_page("#/");
    let mount = StoredValue::new(mount);
    // The start page painted into index.html at build time stays until this
    // app's own page is in.
    #[cfg(target_arch = "wasm32")]
    Effect::new(move |_| {
        if brand_ready.get() && policy.with(Option::is_some) {
            crate::browser::mount::ready();
        }
    });

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
                    {header(lang, brand, "#/".to_owned(), my_requests.clone())}
                    {move || match policy.get() {
                        Some(Loaded::Ready(policy)) => {
                            view! { <Pages policy lang mount /> }.into_any()
                        }
                        Some(problem) => policy_problem(problem),
                        None => ().into_any(),
                    }}
                    {footer(lang)}
                }
                    .into_any()
            }}
        </div>
    }
}

/// "Forget this device": wipes what the portal keeps and starts over.
fn footer(lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <footer class="asp-footer">
            <button
                type="button"
                class="asp-link-button"
                on:click=move |_| {
                    let here = web_sys::window().and_then(|w| w.location().href().ok());
                    if let Some(here) = here {
                        let page = here.split('#').next().unwrap_or_default();
                        storage::start_afresh(&format!("{page}#/"));
                    }
                }
            >
                {text_in(lang, |l| tr!(l, portal.forget_device))}
            </button>
        </footer>
    }
}

/// The routed pages, once the policy is loaded.
#[component]
fn Pages(policy: Arc<Policy>, lang: RwSignal<Lang>, mount: StoredValue<Mount>) -> impl IntoView {
    let router = Router::install();
    // A check opened from another device's link (a kiosk's "continue on my
    // phone") replaces this tab's; the link's draft then leaves the address bar.
    let (draft, linked) = handover::draft_from_link_or_tab(&current_hash()).unwrap_or_default();
    if linked {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let href = router.route.get_untracked().href();
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
        }
    }
    let draft = RwSignal::new(draft);
    Effect::new(move |_| draft.with(handover::save_draft));
    let clock = clock::ticking();
    let portal = Portal {
        lang,
        router,
        draft,
        policy: StoredValue::new(policy),
        clock,
        mount,
    };
    provide_context(portal);

    // A deep link into the middle of the flow without the earlier answers (a new
    // tab, a shared link) goes to the first step still missing, in place.
    Effect::new(move |_| {
        let route = router.route.get();
        let allowed = draft.with_untracked(|d| flow::allows(d, &route));
        if !allowed {
            if let Some(kind) = route.request() {
                let next = draft.with_untracked(|d| {
                    portal
                        .policy
                        .with_value(|p| flow::next_step(d, p, kind, clock.get_untracked()))
                });
                router.redirect(next);
            }
        }
    });

    focus_title_on_navigation(move || router.route.track());

    // Requests saved on this device but not yet sent (the requests app keeps the
    // count): the customer is pointed there, where they are sent.
    let pending = handover::outbox_pending();

    view! {
        {pending
            .then(|| {
                view! {
                    <p class="asp-banner" role="status">
                        <a href=mount
                            .with_value(|m| {
                                m.requests_page("#/")
                            })>{text(|l| tr!(l, requests.pending_banner))}</a>
                    </p>
                }
            })}
        <div class="asp-page">
            {move || {
                let route = router.route.get();
                if let Some(page) = route.page_id() {
                    embed::emit_changed(HostEvent::Navigate(page));
                }
                match route {
                    Route::Start => view! { <start::StartPage /> }.into_any(),
                    Route::Order { request, number } => {
                        view! { <order::OrderPage request number /> }.into_any()
                    }
                    Route::Manual(request) => view! { <order::ManualPage request /> }.into_any(),
                    Route::Items(request) => view! { <questions::ItemsPage request /> }.into_any(),
                    Route::Reason(request) => view! { <questions::ReasonPage request /> }.into_any(),
                    Route::About => view! { <questions::AboutPage /> }.into_any(),
                    Route::Ask(request, condition) => {
                        view! { <questions::AskPage request condition /> }.into_any()
                    }
                    Route::Answer(request) => view! { <answer::AnswerPage request /> }.into_any(),
                    Route::File(_) | Route::Requests | Route::Track { .. } => {
                        if let (Some(page), Some(w)) = (
                            route.requests_fragment(),
                            web_sys::window(),
                        ) {
                            let _ = w
                                .location()
                                .replace(&mount.with_value(|m| m.requests_page(&page)));
                        }
                        ().into_any()
                    }
                    Route::NotFound => {
                        // Filing and tracking live in the requests app; old links go there.
                        view! {
                            <NotFound>
                                <a class="asp-button" href="#/">
                                    {text(|l| tr!(l, portal.start_over))}
                                </a>
                            </NotFound>
                        }
                            .into_any()
                    }
                }
            }}
        </div>
    }
}
