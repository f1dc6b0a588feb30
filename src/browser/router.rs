//! Hash routing for every app: the page is a URL in the fragment (`#/return/answer`).
//!
//! Hash routes, not paths: the portal is embedded in stores' own pages, where the
//! path belongs to the host site, and it is served as static files from any folder.
//! A fragment needs no server fallback, keeps relative asset URLs working and still
//! gives the back button and shareable deep links ("return for order X":
//! `#/return?order=SO-1001`). Hand-written, because leptos_router measured +34 KB
//! brotli of WASM, a fifth of the self-check's size budget.
//!
//! Each app has its own route type ([`Fragment`]); [`HashRouter`] follows the
//! location for any of them.

use leptos::prelude::*;

/// A route that lives in the location's fragment.
pub trait Fragment: Clone + PartialEq + Send + Sync + 'static {
    /// Parses a location fragment, with or without the leading `#`.
    fn parse(hash: &str) -> Self;
    /// The fragment for this route, `#/…`.
    fn href(&self) -> String;
}

/// A location fragment (with or without `#`) as decoded path segments and its
/// raw query: `#/return/ask/x?order=1` → `["return", "ask", "x"]`, `order=1`.
pub fn split_fragment(hash: &str) -> (Vec<String>, &str) {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
    let segments = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect();
    (segments, query)
}

/// The decoded, non-empty value of `name` in a raw query.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name && !v.is_empty()).then(|| decode(v))
    })
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (and `+` as space); malformed escapes stay as written.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The current route as a signal, following the location's fragment.
pub struct HashRouter<R: Fragment> {
    pub route: ReadSignal<R>,
    set: WriteSignal<R>,
}

impl<R: Fragment> Clone for HashRouter<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: Fragment> Copy for HashRouter<R> {}

impl<R: Fragment> HashRouter<R> {
    /// Reads the current fragment and follows `hashchange` (links, back/forward).
    pub fn install() -> HashRouter<R> {
        let (route, set) = signal(R::parse(&current_hash()));
        let _ = window_event_listener(leptos::ev::hashchange, move |_| {
            set.set(R::parse(&current_hash()));
        });
        HashRouter { route, set }
    }

    /// Goes to `route` as a new history entry (the back button returns here),
    /// except in kiosk mode, where it replaces the current one.
    pub fn go(&self, route: R) {
        if route == self.route.get_untracked() {
            return;
        }
        let href = route.href();
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            // Both fire hashchange, which updates the signal. A kiosk keeps no
            // history a later customer could go back through.
            let moved = if crate::browser::kiosk::active() {
                location.replace(&href)
            } else {
                location.set_hash(&href)
            };
            if moved.is_ok() {
                return;
            }
        }
        self.set.set(route);
    }

    /// Replaces the current history entry: a deep link whose earlier steps are
    /// missing goes to the first missing step, and a filed form is not one
    /// "back" away, without a dead back-button entry.
    pub fn redirect(&self, route: R) {
        if route == self.route.get_untracked() {
            return;
        }
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&route.href()),
            );
        }
        self.set.set(route);
    }
}

/// This page's address, without its query, with `fragment`: a link to share or
/// scan opens the plain portal, not a kiosk or a store's frame.
pub fn plain_link(fragment: &str) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return fragment.to_owned();
    };
    format!(
        "{}{}{fragment}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    )
}

/// The location's fragment, `#…` (empty without a window).
pub fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_split_into_decoded_segments_and_query() {
        assert_eq!(
            split_fragment("#/return/ask/x?order=1"),
            (vec!["return".into(), "ask".into(), "x".into()], "order=1")
        );
        assert_eq!(split_fragment(""), (vec![], ""));
        assert_eq!(split_fragment("#/"), (vec![], ""));
        assert_eq!(
            query_param("a=1&order=SO-1%25", "order").as_deref(),
            Some("SO-1%")
        );
        assert_eq!(query_param("order=", "order"), None);
        assert_eq!(decode("%E4%BA%8C%zz+x"), "二%zz x");
    }

    #[test]
    fn encoding_keeps_one_segment_and_round_trips() {
        for text in [
            "SO 1001/二",
            "+86 138-0013-8000",
            "a&b=c?d#e",
            "K7P-2XQ:~._",
        ] {
            let encoded = encode(text);
            assert!(
                !encoded.contains(['/', '?', '#', '&', '=', ' ', '+']),
                "{encoded}"
            );
            assert_eq!(decode(&encoded), text);
        }
    }
}
