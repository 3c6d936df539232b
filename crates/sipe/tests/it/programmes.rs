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

#[tokio::test]
async fn a_programme_is_kept_with_its_amounts_in_force_from_their_dates() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let (manager, csrf) = app.signed_in("programas", "programme_manager", &[]).await;
    let base = [
        ("name", "Jóvenes con Futuro"),
        ("code", "pej"),
        ("kind", "training_stipend"),
        ("legal_basis", "Res. 123/2026"),
        ("starts_on", "2026-01-01"),
        ("quota_total", "500"),
        ("required_documents", "DNI\nConstancia de alumno regular"),
    ];
    // Without amounts, and with a bad one in the second row: refused beside it.
    let res = app.post_form(&manager, &csrf, "/programmes", &base).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&res.text().await.unwrap(), "[data-testid=amounts-error]").is_some());
    let mut form = base.to_vec();
    form.extend([
        ("amount_category", ""),
        ("amount_value", "85.000"),
        ("amount_from", "2026-01-01"),
        ("amount_category", ""),
        ("amount_value", "mucho"),
        ("amount_from", "2026-06-01"),
    ]);
    let res = app.post_form(&manager, &csrf, "/programmes", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("El monto no es válido"));
    assert!(html.contains("Jóvenes con Futuro"), "what was typed stays");
    // Valid: two amounts of the general category, the second from June.
    let form: Vec<(&str, &str)> = form
        .into_iter()
        .map(|(k, v)| {
            if v == "mucho" {
                (k, "97.500,50")
            } else {
                (k, v)
            }
        })
        .collect();
    let res = app.post_form(&manager, &csrf, "/programmes", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = crate::helpers::location(res.headers());
    let html = app.get_page(&manager, &page).await;
    let amounts = text_of(&html, "[data-testid=programme-amounts]").unwrap();
    assert!(
        amounts.contains("$ 85.000,00") && amounts.contains("$ 97.500,50"),
        "{amounts}"
    );
    let again = app.post_form(&manager, &csrf, "/programmes", &form).await;
    assert_eq!(
        again.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the code is unique"
    );

    // The API lists it for an operator, who may not create one.
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(op).await;
    let list = app.get_json(&token, "/api/v1/programmes").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "Jóvenes con Futuro");
    assert_eq!(list["items"][0]["code"], "PEJ");
    assert_eq!(list["items"][0]["amounts"][1]["amount"], 97500.5);
    let id: uuid::Uuid = list["items"][0]["id"].as_str().unwrap().parse().unwrap();
    let res = app
        .client()
        .post(app.url("/api/v1/programmes"))
        .bearer_auth(&token)
        .json(&json!({"code": "OTR", "name": "Otro", "kind": "one_off", "legal_basis": "x",
                      "starts_on": "2026-01-01", "amounts": [{"amount": "1000", "effective_from": "2026-01-01"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let amounts = sipe::programmes::programmes::amounts_of(&app.db, id)
        .await
        .unwrap();
    let on =
        |d: &str| sipe::programmes::programmes::amount_on(&amounts, "general", d.parse().unwrap());
    assert_eq!(
        (on("2026-05-31"), on("2026-06-01")),
        (Some(8_500_000), Some(9_750_050))
    );
    assert_eq!(app.audit_count("programmes.programme.create").await, 1);
}

#[tokio::test]
async fn those_who_do_not_record_accounts_see_them_masked_and_reading_is_not_changing() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let ana =
        crate::persons::register(&app, "OE-A", "30111001", "Quiroga", "Ana", "1990-01-01").await;
    sipe::programmes::bank::store::set(
        &app.db,
        &crate::training::ctx(),
        &crate::training::system(),
        ana,
        &sipe::programmes::bank::AccountInput {
            cbu: Some("0170099220000067797370".into()),
            alias: None,
        },
    )
    .await
    .unwrap();
    // The help desk reads it masked; an operator whole (the positive control).
    let desk = app.user("mesa", "help_desk", &["OE-A"]).await;
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let masked = app
        .get_json(
            &app.token(desk).await,
            &format!("/api/v1/persons/{ana}/bank-account"),
        )
        .await;
    assert!(masked["cbu"].is_null());
    assert_eq!(masked["masked"], "CBU 017 … 7370");
    let whole = app
        .get_json(
            &app.token(op).await,
            &format!("/api/v1/persons/{ana}/bank-account"),
        )
        .await;
    assert_eq!(whole["cbu"], "0170099220000067797370");
    // Viewing an office is not recording for it (this one records for OE-B): read
    // 200, change 404.
    let viewer = sipe::access::service::create_user(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::access::service::UserInput {
            username: "mira".into(),
            full_name: "Solo Mira".into(),
            email: String::new(),
            role: "operator".into(),
            scopes: sipe::access::service::ScopeInput {
                capture: vec!["OE-B".into()],
                view: vec!["OE-A".into(), "OE-B".into()],
                search: vec!["OE-A".into(), "OE-B".into()],
                national: false,
            },
            affiliation: String::new(),
        },
        crate::helpers::PASSWORD,
    )
    .await
    .unwrap();
    let token = app.token(viewer).await;
    let read = app
        .client()
        .get(app.url(&format!("/api/v1/persons/{ana}/bank-account")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let change = app
        .client()
        .put(app.url(&format!("/api/v1/persons/{ana}/bank-account")))
        .bearer_auth(&token)
        .json(&json!({"alias": "otra.cuenta"}))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_amount_in_force_is_never_rewritten() {
    let app = TestApp::spawn().await;
    use sipe::programmes::programmes::{self, AmountInput, ProgrammeInput};
    let amount = |value: &str, from: &str| AmountInput {
        category: String::new(),
        amount: value.into(),
        effective_from: from.into(),
    };
    let mut input = ProgrammeInput {
        code: "PEJ".into(),
        name: "Jóvenes".into(),
        kind: "training_stipend".into(),
        legal_basis: "Res. 1/2026".into(),
        starts_on: "2026-01-01".into(),
        amounts: vec![amount("85.000", "2026-01-01")],
        ..Default::default()
    };
    let ctx = crate::training::ctx();
    let id = programmes::create(&app.db, &ctx, &input).await.unwrap();
    let today: chrono::NaiveDate = "2026-03-15".parse().unwrap();
    input.amounts = vec![amount("90.000", "2026-01-01")];
    let refused = programmes::update(&app.db, &ctx, id, &input, today).await;
    assert!(
        matches!(&refused, Err(sipe::programmes::error::ProgrammeError::Invalid(f)) if f.has("amounts")),
        "{refused:?}"
    );
    input.amounts = vec![
        amount("85.000", "2026-01-01"),
        amount("88.000", "2026-02-01"),
    ];
    let back = programmes::update(&app.db, &ctx, id, &input, today).await;
    assert!(
        matches!(&back, Err(sipe::programmes::error::ProgrammeError::Invalid(f)) if f.has("amounts")),
        "a new amount from a past date would change paid months: {back:?}"
    );
    input.amounts = vec![
        amount("85.000", "2026-01-01"),
        amount("90.000", "2026-04-01"),
    ];
    programmes::update(&app.db, &ctx, id, &input, today)
        .await
        .unwrap();
    let rows = programmes::amounts_of(&app.db, id).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        programmes::amount_on(&rows, "general", "2026-03-31".parse().unwrap()),
        Some(8_500_000)
    );
}
