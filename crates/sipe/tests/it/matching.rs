//! Matching on hand-built profiles: the order and the factor values, the gaps, the hard
//! filters and the caller's search scope.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;

pub struct Person<'a> {
    pub office: &'a str,
    pub dni: &'a str,
    pub names: &'a str,
    pub education: &'a str,
    pub department: &'a str,
    pub employment: &'a str,
    /// (kind, code, from, to)
    pub items: &'a [(&'a str, &'a str, &'a str, &'a str)],
}

pub async fn person(app: &TestApp, p: Person<'_>) -> Uuid {
    let system = sipe::access::Access::system("t");
    let ctx = sipe::audit::AuditCtx::system();
    let input = sipe::persons::input::PersonInput {
        doc_type: "dni".into(),
        doc_number: p.dni.into(),
        surnames: "Candidata".into(),
        names: p.names.into(),
        birth_date: "1990-01-01".into(),
        sex: "F".into(),
        department_code: p.department.into(),
        education_level: p.education.into(),
        employment_status: p.employment.into(),
        office_code: p.office.into(),
        confirm_duplicates: "true".into(),
        ..Default::default()
    };
    let id =
        match sipe::persons::service::register(&app.db, &ctx, &system, crate::helpers::TZ, &input)
            .await
            .unwrap()
        {
            sipe::persons::service::RegisterOutcome::Created(id) => id,
            other => panic!("{other:?}"),
        };
    for (kind, code, from, to) in p.items {
        sipe::persons::profile::add_item(
            &app.db,
            &ctx,
            &system,
            crate::helpers::TZ,
            id,
            &sipe::persons::profile::ItemInput {
                kind: (*kind).into(),
                code: (*code).into(),
                level: if *kind == "skill" {
                    "advanced".into()
                } else {
                    String::new()
                },
                employer: if *kind == "work" {
                    "Empaque".into()
                } else {
                    String::new()
                },
                from_date: (*from).into(),
                to_date: (*to).into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    id
}

#[tokio::test]
async fn candidates_rank_by_explained_factors_within_the_callers_search_scope() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let skills = sipe::taxonomy::skills::all(&app.db).await.unwrap();
    let (s1, s2) = (skills[0].clone(), skills[1].clone());
    // Skills by label: the skills catalogue is cached per process, and each test app has
    // its own database (and skill ids).
    let s1_id = s1.label.clone();
    let s2_id = s2.label.clone();
    let employer = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Empaque A").await;
    let vacancy = sipe::intermediation::vacancies::service::create_vacancy(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::intermediation::vacancies::input::VacancyInput {
            employer_id: Some(employer),
            title: "Embalador".into(),
            occupation: "9321.2".into(),
            required_skills: vec![s1_id.clone()],
            desired_skills: vec![s2_id.clone()],
            education_min: "2".into(),
            experience_months: Some(12),
            territory_code: "AR-90084".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Ana: same unit group, 17 months, both skills, secondary, same department.
    let ana = person(
        &app,
        Person {
            office: "OE-A",
            dni: "30111111",
            names: "Ana",
            education: "3",
            department: "AR-90084",
            employment: "unemployed",
            items: &[
                ("work", "9321.2", "2024-01-01", "2025-06-01"),
                ("skill", &s1_id, "", ""),
                ("skill", &s2_id, "", ""),
            ],
        },
    )
    .await;
    // Bea: same minor group (9329, 6 months of it), the required skill only, primary
    // school, another department of the province.
    let bea = person(
        &app,
        Person {
            office: "OE-A",
            dni: "30222222",
            names: "Bea",
            education: "1",
            department: "AR-90119",
            employment: "unemployed",
            items: &[
                ("desired", "9329.1", "", ""),
                ("work", "9329.2", "2025-01-01", "2025-07-01"),
                ("skill", &s1_id, "", ""),
            ],
        },
    )
    .await;
    // Caro: a perfect profile but employed and not looking: filtered out.
    let caro = person(
        &app,
        Person {
            office: "OE-A",
            dni: "30333333",
            names: "Caro",
            education: "3",
            department: "AR-90084",
            employment: "employed",
            items: &[
                ("work", "9321.2", "2020-01-01", ""),
                ("skill", &s1_id, "", ""),
            ],
        },
    )
    .await;
    // Dora: perfect, but registered at office B.
    let dora = person(
        &app,
        Person {
            office: "OE-B",
            dni: "30444444",
            names: "Dora",
            education: "3",
            department: "AR-90084",
            employment: "unemployed",
            items: &[
                ("work", "9321.2", "2020-01-01", ""),
                ("skill", &s1_id, "", ""),
                ("skill", &s2_id, "", ""),
            ],
        },
    )
    .await;
    // Eva: a bricklayer (7112): outside the sub-major group, filtered by occupation.
    person(
        &app,
        Person {
            office: "OE-A",
            dni: "30555555",
            names: "Eva",
            education: "3",
            department: "AR-90084",
            employment: "unemployed",
            items: &[("desired", "7112.1", "", "")],
        },
    )
    .await;
    app.sync_index().await;

    let op_a = app
        .token(app.user("op_a", "operator", &["OE-A"]).await)
        .await;
    let http = reqwest::Client::new();
    let get = |token: String, query: &'static str| {
        let http = http.clone();
        let url = app.url(&format!("/api/v1/vacancies/{vacancy}/candidates{query}"));
        async move {
            let res = http.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()
        }
    };
    let body = get(op_a.clone(), "?limit=50").await;
    let ids: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["person_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [ana.to_string(), bea.to_string()],
        "Caro is not looking, Dora is out of scope, Eva out of the occupation group"
    );
    assert_eq!(body["scored"], 2);
    // Pages go past the first: the second page of one is the second candidate.
    let second = get(op_a.clone(), "?limit=1&page=2").await;
    assert_eq!(second["items"][0]["person_id"], bea.to_string());
    assert_eq!(second["items"][0]["rank"], 2);
    let beyond = get(op_a.clone(), "?limit=1&page=99999999999").await;
    assert_eq!(
        beyond["items"].as_array().unwrap().len(),
        0,
        "a bounded page past the end"
    );
    let a = &body["items"][0];
    assert_eq!(
        a["factors"],
        json!({
            "occupation": 1.0, "required_skills": 0.8, "desired_skills": 0.8, "education": 1.0,
            "experience": 1.0, "languages": null, "distance": 1.0, "availability": null,
            "preferences": null
        }),
        "what the vacancy does not ask (languages, hours, contract, salary) is null: neutral; \
         a declared skill counts 0.8 (a certified one 1)"
    );
    assert_eq!(
        a["score"], 94.4,
        "100 × (3 + 2 × 0.8 + 0.5 × 0.8 + 1 + 1 + 1.5) / 9"
    );
    assert_eq!(a["certified_skills"], json!([]));
    assert_eq!(a["rank"], 1);
    assert!(a["tie_break"]["days_since_contact"].is_u64());
    assert_eq!(a["gaps"], json!([]));
    let b = &body["items"][1];
    assert_eq!(b["factors"]["occupation"], 0.6, "same minor group");
    assert_eq!(b["factors"]["required_skills"], 0.8);
    assert_eq!(b["factors"]["desired_skills"], 0.0);
    assert_eq!(
        b["factors"]["education"], 0.5,
        "primary is one level below lower secondary"
    );
    assert_eq!(b["factors"]["experience"], 0.0, "no months in 9321 itself");
    assert_eq!(b["factors"]["distance"], 0.5, "same province");
    let kinds: Vec<&str> = b["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["desired_skill", "education", "experience"]);
    assert_eq!(b["gaps"][0]["label"], s2.label.as_str());
    assert_eq!(b["gaps"][2]["has"], "0");
    // Weights change the score, not the facts: counting only the occupation gives 60.
    let only = get(op_a.clone(), "?w_required_skills=0&w_desired_skills=0&w_education=0&w_experience=0&w_languages=0&w_distance=0&w_availability=0&w_preferences=0").await;
    assert_eq!(only["items"][1]["score"], 60.0);
    // Filters: same department only leaves Ana; the unit group only leaves Ana too.
    let near = get(op_a.clone(), "?reach=department").await;
    assert_eq!(near["items"].as_array().unwrap().len(), 1);
    let unit = get(op_a.clone(), "?occupation_digits=4").await;
    assert_eq!(unit["items"][0]["person_id"], ana.to_string());
    assert_eq!(unit["scored"], 1);

    // Caro starts looking: she enters the ranking after her job search is recorded.
    let res = http
        .put(app.url(&format!("/api/v1/persons/{caro}/job-search")))
        .bearer_auth(&op_a)
        .json(&json!({"actively_looking": "true", "preferred_contracts": ["permanent"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let summary: Value = res.json().await.unwrap();
    assert_eq!(summary["actively_looking"], true);
    assert_eq!(summary["stated"], true);
    let today_in_tucuman = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Argentina::Tucuman)
        .date_naive()
        .to_string();
    assert_eq!(
        summary["looking_since"],
        today_in_tucuman.as_str(),
        "a local day"
    );
    app.sync_index().await;
    let body = get(op_a.clone(), "").await;
    assert_eq!(body["scored"], 3);
    let caro_row = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["person_id"] == caro.to_string())
        .unwrap();
    assert_eq!(caro_row["gaps"][0]["kind"], "desired_skill");

    // An operator of office B sees Dora only (their scope), never office A's people.
    app.user("op_b", "operator", &["OE-B"]).await;
    let ob = app
        .token(
            sipe::access::store::find_user_by_username(&app.db, "op_b")
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await;
    let res = http
        .get(app.url(&format!("/api/v1/vacancies/{vacancy}/candidates")))
        .bearer_auth(&ob)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "office A's vacancy is not theirs to see"
    );
    // A coordinator who may view office A's vacancy but search only office B's people.
    let coordinator = sipe::access::service::create_user(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::access::service::UserInput {
            username: "coord_ab".into(),
            full_name: "Coordinación".into(),
            email: String::new(),
            role: "coordinator".into(),
            scopes: sipe::access::service::ScopeInput {
                capture: vec!["OE-B".into()],
                view: vec!["OE-A".into(), "OE-B".into()],
                search: vec!["OE-B".into()],
                national: false,
            },
            affiliation: String::new(),
        },
        crate::helpers::PASSWORD,
    )
    .await
    .unwrap();
    let body = get(app.token(coordinator).await, "").await;
    let ids: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["person_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [dora.to_string()], "only the search scope is ranked");
    assert!(!body["items"][0]["factors"].as_object().unwrap().is_empty());
    // One who may view only office A and search only office B: Dora is not a candidate.
    // A ranking filtered by the vacancy's requirements would tell facts of her profile
    // (e.g. her education, by moving the vacancy's minimum), which only the view scope
    // may read.
    let searcher = sipe::access::service::create_user(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::access::service::UserInput {
            username: "coord_a".into(),
            full_name: "Coordinación A".into(),
            email: String::new(),
            role: "coordinator".into(),
            scopes: sipe::access::service::ScopeInput {
                capture: vec!["OE-A".into()],
                view: vec!["OE-A".into()],
                search: vec!["OE-B".into()],
                national: false,
            },
            affiliation: String::new(),
        },
        crate::helpers::PASSWORD,
    )
    .await
    .unwrap();
    let searcher_token = app.token(searcher).await;
    let one_factor = "?w_occupation=0&w_required_skills=0&w_desired_skills=0&w_education=10&w_experience=0&w_languages=0&w_distance=0&w_availability=0&w_preferences=0";
    for weights in ["", one_factor] {
        let body = get(searcher_token.clone(), weights).await;
        assert_eq!(body["items"], json!([]), "weights {weights:?}: {body}");
        assert_eq!(body["scored"], 0);
    }
    assert_eq!(
        app.audit_count("vacancy.match").await,
        10,
        "one row per search shown (the two pages included)"
    );
    // The weights are the caller's to choose for their own people.
    let scores = |body: Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| format!("{}={}", i["person_id"], i["score"]))
            .collect()
    };
    let own_default = scores(get(op_a.clone(), "").await);
    let own_reweighted = scores(get(op_a.clone(), one_factor).await);
    assert!(own_default.len() > 1);
    assert_ne!(
        own_default, own_reweighted,
        "the weights change the scores of the caller's own people"
    );

    // The other way round: open vacancies for Ana, only those op_a may see.
    let system = sipe::access::Access::system("t");
    let ctx = sipe::audit::AuditCtx::system();
    let open = sipe::intermediation::vacancies::service::change_state;
    open(&app.db, &ctx, &system, vacancy, "open", "")
        .await
        .unwrap();
    let employer_b = crate::vacancies::employer(&app, "OE-B", "30-50000000-3", "Empaque B").await;
    let other = sipe::intermediation::vacancies::service::create_vacancy(
        &app.db,
        &ctx,
        &system,
        &sipe::intermediation::vacancies::input::VacancyInput {
            employer_id: Some(employer_b),
            title: "Embalador B".into(),
            occupation: "9321.2".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    open(&app.db, &ctx, &system, other, "open", "")
        .await
        .unwrap();
    let res = http
        .get(app.url(&format!("/api/v1/persons/{ana}/vacancies")))
        .bearer_auth(&op_a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "office B's vacancy is not op_a's to offer");
    assert_eq!(items[0]["vacancy_id"], vacancy.to_string());
    assert_eq!(items[0]["score"], 94.4, "the same score both ways");
    assert_eq!(items[0]["employer"], "Empaque A");
    let res = http
        .get(app.url(&format!("/api/v1/persons/{dora}/vacancies")))
        .bearer_auth(&op_a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "Dora is office B's");
    assert_eq!(app.audit_count("person.match").await, 1);
}
