//! Competency standards, training paths and competency assessment: a standard with its
//! units edited in the page, evaluators accredited to it, results per unit recorded
//! only by an accredited evaluator of the cohort, evidence stored by content, and the
//! competency certificate adding the standard's occupation to the profile; a path's
//! progress read from enrolments and its completion on the timeline.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{TestApp, location, text_of};
use crate::training::{cohort, course, ctx, enrol, institution, move_to, take_attendance};
use sipe::training::{assessment, courses, paths, standards};

fn standard_form<'a>(
    code: &'a str,
    units: &'a [(&'a str, &'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("code", code),
        ("title", "Montaje de instalaciones eléctricas domiciliarias"),
        ("occupation", "7411.1"),
    ];
    for (c, t, k) in units {
        f.push(("unit_code", c));
        f.push(("unit_title", t));
        f.push(("unit_criteria", k));
    }
    // The page always posts its blank rows too.
    f.extend([("unit_code", ""), ("unit_title", ""), ("unit_criteria", "")]);
    f
}

/// A form refused by the record's state: back to the page with the reason as an error.
fn refused_with(res: &reqwest::Response, key: &str) {
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with(&format!("sipe_flash=error%3A{key};")),
        "{cookie}"
    );
}

async fn passed(app: &TestApp, e: Uuid) -> Option<bool> {
    sipe::training::enrolment::find(&app.db, e)
        .await
        .unwrap()
        .unwrap()
        .passed
}

async fn person_items(app: &TestApp, person: Uuid) -> Vec<(String, String, Option<String>)> {
    sipe::persons::profile::items(&app.db, person)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.kind, i.code, i.evidence))
        .collect()
}

#[tokio::test]
async fn a_standard_is_edited_in_its_page_and_assessed_unit_by_unit_into_a_certified_occupation() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let (manager, mcsrf) = app.signed_in("formacion", "training_manager", &[]).await;

    // A standard without criteria in a unit is refused beside that unit, nothing stored.
    let bad = standard_form(
        "NCL-0042",
        &[
            (
                "UC1",
                "Interpretar planos",
                "Lee el plano\nIdentifica circuitos",
            ),
            ("UC2", "Tender cañerías", ""),
        ],
    );
    let res = app
        .post_form(&manager, &mcsrf, "/training/standards", &bad)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Esta unidad necesita al menos un criterio de desempeño."),
        "the unit's problem is named"
    );
    assert!(html.contains("Tender cañerías"), "what was typed stays");
    let (none, total) = standards::list(
        &app.db,
        "",
        &sipe::web::table::Pager::new("/", &Default::default(), &standards::SORTS, false).unwrap(),
    )
    .await
    .unwrap();
    assert!(none.is_empty() && total == 0);

    let good = standard_form(
        "ncl-0042",
        &[
            (
                "UC1",
                "Interpretar planos",
                "Lee el plano\nIdentifica circuitos",
            ),
            ("uc2", "Tender cañerías", "Respeta la normativa AEA"),
        ],
    );
    let res = app
        .post_form(&manager, &mcsrf, "/training/standards", &good)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = location(res.headers());
    let standard: Uuid = page.rsplit('/').next().unwrap().parse().unwrap();
    let html = app.get_page(&manager, &page).await;
    let units = text_of(&html, "[data-testid=standard-units]").unwrap();
    assert!(
        units.contains("UC1") && units.contains("UC2") && units.contains("Identifica circuitos")
    );
    assert!(html.contains("NCL-0042"), "the code is kept in capitals");
    let again = app
        .post_form(&manager, &mcsrf, "/training/standards", &good)
        .await;
    assert_eq!(
        again.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "codes are unique"
    );

    // Evaluators: an unknown user is refused; an operator is accredited.
    let evaluator = app.user("evaluadora", "operator", &["OE-A"]).await;
    let res = app
        .post_form(
            &manager,
            &mcsrf,
            &format!("/training/standards/{standard}/evaluators"),
            &[("username", "nadie"), ("accreditation_number", "EV-1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("No hay ningún usuario con ese nombre.")
    );
    let res = app
        .post_form(
            &manager,
            &mcsrf,
            &format!("/training/standards/{standard}/evaluators"),
            &[
                ("username", "evaluadora"),
                ("accreditation_number", "EV-2026-7"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let evaluators = standards::evaluators_of(&app.db, standard).await.unwrap();
    assert_eq!(evaluators.len(), 1);
    assert_eq!(evaluators[0].user_id, evaluator);
    // Accrediting again renews (a past end date is refused).
    let renew = |until: &'static str| standards::AccreditationInput {
        username: "evaluadora".into(),
        accreditation_number: "EV-2027-1".into(),
        valid_until: until.into(),
    };
    let past = standards::accredit(&app.db, &ctx(), standard, &renew("2020-01-01")).await;
    assert!(
        matches!(&past, Err(sipe::training::error::TrainingError::Invalid(f)) if f.has("valid_until"))
    );
    standards::accredit(&app.db, &ctx(), standard, &renew("2099-12-31"))
        .await
        .unwrap();
    let evaluators = standards::evaluators_of(&app.db, standard).await.unwrap();
    assert_eq!(evaluators.len(), 1);
    assert_eq!(evaluators[0].accreditation_number, "EV-2027-1");

    // A course assessed against the standard, and a running cohort of it.
    let inst = institution(&app, "30-71234567-1", "CFP Electricidad").await;
    let skill = sipe::taxonomy::skills::create(&app.db, &ctx(), "Instalaciones eléctricas")
        .await
        .unwrap();
    let c = courses::create(
        &app.db,
        &ctx(),
        &courses::CourseInput {
            name: "Electricista domiciliario".into(),
            family: "Electricidad".into(),
            skills: "Instalaciones eléctricas".into(),
            hours: "40".into(),
            certification: "competency".into(),
            requires_pass: String::new(),
            standard: standard.to_string(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let stored = courses::find(&app.db, c).await.unwrap().unwrap();
    assert!(
        stored.requires_pass,
        "assessed against a standard, passing is required"
    );
    let k = cohort(&app, c, inst, "OE-A", 5, &["enrolling"]).await;
    let ana =
        crate::persons::register(&app, "OE-A", "30111001", "Quiroga", "Ana", "1990-01-01").await;
    let luis =
        crate::persons::register(&app, "OE-A", "30111002", "Zelaya", "Luis", "1990-01-01").await;
    let e_ana = enrol(&app, k, ana).await.id;
    let e_luis = enrol(&app, k, luis).await.id;
    move_to(&app, k, "running").await;

    // The outcomes form is not how this cohort passes.
    let (coordinator, ccsrf) = app.signed_in("coa", "coordinator", &["OE-A"]).await;
    let res = app
        .post_form(
            &coordinator,
            &ccsrf,
            &format!("/training/cohorts/{k}/outcomes"),
            &[(&format!("grade_{e_ana}"), "9")],
        )
        .await;
    refused_with(&res, "outcomes-by-assessment");
    assert_eq!(passed(&app, e_ana).await, None);
    // Nor does running the cohort make one an evaluator: the page says why.
    let page = format!("/training/enrolments/{e_ana}/assessment");
    let html = app.get_page(&coordinator, &page).await;
    assert!(
        text_of(&html, "[data-testid=assessment-why-not]")
            .unwrap()
            .contains("acreditado como evaluador")
    );
    let res = app
        .post_form(
            &coordinator,
            &ccsrf,
            &page,
            &[("unit", "UC1"), ("result", "competent")],
        )
        .await;
    refused_with(&res, "assessment-not-evaluator");
    assert_eq!(passed(&app, e_ana).await, None);

    // The evaluator records: one unit not yet competent fails, every unit competent passes.
    let ev = app.client();
    let ecsrf = app.login(&ev, "evaluadora").await;
    let html = app.get_page(&ev, &page).await;
    assert_eq!(
        html.matches("data-testid=\"assessment-unit\"").count(),
        2,
        "every unit with its criteria"
    );
    assert!(html.contains("Respeta la normativa AEA"));
    let res = app
        .post_form(
            &ev,
            &ecsrf,
            &page,
            &[
                ("unit", "UC1"),
                ("result", "competent"),
                ("observations", "Leyó el plano sin ayuda"),
                ("unit", "UC2"),
                ("result", "not_yet_competent"),
                ("observations", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(passed(&app, e_ana).await, Some(false));
    let res = app
        .post_form(
            &ev,
            &ecsrf,
            &page,
            &[("unit", "UC2"), ("result", "cualquiera")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post_form(
            &ev,
            &ecsrf,
            &page,
            &[("unit", "UC2"), ("result", "competent")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(passed(&app, e_ana).await, Some(true), "UC1 kept its result");
    assert_eq!(passed(&app, e_luis).await, None, "nobody assessed Luis");
    let html = app.get_page(&ev, &page).await;
    assert_eq!(
        text_of(&html, "[data-testid=assessment-verdict]").unwrap(),
        "Competente"
    );
    // A page opened before UC2 was recorded does not overwrite it.
    let res = app
        .post_form(
            &ev,
            &ecsrf,
            &page,
            &[
                ("unit", "UC2"),
                ("result", "not_yet_competent"),
                ("seen", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        text_of(&html, "[data-testid=assessment-conflict]")
            .unwrap()
            .contains("cambió mientras la tenías abierta")
    );
    assert_eq!(passed(&app, e_ana).await, Some(true));

    // The API: the evaluator reads and records with a token.
    let token = app.token(evaluator).await;
    let api = app
        .get_json(&token, &format!("/api/v1/enrolments/{e_luis}/assessment"))
        .await;
    assert_eq!(api["standard"], "NCL-0042");
    assert_eq!(api["units"].as_array().unwrap().len(), 2);
    assert!(api["passed"].is_null());
    let res = app
        .client()
        .put(app.url(&format!("/api/v1/enrolments/{e_luis}/assessment")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"results": [{"unit": "UC9", "result": "competent"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown unit"
    );
    let res = app
        .client()
        .put(app.url(&format!("/api/v1/enrolments/{e_luis}/assessment")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"results": [{"unit": "uc1", "result": "not_yet_competent"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["passed"], false);
    assert_eq!(body["units"][0]["result"], "not_yet_competent");
    let res = app
        .client()
        .post(app.url(&format!(
            "/api/v1/enrolments/{e_luis}/evidence?file_name=nota.txt&unit=UC1"
        )))
        .bearer_auth(&token)
        .body("No terminó el tendido")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // Evidence: stored under its digest, the same bytes once, refused if not a document.
    let pdf = b"%PDF-1.4\n% acta de evaluacion de Ana\n".to_vec();
    for name in ["acta.pdf", "acta-copia.pdf"] {
        let form = reqwest::multipart::Form::new().text("unit", "UC1").part(
            "file",
            reqwest::multipart::Part::bytes(pdf.clone()).file_name(name),
        );
        let res = ev
            .post(app.url(&format!(
                "/training/enrolments/{e_ana}/evidence?_csrf={ecsrf}"
            )))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{name}");
    }
    let exe = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"MZ\x90\x00\x03\x00".to_vec()).file_name("virus.exe"),
    );
    let res = ev
        .post(app.url(&format!(
            "/training/enrolments/{e_ana}/evidence?_csrf={ecsrf}"
        )))
        .multipart(exe)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Ese tipo de archivo no se acepta")
    );
    let sha = hex::encode(ring::digest::digest(&ring::digest::SHA256, &pdf));
    let stored = assessment::stored_path(&app.config.data_dir, &sha);
    assert_eq!(std::fs::read(&stored).unwrap(), pdf);
    let a = assessment::find(&app.db, &crate::training::system(), e_ana)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.evidence.len(), 2, "two rows, one file");
    assert!(
        a.evidence
            .iter()
            .all(|e| e.sha256 == sha && e.media_type == "application/pdf")
    );
    let res = ev
        .get(app.url(&format!("/training/evidence/{}", a.evidence[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    let files: Vec<_> = std::fs::read_dir(stored.parent().unwrap())
        .unwrap()
        .map(|f| f.unwrap().file_name())
        .collect();
    assert_eq!(files.len(), 1, "one file for the same bytes: {files:?}");
    // A photo of 3 MB goes through (past the extractors' 2 MiB default); over 20 MiB
    // is refused with its reason.
    let mut photo = b"\x89PNG\r\n\x1a\n".to_vec();
    photo.resize(3_000_000, 7);
    let mut huge = b"%PDF-1.4\n".to_vec();
    huge.resize(20 * 1024 * 1024 + 1, b' ');
    for (bytes, name, expected) in [
        (photo, "tablero.png", StatusCode::SEE_OTHER),
        (huge, "enorme.pdf", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        let res = ev
            .post(app.url(&format!(
                "/training/enrolments/{e_ana}/evidence?_csrf={ecsrf}"
            )))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), expected, "{name}");
    }
    let a = assessment::find(&app.db, &crate::training::system(), e_ana)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.evidence.len(), 3);
    assert!(
        a.evidence
            .iter()
            .any(|e| e.media_type == "image/png" && e.size == 3_000_000)
    );
    // Who sees Ana on the roster reads her evidence (the positive control); another
    // office's operator finds neither her assessment nor her evidence.
    let evidence_path = format!("/training/evidence/{}", a.evidence[2].id);
    let res = coordinator
        .get(app.url(&evidence_path))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    let (other, _) = app.signed_in("opb", "operator", &["OE-B"]).await;
    for path in [page.clone(), evidence_path] {
        let res = other.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        other
            .get(app.url("/training/standards"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK,
        "the catalogue is everyone's"
    );

    // A unit someone was assessed against cannot be removed from the standard.
    let res = app
        .post_form(
            &manager,
            &mcsrf,
            &format!("/training/standards/{standard}"),
            &standard_form("NCL-0042", &[("UC1", "Interpretar planos", "Lee el plano")]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        standards::units_of(&app.db, standard).await.unwrap().len(),
        2
    );

    // Finishing: Ana is competent and certified, with the standard's occupation in her
    // profile as certified; Luis was never assessed and does not complete.
    take_attendance(&app, k, None).await;
    move_to(&app, k, "finished").await;
    let certs = sipe::training::certificates::of_cohort(&app.db, k)
        .await
        .unwrap();
    assert_eq!(certs.len(), 1);
    assert_eq!(certs[0].person_id, ana);
    assert_eq!(certs[0].kind, "competency");
    let code = certs[0].code.clone();
    let items = person_items(&app, ana).await;
    let evidence = format!("certificate:{code}");
    assert!(
        items.contains(&("desired".into(), "7411.1".into(), Some(evidence.clone()))),
        "{items:?}"
    );
    assert!(items.contains(&("skill".into(), skill.to_string(), Some(evidence.clone()))));
    let html = app.get_page(&manager, &format!("/persons/{ana}")).await;
    assert!(html.contains(&format!("Certificada (certificado {code})")));
    assert!(person_items(&app, luis).await.is_empty());
    assert_eq!(
        sipe::training::enrolment::find(&app.db, e_luis)
            .await
            .unwrap()
            .unwrap()
            .state,
        "not_completed"
    );

    // Revoked, the occupation goes with it.
    sipe::training::certificates::revoke(
        &app.db,
        &ctx(),
        &crate::training::system(),
        &code,
        "Error",
    )
    .await
    .unwrap();
    let items = person_items(&app, ana).await;
    assert!(!items.iter().any(|(_, _, e)| e.is_some()), "{items:?}");
}

/// The person completes a cohort of the course.
async fn complete(app: &TestApp, c: Uuid, inst: Uuid, person: Uuid) {
    let k = cohort(app, c, inst, "OE-A", 5, &["enrolling"]).await;
    let e = enrol(app, k, person).await.id;
    move_to(app, k, "running").await;
    take_attendance(app, k, None).await;
    crate::training::grade(app, k, e, "8").await;
    move_to(app, k, "finished").await;
}

#[tokio::test]
async fn a_path_is_completed_when_all_its_courses_are_and_the_api_says_how_far_each_person_got() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let (manager, mcsrf) = app.signed_in("formacion", "training_manager", &[]).await;
    let inst = institution(&app, "30-71234567-1", "CFP Norte").await;
    let first = course(&app, "Albañilería inicial", "").await;
    let second = course(&app, "Albañilería avanzada", "").await;

    // One course is not a path; the same course twice is refused.
    for courses in [
        vec![first.to_string()],
        vec![first.to_string(), first.to_string()],
    ] {
        let mut form = vec![("name", "Albañil".to_owned())];
        form.extend(courses.into_iter().map(|c| ("courses", c)));
        form.push(("courses", String::new()));
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = app
            .post_form(&manager, &mcsrf, "/training/paths", &fields)
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text_of(&res.text().await.unwrap(), "[data-testid=courses-error]").is_some());
    }
    let (first_s, second_s) = (first.to_string(), second.to_string());
    let res = app
        .post_form(
            &manager,
            &mcsrf,
            "/training/paths",
            &[
                ("name", "Albañil"),
                ("courses", &first_s),
                ("courses", ""),
                ("courses", &second_s),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path: Uuid = location(res.headers())
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        paths::course_ids(&app.db, path).await.unwrap(),
        vec![first, second]
    );
    let twin = paths::create(
        &app.db,
        &ctx(),
        &paths::PathInput {
            name: "albañil".into(),
            courses: vec![second_s.clone(), first_s.clone()],
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(&twin, Err(sipe::training::error::TrainingError::Invalid(f)) if f.has("name")),
        "names are unique, accents and case aside: {twin:?}"
    );

    // Ana completes the first course, then the second.
    let ana =
        crate::persons::register(&app, "OE-A", "30111001", "Quiroga", "Ana", "1990-01-01").await;
    let bea =
        crate::persons::register(&app, "OE-B", "30111002", "Zelaya", "Bea", "1990-01-01").await;
    complete(&app, first, inst, ana).await;
    let progress = paths::progress_of(&app.db, ana).await.unwrap();
    assert_eq!(
        (progress[0].completed, progress[0].total, progress[0].done),
        (1, 2, false)
    );
    assert_eq!(progress[0].steps[1].state, paths::StepState::Pending);
    complete(&app, second, inst, ana).await;
    let progress = paths::progress_of(&app.db, ana).await.unwrap();
    assert!(progress[0].done);
    let (timeline, _) = sipe::persons::store::timeline(&app.db, ana, 0, 100)
        .await
        .unwrap();
    assert_eq!(
        timeline
            .iter()
            .filter(|e| e.kind == "training.path_completed")
            .count(),
        1,
        "completing the path is on the timeline once"
    );
    assert_eq!(paths::counts(&app.db, path).await.unwrap(), (1, 0));

    // The person page shows it; the API answers in scope and not outside it.
    let html = app.get_page(&manager, &format!("/persons/{ana}")).await;
    assert_eq!(
        text_of(&html, "[data-testid=person-path-progress]").unwrap(),
        "Completado"
    );
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(op).await;
    let mine = app
        .get_json(&token, &format!("/api/v1/persons/{ana}/training-paths"))
        .await;
    assert_eq!(mine[0]["done"], true);
    assert_eq!(mine[0]["steps"][0]["state"], "completed");
    let other = app
        .client()
        .get(app.url(&format!("/api/v1/persons/{bea}/training-paths")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let listed = app.get_json(&token, "/api/v1/training-paths").await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["courses"][1], second_s);

    // The second course's certificate revoked: the path is no longer complete.
    let pager = sipe::web::table::Pager::new(
        "/",
        &Default::default(),
        &sipe::training::certificates::SORTS,
        true,
    )
    .unwrap();
    let filter = sipe::training::certificates::Filter {
        person_id: Some(ana),
        ..Default::default()
    };
    let (certs, _) =
        sipe::training::certificates::list(&app.db, &crate::training::system(), &filter, &pager)
            .await
            .unwrap();
    let cert = certs
        .into_iter()
        .find(|c| c.course_name == "Albañilería avanzada")
        .unwrap();
    sipe::training::certificates::revoke(
        &app.db,
        &ctx(),
        &crate::training::system(),
        &cert.code,
        "Error",
    )
    .await
    .unwrap();
    let progress = paths::progress_of(&app.db, ana).await.unwrap();
    assert_eq!((progress[0].completed, progress[0].done), (1, false));
}

#[tokio::test]
async fn a_cohort_is_assessed_against_the_standard_as_it_opened_and_its_units_as_they_are() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let standard = standards::create(
        &app.db,
        &ctx(),
        &standards::StandardInput {
            code: "NCL-1".into(),
            title: "Norma".into(),
            units: vec![standards::UnitInput {
                code: "UC1".into(),
                title: "Unidad uno".into(),
                criteria: vec!["Primero\nSegundo".into()],
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let units = standards::units_of(&app.db, standard).await.unwrap();
    assert_eq!(standards::criteria_of(&units[0]), ["Primero", "Segundo"]);
    let mut course_input = courses::CourseInput {
        name: "Curso por norma".into(),
        family: "Electricidad".into(),
        hours: "40".into(),
        certification: "approval".into(),
        standard: standard.to_string(),
        ..Default::default()
    };
    let refused = courses::create(&app.db, &ctx(), &course_input).await;
    assert!(
        matches!(&refused, Err(sipe::training::error::TrainingError::Invalid(f)) if f.has("standard")),
        "a standard needs a competency course: {refused:?}"
    );
    course_input.certification = "competency".into();
    let c = courses::create(&app.db, &ctx(), &course_input)
        .await
        .unwrap();
    let inst = institution(&app, "30-71234567-1", "CFP").await;
    let k = cohort(&app, c, inst, "OE-A", 5, &["enrolling"]).await;
    let ana =
        crate::persons::register(&app, "OE-A", "30111001", "Quiroga", "Ana", "1990-01-01").await;
    let e = enrol(&app, k, ana).await.id;
    move_to(&app, k, "running").await;
    // The course drops the standard: the open cohort still assesses against it.
    course_input.certification = "approval".into();
    course_input.standard = String::new();
    courses::update(&app.db, &ctx(), c, &course_input)
        .await
        .unwrap();
    let user = app.user("evaluadora", "operator", &["OE-A"]).await;
    standards::accredit(
        &app.db,
        &ctx(),
        standard,
        &standards::AccreditationInput {
            username: "evaluadora".into(),
            accreditation_number: "EV-1".into(),
            valid_until: String::new(),
        },
    )
    .await
    .unwrap();
    let user = sipe::access::store::find_user(&app.db, user)
        .await
        .unwrap()
        .unwrap();
    let access = sipe::access::store::load_access(&app.db, &user)
        .await
        .unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&crate::helpers::TZ)
        .date_naive();
    let competent = assessment::ResultInput {
        unit: "UC1".into(),
        result: "competent".into(),
        ..Default::default()
    };
    let passed = assessment::record(&app.db, &ctx(), &access, e, &[competent], today)
        .await
        .unwrap();
    assert_eq!(passed, Some(true));
    // A unit added since: finishing decides on the units as they are, so Ana, with
    // UC2 not assessed, does not complete.
    let mut with_two = standards::input_of(
        &standards::find(&app.db, standard).await.unwrap().unwrap(),
        &units,
    );
    with_two.units.push(standards::UnitInput {
        code: "UC2".into(),
        title: "Unidad dos".into(),
        criteria: vec!["Tercero".into()],
    });
    standards::update(&app.db, &ctx(), standard, &with_two)
        .await
        .unwrap();
    take_attendance(&app, k, None).await;
    move_to(&app, k, "finished").await;
    let after = sipe::training::enrolment::find(&app.db, e)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.state.as_str(), after.passed),
        ("not_completed", None)
    );
    assert!(
        sipe::training::certificates::of_cohort(&app.db, k)
            .await
            .unwrap()
            .is_empty()
    );
}
