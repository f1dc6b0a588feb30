//! What a kiosk shows around the app's pages, and how it guards them: the
//! welcome screen ("Tap to start", the language up front), the text-size
//! control and "Finish and clear", the idle warning (a dialog with a countdown,
//! announced, with a chime) and the reset it ends in; no way out of the portal
//! (links to other sites, the context menu, selection, dragging, downloads) and
//! no history entries. Outside the requests app it also starts the courier when
//! requests of an earlier customer still wait (the requests app in a hidden
//! frame, `requests.html?kiosk=1&courier=1`).

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::handoff::ContinueOnPhone;
use super::{Kiosk, Phase};
use crate::browser::mount::{Mount, MOUNT_ID};
use crate::browser::{idb, language, storage};
use crate::ui::brand::Brand;
use crate::ui::i18n::Lang;
use crate::ui::shell::{focus_by_id, focus_page_title};
use crate::ui::text::{self, text};

/// Session key: this customer passed the welcome screen (wiped at reset).
const STARTED_KEY: &str = "kiosk-started";
/// Session key: this customer's text size, an index into [`TEXT_SIZES`].
const TEXT_SIZE_KEY: &str = "kiosk-text-size";

/// A text size: the mount's `data-text-size`, the button's face, its name.
type TextSize = (&'static str, &'static str, fn(Lang) -> &'static str);

/// The text sizes offered (`style/kiosk.css` scales the root for each).
const TEXT_SIZES: [TextSize; 3] = [
    ("1", "A", |l| tr!(l, kiosk.text_standard)),
    ("2", "A+", |l| tr!(l, kiosk.text_larger)),
    ("3", "A++", |l| tr!(l, kiosk.text_largest)),
];
const STILL_HERE_ID: &str = "asp-still-here";
/// How often the idle clock is read. It is read from the wall clock each time,
/// so a slow or sleeping device only delays the reading, never the deadline.
const TICK: Duration = Duration::from_millis(250);

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The app's root element (`.asp` inside the mount), once it is rendered.
fn app_root() -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector(&format!("#{MOUNT_ID} > .asp"))
        .ok()
        .flatten()
}

/// The language the app shows now.
fn app_lang() -> Option<Lang> {
    Lang::from_tag(&app_root()?.get_attribute("lang")?)
}

/// Asks the app to switch to `lang` (the request a store's page makes too).
fn tell_app_lang(lang: Lang) {
    let Some(mount) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(MOUNT_ID))
    else {
        return;
    };
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"lang".into(), &lang.code().into());
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict("aftersales-lang", &init) {
        let _ = mount.dispatch_event(&event);
    }
}

/// The kiosk around the app of this page (configured by the app's mount).
#[component]
pub fn KioskScreen(kiosk: Kiosk, mount: Mount) -> impl IntoView {
    let lang = RwSignal::new(app_lang().unwrap_or_else(|| language::initial_lang(mount.lang)));
    text::set_language(lang);
    let brand = RwSignal::new(Brand::default());
    {
        let (store_url, accent) = (mount.store_url.clone(), mount.accent.clone());
        leptos::task::spawn_local(async move {
            brand.set(Brand::load(store_url).await.with_accent(accent.as_deref()));
        });
    }
    let start = StoredValue::new(format!("{}#/", mount.self_check));
    let reset = move || start.with_value(|s| storage::start_afresh_keeping_undelivered(s));
    guard_the_page();
    if let Some(app) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(MOUNT_ID))
    {
        let _ = app.set_attribute("data-kiosk-ready", "");
    }

    // The idle clock: the last touch, and the phase read from it.
    let last = StoredValue::new(now_ms());
    let phase = RwSignal::new(Phase::Active);
    // The seconds last announced to screen readers: at the start, every five
    // seconds and the last three, not every second.
    let announced = RwSignal::new(0u32);
    let resetting = StoredValue::new(false);
    let tick = set_interval_with_handle(
        move || {
            quiet_fields();
            // The app's language switch is the customer's too.
            if let Some(l) = app_lang() {
                if l != lang.get_untracked() {
                    lang.set(l);
                }
            }
            let now = Phase::after(&kiosk, now_ms() - last.get_value());
            let before = phase.get_untracked();
            if let Phase::Warning { seconds_left } = now {
                let first = !matches!(before, Phase::Warning { .. });
                if first {
                    chime();
                }
                if first || seconds_left % 5 == 0 || seconds_left <= 3 {
                    announced.set(seconds_left);
                }
            }
            if now != before {
                phase.set(now);
            }
            if now == Phase::Over && !resetting.get_value() {
                resetting.set_value(true);
                reset();
            }
        },
        TICK,
    );
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    // Any touch, click, key, scroll or input restarts the quiet time; while the
    // warning is up only "I'm still here" does.
    for name in [
        "pointerdown",
        "keydown",
        "input",
        "wheel",
        "scroll",
        "touchstart",
    ] {
        let _ = window_event_listener_untyped(name, move |_| {
            unlock_audio();
            if phase.get_untracked() == Phase::Active {
                last.set_value(now_ms());
            }
        });
    }
    let warning = Memo::new(move |_| matches!(phase.get(), Phase::Warning { .. }));
    Effect::new(move |_| {
        if warning.get() {
            request_animation_frame(|| {
                focus_by_id(STILL_HERE_ID);
            });
        }
    });
    let still_here = move |_| {
        last.set_value(now_ms());
        phase.set(Phase::Active);
        request_animation_frame(focus_page_title);
    };
    let seconds_left = move || match phase.get() {
        Phase::Warning { seconds_left } => seconds_left,
        _ => 0,
    };

    let started = RwSignal::new(storage::load_session(STARTED_KEY).is_some());
    if !started.get_untracked() {
        // A new customer: forget again whatever a reset cut short.
        leptos::task::spawn_local(storage::forget_all_but_undelivered());
    }
    let begin = move || {
        storage::store_session(STARTED_KEY, "1");
        started.set(true);
        request_animation_frame(focus_page_title);
    };
    let choose = move |l: Lang| {
        move |ev: leptos::ev::MouseEvent| {
            // Choosing a language is not yet starting.
            ev.stop_propagation();
            lang.set(l);
            // Remembered for the customer's next page (wiped at the reset).
            language::remember(l);
            tell_app_lang(l);
        }
    };

    let text_size = RwSignal::new(
        storage::load_session(TEXT_SIZE_KEY)
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|&i| i < TEXT_SIZES.len())
            .unwrap_or(0),
    );
    Effect::new(move |_| {
        let index = text_size.get();
        if index == 0 {
            storage::remove_session(TEXT_SIZE_KEY);
        } else {
            storage::store_session(TEXT_SIZE_KEY, &index.to_string());
        }
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(MOUNT_ID))
        {
            let _ = root.set_attribute("data-text-size", TEXT_SIZES[index].0);
        }
    });

    // Requests an earlier customer filed that still wait: the courier sends
    // them (the requests app sends its own).
    let requests_page = mount
        .requests
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let in_requests_app = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .is_some_and(|path| path.ends_with(&requests_page));
    let courier_src = RwSignal::new(None::<String>);
    if !in_requests_app {
        let url = format!("{}&courier=1", mount.requests);
        leptos::task::spawn_local(async move {
            if idb::count(idb::OUTBOX).await.unwrap_or(0) > 0 {
                courier_src.set(Some(url));
            }
        });
    }

    view! {
        <div class="asp asp-kiosk" lang=move || lang.get().code() style=move || brand.get().style()>
            <aside class="asp-kiosk-bar" aria-label=text(|l| tr!(l, kiosk.bar))>
                <div
                    class="asp-text-size"
                    role="group"
                    aria-label=text(|l| tr!(l, kiosk.text_size))
                >
                    <span class="asp-text-size-label" aria-hidden="true">
                        {text(|l| tr!(l, kiosk.text_size))}
                    </span>
                    {TEXT_SIZES
                        .iter()
                        .enumerate()
                        .map(|(index, &(size, face, name))| {
                            view! {
                                <button
                                    type="button"
                                    class="asp-secondary"
                                    data-text-size=size
                                    aria-pressed=move || (text_size.get() == index).to_string()
                                    on:click=move |_| text_size.set(index)
                                >
                                    <span aria-hidden="true">{face}</span>
                                    <span class="asp-sr">{text(name)}</span>
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <button
                    type="button"
                    class="asp-secondary"
                    data-action="finish"
                    on:click=move |_| reset()
                >
                    {text(|l| tr!(l, kiosk.finish))}
                </button>
            </aside>
            {move || {
                (!started.get())
                    .then(|| {
                        view! {
                            <div
                                class="asp-kiosk-welcome"
                                role="dialog"
                                aria-modal="true"
                                aria-labelledby="asp-welcome-title"
                                on:click=move |_| begin()
                            >
                                <p class="asp-welcome-store">
                                    {move || brand.get().name(lang.get()).to_owned()}
                                </p>
                                <p class="asp-welcome-intro">
                                    {text(|l| tr!(l, kiosk.welcome_intro))}
                                </p>
                                <div
                                    class="asp-welcome-langs"
                                    role="group"
                                    aria-label=text(|l| tr!(l, kiosk.language))
                                >
                                    {[Lang::Zh, Lang::En]
                                        .into_iter()
                                        .map(|l| {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="asp-secondary"
                                                    lang=l.code()
                                                    aria-pressed=move || (lang.get() == l).to_string()
                                                    on:click=choose(l)
                                                >
                                                    {l.endonym()}
                                                </button>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                                <button
                                    type="button"
                                    class="asp-button asp-welcome-start"
                                    data-action="start"
                                >
                                    <span id="asp-welcome-title">
                                        {text(|l| tr!(l, kiosk.welcome_title))}
                                    </span>
                                </button>
                                <p class="asp-hint">{text(|l| tr!(l, kiosk.privacy))}</p>
                            </div>
                        }
                    })
            }}
            {move || {
                warning
                    .get()
                    .then(|| {
                        view! {
                            <div class="asp-kiosk-veil">
                                <div
                                    class="asp-idle"
                                    role="alertdialog"
                                    aria-modal="true"
                                    aria-labelledby="asp-idle-title"
                                    aria-describedby="asp-idle-text"
                                >
                                    <h2 id="asp-idle-title" class="asp-page-title">
                                        {text(|l| tr!(l, kiosk.idle_title))}
                                    </h2>
                                    <p class="asp-idle-count" aria-hidden="true">
                                        {seconds_left}
                                    </p>
                                    <p id="asp-idle-text">
                                        {move || {
                                            tr!(lang.get(), kiosk.idle_text, seconds = seconds_left())
                                                .to_string()
                                        }}
                                    </p>
                                    <p
                                        class="asp-sr"
                                        aria-live="assertive"
                                        data-announced=move || announced.get()
                                    >
                                        {move || {
                                            tr!(lang.get(), kiosk.idle_text, seconds = announced.get())
                                                .to_string()
                                        }}
                                    </p>
                                    <button
                                        type="button"
                                        id=STILL_HERE_ID
                                        class="asp-button"
                                        data-action="still-here"
                                        on:click=still_here
                                    >
                                        {text(|l| tr!(l, kiosk.still_here))}
                                    </button>
                                </div>
                            </div>
                        }
                    })
            }}
            {move || {
                courier_src
                    .get()
                    .map(|src| {
                        view! {
                            <iframe
                                class="asp-courier"
                                hidden
                                src=src
                                title=text(|l| tr!(l, kiosk.courier))
                            ></iframe>
                        }
                    })
            }}
            {(!in_requests_app).then(|| view! { <ContinueOnPhone /> })}
        </div>
    }
}

/// The app's fields suggest, correct and remember nothing of anybody's typing
/// (checked on every tick: pages come and go).
fn quiet_fields() {
    let Some(fields) = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector_all(&format!(
            "#{MOUNT_ID} :is(input, textarea):not([spellcheck=false])"
        ))
        .ok()
    }) else {
        return;
    };
    for i in 0..fields.length() {
        if let Some(field) = fields
            .item(i)
            .and_then(|f| f.dyn_into::<web_sys::Element>().ok())
        {
            for (name, value) in [
                ("autocomplete", "off"),
                ("autocapitalize", "off"),
                ("autocorrect", "off"),
                ("spellcheck", "false"),
            ] {
                let _ = field.set_attribute(name, value);
            }
        }
    }
}

/// Page-lifetime guards: nothing leaves the portal, nothing is selected or
/// dragged out of it, and moving between pages leaves no history entry.
fn guard_the_page() {
    let _ = window_event_listener(leptos::ev::contextmenu, |e| e.prevent_default());
    let _ = window_event_listener(leptos::ev::dragstart, |e| e.prevent_default());
    let _ = window_event_listener_untyped("selectstart", |e| {
        if !in_a_field(e.target()) {
            e.prevent_default();
        }
    });
    let _ = window_event_listener(leptos::ev::click, |e| {
        if e.default_prevented() {
            return;
        }
        let Some(link) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("a[href]").ok().flatten())
        else {
            return;
        };
        e.prevent_default();
        if let Some(url) = same_site_link(&link) {
            if let Some(w) = web_sys::window() {
                let _ = w.location().replace(&url);
            }
        }
    });
}

/// The link's URL if it stays in this portal: this origin, no download, no
/// other window.
fn same_site_link(link: &web_sys::Element) -> Option<String> {
    if link.has_attribute("download") || link.has_attribute("target") {
        return None;
    }
    let location = web_sys::window()?.location();
    let url =
        web_sys::Url::new_with_base(&link.get_attribute("href")?, &location.href().ok()?).ok()?;
    (url.origin() == location.origin().ok()?).then(|| url.href())
}

fn in_a_field(target: Option<web_sys::EventTarget>) -> bool {
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

thread_local! {
    static AUDIO: RefCell<Option<web_sys::AudioContext>> = const { RefCell::new(None) };
}

/// Browsers let a page make sound only after a touch: the audio context is
/// made (or resumed) on every touch, so the warning can sound later.
fn unlock_audio() {
    AUDIO.with(|audio| {
        let mut audio = audio.borrow_mut();
        if audio.is_none() {
            *audio = web_sys::AudioContext::new().ok();
        }
        if let Some(context) = audio.as_ref() {
            let _ = context.resume();
        }
    });
}

/// The warning's sound: two soft tones, so the warning reaches more than the eyes.
fn chime() {
    unlock_audio();
    AUDIO.with(|audio| {
        if let Some(context) = audio.borrow().as_ref() {
            let _ = two_tones(context);
        }
    });
}

fn two_tones(context: &web_sys::AudioContext) -> Result<(), JsValue> {
    let at = context.current_time();
    for (i, frequency) in [880.0_f32, 660.0].into_iter().enumerate() {
        let start = at + 0.35 * i as f64;
        let tone = context.create_oscillator()?;
        let volume = context.create_gain()?;
        tone.frequency().set_value(frequency);
        volume.gain().set_value_at_time(0.0, start)?;
        volume
            .gain()
            .linear_ramp_to_value_at_time(0.3, start + 0.02)?;
        volume
            .gain()
            .linear_ramp_to_value_at_time(0.0, start + 0.3)?;
        tone.connect_with_audio_node(&volume)?;
        volume.connect_with_audio_node(&context.destination())?;
        tone.start_with_when(start)?;
        tone.stop_with_when(start + 0.32)?;
    }
    Ok(())
}
