//! The order CSV import (`aftersales-server import-orders`), parsed against the
//! built-in policy at a fixed instant.
#![no_main]

use std::sync::OnceLock;

use aftersales_rules::{Policy, Timestamp};
use libfuzzer_sys::fuzz_target;

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        Policy::from_json(aftersales_rules::policy::DEFAULT_POLICY_JSON)
            .expect("the built-in policy")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let now = Timestamp::parse("2026-12-02T10:00:00+08:00").expect("instant");
        let _ = aftersales_server::store::orders::parse_csv(text, policy(), now);
    }
});
