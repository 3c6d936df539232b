//! The Aula Virtual's sync, against a local server that speaks Moodle's web-service REST
//! protocol (tests/counterparts/moodle_server.py, another process): enrolments and
//! withdrawals pushed once each, a person without e-mail and a failing server retried
//! with backoff and recovered, completion and grades pulled into the outcomes, an
//! invalid token stopping the run.

use std::io::BufRead;

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, text_of};
use crate::training::{ctx, institution, move_to, system};
use sipe::training::moodle::{self, Client};

pub const TOKEN: &str = "sipe-test-token";

pub struct MoodleServer {
    child: std::process::Child,
    pub url: String,
}

impl Drop for MoodleServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl MoodleServer {
    pub fn start() -> Self {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/counterparts/moodle_server.py"
        );
        let mut child = std::process::Command::new("python3")
            .args([script, "0", TOKEN])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs the Moodle server");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line.trim().parse().expect("the server prints its port");
        MoodleServer {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn state(&self) -> Value {
        reqwest::get(format!("{}/__state", self.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, body: Value) {
        let res = reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
    }

    async fn calls(&self, function: &str) -> u64 {
        self.state().await["calls"][function].as_u64().unwrap_or(0)
    }
}

async fn person(app: &TestApp, dni: &str, name: &str, email: Option<&str>) -> Uuid {
    let input = sipe::persons::input::PersonInput {
        doc_type: "dni".into(),
        doc_number: dni.into(),
        surnames: "Virtual".into(),
        names: name.into(),
        birth_date: "1990-05-05".into(),
        sex: "F".into(),
        office_code: "OE-A".into(),
        email: email.unwrap_or_default().into(),
        confirm_duplicates: "true".into(),
        ..Default::default()
    };
    match sipe::persons::service::register(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &system(),
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

async fn link_of(app: &TestApp, cohort: Uuid, enrolment: Uuid) -> moodle::Link {
    moodle::status(&app.db, cohort).await.unwrap().1[&enrolment].clone()
}

#[tokio::test]
async fn virtual_cohorts_push_enrolments_retry_failures_and_pull_outcomes() {
    let server = MoodleServer::start();
    let url = server.url.clone();
    let app = TestApp::spawn_with(|c| {
        c.moodle_url = Some(url);
        c.moodle_token = Some(sipe::config::Secret::new(TOKEN));
    })
    .await;
    app.office("OE-A", "").await;
    let i = institution(&app, "30-71234567-1", "Aula Virtual").await;
    let c = crate::training::course(&app, "Herramientas digitales", "").await;
    let k = sipe::training::cohorts::create(
        &app.db,
        &ctx(),
        &system(),
        &sipe::training::cohorts::CohortInput {
            course_id: c.to_string(),
            institution_id: i.to_string(),
            office_code: "OE-A".into(),
            starts_on: "2026-03-02".into(),
            ends_on: "2026-03-31".into(),
            weekdays: vec!["1".into()],
            start_time: "18:00".into(),
            end_time: "21:00".into(),
            place: "virtual".into(),
            capacity: "10".into(),
            moodle_course_id: "101".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    move_to(&app, k, "enrolling").await;
    let ana = person(&app, "30111001", "Ana", Some("ana@example.com")).await;
    let beto = person(&app, "30111002", "Beto", Some("beto@example.com")).await;
    let ciro = person(&app, "30111003", "Ciro", None).await;
    let e_ana = crate::training::enrol(&app, k, ana).await.id;
    let e_beto = crate::training::enrol(&app, k, beto).await.id;
    let e_ciro = crate::training::enrol(&app, k, ciro).await.id;
    let client = Client::new(&server.url, TOKEN).unwrap();

    // First run: two users created and enrolled; the one without e-mail waits.
    let report = moodle::sync_cohort(&app.db, &client, k, false)
        .await
        .unwrap();
    assert_eq!((report.pushed, report.failed), (2, 1), "{report:?}");
    let state = server.state().await;
    assert_eq!(state["users"].as_array().unwrap().len(), 2);
    assert_eq!(state["courses"]["101"].as_array().unwrap().len(), 2);
    let ids: Vec<&str> = state["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["idnumber"].as_str())
        .collect();
    assert!(ids.contains(&"30111001") && ids.contains(&"30111002"));
    let ciro_link = link_of(&app, k, e_ciro).await;
    assert_eq!(ciro_link.last_error.as_deref(), Some(moodle::NO_EMAIL));
    assert_eq!(ciro_link.attempts, 1);
    assert!(ciro_link.next_attempt_at.is_some());

    // Again: nothing to do, nothing called (the failed one waits for its backoff).
    let calls = server.state().await["calls"].clone();
    let report = moodle::sync_cohort(&app.db, &client, k, false)
        .await
        .unwrap();
    assert_eq!((report.pushed, report.failed), (0, 0));
    assert_eq!(
        server.state().await["calls"],
        calls,
        "an idempotent run calls nothing"
    );

    // A withdrawal is pushed as an unenrolment.
    sipe::training::enrolment::withdraw(
        &app.db,
        &ctx(),
        &system(),
        e_beto,
        sipe::training::domain::WithdrawalReason::Employment,
    )
    .await
    .unwrap();
    let report = moodle::sync_cohort(&app.db, &client, k, false)
        .await
        .unwrap();
    assert_eq!(report.pushed, 1);
    assert_eq!(
        server.state().await["courses"]["101"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(link_of(&app, k, e_beto).await.pushed, "unenrolled");

    // A failing server: the enrolment is retried with backoff and recovers.
    let dora = person(&app, "30111004", "Dora", Some("dora@example.com")).await;
    let e_dora = crate::training::enrol(&app, k, dora).await.id;
    server.post("/__fail", json!({"count": 2})).await;
    let report = moodle::sync_cohort(&app.db, &client, k, false)
        .await
        .unwrap();
    assert_eq!((report.pushed, report.failed), (0, 1));
    let link = link_of(&app, k, e_dora).await;
    assert!(
        link.last_error.as_deref().unwrap().contains("HTTP 503"),
        "{link:?}"
    );
    let before = server.calls("core_user_get_users_by_field").await;
    moodle::sync_cohort(&app.db, &client, k, false)
        .await
        .unwrap();
    assert_eq!(
        server.calls("core_user_get_users_by_field").await,
        before,
        "not retried before its backoff"
    );
    // An operator's "sync now" retries at once, whatever the backoff: the server fails
    // its last time on whoever comes first, then recovers.
    let first = moodle::sync_cohort(&app.db, &client, k, true)
        .await
        .unwrap();
    let second = moodle::sync_cohort(&app.db, &client, k, true)
        .await
        .unwrap();
    assert_eq!(first.pushed + second.pushed, 1, "{first:?} {second:?}");
    let link = link_of(&app, k, e_dora).await;
    assert_eq!((link.pushed.as_str(), link.attempts), ("enrolled", 0));
    assert!(link.last_error.is_none());
    let ciro_link = link_of(&app, k, e_ciro).await;
    assert_eq!(ciro_link.attempts, 3, "retried at each forced run");
    assert_eq!(ciro_link.last_error.as_deref(), Some(moodle::NO_EMAIL));
    assert_eq!(
        server.state().await["courses"]["101"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        server.calls("core_user_create_users").await,
        3,
        "each user created once"
    );

    // While the cohort runs, completion and the course total come back as outcomes.
    move_to(&app, k, "running").await;
    let ana_user = link_of(&app, k, e_ana).await.moodle_user_id.unwrap();
    server
        .post(
            "/__grade",
            json!({"courseid": 101, "userid": ana_user, "completed": true, "grade": 85.0}),
        )
        .await;
    let report = moodle::sync_cohort(&app.db, &client, k, false)
        .await
        .unwrap();
    assert_eq!(report.pulled, 2, "{report:?}");
    let e = sipe::training::enrolment::find(&app.db, e_ana)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((e.grade, e.passed), (Some(8.5), Some(true)));
    let e = sipe::training::enrolment::find(&app.db, e_dora)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (e.grade, e.passed),
        (None, None),
        "nothing graded yet: nothing set"
    );

    // The status page, for those who run the cohort, and "sync now" from it.
    let (web, csrf) = app.signed_in("coa", "coordinator", &["OE-A"]).await;
    let html = web
        .get(app.url(&format!("/training/cohorts/{k}/moodle")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let table = text_of(&html, "[data-testid=moodle-table]").unwrap();
    assert!(
        table.contains("Matriculada") && table.contains("Dada de baja"),
        "{table}"
    );
    assert!(
        table.contains("no tiene correo"),
        "Ciro's problem, in Spanish"
    );
    assert!(table.contains("8,5"));
    let res = app
        .post_form(&web, &csrf, &format!("/training/cohorts/{k}/moodle"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // An invalid token stops the run at its first call, and says so.
    let wrong = Client::new(&server.url, "not-the-token").unwrap();
    let eli = person(&app, "30111005", "Eli", Some("eli@example.com")).await;
    crate::training::enrol(&app, k, eli).await;
    let report = moodle::sync_cohort(&app.db, &wrong, k, true).await.unwrap();
    assert!(
        report
            .error
            .as_deref()
            .unwrap_or("")
            .contains("invalidtoken"),
        "{report:?}"
    );
    assert_eq!(report.failed, 1, "stopped after the first refusal");
}
