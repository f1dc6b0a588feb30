//! A case's JSON through parsing and `check` under the store's policy: errors
//! are fine, a panic is a finding.
#![no_main]

mod store_policy;

use aftersales_rules::{check, parse_case};
use libfuzzer_sys::fuzz_target;
use store_policy::policy;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(case) = parse_case(text) {
            let _ = check(policy(), &case);
        }
    }
});
