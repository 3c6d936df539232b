//! SMS over SMPP 3.4 against an SMSC of another implementation (the npm `smpp` server,
//! tests/counterparts/smpp_server.mjs): messages reach it once each, in GSM-7 or as a
//! concatenated UCS-2 message; its refusals fail or retry; its delivery receipts turn
//! messages delivered or failed; a person's BAJA withdraws their SMS consent and an
//! unknown number is kept; a dropped session binds again by itself.

use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::counterparts;
use crate::helpers::TestApp;
use crate::messaging::{admin_token, messages_of, notify, person};

/// Polls `check` until it gives something, or fails saying what it waited for.
pub(crate) async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..300 {
        if let Some(v) = check().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited in vain for {what}");
}

async fn smsc(http: &str, path: &str) -> Value {
    reqwest::get(format!("{http}{path}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn smsc_post(http: &str, path: &str, body: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{http}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits for a throttled message to be back in the queue after one attempt, then
/// makes everything queued due now (instead of waiting out the backoff).
pub(crate) async fn requeued_and_brought_forward(app: &TestApp, id: Uuid) {
    eventually("the throttled message back in the queue", || async {
        let m = sipe::messaging::outbox::find(&app.db, id)
            .await
            .unwrap()
            .unwrap();
        (m.status == "queued" && m.attempts == 1).then_some(())
    })
    .await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "UPDATE messages SET next_attempt_at = created_at WHERE status = 'queued'",
    )
    .await
    .unwrap();
}

/// The newest message of the person, once its status is `want`.
pub(crate) async fn status_of(app: &TestApp, token: &str, person: Uuid, want: &str) -> Value {
    eventually(&format!("a message {want}"), || async {
        let rows = messages_of(app, token, person).await;
        rows.into_iter()
            .find(|m| m["direction"] == "out" && m["status"] == want)
    })
    .await
}

#[tokio::test]
async fn sms_go_over_smpp_once_with_receipts_refusals_replies_and_reconnection() {
    let server = counterparts::node("smpp_server.mjs");
    let port = server.hello["smpp"].as_i64().unwrap();
    let http = format!("http://127.0.0.1:{}", server.hello["http"]);
    let app = TestApp::spawn_with(|c| {
        c.messaging = Some(
            toml::from_str(&format!(
                "[sms]\nprovider = \"smpp\"\nhost = \"127.0.0.1\"\nport = {port}\nsystem_id = \"sipe\"\nsource_addr = \"EmpleoTuc\"\nrate_per_second = 100\nenquire_link_secs = 5\n"
            ))
            .unwrap(),
        );
    })
    .await;
    app.office("OE-A", "").await;
    let token = admin_token(&app).await;
    let ana = person(&app, "42000010", "", "+5493815550010", &["sms"]).await;
    let refused = person(&app, "42000011", "", "+5493815550001", &["sms"]).await;
    let throttled = person(&app, "42000012", "", "+5493815550002", &["sms"]).await;
    let undelivered = person(&app, "42000013", "", "+5493815550003", &["sms"]).await;

    notify(&app, ana, "referral:s1").await;
    notify(&app, refused, "referral:s2").await;
    let retried = notify(&app, throttled, "referral:s3").await;
    notify(&app, undelivered, "referral:s4").await;

    // Delivered by the SMSC's receipt; its text arrived as written (GSM-7: Ñ and ñ).
    let delivered = status_of(&app, &token, ana, "delivered").await;
    assert_eq!(delivered["encoding"], "GSM-7");
    let failed = status_of(&app, &token, refused, "failed").await;
    assert_eq!(failed["reason"], "provider_refused");
    assert!(
        failed["detail"].as_str().unwrap().contains("0x0000000B"),
        "{failed}"
    );
    let receipt_failed = status_of(&app, &token, undelivered, "failed").await;
    assert!(
        receipt_failed["detail"]
            .as_str()
            .unwrap()
            .contains("UNDELIV"),
        "{receipt_failed}"
    );
    // Throttled once: back to the queue; brought forward, it goes the second time.
    requeued_and_brought_forward(&app, retried.message_id.unwrap()).await;
    let second = status_of(&app, &token, throttled, "delivered").await;
    assert_eq!(second["attempts"], 2);

    // A long text with accents: UCS-2, three parts, joined by the handset as one.
    let long = format!(
        "Hola, la capacitación empieza el lunes; traé DNI y constancia de inscripción. {}",
        "Información adicional en la oficina. ".repeat(3)
    );
    let count = sipe::messaging::sms::count(&long, false);
    assert_eq!((count.encoding.as_str(), count.segments), ("UCS-2", 3));
    sipe::messaging::outbox::queue(
        &app.db,
        sipe::messaging::outbox::NewMessage {
            key: "t:long".into(),
            channel: sipe::messaging::domain::Channel::Sms,
            person_id: Some(ana),
            office_id: None,
            template_id: None,
            campaign_id: None,
            address: "+5493815550010".into(),
            subject: None,
            body: long.clone(),
            status: "queued",
            reason: None,
            any_hour: true,
            sms: Some(("UCS-2".into(), 3)),
            payload: None,
            created_by: "test".into(),
        },
    )
    .await
    .unwrap();
    let received: Vec<Value> = eventually("the long message joined", || async {
        let all: Vec<Value> = serde_json::from_value(smsc(&http, "/messages").await).unwrap();
        all.iter()
            .any(|m| m["text"] == long.as_str())
            .then_some(all)
    })
    .await;
    let to = |n: &str| received.iter().filter(|m| m["to"] == n).count();
    assert_eq!(
        (
            to("5493815550010"),
            to("5493815550001"),
            to("5493815550002"),
            to("5493815550003")
        ),
        (2, 0, 1, 1),
        "{received:#?}"
    );
    let referral = received
        .iter()
        .find(|m| m["to"] == "5493815550010" && m["parts"] == 1)
        .unwrap();
    assert!(
        referral["text"]
            .as_str()
            .unwrap()
            .contains("Ingenio Ñuñorco"),
        "{referral}"
    );
    assert_eq!(
        received
            .iter()
            .find(|m| m["text"] == long.as_str())
            .unwrap()["parts"],
        3
    );

    // Ana answers BAJA: stored, hers, and her SMS consent withdrawn.
    smsc_post(
        &http,
        "/inbound",
        json!({"from": "5493815550010", "text": "Baja."}),
    )
    .await;
    let reply = eventually("the BAJA stored", || async {
        messages_of(&app, &token, ana)
            .await
            .into_iter()
            .find(|m| m["direction"] == "in")
    })
    .await;
    assert_eq!(
        (
            reply["status"].as_str(),
            reply["reason"].as_str(),
            reply["body"].as_str()
        ),
        (Some("received"), Some("opt_out"), Some("Baja."))
    );
    let record = app
        .get_json(&token, &format!("/api/v1/persons/{ana}"))
        .await;
    assert_eq!(record["sms_consent"], false, "{record}");
    // The next notice to her is not sent: no consent.
    let after = notify(&app, ana, "referral:s5").await;
    assert_eq!(after.reason, Some("no_channel_consent"));

    // An unknown number is kept, unlinked, for national users.
    smsc_post(
        &http,
        "/inbound",
        json!({"from": "5491155443322", "text": "Hola, ¿hay cursos?"}),
    )
    .await;
    let unknown = eventually("the unknown sender's message", || async {
        let page = app
            .get_json(&token, "/api/v1/messages?status=received&per_page=50")
            .await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["address"] == "+5491155443322")
            .cloned()
    })
    .await;
    assert_eq!(
        (
            unknown["person_id"].clone(),
            unknown["reason"].as_str(),
            unknown["body"].as_str()
        ),
        (
            Value::Null,
            Some("unknown_sender"),
            Some("Hola, ¿hay cursos?")
        )
    );

    // The SMSC drops the session: the provider binds again and sends what comes next.
    let binds = smsc(&http, "/stats").await["binds"].as_i64().unwrap();
    smsc_post(&http, "/drop", json!({})).await;
    let later = person(&app, "42000014", "", "+5493815550014", &["sms"]).await;
    notify(&app, later, "referral:s6").await;
    status_of(&app, &token, later, "delivered").await;
    let stats = smsc(&http, "/stats").await;
    assert!(stats["binds"].as_i64().unwrap() > binds, "{stats}");
    assert_eq!(
        stats["duplicates"], 1,
        "only Ana's second, different message: {stats}"
    );
}
