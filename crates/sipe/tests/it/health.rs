use reqwest::StatusCode;

use crate::helpers::{TestApp, text_of};

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let res = c.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = c.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    let app = TestApp::spawn().await;
    let c = app.client();
    c.get(app.url("/login")).send().await.unwrap();
    let body = c
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("http_requests_total"), "{body}");
    assert!(body.contains("route=\"/login\""), "{body}");
    assert!(body.contains("db_pool_connections"), "{body}");
    assert!(
        body.contains("http_request_duration_seconds_bucket"),
        "{body}"
    );
}

#[tokio::test]
async fn responses_carry_security_headers_and_request_id() {
    let app = TestApp::spawn().await;
    let res = app.client().get(app.url("/login")).send().await.unwrap();
    let h = res.headers();
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert!(h.get("referrer-policy").is_some());
    assert!(h.get("x-request-id").is_some());
    assert!(
        h.get("strict-transport-security").is_none(),
        "no HSTS without TLS"
    );
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_tls() {
    let app = TestApp::spawn_with(|c| c.tls = true).await;
    let res = app.client().get(app.url("/login")).send().await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_some());
}

/// The session cookie of a login answer.
async fn session_cookie_after_login(app: &TestApp) -> String {
    app.user("ana", "analyst", &[]).await;
    let res = app
        .post_login(&app.client(), "ana", crate::helpers::PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the login succeeds");
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{}=", sipe::web::cookies::SESSION)))
        .expect("a session cookie is set")
}

#[tokio::test]
async fn session_cookies_are_secure_when_the_public_url_is_https_behind_a_proxy() {
    // TLS ends at a proxy: sipe itself speaks plain http, but users type https.
    let app = TestApp::spawn_with(|c| {
        c.public_url = Some("https://empleo.example.gob.ar".into());
    })
    .await;
    let cookie = session_cookie_after_login(&app).await;
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let res = app.client().get(app.url("/login")).send().await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_some());

    // Control: served and reached over plain http, the cookie cannot be Secure.
    let plain = TestApp::spawn().await;
    let cookie = session_cookie_after_login(&plain).await;
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn html_is_compressed_when_the_client_accepts_gzip() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .get(app.url("/static/app.css"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("content-encoding").unwrap(), "gzip");
}

#[tokio::test]
async fn unknown_pages_get_a_spanish_404_page() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .get(app.url("/no-existe"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    assert_eq!(text_of(&html, "h1").unwrap(), "Página no encontrada");
    assert!(html.contains("lang=\"es-AR\""));
}

#[tokio::test]
async fn error_pages_follow_the_language_cookie() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .get(app.url("/no-existe"))
        .header("cookie", "sipe_lang=en")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert_eq!(text_of(&html, "h1").unwrap(), "Page not found");
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let app = TestApp::spawn_with(|c| c.body_limit_bytes = 4096).await;
    let big = "x".repeat(10_000);
    let res = app
        .client()
        .post(app.url("/login"))
        .form(&[("username", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
