//! One request: the order and contact, the customer's and the server's
//! decisions side by side, the flags explained, the photos, the procedure's
//! steps with who does each, the service levels, the history and the audit
//! trail; and the moves the member's roles allow, with a note for the
//! customer. If someone else moved the request meanwhile, the member is told
//! and sees its new state: nothing is overwritten.

use leptos::prelude::*;

use aftersales_contract::RequestStatus;
use aftersales_rules::{StaffRole, Timestamp};

use super::api::{self, Detail, Session};
use super::queue::{countdown, type_name};
use super::{failure_text, role_name, Ctx, Page, Tab, API};
use crate::browser::router::Fragment;
use crate::ui::format;
use crate::ui::i18n::{self, Lang};
use crate::ui::text::text;

fn status_name(l: Lang, s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Received => tr!(l, staff.status_received),
        RequestStatus::InProgress => tr!(l, staff.status_in_progress),
        RequestStatus::Closed => tr!(l, staff.status_closed),
        RequestStatus::Rejected => tr!(l, staff.status_rejected),
        RequestStatus::Unknown => tr!(l, staff.status_unknown),
    }
}

fn flag_text(l: Lang, flag: &str) -> String {
    match flag {
        "decision_mismatch" => tr!(l, staff.flag.decision_mismatch).to_owned(),
        "order_differs" => tr!(l, staff.flag.order_differs).to_owned(),
        "order_unknown" => tr!(l, staff.flag.order_unknown).to_owned(),
        "phone_mismatch" => tr!(l, staff.flag.phone_mismatch).to_owned(),
        "filed_at_outside_grace" => tr!(l, staff.flag.filed_at_outside_grace).to_owned(),
        "filed_at_in_future" => tr!(l, staff.flag.filed_at_in_future).to_owned(),
        other => other.replace('_', " "),
    }
}

/// Who made a change: a member's username, or the server's name for the
/// customer, the command line or an unknown visitor, in words.
fn actor_name(l: Lang, actor: &str) -> String {
    match actor {
        "customer" => tr!(l, staff.actor.customer).to_owned(),
        "cli" => tr!(l, staff.actor.cli).to_owned(),
        "anonymous" => tr!(l, staff.actor.anonymous).to_owned(),
        member => member.to_owned(),
    }
}

/// "2026-12-03 14:35" of an instant as the server shows it (store time).
fn shown(at: &str) -> String {
    at.get(..16).unwrap_or(at).replace('T', " ")
}

/// A decision's headline: outcome and clause in words.
fn decision_text(l: Lang, request_type: &str, decision: &serde_json::Value) -> String {
    let outcome = decision["outcome"]
        .as_str()
        .and_then(|o| serde_json::from_value(o.into()).ok());
    let clause = decision["clause"]
        .as_str()
        .and_then(|c| serde_json::from_value(c.into()).ok());
    let kind = aftersales_rules::RequestType::parse(request_type);
    match (outcome, clause, kind) {
        (Some(o), Some(c), Some(k)) => i18n::headline(l, o, c, k),
        _ => tr!(l, staff.no_decision).to_owned(),
    }
}

#[component]
pub fn Request(id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let detail = RwSignal::new(None::<Result<Detail, api::Failure>>);
    let notice = RwSignal::new(None::<String>);
    let load = {
        let id = id.clone();
        move || {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                let answer = api::detail(API, &id).await;
                if let Err(f) = &answer {
                    ctx.check_signed_in(f);
                }
                detail.set(Some(answer));
            });
        }
    };
    load();
    let page = move || {
        let l = ctx.lang.get();
        match detail.get() {
            None => view! { <p class="stf-loading">{tr!(l, staff.loading)}</p> }.into_any(),
            Some(Err(f)) => view! { <p role="alert">{failure_text(l, &f)}</p> }.into_any(),
            Some(Ok(d)) => {
                let session = ctx.session.get();
                body(
                    l,
                    d,
                    session,
                    ctx.clock.get(),
                    detail,
                    notice,
                    ctx.kinds.get(),
                )
                .into_any()
            }
        }
    };
    view! {
        <a class="stf-back" href=Page::Queue(Tab::New).href()>
            {text(|l| tr!(l, staff.back_to_queue))}
        </a>
        <div class="stf-notice" role="status" aria-live="polite">
            {move || notice.get().map(|n| view! { <p>{n}</p> })}
        </div>
        {page}
    }
}

fn body(
    l: Lang,
    d: Detail,
    session: Option<Session>,
    now: Timestamp,
    detail: RwSignal<Option<Result<Detail, api::Failure>>>,
    notice: RwSignal<Option<String>>,
    kinds: Option<serde_json::Value>,
) -> impl IntoView {
    let steps = d.steps();
    let done_until = d
        .step
        .as_ref()
        .and_then(|s| steps.iter().position(|x| x == s))
        .map_or(0, |i| i + 1);
    let phone = d.contact["phone"].as_str().unwrap_or_default().to_owned();
    let name = d.contact["name"].as_str().unwrap_or_default().to_owned();
    let flags = d
        .flags
        .iter()
        .map(|f| view! { <li data-flag=f.clone()>{flag_text(l, f)}</li> })
        .collect_view();
    let customer_saw = d
        .client_decision
        .as_ref()
        .map(|c| decision_text(l, &d.request_type, c))
        .unwrap_or_else(|| tr!(l, staff.no_decision).to_owned());
    let server = decision_text(l, &d.request_type, &d.decision);
    let step_items = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let state = if i < done_until { "done" } else { "ahead" };
            let role = d
                .step_roles
                .get(s)
                .map(|r| role_name(l, *r))
                .unwrap_or_default();
            // Who recorded the step, and when (the history entry that reached it).
            let by = d
                .history
                .iter()
                .find(|h| h.entry.step.as_deref() == Some(s.as_str()))
                .map(|h| {
                    let at = h
                        .entry
                        .at
                        .known()
                        .map(|t| t.to_string())
                        .unwrap_or_default();
                    format!("{} · {}", actor_name(l, &h.actor), shown(&at))
                });
            view! {
                <li data-step=s.clone() data-state=state>
                    <span class="stf-step-name">{i18n::step(l, s)}</span>
                    <span class="stf-step-role">{role}</span>
                    {by.map(|b| view! { <span class="stf-step-by">{b}</span> })}
                </li>
            }
        })
        .collect_view();
    let levels = d
        .service_levels
        .iter()
        .map(|lv| {
            let within = format::minutes(u32::try_from(lv.within_minutes).unwrap_or(u32::MAX), l);
            let what = i18n::service_level(l, &lv.what, &within, &lv.after);
            let state = match (&lv.met, &lv.due) {
                (Some(met), _) => tr!(l, staff.level_met, at = shown(met)).to_string(),
                (None, Some(due)) => Timestamp::parse(due)
                    .map(|t| countdown(l, t, now))
                    .unwrap_or_default(),
                (None, None) => tr!(l, staff.level_waiting).to_owned(),
            };
            let missed = lv.met.is_none() && lv.overdue;
            view! {
                <li data-what=lv.what.clone() class=if missed { "stf-missed" } else { "" }>
                    {what}
                    " · "
                    {state}
                </li>
            }
        })
        .collect_view();
    let history = d
        .history
        .iter()
        .map(|h| {
            let step = h
                .entry
                .step
                .as_deref()
                .map(|s| i18n::step(l, s))
                .unwrap_or_default();
            let at = h
                .entry
                .at
                .known()
                .map(|t| t.to_string())
                .unwrap_or_default();
            view! {
                <li>
                    <span>{shown(&at)}</span>
                    " "
                    <strong>{status_name(l, h.entry.status)}</strong>
                    " "
                    {step}
                    " · "
                    {actor_name(l, &h.actor)}
                    {h.entry.note.clone().map(|n| view! { <p class="stf-note">{n}</p> })}
                </li>
            }
        })
        .collect_view();
    let photos = d
        .attachments
        .iter()
        .map(|p| {
            let url = api::photo_url(API, &d.id, p.seq);
            let link = url.clone();
            view! {
                <a href=link target="_blank" rel="noopener">
                    <img
                        src=url
                        alt=tr!(l, staff.photo_alt, n = p.seq).to_string()
                        loading="lazy"
                    />
                </a>
            }
        })
        .collect_view();
    let audit = d
        .audit
        .iter()
        .map(|a| {
            view! {
                <li>
                    {shown(&a.at)} " · " {actor_name(l, &a.actor)} " · "
                    <code>{a.action.clone()}</code>
                </li>
            }
        })
        .collect_view();
    let actions = session.map(|s| actions(l, &d, &s, detail, notice));
    let internal = internal_notes(l, &d, detail, notice);
    let order = order_lines(l, &d, kinds);
    view! {
        <article class="stf-request" data-status=d.status.as_str()>
            <h2>{type_name(l, &d.request_type)} " · " {d.order_number.clone()}</h2>
            <dl class="stf-facts">
                <dt>{tr!(l, staff.status)}</dt>
                <dd data-status=d.status.as_str()>{status_name(l, d.status)}</dd>
                <dt>{tr!(l, staff.tracking_code)}</dt>
                <dd>
                    <code>{d.tracking_code.clone()}</code>
                </dd>
                <dt>{tr!(l, staff.col_received)}</dt>
                <dd>{shown(&d.received_at)}</dd>
                <dt>{tr!(l, staff.contact)}</dt>
                <dd>{name} " " <a href=format!("tel:{phone}")>{phone.clone()}</a></dd>
            </dl>
            {(!d.description.is_empty())
                .then(|| view! { <p class="stf-description">{d.description.clone()}</p> })}
            {order}
            <section class="stf-decisions" aria-labelledby="stf-decisions-title">
                <h3 id="stf-decisions-title">{tr!(l, staff.decisions_title)}</h3>
                <div class="stf-side">
                    <div>
                        <h4>{tr!(l, staff.customer_saw)}</h4>
                        <p>{customer_saw}</p>
                    </div>
                    <div>
                        <h4>{tr!(l, staff.server_check)}</h4>
                        <p>{server}</p>
                    </div>
                </div>
                {(!d.flags.is_empty())
                    .then(|| {
                        view! {
                            <h4>{tr!(l, staff.flags_title)}</h4>
                            <ul class="stf-flags">{flags}</ul>
                        }
                    })}
            </section>
            {actions}
            <section aria-labelledby="stf-steps-title">
                <h3 id="stf-steps-title">{tr!(l, staff.steps_title)}</h3>
                <ol class="stf-steps">{step_items}</ol>
            </section>
            <section aria-labelledby="stf-levels-title">
                <h3 id="stf-levels-title">{tr!(l, staff.levels_title)}</h3>
                <ul class="stf-levels">{levels}</ul>
            </section>
            {(!d.attachments.is_empty())
                .then(|| {
                    view! {
                        <section aria-labelledby="stf-photos-title">
                            <h3 id="stf-photos-title">{tr!(l, staff.photos_title)}</h3>
                            <div class="stf-photos">{photos}</div>
                        </section>
                    }
                })}
            {internal}
            <section aria-labelledby="stf-history-title">
                <h3 id="stf-history-title">{tr!(l, staff.history_title)}</h3>
                <ol class="stf-history">{history}</ol>
            </section>
            <details class="stf-audit">
                <summary>{tr!(l, staff.audit_title)}</summary>
                <ol>{audit}</ol>
            </details>
        </article>
    }
}

/// Shows the answer to a change of request `id`: the request as it is now and
/// `done` in words; on a `409` (someone else was quicker) what it is now; else
/// the failure. Whether the change was made.
async fn settle(
    answer: Result<Detail, api::Failure>,
    id: &str,
    done: fn(Lang) -> &'static str,
    detail: RwSignal<Option<Result<Detail, api::Failure>>>,
    notice: RwSignal<Option<String>>,
) -> bool {
    let l = crate::ui::text::language().get_untracked();
    match answer {
        Ok(d) => {
            notice.set(Some(done(l).to_owned()));
            detail.set(Some(Ok(d)));
            true
        }
        Err(api::Failure::Refused { status: 409, .. }) => {
            notice.set(Some(tr!(l, staff.changed_meanwhile).to_owned()));
            detail.set(Some(api::detail(API, id).await));
            false
        }
        Err(f) => {
            notice.set(Some(failure_text(l, &f)));
            false
        }
    }
}

/// The moves this member may make, with a note shown to the customer.
fn actions(
    l: Lang,
    d: &Detail,
    session: &Session,
    detail: RwSignal<Option<Result<Detail, api::Failure>>>,
    notice: RwSignal<Option<String>>,
) -> Option<impl IntoView> {
    if !d.status.is_open() {
        return None;
    }
    let mine = d.steps_for(session);
    let close = StaffRole::CLOSERS.iter().any(|r| session.has(*r));
    let reject = StaffRole::REJECTERS.iter().any(|r| session.has(*r));
    let waiting = d
        .next_steps
        .first()
        .and_then(|s| d.step_roles.get(s))
        .map(|r| role_name(l, *r));
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let id = StoredValue::new(d.id.clone());
    let go = move |to: String| {
        if busy.get_untracked() {
            return;
        }
        let text = note.get_untracked();
        if to == "rejected" && text.trim().is_empty() {
            let l = crate::ui::text::language().get_untracked();
            notice.set(Some(tr!(l, staff.reason_required).to_owned()));
            return;
        }
        busy.set(true);
        notice.set(None);
        leptos::task::spawn_local(async move {
            let id = id.get_value();
            let answer = api::transition(API, &id, &to, &text).await;
            if settle(answer, &id, |l| tr!(l, staff.moved), detail, notice).await {
                note.set(String::new());
            }
            busy.set(false);
        });
    };
    let record = move |met: Option<String>, event: Option<String>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(None);
        leptos::task::spawn_local(async move {
            let id = id.get_value();
            let met: Vec<&str> = met.as_deref().into_iter().collect();
            let events: Vec<&str> = event.as_deref().into_iter().collect();
            let answer = api::record_levels(API, &id, &met, &events).await;
            settle(answer, &id, |l| tr!(l, staff.recorded), detail, notice).await;
            busy.set(false);
        });
    };
    let levels = level_buttons(l, d, busy, record);
    let step_buttons = mine
        .into_iter()
        .map(|s| {
            let label = i18n::step(l, &s);
            view! {
                <button
                    type="button"
                    class="stf-button stf-primary"
                    data-to=s.clone()
                    prop:disabled=move || busy.get()
                    on:click=move |_| go(s.clone())
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    // Closing and rejecting, where the member's roles allow them.
    let ends = [
        (close, "closed", "stf-button", tr!(l, staff.close)),
        (
            reject,
            "rejected",
            "stf-button stf-danger",
            tr!(l, staff.reject),
        ),
    ]
    .into_iter()
    .filter(|(allowed, ..)| *allowed)
    .map(|(_, to, class, label)| {
        view! {
            <button
                type="button"
                class=class
                data-to=to
                prop:disabled=move || busy.get()
                on:click=move |_| go(to.into())
            >
                {label}
            </button>
        }
    })
    .collect_view();
    Some(view! {
        <section class="stf-card stf-actions" aria-labelledby="stf-actions-title">
            <h3 id="stf-actions-title">{tr!(l, staff.actions_title)}</h3>
            {waiting
                .map(|r| {
                    view! {
                        <p class="stf-hint">{tr!(l, staff.waiting_for, role = r).to_string()}</p>
                    }
                })}
            <label class="stf-field">
                <span>{tr!(l, staff.note_for_customer)}</span>
                <span class="stf-hint">{tr!(l, staff.customer_note_hint)}</span>
                <textarea
                    name="customer_note"
                    rows="3"
                    maxlength="2000"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                ></textarea>
            </label>
            <div class="stf-buttons">{step_buttons} {ends}</div>
            {levels}
        </section>
    })
}

/// The order as the store holds it: dates in store time, each line with its kind.
fn order_lines(l: Lang, d: &Detail, kinds: Option<serde_json::Value>) -> impl IntoView {
    let order = &d.case["order"];
    let currency = order["currency"].as_str().unwrap_or("CNY").to_owned();
    let kind_name = |id: &str| {
        kinds
            .as_ref()
            .and_then(|k| k[id]["name"][l.code()].as_str())
            .map_or_else(|| id.replace('_', " "), str::to_owned)
    };
    let lines = order["lines"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|line| {
            let name = line["name"].as_str().unwrap_or_default().to_owned();
            let sku = line["sku"].as_str().unwrap_or_default().to_owned();
            let kind = kind_name(line["kind"].as_str().unwrap_or_default());
            let quantity = line["quantity"].as_i64().unwrap_or_default();
            let price = format::money(line["unit_price"].as_i64().unwrap_or_default(), &currency);
            view! {
                <tr>
                    <td>{name} " " <span class="stf-code">{sku}</span></td>
                    <td data-label=tr!(l, staff.kind)>{kind}</td>
                    <td data-label=tr!(l, staff.quantity)>{quantity}</td>
                    <td data-label=tr!(l, staff.col_price)>{price}</td>
                </tr>
            }
        })
        .collect_view();
    let ordered = shown(order["ordered_at"].as_str().unwrap_or_default());
    let fulfilled = order["fulfilment"]["at"].as_str().map(shown);
    view! {
        <section aria-labelledby="stf-order-title">
            <h3 id="stf-order-title">{tr!(l, staff.order_title)}</h3>
            <dl class="stf-facts">
                <dt>{tr!(l, staff.ordered_at)}</dt>
                <dd>{ordered}</dd>
                {fulfilled
                    .map(|at| {
                        view! {
                            <dt>{tr!(l, staff.fulfilled_at)}</dt>
                            <dd>{at}</dd>
                        }
                    })}
            </dl>
            <table class="stf-table stf-lines">
                <caption class="stf-sr">{tr!(l, staff.order_lines)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr!(l, staff.order_lines)}</th>
                        <th scope="col">{tr!(l, staff.kind)}</th>
                        <th scope="col">{tr!(l, staff.quantity)}</th>
                        <th scope="col">{tr!(l, staff.col_price)}</th>
                    </tr>
                </thead>
                <tbody>{lines}</tbody>
            </table>
        </section>
    }
}

/// Notes staff keep for each other, never shown to the customer, and a form
/// to add one: set apart from the customer's note so the two are never confused.
fn internal_notes(
    l: Lang,
    d: &Detail,
    detail: RwSignal<Option<Result<Detail, api::Failure>>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let notes = d
        .internal_notes
        .iter()
        .map(|n| {
            view! {
                <li>
                    <span class="stf-meta">{shown(&n.at)} " · " {actor_name(l, &n.author)}</span>
                    <p class="stf-note">{n.body.clone()}</p>
                </li>
            }
        })
        .collect_view();
    let empty = d.internal_notes.is_empty();
    let draft = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let id = StoredValue::new(d.id.clone());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked();
        if busy.get_untracked() || text.trim().is_empty() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let l = crate::ui::text::language().get_untracked();
            match api::add_note(API, &id.get_value(), &text).await {
                Ok(d) => {
                    draft.set(String::new());
                    notice.set(Some(tr!(l, staff.note_saved).to_owned()));
                    detail.set(Some(Ok(d)));
                }
                Err(f) => notice.set(Some(failure_text(l, &f))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="stf-card stf-internal" aria-labelledby="stf-internal-title">
            <h3 id="stf-internal-title">{tr!(l, staff.internal_title)}</h3>
            <p class="stf-hint">{tr!(l, staff.internal_hint)}</p>
            {if empty {
                view! { <p class="stf-empty">{tr!(l, staff.internal_empty)}</p> }.into_any()
            } else {
                view! { <ol class="stf-internal-notes">{notes}</ol> }.into_any()
            }}
            <form on:submit=save>
                <label class="stf-field">
                    <span>{tr!(l, staff.internal_add)}</span>
                    <textarea
                        name="internal_note"
                        rows="2"
                        maxlength="2000"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <button type="submit" class="stf-button" prop:disabled=move || busy.get()>
                    {tr!(l, staff.internal_save)}
                </button>
            </form>
        </section>
    }
}

/// Buttons that mark a service level met, or record the event a later level
/// counts from, without moving the request.
fn level_buttons(
    l: Lang,
    d: &Detail,
    busy: RwSignal<bool>,
    record: impl Fn(Option<String>, Option<String>) + Copy + 'static,
) -> Option<impl IntoView> {
    let running: Vec<String> = d
        .service_levels
        .iter()
        .filter(|lv| lv.met.is_none() && lv.due.is_some() && lv.what != "acknowledge")
        .map(|lv| lv.what.clone())
        .collect();
    let mut events: Vec<String> = d
        .service_levels
        .iter()
        .filter(|lv| lv.due.is_none() && lv.met.is_none())
        .map(|lv| lv.after.clone())
        .collect();
    events.dedup();
    // Nothing to record: no heading over an empty row.
    if running.is_empty() && events.is_empty() {
        return None;
    }
    let met = running
        .into_iter()
        .map(|what| {
            let label = tr!(
                l,
                staff.mark_met,
                what = i18n::service_name(l, &what).to_owned()
            )
            .to_string();
            view! {
                <button
                    type="button"
                    class="stf-button"
                    data-met=what.clone()
                    prop:disabled=move || busy.get()
                    on:click=move |_| record(Some(what.clone()), None)
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    let events = events
        .into_iter()
        .map(|event| {
            let label = match event.as_str() {
                "item_returned" => tr!(l, staff.event.item_returned).to_owned(),
                "resolved" => tr!(l, staff.event.resolved).to_owned(),
                other => other.replace('_', " "),
            };
            view! {
                <button
                    type="button"
                    class="stf-button"
                    data-event=event.clone()
                    prop:disabled=move || busy.get()
                    on:click=move |_| record(None, Some(event.clone()))
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    Some(view! {
        <h4>{tr!(l, staff.levels_actions)}</h4>
        <div class="stf-buttons" role="group" aria-label=tr!(l, staff.levels_actions)>
            {met}
            {events}
        </div>
    })
}
