//! Merging two people leaves nothing pointing at the merged one, in any module: every
//! table with a person id (found from the schema, not listed here) is checked.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use crate::helpers::{TestApp, location};
use crate::matching::{Person, person};

/// Every (table, column) holding a person id: columns named `person_id` or ending in
/// `_person_id`, and columns with a foreign key to `persons`.
async fn person_id_columns(app: &TestApp) -> Vec<(String, String)> {
    let db = &app.db;
    let backend = db.get_database_backend();
    let query = match backend {
        DbBackend::Sqlite => {
            "SELECT m.name AS tbl, c.name AS col FROM sqlite_master m \
             JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND (c.name = 'person_id' OR c.name LIKE '%\\_person\\_id' ESCAPE '\\') \
             UNION SELECT m.name, f.\"from\" FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND f.\"table\" = 'persons' AND m.name <> 'persons'"
        }
        _ => {
            "SELECT table_name::text AS tbl, column_name::text AS col \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND (column_name = 'person_id' OR column_name LIKE '%\\_person\\_id') \
             UNION SELECT c.conrelid::regclass::text, a.attname::text FROM pg_constraint c \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) \
             WHERE c.contype = 'f' AND c.confrelid = 'persons'::regclass \
             AND c.conrelid <> 'persons'::regclass"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, query))
        .await
        .unwrap();
    let mut out: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get::<String>("", "tbl").unwrap(),
                r.try_get::<String>("", "col").unwrap(),
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

async fn rows_pointing_at(app: &TestApp, table: &str, column: &str, id: Uuid) -> i64 {
    let backend = app.db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = $1"),
        _ => format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = ?"),
    };
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [id.into()]))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

pub async fn open_vacancy(app: &TestApp, employer: Uuid, title: &str) -> Uuid {
    let ctx = sipe::audit::AuditCtx::system();
    let system = sipe::access::Access::system("t");
    let vacancy = sipe::intermediation::vacancies::service::create_vacancy(
        &app.db,
        &ctx,
        &system,
        &sipe::intermediation::vacancies::input::VacancyInput {
            employer_id: Some(employer),
            title: title.into(),
            occupation: "9321.2".into(),
            contract_type: "seasonal".into(),
            positions: Some(2),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sipe::intermediation::vacancies::service::change_state(
        &app.db, &ctx, &system, vacancy, "open", "",
    )
    .await
    .unwrap();
    vacancy
}

pub async fn refer(app: &TestApp, vacancy: Uuid, person: Uuid) -> Uuid {
    sipe::intermediation::referrals::service::refer(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::intermediation::referrals::service::ReferralInput {
            vacancy_id: Some(vacancy),
            person_id: Some(person),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// Merges the one open pair of the queue as office A's coordinator, keeping `kept`.
async fn merge_keeping(app: &TestApp, kept: Uuid) -> reqwest::Response {
    merge_in(app, "OE-A", kept).await
}

/// Merges the one open pair of the queue as a coordinator of `office`, keeping `kept`.
async fn merge_in(app: &TestApp, office: &str, kept: Uuid) -> reqwest::Response {
    sipe::persons::duplicates::scan(&app.db).await.unwrap();
    let (c, csrf) = app
        .signed_in(&format!("coord-{office}"), "coordinator", &[office])
        .await;
    let html = app.get_page(&c, "/persons/duplicates").await;
    let start = html
        .find("/persons/duplicates/")
        .expect("a pair in the queue");
    let link = &html[start..start + html[start..].find('"').unwrap()];
    let pair = link.rsplit('/').next().unwrap().to_owned();
    let keep = kept.to_string();
    app.post_form(
        &c,
        &csrf,
        &format!("/persons/duplicates/{pair}/merge"),
        &[("keep", keep.as_str())],
    )
    .await
}

fn seeker(dni: &str) -> Person<'_> {
    Person {
        office: "OE-A",
        dni,
        names: "Ana",
        education: "3",
        department: "AR-90084",
        employment: "unemployed",
        items: &[
            ("desired", "9321.2", "", ""),
            ("work", "9321.2", "2020-01-01", "2021-06-30"),
        ],
    }
}

async fn referral_state(app: &TestApp, id: Uuid) -> (String, Option<String>) {
    let r = sipe::intermediation::referrals::service::visible(
        &app.db,
        &sipe::access::Access::system("t"),
        sipe::access::ScopeKind::View,
        id,
    )
    .await
    .unwrap()
    .unwrap();
    (r.state, r.reason)
}

/// Gives `gone` a row in every module's person tables, through the use cases; `kept`
/// looks for work and has an open referral elsewhere, returned.
async fn give_everything(app: &TestApp, gone: Uuid, kept: Uuid) -> Uuid {
    let ctx = sipe::audit::AuditCtx::system();
    let system = sipe::access::Access::system("t");
    let tz = crate::helpers::TZ;
    // Persons: an interview, a field change (history) and a pending transfer request.
    sipe::persons::interview::record(
        &app.db,
        &ctx,
        &system,
        gone,
        &sipe::persons::interview::InterviewInput {
            situation: "unemployed".into(),
            hours: "any".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sipe::persons::profile::update_situation(
        &app.db,
        &ctx,
        &system,
        tz,
        gone,
        &sipe::persons::profile::SituationInput {
            travel_radius_km: "30".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sipe::persons::transfer::request(
        &app.db,
        &ctx,
        &system,
        &sipe::persons::transfer::TransferInput {
            doc_type: "dni".into(),
            doc_number: "30111223".into(),
            office_code: "OE-B".into(),
            reason: "Se mudó".into(),
        },
    )
    .await
    .unwrap();
    // Intermediation: both have a job search; the merged one was referred and hired.
    for id in [gone, kept] {
        sipe::intermediation::seekers::service::update_job_search(
            &app.db,
            &ctx,
            &system,
            tz,
            id,
            &sipe::intermediation::seekers::service::JobSearchInput {
                actively_looking: Some("true".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let employer = crate::vacancies::employer(app, "OE-A", "30-71234567-1", "Empaque").await;
    let vacancy = open_vacancy(app, employer, "Embalador").await;
    let elsewhere = open_vacancy(app, employer, "Estibador").await;
    let kept_elsewhere = refer(app, elsewhere, kept).await;
    let referral = refer(app, vacancy, gone).await;
    for (to, start) in [("sent", ""), ("hired", "2026-12-01")] {
        sipe::intermediation::referrals::service::transition(
            &app.db,
            &ctx,
            &system,
            tz,
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
    // Training: the merged one finished a course and holds its certificate.
    let institution = crate::training::institution(app, "30-71234567-1", "CFP 1").await;
    let course = crate::training::course(app, "Electricidad", "").await;
    let cohort = crate::training::cohort(app, course, institution, "OE-A", 5, &["enrolling"]).await;
    let enrolled = crate::training::enrol(app, cohort, gone).await.id;
    crate::training::move_to(app, cohort, "running").await;
    crate::training::take_attendance(app, cohort, None).await;
    crate::training::grade(app, cohort, enrolled, "8").await;
    crate::training::move_to(app, cohort, "finished").await;
    // Programmes: the merged one's bank account (the kept one has none: it moves).
    sipe::programmes::bank::store::set(
        &app.db,
        &ctx,
        &system,
        gone,
        &sipe::programmes::bank::AccountInput {
            cbu: Some("2850590940090418135201".into()),
            alias: None,
        },
    )
    .await
    .unwrap();
    // And an application to a programme.
    let programme = sipe::programmes::programmes::create(
        &app.db,
        &ctx,
        &sipe::programmes::programmes::ProgrammeInput {
            code: "PEJ".into(),
            name: "Jóvenes".into(),
            kind: "training_stipend".into(),
            legal_basis: "Res. 1/2026".into(),
            starts_on: "2020-01-01".into(),
            amounts: vec![sipe::programmes::programmes::AmountInput {
                category: String::new(),
                amount: "85.000".into(),
                effective_from: "2020-01-01".into(),
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let today = chrono::Utc::now().date_naive();
    let application = sipe::programmes::applications::service::apply(
        &app.db,
        &ctx,
        &system,
        &sipe::programmes::applications::service::ApplyInput {
            programme_id: programme,
            person_id: gone,
            category: String::new(),
            submit: true,
        },
        today,
    )
    .await
    .unwrap();
    // Paid last month: a line of a payment run.
    let last_month = today - chrono::Duration::days(i64::from(chrono::Datelike::day(&today)));
    let month =
        sipe::programmes::payments::parse_month(&last_month.format("%Y-%m").to_string()).unwrap();
    for (version, action) in [(1, "approve"), (2, "activate")] {
        sipe::programmes::applications::service::step(
            &app.db,
            &ctx,
            &system,
            application,
            &sipe::programmes::applications::service::StepInput {
                action: action.into(),
                version,
                date: month.to_string(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    }
    sipe::programmes::payments::service::compute(&app.db, &ctx, programme, month, today)
        .await
        .unwrap();
    // The programme's age range then narrowed: the compliance check proposes an end.
    sipe::programmes::rules::set(
        &app.db,
        &ctx,
        programme,
        &sipe::programmes::rules::RulesInput {
            criteria: vec![sipe::programmes::eligibility::Criterion::Age {
                min: 0,
                max: 1,
                on: None,
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let found = sipe::programmes::compliance::scan::scan(&app.db, today)
        .await
        .unwrap();
    assert_eq!(found.proposed, 1);
    // Messaging: a message to the merged person (not sent, no consent: still theirs).
    sipe::messaging::templates::create(
        &app.db,
        &ctx,
        &sipe::messaging::templates::TemplateInput {
            code: "merge_notice".into(),
            name: "Aviso".into(),
            purpose: "service".into(),
            sms_text: "Hola {nombre}".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let sent = sipe::messaging::send(
        &app.db,
        &ctx,
        "merge_notice",
        sipe::ids::PersonId(gone),
        &[],
        "merge-test",
    )
    .await
    .unwrap();
    assert_eq!(sent.reason, Some("no_address"));
    // Attention: a ticket issued at reception to the merged person.
    let desk = crate::attention::desk(app, "OE-A").await;
    sipe::attention::tickets::service::issue(
        &sipe::attention::tickets::service::Queue {
            db: &app.db,
            tz: app.config.tz(),
            displays: None,
        },
        &ctx,
        sipe::attention::tickets::service::Issuer::Staff(&sipe::access::Access::system("test")),
        "OE-A",
        &sipe::attention::tickets::IssueInput {
            service_id: Some(desk.service),
            person_id: Some(gone),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sipe::attention::interactions::service::record(
        &app.db,
        crate::helpers::TZ,
        &ctx,
        &sipe::access::Access::system("test"),
        &sipe::attention::interactions::InteractionInput {
            channel: "phone".into(),
            person_id: Some(gone),
            topic: Some("other".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // An appointment booked for the merged person.
    let booked = crate::attention_appointments::booked(app, "OE-A", desk.service).await;
    sipe::attention::appointments::service::book(
        &sipe::attention::tickets::service::Queue {
            db: &app.db,
            tz: app.config.tz(),
            displays: None,
        },
        &ctx,
        sipe::attention::appointments::service::Booker::Staff(&sipe::access::Access::system(
            "test",
        )),
        "OE-A",
        &sipe::attention::appointments::BookInput {
            service_id: Some(desk.service),
            starts_at: Some(booked.free_slot.parse().unwrap()),
            person_id: Some(gone),
            ..Default::default()
        },
        "",
    )
    .await
    .unwrap();
    // A call from the phone only the merged record has.
    crate::helpers::exec_sql(
        &app.db,
        "UPDATE persons SET phone = $1 WHERE id = $2",
        vec!["+5493815000123".into(), gone.into()],
    )
    .await;
    let ring = sipe::attention::phone::domain::CtiEvent::from_json(&serde_json::json!({
        "event": "newCall", "from": "3815000123", "to": "0800", "direction": "in",
        "callId": "merge-1"
    }))
    .unwrap();
    sipe::attention::phone::service::apply(&app.db, crate::helpers::TZ, None, &ring)
        .await
        .unwrap();
    kept_elsewhere
}

#[tokio::test]
async fn a_merge_leaves_no_row_of_any_module_pointing_at_the_merged_person() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let kept = person(&app, seeker("30111222")).await;
    let gone = person(&app, seeker("30111223")).await;
    let kept_elsewhere = give_everything(&app, gone, kept).await;

    let columns = person_id_columns(&app).await;
    // Positive control: the schema walk finds the tables of both modules, and the
    // fixture gave the merged person a row in every one of them. A new table with a
    // person id fails here until the fixture above gives it a row (and then below until
    // its module has a merge hook).
    for expected in [
        "timeline_events",
        "referrals",
        "placements",
        "job_seekers",
        "training_enrolments",
        "training_certificates",
        "programme_bank_accounts",
        "programme_applications",
        "programme_payment_lines",
        "programme_compliance_reviews",
        "messages",
        "attention_tickets",
        "attention_interactions",
        "attention_phone_calls",
        "attention_appointments",
    ] {
        assert!(
            columns.iter().any(|(t, _)| t == expected),
            "the schema walk missed {expected}: {columns:?}"
        );
    }
    for (table, column) in &columns {
        let n = rows_pointing_at(&app, table, column, gone).await;
        assert!(
            n > 0,
            "{table}.{column} holds a person id but the fixture gave the merged person no row \
             there: add one to give_everything, and a merge hook to its module"
        );
    }

    let res = merge_keeping(&app, kept).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let mut checked = 0;
    for (table, column) in &columns {
        let left = rows_pointing_at(&app, table, column, gone).await;
        assert_eq!(
            left, 0,
            "{table}.{column} still points at the merged person"
        );
        assert!(
            rows_pointing_at(&app, table, column, kept).await > 0,
            "{table}.{column}: the kept person has the rows"
        );
        checked += 1;
    }
    assert!(checked >= 8, "checked {checked} columns: {columns:?}");
    // Moved events link to the kept record (the merged id would answer 404 below it).
    let (events, _) = sipe::persons::store::timeline(&app.db, kept, 0, 100)
        .await
        .unwrap();
    let links: Vec<String> = events.iter().filter_map(|e| e.link.clone()).collect();
    assert!(
        links
            .iter()
            .any(|l| l.starts_with(&format!("/persons/{kept}/interviews/"))),
        "{links:?}"
    );
    assert!(
        !links
            .iter()
            .any(|l| l.starts_with(&format!("/persons/{gone}/"))),
        "{links:?}"
    );
    // Both job searches became one: the newest, the merged record's hire.
    let job = sipe::intermediation::seekers::rows_of(&app.db, &[kept, gone])
        .await
        .unwrap();
    assert_eq!(job.len(), 1);
    assert!(job[&kept].placed_at.is_some() && !job[&kept].actively_looking);
    // Placed now: the kept record's other referral is over, as at a hire.
    assert_eq!(
        referral_state(&app, kept_elsewhere).await,
        ("obsolete".into(), Some("hired_by_another".into()))
    );
    assert_eq!(app.audit_count("intermediation.person_merge").await, 1);
    assert_eq!(app.audit_count("training.person_merge").await, 1);
}

#[tokio::test]
async fn referrals_of_both_records_to_one_vacancy_become_one() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let kept = person(&app, seeker("30111222")).await;
    let gone = person(&app, seeker("30111223")).await;
    let employer = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Empaque").await;
    let vacancy = open_vacancy(&app, employer, "Embalador").await;
    let kept_referral = refer(&app, vacancy, kept).await;
    let gone_referral = refer(&app, vacancy, gone).await;
    let res = merge_keeping(&app, kept).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), format!("/persons/{kept}"));
    // Positive control: the kept one stays as it was.
    assert_eq!(referral_state(&app, kept_referral).await.0, "proposed");
    assert_eq!(
        referral_state(&app, gone_referral).await,
        ("obsolete".into(), Some("merged_duplicate".into()))
    );
}

#[tokio::test]
async fn a_pair_with_a_record_merged_since_the_scan_cannot_be_merged() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let a = person(&app, seeker("30111222")).await;
    let b = person(&app, seeker("30111223")).await;
    let c = person(&app, seeker("30111224")).await;
    sipe::persons::duplicates::scan(&app.db).await.unwrap();
    let (client, csrf) = app.signed_in("coorda", "coordinator", &["OE-A"]).await;
    let html = app.get_page(&client, "/persons/duplicates").await;
    let pairs: Vec<String> = html
        .match_indices("/persons/duplicates/")
        .map(|(i, _)| {
            html[i..i + html[i..].find('"').unwrap()]
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .filter(|p| p.len() == 36)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(pairs.len(), 3, "A–B, A–C and B–C: {pairs:?}");
    // Merge B into A through the pair A–B (whichever it is), then try every other pair
    // keeping B: each names the merged B and must be refused.
    let mut merged = 0;
    let mut refused = 0;
    for pair in &pairs {
        let res = app
            .post_form(
                &client,
                &csrf,
                &format!("/persons/duplicates/{pair}/merge"),
                &[(
                    "keep",
                    if merged == 0 {
                        a.to_string()
                    } else {
                        b.to_string()
                    }
                    .as_str(),
                )],
            )
            .await;
        if res.status() == StatusCode::SEE_OTHER && merged == 0 {
            merged += 1;
        } else {
            refused += 1;
        }
    }
    assert_eq!(merged, 1, "one merge went through");
    assert!(refused >= 1, "a stale pair was refused");
    // B was merged into A or C's pair was; B itself never received anything afterwards.
    let rows = sipe::persons::store::names_of(&app.db, [a, b, c].map(sipe::ids::PersonId))
        .await
        .unwrap();
    let chains = rows
        .iter()
        .filter_map(|r| r.merged_into)
        .filter(|target| {
            rows.iter()
                .any(|r| r.id == *target && r.merged_into.is_some())
        })
        .count();
    assert_eq!(chains, 0, "no record was merged into a merged record");
}

#[tokio::test]
async fn a_merge_closes_nothing_the_kept_record_began_after_its_own_placement() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let kept = person(&app, seeker("30111222")).await;
    // The duplicate, with no job search of its own.
    person(&app, seeker("30111223")).await;
    let employer = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Empaque").await;
    let first = open_vacancy(&app, employer, "Embalador").await;
    let hired = refer(&app, first, kept).await;
    for (to, start) in [("sent", ""), ("hired", "2026-12-01")] {
        sipe::intermediation::referrals::service::transition(
            &app.db,
            &sipe::audit::AuditCtx::system(),
            &sipe::access::Access::system("t"),
            crate::helpers::TZ,
            hired,
            &sipe::intermediation::referrals::service::TransitionInput {
                to: to.into(),
                start_date: start.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    // Placed, then proposed for another job: the merge of a record with no job search
    // must leave that referral open.
    let later = open_vacancy(&app, employer, "Estibador").await;
    let after_placement = refer(&app, later, kept).await;
    let res = merge_keeping(&app, kept).await;
    assert_eq!(location(res.headers()), format!("/persons/{kept}"));
    assert_eq!(referral_state(&app, after_placement).await.0, "proposed");
    assert_eq!(referral_state(&app, hired).await.0, "hired");
}

/// Two applications in one process (as in these tests) keep their own copies of the
/// open vacancies: a national user of one never gets the other's vacancies suggested.
#[tokio::test]
async fn two_applications_do_not_share_their_open_vacancies() {
    let mut apps = Vec::new();
    for title in ["Embalador de la app uno", "Embalador de la app dos"] {
        let app = TestApp::spawn().await;
        app.office("OE-A", "").await;
        let ana = person(&app, seeker("30111222")).await;
        let employer = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Empaque").await;
        let vacancy = open_vacancy(&app, employer, title).await;
        let admin = app.user("nacional", "admin", &[]).await;
        let token = app.token(admin).await;
        apps.push((app, ana, vacancy, token));
    }
    let suggested = |i: usize| {
        let (app, ana, _, token) = &apps[i];
        async move {
            let body = app
                .get_json(token, &format!("/api/v1/persons/{ana}/vacancies"))
                .await;
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["vacancy_id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    // Each sees its own vacancy (positive control), and only it, whichever asked last.
    for i in [0, 1, 0, 1] {
        assert_eq!(
            suggested(i).await,
            [apps[i].2.to_string()],
            "application {i}"
        );
    }
}

/// `import --update` with the document of a merged record reports the row (the person is
/// the kept record, under its own document) instead of dropping it silently.
#[tokio::test]
async fn an_update_import_reports_rows_of_merged_records() {
    let app = TestApp::spawn().await;
    crate::import::office_covering_tucuman(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let header = sipe::persons::import::generate::HEADER.join(",");
    let write = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("{header}\n{body}")).unwrap();
        path
    };
    let both = write(
        "a.csv",
        "DNI,30111222,,Gómez,Ana,1990-01-01,F,,,90,90084,Capital,,,,\n\
         DNI,30111223,,Gomez,Ana,1990-01-01,F,,,90,90084,Capital,,,,\n",
    );
    let report = dir.path().join("r.csv");
    let ctx = sipe::audit::AuditCtx::cli();
    let import = |file, update| {
        let (db, ctx, report) = (&app.db, &ctx, &report);
        async move {
            sipe::persons::import::import_file(
                db,
                ctx,
                crate::helpers::TZ,
                file,
                report,
                update,
                |_, _| {},
            )
            .await
            .unwrap()
        }
    };
    assert_eq!(import(&both, false).await.accepted, 2);
    let kept = sipe::persons::store::find_by_document(&app.db, "dni", "30111222")
        .await
        .unwrap()
        .unwrap()
        .id;
    let res = merge_in(&app, "OE-TUC", kept).await;
    assert_eq!(location(res.headers()), format!("/persons/{kept}"));
    let update = write(
        "b.csv",
        "DNI,30111222,,Gómez,Ana,1990-01-01,F,,ana@example.com,90,90084,Capital,,,,\n\
         DNI,30111223,,Gomez,Ana,1990-01-01,F,,otra@example.com,90,90084,Capital,,,,\n",
    );
    let summary = import(&update, true).await;
    // The kept record's row updates it (positive control); the merged one's is reported.
    assert_eq!((summary.accepted, summary.rejected), (1, 1));
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("fusionado"), "{text}");
}
