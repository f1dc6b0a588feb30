//! Every step of the portal is a URL, in the fragment (`#/return/answer`).
//!
//! Hash routes, not paths: the portal is embedded in stores' own pages, where the
//! path belongs to the host site, and it is served as static files from any folder.
//! A fragment needs no server fallback, keeps relative asset URLs working and still
//! gives the back button and shareable deep links ("return for order X":
//! `#/return?order=SO-1001`). A hand-written router, because leptos_router measured
//! +34 KB brotli of WASM, a fifth of the whole size budget.

use leptos::prelude::*;

use aftersales_rules::RequestType;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// "What do you need?"
    Start,
    /// Which order: look it up, pick a demo, or go to hand entry. `number` prefills
    /// the lookup (`#/return?order=SO-1001`).
    Order {
        request: RequestType,
        number: Option<String>,
    },
    /// Enter the order by hand.
    Manual(RequestType),
    /// Which items the request is about.
    Items(RequestType),
    /// Why (returns and exchanges): a quality defect or another reason.
    Reason(RequestType),
    /// What a complaint is about.
    About,
    /// One question the answer depends on: a condition id of the decision.
    Ask(RequestType, String),
    /// The answer.
    Answer(RequestType),
    /// File the request.
    File(RequestType),
    /// The requests filed from this device.
    Requests,
    /// One request, opened by id and tracking code (works on any device).
    Track {
        id: String,
        code: String,
    },
    NotFound,
}

impl Route {
    /// Parses a location fragment, with or without the leading `#`.
    pub fn parse(hash: &str) -> Route {
        let (segments, query) = split_fragment(hash);
        let param = |name: &str| query_param(query, name);
        let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
        if let ["requests", rest @ ..] = seg.as_slice() {
            return match rest {
                [] => Route::Requests,
                [id] => match param("code") {
                    Some(code) => Route::Track {
                        id: (*id).to_owned(),
                        code,
                    },
                    None => Route::Requests,
                },
                _ => Route::NotFound,
            };
        }
        let Some((&first, rest)) = seg.split_first() else {
            return Route::Start;
        };
        let Some(request) = RequestType::parse(first) else {
            return Route::NotFound;
        };
        match rest {
            [] => Route::Order {
                request,
                number: param("order"),
            },
            ["manual"] => Route::Manual(request),
            ["items"] => Route::Items(request),
            ["reason"] if matches!(request, RequestType::Return | RequestType::Exchange) => {
                Route::Reason(request)
            }
            ["about"] if request == RequestType::Complaint => Route::About,
            ["ask", condition] => Route::Ask(request, (*condition).to_owned()),
            ["answer"] => Route::Answer(request),
            ["file"] => Route::File(request),
            _ => Route::NotFound,
        }
    }

    /// The fragment for this route, `#/…`.
    pub fn href(&self) -> String {
        let path = match self {
            Route::Start => String::new(),
            Route::Order { request, number } => match number {
                Some(n) => format!("{}?order={}", request.as_str(), encode(n)),
                None => request.as_str().to_owned(),
            },
            Route::Manual(r) => format!("{}/manual", r.as_str()),
            Route::Items(r) => format!("{}/items", r.as_str()),
            Route::Reason(r) => format!("{}/reason", r.as_str()),
            Route::About => "complaint/about".to_owned(),
            Route::Ask(r, c) => format!("{}/ask/{}", r.as_str(), encode(c)),
            Route::Answer(r) => format!("{}/answer", r.as_str()),
            Route::File(r) => format!("{}/file", r.as_str()),
            Route::Requests => "requests".to_owned(),
            Route::Track { id, code } => format!("requests/{}?code={}", encode(id), encode(code)),
            Route::NotFound => "not-found".to_owned(),
        };
        format!("#/{path}")
    }

    /// Where a filing or tracking route lives now: the requests app.
    pub fn requests_href(&self) -> Option<String> {
        match self {
            Route::File(r) => Some(format!("requests.html#/file/{}", r.as_str())),
            Route::Requests => Some("requests.html#/".to_owned()),
            Route::Track { id, code } => Some(format!(
                "requests.html#/r/{}?code={}",
                encode(id),
                encode(code)
            )),
            _ => None,
        }
    }

    /// The request type a step belongs to.
    pub fn request(&self) -> Option<RequestType> {
        match self {
            Route::Order { request, .. } => Some(*request),
            Route::Manual(r)
            | Route::Items(r)
            | Route::Reason(r)
            | Route::Ask(r, _)
            | Route::Answer(r)
            | Route::File(r) => Some(*r),
            Route::About => Some(RequestType::Complaint),
            Route::Start | Route::Requests | Route::Track { .. } | Route::NotFound => None,
        }
    }
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
#[derive(Clone, Copy)]
pub struct Router {
    pub route: ReadSignal<Route>,
    set: WriteSignal<Route>,
}

impl Router {
    /// Reads the current fragment and follows `hashchange` (links, back/forward).
    pub fn install() -> Router {
        let (route, set) = signal(Route::parse(&current_hash()));
        let _ = window_event_listener(leptos::ev::hashchange, move |_| {
            set.set(Route::parse(&current_hash()));
        });
        Router { route, set }
    }

    /// Goes to `route` as a new history entry (the back button returns here).
    pub fn go(&self, route: Route) {
        if route == self.route.get_untracked() {
            return;
        }
        let href = route.href();
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            // Fires hashchange, which updates the signal.
            if location.set_hash(&href).is_ok() {
                return;
            }
        }
        self.set.set(route);
    }

    /// Replaces the current history entry: a deep link whose earlier steps are
    /// missing is sent to the first missing step without a dead back-button entry.
    pub fn redirect(&self, route: Route) {
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

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_round_trips_through_its_fragment() {
        let routes = [
            Route::Start,
            Route::Order {
                request: RequestType::Return,
                number: Some("SO 1001/二".into()),
            },
            Route::Order {
                request: RequestType::Cancel,
                number: None,
            },
            Route::Manual(RequestType::Repair),
            Route::Items(RequestType::Exchange),
            Route::Reason(RequestType::Return),
            Route::About,
            Route::Ask(RequestType::Return, "document:receipt_or_invoice".into()),
            Route::Answer(RequestType::Cancel),
            Route::File(RequestType::Complaint),
            Route::Requests,
            Route::Track {
                id: "0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11".into(),
                code: "K7P-2XQ".into(),
            },
        ];
        for route in routes {
            assert_eq!(Route::parse(&route.href()), route, "{}", route.href());
        }
    }

    #[test]
    fn odd_fragments_are_handled() {
        assert_eq!(Route::parse(""), Route::Start);
        assert_eq!(Route::parse("#"), Route::Start);
        assert_eq!(Route::parse("#/"), Route::Start);
        assert_eq!(Route::parse("#/refund"), Route::NotFound);
        assert_eq!(Route::parse("#/cancel/reason"), Route::NotFound);
        assert_eq!(Route::parse("#/requests/abc"), Route::Requests);
        assert_eq!(
            Route::parse("#/return?order=SO-1%"),
            Route::Order {
                request: RequestType::Return,
                number: Some("SO-1%".into())
            }
        );
        assert_eq!(decode("%E4%BA%8C%zz+x"), "二%zz x");
    }
}
