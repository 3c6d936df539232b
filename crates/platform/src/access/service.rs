//! Use cases of the access module. Each one runs in one transaction with its audit rows.

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};
use serde::Serialize;
use uuid::Uuid;

use super::entity::{api_token, user};
use super::password;
use super::roles::Role;
use super::scope::{Access, ScopeKind};
use super::{session, store};
use crate::audit::{self, AuditCtx, Change};
use crate::db::{self, Db, StoreError};
use crate::territory;
use crate::territory::entity::office;
use crate::validation::{self, FieldErrors};

/// Failed logins before the account locks.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// Bad input; nothing was stored.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such user or token.
    #[error("not found")]
    NotFound,
    /// Database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<DbErr> for AccessError {
    fn from(e: DbErr) -> Self {
        AccessError::Store(StoreError::from_db(e))
    }
}

/// Scopes as entered: office codes per kind; an empty list with `national` means national.
#[derive(Debug, Clone, Default)]
pub struct ScopeInput {
    /// Offices for capture.
    pub capture: Vec<String>,
    /// Offices for view.
    pub view: Vec<String>,
    /// Offices for search.
    pub search: Vec<String>,
    /// National scope for the kinds left empty.
    pub national: bool,
}

impl ScopeInput {
    /// The same offices for all three kinds (the CLI's `--office`).
    pub fn same_offices(codes: Vec<String>) -> Self {
        let national = codes.is_empty();
        Self {
            capture: codes.clone(),
            view: codes.clone(),
            search: codes,
            national,
        }
    }
}

/// A user as the admin enters it.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// E-mail (optional).
    pub email: String,
    /// Role identifier.
    pub role: String,
    /// Scopes.
    pub scopes: ScopeInput,
    /// The partner organisation (a training institution's id) of an affiliated role;
    /// empty for everyone else.
    pub affiliation: String,
}

/// Audit snapshot of a user: never the password hash or TOTP secret.
#[derive(Debug, Serialize)]
struct UserSnapshot<'a> {
    username: &'a str,
    full_name: &'a str,
    email: &'a str,
    role: &'a str,
    active: bool,
    totp_enabled: bool,
    affiliation_id: Option<Uuid>,
}

fn snapshot(u: &user::Model) -> UserSnapshot<'_> {
    UserSnapshot {
        username: &u.username,
        full_name: &u.full_name,
        email: &u.email,
        role: &u.role,
        active: u.active,
        totp_enabled: u.totp_enabled,
        affiliation_id: u.affiliation_id,
    }
}

/// Most offices one kind of scope may list (a zone is granted by its parent office, and
/// covers every office below it).
pub const MAX_OFFICES_PER_SCOPE: usize = 100;

/// May `actor` administer a user holding these grants? Every office granted must lie in
/// the actor's capture scope (a national grant needs a national actor): an admin of a
/// group of offices manages only the users of those offices.
fn manages(actor: &Access, grants: &[(String, Option<office::Model>)]) -> bool {
    // A user with no office at all is within no office scope: national admins only.
    if grants.is_empty() {
        return actor.capture.is_national();
    }
    grants.iter().all(|(_, o)| match o {
        Some(o) => actor.capture.includes_path(&o.path),
        None => actor.capture.is_national(),
    })
}

/// The user, if `actor` may administer them (`NotFound` otherwise, as for any record
/// outside one's scope).
pub async fn managed_user(
    conn: &impl ConnectionTrait,
    actor: &Access,
    id: Uuid,
) -> Result<user::Model, AccessError> {
    let u = store::find_user(conn, id)
        .await?
        .ok_or(AccessError::NotFound)?;
    let grants = store::user_grants(conn, id).await?;
    if !manages(actor, &grants) {
        return Err(AccessError::NotFound);
    }
    Ok(u)
}

fn valid_username(s: &str) -> bool {
    (3..=40).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

struct ParsedUser {
    username: String,
    full_name: String,
    email: String,
    role: Role,
    grants: Vec<(ScopeKind, Vec<Option<Uuid>>)>,
    affiliation: Option<Uuid>,
}

async fn parse_user(
    conn: &impl ConnectionTrait,
    actor: &Access,
    input: &UserInput,
) -> Result<ParsedUser, AccessError> {
    let mut errors = FieldErrors::new();
    let username = input.username.trim().to_lowercase();
    if !valid_username(&username) {
        errors.add("username", "user-username-invalid");
    }
    let full_name = validation::text(&mut errors, "full_name", &input.full_name, true, 120);
    let email = validation::text(&mut errors, "email", &input.email, false, 254);
    if !email.is_empty() && !validation::is_email(&email) {
        errors.add("email", "field-email-invalid");
    }
    let role = Role::parse(&input.role);
    if role.is_none() {
        errors.add("role", "user-role-invalid");
    }
    let mut grants = Vec::new();
    for (kind, codes) in [
        (ScopeKind::Capture, &input.scopes.capture),
        (ScopeKind::View, &input.scopes.view),
        (ScopeKind::Search, &input.scopes.search),
    ] {
        let mut ids = Vec::new();
        let mut wanted: Vec<&str> = codes
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        // Each office of a scope is a condition in every query the user makes: bounded.
        if wanted.len() > MAX_OFFICES_PER_SCOPE {
            errors.add("offices", "user-too-many-offices");
            wanted.clear();
        }
        for code in wanted {
            match territory::store::find_office_by_code(conn, code).await? {
                Some(o) if actor.capture.includes_path(&o.path) => ids.push(Some(o.id)),
                Some(_) => errors.add("offices", "user-office-outside-scope"),
                None => errors.add("offices", "user-office-unknown"),
            }
        }
        if ids.is_empty() && input.scopes.national {
            if !actor.capture.is_national() {
                errors.add("offices", "user-office-outside-scope");
            }
            ids.push(None);
        }
        grants.push((kind, ids));
    }
    let affiliation = input.affiliation.trim();
    let affiliation = match role {
        Some(r) if r.is_affiliated() => {
            // Such a user is in no office: only a national admin manages them.
            if !actor.capture.is_national() {
                errors.add("role", "user-affiliation-national-only");
            }
            if grants
                .iter()
                .any(|(_, ids)| ids.iter().any(Option::is_some))
            {
                errors.add("offices", "user-affiliated-no-offices");
            }
            // Not even national: such a user reaches no office's people.
            grants.iter_mut().for_each(|(_, ids)| ids.clear());
            let id = affiliation.parse::<Uuid>().ok();
            if id.is_none() {
                errors.add("affiliation", "user-affiliation-required");
            }
            id
        }
        _ => {
            if !affiliation.is_empty() {
                errors.add("affiliation", "user-affiliation-not-allowed");
            }
            None
        }
    };
    if let Some(role) = role.filter(|r| !r.is_affiliated()) {
        let any_national = grants.iter().any(|(_, ids)| ids.contains(&None));
        let capture_empty = grants
            .iter()
            .any(|(k, ids)| *k == ScopeKind::Capture && ids.is_empty());
        if any_national && !role.may_be_national() {
            errors.add("offices", "user-national-not-allowed");
        } else if capture_empty && !role.may_be_national() {
            errors.add("offices", "user-office-required");
        }
    }
    errors.into_result()?;
    Ok(ParsedUser {
        username,
        full_name,
        email,
        role: role.unwrap_or(Role::Analyst),
        grants,
        affiliation,
    })
}

/// Creates a user with a password; returns its id.
pub async fn create_user(
    db: &Db,
    ctx: &AuditCtx,
    actor: &Access,
    input: &UserInput,
    new_password: &str,
) -> Result<Uuid, AccessError> {
    let password_hash = password::hash_blocking(new_password).await?;
    let tx = db::begin_write(db).await?;
    let parsed = parse_user(&tx, actor, input).await?;
    if let Err(e) = password::check_policy(new_password, &parsed.username) {
        return Err(FieldErrors::one("password", e.key()).into());
    }
    if store::find_user_by_username(&tx, &parsed.username)
        .await?
        .is_some()
    {
        return Err(FieldErrors::one("username", "user-username-taken").into());
    }
    let now = Utc::now();
    let id = Uuid::now_v7();
    let model = user::ActiveModel {
        id: Set(id),
        username: Set(parsed.username),
        full_name: Set(parsed.full_name),
        email: Set(parsed.email),
        role: Set(parsed.role.as_str().to_owned()),
        active: Set(true),
        password_hash: Set(password_hash),
        totp_secret: Set(None),
        totp_enabled: Set(false),
        totp_last_step: Set(None),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        affiliation_id: Set(parsed.affiliation),
    }
    .insert(&tx)
    .await?;
    for (kind, ids) in &parsed.grants {
        store::replace_grants(&tx, id, *kind, ids).await?;
    }
    let scopes = store::user_grants(&tx, id).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("user.create", "user", id).after(serde_json::json!({
            "user": snapshot(&model),
            "scopes": grants_json(&scopes),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn grants_json(
    grants: &[(String, Option<crate::territory::entity::office::Model>)],
) -> serde_json::Value {
    grants
        .iter()
        .map(|(k, o)| serde_json::json!({"kind": k, "office": o.as_ref().map(|o| o.code.clone())}))
        .collect()
}

/// Updates name, e-mail, role and scopes of a user.
pub async fn update_user(
    db: &Db,
    ctx: &AuditCtx,
    actor: &Access,
    id: Uuid,
    input: &UserInput,
) -> Result<(), AccessError> {
    let tx = db::begin_write(db).await?;
    let current = managed_user(&tx, actor, id).await?;
    let input = UserInput {
        username: current.username.clone(),
        ..input.clone()
    };
    let parsed = parse_user(&tx, actor, &input).await?;
    let before_scopes = store::user_grants(&tx, id).await?;
    let before =
        serde_json::json!({"user": snapshot(&current), "scopes": grants_json(&before_scopes)});
    let mut active = current.into_active_model();
    active.full_name = Set(parsed.full_name);
    active.email = Set(parsed.email);
    active.role = Set(parsed.role.as_str().to_owned());
    active.affiliation_id = Set(parsed.affiliation);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&tx).await?;
    for (kind, ids) in &parsed.grants {
        store::replace_grants(&tx, id, *kind, ids).await?;
    }
    let after_scopes = store::user_grants(&tx, id).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("user.update", "user", id).before(before).after(
            serde_json::json!({"user": snapshot(&updated), "scopes": grants_json(&after_scopes)}),
        ),
    )
    .await?;
    tx.commit().await?;
    session::forget_user(id);
    Ok(())
}

/// Disables or re-enables a user; disabling ends their sessions and revokes their API
/// tokens in the same transaction.
pub async fn set_active(
    db: &Db,
    ctx: &AuditCtx,
    actor: &Access,
    id: Uuid,
    active_flag: bool,
) -> Result<(), AccessError> {
    let tx = db::begin_write(db).await?;
    let current = managed_user(&tx, actor, id).await?;
    let before = serde_json::to_value(snapshot(&current)).unwrap_or_default();
    let mut active = current.into_active_model();
    active.active = Set(active_flag);
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&tx).await?;
    if !active_flag {
        session::delete_for_user(&tx, id).await?;
        revoke_all_tokens(&tx, ctx, id).await?;
    }
    let action = if active_flag {
        "user.enable"
    } else {
        "user.disable"
    };
    audit::record(
        &tx,
        ctx,
        Change::new(action, "user", id)
            .before(before)
            .after(snapshot(&updated)),
    )
    .await?;
    tx.commit().await?;
    session::forget_user(id);
    Ok(())
}

/// Sets a new password (admin reset or CLI); ends the user's sessions, revokes their
/// API tokens and unlocks them, in one transaction.
pub async fn set_password(
    db: &Db,
    ctx: &AuditCtx,
    actor: &Access,
    id: Uuid,
    new_password: &str,
) -> Result<(), AccessError> {
    let password_hash = password::hash_blocking(new_password).await?;
    let tx = db::begin_write(db).await?;
    let current = managed_user(&tx, actor, id).await?;
    if let Err(e) = password::check_policy(new_password, &current.username) {
        return Err(FieldErrors::one("password", e.key()).into());
    }
    let mut active = current.into_active_model();
    active.password_hash = Set(password_hash);
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    active.updated_at = Set(Utc::now());
    active.update(&tx).await?;
    session::delete_for_user(&tx, id).await?;
    revoke_all_tokens(&tx, ctx, id).await?;
    audit::record(&tx, ctx, Change::new("user.password_reset", "user", id)).await?;
    tx.commit().await?;
    session::forget_user(id);
    Ok(())
}

/// Changes one's own password after checking the current one; keeps this session.
pub async fn change_own_password(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    keep_session: &str,
    current_password: &str,
    new_password: &str,
) -> Result<(), AccessError> {
    let current = store::find_user(db, id)
        .await?
        .ok_or(AccessError::NotFound)?;
    if !password::verify_blocking(current_password, &current.password_hash).await? {
        return Err(FieldErrors::one("current_password", "password-current-wrong").into());
    }
    if let Err(e) = password::check_policy(new_password, &current.username) {
        return Err(FieldErrors::one("new_password", e.key()).into());
    }
    let password_hash = password::hash_blocking(new_password).await?;
    let tx = db::begin_write(db).await?;
    let current = store::find_user(&tx, id)
        .await?
        .ok_or(AccessError::NotFound)?;
    let mut active = current.into_active_model();
    active.password_hash = Set(password_hash);
    active.updated_at = Set(Utc::now());
    active.update(&tx).await?;
    // Other sessions (another browser, a stolen cookie) end with the old password.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    super::entity::session::Entity::delete_many()
        .filter(super::entity::session::Column::UserId.eq(id))
        .filter(super::entity::session::Column::Id.ne(keep_session))
        .exec(&tx)
        .await?;
    audit::record(&tx, ctx, Change::new("user.password_change", "user", id)).await?;
    tx.commit().await?;
    session::forget_user(id);
    Ok(())
}

/// What a login attempt gave.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Password right; the cookie value of the new session. `second_factor` when a TOTP code is due.
    Success {
        /// Cookie value.
        cookie: String,
        /// TOTP code still due.
        second_factor: bool,
    },
    /// Wrong username or password, a disabled user or a locked account: one answer for
    /// all, so it never tells which usernames exist (the audit says which it was).
    Refused,
}

/// Checks a password, counts failures (atomically, in the database), locks after
/// `MAX_FAILED_LOGINS`, and opens a new session.
pub async fn login(
    db: &Db,
    ctx: &AuditCtx,
    username: &str,
    password_given: &str,
    user_agent: Option<String>,
) -> Result<LoginOutcome, AccessError> {
    let username = username.trim().to_lowercase();
    let Some(u) = store::find_user_by_username(db, &username).await? else {
        password::dummy_verify_blocking(password_given).await?;
        let tx = db::begin_write(db).await?;
        let ctx = AuditCtx {
            actor_name: username.chars().take(40).collect(),
            ..ctx.clone()
        };
        audit::record(
            &tx,
            &ctx,
            Change {
                entity_id: None,
                ..Change::new("user.login_failed", "user", "")
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(LoginOutcome::Refused);
    };
    let now = Utc::now();
    let ctx = AuditCtx {
        actor_id: Some(u.id),
        actor_name: u.username.clone(),
        ..ctx.clone()
    };
    if u.locked_until.is_some_and(|t| t > now) {
        password::dummy_verify_blocking(password_given).await?;
        let tx = db::begin_write(db).await?;
        audit::record(
            &tx,
            &ctx,
            Change::new("user.login_refused_locked", "user", u.id),
        )
        .await?;
        tx.commit().await?;
        return Ok(LoginOutcome::Refused);
    }
    let ok = password::verify_blocking(password_given, &u.password_hash).await? && u.active;
    let id = u.id;
    let totp = u.totp_enabled;
    let tx = db::begin_write(db).await?;
    if !ok {
        // Counted in the database, not from the value read above: parallel guesses each
        // count. The update takes the row's write lock until the commit.
        user::Entity::update_many()
            .col_expr(
                user::Column::FailedLogins,
                Expr::col(user::Column::FailedLogins).add(1),
            )
            .filter(user::Column::Id.eq(id))
            .exec(&tx)
            .await?;
        let failures = store::find_user(&tx, id)
            .await?
            .map_or(MAX_FAILED_LOGINS, |u| u.failed_logins);
        audit::record(&tx, &ctx, Change::new("user.login_failed", "user", id)).await?;
        if failures >= MAX_FAILED_LOGINS {
            user::Entity::update_many()
                .col_expr(user::Column::FailedLogins, Expr::value(0))
                .col_expr(
                    user::Column::LockedUntil,
                    Expr::value(now + Duration::minutes(LOCKOUT_MINUTES)),
                )
                .filter(user::Column::Id.eq(id))
                .exec(&tx)
                .await?;
            audit::record(
                &tx,
                &ctx,
                Change::new("user.locked", "user", id)
                    .after(serde_json::json!({"minutes": LOCKOUT_MINUTES, "failures": failures})),
            )
            .await?;
        }
        tx.commit().await?;
        return Ok(LoginOutcome::Refused);
    }
    // The lock is checked again where it is written: guesses sent in parallel with the
    // right password may have locked the account since it was read above. The update
    // waits for their row locks and matches nothing if the account is now locked.
    let mut unlock = user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        );
    if !totp {
        unlock = unlock.col_expr(user::Column::LastLoginAt, Expr::value(Some(now)));
    }
    let unlocked = unlock
        .filter(user::Column::Id.eq(id))
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::LockedUntil.is_null())
                .add(user::Column::LockedUntil.lte(now)),
        )
        .exec(&tx)
        .await?;
    if unlocked.rows_affected == 0 {
        audit::record(
            &tx,
            &ctx,
            Change::new("user.login_refused_locked", "user", id),
        )
        .await?;
        tx.commit().await?;
        return Ok(LoginOutcome::Refused);
    }
    let cookie = session::create(&tx, id, totp, ctx.ip.clone(), user_agent).await?;
    let action = if totp {
        "user.login_password_ok"
    } else {
        "user.login"
    };
    audit::record(&tx, &ctx, Change::new(action, "user", id)).await?;
    tx.commit().await?;
    Ok(LoginOutcome::Success {
        cookie,
        second_factor: totp,
    })
}

/// Wrong codes a pending login may give before it ends.
pub const MAX_SECOND_FACTOR_FAILURES: i32 = 5;

/// What a second-factor code gave.
#[derive(Debug)]
pub enum SecondFactorOutcome {
    /// Logged in: the cookie value of the new session.
    Success(String),
    /// Wrong (or already used) code; the pending login goes on.
    Wrong,
    /// Too many wrong codes: the pending login has ended; start again with the password.
    Ended,
}

/// Accepts a code once: records its time step if it is newer than the last one
/// accepted (a conditional update, so two requests with the same code cannot both win).
async fn claim_step(conn: &impl ConnectionTrait, user_id: Uuid, step: u64) -> Result<bool, DbErr> {
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let res = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, Expr::value(step))
        .filter(user::Column::Id.eq(user_id))
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::TotpLastStep.is_null())
                .add(user::Column::TotpLastStep.lt(step)),
        )
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Completes a login with a TOTP code: the pending session is replaced by a new one.
/// A code is accepted once; after `MAX_SECOND_FACTOR_FAILURES` wrong codes the pending
/// session ends.
pub async fn verify_second_factor(
    db: &Db,
    ctx: &AuditCtx,
    pending_session: &str,
    user_id: Uuid,
    code: &str,
    user_agent: Option<String>,
) -> Result<SecondFactorOutcome, AccessError> {
    let u = store::find_user(db, user_id)
        .await?
        .ok_or(AccessError::NotFound)?;
    let ctx = AuditCtx {
        actor_id: Some(u.id),
        actor_name: u.username.clone(),
        ..ctx.clone()
    };
    let step = u
        .totp_secret
        .as_deref()
        .and_then(|s| super::totp::check(s, &u.username, code));
    let tx = db::begin_write(db).await?;
    let accepted = match step {
        Some(step) => claim_step(&tx, u.id, step).await?,
        None => false,
    };
    if !accepted {
        let failures = session::count_second_factor_failure(&tx, pending_session).await?;
        let reason = if step.is_some() { "replayed" } else { "wrong" };
        audit::record(
            &tx,
            &ctx,
            Change::new("user.totp_failed", "user", u.id)
                .after(serde_json::json!({"reason": reason, "failures": failures})),
        )
        .await?;
        if failures >= MAX_SECOND_FACTOR_FAILURES {
            session::delete_by_id(&tx, pending_session).await?;
            audit::record(
                &tx,
                &ctx,
                Change::new("user.totp_login_ended", "user", u.id)
                    .after(serde_json::json!({"failures": failures})),
            )
            .await?;
            tx.commit().await?;
            return Ok(SecondFactorOutcome::Ended);
        }
        tx.commit().await?;
        return Ok(SecondFactorOutcome::Wrong);
    }
    session::delete_by_id(&tx, pending_session).await?;
    let cookie = session::create(&tx, u.id, false, ctx.ip.clone(), user_agent).await?;
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(u.id))
        .exec(&tx)
        .await?;
    audit::record(&tx, &ctx, Change::new("user.login", "user", u.id)).await?;
    tx.commit().await?;
    Ok(SecondFactorOutcome::Success(cookie))
}

/// Ends a session (logout).
pub async fn logout(
    db: &Db,
    ctx: &AuditCtx,
    session_id: &str,
    user_id: Uuid,
) -> Result<(), AccessError> {
    let tx = db::begin_write(db).await?;
    session::delete_by_id(&tx, session_id).await?;
    audit::record(&tx, ctx, Change::new("user.logout", "user", user_id)).await?;
    tx.commit().await?;
    session::forget_session(session_id);
    Ok(())
}

/// Checks the user's current password (second-factor changes ask for it).
async fn check_current_password(u: &user::Model, given: &str) -> Result<(), AccessError> {
    if password::verify_blocking(given, &u.password_hash).await? {
        Ok(())
    } else {
        Err(FieldErrors::one("current_password", "password-current-wrong").into())
    }
}

/// Starts TOTP enrolment after checking the current password: stores a new secret (not
/// yet required; an enrolled second factor is off until the new one is confirmed).
pub async fn start_totp(
    db: &Db,
    ctx: &AuditCtx,
    user_id: Uuid,
    current_password: &str,
) -> Result<String, AccessError> {
    let u = store::find_user(db, user_id)
        .await?
        .ok_or(AccessError::NotFound)?;
    check_current_password(&u, current_password).await?;
    let tx = db::begin_write(db).await?;
    let u = store::find_user(&tx, user_id)
        .await?
        .ok_or(AccessError::NotFound)?;
    let was_enabled = u.totp_enabled;
    let secret = super::totp::new_secret();
    let mut active = u.into_active_model();
    active.totp_secret = Set(Some(secret.clone()));
    active.totp_enabled = Set(false);
    active.totp_last_step = Set(None);
    active.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("user.totp_enrolment_started", "user", user_id)
            .after(serde_json::json!({"replaces_enabled_factor": was_enabled})),
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// Confirms enrolment with a first valid code; from then on logins ask for a code.
pub async fn confirm_totp(
    db: &Db,
    ctx: &AuditCtx,
    user_id: Uuid,
    code: &str,
) -> Result<(), AccessError> {
    let tx = db::begin_write(db).await?;
    let u = store::find_user(&tx, user_id)
        .await?
        .ok_or(AccessError::NotFound)?;
    let step = u
        .totp_secret
        .as_deref()
        .and_then(|s| super::totp::check(s, &u.username, code));
    let accepted = match step {
        Some(step) => claim_step(&tx, user_id, step).await?,
        None => false,
    };
    if !accepted {
        return Err(FieldErrors::one("code", "totp-code-wrong").into());
    }
    user::Entity::update_many()
        .col_expr(user::Column::TotpEnabled, Expr::value(true))
        .filter(user::Column::Id.eq(user_id))
        .exec(&tx)
        .await?;
    audit::record(&tx, ctx, Change::new("user.totp_enabled", "user", user_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Turns one's own second factor off, after checking the current password.
pub async fn disable_own_totp(
    db: &Db,
    ctx: &AuditCtx,
    user_id: Uuid,
    current_password: &str,
) -> Result<(), AccessError> {
    let u = store::find_user(db, user_id)
        .await?
        .ok_or(AccessError::NotFound)?;
    check_current_password(&u, current_password).await?;
    let tx = db::begin_write(db).await?;
    turn_totp_off(&tx, ctx, user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// An admin turns a user's second factor off (the user lost their device).
pub async fn disable_totp(
    db: &Db,
    ctx: &AuditCtx,
    actor: &Access,
    user_id: Uuid,
) -> Result<(), AccessError> {
    let tx = db::begin_write(db).await?;
    managed_user(&tx, actor, user_id).await?;
    turn_totp_off(&tx, ctx, user_id).await?;
    tx.commit().await?;
    Ok(())
}

async fn turn_totp_off(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    user_id: Uuid,
) -> Result<(), AccessError> {
    user::Entity::update_many()
        .col_expr(user::Column::TotpEnabled, Expr::value(false))
        .col_expr(
            user::Column::TotpSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(user::Column::TotpLastStep, Expr::value(Option::<i64>::None))
        .filter(user::Column::Id.eq(user_id))
        .exec(tx)
        .await?;
    audit::record(tx, ctx, Change::new("user.totp_disabled", "user", user_id)).await?;
    Ok(())
}

/// How long API tokens live (from the configuration).
#[derive(Debug, Clone, Copy)]
pub struct TokenLife {
    /// Days when the creator does not say.
    pub default_days: i64,
    /// The most days a token may be given.
    pub max_days: i64,
}

impl TokenLife {
    /// The configured lifetimes.
    pub fn of(config: &crate::config::Config) -> Self {
        Self {
            default_days: config.token_default_days,
            max_days: config.token_max_days,
        }
    }
}

/// Creates an API token for a user and returns the secret (shown once, stored hashed).
/// `days` is its life as typed (empty: the default), at most `life.max_days`.
pub async fn create_token(
    db: &Db,
    ctx: &AuditCtx,
    user_id: Uuid,
    name: &str,
    days: &str,
    life: TokenLife,
) -> Result<String, AccessError> {
    let mut errors = FieldErrors::new();
    let name = validation::text(&mut errors, "name", name, true, 80);
    let days = match validation::whole_number(&mut errors, "days", days, life.max_days) {
        Some(0) => {
            errors.add("days", "tokens-days-invalid");
            life.default_days
        }
        Some(d) => d,
        None if errors.0.iter().any(|e| e.field == "days") => {
            // Replace the generic number message with one that says the range.
            errors.0.retain(|e| e.field != "days");
            errors.add("days", "tokens-days-invalid");
            life.default_days
        }
        None => life.default_days,
    };
    errors.into_result()?;
    let tx = db::begin_write(db).await?;
    let u = store::find_user(&tx, user_id)
        .await?
        .ok_or(AccessError::NotFound)?;
    if !u.active {
        return Err(FieldErrors::one("username", "user-disabled").into());
    }
    let secret = format!("sipe_{}", session::new_secret());
    let id = Uuid::now_v7();
    let now = Utc::now();
    let expires_at = now + Duration::days(days);
    api_token::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        name: Set(name.clone()),
        token_hash: Set(session::digest(&secret)),
        prefix: Set(secret.chars().take(12).collect()),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        expires_at: Set(Some(expires_at)),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("api_token.create", "api_token", id)
            .after(serde_json::json!({"user": u.username, "name": name, "expires_at": expires_at})),
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// Revokes every live token of a user (disable, password reset), in the caller's
/// transaction; the cache forgets them when the caller calls `session::forget_user`.
async fn revoke_all_tokens(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    user_id: Uuid,
) -> Result<(), DbErr> {
    let res = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(tx)
        .await?;
    if res.rows_affected > 0 {
        audit::record(
            tx,
            ctx,
            Change::new("api_token.revoke_all", "user", user_id)
                .after(serde_json::json!({"tokens": res.rows_affected})),
        )
        .await?;
    }
    Ok(())
}

/// Revokes a token. With `owner`, only a token of that user may be revoked.
pub async fn revoke_token(
    db: &Db,
    ctx: &AuditCtx,
    actor: &Access,
    token_id: Uuid,
    owner: Option<Uuid>,
) -> Result<(), AccessError> {
    use sea_orm::EntityTrait;
    let tx = db::begin_write(db).await?;
    let token = api_token::Entity::find_by_id(token_id)
        .one(&tx)
        .await?
        .ok_or(AccessError::NotFound)?;
    match owner {
        Some(o) if o != token.user_id => return Err(AccessError::NotFound),
        Some(_) => {}
        None => {
            managed_user(&tx, actor, token.user_id).await?;
        }
    }
    if token.revoked_at.is_none() {
        let mut active = token.into_active_model();
        active.revoked_at = Set(Some(Utc::now()));
        active.update(&tx).await?;
        audit::record(
            &tx,
            ctx,
            Change::new("api_token.revoke", "api_token", token_id),
        )
        .await?;
    }
    tx.commit().await?;
    session::forget_token(token_id);
    Ok(())
}

/// Resolves a bearer token to its owner's access; records the use (at most once a minute).
///
/// Resolved tokens are reused for `session::CACHE_TTL` on this node (revoking a token or
/// changing its user forgets them here; other nodes follow within that time).
pub async fn authenticate_token(db: &Db, secret: &str) -> Result<Option<super::Access>, DbErr> {
    let digest = session::digest(secret);
    if let Some((_, _, access, expires_at)) = session::TOKEN_CACHE.get(&digest)
        && expires_at > Utc::now()
    {
        return Ok(Some((*access).clone()));
    }
    let Some(token) = store::find_live_token(db, &digest, Utc::now()).await? else {
        return Ok(None);
    };
    let token_id = token.id;
    let expires_at = token.expires_at.unwrap_or_default();
    let Some(u) = store::find_user(db, token.user_id).await? else {
        return Ok(None);
    };
    if !u.active {
        return Ok(None);
    }
    let now = Utc::now();
    if token
        .last_used_at
        .is_none_or(|t| now - t > Duration::seconds(60))
    {
        let mut active = token.into_active_model();
        active.last_used_at = Set(Some(now));
        active.update(db).await?;
    }
    let access = store::load_access(db, &u).await?;
    session::TOKEN_CACHE.insert(
        digest,
        (
            u.id,
            token_id,
            std::sync::Arc::new(access.clone()),
            expires_at,
        ),
    );
    Ok(Some(access))
}

impl crate::failure::UseCaseError for AccessError {
    fn failure(self) -> crate::failure::Failure {
        use crate::failure::Failure;
        match self {
            AccessError::Invalid(f) => Failure::Invalid(f),
            AccessError::NotFound => Failure::NotFound,
            AccessError::Store(s) => Failure::Store(s),
            AccessError::Other(e) => Failure::Internal(e),
        }
    }
}
