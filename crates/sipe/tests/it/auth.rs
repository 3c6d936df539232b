use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sipe::access::entity::{session, user};

use crate::helpers::{PASSWORD, TestApp, location, text_of};

#[tokio::test]
async fn the_login_page_is_spanish_by_default() {
    let app = TestApp::spawn().await;
    let html = app
        .client()
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"es-AR\">"));
    assert_eq!(text_of(&html, "h1").unwrap(), "Ingresar a sipe");
    assert!(html.contains("name=\"password\" type=\"password\""));
}

#[tokio::test]
async fn login_with_the_right_password_opens_the_dashboard() {
    let app = TestApp::spawn().await;
    app.user("admin1", "admin", &[]).await;
    let c = app.client();
    let res = app.post_login(&c, "admin1", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), "/");
    let html = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-testid=\"dashboard\""));
    assert_eq!(app.audit_count("user.login").await, 1);
}

#[tokio::test]
async fn wrong_password_is_refused_without_saying_which_part_was_wrong() {
    let app = TestApp::spawn().await;
    app.user("ana", "analyst", &[]).await;
    let c = app.client();
    let wrong_pass = app.post_login(&c, "ana", "no es la clave").await;
    assert_eq!(wrong_pass.status(), StatusCode::UNAUTHORIZED);
    let a = wrong_pass.text().await.unwrap();
    let wrong_user = app
        .post_login(&c, "nadie", "no es la clave")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        text_of(&a, "[data-testid=flash-error]"),
        text_of(&wrong_user, "[data-testid=flash-error]")
    );
    assert_eq!(app.audit_count("user.login_failed").await, 2);
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    app.user("ana", "analyst", &[]).await;
    let c = app.client();
    for _ in 0..4 {
        assert_eq!(
            app.post_login(&c, "ana", "equivocada!!").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.post_login(&c, "ana", "equivocada!!").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Even the right password is refused while locked, with the very answer a wrong
    // password or an unknown user gets: the lock does not tell that "ana" exists.
    let locked = app.post_login(&c, "ana", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::UNAUTHORIZED);
    let locked = text_of(&locked.text().await.unwrap(), "[data-testid=flash-error]");
    let unknown = app.post_login(&c, "nadie", PASSWORD).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown = text_of(&unknown.text().await.unwrap(), "[data-testid=flash-error]");
    assert!(locked.is_some());
    assert_eq!(locked, unknown);
    assert_eq!(app.audit_count("user.login_refused_locked").await, 1);
    assert_eq!(app.audit_count("user.locked").await, 1);
    let u = user::Entity::find()
        .filter(user::Column::Username.eq("ana"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let until = u.locked_until.unwrap();
    assert!(
        until > Utc::now() + Duration::minutes(14) && until <= Utc::now() + Duration::minutes(15)
    );
}

#[tokio::test]
async fn login_rotates_the_session_id() {
    let app = TestApp::spawn().await;
    app.user("ana", "analyst", &[]).await;
    let c = app.client();
    app.login(&c, "ana").await;
    let first: Vec<String> = session::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    app.login(&c, "ana").await;
    let second: Vec<String> = session::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(first.len(), 1);
    assert_eq!(second.len(), 1, "the old session is deleted at login");
    assert_ne!(first, second);
}

#[tokio::test]
async fn a_cross_site_post_is_refused() {
    let app = TestApp::spawn().await;
    let (c, csrf) = app.signed_in("admin1", "admin", &[]).await;
    let res = c
        .post(app.url("/offices"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", "EVIL"),
            ("name", "Evil"),
            ("kind", "central_area"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        sipe::territory::store::find_office_by_code(&app.db, "EVIL")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_post_without_the_form_token_is_refused() {
    let app = TestApp::spawn().await;
    let (c, _) = app.signed_in("admin1", "admin", &[]).await;
    let res = c
        .post(app.url("/offices"))
        .form(&[
            ("code", "NOTOKEN"),
            ("name", "Sin token"),
            ("kind", "central_area"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .post_form(
            &c,
            "wrong-token",
            "/offices",
            &[("code", "NOTOKEN"), ("name", "x"), ("kind", "central_area")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        sipe::territory::store::find_office_by_code(&app.db, "NOTOKEN")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    app.user("ana", "analyst", &[]).await;
    let c = app.client();
    let csrf = app.login(&c, "ana").await;
    let res = app.post_form(&c, &csrf, "/logout", &[]).await;
    assert_eq!(location(res.headers()), "/login");
    let res = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(res.headers()).starts_with("/login"));
    assert_eq!(session::Entity::find().all(&app.db).await.unwrap().len(), 0);
}

/// Logs in, moves one session timestamp into the past, and tells whether the session
/// still opens the dashboard.
async fn session_survives(column: session::Column, age: Duration) -> bool {
    let app = TestApp::spawn().await;
    let (c, _) = app.signed_in("ana", "analyst", &[]).await;
    session::Entity::update_many()
        .col_expr(column, sea_orm::sea_query::Expr::value(Utc::now() - age))
        .exec(&app.db)
        .await
        .unwrap();
    // Real idleness outlasts the few seconds a node caches a session.
    sipe::access::session::forget_all();
    c.get(app.url("/")).send().await.unwrap().status() == StatusCode::OK
}

#[tokio::test]
async fn an_idle_session_expires() {
    assert!(session_survives(session::Column::LastSeenAt, Duration::minutes(29)).await);
    assert!(!session_survives(session::Column::LastSeenAt, Duration::minutes(31)).await);
}

#[tokio::test]
async fn a_session_expires_after_the_absolute_timeout_even_when_active() {
    assert!(session_survives(session::Column::CreatedAt, Duration::hours(11)).await);
    assert!(!session_survives(session::Column::CreatedAt, Duration::hours(13)).await);
}

#[tokio::test]
async fn a_user_changes_their_password_and_the_old_one_stops_working() {
    let app = TestApp::spawn().await;
    app.user("ana", "analyst", &[]).await;
    let c = app.client();
    let csrf = app.login(&c, "ana").await;
    // Another browser signed in as ana (a forgotten one, or a stolen cookie).
    let elsewhere = app.client();
    app.login(&elsewhere, "ana").await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "corta"),
                ("confirm_password", "corta"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("al menos 12 caracteres"));
    let res = app
        .post_form(
            &c,
            &csrf,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "otra clave bien larga"),
                ("confirm_password", "otra clave bien larga"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let account = app.url("/account");
    let status = |client: &reqwest::Client| client.get(&account).send();
    assert_eq!(
        status(&c).await.unwrap().status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        status(&elsewhere).await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "the other session ended with the old password"
    );
    let other = app.client();
    assert_eq!(
        app.post_login(&other, "ana", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_login(&other, "ana", "otra clave bien larga")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn totp_enrolment_then_login_asks_for_the_code() {
    let app = TestApp::spawn().await;
    let id = app.user("ana", "analyst", &[]).await;
    let c = app.client();
    let csrf = app.login(&c, "ana").await;
    app.post_form(
        &c,
        &csrf,
        "/account/totp/start",
        &[("current_password", PASSWORD)],
    )
    .await;
    let html = c
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<svg"), "QR code shown");
    let u = user::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let secret = u.totp_secret.unwrap();
    let res = app
        .post_form(&c, &csrf, "/account/totp/confirm", &[("code", "000000x")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let code = sipe::access::totp::current(&secret, "ana").unwrap();
    let res = app
        .post_form(&c, &csrf, "/account/totp/confirm", &[("code", &code)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let fresh = app.client();
    let res = app.post_login(&fresh, "ana", PASSWORD).await;
    assert!(location(res.headers()).starts_with("/login/totp"));
    // The dashboard is not reachable before the code.
    assert_eq!(
        fresh.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let html = fresh
        .get(app.url("/login/totp"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("input[name=_csrf]").unwrap();
    let token = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    let bad = fresh
        .post(app.url("/login/totp"))
        .form(&[("_csrf", token.as_str()), ("code", "999999")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    // The code of the enrolment's step was used: the next step's code (within the
    // allowed skew) logs in.
    let code = next_code(&secret, "ana");
    let ok = fresh
        .post(app.url("/login/totp"))
        .form(&[("_csrf", token.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        fresh.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_language_switch_changes_the_ui_to_english() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let res = c.get(app.url("/lang/en?next=/login")).send().await.unwrap();
    assert_eq!(location(res.headers()), "/login");
    let html = c
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert_eq!(text_of(&html, "h1").unwrap(), "Log in to sipe");
    // An open redirect is not possible through `next`.
    let res = c
        .get(app.url("/lang/es-AR?next=//evil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(res.headers()), "/");
}

/// The code of the next 30-second step (accepted within the one-step skew).
fn next_code(secret: &str, account: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    sipe::access::totp::code_at(secret, account, now + 30).unwrap()
}
