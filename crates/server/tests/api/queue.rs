//! The staff queue: tabs, what waits for each role, the order of service levels
//! due, filters, search, the tabs' counts, and the queue columns of old rows.

use aftersales_rules::StaffRole;
use serde_json::{json, Value};

use crate::helpers::*;

fn ids(v: &Value) -> Vec<String> {
    v["requests"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let r = app
        .staff_get(token, &format!("/api/staff/requests{query}"))
        .await;
    assert_eq!(r.status(), 200, "{query}");
    r.json().await.unwrap()
}

async fn move_to(app: &TestApp, token: &str, id: &str, to: &str) {
    let r = app
        .staff_post(
            token,
            &format!("/api/staff/requests/{id}/transition"),
            &json!({ "to": to }),
        )
        .await;
    assert_eq!(
        r.status(),
        200,
        "{to}: {}",
        r.text().await.unwrap_or_default()
    );
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_queue_waits_for_each_role_sorts_by_the_next_level_due_and_searches() {
    let app = spawn_app().await;
    // Filed 40 minutes ago: the 15-minute first response is missed.
    let late = filing(
        app.order("DEMO-1003").await,
        json!({"type": "complaint", "about": "service"}),
        now_minus(40 * 60),
    );
    let late: Value = app.file(&late).await.json().await.unwrap();
    // Filed 30 minutes ago: the one-hour first response is due within the hour.
    let soon = filing(
        app.order("DEMO-1009").await,
        json!({"type": "complaint", "about": "product"}),
        now_minus(30 * 60),
    );
    let soon: Value = app.file(&soon).await.json().await.unwrap();
    let repair = app.file_ok("DEMO-1004", json!({"type": "repair"})).await;
    let cancel = app.file_ok("DEMO-1001", json!({"type": "cancel"})).await;
    let (late_id, soon_id, repair_id, cancel_id) =
        (id_of(&late), id_of(&soon), id_of(&repair), id_of(&cancel));

    let desk = app.staff_token_as("desk", &[StaffRole::FrontDesk]).await;
    let gm = app.staff_token_as("gm", &[StaffRole::GeneralManager]).await;
    let finance = app.staff_token_as("finance", &[StaffRole::Finance]).await;
    let admin = app.staff_token_as("admin", &[StaffRole::Admin]).await;

    // The new tab in the order the service levels fall due; the row names the level.
    let new = list(&app, &desk, "?status=received").await;
    let order = ids(&new);
    assert_eq!(order[..2], [late_id.clone(), soon_id.clone()]);
    // Filed in the same second, these two are due at the same instant.
    let mut rest = order[2..].to_vec();
    rest.sort();
    let mut expected = vec![repair_id.clone(), cancel_id.clone()];
    expected.sort();
    assert_eq!(rest, expected);
    let first = &new["requests"][0];
    assert_eq!(first["next_due_level"], "first_response");
    assert_eq!(first["overdue"], true);
    assert_eq!(first["waiting_for"], json!(["front_desk"]));
    assert_eq!(first["tracking_code"], late["tracking_code"]);
    assert_eq!(new["has_more"], false);
    assert_eq!(
        list(&app, &desk, "?status=received&limit=2").await["has_more"],
        true
    );

    assert_eq!(
        ids(&list(&app, &desk, "?overdue=true").await),
        std::slice::from_ref(&late_id)
    );
    assert_eq!(
        ids(&list(&app, &desk, "?due_within_minutes=60").await),
        std::slice::from_ref(&soon_id)
    );
    let outcome = cancel["decision"]["outcome"].as_str().unwrap();
    let same_outcome = list(&app, &desk, &format!("?outcome={outcome}")).await;
    assert!(ids(&same_outcome).contains(&cancel_id));
    assert!(same_outcome["requests"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["outcome"] == outcome));

    // Search by tracking code (as retyped), order number and phone, in any tab.
    let code = cancel["tracking_code"].as_str().unwrap().to_lowercase();
    assert_eq!(
        ids(&list(&app, &desk, &format!("?q={code}")).await),
        std::slice::from_ref(&cancel_id)
    );
    assert_eq!(
        ids(&list(&app, &desk, "?q=%20demo-1004%20").await),
        std::slice::from_ref(&repair_id)
    );
    assert_eq!(
        ids(&list(&app, &desk, "?q=138%200013%208000").await).len(),
        4
    );
    assert!(ids(&list(&app, &desk, "?q=SO-0000").await).is_empty());

    // Every first step is the front desk's: nothing waits for the others.
    assert_eq!(ids(&list(&app, &desk, "?waiting=true").await).len(), 4);
    assert!(ids(&list(&app, &gm, "?waiting=true").await).is_empty());
    assert!(ids(&list(&app, &admin, "?waiting=true").await).is_empty());

    // The desk takes the cancellation to the signature: now the general manager's.
    move_to(&app, &desk, &cancel_id, "customer_signature").await;
    assert_eq!(
        ids(&list(&app, &gm, "?waiting=true").await),
        std::slice::from_ref(&cancel_id)
    );
    assert!(!ids(&list(&app, &desk, "?waiting=true").await).contains(&cancel_id));
    let row = &list(&app, &gm, "?status=in_progress").await["requests"][0];
    assert_eq!(row["waiting_for"], json!(["general_manager"]));

    let counts: Value = app
        .staff_get(&desk, "/api/staff/queue-counts")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            &counts["new"],
            &counts["in_progress"],
            &counts["waiting"],
            &counts["overdue"]
        ),
        (&json!(3), &json!(1), &json!(3), &json!(1))
    );

    // With every step done it waits for those who may close it.
    move_to(&app, &gm, &cancel_id, "general_manager_approval").await;
    move_to(&app, &desk, &cancel_id, "service_centre_notified").await;
    move_to(&app, &finance, &cancel_id, "refund").await;
    assert!(ids(&list(&app, &desk, "?waiting=true").await).contains(&cancel_id));
    assert!(ids(&list(&app, &desk, "?waiting=true&status=received").await).len() == 3);
    assert!(ids(&list(&app, &finance, "?waiting=true").await).is_empty());
    let row = list(&app, &desk, "?status=in_progress").await;
    let closers: Vec<&str> = StaffRole::CLOSERS.iter().map(|r| r.as_str()).collect();
    assert_eq!(row["requests"][0]["waiting_for"], json!(closers));
    move_to(&app, &desk, &cancel_id, "closed").await;
    let closed = list(&app, &desk, "?status=closed").await;
    assert_eq!(ids(&closed), std::slice::from_ref(&cancel_id));
    assert_eq!(closed["requests"][0]["waiting_for"], json!([]));
    assert!(!ids(&list(&app, &desk, "?waiting=true").await).contains(&cancel_id));

    for bad in ["?outcome=maybe", "?due_within_minutes=0", "?status=unknown"] {
        let (s, _) = error_code(
            app.staff_get(&desk, &format!("/api/staff/requests{bad}"))
                .await,
        )
        .await;
        assert_eq!(s, 400, "{bad}");
    }
}

#[tokio::test]
async fn requests_stored_before_the_queue_columns_get_them_at_start() {
    let app = spawn_app().await;
    let token = app.staff_token().await;
    let filed = app.file_ok("DEMO-1004", json!({"type": "repair"})).await;
    let before = list(&app, &token, "?status=received").await;
    sqlx::query(
        "UPDATE requests SET keyed = 0, outcome = NULL, phone = NULL, next_role = NULL, \
         next_due_what = NULL, due_sort = 9223372036854775807",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    assert!(ids(&list(&app, &token, "?q=13800138000").await).is_empty());
    let policy = aftersales_rules::Policy::default_policy();
    let filled = aftersales_server::store::queue::fill_keys(&app.db, &policy)
        .await
        .unwrap();
    assert_eq!(filled, 1);
    assert_eq!(
        ids(&list(&app, &token, "?q=13800138000").await),
        [id_of(&filed)]
    );
    assert_eq!(list(&app, &token, "?status=received").await, before);
}
