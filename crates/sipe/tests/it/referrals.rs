//! The intermediation flow end to end: an employer and a vacancy, matching, three
//! referrals, an interview and a hire; the hired person's other referral becomes obsolete.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, text_of};
use crate::matching::{Person, person};

async fn open_vacancy(app: &TestApp, employer: Uuid, title: &str, positions: i32) -> Uuid {
    let ctx = sipe::audit::AuditCtx::system();
    let system = sipe::access::Access::system("t");
    let id = sipe::intermediation::vacancies::service::create_vacancy(
        &app.db,
        &ctx,
        &system,
        &sipe::intermediation::vacancies::input::VacancyInput {
            employer_id: Some(employer),
            title: title.into(),
            occupation: "9321.2".into(),
            contract_type: "seasonal".into(),
            positions: Some(positions),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sipe::intermediation::vacancies::service::change_state(&app.db, &ctx, &system, id, "open", "")
        .await
        .unwrap();
    id
}

fn seeker<'a>(dni: &'a str, names: &'a str) -> Person<'a> {
    Person {
        office: "OE-A",
        dni,
        names,
        education: "3",
        department: "AR-90084",
        employment: "unemployed",
        items: &[("desired", "9321.2", "", "")],
    }
}

#[tokio::test]
async fn a_vacancy_is_filled_when_hires_reach_its_positions() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let employer = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Citrícola A").await;
    let vid = open_vacancy(&app, employer, "Embalador", 2).await;
    let token = app
        .token(app.user("op_a", "operator", &["OE-A"]).await)
        .await;
    let http = reqwest::Client::new();
    let state = || async {
        let v: Value = app
            .get_json(&token, &format!("/api/v1/vacancies/{vid}"))
            .await;
        v["state"].as_str().unwrap().to_owned()
    };
    for (dni, names) in [("31000011", "Uno"), ("31000012", "Dos")] {
        let p = person(&app, seeker(dni, names)).await;
        let res = http
            .post(app.url("/api/v1/referrals"))
            .bearer_auth(&token)
            .json(&json!({"vacancy_id": vid, "person_id": p}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        for body in [
            json!({"to": "sent"}),
            json!({"to": "hired", "start_date": "2026-12-15"}),
        ] {
            let res = http
                .post(app.url(&format!("/api/v1/referrals/{id}/transitions")))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
        }
        let expected = if names == "Uno" { "open" } else { "filled" };
        assert_eq!(state().await, expected, "after hiring {names} of 2");
    }
    assert_eq!(
        app.audit_count("vacancy.state").await,
        2,
        "opened, then filled"
    );
}

#[tokio::test]
async fn a_person_applies_to_a_suggested_vacancy_through_an_operator() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let employer = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Citrícola A").await;
    let v1 = open_vacancy(&app, employer, "Embalador", 1).await;
    let v2 = open_vacancy(&app, employer, "Embalador nocturno", 1).await;
    let p = person(&app, seeker("31000021", "Ana")).await;
    app.sync_index().await;
    let token = app
        .token(app.user("op_a", "operator", &["OE-A"]).await)
        .await;
    let http = reqwest::Client::new();
    let res = http
        .post(app.url("/api/v1/referrals"))
        .bearer_auth(&token)
        .json(&json!({"vacancy_id": v1, "person_id": p, "origin": "self"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("origin"));
    let res = http
        .post(app.url("/api/v1/referrals"))
        .bearer_auth(&token)
        .json(&json!({"vacancy_id": v1, "person_id": p, "origin": "applied"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.json::<Value>().await.unwrap()["origin"], "applied");

    // On the page of suggested vacancies: one applied to, the other offers "Postular".
    let (c, csrf) = app.signed_in("web_a", "operator", &["OE-A"]).await;
    let suggestions = format!("/persons/{p}/vacancies");
    let html = app.get_page(&c, &suggestions).await;
    assert_eq!(html.matches("Postular").count(), 1, "{html}");
    assert!(html.contains("Propuesta"));
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("/vacancies/{v2}/referrals"),
            &[("person_id", &p.to_string()), ("origin", "applied")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/referrals/"), "{location}");
    let shown = app.get_page(&c, &location).await;
    assert!(shown.contains("Postulación de la persona"));
    assert!(
        !app.get_page(&c, &suggestions).await.contains("Postular<"),
        "nothing left to apply to"
    );
    // Applying twice to the same vacancy goes back to the suggestions with the reason.
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("/vacancies/{v2}/referrals"),
            &[("person_id", &p.to_string()), ("origin", "applied")],
        )
        .await;
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/persons/{p}/vacancies")
    );
}

#[tokio::test]
async fn refer_three_interview_and_hire_one_whose_other_referral_becomes_obsolete() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let employer = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Citrícola A").await;
    let v1 = open_vacancy(&app, employer, "Embalador", 1).await;
    let v2 = open_vacancy(&app, employer, "Embalador nocturno", 1).await;
    let p1 = person(&app, seeker("31000001", "Uno")).await;
    let p2 = person(&app, seeker("31000002", "Dos")).await;
    let p3 = person(&app, seeker("31000003", "Tres")).await;
    app.sync_index().await;
    let token = app
        .token(app.user("op_a", "operator", &["OE-A"]).await)
        .await;
    let http = reqwest::Client::new();
    let post = |path: String, body: Value| {
        let http = http.clone();
        let token = token.clone();
        let url = app.url(&path);
        async move {
            http.post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };

    let ranked: Value = app
        .get_json(&token, &format!("/api/v1/vacancies/{v1}/candidates"))
        .await;
    assert_eq!(ranked["items"].as_array().unwrap().len(), 3);

    let mut referral = std::collections::HashMap::new();
    for p in [p1, p2, p3] {
        let res = post(
            "/api/v1/referrals".into(),
            json!({"vacancy_id": v1, "person_id": p, "employer_note": "Disponible de inmediato"}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let r: Value = res.json().await.unwrap();
        assert_eq!(r["state"], "proposed");
        referral.insert(p, r["id"].as_str().unwrap().to_owned());
    }
    let res = post(
        "/api/v1/referrals".into(),
        json!({"vacancy_id": v1, "person_id": p1}),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "one referral in progress per pair"
    );
    let res = post(
        "/api/v1/referrals".into(),
        json!({"vacancy_id": v2, "person_id": p1}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let other: Value = res.json().await.unwrap();
    let other_id = other["id"].as_str().unwrap().to_owned();

    let move_to = |p: Uuid, body: Value| {
        post(
            format!("/api/v1/referrals/{}/transitions", referral[&p]),
            body,
        )
    };
    assert_eq!(
        move_to(p1, json!({"to": "sent"})).await.status(),
        StatusCode::OK
    );
    let res = move_to(p1, json!({"to": "interview_scheduled"})).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an interview needs a date"
    );
    let res = move_to(p1, json!({"to": "interview_scheduled", "interview_at": "2026-12-01T09:30", "internal_note": "Llamar antes"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let r: Value = res.json().await.unwrap();
    assert_eq!(
        r["interview_at"], "2026-12-01T12:30:00Z",
        "09:30 in Tucumán"
    );
    let res = move_to(p1, json!({"to": "hired"})).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a hire needs its start date"
    );
    let res = move_to(p1, json!({"to": "hired", "start_date": "2026-12-15", "weekly_hours": "40", "salary": "950.000"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let hired: Value = res.json().await.unwrap();
    assert_eq!(hired["state"], "hired");
    let placement = &hired["placement"];
    assert_eq!(placement["start_date"], "2026-12-15");
    assert_eq!(placement["contract_type"], "seasonal", "from the vacancy");
    assert_eq!(placement["salary"], 950_000);
    let due: Vec<&str> = placement["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["due_on"].as_str().unwrap())
        .collect();
    assert_eq!(due, ["2027-03-15", "2027-06-15", "2027-12-15"]);
    let steps: Vec<&str> = hired["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to_state"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["proposed", "sent", "interview_scheduled", "hired"]);

    // The hire made P1's other referral obsolete.
    let o: Value = app
        .get_json(&token, &format!("/api/v1/referrals/{other_id}"))
        .await;
    assert_eq!(o["state"], "obsolete");
    assert_eq!(o["reason"], "hired_by_another");

    // Its one position is taken: the vacancy is filled, with the change in its history.
    let filled: Value = app
        .get_json(&token, &format!("/api/v1/vacancies/{v1}"))
        .await;
    assert_eq!(filled["state"], "filled");
    let last = filled["history"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (last["from_state"].as_str(), last["to_state"].as_str()),
        (Some("open"), Some("filled"))
    );
    let still_open: Value = app
        .get_json(&token, &format!("/api/v1/vacancies/{v2}"))
        .await;
    assert_eq!(still_open["state"], "open");

    // Rejections carry a coded reason; ended referrals do not move again.
    assert_eq!(
        move_to(p2, json!({"to": "sent"})).await.status(),
        StatusCode::OK
    );
    let res = move_to(p2, json!({"to": "rejected"})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = move_to(p2, json!({"to": "rejected", "reason": "other"})).await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "other needs words"
    );
    let res = move_to(p2, json!({"to": "rejected", "reason": "lacks_skills"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        move_to(p3, json!({"to": "withdrawn"})).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        move_to(p3, json!({"to": "sent"})).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        move_to(p3, json!({"to": "obsolete"})).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The person's timeline shows the referrals, the hire and the obsolete one.
    let timeline: Value = app
        .get_json(&token, &format!("/api/v1/persons/{p1}/timeline"))
        .await;
    let text = timeline.to_string();
    assert!(
        text.contains("Derivación a «Embalador»: Contratada"),
        "{text}"
    );
    assert!(
        text.contains("Derivación a «Embalador nocturno»: Sin efecto"),
        "{text}"
    );
    let list: Value = app
        .get_json(&token, &format!("/api/v1/vacancies/{v1}/referrals"))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3);

    // Placed: out of matching.
    app.sync_index().await;
    let ranked: Value = app
        .get_json(&token, &format!("/api/v1/vacancies/{v2}/candidates"))
        .await;
    let ids: Vec<&str> = ranked["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["person_id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.contains(&p1.to_string().as_str()),
        "the hired person is not ranked again"
    );
    assert_eq!(ids.len(), 2);

    // Another office sees none of it.
    let other_office = app
        .token(app.user("op_b", "operator", &["OE-B"]).await)
        .await;
    let res = http
        .get(app.url(&format!("/api/v1/referrals/{}", referral[&p1])))
        .bearer_auth(&other_office)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.audit_count("referral.create").await, 4);
    assert_eq!(
        app.audit_count("referral.transition").await,
        7,
        "six moves and the referral made obsolete by the hire"
    );

    // The pages: the referral with its history and the printable letter.
    let (c, _) = app.signed_in("web_a", "operator", &["OE-A"]).await;
    let html = app
        .get_page(&c, &format!("/referrals/{}", referral[&p1]))
        .await;
    assert!(html.contains("Contratada") && html.contains("Llamar antes"));
    assert!(html.contains("15/03/2027"), "follow-up at 3 months");
    let letter = app
        .get_page(&c, &format!("/referrals/{}/letter", referral[&p1]))
        .await;
    assert!(
        letter.contains("DNI 31000001")
            && letter.contains("Citrícola A")
            && letter.contains("Disponible de inmediato")
    );
    let html = app.get_page(&c, &format!("/vacancies/{v1}")).await;
    assert!(html.contains("vacancy-referrals") && html.contains("Rechazada"));

    // Follow-ups: the office's to-do list, recorded one by one.
    let list: Value = app.get_json(&token, "/api/v1/follow-ups").await;
    assert_eq!(list["total"], 3);
    assert_eq!(list["items"][0]["months"], 3);
    assert_eq!(list["items"][0]["person"], "Uno Candidata");
    let first = list["items"][0]["id"].as_str().unwrap().to_owned();
    let res = post(
        format!("/api/v1/follow-ups/{first}"),
        json!({"still_employed": "maybe"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = post(
        format!("/api/v1/follow-ups/{first}"),
        json!({"still_employed": "true"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let list: Value = app.get_json(&token, "/api/v1/follow-ups").await;
    assert_eq!(list["total"], 2, "pending ones only");
    let theirs: Value = app
        .get_json(&other_office, "/api/v1/follow-ups?pending=false")
        .await;
    assert_eq!(theirs["total"], 0);
    let res = http
        .post(app.url(&format!("/api/v1/follow-ups/{first}")))
        .bearer_auth(&other_office)
        .json(&json!({"still_employed": "false"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = app.get_page(&c, "/follow-ups").await;
    assert!(html.contains("follow-ups-table") && html.contains("Uno Candidata"));
    assert_eq!(app.audit_count("follow_up.record").await, 1);
    let html = app.get_page(&c, &format!("/employers/{employer}")).await;
    assert!(html.contains("employer-placements") && html.contains("Uno Candidata"));
    assert!(
        html.contains("Contratada: 1")
            && html.contains("Sin efecto (contratada en otro empleo): 1")
    );

    // Indicators of the period: computed from these rows, in JSON, CSV, XLSX and the page.
    let report: Value = app
        .get_json(&token, "/api/v1/indicators/intermediation")
        .await;
    let total = &report["total"];
    assert_eq!(total["vacancies_opened"], 2);
    assert_eq!(
        (&total["vacancies_open"], &total["open_positions"]),
        (&json!(2), &json!(2)),
        "the filled one was open during the period too"
    );
    assert_eq!(total["referrals_total"], 4);
    assert_eq!(total["referrals"]["hired"], 1);
    assert_eq!(total["referrals"]["obsolete"], 1);
    assert_eq!(total["placements"], 1);
    assert_eq!(total["placement_rate"], 0.25);
    assert_eq!(total["retention"]["m3"], 1.0);
    assert_eq!(report["offices"][0]["office"], "OE-A");
    let res = http
        .get(app.url("/api/v1/indicators/intermediation?from=2026-12-31&to=2026-01-01"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let last_year: Value = app
        .get_json(
            &token,
            "/api/v1/indicators/intermediation?from=2025-01-01&to=2025-12-31",
        )
        .await;
    assert_eq!(last_year["total"]["vacancies_open"], 0, "opened after it");
    let csv = app.get_page(&c, "/indicators/intermediation.csv").await;
    assert!(csv.starts_with(
        "oficina,ofertas_vigentes,vacantes_vigentes,ofertas_abiertas,vacantes,derivaciones"
    ));
    assert!(
        csv.lines().any(|l| l.starts_with("OE-A,2,2,2,2,4,")),
        "{csv}"
    );
    let res = c
        .get(app.url("/indicators/intermediation.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let html = app.get_page(&c, "/indicators/intermediation").await;
    assert!(html.contains("chart-states") && html.contains("25 %"));
}

#[tokio::test]
async fn the_referrals_list_shows_those_of_the_callers_vacancies_and_people() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let ea = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Citrícola A").await;
    let eb = crate::vacancies::employer(&app, "OE-B", "30-71234569-8", "Ingenio B").await;
    let va = open_vacancy(&app, ea, "Embalador", 1).await;
    let vb = open_vacancy(&app, eb, "Cosechero", 1).await;
    let pa = person(&app, seeker("31000031", "Alba")).await;
    let pb = person(
        &app,
        Person {
            office: "OE-B",
            ..seeker("31000032", "Berta")
        },
    )
    .await;
    let ctx = sipe::audit::AuditCtx::system();
    let system = sipe::access::Access::system("t");
    for (vacancy, person, origin) in [(va, pa, ""), (vb, pb, ""), (vb, pa, "applied")] {
        sipe::intermediation::referrals::service::refer(
            &app.db,
            &ctx,
            &system,
            &sipe::intermediation::referrals::service::ReferralInput {
                vacancy_id: Some(vacancy),
                person_id: Some(person),
                origin: origin.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let op_a = app
        .token(app.user("op_a", "operator", &["OE-A"]).await)
        .await;
    let op_b = app
        .token(app.user("op_b", "operator", &["OE-B"]).await)
        .await;
    let people = |v: &Value| {
        let mut names: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                format!(
                    "{} → {}",
                    i["person"].as_str().unwrap(),
                    i["vacancy"].as_str().unwrap()
                )
            })
            .collect();
        names.sort();
        names
    };
    // Office A: its vacancy's referral and its person's application to office B's vacancy.
    let a = app.get_json(&op_a, "/api/v1/referrals").await;
    assert_eq!(a["total"], 2);
    let a_names = people(&a);
    assert!(
        a_names[0].contains("Alba") && a_names[0].ends_with("→ Cosechero"),
        "{a_names:?}"
    );
    assert!(
        a_names[1].contains("Alba") && a_names[1].ends_with("→ Embalador"),
        "{a_names:?}"
    );
    // Office B: both referrals to its vacancy, never office A's own one.
    let b = app.get_json(&op_b, "/api/v1/referrals").await;
    assert_eq!(b["total"], 2);
    assert!(people(&b).iter().all(|n| n.ends_with("→ Cosechero")));
    let applied = app
        .get_json(&op_b, "/api/v1/referrals?origin=applied")
        .await;
    assert_eq!(applied["total"], 1);
    assert_eq!(applied["items"][0]["origin"], "applied");
    let none = app.get_json(&op_b, "/api/v1/referrals?state=hired").await;
    assert_eq!(none["total"], 0);

    // The page and the export, for an operator of office A.
    let (c, _) = app.signed_in("web_a", "operator", &["OE-A"]).await;
    let html = app.get_page(&c, "/referrals?origin=applied").await;
    assert!(
        html.contains("Cosechero") && !html.contains("Embalador"),
        "filtered"
    );
    assert!(!html.contains("Berta"), "office B's person");
    let csv = app.get_page(&c, "/referrals.csv").await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "header and two rows: {csv}");
    assert!(lines[0].starts_with("derivacion_id,estado,origen"));
    assert!(!csv.contains("Berta"));
    assert_eq!(app.audit_count("referral.export").await, 1);
}

#[tokio::test]
async fn a_hire_changes_the_person_through_their_registry_with_history_and_audit() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let ana = person(&app, seeker("30111222", "Ana")).await;
    let ea = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Empaque A").await;
    let eb = crate::vacancies::employer(&app, "OE-B", "30-50000000-3", "Empaque B").await;
    let here = open_vacancy(&app, ea, "Embalador A", 1).await;
    let there = open_vacancy(&app, eb, "Embalador B", 1).await;
    let ctx = sipe::audit::AuditCtx::system();
    let system = sipe::access::Access::system("t");
    let refer = |vacancy| {
        let (app, ctx, system) = (&app, &ctx, &system);
        async move {
            sipe::intermediation::referrals::service::refer(
                &app.db,
                ctx,
                system,
                &sipe::intermediation::referrals::service::ReferralInput {
                    vacancy_id: Some(vacancy),
                    person_id: Some(ana),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
        }
    };
    let hired = refer(here).await;
    let elsewhere = refer(there).await;
    let updates_before = app.audit_count("person.update").await;
    for (to, start) in [("sent", ""), ("hired", "2026-12-01")] {
        sipe::intermediation::referrals::service::transition(
            &app.db,
            &ctx,
            &system,
            crate::helpers::TZ,
            hired,
            &sipe::intermediation::referrals::service::TransitionInput {
                to: to.into(),
                start_date: start.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    // The person's employment changed with a field-history row and an audit row on them.
    let changes = sipe::persons::store::changes(&app.db, ana).await.unwrap();
    let employment = changes
        .iter()
        .find(|c| c.field == "employment_status")
        .expect("a history row for the employment status");
    assert_eq!(employment.old_value.as_deref(), Some("unemployed"));
    assert_eq!(employment.new_value.as_deref(), Some("employed"));
    assert_eq!(app.audit_count("person.update").await, updates_before + 1);
    let f = sipe::audit::store::AuditFilter {
        action: "person.update".into(),
        entity_id: ana.to_string(),
        ..Default::default()
    };
    let (rows, _) = sipe::audit::store::list(&app.db, &f, 0, 1).await.unwrap();
    assert!(rows[0].after.as_deref().unwrap().contains("employed"));
    // Office B's referral became obsolete with its own audit row.
    let f = sipe::audit::store::AuditFilter {
        action: "referral.transition".into(),
        entity_id: elsewhere.to_string(),
        ..Default::default()
    };
    let (rows, _) = sipe::audit::store::list(&app.db, &f, 0, 10).await.unwrap();
    assert_eq!(rows.len(), 1, "the obsoleted referral is audited");
    assert!(rows[0].after.as_deref().unwrap().contains("obsolete"));
}

#[tokio::test]
async fn each_referral_gets_a_short_code_of_its_office_and_year_printed_on_the_letter() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let employer = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Empaque Norte").await;
    let vacancy = crate::merge::open_vacancy(&app, employer, "Embalador").await;
    let ana = crate::persons::register(&app, "OE-A", "30111222", "Paz", "Ana", "1990-01-02").await;
    let eva = crate::persons::register(&app, "OE-A", "30111333", "Paz", "Eva", "1991-01-02").await;
    let first = crate::merge::refer(&app, vacancy, ana).await;
    let second = crate::merge::refer(&app, vacancy, eva).await;
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let (c, _) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let mut codes = Vec::new();
    for id in [first, second] {
        let html = app.get_page(&c, &format!("/referrals/{id}")).await;
        codes.push(text_of(&html, "[data-testid=referral-code]").unwrap_or_default());
    }
    assert_eq!(
        codes,
        [format!("OE-A-{year}-00001"), format!("OE-A-{year}-00002")]
    );
    let letter = app
        .get_page(&c, &format!("/referrals/{first}/letter"))
        .await;
    assert_eq!(
        text_of(&letter, "[data-testid=letter-code]").as_deref(),
        Some(codes[0].as_str())
    );
    assert!(
        letter.contains(r#"href="/static/print.css""#),
        "styles from a file"
    );
    assert!(letter.contains("data-print"), "a print button");
    assert!(
        !letter.contains("<style"),
        "no inline style (the CSP blocks it)"
    );
    // The person's page lists where they were referred, by code, with the state.
    let page = app.get_page(&c, &format!("/persons/{ana}")).await;
    let listed = text_of(&page, "[data-testid=person-referrals]").unwrap_or_default();
    assert!(
        listed.contains(&codes[0]) && listed.contains("Embalador"),
        "{listed}"
    );
    assert!(
        listed.contains("Propuesta") && !listed.contains(&codes[1]),
        "{listed}"
    );
}
