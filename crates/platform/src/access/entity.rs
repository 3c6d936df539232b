//! Tables of the access module.

/// People who log in.
pub mod user {
    use sea_orm::entity::prelude::*;

    /// One user account.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Login name (lowercase).
        pub username: String,
        /// Name shown in the UI and audit screens.
        pub full_name: String,
        /// Contact e-mail (may be empty).
        pub email: String,
        /// Role identifier (see `Role`).
        pub role: String,
        /// Disabled users cannot log in or use tokens.
        pub active: bool,
        /// argon2id PHC string.
        pub password_hash: String,
        /// Base32 TOTP secret, once enrolment started.
        pub totp_secret: Option<String>,
        /// Second factor required at login.
        pub totp_enabled: bool,
        /// The last TOTP time step accepted: a code is never accepted twice.
        pub totp_last_step: Option<i64>,
        /// Consecutive failed logins.
        pub failed_logins: i32,
        /// Login refused until this time.
        pub locked_until: Option<DateTimeUtc>,
        /// Last successful login.
        pub last_login_at: Option<DateTimeUtc>,
        /// Creation time.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
        /// The partner organisation the user works for (a training institution), if
        /// not the secretariat.
        pub affiliation_id: Option<Uuid>,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Offices granted to a user, per scope kind; a null office means national.
pub mod user_scope {
    use sea_orm::entity::prelude::*;

    /// One grant.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_scopes")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The user.
        pub user_id: Uuid,
        /// `capture`, `view` or `search`.
        pub kind: String,
        /// The office (and everything below it); `None` for national.
        pub office_id: Option<Uuid>,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Server-side login sessions.
pub mod session {
    use sea_orm::entity::prelude::*;

    /// One session; the cookie holds the secret, the table only its hash.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        /// SHA-256 of the cookie value, hex.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        /// Who is logged in.
        pub user_id: Uuid,
        /// Token every form must echo back.
        pub csrf_token: String,
        /// Password accepted, TOTP code still due.
        pub second_factor_pending: bool,
        /// Wrong codes given on this pending login.
        pub second_factor_failures: i32,
        /// Login time, for the absolute timeout.
        pub created_at: DateTimeUtc,
        /// Last request, for the idle timeout.
        pub last_seen_at: DateTimeUtc,
        /// Client address at login.
        pub ip: Option<String>,
        /// Browser at login.
        pub user_agent: Option<String>,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Bearer tokens for the JSON API.
pub mod api_token {
    use sea_orm::entity::prelude::*;

    /// One token; only its hash is stored.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Owner; the token acts with the owner's role and scopes.
        pub user_id: Uuid,
        /// What the token is for.
        pub name: String,
        /// SHA-256 of the token, hex.
        pub token_hash: String,
        /// First characters of the token, to recognise it in lists.
        pub prefix: String,
        /// Creation time.
        pub created_at: DateTimeUtc,
        /// Last successful use.
        pub last_used_at: Option<DateTimeUtc>,
        /// Revocation time; revoked tokens are refused.
        pub revoked_at: Option<DateTimeUtc>,
        /// The token is refused from this time on (every token made since m0015 has one).
        pub expires_at: Option<DateTimeUtc>,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
