//! The engine's decision as the customer reads it.

use leptos::prelude::*;

use aftersales_rules::{Clause, Decision, Outcome, RequestType};

use crate::app::Checked;
use crate::format;
use crate::i18n::{self, Lang, Texts};

/// CSS modifier of the outcome badge.
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
fn amounts(d: &Decision, request: RequestType, t: &Texts) -> Vec<(&'static str, String)> {
    let money = |v: i64| format::money(v, &d.currency);
    let fee = |v: Option<i64>| match v {
        Some(0) => t.no_fee.to_owned(),
        Some(v) => money(v),
        None => t.repair_cost_schedule.to_owned(),
    };
    if d.outcome == Outcome::Refused {
        return Vec::new();
    }
    let mut rows = Vec::new();
    match d.clause {
        Clause::CancelFree | Clause::CancelFee => {
            rows.push((t.cancel_fee, fee(d.fee)));
            if let Some(r) = d.refund {
                rows.push((t.refund, money(r)));
            }
        }
        Clause::ReturnWithinWindow | Clause::ReturnSelfPickup | Clause::ReturnQualityInspection => {
            rows.push((t.fee, fee(d.fee)));
            if request == RequestType::Return {
                if let Some(r) = d.refund {
                    let label = if d.clause == Clause::ReturnQualityInspection {
                        t.refund_if_confirmed
                    } else {
                        t.refund
                    };
                    rows.push((label, money(r)));
                }
            }
        }
        Clause::RepairWarranty => rows.push((t.repair_cost, t.repair_cost_warranty.to_owned())),
        Clause::RepairChargeable => rows.push((t.repair_cost, t.repair_cost_schedule.to_owned())),
        Clause::ComplaintService | Clause::ComplaintProduct => {}
        _ => {
            if let Some(f) = d.fee {
                rows.push((t.fee, fee(Some(f))));
            }
            if let Some(r) = d.refund {
                rows.push((t.refund, money(r)));
            }
        }
    }
    rows
}

fn deadline_label(clause: Clause, request: RequestType, t: &Texts) -> &'static str {
    match clause {
        Clause::CancelFree => t.deadline_cancel,
        Clause::ReturnWithinWindow | Clause::ReturnSelfPickup => {
            if request == RequestType::Exchange {
                t.deadline_exchange
            } else {
                t.deadline_return
            }
        }
        Clause::RepairWarranty => t.deadline_warranty,
        _ => t.deadline_generic,
    }
}

#[component]
pub fn ResultView(
    checked: Checked,
    lang: RwSignal<Lang>,
    on_alternative: Callback<RequestType>,
) -> impl IntoView {
    move || render(&checked, lang.get(), on_alternative)
}

fn render(c: &Checked, l: Lang, on_alternative: Callback<RequestType>) -> AnyView {
    let t = l.t();
    let d = match &c.decision {
        Ok(d) => d,
        Err(e) => {
            return view! {
                <div class="asp-alert" role="alert">
                    <p class="asp-alert-title">{t.check_failed}</p>
                    <p lang="en"><code>{e.to_string()}</code></p>
                </div>
            }
            .into_any()
        }
    };
    let zone = &c.policy.time_zone;
    let deadline = d.deadline.map(|dl| {
        let shown = zone.localize(dl).unwrap_or(dl);
        let left = dl.unix_seconds() - c.now.unix_seconds();
        (
            deadline_label(d.clause, c.request, t),
            format::deadline(shown, l),
            i18n::store_time(l, zone.name(), &format::utc_offset(shown.offset_seconds())),
            (left > 0).then(|| i18n::time_left(l, &format::span(left, l))),
        )
    });
    let rows = amounts(d, c.request, t);
    let docs: Vec<&str> = d
        .documents_to_bring
        .iter()
        .map(|&doc| i18n::document(l, doc))
        .collect();
    let conditions: Vec<String> = d.conditions.iter().map(|x| i18n::condition(l, x)).collect();
    let steps: Vec<String> = d.steps.iter().map(|s| i18n::step(l, s)).collect();
    let levels: Vec<String> = d
        .service_levels
        .iter()
        .map(|s| i18n::service_level(l, &s.what, &format::minutes(s.within_minutes, l), &s.after))
        .collect();
    let lines = (d.lines.len() > 1).then(|| {
        d.lines
            .iter()
            .map(|line| {
                view! {
                    <li>
                        <span class="asp-line-id">"#" {line.id.clone()}</span>
                        " "
                        {i18n::headline(l, line.outcome, line.clause, c.request)}
                    </li>
                }
            })
            .collect_view()
    });
    let alternatives = d.alternatives.clone();

    view! {
        <div class=tone(d.outcome) data-outcome=d.outcome.as_str() data-clause=d.clause.as_str()>
            <p class="asp-headline">{i18n::headline(l, d.outcome, d.clause, c.request)}</p>
            <p class="asp-why">
                <span class="asp-label">{t.why} ": "</span>
                {i18n::explanation(l, d.clause, c.terms)}
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
                            .map(|(label, when, zone, left)| {
                                view! {
                                    <div class="asp-fact asp-deadline">
                                        <dt>{label}</dt>
                                        <dd>
                                            <span class="asp-when">{when}</span>
                                            <span class="asp-zone">
                                                {zone}
                                            </span>
                                            {left
                                                .map(|left| {
                                                    view! {
                                                        <span class="asp-left">
                                                            {left}
                                                        </span>
                                                    }
                                                })}
                                        </dd>
                                    </div>
                                }
                            })}
                    </dl>
                }
            })}
        {lines
            .map(|lines| {
                view! {
                    <h3 class="asp-sub">{t.lines}</h3>
                    <ul class="asp-list">{lines}</ul>
                }
            })}
        {list_section(t.conditions, "asp-list", conditions)}
        {list_section(t.documents, "asp-list asp-docs", docs)}
        {ordered_section(t.steps, "asp-steps", steps)}
        {list_section(t.service_levels, "asp-list", levels)}
        {(!alternatives.is_empty())
            .then(|| {
                view! {
                    <h3 class="asp-sub">{t.alternatives}</h3>
                    <div class="asp-alternatives">
                        {alternatives
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <button
                                        type="button"
                                        class="asp-secondary"
                                        on:click=move |_| on_alternative.run(r)
                                    >
                                        {i18n::request_type(l, r)}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                }
            })}
        <p class="asp-disclaimer">{t.disclaimer}</p>
    }
    .into_any()
}

/// A titled bullet list, left out when there is nothing to list.
fn list_section<T: IntoView + 'static>(
    title: &'static str,
    class: &'static str,
    items: Vec<T>,
) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <h3 class="asp-sub">{title}</h3>
            <ul class=class>{items.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul>
        }
    })
}

/// A titled numbered list (steps in order), left out when empty.
fn ordered_section<T: IntoView + 'static>(
    title: &'static str,
    class: &'static str,
    items: Vec<T>,
) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <h3 class="asp-sub">{title}</h3>
            <ol class=class>{items.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ol>
        }
    })
}
