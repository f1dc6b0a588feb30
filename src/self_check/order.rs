//! The order step: look the order up in the store's system (number + phone), take
//! a demo order, or enter it by hand.

use leptos::prelude::*;

use aftersales_rules::case::{Fulfilment, Order, OrderLine};
use aftersales_rules::{Policy, RequestType, Timestamp};

use crate::browser::http::{self, endpoint, Unreachable};
use crate::browser::router::Fragment;
use crate::handover::{Draft, OrderSource};
use crate::self_check::demo::ORDERS;
use crate::self_check::route::Route;
use crate::self_check::Portal;
use crate::ui::field::{input_field, AMOUNT, COUNT, PHONE, TEXT, WHEN};
use crate::ui::format;
use crate::ui::i18n::{self, Lang};
use crate::ui::shell::{focus_by_id, BackLink, PageTitle};
use crate::ui::text::{label, text};

/// Why a lookup found nothing to show.
#[derive(Clone, Copy, Debug, PartialEq)]
enum LookupError {
    Missing,
    NotFound,
    RateLimited,
    Unavailable,
    Offline,
}

impl LookupError {
    /// A stable id for tests and styling.
    fn code(self) -> &'static str {
        match self {
            LookupError::Missing => "missing",
            LookupError::NotFound => "not_found",
            LookupError::RateLimited => "rate_limited",
            LookupError::Unavailable => "unavailable",
            LookupError::Offline => "offline",
        }
    }
}

fn lookup_message(l: Lang, e: LookupError) -> &'static str {
    match e {
        LookupError::Missing => tr!(l, portal.lookup_missing),
        LookupError::NotFound => tr!(l, portal.lookup_not_found),
        LookupError::RateLimited => tr!(l, portal.lookup_rate_limited),
        LookupError::Unavailable => tr!(l, portal.lookup_unavailable),
        LookupError::Offline => tr!(l, portal.lookup_offline),
    }
}

async fn lookup(
    api_base: &str,
    number: &str,
    phone: &str,
    lang: Lang,
) -> Result<Order, LookupError> {
    let url = endpoint(api_base, &["orders", number], &[("phone", phone)]);
    let reply = http::get_json(&url, lang.code())
        .await
        .map_err(|Unreachable| LookupError::Offline)?;
    match reply.status {
        200 => serde_json::from_str(&reply.body).map_err(|_| LookupError::Unavailable),
        404 => Err(LookupError::NotFound),
        429 => Err(LookupError::RateLimited),
        _ => Err(LookupError::Unavailable),
    }
}

/// One line of an order as the customer recognises it.
fn line_summary(line: &OrderLine, policy: &Policy, currency: &str, l: Lang) -> String {
    let price = format::money(line.unit_price, currency);
    let name = if line.name.is_empty() {
        line.sku.clone()
    } else {
        line.name.clone()
    };
    let kind = i18n::kind(l, policy, &line.kind);
    if line.quantity > 1 {
        format!("{name} · {kind} · {} × {price}", line.quantity)
    } else {
        format!("{name} · {kind} · {price}")
    }
}

fn currency_of<'a>(order: &'a Order, policy: &'a Policy) -> &'a str {
    if order.currency.is_empty() {
        &policy.currency
    } else {
        &order.currency
    }
}

/// The order the check is about, as a compact card.
#[component]
pub fn OrderCard(order: Order) -> impl IntoView {
    let portal = expect_context::<Portal>();
    let l = move || portal.lang.get();
    let currency = portal
        .policy
        .with_value(|p| currency_of(&order, p).to_owned());
    let lines = order.lines.clone();
    view! {
        <div class="asp-order-card">
            <p class="asp-order-number">
                {text(|l| tr!(l, portal.order_number))} " " <strong>{order.number.clone()}</strong>
            </p>
            <ul class="asp-order-lines">
                {move || {
                    lines
                        .iter()
                        .map(|line| {
                            view! {
                                <li>
                                    {portal
                                        .policy
                                        .with_value(|p| line_summary(line, p, &currency, l()))}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

#[component]
pub fn OrderPage(request: RequestType, number: Option<String>) -> impl IntoView {
    let portal = expect_context::<Portal>();
    let l = move || portal.lang.get();
    let api_base = portal.mount.with_value(|m| m.api_base.clone());
    let demo = portal.mount.with_value(|m| m.demo);
    let current = portal.draft.with_untracked(|d| d.order.clone());

    // The link's order, else the one being checked, else the host page's.
    let number = RwSignal::new(
        number
            .or_else(|| current.as_ref().map(|o| o.number.clone()))
            .or_else(|| portal.mount.with_value(|m| m.order.clone()))
            .unwrap_or_default(),
    );
    let phone = RwSignal::new(portal.draft.with_untracked(|d| d.phone.clone()));
    let error: RwSignal<Option<LookupError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);

    let use_order = move |order: Order, source: OrderSource, phone: String| {
        portal.draft.set(Draft::with_order(order, source, phone));
        portal.continue_with(request);
    };

    let submit = {
        let api_base = api_base.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(base) = api_base.clone() else {
                return;
            };
            let (n, p) = (number.get_untracked(), phone.get_untracked());
            if n.trim().is_empty() || p.trim().is_empty() {
                error.set(Some(LookupError::Missing));
                return;
            }
            error.set(None);
            busy.set(true);
            leptos::task::spawn_local(async move {
                let found = lookup(&base, n.trim(), p.trim(), portal.lang.get_untracked()).await;
                busy.set(false);
                match found {
                    Ok(order) => use_order(order, OrderSource::Lookup, p.trim().to_owned()),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };

    let lookup_form = api_base.map(|_| {
        view! {
            <form class="asp-form" on:submit=submit novalidate>
                {lookup_fields(number, phone)}
                <div aria-live="polite" class="asp-live">
                    {move || {
                        error
                            .get()
                            .map(|e| {
                                view! {
                                    <p class="asp-error" data-error=e.code()>
                                        {move || lookup_message(l(), e)}
                                    </p>
                                }
                            })
                    }}
                </div>
                <button type="submit" class="asp-submit" prop:disabled=move || busy.get()>
                    {move || {
                        if busy.get() {
                            tr!(l(), portal.lookup_busy)
                        } else {
                            tr!(l(), portal.lookup_submit)
                        }
                    }}
                </button>
            </form>
        }
    });

    let demo_list = demo.then(|| {
        view! {
            <details class="asp-demo">
                <summary>{text(|l| tr!(l, portal.demo_title))}</summary>
                <p class="asp-hint">{text(|l| tr!(l, portal.demo_note))}</p>
                <ul class="asp-demo-list">
                    {ORDERS
                        .iter()
                        .map(|o| {
                            let pick = move |_| {
                                let now = portal.clock.get_untracked();
                                let order = portal
                                    .policy
                                    .with_value(|p| {
                                        o.order(now, |t| p.time_zone.localize(t).unwrap_or(t))
                                    });
                                if let Some(order) = order {
                                    use_order(order, OrderSource::Demo, String::new());
                                }
                            };
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="asp-demo-order"
                                        data-order=o.number
                                        on:click=pick
                                    >
                                        <span class="asp-order-name">{move || o.name(l())}</span>
                                        <span class="asp-order-meta">
                                            {o.number} " · "
                                            {move || {
                                                portal.policy.with_value(|p| i18n::kind(l(), p, o.kind))
                                            }}
                                        </span>
                                        <span class="asp-order-status">
                                            {move || {
                                                let span = |secs: i64| format::span(secs, l());
                                                let fulfilled = o.fulfilled_ago.map(span);
                                                i18n::order_status(
                                                    l(),
                                                    &span(o.ordered_ago),
                                                    fulfilled.as_deref().map(|f| (f, o.kind == "self_pickup")),
                                                )
                                            }}
                                        </span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
        }
    });

    view! {
        <BackLink href=Route::Start.href() />
        <PageTitle text=Signal::derive(move || order_title(l(), request)) />
        {current
            .map(|order| {
                view! {
                    <section class="asp-current" aria-labelledby="asp-current-title">
                        <h3 class="asp-sub" id="asp-current-title">
                            {text(|l| tr!(l, portal.current_order))}
                        </h3>
                        <OrderCard order />
                        <button
                            type="button"
                            class="asp-submit"
                            on:click=move |_| portal.continue_with(request)
                        >
                            {text(|l| tr!(l, portal.continue_with_order))}
                        </button>
                    </section>
                }
            })}
        {lookup_form}
        {manual_link(request)}
        {demo_list}
    }
}

/// "Return · Which order?"
pub fn order_title(l: Lang, request: RequestType) -> String {
    format!(
        "{} · {}",
        i18n::request_type(l, request),
        tr!(l, portal.order_title)
    )
}

/// The look-up form's title and fields (also painted into `index.html`).
pub fn lookup_fields(number: RwSignal<String>, phone: RwSignal<String>) -> impl IntoView {
    view! {
        <h3 class="asp-sub">{text(|l| tr!(l, portal.lookup_title))}</h3>
        {input_field(
            "asp-order-number".into(),
            label(|l| tr!(l, portal.order_number)),
            TEXT,
            number,
            None,
            Signal::derive(|| None),
        )}
        {input_field(
            "asp-order-phone".into(),
            label(|l| tr!(l, portal.order_phone)),
            PHONE,
            phone,
            Some(label(|l| tr!(l, portal.order_phone_hint))),
            Signal::derive(|| None),
        )}
    }
}

/// The link to hand entry (also painted into `index.html`).
pub fn manual_link(request: RequestType) -> impl IntoView {
    view! {
        <p class="asp-manual-link">
            <a class="asp-button-secondary" href=Route::Manual(request).href()>
                {text(|l| tr!(l, portal.manual_link))}
            </a>
        </p>
    }
}

/// One item row of the hand-entry form.
#[derive(Clone, Copy)]
struct ItemRow {
    key: u32,
    name: RwSignal<String>,
    kind: RwSignal<String>,
    quantity: RwSignal<String>,
    price: RwSignal<String>,
}

impl ItemRow {
    fn new(key: u32, line: Option<&OrderLine>, currency: &str, default_kind: &str) -> ItemRow {
        ItemRow {
            key,
            name: RwSignal::new(line.map(|l| l.name.clone()).unwrap_or_default()),
            kind: RwSignal::new(line.map_or_else(|| default_kind.to_owned(), |l| l.kind.clone())),
            quantity: RwSignal::new(
                line.map_or_else(|| "1".to_owned(), |l| l.quantity.to_string()),
            ),
            price: RwSignal::new(
                line.map(|l| format::plain_amount(l.unit_price, currency))
                    .unwrap_or_default(),
            ),
        }
    }
}

/// Which field of the hand-entry form is wrong, and how.
#[derive(Clone, Debug, PartialEq)]
enum FieldError {
    OrderedAtMissing,
    OrderedAtFuture,
    FulfilledAtMissing,
    FulfilledBeforeOrder,
    FulfilledAtFuture,
    ItemName(u32),
    ItemQuantity(u32),
    ItemPrice(u32),
}

impl FieldError {
    fn field(&self) -> String {
        match self {
            FieldError::OrderedAtMissing | FieldError::OrderedAtFuture => "asp-ordered-at".into(),
            FieldError::FulfilledAtMissing
            | FieldError::FulfilledBeforeOrder
            | FieldError::FulfilledAtFuture => "asp-fulfilled-at".into(),
            FieldError::ItemName(k) => format!("asp-item-{k}-name"),
            FieldError::ItemQuantity(k) => format!("asp-item-{k}-quantity"),
            FieldError::ItemPrice(k) => format!("asp-item-{k}-price"),
        }
    }

    fn message(&self, l: Lang) -> &'static str {
        match self {
            FieldError::OrderedAtMissing => tr!(l, portal.error_ordered_at_missing),
            FieldError::OrderedAtFuture => tr!(l, portal.error_future),
            FieldError::FulfilledAtMissing => tr!(l, portal.error_fulfilled_at_missing),
            FieldError::FulfilledBeforeOrder => tr!(l, portal.error_fulfilled_before_order),
            FieldError::FulfilledAtFuture => tr!(l, portal.error_future),
            FieldError::ItemName(_) => tr!(l, portal.error_item_name),
            FieldError::ItemQuantity(_) => tr!(l, portal.error_item_quantity),
            FieldError::ItemPrice(_) => tr!(l, portal.error_item_price),
        }
    }
}

/// What the customer typed, before it is an order.
struct ManualInput {
    number: String,
    ordered_at: String,
    state: &'static str,
    fulfilled_at: String,
    items: Vec<(u32, String, String, String, String)>,
}

/// Checks the typed order and builds it; every problem is reported at once.
fn build_order(
    input: &ManualInput,
    policy: &Policy,
    now: Timestamp,
) -> Result<Order, Vec<FieldError>> {
    let zone = &policy.time_zone;
    let instant = |value: &str| {
        format::parse_local_datetime(value).and_then(|(d, s)| zone.at_local(d, s).ok())
    };
    let mut errors = Vec::new();
    let ordered_at = instant(&input.ordered_at);
    match ordered_at {
        None => errors.push(FieldError::OrderedAtMissing),
        Some(t) if t > now => errors.push(FieldError::OrderedAtFuture),
        Some(_) => {}
    }
    let fulfilled_at = if input.state == "pending" {
        None
    } else {
        let at = instant(&input.fulfilled_at);
        match (at, ordered_at) {
            (None, _) => errors.push(FieldError::FulfilledAtMissing),
            (Some(f), _) if f > now => errors.push(FieldError::FulfilledAtFuture),
            (Some(f), Some(o)) if f < o => errors.push(FieldError::FulfilledBeforeOrder),
            _ => {}
        }
        at
    };
    let mut lines = Vec::new();
    for (i, (key, name, kind, quantity, price)) in input.items.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(FieldError::ItemName(*key));
        }
        let quantity = quantity
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|q| (1..=999).contains(q));
        if quantity.is_none() {
            errors.push(FieldError::ItemQuantity(*key));
        }
        let price = format::parse_money(price, &policy.currency);
        if price.is_none() {
            errors.push(FieldError::ItemPrice(*key));
        }
        if let (Some(quantity), Some(unit_price)) = (quantity, price) {
            lines.push(OrderLine {
                id: (i + 1).to_string(),
                sku: String::new(),
                name: name.to_owned(),
                kind: kind.clone(),
                quantity,
                unit_price,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(ordered_at), number) = (ordered_at, input.number.trim()) else {
        return Err(vec![FieldError::OrderedAtMissing]);
    };
    let fulfilment = match (input.state, fulfilled_at) {
        ("delivered", Some(at)) => Fulfilment::Delivered { at },
        ("picked_up", Some(at)) => Fulfilment::PickedUp { at },
        _ => Fulfilment::Pending,
    };
    Ok(Order {
        number: if number.is_empty() {
            "—".to_owned()
        } else {
            number.chars().take(64).collect()
        },
        ordered_at,
        currency: String::new(),
        fulfilment,
        lines,
    })
}

#[component]
pub fn ManualPage(request: RequestType) -> impl IntoView {
    let portal = expect_context::<Portal>();
    let l = move || portal.lang.get();
    let (currency, kinds) = portal.policy.with_value(|p| {
        (
            p.currency.clone(),
            p.kinds.iter().map(|k| k.id.clone()).collect::<Vec<_>>(),
        )
    });
    // The everyday kind first: most orders are delivered goods.
    let default_kind = kinds
        .iter()
        .find(|k| *k == "regular")
        .or(kinds.first())
        .cloned()
        .unwrap_or_default();
    // Coming back to the form shows what was typed before.
    let previous = portal.draft.with_untracked(|d| {
        (d.source == OrderSource::Manual)
            .then(|| d.order.clone())
            .flatten()
    });
    let number = RwSignal::new(
        previous
            .as_ref()
            .map(|o| o.number.replace('—', ""))
            .unwrap_or_default(),
    );
    let ordered_at = RwSignal::new(
        previous
            .as_ref()
            .map(|o| format::local_datetime_value(o.ordered_at))
            .unwrap_or_default(),
    );
    let (state0, fulfilled0) = match previous.as_ref().map(|o| &o.fulfilment) {
        Some(Fulfilment::Delivered { at }) => ("delivered", format::local_datetime_value(*at)),
        Some(Fulfilment::PickedUp { at }) => ("picked_up", format::local_datetime_value(*at)),
        _ => ("pending", String::new()),
    };
    let state = RwSignal::new(state0);
    let fulfilled_at = RwSignal::new(fulfilled0);
    let next_key = StoredValue::new(0u32);
    let new_key = move || {
        next_key.update_value(|k| *k += 1);
        next_key.get_value()
    };
    let rows: Vec<ItemRow> = match &previous {
        Some(o) => o
            .lines
            .iter()
            .map(|line| ItemRow::new(new_key(), Some(line), &currency, &default_kind))
            .collect(),
        None => vec![ItemRow::new(new_key(), None, &currency, &default_kind)],
    };
    let items = RwSignal::new(rows);
    let errors: RwSignal<Vec<FieldError>> = RwSignal::new(Vec::new());
    let error_for = move |field: String| -> Signal<Option<&'static str>> {
        Signal::derive(move || {
            let l = portal.lang.get();
            errors.with(|es| es.iter().find(|e| e.field() == field).map(|e| e.message(l)))
        })
    };

    let currency_for_submit = currency.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ManualInput {
            number: number.get_untracked(),
            ordered_at: ordered_at.get_untracked(),
            state: state.get_untracked(),
            fulfilled_at: fulfilled_at.get_untracked(),
            items: items.with_untracked(|rows| {
                rows.iter()
                    .map(|r| {
                        (
                            r.key,
                            r.name.get_untracked(),
                            r.kind.get_untracked(),
                            r.quantity.get_untracked(),
                            r.price.get_untracked(),
                        )
                    })
                    .collect()
            }),
        };
        let _ = &currency_for_submit;
        let now = portal.clock.get_untracked();
        match portal.policy.with_value(|p| build_order(&input, p, now)) {
            Ok(order) => {
                errors.set(Vec::new());
                let phone = portal.draft.with_untracked(|d| d.phone.clone());
                portal
                    .draft
                    .set(Draft::with_order(order, OrderSource::Manual, phone));
                portal.continue_with(request);
            }
            Err(es) => {
                let first = es.first().map(FieldError::field);
                errors.set(es);
                if let Some(id) = first {
                    request_animation_frame(move || {
                        focus_by_id(&id);
                    });
                }
            }
        }
    };

    let state_option = move |value: &'static str, text: fn(Lang) -> &'static str| {
        view! {
            <label class="asp-pill">
                <input
                    type="radio"
                    name="asp-fulfilment"
                    value=value
                    prop:checked=move || state.get() == value
                    on:change=move |_| state.set(value)
                />
                <span>{move || text(l())}</span>
            </label>
        }
    };

    view! {
        <BackLink href=(Route::Order {
            request,
            number: None,
        })
            .href() />
        <PageTitle text=Signal::derive(text(|l| tr!(l, portal.manual_title)).to_owned()) />
        <p class="asp-intro">{text(|l| tr!(l, portal.manual_intro))}</p>
        <form class="asp-form" on:submit=submit novalidate>
            <div class="asp-live" aria-live="assertive">
                {move || {
                    let n = errors.with(Vec::len);
                    (n > 0)
                        .then(|| {
                            view! {
                                <p class="asp-error-summary" role="alert">
                                    {text(|l| tr!(l, portal.error_summary))}
                                </p>
                            }
                        })
                }}
            </div>
            {input_field(
                "asp-manual-number".into(),
                label(|l| tr!(l, portal.order_number_optional)),
                TEXT,
                number,
                None,
                error_for(String::new()),
            )}
            {input_field(
                "asp-ordered-at".into(),
                label(|l| tr!(l, portal.ordered_at)),
                WHEN,
                ordered_at,
                None,
                error_for("asp-ordered-at".into()),
            )}
            <fieldset class="asp-field">
                <legend>{text(|l| tr!(l, portal.fulfilment))}</legend>
                <div class="asp-pills asp-pills-wide">
                    {state_option("pending", |l| tr!(l, portal.fulfilment_pending))}
                    {state_option("delivered", |l| tr!(l, portal.fulfilment_delivered))}
                    {state_option("picked_up", |l| tr!(l, portal.fulfilment_picked_up))}
                </div>
            </fieldset>
            {move || {
                (state.get() != "pending")
                    .then(|| {
                        input_field(
                            "asp-fulfilled-at".into(),
                            Signal::derive(move || {
                                if state.get() == "picked_up" {
                                    tr!(l(), portal.picked_up_at).to_owned()
                                } else {
                                    tr!(l(), portal.delivered_at).to_owned()
                                }
                            }),
                            WHEN,
                            fulfilled_at,
                            None,
                            error_for("asp-fulfilled-at".into()),
                        )
                    })
            }}
            <h3 class="asp-sub">{text(|l| tr!(l, portal.items_title))}</h3>
            // A plain list rather than <For>: rows only come and go on add/remove
            // (typing updates each row's own signals), and <For> costs ~7 KB of WASM.
            {move || {
                items
                    .get()
                    .into_iter()
                    .map(|row| {
                        let k = row.key;
                        let id = move |f: &str| format!("asp-item-{k}-{f}");
                        let kinds = kinds.clone();
                        let currency = currency.clone();
                        let position = move || {
                            items.with(|rows| rows.iter().position(|r| r.key == k).unwrap_or(0) + 1)
                        };
                        view! {
                            <fieldset class="asp-item" data-item=k>
                                <legend>
                                    {move || format!("{} {}", tr!(l(), portal.item), position())}
                                </legend>
                                {input_field(
                                    id("name"),
                                    label(|l| tr!(l, portal.item_name)),
                                    TEXT,
                                    row.name,
                                    None,
                                    error_for(id("name")),
                                )}
                                <div class="asp-field">
                                    <label for=id(
                                        "kind",
                                    )>{text(|l| tr!(l, portal.item_kind))}</label>
                                    <select
                                        id=id("kind")
                                        aria-describedby=format!("{}-hint", id("kind"))
                                        prop:value=move || row.kind.get()
                                        on:change=move |ev| row.kind.set(event_target_value(&ev))
                                    >
                                        {kinds
                                            .iter()
                                            .map(|kind| {
                                                let value = kind.clone();
                                                let shown = kind.clone();
                                                let selected = kind.clone();
                                                view! {
                                                    <option
                                                        value=value
                                                        prop:selected=move || row.kind.get() == selected
                                                    >
                                                        {move || {
                                                            portal.policy.with_value(|p| i18n::kind(l(), p, &shown))
                                                        }}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                    <p class="asp-hint" id=format!("{}-hint", id("kind"))>
                                        {move || {
                                            portal
                                                .policy
                                                .with_value(|p| i18n::kind_description(
                                                    l(),
                                                    p,
                                                    &row.kind.get(),
                                                ))
                                        }}
                                    </p>
                                </div>
                                <div class="asp-row">
                                    {input_field(
                                        id("quantity"),
                                        label(|l| tr!(l, portal.item_quantity)),
                                        COUNT,
                                        row.quantity,
                                        None,
                                        error_for(id("quantity")),
                                    )}
                                    {input_field(
                                        id("price"),
                                        Signal::derive(move || {
                                            tr!(l(), portal.item_price, currency = currency.clone())
                                                .to_string()
                                        }),
                                        AMOUNT,
                                        row.price,
                                        None,
                                        error_for(id("price")),
                                    )}
                                </div>
                                {move || {
                                    items
                                        .with(|rows| rows.len() > 1)
                                        .then(|| {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="asp-link-button"
                                                    on:click=move |_| {
                                                        items.update(|rows| rows.retain(|r| r.key != k))
                                                    }
                                                >
                                                    {move || {
                                                        format!("{} {}", tr!(l(), portal.item_remove), position())
                                                    }}
                                                </button>
                                            }
                                        })
                                }}
                            </fieldset>
                        }
                    })
                    .collect_view()
            }}
            <button
                type="button"
                class="asp-secondary"
                on:click=move |_| {
                    let key = new_key();
                    let kind = items
                        .with_untracked(|rows| rows.last().map(|r| r.kind.get_untracked()));
                    items
                        .update(|rows| {
                            let row = ItemRow::new(key, None, "", kind.as_deref().unwrap_or(""));
                            rows.push(row);
                        });
                    request_animation_frame(move || {
                        focus_by_id(&format!("asp-item-{key}-name"));
                    });
                }
            >
                {text(|l| tr!(l, portal.item_add))}
            </button>
            <button type="submit" class="asp-submit">
                {text(|l| tr!(l, portal.continue_label))}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(ordered: &str, state: &'static str, fulfilled: &str, price: &str) -> ManualInput {
        ManualInput {
            number: " SO-9 ".into(),
            ordered_at: ordered.into(),
            state,
            fulfilled_at: fulfilled.into(),
            items: vec![(1, "Sofa".into(), "regular".into(), "2".into(), price.into())],
        }
    }

    #[test]
    fn a_typed_order_becomes_the_engines_order_in_store_time() {
        let policy = Policy::default_policy();
        let now = Timestamp::parse("2026-11-22T10:00:00+08:00").unwrap();
        let order = build_order(
            &input("2026-11-20T09:30", "delivered", "2026-11-21T15:00", "5,999"),
            &policy,
            now,
        )
        .unwrap();
        assert_eq!(order.number, "SO-9");
        assert_eq!(order.ordered_at.to_string(), "2026-11-20T09:30:00+08:00");
        assert_eq!(
            order.fulfilment,
            Fulfilment::Delivered {
                at: Timestamp::parse("2026-11-21T15:00:00+08:00").unwrap()
            }
        );
        assert_eq!(order.lines[0].unit_price, 599_900);
        assert_eq!(order.lines[0].quantity, 2);
    }

    #[test]
    fn every_mistake_is_reported_with_its_field() {
        let policy = Policy::default_policy();
        let now = Timestamp::parse("2026-11-22T10:00:00+08:00").unwrap();
        let errors = build_order(
            &input("2026-11-23T09:30", "delivered", "", "x"),
            &policy,
            now,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                FieldError::OrderedAtFuture,
                FieldError::FulfilledAtMissing,
                FieldError::ItemPrice(1)
            ]
        );
        let errors = build_order(
            &input("2026-11-20T09:30", "picked_up", "2026-11-19T09:00", "1"),
            &policy,
            now,
        )
        .unwrap_err();
        assert_eq!(errors, [FieldError::FulfilledBeforeOrder]);
        assert_eq!(
            build_order(&input("", "pending", "", "1"), &policy, now).unwrap_err(),
            [FieldError::OrderedAtMissing]
        );
    }
}
