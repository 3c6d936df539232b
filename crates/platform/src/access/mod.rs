//! Users, roles, territorial scopes, sessions, API tokens.
//!
//! Invariants: every store function that touches personal or office data takes an
//! `Access` and filters by it in the query; passwords are argon2id; session and token
//! secrets are stored only as SHA-256 digests.

pub mod admin_handlers;
pub mod api;
pub mod entity;
pub mod handlers;
pub mod password;
pub mod roles;
pub mod scope;
pub mod service;
pub mod session;
pub mod store;
pub mod totp;
pub mod views;

pub use roles::{Permission, Role};
pub use scope::{Access, Actor, Scope, ScopeKind, ScopedOffice};

use crate::web::{Guard, Routes};

/// Routes of the module.
pub fn routes() -> Routes {
    use admin_handlers::*;
    use handlers::*;
    let users = Guard::Web(Permission::ManageUsers);
    Routes::new()
        .get("/login", Guard::Public, login_page)
        .post("/login", Guard::Public, login)
        .get("/login/totp", Guard::Public, totp_page)
        .post("/login/totp", Guard::Public, verify_totp)
        .post("/logout", Guard::AnyUser, logout)
        .get("/lang/{lang}", Guard::Public, set_language)
        .get("/", Guard::Web(Permission::ViewDashboard), dashboard)
        .get("/account", Guard::AnyUser, account)
        .post("/account/password", Guard::AnyUser, change_password)
        .post("/account/totp/start", Guard::AnyUser, start_totp)
        .post("/account/totp/confirm", Guard::AnyUser, confirm_totp)
        .post("/account/totp/disable", Guard::AnyUser, disable_totp)
        .get("/account/tokens", Guard::AnyUser, tokens)
        .post("/account/tokens", Guard::AnyUser, create_token)
        .post(
            "/account/tokens/{token_id}/revoke",
            Guard::AnyUser,
            revoke_own_token,
        )
        .get("/admin/users", users, list_users)
        .get("/admin/users/new", users, new_user)
        .post("/admin/users", users, create_user)
        .get("/admin/users/{id}", users, show_user)
        .get("/admin/users/{id}/edit", users, edit_user)
        .post("/admin/users/{id}", users, update_user)
        .post("/admin/users/{id}/active", users, set_user_active)
        .post("/admin/users/{id}/password", users, reset_password)
        .post("/admin/users/{id}/totp/disable", users, admin_disable_totp)
        .post("/admin/tokens/{token_id}/revoke", users, admin_revoke_token)
        .get("/admin/roles", users, roles)
        .get("/api/v1/me", Guard::Api(Permission::ViewDashboard), api::me)
}

/// The module's part of the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::me,))]
struct ApiDoc;

/// The module's paths and schemas of the API document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

/// Users and roles, as the application sees them.
pub const MODULE: crate::module::Module = crate::module::Module {
    routes,
    openapi,
    nav: &[
        crate::module::NavEntry {
            area: crate::module::Area::Administration,
            href: "/admin/users",
            label: "nav-users",
            permission: Permission::ManageUsers,
        },
        crate::module::NavEntry {
            area: crate::module::Area::Administration,
            href: "/admin/roles",
            label: "nav-roles",
            permission: Permission::ManageUsers,
        },
    ],
    cards: &[crate::module::Card {
        label: "dashboard-users",
        href: "/admin/users",
        permission: Permission::ManageUsers,
        count: |state, _| Box::pin(store::count_active_users(&state.db)),
    }],
    ..crate::module::Module::new("access")
};

/// The partner organisations users may work for (training institutions), offered by
/// the modules that own them: the user form lists them, and keeps only one of them.
pub trait Affiliations: Send + Sync {
    /// Every organisation a user may be affiliated with, as (id, name), by name.
    fn choices<'a>(
        &'a self,
        state: &'a crate::web::AppState,
    ) -> crate::module::BoxFuture<'a, Result<Vec<(uuid::Uuid, String)>, sea_orm::DbErr>>;
}
