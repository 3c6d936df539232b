//! The messages table as an outbox: a message is queued in the transaction of the
//! change that causes it (one row per idempotency key, so a second queueing of the
//! same message is a no-op), claimed by a sender in small batches with a conditional
//! UPDATE (portable, several nodes may send), and its outcome recorded.
//!
//! Only the claim that took a message records its outcome (a sender that outlived its
//! lease records nothing over another's work). A sender that dies between handing
//! messages to the provider and recording the answer leaves them `sending` with an
//! expired lease. What they become depends on the channel: an e-mail goes back to the
//! queue while it has attempts left (an SMTP transaction cut before its end delivers
//! nothing, and the same Message-ID lets mail software drop a repeat), an SMS or
//! WhatsApp message is taken as sent, unconfirmed (the provider had it as soon as the
//! bytes left; sending again would reach the phone twice) once its sender marked it
//! as being handed over (`handed_at`, written just before the provider gets it), and
//! goes back to the queue when it was never handed over.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::domain::{Channel, status};
use crate::entity::{early_receipt, message};

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
    /// WhatsApp: the template call and the free text (JSON).
    pub payload: Option<String>,
    /// Who queued it.
    pub created_by: String,
}

/// Queues a message, inside the caller's transaction; `None` when its key was queued
/// before (nothing changes).
pub async fn queue(conn: &impl ConnectionTrait, m: NewMessage) -> Result<Option<Uuid>, DbErr> {
    Ok(queue_many(conn, vec![m]).await?.pop().flatten())
}

/// Queues many messages in batches, inside the caller's transaction: for each, its new
/// id, or `None` when its key was queued before.
pub async fn queue_many(
    conn: &impl ConnectionTrait,
    messages: Vec<NewMessage>,
) -> Result<Vec<Option<Uuid>>, DbErr> {
    let now = Utc::now();
    let mut out = Vec::with_capacity(messages.len());
    let mut rest = messages.into_iter().peekable();
    // 30 columns a row: 400 rows stay below every backend's bound on parameters.
    while rest.peek().is_some() {
        let chunk: Vec<NewMessage> = rest.by_ref().take(400).collect();
        let keys: Vec<String> = chunk.iter().map(|m| m.key.clone()).collect();
        let taken: Vec<String> = message::Entity::find()
            .select_only()
            .column(message::Column::IdempotencyKey)
            .filter(message::Column::IdempotencyKey.is_in(keys.clone()))
            .into_tuple()
            .all(conn)
            .await?;
        let mut ids: Vec<Option<Uuid>> = Vec::with_capacity(chunk.len());
        let mut rows = Vec::new();
        let mut fresh: Vec<String> = Vec::new();
        for m in chunk {
            if taken.contains(&m.key) || fresh.contains(&m.key) {
                ids.push(None);
                continue;
            }
            let id = Uuid::now_v7();
            fresh.push(m.key.clone());
            ids.push(Some(id));
            rows.push(row(id, m, now));
        }
        if !rows.is_empty() {
            message::Entity::insert_many(rows)
                .on_conflict_do_nothing_on([message::Column::IdempotencyKey])
                .exec_without_returning(conn)
                .await?;
            // Another transaction may have queued one of these keys meanwhile: only the
            // rows that carry our ids are ours.
            let stored: Vec<Uuid> = message::Entity::find()
                .select_only()
                .column(message::Column::Id)
                .filter(message::Column::IdempotencyKey.is_in(fresh))
                .into_tuple()
                .all(conn)
                .await?;
            for id in &mut ids {
                if id.is_some_and(|i| !stored.contains(&i)) {
                    *id = None;
                }
            }
        }
        out.extend(ids);
    }
    Ok(out)
}

fn row(id: Uuid, m: NewMessage, now: DateTime<Utc>) -> message::ActiveModel {
    message::ActiveModel {
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
        detail: Set(None),
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
        handed_at: Set(None),
        payload: Set(m.payload),
        created_by: Set(m.created_by),
        created_at: Set(now),
        sent_at: Set(None),
        delivered_at: Set(None),
        updated_at: Set(now),
    }
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
        // Still due: another sender may have tried it and put it back with a backoff.
        .filter(message::Column::Status.eq(status::QUEUED))
        .filter(message::Column::NextAttemptAt.lte(now))
        .filter(if quiet {
            Condition::all().add(message::Column::AnyHour.eq(true))
        } else {
            Condition::all()
        })
        .exec(conn)
        .await?;
    message::Entity::find()
        .filter(message::Column::Claim.eq(token))
        .filter(message::Column::Status.eq(status::SENDING))
        .order_by_asc(message::Column::NextAttemptAt)
        .all(conn)
        .await
}

/// Of these addresses, those a person wrote from on `channel` in the last 24 hours
/// (WhatsApp's customer-service window is open for them).
pub async fn windows_open(
    conn: &impl ConnectionTrait,
    channel: Channel,
    addresses: Vec<String>,
) -> Result<Vec<String>, DbErr> {
    message::Entity::find()
        .select_only()
        .column(message::Column::Address)
        .distinct()
        .filter(message::Column::Channel.eq(channel.as_str()))
        .filter(message::Column::Direction.eq("in"))
        .filter(message::Column::Address.is_in(addresses))
        .filter(message::Column::CreatedAt.gt(Utc::now() - Duration::hours(24)))
        .into_tuple()
        .all(conn)
        .await
}

/// Gives a claimed batch back to the queue untouched (its provider could not take it
/// now): its attempt does not count, and it waits a few seconds.
pub async fn release(conn: &impl ConnectionTrait, claim: Option<Uuid>) -> Result<(), DbErr> {
    let Some(claim) = claim else { return Ok(()) };
    message::Entity::update_many()
        .col_expr(message::Column::Status, Expr::value(status::QUEUED))
        .col_expr(message::Column::Claim, Expr::value(Option::<Uuid>::None))
        .col_expr(
            message::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            message::Column::Attempts,
            sea_orm::sea_query::ExprTrait::sub(Expr::col(message::Column::Attempts), 1),
        )
        .col_expr(
            message::Column::NextAttemptAt,
            Expr::value(Utc::now() + Duration::seconds(5)),
        )
        .filter(message::Column::Claim.eq(claim))
        .filter(message::Column::Status.eq(status::SENDING))
        .filter(message::Column::HandedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Renews the lease of a batch its sender still holds.
pub async fn extend(
    conn: &impl ConnectionTrait,
    claim: Uuid,
    lease: Duration,
) -> Result<(), DbErr> {
    message::Entity::update_many()
        .col_expr(
            message::Column::LockedUntil,
            Expr::value(Utc::now() + lease),
        )
        .filter(message::Column::Claim.eq(claim))
        .filter(message::Column::Status.eq(status::SENDING))
        .exec(conn)
        .await?;
    Ok(())
}

/// Marks claimed messages as being handed to the provider now (SMS, WhatsApp): from
/// here on a crash takes them as sent. Returns those the claim still held.
pub async fn handing(
    conn: &impl ConnectionTrait,
    claim: Option<Uuid>,
    ids: Vec<Uuid>,
) -> Result<Vec<Uuid>, DbErr> {
    let Some(claim) = claim else {
        return Ok(Vec::new());
    };
    message::Entity::update_many()
        .col_expr(message::Column::HandedAt, Expr::value(Utc::now()))
        .filter(message::Column::Id.is_in(ids.clone()))
        .filter(message::Column::Status.eq(status::SENDING))
        .filter(message::Column::Claim.eq(claim))
        .exec(conn)
        .await?;
    message::Entity::find()
        .select_only()
        .column(message::Column::Id)
        .filter(message::Column::Id.is_in(ids))
        .filter(message::Column::Claim.eq(claim))
        .filter(message::Column::HandedAt.is_not_null())
        .into_tuple()
        .all(conn)
        .await
}

/// The provider took it, or may have (`doubt`: why its answer is missing), only while
/// this sender's claim holds: a sender that lost its lease records nothing over
/// another's work.
pub async fn sent(
    conn: &impl ConnectionTrait,
    m: &message::Model,
    provider: &str,
    provider_id: Option<String>,
    cost_cents: i64,
    doubt: Option<&str>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    settle(m)
        .col_expr(message::Column::Status, Expr::value(status::SENT))
        .col_expr(
            message::Column::Reason,
            Expr::value(doubt.map(|_| UNCONFIRMED)),
        )
        .col_expr(message::Column::Detail, Expr::value(doubt.map(clip)))
        .col_expr(message::Column::Provider, Expr::value(provider))
        .col_expr(message::Column::ProviderId, Expr::value(provider_id))
        .col_expr(message::Column::CostCents, Expr::value(cost_cents))
        .col_expr(message::Column::SentAt, Expr::value(now))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends a claimed message: `failed` (the provider refused it for good) or `cancelled`
/// (it will not be sent), with a coded reason and the provider's words.
pub async fn finish(
    conn: &impl ConnectionTrait,
    m: &message::Model,
    new_status: &'static str,
    provider: Option<&str>,
    reason: &str,
    detail: Option<&str>,
) -> Result<(), DbErr> {
    settle(m)
        .col_expr(message::Column::Status, Expr::value(new_status))
        .col_expr(message::Column::Provider, Expr::value(provider))
        .col_expr(message::Column::Reason, Expr::value(reason))
        .col_expr(message::Column::Detail, Expr::value(detail.map(clip)))
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
    detail: &str,
) -> Result<(), DbErr> {
    if m.attempts >= MAX_ATTEMPTS {
        return finish(
            conn,
            m,
            status::FAILED,
            Some(provider),
            PROVIDER_ERROR,
            Some(detail),
        )
        .await;
    }
    settle(m)
        .col_expr(message::Column::Status, Expr::value(status::QUEUED))
        .col_expr(
            message::Column::HandedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(message::Column::Reason, Expr::value(PROVIDER_ERROR))
        .col_expr(message::Column::Detail, Expr::value(clip(detail)))
        .col_expr(
            message::Column::NextAttemptAt,
            Expr::value(Utc::now() + backoff(m.attempts)),
        )
        .exec(conn)
        .await?;
    Ok(())
}

/// The reason of a message the provider refused for good.
pub const PROVIDER_REFUSED: &str = "provider_refused";
/// The reason of a message the provider could not take now (retried, then final).
pub const PROVIDER_ERROR: &str = "provider_error";

/// Attempts before a temporary failure becomes final.
pub const MAX_ATTEMPTS: i32 = 6;

/// Wait before attempt `n + 1`: 30 s, 2 min, 4.5 min, ... capped at one hour.
pub fn backoff(attempts: i32) -> Duration {
    Duration::seconds((30 * i64::from(attempts).pow(2)).min(3600))
}

/// A provider's words as kept: 500 characters at most, no control characters.
fn clip(text: &str) -> String {
    crate::domain::clip(text, 500)
}

/// An update of one message still held by the claim that took it, releasing it.
fn settle(m: &message::Model) -> sea_orm::UpdateMany<message::Entity> {
    message::Entity::update_many()
        .col_expr(message::Column::Claim, Expr::value(Option::<Uuid>::None))
        .col_expr(
            message::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(message::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(message::Column::Id.eq(m.id))
        .filter(message::Column::Status.eq(status::SENDING))
        .filter(message::Column::Claim.eq(m.claim))
}

/// Settles messages whose sender died holding them (see the module's comment): e-mail
/// back to the queue while it has attempts left, else failed; SMS and WhatsApp sent,
/// unconfirmed. Returns how many.
pub async fn recover(conn: &impl ConnectionTrait, channel: Channel) -> Result<u64, DbErr> {
    let now = Utc::now();
    let stale = || {
        Condition::all()
            .add(message::Column::Status.eq(status::SENDING))
            .add(message::Column::Channel.eq(channel.as_str()))
            .add(message::Column::LockedUntil.lt(now))
    };
    let release = || {
        message::Entity::update_many()
            .col_expr(message::Column::Claim, Expr::value(Option::<Uuid>::None))
            .col_expr(
                message::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(message::Column::UpdatedAt, Expr::value(now))
    };
    let settled = match channel {
        Channel::Email => {
            let spent = release()
                .col_expr(message::Column::Status, Expr::value(status::FAILED))
                .col_expr(message::Column::Reason, Expr::value(PROVIDER_ERROR))
                .filter(stale().add(message::Column::Attempts.gte(MAX_ATTEMPTS)))
                .exec(conn)
                .await?
                .rows_affected;
            spent
                + release()
                    .col_expr(message::Column::Status, Expr::value(status::QUEUED))
                    .filter(stale())
                    .exec(conn)
                    .await?
                    .rows_affected
        }
        Channel::Sms | Channel::Whatsapp => {
            let handed = release()
                .col_expr(message::Column::Status, Expr::value(status::SENT))
                .col_expr(message::Column::Reason, Expr::value(UNCONFIRMED))
                .col_expr(message::Column::SentAt, Expr::value(now))
                .filter(stale().add(message::Column::HandedAt.is_not_null()))
                .exec(conn)
                .await?
                .rows_affected;
            handed
                + release()
                    .col_expr(message::Column::Status, Expr::value(status::QUEUED))
                    .filter(stale().add(message::Column::HandedAt.is_null()))
                    .exec(conn)
                    .await?
                    .rows_affected
        }
    };
    Ok(settled)
}

/// The reason of a message taken as sent without the provider's answer.
pub const UNCONFIRMED: &str = "unconfirmed";

/// A message by id.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<message::Model>, DbErr> {
    message::Entity::find_by_id(id).one(conn).await
}

/// Records a delivery report: `delivered`, `failed` (with the provider's words) or
/// `expired`, for the message the provider knows by `provider_id`. False for an
/// unknown id; a message already delivered stays delivered, whatever arrives after.
pub async fn report(
    conn: &impl ConnectionTrait,
    provider: &str,
    provider_id: &str,
    new_status: &'static str,
    detail: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    // Ids repeat over time (an SMSC's counter restarts): a report is about a message
    // sent in the days before it.
    let since = at - Duration::days(REPORT_DAYS);
    let mut q = message::Entity::update_many()
        .col_expr(message::Column::Status, Expr::value(new_status))
        .col_expr(message::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(message::Column::Provider.eq(provider))
        .filter(message::Column::ProviderId.eq(provider_id))
        .filter(message::Column::SentAt.gt(since))
        .filter(message::Column::Status.ne(status::DELIVERED));
    if new_status == status::DELIVERED {
        q = q.col_expr(message::Column::DeliveredAt, Expr::value(at));
    } else {
        q = q
            .col_expr(message::Column::Reason, Expr::value(PROVIDER_REFUSED))
            .col_expr(message::Column::Detail, Expr::value(detail.map(clip)));
    }
    if q.exec(conn).await?.rows_affected == 1 {
        return Ok(true);
    }
    let known = message::Entity::find()
        .filter(message::Column::Provider.eq(provider))
        .filter(message::Column::ProviderId.eq(provider_id))
        .filter(message::Column::SentAt.gt(since))
        .one(conn)
        .await?
        .is_some();
    if !known {
        // Perhaps its message's answer is not recorded yet: kept for when it is.
        early_receipt::Entity::insert(early_receipt::ActiveModel {
            id: Set(Uuid::now_v7()),
            provider: Set(provider.to_owned()),
            provider_id: Set(provider_id.to_owned()),
            status: Set(new_status.to_owned()),
            detail: Set(detail.map(clip)),
            reported_at: Set(at),
            created_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing_on([
            early_receipt::Column::Provider,
            early_receipt::Column::ProviderId,
        ])
        .exec_without_returning(conn)
        .await?;
    }
    Ok(known)
}

/// Applies the reports that arrived before these messages' answers were recorded.
pub async fn apply_early(
    conn: &impl ConnectionTrait,
    provider: &str,
    provider_ids: Vec<String>,
) -> Result<(), DbErr> {
    if provider_ids.is_empty() {
        return Ok(());
    }
    let early = early_receipt::Entity::find()
        .filter(early_receipt::Column::Provider.eq(provider))
        .filter(early_receipt::Column::ProviderId.is_in(provider_ids))
        .all(conn)
        .await?;
    for r in early {
        let new_status = [status::DELIVERED, status::FAILED, status::EXPIRED]
            .into_iter()
            .find(|s| *s == r.status)
            .unwrap_or(status::FAILED);
        report(
            conn,
            provider,
            &r.provider_id,
            new_status,
            r.detail.as_deref(),
            r.reported_at,
        )
        .await?;
        early_receipt::Entity::delete_by_id(r.id).exec(conn).await?;
    }
    Ok(())
}

/// Days within which a delivery report may arrive.
const REPORT_DAYS: i64 = 7;

/// Applies kept reports whose message has been recorded since (on PostgreSQL a report
/// may be kept while the sender's transaction naming its message is still open).
pub async fn sweep_early(conn: &impl ConnectionTrait) -> Result<(), DbErr> {
    // Only recent ones: that race lasts a transaction, while reports that will never
    // meet a message (later parts of long SMS) stay for days and must not fill the
    // sweep.
    let early = early_receipt::Entity::find()
        .filter(early_receipt::Column::CreatedAt.gt(Utc::now() - Duration::minutes(10)))
        .order_by_desc(early_receipt::Column::CreatedAt)
        .limit(500)
        .all(conn)
        .await?;
    for r in early {
        let recorded = message::Entity::find()
            .select_only()
            .column(message::Column::Id)
            .filter(message::Column::Provider.eq(r.provider.clone()))
            .filter(message::Column::ProviderId.eq(r.provider_id.clone()))
            .into_tuple::<Uuid>()
            .one(conn)
            .await?
            .is_some();
        if recorded {
            apply_early(conn, &r.provider, vec![r.provider_id.clone()]).await?;
        }
    }
    Ok(())
}

/// Forgets reports that never met their message (a later part of a long SMS, a
/// message of another database) after two days.
pub async fn forget_early(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Ok(early_receipt::Entity::delete_many()
        .filter(early_receipt::Column::CreatedAt.lt(Utc::now() - Duration::days(2)))
        .exec(conn)
        .await?
        .rows_affected)
}
