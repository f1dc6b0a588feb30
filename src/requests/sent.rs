//! `#/o/<id>`: one request of this device's outbox, right after filing and on
//! any later visit: "saved on this device, sending…" (why it waits, when it
//! retries, "try again now"), then "received" with the tracking code while its
//! photos go out one by one with their progress; or, when the server refused
//! it (409/422), what to fix, with the form to correct and send it again.
//! On a kiosk the request is followed by its tracking code only: the code, a
//! QR code of its tracking page to scan, and "Done", which resets the kiosk.

use std::rc::Rc;

use leptos::prelude::*;

use aftersales_contract::Lenient;
use aftersales_rules::Timestamp;

use super::file::{request_form, FormInit, Submit};
use super::{Ctx, Page};
use crate::browser::clock;
use crate::browser::router::{plain_link, Fragment};
use crate::browser::storage;
use crate::requests::api::Problem;
use crate::requests::contact::{ContactDraft, Field};
use crate::requests::outbox::{
    self, Failure, MyRequest, NewRequest, OutboxState, OutboxView, PhotoState, RequestBody,
    UploadProgress,
};
use crate::ui::format;
use crate::ui::i18n::{self, Lang};
use crate::ui::qr::qr_image;
use crate::ui::shell::PageTitle;
use crate::ui::text::{colon, text};

/// What the device knows of the request.
#[derive(Clone, Debug, PartialEq)]
struct Known {
    entry: Option<OutboxView>,
    mine: Option<MyRequest>,
}

/// Which view shows: the form of a refused request must not be rebuilt (and
/// lose what the customer typed) whenever the store changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Loading,
    Sending,
    Received,
    Fix,
    Gone,
}

fn shown(known: &Option<Known>) -> Shown {
    match known {
        None => Shown::Loading,
        Some(Known { entry: Some(e), .. }) => match e.state {
            OutboxState::Saved | OutboxState::Sending => Shown::Sending,
            OutboxState::Received => Shown::Received,
            OutboxState::NeedsFix => Shown::Fix,
        },
        Some(Known {
            entry: None,
            mine: Some(_),
        }) => Shown::Received,
        Some(Known {
            entry: None,
            mine: None,
        }) => Shown::Gone,
    }
}

#[component]
pub fn EntryPage(id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let known: RwSignal<Option<Known>> = RwSignal::new(None);
    let upload: RwSignal<Option<UploadProgress>> = RwSignal::new(outbox::upload_progress());
    // Thumbnails of the photos still on the device, by index.
    let thumbs: RwSignal<Option<Vec<Option<String>>>> = RwSignal::new(None);
    // The photos' states while the entry was in the outbox: once it leaves (every
    // photo answered), they stay shown.
    let last: RwSignal<Vec<PhotoState>> = RwSignal::new(Vec::new());

    {
        let id = id.clone();
        Effect::new(move |_| {
            ctx.stored.track();
            let id = id.clone();
            leptos::task::spawn_local(async move {
                let entry = outbox::entry(&id).await;
                let mine = outbox::my_request(&id).await;
                if thumbs.try_get_untracked() == Some(None) {
                    if let Some(e) = &entry {
                        let mut urls = Vec::new();
                        for index in 0..e.photos.len() {
                            urls.push(
                                outbox::photo_blob(&id, index).await.and_then(|b| {
                                    web_sys::Url::create_object_url_with_blob(&b).ok()
                                }),
                            );
                        }
                        thumbs.try_set(Some(urls));
                    }
                }
                if let Some(e) = &entry {
                    last.try_set(e.photos.clone());
                } else if mine.is_some() {
                    // Gone from the outbox: every photo was answered.
                    last.try_update(|photos| {
                        for p in photos.iter_mut() {
                            if matches!(p, PhotoState::Queued | PhotoState::Uploading { .. }) {
                                *p = PhotoState::Done;
                            }
                        }
                    });
                }
                known.try_set(Some(Known { entry, mine }));
            });
        });
    }
    Effect::new(move |_| {
        ctx.progress.track();
        upload.set(outbox::upload_progress());
    });
    on_cleanup(move || {
        for url in thumbs
            .try_get_untracked()
            .flatten()
            .unwrap_or_default()
            .into_iter()
            .flatten()
        {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });

    let view_kind = Memo::new(move |_| known.with(shown));
    let id_for_view = id.clone();
    view! {
        <PageTitle text=Signal::derive(move || {
            text(|l| tr!(l, requests.request_title))().to_owned()
        }) />
        {move || {
            let id = id_for_view.clone();
            match view_kind.get() {
                Shown::Loading => {
                    view! {
                        <p class="asp-status" role="status">
                            {text(|l| tr!(l, requests.mine_loading))}
                        </p>
                    }
                        .into_any()
                }
                Shown::Sending => sending(known, upload, thumbs, last).into_any(),
                Shown::Received => received(id, known, upload, thumbs, last).into_any(),
                Shown::Fix => fix(id, known).into_any(),
                Shown::Gone => {
                    view! {
                        <div class="asp-notice" data-state="gone">
                            <p>{text(|l| tr!(l, requests.not_on_device))}</p>
                            <p>
                                <a class="asp-button" href="#/">
                                    {text(|l| tr!(l, portal.my_requests))}
                                </a>
                            </p>
                        </div>
                    }
                        .into_any()
                }
            }
        }}
    }
}

/// A one-line summary: `Return · DEMO-1003`.
fn summary(known: RwSignal<Option<Known>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let l = ctx.lang.get();
        known.with(|k| {
            let k = k.as_ref()?;
            let (kind, number) = match (&k.entry, &k.mine) {
                (Some(e), _) => (e.request_type, e.order_number.clone()),
                (None, Some(m)) => (m.request_type, m.order_number.clone()),
                (None, None) => return None,
            };
            Some(view! {
                <p class="asp-request-summary">
                    {i18n::request_type(l, kind)} " · " {tr!(l, requests.order_label)} " " {number}
                </p>
            })
        })
    }
}

fn sending(
    known: RwSignal<Option<Known>>,
    upload: RwSignal<Option<UploadProgress>>,
    thumbs: RwSignal<Option<Vec<Option<String>>>>,
    last: RwSignal<Vec<PhotoState>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let entry = move || known.with(|k| k.as_ref().and_then(|k| k.entry.clone()));
    let detail = move || {
        let l = ctx.lang.get();
        let e = entry()?;
        if !ctx.online.get() {
            return Some(tr!(l, requests.state_offline).to_owned());
        }
        e.last_failure.as_ref()?;
        let now_ms = ctx.clock.get().unix_millis() as f64;
        match e.next_attempt_at {
            Some(at) if at > now_ms + 1_000.0 => {
                let left = format::countdown(((at - now_ms) / 1000.0).ceil() as i64, l);
                Some(tr!(l, requests.state_retry, left = left).to_string())
            }
            _ => Some(tr!(l, requests.state_retry_soon).to_owned()),
        }
    };
    let retry_shown = move || {
        entry().is_some_and(|e| {
            matches!(
                e.last_failure,
                Some(Failure::Unreachable | Failure::Unreadable | Failure::Status { .. })
            )
        })
    };
    view! {
        {summary(known)}
        <div
            class="asp-notice asp-pending"
            role="status"
            data-state=move || {
                match entry().map(|e| e.state) {
                    Some(OutboxState::Sending) => "sending",
                    _ => "saved",
                }
            }
        >
            <p class="asp-alert-title">
                <span class="asp-spinner" aria-hidden="true"></span>
                {text(|l| tr!(l, requests.state_saved))}
            </p>
            <p class="asp-retry-detail">{detail}</p>
            {move || {
                retry_shown()
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="asp-secondary"
                                data-action="retry"
                                on:click=move |_| leptos::task::spawn_local(outbox::sync_now())
                            >
                                {text(|l| tr!(l, requests.retry_now))}
                            </button>
                        }
                    })
            }}
        </div>
        {photo_list(known, upload, thumbs, last)}
        {kiosk_done(None)}
    }
}

/// On a kiosk: the tracking page to scan (once there is a code) and "Done".
fn kiosk_done(track: Option<Page>) -> Option<impl IntoView> {
    let ctx = expect_context::<Ctx>();
    ctx.mount.with_value(|m| m.kiosk).then_some(())?;
    let start = ctx.self_check("#/");
    Some(view! {
        <section class="asp-kiosk-done">
            {track
                .map(|page| {
                    view! {
                        <p class="asp-hint">{text(|l| tr!(l, kiosk.filed_scan))}</p>
                        {qr_image(&plain_link(&page.href()), text(|l| tr!(l, kiosk.track_qr)))}
                    }
                })}
            <button
                type="button"
                class="asp-button"
                data-action="done"
                on:click=move |_| storage::start_afresh_keeping_undelivered(&start)
            >
                {text(|l| tr!(l, kiosk.done))}
            </button>
        </section>
    })
}

fn received(
    id: String,
    known: RwSignal<Option<Known>>,
    upload: RwSignal<Option<UploadProgress>>,
    thumbs: RwSignal<Option<Vec<Option<String>>>>,
    last: RwSignal<Vec<PhotoState>>,
) -> impl IntoView {
    let code = move || {
        known.with(|k| {
            let k = k.as_ref()?;
            k.entry
                .as_ref()
                .and_then(|e| e.tracking_code.clone())
                .or_else(|| k.mine.as_ref().map(|m| m.tracking_code.clone()))
        })
    };
    let kiosk = expect_context::<Ctx>().mount.with_value(|m| m.kiosk);
    let photos_pending = move || {
        known.with(|k| {
            k.as_ref()
                .and_then(|k| k.entry.as_ref())
                .is_some_and(|e| e.photos.iter().any(|p| matches!(p, PhotoState::Queued)))
        })
    };
    view! {
        {summary(known)}
        <div class="asp-notice asp-ok" role="status" data-state="received">
            <p class="asp-alert-title">{text(|l| tr!(l, requests.state_received))}</p>
            <p>
                {text(|l| tr!(l, requests.tracking_code))} {text(colon)}
                <strong class="asp-code" data-tracking-code=code>
                    {code}
                </strong>
            </p>
            <p class="asp-hint">{text(|l| tr!(l, requests.tracking_code_hint))}</p>
        </div>
        {move || {
            photos_pending()
                .then(|| {
                    view! {
                        <p class="asp-status" data-state="photos">
                            <span class="asp-spinner" aria-hidden="true"></span>
                            {text(|l| tr!(l, requests.photos_sending))}
                        </p>
                    }
                })
        }}
        {photo_list(known, upload, thumbs, last)}
        {move || {
            let track = code()
                .map(|code| Page::Track {
                    id: id.clone(),
                    code,
                });
            if kiosk {
                return kiosk_done(track).into_any();
            }
            view! {
                <p class="asp-actions">
                    {track
                        .map(|page| {
                            view! {
                                <a class="asp-button" data-action="follow" href=page.href()>
                                    {text(|l| tr!(l, requests.follow))}
                                </a>
                            }
                        })} <a class="asp-secondary" href="#/">
                        {text(|l| tr!(l, portal.my_requests))}
                    </a>
                </p>
            }
                .into_any()
        }}
    }
}

/// Whole percent of an upload, 0–100. An integer, so the WASM links no float
/// formatting (about 11 KB raw).
fn percent_of(sent: f64, total: f64) -> u32 {
    if total > 0.0 {
        ((sent / total).clamp(0.0, 1.0) * 100.0 + 0.5) as u32
    } else {
        0
    }
}

/// Each photo of the entry: thumbnail, state, progress while it uploads.
fn photo_list(
    known: RwSignal<Option<Known>>,
    upload: RwSignal<Option<UploadProgress>>,
    thumbs: RwSignal<Option<Vec<Option<String>>>>,
    last: RwSignal<Vec<PhotoState>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let l = ctx.lang.get();
        let id = known.with(|k| {
            k.as_ref()
                .and_then(|k| k.entry.as_ref().map(|e| e.id.clone()))
        });
        let photos = last.get();
        if photos.is_empty() {
            return None;
        }
        let progress = upload.get().filter(|u| Some(&u.id) == id.as_ref());
        let urls = thumbs.get().unwrap_or_default();
        let items = photos
            .iter()
            .enumerate()
            .map(|(i, state)| {
                let n = i + 1;
                let uploading = progress
                    .as_ref()
                    .filter(|p| p.photo == i && *state == PhotoState::Queued);
                let (kind, label, percent) = match (state, uploading) {
                    (PhotoState::Queued, Some(p)) => {
                        let percent = percent_of(p.sent, p.total);
                        ("uploading", format!("{percent}%"), Some(percent))
                    }
                    (PhotoState::Queued | PhotoState::Uploading { .. }, None) => {
                        ("queued", tr!(l, requests.photo_queued).to_owned(), Some(0))
                    }
                    (PhotoState::Uploading { sent, total }, Some(_)) => {
                        let percent = percent_of(*sent, *total);
                        ("uploading", format!("{percent}%"), Some(percent))
                    }
                    (PhotoState::Done, _) => ("done", tr!(l, requests.photo_done).to_owned(), None),
                    (PhotoState::Failed { .. }, _) => {
                        ("failed", tr!(l, requests.photo_failed).to_owned(), None)
                    }
                };
                let alt = tr!(l, requests.photo_alt, n = n).to_string();
                let thumb = urls.get(i).cloned().flatten();
                view! {
                    <li class="asp-thumb" data-photo-state=kind>
                        {match thumb {
                            Some(src) => view! { <img src=src alt=alt.clone() /> }.into_any(),
                            None => {
                                view! { <span class="asp-thumb-blank">{alt.clone()}</span> }
                                    .into_any()
                            }
                        }}
                        {percent
                            .map(|percent| {
                                view! {
                                    <progress
                                        max="100"
                                        value=percent
                                        aria-label=alt.clone()
                                    ></progress>
                                }
                            })}
                        <span class="asp-thumb-state">{label}</span>
                    </li>
                }
            })
            .collect_view();
        Some(view! { <ul class="asp-thumbs asp-photo-progress">{items}</ul> })
    }
}

/// The server refused the request: why, and the form to correct it.
fn fix(id: String, known: RwSignal<Option<Known>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let entry = known.with_untracked(|k| k.as_ref().and_then(|k| k.entry.clone()));
    let problem: Option<Problem> = entry.as_ref().and_then(|e| e.problem.clone());
    let kept = entry.as_ref().map_or(0, |e| {
        e.photos
            .iter()
            .filter(|p| matches!(p, PhotoState::Queued))
            .count()
    });
    let server_fields: Vec<Field> = problem
        .iter()
        .flat_map(|p| &p.fields)
        .filter_map(|f| Field::from_api(&f.field))
        .collect();
    // Order or answers refused: nothing in this form can fix that.
    let case_refused = problem
        .as_ref()
        .is_some_and(|p| p.fields.iter().any(|f| f.field.starts_with("case")));
    let message = problem
        .as_ref()
        .map(|p| p.message.clone())
        .unwrap_or_default();
    let body: RwSignal<Option<Option<RequestBody>>> = RwSignal::new(None);
    {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            body.try_set(Some(outbox::stored_request(&id).await));
        });
    }
    let discard_id = id.clone();
    let discard = move |_| {
        let id = discard_id.clone();
        leptos::task::spawn_local(async move {
            if outbox::discard(&id).await.is_ok() {
                ctx.go(Page::Mine);
            }
        });
    };
    let status = problem.as_ref().map_or(0, |p| p.status);
    let code = problem
        .as_ref()
        .map(|p| p.code.to_string())
        .unwrap_or_default();
    view! {
        {summary(known)}
        <div
            class="asp-alert"
            role="alert"
            data-state="needs_fix"
            data-status=status
            data-code=code
        >
            <p class="asp-alert-title">{text(|l| tr!(l, requests.needs_fix_title))}</p>
            {(!message.is_empty()).then(|| view! { <p class="asp-server-message">{message}</p> })}
            <p>
                {move || {
                    let l = ctx.lang.get();
                    if case_refused {
                        tr!(l, requests.needs_fix_case)
                    } else {
                        tr!(l, requests.needs_fix_text)
                    }
                }}
            </p>
            {case_refused
                .then(|| {
                    view! {
                        <p>
                            <a class="asp-secondary" href=ctx.self_check("#/")>
                                {text(|l| tr!(l, requests.no_draft_link))}
                            </a>
                        </p>
                    }
                })}
        </div>
        {move || {
            let stored = body.get()??;
            let id = id.clone();
            let init = FormInit {
                contact: ContactDraft {
                    name: stored.contact.name.clone(),
                    phone: stored.contact.phone.clone(),
                    preferred_time: stored.contact.preferred_time.clone(),
                },
                description: stored.description.clone(),
                kept_photos: kept,
                server_fields: server_fields.clone(),
                submit_label: |l: Lang| tr!(l, requests.resend),
            };
            let submit: Submit = Rc::new(move |values| {
                let (id, stored) = (id.clone(), stored.clone());
                Box::pin(async move {
                    let filed_at = Timestamp::parse(&stored.filed_at)
                        .unwrap_or_else(|_| clock::now());
                    let decision = stored
                        .client_decision
                        .and_then(Lenient::into_known)
                        .ok_or(outbox::SubmitError::NotFound)?;
                    let new_id = outbox::resubmit(
                            &id,
                            NewRequest {
                                filed_at,
                                case: stored.case,
                                decision,
                                contact: values.contact,
                                description: values.description,
                                photos: values.photos,
                            },
                        )
                        .await?;
                    ctx.replace(Page::Entry(new_id.clone()));
                    Ok(new_id)
                })
            });
            Some(request_form(init, submit))
        }}
        <p class="asp-actions">
            <button type="button" class="asp-link-button" data-action="discard" on:click=discard>
                {text(|l| tr!(l, requests.discard))}
            </button>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::percent_of;

    #[test]
    fn upload_percent_is_whole_and_bounded() {
        assert_eq!(percent_of(0.0, 0.0), 0);
        assert_eq!(percent_of(1.0, 3.0), 33);
        assert_eq!(percent_of(2.0, 3.0), 67);
        assert_eq!(percent_of(5.0, 4.0), 100);
        assert_eq!(percent_of(-1.0, 4.0), 0);
    }
}
