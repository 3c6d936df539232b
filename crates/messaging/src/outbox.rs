//! The messages table as an outbox: a message is queued in the transaction of the
//! change that causes it (one row per idempotency key, so a second queueing of the
//! same message is a no-op), claimed by a sender in small batches with a conditional
//! UPDATE (portable, several nodes may send), and its outcome recorded.
//!
//! A sender that dies between handing messages to the provider and recording the
//! answer leaves them `sending` with an expired lease. What they become depends on the
//! channel: an e-mail goes back to the queue (an SMTP transaction cut before its end
//! delivers nothing, and the same Message-ID lets mail software drop a repeat), an SMS
//! or WhatsApp message is taken as sent, unconfirmed (the provider had it as soon as
//! the bytes left; sending again would reach the phone twice). The window in which
//! either guess is wrong is microseconds wide: the claim is committed just before the
//! batch is written, the answer recorded as it arrives.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::domain::{Channel, status};
use crate::entity::message;

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// One message per key.
    pub key: String,
    /// Channel.
    pub channel: Channel,
    /// The person.
    pub person_id: Option<Uuid>,
    /// Their office.
    pub office_id: Option<Uuid>,
    /// Template.
    pub template_id: Option<Uuid>,
    /// Campaign.
    pub campaign_id: Option<Uuid>,
    /// Phone or e-mail address ("" when there is none).
    pub address: String,
    /// E-mail subject.
    pub subject: Option<String>,
    /// Text.
    pub body: String,
    /// `queued`, or `skipped` with a reason.
    pub status: &'static str,
    /// Why it is skipped.
    pub reason: Option<String>,
    /// Quiet hours do not hold it back.
    pub any_hour: bool,
    /// SMS encoding and segments.
    pub sms: Option<(String, i32)>,
    /// Who queued it.
    pub created_by: String,
}

/// Queues a message, inside the caller's transaction; `None` when its key was queued
/// before (nothing changes).
pub async fn queue(conn: &impl ConnectionTrait, m: NewMessage) -> Result<Option<Uuid>, DbErr> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let row = message::ActiveModel {
        id: Set(id),
        idempotency_key: Set(m.key),
        direction: Set("out".into()),
        channel: Set(m.channel.as_str().into()),
        person_id: Set(m.person_id),
        office_id: Set(m.office_id),
        template_id: Set(m.template_id),
        campaign_id: Set(m.campaign_id),
        address: Set(m.address),
        subject: Set(m.subject),
        body: Set(m.body),
        status: Set(m.status.into()),
        reason: Set(m.reason),
        any_hour: Set(m.any_hour),
        provider: Set(None),
        provider_id: Set(None),
        encoding: Set(m.sms.as_ref().map(|(e, _)| e.clone())),
        segments: Set(m.sms.map(|(_, s)| s)),
        cost_cents: Set(0),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        claim: Set(None),
        created_by: Set(m.created_by),
        created_at: Set(now),
        sent_at: Set(None),
        delivered_at: Set(None),
        updated_at: Set(now),
    };
    let inserted = message::Entity::insert(row)
        .on_conflict_do_nothing_on([message::Column::IdempotencyKey])
        .exec_without_returning(conn)
        .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(1)).then_some(id))
}

/// Takes up to `limit` due messages of a channel for one sender, for `lease`; during
/// quiet hours only those sent at any hour. Returns what this sender got.
pub async fn claim(
    conn: &impl ConnectionTrait,
    channel: Channel,
    limit: u64,
    quiet: bool,
    lease: Duration,
) -> Result<Vec<message::Model>, DbErr> {
    let now = Utc::now();
    let mut due = message::Entity::find()
        .select_only()
        .column(message::Column::Id)
        .filter(message::Column::Status.eq(status::QUEUED))
        .filter(message::Column::Channel.eq(channel.as_str()))
        .filter(message::Column::NextAttemptAt.lte(now));
    if quiet {
        due = due.filter(message::Column::AnyHour.eq(true));
    }
    let ids: Vec<Uuid> = due
        .order_by_asc(message::Column::NextAttemptAt)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let token = Uuid::now_v7();
    message::Entity::update_many()
        .col_expr(message::Column::Status, Expr::value(status::SENDING))
        .col_expr(message::Column::Claim, Expr::value(token))
        .col_expr(message::Column::LockedUntil, Expr::value(now + lease))
        .col_expr(
            message::Column::Attempts,
            sea_orm::sea_query::ExprTrait::add(Expr::col(message::Column::Attempts), 1),
        )
        .col_expr(message::Column::UpdatedAt, Expr::value(now))
        .filter(message::Column::Id.is_in(ids))
        .filter(message::Column::Status.eq(status::QUEUED))
        .exec(conn)
        .await?;
    message::Entity::find()
        .filter(message::Column::Claim.eq(token))
        .filter(message::Column::Status.eq(status::SENDING))
        .order_by_asc(message::Column::NextAttemptAt)
        .all(conn)
        .await
}

/// The provider took it.
pub async fn sent(
    conn: &impl ConnectionTrait,
    id: Uuid,
    provider: &str,
    provider_id: Option<String>,
    cost_cents: i64,
) -> Result<(), DbErr> {
    let now = Utc::now();
    settle(id, status::SENDING)
        .col_expr(message::Column::Status, Expr::value(status::SENT))
        .col_expr(message::Column::Provider, Expr::value(provider))
        .col_expr(message::Column::ProviderId, Expr::value(provider_id))
        .col_expr(message::Column::CostCents, Expr::value(cost_cents))
        .col_expr(message::Column::SentAt, Expr::value(now))
        .exec(conn)
        .await?;
    Ok(())
}

/// The provider refused it for good, or it will not be sent (`status` failed or
/// cancelled), with the reason.
pub async fn finish(
    conn: &impl ConnectionTrait,
    id: Uuid,
    new_status: &'static str,
    provider: Option<&str>,
    reason: &str,
) -> Result<(), DbErr> {
    settle(id, status::SENDING)
        .col_expr(message::Column::Status, Expr::value(new_status))
        .col_expr(message::Column::Provider, Expr::value(provider))
        .col_expr(message::Column::Reason, Expr::value(clip(reason)))
        .exec(conn)
        .await?;
    Ok(())
}

/// A temporary failure: back to the queue after a backoff, or failed once out of
/// attempts.
pub async fn retry_later(
    conn: &impl ConnectionTrait,
    m: &message::Model,
    provider: &str,
    reason: &str,
) -> Result<(), DbErr> {
    if m.attempts >= MAX_ATTEMPTS {
        return finish(conn, m.id, status::FAILED, Some(provider), reason).await;
    }
    settle(m.id, status::SENDING)
        .col_expr(message::Column::Status, Expr::value(status::QUEUED))
        .col_expr(message::Column::Reason, Expr::value(clip(reason)))
        .col_expr(
            message::Column::NextAttemptAt,
            Expr::value(Utc::now() + backoff(m.attempts)),
        )
        .exec(conn)
        .await?;
    Ok(())
}

/// Attempts before a temporary failure becomes final.
pub const MAX_ATTEMPTS: i32 = 6;

/// Wait before attempt `n + 1`: 30 s, 2 min, 4.5 min, ... capped at one hour.
pub fn backoff(attempts: i32) -> Duration {
    Duration::seconds((30 * i64::from(attempts).pow(2)).min(3600))
}

fn clip(reason: &str) -> String {
    reason.chars().take(500).collect()
}

/// An update of one message still in `from`, releasing its claim.
fn settle(id: Uuid, from: &str) -> sea_orm::UpdateMany<message::Entity> {
    message::Entity::update_many()
        .col_expr(message::Column::Claim, Expr::value(Option::<Uuid>::None))
        .col_expr(
            message::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(message::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(message::Column::Id.eq(id))
        .filter(message::Column::Status.eq(from))
}

/// Settles messages whose sender died holding them (see the module's comment): e-mail
/// back to the queue, SMS and WhatsApp sent, unconfirmed. Returns how many.
pub async fn recover(conn: &impl ConnectionTrait, channel: Channel) -> Result<u64, DbErr> {
    let now = Utc::now();
    let stale = Condition::all()
        .add(message::Column::Status.eq(status::SENDING))
        .add(message::Column::Channel.eq(channel.as_str()))
        .add(message::Column::LockedUntil.lt(now));
    let q = message::Entity::update_many()
        .col_expr(message::Column::Claim, Expr::value(Option::<Uuid>::None))
        .col_expr(
            message::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(message::Column::UpdatedAt, Expr::value(now));
    let q = match channel {
        Channel::Email => q.col_expr(message::Column::Status, Expr::value(status::QUEUED)),
        Channel::Sms | Channel::Whatsapp => q
            .col_expr(message::Column::Status, Expr::value(status::SENT))
            .col_expr(message::Column::Reason, Expr::value("unconfirmed"))
            .col_expr(message::Column::SentAt, Expr::value(now)),
    };
    Ok(q.filter(stale).exec(conn).await?.rows_affected)
}

/// A message by id.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<message::Model>, DbErr> {
    message::Entity::find_by_id(id).one(conn).await
}

/// Records a delivery report: `delivered`, `failed` (with the reason) or `expired`, for
/// the message the provider knows by `provider_id`. A report for an unknown id is
/// ignored (false); a message already delivered keeps that.
pub async fn report(
    conn: &impl ConnectionTrait,
    provider: &str,
    provider_id: &str,
    new_status: &'static str,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(m) = message::Entity::find()
        .filter(message::Column::Provider.eq(provider))
        .filter(message::Column::ProviderId.eq(provider_id))
        .one(conn)
        .await?
    else {
        return Ok(false);
    };
    if m.status == status::DELIVERED {
        return Ok(true);
    }
    let mut a: message::ActiveModel = m.into();
    a.status = Set(new_status.into());
    if new_status == status::DELIVERED {
        a.delivered_at = Set(Some(at));
    }
    if let Some(r) = reason {
        a.reason = Set(Some(clip(r)));
    }
    a.updated_at = Set(Utc::now());
    a.update(conn).await?;
    Ok(true)
}
