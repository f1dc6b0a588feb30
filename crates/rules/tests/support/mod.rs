//! Builders shared by the engine's integration tests: cases are written as JSON so
//! every test also exercises the wire contract.
#![allow(dead_code)]

use aftersales_rules::{check, parse_case, Decision, Policy};
use serde_json::{json, Value};

pub fn policy() -> Policy {
    Policy::default_policy()
}

/// A one-line order of `kind`, 1 × ¥2,499.00.
pub fn order(ordered_at: &str, fulfilment: Value, kind: &str) -> Value {
    json!({
        "number": "SO-1",
        "ordered_at": ordered_at,
        "currency": "CNY",
        "fulfilment": fulfilment,
        "lines": [{"id": "1", "sku": "TBL-1", "name": "餐桌", "kind": kind, "quantity": 1, "unit_price": 249900}]
    })
}

pub fn pending() -> Value {
    json!({"state": "pending"})
}

pub fn delivered(at: &str) -> Value {
    json!({"state": "delivered", "at": at})
}

pub fn picked_up(at: &str) -> Value {
    json!({"state": "picked_up", "at": at})
}

/// Decides a case given as JSON with the default policy.
pub fn decide(case: Value) -> Decision {
    decide_with(&policy(), case)
}

pub fn decide_with(policy: &Policy, case: Value) -> Decision {
    let case = parse_case(&case.to_string()).expect("valid case");
    check(policy, &case).expect("decidable case")
}

pub fn error_code(case: Value) -> String {
    match parse_case(&case.to_string()).and_then(|c| check(&policy(), &c)) {
        Ok(d) => panic!("expected an error, got {d:?}"),
        Err(e) => e.code.as_str().to_owned(),
    }
}

/// The decision as JSON, for field-by-field assertions.
pub fn as_json(d: &Decision) -> Value {
    serde_json::to_value(d).expect("serialisable")
}
