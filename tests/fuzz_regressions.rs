//! Inputs of the portal's fuzz target (`fuzz/fuzz_targets/portal_link.rs`), run
//! as an ordinary test: every fragment a fuzzer ever found
//! (`fuzz/regressions/portal_link/`) and the seeds it starts from. A route read
//! from a fragment reads back the same from its own address; nothing panics.

use std::path::PathBuf;

use aftersales_portal::browser::router::Fragment;
use aftersales_portal::handover::draft_from_link;
use aftersales_portal::requests::Page;
use aftersales_portal::self_check::route::Route;

#[test]
fn every_fragment_a_fuzzer_found_or_starts_from_reads_back_the_same() {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for kind in ["regressions", "seeds"] {
        let Ok(dir) = std::fs::read_dir(fuzz.join(kind).join("portal_link")) else {
            continue;
        };
        for entry in dir.filter_map(Result::ok) {
            let Ok(fragment) = String::from_utf8(std::fs::read(entry.path()).unwrap()) else {
                continue;
            };
            let route = Route::parse(&fragment);
            assert_eq!(Route::parse(&route.href()), route, "{fragment:?}");
            let page = Page::parse(&fragment);
            assert_eq!(Page::parse(&page.href()), page, "{fragment:?}");
            let _ = draft_from_link(&fragment);
            count += 1;
        }
    }
    assert!(count > 0, "fuzz/seeds/portal_link is missing");
}
