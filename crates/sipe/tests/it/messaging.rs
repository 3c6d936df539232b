//! Messaging: the SMS counter of the API, templates, and transactional messages sent
//! through the outbox to a real SMTP server of another implementation
//! (tests/counterparts/smtp_server.mjs) and to the development sink: consent and
//! addresses decide who gets one, a key sends it once, a temporary refusal is retried
//! and a permanent one fails with its reason.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::counterparts;
use crate::helpers::TestApp;
use sipe::ids::PersonId;

fn system() -> sipe::access::Access {
    sipe::access::Access::system("t")
}

/// A national admin's API token.
pub(crate) async fn admin_token(app: &TestApp) -> String {
    let id = app.user("adm", "admin", &[]).await;
    app.token(id).await
}

pub(crate) async fn person(
    app: &TestApp,
    dni: &str,
    email: &str,
    phone: &str,
    consents: &[&str],
) -> Uuid {
    person_of(app, "OE-A", dni, email, phone, consents).await
}

/// A person of `office` with these addresses and the channels' consents listed.
pub(crate) async fn person_of(
    app: &TestApp,
    office: &str,
    dni: &str,
    email: &str,
    phone: &str,
    consents: &[&str],
) -> Uuid {
    register_in(&app.db, office, dni, email, phone, consents).await
}

/// [`person_of`] in any database.
pub(crate) async fn register_in(
    db: &sipe::db::Db,
    office: &str,
    dni: &str,
    email: &str,
    phone: &str,
    consents: &[&str],
) -> Uuid {
    let on = |c: &str| if consents.contains(&c) { "on" } else { "" }.to_owned();
    let input = sipe::persons::input::PersonInput {
        doc_type: "dni".into(),
        doc_number: dni.into(),
        surnames: "Mensajes".into(),
        names: format!("Persona {dni}"),
        birth_date: "1990-05-05".into(),
        sex: "F".into(),
        office_code: office.into(),
        email: email.into(),
        phone: phone.into(),
        email_consent: on("email"),
        sms_consent: on("sms"),
        whatsapp_consent: on("whatsapp"),
        confirm_duplicates: "true".into(),
        ..Default::default()
    };
    match sipe::persons::service::register(
        db,
        &sipe::audit::AuditCtx::system(),
        &system(),
        crate::helpers::TZ,
        &input,
    )
    .await
    .unwrap()
    {
        sipe::persons::service::RegisterOutcome::Created(id) => id,
        other => panic!("{other:?}"),
    }
}

pub(crate) async fn notify(
    app: &TestApp,
    person: Uuid,
    key: &str,
) -> sipe::messaging::send::Outcome {
    sipe::messaging::send(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        "referral_notice",
        PersonId(person),
        &[
            ("puesto", "Ayudante de cocina".into()),
            ("empresa", "Ingenio Ñuñorco".into()),
        ],
        key,
    )
    .await
    .unwrap()
}

/// The person's messages as the API shows them.
pub(crate) async fn messages_of(app: &TestApp, token: &str, person: Uuid) -> Vec<Value> {
    app.get_json(token, &format!("/api/v1/persons/{person}/messages"))
        .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// A campaign of `template` on `channel` to the people of `office`, written by a new
/// national admin (a campaign goes on only while its author is an active user) and
/// launched now.
pub(crate) async fn launch_campaign(
    db: &sipe::db::Db,
    config: &sipe::config::Config,
    template: sipe::messaging::templates::TemplateInput,
    channel: &str,
    office: &str,
) -> Uuid {
    let id = crate::helpers::user_in(db, "autora", "admin", &[]).await;
    let author = sipe::access::store::find_user_by_username(db, "autora")
        .await
        .unwrap()
        .filter(|u| u.id == id)
        .unwrap();
    let access = sipe::access::store::load_access(db, &author).await.unwrap();
    let ctx = sipe::audit::AuditCtx {
        actor_id: Some(author.id),
        actor_name: author.username.clone(),
        ..sipe::audit::AuditCtx::system()
    };
    let template = sipe::messaging::templates::create(db, &ctx, &template)
        .await
        .unwrap();
    let settings = sipe::messaging::config::Settings::from_config(config).unwrap();
    sipe::messaging::demo::launch(
        db,
        &settings,
        config.tz(),
        (&ctx, &access),
        (&ctx, &access),
        &sipe::messaging::campaigns::CampaignInput {
            name: format!("Campaña {channel}"),
            template_id: template.to_string(),
            channel: channel.into(),
            filters: sipe::messaging::audiences::AudienceFilters {
                office: office.into(),
                ..Default::default()
            },
        },
    )
    .await
    .unwrap()
    .expect("the campaign reaches the office's people")
}

/// Waits until no message is queued or sending (the sender runs in the background).
pub(crate) async fn settled(app: &TestApp) {
    for _ in 0..200 {
        let busy = sipe::messaging::messages::count_queued(&app.db)
            .await
            .unwrap();
        let sending = sea_orm::ConnectionTrait::query_one_raw(
            &app.db,
            sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM messages WHERE status = 'sending'",
            ),
        )
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
        if busy == 0 && sending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("messages still waiting");
}

#[tokio::test]
async fn the_sms_preview_counts_as_a_handset_and_refuses_long_texts() {
    let app = TestApp::spawn().await;
    let token = admin_token(&app).await;
    let post = |body: Value| {
        reqwest::Client::new()
            .post(app.url("/api/v1/messaging/sms-preview"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let plain: Value = post(json!({"text": "Hola Juan, te esperamos", "transliterate": false}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        plain,
        json!({"encoding": "GSM-7", "units": 23, "segments": 1, "text": "Hola Juan, te esperamos", "replaced": []})
    );
    let accent = format!("Sesión {}", "x".repeat(150));
    let ucs2: Value = post(json!({"text": accent, "transliterate": false}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            ucs2["encoding"].as_str(),
            ucs2["units"].as_u64(),
            ucs2["segments"].as_u64()
        ),
        (Some("UCS-2"), Some(157), Some(3))
    );
    let back: Value = post(json!({"text": accent, "transliterate": true}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (back["encoding"].as_str(), back["segments"].as_u64()),
        (Some("GSM-7"), Some(1))
    );
    assert!(back["text"].as_str().unwrap().starts_with("Sesion "));
    assert_eq!(back["replaced"], json!([]));
    let emoji: Value = post(json!({"text": "Te esperamos 👋", "transliterate": true}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&emoji["text"], &emoji["replaced"]),
        (&json!("Te esperamos ?"), &json!(["👋"]))
    );
    let euro: Value = post(json!({"text": "€", "transliterate": false}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(euro["units"], 2);
    let long = post(json!({"text": "x".repeat(1_601)})).await.unwrap();
    assert_eq!(long.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = long.json().await.unwrap();
    assert!(problem.to_string().contains("text"), "{problem}");
}

#[tokio::test]
async fn templates_are_kept_through_the_api_with_their_variants_checked() {
    let app = TestApp::spawn().await;
    let token = admin_token(&app).await;
    let client = reqwest::Client::new();
    // The transactional templates come with the installation.
    let list = app
        .get_json(&token, "/api/v1/message-templates?per_page=100")
        .await;
    let codes: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    for code in [
        "referral_notice",
        "enrolment_confirmation",
        "certificate_notice",
        "programme_approval",
        "payment_notice",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    let res = client
        .post(app.url("/api/v1/message-templates"))
        .bearer_auth(&token)
        .json(
            &json!({"code": "charla", "name": "Charla informativa", "purpose": "training_offers",
            "sms_text": "Hola {nombre}, charla el {fecha} en {oficina}."}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let t: Value = res.json().await.unwrap();
    let id = t["id"].as_str().unwrap().to_owned();
    // Unknown variables, a taken code and an e-mail without subject are refused, each on
    // its field.
    for (body, field) in [
        (
            json!({"code": "otra", "name": "X", "purpose": "service", "sms_text": "Hola {sueldo}"}),
            "sms_text",
        ),
        (
            json!({"code": "charla", "name": "X", "purpose": "service", "sms_text": "Hola"}),
            "code",
        ),
        (
            json!({"code": "otra", "name": "X", "purpose": "service", "email_text": "Hola"}),
            "email_subject",
        ),
        (
            json!({"code": "otra", "name": "X", "purpose": "marketing", "sms_text": "Hola"}),
            "purpose",
        ),
    ] {
        let res = client
            .post(app.url("/api/v1/message-templates"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem: Value = res.json().await.unwrap();
        assert!(problem.to_string().contains(field), "{field}: {problem}");
    }
    let put = |id: &str, body: Value| {
        client
            .put(app.url(&format!("/api/v1/message-templates/{id}")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let res = put(
        &id,
        json!({"code": "charla", "name": "Charla", "purpose": "training_offers",
            "sms_text": "Hola {nombre}", "active": false, "version": 1}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let t: Value = res.json().await.unwrap();
    assert_eq!(
        (t["version"].as_i64(), t["active"].as_bool()),
        (Some(2), Some(false))
    );
    // Refused: an edit of version 1 (someone saved version 2 since), a new code, and a
    // notice's template using a variable its module does not give.
    let referral = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "referral_notice")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (id, body, field) in [
        (
            id.as_str(),
            json!({"code": "charla", "name": "Charla", "purpose": "service", "sms_text": "Hola", "version": 1}),
            "version",
        ),
        (
            id.as_str(),
            json!({"code": "charla_nueva", "name": "Charla", "purpose": "service", "sms_text": "Hola"}),
            "code",
        ),
        (
            referral.as_str(),
            json!({"code": "referral_notice", "name": "Aviso", "purpose": "service", "sms_text": "Hola {nombre}, el {curso}"}),
            "sms_text",
        ),
    ] {
        let res = put(id, body.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem: Value = res.json().await.unwrap();
        assert!(problem.to_string().contains(field), "{field}: {problem}");
    }
    // Its own variables are fine.
    let res = put(&referral, json!({"code": "referral_notice", "name": "Aviso", "purpose": "service", "sms_text": "Hola {nombre}: {puesto} en {empresa}"})).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_consent_withdrawn_after_queueing_cancels_the_message_and_the_others_go() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let token = admin_token(&app).await;
    let stays = person(&app, "42000001", "", "+5493815551001", &["sms"]).await;
    let leaves = person(&app, "42000002", "", "+5493815551002", &["sms"]).await;
    // Queued together, held back (due far ahead) so nothing leaves yet.
    let tx = sipe::db::begin_write(&app.db).await.unwrap();
    let ctx = sipe::audit::AuditCtx::system();
    for (p, key) in [(stays, "a"), (leaves, "b")] {
        let out = sipe::messaging::send(
            &tx,
            &ctx,
            "programme_approval",
            PersonId(p),
            &[("programa", "Empleo Joven".into())],
            key,
        )
        .await
        .unwrap();
        assert_eq!(out.status, "queued");
    }
    sea_orm::ConnectionTrait::execute_unprepared(
        &tx,
        "UPDATE messages SET next_attempt_at = '2999-01-01T00:00:00Z'",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // The person withdraws the consent (what a BAJA reply does), then both fall due.
    let tx = sipe::db::begin_write(&app.db).await.unwrap();
    assert!(
        sipe::persons::contact::withdraw_consent(
            &tx,
            &ctx,
            PersonId(leaves),
            sipe::persons::contact::ContactChannel::Sms
        )
        .await
        .unwrap()
    );
    tx.commit().await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "UPDATE messages SET next_attempt_at = created_at",
    )
    .await
    .unwrap();
    settled(&app).await;
    let one = |rows: Vec<Value>| {
        (
            rows[0]["status"].as_str().unwrap().to_owned(),
            rows[0]["reason"].as_str().map(str::to_owned),
        )
    };
    assert_eq!(
        one(messages_of(&app, &token, stays).await),
        ("sent".to_owned(), None)
    );
    assert_eq!(
        one(messages_of(&app, &token, leaves).await),
        ("cancelled".to_owned(), Some("consent_withdrawn".to_owned()))
    );
    // The withdrawal is on the record like any edit.
    let p = app
        .get_json(&token, &format!("/api/v1/persons/{leaves}"))
        .await;
    assert_eq!(
        (p["sms_consent"].as_bool(), p["email_consent"].as_bool()),
        (Some(false), Some(false))
    );
}

#[tokio::test]
async fn transactional_mail_reaches_a_real_smtp_server_once_with_retries_and_refusals() {
    let smtp = counterparts::node("smtp_server.mjs");
    let smtp_port = smtp.hello["smtp"].as_i64().unwrap();
    let mail_url = format!("http://127.0.0.1:{}/", smtp.hello["http"]);
    let app = TestApp::spawn_with(|c| {
        c.messaging = Some(
            toml::from_str(&format!(
                "[email]\nprovider = \"smtp\"\nhost = \"127.0.0.1\"\nport = {smtp_port}\nsecurity = \"none\"\nfrom = \"Empleo Tucumán <no-responder@empleo.example>\"\nrate_per_second = 50\n[sms]\nprovider = \"sink\"\n"
            ))
            .unwrap(),
        );
    })
    .await;
    app.office("OE-A", "").await;
    let token = admin_token(&app).await;
    let ana = person(&app, "41000001", "ana@example.org", "", &["email"]).await;
    let refused = person(&app, "41000002", "rechazo@example.org", "", &["email"]).await;
    let later = person(&app, "41000003", "demora@example.org", "", &["email"]).await;
    let without = person(&app, "41000004", "sin@example.org", "+5493815550004", &[]).await;
    let by_sms = person(&app, "41000005", "", "+5493815550005", &["sms"]).await;

    let first = notify(&app, ana, "referral:1").await;
    assert_eq!(
        (first.status, first.channel),
        ("queued", Some(sipe::messaging::domain::Channel::Email))
    );
    // The same key again queues nothing.
    let again = notify(&app, ana, "referral:1").await;
    assert_eq!(
        (again.message_id, again.reason),
        (None, Some("already_sent"))
    );
    notify(&app, refused, "referral:2").await;
    let delayed = notify(&app, later, "referral:3").await;
    let skipped = notify(&app, without, "referral:4").await;
    assert_eq!(
        (skipped.status, skipped.reason),
        ("skipped", Some("no_channel_consent"))
    );
    // No e-mail address but SMS consent: the SMS variant, to the development sink.
    let sms = notify(&app, by_sms, "referral:5").await;
    assert_eq!(sms.channel, Some(sipe::messaging::domain::Channel::Sms));

    // The 451 comes back to the queue with a backoff; bring its time forward.
    for _ in 0..100 {
        let m = sipe::messaging::outbox::find(&app.db, delayed.message_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        if m.attempts >= 1 && m.status == "queued" {
            assert_eq!(m.reason.as_deref(), Some("provider_error"));
            assert!(
                m.detail.as_deref().unwrap_or_default().contains("451"),
                "{m:?}"
            );
            sea_orm::ConnectionTrait::execute_unprepared(
                &app.db,
                "UPDATE messages SET next_attempt_at = created_at WHERE status = 'queued'",
            )
            .await
            .unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    settled(&app).await;

    let received: Vec<Value> = reqwest::get(&mail_url).await.unwrap().json().await.unwrap();
    let to = |addr: &str| received.iter().filter(|m| m["to"][0] == addr).count();
    assert_eq!(
        (
            to("ana@example.org"),
            to("demora@example.org"),
            to("rechazo@example.org"),
            to("sin@example.org")
        ),
        (1, 1, 0, 0),
        "{received:#?}"
    );
    let mail = received
        .iter()
        .find(|m| m["to"][0] == "ana@example.org")
        .unwrap()["raw"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = first.message_id.unwrap();
    assert!(
        mail.contains(&format!("Message-ID: <{id}@empleo.example>")),
        "{mail}"
    );
    assert!(
        mail.contains("multipart/alternative") && mail.contains("text/html"),
        "{mail}"
    );
    assert!(
        mail.contains("From: =?utf-8?") || mail.contains("Empleo Tucum"),
        "{mail}"
    );

    let status = |rows: &[Value]| {
        (
            rows[0]["status"].as_str().unwrap().to_owned(),
            rows[0]["attempts"].as_i64().unwrap(),
        )
    };
    assert_eq!(
        status(&messages_of(&app, &token, ana).await),
        ("sent".to_owned(), 1)
    );
    assert_eq!(
        status(&messages_of(&app, &token, later).await),
        ("sent".to_owned(), 2)
    );
    let failed = messages_of(&app, &token, refused).await;
    assert_eq!(
        (failed[0]["status"].as_str(), failed[0]["reason"].as_str()),
        (Some("failed"), Some("provider_refused"))
    );
    assert!(
        failed[0]["detail"].as_str().unwrap().contains("550"),
        "{failed:?}"
    );
    assert_eq!(
        messages_of(&app, &token, without).await[0]["reason"],
        "no_channel_consent"
    );
    // The SMS went to the sink: a file named by the message's id.
    let sent = messages_of(&app, &token, by_sms).await;
    assert_eq!(
        (sent[0]["status"].as_str(), sent[0]["encoding"].as_str()),
        (Some("sent"), Some("GSM-7")),
        "Ñ and ñ are in the GSM alphabet"
    );
    let file = app
        .config
        .data_dir
        .join(format!("outbox/sms/{}.json", sms.message_id.unwrap()));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["to"], "+5493815550005");
    assert!(
        written["body"]
            .as_str()
            .unwrap()
            .contains("Ingenio Ñuñorco")
    );
    // Every message is on its person's timeline.
    let client = app.client();
    app.login(&client, "adm").await;
    let page = app.get_page(&client, &format!("/persons/{ana}")).await;
    assert!(
        page.contains("Aviso de derivación"),
        "timeline and section name the template"
    );
}

/// A signed-in API user of office `office` with `role`.
async fn api_user(app: &TestApp, username: &str, role: &str, offices: &[&str]) -> String {
    let id = app.user(username, role, offices).await;
    app.token(id).await
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    send(app, reqwest::Method::POST, token, path, body).await
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Waits until the campaign reaches `state`.
async fn campaign_in(app: &TestApp, token: &str, id: &str, state: &str) -> Value {
    for _ in 0..150 {
        let c = app
            .get_json(token, &format!("/api/v1/campaigns/{id}"))
            .await;
        if c["state"] == state {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("campaign {id} never reached {state}");
}

#[tokio::test]
async fn a_campaign_is_approved_by_a_second_user_and_reaches_each_consenting_person_once() {
    let app = TestApp::spawn_with(|c| {
        c.messaging = Some(
            toml::from_str(
                "approval_threshold = 2\nfrequency_cap = 1\nsms_price_per_segment = 10\n[sms]\nprovider = \"sink\"\n[email]\nprovider = \"sink\"\n",
            )
            .unwrap(),
        );
    })
    .await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let mut reached = Vec::new();
    for n in 0..3 {
        reached.push(
            person(
                &app,
                &format!("4300000{n}"),
                "",
                &format!("+549381555200{n}"),
                &["sms"],
            )
            .await,
        );
    }
    let silent = person(&app, "43000009", "", "+5493815552009", &[]).await;
    let elsewhere = person_of(&app, "OE-B", "43000010", "", "+5493815552010", &["sms"]).await;
    let admin = admin_token(&app).await;
    let author = api_user(&app, "coa", "coordinator", &["OE-A"]).await;
    let approver = api_user(&app, "cob", "coordinator", &["OE-A"]).await;
    let operator = api_user(&app, "opa", "operator", &["OE-A"]).await;
    let (status, template) = post(
        &app,
        &admin,
        "/api/v1/message-templates",
        json!({
        "code": "charla", "name": "Charla de orientación", "purpose": "service",
        "sms_text": "Hola {nombre}, te esperamos en {oficina}."}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let template = template["id"].as_str().unwrap().to_owned();

    // Who it reaches, within the author's scope: OE-B's person is not counted.
    let (status, counts) = post(
        &app,
        &author,
        "/api/v1/message-audiences/count",
        json!({"filters": {"office": "OE-A"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{counts}");
    assert_eq!(
        (
            counts["people"].as_u64(),
            counts["sms"].as_u64(),
            counts["email"].as_u64()
        ),
        (Some(4), Some(3), Some(0))
    );
    let (status, refused) = post(
        &app,
        &author,
        "/api/v1/message-audiences/count",
        json!({"filters": {"office": "OE-B"}}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another office's audience: {refused}"
    );
    // Other modules' filters: a value they offer runs as SQL (nobody holds a place in a
    // new programme yet); a value they do not offer is refused, as is an unknown filter.
    let programme = sipe::programmes::programmes::create(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::programmes::programmes::ProgrammeInput {
            code: "PEJ".into(),
            name: "Jóvenes".into(),
            kind: "training_stipend".into(),
            legal_basis: "Res. 1/2026".into(),
            starts_on: "2026-01-01".into(),
            amounts: vec![sipe::programmes::programmes::AmountInput {
                category: String::new(),
                amount: "85.000".into(),
                effective_from: "2026-01-01".into(),
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (status, none) = post(
        &app,
        &author,
        "/api/v1/message-audiences/count",
        json!({"filters": {"office": "OE-A", "extra": {"programme": programme}}}),
    )
    .await;
    assert_eq!(
        (status, none["people"].as_u64()),
        (StatusCode::OK, Some(0)),
        "{none}"
    );
    for key in ["programme", "cohort", "vacancy"] {
        let (status, refused) = post(
            &app,
            &author,
            "/api/v1/message-audiences/count",
            json!({"filters": {"office": "OE-A", "extra": {key: Uuid::now_v7()}}}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key}: {refused}");
    }
    let (status, unknown) = post(
        &app,
        &author,
        "/api/v1/message-audiences/count",
        json!({"filters": {"office": "OE-A", "extra": {"color": "azul"}}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{unknown}");

    let (status, c) = post(
        &app,
        &author,
        "/api/v1/campaigns",
        json!({
        "name": "Charlas de diciembre", "template_id": template, "channel": "sms",
        "filters": {"office": "OE-A"}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["id"].as_str().unwrap().to_owned();
    let steps = format!("/api/v1/campaigns/{id}/steps");
    // Three recipients, over the threshold of two: it waits for a second user.
    let (status, c) = post(
        &app,
        &author,
        &steps,
        json!({"action": "launch", "version": 1}),
    )
    .await;
    assert_eq!(
        (status, c["state"].as_str(), c["recipients"].as_i64()),
        (StatusCode::OK, Some("pending_approval"), Some(3))
    );
    let (status, same) = post(
        &app,
        &author,
        &steps,
        json!({"action": "approve", "version": 2}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "its author cannot approve it: {same}"
    );
    let (status, _) = post(
        &app,
        &operator,
        &steps,
        json!({"action": "approve", "version": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an operator may not");
    let (status, c) = post(
        &app,
        &approver,
        &steps,
        json!({"action": "approve", "version": 2}),
    )
    .await;
    assert_eq!(
        (status, c["state"].as_str()),
        (StatusCode::OK, Some("scheduled")),
        "{c}"
    );

    let done = campaign_in(&app, &author, &id, "finished").await;
    assert_eq!(
        (done["queued"].as_i64(), done["excluded"].as_i64()),
        (Some(3), Some(1)),
        "{done}"
    );
    let report = app
        .get_json(&author, &format!("/api/v1/campaigns/{id}/report"))
        .await;
    assert_eq!(report["recipients"], 3);
    assert_eq!(report["by_status"], json!([["sent", 3]]));
    assert_eq!(report["cost_cents"], 3000, "one segment each at $ 10");
    // Its messages' export says what happened in words, for office A's reader.
    let c = app.client();
    app.login(&c, "coa").await;
    let csv = app
        .get_page(&c, &format!("/messaging/campaigns/{id}/messages.csv"))
        .await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "a header and three messages: {csv}");
    assert!(lines[0].starts_with("fecha,persona,canal"), "{csv}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.contains(",SMS,") && l.contains(",Enviado,")),
        "{csv}"
    );
    // Its messages' list says whose they are and leads back.
    let list = app
        .get_page(&c, &format!("/messaging/messages?campaign={id}"))
        .await;
    assert!(
        list.contains("messages-of-campaign")
            && list.contains(&format!("/messaging/campaigns/{id}\">Charlas de diciembre")),
        "{list}"
    );
    for p in &reached {
        let rows = messages_of(&app, &admin, *p).await;
        assert_eq!(rows.len(), 1, "one message each");
        assert_eq!(rows[0]["status"], "sent");
        assert!(
            rows[0]["body"]
                .as_str()
                .unwrap()
                .starts_with("Hola Persona"),
            "{rows:?}"
        );
    }
    assert!(
        messages_of(&app, &admin, silent).await.is_empty(),
        "no consent, no message"
    );
    assert!(
        messages_of(&app, &admin, elsewhere).await.is_empty(),
        "another office's person"
    );
    let files = std::fs::read_dir(app.config.data_dir.join("outbox/sms"))
        .unwrap()
        .count();
    assert_eq!(files, 3);

    // A second campaign to the same people: the frequency cap (one a week) leaves them out.
    let (_, c2) = post(&app, &author, "/api/v1/campaigns", json!({
        "name": "Recordatorio", "template_id": template, "channel": "sms", "filters": {"office": "OE-A"}})).await;
    let id2 = c2["id"].as_str().unwrap().to_owned();
    let (status, _) = post(
        &app,
        &author,
        &format!("/api/v1/campaigns/{id2}/steps"),
        json!({"action": "launch", "version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, c2) = post(
        &app,
        &approver,
        &format!("/api/v1/campaigns/{id2}/steps"),
        json!({"action": "approve", "version": 2}),
    )
    .await;
    assert_eq!(c2["state"], "scheduled");
    let done = campaign_in(&app, &author, &id2, "finished").await;
    assert_eq!(
        (done["queued"].as_i64(), done["excluded"].as_i64()),
        (Some(0), Some(4)),
        "{done}"
    );

    // A scheduled campaign is cancelled before its time: nothing is queued.
    let (_, c3) = post(&app, &admin, "/api/v1/campaigns", json!({
        "name": "Más adelante", "template_id": template, "channel": "sms", "filters": {"office": "OE-A"}})).await;
    let id3 = c3["id"].as_str().unwrap().to_owned();
    // A draft is changed by its author only, at the version read.
    let put = |token: &str, body: Value| {
        let (app, token, path) = (&app, token.to_owned(), format!("/api/v1/campaigns/{id3}"));
        async move { send(app, reqwest::Method::PUT, &token, &path, body).await }
    };
    let change = |version: i32| {
        json!({"version": version, "name": "Más adelante (mayores de 18)", "template_id": template,
            "channel": "sms", "filters": {"office": "OE-A", "age_min": "18"}})
    };
    let (status, refused) = put(&author, change(1)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not its author: {refused}");
    let (status, refused) = put(&admin, change(7)).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale version: {refused}");
    let (status, refused) = put(
        &admin,
        json!({"version": 1, "name": "", "template_id": template,
        "channel": "sms", "filters": {"office": "OE-A"}}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no name: {refused}"
    );
    let (status, changed) = put(&admin, change(1)).await;
    assert_eq!(
        (
            status,
            changed["name"].as_str(),
            changed["version"].as_i64(),
            changed["filters"]["age_min"].as_str()
        ),
        (
            StatusCode::OK,
            Some("Más adelante (mayores de 18)"),
            Some(2),
            Some("18")
        ),
        "{changed}"
    );
    let (status, c3) = post(
        &app,
        &admin,
        &format!("/api/v1/campaigns/{id3}/steps"),
        json!({"action": "launch", "version": 2, "scheduled_at": "2099-01-01T10:00"}),
    )
    .await;
    assert_eq!(
        (status, c3["state"].as_str()),
        (StatusCode::OK, Some("pending_approval")),
        "{c3}"
    );
    let (status, refused) = put(&admin, change(3)).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "waiting for approval: {refused}"
    );
    let (status, c3) = post(
        &app,
        &author,
        &format!("/api/v1/campaigns/{id3}/steps"),
        json!({"action": "cancel", "version": 3}),
    )
    .await;
    assert_eq!(
        (status, c3["state"].as_str()),
        (StatusCode::OK, Some("cancelled")),
        "{c3}"
    );
    let (status, refused) = put(&admin, change(4)).await;
    assert_eq!(status, StatusCode::CONFLICT, "no longer a draft: {refused}");
    // The operator of OE-A sees the office's campaigns; nobody of OE-B would.
    let listed = app.get_json(&operator, "/api/v1/campaigns").await;
    assert_eq!(listed["total"], 3);
    let other = api_user(&app, "opb", "operator", &["OE-B"]).await;
    assert_eq!(app.get_json(&other, "/api/v1/campaigns").await["total"], 0);
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/campaigns/{id}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
