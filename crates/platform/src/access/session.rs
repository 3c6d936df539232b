//! Server-side sessions in our own database. The cookie holds a random secret; the
//! table holds only its SHA-256, so a leaked database dump yields no usable session.
//! Sessions end after `session_idle_minutes` without requests or
//! `session_absolute_hours` after login, whichever comes first.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::entity::{session, user};
use super::scope::Access;
use super::store;
use crate::cache::TtlCache;
use crate::config::Config;
use crate::db::Db;

/// A random URL-safe secret of 32 bytes.
pub fn new_secret() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a secret, hex: what the tables store for sessions and API tokens.
pub fn digest(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

/// Creates a session and returns the cookie value. Any session the browser held before
/// is deleted by the caller, so the id always changes at login.
pub async fn create(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    second_factor_pending: bool,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<String, sea_orm::DbErr> {
    let secret = new_secret();
    let now = Utc::now();
    session::ActiveModel {
        id: Set(digest(&secret)),
        user_id: Set(user_id),
        csrf_token: Set(new_secret()),
        second_factor_pending: Set(second_factor_pending),
        second_factor_failures: Set(0),
        created_at: Set(now),
        last_seen_at: Set(now),
        ip: Set(ip),
        user_agent: Set(user_agent.map(|ua| ua.chars().take(200).collect())),
    }
    .insert(conn)
    .await?;
    Ok(secret)
}

/// Counts one wrong second-factor code on a pending session (atomically) and returns
/// the count.
pub async fn count_second_factor_failure(
    conn: &impl ConnectionTrait,
    id: &str,
) -> Result<i32, sea_orm::DbErr> {
    session::Entity::update_many()
        .col_expr(
            session::Column::SecondFactorFailures,
            sea_orm::sea_query::ExprTrait::add(
                sea_orm::sea_query::Expr::col(session::Column::SecondFactorFailures),
                1,
            ),
        )
        .filter(session::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(session::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .map_or(i32::MAX, |s| s.second_factor_failures))
}

/// Deletes the session with this cookie value (logout).
pub async fn delete(conn: &impl ConnectionTrait, cookie_value: &str) -> Result<(), sea_orm::DbErr> {
    session::Entity::delete_by_id(digest(cookie_value))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes a session by its stored id.
pub async fn delete_by_id(conn: &impl ConnectionTrait, id: &str) -> Result<(), sea_orm::DbErr> {
    forget_session(id);
    session::Entity::delete_by_id(id.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user (password reset, disable).
pub async fn delete_for_user(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<(), sea_orm::DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes sessions past either timeout; returns how many.
pub async fn purge_expired(
    conn: &impl ConnectionTrait,
    config: &Config,
) -> Result<u64, sea_orm::DbErr> {
    let now = Utc::now();
    let res = session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(
                    session::Column::LastSeenAt
                        .lt(now - Duration::minutes(config.session_idle_minutes)),
                )
                .add(
                    session::Column::CreatedAt
                        .lt(now - Duration::hours(config.session_absolute_hours)),
                ),
        )
        .exec(conn)
        .await?;
    Ok(res.rows_affected)
}

/// What a session cookie resolves to.
#[derive(Debug)]
pub enum Resolved {
    /// Logged in.
    Complete {
        /// Role and scopes.
        access: std::sync::Arc<Access>,
        /// Session row id.
        session_id: std::sync::Arc<str>,
        /// Form token.
        csrf_token: std::sync::Arc<str>,
    },
    /// Password accepted, second factor due.
    Pending {
        /// The user.
        user_id: Uuid,
        /// Session row id.
        session_id: String,
        /// Form token.
        csrf_token: String,
    },
}

/// Resolved complete sessions, for a few seconds: most requests then need no query.
/// Changes to a user (disable, password, role, scopes) and logouts remove their entries
/// on this node; other nodes see such changes within `CACHE_TTL`.
static CACHE: std::sync::LazyLock<TtlCache<String, Cached>> =
    std::sync::LazyLock::new(|| TtlCache::new(CACHE_TTL, 100_000));

/// How long a resolved session is reused without asking the database.
pub const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Clone)]
struct Cached {
    user_id: Uuid,
    access: std::sync::Arc<Access>,
    session_id: std::sync::Arc<str>,
    csrf_token: std::sync::Arc<str>,
    created_at: chrono::DateTime<Utc>,
}

/// A resolved API token: its user, its id, the access it grants and its expiry.
pub(crate) type CachedToken = (
    Uuid,
    Uuid,
    std::sync::Arc<Access>,
    chrono::DateTime<chrono::Utc>,
);

/// Resolved API tokens, for a few seconds, like sessions (keyed by the token's digest).
pub(crate) static TOKEN_CACHE: std::sync::LazyLock<TtlCache<String, CachedToken>> =
    std::sync::LazyLock::new(|| TtlCache::new(CACHE_TTL, 10_000));

/// Forgets the cached sessions and tokens of a user (after a change to the user commits).
pub fn forget_user(user_id: Uuid) {
    CACHE.remove_where(|c| c.user_id == user_id);
    TOKEN_CACHE.remove_where(|(user, _, _, _)| *user == user_id);
}

/// Forgets a cached token (after it is revoked).
pub fn forget_token(token_id: Uuid) {
    TOKEN_CACHE.remove_where(|(_, id, _, _)| *id == token_id);
}

/// Forgets every cached session (tests that edit sessions in the database directly).
pub fn forget_all() {
    CACHE.remove_where(|_| true);
    TOKEN_CACHE.remove_where(|_| true);
}

/// Forgets one cached session (after logout).
pub fn forget_session(session_id: &str) {
    CACHE.remove(&session_id.to_owned());
}

/// Is this session still good (not logged out, not expired, its user active and past
/// the second factor)? For long-lived streams, which hold a page open without requests.
pub async fn still_live(
    conn: &impl ConnectionTrait,
    config: &Config,
    session_id: &str,
) -> Result<bool, sea_orm::DbErr> {
    let Some(s) = session::Entity::find_by_id(session_id.to_owned())
        .one(conn)
        .await?
    else {
        return Ok(false);
    };
    let now = Utc::now();
    if s.second_factor_pending
        || s.last_seen_at < now - Duration::minutes(config.session_idle_minutes)
        || s.created_at < now - Duration::hours(config.session_absolute_hours)
    {
        return Ok(false);
    }
    Ok(user::Entity::find_by_id(s.user_id)
        .one(conn)
        .await?
        .is_some_and(|u| u.active))
}

/// Looks a cookie up, enforcing both timeouts and the user's active flag.
pub async fn resolve(
    db: &Db,
    config: &Config,
    cookie_value: &str,
) -> Result<Option<Resolved>, sea_orm::DbErr> {
    let id = digest(cookie_value);
    if let Some(c) = CACHE.get(&id)
        && c.created_at >= Utc::now() - Duration::hours(config.session_absolute_hours)
    {
        return Ok(Some(Resolved::Complete {
            access: c.access,
            session_id: c.session_id,
            csrf_token: c.csrf_token,
        }));
    }
    let Some(s) = session::Entity::find_by_id(id.clone()).one(db).await? else {
        return Ok(None);
    };
    let Some(u) = user::Entity::find_by_id(s.user_id).one(db).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let idle_expired = s.last_seen_at < now - Duration::minutes(config.session_idle_minutes);
    let absolute_expired = s.created_at < now - Duration::hours(config.session_absolute_hours);
    if idle_expired || absolute_expired || !u.active {
        delete_by_id(db, &id).await?;
        return Ok(None);
    }
    // One write a minute at most per session keeps the idle clock without a write per request.
    if now - s.last_seen_at > Duration::seconds(60) {
        session::Entity::update_many()
            .col_expr(
                session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(session::Column::Id.eq(id.clone()))
            .exec(db)
            .await?;
    }
    if s.second_factor_pending {
        return Ok(Some(Resolved::Pending {
            user_id: u.id,
            session_id: s.id,
            csrf_token: s.csrf_token,
        }));
    }
    let access = std::sync::Arc::new(store::load_access(db, &u).await?);
    let session_id: std::sync::Arc<str> = s.id.into();
    let csrf_token: std::sync::Arc<str> = s.csrf_token.into();
    CACHE.insert(
        id,
        Cached {
            user_id: u.id,
            access: access.clone(),
            session_id: session_id.clone(),
            csrf_token: csrf_token.clone(),
            created_at: s.created_at,
        },
    );
    Ok(Some(Resolved::Complete {
        access,
        session_id,
        csrf_token,
    }))
}
