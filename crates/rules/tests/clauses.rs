//! One test per clause of docs/policy.md and per boundary: the instant a window closes,
//! day windows across midnight and across DST changes.

mod support;

use aftersales_rules::Policy;
use serde_json::{json, Value};
use support::*;

const ORDERED: &str = "2026-03-02T14:00:00+08:00";
const DELIVERED: &str = "2026-03-05T10:00:00+08:00";

fn cancel(now: &str, kind: &str) -> Value {
    json!({"now": now, "order": order(ORDERED, pending(), kind), "request": {"type": "cancel"}})
}

fn ret(now: &str, kind: &str, reason: &str, facts: Value, documents: Value) -> Value {
    let mut case = json!({
        "now": now,
        "order": order(ORDERED, delivered(DELIVERED), kind),
        "request": {"type": "return", "reason": reason},
        "facts": facts,
    });
    if !documents.is_null() {
        case["documents"] = documents;
    }
    case
}

fn good_return(now: &str, kind: &str) -> Value {
    ret(
        now,
        kind,
        "changed_mind",
        json!({"goods_intact": true}),
        json!(["receipt", "delivery_note"]),
    )
}

// ---- Cancel (一) ----

#[test]
fn cancel_within_48_hours_is_free() {
    let d = as_json(&decide(cancel("2026-03-03T09:00:00+08:00", "regular")));
    assert_eq!(d["outcome"], "allowed");
    assert_eq!(d["clause"], "cancel.free");
    assert_eq!(d["fee"], 0);
    assert_eq!(d["refund"], 249900);
    assert_eq!(d["deadline"], "2026-03-04T14:00:00+08:00");
    assert_eq!(
        d["documents_to_bring"],
        json!(["sales_order", "receipt_or_invoice"])
    );
    assert_eq!(
        d["steps"],
        json!([
            "record_reason",
            "retention_offer",
            "cancellation_form",
            "customer_signature",
            "general_manager_approval",
            "service_centre_notified",
            "finance_filing",
            "refund"
        ])
    );
    assert_eq!(
        d["service_levels"],
        json!([{"what": "acknowledge", "within_minutes": 1440, "after": "request"}])
    );
}

#[test]
fn free_cancel_ends_at_the_instant_48_hours_pass() {
    let last = decide(cancel("2026-03-04T13:59:59.999999999+08:00", "regular"));
    assert_eq!(last.clause.as_str(), "cancel.free");
    let closed = decide(cancel("2026-03-04T14:00:00+08:00", "regular"));
    assert_eq!(closed.clause.as_str(), "cancel.fee");
    // The same instant written in another offset is the same instant.
    let utc = decide(cancel("2026-03-04T06:00:00Z", "regular"));
    assert_eq!(utc.clause.as_str(), "cancel.fee");
}

#[test]
fn cancel_after_48_hours_costs_at_least_ten_percent() {
    let d = decide(cancel("2026-03-06T09:00:00+08:00", "regular"));
    assert_eq!(d.outcome.as_str(), "allowed_with_fee");
    assert_eq!(
        (d.fee, d.refund, d.deadline),
        (Some(24990), Some(224910), None)
    );

    // 10% of ¥2,499.01 is ¥249.901: rounded up to ¥249.91, never down.
    let mut case = cancel("2026-03-06T09:00:00+08:00", "special_sale");
    case["order"]["lines"][0]["unit_price"] = 249901.into();
    let d = decide(case);
    assert_eq!((d.fee, d.refund), (Some(24991), Some(224910)));
}

#[test]
fn cancel_fee_is_per_line_total_with_quantity() {
    let mut case = cancel("2026-03-06T09:00:00+08:00", "regular");
    case["order"]["lines"][0]["quantity"] = 3.into();
    case["order"]["lines"][0]["unit_price"] = 33.into();
    let d = decide(case);
    // 10% of 99 fen = 9.9 → 10 fen.
    assert_eq!((d.fee, d.refund), (Some(10), Some(89)));
}

#[test]
fn delivered_or_picked_up_lines_cannot_be_cancelled() {
    for fulfilment in [delivered(DELIVERED), picked_up(DELIVERED)] {
        let d = as_json(&decide(json!({
            "now": "2026-03-03T09:00:00+08:00",
            "order": order(ORDERED, fulfilment, "regular"),
            "request": {"type": "cancel"}
        })));
        assert_eq!(d["outcome"], "refused");
        assert_eq!(d["clause"], "cancel.already_fulfilled");
        assert_eq!(d["alternatives"], json!(["return"]));
        assert_eq!(d["steps"], json!([]));
    }
}

#[test]
fn clearance_is_a_final_sale_and_cannot_be_cancelled() {
    let d = decide(cancel("2026-03-02T15:00:00+08:00", "clearance"));
    assert_eq!(
        (d.outcome.as_str(), d.clause.as_str()),
        ("refused", "cancel.final_sale")
    );
}

#[test]
fn custom_orders_cannot_be_cancelled_even_at_once() {
    let d = decide(cancel("2026-03-02T14:00:01+08:00", "custom"));
    assert_eq!(
        (d.outcome.as_str(), d.clause.as_str()),
        ("refused", "cancel.custom_order")
    );
}

#[test]
fn every_non_custom_kind_cancels_free_within_48_hours() {
    for kind in ["regular", "self_pickup", "special_sale"] {
        let d = decide(cancel("2026-03-03T09:00:00+08:00", kind));
        assert_eq!(d.clause.as_str(), "cancel.free", "{kind}");
    }
}

#[test]
fn return_or_exchange_before_delivery_is_a_cancellation() {
    for t in ["return", "exchange"] {
        let d = as_json(&decide(json!({
            "now": "2026-03-03T09:00:00+08:00",
            "order": order(ORDERED, pending(), "regular"),
            "request": {"type": t, "reason": "changed_mind"}
        })));
        assert_eq!(d["clause"], "cancel.free", "{t}");
        assert_eq!(d["steps"][1], "retention_offer");
    }
    let d = decide(json!({
        "now": "2026-03-03T09:00:00+08:00",
        "order": order(ORDERED, pending(), "custom"),
        "request": {"type": "return", "reason": "quality_defect"}
    }));
    assert_eq!(d.clause.as_str(), "cancel.custom_order");
}

// ---- Return and exchange (三) ----

#[test]
fn return_within_seven_days_of_delivery() {
    let d = as_json(&decide(good_return("2026-03-12T20:00:00+08:00", "regular")));
    assert_eq!(d["outcome"], "allowed");
    assert_eq!(d["clause"], "return.within_window");
    assert_eq!(d["fee"], 0);
    assert_eq!(d["refund"], 249900);
    assert_eq!(d["deadline"], "2026-03-13T00:00:00+08:00");
    assert_eq!(d["conditions"], json!([]));
    assert_eq!(
        d["documents_to_bring"],
        json!(["receipt_or_invoice", "pickup_slip_or_delivery_note"])
    );
    assert_eq!(d["steps"].as_array().unwrap().last().unwrap(), "refund");
    assert!(!d["steps"]
        .as_array()
        .unwrap()
        .contains(&json!("inspection_visit")));
}

#[test]
fn return_window_closes_at_midnight_after_the_seventh_day() {
    let last = decide(good_return("2026-03-12T23:59:59.999+08:00", "regular"));
    assert_eq!(last.clause.as_str(), "return.within_window");
    let closed = decide(good_return("2026-03-13T00:00:00+08:00", "regular"));
    assert_eq!(closed.clause.as_str(), "return.window_expired");
    assert_eq!(
        closed
            .alternatives
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>(),
        ["repair"]
    );
}

#[test]
fn day_windows_count_the_store_calendar_not_the_written_offset() {
    // 17:30 UTC on 5 March is 01:30 on 6 March in Shanghai: the window starts a day later.
    let mut case = good_return("2026-03-13T12:00:00+08:00", "regular");
    case["order"]["fulfilment"] = delivered("2026-03-05T17:30:00Z");
    let d = decide(case);
    assert_eq!(d.clause.as_str(), "return.within_window");
    assert_eq!(d.deadline.unwrap().to_string(), "2026-03-14T00:00:00+08:00");

    // Delivered at 23:59 local: that day is still the delivery day and is not counted.
    let mut case = good_return("2026-03-12T12:00:00+08:00", "regular");
    case["order"]["fulfilment"] = delivered("2026-03-05T23:59:00+08:00");
    assert_eq!(
        decide(case).deadline.unwrap().to_string(),
        "2026-03-13T00:00:00+08:00"
    );
}

#[test]
fn picked_up_regular_goods_count_from_pick_up() {
    let mut case = good_return("2026-03-12T20:00:00+08:00", "regular");
    case["order"]["fulfilment"] = picked_up(DELIVERED);
    assert_eq!(decide(case).clause.as_str(), "return.within_window");
}

#[test]
fn special_sale_returns_like_regular_goods_for_non_quality_reasons() {
    let d = decide(good_return("2026-03-12T20:00:00+08:00", "special_sale"));
    assert_eq!(d.clause.as_str(), "return.within_window");
}

#[test]
fn clearance_cannot_be_returned_for_any_reason() {
    for reason in ["changed_mind", "quality_defect"] {
        let d = decide(ret(
            "2026-03-06T09:00:00+08:00",
            "clearance",
            reason,
            json!({}),
            Value::Null,
        ));
        assert_eq!(
            (d.outcome.as_str(), d.clause.as_str()),
            ("refused", "return.final_sale")
        );
    }
}

#[test]
fn quality_defects_go_to_inspection_for_every_other_kind() {
    for kind in ["regular", "self_pickup", "custom"] {
        let d = as_json(&decide(ret(
            "2026-06-01T09:00:00+08:00",
            kind,
            "quality_defect",
            json!({}),
            Value::Null,
        )));
        assert_eq!(d["outcome"], "needs_inspection", "{kind}");
        assert_eq!(d["clause"], "return.quality_inspection");
        assert_eq!(d["steps"][1], "inspection_visit");
        assert_eq!(d["refund"], 249900);
        assert_eq!(d["deadline"], Value::Null);
    }
}

#[test]
fn special_sale_quality_returns_are_excluded_and_offer_repair() {
    let d = as_json(&decide(ret(
        "2026-03-06T09:00:00+08:00",
        "special_sale",
        "quality_defect",
        json!({}),
        Value::Null,
    )));
    assert_eq!(d["outcome"], "refused");
    assert_eq!(d["clause"], "return.quality_excluded");
    assert_eq!(d["alternatives"], json!(["repair"]));
}

#[test]
fn custom_goods_cannot_be_returned_for_non_quality_reasons() {
    let d = decide(good_return("2026-03-06T09:00:00+08:00", "custom"));
    assert_eq!(
        (d.outcome.as_str(), d.clause.as_str()),
        ("refused", "return.custom_order")
    );
}

fn self_pickup_return(now: &str, facts: Value, documents: Value) -> Value {
    let mut case = ret(now, "self_pickup", "changed_mind", facts, documents);
    case["order"]["fulfilment"] = picked_up("2026-03-08T10:00:00+08:00");
    case
}

#[test]
fn self_pickup_window_counts_from_the_purchase_date() {
    // Bought 2 March, picked up 8 March: the window still covers 3–9 March.
    let ok = json!({"packaging_unopened": true});
    let docs = json!(["pickup_slip", "invoice"]);
    let d = as_json(&decide(self_pickup_return(
        "2026-03-09T23:00:00+08:00",
        ok.clone(),
        docs.clone(),
    )));
    assert_eq!(d["outcome"], "allowed");
    assert_eq!(d["clause"], "return.self_pickup");
    assert_eq!(d["deadline"], "2026-03-10T00:00:00+08:00");
    assert_eq!(
        d["documents_to_bring"],
        json!(["pickup_slip", "receipt_or_invoice"])
    );
    let closed = decide(self_pickup_return("2026-03-10T00:00:00+08:00", ok, docs));
    assert_eq!(closed.clause.as_str(), "return.window_expired");
}

#[test]
fn self_pickup_needs_unopened_packaging() {
    let d = decide(self_pickup_return(
        "2026-03-09T09:00:00+08:00",
        json!({"packaging_unopened": false}),
        json!(["pickup_slip", "receipt"]),
    ));
    assert_eq!(
        (d.outcome.as_str(), d.clause.as_str()),
        ("refused", "return.packaging_opened")
    );
}

#[test]
fn self_pickup_needs_the_paid_pickup_slip() {
    let d = decide(self_pickup_return(
        "2026-03-09T09:00:00+08:00",
        json!({"packaging_unopened": true}),
        json!(["receipt", "delivery_note"]),
    ));
    assert_eq!(d.clause.as_str(), "return.documents_missing");
}

#[test]
fn goods_not_intact_cannot_be_returned() {
    let d = decide(ret(
        "2026-03-06T09:00:00+08:00",
        "regular",
        "wrong_size",
        json!({"goods_intact": false}),
        json!(["receipt", "delivery_note"]),
    ));
    assert_eq!(
        (d.outcome.as_str(), d.clause.as_str()),
        ("refused", "return.not_intact")
    );
    assert_eq!(
        d.alternatives
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>(),
        ["repair"]
    );
}

#[test]
fn missing_documents_refuse_the_return() {
    for held in [
        json!([]),
        json!(["receipt"]),
        json!(["delivery_note", "sales_order"]),
    ] {
        let d = decide(ret(
            "2026-03-06T09:00:00+08:00",
            "regular",
            "changed_mind",
            json!({"goods_intact": true}),
            held.clone(),
        ));
        assert_eq!(d.clause.as_str(), "return.documents_missing", "{held}");
    }
    // Receipt and invoice are interchangeable, so are pick-up slip and delivery note.
    for held in [
        json!(["invoice", "pickup_slip"]),
        json!(["receipt", "delivery_note", "warranty_card"]),
    ] {
        let d = decide(ret(
            "2026-03-06T09:00:00+08:00",
            "regular",
            "changed_mind",
            json!({"goods_intact": true}),
            held.clone(),
        ));
        assert_eq!(d.clause.as_str(), "return.within_window", "{held}");
    }
}

#[test]
fn checks_window_then_condition_then_documents() {
    let expired = ret(
        "2026-04-01T09:00:00+08:00",
        "regular",
        "other",
        json!({"goods_intact": false}),
        json!([]),
    );
    assert_eq!(decide(expired).clause.as_str(), "return.window_expired");
    let damaged = ret(
        "2026-03-06T09:00:00+08:00",
        "regular",
        "other",
        json!({"goods_intact": false}),
        json!([]),
    );
    assert_eq!(decide(damaged).clause.as_str(), "return.not_intact");
}

#[test]
fn unknown_facts_become_conditions() {
    let d = as_json(&decide(ret(
        "2026-03-06T09:00:00+08:00",
        "regular",
        "changed_mind",
        json!({}),
        Value::Null,
    )));
    assert_eq!(d["outcome"], "allowed");
    assert_eq!(
        d["conditions"],
        json!([
            "goods_intact",
            "document:receipt_or_invoice",
            "document:pickup_slip_or_delivery_note"
        ])
    );
    let mut case = self_pickup_return("2026-03-06T09:00:00+08:00", json!({}), Value::Null);
    case.as_object_mut().unwrap().remove("documents");
    let d = as_json(&decide(case));
    assert_eq!(
        d["conditions"],
        json!([
            "packaging_unopened",
            "document:pickup_slip",
            "document:receipt_or_invoice"
        ])
    );
}

#[test]
fn a_missing_reason_is_not_a_quality_reason() {
    let mut case = good_return("2026-03-06T09:00:00+08:00", "regular");
    case["request"].as_object_mut().unwrap().remove("reason");
    assert_eq!(decide(case).clause.as_str(), "return.within_window");
}

#[test]
fn exchanges_follow_the_return_rules_and_end_in_a_handover() {
    let mut case = good_return("2026-03-06T09:00:00+08:00", "regular");
    case["request"]["type"] = "exchange".into();
    let d = decide(case);
    assert_eq!(d.clause.as_str(), "return.within_window");
    assert_eq!(
        d.steps.last().map(String::as_str),
        Some("exchange_handover")
    );
}

// ---- Time zones and DST ----

fn policy_in(zone: &str) -> Policy {
    let mut v: Value = serde_json::from_str(aftersales_rules::policy::DEFAULT_POLICY_JSON).unwrap();
    v["time_zone"] = zone.into();
    Policy::from_json(&v.to_string()).unwrap()
}

#[test]
fn day_window_across_spring_forward_counts_calendar_days() {
    // Berlin springs forward on 29 March 2026: the window still ends at local midnight.
    let berlin = policy_in("Europe/Berlin");
    let mut case = good_return("2026-03-31T12:00:00+02:00", "regular");
    case["order"]["ordered_at"] = "2026-03-20T10:00:00+01:00".into();
    case["order"]["fulfilment"] = delivered("2026-03-25T10:00:00+01:00");
    let d = decide_with(&berlin, case.clone());
    assert_eq!(d.deadline.unwrap().to_string(), "2026-04-02T00:00:00+02:00");
    case["now"] = "2026-04-01T23:59:59+02:00".into();
    assert_eq!(
        decide_with(&berlin, case.clone()).clause.as_str(),
        "return.within_window"
    );
    case["now"] = "2026-04-01T22:00:00Z".into();
    assert_eq!(
        decide_with(&berlin, case).clause.as_str(),
        "return.window_expired"
    );
}

#[test]
fn day_window_across_fall_back_counts_calendar_days() {
    let berlin = policy_in("Europe/Berlin");
    let mut case = good_return("2026-10-26T12:00:00+01:00", "regular");
    case["order"]["ordered_at"] = "2026-10-10T10:00:00+02:00".into();
    case["order"]["fulfilment"] = delivered("2026-10-20T10:00:00+02:00");
    let d = decide_with(&berlin, case);
    assert_eq!(d.deadline.unwrap().to_string(), "2026-10-28T00:00:00+01:00");
}

#[test]
fn hour_windows_are_exact_hours_across_dst() {
    // 48 hours from Saturday noon before the change end at 13:00 summer time on Monday.
    let berlin = policy_in("Europe/Berlin");
    let mut case = cancel("2026-03-29T09:00:00+02:00", "regular");
    case["order"]["ordered_at"] = "2026-03-28T12:00:00+01:00".into();
    let d = decide_with(&berlin, case);
    assert_eq!(d.deadline.unwrap().to_string(), "2026-03-30T13:00:00+02:00");
}

#[test]
fn a_window_ending_in_a_midnight_gap_ends_when_the_day_begins() {
    // Santiago skips 00:00–01:00 on 6 September 2026.
    let santiago = policy_in("America/Santiago");
    let mut case = good_return("2026-09-01T12:00:00-04:00", "regular");
    case["order"]["ordered_at"] = "2026-08-20T10:00:00-04:00".into();
    case["order"]["fulfilment"] = delivered("2026-08-29T10:00:00-04:00");
    let d = decide_with(&santiago, case);
    assert_eq!(d.deadline.unwrap().to_string(), "2026-09-06T01:00:00-03:00");
}

// ---- Repair (二) ----

fn repair(now: &str, kind: &str, fulfilment: Value) -> Value {
    json!({"now": now, "order": order(ORDERED, fulfilment, kind), "request": {"type": "repair"}})
}

#[test]
fn repair_under_warranty() {
    let d = as_json(&decide(repair(
        "2026-06-01T09:00:00+08:00",
        "regular",
        delivered(DELIVERED),
    )));
    assert_eq!(d["outcome"], "allowed");
    assert_eq!(d["clause"], "repair.warranty");
    assert_eq!(d["fee"], 0);
    assert_eq!(d["deadline"], "2027-03-06T00:00:00+08:00");
    let levels: Vec<(&str, u64)> = d["service_levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["what"].as_str().unwrap(),
                l["within_minutes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            ("acknowledge", 1440),
            ("first_contact", 1440),
            ("resolution_plan", 4320),
            ("post_repair_followup", 1440)
        ]
    );
    assert_eq!(d["steps"][0], "repair_notice");
    assert_eq!(
        d["steps"].as_array().unwrap().last().unwrap(),
        "followup_call"
    );
}

#[test]
fn repair_outside_warranty_is_chargeable_with_unknown_fee() {
    let last = decide(repair(
        "2027-03-05T23:59:59+08:00",
        "regular",
        delivered(DELIVERED),
    ));
    assert_eq!(last.clause.as_str(), "repair.warranty");
    let d = as_json(&decide(repair(
        "2027-03-06T00:00:00+08:00",
        "regular",
        delivered(DELIVERED),
    )));
    assert_eq!(d["outcome"], "allowed_with_fee");
    assert_eq!(d["clause"], "repair.chargeable");
    assert_eq!(d["fee"], Value::Null);
}

#[test]
fn clearance_repairs_are_chargeable() {
    let d = decide(repair(
        "2026-03-06T09:00:00+08:00",
        "clearance",
        delivered(DELIVERED),
    ));
    assert_eq!(d.clause.as_str(), "repair.chargeable");
    assert_eq!(d.fee, None);
}

#[test]
fn repair_before_delivery_is_under_warranty() {
    let d = decide(repair("2026-03-03T09:00:00+08:00", "custom", pending()));
    assert_eq!(d.clause.as_str(), "repair.warranty");
    assert_eq!(d.deadline, None);
}

// ---- Complaints (五, 六) ----

#[test]
fn service_complaints_answer_in_15_and_verify_in_30_minutes() {
    let d = as_json(&decide(json!({
        "now": "2026-03-03T09:00:00+08:00",
        "order": order(ORDERED, pending(), "clearance"),
        "request": {"type": "complaint", "about": "service"}
    })));
    assert_eq!(
        (d["outcome"].as_str(), d["clause"].as_str()),
        (Some("allowed"), Some("complaint.service"))
    );
    assert_eq!(
        d["service_levels"][1],
        json!({"what": "first_response", "within_minutes": 15, "after": "request"})
    );
    assert_eq!(
        d["service_levels"][2],
        json!({"what": "verification", "within_minutes": 30, "after": "request"})
    );
    assert_eq!(
        d["steps"],
        json!([
            "record_complaint",
            "assign_department",
            "handle",
            "feedback_to_customer",
            "archive"
        ])
    );
}

#[test]
fn product_complaints_answer_in_1_hour_then_3_hours_then_follow_up() {
    let d = as_json(&decide(json!({
        "now": "2026-03-03T09:00:00+08:00",
        "order": order(ORDERED, delivered(DELIVERED), "regular"),
        "request": {"type": "complaint", "about": "product"}
    })));
    assert_eq!(d["clause"], "complaint.product");
    let whats: Vec<_> = d["service_levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["what"].clone(), l["within_minutes"].clone()))
        .collect();
    assert_eq!(
        whats,
        [
            (json!("acknowledge"), json!(1440)),
            (json!("first_response"), json!(60)),
            (json!("second_response"), json!(180)),
            (json!("post_resolution_followup"), json!(1440))
        ]
    );
}

#[test]
fn a_complaint_must_say_what_it_is_about() {
    let code = error_code(json!({
        "now": "2026-03-03T09:00:00+08:00",
        "order": order(ORDERED, pending(), "regular"),
        "request": {"type": "complaint"}
    }));
    assert_eq!(code, "missing_complaint_about");
}

// ---- Several lines ----

fn two_lines(now: &str, kind_b: &str, request: Value, fulfilment: Value) -> Value {
    json!({
        "now": now,
        "order": {
            "number": "SO-9", "ordered_at": ORDERED, "currency": "CNY", "fulfilment": fulfilment,
            "lines": [
                {"id": "a", "kind": "regular", "quantity": 2, "unit_price": 10000},
                {"id": "b", "kind": kind_b, "quantity": 1, "unit_price": 5001}
            ]
        },
        "request": request
    })
}

#[test]
fn lines_with_different_outcomes_are_mixed() {
    let d = as_json(&decide(two_lines(
        "2026-03-03T09:00:00+08:00",
        "custom",
        json!({"type": "cancel"}),
        pending(),
    )));
    assert_eq!(d["outcome"], "mixed");
    assert_eq!(d["clause"], "mixed");
    assert_eq!(d["fee"], 0);
    assert_eq!(d["refund"], 20000, "refused lines are not summed");
    assert_eq!(d["deadline"], "2026-03-04T14:00:00+08:00");
    assert_eq!(d["lines"][1]["clause"], "cancel.custom_order");
}

#[test]
fn fees_are_rounded_per_line_and_summed() {
    let d = decide(two_lines(
        "2026-03-06T09:00:00+08:00",
        "special_sale",
        json!({"type": "cancel"}),
        pending(),
    ));
    assert_eq!(d.outcome.as_str(), "allowed_with_fee");
    // 10% of 20000 = 2000; 10% of 5001 = 500.1 → 501.
    assert_eq!((d.fee, d.refund), (Some(2501), Some(22500)));
}

#[test]
fn a_null_fee_makes_the_sum_null() {
    let d = decide(two_lines(
        "2026-03-06T09:00:00+08:00",
        "clearance",
        json!({"type": "repair"}),
        delivered(DELIVERED),
    ));
    assert_eq!(d.outcome.as_str(), "mixed");
    assert_eq!(d.fee, None);
}

#[test]
fn the_request_may_name_some_lines() {
    let d = decide(two_lines(
        "2026-03-03T09:00:00+08:00",
        "custom",
        json!({"type": "cancel", "lines": ["a"]}),
        pending(),
    ));
    assert_eq!(d.clause.as_str(), "cancel.free");
    assert_eq!(d.lines.len(), 1);
    assert_eq!(d.refund, Some(20000));
}

#[test]
fn the_deadline_is_the_earliest_line_deadline() {
    let mut case = two_lines(
        "2026-03-06T09:00:00+08:00",
        "self_pickup",
        json!({"type": "return", "reason": "other"}),
        picked_up(DELIVERED),
    );
    case["facts"] = json!({"goods_intact": true, "packaging_unopened": true});
    case["documents"] = json!(["receipt", "pickup_slip"]);
    let d = decide(case);
    // Self-pickup counts from 2 March (closes 10 March), the other from 5 March (closes 13 March).
    assert_eq!(d.deadline.unwrap().to_string(), "2026-03-10T00:00:00+08:00");
    assert_eq!(
        d.lines[1].deadline.unwrap().to_string(),
        "2026-03-10T00:00:00+08:00"
    );
    assert_eq!(
        d.lines[0].deadline.unwrap().to_string(),
        "2026-03-13T00:00:00+08:00"
    );
}

// ---- Policy as data ----

#[test]
fn a_longer_window_in_the_policy_file_changes_the_decision() {
    let mut v: Value = serde_json::from_str(aftersales_rules::policy::DEFAULT_POLICY_JSON).unwrap();
    v["return"]["within_window"]["days"] = 15.into();
    v["cancel"]["fee_percent"] = 20.into();
    let policy = Policy::from_json(&v.to_string()).unwrap();
    let d = decide_with(&policy, good_return("2026-03-16T09:00:00+08:00", "regular"));
    assert_eq!(d.deadline.unwrap().to_string(), "2026-03-21T00:00:00+08:00");
    let d = decide_with(&policy, cancel("2026-03-06T09:00:00+08:00", "regular"));
    assert_eq!(d.fee, Some(49980));
}

#[test]
fn a_kind_added_in_the_policy_file_is_decided_by_its_rules() {
    let mut v: Value = serde_json::from_str(aftersales_rules::policy::DEFAULT_POLICY_JSON).unwrap();
    v["kinds"]["outlet"] = json!({
        "name": {"zh-CN": "奥特莱斯", "en": "Outlet"},
        "description": {"zh-CN": "奥特莱斯商品。", "en": "An outlet item."},
        "cancel": "final_sale", "return": "within_window", "quality_return": "excluded", "repair": "chargeable"});
    let policy = Policy::from_json(&v.to_string()).unwrap();
    let d = decide_with(&policy, cancel("2026-03-03T09:00:00+08:00", "outlet"));
    assert_eq!(d.clause.as_str(), "cancel.final_sale");
}

// ---- Bad input: typed errors, never a panic ----

#[test]
fn bad_cases_get_typed_errors() {
    let base = cancel("2026-03-03T09:00:00+08:00", "regular");
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("empty_order", Box::new(|c| c["order"]["lines"] = json!([]))),
        (
            "unknown_kind",
            Box::new(|c| c["order"]["lines"][0]["kind"] = "gift".into()),
        ),
        (
            "invalid_quantity",
            Box::new(|c| c["order"]["lines"][0]["quantity"] = 0.into()),
        ),
        (
            "invalid_price",
            Box::new(|c| c["order"]["lines"][0]["unit_price"] = (-1).into()),
        ),
        (
            "amount_overflow",
            Box::new(|c| {
                c["order"]["lines"][0]["quantity"] = i64::MAX.into();
                c["order"]["lines"][0]["unit_price"] = 2.into();
            }),
        ),
        (
            "unknown_line",
            Box::new(|c| c["request"]["lines"] = json!(["7"])),
        ),
        (
            "duplicate_line_id",
            Box::new(|c| {
                let line = c["order"]["lines"][0].clone();
                c["order"]["lines"].as_array_mut().unwrap().push(line);
            }),
        ),
        (
            "time_out_of_range",
            Box::new(|c| c["order"]["ordered_at"] = "9999-12-31T12:00:00+08:00".into()),
        ),
        (
            "invalid_case",
            Box::new(|c| c["now"] = "2026-02-30T10:00:00+08:00".into()),
        ),
        ("invalid_case", Box::new(|c| c["now"] = "yesterday".into())),
        (
            "invalid_case",
            Box::new(|c| c["order"]["lines"][0]["unit_price"] = 12.5.into()),
        ),
        (
            "invalid_case",
            Box::new(|c| c["request"]["type"] = "refund".into()),
        ),
        (
            "invalid_case",
            Box::new(|c| c["order"]["fulfilment"] = json!({"state": "delivered"})),
        ),
    ];
    for (expected, edit) in cases {
        let mut case = base.clone();
        edit(&mut case);
        assert_eq!(error_code(case.clone()), expected, "{case}");
    }
}

#[test]
fn errors_name_the_field() {
    let mut case = cancel("2026-03-03T09:00:00+08:00", "regular");
    case["order"]["lines"][0]["unit_price"] = "cheap".into();
    let err = aftersales_rules::parse_case(&case.to_string()).unwrap_err();
    assert!(
        err.message.starts_with("order.lines[0].unit_price:"),
        "{}",
        err.message
    );
}
