//! Inputs of the order CSV fuzz target (`fuzz/fuzz_targets/order_csv.rs`), run
//! as an ordinary test: every file a fuzzer ever found
//! (`fuzz/regressions/order_csv/`) and the seeds it starts from. A CSV is
//! imported or refused with a message; nothing panics.

use std::path::PathBuf;

use aftersales_rules::{Policy, Timestamp};
use aftersales_server::store::orders::parse_csv;

#[test]
fn every_order_csv_a_fuzzer_found_or_starts_from_is_imported_or_refused() {
    let policy = Policy::from_json(aftersales_rules::policy::DEFAULT_POLICY_JSON).unwrap();
    let now = Timestamp::parse("2026-12-02T10:00:00+08:00").unwrap();
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut imported = 0;
    for kind in ["regressions", "seeds"] {
        let Ok(dir) = std::fs::read_dir(fuzz.join(kind).join("order_csv")) else {
            continue;
        };
        for entry in dir.filter_map(Result::ok) {
            let Ok(text) = String::from_utf8(std::fs::read(entry.path()).unwrap()) else {
                continue;
            };
            if parse_csv(&text, &policy, now).is_ok() {
                imported += 1;
            }
        }
    }
    assert!(
        imported > 0,
        "the demo orders in fuzz/seeds/order_csv import"
    );
}
