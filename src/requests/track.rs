//! `#/r/<id>?code=<code>`: one request as the server knows it, on any device
//! that has the link: status, what is due next ("the service centre will call
//! you before Mon 14:30", in store time), the history with the store's notes,
//! a shareable link with its QR code, and, once closed, a 1–5 survey (once).
//! Refreshed when the page opens and whenever it regains focus.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use aftersales_contract::ErrorCode;
use aftersales_rules::Timestamp;

use super::when::when;
use super::{status_id, status_text, Ctx, Page};
use crate::browser::router::{plain_link, Fragment};
use crate::browser::storage;
use crate::requests::api::{self, ApiError, Due, RequestStatus, RequestView};
use crate::requests::outbox::{self, MyRequest};
use crate::ui::format;
use crate::ui::i18n::{self, Lang};
use crate::ui::qr::qr_image;
use crate::ui::shell::PageTitle;
use crate::ui::text::{colon, text};

/// "What happens next" in the customer's words.
fn due_sentence(l: Lang, what: &str, when: &str) -> String {
    match what {
        "acknowledge" => tr!(l, requests.due_acknowledge, when = when).to_string(),
        "first_contact" => tr!(l, requests.due_first_contact, when = when).to_string(),
        "resolution_plan" => tr!(l, requests.due_resolution_plan, when = when).to_string(),
        "post_repair_followup" => {
            tr!(l, requests.due_post_repair_followup, when = when).to_string()
        }
        "first_response" => tr!(l, requests.due_first_response, when = when).to_string(),
        "verification" => tr!(l, requests.due_verification, when = when).to_string(),
        "second_response" => tr!(l, requests.due_second_response, when = when).to_string(),
        "post_resolution_followup" => {
            tr!(l, requests.due_post_resolution_followup, when = when).to_string()
        }
        _ => tr!(l, requests.due_other, when = when).to_string(),
    }
}

/// The promises still ahead, soonest first. The customer's view does not say
/// which were met, but the store's first move meets `acknowledge`: once the
/// request is past `received`, that one is left out.
fn upcoming(due: &[Due], now: Timestamp, status: RequestStatus) -> Vec<(String, Timestamp)> {
    let mut ahead: Vec<(String, Timestamp)> = due
        .iter()
        .filter(|d| status == RequestStatus::Received || d.what != "acknowledge")
        .filter_map(|d| Some((d.what.clone(), *d.at.as_ref()?.known()?)))
        .filter(|(_, at)| at.unix_seconds() > now.unix_seconds())
        .collect();
    ahead.sort_by_key(|(_, at)| at.unix_seconds());
    ahead
}

/// Key of the "survey answered or declined" mark of a request.
fn survey_key(id: &str) -> String {
    format!("survey-done:{id}")
}

/// `navigator.clipboard.writeText` (secure contexts only); `false` where missing.
async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into())
        .ok()
        .filter(JsValue::is_object);
    let Some(clipboard) = clipboard else {
        return false;
    };
    let write = js_sys::Reflect::get(&clipboard, &"writeText".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(promise) = write
        .and_then(|f| f.call1(&clipboard, &text.into()).ok())
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

#[component]
pub fn TrackPage(id: String, code: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let data: RwSignal<Option<Result<RequestView, ApiError>>> = RwSignal::new(None);
    let last_known: RwSignal<Option<MyRequest>> = RwSignal::new(None);
    let loading = RwSignal::new(false);
    let fetch = {
        let (id, code) = (id.clone(), code.clone());
        Callback::new(move |()| {
            let (id, code, base) = (id.clone(), code.clone(), ctx.api_base());
            loading.set(true);
            leptos::task::spawn_local(async move {
                let result = api::track(&base, &id, &code).await;
                match &result {
                    Ok(tracking) => outbox::note_status(&id, tracking.status).await,
                    Err(_) => {
                        let known = outbox::my_requests().await.into_iter().find(|m| m.id == id);
                        last_known.try_set(known);
                    }
                }
                // A failed refresh keeps what was shown before.
                let keep = matches!(
                    (&result, data.try_get_untracked()),
                    (Err(ApiError::Network), Some(Some(Ok(_))))
                );
                if !keep {
                    data.try_set(Some(result));
                }
                loading.try_set(false);
            });
        })
    };
    Effect::new(move |_| {
        ctx.focus.track();
        fetch.run(());
    });

    let (track_id, track_code) = (id.clone(), code.clone());
    view! {
        <a class="asp-back" href="#/">
            <span aria-hidden="true">"‹ "</span>
            {text(|l| tr!(l, portal.my_requests))}
        </a>
        <PageTitle text=Signal::derive(move || {
            let l = ctx.lang.get();
            let kind = data
                .with(|d| match d {
                    Some(Ok(t)) => t.request_type.known().copied(),
                    _ => None,
                })
                .or_else(|| last_known.with(|m| m.as_ref().map(|m| m.request_type)));
            match kind {
                Some(kind) => {
                    format!("{} · {}", i18n::request_type(l, kind), tr!(l, requests.track_title))
                }
                None => tr!(l, requests.track_title).to_owned(),
            }
        }) />
        <div class="asp-live" aria-live="polite">
            {move || {
                (loading.get() && data.with(Option::is_none))
                    .then(|| {
                        view! {
                            <p class="asp-status" role="status">
                                {text(|l| tr!(l, requests.track_loading))}
                            </p>
                        }
                    })
            }}
        </div>
        {move || {
            let (id, code) = (track_id.clone(), track_code.clone());
            match data.get() {
                None => ().into_any(),
                Some(Ok(tracking)) => tracked(id, code, tracking, data).into_any(),
                Some(Err(ApiError::NotFound)) => {
                    view! {
                        <div class="asp-alert" role="alert" data-state="not_found">
                            <p>{text(|l| tr!(l, requests.track_not_found))}</p>
                        </div>
                    }
                        .into_any()
                }
                Some(Err(ApiError::RateLimited { .. })) => {
                    view! {
                        <div class="asp-alert" role="alert" data-state="rate_limited">
                            <p>{text(|l| tr!(l, requests.track_rate_limited))}</p>
                        </div>
                    }
                        .into_any()
                }
                Some(Err(_)) => unreachable_view(last_known.get()).into_any(),
            }
        }}
        <p class="asp-actions">
            <button
                type="button"
                class="asp-secondary"
                data-action="refresh"
                disabled=move || loading.get()
                on:click=move |_| fetch.run(())
            >
                {text(|l| tr!(l, requests.refresh))}
            </button>
        </p>
    }
}

/// The server cannot be reached: what this device last heard, if anything.
fn unreachable_view(known: Option<MyRequest>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    match known {
        None => view! {
            <div class="asp-alert" role="alert" data-state="offline">
                <p>{text(|l| tr!(l, requests.track_offline))}</p>
            </div>
        }
        .into_any(),
        Some(m) => view! {
            <div class="asp-alert" role="alert" data-state="offline">
                <p>{text(|l| tr!(l, requests.track_offline_known))}</p>
                <p>
                    <span
                        class=format!("asp-badge asp-status-{}", status_id(m.status))
                        data-status=status_id(m.status)
                    >
                        {move || status_text(ctx.lang.get(), m.status)}
                    </span>
                    " "
                    {text(|l| tr!(l, requests.tracking_code))}
                    {text(colon)}
                    <span class="asp-code">{m.tracking_code.clone()}</span>
                </p>
            </div>
        }
        .into_any(),
    }
}

fn tracked(
    id: String,
    code: String,
    tracking: RequestView,
    data: RwSignal<Option<Result<RequestView, ApiError>>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let status = tracking.status;
    let open = matches!(status, RequestStatus::Received | RequestStatus::InProgress);
    let filed = Timestamp::parse(&tracking.filed_at).ok();
    let step = tracking.step.clone();
    let decision = tracking
        .decision
        .known()
        .zip(tracking.request_type.known())
        .map(|(d, kind)| (d.outcome, d.clause, *kind));
    let due = tracking.due.clone();
    let offset = due
        .iter()
        .find_map(|d| d.at.as_ref()?.known().copied())
        .or(filed)
        .map(|t| t.offset_seconds());
    let history = tracking.history.clone();
    let attachments = tracking.attachments;
    let order_number = tracking.order_number.clone();
    let share = plain_link(
        &Page::Track {
            id: id.clone(),
            code: code.clone(),
        }
        .href(),
    );
    view! {
        <dl class="asp-facts asp-track-facts" data-status=status_id(status)>
            <div class="asp-fact">
                <dt>{text(|l| tr!(l, requests.status))}</dt>
                <dd>
                    <span
                        class=format!("asp-badge asp-status-{}", status_id(status))
                        data-status=status_id(status)
                    >
                        {move || status_text(ctx.lang.get(), status)}
                    </span>
                </dd>
            </div>
            {step
                .filter(|_| open)
                .map(|s| {
                    let id = s.clone();
                    view! {
                        <div class="asp-fact">
                            <dt>{text(|l| tr!(l, requests.step))}</dt>
                            <dd data-step=id>{move || i18n::step(ctx.lang.get(), &s)}</dd>
                        </div>
                    }
                })}
            <div class="asp-fact">
                <dt>{text(|l| tr!(l, requests.tracking_code))}</dt>
                <dd class="asp-code" data-tracking-code=code.clone()>
                    {code.clone()}
                </dd>
            </div>
            <div class="asp-fact">
                <dt>{text(|l| tr!(l, requests.order_label))}</dt>
                <dd>{order_number}</dd>
            </div>
            {filed
                .map(|at| {
                    view! {
                        <div class="asp-fact">
                            <dt>{text(|l| tr!(l, requests.filed_at))}</dt>
                            <dd>{move || when(at, ctx.clock.get(), ctx.lang.get())}</dd>
                        </div>
                    }
                })}
            {(attachments > 0)
                .then(|| {
                    view! {
                        <div class="asp-fact">
                            <dt>{text(|l| tr!(l, requests.photos_held))}</dt>
                            <dd data-attachments=attachments>{attachments}</dd>
                        </div>
                    }
                })}
        </dl>
        {decision
            .map(|(outcome, clause, kind)| {
                view! {
                    <h3 class="asp-sub">{text(|l| tr!(l, requests.answer_title))}</h3>
                    <p
                        class="asp-headline"
                        data-outcome=outcome.as_str()
                        data-clause=clause.as_str()
                    >
                        {move || i18n::headline(ctx.lang.get(), outcome, clause, kind)}
                    </p>
                }
            })}
        {move || {
            if !open {
                return None;
            }
            let l = ctx.lang.get();
            let now = ctx.clock.get();
            let ahead = upcoming(&due, now, status);
            if ahead.is_empty() {
                return None;
            }
            let note = ctx
                .store_zone()
                .zip(offset)
                .map(|(zone, offset)| { i18n::store_time(l, &zone, &format::utc_offset(offset)) });
            let items = ahead
                .into_iter()
                .enumerate()
                .map(|(i, (what, at))| {
                    let class = if i == 0 { "asp-due asp-due-next" } else { "asp-due" };
                    // "Store time (Asia/Shanghai, UTC+8)": read here, so the note appears
                    // when the policy arrives after the tracking answer.
                    view! {
                        <li class=class data-what=what.clone() data-at=at.to_string()>
                            {due_sentence(l, &what, &when(at, now, l))}
                        </li>
                    }
                })
                .collect_view();
            Some(
                view! {
                    <section class="asp-next" aria-labelledby="asp-next-title">
                        <h3 class="asp-sub" id="asp-next-title">
                            {tr!(l, requests.next_title)}
                        </h3>
                        <ul class="asp-list">{items}</ul>
                        {note.map(|n| view! { <p class="asp-hint asp-zone">{n}</p> })}
                    </section>
                },
            )
        }}
        {(status == RequestStatus::Closed).then(|| survey(id.clone(), code.clone(), data))}
        {(!history.is_empty())
            .then(|| {
                view! {
                    <h3 class="asp-sub">{text(|l| tr!(l, requests.history_title))}</h3>
                    <ol class="asp-history">
                        {history
                            .into_iter()
                            .map(|h| {
                                let step = h.step.clone();
                                let note = h.note.clone().filter(|n| !n.trim().is_empty());
                                view! {
                                    <li data-status=status_id(
                                        h.status,
                                    )>
                                        {h
                                            .at
                                            .known()
                                            .copied()
                                            .map(|at| {
                                                view! {
                                                    <span class="asp-when">
                                                        {move || when(at, ctx.clock.get(), ctx.lang.get())}
                                                    </span>
                                                    " "
                                                }
                                            })}
                                        <span class="asp-history-status">
                                            {move || status_text(ctx.lang.get(), h.status)}
                                        </span>
                                        {step
                                            .map(|s| {
                                                view! {
                                                    " · "
                                                    <span class="asp-history-step">
                                                        {move || i18n::step(ctx.lang.get(), &s)}
                                                    </span>
                                                }
                                            })}
                                        {note
                                            .map(|n| {
                                                view! {
                                                    <p class="asp-note">
                                                        <span class="asp-label">
                                                            {text(|l| tr!(l, requests.note))} {text(colon)}
                                                        </span>
                                                        {n}
                                                    </p>
                                                }
                                            })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
            })}
        {share_view(share)}
    }
}

/// The link to this request, to copy or scan.
fn share_view(url: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let copied = RwSignal::new(false);
    let to_copy = url.clone();
    let copy = move |_| {
        let text = to_copy.clone();
        leptos::task::spawn_local(async move {
            let done = copy_text(&text).await;
            if !done {
                // No clipboard API (plain http): select the text for the customer.
                if let Some(input) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("asp-share-link"))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                {
                    input.select();
                }
            }
            copied.try_set(done);
        });
    };
    let qr = qr_image(&url, text(|l| tr!(l, requests.qr_label)));
    view! {
        <section class="asp-share" aria-labelledby="asp-share-title">
            <h3 class="asp-sub" id="asp-share-title">
                {text(|l| tr!(l, requests.share_title))}
            </h3>
            <p class="asp-hint">{text(|l| tr!(l, requests.share_text))}</p>
            <div class="asp-share-row">
                <input
                    id="asp-share-link"
                    class="asp-share-link"
                    type="text"
                    readonly
                    value=url
                    aria-label=text(|l| tr!(l, requests.share_title))
                />
                <button type="button" class="asp-secondary" data-action="copy" on:click=copy>
                    {text(|l| tr!(l, requests.copy_link))}
                </button>
            </div>
            <p class="asp-live" aria-live="polite">
                {move || copied.get().then(|| tr!(ctx.lang.get(), requests.copied))}
            </p>
            {qr}
        </section>
    }
}

/// The satisfaction survey of a closed request: 1–5 and a comment, once.
fn survey(
    id: String,
    code: String,
    data: RwSignal<Option<Result<RequestView, ApiError>>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let given = data.with_untracked(|d| match d {
        Some(Ok(t)) => t.feedback.as_ref().map(|f| f.rating),
        _ => None,
    });
    if let Some(rating) = given {
        storage::store(&survey_key(&id), "1");
        return view! {
            <section class="asp-survey asp-notice asp-ok" data-state="given">
                <p>{text(|l| tr!(l, requests.survey_thanks))}</p>
                <p>
                    {move || {
                        tr!(ctx.lang.get(), requests.survey_given, rating = rating).to_string()
                    }}
                </p>
            </section>
        }
        .into_any();
    }
    if storage::load(&survey_key(&id)).is_some() {
        return ().into_any();
    }
    let rating: RwSignal<Option<u8>> = RwSignal::new(None);
    let comment = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let missing = RwSignal::new(false);
    let hidden = RwSignal::new(false);
    let later_id = id.clone();
    let later = move |_| {
        storage::store(&survey_key(&later_id), "1");
        hidden.set(true);
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(stars) = rating.get_untracked() else {
            missing.set(true);
            return;
        };
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        failed.set(false);
        let (id, code, base, text) = (
            id.clone(),
            code.clone(),
            ctx.api_base(),
            comment.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let result = api::send_feedback(&base, &id, &code, stars, &text).await;
            sending.try_set(false);
            match result {
                Ok(feedback) => {
                    storage::store(&survey_key(&id), "1");
                    data.try_update(|d| {
                        if let Some(Ok(t)) = d {
                            t.feedback = Some(feedback);
                        }
                    });
                }
                Err(ApiError::Refused(p)) if p.code == ErrorCode::FeedbackExists => {
                    storage::store(&survey_key(&id), "1");
                    hidden.try_set(true);
                }
                Err(_) => {
                    failed.try_set(true);
                }
            }
        });
    };
    view! {
        {move || {
            (!hidden.get())
                .then(|| {
                    view! {
                        <form class="asp-survey asp-form" data-state="open" on:submit=send.clone()>
                            <h3 class="asp-sub">{text(|l| tr!(l, requests.survey_title))}</h3>
                            <fieldset class="asp-rating">
                                <legend>{text(|l| tr!(l, requests.survey_rating))}</legend>
                                <div class="asp-pills">
                                    {(1u8..=5)
                                        .map(|n| {
                                            view! {
                                                <label class="asp-pill asp-rating-option">
                                                    <input
                                                        type="radio"
                                                        name="asp-rating"
                                                        value=n
                                                        on:change=move |_| {
                                                            rating.set(Some(n));
                                                            missing.set(false);
                                                        }
                                                    />
                                                    <span>{n}</span>
                                                </label>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                                <p class="asp-error">
                                    {move || {
                                        missing
                                            .get()
                                            .then(|| tr!(ctx.lang.get(), requests.survey_pick))
                                    }}
                                </p>
                            </fieldset>
                            <div class="asp-field">
                                <label for="asp-survey-comment">
                                    {text(|l| tr!(l, requests.survey_comment))}
                                </label>
                                <textarea
                                    id="asp-survey-comment"
                                    rows="3"
                                    maxlength="2000"
                                    prop:value=move || comment.get()
                                    on:input=move |ev| comment.set(event_target_value(&ev))
                                ></textarea>
                            </div>
                            <p class="asp-error" role="alert">
                                {move || {
                                    failed
                                        .get()
                                        .then(|| tr!(ctx.lang.get(), requests.survey_failed))
                                }}
                            </p>
                            <div class="asp-actions">
                                <button
                                    type="submit"
                                    class="asp-button"
                                    data-action="send-feedback"
                                    disabled=move || sending.get()
                                >
                                    {text(|l| tr!(l, requests.survey_send))}
                                </button>
                                <button
                                    type="button"
                                    class="asp-link-button"
                                    on:click=later.clone()
                                >
                                    {text(|l| tr!(l, requests.survey_later))}
                                </button>
                            </div>
                        </form>
                    }
                })
        }}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_contract::Lenient;

    #[test]
    fn only_promises_ahead_count_soonest_first() {
        let at = |s: &str| Some(Lenient::Known(Timestamp::parse(s).unwrap()));
        let due = vec![
            Due {
                what: "resolution_plan".into(),
                at: at("2026-11-24T10:00:00+08:00"),
                after: "request".into(),
            },
            Due {
                what: "first_contact".into(),
                at: at("2026-11-23T14:30:00+08:00"),
                after: "request".into(),
            },
            Due {
                what: "acknowledge".into(),
                at: at("2026-11-22T09:00:00+08:00"),
                after: "request".into(),
            },
            Due {
                what: "post_repair_followup".into(),
                at: None,
                after: "item_returned".into(),
            },
        ];
        let now = Timestamp::parse("2026-11-22T10:00:00+08:00").unwrap();
        let received = RequestStatus::Received;
        let ahead: Vec<String> = upcoming(&due, now, received)
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        assert_eq!(ahead, ["first_contact", "resolution_plan"]);
        let (what, when_at) = upcoming(&due, now, received).remove(0);
        assert_eq!(
            due_sentence(Lang::En, &what, &when(when_at, now, Lang::En)),
            "The service centre will call you before tomorrow 14:30."
        );
        assert_eq!(
            due_sentence(Lang::Zh, &what, &when(when_at, now, Lang::Zh)),
            "维修服务中心将在明天14:30前与您联系。"
        );
    }

    #[test]
    fn the_acknowledgement_is_left_out_once_the_store_moved() {
        let due = vec![
            Due {
                what: "acknowledge".into(),
                at: Some(Lenient::Known(
                    Timestamp::parse("2026-11-23T10:00:00+08:00").unwrap(),
                )),
                after: "request".into(),
            },
            Due {
                what: "first_contact".into(),
                at: Some(Lenient::Known(
                    Timestamp::parse("2026-11-23T10:00:00+08:00").unwrap(),
                )),
                after: "request".into(),
            },
        ];
        let now = Timestamp::parse("2026-11-22T10:00:00+08:00").unwrap();
        let whats = |status| -> Vec<String> {
            upcoming(&due, now, status)
                .into_iter()
                .map(|(w, _)| w)
                .collect()
        };
        assert_eq!(
            whats(RequestStatus::Received),
            ["acknowledge", "first_contact"]
        );
        assert_eq!(whats(RequestStatus::InProgress), ["first_contact"]);
    }
}
