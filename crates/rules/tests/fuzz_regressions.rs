//! Inputs of the engine's fuzz targets (`fuzz/`: `case`, `policy`), run as
//! ordinary tests: every input a fuzzer ever found (`fuzz/regressions/`) and the
//! seeds it starts from. Errors are expected; a panic fails.

use std::path::PathBuf;

use aftersales_rules::{check, parse_case, Policy};

/// The files of `fuzz/{kind}/{target}/`.
fn inputs(target: &str) -> Vec<(PathBuf, String)> {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut found = Vec::new();
    for kind in ["regressions", "seeds"] {
        let Ok(dir) = std::fs::read_dir(fuzz.join(kind).join(target)) else {
            continue;
        };
        for entry in dir.filter_map(Result::ok) {
            let bytes = std::fs::read(entry.path()).expect("readable input");
            // The targets give the engine text only, as these do.
            if let Ok(text) = String::from_utf8(bytes) {
                found.push((entry.path(), text));
            }
        }
    }
    found
}

#[test]
fn every_case_input_a_fuzzer_found_or_starts_from_is_answered_without_panic() {
    let policy = Policy::from_json(aftersales_rules::policy::DEFAULT_POLICY_JSON).unwrap();
    let inputs = inputs("case");
    assert!(!inputs.is_empty(), "fuzz/seeds/case is missing");
    let mut decided = 0;
    for (path, text) in inputs {
        if let Ok(case) = parse_case(&text) {
            if check(&policy, &case).is_ok() {
                decided += 1;
            }
        } else {
            assert!(
                path.starts_with(
                    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions")
                ),
                "a seed does not parse: {}",
                path.display()
            );
        }
    }
    assert!(decided > 0, "the seeds reach check()");
}

#[test]
fn every_policy_input_a_fuzzer_found_or_starts_from_loads_or_is_refused_without_panic() {
    let inputs = inputs("policy");
    assert!(!inputs.is_empty(), "fuzz/seeds/policy is missing");
    for (_, text) in inputs {
        let _ = Policy::from_json(&text);
    }
}
