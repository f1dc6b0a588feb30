//! Photos: sniffed by content, limited, deduplicated.

use reqwest::header;
use serde_json::{json, Value};

use crate::helpers::*;

#[tokio::test]
async fn photos_are_sniffed_limited_and_deduplicated() {
    let app = spawn_app().await;
    let filed = app.file_ok("DEMO-1006", json!({"type": "repair"})).await;
    let id = filed["id"].as_str().unwrap();
    let code = filed["tracking_code"].as_str().unwrap();

    let r = upload(&app, id, code, "image/png", png(0)).await;
    assert_eq!(r.status(), 201);
    let info: Value = r.json().await.unwrap();
    assert_eq!(
        (info["seq"].clone(), info["content_type"].clone()),
        (json!(1), json!("image/png"))
    );
    // The outbox retrying the same photo does not add a second copy.
    let r = upload(&app, id, code, "image/png", png(0)).await;
    assert_eq!(r.status(), 200);

    // Declared type is not trusted: content decides.
    let (s, e) =
        error_code(upload(&app, id, code, "image/jpeg", b"GIF89a....".to_vec()).await).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (415, "unsupported_image"));
    let (s, _) = error_code(upload(&app, id, code, "text/html", png(9)).await).await;
    assert_eq!(s, 415);

    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.resize(5 * 1024 * 1024 + 1, 0);
    let (s, e) = error_code(upload(&app, id, code, "image/jpeg", jpeg).await).await;
    assert_eq!((s, e["code"].as_str().unwrap()), (413, "payload_too_large"));

    // Multipart form uploads work too (WebP here).
    let webp = b"RIFF\x10\0\0\0WEBPVP8 \0\0\0\0".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "photo",
        reqwest::multipart::Part::bytes(webp).file_name("p.webp"),
    );
    let r = app
        .client
        .post(app.url(&format!("/api/requests/{id}/attachments?code={code}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let info: Value = r.json().await.unwrap();
    assert_eq!(info["content_type"], "image/webp");

    for n in 1..=4 {
        assert_eq!(
            upload(&app, id, code, "image/png", png(n)).await.status(),
            201
        );
    }
    let (s, e) = error_code(upload(&app, id, code, "image/png", png(5)).await).await;
    assert_eq!(
        (s, e["code"].as_str().unwrap()),
        (409, "too_many_attachments")
    );
    assert_eq!(app.count("attachments").await, 6);

    assert_eq!(
        upload(&app, id, "WRONGCOD", "image/png", png(7))
            .await
            .status(),
        404
    );

    let token = app.staff_token().await;
    let r = app
        .staff_get(&token, &format!("/api/staff/requests/{id}/attachments/1"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "image/png");
    // The type is the one sniffed at upload; browsers must not guess another.
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().as_ref(), png(0).as_slice());
}
