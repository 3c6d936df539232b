//! Attention's counter queue end to end: numbering, the order counters call in, the
//! display stream (with a reconnection that loses nothing), redirects that keep their
//! place, the public kiosk and its limit, concurrent calls.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sipe::access::Access;
use sipe::attention::desk::{self, CounterInput, ServiceInput};
use sipe::attention::tickets::service::{self as tickets, IssueInput, Issuer, Queue};
use sipe::audit::AuditCtx;
use uuid::Uuid;

use crate::helpers::{TestApp, user_id};

/// An office's desk: a service `A`, a counter calling it, two tickets waiting and two
/// open consultations.
pub struct Desk {
    pub service: Uuid,
    pub counter: Uuid,
    pub tickets: [Uuid; 2],
    pub interactions: [Uuid; 2],
}

fn queue(app: &TestApp) -> Queue<'_> {
    Queue {
        db: &app.db,
        tz: app.config.tz(),
        displays: None,
    }
}

/// Sets up `office`'s desk as the system.
pub async fn desk(app: &TestApp, office: &str) -> Desk {
    let system = Access::system("test");
    let ctx = AuditCtx::system();
    let service = desk::service::create_service(
        &app.db,
        &ctx,
        &system,
        office,
        &ServiceInput {
            prefix: "A".into(),
            name: "Inscripción".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let counter = desk::service::create_counter(
        &app.db,
        &ctx,
        &system,
        office,
        &CounterInput {
            name: "Box 1".into(),
            services: vec![service],
            active: None,
        },
    )
    .await
    .unwrap();
    let mut tickets = [Uuid::nil(); 2];
    for t in &mut tickets {
        *t = issue(app, office, service, "regular").await;
    }
    let mut interactions = [Uuid::nil(); 2];
    for i in &mut interactions {
        *i = sipe::attention::interactions::service::record(
            &app.db,
            crate::helpers::TZ,
            &ctx,
            &system,
            &sipe::attention::interactions::InteractionInput {
                channel: "phone".into(),
                contact: Some("381 555-0000".into()),
                notes: Some("Pregunta por los cursos".into()),
                office_code: Some(office.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    }
    Desk {
        service,
        counter,
        tickets,
        interactions,
    }
}

async fn issue(app: &TestApp, office: &str, service: Uuid, priority: &str) -> Uuid {
    let input = IssueInput {
        service_id: Some(service),
        priority: Some(priority.into()),
        ..Default::default()
    };
    tickets::issue(
        &queue(app),
        &AuditCtx::system(),
        Issuer::Public(sipe::attention::tickets::Source::Kiosk),
        office,
        &input,
    )
    .await
    .unwrap()
    .id
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Reads a display stream until `n` call events arrived (or 10 s passed); returns each
/// event's id and data.
async fn read_calls(res: &mut reqwest::Response, n: usize) -> Vec<(String, Value)> {
    read_events(res, "call", n).await
}

/// The next `n` events named `kind` of a server-sent-events stream (id and data),
/// within 10 s.
pub async fn read_events(
    res: &mut reqwest::Response,
    kind: &str,
    n: usize,
) -> Vec<(String, Value)> {
    let mut text = String::new();
    let mut calls = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while calls.len() < n {
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .expect("the stream sent its events in time")
            .unwrap()
            .expect("the stream stays open");
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            let field = |name: &str| {
                event
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(str::trim)
                    .map(str::to_owned)
            };
            if field("event:").as_deref() == Some(kind) {
                let data = serde_json::from_str(&field("data:").unwrap()).unwrap();
                calls.push((field("id:").unwrap(), data));
            }
        }
    }
    calls
}

#[tokio::test]
async fn tickets_are_numbered_called_in_order_and_shown_on_the_display_without_loss() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let d = desk(&app, "OE-A").await;
    app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(user_id(&app, "opa").await).await;

    // The office's services and counters as the scripts read them.
    let services = app.get_json(&token, "/api/v1/offices/OE-A/services").await;
    assert_eq!(services["items"][0]["prefix"], "A");
    assert_eq!(services["items"][0]["id"], d.service.to_string());
    let counters = app.get_json(&token, "/api/v1/offices/OE-A/counters").await;
    assert_eq!(counters["items"][0]["id"], d.counter.to_string());

    // A display connects before the calls.
    let client = reqwest::Client::new();
    let mut display = client
        .get(app.url("/offices/OE-A/display/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(display.status(), StatusCode::OK);
    assert!(
        display.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );

    // Numbers follow the service's day: the desk's two are.
    let (status, third) = post(
        &app,
        &token,
        "/api/v1/offices/OE-A/tickets",
        json!({"service_id": d.service}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{third}");
    assert_eq!(third["number"], "A-003");
    // A pregnant person's ticket goes ahead of the regular ones that came just before.
    let (_, priority) = post(
        &app,
        &token,
        "/api/v1/offices/OE-A/tickets",
        json!({"service_id": d.service, "priority": "pregnancy"}),
    )
    .await;
    assert_eq!(priority["number"], "A-004");
    // Its page counts the people ahead in the queue's order: nobody, despite three
    // regular tickets issued before it.
    let page = reqwest::Client::new()
        .get(app.url(&format!("/turnos/{}", priority["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sos el próximo"), "{page}");

    let path = format!("/api/v1/counters/{}/call-next", d.counter);
    let mut called = Vec::new();
    for _ in 0..4 {
        let (status, t) = post(&app, &token, &path, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{t}");
        assert_eq!(t["status"], "called");
        called.push(t["number"].as_str().unwrap().to_owned());
    }
    assert_eq!(called, ["A-004", "A-001", "A-002", "A-003"]);
    let (status, none) = post(&app, &token, &path, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "nobody waits: {none}");

    // The display heard every call, in order, each with its number in `data:`.
    let events = read_calls(&mut display, 4).await;
    let numbers: Vec<&str> = events
        .iter()
        .map(|(_, d)| d["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, called);
    assert_eq!(events[0].1["counter"], "Box 1");

    // A display that lost the connection after the second call gets the rest when it
    // reconnects with Last-Event-ID, and nothing twice.
    drop(display);
    let mut again = client
        .get(app.url("/offices/OE-A/display/events"))
        .header("Last-Event-ID", &events[1].0)
        .send()
        .await
        .unwrap();
    let missed = read_calls(&mut again, 2).await;
    assert_eq!(missed[0].1["number"], called[2]);
    assert_eq!(missed[1].1["number"], called[3]);

    // A recall is shown again.
    let held: Value = app
        .get_json(&token, "/api/v1/offices/OE-A/tickets?status=called")
        .await;
    let held_id = held["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, recalled) = post(
        &app,
        &token,
        &format!("/api/v1/tickets/{held_id}/steps"),
        json!({"step": "recall"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{recalled}");
    assert_eq!(recalled["recalls"], 1);
    let shown = read_calls(&mut again, 1).await;
    assert_eq!(shown[0].1["recall"], true);
    assert_eq!(shown[0].1["number"], recalled["number"]);

    // The earlier tickets were finished by the calls after them.
    let done = app
        .get_json(&token, "/api/v1/offices/OE-A/tickets?status=finished")
        .await;
    assert_eq!(done["total"], 3);
}

#[tokio::test]
async fn a_redirected_ticket_keeps_its_place_in_the_other_service() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let d = desk(&app, "OE-A").await;
    app.user("coa", "coordinator", &["OE-A"]).await;
    let token = app.token(user_id(&app, "coa").await).await;
    let (_, other) = post(
        &app,
        &token,
        "/api/v1/offices/OE-A/services",
        json!({"prefix": "B", "name": "Programas"}),
    )
    .await;
    let other = other["id"].as_str().unwrap().to_owned();
    let (status, box2) = post(
        &app,
        &token,
        "/api/v1/offices/OE-A/counters",
        json!({"name": "Box 2", "services": [other]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{box2}");
    // A later ticket waits for B.
    let (_, later) = post(
        &app,
        &token,
        "/api/v1/offices/OE-A/tickets",
        json!({"service_id": other}),
    )
    .await;
    assert_eq!(later["number"], "B-001");
    // Box 1 calls A-001 and sends it to B: it goes before B-001, issued after it.
    let (_, first) = post(
        &app,
        &token,
        &format!("/api/v1/counters/{}/call-next", d.counter),
        json!({}),
    )
    .await;
    assert_eq!(first["number"], "A-001");
    let (status, moved) = post(
        &app,
        &token,
        &format!("/api/v1/tickets/{}/steps", d.tickets[0]),
        json!({"step": "redirect", "service_id": other}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["status"], "waiting");
    assert_eq!(moved["queued_at"], first["queued_at"], "the place is kept");
    let (_, next) = post(
        &app,
        &token,
        &format!(
            "/api/v1/counters/{}/call-next",
            box2["id"].as_str().unwrap()
        ),
        json!({}),
    )
    .await;
    assert_eq!(next["number"], "A-001");
    // A step the ticket's state does not allow is a conflict, and a bad step 422.
    let (status, _) = post(
        &app,
        &token,
        &format!("/api/v1/tickets/{}/steps", d.tickets[0]),
        json!({"step": "cancel"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = post(
        &app,
        &token,
        &format!("/api/v1/tickets/{}/steps", d.tickets[0]),
        json!({"step": "teleport"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A prefix is letters, once per office.
    for (prefix, expected) in [("B", "prefix"), ("A1", "prefix"), ("", "prefix")] {
        let (status, problem) = post(
            &app,
            &token,
            "/api/v1/offices/OE-A/services",
            json!({"prefix": prefix, "name": "Otro"}),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{prefix}: {problem}"
        );
        assert!(problem.to_string().contains(expected), "{problem}");
    }
}

#[tokio::test]
async fn counters_calling_at_once_never_call_the_same_ticket() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let d = desk(&app, "OE-A").await;
    let system = Access::system("test");
    let ctx = AuditCtx::system();
    let mut counters = vec![d.counter];
    for i in 2..=6 {
        counters.push(
            desk::service::create_counter(
                &app.db,
                &ctx,
                &system,
                "OE-A",
                &CounterInput {
                    name: format!("Box {i}"),
                    services: vec![d.service],
                    active: None,
                },
            )
            .await
            .unwrap(),
        );
    }
    for _ in 0..28 {
        issue(&app, "OE-A", d.service, "regular").await;
    }
    // Six operators, each at a counter, call five times each, all at once.
    let mut tasks = Vec::new();
    for (i, counter) in counters.iter().enumerate() {
        let username = format!("op{i}");
        app.user(&username, "operator", &["OE-A"]).await;
        let token = app.token(user_id(&app, &username).await).await;
        let url = app.url(&format!("/api/v1/counters/{counter}/call-next"));
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut got = Vec::new();
            for _ in 0..5 {
                let res = client.post(&url).bearer_auth(&token).send().await.unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                let t: Value = res.json().await.unwrap();
                got.push(t["number"].as_str().unwrap().to_owned());
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let distinct: std::collections::BTreeSet<&String> = all.iter().collect();
    assert_eq!(all.len(), 30);
    assert_eq!(distinct.len(), 30, "a ticket was called twice: {all:?}");
}

#[tokio::test]
async fn the_kiosk_issues_tickets_to_anyone_but_not_without_limit() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let d = desk(&app, "OE-A").await;
    let client = app.client();
    let html = app.get_page(&client, "/offices/OE-A/kiosk").await;
    assert!(html.contains("kiosk-service-A"));
    let csrf = app.csrf(&client).await;
    let send = |document: &'static str| {
        let client = client.clone();
        let csrf = csrf.clone();
        let url = app.url("/offices/OE-A/kiosk");
        let service = d.service.to_string();
        async move {
            client
                .post(url)
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("service_id", service.as_str()),
                    ("priority", "older_adult"),
                    ("document", document),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let res = send("30.123.456").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let ticket = crate::helpers::location(res.headers());
    assert!(ticket.starts_with("/turnos/"), "{ticket}");
    let page = app.get_page(&client, &ticket).await;
    assert!(
        page.contains("A-003"),
        "the kiosk's ticket follows the desk's two"
    );
    assert!(
        !page.contains("30123456"),
        "the ticket page shows no document"
    );
    // A bad document is said where it is.
    let res = send("12x").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("solo los números"));
    // A service no counter calls is not offered: nobody would call its tickets.
    let lonely = desk::service::create_service(
        &app.db,
        &AuditCtx::system(),
        &Access::system("test"),
        "OE-A",
        &ServiceInput {
            prefix: "Z".into(),
            name: "Sin box".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let html = app.get_page(&client, "/offices/OE-A/kiosk").await;
    assert!(html.contains("kiosk-service-A") && !html.contains("kiosk-service-Z"));
    let res = client
        .post(app.url("/offices/OE-A/kiosk"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("service_id", &lonely.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // 30 a minute per address: the rest wait.
    let mut limited = 0;
    for _ in 0..40 {
        if send("").await.status() == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert!(limited >= 8, "{limited} refused of 40");
    // The unknown office has no kiosk.
    let res = client
        .get(app.url("/offices/OE-NADA/kiosk"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_consultation_is_on_the_persons_timeline_and_only_its_offices_see_it() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let person =
        crate::persons::register(&app, "OE-A", "30111444", "Quiroga", "Marta", "1980-02-03").await;
    app.user("opa", "operator", &["OE-A"]).await;
    app.user("opb", "operator", &["OE-B"]).await;
    let a = app.token(user_id(&app, "opa").await).await;
    let b = app.token(user_id(&app, "opb").await).await;

    let (status, i) = post(
        &app,
        &a,
        "/api/v1/interactions",
        json!({"channel": "whatsapp", "direction": "in", "person_id": person,
            "notes": "Pregunta por el pago de noviembre", "topic": "payments"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{i}");
    assert_eq!(i["status"], "open");
    let id = i["id"].as_str().unwrap();
    let timeline = app
        .get_json(&a, &format!("/api/v1/persons/{person}/timeline"))
        .await;
    let shown = timeline.to_string();
    assert!(shown.contains("attention.interaction"), "{shown}");
    assert!(
        shown.contains("WhatsApp") && shown.contains("Pagos de programas"),
        "{shown}"
    );

    // Office B neither reads nor lists it; office A does (the positive control).
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/interactions/{id}")))
        .bearer_auth(&b)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let theirs = app.get_json(&b, "/api/v1/interactions").await;
    let ours = app.get_json(&a, "/api/v1/interactions").await;
    assert_eq!(
        (theirs["total"].as_u64(), ours["total"].as_u64()),
        (Some(0), Some(1))
    );
    let (status, _) = post(
        &app,
        &b,
        &format!("/api/v1/interactions/{id}/status"),
        json!({"status": "resolved", "version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Resolved at the version read; a stale version is a conflict.
    let (status, done) = post(
        &app,
        &a,
        &format!("/api/v1/interactions/{id}/status"),
        json!({"status": "resolved", "outcome": "Se informó la fecha", "version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(done["resolved_at"].is_string());
    let (status, _) = post(
        &app,
        &a,
        &format!("/api/v1/interactions/{id}/status"),
        json!({"status": "open", "version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // What is wrong is said where.
    let (status, problem) = post(
        &app,
        &a,
        "/api/v1/interactions",
        json!({"channel": "fax", "topic": "nada", "notes": "x".repeat(4_001)}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = problem.to_string();
    assert!(text.contains("channel") && text.contains("notes"), "{text}");
    let (status, problem) = post(
        &app,
        &b,
        "/api/v1/interactions",
        json!({"channel": "phone", "person_id": person}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
}

#[tokio::test]
async fn a_finished_ticket_records_a_consultation_per_topic_delivered() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let person =
        crate::persons::register(&app, "OE-A", "30222555", "Sosa", "Luis", "1975-05-06").await;
    let d = desk(&app, "OE-A").await;
    app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(user_id(&app, "opa").await).await;
    // The ticket of someone who typed their document at the kiosk.
    let input = IssueInput {
        service_id: Some(d.service),
        document: Some("30.222.555".into()),
        ..Default::default()
    };
    let t = tickets::issue(
        &queue(&app),
        &AuditCtx::system(),
        Issuer::Public(sipe::attention::tickets::Source::Kiosk),
        "OE-A",
        &input,
    )
    .await
    .unwrap();
    // The two desk tickets go first; then this one.
    for _ in 0..3 {
        post(
            &app,
            &token,
            &format!("/api/v1/counters/{}/call-next", d.counter),
            json!({}),
        )
        .await;
    }
    let (status, done) = post(
        &app,
        &token,
        &format!("/api/v1/tickets/{}/steps", t.id),
        json!({"step": "finish", "topics": ["programmes", "training"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let mine = app
        .get_json(
            &token,
            &format!("/api/v1/interactions?person_id={person}&channel=counter"),
        )
        .await;
    assert_eq!(mine["total"], 2, "{mine}");
    assert_eq!(mine["items"][0]["status"], "resolved");
    assert_eq!(mine["items"][0]["ticket_id"], t.id.to_string());
    // An unknown topic changes nothing.
    let other = issue(&app, "OE-A", d.service, "regular").await;
    post(
        &app,
        &token,
        &format!("/api/v1/counters/{}/call-next", d.counter),
        json!({}),
    )
    .await;
    let (status, _) = post(
        &app,
        &token,
        &format!("/api/v1/tickets/{other}/steps"),
        json!({"step": "finish", "topics": ["nada"]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let still: Value = app
        .get_json(&token, &format!("/api/v1/tickets/{other}"))
        .await;
    assert_eq!(still["status"], "called");
}

#[tokio::test]
async fn a_counter_is_its_operators_a_stale_screen_calls_nobody_and_a_new_day_starts_clean() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let d = desk(&app, "OE-A").await;
    app.user("opa", "operator", &["OE-A"]).await;
    app.user("opa2", "operator", &["OE-A"]).await;
    let a = app.token(user_id(&app, "opa").await).await;
    let a2 = app.token(user_id(&app, "opa2").await).await;
    let call = format!("/api/v1/counters/{}/call-next", d.counter);

    // The first caller takes the free counter (the positive control).
    let (status, first) = post(&app, &a, &call, json!({"current": "none"})).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["number"], "A-001");
    // Another operator's click is refused while it is held.
    let (status, _) = post(&app, &a2, &call, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // A second click from a screen that still shows nothing changes nothing.
    let (status, _) = post(&app, &a, &call, json!({"current": "none"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let held: Value = app
        .get_json(&a, &format!("/api/v1/tickets/{}", d.tickets[0]))
        .await;
    assert_eq!(held["status"], "called", "the held ticket was not closed");
    // The screen that shows A-001 calls the next.
    let (status, second) = post(&app, &a, &call, json!({"current": d.tickets[0]})).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["number"], "A-002");
    // Moving to another counter leaves nobody for A-002: it goes back to the queue, in
    // its place.
    let other = desk::service::create_counter(
        &app.db,
        &AuditCtx::system(),
        &Access::system("test"),
        "OE-A",
        &CounterInput {
            name: "Box 2".into(),
            services: vec![d.service],
            active: None,
        },
    )
    .await
    .unwrap();
    let (status, _) = post(
        &app,
        &a,
        &format!("/api/v1/counters/{other}/sign-in"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let back: Value = app
        .get_json(&a, &format!("/api/v1/tickets/{}", d.tickets[1]))
        .await;
    assert_eq!(back["status"], "waiting");
    assert_eq!(back["queued_at"], second["queued_at"]);
    // A `current` that is neither an id nor "none" is refused, not ignored.
    let (status, _) = post(&app, &a, &call, json!({"current": "NONE"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, again) = post(&app, &a2, &call, json!({"current": "none"})).await;
    assert_eq!(status, StatusCode::OK, "the counter left is free: {again}");
    assert_eq!(again["number"], "A-002");

    // A ticket left waiting yesterday is not called today: the first operation of the
    // day closes it.
    let left = issue(&app, "OE-A", d.service, "regular").await;
    // The office's yesterday, not UTC's: after 21:00 in Argentina they are one day.
    let yesterday = chrono::Utc::now()
        .with_timezone(&crate::helpers::TZ)
        .date_naive()
        - chrono::Days::new(1);
    let backend = app.db.get_database_backend();
    for sql in [
        format!("UPDATE attention_tickets SET day = '{yesterday}' WHERE id = $1"),
        "UPDATE attention_queues SET updated_at = $1".to_owned(),
    ] {
        let sql = if backend == sea_orm::DbBackend::Sqlite {
            sql.replace("$1", "?")
        } else {
            sql
        };
        let values: Vec<sea_orm::Value> = if sql.contains("attention_tickets") {
            vec![left.into()]
        } else {
            vec![(chrono::Utc::now() - chrono::TimeDelta::days(1)).into()]
        };
        app.db
            .execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await
            .unwrap();
    }
    let (status, _) = post(&app, &a2, &call, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "nobody waits today");
    let closed: Value = app.get_json(&a, &format!("/api/v1/tickets/{left}")).await;
    assert_eq!(closed["status"], "cancelled");
}

#[tokio::test]
async fn one_address_cannot_take_every_place_of_an_offices_display() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let client = reqwest::Client::new();
    let mut open = Vec::new();
    for _ in 0..20 {
        let res = client
            .get(app.url("/offices/OE-A/display/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        open.push(res);
    }
    let res = client
        .get(app.url("/offices/OE-A/display/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    // A place given back is a place again.
    drop(open.pop());
    let mut again = None;
    for _ in 0..50 {
        let res = client
            .get(app.url("/offices/OE-A/display/events"))
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::OK {
            again = Some(res);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "the closed stream's place came back");
}

#[tokio::test]
async fn a_ticket_with_a_mobile_gets_one_sms_when_its_turn_is_near() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let d = desk(&app, "OE-A").await;
    app.user("opa", "operator", &["OE-A"]).await;
    app.user("jefa", "admin", &[]).await;
    let token = app.token(user_id(&app, "opa").await).await;
    let admin = app.token(user_id(&app, "jefa").await).await;
    // Four more regular tickets after the desk's two; the last from the kiosk, with a
    // mobile (a wrong one first: said beside its field).
    for _ in 0..3 {
        issue(&app, "OE-A", d.service, "regular").await;
    }
    let client = app.client();
    let csrf = app.csrf(&client).await;
    let kiosk = |phone: &'static str| {
        let (client, csrf, service) = (client.clone(), csrf.clone(), d.service.to_string());
        let url = app.url("/offices/OE-A/kiosk");
        async move {
            client
                .post(url)
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("service_id", service.as_str()),
                    ("phone", phone),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let wrong = kiosk("12ab").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.text().await.unwrap().contains("solo lleva números"),
        "the phone's message"
    );
    let res = kiosk("0381 15-555-0077").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app
        .get_page(&client, &crate::helpers::location(res.headers()))
        .await;
    assert!(page.contains("A-006"), "{page}");
    assert!(
        !page.contains("555-0077") && !page.contains("5550077"),
        "the ticket page shows no phone"
    );

    let texts = || async {
        let m = app.get_json(&admin, "/api/v1/messages?channel=sms").await;
        m["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["address"] == "+5493815550077")
            .map(|m| m["body"].as_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    let path = format!("/api/v1/counters/{}/call-next", d.counter);
    // Five ahead, then four, three: not yet.
    for _ in 0..2 {
        let (status, _) = post(&app, &token, &path, json!({})).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert!(texts().await.is_empty(), "three ahead is not near yet");
    // Two ahead: the SMS goes; one ahead: not again.
    let (status, _) = post(&app, &token, &path, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(&app, &token, &path, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let sent = texts().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].contains("A-006") && sent[0].contains("esta cerca"),
        "{sent:?}"
    );
}

#[tokio::test]
async fn the_virtual_queue_takes_one_ticket_per_person_and_asks_their_document() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let d = desk(&app, "OE-A").await;
    let client = app.client();
    let page = app.get_page(&client, "/offices/OE-A/turno").await;
    assert!(page.contains("Sacá tu turno desde el celular"), "{page}");
    let csrf = app.csrf(&client).await;
    let take = |document: &'static str| {
        let (client, csrf, service) = (client.clone(), csrf.clone(), d.service.to_string());
        let url = app.url("/offices/OE-A/turno");
        async move {
            client
                .post(url)
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("service_id", service.as_str()),
                    ("document", document),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let none = take("").await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        none.text()
            .await
            .unwrap()
            .contains("Escribí tu número de documento")
    );
    let first = take("30.111.222").await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let ticket = crate::helpers::location(first.headers());
    assert!(
        ticket.starts_with("/turnos/") && !ticket.contains("kiosco"),
        "{ticket}"
    );
    // The same person again: refused while the first waits; someone else: taken.
    let again = take("30111222").await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("Ya tenés un turno"));
    let other = take("30111223").await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
    // The office's display offers the virtual queue by QR.
    let display = app.get_page(&client, "/offices/OE-A/display").await;
    assert!(display.contains("data-testid=\"display-web-qr\""));
}
