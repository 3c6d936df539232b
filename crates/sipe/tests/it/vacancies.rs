use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, location, text_of};

/// An employer of office OE-A, registered by the system; returns its id.
pub async fn employer(app: &TestApp, office: &str, cuit: &str, name: &str) -> uuid::Uuid {
    sipe::intermediation::employers::service::create_employer(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::intermediation::employers::input::EmployerInput {
            cuit: cuit.into(),
            legal_name: name.into(),
            office_code: office.into(),
            territory_code: "AR-90084".into(),
            address: "Av. Roca 2100".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn an_operator_registers_a_vacancy_and_moves_it_through_its_states() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let eid = employer(
        &app,
        "OE-A",
        "30-71234567-1",
        "Empaque Los Limoneros S.R.L.",
    )
    .await;
    let (c, csrf) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let skill = sipe::taxonomy::skills::all(&app.db).await.unwrap()[0].clone();

    let html = app
        .get_page(&c, &format!("/vacancies/new?employer_id={eid}"))
        .await;
    assert!(
        html.contains(&format!("value=\"{eid}\" selected")),
        "employer preselected"
    );
    let eid_s = eid.to_string();
    let res = app
        .post_form(
            &c,
            &csrf,
            "/vacancies",
            &[
                ("employer_id", eid_s.as_str()),
                ("title", "Embalador de cítricos"),
                ("occupation", "9321.2"),
                ("positions", "12"),
                ("required_skills", skill.label.as_str()),
                ("required_skills", ""),
                ("education_min", "2"),
                ("experience_months", "6"),
                ("language", "en"),
                ("language_level", "A2"),
                ("licence_class", "B1"),
                ("licence_mandatory", "true"),
                ("hours", "full_time"),
                ("contract_type", "seasonal"),
                ("salary_min", "850.000"),
                ("salary_max", "950000"),
                ("accessible", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let detail = location(res.headers());
    let html = app.get_page(&c, &detail).await;
    assert_eq!(text_of(&html, "h1").unwrap(), "Embalador de cítricos");
    assert!(html.contains("Oferta registrada como borrador."));
    assert_eq!(
        text_of(&html, "[data-testid=vacancy-state]").unwrap(),
        "Borrador"
    );
    assert!(html.contains("$ 850.000 – $ 950.000"));
    assert!(html.contains(&skill.label) && html.contains("Requerida"));
    assert!(html.contains("Inglés — A2 (básico)"));
    assert!(
        html.contains("Av. Roca 2100"),
        "workplace defaults to the employer's address"
    );

    // Draft → filled is not a move; draft → open → paused → open → filled are.
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("{detail}/state"),
            &[("state", "filled")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app.get_page(&c, &detail).await;
    assert!(html.contains("Ese cambio de estado no está permitido"));
    for (to, note) in [
        ("open", ""),
        ("paused", "El empleador pidió esperar"),
        ("open", ""),
        ("filled", ""),
    ] {
        let res = app
            .post_form(
                &c,
                &csrf,
                &format!("{detail}/state"),
                &[("state", to), ("note", note)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "to {to}");
    }
    let html = app.get_page(&c, &detail).await;
    assert_eq!(
        text_of(&html, "[data-testid=vacancy-state]").unwrap(),
        "Cubierta"
    );
    let history = text_of(&html, "[data-testid=vacancy-history]").unwrap();
    assert!(history.contains("El empleador pidió esperar"));
    assert!(history.contains("op_a"));
    assert!(
        !html.contains("vacancy-state-save"),
        "a filled vacancy has no next state"
    );
    let id: uuid::Uuid = detail.trim_start_matches("/vacancies/").parse().unwrap();
    let events = sipe::intermediation::vacancies::store::events(&app.db, id)
        .await
        .unwrap();
    let states: Vec<&str> = events.iter().map(|e| e.to_state.as_str()).collect();
    assert_eq!(states, ["draft", "open", "paused", "open", "filled"]);
    assert_eq!(app.audit_count("vacancy.state").await, 4);
    let v = sipe::intermediation::vacancies::store::find_vacancy(
        &app.db,
        &sipe::access::Access::system("t"),
        sipe::access::ScopeKind::View,
        id,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(v.opened_at.is_some() && v.ended_at.is_some());

    // Ended vacancies keep what they were.
    let res = app
        .post_form(
            &c,
            &csrf,
            &detail,
            &[
                ("employer_id", eid_s.as_str()),
                ("title", "Otro"),
                ("occupation", "9321.2"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app.get_page(&c, &detail).await;
    assert!(html.contains("ya no se puede editar"));
    assert_eq!(text_of(&html, "h1").unwrap(), "Embalador de cítricos");

    // The employer page lists it; the list filters by state and words.
    let html = app.get_page(&c, &format!("/employers/{eid}")).await;
    assert!(
        text_of(&html, "[data-testid=employer-vacancies]")
            .unwrap()
            .contains("Embalador de cítricos")
    );
    let html = app
        .get_page(&c, "/vacancies?q=limoneros&state=filled")
        .await;
    assert!(html.contains("Embalador de cítricos"));
    let html = app.get_page(&c, "/vacancies?state=open").await;
    assert!(!html.contains("Embalador de cítricos"));
    assert!(
        html.contains("/vacancies.csv?state=open"),
        "the export keeps the filters"
    );
    let csv = app.get_page(&c, "/vacancies.csv?state=filled").await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("oferta_id,titulo,empleador,ocupacion_codigo"));
    assert!(lines[1].contains("Embalador de cítricos") && lines[1].contains(",filled,"));
    let csv = app.get_page(&c, "/vacancies.csv?state=open").await;
    assert_eq!(csv.lines().count(), 1, "only the header");
}

#[tokio::test]
async fn invalid_vacancies_are_reported_in_spanish_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let eid = employer(&app, "OE-A", "30-71234567-1", "Empleador A")
        .await
        .to_string();
    let (c, csrf) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/vacancies",
            &[
                ("employer_id", eid.as_str()),
                ("title", ""),
                ("occupation", "9321.2"),
                ("positions", "doce"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Escribí un número entero")
    );
    let res = app
        .post_form(
            &c,
            &csrf,
            "/vacancies",
            &[
                ("employer_id", eid.as_str()),
                ("title", ""),
                ("occupation", "9321.2"),
                ("required_skills", "telepatía cuántica avanzada xyzzy"),
                ("licence_mandatory", "true"),
                ("salary_min", "900000"),
                ("salary_max", "100"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Este campo es obligatorio."));
    assert!(html.contains("Para marcarlo como excluyente"));
    assert!(html.contains("El salario máximo es menor que el mínimo."));
    assert!(
        html.contains("telepatía cuántica avanzada xyzzy"),
        "input kept"
    );
    assert_eq!(app.audit_count("vacancy.create").await, 0);
}

#[tokio::test]
async fn the_vacancy_api_is_scoped_and_refuses_moves_the_state_machine_forbids() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let eid = employer(&app, "OE-A", "30-71234567-1", "Constructora A").await;
    let token = app
        .token(app.user("api_a", "operator", &["OE-A"]).await)
        .await;
    let other = app
        .token(app.user("api_b", "operator", &["OE-B"]).await)
        .await;
    let http = reqwest::Client::new();
    let res = http
        .post(app.url("/api/v1/vacancies"))
        .bearer_auth(&token)
        .json(&json!({
            "employer_id": eid, "title": "Albañil", "occupation": "7112.1", "positions": 3,
            "languages": [{"code": "pt", "level": "B1"}], "contract_type": "fixed_term"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(v["state"], "draft");
    assert_eq!(
        v["territory_code"], "AR-90084",
        "workplace from the employer"
    );
    assert_eq!(v["requirements"][0]["code"], "pt");
    assert_eq!(v["history"][0]["to_state"], "draft");

    let res = http
        .post(app.url(&format!("/api/v1/vacancies/{id}/state")))
        .bearer_auth(&token)
        .json(&json!({"state": "paused"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "a draft cannot be paused"
    );
    let res = http
        .post(app.url(&format!("/api/v1/vacancies/{id}/state")))
        .bearer_auth(&token)
        .json(&json!({"state": "open", "note": "Publicada"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["state"], "open");
    assert!(v["opened_at"].is_string());

    let list: Value = http
        .get(app.url("/api/v1/vacancies?state=open"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id.as_str());
    let list: Value = http
        .get(app.url("/api/v1/vacancies"))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0, "another office sees none");
    for res in [
        http.get(app.url(&format!("/api/v1/vacancies/{id}")))
            .bearer_auth(&other)
            .send()
            .await
            .unwrap(),
        http.post(app.url(&format!("/api/v1/vacancies/{id}/state")))
            .bearer_auth(&other)
            .json(&json!({"state": "cancelled"}))
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    // Office B cannot post a vacancy for office A's employer either.
    let res = http
        .post(app.url("/api/v1/vacancies"))
        .bearer_auth(&other)
        .json(&json!({"employer_id": eid, "title": "X", "occupation": "7112.1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let res = http
        .patch(app.url(&format!("/api/v1/vacancies/{id}")))
        .bearer_auth(&token)
        .json(&json!({"employer_id": eid, "title": "Albañil de obra", "occupation": "7112.1", "positions": 4}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["positions"], 4);
    assert_eq!(
        v["requirements"].as_array().unwrap().len(),
        0,
        "requirements replaced"
    );
    assert_eq!(app.audit_count("vacancy.update").await, 1);
}
