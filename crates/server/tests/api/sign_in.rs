//! The staff console's sign-in: the session cookie, CSRF, sign-out, and slowing
//! down and locking after failures.

use std::time::{Duration, Instant};

use aftersales_rules::StaffRole;
use reqwest::header;
use serde_json::{json, Value};

use crate::helpers::*;

const PASSWORD: &str = "correct horse battery";

/// Signs `user` in at the console's endpoint: the response.
async fn open_session(app: &TestApp, user: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/staff/session",
        &json!({"username": user, "password": password}),
    )
    .await
}

/// The `name=value` of the session cookie set by `r`, and the whole header.
fn session_cookie(r: &reqwest::Response) -> (String, String) {
    let set = r
        .headers()
        .get(header::SET_COOKIE)
        .expect("a Set-Cookie")
        .to_str()
        .unwrap()
        .to_owned();
    (set.split(';').next().unwrap().to_owned(), set)
}

#[tokio::test]
async fn the_console_session_is_an_http_only_strict_cookie_and_changes_need_its_csrf_token() {
    let app = spawn_app().await;
    app.staff_token_as("desk", &[StaffRole::FrontDesk]).await;
    let id = app.file_ok("DEMO-1001", json!({"type": "cancel"})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let r = open_session(&app, "desk", PASSWORD).await;
    assert_eq!(r.status(), 200);
    let (cookie, set) = session_cookie(&r);
    assert!(cookie.starts_with("aftersales_staff="), "{set}");
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/staff",
        "Max-Age=43200",
    ] {
        assert!(set.contains(attribute), "{attribute} in {set}");
    }
    // Not over plain http (the test server's); a proxy saying https gets Secure
    // only where the server trusts it (not here).
    assert!(!set.contains("Secure"), "{set}");
    let session: Value = r.json().await.unwrap();
    assert_eq!(session["username"], "desk");
    assert_eq!(session["roles"], json!(["front_desk"]));
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(csrf.len(), 32);
    assert!(
        session.get("token").is_none(),
        "the page never sees the secret"
    );

    // Reading needs only the cookie.
    let get = |path: String| {
        app.client
            .get(app.url(&path))
            .header(header::COOKIE, &cookie)
            .send()
    };
    let me: Value = get("/api/staff/session".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["username"].as_str(), me["csrf_token"].as_str()),
        (Some("desk"), Some(csrf.as_str()))
    );
    assert_eq!(
        get(format!("/api/staff/requests/{id}"))
            .await
            .unwrap()
            .status(),
        200
    );

    let transition = format!("/api/staff/requests/{id}/transition");
    let step = json!({"to": "record_reason"});
    // A forged change: another site's form posts with the cookie (a browser
    // sends it with a top-level form post when SameSite is lax; a CSRF token
    // stops it either way), or a script without the token, or a wrong one.
    let form = app
        .client
        .post(app.url(&transition))
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("to=record_reason")
        .send()
        .await
        .unwrap();
    let (status, error) = error_code(form).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (403, Some("csrf_rejected"))
    );
    for token in [None, Some("0".repeat(32))] {
        let mut post = app
            .client
            .post(app.url(&transition))
            .header(header::COOKIE, &cookie)
            .json(&step);
        if let Some(t) = token {
            post = post.header("x-csrf-token", t);
        }
        let (status, error) = error_code(post.send().await.unwrap()).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (403, Some("csrf_rejected"))
        );
    }
    let detail: Value = get(format!("/api/staff/requests/{id}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["status"], "received", "nothing changed");

    let moved = app
        .client
        .post(app.url(&transition))
        .header(header::COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .json(&step)
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 200);

    // Signing out ends the session and clears the cookie.
    let out = app
        .client
        .delete(app.url("/api/staff/session"))
        .header(header::COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    let (_, cleared) = session_cookie(&out);
    assert!(
        cleared.starts_with("aftersales_staff=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert_eq!(
        get("/api/staff/session".into()).await.unwrap().status(),
        401
    );
}

#[tokio::test]
async fn repeated_failures_slow_down_then_lock_the_name_whether_or_not_it_exists() {
    let app = spawn_app().await;
    app.staff_token_as("desk", &[StaffRole::FrontDesk]).await;
    let mut answers = Vec::new();
    for user in ["desk", "nobody-here"] {
        let mut statuses = Vec::new();
        for attempt in 1..=5 {
            let started = Instant::now();
            let r = open_session(&app, user, "wrong password").await;
            statuses.push(r.status().as_u16());
            if attempt == 5 {
                // The fifth failure waited (four before it).
                assert!(
                    started.elapsed() >= Duration::from_millis(1_500),
                    "{:?}",
                    started.elapsed()
                );
            }
        }
        // Locked now: the right password does not open it either.
        let r = open_session(&app, user, PASSWORD).await;
        statuses.push(r.status().as_u16());
        let retry: u64 = r.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((800..=900).contains(&retry), "{retry}");
        let (_, error) = error_code(r).await;
        assert_eq!(error["code"], "rate_limited");
        answers.push(statuses);
    }
    // The same answers for an account and for a name without one.
    assert_eq!(answers[0], [401, 401, 401, 401, 401, 429]);
    assert_eq!(answers[0], answers[1]);
    // Other names from this client still sign in; the scripts' login shares the lock.
    app.staff_token_as("manager", &[StaffRole::StoreManager])
        .await;
    let r = app
        .post_json(
            "/api/staff/login",
            &json!({"username": "desk", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), 429);
    // Every failure is in the audit trail.
    let failures: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(failures, 10);
}

#[tokio::test]
async fn a_client_that_tries_many_names_is_locked_out() {
    let app = spawn_app().await;
    app.staff_token_as("desk", &[StaffRole::FrontDesk]).await;
    // Twenty different names, at once (so that the test does not wait for each
    // slowed-down answer).
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..20 {
        let post = app
            .client
            .post(app.url("/api/staff/session"))
            .json(&json!({"username": format!("guess{i}"), "password": "wrong password"}));
        attempts.spawn(async move { post.send().await.expect("request").status() });
    }
    let statuses = attempts.join_all().await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    // Now even a real account with its right password is refused to this client.
    let r = open_session(&app, "desk", PASSWORD).await;
    assert_eq!(r.status(), 429);
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_its_sessions_end() {
    let app = spawn_app().await;
    let token = app.staff_token_as("desk", &[StaffRole::FrontDesk]).await;
    sqlx::query("UPDATE staff SET disabled_at = 1 WHERE username = 'desk'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        app.staff_get(&token, "/api/staff/requests").await.status(),
        401
    );
    assert_eq!(open_session(&app, "desk", PASSWORD).await.status(), 401);
}
