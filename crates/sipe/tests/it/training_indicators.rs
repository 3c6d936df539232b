//! Training indicators: per office (institution, course) of the cohorts starting in a
//! period, within the reader's reach; drop-outs are people who left by their own
//! reason; "employed at 6 months" counts a placement starting within 6 months after the
//! cohort's last day.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{TestApp, text_of};
use crate::training::{cohort, course, ctx, enrol, grade, institution, move_to, system};

async fn hire(app: &TestApp, employer: Uuid, person: Uuid, start: &str) {
    let vacancy = crate::merge::open_vacancy(app, employer, "Electricista").await;
    let referral = crate::merge::refer(app, vacancy, person).await;
    for (to, start) in [("sent", ""), ("hired", start)] {
        sipe::intermediation::referrals::service::transition(
            &app.db,
            &ctx(),
            &system(),
            crate::helpers::TZ,
            referral,
            &sipe::intermediation::referrals::service::TransitionInput {
                to: to.into(),
                start_date: start.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn indicators_count_each_stage_within_the_readers_reach() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let i = institution(&app, "30-71234567-1", "CFP Norte").await;
    let c = course(&app, "Electricidad", "").await;
    let finished = cohort(&app, c, i, "OE-A", 10, &["enrolling"]).await;
    let mut people = Vec::new();
    for (n, name) in ["Ana", "Beto", "Ciro", "Dora"].iter().enumerate() {
        let p = crate::persons::register(
            &app,
            "OE-A",
            &format!("3011100{n}"),
            "Indicador",
            name,
            "1990-01-01",
        )
        .await;
        people.push((p, enrol(&app, finished, p).await.id));
    }
    // Ciro leaves for a job before the start: a drop-out.
    sipe::training::enrolment::withdraw(
        &app.db,
        &ctx(),
        &system(),
        people[2].1,
        sipe::training::domain::WithdrawalReason::Employment,
    )
    .await
    .unwrap();
    move_to(&app, finished, "running").await;
    crate::training::take_attendance(&app, finished, None).await;
    for (k, g) in [(0, "8"), (1, "7"), (3, "2")] {
        grade(&app, finished, people[k].1, g).await;
    }
    move_to(&app, finished, "finished").await;
    // Ana starts a job six weeks after the last day; Beto only nine months after.
    let employer = crate::vacancies::employer(&app, "OE-A", "30-50001234-6", "Obras SA").await;
    hire(&app, employer, people[0].0, "2026-05-15").await;
    hire(&app, employer, people[1].0, "2027-01-04").await;
    // Another office's cohort, running.
    let running = cohort(&app, c, i, "OE-B", 10, &["enrolling"]).await;
    let eva = crate::persons::register(&app, "OE-B", "30111009", "Otra", "Eva", "1990-01-01").await;
    enrol(&app, running, eva).await;
    move_to(&app, running, "running").await;

    let manager = app.user("gestion", "training_manager", &[]).await;
    let token = app.token(manager).await;
    let r = app
        .get_json(
            &token,
            "/api/v1/indicators/training?from=2026-01-01&to=2026-12-31&by=office",
        )
        .await;
    let groups = r["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{r}");
    let a = groups.iter().find(|g| g["group"] == "OE-A").unwrap();
    assert_eq!(a["cohorts"], 1);
    assert_eq!(a["enrolled"], 4, "three who finished and the one who left");
    assert_eq!(a["completed"], 2);
    assert_eq!(a["certified"], 2);
    assert_eq!(a["dropped"], 1);
    assert_eq!(a["dropout_rate"], 0.25);
    assert_eq!(a["average_attendance"], 100.0);
    assert_eq!(a["employed_6m"], 1, "Beto's job came too late");
    assert_eq!(a["employment_rate"], 0.5);
    let b = groups.iter().find(|g| g["group"] == "OE-B").unwrap();
    assert_eq!(
        (b["attending"].as_u64(), b["completed"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(r["total"]["enrolled"], 5);
    // By institution and by course, the same total under the names.
    let r = app
        .get_json(
            &token,
            "/api/v1/indicators/training?from=2026-01-01&to=2026-12-31&by=course",
        )
        .await;
    assert_eq!(r["groups"][0]["group"], "Electricidad");
    assert_eq!(r["groups"][0]["enrolled"], 5);
    // A period without cohorts, and a wrong grouping.
    let r = app
        .get_json(
            &token,
            "/api/v1/indicators/training?from=2020-01-01&to=2020-12-31",
        )
        .await;
    assert_eq!(r["groups"].as_array().unwrap().len(), 0);
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/indicators/training?by=planet"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // An operator of office A counts office A's cohorts only.
    let (web, _) = app.signed_in("opa", "operator", &["OE-A"]).await;
    let html = web
        .get(app.url("/indicators/training?from=2026-01-01&to=2026-12-31"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let table = text_of(&html, "[data-testid=tind-table]").unwrap();
    assert!(
        table.contains("OE-A"),
        "their own office (the positive control)"
    );
    assert!(!table.contains("OE-B"));
    assert!(html.contains("data-testid=\"tind-chart-funnel\""));
    let csv = web
        .get(app.url("/indicators/training.csv?from=2026-01-01&to=2026-12-31&by=office"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("oficina") && csv.contains("OE-A") && !csv.contains("OE-B"),
        "{csv}"
    );
}
