//! The queue: a tab per status and one for what waits for the member's roles,
//! filters, search (order number, tracking code, phone) and a CSV export of what
//! the filters hold. Open requests are sorted by the next service level due;
//! each row names that level with a live countdown (red and negative once
//! missed). Refreshed every 15 seconds without a reload; the document's title
//! counts the new requests.

use std::time::Duration;

use leptos::prelude::*;

use aftersales_rules::{Outcome, RequestType, Timestamp};

use super::api::{self, Counts, Summary};
use super::{failure_text, role_name, Ctx, Page, Tab, API};
use crate::browser::router::Fragment;
use crate::ui::format;
use crate::ui::i18n::{self, Lang};
use crate::ui::text::text;

/// How often the queue asks the server again.
const REFRESH: Duration = Duration::from_secs(15);

/// Rows per page.
const PAGE: usize = 50;

fn tab_name(l: Lang, tab: Tab) -> &'static str {
    match tab {
        Tab::New => tr!(l, staff.tab_new),
        Tab::Waiting => tr!(l, staff.tab_waiting),
        Tab::InProgress => tr!(l, staff.tab_in_progress),
        Tab::Closed => tr!(l, staff.tab_closed),
        Tab::Rejected => tr!(l, staff.tab_rejected),
    }
}

/// An outcome in words.
pub fn outcome_name(l: Lang, o: Outcome) -> &'static str {
    match o {
        Outcome::Allowed => tr!(l, staff.outcome.allowed),
        Outcome::AllowedWithFee => tr!(l, staff.outcome.allowed_with_fee),
        Outcome::NeedsInspection => tr!(l, staff.outcome.needs_inspection),
        Outcome::Refused => tr!(l, staff.outcome.refused),
        Outcome::Mixed => tr!(l, staff.outcome.mixed),
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

/// The filters and search of the queue, as the server's query.
#[derive(Clone, Copy)]
struct Filters {
    request_type: RwSignal<String>,
    outcome: RwSignal<String>,
    flagged: RwSignal<bool>,
    overdue: RwSignal<bool>,
    due_soon: RwSignal<bool>,
    /// The search that was submitted (not what is being typed).
    search: RwSignal<String>,
}

impl Filters {
    fn new() -> Filters {
        Filters {
            request_type: RwSignal::new(String::new()),
            outcome: RwSignal::new(String::new()),
            flagged: RwSignal::new(false),
            overdue: RwSignal::new(false),
            due_soon: RwSignal::new(false),
            search: RwSignal::new(String::new()),
        }
    }

    /// The query of `tab` with these filters; a search looks in every status.
    fn query(self, tab: Tab) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        let search = self.search.get();
        if search.trim().is_empty() {
            let (key, value) = tab.query();
            query.push((key, value.to_owned()));
        } else {
            query.push(("q", search.trim().to_owned()));
        }
        for (key, value) in [
            ("type", self.request_type.get()),
            ("outcome", self.outcome.get()),
        ] {
            if !value.is_empty() {
                query.push((key, value));
            }
        }
        for (key, value, on) in [
            ("flagged", "true", self.flagged.get()),
            ("overdue", "true", self.overdue.get()),
            ("due_within_minutes", "60", self.due_soon.get()),
        ] {
            if on {
                query.push((key, value.to_owned()));
            }
        }
        query
    }
}

fn pairs<'a>(query: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    query.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Offers `csv` as a file download named `name`.
fn download(csv: &str, name: &str) -> Option<()> {
    use wasm_bindgen::JsCast;
    // XMLHttpRequest drops the server's byte-order mark when it decodes the text;
    // without it Excel reads the UTF-8 as the local code page and garbles Chinese.
    let with_bom = format!("\u{feff}{}", csv.trim_start_matches('\u{feff}'));
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&with_bom));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}

#[component]
pub fn Queue(tab: Tab) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let filters = Filters::new();
    let typed = RwSignal::new(String::new());
    let rows = RwSignal::new(None::<Result<Vec<Summary>, api::Failure>>);
    let has_more = RwSignal::new(false);
    let shown = RwSignal::new(PAGE);
    let counts = RwSignal::new(None::<Counts>);
    let refreshes = RwSignal::new(0u32);
    let exporting = RwSignal::new(false);
    let export_error = RwSignal::new(None::<String>);

    Effect::new(move |_| {
        refreshes.track();
        let mut query = filters.query(tab);
        let limit = shown.get();
        query.push(("limit", limit.min(200).to_string()));
        leptos::task::spawn_local(async move {
            let answer = api::queue(API, &pairs(&query)).await;
            match answer {
                Ok(list) => {
                    // The server gives at most 200 rows a page; past that, filters or the export.
                    has_more.set(list.has_more && limit < 200);
                    rows.set(Some(Ok(list.requests)));
                }
                Err(f) => {
                    ctx.check_signed_in(&f);
                    rows.set(Some(Err(f)));
                }
            }
            counts.set(api::counts(API).await.ok());
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
        let title = match counts.get() {
            Some(c) if c.new > 0 => format!("({}) {}", badge(l, c.new, c.cap), tr!(l, staff.title)),
            _ => tr!(l, staff.title).to_owned(),
        };
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&title);
        }
    });

    let tabs = move || {
        let l = ctx.lang.get();
        let c = counts.get();
        Tab::ALL
            .into_iter()
            .map(|t| {
                let current = (t == tab && filters.search.get().is_empty()).then_some("page");
                let count = c
                    .and_then(|c| match t {
                        Tab::New => Some((c.new, c.cap)),
                        Tab::Waiting => Some((c.waiting, c.cap)),
                        Tab::InProgress => Some((c.in_progress, c.cap)),
                        _ => None,
                    })
                    .filter(|(n, _)| *n > 0)
                    .map(|(n, cap)| view! { <span class="stf-count">{badge(l, n, cap)}</span> });
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
    let outcome_options = move || {
        let l = ctx.lang.get();
        Outcome::ALL
            .iter()
            .map(|o| view! { <option value=o.as_str()>{outcome_name(l, *o)}</option> })
            .collect_view()
    };
    let checkbox = move |signal: RwSignal<bool>, label: fn(Lang) -> &'static str| {
        view! {
            <label class="stf-filter stf-check">
                <input
                    type="checkbox"
                    prop:checked=move || signal.get()
                    on:change=move |ev| signal.set(event_target_checked(&ev))
                />
                <span>{text(label)}</span>
            </label>
        }
    };
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        shown.set(PAGE);
        filters.search.set(typed.get_untracked());
    };
    let clear = move |_| {
        typed.set(String::new());
        filters.search.set(String::new());
    };
    let export = move |_| {
        if exporting.get_untracked() {
            return;
        }
        exporting.set(true);
        export_error.set(None);
        let query = filters.query(tab);
        leptos::task::spawn_local(async move {
            let l = ctx.lang.get_untracked();
            match api::export_csv(API, &pairs(&query)).await {
                Ok(csv) => {
                    let day = ctx.clock.get_untracked().local_date().to_string();
                    download(&csv, &format!("requests-{}-{day}.csv", tab.id()));
                }
                Err(f) => {
                    ctx.check_signed_in(&f);
                    export_error.set(Some(failure_text(l, &f)));
                }
            }
            exporting.set(false);
        });
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
                                <th scope="col">{tr!(l, staff.col_waiting)}</th>
                                <th scope="col">{tr!(l, staff.col_received)}</th>
                                <th scope="col">{tr!(l, staff.col_due_level)}</th>
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
                    </table>
                }
                .into_any()
            }
        }
    };
    let searching = move || {
        let q = filters.search.get();
        (!q.is_empty()).then(|| {
            let l = ctx.lang.get();
            view! {
                <p class="stf-hint stf-search-note">
                    {tr!(l, staff.search_results, q = q.clone()).to_string()} " "
                    <button type="button" class="stf-link" on:click=clear>
                        {tr!(l, staff.search_clear)}
                    </button>
                </p>
            }
        })
    };
    view! {
        <section aria-labelledby="stf-queue-title">
            <h2 id="stf-queue-title" class="stf-sr">
                {text(|l| tr!(l, staff.queue_title))}
            </h2>
            <nav class="stf-tabs" aria-label=text(|l| tr!(l, staff.tabs_label))>
                {tabs}
            </nav>
            <form class="stf-search" role="search" on:submit=search>
                <label class="stf-field">
                    <span>{text(|l| tr!(l, staff.search_label))}</span>
                    <input
                        type="search"
                        name="q"
                        maxlength="64"
                        autocomplete="off"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="stf-button">
                    {text(|l| tr!(l, staff.search))}
                </button>
            </form>
            <div class="stf-filters" role="group" aria-label=text(|l| tr!(l, staff.filters_label))>
                <label class="stf-filter">
                    <span>{text(|l| tr!(l, staff.filter_type))}</span>
                    <select
                        name="type"
                        on:change=move |ev| filters.request_type.set(event_target_value(&ev))
                    >
                        <option value="">{text(|l| tr!(l, staff.filter_any_type))}</option>
                        {type_options}
                    </select>
                </label>
                <label class="stf-filter">
                    <span>{text(|l| tr!(l, staff.filter_outcome))}</span>
                    <select
                        name="outcome"
                        on:change=move |ev| filters.outcome.set(event_target_value(&ev))
                    >
                        <option value="">{text(|l| tr!(l, staff.filter_any_outcome))}</option>
                        {outcome_options}
                    </select>
                </label>
                {checkbox(filters.flagged, |l| tr!(l, staff.filter_flagged))}
                {checkbox(filters.overdue, |l| tr!(l, staff.filter_overdue))}
                {checkbox(filters.due_soon, |l| tr!(l, staff.filter_due_soon))}
                <button
                    type="button"
                    class="stf-button"
                    on:click=move |_| refreshes.update(|n| *n += 1)
                >
                    {text(|l| tr!(l, staff.refresh))}
                </button>
                <button
                    type="button"
                    class="stf-button"
                    data-action="export"
                    prop:disabled=move || exporting.get()
                    on:click=export
                >
                    {move || {
                        let l = ctx.lang.get();
                        if exporting.get() {
                            tr!(l, staff.exporting)
                        } else {
                            tr!(l, staff.export_csv)
                        }
                    }}
                </button>
            </div>
            {move || export_error.get().map(|e| view! { <p role="alert">{e}</p> })}
            {searching}
            <div aria-live="polite">{table}</div>
            {move || {
                has_more
                    .get()
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="stf-button stf-more"
                                on:click=move |_| shown.update(|n| *n += PAGE)
                            >
                                {text(|l| tr!(l, staff.load_more))}
                            </button>
                        }
                    })
            }}
        </section>
    }
}

/// A tab's count, "999+" above what the server counts.
fn badge(l: Lang, n: i64, cap: i64) -> String {
    if n >= cap {
        tr!(l, staff.count_more, n = cap - 1).to_string()
    } else {
        n.to_string()
    }
}

fn row(l: Lang, r: Summary, now: Timestamp) -> impl IntoView {
    let due = r.next_due.as_deref().and_then(|d| Timestamp::parse(d).ok());
    let missed = due.is_some_and(|d| d.unix_seconds() < now.unix_seconds());
    let due_text = due.map(|d| countdown(l, d, now)).unwrap_or_default();
    let level = r
        .next_due_level
        .as_deref()
        .map(|w| i18n::service_name(l, w).to_owned())
        .unwrap_or_default();
    let step = r
        .step
        .as_deref()
        .map(|s| i18n::step(l, s))
        .unwrap_or_else(|| tr!(l, staff.not_started).to_owned());
    let waiting = r
        .waiting_for
        .iter()
        .map(|role| role_name(l, *role))
        .collect::<Vec<_>>()
        .join(tr!(l, staff.list_separator));
    let flags = (!r.flags.is_empty())
        .then(|| view! { <span class="stf-flag">{tr!(l, staff.flagged)}</span> });
    view! {
        // data-label: the column's name where a narrow screen stacks the cells.
        <tr data-id=r.id.clone() data-overdue=missed.then_some("")>
            <td>
                <a href=Page::Request(r.id.clone()).href()>{r.order_number.clone()}</a>
                <span class="stf-code">{r.tracking_code.clone()}</span>
                {flags}
            </td>
            <td data-label=tr!(l, staff.col_type)>{type_name(l, &r.request_type)}</td>
            <td data-label=tr!(l, staff.col_step)>{step}</td>
            <td data-label=tr!(l, staff.col_waiting)>{waiting}</td>
            <td data-label=tr!(
                l, staff.col_received
            )>{r.received_at.get(..16).unwrap_or(&r.received_at).replace('T', " ")}</td>
            <td
                data-label=tr!(l, staff.col_due_level)
                class=if missed { "stf-due stf-missed" } else { "stf-due" }
            >
                <span class="stf-level">{level}</span>
                <span class="stf-countdown">{due_text}</span>
            </td>
        </tr>
    }
}
