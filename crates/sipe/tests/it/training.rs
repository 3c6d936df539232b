//! Training: cohorts with a waiting list, eligibility explained per criterion, attendance
//! and outcomes, the completion rule, certificates verified without logging in and
//! revoked, and the roster within the reader's scope.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{TestApp, location, text_of};
use sipe::training::{cohorts, courses, enrolment, institutions};

pub fn ctx() -> sipe::audit::AuditCtx {
    sipe::audit::AuditCtx::system()
}

pub fn system() -> sipe::access::Access {
    sipe::access::Access::system("t")
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&crate::helpers::TZ)
        .date_naive()
}

/// An institution with this CUIT.
pub async fn institution(app: &TestApp, cuit: &str, name: &str) -> Uuid {
    institutions::create(
        &app.db,
        &ctx(),
        &institutions::InstitutionInput {
            cuit: cuit.into(),
            name: name.into(),
            kind: "centre".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// A course from 18 years, completed with 75 % attendance and a pass.
pub async fn course(app: &TestApp, name: &str, skills: &str) -> Uuid {
    courses::create(
        &app.db,
        &ctx(),
        &courses::CourseInput {
            name: name.into(),
            family: "Construcción".into(),
            skills: skills.into(),
            hours: "40".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// A cohort of the office, moved through `states`, Mondays in March 2026 (5 sessions).
pub async fn cohort(
    app: &TestApp,
    course: Uuid,
    institution: Uuid,
    office: &str,
    capacity: u32,
    states: &[&str],
) -> Uuid {
    let id = cohorts::create(
        &app.db,
        &ctx(),
        &system(),
        &cohorts::CohortInput {
            course_id: course.to_string(),
            institution_id: institution.to_string(),
            office_code: office.into(),
            starts_on: "2026-03-02".into(),
            ends_on: "2026-03-31".into(),
            weekdays: vec!["1".into()],
            start_time: "18:00".into(),
            end_time: "21:00".into(),
            place: "institution".into(),
            capacity: capacity.to_string(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for s in states {
        move_to(app, id, s).await;
    }
    id
}

/// Moves a cohort to a state, as the system.
pub async fn move_to(app: &TestApp, cohort: Uuid, to: &str) {
    cohorts::transition(
        &app.db,
        &ctx(),
        &system(),
        cohort,
        sipe::training::domain::CohortState::parse(to).unwrap(),
        "",
        today(),
    )
    .await
    .unwrap();
}

/// Enrols a person, as the system.
pub async fn enrol(app: &TestApp, cohort: Uuid, person: Uuid) -> enrolment::Enrolled {
    enrolment::enrol(
        &app.db,
        &ctx(),
        &system(),
        cohort,
        person,
        enrolment::Origin::Api,
    )
    .await
    .unwrap()
}

/// Marks every person in a place present at every session but `absent_from` of `absent`.
pub async fn take_attendance(app: &TestApp, cohort: Uuid, absent: Option<(Uuid, usize)>) {
    let sessions = cohorts::sessions(&app.db, cohort).await.unwrap();
    let c = cohorts::find(&app.db, cohort).await.unwrap().unwrap();
    let (roster, _) = enrolment::roster(&app.db, &system(), &c).await.unwrap();
    for (i, s) in sessions.iter().enumerate() {
        let marks: Vec<sipe::training::attendance::MarkInput> = roster
            .iter()
            .filter(|r| r.enrolment.state == "enrolled")
            .map(|r| sipe::training::attendance::MarkInput {
                enrolment_id: r.enrolment.id,
                status: match absent {
                    Some((who, n)) if who == r.enrolment.id && i < n => "absent".into(),
                    _ => "present".into(),
                },
            })
            .collect();
        sipe::training::attendance::save(&app.db, &ctx(), &system(), s.id, &marks, today())
            .await
            .unwrap();
    }
}

/// Records a grade.
pub async fn grade(app: &TestApp, cohort: Uuid, enrolment: Uuid, grade: &str) {
    sipe::training::attendance::record_outcomes(
        &app.db,
        &ctx(),
        &system(),
        cohort,
        &[sipe::training::attendance::OutcomeInput {
            enrolment_id: enrolment,
            grade: grade.into(),
            result: String::new(),
        }],
    )
    .await
    .unwrap();
}

async fn state_of(app: &TestApp, enrolment: Uuid) -> String {
    enrolment::find(&app.db, enrolment)
        .await
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test]
async fn the_third_waits_and_moves_up_when_a_place_frees_and_the_timeline_says_so() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let i = institution(&app, "30-71234567-1", "CFP 1").await;
    let c = course(&app, "Electricidad", "").await;
    let k = cohort(&app, c, i, "OE-A", 2, &["enrolling"]).await;
    let mut people = Vec::new();
    for (n, dni) in ["30111001", "30111002", "30111003"].iter().enumerate() {
        let p = crate::persons::register(
            &app,
            "OE-A",
            dni,
            &format!("Alumno{n}"),
            "Sol",
            "1990-01-01",
        )
        .await;
        people.push(p);
    }
    let a = enrol(&app, k, people[0]).await;
    let b = enrol(&app, k, people[1]).await;
    let third = enrol(&app, k, people[2]).await;
    assert!(!a.waitlisted && !b.waitlisted);
    assert!(third.waitlisted, "capacity 2: the third waits");
    // Enrolling twice is refused.
    let again = enrolment::enrol(
        &app.db,
        &ctx(),
        &system(),
        k,
        people[0],
        enrolment::Origin::Api,
    )
    .await;
    assert!(matches!(
        again,
        Err(sipe::training::error::TrainingError::Conflict(
            "enrol-already"
        ))
    ));
    enrolment::withdraw(
        &app.db,
        &ctx(),
        &system(),
        a.id,
        sipe::training::domain::WithdrawalReason::Employment,
    )
    .await
    .unwrap();
    assert_eq!(state_of(&app, a.id).await, "withdrawn");
    assert_eq!(
        state_of(&app, third.id).await,
        "enrolled",
        "the first waiting got the place"
    );
    let (events, _) = sipe::persons::store::timeline(&app.db, people[2], 0, 50)
        .await
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert!(
        kinds.contains(&"training.waitlisted") && kinds.contains(&"training.promoted"),
        "{kinds:?}"
    );
    let promoted = events
        .iter()
        .find(|e| e.kind == "training.promoted")
        .unwrap();
    assert!(
        promoted.summary.contains("Electricidad"),
        "{}",
        promoted.summary
    );
    assert_eq!(app.audit_count("training.withdraw").await, 1);
}

#[tokio::test]
async fn eligibility_names_each_failed_criterion_and_lets_the_eligible_in() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let i = institution(&app, "30-71234567-1", "CFP 1").await;
    let c = course(&app, "Soldadura", "").await;
    let k = cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let young =
        crate::persons::register(&app, "OE-A", "45111001", "Joven", "Leo", "2010-06-01").await;
    let adult =
        crate::persons::register(&app, "OE-A", "30111001", "Adulta", "Eva", "1990-06-01").await;
    match enrolment::enrol(&app.db, &ctx(), &system(), k, young, enrolment::Origin::Api).await {
        Err(sipe::training::error::TrainingError::Ineligible(unmet)) => {
            assert_eq!(unmet.len(), 1, "{unmet:?}");
            assert_eq!(unmet[0].key, "eligibility-age");
            assert_eq!(
                (unmet[0].required.as_str(), unmet[0].actual.as_str()),
                ("18", "15")
            );
        }
        other => panic!("the 15-year-old was let in: {other:?}"),
    }
    assert!(!enrol(&app, k, adult).await.waitlisted, "the adult is in");
    // The page says why, in Spanish, per criterion.
    let (client, csrf) = app.signed_in("opa", "operator", &["OE-A"]).await;
    let res = app
        .post_form(
            &client,
            &csrf,
            &format!("/training/cohorts/{k}/enrolments"),
            &[("document", "45.111.001")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    let why = text_of(&html, "[data-testid=enrol-unmet]").unwrap();
    assert!(why.contains("15 años") && why.contains("desde 18"), "{why}");
}

#[tokio::test]
async fn finishing_applies_the_completion_rule_and_certificates_verify_without_login() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let i = institution(&app, "30-71234567-1", "CFP Norte").await;
    let c = course(&app, "Instalaciones eléctricas", "").await;
    let k = cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let good =
        crate::persons::register(&app, "OE-A", "30111001", "Godoy", "Ana", "1990-01-01").await;
    let absent =
        crate::persons::register(&app, "OE-A", "30111002", "Paz", "Luis", "1991-01-01").await;
    let failed =
        crate::persons::register(&app, "OE-A", "30111003", "Ruiz", "Ema", "1992-01-01").await;
    let eg = enrol(&app, k, good).await.id;
    let ea = enrol(&app, k, absent).await.id;
    let ef = enrol(&app, k, failed).await.id;
    move_to(&app, k, "running").await;
    // 5 sessions: absent from 2 is 60 %, under the 75 % the course asks.
    take_attendance(&app, k, Some((ea, 2))).await;
    for (e, g) in [(eg, "8"), (ea, "9"), (ef, "3,5")] {
        grade(&app, k, e, g).await;
    }
    move_to(&app, k, "finished").await;
    assert_eq!(state_of(&app, eg).await, "completed");
    assert_eq!(
        state_of(&app, ea).await,
        "not_completed",
        "attendance under the rule"
    );
    assert_eq!(
        state_of(&app, ef).await,
        "not_completed",
        "failed the assessment"
    );
    let e = enrolment::find(&app.db, ea).await.unwrap().unwrap();
    assert_eq!(e.attendance, Some(60));

    let certs = sipe::training::certificates::of_cohort(&app.db, k)
        .await
        .unwrap();
    assert_eq!(certs.len(), 1, "only who completed is certified");
    let code = certs[0].code.clone();
    assert_eq!(certs[0].person_id, good);
    // Anyone verifies it, logged out, with or without the dashes of the print.
    let anon = app.client();
    let grouped = sipe::training::domain::grouped_code(&code);
    let res = anon
        .get(app.url(&format!("/verificar/{grouped}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        text_of(&html, "[data-testid=verify-status]")
            .unwrap()
            .contains("válido")
    );
    assert_eq!(
        text_of(&html, "[data-testid=verify-holder]").unwrap(),
        "Ana Godoy"
    );
    assert_eq!(
        text_of(&html, "[data-testid=verify-document]").unwrap(),
        "30****01"
    );
    assert!(
        !html.contains("30111001"),
        "the document is never shown whole"
    );
    let json: serde_json::Value = anon
        .get(app.url(&format!("/api/v1/certificates/{}", code.to_lowercase())))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["status"], "valid");
    assert_eq!(json["holder_name"], "Ana Godoy");
    assert_eq!(json["course"], "Instalaciones eléctricas");
    assert_eq!(json["hours"], 40);
    assert_eq!(json["institution"], "CFP Norte");
    assert!(json["issued_on"].is_string());
    // An unknown code is 404 on both.
    let unknown = "ABCD-EFGH-JKLM-NPQR-STUV";
    assert_eq!(
        anon.get(app.url(&format!("/verificar/{unknown}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        anon.get(app.url(&format!("/api/v1/certificates/{unknown}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // Revoked by the cohort's coordinator, at once visible to everyone.
    let (client, csrf) = app.signed_in("coa", "coordinator", &["OE-A"]).await;
    let res = app
        .post_form(
            &client,
            &csrf,
            &format!("/training/certificates/{code}/revoke"),
            &[("reason", "Error de carga")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), format!("/training/cohorts/{k}"));
    let html = anon
        .get(app.url(&format!("/verificar/{code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text_of(&html, "[data-testid=verify-status]")
            .unwrap()
            .contains("revocado"),
        "{html}"
    );
    let json: serde_json::Value = anon
        .get(app.url(&format!("/api/v1/certificates/{code}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["status"], "revoked");
    assert!(json["revoked_on"].is_string());
    assert_eq!(app.audit_count("training.certificate.revoke").await, 1);
    // The staff list names it revoked.
    let coa = sipe::access::store::find_user_by_username(&app.db, "coa")
        .await
        .unwrap()
        .unwrap();
    let token = app.token(coa.id).await;
    let list = app.get_json(&token, "/api/v1/certificates").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["code"], code.as_str());
    assert_eq!(list["items"][0]["status"], "revoked");
    assert_eq!(list["items"][0]["holder_name"], "Ana Godoy");
}

#[tokio::test]
async fn another_office_sees_the_offer_but_only_its_own_people_in_it() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let i = institution(&app, "30-71234567-1", "CFP 1").await;
    let c = course(&app, "Cocina", "").await;
    let k = cohort(&app, c, i, "OE-A", 9, &["enrolling"]).await;
    let ours =
        crate::persons::register(&app, "OE-A", "30111001", "Propia", "Ana", "1990-01-01").await;
    let theirs =
        crate::persons::register(&app, "OE-B", "30111002", "Ajena", "Bea", "1990-02-01").await;
    enrol(&app, k, ours).await;
    // An operator of B enrols one of theirs into A's cohort from the cohort page.
    let (client_b, csrf_b) = app.signed_in("opb", "operator", &["OE-B"]).await;
    let res = app
        .post_form(
            &client_b,
            &csrf_b,
            &format!("/training/cohorts/{k}/enrolments"),
            &[("document", "30111002")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // But not one of A's.
    let res = app
        .post_form(
            &client_b,
            &csrf_b,
            &format!("/training/cohorts/{k}/enrolments"),
            &[("document", "30111001")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = app
        .get_page(&client_b, &format!("/training/cohorts/{k}"))
        .await;
    assert!(
        html.contains("Ajena"),
        "B sees its own person in A's cohort"
    );
    assert!(!html.contains("Propia"), "B does not see A's person");
    // B withdraws its own person from A's roster.
    assert_eq!(html.matches("data-testid=\"withdraw\"").count(), 1);
    let (c_theirs, _) = enrolment::roster(
        &app.db,
        &system(),
        &cohorts::find(&app.db, k).await.unwrap().unwrap(),
    )
    .await
    .unwrap();
    let e_theirs = c_theirs
        .iter()
        .find(|r| r.enrolment.person_id == theirs)
        .unwrap()
        .enrolment
        .id;
    let res = app
        .post_form(
            &client_b,
            &csrf_b,
            &format!("/training/enrolments/{e_theirs}/withdrawal"),
            &[("reason", "schedule")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        enrolment::find(&app.db, e_theirs)
            .await
            .unwrap()
            .unwrap()
            .state,
        "withdrawn"
    );
    let (client_a, _) = app.signed_in("opa", "operator", &["OE-A"]).await;
    let html = app
        .get_page(&client_a, &format!("/training/cohorts/{k}"))
        .await;
    assert!(
        html.contains("Ajena") && html.contains("Propia"),
        "who runs the cohort sees everyone (the one who left too)"
    );
    // B cannot take attendance or move A's cohort.
    let session = cohorts::sessions(&app.db, k).await.unwrap()[0].id;
    let res = client_b
        .get(app.url(&format!("/training/sessions/{session}/attendance")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = client_a
        .get(app.url(&format!("/training/sessions/{session}/attendance")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "A takes attendance of its cohort"
    );
    assert!(theirs != ours);
}

#[tokio::test]
async fn a_certificate_prints_as_one_pdf_and_a_cohort_as_one_document_or_a_zip() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let i = institution(&app, "30-71234567-1", "CFP Norte").await;
    let c = course(&app, "Gastronomía", "").await;
    let k = cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let mut ids = Vec::new();
    for (n, dni) in ["30111001", "30111002"].iter().enumerate() {
        let p = crate::persons::register(
            &app,
            "OE-A",
            dni,
            &format!("Núñez{n}"),
            "María José",
            "1990-01-01",
        )
        .await;
        ids.push(enrol(&app, k, p).await.id);
    }
    move_to(&app, k, "running").await;
    take_attendance(&app, k, None).await;
    for e in &ids {
        grade(&app, k, *e, "9").await;
    }
    move_to(&app, k, "finished").await;
    let code = sipe::training::certificates::of_cohort(&app.db, k)
        .await
        .unwrap()[0]
        .code
        .clone();
    let coa = app.user("coa", "coordinator", &["OE-A"]).await;
    let token = app.token(coa).await;
    let res = app
        .client()
        .get(app.url(&format!("/api/v1/certificates/{code}/certificate.pdf")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    assert!(
        pdf.len() < 120_000,
        "the fonts are subset: {} bytes",
        pdf.len()
    );
    assert_eq!(
        app.audit_count("training.certificate.print").await,
        1,
        "the print is audited"
    );
    // Another office's coordinator: not found.
    let cob = app.user("cob", "coordinator", &["OE-B"]).await;
    let other = app.token(cob).await;
    let res = app
        .client()
        .get(app.url(&format!("/api/v1/certificates/{code}/certificate.pdf")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The whole cohort: one document of two pages, and a ZIP of two PDFs.
    let (client, _) = {
        let c = app.client();
        let csrf = app.login(&c, "coa").await;
        (c, csrf)
    };
    let res = client
        .get(app.url(&format!("/training/cohorts/{k}/certificates.pdf")))
        .send()
        .await
        .unwrap();
    let all = res.bytes().await.unwrap();
    assert!(
        all.starts_with(b"%PDF-"),
        "{}",
        String::from_utf8_lossy(&all[..all.len().min(300)])
    );
    let pages = all
        .windows(b"/Type /Page\n".len())
        .filter(|w| *w == b"/Type /Page\n")
        .count()
        + all
            .windows(b"/Type /Page/".len())
            .filter(|w| *w == b"/Type /Page/")
            .count()
        + all
            .windows(b"/Type /Page>".len())
            .filter(|w| *w == b"/Type /Page>")
            .count();
    assert!(pages == 2 || all.len() > pdf.len(), "two pages ({pages})");
    let zip = client
        .get(app.url(&format!("/training/cohorts/{k}/certificates.zip")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(zip.starts_with(b"PK"), "a ZIP");
    let entries = zip.windows(4).filter(|w| *w == b"PK\x01\x02").count();
    assert_eq!(entries, 2, "one PDF per person");
    assert!(
        zip.windows(b"maria-jose-nunez0".len())
            .any(|w| w == b"maria-jose-nunez0"),
        "files named by holder"
    );
}

#[tokio::test]
async fn a_certificate_certifies_the_courses_skills_and_matching_weighs_them_more() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let skills = sipe::taxonomy::skills::all(&app.db).await.unwrap();
    let skill = skills
        .iter()
        .find(|s| s.label == "electricidad domiciliaria")
        .unwrap()
        .clone();
    let employer = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Obras SA").await;
    let vacancy = sipe::intermediation::vacancies::service::create_vacancy(
        &app.db,
        &ctx(),
        &system(),
        &sipe::intermediation::vacancies::input::VacancyInput {
            employer_id: Some(employer),
            title: "Electricista".into(),
            occupation: "7411.1".into(),
            required_skills: vec![skill.label.clone()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sipe::intermediation::vacancies::service::change_state(
        &app.db,
        &ctx(),
        &system(),
        vacancy,
        "open",
        "",
    )
    .await
    .unwrap();
    // Two electricians alike; one declares the skill, the other gets it certified.
    let who =
        |dni: &'static str,
         names: &'static str,
         items: &'static [(&'static str, &'static str, &'static str, &'static str)]| {
            crate::matching::Person {
                office: "OE-A",
                dni,
                names,
                education: "3",
                department: "AR-90084",
                employment: "unemployed",
                items,
            }
        };
    let declared = crate::matching::person(
        &app,
        who(
            "30111001",
            "Decla",
            &[
                ("work", "7411.1", "2020-01-01", ""),
                ("skill", "electricidad domiciliaria", "", ""),
            ],
        ),
    )
    .await;
    let certified = crate::matching::person(
        &app,
        who("30111002", "Certi", &[("work", "7411.1", "2020-01-01", "")]),
    )
    .await;
    let i = institution(&app, "30-71234567-1", "CFP 1").await;
    let c = course(
        &app,
        "Electricidad domiciliaria",
        "electricidad domiciliaria",
    )
    .await;
    let k = cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let e = enrol(&app, k, certified).await.id;
    move_to(&app, k, "running").await;
    take_attendance(&app, k, None).await;
    grade(&app, k, e, "9").await;
    move_to(&app, k, "finished").await;
    let code = sipe::training::certificates::of_cohort(&app.db, k)
        .await
        .unwrap()[0]
        .code
        .clone();
    app.sync_index().await;

    // The person page says the skill is certified, and by which certificate.
    let (client, _) = app.signed_in("opa", "operator", &["OE-A"]).await;
    let page = app
        .get_page(&client, &format!("/persons/{certified}"))
        .await;
    assert!(
        page.contains(&format!("Certificada (certificado {code})")),
        "the profile shows the certification"
    );
    let page = app.get_page(&client, &format!("/persons/{declared}")).await;
    assert!(
        !page.contains("Certificada (certificado"),
        "a declared skill stays declared"
    );

    // Matching: the certified one first, with the explanation; the declared one counts 0.8.
    let token = app
        .token(app.user("opa2", "operator", &["OE-A"]).await)
        .await;
    let body = app
        .get_json(&token, &format!("/api/v1/vacancies/{vacancy}/candidates"))
        .await;
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{body}");
    assert_eq!(
        items[0]["person_id"],
        certified.to_string(),
        "the certified skill weighs more"
    );
    assert_eq!(items[0]["factors"]["required_skills"], 1.0);
    assert_eq!(
        items[0]["certified_skills"],
        serde_json::json!(["electricidad domiciliaria"])
    );
    assert_eq!(items[1]["person_id"], declared.to_string());
    assert_eq!(items[1]["factors"]["required_skills"], 0.8);
    assert_eq!(items[1]["certified_skills"], serde_json::json!([]));
    let html = app
        .get_page(&client, &format!("/vacancies/{vacancy}/candidates"))
        .await;
    let explained = text_of(&html, "[data-testid=candidate-certified]").unwrap();
    assert!(
        explained.contains("electricidad domiciliaria (certificada)"),
        "{explained}"
    );

    // Revoked: the certification goes, and so does the extra weight.
    sipe::training::certificates::revoke(&app.db, &ctx(), &system(), &code, "Error de carga")
        .await
        .unwrap();
    app.sync_index().await;
    let page = app
        .get_page(&client, &format!("/persons/{certified}"))
        .await;
    assert!(
        !page.contains("Certificada (certificado"),
        "the certification is withdrawn"
    );
    let body = app
        .get_json(&token, &format!("/api/v1/vacancies/{vacancy}/candidates"))
        .await;
    let certi = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["person_id"] == certified.to_string())
        .cloned();
    assert!(
        certi.is_none_or(|c| c["factors"]["required_skills"] == 0.0),
        "the skill the certificate added is gone"
    );
    // Lacking it now, the gap links to courses only when an open cohort teaches it.
    let page = |html: String| html.contains("data-testid=\"candidate-courses\"");
    let html = app
        .get_page(
            &client,
            &format!("/vacancies/{vacancy}/candidates?occupation_digits=0"),
        )
        .await;
    assert!(html.contains("Certi"), "the one who lacks it is listed");
    assert!(!page(html), "no open cohort teaches it yet");
    cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let html = app
        .get_page(
            &client,
            &format!("/vacancies/{vacancy}/candidates?occupation_digits=0"),
        )
        .await;
    let link = crate::helpers::attr_of(&html, "[data-testid=candidate-courses]", "href").unwrap();
    assert_eq!(
        link,
        format!("/persons/{certified}/training?skills={}", skill.id)
    );
}

#[tokio::test]
async fn public_lookups_are_limited_per_address() {
    let app = TestApp::spawn_with(|c| c.public_lookups_per_minute = 3).await;
    let anon = app.client();
    let code = "ABCD-EFGH-JKLM-NPQR-STUV";
    let mut statuses = Vec::new();
    for path in [
        format!("/verificar/{code}"),
        format!("/api/v1/certificates/{code}"),
        format!("/verificar?code={code}"),
        format!("/api/v1/certificates/{code}"),
        format!("/verificar/{code}"),
    ] {
        statuses.push(anon.get(app.url(&path)).send().await.unwrap().status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ],
        "three lookups answered, then refused"
    );
}

#[tokio::test]
async fn the_rules_of_states_dates_and_withdrawals_hold_in_the_data_layer() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let i = institution(&app, "30-71234567-1", "CFP 1").await;
    let c = course(&app, "Carpintería", "").await;
    let ana = crate::persons::register(&app, "OE-A", "30111001", "Ana", "Sol", "1990-01-01").await;
    // A planned cohort takes no enrolments yet.
    let planned = cohort(&app, c, i, "OE-A", 5, &[]).await;
    let refused = enrolment::enrol(
        &app.db,
        &ctx(),
        &system(),
        planned,
        ana,
        enrolment::Origin::Api,
    )
    .await;
    assert!(matches!(
        refused,
        Err(sipe::training::error::TrainingError::Conflict(
            "enrol-cohort-closed"
        ))
    ));
    // A cohort ending in the future is not finished, and its future classes take no marks.
    let future = cohorts::create(
        &app.db,
        &ctx(),
        &system(),
        &cohorts::CohortInput {
            course_id: c.to_string(),
            institution_id: i.to_string(),
            office_code: "OE-A".into(),
            starts_on: "2026-01-05".into(),
            ends_on: (today() + chrono::Duration::days(30)).to_string(),
            weekdays: vec!["1".into(), "2".into(), "3".into(), "4".into(), "5".into()],
            start_time: "09:00".into(),
            end_time: "12:00".into(),
            place: "institution".into(),
            capacity: "5".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    move_to(&app, future, "enrolling").await;
    let e = enrol(&app, future, ana).await.id;
    move_to(&app, future, "running").await;
    let tomorrow = cohorts::sessions(&app.db, future)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.on_date > today())
        .unwrap();
    let mark = [sipe::training::attendance::MarkInput {
        enrolment_id: e,
        status: "present".into(),
    }];
    let err =
        sipe::training::attendance::save(&app.db, &ctx(), &system(), tomorrow.id, &mark, today())
            .await;
    assert!(matches!(
        err,
        Err(sipe::training::error::TrainingError::Conflict(
            "attendance-future"
        ))
    ));
    let past = cohorts::sessions(&app.db, future).await.unwrap()[0].id;
    sipe::training::attendance::save(&app.db, &ctx(), &system(), past, &mark, today())
        .await
        .expect("a past class takes its marks");
    let err = cohorts::transition(
        &app.db,
        &ctx(),
        &system(),
        future,
        sipe::training::domain::CohortState::Finished,
        "",
        today(),
    )
    .await;
    assert!(matches!(
        err,
        Err(sipe::training::error::TrainingError::Conflict(
            "cohort-not-over"
        ))
    ));
    // The system's own withdrawal reasons are refused; another office's operator gets
    // "not found", A's own operator withdraws.
    let no_place = enrolment::withdraw(
        &app.db,
        &ctx(),
        &system(),
        e,
        sipe::training::domain::WithdrawalReason::NoPlace,
    )
    .await;
    assert!(matches!(
        no_place,
        Err(sipe::training::error::TrainingError::Invalid(_))
    ));
    let (client_b, csrf_b) = app.signed_in("opb", "operator", &["OE-B"]).await;
    let res = app
        .post_form(
            &client_b,
            &csrf_b,
            &format!("/training/enrolments/{e}/withdrawal"),
            &[("reason", "bogus"), ("back", "person")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "not even the person's id in a redirect"
    );
    let (client_a, csrf_a) = app.signed_in("opa", "operator", &["OE-A"]).await;
    let res = app
        .post_form(
            &client_a,
            &csrf_a,
            &format!("/training/enrolments/{e}/withdrawal"),
            &[("reason", "schedule")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, e).await, "withdrawn");
}

#[tokio::test]
async fn a_revoked_certificate_is_not_printed_again_and_a_course_without_attendance_completes() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let i = institution(&app, "30-71234567-1", "Aula Virtual").await;
    let c = courses::create(
        &app.db,
        &ctx(),
        &courses::CourseInput {
            name: "Herramientas digitales".into(),
            family: "Digital".into(),
            hours: "40".into(),
            modality: "virtual".into(),
            min_attendance: "0".into(),
            min_education: "0".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let k = cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let p = crate::persons::register(&app, "OE-A", "30111001", "Vera", "Ana", "1990-01-01").await;
    let e = enrol(&app, k, p).await.id;
    move_to(&app, k, "running").await;
    grade(&app, k, e, "8").await;
    move_to(&app, k, "finished").await;
    assert_eq!(
        state_of(&app, e).await,
        "completed",
        "graded only: no attendance asked"
    );
    let code = sipe::training::certificates::of_cohort(&app.db, k)
        .await
        .unwrap()[0]
        .code
        .clone();
    sipe::training::certificates::revoke(&app.db, &ctx(), &system(), &code, "Error")
        .await
        .unwrap();
    let token = app
        .token(app.user("coa", "coordinator", &["OE-A"]).await)
        .await;
    let res = app
        .client()
        .get(app.url(&format!("/api/v1/certificates/{code}/certificate.pdf")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "a fresh copy would look valid"
    );
}

#[tokio::test]
async fn a_course_edited_later_does_not_change_a_cohort_already_open() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let i = institution(&app, "30-71234567-1", "CFP 1").await;
    let c = course(&app, "Soldadura", "").await;
    let k = cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let p = crate::persons::register(&app, "OE-A", "30111001", "Vera", "Ana", "1990-01-01").await;
    let e = enrol(&app, k, p).await.id;
    // The course drops its attendance and pass requirements, and doubles its hours.
    courses::update(
        &app.db,
        &ctx(),
        c,
        &courses::CourseInput {
            name: "Soldadura".into(),
            family: "Construcción".into(),
            hours: "80".into(),
            min_attendance: "0".into(),
            requires_pass: String::new(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    move_to(&app, k, "running").await;
    take_attendance(&app, k, None).await;
    move_to(&app, k, "finished").await;
    assert_eq!(
        state_of(&app, e).await,
        "not_completed",
        "the rule it opened with asks for a pass"
    );
    // A new cohort takes the course as it is now, and its certificate says 80 hours.
    let k2 = cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let e2 = enrol(&app, k2, p).await.id;
    move_to(&app, k2, "running").await;
    move_to(&app, k2, "finished").await;
    assert_eq!(state_of(&app, e2).await, "completed");
    let cert = &sipe::training::certificates::of_cohort(&app.db, k2)
        .await
        .unwrap()[0];
    assert_eq!(cert.hours, 80);
}

#[tokio::test]
async fn a_wrong_grade_brings_the_sheet_back_as_typed_and_saves_nothing() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let i = institution(&app, "30-71234567-1", "CFP 1").await;
    let c = course(&app, "Soldadura", "").await;
    let k = cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let a = crate::persons::register(&app, "OE-A", "30111001", "Nota", "Ana", "1990-01-01").await;
    let b = crate::persons::register(&app, "OE-A", "30111002", "Nota", "Beto", "1990-01-01").await;
    let ea = enrol(&app, k, a).await.id;
    let eb = enrol(&app, k, b).await.id;
    move_to(&app, k, "running").await;
    let (client, csrf) = app.signed_in("coa", "coordinator", &["OE-A"]).await;
    let (ga, gb) = (format!("grade_{ea}"), format!("grade_{eb}"));
    let res = app
        .post_form(
            &client,
            &csrf,
            &format!("/training/cohorts/{k}/outcomes"),
            &[(ga.as_str(), "7,5"), (gb.as_str(), "11")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("value=\"7,5\"") && html.contains("value=\"11\""),
        "both as typed"
    );
    assert_eq!(
        html.matches("data-testid=\"outcome-grade-error\"").count(),
        1,
        "only the wrong one is marked"
    );
    for e in [ea, eb] {
        let row = enrolment::find(&app.db, e).await.unwrap().unwrap();
        assert_eq!(row.grade, None, "nothing saved");
    }
    // Corrected, both are saved (the positive control).
    let res = app
        .post_form(
            &client,
            &csrf,
            &format!("/training/cohorts/{k}/outcomes"),
            &[(ga.as_str(), "7,5"), (gb.as_str(), "9")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        enrolment::find(&app.db, eb).await.unwrap().unwrap().grade,
        Some(9.0)
    );
}
