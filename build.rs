//! Generates the `i18n` module (leptos_i18n) from `locales/<locale>/<namespace>.json`:
//! every key is checked at compile time in both languages.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?).join("i18n");
    let options = ParseOptions::default().interpolate_display(true);
    let cfg = Config::new("zh-CN")?
        .add_locale("en")?
        .add_namespaces(["portal", "decision", "requests", "kiosk", "staff"])?
        .parse_options(options);
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
