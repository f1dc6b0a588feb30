//! `#/file/<type>`: the filing form, prefilled from the self-check's draft
//! (`sessionStorage` `aftersales:draft`), and the form itself, which the
//! outbox page reuses to correct a request the server refused.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Blob;

use aftersales_rules::case::Filing;
use aftersales_rules::{Outcome, Policy, RequestType};

use super::{Ctx, Page};
use crate::browser::clock;
use crate::handover::{self, Draft};
use crate::requests::contact::{self, ContactDraft, Field, Invalid, Problem, MAX_PHOTOS};
use crate::requests::outbox::{self, NewRequest, SubmitError};
use crate::requests::photo;
use crate::ui::field::{input_field, InputKind, PHONE};
use crate::ui::i18n::{self, Lang};
use crate::ui::policy::Loaded;
use crate::ui::shell::PageTitle;
use crate::ui::text::{label, text};

const NAME: InputKind = InputKind("text", "text", "name");
const FREE_TEXT: InputKind = InputKind("text", "text", "off");

/// The self-check in progress, as the self-check keeps it for this tab, or
/// hands it over in the link where the browser keeps nothing for the tab.
fn load_draft() -> Option<Draft> {
    let in_link = || {
        let hash = web_sys::window()?.location().hash().ok()?;
        handover::draft_from_link(&hash)
    };
    handover::load_draft()
        .or_else(in_link)
        .filter(|d| d.order.is_some())
}

#[component]
pub fn FilePage(kind: RequestType) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    ctx.read_policy();
    let draft = load_draft();
    view! {
        <a class="asp-back" href=ctx.self_check(&format!("#/{}/answer", kind.as_str()))>
            <span aria-hidden="true">"‹ "</span>
            {text(|l| tr!(l, requests.back_to_answer))}
        </a>
        <PageTitle text=Signal::derive(move || {
            let l = ctx.lang.get();
            format!("{} · {}", i18n::request_type(l, kind), tr!(l, requests.file_title))
        }) />
        {move || match ctx.policy.get() {
            None => {
                view! {
                    <p class="asp-status" role="status">
                        {text(|l| tr!(l, portal.loading))}
                    </p>
                }
                    .into_any()
            }
            Some(Loaded::Invalid(_) | Loaded::Failed(_)) => {
                view! {
                    <div class="asp-alert" role="alert">
                        <p class="asp-alert-title">{text(|l| tr!(l, portal.load_failed))}</p>
                    </div>
                }
                    .into_any()
            }
            Some(Loaded::Ready(policy)) => file_body(kind, draft.clone(), policy),
        }}
    }
}

/// Nothing to file: a deep link without the self-check's answers.
fn no_draft(kind: RequestType) -> AnyView {
    let ctx = expect_context::<Ctx>();
    view! {
        <div class="asp-notice" data-state="no-draft">
            <p class="asp-alert-title">{text(|l| tr!(l, requests.no_draft_title))}</p>
            <p>{text(|l| tr!(l, requests.no_draft_text))}</p>
            <p>
                <a class="asp-button" href=ctx.self_check(&format!("#/{}", kind.as_str()))>
                    {text(|l| tr!(l, requests.no_draft_link))}
                </a>
            </p>
        </div>
    }
    .into_any()
}

fn file_body(kind: RequestType, draft: Option<Draft>, policy: Arc<Policy>) -> AnyView {
    let ctx = expect_context::<Ctx>();
    let Some(draft) = draft else {
        return no_draft(kind);
    };
    let Some(Ok(decision)) = draft.decide(&policy, kind, clock::now()) else {
        return no_draft(kind);
    };
    let number = draft
        .order
        .as_ref()
        .map(|o| o.number.clone())
        .unwrap_or_default();
    let (outcome, clause) = (decision.outcome, decision.clause);
    let summary = view! {
        <dl class="asp-facts asp-filing-summary">
            <div class="asp-fact">
                <dt>{text(|l| tr!(l, requests.order_label))}</dt>
                <dd class="asp-order-number">{number}</dd>
            </div>
            <div class="asp-fact">
                <dt>{text(|l| tr!(l, requests.answer_label))}</dt>
                <dd data-outcome=outcome.as_str() data-clause=clause.as_str()>
                    {move || i18n::headline(ctx.lang.get(), outcome, clause, kind)}
                </dd>
            </div>
        </dl>
    };
    if outcome == Outcome::Refused {
        return view! {
            {summary}
            <div class="asp-alert" role="alert" data-state="refused">
                <p>{text(|l| tr!(l, requests.refused_text))}</p>
                <p>
                    <a
                        class="asp-button"
                        href=ctx.self_check(&format!("#/{}/answer", kind.as_str()))
                    >
                        {text(|l| tr!(l, requests.back_to_answer))}
                    </a>
                </p>
            </div>
        }
        .into_any();
    }
    let init = FormInit {
        contact: ContactDraft {
            name: String::new(),
            phone: draft.phone.clone(),
            preferred_time: String::new(),
        },
        description: String::new(),
        kept_photos: 0,
        server_fields: Vec::new(),
        submit_label: |l| tr!(l, requests.submit),
    };
    // Where the browser keeps nothing for the portal, the request is sent
    // while the page is open; the customer is told before submitting.
    let no_device_store = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if !outbox::device_store_works().await {
            no_device_store.try_set(true);
        }
    });
    let submit: Submit = Rc::new(move |values: FormValues| {
        let (draft, policy) = (draft.clone(), policy.clone());
        Box::pin(async move {
            // `filed_at` is this moment, in the store's offset; the decision is
            // the one the customer sees now.
            let now = clock::now();
            let filed_at = policy.time_zone.localize(now).unwrap_or(now);
            let (Some(Ok(decision)), Some(case)) = (
                draft.decide(&policy, kind, now),
                draft.case(&policy, kind, filed_at),
            ) else {
                return Err(SubmitError::Invalid(Vec::new()));
            };
            let filing = Filing {
                order: case.order,
                request: case.request,
                facts: case.facts,
                documents: case.documents,
            };
            let request = NewRequest {
                filed_at,
                case: filing,
                decision,
                contact: values.contact,
                description: values.description,
                photos: values.photos,
            };
            if no_device_store.get_untracked() {
                let (id, code) = outbox::send_directly(&ctx.api_base(), request).await?;
                ctx.replace(Page::Track {
                    id: id.clone(),
                    code,
                });
                return Ok(id);
            }
            let id = outbox::submit(request).await?;
            ctx.replace(Page::Entry(id.clone()));
            Ok(id)
        })
    });
    view! {
        {summary}
        <p class="asp-intro">{text(|l| tr!(l, requests.file_intro))}</p>
        {move || {
            no_device_store
                .get()
                .then(|| {
                    view! {
                        <p class="asp-banner" role="status" data-notice="no-device-store">
                            {text(|l| tr!(l, requests.no_device_store))}
                        </p>
                    }
                })
        }}
        {request_form(init, submit)}
    }
    .into_any()
}

/// What the form starts with.
pub struct FormInit {
    pub contact: ContactDraft,
    pub description: String,
    /// Photos already stored with the request (a correction keeps them).
    pub kept_photos: usize,
    /// Fields the server refused, marked until the customer edits them.
    pub server_fields: Vec<Field>,
    pub submit_label: fn(Lang) -> &'static str,
}

/// What the customer typed and chose.
pub struct FormValues {
    pub contact: ContactDraft,
    pub description: String,
    pub photos: Vec<Blob>,
}

/// Stores the request (and goes on to its page); the form shows the errors.
pub type Submit =
    Rc<dyn Fn(FormValues) -> Pin<Box<dyn Future<Output = Result<String, SubmitError>>>>>;

/// A prepared photo and its thumbnail URL.
#[derive(Clone)]
struct Photo {
    blob: Blob,
    url: String,
}

fn object_url(blob: &Blob) -> String {
    web_sys::Url::create_object_url_with_blob(blob).unwrap_or_default()
}

fn revoke(url: &str) {
    if !url.is_empty() {
        let _ = web_sys::Url::revoke_object_url(url);
    }
}

/// The message for a problem the device found.
fn field_message(l: Lang, invalid: Invalid) -> &'static str {
    match (invalid.field, invalid.problem) {
        (Field::Name, Problem::Required) => tr!(l, requests.error_name_required),
        (Field::Name, Problem::TooLong) => tr!(l, requests.error_name_too_long),
        (Field::Phone, Problem::Required) => tr!(l, requests.error_phone_required),
        (Field::Phone, _) => tr!(l, requests.error_phone_invalid),
        (Field::PreferredTime, Problem::TooLong) => tr!(l, requests.error_preferred_time_too_long),
        (Field::Description, Problem::TooLong) => tr!(l, requests.error_description_too_long),
        (Field::Photos, _) => tr!(l, requests.error_photos_too_many),
        _ => tr!(l, requests.error_invalid_characters),
    }
}

fn field_id(field: Field) -> &'static str {
    match field {
        Field::Name => "asp-contact-name",
        Field::Phone => "asp-contact-phone",
        Field::PreferredTime => "asp-contact-time",
        Field::Description => "asp-description",
        Field::Photos => "asp-photos-input",
    }
}

fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// The filing form: contact, description, photos (downscaled on the device,
/// thumbnails), the device's checks with localized messages, then `submit`.
pub fn request_form(init: FormInit, submit: Submit) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let name = RwSignal::new(init.contact.name);
    let phone = RwSignal::new(init.contact.phone);
    let preferred_time = RwSignal::new(init.contact.preferred_time);
    let description = RwSignal::new(init.description);
    let kept = init.kept_photos;
    let submit_label = init.submit_label;
    let photos: RwSignal<Vec<Photo>, LocalStorage> = RwSignal::new_local(Vec::new());
    let preparing = RwSignal::new(0usize);
    let unreadable = RwSignal::new(false);
    let errors: RwSignal<Vec<Invalid>> = RwSignal::new(Vec::new());
    let server_fields = RwSignal::new(init.server_fields);
    let storage_error = RwSignal::new(false);
    // Sent without a device store and not filed: the server's words, if any.
    let sent_error: RwSignal<Option<String>> = RwSignal::new(None);
    let case_error = RwSignal::new(false);
    let busy = RwSignal::new(false);

    // A field the customer edits loses its marks.
    for (field, value) in [
        (Field::Name, name),
        (Field::Phone, phone),
        (Field::PreferredTime, preferred_time),
        (Field::Description, description),
    ] {
        Effect::new(move |first: Option<()>| {
            value.track();
            if first.is_some() {
                server_fields.update(|s| s.retain(|f| *f != field));
                errors.update(|e| e.retain(|i| i.field != field));
            }
        });
    }
    on_cleanup(move || {
        if let Some(list) = photos.try_get_untracked() {
            for p in list {
                revoke(&p.url);
            }
        }
    });

    let error_for = move |field: Field| -> Signal<Option<&'static str>> {
        Signal::derive(move || {
            let l = lang.get();
            errors
                .with(|e| e.iter().find(|i| i.field == field).copied())
                .map(|i| field_message(l, i))
                .or_else(|| {
                    server_fields
                        .with(|s| s.contains(&field))
                        .then(|| tr!(l, requests.error_server_field))
                })
        })
    };
    let photo_error = error_for(Field::Photos);

    let on_files = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let files: Vec<web_sys::File> = input
            .files()
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
            .unwrap_or_default();
        // The same photo can be chosen again after removing it.
        input.set_value("");
        unreadable.set(false);
        errors.update(|e| e.retain(|i| i.field != Field::Photos));
        leptos::task::spawn_local(async move {
            for file in files {
                let held = photos.with_untracked(Vec::len) + preparing.get_untracked() + kept;
                if held >= MAX_PHOTOS {
                    errors.update(|e| {
                        e.push(Invalid {
                            field: Field::Photos,
                            problem: Problem::TooMany,
                        })
                    });
                    break;
                }
                preparing.update(|n| *n += 1);
                let prepared = photo::downscale(&file).await;
                preparing.update(|n| *n = n.saturating_sub(1));
                match prepared {
                    Ok(blob) => {
                        let url = object_url(&blob);
                        photos.update(|p| p.push(Photo { blob, url }));
                    }
                    Err(_) => unreadable.set(true),
                }
            }
        });
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || preparing.get_untracked() > 0 {
            return;
        }
        let values = FormValues {
            contact: ContactDraft {
                name: name.get_untracked(),
                phone: phone.get_untracked(),
                preferred_time: preferred_time.get_untracked(),
            },
            description: description.get_untracked(),
            photos: photos.with_untracked(|p| p.iter().map(|p| p.blob.clone()).collect()),
        };
        storage_error.set(false);
        sent_error.set(None);
        case_error.set(false);
        if let Err(problems) = contact::check(
            &values.contact,
            &values.description,
            values.photos.len() + kept,
        ) {
            if let Some(first) = problems.first() {
                focus(field_id(first.field));
            }
            errors.set(problems);
            return;
        }
        errors.set(Vec::new());
        busy.set(true);
        let submit = submit.clone();
        leptos::task::spawn_local(async move {
            // On success the page changes: this form is gone.
            if let Err(e) = submit(values).await {
                busy.try_set(false);
                match e {
                    SubmitError::Invalid(problems) if problems.is_empty() => {
                        case_error.try_set(true);
                    }
                    SubmitError::Invalid(problems) => {
                        errors.try_set(problems);
                    }
                    SubmitError::Storage(_) | SubmitError::NotFound => {
                        storage_error.try_set(true);
                    }
                    SubmitError::Refused(problem) => {
                        sent_error.try_set(Some(problem.message));
                    }
                    SubmitError::Unsent => {
                        sent_error.try_set(Some(String::new()));
                    }
                }
            }
        });
    };

    let remove = move |index: usize| {
        photos.update(|p| {
            if index < p.len() {
                revoke(&p.remove(index).url);
            }
        });
        errors.update(|e| e.retain(|i| i.field != Field::Photos));
    };

    view! {
        <form class="asp-form asp-request-form" novalidate on:submit=on_submit>
            <div class="asp-live" aria-live="assertive">
                {move || {
                    errors
                        .with(|e| !e.is_empty())
                        .then(|| {
                            // Fields the server refused are announced by the page's alert.
                            view! {
                                <p class="asp-error-summary" role="alert">
                                    {text(|l| tr!(l, requests.error_summary))}
                                </p>
                            }
                        })
                }}
                {move || {
                    sent_error
                        .get()
                        .map(|message| {
                            view! {
                                <p class="asp-error-summary" role="alert" data-error="unsent">
                                    {text(|l| tr!(l, requests.error_unsent))}
                                    " "
                                    {message}
                                </p>
                            }
                        })
                }}
                {move || {
                    storage_error
                        .get()
                        .then(|| {
                            view! {
                                <p class="asp-error-summary" role="alert" data-error="storage">
                                    {text(|l| tr!(l, requests.error_storage))}
                                </p>
                            }
                        })
                }}
                {move || {
                    case_error
                        .get()
                        .then(|| {
                            view! {
                                <p class="asp-error-summary" role="alert" data-error="case">
                                    {text(|l| tr!(l, requests.needs_fix_case))}
                                </p>
                            }
                        })
                }}
            </div>
            <h3 class="asp-sub">{text(|l| tr!(l, requests.contact_title))}</h3>
            {input_field(
                field_id(Field::Name).into(),
                label(|l| tr!(l, requests.name)),
                NAME,
                name,
                None,
                error_for(Field::Name),
            )}
            {input_field(
                field_id(Field::Phone).into(),
                label(|l| tr!(l, requests.phone)),
                PHONE,
                phone,
                Some(label(|l| tr!(l, requests.phone_hint))),
                error_for(Field::Phone),
            )}
            {input_field(
                field_id(Field::PreferredTime).into(),
                label(|l| tr!(l, requests.preferred_time)),
                FREE_TEXT,
                preferred_time,
                Some(label(|l| tr!(l, requests.preferred_time_hint))),
                error_for(Field::PreferredTime),
            )}
            {
                let error = error_for(Field::Description);
                view! {
                    <div class="asp-field">
                        <label for="asp-description">
                            {text(|l| tr!(l, requests.description))}
                        </label>
                        <textarea
                            id="asp-description"
                            rows="4"
                            maxlength="2000"
                            aria-invalid=move || error.get().map(|_| "true")
                            aria-describedby="asp-description-hint asp-description-error"
                            prop:value=move || description.get()
                            on:input=move |ev| description.set(event_target_value(&ev))
                        ></textarea>
                        <p class="asp-hint" id="asp-description-hint">
                            {text(|l| tr!(l, requests.description_hint))}
                        </p>
                        <p class="asp-error" id="asp-description-error">
                            {move || error.get()}
                        </p>
                    </div>
                }
            }
            <fieldset class="asp-field asp-photos">
                <legend>{text(|l| tr!(l, requests.photos))}</legend>
                <p class="asp-hint" id="asp-photos-hint">
                    {text(|l| tr!(l, requests.photos_hint))}
                </p>
                {(kept > 0)
                    .then(|| {
                        view! {
                            <p class="asp-hint">
                                {move || {
                                    tr!(lang.get(), requests.photos_kept, count = kept).to_string()
                                }}
                            </p>
                        }
                    })}
                <ul class="asp-thumbs">
                    {move || {
                        photos
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, p)| {
                                let n = i + 1;
                                view! {
                                    <li class="asp-thumb">
                                        <img
                                            src=p.url
                                            alt=move || {
                                                tr!(lang.get(), requests.photo_alt, n = n).to_string()
                                            }
                                        />
                                        <button
                                            type="button"
                                            class="asp-thumb-remove"
                                            aria-label=move || {
                                                tr!(lang.get(), requests.photo_remove, n = n).to_string()
                                            }
                                            on:click=move |_| remove(i)
                                        >
                                            "×"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <label class="asp-secondary asp-file-button">
                    <span>{text(|l| tr!(l, requests.photos_add))}</span>
                    <input
                        id="asp-photos-input"
                        class="asp-file-input"
                        type="file"
                        accept="image/*"
                        capture="environment"
                        multiple
                        aria-describedby="asp-photos-hint asp-photos-error"
                        on:change=on_files
                    />
                </label>
                <div class="asp-live" aria-live="polite">
                    {move || {
                        (preparing.get() > 0)
                            .then(|| {
                                view! {
                                    <p class="asp-status" data-state="preparing">
                                        {text(|l| tr!(l, requests.photos_preparing))}
                                    </p>
                                }
                            })
                    }}
                </div>
                <p class="asp-error" id="asp-photos-error">
                    {move || {
                        photo_error
                            .get()
                            .or_else(|| {
                                unreadable
                                    .get()
                                    .then(|| tr!(lang.get(), requests.photos_unreadable))
                            })
                    }}
                </p>
            </fieldset>
            <div class="asp-actions">
                <button
                    type="submit"
                    class="asp-button asp-submit"
                    data-action="submit"
                    disabled=move || { busy.get() || preparing.get() > 0 }
                >
                    {move || {
                        let l = lang.get();
                        if busy.get() { tr!(l, requests.submitting) } else { submit_label(l) }
                    }}
                </button>
            </div>
        </form>
    }
}
