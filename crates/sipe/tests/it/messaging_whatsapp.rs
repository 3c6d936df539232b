//! WhatsApp over the Cloud API, against a local server that speaks its protocol and
//! signs its webhooks as Meta does (tests/counterparts/whatsapp_server.mjs): the
//! verification handshake; an approved template outside the 24-hour window and free
//! text inside it; delivery and failure statuses by signed webhook; a reply matched to
//! the person; a BAJA withdrawing the WhatsApp consent; a notification with a wrong
//! signature refused and not stored.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::counterparts;
use crate::helpers::TestApp;
use crate::messaging::{admin_token, messages_of, person};
use crate::messaging_smpp::eventually;

/// POSTs JSON to a counterpart's control endpoint and returns its JSON answer.
pub(crate) async fn control(base: &str, path: &str, body: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn send(app: &TestApp, person: Uuid, key: &str) -> sipe::messaging::send::Outcome {
    sipe::messaging::send(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        "aviso_wa",
        sipe::ids::PersonId(person),
        &[],
        key,
    )
    .await
    .unwrap()
}

/// The person's outbound message with this id, once it reaches `want`.
async fn reaches(app: &TestApp, token: &str, person: Uuid, id: Uuid, want: &str) -> Value {
    eventually(&format!("message {id} {want}"), || async {
        messages_of(app, token, person)
            .await
            .into_iter()
            .find(|m| m["id"] == id.to_string() && m["status"] == want)
    })
    .await
}

#[tokio::test]
async fn whatsapp_goes_as_template_or_free_text_and_its_signed_webhooks_bring_statuses_and_replies()
{
    let server = counterparts::node("whatsapp_server.mjs");
    let base = format!("http://127.0.0.1:{}", server.hello["http"]);
    let dir = tempfile::tempdir().unwrap();
    let secret = |name: &str, value: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, value).unwrap();
        path.display().to_string()
    };
    let (token_file, secret_file, verify_file) = (
        secret("token", "tok-123"),
        secret("app-secret", "s3cr3t-de-la-app"),
        secret("verify", "verificame"),
    );
    let app = TestApp::spawn_with(|c| {
        c.messaging = Some(
            toml::from_str(&format!(
                "[whatsapp]\nprovider = \"cloud_api\"\nbase_url = \"{base}/v21.0\"\nphone_number_id = \"1234567890\"\ntoken_file = \"{token_file}\"\napp_secret_file = \"{secret_file}\"\nverify_token_file = \"{verify_file}\"\nrate_per_second = 50\n"
            ))
            .unwrap(),
        );
    })
    .await;
    app.office("OE-A", "").await;
    let token = admin_token(&app).await;
    sipe::messaging::templates::create(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::messaging::templates::TemplateInput {
            code: "aviso_wa".into(),
            name: "Aviso por WhatsApp".into(),
            purpose: "service".into(),
            whatsapp_name: "aviso_turno".into(),
            whatsapp_language: "es_AR".into(),
            whatsapp_params: "nombre".into(),
            whatsapp_text: "Hola {nombre}, te escribimos de la oficina de empleo.".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Meta's handshake: the challenge comes back for the right token only.
    let hs = control(
        &base,
        "/control/config",
        json!({
            "webhook": app.url("/api/v1/messaging/webhooks/whatsapp"),
            "app_secret": "s3cr3t-de-la-app", "verify_token": "verificame", "token": "tok-123",
            "templates": ["aviso_turno"], "phone_number_id": "1234567890",
        }),
    )
    .await;
    assert_eq!(hs, json!({"handshake": true, "wrong_token_status": 403}));

    let ana = person(&app, "44000010", "", "+5493815550010", &["whatsapp"]).await;
    let failing = person(&app, "44000011", "", "+5493815550009", &["whatsapp"]).await;

    // Ana never wrote: the approved template, with her name as its parameter.
    let first = send(&app, ana, "wa:1").await;
    assert_eq!(
        first.channel,
        Some(sipe::messaging::domain::Channel::Whatsapp)
    );
    let delivered = reaches(&app, &token, ana, first.message_id.unwrap(), "delivered").await;
    assert!(
        delivered["body"]
            .as_str()
            .unwrap()
            .starts_with("Hola Persona 44000010")
    );
    // A number the network cannot reach: failed by the status webhook, with its code.
    let lost = send(&app, failing, "wa:2").await;
    let failed = reaches(&app, &token, failing, lost.message_id.unwrap(), "failed").await;
    assert!(
        failed["detail"].as_str().unwrap().contains("131026"),
        "{failed}"
    );

    // Ana writes: her reply is hers, and the window opens for free text.
    let wrote = control(
        &base,
        "/control/inbound",
        json!({"from": "5493815550010", "text": "Hola, ¿a qué hora?"}),
    )
    .await;
    assert_eq!(wrote["status"], 200);
    let second = send(&app, ana, "wa:3").await;
    reaches(&app, &token, ana, second.message_id.unwrap(), "delivered").await;
    let sent: Vec<Value> = reqwest::get(format!("{base}/control/sent"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let to_ana: Vec<&Value> = sent.iter().filter(|m| m["to"] == "5493815550010").collect();
    assert_eq!(to_ana.len(), 2, "{sent:#?}");
    assert_eq!(
        (to_ana[0]["type"].as_str(), to_ana[0]["template"].as_str()),
        (Some("template"), Some("aviso_turno"))
    );
    assert_eq!(to_ana[0]["params"], json!(["Persona 44000010"]));
    assert_eq!(
        (to_ana[1]["type"].as_str(), to_ana[1]["text"].as_str()),
        (
            Some("text"),
            Some("Hola Persona 44000010, te escribimos de la oficina de empleo.")
        )
    );

    // A notification signed with another secret is refused and nothing is stored.
    let forged = control(
        &base,
        "/control/inbound",
        json!({"from": "5493815550010", "text": "BAJA", "bad_signature": true}),
    )
    .await;
    assert_eq!(forged["status"], 401);
    let record = app
        .get_json(&token, &format!("/api/v1/persons/{ana}"))
        .await;
    assert_eq!(
        record["whatsapp_consent"], true,
        "a forged BAJA changes nothing"
    );
    let unsigned = reqwest::Client::new()
        .post(app.url("/api/v1/messaging/webhooks/whatsapp"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);

    // The real BAJA: stored as hers, consent withdrawn, and nothing more goes.
    let baja = control(
        &base,
        "/control/inbound",
        json!({"from": "5493815550010", "text": "baja"}),
    )
    .await;
    assert_eq!(baja["status"], 200);
    let replies: Vec<Value> = messages_of(&app, &token, ana)
        .await
        .into_iter()
        .filter(|m| m["direction"] == "in")
        .collect();
    assert_eq!(
        replies.len(),
        2,
        "the reply and the BAJA, not the forged one"
    );
    assert!(replies.iter().any(|m| m["reason"] == "opt_out"));
    let record = app
        .get_json(&token, &format!("/api/v1/persons/{ana}"))
        .await;
    assert_eq!(record["whatsapp_consent"], false);
    let after = send(&app, ana, "wa:4").await;
    assert_eq!(after.reason, Some("no_channel_consent"));
}
