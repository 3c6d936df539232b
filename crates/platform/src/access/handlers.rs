//! HTML handlers of the access module: login, logout, language, dashboard, own account,
//! API tokens, and the admin screens for users and roles.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::Form;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use uuid::Uuid;

use super::scope::Scope;
use super::service::{self, AccessError, LoginOutcome, SecondFactorOutcome, TokenLife};
use super::views::*;
use super::{store, totp};
use crate::i18n::Lang;
use crate::validation::FieldErrors;
use crate::web::auth::{Authenticated, Client, Ctx, PendingSecondFactor};
use crate::web::page::redirect_with_flash;
use crate::web::routes::safe_next;
use crate::web::{AppState, PageCtx, WebError, cookies};

fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build((cookies::SESSION, value))
        .path("/")
        .http_only(true)
        .secure(state.secure_cookies())
        .same_site(SameSite::Lax)
        .build()
}

/// Query of the login page.
#[derive(Debug, Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`.
pub async fn login_page(
    ctx: PageCtx,
    user: Option<axum::Extension<Authenticated>>,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    if user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    crate::web::render::page(LoginPage {
        ctx,
        username: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: checks the password, rotates the session, asks for TOTP when enrolled.
pub async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    client: Client,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let next = safe_next(Some(&form.next));
    if !allowed(&state, &client) {
        return crate::web::render::page_with(
            StatusCode::TOO_MANY_REQUESTS,
            LoginPage {
                ctx,
                username: form.username,
                next,
                error: Some("login-too-many"),
            },
        );
    }
    if form.username.trim().is_empty() || form.password.is_empty() {
        let page = LoginPage {
            ctx,
            username: form.username,
            next,
            error: Some("login-missing"),
        };
        return crate::web::render::page_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let outcome = service::login(
        &state.db,
        &audit,
        &form.username,
        &form.password,
        client.user_agent.clone(),
    )
    .await?;
    match outcome {
        LoginOutcome::Success {
            cookie,
            second_factor,
        } => {
            // The session the browser held before (if any) ends: ids change at login.
            if let Some(old) = jar.get(cookies::SESSION) {
                super::session::delete(&state.db, old.value()).await?;
            }
            let jar = CookieJar::new().add(session_cookie(&state, cookie));
            let to = if second_factor {
                format!("/login/totp?next={}", crate::web::routes::urlencode(&next))
            } else {
                next
            };
            Ok((jar, Redirect::to(&to)).into_response())
        }
        LoginOutcome::Refused => crate::web::render::page_with(
            StatusCode::UNAUTHORIZED,
            LoginPage {
                ctx,
                username: form.username,
                next,
                error: Some("login-invalid"),
            },
        ),
    }
}

/// Counts an attempt of this client against the per-address limit.
fn allowed(state: &AppState, client: &Client) -> bool {
    client.ip.is_none_or(|ip| state.login_limiter.allow(ip))
}

/// `GET /login/totp`.
pub async fn totp_page(
    ctx: PageCtx,
    pending: Option<axum::Extension<PendingSecondFactor>>,
) -> Result<Response, WebError> {
    if pending.is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    crate::web::render::page(TotpLoginPage { ctx, error: None })
}

/// The TOTP code form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /login/totp`.
pub async fn verify_totp(
    State(state): State<AppState>,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    client: Client,
    Query(q): Query<NextQuery>,
    pending: Option<axum::Extension<PendingSecondFactor>>,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let Some(axum::Extension(pending)) = pending else {
        return Ok(Redirect::to("/login").into_response());
    };
    if !allowed(&state, &client) {
        return crate::web::render::page_with(
            StatusCode::TOO_MANY_REQUESTS,
            TotpLoginPage {
                ctx,
                error: Some("login-too-many"),
            },
        );
    }
    let outcome = service::verify_second_factor(
        &state.db,
        &audit,
        &pending.session_id,
        pending.user_id,
        &form.code,
        client.user_agent.clone(),
    )
    .await?;
    match outcome {
        SecondFactorOutcome::Success(cookie) => {
            let jar = CookieJar::new().add(session_cookie(&state, cookie));
            Ok((jar, Redirect::to(&safe_next(q.next.as_deref()))).into_response())
        }
        SecondFactorOutcome::Wrong => crate::web::render::page_with(
            StatusCode::UNAUTHORIZED,
            TotpLoginPage {
                ctx,
                error: Some("totp-code-wrong"),
            },
        ),
        SecondFactorOutcome::Ended => {
            let removal = Cookie::build((cookies::SESSION, ""))
                .path("/")
                .removal()
                .build();
            Ok((
                CookieJar::new().add(removal),
                redirect_with_flash("/login", "error", "totp-login-ended"),
            )
                .into_response())
        }
    }
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
) -> Result<Response, WebError> {
    service::logout(
        &state.db,
        &audit,
        &user.session_id,
        user.access.actor.user_id,
    )
    .await?;
    let removal = Cookie::build((cookies::SESSION, ""))
        .path("/")
        .removal()
        .build();
    Ok((
        CookieJar::new().add(removal),
        redirect_with_flash("/login", "success", "logout-done"),
    )
        .into_response())
}

/// `GET /lang/{lang}`: remembers the UI language in a cookie and goes back.
pub async fn set_language(
    Path(lang): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let lang = Lang::parse(&lang).ok_or(WebError::NotFound)?;
    let cookie = Cookie::build((cookies::LANG, lang.tag()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    Ok((
        CookieJar::new().add(cookie),
        Redirect::to(&safe_next(q.next.as_deref())),
    )
        .into_response())
}

/// One number on the dashboard: catalogue key of its label, value, link.
type Count = (&'static str, u64, &'static str);

/// Dashboard counts per user, reused for a few seconds: the home page is the most
/// visited page and its numbers need not be exact to the second.
static DASHBOARD: std::sync::LazyLock<crate::cache::TtlCache<Uuid, Vec<Count>>> =
    std::sync::LazyLock::new(|| {
        crate::cache::TtlCache::new(std::time::Duration::from_secs(10), 10_000)
    });

async fn dashboard_counts(
    state: &AppState,
    access: &super::Access,
) -> Result<Vec<Count>, WebError> {
    if let Some(counts) = DASHBOARD.get(&access.actor.user_id) {
        return Ok(counts);
    }
    let mut counts = Vec::new();
    for card in state.modules.cards() {
        if access.offers(card.permission) {
            counts.push((card.label, (card.count)(state, access).await?, card.href));
        }
    }
    DASHBOARD.insert(access.actor.user_id, counts.clone());
    Ok(counts)
}

/// `GET /`: the home page of each role: the counts its permissions allow.
pub async fn dashboard(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    let access = &user.access;
    let tiles = dashboard_counts(&state, access)
        .await?
        .into_iter()
        .map(|(key, value, href)| Tile {
            label: ctx.t(key).into_owned(),
            value: ctx.number(value),
            href,
        })
        .collect();
    let (national, scope_offices) = match &access.view {
        Scope::National => (true, Vec::new()),
        Scope::Offices(list) => (false, list.iter().map(|o| o.code.clone()).collect()),
    };
    let mut affiliation = None;
    if let Some(id) = access.affiliation {
        for source in state
            .modules
            .contributions()
            .all::<std::sync::Arc<dyn super::Affiliations>>()
        {
            if let Some((_, name)) = source
                .choices(&state)
                .await?
                .into_iter()
                .find(|c| c.0 == id)
            {
                affiliation = Some(name);
            }
        }
    }
    crate::web::render::page(DashboardPage {
        ctx,
        tiles,
        scope_offices,
        national,
        affiliation,
    })
}

/// `GET /account`.
pub async fn account(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    let u = store::find_user(&state.db, user.access.actor.user_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let enrol = enrolment(&u);
    crate::web::render::page(AccountPage {
        ctx,
        user: u,
        errors: FieldErrors::new(),
        enrol,
    })
}

fn enrolment(u: &super::entity::user::Model) -> Option<(String, String)> {
    match (&u.totp_secret, u.totp_enabled) {
        (Some(secret), false) => Some((
            totp::qr_svg(secret, &u.username).unwrap_or_default(),
            secret.clone(),
        )),
        _ => None,
    }
}

/// The password change form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// `POST /account/password`.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    client: Client,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let id = user.access.actor.user_id;
    if let Some(refused) =
        password_guess_limited(&state, ctx.clone(), &client, id, "current_password").await?
    {
        return Ok(refused);
    }
    let result = if form.new_password != form.confirm_password {
        Err(AccessError::Invalid(FieldErrors::one(
            "confirm_password",
            "password-mismatch",
        )))
    } else {
        service::change_own_password(
            &state.db,
            &audit,
            id,
            &user.session_id,
            &form.current_password,
            &form.new_password,
        )
        .await
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(
            "/account",
            "success",
            "password-changed",
        )),
        Err(AccessError::Invalid(errors)) => account_with_errors(&state, ctx, id, errors).await,
        Err(e) => Err(e.into()),
    }
}

/// Forms that only ask for the current password.
#[derive(Debug, Deserialize)]
pub struct CurrentPasswordForm {
    #[serde(default)]
    current_password: String,
}

/// `POST /account/totp/start`: needs the current password.
pub async fn start_totp(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    client: Client,
    Form(form): Form<CurrentPasswordForm>,
) -> Result<Response, WebError> {
    let id = user.access.actor.user_id;
    if let Some(refused) =
        password_guess_limited(&state, ctx.clone(), &client, id, "totp_password").await?
    {
        return Ok(refused);
    }
    match service::start_totp(&state.db, &audit, id, &form.current_password).await {
        Ok(_) => Ok(Redirect::to("/account#totp").into_response()),
        Err(AccessError::Invalid(errors)) => {
            account_with_errors(&state, ctx, id, totp_errors(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The second-factor forms ask for the password too: their errors go under their own
/// field, not under the password-change form's.
fn totp_errors(mut errors: FieldErrors) -> FieldErrors {
    for e in &mut errors.0 {
        if e.field == "current_password" {
            e.field = "totp_password";
        }
    }
    errors
}

async fn account_with_errors(
    state: &AppState,
    ctx: PageCtx,
    id: Uuid,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    account_page(state, ctx, id, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// A check of the current password (password change, second factor) is a guess like a
/// login: someone holding a stolen session could otherwise try passwords without limit.
/// It counts against the same per-address limit; beyond it, the form's `field` says so.
async fn password_guess_limited(
    state: &AppState,
    ctx: PageCtx,
    client: &Client,
    id: Uuid,
    field: &'static str,
) -> Result<Option<Response>, WebError> {
    if allowed(state, client) {
        return Ok(None);
    }
    let errors = FieldErrors::one(field, "login-too-many");
    account_page(state, ctx, id, errors, StatusCode::TOO_MANY_REQUESTS)
        .await
        .map(Some)
}

async fn account_page(
    state: &AppState,
    ctx: PageCtx,
    id: Uuid,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let u = store::find_user(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let enrol = enrolment(&u);
    crate::web::render::page_with(
        status,
        AccountPage {
            ctx,
            user: u,
            errors,
            enrol,
        },
    )
}

/// `POST /account/totp/confirm`.
pub async fn confirm_totp(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let id = user.access.actor.user_id;
    match service::confirm_totp(&state.db, &audit, id, &form.code).await {
        Ok(()) => Ok(redirect_with_flash("/account", "success", "totp-enabled")),
        Err(AccessError::Invalid(errors)) => account_with_errors(&state, ctx, id, errors).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /account/totp/disable`: needs the current password.
pub async fn disable_totp(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    client: Client,
    Form(form): Form<CurrentPasswordForm>,
) -> Result<Response, WebError> {
    let id = user.access.actor.user_id;
    if let Some(refused) =
        password_guess_limited(&state, ctx.clone(), &client, id, "totp_password").await?
    {
        return Ok(refused);
    }
    match service::disable_own_totp(&state.db, &audit, id, &form.current_password).await {
        Ok(()) => Ok(redirect_with_flash("/account", "success", "totp-disabled")),
        Err(AccessError::Invalid(errors)) => {
            account_with_errors(&state, ctx, id, totp_errors(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /account/tokens`.
pub async fn tokens(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    let tokens = store::list_tokens(&state.db, user.access.actor.user_id).await?;
    let life = TokenLife::of(&state.config);
    crate::web::render::page(TokensPage {
        ctx,
        tokens,
        new_token: None,
        errors: FieldErrors::new(),
        default_days: life.default_days,
        max_days: life.max_days,
        typed: Default::default(),
    })
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

/// `POST /account/tokens`: creates a token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    let id = user.access.actor.user_id;
    let life = TokenLife::of(&state.config);
    let (new_token, errors, status) =
        match service::create_token(&state.db, &audit, id, &form.name, &form.days, life).await {
            Ok(secret) => (Some(secret), FieldErrors::new(), StatusCode::OK),
            Err(AccessError::Invalid(errors)) => (None, errors, StatusCode::UNPROCESSABLE_ENTITY),
            Err(e) => return Err(e.into()),
        };
    let tokens = store::list_tokens(&state.db, id).await?;
    crate::web::render::page_with(
        status,
        TokensPage {
            ctx,
            tokens,
            typed: if errors.is_empty() {
                Default::default()
            } else {
                (form.name, form.days)
            },
            new_token,
            errors,
            default_days: life.default_days,
            max_days: life.max_days,
        },
    )
}

/// `POST /account/tokens/{token_id}/revoke`.
pub async fn revoke_own_token(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(token_id): Path<Uuid>,
) -> Result<Response, WebError> {
    service::revoke_token(
        &state.db,
        &audit,
        &user.access,
        token_id,
        Some(user.access.actor.user_id),
    )
    .await?;
    Ok(redirect_with_flash(
        "/account/tokens",
        "success",
        "token-revoked",
    ))
}
