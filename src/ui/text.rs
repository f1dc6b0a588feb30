//! Texts that follow the language switch.
//!
//! Every shell provides its language signal as [`Language`]; pages read fixed
//! texts through [`text`] and labels through [`label`].

use leptos::prelude::*;

use crate::ui::i18n::Lang;

/// The app's language, shared through context by every shell.
#[derive(Clone, Copy)]
pub struct Language(pub RwSignal<Lang>);

/// The current app's language signal.
pub fn language() -> RwSignal<Lang> {
    expect_context::<Language>().0
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
