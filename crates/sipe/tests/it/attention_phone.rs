//! The phone line end to end: the PBX's CTI webhook (Zammad's generic CTI) in both of
//! its body shapes, the caller's record popped up for the user who answered and for
//! nobody else, the consultation on the person's timeline, missed calls listed and
//! called back once, and what the webhook refuses.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::attention::read_events;
use crate::helpers::{TestApp, location, user_id};

const TOKEN: &str = "cti-token-for-the-tests-0123456789abcdef";

async fn app() -> TestApp {
    TestApp::spawn_with(|c| c.cti_token = Some(sipe::config::Secret::new(TOKEN))).await
}

pub async fn person_with_phone(app: &TestApp, office: &str, dni: &str, phone: &str) -> Uuid {
    let input = sipe::persons::input::PersonInput {
        doc_type: "dni".into(),
        doc_number: dni.into(),
        surnames: "Llamante".into(),
        names: format!("Persona {dni}"),
        birth_date: "1988-03-04".into(),
        sex: "F".into(),
        office_code: office.into(),
        phone: phone.into(),
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
        sipe::persons::service::RegisterOutcome::Created(id) => id,
        other => panic!("{other:?}"),
    }
}

/// Posts an event as JSON; the status and body.
async fn json_event(app: &TestApp, token: &str, body: Value) -> (StatusCode, String) {
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/cti/{token}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Posts an event as form fields, the way Zammad's examples do.
async fn form_event(app: &TestApp, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/cti/{TOKEN}")))
        .form(fields)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn pop_ups(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    let res = client
        .get(app.url("/attention/phone/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res
}

#[tokio::test]
async fn the_caller_pops_up_for_who_answered_and_missed_calls_are_called_back_once() {
    let app = app().await;
    app.office("OE-A", "").await;
    let person = person_with_phone(&app, "OE-A", "30111222", "0381 15-544-2347").await;
    let (marta, _) = app.signed_in("marta", "help_desk", &[]).await;
    let (juan, juan_csrf) = app.signed_in("juan", "help_desk", &[]).await;
    let marta_token = app.token(user_id(&app, "marta").await).await;

    // Both keep the phone page open.
    let page = app.get_page(&marta, "/attention/phone").await;
    assert!(page.contains("Todavía no hay llamadas"), "{page}");
    let mut marta_events = pop_ups(&app, &marta).await;
    let mut juan_events = pop_ups(&app, &juan).await;

    // A call rings (form fields, `user[]` repeated) and Marta answers (JSON): the
    // PBX gives the national number without the mobile 9.
    let (status, body) = form_event(
        &app,
        &[
            ("event", "newCall"),
            ("from", "3815442347"),
            ("to", "08004441234"),
            ("direction", "in"),
            ("callId", "call-1"),
            ("user[]", "Usuario marta"),
            ("user[]", "Usuario juan"),
        ],
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "{}"));
    // The PBX repeats itself: still one call.
    form_event(
        &app,
        &[
            ("event", "newCall"),
            ("from", "3815442347"),
            ("direction", "in"),
            ("callId", "call-1"),
        ],
    )
    .await;
    let (status, _) = json_event(
        &app,
        TOKEN,
        json!({"event": "answer", "callId": "call-1", "from": "3815442347",
               "to": "08004441234", "direction": "in", "answeringNumber": "marta"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Marta's page pops the caller's record up, with the consultation opened for her.
    let got = read_events(&mut marta_events, "answered", 1).await;
    let popup = &got[0].1;
    assert_eq!(popup["people"][0]["id"], person.to_string(), "{popup}");
    assert_eq!(popup["people"][0]["document"], "DNI 30111222");
    // The number as the record holds it: a mobile, with its 9.
    assert_eq!(popup["number"], "+54 9 381 544-2347", "{popup}");
    let interaction = popup["interaction"]
        .as_str()
        .expect("a consultation")
        .to_owned();
    let interaction_id = interaction.rsplit('/').next().unwrap().to_owned();
    let shown = app
        .get_json(
            &marta_token,
            &format!("/api/v1/interactions/{interaction_id}"),
        )
        .await;
    assert_eq!(shown["channel"], "phone");
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["person_id"], person.to_string());
    assert_eq!(shown["assigned_name"], "Usuario marta");
    // It is on the person's timeline.
    let timeline = app
        .get_json(&marta_token, &format!("/api/v1/persons/{person}/timeline"))
        .await;
    assert!(
        timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "attention.interaction"),
        "{timeline}"
    );

    // Juan answers the next call, of a number nobody has: his first pop-up is that
    // one (not Marta's call), and Marta's next is not his.
    form_event(
        &app,
        &[
            ("event", "newCall"),
            ("from", "anonymous"),
            ("to", "0800"),
            ("direction", "in"),
            ("callId", "call-2"),
        ],
    )
    .await;
    form_event(
        &app,
        &[
            ("event", "answer"),
            ("callId", "call-2"),
            ("answeringNumber", "juan"),
        ],
    )
    .await;
    let got = read_events(&mut juan_events, "answered", 1).await;
    assert_eq!(
        got[0].1["number"],
        Value::Null,
        "a hidden number: {}",
        got[0].1
    );
    assert_eq!(got[0].1["people"], json!([]));
    // An unknown caller's consultation belongs to the network's head office.
    assert!(got[0].1["interaction"].is_string(), "{}", got[0].1);

    // Both calls end; a third rings out unanswered: missed.
    for id in ["call-1", "call-2"] {
        form_event(
            &app,
            &[
                ("event", "hangup"),
                ("callId", id),
                ("cause", "normalClearing"),
            ],
        )
        .await;
    }
    form_event(
        &app,
        &[
            ("event", "newCall"),
            ("from", "+5493815442347"),
            ("to", "0800"),
            ("direction", "in"),
            ("callId", "call-3"),
        ],
    )
    .await;
    form_event(
        &app,
        &[
            ("event", "hangup"),
            ("callId", "call-3"),
            ("cause", "cancel"),
        ],
    )
    .await;
    // An answer the PBX sends after Marta's call ended changes nothing, and Marta's
    // stream hears no more (the next event she gets is the fourth call's, below).
    json_event(
        &app,
        TOKEN,
        json!({"event": "answer", "callId": "call-3", "answeringNumber": "marta"}),
    )
    .await;

    // A hidden number's missed call has no number to call: it is not on the list.
    form_event(
        &app,
        &[
            ("event", "newCall"),
            ("from", "anonymous"),
            ("direction", "in"),
            ("callId", "call-5"),
        ],
    )
    .await;
    form_event(
        &app,
        &[
            ("event", "hangup"),
            ("callId", "call-5"),
            ("cause", "noAnswer"),
        ],
    )
    .await;

    let all = app.get_json(&marta_token, "/api/v1/phone-calls").await;
    assert_eq!(all["total"], 4, "one row per call: {all}");
    let hidden = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["call_id"] == "call-5")
        .unwrap();
    assert_eq!(hidden["missed"], true);
    let refused = reqwest::Client::new()
        .post(app.url(&format!(
            "/api/v1/phone-calls/{}/callback",
            hidden["id"].as_str().unwrap()
        )))
        .bearer_auth(&marta_token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let missed = app
        .get_json(&marta_token, "/api/v1/phone-calls?missed=true")
        .await;
    assert_eq!(missed["total"], 1, "{missed}");
    let call3 = &missed["items"][0];
    assert_eq!(call3["call_id"], "call-3");
    assert_eq!(call3["cause"], "cancel");
    assert_eq!(call3["person_id"], person.to_string());
    let first = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["call_id"] == "call-1")
        .unwrap();
    assert_eq!(first["missed"], false);
    assert!(first["talk_seconds"].as_i64().is_some());

    // The person tries again before anyone calls back: two missed calls of one number.
    form_event(
        &app,
        &[
            ("event", "newCall"),
            ("from", "3815442347"),
            ("direction", "in"),
            ("callId", "call-3b"),
        ],
    )
    .await;
    form_event(
        &app,
        &[
            ("event", "hangup"),
            ("callId", "call-3b"),
            ("cause", "noAnswer"),
        ],
    )
    .await;
    let twice = app
        .get_json(&marta_token, "/api/v1/phone-calls?missed=true")
        .await;
    assert_eq!(twice["total"], 2, "{twice}");

    // Juan calls the older one back from the page: an outbound consultation, and both
    // leave the missed list (one call back answers the number); calling back again is
    // refused, by the page and by the API.
    let call3_id = call3["id"].as_str().unwrap();
    let res = app
        .post_form(
            &juan,
            &juan_csrf,
            &format!("/attention/phone/calls/{call3_id}/callback"),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(res.headers());
    assert!(to.starts_with("/attention/interactions/"), "{to}");
    let out = app
        .get_json(
            &marta_token,
            &format!("/api/v1{}", to.trim_start_matches("/attention")),
        )
        .await;
    assert_eq!(out["direction"], "out");
    assert_eq!(out["person_id"], person.to_string());
    assert_eq!(out["assigned_name"], "Usuario juan");
    let again = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/phone-calls/{call3_id}/callback")))
        .bearer_auth(&marta_token)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let missed = app
        .get_json(&marta_token, "/api/v1/phone-calls?missed=true")
        .await;
    assert_eq!(missed["total"], 0, "{missed}");
    let page = app.get_page(&marta, "/attention/phone").await;
    assert!(page.contains("Devuelta por Usuario juan"), "{page}");

    // Marta's next pop-up is a new call she answers, not anything of Juan's.
    form_event(
        &app,
        &[
            ("event", "newCall"),
            ("from", "3815442347"),
            ("direction", "in"),
            ("callId", "call-4"),
        ],
    )
    .await;
    form_event(
        &app,
        &[
            ("event", "answer"),
            ("callId", "call-4"),
            ("answeringNumber", "marta"),
        ],
    )
    .await;
    let got = read_events(&mut marta_events, "answered", 1).await;
    let call4 = app
        .get_json(&marta_token, "/api/v1/phone-calls?per_page=1")
        .await;
    assert_eq!(got[0].1["call"], call4["items"][0]["id"], "{}", got[0].1);
    assert_eq!(call4["items"][0]["call_id"], "call-4");

    // Marta logs out: her open stream ends, and the next call she answers pops up
    // nowhere (the stream above was the control).
    let csrf = app.csrf(&marta).await;
    let out = app.post_form(&marta, &csrf, "/logout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    form_event(
        &app,
        &[
            ("event", "newCall"),
            ("from", "3815442347"),
            ("direction", "in"),
            ("callId", "call-6"),
        ],
    )
    .await;
    form_event(
        &app,
        &[
            ("event", "answer"),
            ("callId", "call-6"),
            ("answeringNumber", "marta"),
        ],
    )
    .await;
    let mut rest = String::new();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(12), async {
        while let Some(chunk) = marta_events.chunk().await.unwrap() {
            rest.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream ended after the logout");
    assert!(
        !rest.contains("answered"),
        "nothing popped up after the logout: {rest}"
    );
}

#[tokio::test]
async fn the_webhook_refuses_wrong_tokens_and_malformed_events_and_the_log_is_the_lines() {
    let app = app().await;
    app.office("OE-A", "").await;
    app.user("marta", "help_desk", &[]).await;
    app.user("opa", "operator", &["OE-A"]).await;
    let marta = app.token(user_id(&app, "marta").await).await;
    let opa = app.token(user_id(&app, "opa").await).await;
    let ring = json!({"event": "newCall", "from": "3815442347", "to": "0800",
                      "direction": "in", "callId": "x-1"});

    // The URL's token is the secret: a wrong one is an unknown path.
    let (status, _) = json_event(&app, "not-the-token", ring.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The right one takes it (the control).
    let (status, _) = json_event(&app, TOKEN, ring).await;
    assert_eq!(status, StatusCode::OK);

    let bad: [(Value, &str); 5] = [
        (json!({"event": "ring", "callId": "1"}), "event"),
        (json!({"event": "answer"}), "callId"),
        (json!({"event": "newCall", "callId": "1"}), "direction"),
        (
            json!({"event": "hangup", "callId": "1", "cause": "bored"}),
            "cause",
        ),
        (
            json!({"event": "answer", "callId": "x".repeat(251)}),
            "callId",
        ),
    ];
    for (body, field) in bad {
        let (status, text) = json_event(&app, TOKEN, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {text}");
        assert!(text.contains(field), "{body}: {text}");
    }
    let huge = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/cti/{TOKEN}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "event=newCall&callId=big&direction=in&queue={}",
            "q".repeat(20_000)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::BAD_REQUEST);

    // A PBX that sends a new call's events at once (ring and answer racing): every
    // one is taken, and the call is one row.
    let racing = (0..8).map(|i| {
        let event = if i % 2 == 0 { "newCall" } else { "answer" };
        json_event(
            &app,
            TOKEN,
            json!({"event": event, "callId": "race-1", "from": "3815442347", "direction": "in"}),
        )
    });
    for (status, text) in futures::future::join_all(racing).await {
        assert_eq!(status, StatusCode::OK, "{text}");
    }

    // Out of order: an answer naming no numbers, by an extension sipe does not know
    // but with the user's full name; then its newCall fills the numbers in.
    json_event(
        &app,
        TOKEN,
        json!({"event": "answer", "callId": "late-1", "answeringNumber": "201", "user": ["Usuario marta"]}),
    )
    .await;
    json_event(
        &app,
        TOKEN,
        json!({"event": "newCall", "callId": "late-1", "from": "3815442347", "to": "0800", "direction": "in"}),
    )
    .await;
    // A call whose hangup never came: after four hours it is over, and missed.
    json_event(
        &app,
        TOKEN,
        json!({"event": "newCall", "callId": "lost-1", "from": "3815550000", "to": "0800", "direction": "in"}),
    )
    .await;
    crate::helpers::exec_sql(
        &app.db,
        "UPDATE attention_phone_calls SET updated_at = $1 WHERE call_id = 'lost-1'",
        vec![(chrono::Utc::now() - chrono::TimeDelta::hours(5)).into()],
    )
    .await;
    assert_eq!(
        sipe::attention::phone::service::end_stale(&app.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sipe::attention::phone::service::end_stale(&app.db)
            .await
            .unwrap(),
        0
    );

    // The log is the line's: its users read it, an operator does not; the calls taken
    // are its rows.
    let log = app.get_json(&marta, "/api/v1/phone-calls").await;
    assert_eq!(log["total"], 4, "{log}");
    let row = |id: &str| {
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["call_id"] == id)
            .unwrap()
            .clone()
    };
    let late = row("late-1");
    assert_eq!(late["from"], "3815442347", "{late}");
    assert_eq!(late["answered_by_name"], "Usuario marta", "{late}");
    assert!(late["interaction_id"].is_string(), "{late}");
    let lost = row("lost-1");
    assert_eq!(lost["state"], "ended", "{lost}");
    assert_eq!(lost["missed"], true, "{lost}");
    let refused = reqwest::Client::new()
        .get(app.url("/api/v1/phone-calls"))
        .bearer_auth(&opa)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn without_a_configured_token_there_is_no_webhook() {
    let app = TestApp::spawn().await;
    let (status, _) = json_event(
        &app,
        TOKEN,
        json!({"event": "newCall", "callId": "1", "direction": "in"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
