//! The self-check page: load the policy, pick an order and a request, show the decision.

use std::sync::Arc;

use leptos::prelude::*;

use aftersales_rules::case::{Request, QUALITY_DEFECT};
use aftersales_rules::decision::ComplaintAbout;
use aftersales_rules::policy::ReturnRule;
use aftersales_rules::{check, Case, CaseError, Decision, Policy, RequestType, Timestamp};

use crate::browser::{self, FetchError};
use crate::demo::{DemoOrder, ORDERS};
use crate::i18n::{self, Lang, Terms};
use crate::result::ResultView;

/// What loading `policy.json` came to.
#[derive(Clone)]
enum Loaded {
    Ready(Arc<Policy>),
    Invalid(Vec<String>),
    Failed(FetchError),
}

async fn load_policy(url: String) -> Loaded {
    match browser::fetch_text(&url).await {
        Err(e) => Loaded::Failed(e),
        Ok(text) => match Policy::from_json(&text) {
            Ok(p) => Loaded::Ready(Arc::new(p)),
            Err(errors) => Loaded::Invalid(errors.0.iter().map(ToString::to_string).collect()),
        },
    }
}

/// The portal. `policy_url` is resolved against the host page's URL;
/// `manage_document` lets the portal set the page's `<html lang>` and title
/// (only when it owns the page, not when embedded).
#[component]
pub fn App(policy_url: String, manage_document: bool) -> impl IntoView {
    let lang = RwSignal::new(browser::initial_lang());
    // Only an explicit choice is remembered; otherwise the browser's language rules.
    let switch_lang = move |_| {
        lang.update(|l| *l = l.other());
        browser::store("lang", lang.get_untracked().code());
    };
    Effect::new(move |_| {
        let l = lang.get();
        if manage_document {
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                if let Some(root) = doc.document_element() {
                    let _ = root.set_attribute("lang", l.code());
                }
                doc.set_title(l.t().page_title);
            }
        }
    });
    let policy = LocalResource::new(move || load_policy(policy_url.clone()));

    view! {
        <div class="asp" lang=move || lang.get().code()>
            <header class="asp-header">
                <h1 class="asp-title">{move || lang.get().t().title}</h1>
                <button
                    type="button"
                    class="asp-lang"
                    on:click=switch_lang
                >
                    <span class="asp-sr">{move || lang.get().t().switch_label} ": "</span>
                    <span lang=move || lang.get().other().code()>
                        {move || lang.get().other().endonym()}
                    </span>
                </button>
            </header>
            <p class="asp-intro">{move || lang.get().t().intro}</p>
            {move || match policy.get() {
                None => {
                    view! { <p class="asp-status" role="status">{move || lang.get().t().loading}</p> }
                        .into_any()
                }
                Some(Loaded::Ready(policy)) => view! { <Checker policy lang /> }.into_any(),
                Some(Loaded::Invalid(errors)) => view! { <PolicyInvalid errors lang /> }.into_any(),
                Some(Loaded::Failed(error)) => view! { <LoadFailed error lang /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn PolicyInvalid(errors: Vec<String>, lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <div class="asp-alert" role="alert">
            <p class="asp-alert-title">{move || lang.get().t().policy_invalid}</p>
            <p>{move || lang.get().t().policy_invalid_hint}</p>
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
            <p class="asp-alert-title">{move || lang.get().t().load_failed}</p>
            {detail.map(|code| view! { <p>{move || lang.get().t().load_failed_status} " " {code}</p> })}
        </div>
    }
}

/// One completed check, kept as data so it re-renders in the other language.
#[derive(Clone)]
pub struct Checked {
    pub decision: Result<Decision, CaseError>,
    pub request: RequestType,
    pub terms: Terms,
    pub now: Timestamp,
    pub policy: Arc<Policy>,
}

fn terms_for(policy: &Policy, kind: &str) -> Terms {
    let window = match policy.kind(kind).map(|k| k.return_rule) {
        Some(ReturnRule::SelfPickup) => &policy.returns.self_pickup,
        _ => &policy.returns.within_window,
    };
    Terms {
        free_hours: policy.cancel.free_hours,
        fee_percent: policy.cancel.fee_percent,
        window_days: window.days,
        warranty_days: policy.repair.warranty_days,
    }
}

fn run_check(
    policy: &Arc<Policy>,
    demo: &DemoOrder,
    request: RequestType,
    quality: bool,
    about: ComplaintAbout,
) -> Option<Checked> {
    let now = browser::now();
    let zone = &policy.time_zone;
    let order = demo.order(now, |t| zone.localize(t).unwrap_or(t))?;
    let case = Case {
        now: zone.localize(now).unwrap_or(now),
        order,
        request: Request {
            kind: request,
            lines: Vec::new(),
            reason: matches!(request, RequestType::Return | RequestType::Exchange).then(|| {
                if quality {
                    QUALITY_DEFECT.to_owned()
                } else {
                    "changed_mind".to_owned()
                }
            }),
            about: (request == RequestType::Complaint).then_some(about),
        },
        facts: Default::default(),
        documents: None,
    };
    Some(Checked {
        decision: check(policy, &case),
        request,
        terms: terms_for(policy, demo.kind),
        now,
        policy: Arc::clone(policy),
    })
}

#[component]
fn Checker(policy: Arc<Policy>, lang: RwSignal<Lang>) -> impl IntoView {
    let order = RwSignal::new(0usize);
    let request = RwSignal::new(RequestType::Cancel);
    let quality = RwSignal::new(false);
    let about = RwSignal::new(ComplaintAbout::Service);
    let result: RwSignal<Option<Checked>> = RwSignal::new(None);
    let result_ref = NodeRef::<leptos::html::Section>::new();
    let currency = policy.currency.clone();

    let policy_for_check = Arc::clone(&policy);
    let run = move || {
        let demo = &ORDERS[order.get_untracked().min(ORDERS.len() - 1)];
        result.set(run_check(
            &policy_for_check,
            demo,
            request.get_untracked(),
            quality.get_untracked(),
            about.get_untracked(),
        ));
        request_animation_frame(move || {
            if let Some(el) = result_ref.get_untracked() {
                el.scroll_into_view();
            }
        });
    };
    let run_alternative = run.clone();
    let clear = move || result.set(None);

    let order_choices = move || {
        let l = lang.get();
        ORDERS
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let price = if o.quantity > 1 {
                    format!(
                        "{} × {}",
                        o.quantity,
                        crate::format::money(o.unit_price, &currency)
                    )
                } else {
                    crate::format::money(o.unit_price, &currency)
                };
                let span = |secs: i64| crate::format::span(secs, l);
                let fulfilled = o.fulfilled_ago.map(span);
                let status = i18n::order_status(
                    l,
                    &span(o.ordered_ago),
                    fulfilled.as_deref().map(|f| (f, o.kind == "self_pickup")),
                );
                view! {
                    <label class="asp-order">
                        <input
                            type="radio"
                            name="asp-order"
                            value=o.number
                            prop:checked=move || order.get() == i
                            on:change=move |_| {
                                order.set(i);
                                clear();
                            }
                        />
                        <span class="asp-order-body">
                            <span class="asp-order-name">{o.name(l)}</span>
                            <span class="asp-order-meta">
                                {o.number} " · " {i18n::kind(l, o.kind)} " · " {price}
                            </span>
                            <span class="asp-order-status">{status}</span>
                        </span>
                    </label>
                }
            })
            .collect_view()
    };

    let request_choices = move || {
        let l = lang.get();
        RequestType::ALL
            .iter()
            .map(|&r| {
                radio_pill(
                    "asp-request",
                    r.as_str(),
                    request,
                    r,
                    i18n::request_type(l, r),
                    clear,
                )
            })
            .collect_view()
    };

    let reason_choices = move || {
        let r = request.get();
        if !matches!(r, RequestType::Return | RequestType::Exchange) {
            return None;
        }
        let l = lang.get();
        let t = l.t();
        let option = move |value: bool, text: &'static str| {
            let id = if value {
                QUALITY_DEFECT
            } else {
                "changed_mind"
            };
            radio_pill("asp-reason", id, quality, value, text, clear)
        };
        Some(view! {
            <fieldset class="asp-field">
                <legend>{t.step_reason}</legend>
                <div class="asp-pills asp-pills-wide">
                    {option(false, t.reason_other)} {option(true, t.reason_quality)}
                </div>
            </fieldset>
        })
    };

    let about_choices = move || {
        if request.get() != RequestType::Complaint {
            return None;
        }
        let l = lang.get();
        let option = move |value: ComplaintAbout| {
            let text = i18n::complaint_about(l, value);
            radio_pill("asp-about", value.as_str(), about, value, text, clear)
        };
        Some(view! {
            <fieldset class="asp-field">
                <legend>{l.t().step_about}</legend>
                <div class="asp-pills asp-pills-wide">
                    {option(ComplaintAbout::Service)} {option(ComplaintAbout::Product)}
                </div>
            </fieldset>
        })
    };

    let on_alternative = Callback::new(move |r: RequestType| {
        request.set(r);
        run_alternative();
    });

    view! {
        <form
            class="asp-form"
            on:submit=move |ev| {
                ev.prevent_default();
                run();
            }
        >
            <fieldset class="asp-field">
                <legend>{move || lang.get().t().step_order}</legend>
                <p class="asp-hint">{move || lang.get().t().demo_note}</p>
                <div class="asp-orders">{order_choices}</div>
            </fieldset>
            <fieldset class="asp-field">
                <legend>{move || lang.get().t().step_request}</legend>
                <div class="asp-pills">{request_choices}</div>
            </fieldset>
            {reason_choices}
            {about_choices}
            <button type="submit" class="asp-submit">{move || lang.get().t().check}</button>
        </form>
        <section
            class="asp-result"
            node_ref=result_ref
            aria-labelledby="asp-result-title"
        >
            <h2 id="asp-result-title" class="asp-result-title">
                {move || lang.get().t().result_heading}
            </h2>
            // The hint stays outside the live region: clearing a result while the
            // customer changes a choice must not be announced, only a new decision.
            {move || {
                result
                    .with(Option::is_none)
                    .then(|| view! { <p class="asp-hint">{move || lang.get().t().result_placeholder}</p> })
            }}
            <div class="asp-live" aria-live="polite">
                {move || {
                    result.get().map(|checked| view! { <ResultView checked lang on_alternative /> })
                }}
            </div>
        </section>
    }
}

/// One choice of a radio group drawn as a pill: checked while `selected` holds
/// `value`; choosing it sets `selected` and clears the shown result.
fn radio_pill<T>(
    group: &'static str,
    id: &'static str,
    selected: RwSignal<T>,
    value: T,
    text: &'static str,
    on_choose: impl Fn() + Copy + 'static,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <label class="asp-pill">
            <input
                type="radio"
                name=group
                value=id
                prop:checked=move || selected.get() == value
                on:change=move |_| {
                    selected.set(value);
                    on_choose();
                }
            />
            <span>{text}</span>
        </label>
    }
}
