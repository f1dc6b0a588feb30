//! A policy file through loading and validation.
#![no_main]

use aftersales_rules::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Policy::from_json(text);
    }
});
