//! Black-box HTTP tests of the backend (API.md), run against SQLite by default
//! and against PostgreSQL when `TEST_DATABASE_URL` is set (scripts/test-server.sh).

mod common;

use common::*;
use reqwest::header;
use serde_json::{json, Value};

// ---------------------------------------------------------------- platform

#[tokio::test]
async fn health_names_the_database() {
    let app = spawn_app().await;
    let r = app.get("/api/health").await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"status": "ok", "database": app.backend()}));
}

#[tokio::test]
async fn policy_is_served_with_its_version() {
    let app = spawn_app().await;
    let r = app.get("/api/policy").await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let expected = aftersales_rules::Policy::default_policy().version;
    assert_eq!(body["version"], json!(expected));
    assert_eq!(body["time_zone"], "Asia/Shanghai");
    assert_eq!(body["offline_grace_hours"], 72);
}

#[tokio::test]
async fn openapi_document_lists_the_routes() {
    let app = spawn_app().await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/health",
        "/api/policy",
        "/api/orders/{number}",
        "/api/requests",
        "/api/requests/{id}",
        "/api/requests/{id}/attachments",
        "/api/requests/{id}/feedback",
        "/api/staff/login",
        "/api/staff/requests",
        "/api/staff/requests/{id}/transition",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
}

#[tokio::test]
async fn security_headers_and_cors_allow_list() {
    let app = spawn_app_with(|c| c.allowed_origins = vec!["https://shop.example.com".into()]).await;
    let r = app.get("/api/health").await;
    let h = r.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'self' https://shop.example.com"),
        "{csp}"
    );
    assert!(
        csp.contains("'sha256-"),
        "inline loader allowed by hash: {csp}"
    );
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));

    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/requests"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let ok = preflight("https://shop.example.com").await.unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://shop.example.com"
    );
    let other = preflight("https://evil.example.net").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn portal_routes_fall_back_to_index_html() {
    let app = spawn_app().await;
    let r = app.get("/track/ABC").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), INDEX_HTML);
    let r = app.get("/app.js").await;
    assert_eq!(r.status(), 200);
    // Unknown API paths are JSON 404s, not the portal.
    let (status, e) = error_code(app.get("/api/nothing-here").await).await;
    assert_eq!((status, e["code"].as_str().unwrap()), (404, "not_found"));
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/api/openapi.json"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn wrong_method_gets_the_error_shape() {
    let app = spawn_app().await;
    let r = app
        .client
        .delete(app.url("/api/requests"))
        .send()
        .await
        .unwrap();
    let (status, e) = error_code(r).await;
    assert_eq!(status, 405);
    assert_eq!(e["code"], "method_not_allowed");
}

#[tokio::test]
async fn database_unavailable_is_503_with_retry_after() {
    let app = spawn_app().await;
    let order = app.order("DEMO-1001").await;
    app.db.pool.close().await;
    let r = app
        .file(&filing(order, json!({"type": "cancel"}), now_minus(0)))
        .await;
    assert_eq!(r.status(), 503);
    assert!(r.headers().get(header::RETRY_AFTER).is_some());
    let (_, e) = error_code(r).await;
    assert_eq!(e["code"], "service_unavailable");
    let r = app.get("/api/health").await;
    assert_eq!(r.status(), 503);
    assert!(r.headers().get(header::RETRY_AFTER).is_some());
}

#[tokio::test]
async fn graceful_shutdown_answers_requests_in_flight() {
    let mut app = spawn_app().await;
    let order = app.order("DEMO-1004").await;
    let mut pending = Vec::new();
    for _ in 0..20 {
        let body = filing(order.clone(), json!({"type": "repair"}), now_minus(0));
        let client = app.client.clone();
        let url = app.url("/api/requests");
        pending.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&body)
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let db = app.db.clone();
    app.stop().await;
    let mut created = 0;
    for p in pending {
        // Accepted connections get their answer; none is cut off with a 5xx.
        if let Ok(Ok(status)) = p.await {
            assert_eq!(status, 201);
            created += 1;
        }
    }
    // Every 201 is a stored row (the pool is closed: reopen to count).
    let reopened = open_db(&app.database_url).await;
    let rows: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) FROM requests")
            .fetch_one(&reopened.pool)
            .await
            .unwrap(),
        0,
    )
    .unwrap();
    assert_eq!(rows, created);
    drop(db);
}

// ---------------------------------------------------------------- orders

#[tokio::test]
async fn demo_orders_cover_every_kind_and_state() {
    let app = spawn_app().await;
    let mut kinds = std::collections::BTreeSet::new();
    let mut states = std::collections::BTreeSet::new();
    for n in 1001..=1012 {
        let order = app.order(&format!("DEMO-{n}")).await;
        states.insert(order["fulfilment"]["state"].as_str().unwrap().to_owned());
        for line in order["lines"].as_array().unwrap() {
            kinds.insert(line["kind"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "clearance",
            "custom",
            "regular",
            "self_pickup",
            "special_sale"
        ]
    );
    assert_eq!(
        states.into_iter().collect::<Vec<_>>(),
        ["delivered", "pending", "picked_up"]
    );
}

#[tokio::test]
async fn order_lookup_normalises_the_phone() {
    let app = spawn_app().await;
    for phone in ["13800138000", "+86%20138-0013-8000", "138%200013%208000"] {
        let r = app
            .get(&format!("/api/orders/DEMO-1003?phone={phone}"))
            .await;
        assert_eq!(r.status(), 200, "{phone}");
        let order: Value = r.json().await.unwrap();
        assert_eq!(order["number"], "DEMO-1003");
        assert_eq!(order["currency"], "CNY");
        assert_eq!(order["lines"][0]["unit_price"], 459900);
        assert!(order.get("phone").is_none(), "the phone is never echoed");
    }
}

#[tokio::test]
async fn unknown_order_and_wrong_phone_look_the_same() {
    let app = spawn_app().await;
    let wrong = app.get("/api/orders/DEMO-1003?phone=13900000000").await;
    let unknown = app.get("/api/orders/NOPE-1?phone=13800138000").await;
    let garbage = app.get("/api/orders/DEMO-1003?phone=abc").await;
    assert_eq!(wrong.status(), 404);
    assert_eq!(unknown.status(), 404);
    assert_eq!(garbage.status(), 404);
    let a = wrong.text().await.unwrap();
    assert_eq!(a, unknown.text().await.unwrap());
    assert_eq!(a, garbage.text().await.unwrap());
    let missing = app.get("/api/orders/DEMO-1003").await;
    assert_eq!(error_code(missing).await.0, 400);
}

#[tokio::test]
async fn messages_follow_accept_language() {
    let app = spawn_app().await;
    let get = |lang: &'static str| {
        app.client
            .get(app.url("/api/orders/NOPE?phone=1"))
            .header(header::ACCEPT_LANGUAGE, lang)
            .send()
    };
    let (_, en) = error_code(get("en-GB,en;q=0.9").await.unwrap()).await;
    let (_, zh) = error_code(get("zh-CN").await.unwrap()).await;
    let (_, default) = error_code(app.get("/api/orders/NOPE?phone=1").await).await;
    assert!(en["message"].as_str().unwrap().starts_with("No order"));
    assert!(zh["message"].as_str().unwrap().contains("订单"));
    assert_eq!(zh["message"], default["message"]);
}

#[tokio::test]
async fn order_lookup_is_rate_limited() {
    let app = spawn_app_with(|c| c.lookup_rate_per_minute = 3).await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/orders/NOPE?phone=1").await.status(), 404);
    }
    let r = app.get("/api/orders/DEMO-1001?phone=13800138000").await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().get(header::RETRY_AFTER).is_some());
    assert_eq!(error_code(r).await.1["code"], "rate_limited");
}

#[tokio::test]
async fn import_orders_command_loads_a_csv() {
    let app = spawn_app().await;
    let csv = app.static_dir.join("orders.csv");
    std::fs::write(
        &csv,
        "order_number,ordered_at,phone,currency,fulfilment_state,fulfilment_at,line_id,sku,name,kind,quantity,unit_price\n\
         SO-9001,2026-11-01T10:00:00+08:00,+86 139 0000 0000,CNY,delivered,2026-11-03T15:00:00+08:00,1,SOFA,沙发,regular,1,599900\n\
         SO-9001,2026-11-01T10:00:00+08:00,+86 139 0000 0000,CNY,delivered,2026-11-03T15:00:00+08:00,2,LAMP,台灯,special_sale,2,9900\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aftersales-server"))
        .args(["import-orders", csv.to_str().unwrap()])
        .env("DATABASE_URL", &app.database_url)
        .env("LOG_FORMAT", "pretty")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "imported 1 orders (2 lines)"
    );
    let r = app.get("/api/orders/SO-9001?phone=13900000000").await;
    assert_eq!(r.status(), 200);
    let order: Value = r.json().await.unwrap();
    assert_eq!(order["lines"].as_array().unwrap().len(), 2);
    assert_eq!(order["fulfilment"]["at"], "2026-11-03T15:00:00+08:00");

    std::fs::write(&csv, "order_number,ordered_at\nSO-1,yesterday\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aftersales-server"))
        .args(["import-orders", csv.to_str().unwrap()])
        .env("DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

// ---------------------------------------------------------------- filing

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

// ---------------------------------------------------------------- attachments

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn png(n: u8) -> Vec<u8> {
    let mut v = PNG.to_vec();
    v.push(n);
    v
}

async fn upload(app: &TestApp, id: &str, code: &str, ct: &str, data: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/requests/{id}/attachments?code={code}")))
        .header(header::CONTENT_TYPE, ct)
        .body(data)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn photos_are_sniffed_limited_and_deduplicated() {
    let app = spawn_app().await;
    let filed = app.file_ok("DEMO-1006", json!({"type": "repair"})).await;
    let id = filed["id"].as_str().unwrap();
    let code = filed["tracking_code"].as_str().unwrap();

    let r = upload(&app, id, code, "image/png", png(0)).await;
    assert_eq!(r.status(), 201);
    let info: Value = r.json().await.unwrap();
    assert_eq!(
        (info["seq"].clone(), info["content_type"].clone()),
        (json!(1), json!("image/png"))
    );
    // The outbox retrying the same photo does not add a second copy.
    let r = upload(&app, id, code, "image/png", png(0)).await;
    assert_eq!(r.status(), 200);

    // Declared type is not trusted: content decides.
    let (s, e) =
        error_code(upload(&app, id, code, "image/jpeg", b"GIF89a....".to_vec()).await).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (415, "unsupported_image"));
    let (s, _) = error_code(upload(&app, id, code, "text/html", png(9)).await).await;
    assert_eq!(s, 415);

    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.resize(5 * 1024 * 1024 + 1, 0);
    let (s, e) = error_code(upload(&app, id, code, "image/jpeg", jpeg).await).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (413, "payload_too_large"));

    // Multipart form uploads work too (WebP here).
    let webp = b"RIFF\x10\0\0\0WEBPVP8 \0\0\0\0".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "photo",
        reqwest::multipart::Part::bytes(webp).file_name("p.webp"),
    );
    let r = app
        .client
        .post(app.url(&format!("/api/requests/{id}/attachments?code={code}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let info: Value = r.json().await.unwrap();
    assert_eq!(info["content_type"], "image/webp");

    for n in 1..=4 {
        assert_eq!(
            upload(&app, id, code, "image/png", png(n)).await.status(),
            201
        );
    }
    let (s, e) = error_code(upload(&app, id, code, "image/png", png(5)).await).await;
    assert_eq!(
        (s, e["code"].as_str().unwrap()),
        (409, "too_many_attachments")
    );
    assert_eq!(app.count("attachments").await, 6);

    assert_eq!(
        upload(&app, id, "WRONGCOD", "image/png", png(7))
            .await
            .status(),
        404
    );

    let token = app.staff_token().await;
    let r = app
        .staff_get(&token, &format!("/api/staff/requests/{id}/attachments/1"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), png(0).as_slice());
}

// ---------------------------------------------------------------- staff

#[tokio::test]
async fn staff_endpoints_need_a_valid_login() {
    let app = spawn_app().await;
    let (s, e) = error_code(app.get("/api/staff/requests").await).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (401, "unauthorized"));
    let (s, _) = error_code(app.staff_get("forged", "/api/staff/requests").await).await;
    assert_eq!(s, 401);
    let token = app.staff_token().await;
    let r = app
        .post_json(
            "/api/staff/login",
            &json!({"username": "agent", "password": "wrong password"}),
        )
        .await;
    let (s, e) = error_code(r).await;
    assert_eq!(
        (s, e["code"].as_str().unwrap()),
        (401, "invalid_credentials")
    );
    let r = app
        .post_json(
            "/api/staff/login",
            &json!({"username": "nobody", "password": "wrong password"}),
        )
        .await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        app.staff_get(&token, "/api/staff/requests").await.status(),
        200
    );
    let r = app
        .staff_post(&token, "/api/staff/logout", &json!({}))
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        app.staff_get(&token, "/api/staff/requests").await.status(),
        401
    );
}

#[tokio::test]
async fn add_staff_command_reads_the_password_from_stdin() {
    use std::io::Write;
    let app = spawn_app().await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_aftersales-server"))
        .args(["add-staff", "manager", "--password-stdin"])
        .env("DATABASE_URL", &app.database_url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough secret\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let r = app
        .post_json(
            "/api/staff/login",
            &json!({"username": "manager", "password": "a long enough secret"}),
        )
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn staff_move_a_request_through_its_steps_and_the_customer_sees_it() {
    let app = spawn_app().await;
    let filed = app
        .file_ok(
            "DEMO-1003",
            json!({"type": "return", "reason": "changed_mind"}),
        )
        .await;
    let id = filed["id"].as_str().unwrap();
    let code = filed["tracking_code"].as_str().unwrap();
    let steps: Vec<String> = serde_json::from_value(filed["decision"]["steps"].clone()).unwrap();
    assert_eq!(steps[0], "record_reason");
    let token = app.staff_token().await;
    let path = format!("/api/staff/requests/{id}/transition");

    let r = app
        .staff_post(
            &token,
            &path,
            &json!({"to": "record_reason", "note": "已记录原因"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let detail: Value = r.json().await.unwrap();
    assert_eq!(detail["status"], "in_progress");
    assert_eq!(detail["step"], "record_reason");
    assert_eq!(detail["next_steps"][0], steps[1]);
    assert!(
        detail["service_levels"][0]["met"].is_string(),
        "acknowledged"
    );

    // Skipping ahead is allowed; going back or to a foreign step is not.
    let r = app
        .staff_post(&token, &path, &json!({"to": steps[3]}))
        .await;
    assert_eq!(r.status(), 200);
    for bad in [steps[1].as_str(), "repair", "record_reason"] {
        let (s, e) = error_code(app.staff_post(&token, &path, &json!({"to": bad})).await).await;
        assert_eq!(
            (s, e["code"].as_str().unwrap()),
            (409, "invalid_transition"),
            "{bad}"
        );
    }
    let (s, _) = error_code(
        app.staff_post(&token, &path, &json!({"to": steps[4], "met": ["nonsense"]}))
            .await,
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = error_code(
        app.staff_post(&token, &path, &json!({"to": steps[4], "who": 1}))
            .await,
    )
    .await;
    assert_eq!(s, 400);

    // Feedback only once closed.
    let fb = format!("/api/requests/{id}/feedback?code={code}");
    let (s, e) = error_code(app.post_json(&fb, &json!({"rating": 5})).await).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (409, "not_closed"));

    let r = app
        .staff_post(
            &token,
            &path,
            &json!({"to": "closed", "note": "退款已完成"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let (s, e) = error_code(
        app.staff_post(&token, &path, &json!({"to": "rejected"}))
            .await,
    )
    .await;
    assert_eq!((s, e["code"].as_str().unwrap()), (409, "request_closed"));

    let view: Value = app
        .get(&format!("/api/requests/{id}?code={code}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "closed");
    let history = view["history"].as_array().unwrap();
    let statuses: Vec<&str> = history
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["received", "in_progress", "in_progress", "closed"]
    );
    assert_eq!(history[1]["note"], "已记录原因");
    assert_eq!(history[3]["note"], "退款已完成");
    assert!(
        history[1].get("actor").is_none(),
        "staff names stay internal"
    );

    let (s, e) = error_code(app.post_json(&fb, &json!({"rating": 6})).await).await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str().unwrap()),
        (422, "rating")
    );
    let r = app
        .post_json(&fb, &json!({"rating": 5, "comment": "很满意"}))
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .post_json(&fb, &json!({"rating": 5, "comment": "很满意"}))
        .await;
    assert_eq!(r.status(), 200);
    let (s, e) = error_code(app.post_json(&fb, &json!({"rating": 1})).await).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (409, "feedback_exists"));

    // The audit trail says who did what, when.
    let detail: Value = app
        .staff_get(&token, &format!("/api/staff/requests/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let audit = detail["audit"].as_array().unwrap();
    let transitions: Vec<&Value> = audit
        .iter()
        .filter(|a| a["action"] == "transition")
        .collect();
    assert_eq!(transitions.len(), 3);
    assert!(transitions
        .iter()
        .all(|a| a["actor"] == "agent" && a["at"].is_string()));
    assert_eq!(transitions[2]["detail"]["to"]["status"], "closed");
    assert_eq!(detail["feedback"]["rating"], 5);
    assert_eq!(detail["contact"]["phone"], PHONE);
    let trail: Value = app
        .staff_get(&token, &format!("/api/staff/audit?request_id={id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(trail.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn staff_list_filters_by_status_type_overdue_and_flagged() {
    let app = spawn_app().await;
    let token = app.staff_token().await;
    // A service complaint filed 40 minutes ago: the 15-minute response is overdue.
    let order = app.order("DEMO-1003").await;
    let late = filing(
        order,
        json!({"type": "complaint", "about": "service"}),
        now_minus(40 * 60),
    );
    assert_eq!(app.file(&late).await.status(), 201);
    let repair = app.file_ok("DEMO-1004", json!({"type": "repair"})).await;
    let cancel = app.file_ok("DEMO-1001", json!({"type": "cancel"})).await;

    let ids = |v: Value| -> Vec<String> {
        v["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = |q: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            let r = app
                .staff_get(&token, &format!("/api/staff/requests{q}"))
                .await;
            assert_eq!(r.status(), 200, "{q}");
            r.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(ids(list("").await).len(), 3);
    assert_eq!(
        ids(list("?type=repair").await),
        [repair["id"].as_str().unwrap()]
    );
    assert_eq!(
        ids(list("?overdue=true").await),
        [late["id"].as_str().unwrap()]
    );
    assert_eq!(ids(list("?overdue=false").await).len(), 2);
    assert_eq!(ids(list("?status=received&limit=2").await).len(), 2);
    assert!(ids(list("?status=closed").await).is_empty());
    assert!(ids(list("?flagged=true").await).is_empty());
    let summary = list("?overdue=true").await;
    assert_eq!(summary["requests"][0]["overdue"], true);

    let (s, e) = error_code(
        app.staff_get(&token, "/api/staff/requests?status=lost")
            .await,
    )
    .await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str().unwrap()),
        (400, "status")
    );
    let (s, _) = error_code(
        app.staff_get(&token, "/api/staff/requests?overdue=maybe")
            .await,
    )
    .await;
    assert_eq!(s, 400);

    // Meeting both response levels clears the overdue flag.
    let path = format!(
        "/api/staff/requests/{}/transition",
        late["id"].as_str().unwrap()
    );
    let r = app
        .staff_post(
            &token,
            &path,
            &json!({"to": "record_complaint", "met": ["first_response", "verification"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(ids(list("?overdue=true").await).is_empty());

    // Levels counted from a later event start when staff record it.
    let rid = repair["id"].as_str().unwrap();
    let followup = repair["due"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["what"] == "post_repair_followup")
        .unwrap()
        .clone();
    assert_eq!(followup["at"], Value::Null);
    assert_eq!(followup["after"], "item_returned");
    let r = app
        .staff_post(
            &token,
            &format!("/api/staff/requests/{rid}/transition"),
            &json!({"to": "return_to_customer", "events": ["item_returned"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let detail: Value = r.json().await.unwrap();
    let level = detail["service_levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["what"] == "post_repair_followup")
        .unwrap()
        .clone();
    assert!(level["due"].is_string(), "{level}");
    let _ = cancel;
}

#[tokio::test]
async fn sqlite_commits_are_durable() {
    let app = spawn_app().await;
    if app.backend() != "sqlite" {
        return;
    }
    use sqlx::Row;
    let mut conn = app.db.pool.acquire().await.unwrap();
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let sync: i64 = sqlx::query("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(
        sync, 2,
        "synchronous = FULL: the WAL is fsynced at every commit"
    );
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
