//! Programmes: a beneficiary's bank account (CBU with both check digits, or an alias),
//! recorded for people in the caller's capture scope and read within the view scope.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, text_of};

#[tokio::test]
async fn a_bank_account_is_checked_digit_by_digit_and_kept_within_scope() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let ana =
        crate::persons::register(&app, "OE-A", "30111001", "Quiroga", "Ana", "1990-01-01").await;
    let bea =
        crate::persons::register(&app, "OE-B", "30111002", "Zelaya", "Bea", "1990-01-01").await;
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(op).await;
    let client = app.client();
    let put = |person: uuid::Uuid, body: serde_json::Value| {
        let (client, token, url) = (
            &client,
            &token,
            app.url(&format!("/api/v1/persons/{person}/bank-account")),
        );
        async move {
            client
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };

    // Refused, each with its field: a changed digit in either block, a short one, both,
    // none, an alias with an accent.
    for (body, field) in [
        (json!({"cbu": "2850590940090418135202"}), "cbu"),
        (json!({"cbu": "2850590840090418135201"}), "cbu"),
        (json!({"cbu": "28505909400904181352"}), "cbu"),
        (json!({}), "cbu"),
        (
            json!({"cbu": "2850590940090418135201", "alias": "casa.perro.mate"}),
            "alias",
        ),
        (json!({"alias": "ñandú.azul"}), "alias"),
    ] {
        let res = put(ana, body.clone()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert!(
            problem.to_string().contains(&format!("\"{field}\"")),
            "{body}: {problem}"
        );
    }
    // Accepted as typed from home banking (spaces dropped), then replaced by an alias.
    let res = put(ana, json!({"cbu": "2850590 940090418135201"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let account: serde_json::Value = res.json().await.unwrap();
    assert_eq!(account["cbu"], "2850590940090418135201");
    assert_eq!(account["bank_code"], "285");
    let got = app
        .get_json(&token, &format!("/api/v1/persons/{ana}/bank-account"))
        .await;
    assert_eq!(got["kind"], "cbu");
    let res = put(ana, json!({"alias": "Casa.Perro.Mate"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let account: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (account["alias"].as_str(), account["cbu"].as_str()),
        (Some("casa.perro.mate"), None)
    );

    // Another office's person: not found, to read or to change (A's own just worked).
    assert_eq!(
        put(bea, json!({"alias": "otra.cuenta"})).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = client
        .get(app.url(&format!("/api/v1/persons/{bea}/bank-account")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The person page: the account and its form; a wrong CBU comes back with why.
    let (web, csrf) = app.signed_in("opa2", "operator", &["OE-A"]).await;
    let res = app
        .post_form(
            &web,
            &csrf,
            &format!("/persons/{ana}/bank-account"),
            &[("cbu", "0170099220000067797371"), ("alias", "")],
        )
        .await;
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("cbu-second-check")
    );
    let res = app
        .post_form(
            &web,
            &csrf,
            &format!("/persons/{ana}/bank-account"),
            &[("cbu", "0170099220000067797370"), ("alias", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app.get_page(&web, &format!("/persons/{ana}")).await;
    assert!(
        text_of(&html, "[data-testid=bank-account]")
            .unwrap()
            .contains("0170099220000067797370")
    );
    let timeline = text_of(&html, "[data-testid=timeline]").unwrap();
    assert!(
        timeline.contains("CBU 017 … 7370"),
        "the timeline hides the middle: {timeline}"
    );
    assert_eq!(app.audit_count("programmes.bank_account.set").await, 3);
}

#[tokio::test]
async fn a_programme_is_kept_with_its_amounts_in_force_from_their_dates() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let (manager, csrf) = app.signed_in("programas", "programme_manager", &[]).await;
    let base = [
        ("name", "Jóvenes con Futuro"),
        ("code", "pej"),
        ("kind", "training_stipend"),
        ("legal_basis", "Res. 123/2026"),
        ("starts_on", "2026-01-01"),
        ("quota_total", "500"),
        ("required_documents", "DNI\nConstancia de alumno regular"),
    ];
    // Without amounts, and with a bad one in the second row: refused beside it.
    let res = app.post_form(&manager, &csrf, "/programmes", &base).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&res.text().await.unwrap(), "[data-testid=amounts-error]").is_some());
    let mut form = base.to_vec();
    form.extend([
        ("amount_category", ""),
        ("amount_value", "85.000"),
        ("amount_from", "2026-01-01"),
        ("amount_category", ""),
        ("amount_value", "mucho"),
        ("amount_from", "2026-06-01"),
    ]);
    let res = app.post_form(&manager, &csrf, "/programmes", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("El monto no es válido"));
    assert!(html.contains("Jóvenes con Futuro"), "what was typed stays");
    // Valid: two amounts of the general category, the second from June.
    let form: Vec<(&str, &str)> = form
        .into_iter()
        .map(|(k, v)| {
            if v == "mucho" {
                (k, "97.500,50")
            } else {
                (k, v)
            }
        })
        .collect();
    let res = app.post_form(&manager, &csrf, "/programmes", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = crate::helpers::location(res.headers());
    let html = app.get_page(&manager, &page).await;
    let amounts = text_of(&html, "[data-testid=programme-amounts]").unwrap();
    assert!(
        amounts.contains("$ 85.000,00") && amounts.contains("$ 97.500,50"),
        "{amounts}"
    );
    let again = app.post_form(&manager, &csrf, "/programmes", &form).await;
    assert_eq!(
        again.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the code is unique"
    );

    // The API lists it for an operator, who may not create one.
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(op).await;
    let list = app.get_json(&token, "/api/v1/programmes").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "Jóvenes con Futuro");
    assert_eq!(list["items"][0]["code"], "PEJ");
    assert_eq!(list["items"][0]["amounts"][1]["amount"], 97500.5);
    let id: uuid::Uuid = list["items"][0]["id"].as_str().unwrap().parse().unwrap();
    let res = app
        .client()
        .post(app.url("/api/v1/programmes"))
        .bearer_auth(&token)
        .json(&json!({"code": "OTR", "name": "Otro", "kind": "one_off", "legal_basis": "x",
                      "starts_on": "2026-01-01", "amounts": [{"amount": "1000", "effective_from": "2026-01-01"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let amounts = sipe::programmes::programmes::amounts_of(&app.db, id)
        .await
        .unwrap();
    let on =
        |d: &str| sipe::programmes::programmes::amount_on(&amounts, "general", d.parse().unwrap());
    assert_eq!(
        (on("2026-05-31"), on("2026-06-01")),
        (Some(8_500_000), Some(9_750_050))
    );
    assert_eq!(app.audit_count("programmes.programme.create").await, 1);
}

#[tokio::test]
async fn those_who_do_not_record_accounts_see_them_masked_and_reading_is_not_changing() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let ana =
        crate::persons::register(&app, "OE-A", "30111001", "Quiroga", "Ana", "1990-01-01").await;
    sipe::programmes::bank::store::set(
        &app.db,
        &crate::training::ctx(),
        &crate::training::system(),
        ana,
        &sipe::programmes::bank::AccountInput {
            cbu: Some("0170099220000067797370".into()),
            alias: None,
        },
    )
    .await
    .unwrap();
    // The help desk reads it masked; an operator whole (the positive control).
    let desk = app.user("mesa", "help_desk", &["OE-A"]).await;
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let masked = app
        .get_json(
            &app.token(desk).await,
            &format!("/api/v1/persons/{ana}/bank-account"),
        )
        .await;
    assert!(masked["cbu"].is_null());
    assert_eq!(masked["masked"], "CBU 017 … 7370");
    let whole = app
        .get_json(
            &app.token(op).await,
            &format!("/api/v1/persons/{ana}/bank-account"),
        )
        .await;
    assert_eq!(whole["cbu"], "0170099220000067797370");
    // Viewing an office is not recording for it (this one records for OE-B): read
    // 200, change 404.
    let viewer = sipe::access::service::create_user(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::access::service::UserInput {
            username: "mira".into(),
            full_name: "Solo Mira".into(),
            email: String::new(),
            role: "operator".into(),
            scopes: sipe::access::service::ScopeInput {
                capture: vec!["OE-B".into()],
                view: vec!["OE-A".into(), "OE-B".into()],
                search: vec!["OE-A".into(), "OE-B".into()],
                national: false,
            },
            affiliation: String::new(),
        },
        crate::helpers::PASSWORD,
    )
    .await
    .unwrap();
    let token = app.token(viewer).await;
    let read = app
        .client()
        .get(app.url(&format!("/api/v1/persons/{ana}/bank-account")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let change = app
        .client()
        .put(app.url(&format!("/api/v1/persons/{ana}/bank-account")))
        .bearer_auth(&token)
        .json(&json!({"alias": "otra.cuenta"}))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_amount_in_force_is_never_rewritten() {
    let app = TestApp::spawn().await;
    use sipe::programmes::programmes::{self, AmountInput, ProgrammeInput};
    let amount = |value: &str, from: &str| AmountInput {
        category: String::new(),
        amount: value.into(),
        effective_from: from.into(),
    };
    let mut input = ProgrammeInput {
        code: "PEJ".into(),
        name: "Jóvenes".into(),
        kind: "training_stipend".into(),
        legal_basis: "Res. 1/2026".into(),
        starts_on: "2026-01-01".into(),
        amounts: vec![amount("85.000", "2026-01-01")],
        ..Default::default()
    };
    let ctx = crate::training::ctx();
    let id = programmes::create(&app.db, &ctx, &input).await.unwrap();
    let today: chrono::NaiveDate = "2026-03-15".parse().unwrap();
    input.amounts = vec![amount("90.000", "2026-01-01")];
    let refused = programmes::update(&app.db, &ctx, id, &input, today).await;
    assert!(
        matches!(&refused, Err(sipe::programmes::error::ProgrammeError::Invalid(f)) if f.has("amounts")),
        "{refused:?}"
    );
    input.amounts = vec![
        amount("85.000", "2026-01-01"),
        amount("88.000", "2026-02-01"),
    ];
    let back = programmes::update(&app.db, &ctx, id, &input, today).await;
    assert!(
        matches!(&back, Err(sipe::programmes::error::ProgrammeError::Invalid(f)) if f.has("amounts")),
        "a new amount from a past date would change paid months: {back:?}"
    );
    input.amounts = vec![
        amount("85.000", "2026-01-01"),
        amount("90.000", "2026-04-01"),
    ];
    programmes::update(&app.db, &ctx, id, &input, today)
        .await
        .unwrap();
    let rows = programmes::amounts_of(&app.db, id).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        programmes::amount_on(&rows, "general", "2026-03-31".parse().unwrap()),
        Some(8_500_000)
    );
}

/// Fields of a person the profile's forms set.
pub(crate) struct Extra {
    dependants: Option<i32>,
    head: bool,
    disability: bool,
    unemployed_since: Option<chrono::NaiveDate>,
    created_at: chrono::DateTime<chrono::Utc>,
}

/// Registers a person with the fields eligibility reads, the rest set in the table (the
/// profile's own forms set them; here only their values matter).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn person_with(
    app: &TestApp,
    office: &str,
    dni: &str,
    birth: &str,
    department: &str,
    employment: &str,
    education: &str,
    extra: Option<Extra>,
) -> uuid::Uuid {
    use sea_orm::ConnectionTrait;
    let input = sipe::persons::input::PersonInput {
        doc_type: "dni".into(),
        doc_number: dni.into(),
        surnames: format!("Apellido{dni}"),
        names: "Nombre".into(),
        birth_date: birth.into(),
        sex: "F".into(),
        office_code: office.into(),
        department_code: department.into(),
        employment_status: employment.into(),
        education_level: education.into(),
        confirm_duplicates: "true".into(),
        ..Default::default()
    };
    let id = match sipe::persons::service::register(
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
        other => panic!("not created: {other:?}"),
    };
    if let Some(x) = extra {
        use sea_orm::sea_query::{Expr, ExprTrait, Query};
        let stmt = Query::update()
            .table("persons")
            .values([
                ("dependants", x.dependants.into()),
                ("head_of_household", x.head.into()),
                ("has_disability", x.disability.into()),
                ("unemployed_since", x.unemployed_since.into()),
                ("created_at", x.created_at.into()),
            ])
            .and_where(Expr::col("id").eq(id))
            .take();
        let done = app.db.execute(&stmt).await.unwrap();
        assert_eq!(done.rows_affected(), 1);
    }
    id
}

#[tokio::test]
async fn eligibility_is_explained_per_criterion_and_counted_per_office() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let manager = app.user("programas", "programme_manager", &[]).await;
    let mtoken = app.token(manager).await;
    let client = app.client();
    let res = client
        .post(app.url("/api/v1/programmes"))
        .bearer_auth(&mtoken)
        .json(&json!({"code": "PEJ", "name": "Jóvenes", "kind": "training_stipend", "legal_basis": "Res. 1/2026",
                      "starts_on": "2020-01-01", "amounts": [{"amount": "85000", "effective_from": "2020-01-01"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let pej = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let today = chrono::Utc::now().date_naive();
    let born = |years: u32| {
        today
            .checked_sub_months(chrono::Months::new(years * 12 + 1))
            .unwrap()
            .to_string()
    };
    // Two eligible in A, one in B; in A also one too old, one employed, one with a
    // degree, one with nothing known.
    let ana = person_with(
        &app,
        "OE-A",
        "40000001",
        &born(20),
        "AR-90084",
        "unemployed",
        "2",
        None,
    )
    .await;
    person_with(
        &app,
        "OE-A",
        "40000002",
        &born(24),
        "AR-90007",
        "unemployed",
        "3",
        None,
    )
    .await;
    person_with(
        &app,
        "OE-B",
        "40000003",
        &born(19),
        "AR-90084",
        "unemployed",
        "1",
        None,
    )
    .await;
    let old = person_with(
        &app,
        "OE-A",
        "40000004",
        &born(27),
        "AR-90084",
        "unemployed",
        "3",
        None,
    )
    .await;
    person_with(
        &app,
        "OE-A",
        "40000005",
        &born(20),
        "AR-90084",
        "employed",
        "3",
        None,
    )
    .await;
    person_with(
        &app,
        "OE-A",
        "40000006",
        &born(20),
        "AR-90084",
        "unemployed",
        "6",
        None,
    )
    .await;
    person_with(&app, "OE-A", "40000007", &born(20), "", "", "", None).await;

    // Rules refused with the field that is wrong, then three criteria saved.
    let put_rules = |body: serde_json::Value| {
        let (client, token, url) = (
            &client,
            &mtoken,
            app.url(&format!("/api/v1/programmes/{pej}/rules")),
        );
        async move {
            client
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    for (body, field) in [
        (
            json!({"criteria": [{"kind": "age", "min": 30, "max": 18}]}),
            "age_max",
        ),
        (
            json!({"criteria": [{"kind": "employment", "statuses": []}]}),
            "employment_statuses",
        ),
        (
            json!({"criteria": [{"kind": "residence", "province": "AR-90", "departments": ["AR-02007"]}]}),
            "residence_departments",
        ),
        (
            json!({"office_quotas": [{"office_code": "OE-Z", "quota": 3}]}),
            "office_quotas",
        ),
        (json!({"incompatible_with": [pej]}), "incompatible_with"),
    ] {
        let res = put_rules(body.clone()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem = res.text().await.unwrap();
        assert!(
            problem.contains(&format!("\"{field}\"")),
            "{body}: {problem}"
        );
    }
    let res = put_rules(json!({"criteria": [
        {"kind": "age", "min": 18, "max": 24},
        {"kind": "employment", "statuses": ["unemployed"]},
        {"kind": "education", "max_level": 3},
    ], "office_quotas": [{"office_code": "oe-a", "quota": 2}]}))
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let rules: serde_json::Value = res.json().await.unwrap();
    assert_eq!(rules["criteria"].as_array().unwrap().len(), 3);
    assert_eq!(rules["office_quotas"][0]["office_code"], "OE-A");
    assert_eq!(app.audit_count("programmes.programme.rules").await, 1);

    // The operator of A: each criterion explained, for the eligible and the too old.
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(op).await;
    let verdicts = app
        .get_json(&token, &format!("/api/v1/persons/{old}/eligibility"))
        .await;
    let pej_verdict = &verdicts.as_array().unwrap()[0];
    assert_eq!(pej_verdict["eligible"], false);
    let age = &pej_verdict["criteria"][0];
    assert_eq!(
        (age["kind"].as_str(), age["met"].as_bool()),
        (Some("age"), Some(false))
    );
    assert_eq!(age["value"], "edad 27");
    assert_eq!(age["rule"], "entre 18 y 24 años");
    assert_eq!(pej_verdict["criteria"][1]["met"], true);
    let verdicts = app
        .get_json(&token, &format!("/api/v1/persons/{ana}/eligibility"))
        .await;
    assert_eq!(verdicts[0]["eligible"], true);
    let (browser, _) = app.signed_in("opa2", "operator", &["OE-A"]).await;
    let html = app.get_page(&browser, &format!("/persons/{old}")).await;
    let section = text_of(&html, "[data-testid=eligibility-PEJ]").unwrap();
    assert!(
        section.contains("edad 27 — entre 18 y 24 años: no cumple"),
        "{section}"
    );
    assert!(
        section.contains("desocupada/o — situación: desocupada/o: cumple"),
        "{section}"
    );

    // Counts per office over the registry; the list only within A (B's person counted,
    // never listed).
    let eligible = app
        .get_json(&token, &format!("/api/v1/programmes/{pej}/eligible"))
        .await;
    let count = |code: &str| {
        eligible["counts"]["offices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["office_code"] == code)
            .map(|o| o["eligible"].as_u64().unwrap())
    };
    // B's number only within "elsewhere" for A's operator; the manager sees both.
    assert_eq!((count("OE-A"), count("OE-B")), (Some(2), None));
    assert_eq!(
        (
            eligible["counts"]["elsewhere"].as_u64(),
            eligible["counts"]["total"].as_u64()
        ),
        (Some(1), Some(3))
    );
    let national = app
        .get_json(&mtoken, &format!("/api/v1/programmes/{pej}/eligible"))
        .await;
    let offices = national["counts"]["offices"].as_array().unwrap();
    assert_eq!(
        offices
            .iter()
            .map(|o| o["eligible"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(national["total"], 3, "the manager lists everyone");
    assert_eq!(eligible["total"], 2);
    let docs: Vec<&str> = eligible["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["doc_number"].as_str().unwrap())
        .collect();
    assert_eq!(docs, ["40000001", "40000002"]);
    let html = app
        .get_page(&browser, &format!("/programmes/{pej}/eligible"))
        .await;
    let listed = text_of(&html, "[data-testid=eligible-people]").unwrap();
    assert!(
        listed.contains("40000001") && !listed.contains("40000003"),
        "{listed}"
    );
    let csv = browser
        .get(app.url(&format!("/programmes/{pej}/eligible.csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains("40000002") && !csv.contains("40000003"));
}

#[tokio::test]
async fn the_registry_count_agrees_with_each_person_explained() {
    use sipe::programmes::eligibility::{Criterion, explain, who};
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let today = chrono::Utc::now().date_naive();
    let day = |back: i64| (today - chrono::Duration::days(back)).to_string();
    // A spread of people over every field a criterion reads (a fixed pseudo-random walk).
    let statuses = ["unemployed", "employed", "inactive", ""];
    let departments = ["AR-90084", "AR-90007", "AR-02007", ""];
    let mut ids = Vec::new();
    let mut seed: u64 = 7;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    for i in 0..48u64 {
        let birth = day(365 * 15 + next(365 * 20) as i64);
        let status = statuses[next(4) as usize];
        let education = if next(5) == 0 {
            String::new()
        } else {
            next(9).to_string()
        };
        let extra = Extra {
            dependants: (next(3) > 0).then(|| next(4) as i32),
            head: next(2) == 1,
            disability: next(4) == 0,
            unemployed_since: (status == "unemployed" && next(4) > 0)
                .then(|| today - chrono::Duration::days(next(800) as i64)),
            created_at: chrono::Utc::now() - chrono::Duration::days(next(60) as i64),
        };
        let office = if i % 3 == 0 { "OE-B" } else { "OE-A" };
        ids.push(
            person_with(
                &app,
                office,
                &format!("{}", 41_000_000 + i),
                &birth,
                departments[next(4) as usize],
                status,
                &education,
                Some(extra),
            )
            .await,
        );
    }
    let sets: Vec<Vec<Criterion>> = vec![
        vec![Criterion::Age {
            min: 18,
            max: 24,
            on: None,
        }],
        vec![Criterion::Age {
            min: 20,
            max: 30,
            on: Some(day(400).parse().unwrap()),
        }],
        vec![Criterion::Residence {
            province: "AR-90".into(),
            departments: vec![],
        }],
        vec![Criterion::Residence {
            province: "AR-90".into(),
            departments: vec!["AR-90084".into()],
        }],
        vec![Criterion::Employment {
            statuses: vec!["unemployed".into()],
            min_months_unemployed: Some(6),
        }],
        vec![Criterion::Employment {
            statuses: vec!["employed".into(), "inactive".into()],
            min_months_unemployed: None,
        }],
        vec![Criterion::Education { max_level: 3 }],
        vec![Criterion::Household {
            min_dependants: Some(2),
            head_of_household: true,
        }],
        vec![
            Criterion::Disability,
            Criterion::Registered { min_days: 30 },
        ],
        vec![
            Criterion::Age {
                min: 16,
                max: 30,
                on: None,
            },
            Criterion::Employment {
                statuses: vec!["unemployed".into()],
                min_months_unemployed: Some(1),
            },
            Criterion::Education { max_level: 4 },
            Criterion::Household {
                min_dependants: Some(1),
                head_of_household: false,
            },
            Criterion::Registered { min_days: 10 },
        ],
    ];
    let access = sipe::access::Access::system("t");
    let ids: Vec<sipe::ids::PersonId> = ids.into_iter().map(sipe::ids::PersonId).collect();
    let facts = sipe::persons::eligibility::facts_of(&app.db, &access.view, &ids)
        .await
        .unwrap();
    assert_eq!(facts.len(), 48);
    let mut some_met = 0;
    for criteria in &sets {
        let counted: u64 = who::per_office(&app.db, uuid::Uuid::nil(), criteria, today)
            .await
            .unwrap()
            .iter()
            .map(|o| o.eligible)
            .sum();
        let explained = facts
            .iter()
            .filter(|f| {
                explain::evaluate(
                    criteria,
                    f,
                    &Default::default(),
                    today,
                    sipe::i18n::Lang::EsAr,
                    &Default::default(),
                )
                .eligible
            })
            .count() as u64;
        assert_eq!(counted, explained, "{criteria:?}");
        if explained > 0 && explained < 48 {
            some_met += 1;
        }
    }
    // The data split most sets: the agreement is not the trivial all-or-none one.
    assert!(some_met >= 8, "only {some_met} sets split the people");
}

/// A programme through the API as the manager: its id.
pub(crate) async fn programme_via_api(
    app: &TestApp,
    token: &str,
    body: serde_json::Value,
) -> String {
    let res = app
        .client()
        .post(app.url("/api/v1/programmes"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn approvals_are_numbered_within_quotas_and_incompatible_programmes_refused() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let manager = app.user("programas", "programme_manager", &[]).await;
    let mtoken = app.token(manager).await;
    let amounts = json!([{"amount": "85000", "effective_from": "2020-01-01"}]);
    let pej = programme_via_api(&app, &mtoken, json!({"code": "PEJ", "name": "Jóvenes", "kind": "training_stipend",
        "legal_basis": "Res. 1/2026", "starts_on": "2020-01-01", "max_months": "6", "quota_total": "3", "amounts": amounts})).await;
    let ett = programme_via_api(
        &app,
        &mtoken,
        json!({"code": "ETT", "name": "Entrenamiento", "kind": "work_placement",
        "legal_basis": "Res. 2/2026", "starts_on": "2020-01-01", "amounts": amounts}),
    )
    .await;
    let client = app.client();
    let res = client
        .put(app.url(&format!("/api/v1/programmes/{pej}/rules")))
        .bearer_auth(&mtoken)
        .json(&json!({"criteria": [{"kind": "age", "min": 18, "max": 30}],
                      "office_quotas": [{"office_code": "OE-A", "quota": 2}], "incompatible_with": [ett]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // The pair binds both ways.
    let ett_rules = app
        .get_json(&mtoken, &format!("/api/v1/programmes/{ett}/rules"))
        .await;
    assert_eq!(ett_rules["incompatible_with"][0], pej.as_str());

    let born = |years: u32| {
        chrono::Utc::now()
            .date_naive()
            .checked_sub_months(chrono::Months::new(years * 12 + 1))
            .unwrap()
            .to_string()
    };
    let mut people = Vec::new();
    for (i, age) in [20, 21, 22, 40].into_iter().enumerate() {
        people.push(
            person_with(
                &app,
                "OE-A",
                &format!("4200000{i}"),
                &born(age),
                "AR-90084",
                "unemployed",
                "3",
                None,
            )
            .await,
        );
    }
    let bea = person_with(
        &app,
        "OE-B",
        "42000009",
        &born(20),
        "AR-90084",
        "unemployed",
        "3",
        None,
    )
    .await;
    let op = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(op).await;
    let apply = |person: uuid::Uuid, programme: &str, token: &str| {
        let (client, url, programme, token) = (
            &client,
            app.url("/api/v1/programme-applications"),
            programme.to_owned(),
            token.to_owned(),
        );
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"person_id": person, "programme_id": programme, "submit": true}))
                .send()
                .await
                .unwrap()
        }
    };
    let step = |id: &str, version: i64, body: serde_json::Value, token: &str| {
        let (client, url, token) = (
            &client,
            app.url(&format!("/api/v1/programme-applications/{id}/transitions")),
            token.to_owned(),
        );
        let mut body = body;
        body["version"] = json!(version);
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let mut ids = Vec::new();
    for p in &people {
        let res = apply(*p, &pej, &token).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let a: serde_json::Value = res.json().await.unwrap();
        assert_eq!(a["state"], "submitted");
        ids.push(a["id"].as_str().unwrap().to_owned());
    }
    // The same person twice: refused.
    let res = apply(people[0], &pej, &token).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("already has an open application")
    );
    // Another office's person: not found to A's operator.
    assert_eq!(
        apply(bea, &pej, &token).await.status(),
        StatusCode::NOT_FOUND
    );

    // The waiting list is by the time they were sent.
    let waiting = app
        .get_json(
            &token,
            &format!(
                "/api/v1/programme-applications?programme_id={pej}&state=waiting&sort=submitted_at"
            ),
        )
        .await;
    let places: Vec<u64> = waiting["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["waiting_position"].as_u64().unwrap())
        .collect();
    assert_eq!(places, [1, 2, 3, 4]);

    // The operator cannot decide; the manager approves, numbered per programme and year.
    let res = step(&ids[0], 1, json!({"action": "approve"}), &token).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let year = chrono::Utc::now().format("%Y").to_string();
    for (i, id) in ids[..2].iter().enumerate() {
        let res = step(id, 1, json!({"action": "approve"}), &mtoken).await;
        assert_eq!(res.status(), StatusCode::OK);
        let a: serde_json::Value = res.json().await.unwrap();
        assert_eq!(a["number"], format!("PEJ-{year}-{:06}", i + 1));
    }
    // The office's quota (2) is full: the third waits, with the reason.
    let res = step(&ids[2], 1, json!({"action": "approve"}), &mtoken).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("office's quota is full"));
    let third = app
        .get_json(
            &token,
            &format!("/api/v1/programme-applications/{}", ids[2]),
        )
        .await;
    assert_eq!(
        (third["state"].as_str(), third["waiting_position"].as_u64()),
        (Some("submitted"), Some(1))
    );
    // Too old: refused as not eligible, before any quota.
    let res = step(&ids[3], 1, json!({"action": "approve"}), &mtoken).await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("does not meet every criterion")
    );
    // A stale version is refused; a step out of order too.
    let res = step(&ids[0], 1, json!({"action": "activate"}), &token).await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("changed while you were looking")
    );
    let res = step(&ids[0], 2, json!({"action": "resume"}), &token).await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("does not fit the application's current state")
    );
    // A start before the programme's is refused, with its field.
    let res = step(
        &ids[0],
        2,
        json!({"action": "activate", "date": "2019-03-01"}),
        &token,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("\"date\""));
    // Started: the end follows the programme's six months.
    let res = step(
        &ids[0],
        2,
        json!({"action": "activate", "date": "2026-03-01"}),
        &token,
    )
    .await;
    let a: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (a["state"].as_str(), a["ends_on"].as_str()),
        (Some("active"), Some("2026-08-31"))
    );

    // Incompatible: the first person is in PEJ, so ETT refuses them (either way round).
    let res = apply(people[0], &ett, &token).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("incompatible with this one")
    );
    // The waiting third takes ETT meanwhile: approving them in PEJ is then refused too.
    let res = apply(people[2], &ett, &token).await;
    let ett_app: serde_json::Value = res.json().await.unwrap();
    let res = step(
        ett_app["id"].as_str().unwrap(),
        1,
        json!({"action": "approve"}),
        &mtoken,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Finishing frees a place, but the incompatibility still refuses the third.
    let res = step(
        &ids[0],
        3,
        json!({"action": "finish", "reason": "hired", "date": "2026-05-31"}),
        &token,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = step(&ids[2], 1, json!({"action": "approve"}), &mtoken).await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("incompatible with this one")
    );
    // A rejection needs a coded reason; with one, it is recorded.
    let res = step(&ids[3], 1, json!({"action": "reject"}), &mtoken).await;
    assert!(res.text().await.unwrap().contains("Choose a reason"));
    let res = step(
        &ids[3],
        1,
        json!({"action": "reject", "reason": "not_eligible"}),
        &mtoken,
    )
    .await;
    let rejected: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (rejected["state"].as_str(), rejected["reason"].as_str()),
        (Some("rejected"), Some("not_eligible"))
    );

    // Every step on the timeline and in the audit log.
    let timeline = sipe::persons::store::timeline(&app.db, people[0], 0, 50)
        .await
        .unwrap()
        .0;
    let summaries: Vec<&str> = timeline
        .iter()
        .filter(|e| e.kind == "programmes.application")
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(summaries.len(), 4, "{summaries:?}");
    assert!(
        summaries
            .iter()
            .any(|s| s.contains(&format!("aprobada PEJ-{year}-000001"))),
        "{summaries:?}"
    );
    assert_eq!(app.audit_count("programmes.application.step").await, 6);

    // Scope: B's operator sees none of A's applications, and sees B's own.
    let res = apply(bea, &pej, &mtoken).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let opb = app.user("opb", "operator", &["OE-B"]).await;
    let btoken = app.token(opb).await;
    let seen = app
        .get_json(
            &btoken,
            &format!("/api/v1/programme-applications?programme_id={pej}"),
        )
        .await;
    assert_eq!(seen["total"], 1, "only B's own: {seen}");
    let mut hidden = 0;
    for id in &ids {
        let res = client
            .get(app.url(&format!("/api/v1/programme-applications/{id}")))
            .bearer_auth(&btoken)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        hidden += 1;
    }
    assert_eq!(hidden, 4);
    let all = app
        .get_json(
            &token,
            &format!("/api/v1/programme-applications?programme_id={pej}"),
        )
        .await;
    assert_eq!(all["total"], 4, "A's operator sees A's four, not B's");
}

#[tokio::test]
async fn an_approved_run_is_frozen_its_file_adds_up_and_rejected_payments_come_back() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let first = app.user("programas", "programme_manager", &[]).await;
    let second = app.user("programas2", "programme_manager", &[]).await;
    let (t1, t2) = (app.token(first).await, app.token(second).await);
    let ett = programme_via_api(
        &app,
        &t1,
        json!({"code": "ETT", "name": "Entrenamiento", "kind": "work_placement",
        "legal_basis": "Res. 2/2026", "starts_on": "2026-01-01",
        "amounts": [{"amount": "120.000", "effective_from": "2026-01-01"}]}),
    )
    .await;
    let client = app.client();
    let post = |path: String, token: &str, body: serde_json::Value| {
        let (client, url, token) = (&client, app.url(&path), token.to_owned());
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    // Three beneficiaries from March 2026 (CUIL and account each, but the third has no
    // account), started through the ordinary steps.
    let mut apps = Vec::new();
    for (i, dni) in ["30111001", "30111002", "30111003"].into_iter().enumerate() {
        let person = person_with(
            &app,
            "OE-A",
            dni,
            "1995-05-05",
            "AR-90084",
            "unemployed",
            "3",
            None,
        )
        .await;
        use sipe::persons::domain::{Cuil, DocumentNumber, DocumentType, Sex};
        let number = DocumentNumber::parse(DocumentType::Dni, dni).unwrap();
        let cuil = Cuil::from_dni(&number, Sex::F).unwrap();
        app.db
            .execute_unprepared(&format!(
                "UPDATE persons SET cuil = '{}' WHERE doc_number = '{dni}'",
                cuil.as_str()
            ))
            .await
            .unwrap();
        if i < 2 {
            let res = client
                .put(app.url(&format!("/api/v1/persons/{person}/bank-account")))
                .bearer_auth(&t1)
                .json(&json!({"cbu": sipe::programmes::bank::cbu_with_checks("2850590", &format!("{:013}", 4_000_000_000_000u64 + i as u64)).unwrap()}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
        }
        let res = post(
            "/api/v1/programme-applications".into(),
            &t1,
            json!({"person_id": person, "programme_id": ett, "submit": true}),
        )
        .await;
        let id = res.json::<serde_json::Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        for (v, body) in [
            (1, json!({"action": "approve"})),
            (2, json!({"action": "activate", "date": "2026-03-01"})),
        ] {
            let mut body = body;
            body["version"] = json!(v);
            let res = post(
                format!("/api/v1/programme-applications/{id}/transitions"),
                &t1,
                body,
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK);
        }
        apps.push((person, id));
    }
    // March's attendance: the first attended all 20 days, the second 15.
    let res = client
        .put(app.url(&format!("/api/v1/programmes/{ett}/attendance")))
        .bearer_auth(&t1)
        .json(&json!({"month": "2026-03", "items": [
            {"application_id": apps[0].1, "days_attended": 20, "days_expected": 20},
            {"application_id": apps[1].1, "days_attended": 15, "days_expected": 20},
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let res = post(
        "/api/v1/payment-runs".into(),
        &t1,
        json!({"programme_id": ett, "month": "2026-03"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let run: serde_json::Value = res.json().await.unwrap();
    let id = run["id"].as_str().unwrap().to_owned();
    // 120.000 + 90.000 (15 of 20 days); the third has no account.
    assert_eq!(
        (
            run["total_amount"].as_f64(),
            run["beneficiaries"].as_i64(),
            run["state"].as_str()
        ),
        (Some(210_000.0), Some(2), Some("computed"))
    );
    let detail = app
        .get_json(&t1, &format!("/api/v1/payment-runs/{id}"))
        .await;
    let reasons: Vec<Option<&str>> = detail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["reason"].as_str())
        .collect();
    assert_eq!(
        reasons,
        [None, Some("partial_attendance"), Some("no_account")]
    );

    // The same user cannot approve; the file waits for approval; a second user approves.
    let res = post(
        format!("/api/v1/payment-runs/{id}/approval"),
        &t1,
        json!({"version": 1}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = client
        .get(app.url(&format!("/api/v1/payment-runs/{id}/payment-file.csv")))
        .bearer_auth(&t1)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = post(
        format!("/api/v1/payment-runs/{id}/approval"),
        &t2,
        json!({"version": 1}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Later changes: attendance, a new amount, a name, the third's account.
    client
        .put(app.url(&format!("/api/v1/programmes/{ett}/attendance")))
        .bearer_auth(&t1)
        .json(&json!({"month": "2026-03", "items": [{"application_id": apps[1].1, "days_attended": 20, "days_expected": 20}]}))
        .send()
        .await
        .unwrap();
    app.db
        .execute_unprepared("UPDATE programme_amounts SET amount_cents = 99900000")
        .await
        .unwrap();
    app.db
        .execute_unprepared("UPDATE persons SET surnames = 'Cambiado'")
        .await
        .unwrap();
    let before = app
        .get_json(&t1, &format!("/api/v1/payment-runs/{id}"))
        .await;
    // Computing March again creates nothing and changes nothing.
    let res = post(
        "/api/v1/payment-runs".into(),
        &t2,
        json!({"programme_id": ett, "month": "2026-03"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["id"],
        id.as_str()
    );
    let after = app
        .get_json(&t1, &format!("/api/v1/payment-runs/{id}"))
        .await;
    assert_eq!(before, after);
    assert_eq!(after["total_amount"], 210_000.0);
    assert!(
        after["items"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("Apellido"),
        "{after}"
    );
    let runs = app.get_json(&t1, "/api/v1/payment-runs").await;
    assert_eq!(runs["total"], 1);

    // The payment file: its header, and its amounts add up to the run's total.
    let res = client
        .get(app.url(&format!("/api/v1/payment-runs/{id}/payment-file.csv")))
        .bearer_auth(&t1)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["cuil", "apellido_nombre", "cbu", "importe", "concepto"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 2);
    let sum: f64 = rows.iter().map(|r| r[3].parse::<f64>().unwrap()).sum();
    assert_eq!(sum, 210_000.0);
    assert_eq!(rows[1][3], "90000.00");
    assert_eq!(rows[0][4], "ETT 2026-03");
    let txt = client
        .get(app.url(&format!("/api/v1/payment-runs/{id}/payment-file.txt")))
        .bearer_auth(&t1)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let records: Vec<&str> = txt.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(records.len(), 4);
    assert!(records.iter().all(|r| r.len() == 80));
    let detail_sum: i64 = records[1..3]
        .iter()
        .map(|r| r[34..49].parse::<i64>().unwrap())
        .sum();
    assert_eq!(detail_sum, 21_000_000);
    assert_eq!(&records[3][8..23], "000000021000000", "the trailer's total");
    let exported = app
        .get_json(&t1, &format!("/api/v1/payment-runs/{id}"))
        .await;
    assert_eq!(exported["state"], "exported");

    // The bank pays the first and rejects the second.
    let result = format!(
        "cuil,estado,motivo\n{},pagado,\n{},rechazado,CBU inexistente\n",
        rows[0][0], rows[1][0]
    );
    let bad = client
        .post(app.url(&format!("/api/v1/payment-runs/{id}/bank-result")))
        .bearer_auth(&t1)
        .header("content-type", "text/csv")
        .body("cuil,estado\n20000000001,pagado\n")
        .send()
        .await
        .unwrap();
    assert_eq!(
        bad.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown CUIL: nothing loaded"
    );
    let res = client
        .post(app.url(&format!("/api/v1/payment-runs/{id}/bank-result")))
        .bearer_auth(&t1)
        .header("content-type", "text/csv")
        .body(result)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let counts: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (counts["paid"].as_u64(), counts["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    // An answer once given is never turned over by a later file.
    let flip = format!("cuil,estado,motivo\n{},pagado,\n", rows[1][0]);
    let res = client
        .post(app.url(&format!("/api/v1/payment-runs/{id}/bank-result")))
        .bearer_auth(&t1)
        .header("content-type", "text/csv")
        .body(flip)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Listed for correction to the office...
    let (browser, _) = app.signed_in("opa", "operator", &["OE-A"]).await;
    let html = app.get_page(&browser, "/payment-runs/rejected").await;
    let listed = text_of(&html, "[data-testid=rejected-table]").unwrap();
    assert!(listed.contains("CBU inexistente"), "{listed}");
    // ... April does not pay it again while the account is the one rejected...
    let carried_in = |run: serde_json::Value| {
        let (app, t1) = (&app, &t1);
        async move {
            let lines = app
                .get_json(
                    t1,
                    &format!("/api/v1/payment-runs/{}", run["id"].as_str().unwrap()),
                )
                .await;
            lines["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| l["reason"] == "carried_rejected")
                .count()
        }
    };
    let res = post(
        "/api/v1/payment-runs".into(),
        &t1,
        json!({"programme_id": ett, "month": "2026-04"}),
    )
    .await;
    assert_eq!(carried_in(res.json().await.unwrap()).await, 0);
    // ... and does once the office corrects it (April is not approved: computed again).
    let res = client
        .put(app.url(&format!("/api/v1/persons/{}/bank-account", apps[1].0)))
        .bearer_auth(&t1)
        .json(&json!({"alias": "cuenta.corregida"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = post(
        "/api/v1/payment-runs".into(),
        &t1,
        json!({"programme_id": ett, "month": "2026-04"}),
    )
    .await;
    let april: serde_json::Value = res.json().await.unwrap();
    let april_lines = app
        .get_json(
            &t1,
            &format!("/api/v1/payment-runs/{}", april["id"].as_str().unwrap()),
        )
        .await;
    let carried = april_lines["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["reason"] == "carried_rejected")
        .count();
    assert_eq!(carried, 1);
    // Pending until April is approved (a computed run may never be).
    let html = app.get_page(&browser, "/payment-runs/rejected").await;
    assert!(text_of(&html, "[data-testid=rejected-table]").is_some());
    let res = post(
        format!(
            "/api/v1/payment-runs/{}/approval",
            april["id"].as_str().unwrap()
        ),
        &t2,
        json!({"version": april["version"]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = app.get_page(&browser, "/payment-runs/rejected").await;
    assert!(
        text_of(&html, "[data-testid=rejected-empty]").is_some(),
        "paid again: no longer pending"
    );
    assert_eq!(app.audit_count("programmes.payment_run.approve").await, 2);
}
