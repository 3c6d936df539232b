//! E-mail intake end to end against real servers of other implementations: mail people
//! send is read from a Dovecot IMAP mailbox (tests/it/counterparts.rs) and becomes
//! consultations — a new mail a new one, linked to the person by their address; a
//! reply joins its thread by In-Reply-To — the office's answer goes out through an SMTP
//! server (tests/counterparts/smtp_server.mjs) in the same thread; and neither a server
//! restart nor a lost cursor loses or repeats a mail.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::counterparts::{self, Dovecot};
use crate::helpers::{TZ, TestApp, api as call, exec_sql, user_id};
use crate::messaging::{register_in, settled};

fn mail(from: &str, id: &str, subject: &str, answers: Option<&str>, text: &str) -> String {
    let thread = answers
        .map(|a| format!("In-Reply-To: {a}\nReferences: {a}\n"))
        .unwrap_or_default();
    format!(
        "From: Lucía Paz <{from}>\nTo: consultas@empleo.example\nSubject: {subject}\n\
         Message-ID: {id}\n{thread}Date: Tue, 1 Dec 2026 10:00:00 -0300\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{text}\n"
    )
}

async fn poll(app: &TestApp) -> Result<sipe::messaging::providers::imap::Round, String> {
    let settings = sipe::messaging::config::Settings::from_config(&app.config).unwrap();
    let inbox = settings.inbox.expect("an inbox is configured");
    sipe::messaging::providers::imap::poll(&app.db, &inbox)
        .await
        .map_err(|e| e.to_string())
}

async fn follow(app: &TestApp) -> usize {
    sipe::attention::interactions::conversation::follow(&app.db, TZ)
        .await
        .unwrap()
}

async fn by_mail(app: &TestApp, token: &str) -> Vec<Value> {
    app.get_json(token, "/api/v1/interactions?channel=email")
        .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn mail_becomes_consultations_in_their_threads_without_loss_or_repeats() {
    let mut imap = Dovecot::start();
    let smtp = counterparts::node("smtp_server.mjs");
    let smtp_port = smtp.hello["smtp"].as_i64().unwrap();
    let sent_url = format!("http://127.0.0.1:{}/", smtp.hello["http"]);
    let (imap_port, password) = (imap.port, imap.password_file());
    let app = TestApp::spawn_with(move |c| {
        c.messaging = Some(
            toml::from_str(&format!(
                "[email]\nprovider = \"smtp\"\nhost = \"127.0.0.1\"\nport = {smtp_port}\n\
                 security = \"none\"\nfrom = \"Empleo <consultas@empleo.example>\"\n\
                 [sms]\nprovider = \"sink\"\n\
                 [inbox]\nhost = \"127.0.0.1\"\nport = {imap_port}\nsecurity = \"none\"\n\
                 username = \"consultas\"\npassword_file = \"{}\"\npoll_seconds = 3600\n",
                password.display()
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
    let lucia = register_in(
        &app.db,
        "OE-A",
        "30111222",
        "lucia@example.org",
        "",
        &["email"],
    )
    .await;

    // A new mail: one consultation of her office, hers, with its subject.
    imap.deliver(&mail(
        "Lucia@Example.org",
        "<m1@example.org>",
        "Consulta por el curso de soldadura",
        None,
        "¿Cuándo abre la inscripción?",
    ));
    assert_eq!(poll(&app).await.unwrap().stored, 1);
    assert_eq!(poll(&app).await.unwrap().stored, 0, "read once");
    assert_eq!(follow(&app).await, 1);
    let ours = by_mail(&app, &opa).await;
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert!(
        by_mail(&app, &opb).await.is_empty(),
        "office B sees none of A's"
    );
    let id = ours[0]["id"].as_str().unwrap().to_owned();
    let shown = app
        .get_json(&opa, &format!("/api/v1/interactions/{id}"))
        .await;
    assert_eq!(shown["person_id"], lucia.to_string());
    assert_eq!(shown["contact"], "lucia@example.org");
    assert!(
        shown["notes"]
            .as_str()
            .unwrap()
            .contains("Consulta por el curso de soldadura"),
        "{shown}"
    );

    // The answer goes by mail, in her thread, under her subject.
    let (status, sent) = call(
        &app,
        &opa,
        Method::POST,
        &format!("/api/v1/interactions/{id}/replies"),
        json!({"text": "Abre el 1 de marzo.", "key": "r1"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let reply_id = sent["message_id"].as_str().unwrap().to_owned();
    settled(&app).await;
    let outgoing: Vec<Value> = reqwest::get(&sent_url).await.unwrap().json().await.unwrap();
    let answer = outgoing
        .iter()
        .map(|m| m["raw"].as_str().unwrap())
        .find(|raw| raw.contains("Abre el 1 de marzo"))
        .unwrap_or_else(|| panic!("{outgoing:#?}"));
    assert!(answer.contains("In-Reply-To: <m1@example.org>"), "{answer}");
    assert!(
        answer.contains("Subject: Re: Consulta por el curso de soldadura"),
        "{answer}"
    );

    // She answers it: the same consultation, open again; a mail on something else is
    // another consultation.
    let now = app
        .get_json(&opa, &format!("/api/v1/interactions/{id}"))
        .await;
    let (status, waiting) = call(
        &app,
        &opa,
        Method::POST,
        &format!("/api/v1/interactions/{id}/status"),
        json!({"status": "waiting_person", "version": now["version"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{waiting}");
    imap.deliver(&mail(
        "lucia@example.org",
        "<m2@example.org>",
        "Re: Consulta por el curso de soldadura",
        Some(&format!("<{reply_id}@empleo.example>")),
        "Gracias, ¿qué tengo que llevar?",
    ));
    imap.deliver(&mail(
        "lucia@example.org",
        "<m3@example.org>",
        "Otra cosa",
        None,
        "¿Dónde cobro el programa?",
    ));
    assert_eq!(poll(&app).await.unwrap().stored, 2);
    assert_eq!(follow(&app).await, 2);
    let thread = app
        .get_json(&opa, &format!("/api/v1/interactions/{id}/messages"))
        .await;
    assert_eq!(thread["total"], 3, "{thread}");
    let again = app
        .get_json(&opa, &format!("/api/v1/interactions/{id}"))
        .await;
    assert_eq!(again["status"], "open");
    assert_eq!(by_mail(&app, &opa).await.len(), 2);

    // The server goes down: a round fails and loses nothing; mail that came meanwhile
    // is read once it is back.
    imap.down();
    assert!(poll(&app).await.is_err());
    imap.deliver(&mail(
        "otro@example.org",
        "<m4@example.org>",
        "Hola",
        None,
        "Quiero inscribirme",
    ));
    imap.up();
    assert_eq!(poll(&app).await.unwrap().stored, 1);
    // A cursor lost (a crash between storing and moving it) repeats nothing.
    exec_sql(&app.db, "update message_mailboxes set last_uid = 0", vec![]).await;
    let round = poll(&app).await.unwrap();
    assert_eq!((round.stored, round.repeated), (0, 4));
    assert_eq!(follow(&app).await, 1);
    // Nobody has that address: the head office's inbox has it, unlinked.
    let theirs = by_mail(&app, &opa).await;
    assert_eq!(theirs.len(), 3, "{theirs:?}");
    assert!(
        theirs
            .iter()
            .any(|i| i["contact"] == "otro@example.org" && i["person_id"].is_null())
    );
}
