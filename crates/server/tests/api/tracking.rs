//! The customer's view of a request as staff move it, and feedback.

use serde_json::{json, Value};

use crate::helpers::*;

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
async fn a_retyped_tracking_code_finds_the_request_and_a_wrong_one_does_not() {
    let app = spawn_app().await;
    let filed = app
        .file_ok(
            "DEMO-1003",
            json!({"type": "return", "reason": "changed_mind"}),
        )
        .await;
    let id = filed["id"].as_str().unwrap();
    let code = filed["tracking_code"].as_str().unwrap();
    // Lower case with a dash and a space, as read aloud and retyped.
    let retyped = format!("{}-{}%20", &code[..4].to_lowercase(), &code[4..]);
    let r = app.get(&format!("/api/requests/{id}?code={retyped}")).await;
    assert_eq!(r.status(), 200);
    let view: Value = r.json().await.unwrap();
    assert_eq!(view["status"], "received");
    assert_eq!(view["type"], "return");
    assert_eq!(view["history"][0]["status"], "received");
    assert!(view["history"][0].get("step").is_none());
    let wrong = app.get(&format!("/api/requests/{id}?code=22222222")).await;
    assert_eq!(error_code(wrong).await.1["code"], "request_not_found");
}
