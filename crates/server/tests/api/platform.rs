//! Health, policy, OpenAPI, the built portal, compression, outages, shutdown, durability.

use reqwest::header;
use serde_json::{json, Value};

use crate::helpers::*;

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
