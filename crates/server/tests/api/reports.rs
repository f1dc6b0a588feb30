//! The queue as CSV and the dashboard's figures.

use serde_json::{json, Value};

use crate::helpers::*;

async fn csv(app: &TestApp, token: &str, query: &str, lang: &str) -> (u16, String, String) {
    let r = app
        .client
        .get(app.url(&format!("/api/staff/requests.csv{query}")))
        .bearer_auth(token)
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = r.bytes().await.unwrap();
    (
        status,
        kind,
        String::from_utf8(bytes.to_vec()).expect("UTF-8"),
    )
}

#[tokio::test]
async fn the_filtered_queue_exports_as_csv_with_a_byte_order_mark_and_chinese_intact() {
    let app = spawn_app().await;
    let token = app.staff_token().await;
    let cancel = app.file_ok("DEMO-1001", json!({"type": "cancel"})).await;
    let repair = app.file_ok("DEMO-1004", json!({"type": "repair"})).await;
    app.file_ok(
        "DEMO-1003",
        json!({"type": "complaint", "about": "service"}),
    )
    .await;

    let (status, kind, text) = csv(&app, &token, "", "zh-CN").await;
    assert_eq!(status, 200);
    assert_eq!(kind, "text/csv; charset=utf-8");
    assert!(text.starts_with('\u{feff}'), "no byte-order mark");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with("查询码,订单号,类型,结果"),
        "{}",
        lines[0]
    );
    let cancel_line = lines
        .iter()
        .find(|l| l.contains(cancel["tracking_code"].as_str().unwrap()))
        .unwrap();
    assert!(
        cancel_line.contains(",DEMO-1001,取消订单,"),
        "{cancel_line}"
    );
    assert!(cancel_line.contains("已收到"), "{cancel_line}");

    // The filters of the queue apply; English on request.
    let (_, _, text) = csv(&app, &token, "?type=repair", "en").await;
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("Tracking code,Order,Type,Outcome"));
    assert!(lines[1].starts_with(repair["tracking_code"].as_str().unwrap()));
    assert!(lines[1].contains(",Repair,"), "{}", lines[1]);

    let (status, _, _) = csv(&app, &token, "?outcome=maybe", "en").await;
    assert_eq!(status, 400);
    let r = app.get("/api/staff/requests.csv").await;
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn the_dashboard_counts_by_type_outcome_and_clause_service_levels_close_times_and_ratings() {
    let app = spawn_app().await;
    let token = app.staff_token().await;
    let cancel = app.file_ok("DEMO-1001", json!({"type": "cancel"})).await;
    let repair = app.file_ok("DEMO-1004", json!({"type": "repair"})).await;
    app.file_ok("DEMO-1002", json!({"type": "cancel"})).await;
    let id = cancel["id"].as_str().unwrap();
    let code = cancel["tracking_code"].as_str().unwrap();
    let r = app
        .staff_post(
            &token,
            &format!("/api/staff/requests/{id}/transition"),
            &json!({"to": "closed"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post_json(
            &format!("/api/requests/{id}/feedback?code={code}"),
            &json!({"rating": 4, "comment": "快"}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());

    // The repair's acknowledgement is met after it was due: late.
    let repair_id = repair["id"].as_str().unwrap();
    sqlx::query(
        "UPDATE service_levels SET due_at = 1 WHERE request_id = $1 AND what = 'acknowledge'",
    )
    .bind(repair_id)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let r = app
        .staff_post(
            &token,
            &format!("/api/staff/requests/{repair_id}/service-levels"),
            &json!({"met": ["acknowledge"]}),
        )
        .await;
    assert_eq!(r.status(), 200);

    let report: Value = app
        .staff_get(&token, "/api/staff/reports?days=30")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["bucket_days"], 1);
    assert_eq!(report["buckets"].as_array().unwrap().len(), 30);
    assert_eq!(report["received"], 3);
    let series = |name: &str, key: &str| -> Value {
        report[name]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .map(|s| s["total"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(series("by_type", "cancel"), 2);
    assert_eq!(series("by_type", "repair"), 1);
    // Today is the last bucket.
    let cancel_series = &report["by_type"][0];
    assert_eq!(cancel_series["key"], "cancel");
    assert_eq!(cancel_series["counts"][29], 2);
    let clause = cancel["decision"]["clause"].as_str().unwrap();
    assert!(series("by_clause", clause).as_i64().unwrap() >= 1);
    let outcomes: i64 = report["by_outcome"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["total"].as_i64().unwrap())
        .sum();
    assert_eq!(outcomes, 3);

    // Closing met the cancellation's acknowledgement on time, the repair's was late,
    // the other's is open.
    let ack = report["service_levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["what"] == "acknowledge")
        .unwrap()
        .clone();
    assert_eq!(
        (&ack["on_time"], &ack["late"], &ack["open"]),
        (&json!(1), &json!(1), &json!(1))
    );
    assert_eq!(report["time_to_close"][0]["key"], "all");
    assert_eq!(report["time_to_close"][0]["closed"], 1);
    assert_eq!(report["ratings"]["count"], 1);
    assert_eq!(report["ratings"]["by_rating"], json!([0, 0, 0, 1, 0]));
    assert_eq!(report["ratings"]["mean_hundredths"], 400);

    let weekly: Value = app
        .staff_get(&token, "/api/staff/reports")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(weekly["bucket_days"], 7);
    assert_eq!(weekly["received"], 3);
    let (s, _) = error_code(app.staff_get(&token, "/api/staff/reports?days=3").await).await;
    assert_eq!(s, 400);

    // A database whose requests predate the daily counts gets them at start-up,
    // the same as those kept while filing; once there, they are not counted twice.
    let policy = aftersales_rules::Policy::default_policy();
    let fill = || aftersales_server::store::reports::fill_days(&app.db, &policy);
    assert!(!fill().await.unwrap());
    for table in ["report_days", "report_level_days"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    assert!(fill().await.unwrap());
    assert!(!fill().await.unwrap());
    let refilled: Value = app
        .staff_get(&token, "/api/staff/reports?days=30")
        .await
        .json()
        .await
        .unwrap();
    for part in [
        "received",
        "by_type",
        "by_outcome",
        "by_clause",
        "service_levels",
    ] {
        assert_eq!(refilled[part], report[part], "{part}");
    }
}
