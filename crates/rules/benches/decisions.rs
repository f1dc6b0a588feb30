//! Decisions per second on a realistic mix of cases (every request type, every kind,
//! open and closed windows, unknown facts, multi-line orders).
//!
//!     cargo bench -p aftersales-rules --bench decisions
//!
//! Criterion prints the time per mix and the throughput; the last line prints the
//! figure the README records: nanoseconds per decision.

use std::hint::black_box;
use std::time::{Duration, Instant};

use aftersales_rules::{check, parse_case, Case, Policy};
use criterion::{criterion_group, Criterion, Throughput};
use serde_json::{json, Value};

fn mix() -> Vec<Case> {
    let mut cases = Vec::new();
    let kinds = [
        "regular",
        "self_pickup",
        "custom",
        "special_sale",
        "clearance",
    ];
    let fulfilments = [
        json!({"state": "pending"}),
        json!({"state": "delivered", "at": "2026-03-05T10:00:00+08:00"}),
        json!({"state": "picked_up", "at": "2026-03-04T16:30:00+08:00"}),
    ];
    let requests = [
        json!({"type": "cancel"}),
        json!({"type": "return", "reason": "changed_mind"}),
        json!({"type": "return", "reason": "quality_defect"}),
        json!({"type": "exchange", "reason": "wrong_size"}),
        json!({"type": "repair"}),
        json!({"type": "complaint", "about": "product"}),
    ];
    let nows = [
        "2026-03-03T09:00:00+08:00",
        "2026-03-09T12:00:00+08:00",
        "2026-04-20T08:00:00+08:00",
    ];
    for (k, kind) in kinds.iter().enumerate() {
        for (f, fulfilment) in fulfilments.iter().enumerate() {
            for (r, request) in requests.iter().enumerate() {
                let now = nows[(k + f + r) % nows.len()];
                let lines = if (k + r) % 4 == 0 {
                    json!([
                        {"id": "1", "sku": "SOFA-3S", "name": "三人沙发", "kind": kind, "quantity": 1, "unit_price": 599900},
                        {"id": "2", "sku": "CUSH", "name": "靠垫", "kind": "special_sale", "quantity": 4, "unit_price": 12900}
                    ])
                } else {
                    json!([{"id": "1", "sku": "TBL-1", "name": "餐桌", "kind": kind, "quantity": 1, "unit_price": 249900}])
                };
                let mut case: Value = json!({
                    "now": now,
                    "order": {"number": "SO-2001", "ordered_at": "2026-03-02T14:00:00+08:00", "currency": "CNY",
                              "fulfilment": fulfilment, "lines": lines},
                    "request": request,
                });
                if (k + f) % 2 == 0 {
                    case["facts"] = json!({"goods_intact": true, "packaging_unopened": true});
                    case["documents"] = json!(["receipt", "delivery_note", "pickup_slip"]);
                }
                cases.push(parse_case(&case.to_string()).expect("bench case parses"));
            }
        }
    }
    cases
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default_policy();
    let cases = mix();
    let json: Vec<String> = cases
        .iter()
        .map(|c| serde_json::to_string(c).unwrap())
        .collect();
    let mut group = c.benchmark_group("decisions");
    group.throughput(Throughput::Elements(cases.len() as u64));
    group.bench_function("check (parsed cases)", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(check(&policy, black_box(case)).ok());
            }
        })
    });
    group.bench_function("parse + check + serialise (CLI path)", |b| {
        b.iter(|| {
            for text in &json {
                let d = parse_case(black_box(text)).and_then(|c| check(&policy, &c));
                black_box(d.map(|d| serde_json::to_string(&d).ok()).ok());
            }
        })
    });
    group.finish();

    // The README figure: a plain timed loop over the same mix.
    let start = Instant::now();
    let mut decisions = 0u64;
    while start.elapsed() < Duration::from_secs(2) {
        for case in &cases {
            black_box(check(&policy, black_box(case)).ok());
        }
        decisions += cases.len() as u64;
    }
    let ns = start.elapsed().as_nanos() as f64 / decisions as f64;
    println!(
        "aftersales-rules: {} cases in the mix; {:.0} ns/decision; {:.0} decisions/s (one core)",
        cases.len(),
        ns,
        1e9 / ns
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
