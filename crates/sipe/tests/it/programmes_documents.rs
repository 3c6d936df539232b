//! Programmes: an application's required documents are attached (kept by content in the
//! data folder), downloaded within scope with the read audited, and approval waits
//! until every one is attached.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::programmes::{person_with, programme_via_api};

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

async fn attach(
    app: &TestApp,
    token: &str,
    application: &str,
    document: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let document: String = document
        .bytes()
        .map(|b| match b {
            b' ' => "%20".to_owned(),
            b if b.is_ascii_alphanumeric() => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect();
    app.client()
        .post(app.url(&format!(
            "/api/v1/programme-applications/{application}/documents?document={document}&file_name=escaneo.pdf"
        )))
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn approval_waits_for_the_required_documents_attached_within_scope() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let manager = app.user("programas", "programme_manager", &[]).await;
    let mtoken = app.token(manager).await;
    let amounts = json!([{"amount": "85000", "effective_from": "2020-01-01"}]);
    let pej = programme_via_api(
        &app,
        &mtoken,
        json!({"code": "PEJ", "name": "Jóvenes", "kind": "training_stipend",
        "legal_basis": "Res. 1/2026", "starts_on": "2020-01-01", "amounts": amounts,
        "required_documents": "DNI\nConstancia de CUIL"}),
    )
    .await;
    let person = person_with(
        &app,
        "OE-A",
        "35111222",
        "2004-05-01",
        "",
        "unemployed",
        "",
        None,
    )
    .await;
    let op_a = app.user("operador_a", "operator", &["OE-A"]).await;
    let op_b = app.user("operador_b", "operator", &["OE-B"]).await;
    let (ta, tb) = (app.token(op_a).await, app.token(op_b).await);
    let res = app
        .client()
        .post(app.url("/api/v1/programme-applications"))
        .bearer_auth(&ta)
        .json(&json!({"person_id": person, "programme_id": pej, "submit": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let application = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let approve = |version: i64| {
        let app = &app;
        let mtoken = &mtoken;
        let application = &application;
        async move {
            app.client()
                .post(app.url(&format!(
                    "/api/v1/programme-applications/{application}/transitions"
                )))
                .bearer_auth(mtoken)
                .json(&json!({"action": "approve", "version": version}))
                .send()
                .await
                .unwrap()
        }
    };
    let refused = approve(1).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("Documents the programme requires are missing"),
        "{body}"
    );

    // Another office's operator cannot attach nor list; this office's can.
    assert_eq!(
        attach(&app, &tb, &application, "DNI", PDF).await.status(),
        StatusCode::NOT_FOUND
    );
    let listed_b = app
        .client()
        .get(app.url(&format!(
            "/api/v1/programme-applications/{application}/documents"
        )))
        .bearer_auth(&tb)
        .send()
        .await
        .unwrap();
    assert_eq!(listed_b.status(), StatusCode::NOT_FOUND);
    let res = attach(&app, &ta, &application, "DNI", PDF).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let dni = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // What is not a document of the list, nor a file of an accepted kind, is refused.
    for (document, bytes, key) in [
        ("Partida de nacimiento", PDF, "not on the programme's list"),
        (
            "DNI",
            &b"MZ\x90\x00\x03 an executable"[..],
            "Only PDF, JPG, PNG or WebP",
        ),
        ("DNI", &b""[..], "Choose a file"),
    ] {
        let res = attach(&app, &ta, &application, document, bytes).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{key}");
        assert!(res.text().await.unwrap().contains(key), "{key}");
    }
    let listed = app
        .get_json(
            &ta,
            &format!("/api/v1/programme-applications/{application}/documents"),
        )
        .await;
    assert_eq!(listed["documents"].as_array().unwrap().len(), 1);
    assert_eq!(listed["missing"], json!(["Constancia de CUIL"]));
    assert_eq!(approve(1).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The same bytes as another document: stored once, by content.
    assert_eq!(
        attach(&app, &ta, &application, "Constancia de CUIL", PDF)
            .await
            .status(),
        StatusCode::CREATED
    );
    let sha = {
        let d = ring::digest::digest(&ring::digest::SHA256, PDF);
        hex::encode(d.as_ref())
    };
    let stored = app.config.data_dir.join("documents").join(&sha[..2]);
    assert_eq!(std::fs::read_dir(&stored).unwrap().count(), 1);
    assert_eq!(approve(1).await.status(), StatusCode::OK);

    // Downloaded by this office (its bytes, never sniffed), refused to the other.
    let got = app
        .client()
        .get(app.url(&format!("/api/v1/programme-documents/{dni}")))
        .bearer_auth(&ta)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.headers()["content-type"], "application/pdf");
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF);
    let other = app
        .client()
        .get(app.url(&format!("/api/v1/programme-documents/{dni}")))
        .bearer_auth(&tb)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.audit_count("programmes.document.add").await, 2);
    // On the person's timeline.
    let client = app.client();
    app.login(&client, "operador_a").await;
    let page = client
        .get(app.url(&format!("/persons/{person}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("documento adjuntado (Constancia de CUIL)"),
        "timeline entry"
    );
    let application_page = client
        .get(app.url(&format!("/programme-applications/{application}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(application_page.contains("data-testid=\"documents-checklist\""));
    assert!(!application_page.contains("— falta"), "both attached");
}

#[tokio::test]
async fn a_work_training_placement_names_a_host_employer_the_office_sees() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let manager = app.user("programas", "programme_manager", &[]).await;
    let mtoken = app.token(manager).await;
    let amounts = json!([{"amount": "120000", "effective_from": "2020-01-01"}]);
    let ett = programme_via_api(&app, &mtoken, json!({"code": "ETT", "name": "Entrenamiento", "kind": "work_placement",
        "legal_basis": "Res. 2/2026", "starts_on": "2020-01-01", "max_months": "6", "amounts": amounts})).await;
    let pej = programme_via_api(
        &app,
        &mtoken,
        json!({"code": "PEJ", "name": "Jóvenes", "kind": "training_stipend",
        "legal_basis": "Res. 1/2026", "starts_on": "2020-01-01", "amounts": amounts}),
    )
    .await;
    let own = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Empaque del Norte").await;
    crate::vacancies::employer(&app, "OE-B", "30-70000000-8", "Otra Oficina SA").await;
    let person = person_with(
        &app,
        "OE-A",
        "35222333",
        "2004-05-01",
        "",
        "unemployed",
        "",
        None,
    )
    .await;
    let op = app.user("operador_a", "operator", &["OE-A"]).await;
    let token = app.token(op).await;
    let apply = |programme: String| {
        let app = &app;
        let token = &token;
        async move {
            let res = app
                .client()
                .post(app.url("/api/v1/programme-applications"))
                .bearer_auth(token)
                .json(&json!({"person_id": person, "programme_id": programme, "submit": true}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::CREATED);
            res.json::<serde_json::Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let placement_app = apply(ett.clone()).await;
    let stipend_app = apply(pej).await;
    let body = |cuit: &str, ends: &str, version: i64| {
        json!({"employer_cuit": cuit, "workplace": "Av. Siempreviva 742", "tutor_name": "Rosa Díaz",
               "tutor_contact": "381 555-0101", "tasks": "Reposición\nAtención", "weekly_hours": "20",
               "starts_on": "2026-03-01", "ends_on": ends, "version": version})
    };
    let put = |application: &str, b: serde_json::Value| {
        let app = &app;
        let token = &token;
        let url = app.url(&format!(
            "/api/v1/programme-applications/{application}/placement"
        ));
        async move {
            app.client()
                .put(url)
                .bearer_auth(token)
                .json(&b)
                .send()
                .await
                .unwrap()
        }
    };
    // Another office's employer, too long a stay, another kind of programme: refused.
    for (application, b, says) in [
        (
            &placement_app,
            body("30-70000000-8", "2026-06-30", 0),
            "No employer with that CUIT",
        ),
        (
            &placement_app,
            body("30-71234567-1", "2026-09-30", 0),
            "longer than the programme allows",
        ),
        (
            &stipend_app,
            body("30-71234567-1", "2026-06-30", 0),
            "Only work-placement programmes",
        ),
    ] {
        let res = put(application, b).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = res.text().await.unwrap();
        assert!(text.contains(says), "{says}: {text}");
    }
    let res = put(&placement_app, body("30-71234567-1", "2026-06-30", 0)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let saved = res.json::<serde_json::Value>().await.unwrap();
    assert_eq!(saved["employer_id"], own.to_string());
    assert_eq!(saved["employer_name"], "Empaque del Norte");
    assert_eq!(saved["version"], 1);
    // A stale version is refused; the current one changes it.
    assert_eq!(
        put(&placement_app, body("30-71234567-1", "2026-07-31", 0))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let res = put(&placement_app, body("30-71234567-1", "2026-07-31", 1)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let shown = app
        .get_json(
            &token,
            &format!("/api/v1/programme-applications/{placement_app}/placement"),
        )
        .await;
    assert_eq!(
        (shown["ends_on"].as_str(), shown["version"].as_i64()),
        (Some("2026-07-31"), Some(2))
    );
    assert_eq!(app.audit_count("programmes.placement.set").await, 2);
    // Another office's operator: not found.
    let other = app.user("operador_b", "operator", &["OE-B"]).await;
    let otoken = app.token(other).await;
    let res = app
        .client()
        .get(app.url(&format!(
            "/api/v1/programme-applications/{placement_app}/placement"
        )))
        .bearer_auth(&otoken)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The application page shows it.
    let client = app.client();
    app.login(&client, "operador_a").await;
    let html = client
        .get(app.url(&format!("/programme-applications/{placement_app}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-testid=\"placement-facts\""));
    assert!(html.contains("Empaque del Norte (30712345671)"));

    // The employer hires them: approved and started first.
    let today = chrono::Utc::now().date_naive();
    let id: uuid::Uuid = placement_app.parse().unwrap();
    for (version, action, date) in [(1, "approve", ""), (2, "activate", "2026-03-01")] {
        sipe::programmes::applications::service::step(
            &app.db,
            &sipe::audit::AuditCtx::system(),
            &sipe::access::Access::system("t"),
            id,
            &sipe::programmes::applications::service::StepInput {
                action: action.into(),
                version,
                date: date.into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    }
    let vacancies =
        || crate::programmes_national::count(&app, "SELECT COUNT(*) AS n FROM vacancies");
    let before = vacancies().await;
    let hire = |version: i64| {
        let app = &app;
        let token = &token;
        let url = app.url(&format!(
            "/api/v1/programme-applications/{placement_app}/placement/hire"
        ));
        async move {
            app.client()
                .post(url)
                .bearer_auth(token)
                .json(&json!({"title": "Repositor", "occupation": "7112.1", "start_date": "2026-07-01",
                              "contract_type": "permanent", "version": version}))
                .send()
                .await
                .unwrap()
        }
    };
    // A stale version fails at the last step: nothing of the hire is left behind.
    let stale = hire(99).await;
    assert_eq!(stale.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        vacancies().await,
        before,
        "the vacancy went with the refused hire"
    );
    assert!(
        sipe::intermediation::referrals::placement_starts(&app.db, &[person])
            .await
            .unwrap()
            .is_empty()
    );
    let res = hire(3).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap_or_default()
    );
    assert_eq!(vacancies().await, before + 1);
    let starts = sipe::intermediation::referrals::placement_starts(&app.db, &[person])
        .await
        .unwrap();
    assert_eq!(starts.get(&person), Some(&vec![day("2026-07-01")]));
    let shown = app
        .get_json(
            &token,
            &format!("/api/v1/programme-applications/{placement_app}"),
        )
        .await;
    assert_eq!(shown["state"], "finished");
    assert_eq!(shown["finished_on"], "2026-07-01");
    // Once finished, no second hire.
    assert_eq!(hire(4).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
