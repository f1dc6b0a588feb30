//! The answer: the outcome in one sentence, the clause in plain words, money, a
//! live countdown to the deadline, documents as a checklist, what happens next and
//! how fast, and the alternatives as one-tap switches.
//!
//! The decision is recomputed from the ticking clock, but it is a memo: the page
//! (and its `aria-live` region) only changes when the decision itself changes,
//! e.g. when the free-cancellation window closes while the customer is reading.

use leptos::prelude::*;

use aftersales_rules::policy::ReturnRule;
use aftersales_rules::{CaseError, Clause, Decision, Outcome, Policy, RequestType, Timestamp};

use crate::browser::embed::{self, HostEvent};
use crate::browser::router::Fragment;
use crate::handover::{self, Draft};
use crate::self_check::order::OrderCard;
use crate::self_check::route::Route;
use crate::self_check::Portal;
use crate::ui::format;
use crate::ui::i18n::{self, Lang, Terms};
use crate::ui::shell::{BackLink, PageTitle};
use crate::ui::text::text;

/// Policy numbers the explanation quotes, for the first chosen line's kind.
fn terms_for(policy: &Policy, draft: &Draft) -> Terms {
    let kind = draft.order.as_ref().and_then(|o| {
        let chosen = draft.lines.as_ref().and_then(|l| l.first());
        o.lines
            .iter()
            .find(|line| chosen.is_none_or(|c| *c == line.id))
            .map(|line| line.kind.clone())
    });
    let window = match kind.and_then(|k| policy.kind(&k).map(|k| k.rules.return_rule)) {
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

/// CSS modifier of the outcome panel.
fn tone(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Allowed => "asp-decision asp-ok",
        Outcome::AllowedWithFee | Outcome::NeedsInspection | Outcome::Mixed => {
            "asp-decision asp-caution"
        }
        Outcome::Refused => "asp-decision asp-no",
    }
}

/// Money rows (label, value) that mean something for this decision.
fn amounts(d: &Decision, request: RequestType, l: Lang) -> Vec<(&'static str, String)> {
    let money = |v: i64| format::money(v, &d.currency);
    let fee = |v: Option<i64>| match v {
        Some(0) => tr!(l, portal.no_fee).to_owned(),
        Some(v) => money(v),
        None => tr!(l, portal.repair_cost_schedule).to_owned(),
    };
    if d.outcome == Outcome::Refused {
        return Vec::new();
    }
    let mut rows = Vec::new();
    match d.clause {
        Clause::CancelFree | Clause::CancelFee => {
            rows.push((tr!(l, portal.cancel_fee), fee(d.fee)));
            if let Some(r) = d.refund {
                rows.push((tr!(l, portal.refund), money(r)));
            }
        }
        Clause::ReturnWithinWindow | Clause::ReturnSelfPickup | Clause::ReturnQualityInspection => {
            rows.push((tr!(l, portal.fee), fee(d.fee)));
            if request == RequestType::Return {
                if let Some(r) = d.refund {
                    let label = if d.clause == Clause::ReturnQualityInspection {
                        tr!(l, portal.refund_if_confirmed)
                    } else {
                        tr!(l, portal.refund)
                    };
                    rows.push((label, money(r)));
                }
            }
        }
        Clause::RepairWarranty => rows.push((
            tr!(l, portal.repair_cost),
            tr!(l, portal.repair_cost_warranty).to_owned(),
        )),
        Clause::RepairChargeable => rows.push((
            tr!(l, portal.repair_cost),
            tr!(l, portal.repair_cost_schedule).to_owned(),
        )),
        Clause::ComplaintService | Clause::ComplaintProduct => {}
        _ => {
            if let Some(f) = d.fee {
                rows.push((tr!(l, portal.fee), fee(Some(f))));
            }
            if let Some(r) = d.refund {
                rows.push((tr!(l, portal.refund), money(r)));
            }
        }
    }
    rows
}

/// What the deadline closes: the label beside it, and the countdown sentence.
fn deadline_words(
    clause: Clause,
    request: RequestType,
    l: Lang,
    left: &str,
) -> (&'static str, String) {
    match clause {
        Clause::CancelFree => (
            tr!(l, portal.deadline_cancel),
            tr!(l, portal.countdown_cancel, left = left).to_string(),
        ),
        Clause::ReturnWithinWindow | Clause::ReturnSelfPickup
            if request == RequestType::Exchange =>
        {
            (
                tr!(l, portal.deadline_exchange),
                tr!(l, portal.countdown_exchange, left = left).to_string(),
            )
        }
        Clause::ReturnWithinWindow | Clause::ReturnSelfPickup => (
            tr!(l, portal.deadline_return),
            tr!(l, portal.countdown_return, left = left).to_string(),
        ),
        Clause::RepairWarranty => (
            tr!(l, portal.deadline_warranty),
            tr!(l, portal.countdown_warranty, left = left).to_string(),
        ),
        _ => (
            tr!(l, portal.deadline_generic),
            tr!(l, portal.countdown_generic, left = left).to_string(),
        ),
    }
}

#[component]
pub fn AnswerPage(request: RequestType) -> impl IntoView {
    let portal = expect_context::<Portal>();
    let l = move || portal.lang.get();
    let decision: Memo<Option<Result<Decision, CaseError>>> = Memo::new(move |_| {
        let now = portal.clock.get();
        portal
            .draft
            .with(|d| portal.policy.with_value(|p| d.decide(p, request, now)))
    });
    let terms = Memo::new(move |_| {
        portal
            .draft
            .with(|d| portal.policy.with_value(|p| terms_for(p, d)))
    });
    let order = portal.draft.with_untracked(|d| d.order.clone());

    let switch = Callback::new(move |to: RequestType| portal.continue_with(to));
    let change_answers = move |_| {
        portal.draft.update(|d| {
            d.answers.clear();
            d.quality = None;
            d.about = None;
        });
        portal.continue_with(request);
    };
    let start_over = move |_| {
        portal.draft.set(Draft::default());
        portal.router.go(Route::Start);
    };

    view! {
        <BackLink href=(Route::Order {
            request,
            number: None,
        })
            .href() />
        <PageTitle text=Signal::derive(move || {
            format!("{} · {}", i18n::request_type(l(), request), tr!(l(), portal.answer_title))
        }) />
        {order.map(|order| view! { <OrderCard order /> })}
        <section class="asp-result" aria-labelledby=crate::ui::shell::PAGE_TITLE_ID>
            <div class="asp-live" aria-live="polite">
                {move || {
                    let l = l();
                    match decision.get() {
                        None => {
                            view! { <p class="asp-hint">{tr!(l, portal.no_order)}</p> }.into_any()
                        }
                        Some(Err(e)) => {
                            view! {
                                <div class="asp-alert" role="alert">
                                    <p class="asp-alert-title">{tr!(l, portal.check_failed)}</p>
                                    <p lang="en">
                                        <code>{e.to_string()}</code>
                                    </p>
                                </div>
                            }
                                .into_any()
                        }
                        Some(Ok(d)) => {
                            embed::emit_changed(HostEvent::Decision {
                                request,
                                outcome: d.outcome,
                                clause: d.clause,
                            });
                            decision_view(d, request, terms.get(), l, switch, true)
                        }
                    }
                }}
            </div>
            // The countdown ticks every second outside the live region, so it is
            // not read out each second; a closing window changes the decision above.
            <Countdown request decision />
            {move || match decision.get() {
                Some(Ok(d)) => Some(decision_view(d, request, terms.get(), l(), switch, false)),
                _ => None,
            }}
        </section>
        <div class="asp-actions">
            {move || {
                let can_file = matches!(
                    decision.get(),
                    Some(Ok(d))
                    if d.outcome != Outcome::Refused
                );
                can_file
                    .then(|| {
                        view! {
                            <a
                                class="asp-button"
                                href=portal
                                    .mount
                                    .with_value(|m| {
                                        let file = Route::File(request)
                                            .requests_fragment()
                                            .unwrap_or_default();
                                        let draft = portal.draft.with(handover::draft_in_link);
                                        m.requests_page(&format!("{file}{draft}"))
                                    })
                                data-action="file"
                            >
                                {text(|l| tr!(l, portal.file_this))}
                            </a>
                        }
                    })
            }} <button type="button" class="asp-secondary" on:click=change_answers>
                {text(|l| tr!(l, portal.change_answers))}
            </button> <button type="button" class="asp-link-button" on:click=start_over>
                {text(|l| tr!(l, portal.start_over))}
            </button>
        </div>
        <p class="asp-disclaimer">{text(|l| tr!(l, portal.disclaimer))}</p>
    }
}

/// The time left before the decision's deadline, updated every second.
#[component]
fn Countdown(
    request: RequestType,
    decision: Memo<Option<Result<Decision, CaseError>>>,
) -> impl IntoView {
    let portal = expect_context::<Portal>();
    move || {
        let (clause, deadline) = decision.with(|d| match d {
            Some(Ok(d)) if d.outcome != Outcome::Refused => d.deadline.map(|dl| (d.clause, dl)),
            _ => None,
        })?;
        let now: Timestamp = portal.clock.get();
        let left = deadline.unix_seconds() - now.unix_seconds();
        (left > 0).then(|| {
            let l = portal.lang.get();
            let (_, sentence) = deadline_words(clause, request, l, &format::countdown(left, l));
            view! {
                <p class="asp-countdown" data-seconds-left=left>
                    <span class="asp-countdown-dot" aria-hidden="true"></span>
                    {sentence}
                </p>
            }
        })
    }
}

/// The decision in two parts: the summary (outcome, reason, money, deadline),
/// which the live region announces, and the details (documents, steps, promises,
/// alternatives), which it does not; the countdown sits between them.
fn decision_view(
    d: Decision,
    request: RequestType,
    terms: Terms,
    l: Lang,
    switch: Callback<RequestType>,
    summary: bool,
) -> AnyView {
    let portal = expect_context::<Portal>();
    let zone = portal.policy.with_value(|p| p.time_zone.clone());
    let deadline = d.deadline.map(|dl| {
        let shown = zone.localize(dl).unwrap_or(dl);
        (
            deadline_words(d.clause, request, l, "").0,
            format::deadline(shown, l),
            i18n::store_time(l, zone.name(), &format::utc_offset(shown.offset_seconds())),
        )
    });
    let rows = amounts(&d, request, l);
    let conditions: Vec<String> = d
        .conditions
        .iter()
        .map(|&x| i18n::condition(l, x).to_owned())
        .collect();
    let steps: Vec<String> = d.steps.iter().map(|s| i18n::step(l, s)).collect();
    // Promises about handling a request mean nothing once it is refused.
    let levels: Vec<String> = d
        .service_levels
        .iter()
        .filter(|_| d.outcome != Outcome::Refused)
        .map(|s| i18n::service_level(l, &s.what, &format::minutes(s.within_minutes, l), &s.after))
        .collect();
    let lines = (d.lines.len() > 1).then(|| {
        let names = portal.draft.with_untracked(|dr| {
            dr.order
                .as_ref()
                .map(|o| {
                    o.lines
                        .iter()
                        .map(|x| (x.id.clone(), x.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        });
        d.lines
            .iter()
            .map(|line| {
                let name = names
                    .iter()
                    .find(|(id, _)| *id == line.id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| format!("#{}", line.id));
                view! {
                    <li data-clause=line.clause.as_str()>
                        <span class="asp-line-name">{name}</span>
                        ": "
                        {i18n::headline(l, line.outcome, line.clause, request)}
                    </li>
                }
            })
            .collect_view()
    });
    let docs = d.documents_to_bring.clone();
    let alternatives = d.alternatives.clone();

    if summary {
        return view! {
            <div
                class=tone(d.outcome)
                data-outcome=d.outcome.as_str()
                data-clause=d.clause.as_str()
            >
                <p class="asp-headline">{i18n::headline(l, d.outcome, d.clause, request)}</p>
                <p class="asp-why">
                    <span class="asp-label">{tr!(l, portal.why)} ": "</span>
                    {i18n::explanation(l, d.clause, terms)}
                </p>
            </div>
            {(!rows.is_empty() || deadline.is_some())
                .then(|| {
                    view! {
                        <dl class="asp-facts">
                            {rows
                                .into_iter()
                                .map(|(label, value)| {
                                    view! {
                                        <div class="asp-fact">
                                            <dt>{label}</dt>
                                            <dd class="asp-amount">{value}</dd>
                                        </div>
                                    }
                                })
                                .collect_view()}
                            {deadline
                                .map(|(label, when, zone)| {
                                    view! {
                                        <div class="asp-fact asp-deadline">
                                            <dt>{label}</dt>
                                            <dd>
                                                <span class="asp-when">{when}</span>
                                                <span class="asp-zone">{zone}</span>
                                            </dd>
                                        </div>
                                    }
                                })}
                        </dl>
                    }
                })}
        }
        .into_any();
    }
    view! {
        {lines
            .map(|lines| {
                view! {
                    <h3 class="asp-sub">{tr!(l, portal.lines)}</h3>
                    <ul class="asp-list">{lines}</ul>
                }
            })}
        {list_section(tr!(l, portal.conditions), "asp-list", conditions)}
        {(!docs.is_empty())
            .then(|| {
                view! {
                    <fieldset class="asp-docs">
                        <legend class="asp-sub">{tr!(l, portal.documents)}</legend>
                        {docs
                            .into_iter()
                            .map(|doc| {
                                view! {
                                    <label class="asp-check">
                                        <input type="checkbox" value=doc.as_str() />
                                        <span>{i18n::document(l, doc)}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                }
            })}
        {(!steps.is_empty())
            .then(|| {
                view! {
                    <h3 class="asp-sub">{tr!(l, portal.steps)}</h3>
                    <ol class="asp-steps">
                        {steps.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}
                    </ol>
                }
            })}
        {list_section(tr!(l, portal.service_levels), "asp-list asp-levels", levels)}
        {(!alternatives.is_empty())
            .then(|| {
                view! {
                    <h3 class="asp-sub">{tr!(l, portal.alternatives)}</h3>
                    <div class="asp-alternatives">
                        {alternatives
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <button
                                        type="button"
                                        class="asp-secondary"
                                        data-alternative=r.as_str()
                                        on:click=move |_| switch.run(r)
                                    >
                                        {tr!(
                                            l, portal.switch_to, request = i18n::request_type(l, r)
                                        )
                                            .to_string()}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                }
            })}
    }
    .into_any()
}

/// A titled bullet list, left out when there is nothing to list.
fn list_section(title: &'static str, class: &'static str, items: Vec<String>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <h3 class="asp-sub">{title}</h3>
            <ul class=class>{items.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul>
        }
    })
}
