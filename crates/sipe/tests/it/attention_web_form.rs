//! The public consultation form end to end: anyone writes without an account, bad
//! fields are said where they are and record nothing, a sent form becomes a `web`
//! consultation of the office chosen (only its operators see it) with an
//! acknowledgement delivered to a real SMTP server (tests/counterparts/smtp_server.mjs),
//! the office's answer goes out by e-mail with a subject, and one address cannot send
//! without limit.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::counterparts;
use crate::helpers::{TestApp, api as call, location, user_id};
use crate::messaging::settled;

async fn consultations(app: &TestApp, token: &str) -> Vec<Value> {
    app.get_json(token, "/api/v1/interactions?channel=web")
        .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_consultation_sent_from_the_web_reaches_its_office_and_is_answered_by_mail() {
    let smtp = counterparts::node("smtp_server.mjs");
    let smtp_port = smtp.hello["smtp"].as_i64().unwrap();
    let mail_url = format!("http://127.0.0.1:{}/", smtp.hello["http"]);
    let app = TestApp::spawn_with(|c| {
        c.messaging = Some(
            toml::from_str(&format!(
                "[email]\nprovider = \"smtp\"\nhost = \"127.0.0.1\"\nport = {smtp_port}\nsecurity = \"none\"\nfrom = \"Empleo <no-responder@empleo.example>\"\nrate_per_second = 50\n[sms]\nprovider = \"sink\"\n"
            ))
            .unwrap(),
        );
    })
    .await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    app.user("opa", "operator", &["OE-A"]).await;
    app.user("opb", "operator", &["OE-B"]).await;
    let opa = app.token(user_id(&app, "opa").await).await;
    let opb = app.token(user_id(&app, "opb").await).await;

    let client = app.client();
    let html = app.get_page(&client, "/consultas").await;
    assert!(
        html.contains("data-testid=\"contact-form\"") && html.contains("value=\"OE-B\""),
        "the form offers the offices"
    );
    let csrf = app.csrf(&client).await;
    let send = |fields: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = app.url("/consultas");
        let mut form = vec![("_csrf", csrf.clone())];
        form.extend(fields);
        async move { client.post(url).form(&form).send().await.unwrap() }
    };

    // Bad fields: said where they are, in Spanish, and nothing recorded.
    let res = send(vec![
        ("name", "Lucía Paz".into()),
        ("email", "lucia@".into()),
        ("document", "30x".into()),
        ("message", "".into()),
    ])
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("Revisá el e-mail"), "{page}");
    assert!(page.contains("solo los números"), "{page}");
    assert!(page.contains("Lucía Paz"), "what was typed is kept");
    let res = send(vec![
        ("name", "Lucía Paz".into()),
        ("email", "lucia@example.org".into()),
        ("office", "OE-Z".into()),
        ("message", "Hola".into()),
    ])
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(consultations(&app, &opa).await.is_empty());
    assert!(consultations(&app, &opb).await.is_empty());

    // A good one, to office B.
    let res = send(vec![
        ("name", "Lucía Paz".into()),
        ("email", "Lucia@Example.org".into()),
        ("phone", "0381 15-544-2347".into()),
        ("document", "30.111.222".into()),
        ("office", "OE-B".into()),
        (
            "message",
            "¿Cuándo abre la inscripción al curso de soldadura?".into(),
        ),
    ])
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), "/consultas/enviada");
    let thanks = app.get_page(&client, "/consultas/enviada").await;
    assert!(thanks.contains("data-testid=\"contact-sent\""));

    // Office B's operator sees it; office A's, who sees nothing of B, does not.
    let theirs = consultations(&app, &opb).await;
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert!(consultations(&app, &opa).await.is_empty());
    let id = theirs[0]["id"].as_str().unwrap().to_owned();
    let shown = app
        .get_json(&opb, &format!("/api/v1/interactions/{id}"))
        .await;
    assert_eq!(shown["channel"], "web");
    assert_eq!(shown["contact"], "lucia@example.org");
    assert_eq!(shown["status"], "open");
    let notes = shown["notes"].as_str().unwrap();
    assert!(
        notes.contains("Lucía Paz")
            && notes.contains("DNI 30111222")
            && notes.contains("soldadura"),
        "{notes}"
    );

    // The acknowledgement and then the answer, both by mail, both in the thread.
    let path = format!("/api/v1/interactions/{id}/replies");
    let (status, sent) = call(
        &app,
        &opb,
        Method::POST,
        &path,
        json!({"text": "Abre el 1 de marzo. Saludos.", "key": "r1"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let reply_id = sent["message_id"].as_str().unwrap().to_owned();
    settled(&app).await;
    let thread = app
        .get_json(&opb, &format!("/api/v1/interactions/{id}/messages"))
        .await;
    assert_eq!(thread["total"], 2, "{thread}");
    let received: Vec<Value> = reqwest::get(&mail_url).await.unwrap().json().await.unwrap();
    let to_her: Vec<&str> = received
        .iter()
        .filter(|m| m["to"][0] == "lucia@example.org")
        .map(|m| m["raw"].as_str().unwrap())
        .collect();
    assert_eq!(to_her.len(), 2, "{received:#?}");
    // The sender may deliver them in either order.
    let ack = to_her
        .iter()
        .find(|m| m.contains("Subject: Recibimos tu consulta"));
    assert!(ack.is_some(), "{to_her:#?}");
    let answer = to_her
        .iter()
        .find(|m| m.contains("Subject: Respuesta a tu consulta"))
        .unwrap_or_else(|| panic!("{to_her:#?}"));
    assert!(
        answer.contains("Abre el 1 de marzo")
            && answer.contains(&format!("Message-ID: <{reply_id}@empleo.example>")),
        "{answer}"
    );
    let message = app
        .get_json(&opb, &format!("/api/v1/messages/{reply_id}"))
        .await;
    assert_eq!(
        (message["channel"].as_str(), message["status"].as_str()),
        (Some("email"), Some("sent")),
        "{message}"
    );
}

#[tokio::test]
async fn one_address_sends_five_consultations_a_minute() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.user("opa", "operator", &["OE-A"]).await;
    let opa = app.token(user_id(&app, "opa").await).await;
    let client = app.client();
    let csrf = app.csrf(&client).await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let res = client
            .post(app.url("/consultas"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "Pedro Ruiz"),
                ("email", &format!("pedro{n}@example.org")),
                ("message", "Consulta"),
            ])
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(res.headers()["retry-after"], "60");
        }
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [303, 303, 303, 303, 303, 429]);
    // With no office chosen they went to the head office; the sixth was not recorded.
    assert_eq!(consultations(&app, &opa).await.len(), 5);
}
