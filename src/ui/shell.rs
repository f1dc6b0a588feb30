//! The frame every app shares: the language and its context, the header, the
//! document's title, page headings that take focus after navigation, the back
//! link and the "not found" page.

use leptos::prelude::*;

use crate::browser::language;
use crate::ui::brand::Brand;
use crate::ui::i18n::Lang;
use crate::ui::text::{self, text, text_in};

/// The language for an app: the remembered or browser language, which every
/// page's texts follow ([`text::language`]).
pub fn provide_language(host: Option<Lang>) -> RwSignal<Lang> {
    let lang = RwSignal::new(language::initial_lang(host));
    text::set_language(lang);
    // The host page switches the language live (`browser::embed`); not
    // remembered: the host decides again on the next visit.
    #[cfg(target_arch = "wasm32")]
    crate::browser::embed::on_host_request(
        "aftersales-lang",
        "lang",
        Box::new(move |tag| {
            if let Some(l) = Lang::from_tag(&tag) {
                lang.set(l);
            }
        }),
    );
    lang
}

/// The header of every app: the store's logo and name with the service's title
/// (the portal's one h1, a link to `home`), "My requests" and the language switch.
/// A host page that embeds the portal keeps its own h1 above it.
pub fn header(
    lang: RwSignal<Lang>,
    brand: RwSignal<Brand>,
    home: String,
    requests: String,
) -> impl IntoView {
    // Only an explicit choice is remembered; otherwise the browser's language rules.
    let switch_lang = move |_| {
        lang.update(|l| *l = l.other());
        language::remember(lang.get_untracked());
    };
    view! {
        <header class="asp-header">
            <h1 class="asp-heading">
                <a class="asp-home" href=home>
                    {move || {
                        brand
                            .get()
                            .logo
                            .map(|src| view! { <img class="asp-logo" src=src alt="" /> })
                    }}
                    <span class="asp-brand">
                        <span class="asp-store">
                            {move || brand.get().name(lang.get()).to_owned()}
                        </span>
                        <span class="asp-title">{text_in(lang, |l| tr!(l, portal.title))}</span>
                    </span>
                </a>
            </h1>
            <nav class="asp-nav" aria-label=text_in(lang, |l| tr!(l, portal.nav_label))>
                <a class="asp-nav-link" href=requests>
                    {text_in(lang, |l| tr!(l, portal.my_requests))}
                </a>
                <button type="button" class="asp-lang" on:click=switch_lang>
                    <span class="asp-sr">
                        {text_in(lang, |l| tr!(l, portal.switch_label))} ": "
                    </span>
                    <span lang=move || {
                        lang.get().other().code()
                    }>{move || lang.get().other().endonym()}</span>
                </button>
            </nav>
        </header>
    }
}

/// When the portal owns the page: `<html lang>` and the title (`title · store`)
/// follow the language.
pub fn manage_document(
    lang: RwSignal<Lang>,
    brand: RwSignal<Brand>,
    title: fn(Lang) -> &'static str,
) {
    Effect::new(move |_| {
        let l = lang.get();
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(root) = doc.document_element() {
            let _ = root.set_attribute("lang", l.code());
        }
        let name = brand.get().name(l).to_owned();
        let title = title(l);
        doc.set_title(&if name.is_empty() {
            title.to_owned()
        } else {
            format!("{title} · {name}")
        });
    });
}

/// Moves focus to the new page's heading after a navigation (not on the first
/// render), so screen readers and keyboards start at the top of the new step.
pub fn focus_title_on_navigation(route: impl Fn() + 'static) {
    Effect::new(move |first: Option<()>| {
        route();
        if first.is_some() {
            request_animation_frame(focus_page_title);
        }
    });
}

/// Focuses the page's `<h2>` and scrolls it into view (after a navigation).
pub fn focus_page_title() {
    if let Some(el) = focus_by_id(PAGE_TITLE_ID) {
        el.scroll_into_view();
    }
}

/// Focuses the element with `id`, if it is there.
pub fn focus_by_id(id: &str) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let el = web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()?;
    let _ = el.focus();
    Some(el)
}

/// The id of every page's `<h2>`, focused after navigation.
pub const PAGE_TITLE_ID: &str = "asp-page-title";

/// A page heading that receives focus after navigation.
#[component]
pub fn PageTitle(#[prop(into)] text: Signal<String>) -> impl IntoView {
    view! {
        <h2 id=PAGE_TITLE_ID class="asp-page-title" tabindex="-1">
            {move || text.get()}
        </h2>
    }
}

/// A link back to an earlier step (`href`, a fragment or another page).
#[component]
pub fn BackLink(
    href: String,
    #[prop(optional)] label: Option<fn(Lang) -> &'static str>,
) -> impl IntoView {
    let label = label.unwrap_or(|l| tr!(l, portal.back));
    view! {
        <a class="asp-back" href=href>
            <span aria-hidden="true">"‹ "</span>
            {text(label)}
        </a>
    }
}

/// The page for a fragment no route knows, with the app's way back (`children`).
#[component]
pub fn NotFound(children: Children) -> impl IntoView {
    view! {
        <PageTitle text=Signal::derive(text(|l| tr!(l, portal.not_found)).to_owned()) />
        <p>{children()}</p>
    }
}
