//! The self-check app (`index.html`, bin `aftersales-portal`), the portal's
//! first load: "What do you need?" → the order → only the questions the answer
//! depends on → the answer, each step a hash route ([`route`]).
//!
//! - [`route`] the steps as URLs; [`flow`] which step comes next;
//! - [`start`], [`order`] (look-up, demo orders, hand entry), [`questions`],
//!   [`answer`] (the decision with its live countdown): one module per step;
//! - [`steps`] everything after the start page (the pages above but [`start`],
//!   the engine, reading the policy): a part of the WASM of its own, fetched
//!   once the start page shows (`ui::part`);
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
pub mod steps;

use std::sync::Arc;

use leptos::prelude::*;

use aftersales_rules::{Policy, RequestType, Timestamp};

use crate::browser::embed::{self, HostEvent};
use crate::browser::http::{self, FetchError};
use crate::browser::mount::Mount;
use crate::browser::storage;
use crate::handover::{self, Draft};
use crate::ui::brand::Brand;
use crate::ui::i18n::Lang;
use crate::ui::part::{Loading, Part};
use crate::ui::policy::{policy_problem, Loaded};
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
pub fn App(mount: Mount, steps: Part<steps::Entry>) -> impl IntoView {
    let lang = provide_language(mount.lang);
    // Plain signals filled by one task rather than resources: the async-derived
    // machinery behind LocalResource costs several KB of WASM for two fetches.
    let brand = RwSignal::new(Brand::default());
    // Nothing but a status line until the store file and the policy are both in:
    // the header, page and footer then appear in one go, with no layout shift.
    let brand_ready = RwSignal::new(false);
    // The policy's text: the start page does not need it read, and reading it
    // (the engine's loader) is part of the steps, loaded on demand.
    let policy: RwSignal<Option<Result<String, FetchError>>> = RwSignal::new(None);
    {
        let (store_url, policy_url) = (mount.store_url.clone(), mount.policy_url.clone());
        let accent = mount.accent.clone();
        leptos::task::spawn_local(async move {
            policy.set(Some(http::fetch_text(&policy_url).await));
        });
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
    // The page painted into index.html at build time stays until this app's own
    // page is in: for a step, once the steps' part shows it (`steps`).
    #[cfg(target_arch = "wasm32")]
    Effect::new(move |_| {
        let shown = brand_ready.get()
            && policy.with(|p| match p {
                None => false,
                Some(Err(_)) => true,
                Some(Ok(_)) => {
                    use crate::browser::router::{current_hash, Fragment};
                    !Route::parse(&current_hash()).is_step()
                }
            });
        if shown {
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
                        Some(Err(error)) => policy_problem(Loaded::Failed(error)),
                        Some(Ok(policy)) => view! { <Pages policy lang mount steps /> }.into_any(),
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

/// The routed pages. The start page is part of the first load; every later
/// step is in [`steps`], a part of the WASM fetched on demand (`scripts/build-portal.sh`
/// splits it off), which the start page starts fetching as soon as it shows.
#[component]
fn Pages(
    policy: String,
    lang: RwSignal<Lang>,
    mount: StoredValue<Mount>,
    steps: Part<steps::Entry>,
) -> impl IntoView {
    let router = Router::install();
    focus_title_on_navigation(move || router.route.track());
    Effect::new(move |_| {
        if let Some(page) = router.route.with(Route::page_id) {
            embed::emit_changed(HostEvent::Navigate(page));
        }
    });
    let policy = StoredValue::new(policy);
    let steps = Loading::start(steps);
    // One steps view across the steps of a check (its draft and clock live on);
    // a new one only after leaving them.
    let in_steps = Memo::new(move |_| router.route.with(Route::is_step));

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
                if in_steps.get() {
                    return steps
                        .view(steps::Entry {
                            router,
                            policy: policy.get_value(),
                            lang,
                            mount,
                        });
                }
                let route = router.route.get();
                match route {
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
                    _ => view! { <start::StartPage /> }.into_any(),
                }
            }}
        </div>
    }
}
