//! The steps of a check after the start page (order, questions, answer), with
//! the policy read by the engine.
//!
//! In release builds they are a part of the self-check's WASM of their own
//! (`ui::part`, declared in `src/main.rs`): [`view`] and all it alone reaches
//! (the engine, the policy loader, the pages) are fetched as soon as the start
//! page shows, or with the first load on a link into a step.

use std::sync::Arc;

use leptos::prelude::*;

use crate::browser::clock;
use crate::browser::mount::Mount;
use crate::browser::router::{current_hash, Fragment};
use crate::handover;
use crate::self_check::route::{Route, Router};
use crate::self_check::{answer, flow, order, questions, Portal};
use crate::ui::i18n::Lang;
use crate::ui::policy::{policy_problem, read_policy, Loaded};

/// What the steps start from, all handed over by the start page's part.
pub struct Entry {
    pub router: Router,
    /// `policy.json` as fetched, read here.
    pub policy: String,
    pub lang: RwSignal<Lang>,
    pub mount: StoredValue<Mount>,
}

/// The steps, from the start page's hand-over.
pub fn view(entry: Entry) -> AnyView {
    view! { <Steps entry /> }.into_any()
}

/// The policy read, then the steps.
#[component]
fn Steps(entry: Entry) -> impl IntoView {
    let Entry {
        router,
        policy,
        lang,
        mount,
    } = entry;
    let loaded: RwSignal<Option<Loaded>> = RwSignal::new(None);
    let url = mount.with_value(|m| m.policy_url.clone());
    leptos::task::spawn_local(async move { loaded.set(Some(read_policy(&url, &policy).await)) });
    #[cfg(target_arch = "wasm32")]
    Effect::new(move |_| {
        if loaded.with(Option::is_some) {
            crate::browser::mount::ready();
        }
    });
    move || match loaded.get() {
        Some(Loaded::Ready(policy)) => view! { <Flow policy router lang mount /> }.into_any(),
        Some(problem) => policy_problem(problem),
        None => ().into_any(),
    }
}

/// The steps of one check: its draft, clock and routes.
#[component]
fn Flow(
    policy: Arc<aftersales_rules::Policy>,
    router: Router,
    lang: RwSignal<Lang>,
    mount: StoredValue<Mount>,
) -> impl IntoView {
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

    move || match router.route.get() {
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
        // The start page's part shows the others.
        Route::Start | Route::File(_) | Route::Requests | Route::Track { .. } | Route::NotFound => {
            ().into_any()
        }
    }
}
