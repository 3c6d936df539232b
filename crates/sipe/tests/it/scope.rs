//! Walks every route of the router as an operator of office A with the ids of office B's
//! records, and as an anonymous visitor. A new route needs no new test to be covered:
//! only a fixture for a new kind of path parameter.

use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use sipe::web::Guard;

use crate::helpers::{PASSWORD, TestApp};

struct Fixture {
    app: TestApp,
    office_b: uuid::Uuid,
    user_b: uuid::Uuid,
    token_b_id: uuid::Uuid,
    job_id: uuid::Uuid,
    person_b: uuid::Uuid,
    item_b: uuid::Uuid,
    interview_b: uuid::Uuid,
    skill: uuid::Uuid,
    request_b: uuid::Uuid,
    pair_b: uuid::Uuid,
    employer_b: uuid::Uuid,
    contact_b: uuid::Uuid,
    site_b: uuid::Uuid,
    agreement_b: uuid::Uuid,
    vacancy_b: uuid::Uuid,
    referral_b: uuid::Uuid,
    follow_up_b: uuid::Uuid,
    markers: Vec<String>,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let office_b = app.office("OE-B", "").await;
    app.user("opa", "operator", &["OE-A"]).await;
    let user_b = app.user("usuariob", "operator", &["OE-B"]).await;
    let token_b = app.token(user_b).await;
    let token_b_id = sipe::access::store::list_tokens(&app.db, user_b)
        .await
        .unwrap()[0]
        .id;
    sipe::jobs::store::enqueue(
        &app.db,
        "test.noop",
        &serde_json::json!({"office": "OE-B"}),
        None,
    )
    .await
    .unwrap();
    let job_id = sipe::jobs::store::list(&app.db, None, 0, 10)
        .await
        .unwrap()
        .0[0]
        .id;
    let person_b =
        crate::persons::register(&app, "OE-B", "23456789", "Zapata", "Rosaura", "1985-03-04").await;
    let system = sipe::access::Access::system("t");
    let ctx = sipe::audit::AuditCtx::system();
    let item_b = sipe::persons::profile::add_item(
        &app.db,
        &ctx,
        &system,
        crate::helpers::TZ,
        person_b,
        &sipe::persons::profile::ItemInput {
            kind: "work".into(),
            code: "albañil".into(),
            employer: "Empleador Secreto".into(),
            from_date: "2020-01-01".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let interview_b = sipe::persons::interview::record(
        &app.db,
        &ctx,
        &system,
        person_b,
        &sipe::persons::interview::InterviewInput {
            situation: "unemployed".into(),
            hours: "any".into(),
            notes: "Nota confidencial de B".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let skill = sipe::taxonomy::skills::all(&app.db).await.unwrap()[0].id;
    // Office C asks office B for its person: office A must see nothing of it.
    app.office("OE-C", "").await;
    let uc = app.user("usuarioc", "coordinator", &["OE-C"]).await;
    let uc = sipe::access::store::find_user(&app.db, uc)
        .await
        .unwrap()
        .unwrap();
    let access_c = sipe::access::store::load_access(&app.db, &uc)
        .await
        .unwrap();
    let request_b = sipe::persons::transfer::request(
        &app.db,
        &ctx,
        &access_c,
        &sipe::persons::transfer::TransferInput {
            doc_type: "dni".into(),
            doc_number: "23456789".into(),
            reason: "Motivo reservado de C".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap();
    crate::persons::register(&app, "OE-B", "23456798", "Zapata", "Rosaura", "1985-03-04").await;
    sipe::persons::duplicates::scan(&app.db).await.unwrap();
    let pair_b = sipe::persons::duplicates::open_pairs(&app.db, &system, 0, 10)
        .await
        .unwrap()
        .0[0]
        .pair
        .id;
    let employer_b = sipe::intermediation::employers::service::create_employer(
        &app.db,
        &ctx,
        &system,
        &sipe::intermediation::employers::input::EmployerInput {
            cuit: "30-71234567-1".into(),
            legal_name: "Empleador Reservado de B".into(),
            office_code: "OE-B".into(),
            contacts: vec![sipe::intermediation::employers::input::ContactInput {
                name: "Contacto Reservado B".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let contact_b = sipe::intermediation::employers::store::contacts(&app.db, employer_b)
        .await
        .unwrap()[0]
        .id;
    let site_b = sipe::intermediation::employers::service::add_site(
        &app.db,
        &ctx,
        &system,
        employer_b,
        &sipe::intermediation::employers::input::SiteInput {
            name: "Planta Reservada B".into(),
            territory_code: "AR-90084".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let agreement_b = sipe::intermediation::employers::service::add_agreement(
        &app.db,
        &ctx,
        &system,
        employer_b,
        &sipe::intermediation::employers::input::AgreementInput {
            kind: "other".into(),
            title: "Convenio Reservado B".into(),
            signed_on: "2026-01-02".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let vacancy_b = sipe::intermediation::vacancies::service::create_vacancy(
        &app.db,
        &ctx,
        &system,
        &sipe::intermediation::vacancies::input::VacancyInput {
            employer_id: Some(employer_b),
            title: "Puesto Reservado B".into(),
            occupation: "7112.1".into(),
            // Two positions: the one hire below leaves it open, so its routes stay live.
            positions: Some(2),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sipe::intermediation::vacancies::service::change_state(
        &app.db, &ctx, &system, vacancy_b, "open", "",
    )
    .await
    .unwrap();
    let referral_b = sipe::intermediation::referrals::service::refer(
        &app.db,
        &ctx,
        &system,
        &sipe::intermediation::referrals::service::ReferralInput {
            vacancy_id: Some(vacancy_b),
            person_id: Some(person_b),
            internal_note: "Nota interna reservada B".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for (to, start) in [("sent", ""), ("hired", "2026-12-01")] {
        sipe::intermediation::referrals::service::transition(
            &app.db,
            &ctx,
            &system,
            chrono_tz::America::Argentina::Tucuman,
            referral_b,
            &sipe::intermediation::referrals::service::TransitionInput {
                to: to.into(),
                start_date: start.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let follow_up_b = sipe::intermediation::referrals::placement_of(&app.db, referral_b)
        .await
        .unwrap()
        .unwrap()
        .1[0]
        .id;
    let markers = vec![
        "Puesto Reservado B".to_owned(),
        "Nota interna reservada B".to_owned(),
        "Empleador Reservado de B".to_owned(),
        "Contacto Reservado B".to_owned(),
        "Planta Reservada B".to_owned(),
        "Convenio Reservado B".to_owned(),
        "30712345671".to_owned(),
        "23456798".to_owned(),
        "Motivo reservado de C".to_owned(),
        "Empleador Secreto".to_owned(),
        "Nota confidencial de B".to_owned(),
        "23456789".to_owned(),
        "Zapata".to_owned(),
        "oe-b@oficina.example.gob.ar".to_owned(),
        "Oficina OE-B".to_owned(),
        "usuariob".to_owned(),
        token_b[..12].to_owned(),
        office_b.to_string(),
    ];
    Fixture {
        app,
        office_b,
        user_b,
        token_b_id,
        job_id,
        person_b,
        item_b,
        interview_b,
        skill,
        request_b,
        pair_b,
        employer_b,
        contact_b,
        site_b,
        agreement_b,
        vacancy_b,
        referral_b,
        follow_up_b,
        markers,
    }
}

fn concrete(path: &str, f: &Fixture) -> String {
    let mut out = path.to_owned();
    while let Some(start) = out.find('{') {
        let end = out[start..]
            .find('}')
            .map(|e| start + e)
            .expect("closing brace");
        let name = &out[start + 1..end];
        let value = match name {
            "id" if out.contains("/offices/") => f.office_b.to_string(),
            "id" if out.contains("/users/") => f.user_b.to_string(),
            "id" if out.contains("/persons/") => f.person_b.to_string(),
            "id" if out.contains("/skills/") => f.skill.to_string(),
            "id" if out.contains("/employers/") => f.employer_b.to_string(),
            "id" if out.contains("/vacancies/") => f.vacancy_b.to_string(),
            "id" if out.contains("/referrals/") => f.referral_b.to_string(),
            "id" if out.contains("/follow-ups/") => f.follow_up_b.to_string(),
            "contact_id" => f.contact_b.to_string(),
            "site_id" => f.site_b.to_string(),
            "agreement_id" => f.agreement_b.to_string(),
            "token_id" => f.token_b_id.to_string(),
            "item_id" => f.item_b.to_string(),
            "request_id" => f.request_b.to_string(),
            "pair_id" => f.pair_b.to_string(),
            // Import runs are not office data: admins only, refused to everyone else.
            "run_id" => uuid::Uuid::nil().to_string(),
            "interview_id" => f.interview_b.to_string(),
            "job_id" => f.job_id.to_string(),
            "code" => "AR-90".to_owned(),
            "lang" => "en".to_owned(),
            other => panic!("route {path}: add a fixture for path parameter {{{other}}}"),
        };
        out.replace_range(start..=end, &value);
    }
    out
}

#[tokio::test]
async fn every_route_hides_office_b_from_an_operator_or_coordinator_of_office_a() {
    let f = fixture().await;
    let app = &f.app;
    app.user("coa", "coordinator", &["OE-A"]).await;
    assert!(app.routes.len() > 30, "the route table is walked");
    for username in ["opa", "coa"] {
        let c = app.client();
        let csrf = app.login(&c, username).await;
        let user_a = sipe::access::store::find_user_by_username(&app.db, username)
            .await
            .unwrap()
            .unwrap();
        let token_a = app.token(user_a.id).await;
        for def in &app.routes {
            let path = concrete(def.path, &f);
            let req = match def.method.as_str() {
            "GET" => c.get(app.url(&path)),
            "POST" => c.post(app.url(&path)).form(&[
                ("_csrf", csrf.as_str()),
                ("name", "HACKED"),
                ("code", "OE-B"),
                ("kind", "employment_office"),
                ("active", "false"),
                ("password", "hacked password 123"),
                ("role", "admin"),
                ("full_name", "HACKED"),
            ]),
            "PATCH" => c.patch(app.url(&path)).json(
                &serde_json::json!({"code": "OE-B", "name": "HACKED", "kind": "employment_office"}),
            ),
            "PUT" => c
                .put(app.url(&path))
                .json(&serde_json::json!({"has_disability": "true", "dependants": "9"})),
            "DELETE" => c.delete(app.url(&path)),
            m => panic!("unexpected method {m}"),
        };
            let req = if matches!(def.guard, Guard::Api(_)) {
                req.bearer_auth(&token_a)
            } else {
                req
            };
            let res = req.send().await.unwrap();
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            if path.starts_with("/logout") {
                continue;
            }
            for marker in &f.markers {
                assert!(
                    !(status.is_success() && body.contains(marker.as_str())),
                    "{} {} leaked {marker:?} to an operator of office A (status {status})",
                    def.method,
                    def.path
                );
            }
        }
    }
    // Nothing of office B changed, whatever was posted.
    let b = sipe::territory::store::find_office_by_code(&app.db, "OE-B")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.name, "Oficina OE-B");
    assert!(b.active);
    let ub = sipe::access::store::find_user(&app.db, f.user_b)
        .await
        .unwrap()
        .unwrap();
    assert!(ub.active);
    assert_eq!(ub.role, "operator");
    assert!(sipe::access::password::verify(PASSWORD, &ub.password_hash));
    let tb = sipe::access::store::list_tokens(&app.db, f.user_b)
        .await
        .unwrap();
    assert!(tb[0].revoked_at.is_none());
    let items = sipe::persons::profile::items(&app.db, f.person_b)
        .await
        .unwrap();
    assert_eq!(items.len(), 1, "office B's profile is untouched");
    let pb = sipe::persons::store::find_person(
        &app.db,
        &sipe::access::Access::system("t"),
        sipe::access::ScopeKind::View,
        f.person_b,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(!pb.has_disability && pb.dependants.is_none());
    assert!(
        sipe::taxonomy::skills::all(&app.db)
            .await
            .unwrap()
            .iter()
            .all(|s| s.active),
        "an operator cannot withdraw skills"
    );
    let interviews = sipe::persons::interview::list(&app.db, f.person_b)
        .await
        .unwrap();
    assert_eq!(interviews.len(), 1);
    assert_eq!(pb.office_id, f.office_b, "no transfer was approved");
    assert!(pb.merged_into.is_none(), "no merge happened");
    let open =
        sipe::persons::duplicates::open_pairs(&app.db, &sipe::access::Access::system("t"), 0, 10)
            .await
            .unwrap();
    assert_eq!(open.1, 1, "the pair is still open");
    let eb = sipe::intermediation::employers::store::find_employer(
        &app.db,
        &sipe::access::Access::system("t"),
        sipe::access::ScopeKind::View,
        f.employer_b,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(eb.legal_name, "Empleador Reservado de B");
    assert!(eb.active);
    let employers = sipe::intermediation::employers::store::contacts(&app.db, f.employer_b);
    assert_eq!(
        employers.await.unwrap().len(),
        1,
        "office B's contacts untouched"
    );
    let sites = sipe::intermediation::employers::store::sites(&app.db, f.employer_b);
    assert_eq!(sites.await.unwrap().len(), 1, "office B's sites untouched");
    let agreements = sipe::intermediation::employers::store::agreements(&app.db, f.employer_b);
    assert_eq!(
        agreements.await.unwrap().len(),
        1,
        "office B's agreements untouched"
    );
    let referral = sipe::intermediation::referrals::of_vacancy(&app.db, f.vacancy_b);
    assert_eq!(
        referral.await.unwrap()[0].state,
        "hired",
        "office B's referral never moved"
    );
    let placed = sipe::intermediation::referrals::placement_of(&app.db, f.referral_b);
    let follow_ups = placed.await.unwrap().unwrap().1;
    assert!(
        follow_ups.iter().all(|f| f.done_at.is_none()),
        "office B's follow-ups untouched"
    );
    let events = sipe::intermediation::vacancies::store::events(&app.db, f.vacancy_b);
    assert_eq!(
        events.await.unwrap().len(),
        2,
        "office B's vacancy never moved"
    );
}

#[tokio::test]
async fn the_operator_sees_their_own_office_but_not_the_other() {
    let f = fixture().await;
    let app = &f.app;
    let c = app.client();
    app.login(&c, "opa").await;
    let html = c
        .get(app.url("/offices"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("OE-A"));
    assert!(!html.contains("OE-B"));
    let res = c
        .get(app.url(&format!("/offices/{}", f.office_b)))
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
    for def in &app.routes {
        if def.guard == Guard::Public {
            continue;
        }
        let path = concrete(def.path, &f);
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
    }
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
    };
    sipe::access::service::create_user(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
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
