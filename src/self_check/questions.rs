//! The questions the answer depends on, one per page: which items, why, what a
//! complaint is about, and each condition the engine still needs (a fact or a
//! document), always with "I don't know".

use leptos::prelude::*;

use aftersales_rules::decision::ComplaintAbout;
use aftersales_rules::{Condition, Fact, RequestType};

use crate::browser::router::Fragment;
use crate::handover::Answer;
use crate::self_check::order::OrderCard;
use crate::self_check::route::Route;
use crate::self_check::Portal;
use crate::ui::i18n::{self, Lang};
use crate::ui::shell::{BackLink, PageTitle};
use crate::ui::text::text;

/// Where "back" goes from a question: the order step.
fn order_route(request: RequestType) -> Route {
    Route::Order {
        request,
        number: None,
    }
}

#[component]
pub fn ItemsPage(request: RequestType) -> impl IntoView {
    let portal = expect_context::<Portal>();
    let l = move || portal.lang.get();
    let order = portal
        .draft
        .with_untracked(|d| d.order.clone())
        .unwrap_or_else(|| {
            // allows() keeps this page from showing without an order.
            aftersales_rules::case::Order {
                number: String::new(),
                ordered_at: portal.clock.get_untracked(),
                currency: String::new(),
                fulfilment: aftersales_rules::case::Fulfilment::Pending,
                lines: Vec::new(),
            }
        });
    let all: Vec<String> = order.lines.iter().map(|x| x.id.clone()).collect();
    let chosen = RwSignal::new(
        portal
            .draft
            .with_untracked(|d| d.lines.clone())
            .unwrap_or_else(|| all.clone()),
    );
    let missing = RwSignal::new(false);
    let currency = portal.policy.with_value(|p| p.currency.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lines = chosen.get_untracked();
        if lines.is_empty() {
            missing.set(true);
            return;
        }
        portal.draft.update(|d| d.lines = Some(lines));
        portal.continue_with(request);
    };
    view! {
        <BackLink href=order_route(request).href() />
        <PageTitle text=Signal::derive(text(|l| tr!(l, portal.items_question)).to_owned()) />
        <form class="asp-form" on:submit=submit novalidate>
            <fieldset class="asp-field" aria-describedby="asp-items-error">
                <legend class="asp-sr">{text(|l| tr!(l, portal.items_question))}</legend>
                <div class="asp-checks">
                    {order
                        .lines
                        .iter()
                        .map(|line| {
                            let id = line.id.clone();
                            let id_check = id.clone();
                            let name = line.name.clone();
                            let kind = line.kind.clone();
                            let price = crate::ui::format::money(line.unit_price, &currency);
                            let quantity = line.quantity;
                            view! {
                                <label class="asp-check">
                                    <input
                                        type="checkbox"
                                        value=id.clone()
                                        prop:checked=move || chosen.with(|c| c.contains(&id_check))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            missing.set(false);
                                            chosen
                                                .update(|c| {
                                                    c.retain(|x| *x != id);
                                                    if on {
                                                        c.push(id.clone());
                                                    }
                                                });
                                        }
                                    />
                                    <span class="asp-check-body">
                                        <span class="asp-order-name">{name}</span>
                                        <span class="asp-order-meta">
                                            {move || {
                                                portal.policy.with_value(|p| i18n::kind(l(), p, &kind))
                                            }} " · "
                                            {(quantity > 1).then(|| format!("{quantity} × "))}
                                            {price.clone()}
                                        </span>
                                    </span>
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
                <div class="asp-live" aria-live="polite" id="asp-items-error">
                    {move || {
                        missing
                            .get()
                            .then(|| {
                                view! {
                                    <p class="asp-error">
                                        {text(|l| tr!(l, portal.items_missing))}
                                    </p>
                                }
                            })
                    }}
                </div>
            </fieldset>
            <button type="submit" class="asp-submit">
                {text(|l| tr!(l, portal.continue_label))}
            </button>
        </form>
    }
}

/// One answer of a question: its value and its text.
type Choice<T> = (T, fn(Lang) -> &'static str);

/// A question answered by one tap: each choice is a large button.
#[component]
fn Choices<T: Copy + Send + Sync + 'static>(
    choices: Vec<Choice<T>>,
    on_choose: Callback<T>,
) -> impl IntoView {
    let portal = expect_context::<Portal>();
    view! {
        <div class="asp-answers">
            {choices
                .into_iter()
                .map(|(value, text)| {
                    view! {
                        <button
                            type="button"
                            class="asp-answer-button"
                            on:click=move |_| on_choose.run(value)
                        >
                            {move || text(portal.lang.get())}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
pub fn ReasonPage(request: RequestType) -> impl IntoView {
    let portal = expect_context::<Portal>();
    let l = move || portal.lang.get();
    let choose = Callback::new(move |quality: bool| {
        portal.draft.update(|d| d.quality = Some(quality));
        portal.continue_with(request);
    });
    let title = move || {
        if request == RequestType::Exchange {
            tr!(l(), portal.reason_question_exchange)
        } else {
            tr!(l(), portal.reason_question_return)
        }
    };
    view! {
        <BackLink href=order_route(request).href() />
        <PageTitle text=Signal::derive(move || title().to_owned()) />
        <Choices
            choices=vec![
                (true, (|l| tr!(l, portal.reason_quality)) as fn(Lang) -> &'static str),
                (false, |l| tr!(l, portal.reason_other)),
            ]
            on_choose=choose
        />
        <p class="asp-hint">{text(|l| tr!(l, portal.reason_hint))}</p>
    }
}

#[component]
pub fn AboutPage() -> impl IntoView {
    let portal = expect_context::<Portal>();

    let request = RequestType::Complaint;
    let choose = Callback::new(move |about: ComplaintAbout| {
        portal.draft.update(|d| d.about = Some(about));
        portal.continue_with(request);
    });
    view! {
        <BackLink href=order_route(request).href() />
        <PageTitle text=Signal::derive(text(|l| tr!(l, portal.about_question)).to_owned()) />
        <Choices
            choices=vec![
                (
                    ComplaintAbout::Service,
                    (|l| i18n::complaint_about(l, ComplaintAbout::Service))
                        as fn(Lang) -> &'static str,
                ),
                (ComplaintAbout::Product, |l| i18n::complaint_about(l, ComplaintAbout::Product)),
            ]
            on_choose=choose
        />
    }
}

/// The question for a condition id, and why it matters.
fn question(l: Lang, condition: Condition) -> (String, &'static str) {
    match condition {
        Condition::Document(doc) => (
            tr!(l, portal.ask_document, document = i18n::document(l, doc)).to_string(),
            tr!(l, portal.ask_document_why),
        ),
        Condition::Fact(Fact::PackagingUnopened) => (
            tr!(l, portal.ask_packaging_unopened).to_owned(),
            tr!(l, portal.ask_packaging_unopened_why),
        ),
        Condition::Fact(Fact::GoodsIntact) => (
            tr!(l, portal.ask_goods_intact).to_owned(),
            tr!(l, portal.ask_goods_intact_why),
        ),
    }
}

#[component]
pub fn AskPage(request: RequestType, condition: Condition) -> impl IntoView {
    let portal = expect_context::<Portal>();
    let l = move || portal.lang.get();
    let choose = Callback::new(move |answer: Answer| {
        portal.draft.update(|d| {
            d.answers.insert(condition, answer);
        });
        portal.continue_with(request);
    });
    let order = portal.draft.with_untracked(|d| d.order.clone());
    view! {
        <BackLink href=order_route(request).href() />
        <PageTitle text=Signal::derive(move || question(l(), condition).0) />
        <p class="asp-hint">{move || question(l(), condition).1}</p>
        <Choices
            choices=vec![
                (Answer::Yes, (|l| tr!(l, portal.answer_yes)) as fn(Lang) -> &'static str),
                (Answer::No, |l| tr!(l, portal.answer_no)),
                (Answer::Unknown, |l| tr!(l, portal.answer_unknown)),
            ]
            on_choose=choose
        />
        {order.map(|order| view! { <OrderCard order /> })}
    }
}
