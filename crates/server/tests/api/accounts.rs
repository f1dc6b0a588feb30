//! Accounts managed by the administrator in the console.

use aftersales_rules::StaffRole;
use serde_json::{json, Value};

use crate::helpers::*;

async fn patch(app: &TestApp, token: &str, user: &str, body: &Value) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/api/staff/accounts/{user}")))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn login(app: &TestApp, user: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/staff/login",
        &json!({"username": user, "password": password}),
    )
    .await
}

#[tokio::test]
async fn the_administrator_adds_changes_and_disables_accounts() {
    let app = spawn_app().await;
    let admin = app.staff_token_as("root", &[StaffRole::Admin]).await;
    let desk = app.staff_token_as("desk", &[StaffRole::FrontDesk]).await;

    // Only an administrator sees or changes accounts.
    let (s, e) = error_code(app.staff_get(&desk, "/api/staff/accounts").await).await;
    assert_eq!((s, e["code"].as_str()), (403, Some("forbidden")));
    let new = json!({"username": "lin.mei", "password": "eight chars", "roles": ["finance"]});
    let (s, _) = error_code(app.staff_post(&desk, "/api/staff/accounts", &new).await).await;
    assert_eq!(s, 403);

    let r = app.staff_post(&admin, "/api/staff/accounts", &new).await;
    assert_eq!(r.status(), 201);
    let list: Value = r.json().await.unwrap();
    let names: Vec<&str> = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["desk", "lin.mei", "root"]);
    let r = login(&app, "lin.mei", "eight chars").await;
    assert_eq!(r.status(), 200);
    let token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.staff_get(&token, "/api/staff/requests").await.status(),
        200
    );

    let (s, e) = error_code(app.staff_post(&admin, "/api/staff/accounts", &new).await).await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (409, Some("username"))
    );
    let bad = json!({"username": "a b", "password": "short", "roles": ["boss"]});
    let (s, e) = error_code(app.staff_post(&admin, "/api/staff/accounts", &bad).await).await;
    let fields: Vec<&str> = e["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!((s, fields), (422, vec!["username", "password", "roles[0]"]));

    // New roles apply to the open session at once.
    let r = patch(
        &app,
        &admin,
        "lin.mei",
        &json!({"roles": ["finance", "store_manager"]}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let me: Value = app
        .staff_get(&token, "/api/staff/session")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"], json!(["store_manager", "finance"]), "{me}");

    // Disabling ends the sessions and the sign-ins; enabling lets them in again.
    assert_eq!(
        patch(&app, &admin, "lin.mei", &json!({"disabled": true}))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.staff_get(&token, "/api/staff/requests").await.status(),
        401
    );
    assert_eq!(login(&app, "lin.mei", "eight chars").await.status(), 401);
    let list: Value = app
        .staff_get(&admin, "/api/staff/accounts")
        .await
        .json()
        .await
        .unwrap();
    let account = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "lin.mei")
        .unwrap()
        .clone();
    assert!(account["disabled_at"].is_string(), "{account}");
    let r = patch(
        &app,
        &admin,
        "lin.mei",
        &json!({"disabled": false, "password": "a new password"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(login(&app, "lin.mei", "eight chars").await.status(), 401);
    assert_eq!(login(&app, "lin.mei", "a new password").await.status(), 200);

    // The administrator cannot lock themselves out.
    let (s, _) = error_code(patch(&app, &admin, "root", &json!({"disabled": true})).await).await;
    assert_eq!(s, 409);
    let (s, _) =
        error_code(patch(&app, &admin, "root", &json!({"roles": ["finance"]})).await).await;
    assert_eq!(s, 409);
    let (s, _) = error_code(patch(&app, &admin, "nobody", &json!({"disabled": true})).await).await;
    assert_eq!(s, 404);
    let audit: Value = app
        .staff_get(&admin, "/api/staff/audit")
        .await
        .json()
        .await
        .unwrap();
    let text = audit.to_string();
    assert!(
        text.contains("staff_added") && text.contains("staff_changed"),
        "{text}"
    );
}
