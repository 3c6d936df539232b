//! Reading messages: within the reader's view scope (the office of the person when the
//! message was queued or received), newest first.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{Channel, status};
use crate::entity::message;
use sipe_platform::access::Access;
use sipe_platform::ids::PersonId;
use sipe_platform::web::table::Pager;

/// Sort keys of the list.
pub const SORTS: [&str; 2] = ["created_at", "status"];

/// A message as screens and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageRow {
    /// Id.
    pub id: Uuid,
    /// `out` or `in`.
    pub direction: String,
    /// `email`, `sms`, `whatsapp`.
    pub channel: String,
    /// The person.
    pub person_id: Option<Uuid>,
    /// Their name (as the registry shows it).
    pub person_name: Option<String>,
    /// Campaign.
    pub campaign_id: Option<Uuid>,
    /// Phone or address.
    pub address: String,
    /// Subject.
    pub subject: Option<String>,
    /// Text.
    pub body: String,
    /// `queued`, `sending`, `sent`, `delivered`, `failed`, `expired`, `skipped`,
    /// `cancelled`, `received`.
    pub status: String,
    /// Why it failed or was skipped: `no_address`, `no_channel_consent`,
    /// `no_purpose_consent`, `missing_variable`, `consent_withdrawn`, `address_changed`,
    /// `template_inactive`, `provider_refused`, `provider_error`, `unconfirmed`, ...
    pub reason: Option<String>,
    /// The provider's own words.
    pub detail: Option<String>,
    /// Provider.
    pub provider: Option<String>,
    /// SMS encoding.
    pub encoding: Option<String>,
    /// SMS segments.
    pub segments: Option<i32>,
    /// Cost in cents.
    pub cost_cents: i64,
    /// Attempts.
    pub attempts: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Accepted by the provider.
    pub sent_at: Option<DateTime<Utc>>,
    /// Delivered.
    pub delivered_at: Option<DateTime<Utc>>,
}

impl MessageRow {
    fn of(m: message::Model, name: Option<String>) -> Self {
        MessageRow {
            id: m.id,
            direction: m.direction,
            channel: m.channel,
            person_id: m.person_id,
            person_name: name,
            campaign_id: m.campaign_id,
            address: m.address,
            subject: m.subject,
            body: m.body,
            status: m.status,
            reason: m.reason,
            detail: m.detail,
            provider: m.provider,
            encoding: m.encoding,
            segments: m.segments,
            cost_cents: m.cost_cents,
            attempts: m.attempts,
            created_at: m.created_at,
            sent_at: m.sent_at,
            delivered_at: m.delivered_at,
        }
    }
}

/// Filters of a list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// One status.
    pub status: Option<String>,
    /// One channel.
    pub channel: Option<Channel>,
    /// One person.
    pub person: Option<Uuid>,
    /// One campaign.
    pub campaign: Option<Uuid>,
    /// `in` (people's messages) or `out`.
    pub direction: Option<&'static str>,
}

/// Messages of people in the view scope now (the person's current office: after a
/// transfer, the new office sees their history and the old one no longer does), and
/// messages of unknown senders received by an office in scope.
fn in_scope(access: &Access) -> Condition {
    use sea_orm::sea_query::Expr;
    if access.view.is_national() {
        return Condition::all();
    }
    Condition::any()
        .add(sea_orm::sea_query::ExprTrait::in_subquery(
            Expr::col(message::Column::PersonId),
            sipe_persons::store::ids_in_scope(&access.view),
        ))
        .add(
            Condition::all()
                .add(message::Column::PersonId.is_null())
                .add(access.view.owns(message::Column::OfficeId)),
        )
}

async fn with_names(
    conn: &impl ConnectionTrait,
    rows: Vec<message::Model>,
) -> Result<Vec<MessageRow>, DbErr> {
    let ids: Vec<PersonId> = rows
        .iter()
        .filter_map(|m| m.person_id.map(PersonId))
        .collect();
    let names = sipe_persons::store::names_of(conn, ids).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let name = m
                .person_id
                .and_then(|p| names.iter().find(|n| n.id.0 == p))
                .map(|n| n.display());
            MessageRow::of(m, name)
        })
        .collect())
}

/// One page of messages in the reader's view scope.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    f: &Filter,
    pager: &Pager,
) -> Result<(Vec<MessageRow>, u64), DbErr> {
    use sipe_platform::web::table::page_of;
    let mut cond = Condition::all().add(in_scope(access));
    if let Some(s) = &f.status {
        cond = cond.add(message::Column::Status.eq(s.clone()));
    }
    if let Some(c) = f.channel {
        cond = cond.add(message::Column::Channel.eq(c.as_str()));
    }
    if let Some(p) = f.person {
        cond = cond.add(message::Column::PersonId.eq(p));
    }
    if let Some(c) = f.campaign {
        cond = cond.add(message::Column::CampaignId.eq(c));
    }
    if let Some(d) = f.direction {
        cond = cond.add(message::Column::Direction.eq(d));
    }
    let col = match pager.sort.as_str() {
        "status" => message::Column::Status,
        _ => message::Column::CreatedAt,
    };
    let (rows, total) = page_of(
        conn,
        message::Entity::find().filter(cond),
        col,
        message::Column::Id,
        pager,
    )
    .await?;
    Ok((with_names(conn, rows).await?, total))
}

/// One message in the reader's view scope.
pub async fn find(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<Option<MessageRow>, DbErr> {
    let Some(m) = message::Entity::find_by_id(id)
        .filter(in_scope(access))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(with_names(conn, vec![m]).await?.pop())
}

/// A person's newest messages (the caller may view the person), and how many they have.
pub async fn of_person(
    conn: &impl ConnectionTrait,
    access: &Access,
    person: Uuid,
    limit: u64,
) -> Result<(Vec<MessageRow>, u64), DbErr> {
    let q = message::Entity::find()
        .filter(message::Column::PersonId.eq(person))
        .filter(in_scope(access));
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(message::Column::CreatedAt)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((with_names(conn, rows).await?, total))
}

/// Messages waiting to be sent, everywhere.
pub async fn count_queued(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    message::Entity::find()
        .filter(message::Column::Status.eq(status::QUEUED))
        .count(conn)
        .await
}
