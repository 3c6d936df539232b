//! Consultations' SLAs end to end: due times counted in the office's opening hours,
//! skipping holidays, from the most specific target; breaches listed and cleared by
//! an answer; what the settings refuse and who may change them.

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TZ, TestApp, api as call, exec_sql, user_id};

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().expect("a time").parse().expect("RFC 3339")
}

/// A consultation recorded now at OE-A by that channel; its JSON.
async fn consult(app: &TestApp, token: &str, channel: &str) -> Value {
    let (status, body) = call(
        app,
        token,
        Method::POST,
        "/api/v1/interactions",
        json!({"channel": channel, "notes": "Consulta de prueba", "office_code": "OE-A"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// Local 11:00 of a day, as an instant.
fn eleven(day: NaiveDate) -> DateTime<Utc> {
    TZ.from_local_datetime(&day.and_hms_opt(11, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn due_times_follow_the_offices_hours_the_holidays_and_the_most_specific_target() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.user("jefa", "admin", &[]).await;
    let admin = app.token(user_id(&app, "jefa").await).await;

    // Open round the clock: a WhatsApp message is due in its target's minutes (plus the
    // minute a day the office is closed, 23:59 to 0:00).
    let all_day: Vec<Value> = (0..7)
        .map(|d| json!({"weekday": d, "opens": "00:00", "closes": "23:59"}))
        .collect();
    let (status, week) = call(
        &app,
        &admin,
        Method::PUT,
        "/api/v1/offices/OE-A/hours",
        json!({"days": all_day}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{week}");
    assert_eq!(week["set"], true);
    let w = consult(&app, &admin, "whatsapp").await;
    let created = at(&w["created_at"]);
    let first = (at(&w["first_response_due"]) - created).num_minutes();
    let resolution = (at(&w["resolution_due"]) - created).num_minutes();
    assert!((120..=121).contains(&first), "WhatsApp's 2 h: {first} min");
    assert!(
        (2_160..=2_163).contains(&resolution),
        "36 h: {resolution} min"
    );
    assert_eq!(w["breached"], false);
    assert!(w["first_response_at"].is_null(), "nobody answered yet");
    // A call is answered as it happens.
    let p = consult(&app, &admin, "phone").await;
    assert!(!p["first_response_at"].is_null(), "{p}");

    // Open one hour a week, two days from now; e-mails get an hour to the first answer
    // and two to the resolution: due at that day's closing, and a week later.
    let today = Utc::now().with_timezone(&TZ).date_naive();
    let day = today + Days::new(2);
    let weekday = day.weekday().num_days_from_monday();
    let (status, _) = call(
        &app,
        &admin,
        Method::PUT,
        "/api/v1/offices/OE-A/hours",
        json!({"days": [{"weekday": weekday, "opens": "10:00", "closes": "11:00"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, saved) = call(
        &app,
        &admin,
        Method::PUT,
        "/api/v1/sla-targets",
        json!({"channel": "email", "topic": "", "first_response_minutes": 60, "resolution_minutes": 120}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    // Holidays loaded with the schema may fall on that day: out of the way first.
    for d in [day, day + Days::new(7)] {
        call(
            &app,
            &admin,
            Method::DELETE,
            &format!("/api/v1/holidays/{d}"),
            json!({}),
        )
        .await;
    }
    let e = consult(&app, &admin, "email").await;
    assert_eq!(at(&e["first_response_due"]), eleven(day), "{e}");
    assert_eq!(at(&e["resolution_due"]), eleven(day + Days::new(7)), "{e}");

    // That day becomes a holiday: the clock skips it to the next week.
    let (status, h) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/holidays",
        json!({"day": day.to_string(), "name": "Feriado provincial de prueba"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{h}");
    let e2 = consult(&app, &admin, "email").await;
    assert_eq!(
        at(&e2["first_response_due"]),
        eleven(day + Days::new(7)),
        "{e2}"
    );
    // A consultation keeps the due times it was given.
    let again = app
        .get_json(
            &admin,
            &format!("/api/v1/interactions/{}", e["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(at(&again["first_response_due"]), eleven(day));
    // The list of holidays has it.
    let list = app.get_json(&admin, "/api/v1/holidays").await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["day"] == day.to_string()),
        "{list}"
    );
}

#[tokio::test]
async fn breaches_are_listed_cleared_by_an_answer_and_the_settings_are_guarded() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    app.user("jefa", "admin", &[]).await;
    let (op_web, _) = app.signed_in("opa", "operator", &["OE-A"]).await;
    app.user("coordb", "coordinator", &["OE-B"]).await;
    let admin = app.token(user_id(&app, "jefa").await).await;
    let op = app.token(user_id(&app, "opa").await).await;
    let coord_b = app.token(user_id(&app, "coordb").await).await;

    let late = consult(&app, &op, "email").await;
    let fine = consult(&app, &op, "email").await;
    let late_id = late["id"].as_str().unwrap().to_owned();
    // Its first answer was due an hour ago.
    exec_sql(
        &app.db,
        "UPDATE attention_interactions SET first_response_due = $1 WHERE id = $2",
        vec![
            (Utc::now() - chrono::TimeDelta::hours(1)).into(),
            uuid::Uuid::parse_str(&late_id).unwrap().into(),
        ],
    )
    .await;

    let breached = app
        .get_json(&op, "/api/v1/interactions?breached=true")
        .await;
    assert_eq!(breached["total"], 1, "{breached}");
    assert_eq!(breached["items"][0]["id"], late_id.as_str());
    assert_eq!(breached["items"][0]["breached"], true);
    // The control: both are listed, the other is on time.
    let all = app.get_json(&op, "/api/v1/interactions").await;
    assert_eq!(all["total"], 2);
    let on_time = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == fine["id"])
        .unwrap();
    assert_eq!(on_time["breached"], false);
    // The inbox flags it and counts it.
    let page = app
        .get_page(&op_web, "/attention/interactions?breached=1")
        .await;
    assert!(page.contains("Vencidas (1)"), "{page}");
    assert!(page.contains("Respuesta atrasada"), "{page}");
    let page = app
        .get_page(&op_web, &format!("/attention/interactions/{late_id}"))
        .await;
    assert!(page.contains("Respuesta atrasada"), "{page}");

    // Asking the person for a document answers it: no longer breached.
    let (status, changed) = call(
        &app,
        &op,
        Method::POST,
        &format!("/api/v1/interactions/{late_id}/status"),
        json!({"status": "waiting_person", "version": late["version"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert!(!changed["first_response_at"].is_null());
    assert_eq!(changed["breached"], false);
    let breached = app
        .get_json(&op, "/api/v1/interactions?breached=true")
        .await;
    assert_eq!(breached["total"], 0, "{breached}");

    // Settings refuse what makes no sense, each by its field.
    let refused: [(Value, &str); 4] = [
        (
            json!({"first_response_minutes": 0, "resolution_minutes": 60}),
            "first_response_minutes",
        ),
        (
            json!({"first_response_minutes": 120, "resolution_minutes": 60}),
            "resolution_minutes",
        ),
        (
            json!({"channel": "fax", "first_response_minutes": 1, "resolution_minutes": 2}),
            "channel",
        ),
        (
            json!({"topic": "nope", "first_response_minutes": 1, "resolution_minutes": 2}),
            "topic",
        ),
    ];
    for (body, field) in refused {
        let (status, problem) = call(
            &app,
            &admin,
            Method::PUT,
            "/api/v1/sla-targets",
            body.clone(),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert!(problem.to_string().contains(field), "{body}: {problem}");
    }
    let targets = app.get_json(&admin, "/api/v1/sla-targets").await;
    let general = targets["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["channel"] == "" && t["topic"] == "")
        .expect("the general target")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = call(
        &app,
        &admin,
        Method::DELETE,
        &format!("/api/v1/sla-targets/{general}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "the general target stays");
    let (status, _) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/holidays",
        json!({"day": "2026-02-30", "name": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = call(
        &app,
        &admin,
        Method::DELETE,
        "/api/v1/holidays/2031-01-02",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        &admin,
        Method::PUT,
        "/api/v1/offices/OE-A/hours",
        json!({"days": [{"weekday": 0, "opens": "14:00", "closes": "08:00"}]}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "closing before opening"
    );

    // Who may: an operator sets no target (the admin just did, the control); a
    // coordinator sets their office's hours, not another's.
    let target = json!({"channel": "sms", "first_response_minutes": 30, "resolution_minutes": 600});
    let (status, _) = call(
        &app,
        &op,
        Method::PUT,
        "/api/v1/sla-targets",
        target.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&app, &admin, Method::PUT, "/api/v1/sla-targets", target).await;
    assert_eq!(status, StatusCode::OK);
    let week = json!({"days": [{"weekday": 0, "opens": "08:00", "closes": "12:00"}]});
    let (status, _) = call(
        &app,
        &coord_b,
        Method::PUT,
        "/api/v1/offices/OE-A/hours",
        week.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, own) = call(
        &app,
        &coord_b,
        Method::PUT,
        "/api/v1/offices/OE-B/hours",
        week,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["days"][0]["opens"], "08:00");
    assert!(own["days"][1].is_null(), "closed on the days left out");
    let a = app.get_json(&admin, "/api/v1/offices/OE-A/hours").await;
    assert_eq!(a["set"], false, "OE-A kept the default week: {a}");
}

#[tokio::test]
async fn the_inbox_assigns_and_resolves_in_bulk_only_what_is_within_reach() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let (web, csrf) = app.signed_in("opa", "operator", &["OE-A"]).await;
    app.user("coa", "coordinator", &["OE-A"]).await;
    app.user("opb", "operator", &["OE-B"]).await;
    let opa = app.token(user_id(&app, "opa").await).await;
    let opb = app.token(user_id(&app, "opb").await).await;
    let coa = user_id(&app, "coa").await;
    let a: Vec<String> = {
        let mut v = Vec::new();
        for _ in 0..3 {
            v.push(
                consult(&app, &opa, "email").await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        v
    };
    let (status, b) = call(
        &app,
        &opb,
        Method::POST,
        "/api/v1/interactions",
        json!({"channel": "email", "notes": "De la otra oficina", "office_code": "OE-B"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let b = b["id"].as_str().unwrap().to_owned();

    // Two of office A's go to its coordinator; office B's is out of reach, skipped.
    let (status, done) = call(
        &app,
        &opa,
        Method::POST,
        "/api/v1/interactions/bulk",
        json!({"ids": [a[0], a[1], b], "action": "assign", "assignee_id": coa}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done, json!({"changed": 2, "skipped": 1}));
    let first = app
        .get_json(&opa, &format!("/api/v1/interactions/{}", a[0]))
        .await;
    assert_eq!(first["assigned_name"], "Usuario coa");
    let theirs = app
        .get_json(&opb, &format!("/api/v1/interactions/{b}"))
        .await;
    assert_eq!(theirs["assigned_name"], "Usuario opb", "office B's stays");
    // Nor can one give office A's to someone who cannot reach it.
    let opb_id = user_id(&app, "opb").await;
    let (_, done) = call(
        &app,
        &opa,
        Method::POST,
        "/api/v1/interactions/bulk",
        json!({"ids": [a[2]], "action": "assign", "assignee_id": opb_id}),
    )
    .await;
    assert_eq!(done, json!({"changed": 0, "skipped": 1}));

    // From the inbox: two ticked and resolved, and the page says so.
    let res = app
        .post_form(
            &web,
            &csrf,
            "/attention/interactions/bulk",
            &[
                ("ids", &a[0]),
                ("ids", &a[2]),
                ("action", "resolve"),
                ("back", "/attention/interactions?status=open"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = crate::helpers::location(res.headers());
    assert!(
        to.starts_with("/attention/interactions?status=open&bulk_changed=2"),
        "{to}"
    );
    let page = app.get_page(&web, &to).await;
    assert!(page.contains("Se actualizaron 2 consultas."), "{page}");
    let resolved = app
        .get_json(&opa, "/api/v1/interactions?status=resolved")
        .await;
    assert_eq!(resolved["total"], 2);

    // What it refuses.
    let many: Vec<String> = (0..101).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    for body in [
        json!({"ids": many, "action": "resolve"}),
        json!({"ids": [a[1]], "action": "delete"}),
        json!({"ids": [], "action": "resolve"}),
    ] {
        let (status, problem) =
            call(&app, &opa, Method::POST, "/api/v1/interactions/bulk", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    }
}

#[tokio::test]
async fn the_report_counts_the_readers_offices_and_downloads_each_table() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    crate::attention::desk(&app, "OE-A").await;
    crate::attention::desk(&app, "OE-B").await;
    let (web, _) = app.signed_in("opa", "operator", &["OE-A"]).await;
    let opa = app.token(user_id(&app, "opa").await).await;
    consult(&app, &opa, "whatsapp").await;

    // Office A's: two phone consultations of its desk, one WhatsApp; two tickets. Office
    // B's desk is as big and is not counted.
    let page = app.get_page(&web, "/attention/reports").await;
    let channels = crate::helpers::text_of(&page, "[data-testid=report-channels]").unwrap();
    assert!(channels.contains("Teléfono"), "{channels}");
    assert!(
        page.contains("3 consultas") && page.contains("2 turnos"),
        "{page}"
    );
    let services = crate::helpers::text_of(&page, "[data-testid=report-services]").unwrap();
    assert!(services.contains("A · Inscripción"), "{services}");
    // Drilled down to the inbox.
    assert!(page.contains("href=\"/attention/interactions?channel=whatsapp\""));

    // Another office's report is not the reader's to ask for.
    let res = web
        .get(app.url("/attention/reports?office=OE-B"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("no está a tu alcance"));
    let res = web
        .get(app.url("/attention/reports?from=2026-05-10&to=2026-05-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Each table downloads, as CSV and as XLSX.
    let csv = web
        .get(app.url("/attention/reports/channels.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = crate::helpers::without_bom(csv.text().await.unwrap());
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("Canal,Total"), "{text}");
    let rows: Vec<&str> = lines.collect();
    assert!(rows.iter().any(|l| l.starts_with("phone,2,")), "{text}");
    assert!(rows.iter().any(|l| l.starts_with("whatsapp,1,")), "{text}");
    let xlsx = web
        .get(app.url("/attention/reports/services.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(
        xlsx.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let missing = web
        .get(app.url("/attention/reports/people.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
