//! The kiosk app (bin `aftersales-kiosk`, `kiosk.js`): what a shared touch screen
//! in a showroom adds around the self-check and the requests app
//! (`docs/kiosk.md`). Its own WASM, fetched only in kiosk mode
//! (`browser::kiosk::load`), so phones never pay for it. It mounts into its own
//! element after the page's app and speaks to the app only through the page: the
//! URL, the app's DOM events (`aftersales-lang`), session storage (the check in
//! progress) and the device store.
//!
//! - [`Phase`] where the idle clock stands, read from the wall clock alone (a
//!   device that slept past the warning resets as soon as it wakes);
//! - [`screen`] the welcome screen, the text-size control and "Finish and
//!   clear", the idle dialog with its chime, the page guards, the reset, and
//!   the courier for requests an earlier customer filed offline;
//! - [`handoff`] "Continue on my phone": the answer's QR code.

pub mod handoff;
pub mod screen;

use crate::browser::router::query_param;

/// Quiet time before the warning, by default.
pub const DEFAULT_IDLE_MS: u64 = 90_000;
/// The warning's countdown, by default: WCAG 2.2.1's 20 seconds.
pub const DEFAULT_WARN_MS: u64 = 20_000;
/// A day: longer values are taken as a typo, not a wish.
const MAX_MS: u64 = 86_400_000;

/// Kiosk mode's timing, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kiosk {
    pub idle_ms: u64,
    pub warn_ms: u64,
}

impl Default for Kiosk {
    fn default() -> Self {
        Kiosk {
            idle_ms: DEFAULT_IDLE_MS,
            warn_ms: DEFAULT_WARN_MS,
        }
    }
}

impl Kiosk {
    /// Kiosk mode, if the page's query (`location.search`, with or without `?`)
    /// asks for it. A missing, non-numeric, non-positive or absurd `idle` or
    /// `warn` takes its default.
    pub fn from_query(query: &str) -> Option<Kiosk> {
        let query = query.strip_prefix('?').unwrap_or(query);
        if query_param(query, "kiosk").as_deref() != Some("1") {
            return None;
        }
        let millis = |name: &str, default: u64| {
            query_param(query, name)
                .and_then(|v| seconds_as_millis(v.trim()))
                .filter(|&ms| ms > 0 && ms <= MAX_MS)
                .unwrap_or(default)
        };
        Some(Kiosk {
            idle_ms: millis("idle", DEFAULT_IDLE_MS),
            warn_ms: millis("warn", DEFAULT_WARN_MS),
        })
    }
}

/// `"2.5"` seconds as 2500 ms: digits with at most three decimals. By hand, not
/// through `f64`: parsing and printing floats would link core's float code into
/// the first load (about 11 KB raw).
fn seconds_as_millis(text: &str) -> Option<u64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    let fraction_ok = fraction.is_empty() || (digits(fraction) && fraction.len() <= 3);
    if !digits(whole) || !fraction_ok {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u64>().ok()?;
    Some(whole.parse::<u64>().ok()? * 1000 + thousandths)
}

/// The id of the kiosk app's root element (a sibling of the app's mount).
pub const ROOT_ID: &str = "aftersales-kiosk";

/// Where the idle clock stands after some quiet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Active,
    /// The warning is up, with whole seconds left (never 0 while shown).
    Warning {
        seconds_left: u32,
    },
    /// Time is up: reset.
    Over,
}

impl Phase {
    /// The phase after `quiet_ms` without a touch (negative if the clock went
    /// back: counted as no quiet at all).
    pub fn after(kiosk: &Kiosk, quiet_ms: f64) -> Phase {
        let (idle, warn) = (kiosk.idle_ms as f64, kiosk.warn_ms as f64);
        let quiet = quiet_ms.max(0.0);
        if quiet < idle {
            return Phase::Active;
        }
        let left = idle + warn - quiet;
        if left <= 0.0 {
            return Phase::Over;
        }
        Phase::Warning {
            seconds_left: (left / 1000.0).ceil() as u32,
        }
    }
}

/// Starts the kiosk app in this page, after the page's app.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    use crate::browser::mount::{Mount, MOUNT_ID};

    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(app), Some(body)) = (document.get_element_by_id(MOUNT_ID), document.body()) else {
        return;
    };
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let mount = Mount::of_element(&app);
    let Some(kiosk) = Kiosk::from_query(&query) else {
        return;
    };
    let Ok(root) = document.create_element("div") else {
        return;
    };
    root.set_id(ROOT_ID);
    let _ = body.append_child(&root);
    let Ok(root) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(root) else {
        return;
    };
    leptos::mount::mount_to(root, move || {
        leptos::view! { <screen::KioskScreen kiosk mount=mount.clone() /> }
    })
    .forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kiosk_mode_needs_kiosk_1_and_takes_positive_seconds() {
        assert_eq!(Kiosk::from_query(""), None);
        assert_eq!(Kiosk::from_query("?kiosk=0&idle=5"), None);
        assert_eq!(Kiosk::from_query("?kiosk=1"), Some(Kiosk::default()));
        let short = Kiosk::from_query("kiosk=1&idle=3&warn=2.5").unwrap();
        assert_eq!((short.idle_ms, short.warn_ms), (3000, 2500));
        for bad in [
            "0", "-4", "abc", "NaN", "inf", "1e9", "", "1.2345", "86401", ".5",
        ] {
            let k = Kiosk::from_query(&format!("?kiosk=1&idle={bad}&warn={bad}")).unwrap();
            assert_eq!(k, Kiosk::default(), "idle={bad}");
        }
    }

    #[test]
    fn seconds_take_up_to_three_decimals() {
        let odd = Kiosk::from_query("kiosk=1&idle=0.05&warn=86400").unwrap();
        assert_eq!((odd.idle_ms, odd.warn_ms), (50, 86_400_000));
    }

    #[test]
    fn the_warning_counts_down_whole_seconds_then_it_is_over() {
        let k = Kiosk::from_query("?kiosk=1&idle=90&warn=20").unwrap();
        let at = |ms| Phase::after(&k, ms);
        assert_eq!(at(-5_000.0), Phase::Active, "a clock set back");
        assert_eq!(at(0.0), Phase::Active);
        assert_eq!(at(89_999.0), Phase::Active);
        assert_eq!(at(90_000.0), Phase::Warning { seconds_left: 20 });
        assert_eq!(at(90_001.0), Phase::Warning { seconds_left: 20 });
        assert_eq!(at(109_001.0), Phase::Warning { seconds_left: 1 });
        assert_eq!(at(110_000.0), Phase::Over);
        // A device that slept through the warning resets at once.
        assert_eq!(at(3_600_000.0), Phase::Over);
    }
}
