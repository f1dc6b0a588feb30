//! Texts that follow the language switch.
//!
//! Every shell sets its language signal once ([`set_language`]); pages read
//! fixed texts through [`text`] and labels through [`label`]. One signal per
//! page, kept in a thread-local rather than a Leptos context: an app has one
//! language, and the context lookup cost WASM for nothing.

use leptos::prelude::*;

use crate::ui::i18n::Lang;

thread_local! {
    static LANGUAGE: std::cell::Cell<Option<RwSignal<Lang>>> = const { std::cell::Cell::new(None) };
}

/// Makes `lang` the app's language signal.
pub fn set_language(lang: RwSignal<Lang>) {
    LANGUAGE.with(|l| l.set(Some(lang)));
}

/// The app's language signal (before a shell set one: a new one, in Chinese).
pub fn language() -> RwSignal<Lang> {
    LANGUAGE.with(|l| match l.get() {
        Some(lang) => lang,
        None => {
            let lang = RwSignal::new(Lang::default());
            l.set(Some(lang));
            lang
        }
    })
}

/// A fixed text of the translation files that follows the language switch:
/// `text(|l| tr!(l, portal.back))`. Every call gives the same closure type, so
/// Leptos compiles its reactive-text code once instead of once per string (a
/// closure per string cost tens of KB of WASM).
pub fn text(f: fn(Lang) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync {
    text_in(language(), f)
}

/// [`text`] for a shell, before its context exists.
pub fn text_in(
    lang: RwSignal<Lang>,
    f: fn(Lang) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync {
    move || f(lang.get())
}

/// [`text`] as a `Signal<String>` (labels of [`crate::ui::field::input_field`]).
pub fn label(f: fn(Lang) -> &'static str) -> Signal<String> {
    let text = text(f);
    Signal::derive(move || text().to_owned())
}

/// The separator after a label: full-width in Chinese (`查询码：`), `: ` in English.
pub fn colon(l: Lang) -> &'static str {
    match l {
        Lang::Zh => "：",
        Lang::En => ": ",
    }
}
