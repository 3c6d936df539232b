//! Every query of the access module.

use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::entity::{api_token, user, user_scope};
use super::roles::Role;
use super::scope::{Access, Actor, Scope, ScopeKind, ScopedOffice};
use crate::territory::entity::office;
use crate::web::table::Pager;

/// Builds the `Access` of a user from their role and scope grants.
pub async fn load_access(conn: &impl ConnectionTrait, u: &user::Model) -> Result<Access, DbErr> {
    let grants = user_scope::Entity::find()
        .filter(user_scope::Column::UserId.eq(u.id))
        .all(conn)
        .await?;
    let office_ids: Vec<Uuid> = grants.iter().filter_map(|g| g.office_id).collect();
    let offices = if office_ids.is_empty() {
        Vec::new()
    } else {
        office::Entity::find()
            .filter(office::Column::Id.is_in(office_ids))
            .all(conn)
            .await?
    };
    let scope_of = |kind: ScopeKind| {
        let mine: Vec<_> = grants.iter().filter(|g| g.kind == kind.as_str()).collect();
        if mine.iter().any(|g| g.office_id.is_none()) {
            return Scope::National;
        }
        // One entry per office, and none below another entry (its subtree is covered):
        // every entry becomes a condition of each query the user makes.
        let mut list: Vec<ScopedOffice> = mine
            .iter()
            .filter_map(|g| offices.iter().find(|o| Some(o.id) == g.office_id))
            .map(|o| ScopedOffice {
                id: o.id,
                code: o.code.clone(),
                path: o.path.clone(),
            })
            .collect();
        list.sort_by(|a, b| a.path.cmp(&b.path));
        let mut kept: Vec<ScopedOffice> = Vec::with_capacity(list.len());
        for o in list {
            if !kept.iter().any(|k| o.path.starts_with(&k.path)) {
                kept.push(o);
            }
        }
        Scope::Offices(kept)
    };
    let role = Role::parse(&u.role).unwrap_or(Role::Analyst);
    // An affiliated user reaches no office's people: whatever grants the table holds.
    let affiliated = role.is_affiliated();
    let scope = |kind| {
        if affiliated {
            Scope::Offices(Vec::new())
        } else {
            scope_of(kind)
        }
    };
    Ok(Access {
        actor: Actor {
            user_id: u.id,
            username: u.username.clone(),
            full_name: u.full_name.clone(),
        },
        // An unknown role in the database (edited by hand) gets the least privileged role.
        role,
        capture: scope(ScopeKind::Capture),
        view: scope(ScopeKind::View),
        search: scope(ScopeKind::Search),
        // Without an affiliation an affiliated role reaches nothing at all.
        affiliation: if affiliated {
            Some(u.affiliation_id.unwrap_or(Uuid::nil()))
        } else {
            None
        },
    })
}

/// A user by login name (case-insensitive: names are stored lowercase).
pub async fn find_user_by_username(
    conn: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Username.eq(username.trim().to_lowercase()))
        .one(conn)
        .await
}

/// A user by id.
pub async fn find_user(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(conn).await
}

/// Filters of the users list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Text in username, name or e-mail.
    pub q: String,
    /// Only this role.
    pub role: Option<Role>,
    /// Only active (`Some(true)`) or disabled (`Some(false)`) users.
    pub active: Option<bool>,
}

/// Users an admin may administer: everyone for a national admin; otherwise those with
/// at least one grant and every grant on an office within the admin's capture scope
/// (the same rule as `service::manages`, in SQL).
fn managed_by(actor: &Access) -> Condition {
    if actor.capture.is_national() {
        return Condition::all();
    }
    let within = Query::select()
        .column(office::Column::Id)
        .from(office::Entity)
        .cond_where(actor.capture.office_rows())
        .take();
    let outside = Query::select()
        .column(user_scope::Column::UserId)
        .from(user_scope::Entity)
        .cond_where(
            Condition::any()
                .add(user_scope::Column::OfficeId.is_null())
                .add(user_scope::Column::OfficeId.not_in_subquery(within)),
        )
        .take();
    let granted = Query::select()
        .column(user_scope::Column::UserId)
        .from(user_scope::Entity)
        .take();
    Condition::all()
        .add(user::Column::Id.in_subquery(granted))
        .add(user::Column::Id.not_in_subquery(outside))
}

/// One page of the users `actor` may administer, with the total.
pub async fn list_users(
    conn: &impl ConnectionTrait,
    actor: &Access,
    filter: &UserFilter,
    pager: &Pager,
) -> Result<(Vec<user::Model>, u64), DbErr> {
    let mut cond = managed_by(actor);
    if !filter.q.is_empty() {
        let like = format!("%{}%", filter.q.to_lowercase());
        cond = cond.add(
            Condition::any()
                .add(Expr::col(user::Column::Username).like(like.clone()))
                .add(Expr::expr(Func::lower(Expr::col(user::Column::FullName))).like(like.clone()))
                .add(Expr::expr(Func::lower(Expr::col(user::Column::Email))).like(like)),
        );
    }
    if let Some(role) = filter.role {
        cond = cond.add(user::Column::Role.eq(role.as_str()));
    }
    if let Some(active) = filter.active {
        cond = cond.add(user::Column::Active.eq(active));
    }
    let query = user::Entity::find().filter(cond);
    let total = query.clone().count(conn).await?;
    let col = match pager.sort.as_str() {
        "full_name" => user::Column::FullName,
        "role" => user::Column::Role,
        "last_login_at" => user::Column::LastLoginAt,
        _ => user::Column::Username,
    };
    let order = if pager.desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = query
        .order_by(col, order)
        .order_by_asc(user::Column::Username)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Number of active users.
pub async fn count_active_users(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .count(conn)
        .await
}

/// Every user (CLI listing).
pub async fn all_users(conn: &impl ConnectionTrait) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(conn)
        .await
}

/// The scope grants of a user with the office codes: (kind, office code or None).
pub async fn user_grants(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<(String, Option<office::Model>)>, DbErr> {
    let grants = user_scope::Entity::find()
        .filter(user_scope::Column::UserId.eq(user_id))
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(grants.len());
    for g in grants {
        let o = match g.office_id {
            Some(id) => office::Entity::find_by_id(id).one(conn).await?,
            None => None,
        };
        out.push((g.kind, o));
    }
    Ok(out)
}

/// Replaces the grants of one kind: `None` in the list means national.
pub async fn replace_grants(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    kind: ScopeKind,
    offices: &[Option<Uuid>],
) -> Result<(), DbErr> {
    user_scope::Entity::delete_many()
        .filter(user_scope::Column::UserId.eq(user_id))
        .filter(user_scope::Column::Kind.eq(kind.as_str()))
        .exec(conn)
        .await?;
    for office_id in offices {
        user_scope::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            kind: Set(kind.as_str().to_owned()),
            office_id: Set(*office_id),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// Users holding a grant on one of these offices (for scoped user lists).
pub async fn count_users_with_office(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
) -> Result<u64, DbErr> {
    user_scope::Entity::find()
        .filter(user_scope::Column::OfficeId.eq(office_id))
        .select_only()
        .column(user_scope::Column::UserId)
        .distinct()
        .count(conn)
        .await
}

/// API tokens of a user, newest first.
pub async fn list_tokens(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(conn)
        .await
}

/// A live token (not revoked, not expired at `now`) by its hash.
pub async fn find_live_token(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::ExpiresAt.gt(now))
        .one(conn)
        .await
}
