//! Where an app mounts, and how the host page configured it.
//!
//! Every app mounts into `<div id="aftersales-portal">` of the host page, never
//! into `<body>`, so it can live inside an existing site. The element's `data-*`
//! attributes configure it; [`Mount::read`] is the one reader of them:
//! - `data-policy-url`: where `policy.json` is, relative to the page (default `policy.json`);
//! - `data-store-url`: the store's name, logo and colour (`store.json`, see `ui::brand`);
//! - `data-api-base`: the backend's API (`api/`); without it the self-check takes
//!   orders typed by hand (the requests app then uses `api/`);
//! - `data-demo="true"`: offer the demo orders (self-check);
//! - `data-service-worker`: the service worker to register (`sw.js`: offline use);
//! - `data-manage-document="true"`: the app owns the page and may set `<html lang>`
//!   and the title;
//! - `data-self-check`: the self-check's page, for links back to it from the
//!   requests app (default `index.html`); `data-requests`: the requests app's
//!   page (default `requests.html`);
//! - `data-lang` (`zh-CN`, `en`): the language the host page wants, over the
//!   customer's remembered choice; `data-accent` (`#rrggbb`): the accent colour
//!   over the store file's; `data-order`: an order number to prefill.
//!
//! A page opened with `?embed=1` (the frame of `embed.js`, `browser::embed`) is
//! embedded: its query's `lang`, `accent` and `order` count as those attributes,
//! no service worker is registered, and links between the apps keep the query.
//! A page opened with `?kiosk=1` runs in kiosk mode (`browser::kiosk`); its links
//! carry the kiosk query on, and `courier=1` marks the requests app's hidden
//! delivery frame (`requests::courier`).

use crate::browser::router::{encode, query_param};
use crate::ui::i18n::Lang;

/// The id of the element every app mounts into.
pub const MOUNT_ID: &str = "aftersales-portal";

/// Marks a page rendered into the host page at build time, one per language
/// (`self_check::first_paint`); the page's inline script shows one of them.
pub const FIRST_PAINT_ATTR: &str = "data-first-paint";

/// The host page's configuration of an app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mount {
    pub policy_url: String,
    pub store_url: Option<String>,
    /// With a trailing slash.
    pub api_base: Option<String>,
    pub demo: bool,
    pub service_worker: Option<String>,
    pub manage_document: bool,
    pub self_check: String,
    pub requests: String,
    /// Inside a store's page, in the frame of `embed.js` (`?embed=1`).
    pub embedded: bool,
    pub lang: Option<Lang>,
    pub accent: Option<String>,
    pub order: Option<String>,
    /// On a shared touch screen (`?kiosk=1`).
    pub kiosk: bool,
    /// The kiosk's hidden frame that only delivers the outbox (`?kiosk=1&courier=1`).
    pub courier: bool,
}

impl Mount {
    /// Reads the configuration from an attribute reader (trimmed, empty = absent).
    pub fn from_attributes(attr: impl Fn(&str) -> Option<String>) -> Mount {
        Mount {
            policy_url: attr("data-policy-url").unwrap_or_else(|| "policy.json".to_owned()),
            store_url: attr("data-store-url"),
            api_base: attr("data-api-base")
                .map(|b| if b.ends_with('/') { b } else { format!("{b}/") }),
            demo: attr("data-demo").as_deref() == Some("true"),
            service_worker: attr("data-service-worker"),
            manage_document: attr("data-manage-document").as_deref() == Some("true"),
            self_check: attr("data-self-check").unwrap_or_else(|| "index.html".to_owned()),
            requests: attr("data-requests").unwrap_or_else(|| "requests.html".to_owned()),
            embedded: false,
            lang: attr("data-lang").as_deref().and_then(Lang::from_tag),
            accent: attr("data-accent"),
            order: attr("data-order"),
            kiosk: false,
            courier: false,
        }
    }

    /// The configuration of a page whose query (`location.search`) is `query`:
    /// with `embed=1` its `lang`, `accent` and `order` count over the attributes
    /// (and nothing else may come from a URL), and the links to the other app
    /// carry `embed`, `lang` and `accent` on.
    pub fn from_page(attr: impl Fn(&str) -> Option<String>, query: &str) -> Mount {
        let mut mount = Mount::from_attributes(attr);
        let query = query.strip_prefix('?').unwrap_or(query);
        if query_param(query, "embed").as_deref() != Some("1") {
            if let Some(carried) = crate::browser::kiosk::carried(query) {
                mount.self_check.push_str(&carried);
                mount.requests.push_str(&carried);
                mount.courier = query_param(query, "courier").as_deref() == Some("1");
                mount.kiosk = true;
            }
            return mount;
        }
        mount.embedded = true;
        mount.service_worker = None;
        if let Some(lang) = query_param(query, "lang")
            .as_deref()
            .and_then(Lang::from_tag)
        {
            mount.lang = Some(lang);
        }
        mount.accent = query_param(query, "accent").or(mount.accent);
        mount.order = query_param(query, "order").or(mount.order);
        let mut carried = "?embed=1".to_owned();
        if let Some(lang) = mount.lang {
            carried.push_str(&format!("&lang={}", lang.code()));
        }
        if let Some(accent) = query_param(query, "accent") {
            carried.push_str(&format!("&accent={}", encode(&accent)));
        }
        mount.self_check.push_str(&carried);
        mount.requests.push_str(&carried);
        mount
    }

    /// A page of the requests app: `requests.html#/file/return`.
    pub fn requests_page(&self, fragment: &str) -> String {
        format!("{}{fragment}", self.requests)
    }

    /// The configuration of the mount element `root` on this page, read and
    /// nothing else (also by the kiosk app, which mounts beside it).
    #[cfg(target_arch = "wasm32")]
    pub fn of_element(root: &web_sys::Element) -> Mount {
        let query = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        Mount::from_page(
            |name| {
                root.get_attribute(name)
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
            },
            &query,
        )
    }

    /// The mount element, emptied of the host's fallback content (noscript text,
    /// spinner) but for the first paint on show, which stays until the app is
    /// ready ([`ready`]), and its configuration; the service worker
    /// is registered here.
    #[cfg(target_arch = "wasm32")]
    pub fn read() -> Option<(web_sys::HtmlElement, Mount)> {
        use wasm_bindgen::JsCast;

        let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(MOUNT_ID))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            web_sys::console::error_1(&format!("aftersales portal: no element #{MOUNT_ID}").into());
            return None;
        };
        let mount = Mount::of_element(&root);
        if let Some(worker) = &mount.service_worker {
            // A kiosk's worker also keeps the kiosk app for offline use (sw.js).
            let worker = if mount.kiosk {
                format!("{worker}?kiosk=1")
            } else {
                worker.clone()
            };
            crate::browser::service_worker::register_service_worker(&worker);
        }
        if mount.kiosk {
            crate::browser::kiosk::activate();
            let _ = root.set_attribute("data-kiosk", "");
            // The courier is a hidden frame: the kiosk around it is its parent's.
            if !mount.courier {
                crate::browser::kiosk::load();
            }
        }
        if mount.embedded {
            // The stylesheet leaves the store's page its own header.
            let _ = root.set_attribute("data-embed", "");
            crate::browser::embed::load_frame_script();
        }
        let mut child = root.first_child();
        while let Some(node) = child {
            child = node.next_sibling();
            let shown_first_paint = node
                .dyn_ref::<web_sys::Element>()
                .is_some_and(|e| e.has_attribute(FIRST_PAINT_ATTR) && !e.has_attribute("hidden"));
            if !shown_first_paint {
                let _ = root.remove_child(&node);
            }
        }
        Some((root, mount))
    }
}

/// Marks the app ready once it has rendered its own page: takes the first
/// paint away and sets the user-timing mark [`READY_MARK`] (the "slow phone"
/// figure of `scripts/lighthouse.sh`). Called from an effect, in the same task
/// as that render, so no frame shows neither page or both (the stylesheet hides
/// the app's root while a first paint is shown).
#[cfg(target_arch = "wasm32")]
pub fn ready() {
    // Once per page: the parts of an app may each report in.
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let first_paint = window.document().and_then(|d| {
        d.query_selector(&format!("#{MOUNT_ID} > [{FIRST_PAINT_ATTR}]"))
            .ok()
            .flatten()
    });
    if let Some(first_paint) = first_paint {
        first_paint.remove();
    }
    if let Some(performance) = window.performance() {
        let _ = performance.mark(READY_MARK);
    }
    crate::browser::embed::emit(&crate::browser::embed::HostEvent::Ready);
}

/// The user-timing mark of [`ready`].
pub const READY_MARK: &str = "aftersales:ready";

/// Starts an app: reads its mount and renders `app` into it, for the page's
/// lifetime.
#[cfg(target_arch = "wasm32")]
pub fn start<V: leptos::IntoView + 'static>(app: impl Fn(Mount) -> V + 'static) {
    // Readable panic messages in development builds; release builds leave the
    // hook (and its formatting code) out of the size budget.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let Some((root, mount)) = Mount::read() else {
        return;
    };
    crate::browser::embed::on_host_request(
        "aftersales-reset",
        "src",
        Box::new(|src| crate::browser::embed::reset_to(&src)),
    );
    leptos::mount::mount_to(root, move || app(mount.clone())).forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_have_defaults_and_the_api_base_ends_with_a_slash() {
        let none = Mount::from_attributes(|_| None);
        assert_eq!(none.policy_url, "policy.json");
        assert_eq!(none.api_base, None);
        assert_eq!(none.self_check, "index.html");
        assert!(!none.demo && !none.manage_document);
        let set = Mount::from_attributes(|name| match name {
            "data-api-base" => Some("/shop/api".into()),
            "data-demo" => Some("true".into()),
            "data-manage-document" => Some("yes".into()),
            _ => None,
        });
        assert_eq!(set.api_base.as_deref(), Some("/shop/api/"));
        assert!(set.demo);
        assert!(!set.manage_document, "only \"true\" turns it on");
    }

    #[test]
    fn an_embedded_page_takes_language_accent_and_order_from_its_query_only() {
        let attrs = |name: &str| match name {
            "data-service-worker" => Some("sw.js".into()),
            "data-lang" => Some("zh-CN".into()),
            "data-order" => Some("SO-1".into()),
            _ => None,
        };
        let plain = Mount::from_page(attrs, "?lang=en&api-base=https://evil.example/");
        assert!(!plain.embedded);
        assert_eq!(
            plain.lang,
            Some(Lang::Zh),
            "a query counts only when embedded"
        );
        assert_eq!(plain.service_worker.as_deref(), Some("sw.js"));
        assert_eq!(plain.requests_page("#/"), "requests.html#/");

        let framed = Mount::from_page(
            attrs,
            "?embed=1&lang=en&accent=%23ffd700&order=SO%2024003&api-base=https://evil.example/&policy-url=x",
        );
        assert!(framed.embedded);
        assert_eq!(framed.lang, Some(Lang::En));
        assert_eq!(framed.accent.as_deref(), Some("#ffd700"));
        assert_eq!(framed.order.as_deref(), Some("SO 24003"));
        assert_eq!(
            framed.service_worker, None,
            "no service worker in a store's page"
        );
        assert_eq!(framed.api_base, None);
        assert_eq!(framed.policy_url, "policy.json");
        assert_eq!(
            framed.requests_page("#/file/return"),
            "requests.html?embed=1&lang=en&accent=%23ffd700#/file/return"
        );
        assert_eq!(
            framed.self_check,
            "index.html?embed=1&lang=en&accent=%23ffd700"
        );

        let kiosk_in_frame = Mount::from_page(|_| None, "?embed=1&kiosk=1");
        assert!(!kiosk_in_frame.kiosk, "a store's page is no kiosk");

        let unknown_lang = Mount::from_page(|_| None, "embed=1&lang=fr");
        assert!(unknown_lang.embedded);
        assert_eq!(unknown_lang.lang, None);
        assert_eq!(unknown_lang.requests, "requests.html?embed=1");
    }

    #[test]
    fn a_kiosk_page_carries_kiosk_mode_to_the_other_app() {
        let kiosk = Mount::from_page(|_| None, "?kiosk=1&idle=5&warn=3&lang=en");
        assert!(kiosk.kiosk);
        assert!(!kiosk.courier && !kiosk.embedded);
        assert_eq!(
            kiosk.lang, None,
            "the kiosk's language is the customer's choice"
        );
        assert_eq!(
            kiosk.requests_page("#/file/return"),
            "requests.html?kiosk=1&idle=5&warn=3#/file/return"
        );
        assert_eq!(kiosk.self_check, "index.html?kiosk=1&idle=5&warn=3");
        let courier = Mount::from_page(|_| None, "?kiosk=1&courier=1");
        assert!(courier.courier);
        assert!(!Mount::from_page(|_| None, "?courier=1").courier);
    }
}
