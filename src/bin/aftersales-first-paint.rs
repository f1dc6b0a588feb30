//! Writes the self-check's start page into a built `index.html`, so the first
//! page paints before the WASM arrives: `aftersales-first-paint DIST` (run by
//! `scripts/build-portal.sh` after Trunk, before the service worker is written).
//! See `aftersales_portal::self_check::first_paint`.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::path::PathBuf;
    use std::process::ExitCode;

    use aftersales_portal::self_check::first_paint;
    use aftersales_portal::ui::brand::Brand;

    let Some(dist) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: aftersales-first-paint DIST (the folder with index.html and store.json)");
        return ExitCode::from(2);
    };
    let index_path = dist.join("index.html");
    let index = match std::fs::read_to_string(&index_path) {
        Ok(index) => index,
        Err(e) => {
            eprintln!("aftersales-first-paint: {}: {e}", index_path.display());
            return ExitCode::FAILURE;
        }
    };
    // The store's name and colour as the build ships them; without a store
    // file the neutral default, as the app itself falls back to.
    let brand = match std::fs::read_to_string(dist.join("store.json")) {
        Ok(text) => match Brand::parse(&text) {
            Ok(brand) => brand,
            Err(e) => {
                eprintln!("aftersales-first-paint: store.json: {e}");
                return ExitCode::FAILURE;
            }
        },
        Err(_) => Brand::default(),
    };
    let Some(painted) = first_paint::into_index(&index, &brand) else {
        eprintln!(
            "aftersales-first-paint: {} has no #aftersales-portal with a <noscript>, or is painted already",
            index_path.display()
        );
        return ExitCode::FAILURE;
    };
    if let Err(e) = std::fs::write(&index_path, painted) {
        eprintln!("aftersales-first-paint: {}: {e}", index_path.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(target_arch = "wasm32")]
fn main() {}
