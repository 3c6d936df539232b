use reqwest::StatusCode;
use sipe::access::service::{AccessError, ScopeInput, UserInput};
use sipe::audit::AuditCtx;

use crate::helpers::{PASSWORD, TestApp, location};

fn input(username: &str, role: &str, offices: &[&str]) -> UserInput {
    UserInput {
        username: username.into(),
        full_name: "Nombre".into(),
        email: String::new(),
        role: role.into(),
        scopes: ScopeInput::same_offices(offices.iter().map(|s| s.to_string()).collect()),
        affiliation: String::new(),
    }
}

#[tokio::test]
async fn office_roles_without_an_office_are_refused() {
    let app = TestApp::spawn().await;
    for role in ["operator", "counselor", "coordinator", "inspector"] {
        let err = sipe::access::service::create_user(
            &app.db,
            &AuditCtx::system(),
            &sipe::access::Access::system("t"),
            &input("xx1", role, &[]),
            PASSWORD,
        )
        .await;
        assert!(
            matches!(err, Err(AccessError::Invalid(_))),
            "{role} without office must be refused"
        );
    }
    for role in [
        "admin",
        "planner",
        "analyst",
        "records_clerk",
        "help_desk",
        "programme_manager",
        "training_manager",
    ] {
        let name = format!("u_{role}");
        sipe::access::service::create_user(
            &app.db,
            &AuditCtx::system(),
            &sipe::access::Access::system("t"),
            &input(&name, role, &[]),
            PASSWORD,
        )
        .await
        .unwrap_or_else(|e| panic!("{role} may be national: {e:?}"));
    }
}

#[tokio::test]
async fn an_admin_creates_a_user_with_scopes_and_resets_their_password() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let (c, csrf) = app.signed_in("admin1", "admin", &[]).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/admin/users",
            &[
                ("username", "Operadora1"),
                ("full_name", "Operadora Uno"),
                ("role", "operator"),
                ("password", "clave inicial segura"),
                ("capture", "OE-A"),
                ("view", "OE-A"),
                ("search", "OE-A"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = location(res.headers());
    let html = c
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("OE-A — Oficina OE-A"));
    let other = app.client();
    assert_eq!(
        app.post_login(&other, "operadora1", "clave inicial segura")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("{page}/password"),
            &[("password", "nueva clave larga 2")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The reset ended the user's sessions.
    assert_eq!(
        other.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.audit_count("user.password_reset").await, 1);
}

#[tokio::test]
async fn bad_user_input_is_reported_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (c, csrf) = app.signed_in("admin1", "admin", &[]).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/admin/users",
            &[
                ("username", "a b"),
                ("full_name", ""),
                ("role", "rey"),
                ("password", "corta"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Usá de 3 a 40 letras minúsculas"));
    assert!(html.contains("Elegí un rol de la lista."));
    assert_eq!(
        sipe::access::store::all_users(&app.db).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_disabled_user_cannot_log_in_and_loses_their_sessions() {
    let app = TestApp::spawn().await;
    let id = app.user("ana", "analyst", &[]).await;
    let c = app.client();
    app.login(&c, "ana").await;
    sipe::access::service::set_active(
        &app.db,
        &AuditCtx::system(),
        &sipe::access::Access::system("t"),
        id,
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        c.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.post_login(&app.client(), "ana", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn non_admins_cannot_reach_user_administration() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.user("op1", "operator", &["OE-A"]).await;
    let c = app.client();
    app.login(&c, "op1").await;
    assert_eq!(
        c.get(app.url("/admin/users"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let nav = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!nav.contains("href=\"/admin/users\""));
}

#[tokio::test]
async fn an_admin_of_some_offices_manages_only_users_within_them() {
    let app = TestApp::spawn().await;
    app.office("ZONA-A", "").await;
    app.office("OE-A1", "ZONA-A").await;
    app.office("OE-B", "").await;
    let (c, csrf) = app.signed_in("admin_zona", "admin", &["ZONA-A"]).await;
    let mine = app.user("op_a1", "operator", &["OE-A1"]).await;
    let theirs = app.user("op_b", "operator", &["OE-B"]).await;
    let national = app.user("planif", "planner", &[]).await;
    // Granting an office beyond their own scope, or national scope, is refused.
    for (offices, national_flag) in [(vec![("capture", "OE-B")], false), (vec![], true)] {
        let mut form: Vec<(&str, &str)> = vec![
            ("username", "nuevo"),
            ("full_name", "Nuevo"),
            ("role", "planner"),
            ("password", "una clave nueva y larga"),
        ];
        form.extend(offices);
        if national_flag {
            form.push(("national", "on"));
        }
        let res = app.post_form(&c, &csrf, "/admin/users", &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("Solo podés asignar oficinas de tu propio alcance")
        );
    }
    assert!(
        sipe::access::store::find_user_by_username(&app.db, "nuevo")
            .await
            .unwrap()
            .is_none()
    );
    // A user outside their scope: no reset, no second-factor change, no disable.
    for target in [theirs, national] {
        for (path, fields) in [
            ("password", vec![("password", "una clave nueva y larga")]),
            ("totp/disable", vec![]),
            ("active", vec![("active", "false")]),
        ] {
            let res = app
                .post_form(&c, &csrf, &format!("/admin/users/{target}/{path}"), &fields)
                .await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path} of {target}");
        }
    }
    let b = sipe::access::store::find_user(&app.db, theirs)
        .await
        .unwrap()
        .unwrap();
    assert!(b.active && sipe::access::password::verify(PASSWORD, &b.password_hash));
    // Within it: allowed (the positive control), and the office below their zone counts.
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("/admin/users/{mine}/password"),
            &[("password", "una clave nueva y larga")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &c,
            &csrf,
            "/admin/users",
            &[
                ("username", "nuevo"),
                ("full_name", "Nuevo"),
                ("role", "operator"),
                ("password", "una clave nueva y larga"),
                ("capture", "OE-A1"),
                ("view", "OE-A1"),
                ("search", "OE-A1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A user with no office at all is within no office scope.
    let nowhere = sipe::access::service::create_user(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &sipe::access::service::UserInput {
            username: "sin_oficina".into(),
            full_name: "Sin Oficina".into(),
            role: "admin".into(),
            ..Default::default()
        },
        PASSWORD,
    )
    .await
    .unwrap();
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("/admin/users/{nowhere}/password"),
            &[("password", "una clave nueva y larga")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no office, not theirs");
    // Seeing follows managing: the list and the pages show only users within the zone.
    let list = app.get_page(&c, "/admin/users").await;
    assert!(
        list.contains("op_a1") && list.contains("nuevo"),
        "their own users"
    );
    for other in ["op_b", "planif", "sin_oficina"] {
        assert!(!list.contains(other), "{other} is listed");
    }
    let mut pages = 0;
    for (id, status) in [
        (mine, StatusCode::OK),
        (theirs, StatusCode::NOT_FOUND),
        (national, StatusCode::NOT_FOUND),
        (nowhere, StatusCode::NOT_FOUND),
    ] {
        for page in ["", "/edit"] {
            let res = c
                .get(app.url(&format!("/admin/users/{id}{page}")))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), status, "/admin/users/{id}{page}");
            pages += 1;
        }
    }
    assert_eq!(pages, 8);
}

#[tokio::test]
async fn a_scope_lists_each_office_once_and_a_bounded_number_of_them() {
    // 3,000 copies of one office in a scope became 3,000 conditions in each of the
    // user's queries, and the first list they opened overflowed the stack.
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let (c, csrf) = app.signed_in("admin_pais", "admin", &[]).await;
    let mut form: Vec<(&str, &str)> = vec![
        ("username", "repetido"),
        ("full_name", "Repetido"),
        ("role", "operator"),
        ("password", "una clave nueva y larga"),
    ];
    for kind in ["capture", "view", "search"] {
        form.extend(std::iter::repeat_n((kind, "OE-A"), 3000));
    }
    let res = app.post_form(&c, &csrf, "/admin/users", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = sipe::access::store::find_user_by_username(&app.db, "repetido")
        .await
        .unwrap()
        .unwrap()
        .id;
    let grants = sipe::access::store::user_grants(&app.db, id).await.unwrap();
    assert_eq!(grants.len(), 3, "one grant per kind: {grants:?}");
    let rc = app.client();
    let res = app
        .post_login(&rc, "repetido", "una clave nueva y larga")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get_page(&rc, "/employers").await;
    assert!(page.contains("<h1>"));
    // More distinct offices than a scope may hold are refused, naming the rule.
    let codes: Vec<String> = (0..101).map(|i| format!("OE-{i:03}")).collect();
    let mut form: Vec<(&str, &str)> = vec![
        ("username", "muchas"),
        ("full_name", "Muchas"),
        ("role", "operator"),
        ("password", "una clave nueva y larga"),
    ];
    form.extend(codes.iter().map(|c| ("capture", c.as_str())));
    let res = app.post_form(&c, &csrf, "/admin/users", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("como mucho 100"));
}
