use reqwest::StatusCode;

use crate::helpers::{TestApp, attr_of, location, text_of};
use crate::persons::{operator_a, register};

#[tokio::test]
async fn a_coordinator_reviews_the_queue_and_merges_keeping_both_ids() {
    let app = TestApp::spawn().await;
    let (op, _) = operator_a(&app).await;
    let kept = register(
        &app,
        "OE-A",
        "30123456",
        "González",
        "Juan Carlos",
        "1990-05-01",
    )
    .await;
    let gone = register(
        &app,
        "OE-A",
        "30123465",
        "Gonzales",
        "Juan Carlos",
        "1990-05-01",
    )
    .await;
    // A look-alike in office B: office A's coordinator must not see that pair.
    register(
        &app,
        "OE-B",
        "30999999",
        "Gonzalez",
        "Juan Carlos",
        "1990-05-01",
    )
    .await;
    register(&app, "OE-A", "22222222", "Pérez", "María", "1990-05-01").await;
    let ctx = sipe::audit::AuditCtx::system();
    let system = sipe::access::Access::system("t");
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
        crate::helpers::TZ,
        gone,
        &sipe::persons::profile::SituationInput {
            travel_radius_km: "30".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let open = sipe::persons::duplicates::scan(&app.db).await.unwrap();
    assert_eq!(
        open, 3,
        "A–A, A–B and A–B name pairs; Pérez is no one's duplicate"
    );
    assert_eq!(
        sipe::persons::duplicates::scan(&app.db).await.unwrap(),
        3,
        "a second scan adds nothing"
    );

    let res = op.get(app.url("/persons/duplicates")).send().await.unwrap();
    let st = res.status();
    assert_eq!(
        st,
        StatusCode::FORBIDDEN,
        "operators do not merge: {}",
        res.text().await.unwrap()
    );

    let (c, csrf) = app.signed_in("coorda", "coordinator", &["OE-A"]).await;
    let html = c
        .get(app.url("/persons/duplicates"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let table = text_of(&html, "[data-testid=duplicates-table]").unwrap();
    assert!(
        table.contains("30123465") && !table.contains("30999999"),
        "{table}"
    );
    let start = html
        .find("/persons/duplicates/0")
        .or_else(|| html.find("/persons/duplicates/"))
        .unwrap();
    let link = &html[start..start + html[start..].find('"').unwrap()];
    let res = c.get(app.url(link)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let pair: uuid::Uuid = link.rsplit('/').next().unwrap().parse().unwrap();
    let (first, _) = if kept < gone {
        (kept, gone)
    } else {
        (gone, kept)
    };
    let side_of_gone = if first == gone { "first" } else { "second" };
    let keep = kept.to_string();
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("/persons/duplicates/{pair}/merge"),
            &[("keep", keep.as_str()), ("travel_radius_km", side_of_gone)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), format!("/persons/{kept}"));
    assert_eq!(app.audit_count("person.merge").await, 1);

    // The merged id opens the kept person, which has the interview and the chosen value.
    let res = c
        .get(app.url(&format!("/persons/{gone}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), format!("/persons/{kept}"));
    let html = c
        .get(app.url(&format!("/persons/{kept}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text_of(&html, "[data-testid=interviews]").is_some(),
        "interview moved"
    );
    let timeline = text_of(&html, "[data-testid=timeline]").unwrap();
    assert!(
        timeline.contains("Fusión con el registro duplicado DNI 30123465"),
        "{timeline}"
    );
    assert!(
        text_of(&html, "[data-testid=situation]")
            .unwrap()
            .contains("30 km")
    );
    // The queue no longer lists pairs of the merged record.
    let html = c
        .get(app.url("/persons/duplicates"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("30123465"));
    // Searching the merged document still finds it (and opens it: it leads to the kept).
    let res = c
        .get(app.url("/persons?q=30.123.465"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        crate::helpers::location(res.headers()),
        format!("/persons/{gone}")
    );
}

#[tokio::test]
async fn dismissing_a_pair_needs_capture_scope_on_both_people() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    // Office A's pair, and a pair across A and B.
    register(
        &app,
        "OE-A",
        "30123456",
        "González",
        "Juan Carlos",
        "1990-05-01",
    )
    .await;
    register(
        &app,
        "OE-A",
        "30123465",
        "Gonzales",
        "Juan Carlos",
        "1990-05-01",
    )
    .await;
    register(&app, "OE-A", "27111222", "Paz", "Ignacio", "1980-01-02").await;
    register(&app, "OE-B", "27111223", "Paz", "Ignacio", "1980-01-02").await;
    sipe::persons::duplicates::scan(&app.db).await.unwrap();
    // A coordinator who views A and B but captures only A.
    let id = sipe::access::service::create_user(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::access::service::UserInput {
            username: "coord".into(),
            full_name: "Coordinación".into(),
            email: String::new(),
            role: "coordinator".into(),
            scopes: sipe::access::service::ScopeInput {
                capture: vec!["OE-A".into()],
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
    let user = sipe::access::store::find_user(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    let access = sipe::access::store::load_access(&app.db, &user)
        .await
        .unwrap();
    let (pairs, total) = sipe::persons::duplicates::open_pairs(&app.db, &access, 0, 10)
        .await
        .unwrap();
    assert_eq!(total, 2, "both pairs are in the view scope");
    let c = app.client();
    let csrf = app.login(&c, "coord").await;
    let mut dismissed = 0;
    for p in &pairs {
        let across = p.first.office_id != p.second.office_id;
        let res = app
            .post_form(
                &c,
                &csrf,
                &format!("/persons/duplicates/{}/dismiss", p.pair.id),
                &[],
            )
            .await;
        if across {
            assert_eq!(
                res.status(),
                StatusCode::NOT_FOUND,
                "office B's person is not theirs to change"
            );
        } else {
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "their own pair");
            dismissed += 1;
        }
    }
    assert_eq!(dismissed, 1);
    let (_, total) = sipe::persons::duplicates::open_pairs(&app.db, &access, 0, 10)
        .await
        .unwrap();
    assert_eq!(total, 1, "the pair across offices is still open");
}

#[tokio::test]
async fn a_full_registry_scan_is_an_admin_action_one_at_a_time() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let (coord, coord_csrf) = app.signed_in("coord", "coordinator", &["OE-A"]).await;
    let res = app
        .post_form(&coord, &coord_csrf, "/persons/duplicates/scan", &[])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "coordinators cannot queue it"
    );
    assert!(
        !app.get_page(&coord, "/persons/duplicates")
            .await
            .contains("/persons/duplicates/scan")
    );
    let (admin, csrf) = app.signed_in("jefa", "admin", &[]).await;
    let res = app
        .post_form(&admin, &csrf, "/persons/duplicates/scan", &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get_page(&admin, &location(res.headers())).await;
    assert!(page.contains("quedó en cola"), "queued");
    let res = app
        .post_form(&admin, &csrf, "/persons/duplicates/scan", &[])
        .await;
    let page = app.get_page(&admin, &location(res.headers())).await;
    assert!(
        text_of(&page, "[data-testid=flash-error]")
            .unwrap()
            .contains("Ya hay una búsqueda")
    );
    let (jobs, total) = sipe::jobs::store::list(&app.db, None, 0, 10).await.unwrap();
    assert_eq!(total, 1, "{jobs:?}");
    // Once it has run, another may be queued.
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let mut done = jobs[0].clone().into_active_model();
    done.status = Set("done".into());
    done.update(&app.db).await.unwrap();
    let res = app
        .post_form(&admin, &csrf, "/persons/duplicates/scan", &[])
        .await;
    let page = app.get_page(&admin, &location(res.headers())).await;
    assert!(page.contains("quedó en cola"));
}

#[tokio::test]
async fn a_coordinator_adds_a_pair_on_demand_and_sees_both_records_in_full() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let ana = crate::persons::register(&app, "OE-A", "30100001", "Paz", "Ana", "1990-05-01").await;
    crate::persons::register(&app, "OE-A", "30100002", "Paz Ruiz", "Ana", "1990-05-02").await;
    crate::persons::register(&app, "OE-B", "30100003", "Paz", "Ana", "1990-05-01").await;
    let (c, csrf) = app.signed_in("coorda", "coordinator", &["OE-A"]).await;
    let add = |doc: &'static str| {
        let c = c.clone();
        let csrf = csrf.clone();
        let app = &app;
        async move {
            app.post_form(
                &c,
                &csrf,
                &format!("/persons/{ana}/duplicates"),
                &[("other_document", doc)],
            )
            .await
        }
    };
    // Another office's record and the same record are refused alike, with a reason.
    for (doc, flash) in [
        ("30100003", "duplicates-add-unknown"),
        ("30100001", "duplicates-add-same"),
    ] {
        let res = add(doc).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(res.headers()), format!("/persons/{ana}"));
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(";");
        assert!(cookie.contains(flash), "{doc}: {cookie}");
    }
    // Her own office's second record: the pair opens at once, named and explained.
    let res = add("30.100.002").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let pair_page = location(res.headers());
    assert!(pair_page.starts_with("/persons/duplicates/"), "{pair_page}");
    assert_eq!(app.audit_count("person.duplicate_add").await, 1);
    let html = c
        .get(app.url(&pair_page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let reason = text_of(&html, "[data-testid=merge-reason]").unwrap();
    assert!(
        reason.contains("Marcado por un coordinador") && reason.contains("100"),
        "{reason}"
    );
    let table = text_of(&html, "[data-testid=merge-table]").unwrap();
    for expected in [
        "30100001",
        "30100002",
        "01/05/1990",
        "02/05/1990",
        "Fecha de nacimiento",
        "CUIL",
        "Sexo registral",
        "Apellidos",
    ] {
        assert!(table.contains(expected), "{expected} missing: {table}");
    }
    assert!(
        !table.contains("surnames") && !table.contains("department_code"),
        "{table}"
    );
    let confirm = attr_of(&html, "form.merge", "data-confirm").unwrap();
    assert!(
        confirm.contains("Ana Paz (30100001)") && confirm.contains("Ana Paz Ruiz (30100002)"),
        "{confirm}"
    );
}

#[tokio::test]
async fn the_scan_scores_pairs_by_their_evidence() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let id = |doc, surname, names, birth| {
        crate::persons::register(&app, "OE-A", doc, surname, names, birth)
    };
    let a = id("30200001", "Gómez", "Luis", "1980-01-01").await;
    let b = id("30200002", "Gomez", "Luis", "1980-01-01").await;
    let c = id("30200003", "Ibarra", "Teo", "1970-01-01").await;
    let d = id("30200004", "Sosa", "Eva", "1999-09-09").await;
    // Teo and Eva share only a phone; Luis and Luis a name and birth date, and a phone.
    for (p, phone) in [
        (a, "+5493815550001"),
        (b, "+5493815550001"),
        (c, "+5493815550002"),
        (d, "+5493815550002"),
    ] {
        use sea_orm::ConnectionTrait;
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
        let stmt = Query::update()
            .table(Alias::new("persons"))
            .value(Alias::new("phone"), phone)
            .and_where(Expr::col(Alias::new("id")).eq(p))
            .to_owned();
        let backend = app.db.get_database_backend();
        app.db.execute_raw(backend.build(&stmt)).await.unwrap();
    }
    sipe::persons::duplicates::scan(&app.db).await.unwrap();
    let pairs =
        sipe::persons::duplicates::open_pairs(&app.db, &sipe::access::Access::system("t"), 0, 10)
            .await
            .unwrap()
            .0;
    let of = |x: uuid::Uuid| {
        pairs
            .iter()
            .find(|p| p.first.id == x || p.second.id == x)
            .unwrap()
    };
    let luis = &of(a).pair;
    let phone_only = &of(c).pair;
    assert_eq!(luis.reason, "name_birth+phone");
    assert_eq!(phone_only.reason, "phone");
    assert!(luis.score > 90 && luis.score < 100, "{}", luis.score);
    assert_eq!(
        phone_only.score, 40,
        "a shared phone alone is weak evidence"
    );
    assert_eq!(pairs.len(), 2);
}
