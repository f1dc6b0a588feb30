//! The store's name, logo and colour, from `store.json` (loaded at run time, so a
//! store re-brands the portal without a rebuild):
//!
//! ```json
//! {"name": {"zh-CN": "示例家居", "en": "Example Home"}, "logo": "logo.svg", "accent": "#0a58a8"}
//! ```
//!
//! Every field is optional. A value that is not safe to use (a logo URL with a
//! scheme other than https, a colour that is not `#rrggbb`) is ignored with a
//! console warning, never injected into the page.

use crate::browser::http;
use crate::ui::i18n::Lang;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Brand {
    pub name_zh: String,
    pub name_en: String,
    pub logo: Option<String>,
    /// `#rrggbb`, and the text colour that reads on it (black or white, whichever
    /// has the higher contrast).
    pub accent: Option<(String, &'static str)>,
}

impl Brand {
    /// Fetches and reads the store file; any failure gives the neutral default.
    pub async fn load(url: Option<String>) -> Brand {
        let Some(url) = url else {
            return Brand::default();
        };
        match http::fetch_text(&url).await {
            Ok(text) => Brand::parse(&text).unwrap_or_else(|e| {
                web_sys::console::warn_1(&format!("aftersales portal: {url}: {e}").into());
                Brand::default()
            }),
            Err(_) => Brand::default(),
        }
    }

    pub fn parse(text: &str) -> Result<Brand, String> {
        // Read through serde_json::Value, which the policy loader links anyway: a
        // derived deserializer would cost WASM bytes for three optional fields.
        let file: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| aftersales_rules::policy::json_error_text(&e))?;
        if !file.is_object() {
            return Err("the store file must be a JSON object".into());
        }
        let text_at = |path: &str| {
            file.pointer(path)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
        };
        let logo = text_at("/logo").filter(|l| safe_url(l)).map(str::to_owned);
        let accent = text_at("/accent").and_then(accent);
        Ok(Brand {
            name_zh: text_at("/name/zh-CN").unwrap_or_default().to_owned(),
            name_en: text_at("/name/en").unwrap_or_default().to_owned(),
            logo,
            accent,
        })
    }

    /// The store's name in `lang`, else in the other language.
    pub fn name(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Zh => (&self.name_zh, &self.name_en),
            Lang::En => (&self.name_en, &self.name_zh),
        };
        if first.is_empty() {
            second
        } else {
            first
        }
    }

    /// The store's colour replaced by a host page's `#rrggbb` (an embedding
    /// site's accent); anything else keeps the store's.
    pub fn with_accent(mut self, colour: Option<&str>) -> Brand {
        if let Some(accent) = colour.and_then(accent) {
            self.accent = Some(accent);
        }
        self
    }

    /// Custom properties for the portal's root element.
    pub fn style(&self) -> String {
        match &self.accent {
            Some((accent, ink)) => {
                format!("--asp-accent:{accent};--asp-accent-ink:{ink};--asp-focus:{accent}")
            }
            None => String::new(),
        }
    }
}

/// A relative path, or an https URL: nothing that could run script.
fn safe_url(url: &str) -> bool {
    let url = url.trim();
    !url.is_empty()
        && !url.contains(['"', '\'', '<', '>', '\\', ' '])
        && (url.starts_with("https://") || !url.contains(':'))
}

/// A `#rrggbb` colour, normalised, with the text colour that reads on it.
fn accent(text: &str) -> Option<(String, &'static str)> {
    let c = rgb(text)?;
    Some((format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]), ink_on(c)))
}

fn rgb(text: &str) -> Option<[u8; 3]> {
    let hex = text.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// WCAG relative luminance.
fn luminance(c: [u8; 3]) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.039_28 {
            s / 12.92
        } else {
            pow_2_4((s + 0.055) / 1.055)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

/// `x^2.4` for `x` in (0, 1], as `x² · (x²)^(1/5)` with Newton's iteration for
/// the fifth root: multiplications only, where `powf` links ~2 KB of libm into
/// the WASM for this one call.
fn pow_2_4(x: f64) -> f64 {
    let square = x * x;
    // From above (1 ≥ the root) Newton's steps fall monotonically to the root.
    let mut root = 1.0_f64;
    for _ in 0..40 {
        let r4 = root * root * root * root;
        root = (4.0 * root + square / r4) / 5.0;
    }
    square * root
}

/// Black or white text, whichever contrasts more with the accent.
fn ink_on(c: [u8; 3]) -> &'static str {
    let l = luminance(c);
    let on_white = 1.05 / (l + 0.05);
    let on_black = (l + 0.05) / 0.05;
    if on_white >= on_black {
        "#ffffff"
    } else {
        "#000000"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gamma_curve_matches_powf_for_every_channel_value() {
        for v in 11..=255u8 {
            let s = (f64::from(v) / 255.0 + 0.055) / 1.055;
            let (ours, libm) = (pow_2_4(s), s.powf(2.4));
            assert!((ours - libm).abs() <= libm * 1e-12, "{v}: {ours} vs {libm}");
        }
    }

    #[test]
    fn reads_the_store_file_and_rejects_unsafe_values() {
        let b = Brand::parse(
            r##"{"name": {"zh-CN": " 示例家居 ", "en": "Example Home"}, "logo": "logo.svg", "accent": "#0A58A8"}"##,
        )
        .unwrap();
        assert_eq!(b.name(Lang::Zh), "示例家居");
        assert_eq!(b.name(Lang::En), "Example Home");
        assert_eq!(b.logo.as_deref(), Some("logo.svg"));
        assert_eq!(
            b.style(),
            "--asp-accent:#0a58a8;--asp-accent-ink:#ffffff;--asp-focus:#0a58a8"
        );

        let b = Brand::parse(
            r##"{"name": {"en": "Shop"}, "logo": "javascript:alert(1)", "accent": "red;background:url(x)"}"##,
        )
        .unwrap();
        assert_eq!(b.name(Lang::Zh), "Shop");
        assert_eq!(b.logo, None);
        assert_eq!(b.style(), "");
        assert!(Brand::parse("[1,2]").is_err());
        assert_eq!(Brand::parse("{}").unwrap(), Brand::default());
    }

    #[test]
    fn a_host_accent_replaces_the_store_colour_only_when_it_is_a_colour() {
        let store = Brand::parse(r##"{"accent": "#0a58a8"}"##).unwrap();
        let host = store.clone().with_accent(Some("#FFD700"));
        assert_eq!(
            host.style(),
            "--asp-accent:#ffd700;--asp-accent-ink:#000000;--asp-focus:#ffd700"
        );
        for ignored in [None, Some("red"), Some("#ffd70"), Some("#0a58a8;x:y")] {
            assert_eq!(store.clone().with_accent(ignored), store, "{ignored:?}");
        }
    }

    #[test]
    fn text_on_a_light_accent_is_black() {
        assert_eq!(ink_on([0xff, 0xd7, 0x00]), "#000000");
        assert_eq!(ink_on([0x0a, 0x58, 0xa8]), "#ffffff");
    }
}
