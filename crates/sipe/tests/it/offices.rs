use reqwest::StatusCode;

use crate::helpers::{TestApp, location, text_of};

async fn admin(app: &TestApp) -> (reqwest::Client, String) {
    app.signed_in("admin1", "admin", &[]).await
}

#[tokio::test]
async fn an_admin_creates_edits_and_deactivates_an_office() {
    let app = TestApp::spawn().await;
    let (c, csrf) = admin(&app).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/offices",
            &[
                ("code", "oe-cap-09"),
                ("name", "Oficina de Empleo Capital Este"),
                ("kind", "employment_office"),
                ("territory_code", "AR-90084"),
                ("coverage", "AR-90084"),
                ("coverage", "AR-90119"),
                ("email", "cap09@empleo.example.gob.ar"),
                ("phone", "+54 381 422-8420"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let detail = location(res.headers());
    let html = c
        .get(app.url(&detail))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        text_of(&html, "h1").unwrap(),
        "Oficina de Empleo Capital Este (OE-CAP-09)"
    );
    assert!(
        html.contains("Yerba Buena") && html.contains("Capital"),
        "coverage shown"
    );
    assert!(html.contains("Oficina creada."), "flash message");

    let id = detail.trim_start_matches("/offices/");
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("/offices/{id}"),
            &[
                ("code", "OE-CAP-09"),
                ("name", "Capital Este"),
                ("kind", "employment_office"),
                ("coverage", "AR-90084"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("/offices/{id}/active"),
            &[("active", "false")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let o = sipe::territory::store::find_office_by_code(&app.db, "OE-CAP-09")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(o.name, "Capital Este");
    assert!(!o.active);
    let cov = sipe::territory::store::coverage(&app.db, o.id)
        .await
        .unwrap();
    assert_eq!(cov.len(), 1);
    assert_eq!(app.audit_count("office.create").await, 1);
    assert_eq!(app.audit_count("office.update").await, 1);
    assert_eq!(app.audit_count("office.deactivate").await, 1);
}

#[tokio::test]
async fn invalid_office_input_is_reported_in_spanish_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (c, csrf) = admin(&app).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/offices",
            &[
                ("code", "x"),
                ("name", ""),
                ("kind", "banco"),
                ("email", "sin-arroba"),
                ("coverage", "AR-99999"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("El código debe tener de 2 a 20 letras"));
    assert!(html.contains("Este campo es obligatorio."));
    assert!(html.contains("Elegí un tipo de la lista."));
    assert!(html.contains("El correo electrónico no es válido."));
    assert!(
        sipe::territory::store::all_offices(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.audit_count("office.create").await, 0);
}

#[tokio::test]
async fn a_duplicate_office_code_is_refused() {
    let app = TestApp::spawn().await;
    app.office("DE", "").await;
    let (c, csrf) = admin(&app).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/offices",
            &[("code", "de"), ("name", "Otra"), ("kind", "central_area")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Ya existe una oficina con ese código.")
    );
}

#[tokio::test]
async fn moving_an_office_moves_everything_below_it() {
    let app = TestApp::spawn().await;
    let root_a = app.office("RA", "").await;
    let root_b = app.office("RB", "").await;
    app.office("MID", "RA").await;
    app.office("LEAF", "MID").await;
    let system = sipe::access::Access::system("t");
    let mid = sipe::territory::store::find_office_by_code(&app.db, "MID")
        .await
        .unwrap()
        .unwrap();
    let input = sipe::territory::domain::OfficeInput {
        code: "MID".into(),
        name: mid.name.clone(),
        kind: mid.kind.clone(),
        parent_code: "RB".into(),
        ..Default::default()
    };
    sipe::territory::service::update_office(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &system,
        mid.id,
        &input,
    )
    .await
    .unwrap();
    let leaf = sipe::territory::store::find_office_by_code(&app.db, "LEAF")
        .await
        .unwrap()
        .unwrap();
    assert!(
        leaf.path.starts_with(&format!("/{root_b}/{}/", mid.id)),
        "{}",
        leaf.path
    );
    assert!(!leaf.path.contains(&root_a.to_string()));
    // An office cannot move below itself.
    let cycle = sipe::territory::domain::OfficeInput {
        parent_code: "LEAF".into(),
        ..input
    };
    let err = sipe::territory::service::update_office(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &system,
        mid.id,
        &cycle,
    )
    .await;
    assert!(matches!(
        err,
        Err(sipe::territory::service::OfficeError::Invalid(_))
    ));
}

#[tokio::test]
async fn the_offices_list_paginates_and_sorts() {
    let app = TestApp::spawn().await;
    for i in 0..30 {
        app.office(&format!("OF-{i:02}"), "").await;
    }
    let (c, _) = admin(&app).await;
    let html = c
        .get(app.url("/offices?sort=code&dir=desc"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        text_of(&html, "[data-testid=offices-table] tbody tr td").unwrap(),
        "OF-29"
    );
    assert!(html.contains("30 resultados"));
    let html = c
        .get(app.url("/offices?sort=code&dir=asc&page=2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        text_of(&html, "[data-testid=offices-table] tbody tr td").unwrap(),
        "OF-25"
    );
    // An unknown sort column falls back to the default instead of failing.
    let res = c
        .get(app.url("/offices?sort=password_hash"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn territories_list_provinces_and_departments() {
    let app = TestApp::spawn().await;
    let (c, _) = admin(&app).await;
    let html = c
        .get(app.url("/territories?per_page=100"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("24 resultados"));
    let html = c
        .get(app.url("/territories/AR-90?per_page=100"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("17 resultados"));
    assert!(html.contains("Tafí del Valle"));
}
