//! What providers tell us: messages people send (an SMS, a WhatsApp message) and
//! delivery reports of ours. An inbound message is matched to the person by phone
//! (E.164) and kept either way (an unknown number stays unknown); a STOP or BAJA
//! reply withdraws that channel's consent of every person with that phone. Each event
//! is recorded once: providers repeat what they did not see acknowledged.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::domain::{self, Channel, clip, status};
use crate::entity::message;
use sipe_persons::contact::{self, ContactChannel};
use sipe_persons::domain::PhoneE164;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::audit::AuditCtx;
use sipe_platform::db::Db;

/// An event a provider reports.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderEvent {
    /// A person wrote to us.
    Inbound(Inbound),
    /// What became of a message of ours.
    Receipt(Receipt),
}

/// A message a person sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// SMS or WhatsApp.
    pub channel: Channel,
    /// The provider's name (`smpp`, `whatsapp`, `http`).
    pub provider: &'static str,
    /// The provider's id of the message (repeats are recognised by it).
    pub provider_id: String,
    /// The sender's number as the provider gives it.
    pub from: String,
    /// The number is international without its `+` (SMPP TON 1, WhatsApp's `wa_id`).
    pub international: bool,
    /// Text.
    pub text: String,
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// An e-mail's subject and thread (its `provider_id` is its Message-ID and `from`
    /// the sender's address).
    pub mail: Option<Mail>,
}

/// What an inbound e-mail brings beside its text.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Mail {
    /// Subject.
    pub subject: String,
    /// The Message-IDs it answers (In-Reply-To, then References), without brackets.
    pub answers: Vec<String>,
    /// Attachments it came with (kept in the mailbox, not here).
    pub attachments: u32,
}

/// An inbound e-mail's thread, as its message's payload keeps it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct MailThread {
    /// The Message-IDs it answers.
    pub answers: Vec<String>,
    /// Attachments it came with.
    pub attachments: u32,
}

/// A delivery report.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// The provider's name.
    pub provider: &'static str,
    /// The provider's id of our message.
    pub provider_id: String,
    /// `delivered`, `failed` or `expired`.
    pub status: &'static str,
    /// The provider's words (an error code).
    pub detail: Option<String>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// Longest inbound text kept (a concatenated SMS, a long WhatsApp message).
pub const MAX_TEXT: usize = 4_096;

/// Records events; a repeat of one already recorded changes nothing. Receipts go in
/// one transaction (an SMSC sends them as fast as we send), each message a person sent
/// in its own, with the consent it withdraws.
pub async fn apply_all(db: &Db, events: Vec<ProviderEvent>) -> Result<(), DbErr> {
    let (receipts, messages): (Vec<_>, Vec<_>) = events
        .into_iter()
        .partition(|e| matches!(e, ProviderEvent::Receipt(_)));
    if !receipts.is_empty() {
        let tx = sipe_platform::db::begin_write(db).await?;
        for r in receipts {
            let ProviderEvent::Receipt(r) = r else {
                continue;
            };
            let known = crate::outbox::report(
                &tx,
                r.provider,
                &r.provider_id,
                r.status,
                r.detail.as_deref(),
                r.at,
            )
            .await?;
            if !known {
                // A receipt of a part after the first of a long SMS, or of a message
                // sent before this database: nothing of ours to update.
                tracing::debug!(
                    provider = r.provider,
                    id = r.provider_id,
                    "receipt of an unknown message"
                );
            }
        }
        tx.commit().await?;
    }
    for m in messages {
        if let ProviderEvent::Inbound(m) = m {
            receive(db, m).await?;
        }
    }
    Ok(())
}

/// What became of an inbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The stored message; `None` when it had been received before.
    pub id: Option<Uuid>,
    /// People with the sender's phone.
    pub people: usize,
    /// People whose consent to the channel it withdrew.
    pub opted_out: usize,
}

/// The sender's phone in E.164, when it is one. People write from mobiles: a national
/// number of ten digits (area code and number, as an Argentine SMSC may give it) is
/// read as a mobile (`+549…`); digits starting with 54 and long enough are
/// international even when the provider does not say so.
pub fn sender_phone(from: &str, international: bool) -> Option<String> {
    let from = from.trim();
    let digits = !from.is_empty() && from.bytes().all(|b| b.is_ascii_digit());
    let text = if from.starts_with('+') {
        from.to_owned()
    } else if international || (digits && from.starts_with("54") && from.len() >= 12) {
        format!("+{from}")
    } else if digits && from.len() == 10 {
        format!("+549{from}")
    } else {
        from.to_owned()
    };
    PhoneE164::parse(&text).map(|p| p.as_str().to_owned())
}

/// Stores an inbound message, matched to the person by phone, in one transaction with
/// the consent withdrawals a STOP or BAJA asks for.
pub async fn receive(db: &Db, m: Inbound) -> Result<Received, DbErr> {
    let email = (m.channel == Channel::Email)
        .then(|| m.from.trim().to_lowercase())
        .filter(|e| !e.is_empty() && e.len() <= 200);
    let phone = if email.is_some() {
        None
    } else {
        sender_phone(&m.from, m.international)
    };
    let tx = sipe_platform::db::begin_write(db).await?;
    let key = format!("in:{}:{}", m.provider, m.provider_id);
    let repeated = message::Entity::find()
        .filter(message::Column::IdempotencyKey.eq(key.clone()))
        .one(&tx)
        .await?;
    if repeated.is_some() {
        return Ok(Received {
            id: None,
            people: 0,
            opted_out: 0,
        });
    }
    let people = match (&phone, &email) {
        (Some(p), _) => contact::find_by_phone(&tx, p).await?,
        (None, Some(e)) => contact::find_by_email(&tx, e).await?,
        (None, None) => Vec::new(),
    };
    let address = phone
        .clone()
        .or_else(|| email.clone())
        .unwrap_or_else(|| clip(&m.from, 40));
    // The newest message of ours to this number on this channel: a reply answers it,
    // and a BAJA counts against its campaign.
    let answered: Option<(Option<Uuid>,)> = message::Entity::find()
        .select_only()
        .column(message::Column::CampaignId)
        .filter(message::Column::Direction.eq("out"))
        .filter(message::Column::Channel.eq(m.channel.as_str()))
        .filter(message::Column::Address.eq(address.clone()))
        .filter(message::Column::Status.is_in([status::SENT, status::DELIVERED]))
        .order_by_desc(message::Column::SentAt)
        .into_tuple()
        .one(&tx)
        .await?;
    // A BAJA by SMS or WhatsApp; e-mail has its own unsubscribe links.
    let opt_out = m.channel != Channel::Email && domain::is_opt_out(&m.text);
    let ctx = AuditCtx {
        actor_name: format!("{}:{}", m.channel.as_str(), address),
        ..AuditCtx::system()
    };
    let mut opted_out = 0;
    if opt_out {
        let channel = match m.channel {
            Channel::Sms => ContactChannel::Sms,
            Channel::Whatsapp => ContactChannel::Whatsapp,
            Channel::Email => ContactChannel::Email,
        };
        for (person, _) in &people {
            match contact::withdraw_consent(&tx, &ctx, *person, channel).await {
                Ok(true) => opted_out += 1,
                Ok(false) => {}
                Err(sipe_persons::service::PersonError::Store(
                    sipe_platform::db::StoreError::Other(e),
                )) => return Err(e),
                Err(e) => return Err(DbErr::Custom(format!("consent withdrawal: {e}"))),
            }
        }
    }
    // A shared phone names nobody in particular: the message stays unlinked, but every
    // person with it sees it on their timeline, and their office (when they share one,
    // as a family does) sees the message.
    let (person_id, office_id) = match people.as_slice() {
        [(p, o)] => (Some(p.0), Some(o.0)),
        [(_, o), rest @ ..] if rest.iter().all(|(_, other)| other == o) => (None, Some(o.0)),
        _ => (None, None),
    };
    let id = Uuid::now_v7();
    let now = Utc::now();
    let text = clip(&m.text, MAX_TEXT);
    let row = message::ActiveModel {
        id: Set(id),
        idempotency_key: Set(key),
        direction: Set("in".into()),
        channel: Set(m.channel.as_str().into()),
        person_id: Set(person_id),
        office_id: Set(office_id),
        template_id: Set(None),
        campaign_id: Set(answered.and_then(|(c,)| c)),
        address: Set(address),
        subject: Set(m.mail.as_ref().map(|mail| clip(&mail.subject, 250))),
        body: Set(text.clone()),
        status: Set(status::RECEIVED.into()),
        reason: Set(if opt_out {
            Some(OPT_OUT.into())
        } else if people.is_empty() {
            Some(UNKNOWN_SENDER.into())
        } else {
            None
        }),
        detail: Set(None),
        any_hour: Set(false),
        provider: Set(Some(m.provider.into())),
        // An e-mail's Message-ID: a reply to it names it.
        provider_id: Set(m.mail.as_ref().map(|_| m.provider_id.clone())),
        encoding: Set(None),
        segments: Set(None),
        cost_cents: Set(0),
        attempts: Set(0),
        next_attempt_at: Set(m.at),
        locked_until: Set(None),
        claim: Set(None),
        handed_at: Set(None),
        payload: Set(m.mail.as_ref().and_then(|mail| {
            serde_json::to_string(&MailThread {
                answers: mail.answers.clone(),
                attachments: mail.attachments,
            })
            .ok()
        })),
        created_by: Set(m.provider.into()),
        created_at: Set(m.at),
        sent_at: Set(Some(m.at)),
        delivered_at: Set(None),
        updated_at: Set(now),
    };
    message::Entity::insert(row)
        .exec_without_returning(&tx)
        .await?;
    let events = people
        .iter()
        .map(|(person, office)| NewEvent {
            person_id: person.0,
            kind: "messaging.message",
            args: vec![
                (
                    "channel",
                    Arg::key(format!("messaging-channel-{}", m.channel.as_str())),
                ),
                ("template", Arg::text(clip(&text, 80))),
                ("state", Arg::text(status::RECEIVED)),
            ],
            link: Some(format!("/messaging/messages/{id}")),
            office_id: Some(office.0),
        })
        .collect();
    timeline::append_each(&tx, &ctx, events).await?;
    tx.commit().await?;
    Ok(Received {
        id: Some(id),
        people: people.len(),
        opted_out,
    })
}

/// The reason of an inbound STOP or BAJA.
pub const OPT_OUT: &str = "opt_out";
/// The reason of an inbound message from a number nobody has.
pub const UNKNOWN_SENDER: &str = "unknown_sender";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn senders_are_read_as_e164() {
        assert_eq!(
            sender_phone("5493815442347", true).as_deref(),
            Some("+5493815442347")
        );
        assert_eq!(
            sender_phone("+5493815442347", true).as_deref(),
            Some("+5493815442347")
        );
        // A national number as an Argentine SMSC may give it: a mobile.
        assert_eq!(
            sender_phone("3815442347", false).as_deref(),
            Some("+5493815442347")
        );
        // International digits without the TON saying so.
        assert_eq!(
            sender_phone("5493815442347", false).as_deref(),
            Some("+5493815442347")
        );
        assert_eq!(clip("Ba\u{0}ja\n", 10), "Baja\n");
        assert_eq!(sender_phone("INFO", false), None);
        assert_eq!(sender_phone("", true), None);
    }
}
