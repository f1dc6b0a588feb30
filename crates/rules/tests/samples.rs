//! The sample cases of the spec (copied to tests/fixtures), through the library and
//! through the `aftersales-check` CLI exactly as docs/check-cli.md describes it.

use std::io::Write;
use std::process::{Command, Stdio};

use aftersales_rules::{check, parse_case, Policy};
use serde_json::Value;

const SAMPLES: &str = include_str!("fixtures/sample-cases.jsonl");

fn samples() -> Vec<(Value, Value)> {
    SAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("fixture is JSON");
            (v["case"].clone(), v["expect"].clone())
        })
        .collect()
}

fn assert_matches(decision: &Value, expect: &Value, context: &str) {
    for (key, want) in expect.as_object().expect("expect is an object") {
        assert_eq!(&decision[key], want, "{key} of {context}");
    }
}

#[test]
fn library_agrees_with_every_sample() {
    let policy = Policy::default_policy();
    let all = samples();
    assert!(all.len() >= 7);
    for (case, expect) in &all {
        let parsed = parse_case(&case.to_string()).expect("sample parses");
        let decision = serde_json::to_value(check(&policy, &parsed).expect("decides")).unwrap();
        assert_matches(&decision, expect, &case.to_string());
    }
}

fn run_cli(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aftersales-check"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cli starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn cli_agrees_with_every_sample_and_keeps_going_after_bad_lines() {
    let all = samples();
    let mut input = String::new();
    for (i, (case, _)) in all.iter().enumerate() {
        input.push_str(&case.to_string());
        input.push('\n');
        if i == 2 {
            input.push_str("this is not json\n");
            input.push_str("{\"now\": \"2026-03-03T09:00:00+08:00\"}\n");
        }
    }
    let (code, stdout, stderr) = run_cli(&["--policy", "public/policy.json"], &input);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), all.len() + 2, "one output line per input line");
    let mut decisions = lines.iter();
    for (i, (case, expect)) in all.iter().enumerate() {
        assert_matches(decisions.next().unwrap(), expect, &case.to_string());
        if i == 2 {
            assert_eq!(decisions.next().unwrap()["error"]["code"], "invalid_case");
            let missing = decisions.next().unwrap();
            assert_eq!(missing["error"]["code"], "invalid_case");
            assert!(missing["error"]["message"]
                .as_str()
                .unwrap()
                .contains("order"));
        }
    }
}

#[test]
fn cli_without_policy_uses_the_built_in_default() {
    let (case, expect) = &samples()[0];
    let (code, stdout, _) = run_cli(&[], &format!("{case}\n"));
    assert_eq!(code, 0);
    assert_matches(
        &serde_json::from_str(stdout.trim()).unwrap(),
        expect,
        "default policy",
    );
}

#[test]
fn cli_rejects_an_invalid_policy_with_status_2_naming_the_field() {
    let dir = std::env::temp_dir().join(format!("aftersales-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad-policy.json");
    let mut policy: Value =
        serde_json::from_str(aftersales_rules::policy::DEFAULT_POLICY_JSON).unwrap();
    policy["kinds"]["custom"]["cancel"] = "unknown".into();
    std::fs::write(&path, policy.to_string()).unwrap();
    let (code, stdout, stderr) = run_cli(&["--policy", path.to_str().unwrap()], "");
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("kinds.custom.cancel: unknown value"),
        "{stderr}"
    );

    let (code, _, stderr) = run_cli(&["--policy", "/nonexistent/policy.json"], "");
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read policy"));
    std::fs::remove_dir_all(dir).ok();
}
