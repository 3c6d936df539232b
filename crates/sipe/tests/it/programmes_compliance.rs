//! Programmes: the nightly compliance check proposes endings and suspensions of
//! beneficiaries (hired, aged out, in an incompatible programme, no longer eligible),
//! changes nothing until an operator confirms, and shows each office only its people.

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::TestApp;
use crate::programmes::{person_with, programme_via_api};

/// Every application's (state, version), and the number of steps recorded.
async fn snapshot(app: &TestApp) -> (Vec<(String, i32)>, i64) {
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT state, version FROM programme_applications ORDER BY id",
        ))
        .await
        .unwrap();
    let states = rows
        .iter()
        .map(|r| {
            (
                r.try_get::<String>("", "state").unwrap(),
                r.try_get::<i32>("", "version").unwrap(),
            )
        })
        .collect();
    let steps = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM programme_application_events",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    (states, steps)
}

async fn set_person(app: &TestApp, id: uuid::Uuid, column: &'static str, value: sea_orm::Value) {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let stmt = Query::update()
        .table("persons")
        .values([(column, value.into())])
        .and_where(Expr::col("id").eq(id))
        .take();
    assert_eq!(app.db.execute(&stmt).await.unwrap().rows_affected(), 1);
}

/// Hires a person through intermediation (an employer of office A, a vacancy, a
/// referral sent and hired), starting on `day`.
async fn hire(app: &TestApp, person: uuid::Uuid, day: chrono::NaiveDate) {
    let employer = crate::vacancies::employer(app, "OE-A", "30-71234567-1", "Empaque").await;
    let vacancy = crate::merge::open_vacancy(app, employer, "Embalador").await;
    let referral = crate::merge::refer(app, vacancy, person).await;
    for (to, start_date) in [("sent", String::new()), ("hired", day.to_string())] {
        sipe::intermediation::referrals::service::transition(
            &app.db,
            &sipe::audit::AuditCtx::system(),
            &sipe::access::Access::system("t"),
            crate::helpers::TZ,
            referral,
            &sipe::intermediation::referrals::service::TransitionInput {
                to: to.into(),
                start_date,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
}

/// Applies a person to a programme, approves and starts it on `start` (the system takes
/// the steps); the application's id.
pub(crate) async fn beneficiary(
    app: &TestApp,
    person: uuid::Uuid,
    programme_id: uuid::Uuid,
    start: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> uuid::Uuid {
    let ctx = sipe::audit::AuditCtx::system();
    let system = sipe::access::Access::system("t");
    let id = sipe::programmes::applications::service::apply(
        &app.db,
        &ctx,
        &system,
        &sipe::programmes::applications::service::ApplyInput {
            programme_id,
            person_id: person,
            category: String::new(),
            submit: true,
        },
        today,
    )
    .await
    .unwrap();
    for (version, action) in [(1, "approve"), (2, "activate")] {
        sipe::programmes::applications::service::step(
            &app.db,
            &ctx,
            &system,
            id,
            &sipe::programmes::applications::service::StepInput {
                action: action.into(),
                version,
                date: start.to_string(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    }
    id
}

#[tokio::test]
async fn the_compliance_check_proposes_and_changes_nothing_until_confirmed() {
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
        "legal_basis": "Res. 1/2026", "starts_on": "2020-01-01", "amounts": amounts}),
    )
    .await;
    let ett = programme_via_api(
        &app,
        &mtoken,
        json!({"code": "ETT", "name": "Entrenamiento", "kind": "work_placement",
        "legal_basis": "Res. 2/2026", "starts_on": "2020-01-01", "amounts": amounts}),
    )
    .await;
    let criteria = json!([{"kind": "age", "min": 18, "max": 24},
                          {"kind": "employment", "statuses": ["unemployed"]}]);
    let client = app.client();
    let put_rules = |incompatible: serde_json::Value| {
        let req = client
            .put(app.url(&format!("/api/v1/programmes/{pej}/rules")))
            .bearer_auth(&mtoken)
            .json(&json!({"criteria": criteria, "incompatible_with": incompatible}));
        async move { req.send().await.unwrap().status() }
    };
    assert_eq!(put_rules(json!([])).await, StatusCode::OK);

    let today = chrono::Utc::now()
        .with_timezone(&crate::helpers::TZ)
        .date_naive();
    let born = |years: u32| {
        today
            .checked_sub_months(chrono::Months::new(years * 12 + 1))
            .unwrap()
            .to_string()
    };
    let first = |months: u32| {
        let d = today
            .checked_sub_months(chrono::Months::new(months))
            .unwrap();
        d - chrono::Days::new(u64::from(chrono::Datelike::day(&d)) - 1)
    };
    let start = first(2);
    let person = |office: &'static str, dni: &'static str| {
        let app = &app;
        let birth = born(22);
        async move {
            person_with(
                app,
                office,
                dni,
                &birth,
                "AR-90084",
                "unemployed",
                "3",
                None,
            )
            .await
        }
    };
    let stays = person("OE-A", "43000001").await;
    let ages = person("OE-A", "43000002").await;
    let hired = person("OE-A", "43000003").await;
    let moved = person("OE-A", "43000004").await;
    let both = person("OE-A", "43000005").await;
    let elsewhere = person("OE-B", "43000006").await;

    // Every one approved and started two months ago (the system takes the steps).
    let mut app_of = std::collections::HashMap::new();
    for (person, programme) in [
        (stays, &pej),
        (ages, &pej),
        (hired, &pej),
        (moved, &pej),
        (both, &pej),
        (elsewhere, &pej),
        (both, &ett),
    ] {
        let programme_id: uuid::Uuid = programme.parse().unwrap();
        let id = beneficiary(&app, person, programme_id, start, today).await;
        app_of.insert((person, programme_id), id);
    }
    // Then the world changes: a 25th birthday a month ago (the registry corrected), a
    // job found through intermediation five days ago, a person now employed, the
    // programmes declared incompatible (ETT came later), another office's beneficiary
    // aged out too.
    set_person(
        &app,
        ages,
        "birth_date",
        chrono::NaiveDate::parse_from_str(&born(25), "%Y-%m-%d")
            .unwrap()
            .into(),
    )
    .await;
    set_person(
        &app,
        elsewhere,
        "birth_date",
        chrono::NaiveDate::parse_from_str(&born(25), "%Y-%m-%d")
            .unwrap()
            .into(),
    )
    .await;
    set_person(&app, moved, "employment_status", "employed".into()).await;
    let hired_on = today - chrono::Days::new(5);
    hire(&app, hired, hired_on).await;
    assert_eq!(put_rules(json!([ett])).await, StatusCode::OK);

    // The check proposes; no application moves, no step is written.
    let before = snapshot(&app).await;
    let summary = sipe::programmes::compliance::scan::scan(&app.db, today)
        .await
        .unwrap();
    assert_eq!(
        (summary.checked, summary.proposed, summary.lapsed),
        (7, 5, 0)
    );
    assert_eq!(
        snapshot(&app).await,
        before,
        "the check changed an application"
    );
    // Run again, it finds the same and adds nothing.
    let again = sipe::programmes::compliance::scan::scan(&app.db, today)
        .await
        .unwrap();
    assert_eq!((again.proposed, again.kept, again.lapsed), (0, 5, 0));
    assert_eq!(snapshot(&app).await, before);

    // Office A's operator sees A's four proposals, each with its reason, and not B's.
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(op).await;
    let queue = app.get_json(&token, "/api/v1/programme-compliance").await;
    assert_eq!(queue["total"], 4);
    let by_app = |q: &serde_json::Value, id: uuid::Uuid| -> serde_json::Value {
        q["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["application_id"] == id.to_string())
            .cloned()
            .unwrap_or_else(|| panic!("no proposal about {id}: {q}"))
    };
    let found = |person, programme: &str| {
        by_app(
            &queue,
            app_of[&(person, programme.parse::<uuid::Uuid>().unwrap())],
        )
    };
    let h = found(hired, &pej);
    assert_eq!(
        (h["proposal"].as_str(), h["reason"].as_str()),
        (Some("finish"), Some("hired"))
    );
    assert_eq!(h["since"], hired_on.to_string());
    let a = found(ages, &pej);
    assert_eq!(
        (a["proposal"].as_str(), a["reason"].as_str()),
        (Some("finish"), Some("aged_out"))
    );
    let m = found(moved, &pej);
    assert_eq!(
        (
            m["proposal"].as_str(),
            m["reason"].as_str(),
            m["detail"].as_str()
        ),
        (Some("suspend"), Some("not_eligible"), Some("employment"))
    );
    let b = found(both, &ett);
    assert_eq!(
        (
            b["proposal"].as_str(),
            b["reason"].as_str(),
            b["detail"].as_str()
        ),
        (Some("finish"), Some("incompatible"), Some("PEJ"))
    );
    // The one still eligible, and the earlier of the incompatible pair: nothing.
    for id in [
        app_of[&(stays, pej.parse().unwrap())],
        app_of[&(both, pej.parse().unwrap())],
    ] {
        assert!(!queue.to_string().contains(&id.to_string()));
    }
    // Office B's operator: only B's proposal, and A's cannot be decided from B.
    let opb = app.user("opb", "operator", &["OE-B"]).await;
    let btoken = app.token(opb).await;
    let bqueue = app.get_json(&btoken, "/api/v1/programme-compliance").await;
    assert_eq!(bqueue["total"], 1);
    assert_eq!(bqueue["items"][0]["person_id"], elsewhere.to_string());
    assert!(!bqueue.to_string().contains(&hired.to_string()));
    let decide = |id: &str, token: &str, body: serde_json::Value| {
        let req = client
            .post(app.url(&format!("/api/v1/programme-compliance/{id}/decision")))
            .bearer_auth(token)
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    let hid = h["id"].as_str().unwrap();
    let res = decide(hid, &btoken, json!({"decision": "confirm", "version": 1})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Dismissing needs a note; a made-up decision is refused.
    let res = decide(hid, &token, json!({"decision": "dismiss", "version": 1})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("\"note\""));
    let res = decide(hid, &token, json!({"decision": "approve", "version": 1})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused decision changed an application"
    );

    // Confirmed: the application finishes as hired, on the job's first day.
    let res = decide(hid, &token, json!({"decision": "confirm", "version": 1})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let done: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (done["state"].as_str(), done["application_state"].as_str()),
        (Some("confirmed"), Some("finished"))
    );
    let application = app
        .get_json(
            &token,
            &format!(
                "/api/v1/programme-applications/{}",
                h["application_id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(application["reason"], "hired");
    assert_eq!(application["finished_on"], hired_on.to_string());
    let last = application["steps"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["action"].as_str(), last["effective_on"].as_str()),
        (Some("finish"), Some(hired_on.to_string().as_str()))
    );
    // Only that one changed.
    let after = snapshot(&app).await;
    assert_eq!(after.1, before.1 + 1);
    assert_eq!(
        after
            .0
            .iter()
            .zip(&before.0)
            .filter(|(x, y)| x != y)
            .count(),
        1
    );
    // The same decision again (a second tab): refused.
    let res = decide(hid, &token, json!({"decision": "confirm", "version": 1})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Dismissed with a note: the application stays active, and the next check does not
    // propose it again while the application is unchanged.
    let mid = m["id"].as_str().unwrap();
    let res = decide(mid, &token, json!({"decision": "dismiss", "version": 1, "note": "Changa de dos días, sigue desocupado"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    // The registry corrected back: the aged-out proposal no longer holds and lapses.
    set_person(
        &app,
        ages,
        "birth_date",
        chrono::NaiveDate::parse_from_str(&born(22), "%Y-%m-%d")
            .unwrap()
            .into(),
    )
    .await;
    let third = sipe::programmes::compliance::scan::scan(&app.db, today)
        .await
        .unwrap();
    // Checked: six left active (the hired one finished); kept: incompatible and B's.
    assert_eq!(
        (third.checked, third.proposed, third.kept, third.lapsed),
        (6, 0, 2, 1)
    );
    let queue = app.get_json(&token, "/api/v1/programme-compliance").await;
    assert_eq!(queue["total"], 1);
    let dismissed = app
        .get_json(&token, "/api/v1/programme-compliance?state=dismissed")
        .await;
    assert_eq!(
        dismissed["items"][0]["note"],
        "Changa de dos días, sigue desocupado"
    );
    let bad = client
        .get(app.url("/api/v1/programme-compliance?state=whatever"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.audit_count("programmes.compliance.decide").await, 2);
    assert_eq!(app.audit_count("programmes.compliance.scan").await, 3);

    // The page: A's operator sees the open one and can decide it; an empty dismissal
    // is refused beside the proposal.
    let (web, csrf) = app.signed_in("opa2", "operator", &["OE-A"]).await;
    let html = app.get_page(&web, "/programmes/compliance").await;
    assert!(html.contains("data-testid=\"compliance-list\""), "{html}");
    assert!(html.contains("Apellido43000005"));
    assert!(!html.contains("Apellido43000006"));
    let bid = b["id"].as_str().unwrap();
    let res = app
        .post_form(
            &web,
            &csrf,
            &format!("/programmes/compliance/{bid}"),
            &[
                ("decision", "dismiss"),
                ("version", "1"),
                ("note", ""),
                (
                    "back",
                    "/programmes/compliance?state=open&reason=incompatible&sort=found_at&dir=desc&page=1",
                ),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = res.text().await.unwrap();
    // Shown again on the page it came from: its filter still chosen.
    assert!(refused.contains(r#"<option value="incompatible" selected>"#));
    assert!(refused.contains("Escribí por qué se descarta la propuesta."));
    let res = app
        .post_form(
            &web,
            &csrf,
            &format!("/programmes/compliance/{bid}"),
            &[("decision", "confirm"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The same form again (a second tab): refused, and said at the top of the page,
    // where the proposal is no longer listed.
    let res = app
        .post_form(
            &web,
            &csrf,
            &format!("/programmes/compliance/{bid}"),
            &[("decision", "confirm"), ("version", "2")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = res.text().await.unwrap();
    assert!(again.contains("La propuesta ya fue resuelta."), "{again}");
    assert!(again.contains("data-testid=\"compliance-empty\""));
    let ett_app = app
        .get_json(
            &token,
            &format!(
                "/api/v1/programme-applications/{}",
                b["application_id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(
        (ett_app["state"].as_str(), ett_app["reason"].as_str()),
        (Some("finished"), Some("incompatible"))
    );
    let html = app.get_page(&web, "/programmes/compliance").await;
    assert!(html.contains("data-testid=\"compliance-empty\""));
    // Decided ones say by whom and when.
    let html = app
        .get_page(&web, "/programmes/compliance?state=dismissed")
        .await;
    assert!(html.contains("Descartada por opa el "), "{html}");

    // Every list of these people is recorded as read: the queue (API and page), and the
    // programme's applications (API and page).
    assert_eq!(app.audit_count("programmes.compliance.list").await, 9);
    let listed = app
        .get_json(
            &token,
            &format!("/api/v1/programme-applications?programme_id={pej}"),
        )
        .await;
    assert_eq!(listed["total"], 5);
    app.get_page(&web, &format!("/programmes/{pej}/applications"))
        .await;
    assert_eq!(app.audit_count("programmes.application.list").await, 2);
}

#[tokio::test]
async fn a_proposal_follows_its_application_and_a_dismissal_hides_only_its_reason() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let manager = app.user("programas", "programme_manager", &[]).await;
    let mtoken = app.token(manager).await;
    let pej: uuid::Uuid = programme_via_api(
        &app,
        &mtoken,
        json!({"code": "PEJ", "name": "Jóvenes", "kind": "training_stipend",
        "legal_basis": "Res. 1/2026", "starts_on": "2020-01-01",
        "amounts": [{"amount": "85000", "effective_from": "2020-01-01"}]}),
    )
    .await
    .parse()
    .unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&crate::helpers::TZ)
        .date_naive();
    let years_ago = |years: u32, months: u32| {
        today
            .checked_sub_months(chrono::Months::new(years * 12 + months))
            .unwrap()
    };
    let start = years_ago(0, 3);
    let mut ids = Vec::new();
    for dni in ["44000001", "44000002", "44000003", "44000004"] {
        let p = person_with(
            &app,
            "OE-A",
            dni,
            &years_ago(22, 6).to_string(),
            "AR-90084",
            "unemployed",
            "3",
            None,
        )
        .await;
        ids.push((p, beneficiary(&app, p, pej, start, today).await));
    }
    // The range narrowed after they started: all four past it, their 22nd birthdays
    // half a year ago, before the stay began.
    let client = app.client();
    let res = client
        .put(app.url(&format!("/api/v1/programmes/{pej}/rules")))
        .bearer_auth(&mtoken)
        .json(&json!({"criteria": [{"kind": "age", "min": 18, "max": 21}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // The last one also found a job last week.
    hire(&app, ids[3].0, today - chrono::Days::new(7)).await;
    let found = sipe::programmes::compliance::scan::scan(&app.db, today)
        .await
        .unwrap();
    assert_eq!(found.proposed, 4);
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(op).await;
    let queue = app.get_json(&token, "/api/v1/programme-compliance").await;
    let of = |q: &serde_json::Value, application: uuid::Uuid| -> serde_json::Value {
        q["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["application_id"] == application.to_string())
            .cloned()
            .unwrap_or(serde_json::Value::Null)
    };
    let first = of(&queue, ids[0].1);
    assert_eq!(first["reason"], "aged_out");
    // The 22nd birthday (max 21 + 1) was before the stay: the day offered is its start.
    assert!(first["since"].as_str().unwrap() < start.to_string().as_str());
    assert_eq!(first["effective_on"], start.to_string());

    // 1. Confirmed from the page with the day it offers: ends on the stay's first day.
    let (web, csrf) = app.signed_in("opa2", "operator", &["OE-A"]).await;
    let html = app.get_page(&web, "/programmes/compliance").await;
    let rid = first["id"].as_str().unwrap();
    let offered = crate::helpers::attr_of(&html, &format!("#date-{rid}"), "value").unwrap();
    assert_eq!(offered, start.to_string());
    let res = app
        .post_form(
            &web,
            &csrf,
            &format!("/programmes/compliance/{rid}"),
            &[
                ("decision", "confirm"),
                ("version", "1"),
                ("date", &offered),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let a = app
        .get_json(
            &token,
            &format!("/api/v1/programme-applications/{}", ids[0].1),
        )
        .await;
    assert_eq!(
        (a["state"].as_str(), a["reason"].as_str()),
        (Some("finished"), Some("aged_out"))
    );

    // 2. The application was suspended after the proposal: confirming checks it again
    // and, the finding still there, ends it.
    let step = |application: uuid::Uuid, body: serde_json::Value| {
        let req = client
            .post(app.url(&format!(
                "/api/v1/programme-applications/{application}/transitions"
            )))
            .bearer_auth(&token)
            .json(&body);
        async move { req.send().await.unwrap().status() }
    };
    assert_eq!(
        step(
            ids[1].1,
            json!({"action": "suspend", "reason": "absences", "version": 3})
        )
        .await,
        StatusCode::OK
    );
    let second = of(&queue, ids[1].1);
    let decide = |id: &str, body: serde_json::Value| {
        let req = client
            .post(app.url(&format!("/api/v1/programme-compliance/{id}/decision")))
            .bearer_auth(&token)
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    // Not dated before the suspension.
    let res = decide(
        second["id"].as_str().unwrap(),
        json!({"decision": "confirm", "version": 1, "date": start.to_string()}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("before a suspension"));
    let res = decide(
        second["id"].as_str().unwrap(),
        json!({"decision": "confirm", "version": 1}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let a = app
        .get_json(
            &token,
            &format!("/api/v1/programme-applications/{}", ids[1].1),
        )
        .await;
    assert_eq!(
        (a["state"].as_str(), a["reason"].as_str()),
        (Some("finished"), Some("aged_out"))
    );

    // 3. Finished from its own page: its proposal lapses at once.
    assert_eq!(
        step(
            ids[2].1,
            json!({"action": "finish", "reason": "completed", "version": 3})
        )
        .await,
        StatusCode::OK
    );
    let queue = app.get_json(&token, "/api/v1/programme-compliance").await;
    assert_eq!(queue["total"], 1, "{queue}");
    let lapsed = app
        .get_json(&token, "/api/v1/programme-compliance?state=lapsed")
        .await;
    assert_eq!(of(&lapsed, ids[2].1)["reason"], "aged_out");

    // 4. The hire is dismissed (a two-day job): the next check proposes what remains,
    // the age, instead of nothing.
    let hired = of(&queue, ids[3].1);
    assert_eq!(hired["reason"], "hired");
    let res = decide(
        hired["id"].as_str().unwrap(),
        json!({"decision": "dismiss", "version": 1, "note": "Changa de una semana"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let again = sipe::programmes::compliance::scan::scan(&app.db, today)
        .await
        .unwrap();
    assert_eq!((again.checked, again.proposed), (1, 1));
    let queue = app.get_json(&token, "/api/v1/programme-compliance").await;
    assert_eq!(of(&queue, ids[3].1)["reason"], "aged_out");
}
