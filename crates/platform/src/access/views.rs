//! Templates of the access module.

use askama::Template;

use super::entity::{api_token, user};
use super::roles::Role;
use crate::territory::views::Choice;
use crate::validation::FieldErrors;
use crate::web::PageCtx;
use crate::web::table::Pager;

/// `/login`.
#[derive(Template)]
#[template(path = "access/login.html")]
pub struct LoginPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Username as typed.
    pub username: String,
    /// Where to go after login.
    pub next: String,
    /// Error message key.
    pub error: Option<&'static str>,
}

/// `/login/totp`.
#[derive(Template)]
#[template(path = "access/login_totp.html")]
pub struct TotpLoginPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Error message key.
    pub error: Option<&'static str>,
}

/// A count on the dashboard.
pub struct Tile {
    /// Label.
    pub label: String,
    /// Value.
    pub value: String,
    /// Link.
    pub href: &'static str,
}

/// `/`.
#[derive(Template)]
#[template(path = "access/dashboard.html")]
pub struct DashboardPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Counts for this role.
    pub tiles: Vec<Tile>,
    /// Offices of the view scope, or empty when national.
    pub scope_offices: Vec<String>,
    /// National view scope?
    pub national: bool,
    /// The partner organisation of an affiliated user (by name).
    pub affiliation: Option<String>,
}

/// `/account`.
#[derive(Template)]
#[template(path = "access/account.html")]
pub struct AccountPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The user.
    pub user: user::Model,
    /// Field problems of the password form.
    pub errors: FieldErrors,
    /// TOTP enrolment in progress: the QR code and the secret.
    pub enrol: Option<(String, String)>,
}

impl AccountPage {}

/// `/account/tokens`.
#[derive(Template)]
#[template(path = "access/tokens.html")]
pub struct TokensPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The user's tokens.
    pub tokens: Vec<api_token::Model>,
    /// A token just created, shown once.
    pub new_token: Option<String>,
    /// Field problems.
    pub errors: FieldErrors,
    /// Days a new token lives by default.
    pub default_days: i64,
    /// The most days a token may be given.
    pub max_days: i64,
    /// The form as typed (name, days), shown again when it was refused.
    pub typed: (String, String),
}

impl TokensPage {
    /// Has the token expired?
    pub fn expired(&self, t: &api_token::Model) -> bool {
        token_expired(t)
    }

    /// The hint under the days field.
    pub fn days_hint(&self) -> String {
        self.ctx.lang.t_args(
            "tokens-days-hint",
            &[
                ("default", self.default_days.to_string()),
                ("max", self.max_days.to_string()),
            ],
        )
    }
}

/// Has the token expired (tokens made before expiry dates existed never do here: the
/// migration gave them one)?
pub fn token_expired(t: &api_token::Model) -> bool {
    t.expires_at.is_none_or(|e| e <= chrono::Utc::now())
}

/// `/admin/users`.
#[derive(Template)]
#[template(path = "access/users.html")]
pub struct UsersPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Rows.
    pub rows: Vec<user::Model>,
    /// Paging.
    pub pager: Pager,
    /// Text filter.
    pub q: String,
    /// Role filter.
    pub role: String,
    /// Roles for the filter.
    pub roles: Vec<Choice>,
}

/// A scope grant as shown.
pub struct GrantView {
    /// Translated kind.
    pub kind: String,
    /// Office code and name, or "national".
    pub office: String,
}

/// `/admin/users/{id}`.
#[derive(Template)]
#[template(path = "access/user.html")]
pub struct UserPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The user.
    pub user: user::Model,
    /// Grants.
    pub grants: Vec<GrantView>,
    /// Tokens.
    pub tokens: Vec<api_token::Model>,
    /// Field problems of the reset form.
    pub errors: FieldErrors,
}

impl UserPage {
    /// Has the token expired?
    pub fn expired(&self, t: &api_token::Model) -> bool {
        token_expired(t)
    }
}

/// Values of the user form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserForm {
    /// Login name.
    #[serde(default)]
    pub username: String,
    /// Full name.
    #[serde(default)]
    pub full_name: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// Role.
    #[serde(default)]
    pub role: String,
    /// Initial password (create only).
    #[serde(default)]
    pub password: String,
    /// Capture offices.
    #[serde(default)]
    pub capture: Vec<String>,
    /// View offices.
    #[serde(default)]
    pub view: Vec<String>,
    /// Search offices.
    #[serde(default)]
    pub search: Vec<String>,
    /// National for the empty kinds.
    #[serde(default)]
    pub national: Option<String>,
    /// The partner organisation of an affiliated role.
    #[serde(default)]
    pub affiliation: String,
}

/// `/admin/users/new` and `/admin/users/{id}/edit`.
#[derive(Template)]
#[template(path = "access/user_form.html")]
pub struct UserFormPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Where to post.
    pub action: String,
    /// Heading key.
    pub title_key: &'static str,
    /// Creating (asks username and password)?
    pub creating: bool,
    /// Values.
    pub form: UserForm,
    /// Problems.
    pub errors: FieldErrors,
    /// Role choices.
    pub roles: Vec<Choice>,
    /// Offices for each scope kind: (kind key, field, choices).
    pub scopes: Vec<(&'static str, &'static str, Vec<Choice>)>,
    /// Partner organisations (empty when no module offers any).
    pub affiliations: Vec<Choice>,
}

impl UserFormPage {}

/// A row of the roles matrix.
pub struct RoleRow {
    /// Translated role.
    pub role: String,
    /// Identifier.
    pub id: &'static str,
    /// Whether each permission (in `Permission::ALL` order) is granted.
    pub grants: Vec<bool>,
    /// May hold a national scope.
    pub national: bool,
}

/// `/admin/roles`.
#[derive(Template)]
#[template(path = "access/roles.html")]
pub struct RolesPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Translated permission names.
    pub permissions: Vec<String>,
    /// One row per role.
    pub rows: Vec<RoleRow>,
}

/// Translated role choices.
pub fn role_choices(ctx: &PageCtx, selected: &str) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str().into(),
            label: ctx.t(r.label_key()).into_owned(),
            selected: r.as_str() == selected,
        })
        .collect()
}
