//! Logging in: the password with its lockout, the second factor (TOTP) and its
//! enrolment, and logging out.

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};
use uuid::Uuid;

use crate::access::entity::user;
use crate::access::password;
use crate::access::scope::Access;
use crate::access::{session, store};
use crate::audit::{self, AuditCtx, Change};
use crate::db::{self, Db};
use crate::validation::FieldErrors;

use super::AccessError;
use super::users::managed_user;

/// Failed logins before the account locks.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;

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
        .and_then(|s| crate::access::totp::check(s, &u.username, code));
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
pub(super) async fn check_current_password(
    u: &user::Model,
    given: &str,
) -> Result<(), AccessError> {
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
    let secret = crate::access::totp::new_secret();
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
        .and_then(|s| crate::access::totp::check(s, &u.username, code));
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
