//! Security headers and CORS, error shapes of refused calls, look-ups that reveal nothing, rate limits, staff authentication.

use reqwest::header;
use serde_json::json;

use crate::helpers::*;

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

    // The portal's frame script talks only to these sites.
    let embed: serde_json::Value = app.get("/api/embed").await.json().await.unwrap();
    assert_eq!(
        embed,
        json!({"allowed_origins": ["https://shop.example.com"]})
    );
    assert!(
        h.get("x-frame-options").is_none(),
        "framing is up to frame-ancestors"
    );
}

#[tokio::test]
async fn without_embedding_sites_nobody_may_frame_the_portal() {
    let app = spawn_app().await;
    let r = app.get("/api/health").await;
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");
    let embed: serde_json::Value = app.get("/api/embed").await.json().await.unwrap();
    assert_eq!(embed, json!({"allowed_origins": []}));
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

    // A session ends at its expiry, whatever the client keeps.
    let token = app.staff_token().await;
    assert_eq!(
        app.staff_get(&token, "/api/staff/requests").await.status(),
        200
    );
    sqlx::query("UPDATE sessions SET expires_at = $1")
        .bind(aftersales_server::db::unix_now() - 1)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (s, e) = error_code(app.staff_get(&token, "/api/staff/requests").await).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (401, "unauthorized"));
}

#[tokio::test]
async fn the_log_holds_nothing_personal() {
    // The real binary with its JSON log at the most talkative level it ships.
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&dir).await;
    let server = ServerProcess::start(&database_url, dir.path());
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = |path: &str| format!("{}{path}", server.base);
    let order = json_of(client.get(url(&format!("/api/orders/DEMO-1003?phone={PHONE}")))).await;
    let mut body = filing(
        order,
        json!({"type": "return", "reason": "changed_mind"}),
        now_minus(0),
    );
    body["contact"] =
        json!({"name": "王秀英", "phone": "+86 139 1234 5678", "preferred_time": "周六上午"});
    body["description"] = json!("沙发腿松动，见照片");
    let filed = json_of(client.post(url("/api/requests")).json(&body)).await;
    let (id, code) = (
        filed["id"].as_str().unwrap().to_owned(),
        filed["tracking_code"].as_str().unwrap().to_owned(),
    );
    let tracked = client
        .get(url(&format!("/api/requests/{id}?code={code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(tracked.status(), 200);
    // A wrong code and a look-up with another phone are logged too.
    let _ = client
        .get(url(&format!("/api/requests/{id}?code=WRONG-CODE")))
        .send()
        .await;
    let _ = client
        .get(url("/api/orders/DEMO-1003?phone=13912345678"))
        .send()
        .await;
    let password = "s3cret horse battery";
    assert!(add_staff_command(
        &database_url,
        "agent",
        password,
        &["--role", "front_desk"]
    ));
    let session = json_of(
        client
            .post(url("/api/staff/login"))
            .json(&json!({"username": "agent", "password": password})),
    )
    .await;
    let token = session["token"].as_str().unwrap();
    let _ = client
        .post(url("/api/staff/login"))
        .json(&json!({"username": "agent", "password": "a wrong one"}))
        .send()
        .await;
    let detail = client
        .get(url(&format!("/api/staff/requests/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(detail.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let log = server.log();
    assert!(log.contains("request filed"), "the filing is logged: {log}");
    assert!(
        log.contains("/api/requests/{id}"),
        "routes, as templates: {log}"
    );
    for personal in [
        "13800138000",
        "138 0013 8000",
        "139 1234 5678",
        "13912345678",
        "王秀英",
        "周六上午",
        "沙发腿",
        &code,
        "WRONG-CODE",
        "DEMO-1003",
        password,
        "a wrong one",
        token,
    ] {
        assert!(
            !log.contains(personal),
            "the log holds {personal:?}:\n{log}"
        );
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    // Pages, scripts, an unknown page (the portal's index), the API, its errors.
    for path in [
        "/",
        "/index.html",
        "/app.js",
        "/no-such-page",
        "/api/health",
        "/api/no-such-thing",
        "/api/orders/DEMO-1001",
        "/api/staff/requests",
    ] {
        let r = app.get(path).await;
        let h = r.headers();
        for name in [
            "content-security-policy",
            "x-content-type-options",
            "referrer-policy",
            "permissions-policy",
            "x-frame-options",
        ] {
            assert!(h.get(name).is_some(), "{path} ({}): no {name}", r.status());
        }
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        for directive in ["default-src 'self'", "object-src 'none'", "frame-ancestors"] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp}");
        }
    }
}
