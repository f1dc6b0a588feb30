//! The order CSV import (`aftersales-server import-orders`), parsed against the
//! built-in policy at a fixed instant.
#![no_main]

mod store_policy;

use aftersales_rules::Timestamp;
use libfuzzer_sys::fuzz_target;
use store_policy::policy;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let now = Timestamp::parse("2026-12-02T10:00:00+08:00").expect("instant");
        let _ = aftersales_server::store::orders::parse_csv(text, policy(), now);
    }
});
