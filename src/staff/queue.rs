//! The queue: a tab per status, filters, and each request's next service level
//! with a live countdown (red and negative once missed). Refreshed every 15
//! seconds without a reload; the document's title counts the new requests.

use std::time::Duration;

use leptos::prelude::*;

use aftersales_rules::{RequestType, Timestamp};

use super::api::{self, Summary};
use super::{failure_text, Ctx, Page, Tab, API};
use crate::browser::router::Fragment;
use crate::ui::format;
use crate::ui::i18n::{self, Lang};
use crate::ui::text::text;

/// How often the queue asks the server again.
const REFRESH: Duration = Duration::from_secs(15);

fn tab_name(l: Lang, tab: Tab) -> &'static str {
    match tab {
        Tab::New => tr!(l, staff.tab_new),
        Tab::InProgress => tr!(l, staff.tab_in_progress),
        Tab::Closed => tr!(l, staff.tab_closed),
        Tab::Rejected => tr!(l, staff.tab_rejected),
    }
}

/// "3 hours 20 minutes" to `due`, or "−12 minutes" once it is missed.
pub fn countdown(l: Lang, due: Timestamp, now: Timestamp) -> String {
    let secs = due.unix_seconds() - now.unix_seconds();
    let sign = if secs < 0 { "−" } else { "" };
    format!("{sign}{}", format::span(secs.abs(), l))
}

/// The request type in words (an id the console does not know, as it is).
pub fn type_name(l: Lang, id: &str) -> String {
    RequestType::parse(id).map_or_else(|| id.to_owned(), |t| i18n::request_type(l, t).to_owned())
}

#[component]
pub fn Queue(tab: Tab) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let request_type = RwSignal::new(String::new());
    let flagged = RwSignal::new(false);
    let overdue = RwSignal::new(false);
    let rows = RwSignal::new(None::<Result<Vec<Summary>, api::Failure>>);
    let new_count = RwSignal::new(None::<usize>);
    let refreshes = RwSignal::new(0u32);

    Effect::new(move |_| {
        refreshes.track();
        let mut query: Vec<(&str, String)> = vec![("status", tab.status().to_owned())];
        let t = request_type.get();
        if !t.is_empty() {
            query.push(("type", t));
        }
        if flagged.get() {
            query.push(("flagged", "true".into()));
        }
        if overdue.get() {
            query.push(("overdue", "true".into()));
        }
        leptos::task::spawn_local(async move {
            let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer = api::queue(API, &q).await;
            if let Err(f) = &answer {
                ctx.check_signed_in(f);
            }
            rows.set(Some(answer));
            let fresh = api::queue(API, &[("status", "received"), ("limit", "200")]).await;
            new_count.set(fresh.ok().map(|r| r.len()));
        });
    });
    let tick = set_interval_with_handle(move || refreshes.update(|n| *n += 1), REFRESH);
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    // "(3) 售后工作台": the tab shows the new requests while another app is in front.
    Effect::new(move |_| {
        let l = ctx.lang.get();
        let title = match new_count.get() {
            Some(n) if n > 0 => format!("({n}) {}", tr!(l, staff.title)),
            _ => tr!(l, staff.title).to_owned(),
        };
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&title);
        }
    });

    let tabs = move || {
        let l = ctx.lang.get();
        Tab::ALL
            .into_iter()
            .map(|t| {
                let current = (t == tab).then_some("page");
                let count = (t == Tab::New)
                    .then(|| new_count.get())
                    .flatten()
                    .map(|n| view! { <span class="stf-count">{n}</span> });
                view! {
                    <a class="stf-tab" href=Page::Queue(t).href() aria-current=current>
                        {tab_name(l, t)}
                        {count}
                    </a>
                }
            })
            .collect_view()
    };
    let type_options = move || {
        let l = ctx.lang.get();
        RequestType::ALL
            .iter()
            .map(|t| view! { <option value=t.as_str()>{i18n::request_type(l, *t)}</option> })
            .collect_view()
    };
    let table = move || {
        let l = ctx.lang.get();
        match rows.get() {
            None => view! { <p class="stf-loading">{tr!(l, staff.loading)}</p> }.into_any(),
            Some(Err(f)) => view! { <p role="alert">{failure_text(l, &f)}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => {
                view! { <p class="stf-empty">{tr!(l, staff.queue_empty)}</p> }.into_any()
            }
            Some(Ok(list)) => {
                let now = ctx.clock.get();
                let body = list.into_iter().map(|r| row(l, r, now)).collect_view();
                view! {
                    <table class="stf-table">
                        <thead>
                            <tr>
                                <th scope="col">{tr!(l, staff.col_order)}</th>
                                <th scope="col">{tr!(l, staff.col_type)}</th>
                                <th scope="col">{tr!(l, staff.col_step)}</th>
                                <th scope="col">{tr!(l, staff.col_received)}</th>
                                <th scope="col">{tr!(l, staff.col_due)}</th>
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
                    </table>
                }
                .into_any()
            }
        }
    };
    view! {
        <section aria-labelledby="stf-queue-title">
            <h2 id="stf-queue-title" class="stf-sr">
                {text(|l| tr!(l, staff.queue_title))}
            </h2>
            <nav class="stf-tabs" aria-label=text(|l| tr!(l, staff.tabs_label))>
                {tabs}
            </nav>
            <div class="stf-filters" role="group" aria-label=text(|l| tr!(l, staff.filters_label))>
                <label class="stf-filter">
                    <span>{text(|l| tr!(l, staff.filter_type))}</span>
                    <select on:change=move |ev| request_type.set(event_target_value(&ev))>
                        <option value="">{text(|l| tr!(l, staff.filter_any_type))}</option>
                        {type_options}
                    </select>
                </label>
                <label class="stf-filter stf-check">
                    <input
                        type="checkbox"
                        prop:checked=move || flagged.get()
                        on:change=move |ev| flagged.set(event_target_checked(&ev))
                    />
                    <span>{text(|l| tr!(l, staff.filter_flagged))}</span>
                </label>
                <label class="stf-filter stf-check">
                    <input
                        type="checkbox"
                        prop:checked=move || overdue.get()
                        on:change=move |ev| overdue.set(event_target_checked(&ev))
                    />
                    <span>{text(|l| tr!(l, staff.filter_overdue))}</span>
                </label>
                <button
                    type="button"
                    class="stf-button"
                    on:click=move |_| refreshes.update(|n| *n += 1)
                >
                    {text(|l| tr!(l, staff.refresh))}
                </button>
            </div>
            <div aria-live="polite">{table}</div>
        </section>
    }
}

fn row(l: Lang, r: Summary, now: Timestamp) -> impl IntoView {
    let due = r.next_due.as_deref().and_then(|d| Timestamp::parse(d).ok());
    let missed = due.is_some_and(|d| d.unix_seconds() < now.unix_seconds());
    let due_text = due.map(|d| countdown(l, d, now)).unwrap_or_default();
    let step = r
        .step
        .as_deref()
        .map(|s| i18n::step(l, s))
        .unwrap_or_else(|| tr!(l, staff.not_started).to_owned());
    let flags = (!r.flags.is_empty())
        .then(|| view! { <span class="stf-flag">{tr!(l, staff.flagged)}</span> });
    view! {
        // data-label: the column's name where a narrow screen stacks the cells.
        <tr data-id=r.id.clone() data-overdue=missed.then_some("")>
            <td>
                <a href=Page::Request(r.id.clone()).href()>{r.order_number.clone()}</a>
                {flags}
            </td>
            <td data-label=tr!(l, staff.col_type)>{type_name(l, &r.request_type)}</td>
            <td data-label=tr!(l, staff.col_step)>{step}</td>
            <td data-label=tr!(
                l, staff.col_received
            )>{r.received_at.get(..16).unwrap_or(&r.received_at).replace('T', " ")}</td>
            <td
                data-label=tr!(l, staff.col_due)
                class=if missed { "stf-due stf-missed" } else { "stf-due" }
            >
                {due_text}
            </td>
        </tr>
    }
}
