//! Walks every route of the router as an operator and a coordinator of office A with the
//! ids of office B's records, then as office A with its own records (the positive
//! control: a walk that is refused everything proves nothing), and as an anonymous
//! visitor. A new route needs no new test to be covered: only a fixture for a new kind
//! of path parameter and, if it changes data, a valid body.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use sea_orm::{FromQueryResult, JsonValue, Statement};
use serde_json::{Value, json};
use sipe::access::{Access, Role};
use sipe::audit::AuditCtx;
use sipe::web::{Guard, RouteDef};
use uuid::Uuid;

use crate::helpers::{TestApp, location};

/// One office's records, each kind the route table names.
struct Side {
    tag: &'static str,
    office: &'static str,
    office_id: Uuid,
    user: Uuid,
    token_id: Uuid,
    job: Uuid,
    person: Uuid,
    person_doc: &'static str,
    /// A registered document that is not a marker (transfer requests type it: what one
    /// types is no leak).
    ask_doc: &'static str,
    /// Another person of the side (for pairs added on demand).
    other_doc: &'static str,
    item: Uuid,
    item2: Uuid,
    interview: Uuid,
    requests: [Uuid; 4],
    pairs: [(Uuid, Uuid); 2],
    employer: Uuid,
    employer2: Uuid,
    employer_cuit: &'static str,
    contacts: [Uuid; 2],
    sites: [Uuid; 2],
    agreements: [Uuid; 2],
    vacancy: Uuid,
    vacancies_to_move: [Uuid; 2],
    referrals: [Uuid; 2],
    hired: Uuid,
    follow_ups: [Uuid; 2],
    candidates: [Uuid; 2],
    training: Training,
    /// Saved person searches of the side's walker (web, API, bulk source): a user's own.
    saved_searches: [Uuid; 3],
    /// A programme (catalogue, seen by all), and the other side's (to apply to).
    programme: Uuid,
    other_programme: Uuid,
    /// Applications sent (web, API): the side's person's to `other_programme` and
    /// learner's to `programme`.
    applications: [Uuid; 2],
    /// The side's person, a beneficiary of `programme` since today.
    beneficiary: Uuid,
    /// Open compliance proposals about the two `applications` (web, API).
    reviews: [Uuid; 2],
    /// A document attached to the first application.
    document: Uuid,
    /// A message template (a catalogue, seen by all) and a message to the side's person.
    template: Uuid,
    message: Uuid,
    /// Draft campaigns of the side's office (web, API).
    campaigns: [Uuid; 2],
    /// The office's counter desk: a service, a counter and two tickets waiting.
    desk: crate::attention::Desk,
    /// Appointments of tomorrow (web, API) and a free slot.
    booked: crate::attention_appointments::Booked,
    user_name: String,
    token_prefix: String,
    markers: Vec<String>,
}

/// One office's training records: an institution and a course (catalogue, seen by all),
/// two cohorts taking enrolments (web, API), a running one with its people, and
/// certificates of a finished one.
struct Training {
    institution: Uuid,
    course: Uuid,
    enrolling: [Uuid; 2],
    running: Uuid,
    finished: Uuid,
    session: Uuid,
    marked: Uuid,
    to_withdraw: [Uuid; 2],
    certificates: [String; 2],
    learner_doc: &'static str,
    learner: Uuid,
    /// Another of its people (applies to a programme through the API).
    spare: Uuid,
    /// The institution's credential signing key (created by its first credential).
    issuer_key: Uuid,
    /// A competency standard and a path (catalogue, seen by all).
    standard: Uuid,
    path: Uuid,
    /// An enrolment assessed against the standard, its evidence file, and the side's
    /// evaluator's accreditation.
    assessed: Uuid,
    evidence: Uuid,
    accreditation: Uuid,
}

/// The side's training records; their people are named without markers (a certificate
/// is public by its code).
async fn training(
    app: &TestApp,
    tag: &str,
    office: &str,
    doc: &dyn Fn(u32) -> String,
    cuit: &str,
) -> Training {
    let institution = crate::training::institution(app, cuit, &format!("Instituto {tag}")).await;
    let course = crate::training::course(app, &format!("Curso {tag}"), "").await;
    let mut people = Vec::new();
    for i in 0..7u32 {
        let p = person(
            app,
            office,
            &doc(70 + i),
            &format!("Aprendiz{tag}{i}"),
            ["Sol", "Mar", "Luz", "Paz", "Ema", "Ada", "Isa"][i as usize],
            &format!("198{i}-0{}-1{i}", 1 + i),
        )
        .await;
        people.push(p);
    }
    let enrolling = [
        crate::training::cohort(app, course, institution, office, 9, &["enrolling"]).await,
        crate::training::cohort(app, course, institution, office, 9, &["enrolling"]).await,
    ];
    let running =
        crate::training::cohort(app, course, institution, office, 9, &["enrolling"]).await;
    let marked = crate::training::enrol(app, running, people[0]).await.id;
    let to_withdraw = [
        crate::training::enrol(app, running, people[1]).await.id,
        crate::training::enrol(app, running, people[2]).await.id,
    ];
    crate::training::move_to(app, running, "running").await;
    let session = sipe::training::cohorts::sessions(&app.db, running)
        .await
        .unwrap()[0]
        .id;
    let finished =
        crate::training::cohort(app, course, institution, office, 9, &["enrolling"]).await;
    let mut holders = Vec::new();
    for p in &people[3..5] {
        holders.push(crate::training::enrol(app, finished, *p).await.id);
    }
    crate::training::move_to(app, finished, "running").await;
    crate::training::take_attendance(app, finished, None).await;
    // The course asks for a pass.
    for e in holders {
        crate::training::grade(app, finished, e, "8").await;
    }
    crate::training::move_to(app, finished, "finished").await;
    let certs = sipe::training::certificates::of_cohort(&app.db, finished)
        .await
        .unwrap();
    // The first credential creates the institution's key: the walk below then reads
    // keys, it does not add them.
    let anon = app.client();
    let jwt = anon
        .get(app.url(&format!(
            "/api/v1/certificates/{}/credential.jwt",
            certs[0].code
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(jwt.status(), StatusCode::OK);
    let list = anon
        .get(app.url(&format!("/api/v1/issuers/{institution}/status-lists/0")))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    let jwks: Value = anon
        .get(app.url(&format!("/api/v1/issuers/{institution}/jwks")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = jwks["keys"][0]["kid"].as_str().unwrap();
    let issuer_key = kid.rsplit('/').next().unwrap().parse().unwrap();
    let competency = competency(app, tag, office, doc, course, institution).await;
    Training {
        standard: competency.standard,
        path: competency.path,
        assessed: competency.assessed,
        evidence: competency.evidence,
        accreditation: competency.accreditation,
        issuer_key,
        institution,
        course,
        enrolling,
        running,
        finished,
        session,
        marked,
        to_withdraw,
        certificates: [certs[0].code.clone(), certs[1].code.clone()],
        learner_doc: Box::leak(doc(75).into_boxed_str()),
        learner: people[6],
        spare: people[0],
    }
}

struct Competency {
    standard: Uuid,
    path: Uuid,
    assessed: Uuid,
    evidence: Uuid,
    accreditation: Uuid,
}

/// The side's standard and path, a course assessed against the standard, a running
/// cohort of it with one person assessed by the side's accredited evaluator, with
/// evidence.
async fn competency(
    app: &TestApp,
    tag: &str,
    office: &str,
    doc: &dyn Fn(u32) -> String,
    course: Uuid,
    institution: Uuid,
) -> Competency {
    use sipe::training::{assessment, courses, paths, standards};
    let standard = standards::create(
        &app.db,
        &ctx(),
        &standards::StandardInput {
            code: format!("NCL-{tag}"),
            title: format!("Norma {tag}"),
            units: vec![standards::UnitInput {
                code: "UC1".into(),
                title: "Unidad".into(),
                criteria: vec!["Criterio".into()],
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let assessed_course = courses::create(
        &app.db,
        &ctx(),
        &courses::CourseInput {
            name: format!("Curso por norma {tag}"),
            family: "Construcción".into(),
            hours: "40".into(),
            certification: "competency".into(),
            standard: standard.to_string(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let path = paths::create(
        &app.db,
        &ctx(),
        &paths::PathInput {
            name: format!("Trayecto {tag}"),
            courses: vec![course.to_string(), assessed_course.to_string()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let cohort =
        crate::training::cohort(app, assessed_course, institution, office, 9, &["enrolling"]).await;
    let p = person(
        app,
        office,
        &doc(78),
        &format!("Evaluado{tag}"),
        "Teo",
        "1988-02-03",
    )
    .await;
    let assessed = crate::training::enrol(app, cohort, p).await.id;
    crate::training::move_to(app, cohort, "running").await;
    let username = format!("evaluador{}", tag.to_lowercase());
    let user = app.user(&username, "operator", &[office]).await;
    let accreditation = standards::accredit(
        &app.db,
        &ctx(),
        standard,
        &standards::AccreditationInput {
            username,
            accreditation_number: format!("EV-{tag}"),
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
    let today = chrono::Utc::now().date_naive();
    assessment::record(
        &app.db,
        &ctx(),
        &access,
        assessed,
        &[assessment::ResultInput {
            unit: "UC1".into(),
            result: "competent".into(),
            ..Default::default()
        }],
        today,
    )
    .await
    .unwrap();
    let evidence = assessment::add_evidence(
        &app.db,
        &ctx(),
        &access,
        &app.config.data_dir,
        assessed,
        assessment::Upload {
            file_name: "acta.pdf",
            unit: "UC1",
            bytes: format!("%PDF-1.4 acta {tag}").as_bytes(),
        },
        today,
    )
    .await
    .unwrap();
    Competency {
        standard,
        path,
        assessed,
        evidence,
        accreditation,
    }
}

/// A valid CUIT `30-<n>-<check>` near `n`, as a `'static` string.
fn cuit(n: u32) -> &'static str {
    let mut n = n;
    loop {
        let ten = format!("30{n:08}");
        let digits: Vec<u32> = ten.chars().map(|c| c.to_digit(10).unwrap()).collect();
        if let Some(check) = sipe::persons::domain::cuil_check_digit(&digits.try_into().unwrap()) {
            return Box::leak(format!("30-{n:08}-{check}").into_boxed_str());
        }
        n += 1;
    }
}

fn ctx() -> AuditCtx {
    AuditCtx::system()
}

fn system() -> Access {
    Access::system("t")
}

async fn person(
    app: &TestApp,
    office: &str,
    doc: &str,
    surnames: &str,
    names: &str,
    birth: &str,
) -> Uuid {
    crate::persons::register(app, office, doc, surnames, names, birth).await
}

async fn item(app: &TestApp, person: Uuid, employer: &str) -> Uuid {
    sipe::persons::profile::add_item(
        &app.db,
        &ctx(),
        &system(),
        crate::helpers::TZ,
        person,
        &sipe::persons::profile::ItemInput {
            kind: "work".into(),
            code: "albañil".into(),
            employer: employer.into(),
            from_date: "2020-01-01".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn open_vacancy(app: &TestApp, employer: Uuid, title: &str) -> Uuid {
    let id = sipe::intermediation::vacancies::service::create_vacancy(
        &app.db,
        &ctx(),
        &system(),
        &sipe::intermediation::vacancies::input::VacancyInput {
            employer_id: Some(employer),
            title: title.into(),
            occupation: "7112.1".into(),
            positions: Some(9),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sipe::intermediation::vacancies::service::change_state(
        &app.db,
        &ctx(),
        &system(),
        id,
        "open",
        "",
    )
    .await
    .unwrap();
    id
}

async fn refer(app: &TestApp, vacancy: Uuid, person: Uuid, note: &str, path: &[&str]) -> Uuid {
    let id = sipe::intermediation::referrals::service::refer(
        &app.db,
        &ctx(),
        &system(),
        &sipe::intermediation::referrals::service::ReferralInput {
            vacancy_id: Some(vacancy),
            person_id: Some(person),
            internal_note: note.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for to in path {
        let start = if *to == "hired" { "2026-12-01" } else { "" };
        sipe::intermediation::referrals::service::transition(
            &app.db,
            &ctx(),
            &system(),
            crate::helpers::TZ,
            id,
            &sipe::intermediation::referrals::service::TransitionInput {
                to: (*to).into(),
                start_date: start.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    id
}

/// Office `office`'s records; `digit` makes its documents and CUITs its own.
async fn side(
    app: &TestApp,
    tag: &'static str,
    office: &'static str,
    digit: char,
    access_c: &Access,
) -> Side {
    let office_id = app.office(office, "").await;
    let user = app
        .user(
            &format!("usuario{}", tag.to_lowercase()),
            "operator",
            &[office],
        )
        .await;
    let token = app.token(user).await;
    let token_id = sipe::access::store::list_tokens(&app.db, user)
        .await
        .unwrap()[0]
        .id;
    sipe::jobs::store::enqueue(
        &app.db,
        "test.noop",
        &json!({"office": office}),
        Some(format!("job-{tag}")),
    )
    .await
    .unwrap();
    let (jobs, _) = sipe::jobs::store::list(&app.db, None, 0, 100)
        .await
        .unwrap();
    let job = jobs
        .iter()
        .find(|j| j.idempotency_key.as_deref() == Some(&format!("job-{tag}")))
        .unwrap()
        .id;
    let doc = |n: u32| format!("{digit}{n:07}");
    let person_doc: &'static str = Box::leak(doc(1).into_boxed_str());
    let main = person(
        app,
        office,
        person_doc,
        &format!("Zapata{tag}"),
        "Rosaura",
        "1985-03-04",
    )
    .await;
    let secret_employer = format!("Empleador Secreto {tag}");
    let item1 = item(app, main, &secret_employer).await;
    let item2 = item(app, main, &secret_employer).await;
    // An occupation kept uncoded, on someone the walk does not transfer or merge: the
    // coordinator's queue codes only their office's.
    let coder = person(
        app,
        office,
        &doc(60),
        &format!("Ibarra{tag}"),
        "Teo",
        "1990-01-01",
    )
    .await;
    sipe::persons::profile::add_item(
        &app.db,
        &ctx(),
        &system(),
        crate::helpers::TZ,
        coder,
        &sipe::persons::profile::ItemInput {
            // Work history: an interview in the walk replaces desired occupations.
            kind: "work".into(),
            code: format!("Domador de zánganos Qx{tag}"),
            uncoded: "on".into(),
            employer: "Finca".into(),
            from_date: "2021-01-01".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let interview = sipe::persons::interview::record(
        &app.db,
        &ctx(),
        &system(),
        main,
        &sipe::persons::interview::InterviewInput {
            situation: "unemployed".into(),
            hours: "any".into(),
            notes: format!("Nota confidencial de {tag}"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Four people office C asks for (approve and reject, on the page and the API).
    let mut requests = [Uuid::nil(); 4];
    for (i, r) in requests.iter_mut().enumerate() {
        let d = doc(10 + i as u32);
        let birth = format!("1970-01-{:02}", 10 + i);
        person(
            app,
            office,
            &d,
            &format!("Traslado{tag}{i}"),
            "Pedro",
            &birth,
        )
        .await;
        *r = sipe::persons::transfer::request(
            &app.db,
            &ctx(),
            access_c,
            &sipe::persons::transfer::TransferInput {
                doc_type: "dni".into(),
                doc_number: d,
                reason: format!("Motivo reservado de C para {tag}"),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    }
    // Two look-alike pairs (merge one, dismiss the other).
    let mut pairs = [(Uuid::nil(), Uuid::nil()); 2];
    for (i, p) in pairs.iter_mut().enumerate() {
        let birth = format!("1960-0{}-15", 2 + i);
        let surname = format!("Gemelo{tag}{i}");
        person(
            app,
            office,
            &doc(20 + 2 * i as u32),
            &surname,
            "Juan Carlos",
            &birth,
        )
        .await;
        person(
            app,
            office,
            &doc(21 + 2 * i as u32),
            &surname,
            "Juan Karlos",
            &birth,
        )
        .await;
        *p = (Uuid::nil(), Uuid::nil());
    }
    let base = if digit == '2' { 71_000_000 } else { 72_000_000 };
    let employer_cuit = cuit(base);
    let employer = sipe::intermediation::employers::service::create_employer(
        &app.db,
        &ctx(),
        &system(),
        &sipe::intermediation::employers::input::EmployerInput {
            cuit: employer_cuit.into(),
            legal_name: format!("Empleador Reservado de {tag}"),
            office_code: office.into(),
            contacts: vec![
                sipe::intermediation::employers::input::ContactInput {
                    name: format!("Contacto Reservado {tag}"),
                    ..Default::default()
                },
                sipe::intermediation::employers::input::ContactInput {
                    name: format!("Otro Contacto {tag}"),
                    ..Default::default()
                },
            ],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let employer2 = crate::vacancies::employer(
        app,
        office,
        cuit(base + 100),
        &format!("Segundo Empleador {tag}"),
    )
    .await;
    let contacts: Vec<Uuid> = sipe::intermediation::employers::store::contacts(&app.db, employer)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    let mut sites = [Uuid::nil(); 2];
    let mut agreements = [Uuid::nil(); 2];
    for i in 0..2 {
        sites[i] = sipe::intermediation::employers::service::add_item(
            &app.db,
            &ctx(),
            &system(),
            employer,
            sipe::intermediation::employers::input::NewItem::Site(
                &sipe::intermediation::employers::input::SiteInput {
                    name: format!("Planta Reservada {tag}{i}"),
                    territory_code: "AR-90084".into(),
                    ..Default::default()
                },
            ),
        )
        .await
        .unwrap();
        agreements[i] = sipe::intermediation::employers::service::add_item(
            &app.db,
            &ctx(),
            &system(),
            employer,
            sipe::intermediation::employers::input::NewItem::Agreement(
                &sipe::intermediation::employers::input::AgreementInput {
                    kind: "other".into(),
                    title: format!("Convenio Reservado {tag}{i}"),
                    signed_on: "2026-01-02".into(),
                    ..Default::default()
                },
            ),
        )
        .await
        .unwrap();
    }
    let vacancy = open_vacancy(app, employer, &format!("Puesto Reservado {tag}")).await;
    let vacancies_to_move = [
        open_vacancy(app, employer, &format!("Puesto Movible {tag}0")).await,
        open_vacancy(app, employer, &format!("Puesto Movible {tag}1")).await,
    ];
    let hired_person = person(
        app,
        office,
        &doc(30),
        &format!("Contratada{tag}"),
        "Eva",
        "1991-01-01",
    )
    .await;
    let hired = refer(
        app,
        vacancy,
        hired_person,
        &format!("Nota interna reservada {tag}"),
        &["sent", "hired"],
    )
    .await;
    let follow_ups: Vec<Uuid> =
        sipe::intermediation::referrals::store::placement_of(&app.db, hired)
            .await
            .unwrap()
            .unwrap()
            .1
            .iter()
            .map(|f| f.id)
            .collect();
    let mut referrals = [Uuid::nil(); 2];
    for (i, r) in referrals.iter_mut().enumerate() {
        let p = person(
            app,
            office,
            &doc(31 + i as u32),
            &format!("Derivada{tag}{i}"),
            "Ana",
            &format!("1992-0{}-01", 1 + i),
        )
        .await;
        *r = refer(app, vacancy, p, "", &["sent"]).await;
    }
    let mut candidates = [Uuid::nil(); 2];
    for (i, c) in candidates.iter_mut().enumerate() {
        *c = person(
            app,
            office,
            &doc(40 + i as u32),
            &format!("Candidata{tag}{i}"),
            "Luz",
            &format!("1993-0{}-01", 1 + i),
        )
        .await;
    }
    let training = training(app, tag, office, &doc, cuit(base + 200)).await;
    let desk = crate::attention::desk(app, office).await;
    let booked = crate::attention_appointments::booked(app, office, desk.service).await;
    let markers = vec![
        format!("Puesto Reservado {tag}"),
        format!("Nota interna reservada {tag}"),
        format!("Empleador Reservado de {tag}"),
        format!("Contacto Reservado {tag}"),
        format!("Planta Reservada {tag}0"),
        format!("Convenio Reservado {tag}0"),
        employer_cuit.replace('-', ""),
        format!("Motivo reservado de C para {tag}"),
        secret_employer,
        format!("Nota confidencial de {tag}"),
        person_doc.to_owned(),
        format!("Zapata{tag}"),
        format!("{}@oficina.example.gob.ar", office.to_lowercase()),
        format!("Oficina {office}"),
        format!("usuario{}", tag.to_lowercase()),
        token[..12].to_owned(),
        office_id.to_string(),
    ];
    Side {
        tag,
        office,
        office_id,
        user,
        token_id,
        job,
        person: main,
        person_doc,
        ask_doc: Box::leak(doc(40).into_boxed_str()),
        other_doc: Box::leak(doc(60).into_boxed_str()),
        item: item1,
        item2,
        interview,
        requests,
        pairs,
        employer,
        employer2,
        employer_cuit,
        contacts: [contacts[0], contacts[1]],
        sites,
        agreements,
        vacancy,
        vacancies_to_move,
        referrals,
        hired,
        follow_ups: [follow_ups[0], follow_ups[1]],
        candidates,
        training,
        saved_searches: [Uuid::nil(); 3],
        programme: Uuid::nil(),
        other_programme: Uuid::nil(),
        applications: [Uuid::nil(); 2],
        beneficiary: Uuid::nil(),
        reviews: [Uuid::nil(); 2],
        document: Uuid::nil(),
        template: Uuid::nil(),
        message: Uuid::nil(),
        campaigns: [Uuid::nil(); 2],
        desk,
        booked,
        user_name: format!("usuario{}", tag.to_lowercase()),
        token_prefix: token[..12].to_owned(),
        markers,
    }
}

struct Fixture {
    app: TestApp,
    a: Side,
    b: Side,
    /// The Aula Virtual's Moodle (its "sync now" is a route like any other).
    _moodle: crate::training_moodle::MoodleServer,
}

async fn fixture() -> Fixture {
    let moodle = crate::training_moodle::MoodleServer::start();
    let url = moodle.url.clone();
    let app = TestApp::spawn_with(|c| {
        c.moodle_url = Some(url);
        c.moodle_token = Some(sipe::config::Secret::new(crate::training_moodle::TOKEN));
    })
    .await;
    app.office("OE-C", "").await;
    let uc = app.user("usuarioc", "coordinator", &["OE-C"]).await;
    let uc = sipe::access::store::find_user(&app.db, uc)
        .await
        .unwrap()
        .unwrap();
    let access_c = sipe::access::store::load_access(&app.db, &uc)
        .await
        .unwrap();
    let b = side(&app, "B", "OE-B", '2', &access_c).await;
    let mut a = side(&app, "A", "OE-A", '3', &access_c).await;
    let mut b = b;
    sipe::persons::duplicates::scan(&app.db).await.unwrap();
    let (pairs, _) = sipe::persons::duplicates::open_pairs(&app.db, &system(), 0, 100)
        .await
        .unwrap();
    for s in [&mut a, &mut b] {
        for (i, slot) in s.pairs.iter_mut().enumerate() {
            let surname = format!("Gemelo{}{i}", s.tag);
            let p = pairs
                .iter()
                .find(|p| p.first.surnames == surname)
                .unwrap_or_else(|| panic!("a pair of {surname}"));
            *slot = (p.pair.id, p.first.id);
        }
    }
    app.user("opa", "operator", &["OE-A"]).await;
    app.user("coa", "coordinator", &["OE-A"]).await;
    // Saved searches: office A's are the control walker's own, office B's its user's.
    let today = chrono::Utc::now().date_naive();
    for (side, owner) in [(&mut a, "coa"), (&mut b, "usuariob")] {
        let user = sipe::access::store::find_user_by_username(&app.db, owner)
            .await
            .unwrap()
            .unwrap();
        let access = sipe::access::store::load_access(&app.db, &user)
            .await
            .unwrap();
        for (i, slot) in side.saved_searches.iter_mut().enumerate() {
            let filters = sipe::persons::filters::PersonFilters {
                office: side.office.into(),
                ..Default::default()
            };
            *slot = sipe::persons::saved::save(
                &app.db,
                &ctx(),
                &access,
                &format!("Oficina {i}"),
                &filters,
                today,
            )
            .await
            .unwrap();
        }
    }
    // A programme per side (the catalogue is everyone's).
    for side in [&mut a, &mut b] {
        side.programme = sipe::programmes::programmes::create(
            &app.db,
            &ctx(),
            &sipe::programmes::programmes::ProgrammeInput {
                code: format!("PR{}", side.tag),
                name: format!("Programa {}", side.tag),
                // A work-training programme: its applications take a placement.
                kind: "work_placement".into(),
                payment_rule: "calendar_days".into(),
                legal_basis: "Res. 1/2026".into(),
                starts_on: "2026-01-01".into(),
                amounts: vec![sipe::programmes::programmes::AmountInput {
                    category: String::new(),
                    amount: "85.000".into(),
                    effective_from: "2026-01-01".into(),
                }],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    a.other_programme = b.programme;
    b.other_programme = a.programme;
    // Each side's person and learner applied to a programme; the person is a
    // beneficiary of the side's.
    let today = chrono::Utc::now().date_naive();
    for side in [&mut a, &mut b] {
        let pairs = [
            (side.person, side.other_programme),
            (side.training.learner, side.programme),
            (side.person, side.programme),
        ];
        let mut ids = Vec::new();
        for (person, programme) in pairs {
            ids.push(
                sipe::programmes::applications::service::apply(
                    &app.db,
                    &ctx(),
                    &system(),
                    &sipe::programmes::applications::service::ApplyInput {
                        programme_id: programme,
                        person_id: person,
                        category: String::new(),
                        submit: true,
                    },
                    today,
                )
                .await
                .unwrap(),
            );
        }
        side.applications = [ids[0], ids[1]];
        side.beneficiary = ids[2];
        for (version, action) in [(1, "approve"), (2, "activate")] {
            sipe::programmes::applications::service::step(
                &app.db,
                &ctx(),
                &system(),
                side.beneficiary,
                &sipe::programmes::applications::service::StepInput {
                    action: action.into(),
                    version,
                    ..Default::default()
                },
                today,
            )
            .await
            .unwrap();
        }
    }
    // An open compliance proposal about each of the two applications (as the nightly
    // check leaves them).
    for side in [&mut a, &mut b] {
        use sea_orm::ConnectionTrait;
        use sea_orm::sea_query::Query;
        let pairs = [
            (side.applications[0], side.person, side.other_programme),
            (side.applications[1], side.training.learner, side.programme),
        ];
        for (i, (application, person, programme)) in pairs.into_iter().enumerate() {
            let id = Uuid::now_v7();
            let stmt = Query::insert()
                .into_table("programme_compliance_reviews")
                .columns([
                    "id",
                    "application_id",
                    "programme_id",
                    "person_id",
                    "office_id",
                    "proposal",
                    "reason",
                    "detail",
                    "application_version",
                    "found_at",
                    "state",
                    "version",
                ])
                .values_panic([
                    id.into(),
                    application.into(),
                    programme.into(),
                    person.into(),
                    side.office_id.into(),
                    "suspend".into(),
                    "not_eligible".into(),
                    "employment".into(),
                    2.into(),
                    chrono::Utc::now().into(),
                    "open".into(),
                    1.into(),
                ])
                .to_owned();
            app.db.execute(&stmt).await.unwrap();
            side.reviews[i] = id;
        }
    }
    // A work-training placement of each side's second application, at its employer.
    for side in [&a, &b] {
        sipe::programmes::placements::set(
            &app.db,
            &ctx(),
            &system(),
            side.applications[1],
            &placement_body(side.employer_cuit, 0),
        )
        .await
        .unwrap();
    }
    // A document attached to each side's first application.
    for side in [&mut a, &mut b] {
        side.document = sipe::programmes::documents::attach(
            &app.db,
            &ctx(),
            &system(),
            &app.config.data_dir,
            side.applications[0],
            sipe::programmes::documents::Upload {
                document: "",
                file_name: &format!("dni-{}.pdf", side.tag),
                bytes: format!("%PDF-1.4 {}", side.tag).as_bytes(),
            },
        )
        .await
        .unwrap();
    }
    // A template of each side, and a message from it to the side's person.
    for side in [&mut a, &mut b] {
        side.template = sipe::messaging::templates::create(
            &app.db,
            &ctx(),
            &sipe::messaging::templates::TemplateInput {
                code: format!("aviso_{}", side.tag.to_lowercase()),
                name: format!("Aviso {}", side.tag),
                purpose: "service".into(),
                sms_text: "Hola {nombre}".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        side.message = sipe::messaging::send(
            &app.db,
            &ctx(),
            &format!("aviso_{}", side.tag.to_lowercase()),
            sipe::ids::PersonId(side.person),
            &[],
            &format!("scope-{}", side.tag),
        )
        .await
        .unwrap()
        .message_id
        .unwrap();
        for i in 0..2 {
            side.campaigns[i] = sipe::messaging::campaigns::create(
                &app.db,
                &ctx(),
                &system(),
                &[],
                &sipe::messaging::config::Settings::from_config(&app.config).unwrap(),
                &sipe::messaging::campaigns::CampaignInput {
                    name: format!("Campaña {} {i}", side.tag),
                    template_id: side.template.to_string(),
                    channel: "sms".into(),
                    filters: sipe::messaging::audiences::AudienceFilters {
                        office: side.office.into(),
                        ..Default::default()
                    },
                },
            )
            .await
            .unwrap();
        }
    }
    // Each side's person has a bank account to read.
    for side in [&a, &b] {
        sipe::programmes::bank::store::set(
            &app.db,
            &ctx(),
            &system(),
            side.person,
            &sipe::programmes::bank::AccountInput {
                cbu: Some("0170099220000067797370".into()),
                alias: None,
            },
        )
        .await
        .unwrap();
    }
    // The walkers assess as accredited evaluators: what refuses office B's enrolments is
    // the scope, not the accreditation.
    for username in ["opa", "coa"] {
        for standard in [a.training.standard, b.training.standard] {
            sipe::training::standards::accredit(
                &app.db,
                &ctx(),
                standard,
                &sipe::training::standards::AccreditationInput {
                    username: username.into(),
                    accreditation_number: format!("EV-{username}"),
                    valid_until: String::new(),
                },
            )
            .await
            .unwrap();
        }
    }
    app.sync_index().await;
    Fixture {
        app,
        a,
        b,
        _moodle: moodle,
    }
}

/// The route's path with the side's ids in it.
fn concrete(path: &str, s: &Side) -> String {
    let mut out = path.to_owned();
    while let Some(start) = out.find('{') {
        let end = out[start..]
            .find('}')
            .map(|e| start + e)
            .expect("closing brace");
        let name = &out[start + 1..end];
        let api = path.starts_with("/api/");
        let value = match name {
            "code" if path.contains("offices/") => s.office.to_owned(),
            "id" if path.contains("/counters/") => s.desk.counter.to_string(),
            // The phone line and the SLA settings are national, beyond every walker's
            // reach: any id.
            "id" if path.contains("/phone-calls/")
                || path.contains("/phone/calls/")
                || path.contains("sla/targets/")
                || path.contains("sla-targets/") =>
            {
                Uuid::nil().to_string()
            }
            "day" if path.contains("holidays/") => "2026-12-25".to_owned(),
            "file" if path.starts_with("/attention/reports/") => "channels.csv".to_owned(),
            "id" if path.starts_with("/attention/interactions/") => {
                s.desk.interactions[1].to_string()
            }
            "id" if path.contains("/interactions/") => s.desk.interactions[0].to_string(),
            "id" if path.contains("appointments/") => s.booked.ids[usize::from(api)].to_string(),
            "id" if path.starts_with("/attention/services/")
                || path.contains("/queue-services/") =>
            {
                s.desk.service.to_string()
            }
            // The web walk's sign-out puts the API's ticket back in the queue; its
            // call-next calls it again.
            "id" if path.contains("/tickets/") || path.starts_with("/turnos/") => {
                s.desk.tickets[0].to_string()
            }
            "id" if path.contains("/offices/") => s.office_id.to_string(),
            "id" if path.contains("/users/") => s.user.to_string(),
            "id" if path.contains("saved-searches/") || path.contains("/persons/searches/") => {
                s.saved_searches[usize::from(api)].to_string()
            }
            "id" if path.contains("/persons/") => s.person.to_string(),
            "id" if path.contains("/skills/") => Uuid::nil().to_string(),
            "id" if path.contains("institutions/") => s.training.institution.to_string(),
            "id" if path.contains("courses/") => s.training.course.to_string(),
            "id" if path.contains("/certificates.") => s.training.finished.to_string(),
            "id" if path.contains("cohorts/") && path.ends_with("/outcomes") => {
                s.training.running.to_string()
            }
            "id" if path.contains("cohorts/") && path.ends_with("/transitions") => {
                s.training.enrolling[usize::from(api)].to_string()
            }
            "id" if path.contains("cohorts/") && path.ends_with("/enrolments") => {
                s.training.enrolling[usize::from(api)].to_string()
            }
            "id" if path.contains("cohorts/") && path.contains("bulk") => {
                s.training.enrolling[usize::from(api)].to_string()
            }
            "id" if path.contains("cohorts/") => s.training.running.to_string(),
            "id" if path.contains("/sessions/") => s.training.session.to_string(),
            "id" if path.ends_with("/assessment") || path.ends_with("/evidence") => {
                s.training.assessed.to_string()
            }
            "id" if path.contains("/evidence/") => s.training.evidence.to_string(),
            "id" if path.contains("/standards/") => s.training.standard.to_string(),
            "id" if path.contains("/programme-documents/") => s.document.to_string(),
            "id" if path.contains("/messaging/templates/")
                || path.contains("/message-templates/") =>
            {
                s.template.to_string()
            }
            "id" if path.contains("/messaging/campaigns/")
                || path.contains("/api/v1/campaigns/") =>
            {
                s.campaigns[usize::from(api)].to_string()
            }
            "id" if path.contains("/messaging/messages/") || path.contains("/api/v1/messages/") => {
                s.message.to_string()
            }
            "id" if path.contains("/programme-compliance/") || path.contains("/compliance/") => {
                s.reviews[usize::from(api)].to_string()
            }
            "id" if path.contains("/programmes/") => s.programme.to_string(),
            // Runs are not office data: programme managers only, refused to the walkers.
            "id" if path.contains("/payment-runs/") => Uuid::nil().to_string(),
            "id" if path.contains("/programme-applications/") => {
                s.applications[usize::from(api)].to_string()
            }
            "id" if path.contains("paths/") => s.training.path.to_string(),
            "accreditation" => s.training.accreditation.to_string(),
            "id" if path.contains("/enrolments/") => {
                s.training.to_withdraw[usize::from(api)].to_string()
            }
            "owner" => s.training.institution.to_string(),
            "id" if path.contains("/issuers/") => s.training.issuer_key.to_string(),
            "n" => "0".to_owned(),
            "code" if path.contains("certificates/") || path.starts_with("/verificar") => {
                s.training.certificates[usize::from(api)].clone()
            }
            // The vocabulary is not office data: admins only.
            "id" if path.contains("/occupation-titles/") => Uuid::nil().to_string(),
            "id" if path.ends_with("/employers/{id}/active") => s.employer2.to_string(),
            "id" if path.contains("/employers/") => s.employer.to_string(),
            "id" if path.ends_with("/state") && !api => s.vacancies_to_move[0].to_string(),
            "id" if path.ends_with("/state") => s.vacancies_to_move[1].to_string(),
            "id" if path.contains("/vacancies/") => s.vacancy.to_string(),
            "id" if path.ends_with("/transitions") && api => s.referrals[1].to_string(),
            "id" if path.ends_with("/transitions") => s.referrals[0].to_string(),
            "id" if path.contains("/referrals/") => s.hired.to_string(),
            "id" if path.contains("/follow-ups/") && api => s.follow_ups[1].to_string(),
            "id" if path.contains("/follow-ups/") => s.follow_ups[0].to_string(),
            "contact_id" if api => s.contacts[1].to_string(),
            "contact_id" => s.contacts[0].to_string(),
            "site_id" if api => s.sites[1].to_string(),
            "site_id" => s.sites[0].to_string(),
            "agreement_id" if api => s.agreements[1].to_string(),
            "agreement_id" => s.agreements[0].to_string(),
            "token_id" => s.token_id.to_string(),
            "item_id" if api => s.item2.to_string(),
            "item_id" => s.item.to_string(),
            "request_id" => {
                let i = match (api, path.ends_with("/approve")) {
                    (false, true) => 0,
                    (false, false) => 1,
                    (true, true) => 2,
                    (true, false) => 3,
                };
                s.requests[i].to_string()
            }
            "pair_id" if path.ends_with("/dismiss") => s.pairs[1].0.to_string(),
            "pair_id" => s.pairs[0].0.to_string(),
            // Import runs are not office data: admins only, refused to everyone else.
            "run_id" => Uuid::nil().to_string(),
            "interview_id" => s.interview.to_string(),
            "job_id" => s.job.to_string(),
            "code" => "AR-90".to_owned(),
            "lang" => "en".to_owned(),
            other => panic!("route {path}: add a fixture for path parameter {{{other}}}"),
        };
        out.replace_range(start..=end, &value);
    }
    out
}

/// The route's path with the side's ids and the query a page needs to be served.
fn url_of(def: &RouteDef, s: &Side) -> String {
    let path = concrete(def.path, s);
    match def.path {
        "/persons/{id}/items/new" => format!("{path}?kind=work"),
        _ => path,
    }
}

/// What a request carries.
enum Payload {
    None,
    Form(Vec<(String, String)>),
    Json(Value),
    /// A file as the body.
    Bytes(Vec<u8>),
}

/// Routes walked with office B's ids but not expected to succeed on office A's: they
/// need a state the fixture's records are not in (covered by their own tests).
fn needs_a_state(def: &RouteDef) -> bool {
    // A hire finishes an active stay (`programmes_documents`).
    def.path.ends_with("/placement/hire")
        // A draft campaign is changed by its author only (the fixture's are the
        // system's); the messaging tests and the browser flow change their own.
        || def.path == "/messaging/campaigns/{id}/edit"
        || def.method == reqwest::Method::PUT && def.path == "/api/v1/campaigns/{id}"
        // A reply answers an SMS or WhatsApp conversation; the desk's consultations are
        // calls (`attention_conversations` answers its own).
        || def.path.ends_with("/interactions/{id}/replies")
        // Check-in is on the appointment's day; the fixture's are tomorrow's
        // (`attention_appointments` checks in its own).
        || def.path.ends_with("/appointments/{id}/check-in")
}

/// A work-training placement at an employer.
fn placement_body(cuit: &str, version: i32) -> sipe::programmes::placements::PlacementInput {
    sipe::programmes::placements::PlacementInput {
        employer_cuit: cuit.to_owned(),
        workplace: "Planta de empaque".into(),
        tutor_name: "Rosa Díaz".into(),
        tutor_contact: "381 555-0101".into(),
        tasks: "Embalaje".into(),
        weekly_hours: "20".into(),
        starts_on: "2026-03-01".into(),
        ends_on: "2026-08-31".into(),
        version,
    }
}

/// A body the route accepts for the side's records (so that, against the other office,
/// the scope check is what refuses, not validation). `n` tells walkers apart, for
/// records that must be unique.
fn body(def: &RouteDef, s: &Side, n: usize) -> Payload {
    let api = def.path.starts_with("/api/");
    let new_doc = format!(
        "{}9{n}0000{}",
        if s.tag == "A" { '3' } else { '2' },
        if api { 1 } else { 2 }
    );
    let base = if s.tag == "A" { 73_000_000 } else { 74_000_000 };
    let cuit = cuit(base + 1000 * n as u32 + if api { 500 } else { 0 });
    let person = |doc: &str, names: &str| {
        vec![
            ("doc_type", "dni".to_owned()),
            ("doc_number", doc.to_owned()),
            ("surnames", format!("Zapata{}", s.tag)),
            ("names", names.to_owned()),
            ("birth_date", "1985-03-04".to_owned()),
            ("sex", "F".to_owned()),
            ("office_code", s.office.to_owned()),
            ("confirm_duplicates", "true".to_owned()),
        ]
    };
    let employer = |cuit: &str, name: &str| {
        vec![
            ("cuit", cuit.to_owned()),
            ("legal_name", name.to_owned()),
            ("office_code", s.office.to_owned()),
            ("territory_code", "AR-90084".to_owned()),
        ]
    };
    let vacancy = |title: &str| {
        vec![
            ("employer_id", s.employer.to_string()),
            ("title", title.to_owned()),
            ("occupation", "7112.1".to_owned()),
            ("positions", "2".to_owned()),
        ]
    };
    let fields: Vec<(&str, String)> = match (def.method.as_str(), def.path) {
        ("POST", "/persons") | ("POST", "/api/v1/persons") => person(&new_doc, "Nueva"),
        ("POST", "/persons/{id}") | ("PATCH", "/api/v1/persons/{id}") => {
            person(s.person_doc, "Rosaura María")
        }
        ("POST", "/persons/{id}/items") | ("POST", "/api/v1/persons/{id}/items") => vec![
            ("kind", "work".into()),
            ("code", "albañil".into()),
            ("employer", "Constructora".into()),
            ("from_date", "2021-01-01".into()),
        ],
        ("POST", "/persons/{id}/situation") | ("PUT", "/api/v1/persons/{id}/situation") => vec![
            ("has_disability", "true".into()),
            ("dependants", "9".into()),
            ("employment_status", "unemployed".into()),
        ],
        ("POST", "/persons/{id}/interviews") | ("POST", "/api/v1/persons/{id}/interviews") => vec![
            ("situation", "unemployed".into()),
            ("hours", "any".into()),
            ("notes", "Entrevista".into()),
        ],
        ("POST", "/persons/{id}/job-search") | ("PUT", "/api/v1/persons/{id}/job-search") => {
            vec![
                ("actively_looking", "true".into()),
                ("salary_expectation", "500000".into()),
            ]
        }
        ("POST", "/persons/transfers") | ("POST", "/api/v1/transfer-requests") => vec![
            ("doc_type", "dni".into()),
            ("doc_number", s.ask_doc.into()),
            ("reason", "Se mudó".into()),
        ],
        ("POST", "/persons/duplicates/{pair_id}/merge") => vec![("keep", s.pairs[0].1.to_string())],
        ("POST", "/employers") | ("POST", "/api/v1/employers") => employer(cuit, "Empresa Nueva"),
        ("POST", "/employers/{id}") | ("PATCH", "/api/v1/employers/{id}") => {
            employer(s.employer_cuit, "Empleador Renombrado")
        }
        ("POST", "/employers/{id}/active") => vec![("active", "false".into())],
        ("POST", "/employers/{id}/contacts") | ("POST", "/api/v1/employers/{id}/contacts") => {
            vec![("name", "Contacto Nuevo".into()), ("role", "RRHH".into())]
        }
        ("POST", "/employers/{id}/sites") | ("POST", "/api/v1/employers/{id}/sites") => vec![
            ("name", "Depósito Nuevo".into()),
            ("territory_code", "AR-90084".into()),
        ],
        ("POST", "/employers/{id}/agreements") | ("POST", "/api/v1/employers/{id}/agreements") => {
            vec![
                ("kind", "other".into()),
                ("title", "Convenio Nuevo".into()),
                ("signed_on", "2026-02-01".into()),
            ]
        }
        ("POST", "/vacancies") | ("POST", "/api/v1/vacancies") => vacancy("Puesto Nuevo"),
        ("POST", "/vacancies/{id}") | ("PATCH", "/api/v1/vacancies/{id}") => {
            vacancy("Puesto Renombrado")
        }
        ("POST", "/vacancies/{id}/state") | ("POST", "/api/v1/vacancies/{id}/state") => {
            vec![("state", "paused".into()), ("note", "Pausa".into())]
        }
        ("POST", "/vacancies/{id}/referrals") => vec![("person_id", s.candidates[0].to_string())],
        ("POST", "/api/v1/referrals") => vec![
            ("vacancy_id", s.vacancy.to_string()),
            ("person_id", s.candidates[1].to_string()),
        ],
        ("POST", "/referrals/{id}/transitions") => vec![
            ("to", "interview_scheduled".into()),
            ("interview_at", "2026-12-10T10:00".into()),
        ],
        ("POST", "/api/v1/referrals/{id}/transitions") => vec![("to", "withdrawn".into())],
        ("POST", "/follow-ups/{id}") | ("POST", "/api/v1/follow-ups/{id}") => vec![
            ("still_employed", "true".into()),
            ("employer_name", "Empleador".into()),
        ],
        ("POST", "/offices") | ("POST", "/api/v1/offices") => vec![
            ("code", "OE-NUEVA".into()),
            ("name", "HACKED".into()),
            ("kind", "employment_office".into()),
        ],
        ("POST", "/offices/{id}") | ("PATCH", "/api/v1/offices/{id}") => vec![
            ("code", s.office.into()),
            ("name", "HACKED".into()),
            ("kind", "employment_office".into()),
        ],
        ("POST", "/offices/{id}/active") | ("POST", "/admin/users/{id}/active") => {
            vec![("active", "false".into())]
        }
        ("POST", "/admin/users") | ("POST", "/admin/users/{id}") => vec![
            ("username", "intruso".into()),
            ("full_name", "HACKED".into()),
            ("role", "admin".into()),
            ("password", "hacked password 123".into()),
        ],
        ("POST", "/admin/users/{id}/password") => vec![("password", "hacked password 123".into())],
        ("POST", "/admin/skills") => vec![("label", "Habilidad Nueva".into())],
        ("POST", "/admin/occupation-titles") | ("POST", "/api/v1/occupation-titles") => vec![
            ("masculine", "Ocupación Nueva".into()),
            ("unit_group", "9211".into()),
            ("sector", "agro".into()),
        ],
        ("POST", "/persons/{id}/duplicates") => vec![("other_document", s.other_doc.into())],
        ("POST", "/training/cohorts") | ("POST", "/api/v1/cohorts") => vec![
            ("course_id", s.training.course.to_string()),
            ("institution_id", s.training.institution.to_string()),
            ("office_code", s.office.into()),
            ("starts_on", "2026-04-06".into()),
            ("ends_on", "2026-04-30".into()),
            ("weekdays", "1".into()),
            ("start_time", "09:00".into()),
            ("end_time", "12:00".into()),
            ("place", "institution".into()),
            ("capacity", "20".into()),
        ],
        ("POST", "/training/cohorts/{id}/transitions")
        | ("POST", "/api/v1/cohorts/{id}/transitions") => vec![("to", "running".into())],
        ("POST", "/training/cohorts/{id}/enrolments") => {
            vec![("document", s.training.learner_doc.into())]
        }
        ("POST", "/api/v1/cohorts/{id}/enrolments") => {
            vec![("person_id", s.training.learner.to_string())]
        }
        ("POST", "/training/cohorts/{id}/bulk/confirm") => {
            vec![("documents", s.training.learner_doc.into())]
        }
        ("POST", "/persons/{id}/training") => {
            vec![("cohort_id", s.training.enrolling[0].to_string())]
        }
        ("POST", "/training/cohorts/{id}/outcomes") => {
            vec![(
                Box::leak(format!("grade_{}", s.training.marked).into_boxed_str()) as &str,
                "7".into(),
            )]
        }
        ("POST", "/training/sessions/{id}/attendance") => {
            vec![(
                Box::leak(format!("mark_{}", s.training.marked).into_boxed_str()) as &str,
                "absent".into(),
            )]
        }
        ("PUT", "/api/v1/cohorts/{id}/outcomes") => {
            return Payload::Json(
                json!({"outcomes": [{"enrolment_id": s.training.marked, "grade": "6"}]}),
            );
        }
        ("POST", "/api/v1/cohorts/{id}/bulk-enrolments") => {
            return Payload::Json(json!({"documents": [s.training.learner_doc]}));
        }
        ("PUT", "/api/v1/sessions/{id}/attendance") => {
            return Payload::Json(
                json!({"marks": [{"enrolment_id": s.training.marked, "status": "present"}]}),
            );
        }
        ("POST", "/training/enrolments/{id}/withdrawal")
        | ("POST", "/api/v1/enrolments/{id}/withdrawal") => vec![("reason", "other".into())],
        ("POST", "/programme-applications") => vec![
            ("person_id", s.training.learner.to_string()),
            ("programme_id", s.other_programme.to_string()),
            ("submit", "on".into()),
        ],
        ("POST", "/api/v1/programme-applications") => {
            return Payload::Json(
                json!({"person_id": s.training.spare, "programme_id": s.other_programme, "submit": true}),
            );
        }
        ("POST", "/programmes/{id}/attendance") => vec![
            ("month", chrono::Utc::now().format("%Y-%m").to_string()),
            ("application", s.beneficiary.to_string()),
            ("attended", "10".into()),
            ("expected", "20".into()),
        ],
        ("PUT", "/api/v1/programmes/{id}/attendance") => {
            return Payload::Json(json!({
                "month": chrono::Utc::now().format("%Y-%m").to_string(),
                "items": [{"application_id": s.beneficiary, "days_attended": 12, "days_expected": 20}],
            }));
        }
        ("POST", "/programme-applications/{id}/placement") => {
            let b = placement_body(s.employer_cuit, 0);
            vec![
                ("employer_cuit", b.employer_cuit),
                ("workplace", b.workplace),
                ("tutor_name", b.tutor_name),
                ("tutor_contact", b.tutor_contact),
                ("tasks", b.tasks),
                ("weekly_hours", b.weekly_hours),
                ("starts_on", b.starts_on),
                ("ends_on", b.ends_on),
                ("version", "0".into()),
            ]
        }
        ("PUT", "/api/v1/programme-applications/{id}/placement") => {
            return Payload::Json(
                serde_json::to_value(placement_body(s.employer_cuit, 1)).unwrap(),
            );
        }
        ("POST", "/api/v1/programme-applications/{id}/documents") => {
            return Payload::Bytes(format!("%PDF-1.4 walker {n}").into_bytes());
        }
        ("POST", "/programmes/compliance/{id}") => vec![
            ("decision", "dismiss".into()),
            ("version", "1".into()),
            ("note", "Sigue buscando trabajo".into()),
        ],
        ("POST", "/api/v1/programme-compliance/{id}/decision") => {
            return Payload::Json(
                json!({"decision": "dismiss", "version": 1, "note": "Sigue buscando trabajo"}),
            );
        }
        ("POST", "/programme-applications/{id}/steps") => {
            vec![("action", "review".into()), ("version", "1".into())]
        }
        ("POST", "/api/v1/programme-applications/{id}/transitions") => {
            return Payload::Json(json!({"action": "review", "version": 1}));
        }
        ("POST", "/persons/{id}/bank-account") | ("PUT", "/api/v1/persons/{id}/bank-account") => {
            vec![("cbu", "2850590940090418135201".into())]
        }
        ("POST", "/persons/searches") => vec![
            ("name", format!("Guardada {} {n}", s.tag)),
            ("office", s.office.into()),
        ],
        ("POST", "/api/v1/saved-searches") => {
            return Payload::Json(
                json!({"name": format!("Guardada api {} {n}", s.tag), "query": format!("office={}", s.office)}),
            );
        }
        ("POST", "/training/cohorts/{id}/bulk/search") => {
            vec![("saved_search", s.saved_searches[2].to_string())]
        }
        ("POST", "/training/enrolments/{id}/assessment") => vec![
            ("unit", "UC1".into()),
            ("result", "not_yet_competent".into()),
        ],
        ("PUT", "/api/v1/enrolments/{id}/assessment") => {
            return Payload::Json(json!({"results": [{"unit": "UC1", "result": "competent"}]}));
        }
        ("POST", "/training/certificates/{code}/revoke")
        | ("POST", "/api/v1/certificates/{code}/revocation") => {
            vec![("reason", "Error de carga".into())]
        }
        ("POST", "/messaging/templates") | ("POST", "/api/v1/message-templates") => vec![
            (
                "code",
                format!("nueva_{}_{n}_{}", s.tag.to_lowercase(), u8::from(api)),
            ),
            ("name", "Plantilla Nueva".into()),
            ("purpose", "service".into()),
            ("sms_text", "Hola {nombre}".into()),
        ],
        ("POST", "/messaging/templates/{id}") | ("PUT", "/api/v1/message-templates/{id}") => vec![
            ("code", format!("aviso_{}", s.tag.to_lowercase())),
            ("name", "Plantilla Renombrada".into()),
            ("purpose", "service".into()),
            ("sms_text", "Hola {nombre}".into()),
        ],
        ("POST", "/messaging/campaigns") | ("POST", "/messaging/campaigns/{id}/edit") => vec![
            ("name", "Campaña Nueva".into()),
            ("template_id", s.template.to_string()),
            ("channel", "sms".into()),
            ("office", s.office.into()),
            ("intent", "save".into()),
            ("version", "1".into()),
        ],
        ("POST", "/api/v1/campaigns") | ("PUT", "/api/v1/campaigns/{id}") => {
            return Payload::Json(json!({"name": "Campaña Nueva", "template_id": s.template,
                "channel": "sms", "filters": {"office": s.office}, "version": 1}));
        }
        ("POST", "/api/v1/message-audiences") => {
            return Payload::Json(
                json!({"name": "Audiencia Nueva", "filters": {"office": s.office}}),
            );
        }
        ("POST", "/api/v1/message-audiences/count") => {
            return Payload::Json(json!({"filters": {"office": s.office}}));
        }
        ("POST", "/messaging/campaigns/{id}/step") | ("POST", "/api/v1/campaigns/{id}/steps") => {
            if api {
                return Payload::Json(json!({"action": "cancel", "version": 1}));
            }
            vec![("action", "cancel".into()), ("version", "1".into())]
        }
        ("POST", "/messaging/sms-preview") | ("POST", "/api/v1/messaging/sms-preview") => {
            vec![("text", "Sesión informativa".into())]
        }
        ("POST", "/occupations/uncoded") => vec![
            (
                "key",
                format!("domador de zanganos qx{}", s.tag.to_lowercase()),
            ),
            ("occupation", "9211".into()),
        ],
        ("POST", "/attention/offices/{code}/services")
        | ("POST", "/api/v1/offices/{code}/services") => vec![
            (
                "prefix",
                format!("{}{}", if api { "X" } else { "W" }, ["A", "B"][n % 2]),
            ),
            ("name", "Servicio Nuevo".into()),
        ],
        ("PUT", "/api/v1/queue-services/{id}") => {
            return Payload::Json(json!({"prefix": "A", "name": "Servicio Renombrado"}));
        }
        // It keeps taking appointments (the walk books some).
        ("POST", "/attention/services/{id}") => vec![
            ("prefix", "A".into()),
            ("name", "Servicio Renombrado".into()),
            ("active", "on".into()),
            ("slot_minutes", "30".into()),
            ("slot_capacity", "5".into()),
        ],
        ("POST", "/attention/offices/{code}/appointments")
        | ("POST", "/api/v1/offices/{code}/appointments") => {
            let document = format!("3088800{}", usize::from(api));
            if api {
                return Payload::Json(json!({"service_id": s.desk.service,
                    "starts_at": s.booked.free_slot, "document": document}));
            }
            vec![
                ("service_id", s.desk.service.to_string()),
                ("starts_at", s.booked.free_slot.clone()),
                ("document", document),
            ]
        }
        ("POST", "/attention/offices/{code}/counters")
        | ("POST", "/attention/counters/{id}/edit")
        | ("POST", "/api/v1/offices/{code}/counters")
        | ("PUT", "/api/v1/counters/{id}") => {
            // Counter names are unique in an office.
            let name = format!(
                "Box {} {}{n}",
                if api { "Api" } else { "Web" },
                if def.path.contains("{id}") {
                    "Renombrado"
                } else {
                    "Nuevo"
                }
            );
            if api {
                return Payload::Json(json!({"name": name, "services": [s.desk.service]}));
            }
            vec![
                ("name", name),
                ("services", s.desk.service.to_string()),
                ("active", "on".into()),
            ]
        }
        ("POST", "/attention/offices/{code}/tickets")
        | ("POST", "/api/v1/offices/{code}/tickets") => {
            vec![("service_id", s.desk.service.to_string())]
        }
        ("POST", "/attention/interactions") | ("POST", "/api/v1/interactions") => vec![
            ("channel", "phone".into()),
            ("person_id", s.person.to_string()),
            ("notes", "Consulta nueva".into()),
        ],
        ("POST", "/attention/interactions/{id}/status")
        | ("POST", "/api/v1/interactions/{id}/status") => {
            if api {
                return Payload::Json(json!({"status": "resolved", "version": 1}));
            }
            vec![("status", "resolved".into()), ("version", "1".into())]
        }
        ("POST", "/attention/interactions/{id}/replies")
        | ("POST", "/api/v1/interactions/{id}/replies") => vec![("text", "Hola".into())],
        // An id of nothing: a bulk change of the desk's consultations would bump the
        // versions the status change below sends (`attention_sla` covers the action).
        ("POST", "/attention/interactions/bulk") | ("POST", "/api/v1/interactions/bulk") => {
            if api {
                return Payload::Json(json!({"ids": [Uuid::nil()], "action": "assign"}));
            }
            vec![
                ("ids", Uuid::nil().to_string()),
                ("action", "assign".into()),
            ]
        }
        ("POST", "/attention/offices/{code}/hours") | ("PUT", "/api/v1/offices/{code}/hours") => {
            // Open round the clock, as the fixture's appointments need; Monday's hours
            // shortened by a minute.
            if api {
                let days: Vec<Value> = (0..7)
                    .map(|d| json!({"weekday": d, "opens": "00:00", "closes": if d == 0 { "23:58" } else { "23:59" }}))
                    .collect();
                return Payload::Json(json!({ "days": days }));
            }
            let opens = [
                "opens_0", "opens_1", "opens_2", "opens_3", "opens_4", "opens_5", "opens_6",
            ];
            let closes = [
                "closes_0", "closes_1", "closes_2", "closes_3", "closes_4", "closes_5", "closes_6",
            ];
            opens
                .into_iter()
                .zip(closes)
                .enumerate()
                .flat_map(|(d, (o, c))| {
                    [
                        (o, "00:00".to_owned()),
                        (c, if d == 0 { "23:58" } else { "23:59" }.to_owned()),
                    ]
                })
                .collect()
        }
        // The call before it (same walk) called this ticket.
        ("POST", "/attention/tickets/{id}/steps") | ("POST", "/api/v1/tickets/{id}/steps") => {
            vec![("step", "start".into())]
        }
        _ => vec![],
    };
    if fields.is_empty() && def.method != reqwest::Method::POST {
        return Payload::None;
    }
    if api {
        let mut map = serde_json::Map::new();
        for (k, v) in fields {
            let value = match (k, v.as_str()) {
                ("positions", n) => json!(n.parse::<i64>().unwrap_or(1)),
                ("vacancy_id" | "person_id" | "employer_id", id) => json!(id),
                ("weekdays", d) => json!([d]),
                (_, "true") if k == "has_disability" => json!("true"),
                (_, v) => json!(v),
            };
            map.insert(k.to_owned(), value);
        }
        Payload::Json(Value::Object(map))
    } else {
        Payload::Form(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
}

/// Routes a walk does not send: the session's own steps, and one's own account (no office
/// data; covered by the account tests).
fn skipped(def: &RouteDef) -> bool {
    def.path == "/logout"
        || def.path.starts_with("/login")
        || (def.path.starts_with("/account") && !def.path.contains("{token_id}"))
        || def.path == "/admin/imports" && def.method == reqwest::Method::POST
        // Multipart, and it changes nothing: `training_bulk` and `training_staff` cover it.
        || def.path == "/training/cohorts/{id}/bulk" && def.method == reqwest::Method::POST
        // Multipart: `training_competency` covers it (and the API's upload is walked).
        || def.path == "/training/enrolments/{id}/evidence"
        // Multipart: `programmes::a_closed_run_*` covers it through the API's JSON.
        || def.path == "/programmes/{id}/attendance/file"
        // Multipart: `programmes_documents` covers it (and the API's upload is walked).
        || def.path == "/programme-applications/{id}/documents"
        // Multipart, national data: `programmes_national` covers the import.
        || def.path == "/programmes/national/imports"
        // Public, keyed by a campaign e-mail's id, and it withdraws a consent:
        // `messaging_unsubscribe` covers it.
        || def.path == "/baja/{id}"
        // Providers' webhooks, signed by the provider, not office data:
        // `messaging_whatsapp` covers them.
        || def.path.starts_with("/api/v1/messaging/webhooks/")
        // Public: anyone takes a ticket at any office's kiosk (`attention` covers it and
        // its limit).
        || def.path == "/offices/{code}/kiosk" && def.method == reqwest::Method::POST
        || def.path == "/offices/{code}/turno" && def.method == reqwest::Method::POST
        // Public: anyone books, checks in or opens an appointment's page by its secret
        // (`attention_appointments` covers them).
        || def.path == "/offices/{code}/citas" && def.method == reqwest::Method::POST
        || def.path == "/offices/{code}/kiosk/cita" && def.method == reqwest::Method::POST
        || def.path.starts_with("/citas/{secret}")
        // A display's stream never ends: `attention` reads it.
        || def.path == "/offices/{code}/display/events"
        // The PBX's webhook, authenticated by the secret in its URL, not office data:
        // `attention_phone` covers it.
        || def.path == "/api/v1/cti/{token}"
        // Public: anyone sends a consultation (`attention_web_form` covers it and its
        // limit).
        || def.path == "/consultas" && def.method == reqwest::Method::POST
}

/// A signed-in walker: its browser, form token and API token.
struct Walker {
    username: &'static str,
    role: Role,
    client: reqwest::Client,
    csrf: String,
    token: String,
}

impl Walker {
    async fn new(app: &TestApp, username: &'static str, role: Role) -> Self {
        let client = app.client();
        let csrf = app.login(&client, username).await;
        let user = sipe::access::store::find_user_by_username(&app.db, username)
            .await
            .unwrap()
            .unwrap();
        let token = app.token(user.id).await;
        Self {
            username,
            role,
            client,
            csrf,
            token,
        }
    }

    /// Sends one route; logs in again and resends once if the session was lost.
    async fn send(
        &mut self,
        app: &TestApp,
        def: &RouteDef,
        path: &str,
        payload: &Payload,
    ) -> (StatusCode, String, String) {
        for attempt in 0..2 {
            let url = app.url(path);
            let mut req = self.client.request(def.method.clone(), &url);
            let api = matches!(def.guard, Guard::Api(_));
            if api {
                req = req.bearer_auth(&self.token);
            }
            req = match payload {
                Payload::None if api => req,
                Payload::None => req.form(&[("_csrf", self.csrf.as_str())]),
                Payload::Form(fields) => {
                    if api {
                        req.json(&fields.iter().cloned().collect::<BTreeMap<_, _>>())
                    } else {
                        let mut all = fields.clone();
                        all.push(("_csrf".into(), self.csrf.clone()));
                        req.form(&all)
                    }
                }
                Payload::Json(v) => req.json(v),
                Payload::Bytes(b) => req.body(b.clone()),
            };
            let res = req.send().await.unwrap();
            let status = res.status();
            let flash = res
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|c| c.starts_with("sipe_flash="))
                .unwrap_or_default()
                .to_owned();
            let lost = status == StatusCode::SEE_OTHER
                && location(res.headers()).starts_with("/login")
                && !api;
            let body = res.text().await.unwrap_or_default();
            if lost && attempt == 0 {
                self.csrf = app.login(&self.client, self.username).await;
                continue;
            }
            return (status, body, flash);
        }
        unreachable!()
    }

    fn may(&self, guard: Guard) -> bool {
        match guard {
            Guard::Public | Guard::AnyUser => true,
            // Walkers hold office scopes: a permission over the whole system needs a
            // national one.
            Guard::Web(p) | Guard::Api(p) => self.role.can(p) && !p.is_system_wide(),
        }
    }
}

/// Every row of every table, keyed by table and row id (or the whole row).
async fn dump(db: &sipe::db::Db) -> BTreeMap<String, BTreeMap<String, Value>> {
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        sea_orm::DbBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => "SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema()",
    };
    let tables = JsonValue::find_by_statement(Statement::from_string(backend, tables_sql))
        .all(db)
        .await
        .unwrap();
    let mut out = BTreeMap::new();
    for t in tables {
        let name = t["t"].as_str().unwrap().to_owned();
        if name == "seaql_migrations" {
            continue;
        }
        let rows = JsonValue::find_by_statement(Statement::from_string(
            backend,
            format!("SELECT * FROM {name}"),
        ))
        .all(db)
        .await
        .unwrap();
        let keyed = rows
            .into_iter()
            .map(|r| {
                let key = ["id", "seq", "key", "person_id", "code"]
                    .iter()
                    .find_map(|k| r.get(*k).filter(|v| !v.is_null()).map(|v| v.to_string()))
                    .unwrap_or_else(|| r.to_string());
                (key, r)
            })
            .collect();
        out.insert(name, keyed);
    }
    out
}

/// Tables whose rows a walk changes by being a walk: sessions, audit rows of reads.
const WALK_TABLES: [&str; 3] = ["sessions", "audit_log", "audit_head"];
/// Columns a walk changes: logins and token use.
const WALK_COLUMNS: [(&str, &str); 4] = [
    ("users", "last_login_at"),
    ("users", "failed_logins"),
    ("users", "updated_at"),
    ("api_tokens", "last_used_at"),
];

/// Every row that existed before is there and unchanged (but for what a walk changes);
/// new rows appear only where asking is allowed. Returns how many rows were compared.
fn unchanged(
    before: &BTreeMap<String, BTreeMap<String, Value>>,
    after: &BTreeMap<String, BTreeMap<String, Value>>,
) -> usize {
    let mut compared = 0;
    for (table, rows) in before {
        if WALK_TABLES.contains(&table.as_str()) {
            continue;
        }
        let now = &after[table];
        for (key, row) in rows {
            let mut row = row.clone();
            let mut then = now
                .get(key)
                .unwrap_or_else(|| panic!("{table} row {key} was deleted by the walk"))
                .clone();
            for (t, c) in WALK_COLUMNS {
                if t == table {
                    row.as_object_mut().unwrap().remove(c);
                    then.as_object_mut().unwrap().remove(c);
                }
            }
            assert_eq!(row, then, "{table} row {key} was changed by the walk");
            compared += 1;
        }
        let new: Vec<&String> = now.keys().filter(|k| !rows.contains_key(*k)).collect();
        // Asking for a transfer is allowed to anyone (it reveals nothing); new API tokens
        // are the walkers' own.
        if !["transfer_requests", "api_tokens", "person_saved_searches"].contains(&table.as_str()) {
            assert!(new.is_empty(), "the walk added rows to {table}: {new:?}");
        }
    }
    compared
}

#[tokio::test]
async fn every_route_hides_office_b_from_office_a_and_serves_office_a_its_own() {
    let f = fixture().await;
    let app = &f.app;
    assert!(app.routes.len() > 100, "the route table is walked");
    let mut walkers = [
        Walker::new(app, "opa", Role::Operator).await,
        Walker::new(app, "coa", Role::Coordinator).await,
    ];
    let before = dump(&app.db).await;

    // Office B's ids: nothing leaks, nothing changes.
    let mut sent = 0;
    for (n, w) in walkers.iter_mut().enumerate() {
        for def in app.routes.iter().filter(|d| !skipped(d)) {
            let path = url_of(def, &f.b);
            let (status, body, _) = w.send(app, def, &path, &body(def, &f.b, n)).await;
            sent += 1;
            // Process-wide numbers whose labels are route patterns: digits of a
            // document number turn up in its floats.
            if def.path == "/metrics" {
                continue;
            }
            // An office's public screens (its display, kiosk and tickets) say its name,
            // and the consultation form lists every office: that is public; nothing
            // else of it may show.
            let public_screen = def.guard == Guard::Public
                && (def.path.starts_with("/offices/{code}/")
                    || def.path.starts_with("/turnos/")
                    || def.path.starts_with("/consultas"));
            let office_name = format!("Oficina {}", f.b.office);
            for marker in &f.b.markers {
                if public_screen && *marker == office_name {
                    continue;
                }
                assert!(
                    !(status.is_success() && body.contains(marker.as_str())),
                    "{} {} leaked {marker:?} to {} (status {status})",
                    def.method,
                    def.path,
                    w.username
                );
            }
            let changes = def.method != reqwest::Method::GET;
            // A bulk enrolment answers for each document; someone outside the caller's
            // scope is `not_found` in the answer, and nothing changes (the dump says so).
            let asks = def.path == "/persons/transfers"
                || def.path == "/api/v1/transfer-requests"
                || def.path == "/api/v1/saved-searches"
                || def.path == "/api/v1/cohorts/{id}/bulk-enrolments"
                // Counts the characters of a text: no office's data, nothing stored.
                || def.path == "/api/v1/messaging/sms-preview"
                // Leaves one's own counter: no id, nothing of office B's.
                || def.path == "/api/v1/counters/sign-out"
                // Answers how many it changed: office B's are skipped (the dump says
                // nothing changed).
                || def.path == "/api/v1/interactions/bulk";
            if changes && !asks {
                assert!(
                    !status.is_success()
                        || status == StatusCode::OK && !def.path.starts_with("/api/"),
                    "{} {} answered {status} to {} with office B's ids",
                    def.method,
                    def.path,
                    w.username
                );
            }
        }
    }
    let after = dump(&app.db).await;
    let compared = unchanged(&before, &after);
    assert!(
        compared > 300,
        "every row of the fixtures was compared ({compared})"
    );
    assert!(sent > 200, "{sent} requests sent");

    // Office A's own ids: the positive control. Reads are served and show A's records.
    let mut served = 0;
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut refused = Vec::new();
    for w in walkers.iter_mut() {
        for def in app
            .routes
            .iter()
            .filter(|d| !skipped(d) && d.method == reqwest::Method::GET)
        {
            let path = url_of(def, &f.a);
            let (status, body, _) = w.send(app, def, &path, &Payload::None).await;
            // The language switch answers with a redirect back, by design.
            let redirect_by_design = def.path == "/lang/{lang}" && status == StatusCode::SEE_OTHER;
            if status.is_success() || redirect_by_design {
                served += 1;
                for m in &f.a.markers {
                    if body.contains(m.as_str()) {
                        seen.insert(m.as_str());
                    }
                }
            } else if w.may(def.guard)
                && def.path != "/admin/imports/{run_id}/report"
                // A draft's form is its author's (the fixture's are the system's); others
                // go back to the campaign.
                && !(def.path == "/messaging/campaigns/{id}/edit" && status == StatusCode::SEE_OTHER)
            {
                refused.push(format!("{} GET {path} → {status}", w.username));
            }
        }
    }
    assert!(
        refused.is_empty(),
        "office A's own records refused to office A:\n{}",
        refused.join("\n")
    );
    assert!(
        served > 100,
        "{served} pages and API reads served office A's records"
    );
    // Office A's users, their tokens and office ids are the admin's to list.
    let admin_only = [
        f.a.user_name.as_str(),
        f.a.token_prefix.as_str(),
        &f.a.office_id.to_string(),
    ];
    let missing: Vec<&String> =
        f.a.markers
            .iter()
            .filter(|m| !seen.contains(m.as_str()) && !admin_only.contains(&m.as_str()))
            .collect();
    assert!(missing.is_empty(), "office A never saw its own {missing:?}");

    // And the same bodies change office A's own records, so validation was not what
    // refused them above: each route the coordinator may use succeeds.
    let w = &mut walkers[1];
    let coa = sipe::access::store::find_user_by_username(&app.db, "coa")
        .await
        .unwrap()
        .unwrap();
    app.token(coa.id).await;
    let spare_token = sipe::access::store::list_tokens(&app.db, coa.id)
        .await
        .unwrap()[0]
        .id;
    let mut failed = Vec::new();
    let mut changed = 0;
    for def in app
        .routes
        .iter()
        .filter(|d| !skipped(d) && !needs_a_state(d) && d.method != reqwest::Method::GET)
    {
        if !w.may(def.guard) {
            continue;
        }
        let mut path = url_of(def, &f.a);
        if def.path.contains("{token_id}") {
            // One's own token: the control walker's spare one.
            path = path.replace(&f.a.token_id.to_string(), &spare_token.to_string());
        }
        let (status, body, flash) = w.send(app, def, &path, &body(def, &f.a, 1)).await;
        let ok = if def.path.starts_with("/api/") {
            status.is_success()
        } else {
            (status == StatusCode::SEE_OTHER || status == StatusCode::OK)
                && !flash.starts_with("sipe_flash=error")
        };
        if ok {
            changed += 1;
        } else {
            failed.push(format!(
                "{} {path} → {status} {flash} {}",
                def.method,
                body.find("flash-error")
                    .or(body.find("field-error"))
                    .map(|i| &body[i..])
                    .unwrap_or(&body)
                    .chars()
                    .take(300)
                    .collect::<String>()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "valid bodies refused on office A's own records:\n{}",
        failed.join("\n")
    );
    assert!(
        changed > 40,
        "{changed} changes made to office A's own records"
    );
}

#[tokio::test]
async fn the_operator_sees_their_own_office_but_not_the_other() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let office_b = app.office("OE-B", "").await;
    let (c, _) = app.signed_in("opa", "operator", &["OE-A"]).await;
    let html = app.get_page(&c, "/offices").await;
    assert!(html.contains("OE-A"));
    assert!(!html.contains("OE-B"));
    let res = c
        .get(app.url(&format!("/offices/{office_b}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "out of scope is not found, not forbidden"
    );
}

#[tokio::test]
async fn every_protected_route_refuses_anonymous_visitors() {
    let f = fixture().await;
    let app = &f.app;
    let c = app.client();
    let mut checked = 0;
    for def in &app.routes {
        if def.guard == Guard::Public {
            continue;
        }
        let path = concrete(def.path, &f.b);
        let req = match def.method.as_str() {
            "GET" => c.get(app.url(&path)),
            "POST" => c.post(app.url(&path)).form(&[("name", "x")]),
            "DELETE" => c.delete(app.url(&path)),
            m => c
                .request(m.parse().unwrap(), app.url(&path))
                .header("content-type", HeaderValue::from_static("application/json"))
                .body("{}"),
        };
        let res = req.send().await.unwrap();
        let expected = if matches!(def.guard, Guard::Api(_)) {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::SEE_OTHER
        };
        assert_eq!(
            res.status(),
            expected,
            "{} {} without login",
            def.method,
            def.path
        );
        checked += 1;
    }
    assert!(checked > 100, "{checked} routes checked");
}

#[tokio::test]
async fn a_coordinator_of_a_parent_office_sees_the_offices_below_it() {
    let app = TestApp::spawn().await;
    app.office("ZONA", "").await;
    app.office("OE-1", "ZONA").await;
    app.office("OE-2", "ZONA").await;
    app.office("OTRA", "").await;
    app.user("coord", "coordinator", &["ZONA"]).await;
    let user = sipe::access::store::find_user_by_username(&app.db, "coord")
        .await
        .unwrap()
        .unwrap();
    let access = sipe::access::store::load_access(&app.db, &user)
        .await
        .unwrap();
    let visible: Vec<String> =
        sipe::territory::store::offices_in_scope(&app.db, &access, sipe::access::ScopeKind::View)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.code)
            .collect();
    assert_eq!(visible, ["OE-1", "OE-2", "ZONA"]);
}

#[tokio::test]
async fn scope_owns_filters_any_table_by_its_office_column() {
    use sea_orm::{EntityTrait, QueryFilter};
    use sipe::territory::entity::office_coverage;
    let app = TestApp::spawn().await;
    let a = app.office("OE-A", "").await;
    let b = app.office("OE-B", "").await;
    sipe::territory::store::replace_coverage(&app.db, a, &["AR-90084".into()])
        .await
        .unwrap();
    sipe::territory::store::replace_coverage(&app.db, b, &["AR-90119".into()])
        .await
        .unwrap();
    app.user("opa", "operator", &["OE-A"]).await;
    let user = sipe::access::store::find_user_by_username(&app.db, "opa")
        .await
        .unwrap()
        .unwrap();
    let access = sipe::access::store::load_access(&app.db, &user)
        .await
        .unwrap();
    let rows = office_coverage::Entity::find()
        .filter(access.view.owns(office_coverage::Column::OfficeId))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].office_id, a);
    let all = office_coverage::Entity::find()
        .filter(sipe::access::Scope::National.owns(office_coverage::Column::OfficeId))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
}

#[tokio::test]
async fn a_user_without_any_scope_sees_no_office() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let input = sipe::access::service::UserInput {
        username: "sinalcance".into(),
        full_name: "Sin alcance".into(),
        email: String::new(),
        role: "analyst".into(),
        scopes: sipe::access::service::ScopeInput::default(),
        affiliation: String::new(),
    };
    sipe::access::service::create_user(
        &app.db,
        &AuditCtx::system(),
        &system(),
        &input,
        crate::helpers::PASSWORD,
    )
    .await
    .unwrap();
    let user = sipe::access::store::find_user_by_username(&app.db, "sinalcance")
        .await
        .unwrap()
        .unwrap();
    let access = sipe::access::store::load_access(&app.db, &user)
        .await
        .unwrap();
    assert_eq!(access.view, sipe::access::Scope::Offices(vec![]));
    let visible =
        sipe::territory::store::offices_in_scope(&app.db, &access, sipe::access::ScopeKind::View)
            .await
            .unwrap();
    assert!(visible.is_empty());
}
