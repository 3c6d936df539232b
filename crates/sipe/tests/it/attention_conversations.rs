//! Conversations end to end: WhatsApp and SMS messages people send become consultations
//! (one open per phone and channel, every later message added), read once whatever the
//! rounds; the office answers from the consultation through the messaging outbox, on
//! WhatsApp only inside the 24-hour window; a person writing again reopens it.

use chrono::{TimeDelta, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;
use sipe::messaging::domain::Channel;
use sipe::messaging::inbound::{Inbound, receive};

use crate::attention_phone::person_with_phone;
use crate::helpers::{TZ, TestApp, api as call, exec_sql, location, user_id};

async fn write(app: &TestApp, channel: Channel, from: &str, text: &str) {
    let n = uuid::Uuid::now_v7();
    receive(
        &app.db,
        Inbound {
            channel,
            provider: "test",
            provider_id: n.to_string(),
            from: from.into(),
            international: true,
            text: text.into(),
            at: Utc::now(),
            mail: None,
        },
    )
    .await
    .unwrap();
}

async fn follow(app: &TestApp) -> usize {
    sipe::attention::interactions::conversation::follow(&app.db, TZ)
        .await
        .unwrap()
}

#[tokio::test]
async fn messages_become_conversations_answered_within_the_whatsapp_window() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let person = person_with_phone(&app, "OE-A", "30111222", "0381 15-544-2347").await;
    let (web, csrf) = app.signed_in("opa", "operator", &["OE-A"]).await;
    app.user("opb", "operator", &["OE-B"]).await;
    let opa = app.token(user_id(&app, "opa").await).await;
    let opb = app.token(user_id(&app, "opb").await).await;

    // A person writes twice on WhatsApp; a BAJA from a stranger asks nothing.
    write(
        &app,
        Channel::Whatsapp,
        "5493815442347",
        "Hola, ¿cuándo cobro el programa?",
    )
    .await;
    write(&app, Channel::Sms, "5491100000001", "BAJA").await;
    assert_eq!(follow(&app).await, 1);
    write(
        &app,
        Channel::Whatsapp,
        "5493815442347",
        "Soy la DNI 30111222",
    )
    .await;
    assert_eq!(follow(&app).await, 1);
    assert_eq!(follow(&app).await, 0, "a message is taken once");

    let list = app
        .get_json(&opa, "/api/v1/interactions?channel=whatsapp")
        .await;
    assert_eq!(list["total"], 1, "one conversation per phone: {list}");
    let c = &list["items"][0];
    let id = c["id"].as_str().unwrap().to_owned();
    assert_eq!(c["person_id"], person.to_string());
    assert_eq!(c["contact"], "+5493815442347");
    assert_eq!(c["status"], "open");
    assert!(c["first_response_at"].is_null());
    let thread = app
        .get_json(&opa, &format!("/api/v1/interactions/{id}/messages"))
        .await;
    assert_eq!(thread["total"], 2, "{thread}");
    assert_eq!(thread["items"][1]["body"], "Soy la DNI 30111222");

    // Office B's operator cannot answer it (the control: office A's can, below).
    let path = format!("/api/v1/interactions/{id}/replies");
    let (status, _) = call(&app, &opb, Method::POST, &path, json!({"text": "Hola"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, sent) = call(
        &app,
        &opa,
        Method::POST,
        &path,
        json!({"text": "Cobrás el 10. Saludos.", "key": "k1"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert!(sent["message_id"].is_string());
    // The same key again sends nothing more.
    let (_, again) = call(
        &app,
        &opa,
        Method::POST,
        &path,
        json!({"text": "Cobrás el 10. Saludos.", "key": "k1"}),
    )
    .await;
    assert!(again["message_id"].is_null(), "{again}");
    let thread = app
        .get_json(&opa, &format!("/api/v1/interactions/{id}/messages"))
        .await;
    assert_eq!(thread["total"], 3, "{thread}");
    assert_eq!(thread["items"][2]["direction"], "out");
    // The sender may have taken it already.
    assert!(
        ["queued", "sending", "sent"].contains(&thread["items"][2]["status"].as_str().unwrap()),
        "{thread}"
    );
    let message = app
        .get_json(
            &opa,
            &format!("/api/v1/messages/{}", sent["message_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(message["channel"], "whatsapp", "{message}");
    let shown = app
        .get_json(&opa, &format!("/api/v1/interactions/{id}"))
        .await;
    assert!(
        !shown["first_response_at"].is_null(),
        "a reply is the first answer"
    );

    // Waiting on the person; they write again: open again, same conversation.
    let (status, _) = call(
        &app,
        &opa,
        Method::POST,
        &format!("/api/v1/interactions/{id}/status"),
        json!({"status": "waiting_person", "version": shown["version"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    write(&app, Channel::Whatsapp, "5493815442347", "Gracias, ya vi").await;
    follow(&app).await;
    let shown = app
        .get_json(&opa, &format!("/api/v1/interactions/{id}"))
        .await;
    assert_eq!(shown["status"], "open");

    // From the page: the thread, and a reply sent with the form.
    let page = app
        .get_page(&web, &format!("/attention/interactions/{id}"))
        .await;
    assert!(
        page.contains("Gracias, ya vi") && page.contains("data-testid=\"reply-form\""),
        "{page}"
    );
    let key = crate::helpers::attr_of(&page, "[data-testid=reply-form] input[name=key]", "value")
        .unwrap();
    let res = app
        .post_form(
            &web,
            &csrf,
            &format!("/attention/interactions/{id}/replies"),
            &[("text", "Perfecto"), ("key", &key)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(res.headers()),
        format!("/attention/interactions/{id}")
    );

    // A day later the window is closed: WhatsApp takes no free text.
    exec_sql(
        &app.db,
        "UPDATE messages SET created_at = $1 WHERE direction = 'in'",
        vec![(Utc::now() - TimeDelta::hours(25)).into()],
    )
    .await;
    let (status, refused) = call(
        &app,
        &opa,
        Method::POST,
        &path,
        json!({"text": "¿Sigue ahí?"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let page = app
        .get_page(&web, &format!("/attention/interactions/{id}"))
        .await;
    assert!(page.contains("data-testid=\"window-closed\""), "{page}");

    // An SMS from a stranger: a conversation of the head office, answered any time.
    write(
        &app,
        Channel::Sms,
        "5491144445555",
        "Quiero anotarme a un curso",
    )
    .await;
    assert_eq!(follow(&app).await, 1);
    let sms = app.get_json(&opa, "/api/v1/interactions?channel=sms").await;
    assert_eq!(sms["total"], 1, "{sms}");
    assert!(sms["items"][0]["person_id"].is_null());
    let sms_id = sms["items"][0]["id"].as_str().unwrap();
    let (status, _) = call(
        &app,
        &opa,
        Method::POST,
        &format!("/api/v1/interactions/{sms_id}/replies"),
        json!({"text": "Acercate a la oficina con tu DNI."}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // What a reply refuses: an empty or too long text; a phone consultation.
    for body in [json!({"text": "  "}), json!({"text": "x".repeat(1_001)})] {
        let (status, _) = call(
            &app,
            &opa,
            Method::POST,
            &format!("/api/v1/interactions/{sms_id}/replies"),
            body,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (_, phone) = call(
        &app,
        &opa,
        Method::POST,
        "/api/v1/interactions",
        json!({"channel": "phone", "notes": "Llamó", "office_code": "OE-A"}),
    )
    .await;
    let (status, _) = call(
        &app,
        &opa,
        Method::POST,
        &format!(
            "/api/v1/interactions/{}/replies",
            phone["id"].as_str().unwrap()
        ),
        json!({"text": "Hola"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}
