//! A training institution's staff: users affiliated with the institution instead of
//! offices. They run their institution's cohorts (the roster with identity and
//! contact, attendance) and get "not found" for other institutions' cohorts and for
//! every person page: they hold no office scope, so the registry finds nobody.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp};
use crate::training::{cohort, course, enrol, institution};
use sipe::access::service::{ScopeInput, UserInput};

fn staff_input(username: &str, affiliation: &str, offices: &[&str]) -> UserInput {
    UserInput {
        username: username.into(),
        full_name: format!("Personal {username}"),
        email: String::new(),
        role: "institution_staff".into(),
        scopes: ScopeInput {
            capture: offices.iter().map(|s| s.to_string()).collect(),
            view: Vec::new(),
            search: Vec::new(),
            national: false,
        },
        affiliation: affiliation.into(),
    }
}

async fn create(app: &TestApp, input: &UserInput) -> Result<Uuid, Vec<&'static str>> {
    sipe::access::service::create_user(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        input,
        PASSWORD,
    )
    .await
    .map_err(|e| match e {
        sipe::access::service::AccessError::Invalid(f) => f.0.iter().map(|e| e.key).collect(),
        other => panic!("{other:?}"),
    })
}

#[tokio::test]
async fn institution_staff_run_their_cohorts_and_find_no_other_cohort_and_no_person() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let mine = institution(&app, "30-71234567-1", "CFP Norte").await;
    let other = institution(&app, "30-50001234-6", "CFP Sur").await;
    let c = course(&app, "Soldadura", "").await;
    let k_mine = cohort(&app, c, mine, "OE-A", 5, &["enrolling"]).await;
    let k_other = cohort(&app, c, other, "OE-A", 5, &["enrolling"]).await;
    let p_mine =
        crate::persons::register(&app, "OE-A", "30111001", "Quiroga", "Ana", "1990-01-01").await;
    let p_other =
        crate::persons::register(&app, "OE-A", "30111002", "Zelaya", "Luis", "1990-01-01").await;
    let e_mine = enrol(&app, k_mine, p_mine).await.id;
    let e_other = enrol(&app, k_other, p_other).await.id;
    crate::training::move_to(&app, k_mine, "running").await;
    crate::training::move_to(&app, k_other, "running").await;

    // The rules of the role, in the use case.
    let no_affiliation = create(&app, &staff_input("sinclave", "", &[])).await;
    assert_eq!(no_affiliation, Err(vec!["user-affiliation-required"]));
    let with_office = create(
        &app,
        &staff_input("conoficina", &mine.to_string(), &["OE-A"]),
    )
    .await;
    assert_eq!(with_office, Err(vec!["user-affiliated-no-offices"]));
    let mut operator = staff_input("opconinst", &mine.to_string(), &["OE-A"]);
    operator.role = "operator".into();
    operator.scopes.view = vec!["OE-A".into()];
    operator.scopes.search = vec!["OE-A".into()];
    assert_eq!(
        create(&app, &operator).await,
        Err(vec!["user-affiliation-not-allowed"])
    );
    let staff = create(&app, &staff_input("cfpnorte", &mine.to_string(), &[]))
        .await
        .unwrap();
    let client = app.client();
    let csrf = app.login(&client, "cfpnorte").await;
    let token = app.token(staff).await;
    let get = |path: String| {
        let client = client.clone();
        let url = app.url(&path);
        async move { client.get(url).send().await.unwrap() }
    };

    // Their home names their institution and offers neither people nor offices.
    let home = get("/".into()).await.text().await.unwrap();
    assert!(
        home.contains("CFP Norte"),
        "their institution on the home page"
    );
    assert!(home.contains("href=\"/training/cohorts\""));
    assert!(!home.contains("href=\"/persons\"") && !home.contains("href=\"/offices\""));
    // Their institution's cohort: served, with the roster's identity (positive control).
    let mut served = 0;
    let res = get(format!("/training/cohorts/{k_mine}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Quiroga"), "their learner's name");
    assert!(!html.contains("Zelaya"));
    served += 1;
    let list = get("/training/cohorts".into()).await.text().await.unwrap();
    let db = &app.db;
    let code = |k: Uuid| async move {
        sipe::training::cohorts::find(db, k)
            .await
            .unwrap()
            .unwrap()
            .code
    };
    assert!(list.contains(&code(k_mine).await));
    assert!(
        !list.contains(&code(k_other).await),
        "another institution's cohort"
    );
    served += 1;
    let api = app.get_json(&token, "/api/v1/cohorts").await;
    assert_eq!(api["total"], 1);
    assert_eq!(api["items"][0]["id"], k_mine.to_string());
    let roster = app
        .get_json(&token, &format!("/api/v1/cohorts/{k_mine}/enrolments"))
        .await;
    assert_eq!(roster["items"].as_array().unwrap().len(), 1);
    served += 2;
    // Attendance of their cohort's class: the sheet and the save.
    let session = sipe::training::cohorts::sessions(&app.db, k_mine)
        .await
        .unwrap()[0]
        .id;
    let res = get(format!("/training/sessions/{session}/attendance")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post_form(
            &client,
            &csrf,
            &format!("/training/sessions/{session}/attendance"),
            &[(format!("mark_{e_mine}").as_str(), "present")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let marks = sipe::training::attendance::marks_of_session(&app.db, session)
        .await
        .unwrap();
    assert_eq!(marks.len(), 1, "the mark was saved");
    served += 2;

    // Everything else is not found: the other institution's cohort and its class, and
    // every person page, even of their own learner.
    let other_session = sipe::training::cohorts::sessions(&app.db, k_other)
        .await
        .unwrap()[0]
        .id;
    let hidden = [
        format!("/training/cohorts/{k_other}"),
        format!("/training/sessions/{other_session}/attendance"),
        format!("/training/cohorts/{k_other}/certificates.pdf"),
        format!("/persons/{p_mine}"),
        format!("/persons/{p_other}"),
        format!("/persons/{p_mine}/training"),
        format!("/persons/{p_mine}/edit"),
    ];
    for path in &hidden {
        let status = get(path.clone()).await.status();
        assert!(
            status == StatusCode::NOT_FOUND
                || status == StatusCode::FORBIDDEN && path.ends_with("/edit"),
            "{path}: {status}"
        );
    }
    for path in [
        format!("/api/v1/cohorts/{k_other}"),
        format!("/api/v1/cohorts/{k_other}/enrolments"),
        format!("/api/v1/persons/{p_mine}"),
        format!("/api/v1/persons/{p_other}"),
    ] {
        let res = reqwest::Client::new()
            .get(app.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let res = app
        .post_form(
            &client,
            &csrf,
            &format!("/training/sessions/{other_session}/attendance"),
            &[(format!("mark_{e_other}").as_str(), "present")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        sipe::training::attendance::marks_of_session(&app.db, other_session)
            .await
            .unwrap()
            .is_empty()
    );
    // They open cohorts of their institution, at any office; never of another one.
    let cohort_form = |institution: Uuid| {
        vec![
            ("course_id".to_owned(), c.to_string()),
            ("institution_id".to_owned(), institution.to_string()),
            ("office_code".to_owned(), "OE-A".to_owned()),
            ("starts_on".to_owned(), "2026-04-06".to_owned()),
            ("ends_on".to_owned(), "2026-04-27".to_owned()),
            ("weekdays".to_owned(), "1".to_owned()),
            ("start_time".to_owned(), "09:00".to_owned()),
            ("end_time".to_owned(), "12:00".to_owned()),
            ("place".to_owned(), "institution".to_owned()),
            ("capacity".to_owned(), "10".to_owned()),
        ]
    };
    let post_cohort = |fields: Vec<(String, String)>| {
        let client = client.clone();
        let csrf = csrf.clone();
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.post_form(&client, &csrf, "/training/cohorts", &pairs)
                .await
        }
    };
    let res = post_cohort(cohort_form(other)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = post_cohort(cohort_form(mine)).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "their own institution's"
    );
    let api = app.get_json(&token, "/api/v1/cohorts").await;
    assert_eq!(api["total"], 2, "the new cohort is theirs to see");
    // The registry's lists find nobody.
    let people = get("/persons?q=Quiroga".into()).await.text().await.unwrap();
    assert!(!people.contains("30111001") && !people.contains("30.111.001"));
    assert_eq!(served, 6);
}

#[tokio::test]
async fn a_national_admin_affiliates_staff_with_an_institution_the_module_offers() {
    let app = TestApp::spawn().await;
    let cfp = institution(&app, "30-71234567-1", "CFP Norte").await;
    let (admin, csrf) = app.signed_in("root", "admin", &[]).await;
    let form = admin
        .get(app.url("/admin/users/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("name=\"affiliation\""),
        "the form offers institutions"
    );
    assert!(form.contains("CFP Norte"));
    let post = |affiliation: String| {
        let admin = admin.clone();
        let csrf = csrf.clone();
        let app = &app;
        async move {
            app.post_form(
                &admin,
                &csrf,
                "/admin/users",
                &[
                    ("username", "cfpnorte"),
                    ("full_name", "Personal CFP Norte"),
                    ("role", "institution_staff"),
                    ("password", "una-clave-larga-y-segura-2026"),
                    ("affiliation", affiliation.as_str()),
                ],
            )
            .await
        }
    };
    // An institution no module offers is refused like none at all.
    let res = post(Uuid::now_v7().to_string()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Elija la institución"));
    assert!(
        sipe::access::store::find_user_by_username(&app.db, "cfpnorte")
            .await
            .unwrap()
            .is_none()
    );
    // The offered one is kept (the positive control).
    let res = post(cfp.to_string()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let user = sipe::access::store::find_user_by_username(&app.db, "cfpnorte")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.affiliation_id, Some(cfp));
    let access = sipe::access::store::load_access(&app.db, &user)
        .await
        .unwrap();
    assert_eq!(access.affiliation, Some(cfp));
    assert!(!access.view.is_national() && !access.search.is_national());
}
