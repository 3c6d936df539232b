//! Appointments end to end: a service's slots in the office's calendar and their
//! capacity, booking by staff and on the web (with its SMS and its link), cancelling by
//! the link, check-in at the kiosk by the QR's text or the document within its window,
//! the ticket called first; reminders; who sees an office's appointments.

use chrono::{DateTime, Days, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::attention::desk;
use crate::helpers::{TZ, TestApp, api as call, exec_sql, location, user_id};

/// Opens OE-A round the clock with no holidays, and gives its service A slots of 30
/// minutes for two people each.
async fn open_for_appointments(app: &TestApp, admin: &str, service: uuid::Uuid) {
    let all_day: Vec<Value> = (0..7)
        .map(|d| json!({"weekday": d, "opens": "00:00", "closes": "23:59"}))
        .collect();
    let (status, body) = call(
        app,
        admin,
        Method::PUT,
        "/api/v1/offices/OE-A/hours",
        json!({"days": all_day}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    exec_sql(&app.db, "delete from attention_holidays", vec![]).await;
    let (status, body) = call(
        app,
        admin,
        Method::PUT,
        &format!("/api/v1/queue-services/{service}"),
        json!({"prefix": "A", "name": "Inscripción", "slot_minutes": 30, "slot_capacity": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["slot_minutes"], 30);
}

fn tomorrow() -> chrono::NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive() + Days::new(1)
}

async fn book(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    call(
        app,
        token,
        Method::POST,
        "/api/v1/offices/OE-A/appointments",
        body,
    )
    .await
}

/// Moves an appointment to `at`, on today's list (the test cannot wait for its time to
/// come; a few minutes off may cross midnight, and the test may run at any hour).
async fn move_to(app: &TestApp, id: &str, at: DateTime<Utc>) {
    exec_sql(
        &app.db,
        "update attention_appointments set day = $1, starts_at = $2 where id = $3",
        vec![
            Utc::now().with_timezone(&TZ).date_naive().into(),
            at.into(),
            uuid::Uuid::parse_str(id).unwrap().into(),
        ],
    )
    .await;
}

#[tokio::test]
async fn slots_fill_to_their_capacity_and_a_checked_in_appointment_is_called_first() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let d = desk(&app, "OE-A").await;
    app.user("opa", "operator", &["OE-A"]).await;
    app.user("opb", "operator", &["OE-B"]).await;
    app.user("jefa", "admin", &[]).await;
    let admin = app.token(user_id(&app, "jefa").await).await;
    let opa = app.token(user_id(&app, "opa").await).await;
    let opb = app.token(user_id(&app, "opb").await).await;
    open_for_appointments(&app, &admin, d.service).await;

    // Tomorrow: 00:00 to 23:00 every half hour (23:30 would end after 23:59), two
    // places each.
    let day = tomorrow();
    let slots = app
        .get_json(
            &opa,
            &format!(
                "/api/v1/offices/OE-A/appointment-slots?service_id={}&day={day}",
                d.service
            ),
        )
        .await;
    let items = slots["items"].as_array().unwrap();
    assert_eq!(items.len(), 47, "{slots}");
    assert!(items.iter().all(|s| s["free"] == 2));
    let first = items[0]["starts_at"].as_str().unwrap().to_owned();

    // Two people take the first slot; a third cannot, nor the same person twice a day,
    // nor a time that is not a slot, nor a day more than a month away.
    let mut ids = Vec::new();
    for doc in ["30111001", "30.111.002"] {
        let (status, body) = book(
            &app,
            &opa,
            json!({"service_id": d.service, "starts_at": first, "document": doc}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["status"], "booked");
        assert!(body["link"].as_str().unwrap().contains("/citas/"));
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    let refused = [
        (
            json!({"service_id": d.service, "starts_at": first, "document": "30111003"}),
            "starts_at",
        ),
        (
            json!({"service_id": d.service, "starts_at": items[1]["starts_at"], "document": "30111001"}),
            "document",
        ),
        (
            json!({"service_id": d.service, "starts_at": (first.parse::<DateTime<Utc>>().unwrap() + chrono::Duration::minutes(7)), "document": "30111004"}),
            "starts_at",
        ),
        (
            json!({"service_id": d.service, "starts_at": (first.parse::<DateTime<Utc>>().unwrap() + chrono::Duration::days(40)), "document": "30111004"}),
            "starts_at",
        ),
        (
            json!({"service_id": d.service, "starts_at": first}),
            "document",
        ),
        (
            json!({"service_id": d.service, "starts_at": first, "document": "30111005", "phone": "12ab"}),
            "phone",
        ),
    ];
    for (body, field) in &refused {
        let (status, problem) = book(&app, &opa, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body} → {problem}"
        );
        assert!(
            problem.to_string().contains(&format!("\"{field}\"")),
            "{field}: {problem}"
        );
    }
    let after = app
        .get_json(
            &opa,
            &format!(
                "/api/v1/offices/OE-A/appointment-slots?service_id={}&day={day}",
                d.service
            ),
        )
        .await;
    assert_eq!(after["items"][0]["free"], 0);
    assert_eq!(after["items"][1]["free"], 2);

    // The office's own see its day; another office's operator does not (positive
    // control in the same run: both lists answer).
    let list = app
        .get_json(
            &opa,
            &format!("/api/v1/offices/OE-A/appointments?day={day}"),
        )
        .await;
    assert_eq!(list["total"], 2, "{list}");
    let (status, _) = call(
        &app,
        &opb,
        Method::GET,
        &format!("/api/v1/offices/OE-A/appointments?day={day}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        &opb,
        Method::GET,
        &format!("/api/v1/appointments/{}", ids[0]),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let own = app
        .get_json(
            &opb,
            &format!("/api/v1/offices/OE-B/appointments?day={day}"),
        )
        .await;
    assert_eq!(own["total"], 0);
    let (status, _) = call(
        &app,
        &opb,
        Method::POST,
        &format!("/api/v1/appointments/{}/cancel", ids[0]),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Staff cancel one: its place is free again; cancelling twice is a conflict.
    let (status, body) = call(
        &app,
        &opa,
        Method::POST,
        &format!("/api/v1/appointments/{}/cancel", ids[1]),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "cancelled");
    let (status, _) = call(
        &app,
        &opa,
        Method::POST,
        &format!("/api/v1/appointments/{}/cancel", ids[1]),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Checked in at the kiosk by what its scanner reads from the QR (the whole link),
    // shortly before its time: the ticket enters the queue with priority and is called
    // before the two regular tickets that were waiting.
    let (status, booked) = book(
        &app,
        &opa,
        json!({"service_id": d.service, "starts_at": items[2]["starts_at"], "document": "30111010"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let id = booked["id"].as_str().unwrap();
    move_to(&app, id, Utc::now() + chrono::Duration::minutes(10)).await;
    let client = app.client();
    let csrf = app.csrf(&client).await;
    let kiosk = |code: String| {
        let (client, csrf) = (client.clone(), csrf.clone());
        let url = app.url("/offices/OE-A/kiosk/cita");
        async move {
            client
                .post(url)
                .form(&[("_csrf", csrf.as_str()), ("code", code.as_str())])
                .send()
                .await
                .unwrap()
        }
    };
    let res = kiosk(booked["link"].as_str().unwrap().to_owned()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let ticket_page = location(res.headers());
    assert!(ticket_page.starts_with("/turnos/") && ticket_page.ends_with("?kiosco=1"));
    let shown = app
        .get_json(&opa, &format!("/api/v1/appointments/{id}"))
        .await;
    assert_eq!(shown["status"], "checked_in");
    let ticket = app
        .get_json(
            &opa,
            &format!("/api/v1/tickets/{}", shown["ticket_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(ticket["priority"], "appointment");
    assert_eq!(ticket["source"], "appointment");
    let (status, called) = call(
        &app,
        &opa,
        Method::POST,
        &format!("/api/v1/counters/{}/call-next", d.counter),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{called}");
    assert_eq!(called["number"], ticket["number"], "{called}");
    assert_ne!(
        ticket["number"], "A-001",
        "numbered after the waiting tickets"
    );

    // Twice: refused, said at the field. Too late, or a code of nobody: refused.
    let again = kiosk(booked["link"].as_str().unwrap().to_owned()).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("ya dio el presente"));
    let (_, late) = book(
        &app,
        &opa,
        json!({"service_id": d.service, "starts_at": items[3]["starts_at"], "document": "30111011"}),
    )
    .await;
    move_to(
        &app,
        late["id"].as_str().unwrap(),
        Utc::now() - chrono::Duration::minutes(40),
    )
    .await;
    // By its QR the reason is said; by a document typed at the entrance it is the same
    // answer as for a document with no appointment at all (a stranger learns nothing).
    let res = kiosk(late["link"].as_str().unwrap().to_owned()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("Pasó más de media hora"), "{page}");
    let mut answers = Vec::new();
    for doc in ["30111011", "39999999"] {
        let res = kiosk(doc.into()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = res.text().await.unwrap();
        let start = page
            .find("No hay un turno para registrar ahora")
            .expect(&page);
        answers.push(page[start..start + 200].to_owned());
    }
    assert_eq!(answers[0], answers[1]);
    // The document of the person already in the queue says so.
    let res = kiosk("30111010".into()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("ya dio el presente"));
    let res = kiosk("un-código-que-no-existe".into()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("No encontramos un turno")
    );
    // By document, in time.
    let (_, by_doc) = book(
        &app,
        &opa,
        json!({"service_id": d.service, "starts_at": items[4]["starts_at"], "document": "30111012"}),
    )
    .await;
    move_to(
        &app,
        by_doc["id"].as_str().unwrap(),
        Utc::now() + chrono::Duration::minutes(5),
    )
    .await;
    let res = kiosk("30.111.012".into()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_person_books_on_the_web_gets_an_sms_with_the_link_and_cancels_by_it() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let d = desk(&app, "OE-A").await;
    app.user("jefa", "admin", &[]).await;
    let admin = app.token(user_id(&app, "jefa").await).await;
    open_for_appointments(&app, &admin, d.service).await;
    let day = tomorrow();
    let client = app.client();
    let page = app
        .get_page(
            &client,
            &format!("/offices/OE-A/citas?service_id={}&day={day}", d.service),
        )
        .await;
    assert!(page.contains("data-testid=\"booking-form\""), "{page}");
    let slot = app
        .get_json(
            &admin,
            &format!(
                "/api/v1/offices/OE-A/appointment-slots?service_id={}&day={day}",
                d.service
            ),
        )
        .await["items"][5]["starts_at"]
        .as_str()
        .unwrap()
        .to_owned();
    let csrf = app.csrf(&client).await;
    let post = |phone: &'static str| {
        let (client, csrf, service, slot) = (
            client.clone(),
            csrf.clone(),
            d.service.to_string(),
            slot.clone(),
        );
        let url = app.url("/offices/OE-A/citas");
        async move {
            client
                .post(url)
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("service_id", service.as_str()),
                    ("day", &day.to_string()),
                    ("starts_at", slot.as_str()),
                    ("document", "30222333"),
                    ("phone", phone),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    // On the web a mobile is required.
    let res = post("").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Escribí un celular"));
    let res = post("0381 15-555-0123").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let link = location(res.headers());
    assert!(link.starts_with("/citas/"), "{link}");
    let page = app.get_page(&client, &link).await;
    assert!(
        page.contains("Reservado") && page.contains("•••••333"),
        "{page}"
    );
    assert!(!page.contains("30222333"), "the document is masked");
    assert!(page.contains("data-testid=\"appointment-qr\""));
    // The confirmation went by SMS with the link.
    let messages = app.get_json(&admin, "/api/v1/messages?channel=sms").await;
    let sms: Vec<&Value> = messages["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["address"] == "+5493815550123")
        .collect();
    assert_eq!(sms.len(), 1, "{messages}");
    let body = sms[0]["body"].as_str().unwrap();
    assert!(
        body.contains("Turno confirmado") && body.contains(&link),
        "{body}"
    );
    // The person cancels by the link; the place is free again.
    let res = client
        .post(app.url(&format!("{link}/cancel")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get_page(&client, &link).await;
    assert!(page.contains("Cancelado"), "{page}");
    let slots = app
        .get_json(
            &admin,
            &format!(
                "/api/v1/offices/OE-A/appointment-slots?service_id={}&day={day}",
                d.service
            ),
        )
        .await;
    assert_eq!(slots["items"][5]["free"], 2);
    // A link of nobody is not found.
    let res = client.get(app.url("/citas/nadie")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn reminders_go_once_a_day_before_to_those_booked_earlier() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let d = desk(&app, "OE-A").await;
    app.user("jefa", "admin", &[]).await;
    let admin = app.token(user_id(&app, "jefa").await).await;
    open_for_appointments(&app, &admin, d.service).await;
    let day = tomorrow();
    let slots = app
        .get_json(
            &admin,
            &format!(
                "/api/v1/offices/OE-A/appointment-slots?service_id={}&day={day}",
                d.service
            ),
        )
        .await;
    let mut ids = Vec::new();
    let phones = ["0381 15-555-0201", "0381 15-555-0202", "0381 15-555-0203"];
    for (i, phone) in phones.iter().enumerate() {
        let (status, body) = book(
            &app,
            &admin,
            json!({"service_id": d.service, "starts_at": slots["items"][i]["starts_at"],
                "document": format!("3033300{i}"), "phone": phone}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.push(uuid::Uuid::parse_str(body["id"].as_str().unwrap()).unwrap());
    }
    // All start in three hours; the first was booked two days ago, the second just now
    // and the third 20 hours ago (their confirmations are fresh: no reminder).
    let now = Utc::now();
    for id in &ids {
        exec_sql(
            &app.db,
            "update attention_appointments set starts_at = $1 where id = $2",
            vec![(now + chrono::Duration::hours(3)).into(), (*id).into()],
        )
        .await;
    }
    exec_sql(
        &app.db,
        "update attention_appointments set created_at = $1 where id = $2",
        vec![(now - chrono::Duration::days(2)).into(), ids[0].into()],
    )
    .await;
    exec_sql(
        &app.db,
        "update attention_appointments set created_at = $1 where id = $2",
        vec![(now - chrono::Duration::hours(17)).into(), ids[2].into()],
    )
    .await;
    let sent =
        sipe::attention::appointments::service::remind(&app.db, TZ, "https://sipe.test", now)
            .await
            .unwrap();
    assert_eq!(sent, 1);
    let again =
        sipe::attention::appointments::service::remind(&app.db, TZ, "https://sipe.test", now)
            .await
            .unwrap();
    assert_eq!(again, 0, "once");
    let messages = app.get_json(&admin, "/api/v1/messages?channel=sms").await;
    let reminders: Vec<String> = messages["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["body"].as_str())
        .filter(|b| b.starts_with("Recordatorio"))
        .map(str::to_owned)
        .collect();
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    // GSM-7 drops the accent; the link lets them cancel.
    assert!(
        reminders[0].contains("Inscripci") && reminders[0].contains("https://sipe.test/citas/"),
        "{reminders:?}"
    );
}

#[tokio::test]
async fn one_person_or_one_phone_holds_few_places_and_a_missed_time_frees_the_day() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let d = desk(&app, "OE-A").await;
    app.user("opa", "operator", &["OE-A"]).await;
    app.user("jefa", "admin", &[]).await;
    let admin = app.token(user_id(&app, "jefa").await).await;
    let opa = app.token(user_id(&app, "opa").await).await;
    open_for_appointments(&app, &admin, d.service).await;
    let first: DateTime<Utc> = app
        .get_json(
            &opa,
            &format!(
                "/api/v1/offices/OE-A/appointment-slots?service_id={}&day={}",
                d.service,
                tomorrow()
            ),
        )
        .await["items"][0]["starts_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // Slot `n` half hours into day `days` after tomorrow (the office never closes).
    let at = |days: i64, n: i64| {
        first + chrono::Duration::days(days) + chrono::Duration::minutes(30 * n)
    };
    let field_of = |problem: &Value| problem["errors"][0]["field"].as_str().map(str::to_owned);

    // A known person: their document is the appointment's, and without SMS consent the
    // phone typed is not used.
    let person = crate::messaging::register_in(&app.db, "OE-A", "30444555", "", "", &[]).await;
    let (status, problem) = book(
        &app,
        &opa,
        json!({"service_id": d.service, "starts_at": at(0, 0), "person_id": person,
            "document": "30444556"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(field_of(&problem).as_deref(), Some("document"));
    let (status, theirs) = book(
        &app,
        &opa,
        json!({"service_id": d.service, "starts_at": at(0, 0), "person_id": person,
            "phone": "0381 15-555-0301"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    assert_eq!(theirs["document"], "30444555");
    assert!(theirs["phone"].is_null(), "no SMS consent: {theirs}");

    // One document holds three appointments ahead at most (the control: three go in).
    for days in 0..3 {
        let (status, body) = book(
            &app,
            &opa,
            json!({"service_id": d.service, "starts_at": at(days, 2), "document": "30555666"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, problem) = book(
        &app,
        &opa,
        json!({"service_id": d.service, "starts_at": at(3, 2), "document": "30555666"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(field_of(&problem).as_deref(), Some("document"));
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains(" 3 ")),
        "{problem}"
    );

    // On the web one mobile holds three as well, whatever the documents.
    let client = app.client();
    let csrf = app.csrf(&client).await;
    let mut statuses = Vec::new();
    for (i, doc) in ["30666001", "30666002", "30666003", "30666004"]
        .iter()
        .enumerate()
    {
        let res = client
            .post(app.url("/offices/OE-A/citas"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("service_id", d.service.to_string().as_str()),
                ("day", tomorrow().to_string().as_str()),
                ("starts_at", at(0, 4 + i as i64).to_rfc3339().as_str()),
                ("document", doc),
                ("phone", "0381 15-555-0302"),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
        if res.status() == StatusCode::UNPROCESSABLE_ENTITY {
            let page = res.text().await.unwrap();
            assert!(
                page.contains("Ese celular ya tiene 3 turnos"),
                "{}",
                page.split("-error\">").nth(1).unwrap_or(&page)
            );
        }
    }
    assert_eq!(statuses, [303, 303, 303, 422]);

    // A checked-in appointment holds its day; a missed one (its time and window gone)
    // does not.
    let (_, checked) = book(
        &app,
        &opa,
        json!({"service_id": d.service, "starts_at": at(1, 10), "document": "30777001"}),
    )
    .await;
    let (_, missed) = book(
        &app,
        &opa,
        json!({"service_id": d.service, "starts_at": at(1, 10), "document": "30777002"}),
    )
    .await;
    exec_sql(
        &app.db,
        "update attention_appointments set status = 'checked_in' where id = $1",
        vec![
            uuid::Uuid::parse_str(checked["id"].as_str().unwrap())
                .unwrap()
                .into(),
        ],
    )
    .await;
    exec_sql(
        &app.db,
        "update attention_appointments set starts_at = $1 where id = $2",
        vec![
            (Utc::now() - chrono::Duration::hours(2)).into(),
            uuid::Uuid::parse_str(missed["id"].as_str().unwrap())
                .unwrap()
                .into(),
        ],
    )
    .await;
    let (status, problem) = book(
        &app,
        &opa,
        json!({"service_id": d.service, "starts_at": at(1, 12), "document": "30777001"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(field_of(&problem).as_deref(), Some("document"));
    let (status, again) = book(
        &app,
        &opa,
        json!({"service_id": d.service, "starts_at": at(1, 12), "document": "30777002"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");

    // The person cannot cancel by the link once its time has passed: it stays booked.
    let secret: String = {
        use sea_orm::{ConnectionTrait, Statement};
        let backend = app.db.get_database_backend();
        let sql = match backend {
            sea_orm::DbBackend::Sqlite => "select secret from attention_appointments where id = ?",
            _ => "select secret from attention_appointments where id = $1",
        };
        app.db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [uuid::Uuid::parse_str(missed["id"].as_str().unwrap())
                    .unwrap()
                    .into()],
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "secret")
            .unwrap()
    };
    let res = client
        .post(app.url(&format!("/citas/{secret}/cancel")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let shown = app
        .get_json(
            &opa,
            &format!("/api/v1/appointments/{}", missed["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(shown["status"], "booked");

    // The kiosk does not give the appointment's priority to whoever picks it.
    let res = client
        .post(app.url("/offices/OE-A/kiosk"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("service_id", d.service.to_string().as_str()),
            ("priority", "appointment"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Tengo turno programado"));
    let kiosk = app.get_page(&client, "/offices/OE-A/kiosk").await;
    assert!(kiosk.contains("value=\"older_adult\"") && !kiosk.contains("value=\"appointment\""));

    // A return address with a line break goes to the module's home, not to a 500.
    let (web, web_csrf) = app.signed_in("opa2", "operator", &["OE-A"]).await;
    let res = web
        .post(app.url(&format!(
            "/attention/appointments/{}/cancel",
            again["id"].as_str().unwrap()
        )))
        .form(&[
            ("_csrf", web_csrf.as_str()),
            (
                "back",
                "/attention/offices/OE-A/appointments\r\nSet-Cookie: x=1",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), "/attention");
}

/// An office's appointments for the scope walk: its desk's service takes five people
/// every half hour round the clock; two appointments tomorrow (web, API) and a free
/// slot of tomorrow to book in.
pub struct Booked {
    pub ids: [uuid::Uuid; 2],
    pub free_slot: String,
}

/// Sets up `office`'s appointments as the system.
pub async fn booked(app: &TestApp, office: &str, service: uuid::Uuid) -> Booked {
    use sipe::attention::appointments::service::{self as appointments, BookInput, Booker};
    let system = sipe::access::Access::system("test");
    let ctx = sipe::audit::AuditCtx::system();
    let days: Vec<sipe::attention::sla::service::DayHours> = (0..7)
        .map(|d| sipe::attention::sla::service::DayHours {
            weekday: d,
            opens: "00:00".into(),
            closes: "23:59".into(),
        })
        .collect();
    sipe::attention::sla::service::set_hours(&app.db, &ctx, &system, office, &days)
        .await
        .unwrap();
    let day = tomorrow();
    exec_sql(
        &app.db,
        "delete from attention_holidays where day = $1",
        vec![day.into()],
    )
    .await;
    sipe::attention::desk::service::update_service(
        &app.db,
        &ctx,
        &system,
        service,
        &sipe::attention::desk::ServiceInput {
            prefix: "A".into(),
            name: "Inscripción".into(),
            slot_minutes: Some(30),
            slot_capacity: Some(5),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let q = sipe::attention::tickets::service::Queue {
        db: &app.db,
        tz: TZ,
        displays: None,
    };
    let svc = sipe::attention::appointments::service::bookable_service_of(&app.db, service)
        .await
        .unwrap();
    let slots = appointments::slots(&app.db, TZ, &svc, day, Utc::now())
        .await
        .unwrap();
    let mut ids = [uuid::Uuid::nil(); 2];
    for (i, id) in ids.iter_mut().enumerate() {
        let input = BookInput {
            service_id: Some(service),
            starts_at: Some(slots[0].starts_at),
            document: Some(format!("3077700{i}")),
            ..Default::default()
        };
        *id = appointments::book(&q, &ctx, Booker::Staff(&system), office, &input, "")
            .await
            .unwrap()
            .appointment
            .id;
    }
    Booked {
        ids,
        free_slot: slots[1].starts_at.to_rfc3339(),
    }
}
