//! Users: what an admin enters, who they may administer, and the use cases that create,
//! change, disable and re-password them.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};
use serde::Serialize;
use uuid::Uuid;

use crate::access::entity::user;
use crate::access::password;
use crate::access::roles::Role;
use crate::access::scope::{Access, ScopeKind};
use crate::access::{session, store};
use crate::audit::{self, AuditCtx, Change};
use crate::db::{self, Db};
use crate::territory;
use crate::territory::entity::office;
use crate::validation::{self, FieldErrors};

use super::AccessError;
use super::tokens::revoke_all_tokens;

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
    crate::access::entity::session::Entity::delete_many()
        .filter(crate::access::entity::session::Column::UserId.eq(id))
        .filter(crate::access::entity::session::Column::Id.ne(keep_session))
        .exec(&tx)
        .await?;
    audit::record(&tx, ctx, Change::new("user.password_change", "user", id)).await?;
    tx.commit().await?;
    session::forget_user(id);
    Ok(())
}
