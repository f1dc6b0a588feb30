//! Staff: accounts, the queue and its filters.

use aftersales_rules::StaffRole;
use serde_json::{json, Value};

use crate::helpers::*;

#[tokio::test]
async fn add_staff_command_reads_the_password_from_stdin_and_sets_roles() {
    let app = spawn_app().await;
    let password = "a long enough secret";
    // A new account needs its roles; an unknown role is named.
    assert!(!add_staff_command(
        &app.database_url,
        "manager",
        password,
        &[]
    ));
    assert!(!add_staff_command(
        &app.database_url,
        "manager",
        password,
        &["--role", "boss"]
    ));
    assert!(add_staff_command(
        &app.database_url,
        "manager",
        password,
        &["--password-stdin", "--role", "store_manager,finance"]
    ));
    let credentials = json!({"username": "manager", "password": password});
    let login = || app.post_json("/api/staff/login", &credentials);
    let roles = || async { login().await.json::<Value>().await.unwrap()["roles"].clone() };
    assert_eq!(roles().await, json!(["store_manager", "finance"]));
    // A new password alone keeps the roles; roles given replace them.
    assert!(add_staff_command(
        &app.database_url,
        "manager",
        password,
        &[]
    ));
    assert_eq!(roles().await, json!(["store_manager", "finance"]));
    assert!(add_staff_command(
        &app.database_url,
        "manager",
        password,
        &["--role", "general_manager", "--role", "admin"]
    ));
    assert_eq!(roles().await, json!(["general_manager", "admin"]));
}

/// Moves request `id` to `to` as the holder of `token`; the status and error code.
async fn move_as(app: &TestApp, token: &str, id: &str, to: &str) -> (u16, Value) {
    let r = app
        .staff_post(
            token,
            &format!("/api/staff/requests/{id}/transition"),
            &json!({ "to": to }),
        )
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn each_step_is_moved_by_its_own_role_and_nobody_skips_an_approval() {
    let app = spawn_app().await;
    let filed = app.file_ok("DEMO-1001", json!({"type": "cancel"})).await;
    let id = filed["id"].as_str().unwrap();
    let steps: Vec<String> = serde_json::from_value(filed["decision"]["steps"].clone()).unwrap();
    assert_eq!(
        steps,
        [
            "record_reason",
            "retention_offer",
            "cancellation_form",
            "customer_signature",
            "general_manager_approval",
            "service_centre_notified",
            "finance_filing",
            "refund"
        ]
    );
    let desk = app.staff_token_as("desk", &[StaffRole::FrontDesk]).await;
    let manager = app
        .staff_token_as("manager", &[StaffRole::StoreManager])
        .await;
    let gm = app.staff_token_as("gm", &[StaffRole::GeneralManager]).await;
    let finance = app.staff_token_as("finance", &[StaffRole::Finance]).await;
    let admin = app.staff_token_as("admin", &[StaffRole::Admin]).await;

    // The detail names each step's role, for the console to offer only those.
    let detail = app.staff_detail(&desk, id).await;
    assert_eq!(
        detail["step_roles"]["general_manager_approval"],
        "general_manager"
    );
    assert_eq!(detail["step_roles"]["refund"], "finance");

    let forbidden = |(status, body): (u16, Value)| {
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("forbidden")),
            "{body}"
        );
        assert_eq!(body["error"]["message"], "您的岗位无权办理这一步。");
        body["error"]["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(forbidden(move_as(&app, &finance, id, "record_reason").await).contains("front_desk"));
    assert!(forbidden(move_as(&app, &admin, id, "record_reason").await).contains("front_desk"));
    assert_eq!(move_as(&app, &desk, id, "customer_signature").await.0, 200);
    // The desk cannot skip the general manager's approval, nor can the store
    // manager give it; the finance department cannot file before it either.
    assert!(
        forbidden(move_as(&app, &desk, id, "service_centre_notified").await)
            .contains("general_manager")
    );
    forbidden(move_as(&app, &manager, id, "general_manager_approval").await);
    forbidden(move_as(&app, &finance, id, "finance_filing").await);
    assert_eq!(
        move_as(&app, &gm, id, "general_manager_approval").await.0,
        200
    );
    assert_eq!(
        move_as(&app, &desk, id, "service_centre_notified").await.0,
        200
    );
    assert_eq!(move_as(&app, &finance, id, "refund").await.0, 200);
    // Closing is the desk's or a manager's, not finance's or an administrator's;
    // a refused move changed nothing.
    forbidden(move_as(&app, &finance, id, "closed").await);
    forbidden(move_as(&app, &admin, id, "closed").await);
    let detail = app.staff_detail(&desk, id).await;
    assert_eq!(
        (detail["status"].as_str(), detail["step"].as_str()),
        (Some("in_progress"), Some("refund"))
    );
    assert_eq!(move_as(&app, &desk, id, "closed").await.0, 200);
    // Who did what is in the trail.
    let actors: Vec<&str> = detail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "transition")
        .map(|a| a["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["desk", "gm", "desk", "finance"]);
}

#[tokio::test]
async fn only_a_manager_rejects() {
    let app = spawn_app().await;
    let filed = app.file_ok("DEMO-1004", json!({"type": "repair"})).await;
    let id = filed["id"].as_str().unwrap();
    let desk = app.staff_token_as("desk", &[StaffRole::FrontDesk]).await;
    let centre = app
        .staff_token_as("centre", &[StaffRole::ServiceCentre])
        .await;
    let head = app
        .staff_token_as("head", &[StaffRole::OperationsHead])
        .await;
    for token in [&desk, &centre] {
        let (status, body) = move_as(&app, token, id, "rejected").await;
        assert_eq!(status, 403, "{body}");
    }
    // Permitted, a refusal still needs its reason: the customer reads it.
    let (status, body) = move_as(&app, &head, id, "rejected").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "note", "{body}");
    assert_eq!(body["error"]["fields"][0]["code"], "required", "{body}");
    let path = format!("/api/staff/requests/{id}/transition");
    for (note, expected) in [("  ", 422), ("超出保修范围", 200)] {
        let body = json!({"to": "rejected", "note": note});
        let r = app.staff_post(&head, &path, &body).await;
        assert_eq!(r.status(), expected, "{note:?}");
    }
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
