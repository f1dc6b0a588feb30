//! Working a request without moving it: internal notes and service levels.

use serde_json::{json, Value};

use crate::helpers::*;

#[tokio::test]
async fn an_internal_note_stays_with_staff_and_a_customer_note_reaches_the_customer() {
    let app = spawn_app().await;
    let token = app.staff_token().await;
    let filed = app.file_ok("DEMO-1004", json!({"type": "repair"})).await;
    let id = filed["id"].as_str().unwrap();
    let code = filed["tracking_code"].as_str().unwrap();
    let notes = format!("/api/staff/requests/{id}/notes");

    let r = app
        .staff_post(&token, &notes, &json!({"body": "  客户脾气急，先打电话  "}))
        .await;
    assert_eq!(r.status(), 200);
    let detail: Value = r.json().await.unwrap();
    assert_eq!(detail["internal_notes"][0]["body"], "客户脾气急，先打电话");
    assert_eq!(detail["internal_notes"][0]["author"], "agent");
    assert!(detail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["action"] == "internal_note"));

    let r = app
        .staff_post(
            &token,
            &format!("/api/staff/requests/{id}/transition"),
            &json!({"to": "repair_notice", "note": "已登记，服务中心会联系您"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let tracking = app
        .get(&format!("/api/requests/{id}?code={code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(tracking.contains("已登记，服务中心会联系您"), "{tracking}");
    assert!(!tracking.contains("脾气"), "{tracking}");

    for (body, field) in [
        (json!({"body": "   "}), "body"),
        (json!({"body": "长".repeat(2001)}), "body"),
    ] {
        let (s, e) = error_code(app.staff_post(&token, &notes, &body).await).await;
        assert_eq!((s, e["fields"][0]["field"].as_str()), (422, Some(field)));
    }
    let (s, _) = error_code(
        app.staff_post(&token, &notes, &json!({"body": "x", "public": true}))
            .await,
    )
    .await;
    assert_eq!(s, 400);
    let (s, _) = error_code(
        app.staff_post(
            &token,
            "/api/staff/requests/00000000-0000-4000-8000-000000000000/notes",
            &json!({"body": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn service_levels_are_marked_met_and_events_recorded_without_a_move() {
    let app = spawn_app().await;
    let token = app.staff_token().await;
    let late = filing(
        app.order("DEMO-1003").await,
        json!({"type": "complaint", "about": "service"}),
        now_minus(40 * 60),
    );
    let late: Value = app.file(&late).await.json().await.unwrap();
    let id = late["id"].as_str().unwrap();
    let path = format!("/api/staff/requests/{id}/service-levels");
    let queue_row = || async {
        let v: Value = app
            .staff_get(&token, "/api/staff/requests?status=received")
            .await
            .json()
            .await
            .unwrap();
        v["requests"][0].clone()
    };
    assert_eq!(queue_row().await["next_due_level"], "first_response");

    let r = app
        .staff_post(&token, &path, &json!({"met": ["first_response"]}))
        .await;
    assert_eq!(r.status(), 200);
    let detail: Value = r.json().await.unwrap();
    assert_eq!(detail["status"], "received", "a record is not a move");
    let met = detail["service_levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["what"] == "first_response")
        .unwrap()
        .clone();
    assert!(met["met"].is_string(), "{met}");
    assert_eq!(queue_row().await["next_due_level"], "verification");

    for (body, field) in [
        (json!({"met": ["nap"]}), "met[0]"),
        (json!({"events": ["request"]}), "events[0]"),
        (json!({}), "met"),
    ] {
        let (s, e) = error_code(app.staff_post(&token, &path, &body).await).await;
        assert_eq!(
            (s, e["fields"][0]["field"].as_str()),
            (422, Some(field)),
            "{body}"
        );
    }

    // A product complaint's follow-up counts from the event "resolved".
    let product = app
        .file_ok(
            "DEMO-1009",
            json!({"type": "complaint", "about": "product"}),
        )
        .await;
    let pid = product["id"].as_str().unwrap();
    let r = app
        .staff_post(
            &token,
            &format!("/api/staff/requests/{pid}/service-levels"),
            &json!({"events": ["resolved"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let detail: Value = r.json().await.unwrap();
    let followup = detail["service_levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["after"] == "resolved")
        .unwrap()
        .clone();
    assert!(followup["due"].is_string(), "{followup}");
    assert!(detail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["action"] == "service_levels"));

    let r = app
        .staff_post(
            &token,
            &format!("/api/staff/requests/{id}/transition"),
            &json!({"to": "rejected", "note": "订单已出库，无法取消"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let (s, e) = error_code(
        app.staff_post(&token, &path, &json!({"met": ["verification"]}))
            .await,
    )
    .await;
    assert_eq!((s, e["code"].as_str()), (409, Some("request_closed")));
}
