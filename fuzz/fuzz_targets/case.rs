//! A case's JSON through parsing and `check` under the store's policy: errors
//! are fine, a panic is a finding.
#![no_main]

use std::sync::OnceLock;

use aftersales_rules::{check, parse_case, Policy};
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
        if let Ok(case) = parse_case(text) {
            let _ = check(policy(), &case);
        }
    }
});
