//! Programmes: national beneficiary lists imported under the persons import's rules
//! (row report, resumable, the same file not imported twice), shown on the person page
//! and through the API within the reader's scope, and read by the eligibility criteria
//! "receives a national programme" and "not in this programme within N months".

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::programmes::{person_with, programme_via_api};
use sipe::programmes::national::import;

/// A valid CUIL for a DNI (prefix 20 or 23, as ANSES assigns).
fn cuil_of(dni: &str) -> String {
    for prefix in ["20", "23"] {
        let first: Vec<u32> = format!("{prefix}{dni:0>8}")
            .chars()
            .filter_map(|c| c.to_digit(10))
            .collect();
        let mut ten = [0u32; 10];
        ten.copy_from_slice(&first);
        if let Some(d) = sipe::persons::domain::cuil_check_digit(&ten) {
            return format!("{prefix}{dni:0>8}{d}");
        }
    }
    unreachable!("23 always has a digit")
}

/// A person of `office` with the CUIL of their DNI.
async fn person(app: &TestApp, office: &str, dni: &str) -> (uuid::Uuid, String) {
    use sea_orm::ConnectionTrait;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let id = person_with(app, office, dni, "2004-05-01", "", "unemployed", "", None).await;
    let cuil = cuil_of(dni);
    let stmt = Query::update()
        .table("persons")
        .values([("cuil", cuil.clone().into())])
        .and_where(Expr::col("id").eq(id))
        .take();
    assert_eq!(app.db.execute(&stmt).await.unwrap().rows_affected(), 1);
    (id, cuil)
}

async fn import(app: &TestApp, dir: &std::path::Path, name: &str, csv: &str) -> import::Summary {
    let file = dir.join(name);
    std::fs::write(&file, csv).unwrap();
    import::import_file(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &file,
        &import::default_report(&file),
        |_, _| {},
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_national_list_is_imported_with_a_row_report_and_shown_to_the_persons_office() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let (ana, ana_cuil) = person(&app, "OE-A", "30111222").await;
    let (beto, beto_cuil) = person(&app, "OE-B", "30111333").await;
    let dir = tempfile::tempdir().unwrap();
    let stranger = cuil_of("40999888");
    let csv = format!(
        "CUIL,Programa,Estado,Periodo,Importe\n\
         {ana_cuil},progresar,ACTIVO,2026-02,35000\n\
         {ana_cuil},PROGRESAR,activo,03/2026,\"35.000,50\"\n\
         {ana_cuil},AUH,suspendido,2026-03,\n\
         {beto_cuil},PROGRESAR,baja,2026-03,\n\
         {stranger},PROGRESAR,activo,2026-03,35000\n\
         20111111110,PROGRESAR,activo,2026-03,1\n\
         {ana_cuil},NOEXISTE,activo,2026-03,1\n\
         {beto_cuil},AUH,cobrando,2026-13,-5\n\
         {ana_cuil},PROGRESAR,activo,2026-03,99\n\
         {beto_cuil},PNC,activo,2099-01,1\n"
    );
    let summary = import(&app, dir.path(), "padron.csv", &csv).await;
    assert_eq!((summary.accepted, summary.rejected), (5, 5), "{summary:?}");
    let report = std::fs::read_to_string(dir.path().join("padron.rechazos.csv")).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "linea,columna,valor,motivo");
    // Line 7: bad check digit; 8: unknown programme; 9: status, period and amount; 10:
    // a repeat of line 3 (the first one stands).
    let columns: Vec<(&str, &str)> = lines[1..]
        .iter()
        .map(|l| {
            let mut c = l.split(',');
            (c.next().unwrap(), c.next().unwrap())
        })
        .collect();
    assert_eq!(
        columns,
        [
            ("7", "cuil"),
            ("8", "programa"),
            ("9", "estado"),
            ("9", "periodo"),
            ("9", "monto"),
            ("10", "cuil"),
            ("11", "periodo")
        ]
    );
    assert!(
        report.contains("No hay un programa nacional con ese código"),
        "{report}"
    );
    // The same file again: nothing to do.
    let again = import(&app, dir.path(), "padron.csv", &csv).await;
    assert!(again.already_done);
    assert_eq!(again.accepted, 5);
    let registered = sipe::programmes::national::store::registered_in_run(&app.db, summary.run_id)
        .await
        .unwrap();
    // Lines of registered people: Ana's three (PROGRESAR in February and March, AUH)
    // and Beto's; the stranger's line is kept but not counted.
    assert_eq!(registered, 4);

    // The person page of OE-A's operator: what Ana receives now, and her history.
    let operator = app.user("operador_a", "operator", &["OE-A"]).await;
    let client = app.client();
    app.login(&client, "operador_a").await;
    let page = client
        .get(app.url(&format!("/persons/{ana}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Cobra Becas Progresar (marzo 2026, $ 35.000,50)"),
        "receiving line"
    );
    assert!(page.contains("data-testid=\"national-history\""));
    assert!(page.contains("suspendido"), "AUH suspended in the history");
    // Beto's page is another office's: refused to this operator.
    let other = client
        .get(app.url(&format!("/persons/{beto}")))
        .send()
        .await
        .unwrap();
    assert_ne!(other.status(), StatusCode::OK);

    // The API, as the same operator: Ana's lines (newest first), Beto's refused.
    let token = app.token(operator).await;
    let lines = app
        .get_json(&token, &format!("/api/v1/persons/{ana}/national-benefits"))
        .await;
    let lines = lines.as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["period"], "2026-03-01");
    let progresar = lines
        .iter()
        .find(|l| l["code"] == "PROGRESAR" && l["period"] == "2026-03-01")
        .unwrap();
    assert_eq!(progresar["amount_cents"], 3_500_050);
    assert_eq!(progresar["newest"], true);
    let refused = client
        .get(app.url(&format!("/api/v1/persons/{beto}/national-benefits")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    // The catalogue counts the newest list.
    let catalogue = app.get_json(&token, "/api/v1/national-programmes").await;
    let p = catalogue
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "PROGRESAR")
        .unwrap()
        .clone();
    assert_eq!(p["newest_period"], "2026-03-01");
    assert_eq!(
        (p["newest_listed"].as_u64(), p["newest_active"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(p["newest_registered"].as_u64(), Some(2));

    // Rows of a month still being imported (a run not finished) are not the newest list.
    {
        use sea_orm::ConnectionTrait;
        use sea_orm::sea_query::Query;
        let stmt = Query::insert()
            .into_table("national_benefits")
            .columns([
                "id",
                "cuil",
                "programme_id",
                "period",
                "status",
                "import_run_id",
                "imported_at",
            ])
            .values_panic([
                uuid::Uuid::now_v7().into(),
                ana_cuil.clone().into(),
                uuid::Uuid::parse_str(p["id"].as_str().unwrap())
                    .unwrap()
                    .into(),
                chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap().into(),
                "ended".into(),
                uuid::Uuid::now_v7().into(),
                chrono::Utc::now().into(),
            ])
            .to_owned();
        app.db.execute(&stmt).await.unwrap();
    }
    let lines = app
        .get_json(&token, &format!("/api/v1/persons/{ana}/national-benefits"))
        .await;
    let march = lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "PROGRESAR" && l["period"] == "2026-03-01")
        .unwrap()
        .clone();
    assert_eq!(
        march["newest"], true,
        "April is not published: March is still the newest"
    );

    // A corrected March list without Ana replaces March: she no longer receives it.
    let corrected =
        format!("cuil,programa,estado,periodo,monto\n{stranger},PROGRESAR,activo,2026-03,35000\n");
    let again = import(&app, dir.path(), "padron-corregido.csv", &corrected).await;
    assert_eq!((again.accepted, again.rejected), (1, 0));
    let lines = app
        .get_json(&token, &format!("/api/v1/persons/{ana}/national-benefits"))
        .await;
    let progresar: Vec<&str> = lines
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["code"] == "PROGRESAR")
        .map(|l| l["period"].as_str().unwrap())
        .collect();
    assert_eq!(
        progresar,
        ["2026-04-01", "2026-02-01"],
        "March's line went with the old list"
    );
    let page = client
        .get(app.url(&format!("/persons/{ana}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("Cobra Becas Progresar"),
        "no longer receiving"
    );
}

#[tokio::test]
async fn an_interrupted_import_resumes_at_the_first_uncommitted_row() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("cuil,programa,estado,periodo,monto\n");
    for n in 0..12 {
        csv.push_str(&format!(
            "{},AUH,activo,2026-04,100\n",
            cuil_of(&format!("310000{n:02}"))
        ));
    }
    let file = dir.path().join("auh.csv");
    std::fs::write(&file, &csv).unwrap();
    // A run that committed its first 5 records and stopped (as a killed process leaves
    // it): the same file continues from record 5.
    let sha = hex::encode(ring::digest::digest(&ring::digest::SHA256, csv.as_bytes()));
    let run = sipe::persons::import::runs::open(
        &app.db,
        sipe::persons::import::runs::NewRun {
            kind: import::KIND,
            sha256: &sha,
            file_name: "auh.csv",
            total_records: 12,
            report_path: "",
            started_by: "t",
        },
    )
    .await
    .unwrap();
    sipe::persons::import::runs::advance(&app.db, run.id, 5, 5, 0, 0)
        .await
        .unwrap();
    let summary = import::import_file(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &file,
        &import::default_report(&file),
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(summary.resumed_at, 5);
    assert_eq!(summary.accepted, 12, "5 counted before, 7 now");
    let stored = count(&app, "SELECT COUNT(*) AS n FROM national_benefits").await;
    assert_eq!(
        stored, 7,
        "only the records after the resume point were read"
    );
}

/// The `n` a counting query answers.
pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    app.db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
}

#[tokio::test]
async fn the_benefits_and_not_again_criteria_agree_between_count_and_explanation() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
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
    let pej_id: uuid::Uuid = pej.parse().unwrap();
    let (receives, _) = person(&app, "OE-A", "32000001").await;
    let (suspended, _) = person(&app, "OE-A", "32000002").await;
    let (old_list, _) = person(&app, "OE-A", "32000003").await;
    let (none, _) = person(&app, "OE-A", "32000004").await;
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "cuil,programa,estado,periodo,monto\n\
         {},POTENCIAR,activo,2026-05,1\n\
         {},POTENCIAR,suspendido,2026-05,\n\
         {},POTENCIAR,activo,2026-04,1\n\
         {},AUH,activo,2026-05,1\n",
        cuil_of("32000001"),
        cuil_of("32000002"),
        cuil_of("32000003"),
        cuil_of("32000004"),
    );
    import(&app, dir.path(), "potenciar.csv", &csv).await;
    // Unknown codes are refused with the field named.
    let res = app
        .client()
        .put(app.url(&format!("/api/v1/programmes/{pej}/rules")))
        .bearer_auth(&mtoken)
        .json(
            &json!({"criteria": [{"kind": "benefits", "programmes": ["NOPE"], "receives": false}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("benefits_programmes"));
    let today = chrono::Utc::now().date_naive();
    let everyone = [receives, suspended, old_list, none];
    let facts = sipe::persons::eligibility::facts_of(
        &app.db,
        &sipe::access::Scope::National,
        &everyone.map(sipe::ids::PersonId),
    )
    .await
    .unwrap();
    use sipe::programmes::eligibility::{Criterion, explain, held, who};
    for (criteria, expected) in [
        // Receives POTENCIAR in its newest list (May): only the first person; a line of
        // an older list (April) does not count.
        (
            vec![Criterion::Benefits {
                programmes: vec!["POTENCIAR".into()],
                receives: true,
            }],
            vec![receives],
        ),
        (
            vec![Criterion::Benefits {
                programmes: vec!["POTENCIAR".into()],
                receives: false,
            }],
            vec![suspended, old_list, none],
        ),
        // Two programmes, each with its newest list: either one counts.
        (
            vec![Criterion::Benefits {
                programmes: vec!["POTENCIAR".into(), "AUH".into()],
                receives: true,
            }],
            vec![receives, none],
        ),
        (
            vec![Criterion::Benefits {
                programmes: vec!["AUH".into(), "POTENCIAR".into()],
                receives: false,
            }],
            vec![suspended, old_list],
        ),
    ] {
        let counted: u64 = who::per_office(&app.db, pej_id, &criteria, today)
            .await
            .unwrap()
            .iter()
            .map(|o| o.eligible)
            .sum();
        let mut explained = Vec::new();
        for f in &facts {
            let h = held::of(&app.db, pej_id, &[], &[(f.id.uuid(), f.cuil.clone())])
                .await
                .unwrap()
                .remove(&f.id.uuid())
                .unwrap();
            if explain::evaluate(
                &criteria,
                f,
                &h,
                today,
                sipe::i18n::Lang::EsAr,
                &Default::default(),
            )
            .eligible
            {
                explained.push(f.id.uuid());
            }
        }
        explained.sort();
        let mut expected = expected.clone();
        expected.sort();
        assert_eq!(explained, expected, "{criteria:?}");
        assert_eq!(counted, expected.len() as u64, "{criteria:?}");
    }
    // Not again within 6 months: the first person is in PEJ now, so neither the count
    // nor the explanation takes them; the other three are.
    let ctx = sipe::audit::AuditCtx::system();
    let system = sipe::access::Access::system("t");
    let app_id = sipe::programmes::applications::service::apply(
        &app.db,
        &ctx,
        &system,
        &sipe::programmes::applications::service::ApplyInput {
            programme_id: pej_id,
            person_id: receives,
            category: String::new(),
            submit: true,
        },
        today,
    )
    .await
    .unwrap();
    let again = vec![Criterion::NotAgain { months: 6 }];
    let counted_before: u64 = who::per_office(&app.db, pej_id, &again, today)
        .await
        .unwrap()
        .iter()
        .map(|o| o.eligible)
        .sum();
    assert_eq!(counted_before, 4, "a submitted application is not a stay");
    sipe::programmes::applications::service::step(
        &app.db,
        &ctx,
        &system,
        app_id,
        &sipe::programmes::applications::service::StepInput {
            action: "approve".into(),
            version: 1,
            date: today.to_string(),
            ..Default::default()
        },
        today,
    )
    .await
    .unwrap();
    let counted: u64 = who::per_office(&app.db, pej_id, &again, today)
        .await
        .unwrap()
        .iter()
        .map(|o| o.eligible)
        .sum();
    assert_eq!(counted, 3);
    let h = held::of(&app.db, pej_id, &[], &[(receives, None)])
        .await
        .unwrap();
    assert_eq!(h[&receives].stays, vec![None]);
    let f = facts.iter().find(|f| f.id.uuid() == receives).unwrap();
    let verdict = explain::evaluate(
        &again,
        f,
        &h[&receives],
        today,
        sipe::i18n::Lang::EsAr,
        &Default::default(),
    );
    assert!(!verdict.eligible);
    assert_eq!(verdict.criteria[0].value, "está ahora en el programa");
    // Leaving the application itself out (its own page, the approval check), it holds.
    let own = held::of(&app.db, pej_id, &[app_id], &[(receives, None)])
        .await
        .unwrap();
    assert!(
        explain::evaluate(
            &again,
            f,
            &own[&receives],
            today,
            sipe::i18n::Lang::EsAr,
            &Default::default()
        )
        .eligible
    );

    // A programme incompatible with PEJ: whoever holds a place in PEJ (the first person,
    // approved above) is neither counted nor explained eligible; the rest are.
    let ett = programme_via_api(
        &app,
        &mtoken,
        json!({"code": "ETT", "name": "Entrenamiento", "kind": "work_placement",
        "legal_basis": "Res. 2/2026", "starts_on": "2020-01-01", "amounts": amounts}),
    )
    .await;
    let ett_id: uuid::Uuid = ett.parse().unwrap();
    let res = app
        .client()
        .put(app.url(&format!("/api/v1/programmes/{ett}/rules")))
        .bearer_auth(&mtoken)
        .json(&json!({"criteria": [], "incompatible_with": [pej]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let counted: u64 = who::per_office(&app.db, ett_id, &[], today)
        .await
        .unwrap()
        .iter()
        .map(|o| o.eligible)
        .sum();
    assert_eq!(counted, 3);
    let mut explained = Vec::new();
    for f in &facts {
        let h = held::of(&app.db, ett_id, &[], &[(f.id.uuid(), f.cuil.clone())])
            .await
            .unwrap()
            .remove(&f.id.uuid())
            .unwrap();
        let v = explain::evaluate(
            &[],
            f,
            &h,
            today,
            sipe::i18n::Lang::EsAr,
            &Default::default(),
        );
        assert_eq!(
            v.criteria.len(),
            1,
            "the incompatibility explained as a criterion"
        );
        if f.id.uuid() == receives {
            assert_eq!(v.criteria[0].value, "está en PEJ");
        }
        if v.eligible {
            explained.push(f.id.uuid());
        }
    }
    assert_eq!(explained.len(), 3);
    assert!(!explained.contains(&receives));
}

#[tokio::test]
async fn the_command_line_import_says_what_happened_in_its_exit_status() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = crate::helpers::fresh_database(dir.path()).await;
    let run = |file: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_sipe"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("--database-url")
            .arg(&url)
            .args(["import", "national-benefits"])
            .arg(file)
            .env_remove("SIPE_DATABASE_URL")
            .output()
            .unwrap()
    };
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let good = write(
        "ok.csv",
        &format!(
            "cuil,programa,estado,periodo,monto\n{},PNC,activo,2026-06,\n",
            cuil_of("33000001")
        ),
    );
    let out = run(&good);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("1 accepted (0 of them registered here), 0 rejected")
    );
    let again = run(&good);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).contains("was imported before"));
    let some_bad = write(
        "mixed.csv",
        &format!(
            "cuil,programa,estado,periodo,monto\n{},PNC,activo,2026-07,\n1234,PNC,activo,2026-07,\n",
            cuil_of("33000002")
        ),
    );
    let out = run(&some_bad);
    assert_eq!(out.status.code(), Some(2));
    let report = std::fs::read_to_string(dir.path().join("mixed.rechazos.csv")).unwrap();
    assert!(report.contains("3,cuil,1234,"), "{report}");
    let no_header = write("wrong.csv", "dni,nombre\n1,x\n");
    let out = run(&no_header);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("programa"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
