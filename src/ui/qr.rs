//! A QR code of a link (the tracking page, the kiosk's "continue on my phone"),
//! drawn as one SVG path (`qrcodegen`, a small pure-Rust encoder: no image, no
//! canvas).

use std::fmt::Write;

use leptos::prelude::*;
use qrcodegen::{QrCode, QrCodeEcc};

/// Modules of white border on each side (the standard's quiet zone).
const QUIET: i32 = 4;

/// The path data (one unit square per dark module) and the side of the square
/// view box, quiet zone included; `None` if `text` is too long for a QR code.
pub fn path(text: &str) -> Option<(String, i32)> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = qr.size();
    let mut d = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !qr.get_module(x, y) {
                x += 1;
                continue;
            }
            // One rectangle per horizontal run of dark modules.
            let start = x;
            while x < size && qr.get_module(x, y) {
                x += 1;
            }
            let _ = write!(
                d,
                "M{} {}h{}v1h-{}z",
                start + QUIET,
                y + QUIET,
                x - start,
                x - start
            );
        }
    }
    Some((d, size + 2 * QUIET))
}

/// The QR code of `link` as an image named `label`; nothing if the link is too
/// long for a QR code.
pub fn qr_image(link: &str, label: impl Fn() -> &'static str + Send + 'static) -> impl IntoView {
    path(link).map(|(d, side)| {
        view! {
            <svg
                class="asp-qr"
                viewBox=format!("0 0 {side} {side}")
                role="img"
                aria-label=label
                shape-rendering="crispEdges"
            >
                <rect width=side height=side fill="#ffffff"></rect>
                <path d=d fill="#000000"></path>
            </svg>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tracking_link_fits_a_small_code() {
        let url = "https://shop.example.com/aftersales/requests.html#/r/0b9c6a5e-2f0e-4f6b-9a51-1f6f4a3e2c11?code=AB2CD3EF";
        let (d, side) = path(url).unwrap();
        assert!(
            d.starts_with("M4 4h7v1h-7z"),
            "finder pattern first: {d:.40}"
        );
        // Version 6 or so: 41 modules plus the quiet zone.
        assert!((29..=57 + 8).contains(&side), "{side}");
        assert!(path(&"x".repeat(5000)).is_none());
    }
}
