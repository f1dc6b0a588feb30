//! The portal's URL fragments: the self-check's and the requests app's routes,
//! and a check handed over in a link (`?draft=…`). A route read from a fragment
//! reads back the same from its own address.
#![no_main]

use aftersales_portal::browser::router::Fragment;
use aftersales_portal::handover::draft_from_link;
use aftersales_portal::requests::Page;
use aftersales_portal::self_check::route::Route;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(fragment) = std::str::from_utf8(data) {
        let route = Route::parse(fragment);
        assert_eq!(Route::parse(&route.href()), route, "{fragment:?}");
        let page = Page::parse(fragment);
        assert_eq!(Page::parse(&page.href()), page, "{fragment:?}");
        let _ = draft_from_link(fragment);
    }
});
