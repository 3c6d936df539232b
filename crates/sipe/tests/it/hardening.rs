//! The security review's findings (issue 12), each with the request that showed it.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, location};
use crate::persons::register;
use sipe::ids::PersonId;

/// A new admin and their API token.
async fn admin(app: &TestApp) -> (reqwest::Client, String, String) {
    let id = app.user("admin1", "admin", &[]).await;
    let token = app.token(id).await;
    let c = app.client();
    let csrf = app.login(&c, "admin1").await;
    (c, csrf, token)
}

#[tokio::test]
async fn a_page_beyond_the_deepest_one_is_refused_on_every_list() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    register(&app, "OE-A", "23456789", "Zapata", "Ana", "1985-03-04").await;
    app.sync_index().await;
    let (c, _, token) = admin(&app).await;
    let http = reqwest::Client::new();
    let api = [
        "/api/v1/persons?q=ana",
        "/api/v1/persons",
        "/api/v1/employers",
        "/api/v1/vacancies",
        "/api/v1/referrals",
        "/api/v1/follow-ups",
        "/api/v1/offices",
        "/api/v1/territories",
    ];
    for path in api {
        let sep = if path.contains('?') { '&' } else { '?' };
        let ok = http
            .get(app.url(&format!("{path}{sep}page=1")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::OK, "{path} page 1");
        for page in [
            "10000000000",
            "1001&per_page=100",
            "99999999999999999999999",
        ] {
            let res = http
                .get(app.url(&format!("{path}{sep}page={page}")))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path} page={page}"
            );
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["errors"][0]["field"], "page", "{path}: {body}");
        }
    }
    let web = [
        "/persons?q=ana",
        "/persons",
        "/employers",
        "/vacancies",
        "/referrals",
        "/follow-ups",
        "/offices",
        "/admin/users",
        "/admin/audit",
        "/admin/jobs",
        "/persons/duplicates",
    ];
    for path in web {
        let sep = if path.contains('?') { '&' } else { '?' };
        let ok = c
            .get(app.url(&format!("{path}{sep}page=1")))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::OK, "{path} page 1");
        let res = c
            .get(app.url(&format!("{path}{sep}page=10000000000")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(res.text().await.unwrap().contains("Refiná la búsqueda"));
    }
    // The server is still there, and the search still works.
    let res = app.get_json(&token, "/api/v1/persons?q=ana").await;
    assert_eq!(res["total"], 1);
}

#[tokio::test]
async fn search_text_is_bounded_in_length_and_words() {
    let app = TestApp::spawn().await;
    let (c, _, token) = admin(&app).await;
    let http = reqwest::Client::new();
    let long = "a".repeat(201);
    let many = (0..11)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join("+");
    for (q, key) in [(long.as_str(), "200"), (many.as_str(), "10")] {
        let res = http
            .get(app.url(&format!("/api/v1/persons?q={q}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], "q");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains(key));
        let res = c
            .get(app.url(&format!("/persons?q={q}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Answered on the list page: the reason, and the form as typed, marked invalid.
        let html = res.text().await.unwrap();
        assert!(html.contains("data-testid=\"search-problem\""), "{html}");
        assert!(html.contains(&format!("como mucho {key}")));
        assert!(html.contains("aria-invalid=\"true\""));
        assert!(html.contains(&format!("value=\"{}\"", q.replace('+', " "))));
    }
    let ok = http
        .get(app.url("/api/v1/persons?q=gonzalez+maria+del+valle"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    // Every other list with a search box: each word became one SQL condition, and a
    // few hundred of them overflowed the stack building the query (the process aborted).
    let flood = vec!["ab"; 900].join("+");
    let mut checked = 0;
    for path in [
        "/api/v1/employers",
        "/api/v1/vacancies",
        "/employers",
        "/vacancies",
        "/employers.csv",
        "/vacancies.csv",
    ] {
        let api = path.starts_with("/api/");
        let ok = if api {
            http.get(app.url(&format!("{path}?q=ab")))
                .bearer_auth(&token)
        } else {
            c.get(app.url(&format!("{path}?q=ab")))
        };
        assert_eq!(ok.send().await.unwrap().status(), StatusCode::OK, "{path}");
        for q in [flood.as_str(), many.as_str()] {
            let req = if api {
                http.get(app.url(&format!("{path}?q={q}")))
                    .bearer_auth(&token)
            } else {
                c.get(app.url(&format!("{path}?q={q}")))
            };
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            if api {
                let body: Value = res.json().await.unwrap();
                assert_eq!(body["errors"][0]["field"], "q", "{path}: {body}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
    assert_eq!(app.get_json(&token, "/api/v1/employers").await["total"], 0);
}

#[tokio::test]
async fn redirect_targets_are_same_site_paths_only() {
    let app = TestApp::spawn().await;
    app.user("ana", "admin", &[]).await;
    let c = app.client();
    for (next, expected) in [
        ("/%09/evil.example", "/"),
        ("//evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("/%0A/evil.example", "/"),
        ("https://evil.example", "/"),
        ("/persons?q=ana", "/persons?q=ana"),
    ] {
        let res = c
            .get(app.url(&format!("/lang/es?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(res.headers()), expected, "/lang next={next}");
        let html = c
            .get(app.url(&format!("/login?next={next}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let field = crate::helpers::attr_of(&html, "input[name=next]", "value").unwrap();
        assert_eq!(field, expected, "/login next={next}");
    }
    let res = c
        .post(app.url("/login"))
        .form(&[
            ("username", "ana"),
            ("password", crate::helpers::PASSWORD),
            ("next", "/\t/evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(res.headers()), "/");
}

#[tokio::test]
async fn unknown_methods_are_refused_without_minting_metrics_labels() {
    let app = TestApp::spawn().await;
    let http = reqwest::Client::new();
    for i in 0..5 {
        let method = reqwest::Method::from_bytes(format!("AAAA{i}").as_bytes()).unwrap();
        let res = http.request(method, app.url("/")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    }
    let metrics = http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("http_requests_total"),
        "metrics served to loopback"
    );
    assert!(!metrics.contains("AAAA"), "no label minted by a client");
    assert!(metrics.contains("method=\"OTHER\""));
}

#[tokio::test]
async fn metrics_are_served_only_to_allowed_addresses_or_on_their_own_listener() {
    let http = reqwest::Client::new();
    let app = TestApp::spawn_with(|c| c.metrics_allow = vec!["10.0.0.0/8".into()]).await;
    let res = http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "127.0.0.1 is not allowed"
    );
    assert_eq!(
        http.get(app.url("/healthz")).send().await.unwrap().status(),
        StatusCode::OK
    );
    // Behind a trusted proxy, the forwarded client counts, not the proxy.
    let app = TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".into()]).await;
    let res = http
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a public client via the proxy"
    );
    let res = http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the proxy host itself");
    // A separate listener: the main address does not serve it.
    let app = TestApp::spawn_with(|c| c.metrics_bind = Some("127.0.0.1:0".into())).await;
    let res = http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let port = app.metrics_port.unwrap();
    let res = http
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("process_uptime_seconds"));
}

#[tokio::test]
async fn an_unsafe_request_id_is_replaced_and_a_safe_one_kept() {
    let app = TestApp::spawn().await;
    let http = reqwest::Client::new();
    let id = |res: &reqwest::Response| {
        res.headers()
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    let res = http
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123.4")
        .send()
        .await
        .unwrap();
    assert_eq!(id(&res), "abc-123.4");
    for bad in ["=cmd|'/c calc'!A1", &"x".repeat(65), "a b", "ñ"] {
        let res = http
            .get(app.url("/healthz"))
            .header(
                "x-request-id",
                reqwest::header::HeaderValue::from_bytes(bad.as_bytes()).unwrap(),
            )
            .send()
            .await
            .unwrap();
        let got = id(&res);
        assert_ne!(got, bad);
        assert!(got.len() <= 64 && got.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    }
}

/// The cells of a CSV body, row by row.
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn csv_exports_neutralise_formulas_typed_by_anyone() {
    let app = TestApp::spawn().await;
    // An anonymous visitor types a formula as username; it lands in the audit log.
    let typed = "=hyperlink(\"http://x\")";
    let res = app.post_login(&app.client(), typed, "whatever").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // And one that hides its formulas after semicolons, where Excel in Spanish splits.
    let hidden = "zz;=1+cmd|' /c calc'!a0;@sum(1)";
    let res = app.post_login(&app.client(), hidden, "whatever").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (c, _, _) = admin(&app).await;
    let body = app.get_page(&c, "/admin/audit.csv").await;
    let split_on_semicolons: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(b';')
        .from_reader(body.as_bytes())
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    assert!(split_on_semicolons.len() > 3, "the export was read");
    for cell in &split_on_semicolons {
        assert!(
            !cell.starts_with(['=', '+', '-', '@']),
            "a cell split on `;` starts a formula: {cell:?}"
        );
    }
    let rows = csv_rows(&body);
    assert!(
        rows.iter()
            .flatten()
            .any(|cell| cell == "zz;'=1+cmd|' /c calc'!a0;'@sum(1)"),
        "the hidden formulas are neutralised too"
    );
    let failed: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r.get(5).is_some_and(|a| a == "user.login_failed"))
        .collect();
    assert_eq!(failed.len(), 2, "the failed logins are exported");
    assert_eq!(
        failed[0][4],
        format!("'{typed}"),
        "neutralised, nothing lost"
    );
    assert!(
        rows.iter()
            .flatten()
            .all(|cell| !cell.starts_with(['=', '+', '-', '@'])),
        "no cell of the export starts a formula"
    );
    // A vacancy title from another office reaches this office's referral export.
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let person = register(&app, "OE-A", "23456789", "Zapata", "Ana", "1985-03-04").await;
    let employer = crate::vacancies::employer(&app, "OE-B", "30-50000000-3", "Empaque B").await;
    let system = sipe::access::Access::system("t");
    let ctx = sipe::audit::AuditCtx::system();
    let vacancy = sipe::intermediation::vacancies::service::create_vacancy(
        &app.db,
        &ctx,
        &system,
        &sipe::intermediation::vacancies::input::VacancyInput {
            employer_id: Some(employer),
            title: "=SUM(1;2)".into(),
            occupation: "9321.2".into(),
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
    sipe::intermediation::referrals::service::refer(
        &app.db,
        &ctx,
        &system,
        &sipe::intermediation::referrals::service::ReferralInput {
            vacancy_id: Some(vacancy),
            person_id: Some(person),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (a, _) = app.signed_in("opa", "operator", &["OE-A"]).await;
    let body = app.get_page(&a, "/referrals.csv").await;
    let rows = csv_rows(&body);
    assert_eq!(rows.len(), 2, "header and the referral: {body}");
    assert!(rows[1].contains(&"'=SUM(1;2)".to_owned()), "{:?}", rows[1]);
}

/// A coordinator who captures and views office A but may look people up in A and B.
async fn searcher(app: &TestApp) -> (reqwest::Client, String) {
    let id = sipe::access::service::create_user(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::access::service::UserInput {
            username: "buscador".into(),
            full_name: "Buscador".into(),
            email: String::new(),
            role: "coordinator".into(),
            scopes: sipe::access::service::ScopeInput {
                capture: vec!["OE-A".into()],
                view: vec!["OE-A".into()],
                search: vec!["OE-A".into(), "OE-B".into()],
                national: false,
            },
            affiliation: String::new(),
        },
        crate::helpers::PASSWORD,
    )
    .await
    .unwrap();
    let c = app.client();
    app.login(&c, "buscador").await;
    (c, app.token(id).await)
}

async fn with_disability(app: &TestApp, id: uuid::Uuid, phone: &str) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let p = sipe::persons::store::find_person(
        &app.db,
        &sipe::access::Access::system("t"),
        sipe::access::ScopeKind::View,
        PersonId(id),
    )
    .await
    .unwrap()
    .unwrap();
    let mut a = p.into_active_model();
    a.has_disability = Set(true);
    a.phone = Set(Some(phone.into()));
    a.updated_at = Set(chrono::Utc::now());
    a.update(&app.db).await.unwrap();
}

#[tokio::test]
async fn search_scope_reveals_identity_only_in_lists_filters_and_exports() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let own = register(&app, "OE-A", "23456789", "Zapata", "Ana", "1985-03-04").await;
    let other = register(&app, "OE-B", "27111222", "Zapata", "Berta", "1986-04-05").await;
    with_disability(&app, own, "+543814000001").await;
    with_disability(&app, other, "+543814000002").await;
    app.sync_index().await;
    let (c, token) = searcher(&app).await;

    // The API list: both found by name; office B's with identity only.
    for path in ["/api/v1/persons?q=zapata", "/api/v1/persons"] {
        let body = app.get_json(&token, path).await;
        let items = body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{path}: both are in the search scope");
        let find = |id: uuid::Uuid| items.iter().find(|i| i["id"] == id.to_string()).unwrap();
        let (a, b) = (find(own), find(other));
        assert_eq!(a["restricted"], false);
        assert_eq!(a["phone"], "+543814000001", "office A's own person in full");
        assert_eq!(b["restricted"], true);
        assert_eq!(b["doc_number"], "27111222");
        assert_eq!(b["birth_date"], "1986-04-05");
        assert_eq!(b["office_code"], "OE-B");
        for field in [
            "cuil",
            "phone",
            "email",
            "sex",
            "locality",
            "department_code",
            "education_level",
            "employment_status",
        ] {
            assert!(
                b[field].is_null(),
                "{path}: {field} of office B's person: {b}"
            );
        }
    }
    // Sensitive filters look at the view scope only.
    for path in [
        "/api/v1/persons?disability=yes",
        "/api/v1/persons?q=zapata&sex=F",
        "/api/v1/persons?q=zapata&disability=yes",
    ] {
        let body = app.get_json(&token, path).await;
        let ids: Vec<&str> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [own.to_string()], "{path}");
        assert_eq!(body["total"], 1, "{path}: not even counted");
    }
    let html = app.get_page(&c, "/persons?disability=yes").await;
    assert!(html.contains("23456789"), "own person listed");
    assert!(
        !html.contains("27111222"),
        "office B's person with a disability is not"
    );
    let html = app.get_page(&c, "/persons?q=zapata").await;
    assert!(
        html.contains("27111222"),
        "found by name through the search scope"
    );
    // Exports read the view scope, whatever the filters.
    for path in ["/persons/export.csv?q=zapata", "/persons/export.csv"] {
        let body = app.get_page(&c, path).await;
        assert!(body.contains("23456789"), "{path}: own person exported");
        assert!(
            !body.contains("27111222"),
            "{path}: office B's person is not"
        );
    }
}

#[tokio::test]
async fn reads_of_personal_data_leave_one_audit_row_per_request() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let id = register(&app, "OE-A", "23456789", "Zapata", "Ana", "1985-03-04").await;
    app.sync_index().await;
    let (c, _, token) = admin(&app).await;
    let cases: [(&str, &str); 19] = [
        ("/api/v1/persons/{id}/timeline", "person.view"),
        ("/api/v1/persons/{id}/interviews", "person.view"),
        ("/api/v1/persons/{id}/profile", "person.view"),
        ("/persons/{id}/situation", "person.view"),
        ("/persons/{id}/job-search", "person.view"),
        ("/api/v1/persons/{id}/job-search", "person.view"),
        ("/api/v1/persons/{id}/referrals", "referral.list"),
        ("/referrals", "referral.list"),
        ("/api/v1/referrals", "referral.list"),
        ("/follow-ups", "follow_up.list"),
        ("/api/v1/follow-ups", "follow_up.list"),
        ("/persons?q=zapata", "person.list"),
        ("/api/v1/persons?q=zapata", "person.list"),
        ("/persons/transfers", "person.transfer_list"),
        ("/api/v1/transfer-requests", "person.transfer_list"),
        ("/admin/audit", "audit.view"),
        ("/admin/audit.csv", "audit.export"),
        ("/persons/{id}/edit", "person.view"),
        ("/persons/{id}", "person.view"),
    ];
    for (path, action) in cases {
        let path = path.replace("{id}", &id.to_string());
        let before = app.audit_count(action).await;
        let res = if path.starts_with("/api/") {
            reqwest::Client::new()
                .get(app.url(&path))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
        } else {
            c.get(app.url(&path)).send().await.unwrap()
        };
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(
            app.audit_count(action).await,
            before + 1,
            "{path} audited once"
        );
    }
    // A vacancy's page names who was referred to it.
    let employer = crate::vacancies::employer(&app, "OE-A", "30-50000000-3", "Empaque A").await;
    let vacancy = sipe::intermediation::vacancies::service::create_vacancy(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::intermediation::vacancies::input::VacancyInput {
            employer_id: Some(employer),
            title: "Embalador".into(),
            occupation: "9321.2".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let before = app.audit_count("referral.list").await;
    app.get_page(&c, &format!("/vacancies/{vacancy}")).await;
    assert_eq!(app.audit_count("referral.list").await, before + 1);
    // The list's row names who was shown.
    let f = sipe::audit::store::AuditFilter {
        action: "person.list".into(),
        ..Default::default()
    };
    let (rows, _) = sipe::audit::store::list(&app.db, &f, 0, 1).await.unwrap();
    assert!(rows[0].after.as_deref().unwrap().contains(&id.to_string()));
}

#[tokio::test]
async fn control_characters_are_refused_and_text_is_stored_composed() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let (c, csrf, token) = admin(&app).await;
    let http = reqwest::Client::new();
    let person = |surnames: &str, extra: Value| {
        let mut body = serde_json::json!({
            "doc_type": "dni", "doc_number": "30111222", "surnames": surnames,
            "names": "Ana", "birth_date": "1990-01-01", "sex": "F", "office_code": "OE-A",
            "confirm_duplicates": "true"
        });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    for (body, field) in [
        (person("Nul\u{0}l", serde_json::json!({})), "surnames"),
        (
            person("Paz", serde_json::json!({"locality": "a\u{1b}[31m"})),
            "locality",
        ),
        (
            person("Paz", serde_json::json!({"names": "\u{202E}anA"})),
            "names",
        ),
        (
            person("Paz", serde_json::json!({"province_code": "99"})),
            "province_code",
        ),
        (
            person(
                "Paz",
                serde_json::json!({"province_code": "02", "department_code": "AR-90084"}),
            ),
            "province_code",
        ),
        (
            person("Paz", serde_json::json!({"nationality": "ZZ"})),
            "nationality",
        ),
        (
            person("Paz", serde_json::json!({"names": "dos\nlíneas"})),
            "names",
        ),
    ] {
        let res = http
            .post(app.url("/api/v1/persons"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let count = |app: &TestApp| {
        let db = app.db.clone();
        async move { sipe::persons::store::count_all(&db).await.unwrap() }
    };
    assert_eq!(count(&app).await, 0, "nothing was stored");
    // A query string and a form are cleaned the same way.
    let res = http
        .get(app.url("/api/v1/persons?q=a%00b"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .post_form(
            &c,
            &csrf,
            "/persons",
            &[
                ("doc_type", "dni"),
                ("doc_number", "30111222"),
                ("surnames", "Nul\u{0}l"),
                ("names", "Ana"),
                ("birth_date", "1990-01-01"),
                ("sex", "F"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Texto no válido"), "{html}");
    assert!(html.contains("caracteres de control invisibles"), "{html}");
    assert!(
        html.contains("«\u{2068}Apellidos\u{2069}»") || html.contains("«Apellidos»"),
        "the page names the field by its label: {html}"
    );
    let res = c
        .get(app.url("/territories/AR-90%00"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app).await, 0);
    // Decomposed accents are stored composed (NFC), whatever the channel.
    let res = http
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&token)
        .json(&person(
            "Gonza\u{301}lez",
            serde_json::json!({
                "province_code": "90", "department_code": "AR-90084",
                "names": "Ana\tMaría"
            }),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["surnames"], "González");
    assert_eq!(body["surnames"].as_str().unwrap().chars().count(), 8);
    assert_eq!(
        body["names"], "Ana María",
        "a pasted tab is stored as a space"
    );
}

#[tokio::test]
async fn an_admin_of_some_offices_reads_no_audit_log_and_runs_no_import() {
    // The audit log, imports, jobs and vocabularies span every office: a zone's admin
    // has the role, not the reach.
    let app = TestApp::spawn().await;
    app.office("ZONA-A", "").await;
    let (zone, zone_csrf) = app.signed_in("admin_zona", "admin", &["ZONA-A"]).await;
    let (national, _) = app.signed_in("admin_pais", "admin", &[]).await;
    let paths = [
        "/admin/audit",
        "/admin/audit.csv",
        "/admin/imports",
        "/admin/jobs",
        "/admin/skills",
    ];
    let mut checked = 0;
    for path in paths {
        let status = |c: &reqwest::Client| c.get(app.url(path)).send();
        assert_eq!(
            status(&national).await.unwrap().status(),
            StatusCode::OK,
            "{path}"
        );
        assert_eq!(
            status(&zone).await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
        checked += 1;
    }
    assert_eq!(checked, paths.len());
    // An upload is refused before anything is stored or queued.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"tipo_documento\n".to_vec()).file_name("p.csv"),
    );
    let res = zone
        .post(app.url(&format!("/admin/imports?_csrf={zone_csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count("person.import_upload").await, 0);
}

#[tokio::test]
async fn dates_far_in_the_past_or_future_are_refused_not_overflowed() {
    // A date near chrono's limit made `to + 1 day` panic (a 500 with an empty body).
    let app = TestApp::spawn().await;
    let (c, _, token) = admin(&app).await;
    let http = reqwest::Client::new();
    let ok = http
        .get(app.url("/api/v1/indicators/intermediation?from=2026-01-01&to=2026-12-31"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    for to in [
        "%2B262142-12-31",
        "262143-01-01",
        "1899-12-31",
        "2200-01-01",
    ] {
        let res = http
            .get(app.url(&format!("/api/v1/indicators/intermediation?to={to}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{to}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], "to", "{to}: {body}");
        let res = c
            .get(app.url(&format!("/admin/audit?to={to}")))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "the audit screen says so: {to}");
    }
}

#[tokio::test]
async fn every_api_error_is_a_problem_document_even_outside_the_handlers() {
    // A method the route table does not know, a body over the limit and a cross-site
    // post are answered by layers around the handlers; they answer problems too.
    let app = TestApp::spawn_with(|c| c.body_limit_bytes = 1024).await;
    let (_, _, token) = admin(&app).await;
    let http = reqwest::Client::new();
    let big = serde_json::json!({ "surnames": "x".repeat(4096) });
    let cases = [
        (
            http.request(
                reqwest::Method::from_bytes(b"FOO").unwrap(),
                app.url("/api/v1/persons"),
            )
            .bearer_auth(&token),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            http.post(app.url("/api/v1/persons"))
                .bearer_auth(&token)
                .json(&big),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            http.post(app.url("/api/v1/persons"))
                .bearer_auth(&token)
                .header("origin", "https://evil.example")
                .header("sec-fetch-site", "cross-site")
                .json(&serde_json::json!({})),
            StatusCode::FORBIDDEN,
        ),
        (
            http.get(app.url("/api/v1/persons/no-es-un-id"))
                .bearer_auth(&token),
            StatusCode::BAD_REQUEST,
        ),
    ];
    let mut checked = 0;
    for (req, status) in cases {
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), status);
        assert_eq!(
            res.headers().get("content-type").unwrap(),
            "application/problem+json",
            "{status}"
        );
        assert!(res.headers().get("x-content-type-options").is_some());
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], status.as_u16(), "{body}");
        checked += 1;
    }
    assert_eq!(checked, 4);
    // The same errors on a page are pages: the body limit in Spanish.
    let (c, csrf) = app.signed_in("ana", "admin", &[]).await;
    let res = app
        .post_form(&c, &csrf, "/offices", &[("name", &"x".repeat(4096))])
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("<h1>"));
}

#[tokio::test]
async fn the_duplicate_check_matches_contact_data_only_within_the_view_scope() {
    // A phone number typed at registration found its owner in any searchable office,
    // with name, document and office: a reverse lookup of anyone's phone.
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let own = register(&app, "OE-A", "23456789", "Zapata", "Ana", "1985-03-04").await;
    let other = register(&app, "OE-B", "27111222", "Quiroga", "Berta", "1986-04-05").await;
    with_disability(&app, own, "+543814000001").await;
    with_disability(&app, other, "+543814000002").await;
    let (_, token) = searcher(&app).await;
    let body = |phone: &str| {
        serde_json::json!({
            "doc_type": "dni", "doc_number": "40111222", "surnames": "Nueva",
            "names": "Persona", "birth_date": "2000-01-01", "sex": "F",
            "office_code": "OE-A", "phone": phone
        })
    };
    let http = reqwest::Client::new();
    // Positive control: office A's own person is found by the phone.
    let res = http
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&token)
        .json(&body("+543814000001"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["possible_duplicates"], serde_json::json!([own]));
    // Office B's person (search scope only) is not, and the registration goes ahead.
    let res = http
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&token)
        .json(&body("+543814000002"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "no duplicate by contact");
    // Identity still matches over the search scope: same names and birth date.
    let twin = serde_json::json!({
        "doc_type": "dni", "doc_number": "40111333", "surnames": "Quiroga",
        "names": "Berta", "birth_date": "1986-04-05", "sex": "F", "office_code": "OE-A"
    });
    let res = http
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&token)
        .json(&twin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["possible_duplicates"], serde_json::json!([other]));
}
