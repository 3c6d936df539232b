//! API tokens: created with a bounded life, revoked one by one or all at once, and
//! turned into an `Access` on each request.

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};
use uuid::Uuid;

use crate::access::entity::api_token;
use crate::access::scope::Access;
use crate::access::{session, store};
use crate::audit::{self, AuditCtx, Change};
use crate::db::{self, Db};
use crate::validation::{self, FieldErrors};

use super::AccessError;
use super::users::managed_user;

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
pub(super) async fn revoke_all_tokens(
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
pub async fn authenticate_token(
    db: &Db,
    secret: &str,
) -> Result<Option<crate::access::Access>, DbErr> {
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
