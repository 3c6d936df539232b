//! Conversations, for the attention module's inbox: the messages people send by SMS
//! and WhatsApp (read in order of arrival), a thread's messages, and a reply queued as
//! free text — on WhatsApp only inside the 24 hours after the person last wrote (after
//! that, Meta takes only an approved template).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::domain::{Channel, status};
use crate::entity::message;
use crate::outbox::{self, NewMessage};

/// A message a person sent.
#[derive(Debug, Clone)]
pub struct Received {
    /// The message.
    pub id: Uuid,
    /// SMS, WhatsApp or e-mail.
    pub channel: Channel,
    /// The sender's phone (E.164 when it is one) or e-mail address.
    pub address: String,
    /// The person, when one record has that phone.
    pub person_id: Option<Uuid>,
    /// Their office (or the office the people with that phone share).
    pub office_id: Option<Uuid>,
    /// The text.
    pub body: String,
    /// When the person sent it (the provider's time).
    pub at: DateTime<Utc>,
    /// When sipe stored it: the order followers read in.
    pub stored: DateTime<Utc>,
    /// An e-mail's subject.
    pub subject: Option<String>,
    /// The Message-IDs an e-mail answers (its thread).
    pub answers: Vec<String>,
    /// Attachments an e-mail came with.
    pub attachments: u32,
}

/// The messages a thread's Message-IDs name: ours (`<{id}@{domain}>`) and e-mail people
/// sent (by their Message-ID); at most a hundred names are looked at.
pub async fn named_by(conn: &impl ConnectionTrait, answers: &[String]) -> Result<Vec<Uuid>, DbErr> {
    let answers: Vec<String> = answers
        .iter()
        .take(100)
        .map(|a| {
            a.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
        .collect();
    let ours: Vec<Uuid> = answers
        .iter()
        .filter_map(|a| Uuid::parse_str(a.split_once('@')?.0).ok())
        .collect();
    if answers.is_empty() {
        return Ok(Vec::new());
    }
    message::Entity::find()
        .select_only()
        .column(message::Column::Id)
        .filter(message::Column::Channel.eq(Channel::Email.as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(message::Column::Direction.eq("out"))
                        .add(message::Column::Id.is_in(ours)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(message::Column::Direction.eq("in"))
                        .add(message::Column::ProviderId.is_in(answers)),
                ),
        )
        .limit(100)
        .into_tuple()
        .all(conn)
        .await
}

/// The Message-ID (`<…>`) and subject of the newest e-mail a person sent among `ids`: a
/// reply answers it.
pub async fn last_mail_of(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Option<(String, Option<String>)>, DbErr> {
    let found: Option<(Option<String>, Option<String>)> = message::Entity::find()
        .select_only()
        .column(message::Column::ProviderId)
        .column(message::Column::Subject)
        .filter(message::Column::Id.is_in(ids.to_vec()))
        .filter(message::Column::Direction.eq("in"))
        .filter(message::Column::Channel.eq(Channel::Email.as_str()))
        .order_by_desc(message::Column::CreatedAt)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(found.and_then(|(p, s)| Some((format!("<{}>", p?), s))))
}

/// Messages people sent by SMS, WhatsApp or e-mail stored after `after` (a time and an id, the
/// last one read: pages never skip nor repeat one), in the order stored, at most
/// `limit`. A BAJA is left out: it withdraws a consent, it asks nothing.
pub async fn received_after(
    conn: &impl ConnectionTrait,
    after: (DateTime<Utc>, Uuid),
    limit: u64,
) -> Result<Vec<Received>, DbErr> {
    let (at, id) = after;
    let rows = message::Entity::find()
        .filter(message::Column::Direction.eq("in"))
        .filter(message::Column::Channel.is_in([
            Channel::Sms.as_str(),
            Channel::Whatsapp.as_str(),
            Channel::Email.as_str(),
        ]))
        .filter(
            sea_orm::Condition::any()
                .add(message::Column::UpdatedAt.gt(at))
                .add(
                    sea_orm::Condition::all()
                        .add(message::Column::UpdatedAt.eq(at))
                        .add(message::Column::Id.gt(id)),
                ),
        )
        .filter(
            sea_orm::Condition::any()
                .add(message::Column::Reason.is_null())
                .add(message::Column::Reason.ne(crate::inbound::OPT_OUT)),
        )
        .order_by_asc(message::Column::UpdatedAt)
        .order_by_asc(message::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let thread: crate::inbound::MailThread = m
                .payload
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok())
                .unwrap_or_default();
            Some(Received {
                subject: m.subject,
                answers: thread.answers,
                attachments: thread.attachments,
                stored: m.updated_at,
                channel: Channel::parse(&m.channel)?,
                id: m.id,
                address: m.address,
                person_id: m.person_id,
                office_id: m.office_id,
                body: m.body,
                at: m.created_at,
            })
        })
        .collect())
}

/// One message of a thread.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ThreadMessage {
    /// Id.
    pub id: Uuid,
    /// `in` (the person) or `out` (the office).
    pub direction: String,
    /// The text.
    pub body: String,
    /// `received`, `queued`, `sent`, `delivered`, `failed`...
    pub status: String,
    /// Who wrote it (`sms:+549…`; the name of the user who replied).
    pub created_by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// These messages, oldest first.
pub async fn thread(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<ThreadMessage>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = message::Entity::find()
        .filter(message::Column::Id.is_in(ids.iter().copied().take(1_000)))
        .order_by_asc(message::Column::CreatedAt)
        .order_by_asc(message::Column::Id)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| ThreadMessage {
            id: m.id,
            direction: m.direction,
            body: m.body,
            status: m.status,
            created_by: m.created_by,
            at: m.created_at,
        })
        .collect())
}

/// When the WhatsApp window of `address` closes (24 hours after the person last wrote),
/// if it is open now.
pub async fn window_closes(
    conn: &impl ConnectionTrait,
    address: &str,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let last: Option<DateTime<Utc>> = message::Entity::find()
        .select_only()
        .column(message::Column::CreatedAt)
        .filter(message::Column::Channel.eq(Channel::Whatsapp.as_str()))
        .filter(message::Column::Direction.eq("in"))
        .filter(message::Column::Address.eq(address))
        .order_by_desc(message::Column::CreatedAt)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(last
        .map(|at| at + Duration::hours(24))
        .filter(|closes| *closes > Utc::now()))
}

/// Queues an SMS notice to a number nobody's record may hold (a ticket's "your turn is
/// near", asked for by typing the number), inside the caller's transaction, at any
/// hour; `None` when its key was used before.
pub async fn notify_number(
    conn: &impl ConnectionTrait,
    address: &str,
    office_id: Uuid,
    text: &str,
    key: String,
    by: &str,
) -> Result<Option<Uuid>, DbErr> {
    let count = crate::sms::count(text, true);
    outbox::queue(
        conn,
        NewMessage {
            key,
            channel: Channel::Sms,
            person_id: None,
            office_id: Some(office_id),
            template_id: None,
            campaign_id: None,
            address: address.to_owned(),
            subject: None,
            body: count.text.clone(),
            status: status::QUEUED,
            reason: None,
            any_hour: true,
            sms: Some((
                count.encoding.as_str().to_owned(),
                i32::try_from(count.segments).unwrap_or(i32::MAX),
            )),
            payload: None,
            created_by: by.to_owned(),
        },
    )
    .await
}

/// Why a reply was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// WhatsApp: more than 24 hours since the person last wrote.
    WindowClosed,
    /// An e-mail reply without a subject.
    Channel,
}

/// A reply to a conversation.
pub struct Reply<'a> {
    /// SMS, WhatsApp or e-mail.
    pub channel: Channel,
    /// The person's phone or e-mail address, as their messages came from it.
    pub address: &'a str,
    /// E-mail: the subject (required).
    pub subject: Option<&'a str>,
    /// E-mail: the Message-ID of the person's mail it answers (threads it).
    pub in_reply_to: Option<&'a str>,
    /// The person, when known.
    pub person_id: Option<Uuid>,
    /// The office answering.
    pub office_id: Uuid,
    /// The text (checked by the caller).
    pub text: &'a str,
    /// One message per key (a double click sends one).
    pub key: String,
    /// Who wrote it: the user's full name (the thread shows it).
    pub by: &'a str,
}

/// Queues a reply inside the caller's transaction: SMS at any hour (the person just
/// wrote), WhatsApp as free text while its window is open, e-mail with its subject (and
/// the mail it answers, to keep the thread). `Ok(Ok(None))` when the key was used
/// before.
pub async fn reply(
    conn: &impl ConnectionTrait,
    r: Reply<'_>,
) -> Result<Result<Option<Uuid>, Refused>, DbErr> {
    let (sms, payload) = match r.channel {
        Channel::Sms => {
            let count = crate::sms::count(r.text, false);
            (
                Some((
                    count.encoding.as_str().to_owned(),
                    i32::try_from(count.segments).unwrap_or(i32::MAX),
                )),
                None,
            )
        }
        Channel::Whatsapp => {
            if window_closes(conn, r.address).await?.is_none() {
                return Ok(Err(Refused::WindowClosed));
            }
            let payload = crate::providers::whatsapp::Payload {
                text: Some(r.text.to_owned()),
                template: None,
            };
            (None, serde_json::to_string(&payload).ok())
        }
        Channel::Email => {
            if r.subject.is_none_or(str::is_empty) {
                return Ok(Err(Refused::Channel));
            }
            let threading = crate::email::Threading {
                in_reply_to: r.in_reply_to.map(str::to_owned),
            };
            (None, serde_json::to_string(&threading).ok())
        }
    };
    let id = outbox::queue(
        conn,
        NewMessage {
            key: r.key,
            channel: r.channel,
            person_id: r.person_id,
            office_id: Some(r.office_id),
            template_id: None,
            campaign_id: None,
            address: r.address.to_owned(),
            subject: r.subject.map(str::to_owned),
            body: r.text.to_owned(),
            status: status::QUEUED,
            reason: None,
            any_hour: true,
            sms,
            payload,
            created_by: r.by.to_owned(),
        },
    )
    .await?;
    Ok(Ok(id))
}
