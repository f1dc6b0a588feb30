//! Filing: idempotency, `filed_at` and the offline grace, flags, validation.

use reqwest::header;
use serde_json::{json, Value};

use crate::helpers::*;

#[tokio::test]
async fn filing_returns_tracking_code_decision_and_due_times() {
    let app = spawn_app().await;
    let order = app.order("DEMO-1003").await;
    let mut body = filing(
        order,
        json!({"type": "return", "reason": "changed_mind"}),
        now_minus(0),
    );
    body["client_decision"] = client_decision(&body);
    let r = app.file(&body).await;
    assert_eq!(r.status(), 201);
    let filed: Value = r.json().await.unwrap();
    assert_eq!(filed["id"], body["id"]);
    assert_eq!(filed["status"], "received");
    assert_eq!(filed["decision"]["clause"], "return.within_window");
    assert_eq!(filed["decision"]["outcome"], "allowed");
    let code = filed["tracking_code"].as_str().unwrap();
    assert_eq!(code.len(), 8);
    assert!(code
        .chars()
        .all(|c| "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c)));
    assert_eq!(filed["due"][0]["what"], "acknowledge");
    let due = aftersales_rules::Timestamp::parse(filed["due"][0]["at"].as_str().unwrap()).unwrap();
    let filed_at = aftersales_rules::Timestamp::parse(body["filed_at"].as_str().unwrap()).unwrap();
    assert_eq!(due.unix_seconds() - filed_at.unix_seconds(), 1440 * 60);

    let id = filed["id"].as_str().unwrap();
    let r = app.get(&format!("/api/requests/{id}?code={code}")).await;
    assert_eq!(r.status(), 200);
    let view: Value = r.json().await.unwrap();
    assert_eq!(view["status"], "received");
    assert_eq!(view["type"], "return");
    assert_eq!(view["history"].as_array().unwrap().len(), 1);
    assert_eq!(view["history"][0]["status"], "received");
    assert_eq!(view["decision"], filed["decision"]);

    // Codes are forgiving about case and separators, and strict about content.
    let loose = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    assert_eq!(
        app.get(&format!("/api/requests/{id}?code={loose}"))
            .await
            .status(),
        200
    );
    let (status, e) = error_code(app.get(&format!("/api/requests/{id}?code=AAAAAAAA")).await).await;
    assert_eq!(
        (status, e["code"].as_str().unwrap()),
        (404, "request_not_found")
    );
    let other = uuid::Uuid::new_v4();
    assert_eq!(
        app.get(&format!("/api/requests/{other}?code={code}"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn same_id_same_body_is_idempotent_and_different_body_conflicts() {
    let app = spawn_app().await;
    let order = app.order("DEMO-1001").await;
    let body = filing(order, json!({"type": "cancel"}), now_minus(0));
    let first = app.file(&body).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = app.file(&body).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["tracking_code"], first["tracking_code"]);
    assert_eq!(again["decision"], first["decision"]);
    assert_eq!(again["due"], first["due"]);
    // Key order and whitespace do not make a different body.
    let reordered: Value =
        serde_json::from_str(&serde_json::to_string_pretty(&body).unwrap()).unwrap();
    assert_eq!(app.file(&reordered).await.status(), 200);
    assert_eq!(app.count("requests").await, 1);

    let mut changed = body.clone();
    changed["description"] = json!("something else");
    let (status, e) = error_code(app.file(&changed).await).await;
    assert_eq!((status, e["code"].as_str().unwrap()), (409, "id_conflict"));
    assert_eq!(app.count("requests").await, 1);
    assert_eq!(app.count("request_history").await, 1);
}

#[tokio::test]
async fn concurrent_retries_store_one_row() {
    let app = spawn_app().await;
    let order = app.order("DEMO-1001").await;
    let body = filing(order, json!({"type": "cancel"}), now_minus(0));
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let client = app.client.clone();
        let url = app.url("/api/requests");
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let r = client.post(url).json(&body).send().await.unwrap();
            let status = r.status().as_u16();
            let v: Value = r.json().await.unwrap();
            (status, v["tracking_code"].clone())
        }));
    }
    let mut statuses = Vec::new();
    let mut codes = std::collections::BTreeSet::new();
    for t in tasks {
        let (s, c) = t.await.unwrap();
        statuses.push(s);
        codes.insert(c.to_string());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(statuses.iter().all(|s| *s == 201 || *s == 200));
    assert_eq!(codes.len(), 1);
    assert_eq!(app.count("requests").await, 1);
}

#[tokio::test]
async fn filed_at_within_grace_is_honoured() {
    let app = spawn_app().await;
    // DEMO-1002 was ordered 3 days ago: free cancellation ended a day ago.
    let order = app.order("DEMO-1002").await;
    let now = app.file_ok("DEMO-1002", json!({"type": "cancel"})).await;
    assert_eq!(now["decision"]["clause"], "cancel.fee");
    // Filed offline two days ago (within 72 h): judged as of then.
    let mut body = filing(order, json!({"type": "cancel"}), now_minus(2 * 86400));
    body["client_decision"] = client_decision(&body);
    let r = app.file(&body).await;
    assert_eq!(r.status(), 201);
    let filed: Value = r.json().await.unwrap();
    assert_eq!(filed["decision"]["clause"], "cancel.free");
    let token = app.staff_token().await;
    let list: Value = app
        .staff_get(&token, "/api/staff/requests?flagged=true")
        .await
        .json()
        .await
        .unwrap();
    assert!(list["requests"].as_array().unwrap().is_empty(), "{list}");
}

#[tokio::test]
async fn filed_at_outside_grace_or_in_the_future_uses_the_server_clock() {
    let app = spawn_app().await;
    let order = app.order("DEMO-1002").await;
    let token = app.staff_token().await;
    for (filed_at, flag) in [
        (now_minus(73 * 3600), "filed_at_outside_grace"),
        (now_minus(-86400), "filed_at_in_future"),
    ] {
        let body = filing(order.clone(), json!({"type": "cancel"}), filed_at);
        let r = app.file(&body).await;
        assert_eq!(r.status(), 201);
        let filed: Value = r.json().await.unwrap();
        assert_eq!(filed["decision"]["clause"], "cancel.fee");
        let id = body["id"].as_str().unwrap();
        let detail: Value = app
            .staff_get(&token, &format!("/api/staff/requests/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert!(
            detail["flags"].as_array().unwrap().contains(&json!(flag)),
            "{detail}"
        );
    }
}

#[tokio::test]
async fn disagreeing_client_decision_is_flagged_not_rejected() {
    let app = spawn_app().await;
    let order = app.order("DEMO-1007").await; // clearance: no return
    let mut body = filing(
        order,
        json!({"type": "return", "reason": "changed_mind"}),
        now_minus(0),
    );
    let mut claimed = client_decision(&body);
    assert_eq!(claimed["outcome"], "refused");
    claimed["outcome"] = json!("allowed");
    claimed["clause"] = json!("return.within_window");
    body["client_decision"] = claimed;
    let r = app.file(&body).await;
    assert_eq!(r.status(), 201);
    let filed: Value = r.json().await.unwrap();
    assert_eq!(filed["decision"]["clause"], "return.final_sale");
    let token = app.staff_token().await;
    let list: Value = app
        .staff_get(&token, "/api/staff/requests?flagged=true")
        .await
        .json()
        .await
        .unwrap();
    let requests = list["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["flags"], json!(["decision_mismatch"]));
}

#[tokio::test]
async fn the_stored_order_is_authoritative() {
    let app = spawn_app().await;
    let mut order = app.order("DEMO-1007").await;
    order["lines"][0]["kind"] = json!("regular"); // a tampered copy
    let body = filing(
        order,
        json!({"type": "return", "reason": "changed_mind"}),
        now_minus(0),
    );
    let filed: Value = app.file(&body).await.json().await.unwrap();
    assert_eq!(filed["decision"]["clause"], "return.final_sale");
    let token = app.staff_token().await;
    let id = body["id"].as_str().unwrap();
    let detail: Value = app
        .staff_get(&token, &format!("/api/staff/requests/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(detail["flags"]
        .as_array()
        .unwrap()
        .contains(&json!("order_differs")));
}

#[tokio::test]
async fn malformed_bodies_get_4xx_and_write_nothing() {
    let app = spawn_app().await;
    let order = app.order("DEMO-1003").await;
    let good = filing(
        order,
        json!({"type": "return", "reason": "changed_mind"}),
        now_minus(0),
    );
    let send_raw = |body: String, ct: &'static str| {
        app.client
            .post(app.url("/api/requests"))
            .header(header::CONTENT_TYPE, ct)
            .body(body)
            .send()
    };

    let (s, e) = error_code(
        send_raw("{not json".into(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, e["code"].as_str().unwrap()), (400, "invalid_json"));

    let (s, e) = error_code(send_raw(good.to_string(), "text/plain").await.unwrap()).await;
    assert_eq!(
        (s, e["code"].as_str().unwrap()),
        (415, "unsupported_media_type")
    );

    let big = format!("{{\"id\": \"{}\"}}", "x".repeat(400 * 1024));
    let (s, e) = error_code(send_raw(big, "application/json").await.unwrap()).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (413, "payload_too_large"));

    let mut unknown = good.clone();
    unknown["extra"] = json!(1);
    let (s, e) = error_code(app.file(&unknown).await).await;
    assert_eq!(s, 400);
    assert_eq!(
        e["fields"],
        json!([{"field": "extra", "code": "unknown_field"}])
    );

    let mut nested = good.clone();
    nested["contact"]["email"] = json!("a@b.c");
    let (s, e) = error_code(app.file(&nested).await).await;
    assert_eq!(s, 400);
    assert_eq!(
        e["fields"][0],
        json!({"field": "contact.email", "code": "unknown_field"})
    );

    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("filed_at");
    let (s, e) = error_code(app.file(&missing).await).await;
    assert_eq!(s, 400);
    assert_eq!(
        e["fields"][0],
        json!({"field": "filed_at", "code": "missing"})
    );

    let mut wrong_type = good.clone();
    wrong_type["case"]["order"]["lines"][0]["quantity"] = json!("one");
    let (s, e) = error_code(app.file(&wrong_type).await).await;
    assert_eq!(s, 400);
    assert_eq!(e["code"], "invalid_body");
    assert!(e["fields"][0]["field"]
        .as_str()
        .unwrap()
        .starts_with("case.order.lines"));

    let mut invalid = good.clone();
    invalid["id"] = json!("not-a-uuid");
    invalid["filed_at"] = json!("yesterday");
    invalid["contact"]["phone"] = json!("call me");
    invalid["contact"]["name"] = json!("  ");
    invalid["description"] = json!("长".repeat(2001));
    let (s, e) = error_code(app.file(&invalid).await).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (422, "validation_failed"));
    let fields: Vec<&str> = e["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "id",
            "filed_at",
            "contact.name",
            "contact.phone",
            "description"
        ]
    );

    let mut bad_line = good.clone();
    bad_line["case"]["request"]["lines"] = json!(["99"]);
    let (s, e) = error_code(app.file(&bad_line).await).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (422, "unknown_line"));

    let mut nul = good.clone();
    nul["contact"]["name"] = json!("a\u{0}b");
    assert_eq!(error_code(app.file(&nul).await).await.0, 422);

    assert_eq!(app.count("requests").await, 0);
    assert_eq!(app.count("request_history").await, 0);
    assert_eq!(app.count("service_levels").await, 0);
    // And the good body still files.
    assert_eq!(app.file(&good).await.status(), 201);
}

#[tokio::test]
async fn stale_filings_can_be_refused_by_configuration() {
    let app = spawn_app_with(|c| c.reject_stale_filings = true).await;
    let order = app.order("DEMO-1002").await;
    let body = filing(order, json!({"type": "cancel"}), now_minus(73 * 3600));
    let r = app
        .client
        .post(app.url("/api/requests"))
        .header(header::ACCEPT_LANGUAGE, "en")
        .json(&body)
        .send()
        .await
        .unwrap();
    let (s, e) = error_code(r).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (422, "filed_at_expired"));
    assert!(e["message"].as_str().unwrap().contains("offline grace"));
    assert_eq!(app.count("requests").await, 0);
}

#[tokio::test]
async fn contact_fields_follow_the_contract_rules() {
    let app = spawn_app().await;
    let order = app.order("DEMO-1003").await;
    let request = json!({"type": "return", "reason": "changed_mind"});

    // The name limit is aftersales_contract::fields::NAME_MAX_CHARS (100), in characters.
    let mut long = filing(order.clone(), request.clone(), now_minus(0));
    long["contact"]["name"] = json!("王".repeat(101));
    let (s, e) = error_code(app.file(&long).await).await;
    assert_eq!(s, 422);
    assert_eq!(
        e["fields"],
        json!([{"field": "contact.name", "code": "too_long"}])
    );
    let mut longest = filing(order.clone(), request.clone(), now_minus(0));
    longest["contact"]["name"] = json!("王".repeat(100));
    assert_eq!(app.file(&longest).await.status(), 201);

    // A landline is not a phone the shop can call back on: refused like garbage.
    let mut landline = filing(order.clone(), request.clone(), now_minus(0));
    landline["contact"]["phone"] = json!("010-6552-9988");
    let (s, e) = error_code(app.file(&landline).await).await;
    assert_eq!(s, 422);
    assert_eq!(
        e["fields"],
        json!([{"field": "contact.phone", "code": "invalid"}])
    );

    // The order's phone typed with +86 and spaces is the order's phone: no flag.
    let mut spaced = filing(order, request, now_minus(0));
    spaced["contact"]["phone"] = json!("+86 138 0013 8000");
    let id = spaced["id"].as_str().unwrap().to_owned();
    assert_eq!(app.file(&spaced).await.status(), 201);
    let token = app.staff_token().await;
    let detail: Value = app
        .staff_get(&token, &format!("/api/staff/requests/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["flags"], json!([]), "{detail}");
}
