//! `aftersales-check`: decisions for cases read as JSON lines (docs/check-cli.md).
//!
//!     aftersales-check [--policy FILE] < cases.jsonl > decisions.jsonl

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use aftersales_rules::{check, parse_case, Policy};

const USAGE: &str = "usage: aftersales-check [--policy FILE] < cases.jsonl";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut policy_path = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--policy" => match args.next() {
                Some(path) => policy_path = Some(path),
                None => return usage_error("--policy needs a file"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage_error(&format!("unknown argument {other:?}")),
        }
    }
    let policy = match policy_path {
        None => Policy::default_policy(),
        Some(path) => {
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("aftersales-check: cannot read policy {path}: {e}");
                    return ExitCode::from(2);
                }
            };
            match Policy::from_json(&text) {
                Ok(p) => p,
                Err(errors) => {
                    eprintln!("aftersales-check: invalid policy {path}:\n{errors}");
                    return ExitCode::from(2);
                }
            }
        }
    };

    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.split(b'\n') {
        let bytes = match line {
            Ok(b) => b,
            Err(e) => {
                eprintln!("aftersales-check: cannot read input: {e}");
                return ExitCode::FAILURE;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let answer = match parse_case(text).and_then(|case| check(&policy, &case)) {
            Ok(decision) => serde_json::to_string(&decision),
            Err(error) => serde_json::to_string(&serde_json::json!({ "error": error })),
        };
        let written = match answer {
            Ok(json) => writeln!(out, "{json}"),
            Err(e) => writeln!(out, r#"{{"error":{{"code":"internal","message":"{e}"}}}}"#),
        };
        if written.is_err() {
            // stdout closed (e.g. piped into `head`): stop quietly.
            return ExitCode::SUCCESS;
        }
    }
    if out.flush().is_err() {
        return ExitCode::SUCCESS;
    }
    ExitCode::SUCCESS
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("aftersales-check: {message}\n{USAGE}");
    ExitCode::from(2)
}
