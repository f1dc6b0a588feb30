//! The customer's language: an explicit choice is remembered on the device,
//! otherwise the browser's languages decide.

use crate::browser::storage;
use crate::ui::i18n::Lang;

/// The host page's language (`data-lang`), else the one remembered from last
/// time, else the browser's, else Chinese.
pub fn initial_lang(host: Option<Lang>) -> Lang {
    if let Some(lang) = host {
        return lang;
    }
    if let Some(lang) = storage::load(LANG_KEY).as_deref().and_then(Lang::from_tag) {
        return lang;
    }
    let navigator = web_sys::window().map(|w| w.navigator());
    let languages = navigator
        .as_ref()
        .map(|n| n.languages().to_vec())
        .unwrap_or_default();
    languages
        .iter()
        .filter_map(|v| v.as_string())
        .chain(navigator.and_then(|n| n.language()))
        .find_map(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::Zh)
}

/// Remembers an explicit choice (only a choice: otherwise the browser's rules).
pub fn remember(lang: Lang) {
    storage::store(LANG_KEY, lang.code());
}

/// The storage key of the remembered choice (under `storage::STORAGE_PREFIX`);
/// the start page painted into `index.html` reads and writes it too.
pub const LANG_KEY: &str = "lang";
