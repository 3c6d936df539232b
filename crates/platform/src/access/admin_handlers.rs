//! HTML handlers of user administration: the users list, a user's page, creating and
//! editing users, disabling them, resetting their password or second factor.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::roles::{Permission, Role};
use super::service::{self, AccessError, ScopeInput, UserInput};
use super::store;
use super::views::*;
use crate::territory::views::Choice;
use crate::validation::FieldErrors;
use crate::web::auth::{Authenticated, Ctx};
use crate::web::page::redirect_with_flash;
use crate::web::table::{ListQuery, Pager};
use crate::web::{AppState, PageCtx, WebError};

/// Filters of the users list.
#[derive(Debug, Deserialize, Default)]
pub struct UserListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    role: String,
    #[serde(flatten)]
    list: ListQuery,
}

/// `GET /admin/users`.
pub async fn list_users(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(query): Query<UserListQuery>,
) -> Result<Response, WebError> {
    let mut pager = Pager::new(
        "/admin/users",
        &query.list,
        &["username", "full_name", "role", "last_login_at"],
        false,
    )?
    .keep("q", &query.q)
    .keep("role", &query.role);
    let filter = store::UserFilter {
        q: query.q.trim().to_owned(),
        role: Role::parse(&query.role),
        active: None,
    };
    let (rows, total) = store::list_users(&state.db, &user.access, &filter, &pager).await?;
    pager.total = total;
    let roles = role_choices(&ctx, &query.role);
    crate::web::render::page(UsersPage {
        ctx,
        rows,
        pager,
        q: query.q,
        role: query.role,
        roles,
    })
}

async fn user_page(
    state: &AppState,
    ctx: PageCtx,
    id: Uuid,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let u = store::find_user(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let grants = store::user_grants(&state.db, id)
        .await?
        .into_iter()
        .map(|(kind, office)| GrantView {
            kind: ctx.tp("scope-", &kind).into_owned(),
            office: office
                .map(|o| format!("{} — {}", o.code, o.name))
                .unwrap_or_else(|| ctx.t("scope-national").into_owned()),
        })
        .collect();
    let tokens = store::list_tokens(&state.db, id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    crate::web::render::page_with(
        status,
        UserPage {
            ctx,
            user: u,
            grants,
            tokens,
            errors,
        },
    )
}

/// `GET /admin/users/{id}`.
pub async fn show_user(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    service::managed_user(&state.db, &user.access, id).await?;
    user_page(&state, ctx, id, FieldErrors::new()).await
}

async fn user_form(
    state: &AppState,
    ctx: PageCtx,
    action: String,
    title_key: &'static str,
    creating: bool,
    form: UserForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let offices = crate::territory::store::all_offices(&state.db).await?;
    let choices = |selected: &[String]| -> Vec<Choice> {
        offices
            .iter()
            .map(|o| Choice {
                value: o.code.clone(),
                label: format!("{} — {}", o.code, o.name),
                selected: selected.iter().any(|s| s == &o.code),
            })
            .collect()
    };
    let scopes = vec![
        ("scope-capture", "capture", choices(&form.capture)),
        ("scope-view", "view", choices(&form.view)),
        ("scope-search", "search", choices(&form.search)),
    ];
    let roles = role_choices(&ctx, &form.role);
    let mut affiliations: Vec<Choice> = affiliation_choices(state)
        .await?
        .into_iter()
        .map(|(id, name)| Choice {
            selected: form.affiliation == id.to_string(),
            value: id.to_string(),
            label: name,
        })
        .collect();
    if !affiliations.is_empty() {
        affiliations.insert(
            0,
            Choice {
                value: String::new(),
                label: ctx.t("user-affiliation-none").into_owned(),
                selected: form.affiliation.is_empty(),
            },
        );
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    crate::web::render::page_with(
        status,
        UserFormPage {
            ctx,
            action,
            title_key,
            creating,
            form,
            errors,
            roles,
            scopes,
            affiliations,
        },
    )
}

/// What the modules offer as partner organisations.
async fn affiliation_choices(state: &AppState) -> Result<Vec<(Uuid, String)>, WebError> {
    let mut out = Vec::new();
    for source in state
        .modules
        .contributions()
        .all::<std::sync::Arc<dyn super::Affiliations>>()
    {
        out.extend(source.choices(state).await?);
    }
    Ok(out)
}

/// The form as the use case takes it; an affiliation no module offers is dropped (the
/// use case then asks for one).
async fn checked_input(state: &AppState, form: &UserForm) -> Result<UserInput, WebError> {
    let mut input = to_input(form);
    let wanted = form.affiliation.trim();
    if !wanted.is_empty()
        && Role::parse(&form.role).is_some_and(Role::is_affiliated)
        && !affiliation_choices(state)
            .await?
            .iter()
            .any(|(id, _)| id.to_string() == wanted)
    {
        input.affiliation = String::new();
    }
    Ok(input)
}

/// `GET /admin/users/new`.
pub async fn new_user(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let form = UserForm {
        role: "operator".into(),
        ..Default::default()
    };
    user_form(
        &state,
        ctx,
        "/admin/users".into(),
        "user-new-title",
        true,
        form,
        FieldErrors::new(),
    )
    .await
}

fn to_input(form: &UserForm) -> UserInput {
    UserInput {
        username: form.username.clone(),
        full_name: form.full_name.clone(),
        email: form.email.clone(),
        role: form.role.clone(),
        scopes: ScopeInput {
            capture: form.capture.clone(),
            view: form.view.clone(),
            search: form.search.clone(),
            national: form.national.is_some(),
        },
        affiliation: form.affiliation.clone(),
    }
}

/// `POST /admin/users`.
pub async fn create_user(
    State(state): State<AppState>,
    user: Authenticated,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Form(form): Form<UserForm>,
) -> Result<Response, WebError> {
    match service::create_user(
        &state.db,
        &audit,
        &user.access,
        &checked_input(&state, &form).await?,
        &form.password,
    )
    .await
    {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/admin/users/{id}"),
            "success",
            "user-created",
        )),
        Err(AccessError::Invalid(errors)) => {
            let form = UserForm {
                password: String::new(),
                ..form
            };
            user_form(
                &state,
                ctx,
                "/admin/users".into(),
                "user-new-title",
                true,
                form,
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /admin/users/{id}/edit`.
pub async fn edit_user(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let u = service::managed_user(&state.db, &user.access, id).await?;
    let grants = store::user_grants(&state.db, id).await?;
    let codes = |kind: &str| -> Vec<String> {
        grants
            .iter()
            .filter(|(k, _)| k == kind)
            .filter_map(|(_, o)| o.as_ref().map(|o| o.code.clone()))
            .collect()
    };
    let national = grants.iter().any(|(_, o)| o.is_none());
    let form = UserForm {
        username: u.username,
        full_name: u.full_name,
        email: u.email,
        role: u.role,
        password: String::new(),
        capture: codes("capture"),
        view: codes("view"),
        search: codes("search"),
        national: national.then(|| "on".into()),
        affiliation: u.affiliation_id.map(|a| a.to_string()).unwrap_or_default(),
    };
    user_form(
        &state,
        ctx,
        format!("/admin/users/{id}"),
        "user-edit-title",
        false,
        form,
        FieldErrors::new(),
    )
    .await
}

/// `POST /admin/users/{id}`.
pub async fn update_user(
    State(state): State<AppState>,
    user: Authenticated,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<UserForm>,
) -> Result<Response, WebError> {
    match service::update_user(
        &state.db,
        &audit,
        &user.access,
        id,
        &checked_input(&state, &form).await?,
    )
    .await
    {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/admin/users/{id}"),
            "success",
            "user-updated",
        )),
        Err(AccessError::Invalid(errors)) => {
            user_form(
                &state,
                ctx,
                format!("/admin/users/{id}"),
                "user-edit-title",
                false,
                form,
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Body of the enable/disable buttons.
#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    active: String,
}

/// `POST /admin/users/{id}/active`.
pub async fn set_user_active(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ActiveForm>,
) -> Result<Response, WebError> {
    let active = form.active == "true";
    if !active && id == user.access.actor.user_id {
        return Ok(redirect_with_flash(
            &format!("/admin/users/{id}"),
            "error",
            "user-cannot-disable-self",
        ));
    }
    service::set_active(&state.db, &audit, &user.access, id, active).await?;
    let key = if active {
        "user-enabled"
    } else {
        "user-disabled-done"
    };
    Ok(redirect_with_flash(
        &format!("/admin/users/{id}"),
        "success",
        key,
    ))
}

/// The admin's password reset form.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

/// `POST /admin/users/{id}/password`.
pub async fn reset_password(
    State(state): State<AppState>,
    user: Authenticated,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ResetForm>,
) -> Result<Response, WebError> {
    match service::set_password(&state.db, &audit, &user.access, id, &form.password).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/admin/users/{id}"),
            "success",
            "password-reset-done",
        )),
        Err(AccessError::Invalid(errors)) => user_page(&state, ctx, id, errors).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/users/{id}/totp/disable`.
pub async fn admin_disable_totp(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    service::disable_totp(&state.db, &audit, &user.access, id).await?;
    Ok(redirect_with_flash(
        &format!("/admin/users/{id}"),
        "success",
        "totp-disabled",
    ))
}

/// `POST /admin/tokens/{token_id}/revoke`.
pub async fn admin_revoke_token(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(token_id): Path<Uuid>,
) -> Result<Response, WebError> {
    service::revoke_token(&state.db, &audit, &user.access, token_id, None).await?;
    Ok(redirect_with_flash(
        "/admin/users",
        "success",
        "token-revoked",
    ))
}

/// `GET /admin/roles`.
pub async fn roles(ctx: PageCtx) -> Result<Response, WebError> {
    let permissions = Permission::ALL
        .iter()
        .map(|p| ctx.t(p.label_key()).into_owned())
        .collect();
    let rows = Role::ALL
        .iter()
        .map(|r| RoleRow {
            role: ctx.role(r.as_str()).into_owned(),
            id: r.as_str(),
            grants: Permission::ALL.iter().map(|p| r.can(*p)).collect(),
            national: r.may_be_national(),
        })
        .collect();
    crate::web::render::page(RolesPage {
        ctx,
        permissions,
        rows,
    })
}
