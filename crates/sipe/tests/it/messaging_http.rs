//! SMS through an HTTP gateway described in the configuration, against a local server
//! speaking Twilio's Messages API (tests/counterparts/sms_gateway.mjs): the request's
//! fields and Basic auth as configured; the gateway's refusal failing the message with
//! its words, its throttle retried; its status callbacks (with the secret) turning
//! messages delivered or failed; a person's BAJA by callback withdrawing the SMS
//! consent, once even when repeated; callbacks without the secret refused.

use serde_json::{Value, json};

use crate::counterparts;
use crate::helpers::TestApp;
use crate::messaging::{admin_token, messages_of, notify, person};
use crate::messaging_smpp::{requeued_and_brought_forward, status_of};
use crate::messaging_whatsapp::control;

#[tokio::test]
async fn sms_go_through_an_http_gateway_and_its_callbacks_bring_statuses_and_replies() {
    let server = counterparts::node("sms_gateway.mjs");
    let gateway = format!("http://127.0.0.1:{}", server.hello["http"]);
    // The callback address must be known before the application starts.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let (token_file, secret_file) = (dir.path().join("token"), dir.path().join("secret"));
    std::fs::write(&token_file, "auth-token-1\n").unwrap();
    std::fs::write(&secret_file, "callback-secret-0123456789").unwrap();
    let app = TestApp::spawn_with(|c| {
        c.bind = format!("127.0.0.1:{port}");
        c.public_url = Some(format!("http://127.0.0.1:{port}"));
        c.messaging = Some(
            toml::from_str(&format!(
                r#"
[sms]
provider = "http"
url = "{gateway}/2010-04-01/Accounts/AC42/Messages.json"
auth = "basic"
username = "AC42"
password_file = "{}"
source_addr = "EmpleoTuc"
id_path = "sid"
error_path = "message"
callback_secret_file = "{}"
rate_per_second = 50

[sms.fields]
To = "{{to}}"
From = "{{from}}"
Body = "{{text}}"
StatusCallback = "{{callback}}"
"#,
                token_file.display(),
                secret_file.display()
            ))
            .unwrap(),
        );
    })
    .await;
    control(
        &gateway,
        "/control/config",
        json!({"account": "AC42", "token": "auth-token-1",
               "inbound_webhook": app.url("/api/v1/messaging/webhooks/sms?secret=callback-secret-0123456789")}),
    )
    .await;
    app.office("OE-A", "").await;
    let token = admin_token(&app).await;
    let ana = person(&app, "43000010", "", "+5493815550010", &["sms"]).await;
    let refused = person(&app, "43000011", "", "+5493815550001", &["sms"]).await;
    let throttled = person(&app, "43000012", "", "+5493815550002", &["sms"]).await;
    let undelivered = person(&app, "43000013", "", "+5493815550003", &["sms"]).await;
    notify(&app, ana, "referral:h1").await;
    notify(&app, refused, "referral:h2").await;
    let retried = notify(&app, throttled, "referral:h3").await;
    notify(&app, undelivered, "referral:h4").await;

    // Delivered by the gateway's callback; the gateway got the text and sender.
    let delivered = status_of(&app, &token, ana, "delivered").await;
    assert_eq!(delivered["provider"], "http", "{delivered}");
    // Refused: failed with the gateway's own words.
    let failed = status_of(&app, &token, refused, "failed").await;
    assert_eq!(failed["reason"], "provider_refused");
    assert!(
        failed["detail"]
            .as_str()
            .unwrap()
            .contains("HTTP 400: The 'To' number +5493815550001 is not a valid phone number."),
        "{failed}"
    );
    let lost = status_of(&app, &token, undelivered, "failed").await;
    assert!(
        lost["detail"]
            .as_str()
            .unwrap()
            .contains("undelivered 30003"),
        "{lost}"
    );
    // Throttled (429): back to the queue, and sent when its turn comes again.
    requeued_and_brought_forward(&app, retried.message_id.unwrap()).await;
    status_of(&app, &token, throttled, "delivered").await;
    let sent: Vec<Value> = reqwest::get(format!("{gateway}/control/sent"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let to = |n: &str| sent.iter().filter(|m| m["to"] == n).count();
    assert_eq!(
        (
            to("+5493815550010"),
            to("+5493815550001"),
            to("+5493815550002"),
            to("+5493815550003")
        ),
        (1, 0, 1, 1),
        "{sent:#?}"
    );
    let first = sent.iter().find(|m| m["to"] == "+5493815550010").unwrap();
    assert_eq!(first["from"], "EmpleoTuc");
    assert!(
        first["body"].as_str().unwrap().contains("Ingenio Ñuñorco"),
        "{first}"
    );

    // Callbacks without the secret, or with another, change nothing.
    let forged = json!({"MessageSid": "SMx", "From": "+5493815550010", "Body": "BAJA"});
    for url in [
        "/api/v1/messaging/webhooks/sms",
        "/api/v1/messaging/webhooks/sms?secret=callback-secret-012345678X",
    ] {
        let res = reqwest::Client::new()
            .post(app.url(url))
            .json(&forged)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{url}");
    }
    let record = app
        .get_json(&token, &format!("/api/v1/persons/{ana}"))
        .await;
    assert_eq!(record["sms_consent"], true, "a forged BAJA changes nothing");

    // Ana answers BAJA, and the gateway repeats the callback: stored once, consent
    // withdrawn, and the next notice is not sent.
    let baja = control(
        &gateway,
        "/control/inbound",
        json!({"from": "+5493815550010", "text": "BAJA", "repeat": true}),
    )
    .await;
    assert_eq!(baja["status"], 200);
    let replies: Vec<Value> = messages_of(&app, &token, ana)
        .await
        .into_iter()
        .filter(|m| m["direction"] == "in")
        .collect();
    assert_eq!(replies.len(), 1, "{replies:#?}");
    assert_eq!(replies[0]["reason"], "opt_out");
    let record = app
        .get_json(&token, &format!("/api/v1/persons/{ana}"))
        .await;
    assert_eq!(record["sms_consent"], false);
    assert_eq!(
        notify(&app, ana, "referral:h5").await.reason,
        Some("no_channel_consent")
    );
    // A reply as JSON, through the header secret, from an unknown number: kept.
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/messaging/webhooks/sms"))
        .header("X-Webhook-Secret", "callback-secret-0123456789")
        .json(&json!({"MessageSid": "SMy", "From": "+5491155443322", "Body": "Hola"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = app
        .get_json(&token, "/api/v1/messages?status=received&per_page=50")
        .await;
    let unknown: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["address"] == "+5491155443322")
        .collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["reason"], "unknown_sender");
    // Gateways that call a URL with the fields in its query: the same, by GET.
    let res = reqwest::get(app.url(
        "/api/v1/messaging/webhooks/sms?secret=callback-secret-0123456789&From=%2B5491155443323&Body=Hola%20por%20GET",
    ))
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let page = app
        .get_json(&token, "/api/v1/messages?direction=in&per_page=50")
        .await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["address"] == "+5491155443323" && m["body"] == "Hola por GET"),
        "{page}"
    );

    // The providers page names the gateway and never its secrets.
    let (web, _) = app.signed_in("adm2", "admin", &[]).await;
    let html = web
        .get(app.url("/messaging/providers"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("/2010-04-01/Accounts/AC42/Messages.json"),
        "{html}"
    );
    for secret in ["auth-token-1", "callback-secret-0123456789"] {
        assert!(!html.contains(secret), "{secret} shown");
    }

    // A family sharing a phone in one office: the message names neither, but their
    // office sees it; another office sees only its own people's.
    app.office("OE-B", "").await;
    person(&app, "43000020", "", "+5493815550077", &["sms"]).await;
    person(&app, "43000021", "", "+5493815550077", &["sms"]).await;
    crate::messaging::person_of(&app, "OE-B", "43000022", "", "+5493815550088", &["sms"]).await;
    for (from, text) in [
        ("+5493815550077", "¿Cuándo cobramos?"),
        ("+5493815550088", "Consulta"),
    ] {
        control(
            &gateway,
            "/control/inbound",
            json!({"from": from, "text": text}),
        )
        .await;
    }
    let op_a = app.user("opa", "operator", &["OE-A"]).await;
    let op_b = app.user("opb", "operator", &["OE-B"]).await;
    for (user, sees, not) in [
        (op_a, "+5493815550077", "+5493815550088"),
        (op_b, "+5493815550088", "+5493815550077"),
    ] {
        let token = app.token(user).await;
        let page = app
            .get_json(&token, "/api/v1/messages?direction=in&per_page=100")
            .await;
        let addresses: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["address"].as_str().unwrap())
            .collect();
        assert!(addresses.contains(&sees), "{addresses:?}");
        assert!(!addresses.contains(&not), "{addresses:?}");
        assert!(
            !addresses.contains(&"+5491155443322"),
            "unknown senders are for national users"
        );
    }
}
