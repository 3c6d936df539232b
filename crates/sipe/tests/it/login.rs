//! Logins, second factor and API tokens under attack (issue 12, items 7–9 and 14).

use chrono::Utc;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use sipe::access::entity::api_token;

use crate::helpers::{PASSWORD, TestApp, location, text_of};

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Enrols `username` (logged in on `c`) in TOTP and returns the secret.
async fn enrol(app: &TestApp, c: &reqwest::Client, csrf: &str, username: &str) -> String {
    let res = app
        .post_form(
            c,
            csrf,
            "/account/totp/start",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let u = sipe::access::store::find_user_by_username(&app.db, username)
        .await
        .unwrap()
        .unwrap();
    let secret = u.totp_secret.unwrap();
    let code = sipe::access::totp::code_at(&secret, username, now_secs()).unwrap();
    let res = app
        .post_form(c, csrf, "/account/totp/confirm", &[("code", &code)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    secret
}

/// Logs a fresh client in with the password; returns it and the pending form token.
async fn pending_login(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let c = app.client();
    let res = app.post_login(&c, username, PASSWORD).await;
    assert!(location(res.headers()).starts_with("/login/totp"));
    let html = app.get_page(&c, "/login/totp").await;
    let token = crate::helpers::attr_of(&html, "input[name=_csrf]", "value").unwrap();
    (c, token)
}

async fn send_code(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    code: &str,
) -> reqwest::Response {
    c.post(app.url("/login/totp"))
        .form(&[("_csrf", csrf), ("code", code)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_second_factor_code_is_accepted_once() {
    let app = TestApp::spawn().await;
    let (c, csrf) = app.signed_in("ana", "analyst", &[]).await;
    let secret = enrol(&app, &c, &csrf, "ana").await;
    // The enrolment used this step's code: the next step's code logs in once.
    let code = sipe::access::totp::code_at(&secret, "ana", now_secs() + 30).unwrap();
    let (first, token) = pending_login(&app, "ana").await;
    let res = send_code(&app, &first, &token, &code).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "first use logs in");
    assert!(app.get_page(&first, "/account").await.contains("ana"));
    let (second, token) = pending_login(&app, "ana").await;
    let res = send_code(&app, &second, &token, &code).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the same code again is refused"
    );
    let f = sipe::audit::store::AuditFilter {
        action: "user.totp_failed".into(),
        ..Default::default()
    };
    let (rows, _) = sipe::audit::store::list(&app.db, &f, 0, 10).await.unwrap();
    assert!(rows[0].after.as_deref().unwrap().contains("replayed"));
}

#[tokio::test]
async fn five_wrong_codes_end_the_pending_login() {
    let app = TestApp::spawn().await;
    let (c, csrf) = app.signed_in("ana", "analyst", &[]).await;
    let secret = enrol(&app, &c, &csrf, "ana").await;
    let (p, token) = pending_login(&app, "ana").await;
    let right = sipe::access::totp::code_at(&secret, "ana", now_secs() + 30).unwrap();
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..4 {
        let res = send_code(&app, &p, &token, wrong).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = send_code(&app, &p, &token, wrong).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), "/login");
    // The pending login is gone: even the right code now leads back to the password.
    let res = send_code(&app, &p, &token, &right).await;
    assert_eq!(location(res.headers()), "/login");
    let home = p.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::SEE_OTHER, "not logged in");
    assert_eq!(app.audit_count("user.totp_login_ended").await, 1);
    // A new password login starts a new count and the right code works.
    let (p, token) = pending_login(&app, "ana").await;
    let res = send_code(&app, &p, &token, &right).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_ne!(location(res.headers()), "/login");
}

#[tokio::test]
async fn second_factor_changes_need_the_current_password() {
    let app = TestApp::spawn().await;
    let (c, csrf) = app.signed_in("ana", "analyst", &[]).await;
    let user = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            sipe::access::store::find_user_by_username(&db, "ana")
                .await
                .unwrap()
                .unwrap()
        }
    };
    let res = app
        .post_form(
            &c,
            &csrf,
            "/account/totp/start",
            &[("current_password", "no es esta")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    // Under the second factor's password only, not under the password-change form's.
    assert_eq!(
        html.matches("La contraseña actual no es correcta").count(),
        1,
        "{html}"
    );
    assert!(html.contains("id=\"totp_start_password-error\""));
    assert!(
        user(&app).await.totp_secret.is_none(),
        "no enrolment started"
    );
    enrol(&app, &c, &csrf, "ana").await;
    assert_eq!(app.audit_count("user.totp_enrolment_started").await, 1);
    let res = app
        .post_form(
            &c,
            &csrf,
            "/account/totp/disable",
            &[("current_password", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(user(&app).await.totp_enabled, "still enabled");
    let res = app
        .post_form(
            &c,
            &csrf,
            "/account/totp/disable",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!user(&app).await.totp_enabled);
    assert_eq!(app.audit_count("user.totp_disabled").await, 1);
}

#[tokio::test]
async fn parallel_wrong_passwords_each_count() {
    let app = TestApp::spawn().await;
    app.user("ana", "analyst", &[]).await;
    let guesses = (0..5).map(|i| {
        let app = &app;
        async move {
            app.post_login(&app.client(), "ana", &format!("adivinanza {i}"))
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED));
    let u = sipe::access::store::find_user_by_username(&app.db, "ana")
        .await
        .unwrap()
        .unwrap();
    assert!(
        u.locked_until.is_some_and(|t| t > Utc::now()),
        "five guesses at once lock the account like five in a row"
    );
    assert_eq!(app.audit_count("user.locked").await, 1);
}

#[tokio::test]
async fn the_right_password_among_parallel_guesses_never_enters_a_locked_account() {
    // The right password sent with a burst of wrong ones: the burst locks the account
    // while the right one is being hashed. It must then be refused: a login recorded
    // after the lock would let a guesser in despite the lockout. (Concurrency decides
    // the interleaving, so each round checks the order the audit log recorded.)
    let app = TestApp::spawn_with(|c| c.login_attempts_per_minute = 1000).await;
    let id = app.user("ana", "analyst", &[]).await;
    let mut logins_checked = 0;
    for round in 0..3 {
        let guesses = (0..12).map(|i| {
            let app = &app;
            async move {
                let password = if i == 11 {
                    PASSWORD.to_owned()
                } else {
                    format!("adivinanza {round} {i}")
                };
                app.post_login(&app.client(), "ana", &password)
                    .await
                    .status()
            }
        });
        futures::future::join_all(guesses).await;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        use sipe::audit::entity::audit_log;
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::ActorId.eq(id))
            .order_by_asc(audit_log::Column::Seq)
            .all(&app.db)
            .await
            .unwrap();
        let locked = rows
            .iter()
            .find(|r| r.action == "user.locked")
            .map(|r| r.seq);
        let login = rows
            .iter()
            .find(|r| r.action == "user.login")
            .map(|r| r.seq);
        assert!(
            locked.is_some(),
            "round {round}: the burst locks the account"
        );
        if let (Some(locked), Some(login)) = (locked, login) {
            assert!(login < locked, "round {round}: a login after the lock");
            logins_checked += 1;
        }
        // Start the next round from a clean account (and a clean log to read).
        audit_log::Entity::delete_many()
            .filter(audit_log::Column::ActorId.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
        sipe::access::entity::user::Entity::update_many()
            .col_expr(
                sipe::access::entity::user::Column::LockedUntil,
                sea_orm::sea_query::Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .col_expr(
                sipe::access::entity::user::Column::FailedLogins,
                sea_orm::sea_query::Expr::value(0),
            )
            .exec(&app.db)
            .await
            .unwrap();
    }
    // Positive control: alone, the right password opens the account.
    let res = app.post_login(&app.client(), "ana", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    eprintln!("rounds where the right password got in before the lock: {logins_checked}");
}

#[tokio::test]
async fn one_address_is_limited_in_login_and_code_attempts() {
    let app = TestApp::spawn_with(|c| {
        c.login_attempts_per_minute = 3;
        c.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    app.user("ana", "analyst", &[]).await;
    let from = |ip: &'static str| {
        let app = &app;
        async move {
            app.client()
                .post(app.url("/login"))
                .header("x-forwarded-for", ip)
                .form(&[
                    ("username", "ana"),
                    ("password", "equivocada!!"),
                    ("next", "/"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..3 {
        assert_eq!(from("203.0.113.1").await.status(), StatusCode::UNAUTHORIZED);
    }
    let res = from("203.0.113.1").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = res.text().await.unwrap();
    assert!(
        text_of(&html, "[data-testid=flash-error]")
            .unwrap()
            .contains("Demasiados intentos")
    );
    // Another address is not affected (and the account is not locked yet: 3 failures).
    assert_eq!(from("203.0.113.2").await.status(), StatusCode::UNAUTHORIZED);
    let counted = sipe::access::store::find_user_by_username(&app.db, "ana")
        .await
        .unwrap()
        .unwrap()
        .failed_logins;
    assert_eq!(
        counted, 4,
        "the refused attempt never reached the password check"
    );
}

#[tokio::test]
async fn the_code_step_counts_against_the_same_limit() {
    let app = TestApp::spawn_with(|c| c.login_attempts_per_minute = 4).await;
    let (c, csrf) = app.signed_in("ana", "analyst", &[]).await;
    enrol(&app, &c, &csrf, "ana").await;
    // Spent: the login, the enrolment's password check, the password step below; the
    // first code is the fourth attempt, the second one is over the limit.
    let (p, token) = pending_login(&app, "ana").await;
    let res = send_code(&app, &p, &token, "000000").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = send_code(&app, &p, &token, "000000").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn current_password_checks_count_against_the_same_limit() {
    // With a stolen session, the password-change and second-factor forms were a way to
    // guess the password without any limit.
    let app = TestApp::spawn_with(|c| c.login_attempts_per_minute = 4).await;
    let (c, csrf) = app.signed_in("ana", "analyst", &[]).await; // one attempt
    let mut statuses = Vec::new();
    for path in [
        "/account/totp/disable",
        "/account/totp/start",
        "/account/password",
        "/account/totp/disable",
    ] {
        let res = app
            .post_form(
                &c,
                &csrf,
                path,
                &[
                    ("current_password", "no es esta"),
                    ("new_password", "otra clave bien larga"),
                    ("confirm_password", "otra clave bien larga"),
                ],
            )
            .await;
        statuses.push(res.status());
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            let html = res.text().await.unwrap();
            assert!(html.contains("Demasiados intentos"), "{html}");
        }
    }
    assert_eq!(
        statuses,
        [
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::TOO_MANY_REQUESTS,
        ],
        "three wrong guesses after the login, then the limit"
    );
}

async fn token_of(app: &TestApp, c: &reqwest::Client, csrf: &str, days: &str) -> reqwest::Response {
    app.post_form(
        c,
        csrf,
        "/account/tokens",
        &[("name", "script"), ("days", days)],
    )
    .await
}

async fn api_status(app: &TestApp, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn api_tokens_expire_and_end_with_a_disable_or_a_password_reset() {
    let app = TestApp::spawn().await;
    let (c, csrf) = app.signed_in("ana", "analyst", &[]).await;
    let res = token_of(&app, &c, &csrf, "400").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("vigencia"), "{body}");
    let res = token_of(&app, &c, &csrf, "2").await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let token = text_of(&html, "[data-testid=new-token]").unwrap();
    assert!(html.contains("Vence"), "the list shows the expiry");
    assert_eq!(api_status(&app, &token).await, StatusCode::OK);
    let ana = sipe::access::store::find_user_by_username(&app.db, "ana")
        .await
        .unwrap()
        .unwrap();
    let row = sipe::access::store::list_tokens(&app.db, ana.id)
        .await
        .unwrap()[0]
        .clone();
    let expires = row.expires_at.unwrap();
    assert!(expires > Utc::now() + chrono::Duration::days(1));
    assert!(expires <= Utc::now() + chrono::Duration::days(2));
    // Past its expiry it is refused.
    let mut a = row.into_active_model();
    a.expires_at = Set(Some(Utc::now() - chrono::Duration::seconds(1)));
    a.update(&app.db).await.unwrap();
    sipe::access::session::forget_all();
    assert_eq!(api_status(&app, &token).await, StatusCode::UNAUTHORIZED);

    // An admin disables Ana: her tokens are revoked with her sessions.
    let (admin, admin_csrf) = app.signed_in("jefa", "admin", &[]).await;
    let t1 = app.token(ana.id).await;
    assert_eq!(api_status(&app, &t1).await, StatusCode::OK);
    let res = app
        .post_form(
            &admin,
            &admin_csrf,
            &format!("/admin/users/{}/active", ana.id),
            &[("active", "false")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(api_status(&app, &t1).await, StatusCode::UNAUTHORIZED);
    app.post_form(
        &admin,
        &admin_csrf,
        &format!("/admin/users/{}/active", ana.id),
        &[("active", "true")],
    )
    .await;
    assert_eq!(
        api_status(&app, &t1).await,
        StatusCode::UNAUTHORIZED,
        "re-enabling does not revive it"
    );
    // A password reset revokes them too.
    let t2 = app.token(ana.id).await;
    assert_eq!(api_status(&app, &t2).await, StatusCode::OK);
    let res = app
        .post_form(
            &admin,
            &admin_csrf,
            &format!("/admin/users/{}/password", ana.id),
            &[("password", "una clave nueva y larga")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(api_status(&app, &t2).await, StatusCode::UNAUTHORIZED);
    let live = api_token::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.user_id == ana.id && t.revoked_at.is_none())
        .count();
    assert_eq!(
        live, 0,
        "every token of hers is revoked, the expired one too"
    );
    assert_eq!(app.audit_count("api_token.revoke_all").await, 2);
}
