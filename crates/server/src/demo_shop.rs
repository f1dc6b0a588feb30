//! A demo store's page on a second origin with the portal embedded by the two
//! documented lines (`aftersales-server demo-shop`, started by `scripts/run.sh`):
//! what a store's web developer sees working before reading docs/embedding.md.
//!
//! The page declares the Content-Security-Policy a careful store would, with
//! only the lines the documentation asks for the portal (`script-src` and
//! `frame-src` for the portal's origin).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const PAGE: &str = include_str!("../demo-shop/index.html");
const SCRIPT: &str = include_str!("../demo-shop/shop.js");

/// The shop's routes, for a portal at `portal` (`http://127.0.0.1:8080/`).
pub fn router(portal: &str) -> Router {
    let portal = if portal.ends_with('/') {
        portal.to_owned()
    } else {
        format!("{portal}/")
    };
    let origin = origin_of(&portal);
    let page = PAGE.replace("{{PORTAL}}", &portal);
    let csp = format!(
        "default-src 'self'; script-src 'self' {origin}; frame-src {origin}; \
         style-src 'self' 'unsafe-inline'; img-src 'self'; object-src 'none'; base-uri 'none'"
    );
    Router::new()
        .route(
            "/",
            get(move || {
                let (page, csp) = (page.clone(), csp.clone());
                async move { respond(page, "text/html; charset=utf-8", Some(&csp)) }
            }),
        )
        .route(
            "/shop.js",
            get(|| async { respond(SCRIPT.to_owned(), "text/javascript; charset=utf-8", None) }),
        )
        // No icon of its own: an empty answer rather than a 404 in every console.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found") })
}

fn respond(body: String, content_type: &'static str, csp: Option<&str>) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(csp) = csp.and_then(|c| HeaderValue::from_str(c).ok()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

/// `http://127.0.0.1:8080` of `http://127.0.0.1:8080/portal/`.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..]
        .find('/')
        .map_or(url, |i| &url[..after_scheme + i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        assert_eq!(origin_of("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
        assert_eq!(
            origin_of("https://portal.example.com/after/sales/"),
            "https://portal.example.com"
        );
        assert_eq!(
            origin_of("https://portal.example.com"),
            "https://portal.example.com"
        );
    }
}
