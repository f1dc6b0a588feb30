//! Order look-up by number and phone, the demo set, the CSV import command.

use reqwest::header;
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn demo_orders_cover_every_kind_and_state() {
    let app = spawn_app().await;
    let mut kinds = std::collections::BTreeSet::new();
    let mut states = std::collections::BTreeSet::new();
    for n in 1001..=1012 {
        let order = app.order(&format!("DEMO-{n}")).await;
        states.insert(order["fulfilment"]["state"].as_str().unwrap().to_owned());
        for line in order["lines"].as_array().unwrap() {
            kinds.insert(line["kind"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "clearance",
            "custom",
            "regular",
            "self_pickup",
            "special_sale"
        ]
    );
    assert_eq!(
        states.into_iter().collect::<Vec<_>>(),
        ["delivered", "pending", "picked_up"]
    );
}

#[tokio::test]
async fn order_lookup_normalises_the_phone() {
    let app = spawn_app().await;
    for phone in ["13800138000", "+86%20138-0013-8000", "138%200013%208000"] {
        let r = app
            .get(&format!("/api/orders/DEMO-1003?phone={phone}"))
            .await;
        assert_eq!(r.status(), 200, "{phone}");
        let order: Value = r.json().await.unwrap();
        assert_eq!(order["number"], "DEMO-1003");
        assert_eq!(order["currency"], "CNY");
        assert_eq!(order["lines"][0]["unit_price"], 459900);
        assert!(order.get("phone").is_none(), "the phone is never echoed");
    }
}

#[tokio::test]
async fn messages_follow_accept_language() {
    let app = spawn_app().await;
    let get = |lang: &'static str| {
        app.client
            .get(app.url("/api/orders/NOPE?phone=1"))
            .header(header::ACCEPT_LANGUAGE, lang)
            .send()
    };
    let (_, en) = error_code(get("en-GB,en;q=0.9").await.unwrap()).await;
    let (_, zh) = error_code(get("zh-CN").await.unwrap()).await;
    let (_, default) = error_code(app.get("/api/orders/NOPE?phone=1").await).await;
    assert!(en["message"].as_str().unwrap().starts_with("No order"));
    assert!(zh["message"].as_str().unwrap().contains("订单"));
    assert_eq!(zh["message"], default["message"]);
}

#[tokio::test]
async fn import_orders_command_loads_a_csv() {
    let app = spawn_app().await;
    let csv = app.static_dir.join("orders.csv");
    std::fs::write(
        &csv,
        "order_number,ordered_at,phone,currency,fulfilment_state,fulfilment_at,line_id,sku,name,kind,quantity,unit_price\n\
         SO-9001,2026-11-01T10:00:00+08:00,+86 139 0000 0000,CNY,delivered,2026-11-03T15:00:00+08:00,1,SOFA,沙发,regular,1,599900\n\
         SO-9001,2026-11-01T10:00:00+08:00,+86 139 0000 0000,CNY,delivered,2026-11-03T15:00:00+08:00,2,LAMP,台灯,special_sale,2,9900\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aftersales-server"))
        .args(["import-orders", csv.to_str().unwrap()])
        .env("DATABASE_URL", &app.database_url)
        .env("LOG_FORMAT", "pretty")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "imported 1 orders (2 lines)"
    );
    let r = app.get("/api/orders/SO-9001?phone=13900000000").await;
    assert_eq!(r.status(), 200);
    let order: Value = r.json().await.unwrap();
    assert_eq!(order["lines"].as_array().unwrap().len(), 2);
    assert_eq!(order["fulfilment"]["at"], "2026-11-03T15:00:00+08:00");

    std::fs::write(&csv, "order_number,ordered_at\nSO-1,yesterday\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aftersales-server"))
        .args(["import-orders", csv.to_str().unwrap()])
        .env("DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[tokio::test]
async fn order_lookup_takes_the_phone_as_customers_type_it() {
    let app = spawn_app().await;
    // aftersales_contract::Phone: +86/0086/86, spaces, dashes, dots,
    // parentheses and full-width digits all name the same mobile.
    for phone in [
        "%2B86%20138%200013%208000",
        "0086-138-0013-8000",
        "86%2013800138000",
        "(138)%200013.8000",
        "%EF%BC%8B86%20%EF%BC%91%EF%BC%93%EF%BC%98%EF%BC%90%EF%BC%90%EF%BC%91%EF%BC%93%EF%BC%98%EF%BC%90%EF%BC%90%EF%BC%90",
    ] {
        let r = app
            .get(&format!("/api/orders/DEMO-1003?phone={phone}"))
            .await;
        assert_eq!(r.status(), 200, "{phone}");
    }
    // Not a mainland mobile nor E.164: the same 404 as a wrong phone.
    for phone in ["1380013800", "%2B86%201380013800", "38000"] {
        let r = app
            .get(&format!("/api/orders/DEMO-1003?phone={phone}"))
            .await;
        assert_eq!(
            error_code(r).await,
            (
                404,
                error_code(app.get("/api/orders/NOPE?phone=1").await)
                    .await
                    .1
            ),
            "{phone}"
        );
    }
}
