use reqwest::StatusCode;
use serde_json::Value;
use sipe::persons::input::PersonInput;
use sipe::persons::service::RegisterOutcome;
use uuid::Uuid;

use crate::helpers::{TestApp, location, text_of};

/// Registers a person at `office` as the system and returns the id.
pub async fn register(
    app: &TestApp,
    office: &str,
    dni: &str,
    surnames: &str,
    names: &str,
    birth: &str,
) -> Uuid {
    let input = PersonInput {
        doc_type: "dni".into(),
        doc_number: dni.into(),
        surnames: surnames.into(),
        names: names.into(),
        birth_date: birth.into(),
        sex: "F".into(),
        office_code: office.into(),
        confirm_duplicates: "true".into(),
        ..Default::default()
    };
    match sipe::persons::service::register(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        crate::helpers::TZ,
        &input,
    )
    .await
    .unwrap()
    {
        RegisterOutcome::Created(id) => id,
        other => panic!("not created: {other:?}"),
    }
}

fn form<'a>(
    dni: &'a str,
    surnames: &'a str,
    names: &'a str,
    birth: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("doc_type", "dni"),
        ("doc_number", dni),
        ("surnames", surnames),
        ("names", names),
        ("birth_date", birth),
        ("sex", "M"),
        ("phone", "0381 15-544-2347"),
        ("department_code", "AR-90084"),
    ]
}

pub async fn operator_a(app: &TestApp) -> (reqwest::Client, String) {
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    sipe::territory::store::replace_coverage(
        &app.db,
        sipe::territory::store::find_office_by_code(&app.db, "OE-A")
            .await
            .unwrap()
            .unwrap()
            .id,
        &["AR-90084".into()],
    )
    .await
    .unwrap();
    app.signed_in("opa", "operator", &["OE-A"]).await
}

#[tokio::test]
async fn an_operator_registers_a_person_and_sees_the_timeline() {
    let app = TestApp::spawn().await;
    let (c, csrf) = operator_a(&app).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/persons",
            &form("30.123.456", "González", "Juan Carlos", "1990-05-01"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = location(res.headers());
    let html = c
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        text_of(&html, "[data-testid=person-name]").unwrap(),
        "Juan Carlos González"
    );
    assert!(
        html.contains("20-30123456-"),
        "CUIL derived from DNI and sex"
    );
    assert!(
        html.contains("+54 9 381 544-2347"),
        "phone stored in E.164, shown as people read it"
    );
    assert!(
        text_of(&html, "[data-testid=timeline]")
            .unwrap()
            .contains("Registro en Oficina OE-A")
    );
    assert_eq!(app.audit_count("person.create").await, 1);
    assert_eq!(
        app.audit_count("person.view").await,
        1,
        "the read is audited"
    );
}

#[tokio::test]
async fn the_self_perceived_name_is_shown() {
    let app = TestApp::spawn().await;
    let (c, csrf) = operator_a(&app).await;
    let mut f = form("30123456", "Pérez", "Juan", "1990-05-01");
    f.push(("chosen_name", "Juana"));
    let res = app.post_form(&c, &csrf, "/persons", &f).await;
    let html = c
        .get(app.url(&location(res.headers())))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        text_of(&html, "[data-testid=person-name]").unwrap(),
        "Juana Pérez"
    );
}

#[tokio::test]
async fn an_exact_document_match_opens_the_existing_person() {
    let app = TestApp::spawn().await;
    let (c, csrf) = operator_a(&app).await;
    let id = register(&app, "OE-A", "30123456", "González", "Juan", "1990-05-01").await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/persons",
            &form("30.123.456", "Gonzalez", "Juan", "1990-05-01"),
        )
        .await;
    assert_eq!(location(res.headers()), format!("/persons/{id}"));
    assert_eq!(
        sipe::persons::store::search(
            &app.db,
            None,
            &sipe::access::Access::system("t"),
            &Default::default(),
            sipe::persons::store::PersonSort::Name,
            false,
            0,
            10
        )
        .await
        .unwrap()
        .1,
        1
    );
}

#[tokio::test]
async fn a_person_of_another_office_is_reported_without_personal_data() {
    let app = TestApp::spawn().await;
    let (c, csrf) = operator_a(&app).await;
    register(&app, "OE-B", "30123456", "Zapata", "Rosaura", "1985-03-04").await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/persons",
            &form("30123456", "X", "Y", "1990-05-01"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-testid=\"person-exists-elsewhere\""));
    assert!(!html.contains("Zapata") && !html.contains("Rosaura"));
}

#[tokio::test]
async fn a_likely_duplicate_is_shown_before_saving_and_can_be_confirmed() {
    let app = TestApp::spawn().await;
    let (c, csrf) = operator_a(&app).await;
    register(&app, "OE-A", "30123456", "González", "Juan", "1990-05-01").await;
    let f = form("31999888", "Gonzales", "Juan", "1990-05-01");
    let res = app.post_form(&c, &csrf, "/persons", &f).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        text_of(&html, "[data-testid=possible-duplicates]")
            .unwrap()
            .contains("Juan González")
    );
    let mut confirmed = f.clone();
    confirmed.push(("confirm_duplicates", "on"));
    let res = app.post_form(&c, &csrf, "/persons", &confirmed).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn invalid_input_is_reported_in_spanish_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (c, csrf) = operator_a(&app).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/persons",
            &[
                ("doc_type", "dni"),
                ("doc_number", "12"),
                ("cuil", "20-11111111-1"),
                ("birth_date", "ayer"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("DNI: 7 u 8 dígitos"));
    assert!(html.contains("El CUIL no es válido"));
    assert!(html.contains("Indicá la fecha de nacimiento"));
    assert_eq!(app.audit_count("person.create").await, 0);
}

#[tokio::test]
async fn search_finds_by_document_and_by_names_in_any_order_but_never_outside_scope() {
    let app = TestApp::spawn().await;
    let (c, _) = operator_a(&app).await;
    let juan = register(&app, "OE-A", "30123456", "González", "Juan", "1990-05-01").await;
    register(&app, "OE-B", "30123999", "González", "Juana", "1991-05-01").await;
    register(&app, "OE-A", "41222333", "Villagra", "Lucía", "2001-03-04").await;
    // Registered through the service (not a request), so this node indexes them now.
    app.sync_index().await;
    let get = |q: &str| {
        let res = c
            .get(app.url(&format!("/persons?q={}", urlencode(q))))
            .send();
        async move { res.await.unwrap() }
    };
    // A whole document number of one person opens the record.
    let res = get("30.123.456").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), format!("/persons/{juan}"));
    // Names in any order, accents and small typos forgiven, the word being typed as
    // the beginning of a name, and the beginning of a document from five digits.
    let mut checked = 0;
    for q in [
        "gonzalez juan",
        "JUAN GONZÁLEZ",
        "gonzales juan",
        "juan gonz",
        "gonzalez ju",
        "30123",
    ] {
        let html = get(q).await.text().await.unwrap();
        assert!(
            html.contains("1 resultado<") || html.contains("1 resultado "),
            "{q}: {}",
            text_of(&html, ".pager").unwrap_or_default()
        );
        assert!(html.contains("30123456"), "{q}");
        assert!(!html.contains("30123999"), "{q}: office B's person leaked");
        checked += 1;
    }
    let html = get("villag").await.text().await.unwrap();
    assert!(html.contains("41222333"), "a surname by its beginning");
    // Four digits are too few to search by the beginning of a document.
    let html = get("3012").await.text().await.unwrap();
    assert!(
        !html.contains("30123456"),
        "four digits match no document prefix"
    );
    assert_eq!(checked, 6);
    // Registering from a search that found nobody brings the typed name along.
    let html = app.get_page(&c, "/persons/new?q=Paz%20Ledesma").await;
    assert!(
        html.contains(r#"value="Paz Ledesma""#),
        "surnames carried over"
    );
}

fn urlencode(s: &str) -> String {
    sipe::web::routes::urlencode(s)
}

#[tokio::test]
async fn an_update_keeps_the_history_of_each_field() {
    let app = TestApp::spawn().await;
    let (c, csrf) = operator_a(&app).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/persons",
            &form("30123456", "González", "Juan", "1990-05-01"),
        )
        .await;
    let page = location(res.headers());
    let mut f = form("30123456", "González", "Juan", "1990-05-01");
    f.push(("email", "juan@example.com"));
    f.push(("employment_status", "unemployed"));
    let res = app.post_form(&c, &csrf, &page, &f).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = c
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let history = text_of(&html, "[data-testid=history-table]").unwrap();
    // Fields by their labels and codes by their names, never as stored.
    assert!(history.contains("Correo electrónico") && history.contains("juan@example.com"));
    assert!(history.contains("Situación laboral") && history.contains("Desocupada"));
    assert!(!history.contains("employment_status") && !history.contains("unemployed"));
    assert!(
        text_of(&html, "[data-testid=timeline]")
            .unwrap()
            .contains("Datos actualizados")
    );
    assert_eq!(app.audit_count("person.update").await, 1);
}

#[tokio::test]
async fn the_api_lists_reads_registers_and_updates_within_scope() {
    let app = TestApp::spawn().await;
    operator_a(&app).await;
    let other = register(&app, "OE-B", "30999999", "Zapata", "Rosa", "1991-05-01").await;
    let opa = sipe::access::store::find_user_by_username(&app.db, "opa")
        .await
        .unwrap()
        .unwrap();
    let token = app.token(opa.id).await;
    let c = app.client();
    let body = serde_json::json!({"doc_type": "dni", "doc_number": "30123456", "surnames": "González", "names": "Juan",
        "birth_date": "1990-05-01", "sex": "M", "department_code": "AR-90084"});
    let res = c
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["office_code"], "OE-A");
    let id = created["id"].as_str().unwrap().to_owned();

    let res = c
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);

    let similar = serde_json::json!({"doc_type": "dni", "doc_number": "31111111", "surnames": "Gonzales", "names": "Juan",
        "birth_date": "1990-05-01", "sex": "M"});
    let res = c
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&token)
        .json(&similar)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["possible_duplicates"][0], id);

    let page: Value = c
        .get(app.url("/api/v1/persons?q=juan%20gonzalez"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    let item = &page["items"][0];
    for key in [
        "id",
        "doc_number",
        "surnames",
        "names",
        "birth_date",
        "office_code",
    ] {
        assert!(!item[key].is_null(), "{key}");
    }
    let all: Value = c
        .get(app.url("/api/v1/persons"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["total"], 1, "office B's person is not listed");

    let res = c
        .get(app.url(&format!("/api/v1/persons/{other}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let patched = serde_json::json!({"doc_type": "dni", "doc_number": "30123456", "surnames": "González", "names": "Juan Carlos",
        "birth_date": "1990-05-01", "sex": "M"});
    let res = c
        .patch(app.url(&format!("/api/v1/persons/{id}")))
        .bearer_auth(&token)
        .json(&patched)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let timeline: Value = c
        .get(app.url(&format!("/api/v1/persons/{id}/timeline")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(timeline["total"], 2);
    assert_eq!(timeline["items"][0]["kind"], "person.updated");
}

#[tokio::test]
async fn the_index_follows_changes_without_reading_them_twice() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    for i in 0..3 {
        register(
            &app,
            "OE-A",
            &format!("3000000{i}"),
            "Paz",
            "Ana",
            "1990-01-01",
        )
        .await;
    }
    let index = &app.index;
    assert_eq!(
        sipe::persons::search::indexer::sync(&app.db, index, false)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        sipe::persons::search::indexer::sync(&app.db, index, false)
            .await
            .unwrap(),
        0,
        "nothing new"
    );
    let id = register(&app, "OE-A", "30000009", "Paz", "Berta", "1990-01-01").await;
    // Indexing one person at once keeps the follower's position.
    sipe::persons::search::indexer::refresh(&app.db, index, id)
        .await
        .unwrap();
    assert_eq!(
        sipe::persons::search::indexer::sync(&app.db, index, false)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sipe::persons::search::indexer::sync(&app.db, index, false)
            .await
            .unwrap(),
        0
    );
    assert_eq!(index.len(), 4);
    assert!(
        sipe::persons::search::indexer::check(&app.db, index)
            .await
            .unwrap()
            .missing
            .is_empty()
    );
}

#[tokio::test]
async fn a_new_office_below_a_coordinators_zone_is_searchable_at_once() {
    let app = TestApp::spawn().await;
    app.office("ZONA", "").await;
    app.office("OE-1", "ZONA").await;
    app.user("coord", "coordinator", &["ZONA"]).await;
    let c = app.client();
    app.login(&c, "coord").await;
    register(&app, "OE-1", "30123456", "González", "Juan", "1990-05-01").await;
    app.sync_index().await;
    let found = |html: &str, dni: &str| html.contains(dni);
    let page = |q: &str| {
        let (c, url) = (c.clone(), app.url(&format!("/persons?q={q}")));
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // The search caches the zone's offices; an office created later must not be missed.
    assert!(found(&page("gonzalez").await, "30123456"));
    app.office("OE-2", "ZONA").await;
    register(&app, "OE-2", "30999999", "González", "Juana", "1991-05-01").await;
    app.sync_index().await;
    let html = page("gonzalez").await;
    assert!(found(&html, "30123456") && found(&html, "30999999"));
}

#[tokio::test]
async fn the_minimum_age_is_checked_against_the_local_day() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let today = sipe::persons::service::local_today(crate::helpers::TZ);
    let fourteen_today = today - chrono::Months::new(14 * 12);
    let system = sipe::access::Access::system("t");
    let ctx = sipe::audit::AuditCtx::system();
    let input = |dni: &str, birth: chrono::NaiveDate| PersonInput {
        doc_type: "dni".into(),
        doc_number: dni.into(),
        surnames: "Joven".into(),
        names: "Catorce".into(),
        birth_date: birth.to_string(),
        sex: "F".into(),
        office_code: "OE-A".into(),
        ..Default::default()
    };
    // Fourteen tomorrow in Tucumán is still thirteen, even when it is tomorrow in UTC.
    let tomorrow = sipe::persons::service::register(
        &app.db,
        &ctx,
        &system,
        crate::helpers::TZ,
        &input("44555666", fourteen_today + chrono::Days::new(1)),
    )
    .await;
    match tomorrow {
        Err(sipe::persons::service::PersonError::Invalid(e)) => {
            assert!(e.0.iter().any(|f| f.field == "birth_date"), "{e:?}")
        }
        other => panic!("thirteen accepted: {other:?}"),
    }
    let today_outcome = sipe::persons::service::register(
        &app.db,
        &ctx,
        &system,
        crate::helpers::TZ,
        &input("44555667", fourteen_today),
    )
    .await
    .unwrap();
    assert!(matches!(today_outcome, RegisterOutcome::Created(_)));
}

#[tokio::test]
async fn a_one_letter_search_asks_for_more_instead_of_listing_half_the_registry() {
    let app = TestApp::spawn().await;
    let (c, _) = operator_a(&app).await;
    register(&app, "OE-A", "30123400", "Abalos", "Ana", "1990-01-01").await;
    app.sync_index().await;
    let get = |q: &'static str| {
        let c = c.clone();
        let url = app.url(&format!("/persons?q={q}"));
        async move {
            let res = c.get(url).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (_, html) = get("a").await;
    assert!(
        html.contains("Escribí al menos dos letras"),
        "one letter is explained"
    );
    assert!(text_of(&html, "[data-testid=persons-table]").is_none());
    // Two letters search (positive control): Ana Abalos is found.
    let (status, html) = get("ab").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(!html.contains("Escribí al menos dos letras"));
    assert!(
        text_of(&html, "[data-testid=persons-table]")
            .unwrap()
            .contains("Abalos")
    );
}
