//! Queries of the audit screens.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::entity::audit_log;

/// Filters of the audit screen and export.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Actor username.
    pub actor: String,
    /// Entity type.
    pub entity_type: String,
    /// Entity id.
    pub entity_id: String,
    /// Action (prefix match: `user.` finds every user action).
    pub action: String,
    /// From this time (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (exclusive).
    pub to: Option<DateTime<Utc>>,
}

fn cond(f: &AuditFilter) -> Condition {
    let mut c = Condition::all();
    if !f.actor.is_empty() {
        c = c.add(audit_log::Column::ActorName.eq(f.actor.clone()));
    }
    if !f.entity_type.is_empty() {
        c = c.add(audit_log::Column::EntityType.eq(f.entity_type.clone()));
    }
    if !f.entity_id.is_empty() {
        c = c.add(audit_log::Column::EntityId.eq(f.entity_id.clone()));
    }
    if !f.action.is_empty() {
        c = c.add(audit_log::Column::Action.starts_with(f.action.clone()));
    }
    if let Some(from) = f.from {
        c = c.add(audit_log::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        c = c.add(audit_log::Column::At.lt(to));
    }
    c
}

/// One page of entries, newest first, with the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    f: &AuditFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    let q = audit_log::Entity::find().filter(cond(f));
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(audit_log::Column::Seq)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Entries matching the filter in chain order, in batches (for the CSV export).
pub async fn batch_after(
    conn: &impl ConnectionTrait,
    f: &AuditFilter,
    after_seq: i64,
    limit: u64,
) -> Result<Vec<audit_log::Model>, DbErr> {
    audit_log::Entity::find()
        .filter(cond(f))
        .filter(audit_log::Column::Seq.gt(after_seq))
        .order_by_asc(audit_log::Column::Seq)
        .limit(limit)
        .all(conn)
        .await
}

/// Entries since a time.
pub async fn count_since(conn: &impl ConnectionTrait, since: DateTime<Utc>) -> Result<u64, DbErr> {
    audit_log::Entity::find()
        .filter(audit_log::Column::At.gte(since))
        .count(conn)
        .await
}
