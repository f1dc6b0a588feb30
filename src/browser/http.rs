//! HTTP for every app, with one answer type: [`Reply`] is any HTTP status,
//! [`Unreachable`] is no answer at all.
//!
//! GETs of the app's own files (policy, store file) and the self-check's order
//! look-up use `fetch`; the API calls that send (filing, photos, feedback) use
//! `XMLHttpRequest`, which reports upload progress and has a timeout, so a
//! stalled request never holds the outbox.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

use crate::browser::events;
use crate::browser::router::encode;

/// A longer Retry-After is taken as a misconfigured proxy, not a plan.
const MAX_RETRY_AFTER_SECS: u64 = 3600;

thread_local! {
    static LANGUAGE: RefCell<String> = RefCell::new("zh-CN".to_owned());
}

/// The language `XMLHttpRequest` sends as `Accept-Language` (server messages
/// follow it); the requests app sets it whenever the customer switches. Default
/// `zh-CN`.
pub fn set_language(tag: &str) {
    LANGUAGE.with(|l| *l.borrow_mut() = tag.to_owned());
}

fn language() -> String {
    LANGUAGE.with(|l| l.borrow().clone())
}

thread_local! {
    static CSRF_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The token [`send`] puts in `X-CSRF-Token` (the staff console's session
/// sets it; the customer's apps never do).
pub fn set_csrf_token(token: Option<String>) {
    CSRF_TOKEN.with(|t| *t.borrow_mut() = token);
}

/// An HTTP answer, whatever its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// No HTTP answer at all: offline, DNS, timeout, connection reset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unreachable;

/// Why a file could not be fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchError {
    Status(u16),
    Unreachable,
}

/// GETs `url` (relative to the page) as text. The browser's cache follows the
/// server, which has every static file revalidated (`no-cache`), so a changed
/// policy applies on the next visit; a preload of `url` by the page is used.
pub async fn fetch_text(url: &str) -> Result<String, FetchError> {
    let reply = get(url, web_sys::RequestCache::Default, "zh-CN")
        .await
        .map_err(|Unreachable| FetchError::Unreachable)?;
    if !reply.is_success() {
        return Err(FetchError::Status(reply.status));
    }
    Ok(reply.body)
}

/// GETs an API resource (never from a cache), as JSON with messages in `lang`
/// (a BCP 47 tag).
pub async fn get_json(url: &str, lang: &str) -> Result<Reply, Unreachable> {
    get(url, web_sys::RequestCache::NoStore, lang).await
}

/// One GET with `fetch`: any status is a reply, no answer is [`Unreachable`].
async fn get(url: &str, cache: web_sys::RequestCache, lang: &str) -> Result<Reply, Unreachable> {
    let window = web_sys::window().ok_or(Unreachable)?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_cache(cache);
    let headers = web_sys::Headers::new().map_err(|_| Unreachable)?;
    let _ = headers.set("Accept", "application/json");
    let _ = headers.set("Accept-Language", lang);
    init.set_headers(&headers);
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| Unreachable)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| Unreachable)?;
    let body = JsFuture::from(response.text().map_err(|_| Unreachable)?)
        .await
        .map_err(|_| Unreachable)?
        .as_string()
        .unwrap_or_default();
    // No GET of the apps waits for a server's Retry-After (the self-check's
    // look-up asks the customer to try again later): not read, no code for it.
    Ok(Reply {
        status: response.status(),
        body,
        retry_after: None,
    })
}

/// `Retry-After` in seconds (the delta form; the server sends that), bounded.
pub fn retry_after_secs(header: &str) -> Option<u64> {
    let secs: u64 = header.trim().parse().ok()?;
    Some(secs.min(MAX_RETRY_AFTER_SECS))
}

/// `api_base` + encoded path segments + encoded query.
pub fn endpoint(api_base: &str, segments: &[&str], query: &[(&str, &str)]) -> String {
    let mut url = api_base.to_owned();
    if !url.is_empty() && !url.ends_with('/') {
        url.push('/');
    }
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            url.push('/');
        }
        url.push_str(&encode(segment));
    }
    for (i, (name, value)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(&encode(name));
        url.push('=');
        url.push_str(&encode(value));
    }
    url
}

pub enum Body<'a> {
    Empty,
    Json(&'a str),
    Photo(&'a Blob),
}

/// Bytes sent and total, as the upload goes.
pub type Progress = Box<dyn FnMut(f64, f64)>;

/// Sends one request; any HTTP status is a `Reply`, no answer `Unreachable`.
pub async fn send(
    method: &str,
    url: &str,
    body: Body<'_>,
    timeout_ms: u32,
    progress: Option<Progress>,
) -> Result<Reply, Unreachable> {
    let xhr = XmlHttpRequest::new().map_err(|_| Unreachable)?;
    xhr.open(method, url).map_err(|_| Unreachable)?;
    xhr.set_timeout(timeout_ms);
    let _ = xhr.set_request_header("Accept", "application/json");
    let _ = xhr.set_request_header("Accept-Language", &language());
    if let Some(token) = CSRF_TOKEN.with(|t| t.borrow().clone()) {
        let _ = xhr.set_request_header("X-CSRF-Token", &token);
    }
    let on_progress = progress.map(|mut report| {
        Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() {
                report(e.loaded(), e.total());
            }
        })
    });
    let upload = xhr.upload().ok();
    if let (Some(upload), Some(callback)) = (&upload, &on_progress) {
        upload.set_onprogress(Some(callback.as_ref().unchecked_ref()));
    }
    let sent = match body {
        Body::Empty => xhr.send(),
        Body::Json(text) => xhr
            .set_request_header("Content-Type", "application/json")
            .and_then(|()| xhr.send_with_opt_str(Some(text))),
        Body::Photo(blob) => {
            let kind = blob.type_();
            let kind = if kind.starts_with("image/") {
                kind
            } else {
                "application/octet-stream".to_owned()
            };
            xhr.set_request_header("Content-Type", &kind)
                .and_then(|()| xhr.send_with_opt_blob(Some(blob)))
        }
    };
    let ended = match sent {
        Ok(()) => events::first(&xhr, &["loadend"]).await.is_ok(),
        Err(_) => false,
    };
    if let Some(upload) = &upload {
        upload.set_onprogress(None);
    }
    drop(on_progress);
    let status = xhr.status().unwrap_or(0);
    if !ended || status == 0 {
        return Err(Unreachable);
    }
    let retry_after = xhr
        .get_response_header("Retry-After")
        .ok()
        .flatten()
        .and_then(|h| retry_after_secs(&h).or_else(|| http_date_delay(&h)));
    Ok(Reply {
        status,
        body: xhr.response_text().ok().flatten().unwrap_or_default(),
        retry_after,
    })
}

/// The HTTP-date form of `Retry-After`, as seconds from now.
fn http_date_delay(header: &str) -> Option<u64> {
    let at = js_sys::Date::parse(header);
    if at.is_nan() {
        return None;
    }
    let secs = ((at - js_sys::Date::now()) / 1000.0).ceil().max(0.0) as u64;
    Some(secs.min(MAX_RETRY_AFTER_SECS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_segments_and_values() {
        assert_eq!(
            endpoint("api/", &["orders", "SO 1/2"], &[("phone", "+86 138")]),
            "api/orders/SO%201%2F2?phone=%2B86%20138"
        );
        assert_eq!(
            endpoint(
                "/shop/api",
                &["requests", "abc", "feedback"],
                &[("code", "AB2C")]
            ),
            "/shop/api/requests/abc/feedback?code=AB2C"
        );
        assert_eq!(endpoint("", &["requests"], &[]), "requests");
        assert_eq!(
            endpoint("api/", &["orders", "单号"], &[]),
            "api/orders/%E5%8D%95%E5%8F%B7"
        );
    }

    #[test]
    fn retry_after_is_seconds_and_bounded() {
        assert_eq!(retry_after_secs(" 5 "), Some(5));
        assert_eq!(retry_after_secs("999999"), Some(MAX_RETRY_AFTER_SECS));
        assert_eq!(retry_after_secs("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(retry_after_secs("-1"), None);
    }
}
