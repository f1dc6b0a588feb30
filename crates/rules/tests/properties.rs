//! Properties that hold for every input, checked on generated cases.

use aftersales_rules::{check, parse_case, Outcome, Policy};
use proptest::prelude::*;
use serde_json::{json, Value};

const KINDS: &[&str] = &[
    "regular",
    "self_pickup",
    "custom",
    "special_sale",
    "clearance",
    "unknown",
];
const TYPES: &[&str] = &["cancel", "return", "exchange", "repair", "complaint"];
const DOCS: &[&str] = &[
    "sales_order",
    "receipt",
    "invoice",
    "pickup_slip",
    "delivery_note",
    "x",
];

/// Seconds from 2000-01-01 to 2040-01-01: realistic instants.
fn instant() -> impl Strategy<Value = i64> {
    946_684_800i64..2_208_988_800
}

/// An instant anywhere RFC 3339 can write, offsets included.
fn any_instant() -> impl Strategy<Value = (i64, i32)> {
    (
        -62_167_219_200i64..253_402_300_799,
        -86_340i32 / 60..86_340 / 60,
    )
        .prop_map(|(s, m)| (s, m * 60))
}

fn rfc3339(secs: i64, offset: i32) -> String {
    aftersales_rules::Timestamp::from_unix(secs, 0)
        .and_then(|t| t.with_offset(offset))
        .map(|t| t.to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

prop_compose! {
    fn line(id: usize)(
        kind in prop::sample::select(KINDS),
        quantity in prop_oneof![1i64..5, any::<i64>()],
        unit_price in prop_oneof![0i64..10_000_000, any::<i64>()],
    ) -> Value {
        json!({"id": id.to_string(), "kind": kind, "quantity": quantity, "unit_price": unit_price})
    }
}

prop_compose! {
    fn case()(
        now in instant(),
        ordered in instant(),
        fulfilled_after in prop::option::of(0i64..60 * 86_400),
        picked_up in any::<bool>(),
        lines in prop::collection::vec(0usize..4, 0..4)
            .prop_flat_map(|ids| ids.iter().enumerate().map(|(i, _)| line(i)).collect::<Vec<_>>()),
        request_type in prop::sample::select(TYPES),
        reason in prop::option::of(prop::sample::select(&["quality_defect", "changed_mind"][..])),
        about in prop::option::of(prop::sample::select(&["service", "product"][..])),
        named in prop::collection::vec(0usize..5, 0..3),
        goods_intact in prop::option::of(any::<bool>()),
        packaging_unopened in prop::option::of(any::<bool>()),
        documents in prop::option::of(prop::collection::vec(prop::sample::select(DOCS), 0..5)),
        offset in prop::sample::select(&[0, 8 * 3600, -5 * 3600, 5 * 3600 + 1800][..]),
    ) -> Value {
        let fulfilment = match fulfilled_after {
            None => json!({"state": "pending"}),
            Some(d) => json!({
                "state": if picked_up { "picked_up" } else { "delivered" },
                "at": rfc3339(ordered + d, offset),
            }),
        };
        let mut request = json!({"type": request_type});
        if let Some(r) = reason { request["reason"] = r.into(); }
        if let Some(a) = about { request["about"] = a.into(); }
        if !named.is_empty() {
            request["lines"] = named.iter().map(|n| n.to_string()).collect::<Vec<_>>().into();
        }
        let mut facts = json!({});
        if let Some(g) = goods_intact { facts["goods_intact"] = g.into(); }
        if let Some(p) = packaging_unopened { facts["packaging_unopened"] = p.into(); }
        let mut case = json!({
            "now": rfc3339(now, offset),
            "order": {"number": "P", "ordered_at": rfc3339(ordered, offset), "fulfilment": fulfilment, "lines": lines},
            "request": request,
            "facts": facts,
        });
        if let Some(d) = documents { case["documents"] = d.into(); }
        case
    }
}

/// The kinds of the default policy.
const VALID_KINDS: &[&str] = &[
    "regular",
    "self_pickup",
    "custom",
    "special_sale",
    "clearance",
];
const REAL_DOCS: &[&str] = &[
    "sales_order",
    "receipt",
    "invoice",
    "pickup_slip",
    "delivery_note",
];

prop_compose! {
    fn valid_line(id: usize)(
        // One line in fifty names a kind the policy lacks: mostly valid, not only.
        kind in prop_oneof![49 => prop::sample::select(VALID_KINDS), 1 => Just("gift")],
        quantity in 1i64..5,
        unit_price in 0i64..10_000_000,
    ) -> Value {
        json!({"id": format!("L{id}"), "kind": kind, "quantity": quantity, "unit_price": unit_price})
    }
}

prop_compose! {
    /// A case a customer could really bring: kinds of the default policy, an order
    /// placed up to 60 days before `now`, delivered or picked up between the two (or
    /// still pending), every request type, facts and documents sometimes known.
    fn valid_case()(
        now in 1_700_000_000i64..1_900_000_000,
        age in 0i64..60 * 86_400,
        fulfilment_share in prop::option::of(0u32..=100),
        picked_up in any::<bool>(),
        lines in (1usize..4).prop_flat_map(|n| (0..n).map(valid_line).collect::<Vec<_>>()),
        named in prop::collection::vec(0usize..4, 0..3),
        request_type in prop::sample::select(TYPES),
        quality in prop::bool::weighted(0.3),
        about in prop::sample::select(&["service", "product"][..]),
        goods_intact in prop::option::of(any::<bool>()),
        packaging_unopened in prop::option::of(any::<bool>()),
        documents in prop::option::of(prop::collection::vec(prop::sample::select(REAL_DOCS), 0..5)),
        offset in prop::sample::select(&[8 * 3600, 8 * 3600, 0, -5 * 3600][..]),
    ) -> Value {
        let ordered = now - age;
        let fulfilment = match fulfilment_share {
            None => json!({"state": "pending"}),
            Some(share) => json!({
                "state": if picked_up { "picked_up" } else { "delivered" },
                "at": rfc3339(ordered + age * i64::from(share) / 100, offset),
            }),
        };
        let count = lines.len();
        let mut request = json!({"type": request_type});
        match request_type {
            "return" | "exchange" => {
                request["reason"] = (if quality { "quality_defect" } else { "changed_mind" }).into();
            }
            "complaint" => request["about"] = about.into(),
            _ => {}
        }
        let named: Vec<String> = named.iter().filter(|n| **n < count).map(|n| format!("L{n}")).collect();
        if !named.is_empty() {
            request["lines"] = named.into();
        }
        let mut facts = json!({});
        if let Some(g) = goods_intact { facts["goods_intact"] = g.into(); }
        if let Some(p) = packaging_unopened { facts["packaging_unopened"] = p.into(); }
        let mut case = json!({
            "now": rfc3339(now, offset),
            "order": {"number": "V", "ordered_at": rfc3339(ordered, offset), "fulfilment": fulfilment, "lines": lines},
            "request": request,
            "facts": facts,
        });
        if let Some(d) = documents { case["documents"] = d.into(); }
        case
    }
}

/// How many of 2,000 realistic cases the engine decides; at least 90 % must be.
#[test]
fn the_engine_decides_realistic_cases() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let policy = Policy::default_policy();
    let mut runner = TestRunner::deterministic();
    let strategy = valid_case();
    let total = 2000;
    let mut decided = 0;
    let mut clauses = std::collections::BTreeSet::new();
    for _ in 0..total {
        let case = strategy.new_tree(&mut runner).expect("a case").current();
        if let Some(d) = decide(&policy, &case) {
            decided += 1;
            clauses.extend(d.lines.iter().map(|l| l.clause));
        }
    }
    let share = f64::from(decided) * 100.0 / f64::from(total);
    println!(
        "decided {decided} of {total} realistic cases ({share:.1} %), {} clauses reached",
        clauses.len()
    );
    assert!(decided * 10 >= total * 9, "only {share:.1} % decided");
    // The generator reaches (almost) every clause, so the properties below see them.
    assert!(clauses.len() >= 15, "{clauses:?}");
}

fn decide(policy: &Policy, case: &Value) -> Option<aftersales_rules::Decision> {
    parse_case(&case.to_string())
        .ok()
        .and_then(|c| check(policy, &c).ok())
}

fn with_now(case: &Value, secs: i64) -> Value {
    let mut c = case.clone();
    c["now"] = rfc3339(secs, 8 * 3600).into();
    c
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_text(text in ".{0,300}") {
        let policy = Policy::default_policy();
        if let Ok(case) = parse_case(&text) {
            let _ = check(&policy, &case);
        }
        let _ = Policy::from_json(&text);
    }

    #[test]
    fn never_panics_on_structured_cases(case in case()) {
        let policy = Policy::default_policy();
        let _ = decide(&policy, &case);
    }

    #[test]
    fn never_panics_on_absurd_instants(now in any_instant(), ordered in any_instant(), at in any_instant(),
                                       request_type in prop::sample::select(TYPES),
                                       kind in prop::sample::select(KINDS)) {
        let policy = Policy::default_policy();
        let case = json!({
            "now": rfc3339(now.0, now.1),
            "order": {"number": "X", "ordered_at": rfc3339(ordered.0, ordered.1),
                      "fulfilment": {"state": "delivered", "at": rfc3339(at.0, at.1)},
                      "lines": [{"id": "1", "kind": kind, "quantity": 1, "unit_price": 100}]},
            "request": {"type": request_type, "about": "product"}
        });
        let _ = decide(&policy, &case);
    }

    #[test]
    fn fee_plus_refund_is_the_line_total_and_fee_never_exceeds_it(case in case()) {
        fee_plus_refund_is_the_line_total(&case)?;
    }

    #[test]
    fn fee_plus_refund_is_the_line_total_on_realistic_cases(case in valid_case()) {
        fee_plus_refund_is_the_line_total(&case)?;
    }

    #[test]
    fn moving_now_later_never_reopens_a_closed_window(case in case(), later in 1i64..400 * 86_400) {
        windows_never_reopen(&case, later)?;
    }

    #[test]
    fn windows_never_reopen_on_realistic_cases(case in valid_case(), later in 1i64..400 * 86_400) {
        windows_never_reopen(&case, later)?;
    }

    #[test]
    fn never_panics_on_realistic_cases(case in valid_case()) {
        let policy = Policy::default_policy();
        let _ = decide(&policy, &case);
    }
}

fn fee_plus_refund_is_the_line_total(case: &Value) -> Result<(), TestCaseError> {
    let policy = Policy::default_policy();
    if let Some(d) = decide(&policy, case) {
        let lines = case["order"]["lines"].as_array().unwrap();
        for l in &d.lines {
            let src = lines.iter().find(|x| x["id"] == l.id.as_str()).unwrap();
            let total = src["quantity"].as_i64().unwrap() * src["unit_price"].as_i64().unwrap();
            if let Some(fee) = l.fee {
                prop_assert!((0..=total).contains(&fee), "fee {fee} of {total}");
            }
            if l.clause.as_str().starts_with("cancel.") && l.outcome != Outcome::Refused {
                prop_assert_eq!(l.fee.unwrap() + l.refund.unwrap(), total);
            }
        }
    }
    Ok(())
}

fn windows_never_reopen(case: &Value, later: i64) -> Result<(), TestCaseError> {
    let policy = Policy::default_policy();
    let now = parse_case(&case.to_string()).map(|c| c.now.unix_seconds());
    let (Some(before), Ok(now)) = (decide(&policy, case), now) else {
        return Ok(());
    };
    let Some(after) = decide(&policy, &with_now(case, now + later)) else {
        return Ok(());
    };
    for (b, a) in before.lines.iter().zip(&after.lines) {
        let closed = |c: &str| {
            matches!(
                c,
                "return.window_expired" | "cancel.fee" | "repair.chargeable"
            )
        };
        if closed(b.clause.as_str()) {
            prop_assert_eq!(a.clause, b.clause, "window reopened");
        }
        if let (Some(bd), Some(ad)) = (b.deadline, a.deadline) {
            prop_assert_eq!(bd, ad, "deadlines do not depend on now");
        }
        if a.deadline.is_some() {
            prop_assert!(a.deadline > Some(after_now(case, now + later)));
        }
    }
    Ok(())
}

fn after_now(_case: &Value, secs: i64) -> aftersales_rules::Timestamp {
    aftersales_rules::Timestamp::from_unix(secs, 0).unwrap()
}
