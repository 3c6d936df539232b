use reqwest::StatusCode;

use crate::helpers::{TestApp, location, text_of};
use crate::persons::{operator_a, register};

async fn page(app: &TestApp, c: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let res = c.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn an_operator_builds_the_profile_and_every_change_is_kept() {
    let app = TestApp::spawn().await;
    let (c, csrf) = operator_a(&app).await;
    let id = register(&app, "OE-A", "30123456", "Paz", "Ana", "1990-05-01").await;
    let items = format!("/persons/{id}/items");
    // Work history with an occupation typed without accents.
    let res = app
        .post_form(
            &c,
            &csrf,
            &items,
            &[
                ("kind", "work"),
                ("code", "albanil"),
                ("employer", "Constructora del Norte"),
                ("from_date", "2019-03-01"),
                ("to_date", "2021-06-30"),
                ("note", "Revoques y mampostería"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &c,
            &csrf,
            &items,
            &[("kind", "language"), ("code", "qu"), ("level", "B1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &c,
            &csrf,
            &items,
            &[
                ("kind", "skill"),
                ("code", "albanileria"),
                ("level", "advanced"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A repeated language and an impossible date are explained, nothing stored.
    let res = app
        .post_form(
            &c,
            &csrf,
            &items,
            &[("kind", "language"), ("code", "qu"), ("level", "A1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Ya está cargado en el perfil")
    );
    let res = app
        .post_form(
            &c,
            &csrf,
            &items,
            &[
                ("kind", "work"),
                ("code", "albañil"),
                ("employer", "X"),
                ("from_date", "2022-01-01"),
                ("to_date", "2021-01-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("anterior a la de inicio")
    );

    // Situation: a CUD type without ticking disability is refused; then saved.
    let situation = format!("/persons/{id}/situation");
    let res = app
        .post_form(&c, &csrf, &situation, &[("disability_type", "motor")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post_form(
            &c,
            &csrf,
            &situation,
            &[
                ("has_disability", "on"),
                ("disability_type", "motor"),
                ("employment_status", "unemployed"),
                ("unemployed_since", "2024-02-01"),
                ("dependants", "2"),
                ("head_of_household", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let (status, html) = page(&app, &c, &format!("/persons/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let profile = text_of(&html, "[data-testid=profile]").unwrap();
    assert!(profile.contains("Constructora del Norte"), "{profile}");
    assert!(profile.contains("Quechua"));
    assert!(profile.contains("albañilería"));
    let situation = text_of(&html, "[data-testid=situation]").unwrap();
    assert!(situation.contains("Motora") && situation.contains("2 personas a cargo"));
    let history = text_of(&html, "[data-testid=history-table]").unwrap();
    for field in [
        "Experiencia laboral",
        "Idiomas",
        "Habilidades",
        "Tiene discapacidad",
        "Personas a cargo",
    ] {
        assert!(history.contains(field), "history lacks {field}: {history}");
    }
    assert!(!history.contains("work_history") && !history.contains("has_disability"));
    assert!(app.audit_count("person.update").await >= 4);
}

#[tokio::test]
async fn an_interview_updates_the_profile_and_the_timeline() {
    let app = TestApp::spawn().await;
    let (c, csrf) = operator_a(&app).await;
    let id = register(&app, "OE-A", "30123456", "Paz", "Ana", "1990-05-01").await;
    let (status, form) = page(&app, &c, &format!("/persons/{id}/interviews/new")).await;
    assert_eq!(status, StatusCode::OK);
    // Ana is registered as a woman: the type-ahead offers titles in the feminine.
    assert!(form.contains("data-suggest=\"/occupations/suggest?g=f\""));
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("/persons/{id}/interviews"),
            &[
                ("situation", "unemployed"),
                ("desired", "cocinero"),
                ("desired", "electricista"),
                ("desired", ""),
                ("hours", "part_time"),
                ("days", "mon"),
                ("days", "wed"),
                ("travel_radius_km", "15"),
                ("barriers", "care_duties"),
                ("notes", "Busca trabajo por la mañana."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let interview = location(res.headers());
    let (status, html) = page(&app, &c, &interview).await;
    assert_eq!(status, StatusCode::OK);
    let shown = text_of(&html, "[data-testid=interview]").unwrap();
    assert!(shown.contains("Media jornada") && shown.contains("Miércoles"));
    assert!(
        shown.contains("Usuario opa"),
        "the counsellor by full name, not user name: {shown}"
    );
    assert!(shown.contains("Tareas de cuidado"));

    let (_, html) = page(&app, &c, &format!("/persons/{id}")).await;
    let timeline = text_of(&html, "[data-testid=timeline]").unwrap();
    assert!(timeline.contains("Entrevista: desocupada/o"), "{timeline}");
    assert!(
        html.contains(&interview),
        "the timeline links the interview"
    );
    let profile = text_of(&html, "[data-testid=profile]").unwrap();
    assert!(profile.contains("1. cocinera"), "{profile}");
    assert!(profile.contains("electricista"));
    assert!(
        text_of(&html, "[data-testid=situation]")
            .unwrap()
            .contains("15 km")
    );
    assert_eq!(app.audit_count("interview.create").await, 1);

    // Four desired occupations and a missing situation are refused, nothing stored.
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("/persons/{id}/interviews"),
            &[
                ("desired", "cocinero"),
                ("desired", "albañil"),
                ("desired", "electricista"),
                ("desired", "chofer"),
                ("hours", "any"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.audit_count("interview.create").await, 1);
}

#[tokio::test]
async fn the_occupation_type_ahead_tolerates_typos() {
    let app = TestApp::spawn().await;
    let (c, _) = operator_a(&app).await;
    let res: serde_json::Value = c
        .get(app.url("/occupations/suggest?q=albanyl"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = res["items"][0]["label"].as_str().unwrap();
    assert!(first.contains("albañil"), "{res}");
    let (status, html) = page(&app, &c, "/occupations?q=electrisista").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text_of(&html, "[data-testid=occupations-table]")
            .unwrap()
            .contains("electricista")
    );
}

#[tokio::test]
async fn the_profile_api_adds_items_situation_and_interviews_within_scope() {
    let app = TestApp::spawn().await;
    operator_a(&app).await;
    let opa = sipe::access::store::find_user_by_username(&app.db, "opa")
        .await
        .unwrap()
        .unwrap();
    let token = app.token(opa.id).await;
    let c = reqwest::Client::new();
    let id = register(&app, "OE-A", "30123456", "Paz", "Ana", "1990-05-01").await;
    let other = register(&app, "OE-B", "23456789", "Ruiz", "Eva", "1980-01-01").await;
    let res = c
        .post(app.url(&format!("/api/v1/persons/{id}/items")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"kind": "licence", "code": "B1", "to_date": "2030-01-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let item: serde_json::Value = res.json().await.unwrap();
    let res = c
        .post(app.url(&format!("/api/v1/persons/{id}/items")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"kind": "licence", "code": "Z9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "code", "{problem}");
    let res = c
        .put(app.url(&format!("/api/v1/persons/{id}/situation")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"employment_status": "unemployed", "travel_radius_km": "20"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let profile: serde_json::Value = res.json().await.unwrap();
    assert_eq!(profile["situation"]["travel_radius_km"], "20");
    assert_eq!(profile["items"][0]["code"], "B1");
    let res = c
        .post(app.url(&format!("/api/v1/persons/{id}/interviews")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"situation": "first_job", "hours": "any", "desired": ["cocinero"], "days": ["sat"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let list: serde_json::Value = c
        .get(app.url(&format!("/api/v1/persons/{id}/interviews")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["days"][0], "sat");
    let res = c
        .delete(app.url(&format!(
            "/api/v1/persons/{id}/items/{}",
            item["id"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for path in [
        format!("/api/v1/persons/{other}/profile"),
        format!("/api/v1/persons/{other}/interviews"),
    ] {
        let res = c
            .get(app.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn an_operator_prints_a_registration_certificate_with_the_work_profile() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let id = crate::persons::register(&app, "OE-A", "30111222", "Paz", "Ana", "1990-01-02").await;
    sipe::persons::profile::add_item(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        crate::helpers::TZ,
        id,
        &sipe::persons::profile::ItemInput {
            kind: "work".into(),
            code: "albañil".into(),
            employer: "Constructora del Norte".into(),
            from_date: "2015-05-01".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (a, _) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let (b, _) = app.signed_in("op_b", "operator", &["OE-B"]).await;
    let path = format!("/persons/{id}/certificate");
    let before = app.audit_count("person.view").await;
    let html = app.get_page(&a, &path).await;
    assert!(html.contains("Constancia de inscripción") && html.contains("Ana Paz"));
    let statement = text_of(&html, "[data-testid=certificate-statement]").unwrap();
    assert!(
        statement.contains("Ana Paz") && !statement.contains('\u{2068}'),
        "{statement}"
    );
    assert!(
        text_of(&html, "[data-testid=certificate-work]")
            .unwrap_or_default()
            .contains("Constructora del Norte")
    );
    assert!(html.contains(r#"href="/static/print.css""#));
    assert_eq!(app.audit_count("person.view").await, before + 1, "audited");
    // Another office's operator cannot print it.
    let res = b.get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::NOT_FOUND);
}
