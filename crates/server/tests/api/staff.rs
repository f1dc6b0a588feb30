//! Staff: accounts, the queue and its filters.

use serde_json::{json, Value};

use crate::helpers::*;

#[tokio::test]
async fn add_staff_command_reads_the_password_from_stdin() {
    let app = spawn_app().await;
    assert!(add_staff_command(
        &app.database_url,
        "manager",
        "a long enough secret",
        &["--password-stdin"]
    ));
    let r = app
        .post_json(
            "/api/staff/login",
            &json!({"username": "manager", "password": "a long enough secret"}),
        )
        .await;
    assert_eq!(r.status(), 200);
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
