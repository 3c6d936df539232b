//! Programmes: a beneficiary's bank account (CBU with both check digits, or an alias),
//! recorded for people in the caller's capture scope and read within the view scope.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, text_of};

#[tokio::test]
async fn a_bank_account_is_checked_digit_by_digit_and_kept_within_scope() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let ana =
        crate::persons::register(&app, "OE-A", "30111001", "Quiroga", "Ana", "1990-01-01").await;
    let bea =
        crate::persons::register(&app, "OE-B", "30111002", "Zelaya", "Bea", "1990-01-01").await;
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(op).await;
    let client = app.client();
    let put = |person: uuid::Uuid, body: serde_json::Value| {
        let (client, token, url) = (
            &client,
            &token,
            app.url(&format!("/api/v1/persons/{person}/bank-account")),
        );
        async move {
            client
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };

    // Refused, each with its field: a changed digit in either block, a short one, both,
    // none, an alias with an accent.
    for (body, field) in [
        (json!({"cbu": "2850590940090418135202"}), "cbu"),
        (json!({"cbu": "2850590840090418135201"}), "cbu"),
        (json!({"cbu": "28505909400904181352"}), "cbu"),
        (json!({}), "cbu"),
        (
            json!({"cbu": "2850590940090418135201", "alias": "casa.perro.mate"}),
            "alias",
        ),
        (json!({"alias": "ñandú.azul"}), "alias"),
    ] {
        let res = put(ana, body.clone()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert!(
            problem.to_string().contains(&format!("\"{field}\"")),
            "{body}: {problem}"
        );
    }
    // Accepted as typed from home banking (spaces dropped), then replaced by an alias.
    let res = put(ana, json!({"cbu": "2850590 940090418135201"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let account: serde_json::Value = res.json().await.unwrap();
    assert_eq!(account["cbu"], "2850590940090418135201");
    assert_eq!(account["bank_code"], "285");
    let got = app
        .get_json(&token, &format!("/api/v1/persons/{ana}/bank-account"))
        .await;
    assert_eq!(got["kind"], "cbu");
    let res = put(ana, json!({"alias": "Casa.Perro.Mate"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let account: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (account["alias"].as_str(), account["cbu"].as_str()),
        (Some("casa.perro.mate"), None)
    );

    // Another office's person: not found, to read or to change (A's own just worked).
    assert_eq!(
        put(bea, json!({"alias": "otra.cuenta"})).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = client
        .get(app.url(&format!("/api/v1/persons/{bea}/bank-account")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The person page: the account and its form; a wrong CBU comes back with why.
    let (web, csrf) = app.signed_in("opa2", "operator", &["OE-A"]).await;
    let res = app
        .post_form(
            &web,
            &csrf,
            &format!("/persons/{ana}/bank-account"),
            &[("cbu", "0170099220000067797371"), ("alias", "")],
        )
        .await;
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("cbu-second-check")
    );
    let res = app
        .post_form(
            &web,
            &csrf,
            &format!("/persons/{ana}/bank-account"),
            &[("cbu", "0170099220000067797370"), ("alias", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app.get_page(&web, &format!("/persons/{ana}")).await;
    assert!(
        text_of(&html, "[data-testid=bank-account]")
            .unwrap()
            .contains("0170099220000067797370")
    );
    let timeline = text_of(&html, "[data-testid=timeline]").unwrap();
    assert!(
        timeline.contains("CBU 017 … 7370"),
        "the timeline hides the middle: {timeline}"
    );
    assert_eq!(app.audit_count("programmes.bank_account.set").await, 3);
}
