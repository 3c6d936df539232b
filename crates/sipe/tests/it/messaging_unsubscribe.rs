//! The unsubscribe link of campaign e-mails: no login, a confirmation first, the e-mail
//! consent withdrawn (and nothing else), the same answer for a second visit, and
//! nothing for links that are not a campaign e-mail's.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;
use crate::messaging::{admin_token, launch_campaign, person};

#[tokio::test]
async fn a_campaign_email_unsubscribe_link_withdraws_the_email_consent_without_login() {
    let app = TestApp::spawn_with(|c| {
        c.public_url = Some("https://empleo.example.gob.ar".into());
    })
    .await;
    app.office("OE-A", "").await;
    let token = admin_token(&app).await;
    let ana = person(
        &app,
        "45000010",
        "ana@example.org",
        "+5493815550010",
        &["email", "sms"],
    )
    .await;
    launch_campaign(
        &app.db,
        &app.config,
        sipe::messaging::templates::TemplateInput {
            code: "novedades".into(),
            name: "Novedades".into(),
            purpose: "service".into(),
            email_subject: "Novedades de {oficina}".into(),
            email_text: "Hola {nombre}, hay cursos nuevos.".into(),
            ..Default::default()
        },
        "email",
        "OE-A",
    )
    .await;

    // The e-mail reaches the sink with its link.
    let dir = app.config.data_dir.join("outbox/email");
    let mut mail: Option<Value> = None;
    for _ in 0..200 {
        if let Some(file) = std::fs::read_dir(&dir)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(Result::ok)
        {
            mail = std::fs::read_to_string(file.path())
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok());
            if mail.is_some() {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mail = mail.expect("the campaign e-mail in the sink");
    let link = mail["unsubscribe"].as_str().unwrap().to_owned();
    let id = mail["id"].as_str().unwrap().to_owned();
    assert_eq!(link, format!("https://empleo.example.gob.ar/baja/{id}"));
    let path = format!("/baja/{id}");

    // Opening the link (a mail scanner does) changes nothing; it asks.
    let anonymous = app.client();
    let page = anonymous.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert!(body.contains("a***@example.org"), "masked address: {body}");
    assert!(!body.contains("ana@example.org"));
    let record = app
        .get_json(&token, &format!("/api/v1/persons/{ana}"))
        .await;
    assert_eq!(record["email_consent"], true);

    // The one-click POST a mail program sends (RFC 8058): withdrawn, SMS untouched.
    let done = anonymous
        .post(app.url(&path))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await.unwrap().contains("unsubscribe-done"));
    let record = app
        .get_json(&token, &format!("/api/v1/persons/{ana}"))
        .await;
    assert_eq!(
        (
            record["email_consent"].as_bool(),
            record["sms_consent"].as_bool()
        ),
        (Some(false), Some(true))
    );
    let again = anonymous.get(app.url(&path)).send().await.unwrap();
    assert!(again.text().await.unwrap().contains("unsubscribe-already"));

    // Links that are no campaign e-mail's lead nowhere.
    let unknown = anonymous
        .get(app.url(&format!("/baja/{}", uuid::Uuid::now_v7())))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let notice = crate::messaging::notify(&app, ana, "referral:u1").await;
    let sms_link = anonymous
        .post(app.url(&format!("/baja/{}", notice.message_id.unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(sms_link.status(), StatusCode::NOT_FOUND);
    let record = app
        .get_json(&token, &format!("/api/v1/persons/{ana}"))
        .await;
    assert_eq!(record["sms_consent"], true);
}
