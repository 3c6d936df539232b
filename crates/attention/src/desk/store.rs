//! Reads of services and counters. An office is reached through the caller's scope;
//! outside it, "not found".

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entity::{counter, service};
use crate::error::AttentionError;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::territory::entity::office;

/// The office with this code, if it lies in the caller's scope of `kind`.
pub async fn office_in(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    code: &str,
) -> Result<office::Model, AttentionError> {
    if code.len() > 40 {
        return Err(AttentionError::NotFound);
    }
    match sipe_platform::territory::store::find_office_by_code(conn, code).await? {
        Some(o) if access.scope(kind).includes_path(&o.path) => Ok(o),
        _ => Err(AttentionError::NotFound),
    }
}

/// An active office by code, whatever the scope: the public pages (kiosk, display,
/// tickets) show numbers, services and counters only.
pub async fn active_office(
    conn: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<office::Model>, DbErr> {
    if code.len() > 40 {
        return Ok(None);
    }
    Ok(
        sipe_platform::territory::store::find_office_by_code(conn, code)
            .await?
            .filter(|o| o.active),
    )
}

/// The office by id, if it lies in the caller's scope of `kind`.
pub async fn office_by_id(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<office::Model, AttentionError> {
    match sipe_platform::territory::store::office_by_id(conn, sipe_platform::ids::OfficeId(id))
        .await?
    {
        Some(o) if access.scope(kind).includes_path(&o.path) => Ok(o),
        _ => Err(AttentionError::NotFound),
    }
}

/// An office's services in kiosk order (only the active ones when `active_only`).
pub async fn services(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
    active_only: bool,
) -> Result<Vec<service::Model>, DbErr> {
    let mut q = service::Entity::find().filter(service::Column::OfficeId.eq(office_id));
    if active_only {
        q = q.filter(service::Column::Active.eq(true));
    }
    q.order_by_asc(service::Column::Position)
        .order_by_asc(service::Column::Prefix)
        .all(conn)
        .await
}

/// An office's counters by name.
pub async fn counters(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
) -> Result<Vec<counter::Model>, DbErr> {
    counter::Entity::find()
        .filter(counter::Column::OfficeId.eq(office_id))
        .order_by_asc(counter::Column::Name)
        .all(conn)
        .await
}

/// A counter with its office, if the office lies in the caller's scope of `kind`.
pub async fn counter_in(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<(counter::Model, office::Model), AttentionError> {
    let c = counter::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AttentionError::NotFound)?;
    let o = office_by_id(conn, access, kind, c.office_id).await?;
    Ok((c, o))
}

/// A service with its office, if the office lies in the caller's scope of `kind`.
pub async fn service_in(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<(service::Model, office::Model), AttentionError> {
    let s = service::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AttentionError::NotFound)?;
    let o = office_by_id(conn, access, kind, s.office_id).await?;
    Ok((s, o))
}

/// The services some active counter of the office calls (the others are not offered to
/// the public: nobody would call their tickets).
pub async fn called_services(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
) -> Result<std::collections::HashSet<Uuid>, DbErr> {
    Ok(counters(conn, office_id)
        .await?
        .iter()
        .filter(|c| c.active)
        .flat_map(services_of)
        .collect())
}

/// The service ids a counter calls.
pub fn services_of(c: &counter::Model) -> Vec<Uuid> {
    serde_json::from_str(&c.services).unwrap_or_default()
}

/// The counter this user is signed in to, if any (in any office).
pub async fn signed_in_counter(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Option<counter::Model>, DbErr> {
    counter::Entity::find()
        .filter(counter::Column::OperatorId.eq(user_id))
        .one(conn)
        .await
}
