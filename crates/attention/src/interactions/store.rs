//! Reads of consultations, within the caller's scope of the owning office.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::domain::{Channel, InteractionStatus};
use crate::entity::{interaction, topic};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::web::table::Pager;

/// A consultation in the caller's scope of `kind`.
pub async fn find(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<Option<interaction::Model>, DbErr> {
    interaction::Entity::find_by_id(id)
        .filter(access.scope(kind).owns(interaction::Column::OfficeId))
        .one(conn)
        .await
}

/// What an inbox shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this status.
    pub status: Option<InteractionStatus>,
    /// Only this channel.
    pub channel: Option<Channel>,
    /// Only this person's.
    pub person_id: Option<Uuid>,
    /// Only those assigned to this user.
    pub assigned_to: Option<Uuid>,
    /// Only those of this topic.
    pub topic: Option<String>,
    /// Only this office's.
    pub office_id: Option<Uuid>,
    /// Only those past a due time at this instant, not resolved.
    pub breached_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Filter {
    fn condition(&self) -> Condition {
        let mut c = Condition::all();
        if let Some(s) = self.status {
            c = c.add(interaction::Column::Status.eq(s.as_str()));
        }
        if let Some(ch) = self.channel {
            c = c.add(interaction::Column::Channel.eq(ch.as_str()));
        }
        if let Some(p) = self.person_id {
            c = c.add(interaction::Column::PersonId.eq(p));
        }
        if let Some(u) = self.assigned_to {
            c = c.add(interaction::Column::AssignedTo.eq(u));
        }
        if let Some(t) = &self.topic {
            c = c.add(interaction::Column::TopicCode.eq(t.as_str()));
        }
        if let Some(o) = self.office_id {
            c = c.add(interaction::Column::OfficeId.eq(o));
        }
        if let Some(now) = self.breached_at {
            c = c.add(breached(now));
        }
        c
    }
}

/// Unresolved and past its first-answer time without an answer, or past its
/// resolution time (the same rule as `service::breached`).
fn breached(now: chrono::DateTime<chrono::Utc>) -> Condition {
    Condition::all()
        .add(interaction::Column::Status.ne(InteractionStatus::Resolved.as_str()))
        .add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(interaction::Column::FirstResponseAt.is_null())
                        .add(interaction::Column::FirstResponseDue.lt(now)),
                )
                .add(interaction::Column::ResolutionDue.lt(now)),
        )
}

/// How many consultations of the caller's view scope (with `filter`'s other
/// conditions) are past a due time now.
pub async fn count_breached(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &Filter,
) -> Result<u64, DbErr> {
    interaction::Entity::find()
        .filter(access.view.owns(interaction::Column::OfficeId))
        .filter(
            Filter {
                status: None,
                breached_at: Some(chrono::Utc::now()),
                ..filter.clone()
            }
            .condition(),
        )
        .count(conn)
        .await
}

/// Sortable columns of the list (the first is the default).
pub const SORTS: [&str; 4] = ["created_at", "updated_at", "status", "resolution_due"];

/// A page of the consultations of the caller's view scope, newest first by default.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &Filter,
    pager: &Pager,
) -> Result<(Vec<interaction::Model>, u64), DbErr> {
    let q = interaction::Entity::find()
        .filter(access.view.owns(interaction::Column::OfficeId))
        .filter(filter.condition());
    let total = q.clone().count(conn).await?;
    let column = match pager.sort.as_str() {
        "updated_at" => interaction::Column::UpdatedAt,
        "status" => interaction::Column::Status,
        "resolution_due" => interaction::Column::ResolutionDue,
        _ => interaction::Column::CreatedAt,
    };
    let order = if pager.desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = q
        .order_by(column, order.clone())
        .order_by(interaction::Column::Id, order)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// How many consultations of the caller's view scope are in each status (with
/// `filter`'s other conditions), for the inbox's tabs.
pub async fn counts(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &Filter,
) -> Result<Vec<(InteractionStatus, u64)>, DbErr> {
    let mut out = Vec::new();
    let base = Filter {
        status: None,
        ..filter.clone()
    };
    for s in InteractionStatus::ALL {
        let n = interaction::Entity::find()
            .filter(access.view.owns(interaction::Column::OfficeId))
            .filter(base.condition())
            .filter(interaction::Column::Status.eq(s.as_str()))
            .count(conn)
            .await?;
        out.push((*s, n));
    }
    Ok(out)
}

/// The topics, in list order (only the active ones when `active_only`).
pub async fn topics(
    conn: &impl ConnectionTrait,
    active_only: bool,
) -> Result<Vec<topic::Model>, DbErr> {
    let mut q = topic::Entity::find();
    if active_only {
        q = q.filter(topic::Column::Active.eq(true));
    }
    q.order_by_asc(topic::Column::Position)
        .order_by_asc(topic::Column::Code)
        .all(conn)
        .await
}
