//! Conversations: what people write by SMS or WhatsApp becomes a consultation — one open
//! conversation per phone and channel, every later message added to it — and e-mail
//! too, by thread: a new mail opens a consultation, a reply (In-Reply-To or References
//! naming a mail of it) joins its own. The office answers from the consultation,
//! through the messaging module (WhatsApp free text only inside its 24-hour window;
//! e-mail in the person's thread, under their subject).
//!
//! A follower reads the received messages in the order they were stored, from a cursor
//! kept in the database, going back a minute each round to catch messages whose
//! transaction committed late; a message already in a consultation is never taken
//! twice (the link's key is the message).

use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::{Channel, InteractionStatus};
use super::service::{Origin, open_conversation};
use super::store;
use crate::entity::{cursor, interaction, interaction_message};
use crate::error::AttentionError;
use sipe_messaging::conversation::{self as messaging, Received, Refused, ThreadMessage};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db, StoreError};
use sipe_platform::validation::FieldErrors;

/// The follower's name in `attention_cursors`.
const FOLLOWER: &str = "conversations";
/// How far back each round looks again for late commits.
const OVERLAP: Duration = Duration::minutes(1);
/// How far back a first round looks.
const FIRST_LOOK: Duration = Duration::days(7);
/// Messages read per page.
const PAGE: u64 = 500;
/// Longest reply, in characters.
pub const REPLY_MAX: usize = 1_000;

/// The channel of a consultation for a messaging channel.
fn channel_of(c: sipe_messaging::domain::Channel) -> Option<Channel> {
    match c {
        sipe_messaging::domain::Channel::Sms => Some(Channel::Sms),
        sipe_messaging::domain::Channel::Whatsapp => Some(Channel::Whatsapp),
        sipe_messaging::domain::Channel::Email => Some(Channel::Email),
    }
}

/// The consultation an e-mail's thread belongs to: the newest one holding a message its
/// In-Reply-To or References name.
async fn thread_of(
    conn: &impl ConnectionTrait,
    m: &Received,
) -> Result<Option<interaction::Model>, sea_orm::DbErr> {
    let named = messaging::named_by(conn, &m.answers).await?;
    if named.is_empty() {
        return Ok(None);
    }
    let Some(link) = interaction_message::Entity::find()
        .filter(interaction_message::Column::MessageId.is_in(named))
        .order_by_desc(interaction_message::Column::CreatedAt)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    interaction::Entity::find_by_id(link.interaction_id)
        .one(conn)
        .await
}

/// What a new e-mail consultation notes: its subject, its text, and the attachments
/// left in the mailbox.
fn mail_notes(m: &Received) -> String {
    let mut notes = String::new();
    if let Some(s) = m.subject.as_deref().filter(|s| !s.is_empty()) {
        notes.push_str(&format!("{s}\n\n"));
    }
    notes.push_str(&m.body);
    if m.attachments > 0 {
        notes.push_str(&format!("\n\n[{} adjunto(s) en el buzón]", m.attachments));
    }
    notes
}

/// Reads the messages people sent since the last round into conversations; how many
/// it took.
pub async fn follow(db: &Db, tz: chrono_tz::Tz) -> Result<usize, AttentionError> {
    let now = Utc::now();
    let from = cursor::Entity::find_by_id(FOLLOWER.to_owned())
        .one(db)
        .await?
        .map_or(now - FIRST_LOOK, |c| c.at);
    let mut after = (from - OVERLAP, Uuid::nil());
    let mut reached = from;
    let mut taken = 0;
    loop {
        let page = messaging::received_after(db, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = (last.stored, last.id);
        reached = reached.max(last.stored);
        let ids: Vec<Uuid> = page.iter().map(|m| m.id).collect();
        let linked: Vec<Uuid> = interaction_message::Entity::find()
            .filter(interaction_message::Column::MessageId.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.message_id)
            .collect();
        let full = page.len() as u64 == PAGE;
        for m in page.into_iter().filter(|m| !linked.contains(&m.id)) {
            match take(db, tz, &m).await {
                Ok(()) => taken += 1,
                // Another node took it meanwhile.
                Err(AttentionError::Store(StoreError::Conflict(_))) => {}
                Err(e) => return Err(e),
            }
        }
        if !full {
            break;
        }
    }
    if reached > from {
        let row = cursor::ActiveModel {
            name: Set(FOLLOWER.to_owned()),
            at: Set(reached),
        };
        match cursor::Entity::find_by_id(FOLLOWER.to_owned())
            .one(db)
            .await?
        {
            Some(_) => {
                row.update(db).await?;
            }
            None => {
                row.insert(db).await?;
            }
        }
    }
    Ok(taken)
}

/// The open conversation of a phone on a channel, if any.
async fn open_of(
    conn: &impl ConnectionTrait,
    channel: Channel,
    address: &str,
) -> Result<Option<interaction::Model>, sea_orm::DbErr> {
    interaction::Entity::find()
        .filter(interaction::Column::Channel.eq(channel.as_str()))
        .filter(interaction::Column::Contact.eq(address))
        .filter(interaction::Column::Status.ne(InteractionStatus::Resolved.as_str()))
        .order_by_desc(interaction::Column::CreatedAt)
        .one(conn)
        .await
}

/// One message into its conversation (a new one when the phone has none open), in one
/// transaction.
async fn take(db: &Db, tz: chrono_tz::Tz, m: &Received) -> Result<(), AttentionError> {
    let Some(channel) = channel_of(m.channel) else {
        return Ok(());
    };
    let tx = db::begin_write(db).await?;
    let ctx = AuditCtx {
        actor_name: format!("{}:{}", channel.as_str(), m.address),
        ..AuditCtx::system()
    };
    // E-mail keeps its threads: a new mail is a new consultation, a reply joins its own.
    let open = if channel == Channel::Email {
        thread_of(&tx, m).await?
    } else {
        open_of(&tx, channel, &m.address).await?
    };
    let interaction_id = match open {
        Some(open) => {
            // The person wrote again: the office owes the next answer.
            if open.status != InteractionStatus::Open.as_str() {
                reopen(&tx, &ctx, open.clone()).await?;
            }
            open.id
        }
        None => {
            let office_id = match m.office_id {
                Some(o) => o,
                None => match crate::phone::service::head_office(&tx).await? {
                    Some(o) => o.id,
                    // No office at all: nothing can own it yet.
                    None => return Ok(()),
                },
            };
            let origin = Origin {
                tz,
                office_id,
                person_id: m.person_id,
                ticket_id: None,
            };
            let access = Access::system(&ctx.actor_name);
            let notes = if channel == Channel::Email {
                mail_notes(m)
            } else {
                m.body.clone()
            };
            open_conversation(&tx, &ctx, &access, channel, &m.address, &notes, origin)
                .await?
                .id
        }
    };
    link(&tx, m.id, interaction_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Puts a conversation waiting on the person back to "open": they answered.
async fn reopen(
    tx: &DatabaseTransaction,
    ctx: &AuditCtx,
    row: interaction::Model,
) -> Result<(), AttentionError> {
    let (id, version, before) = (row.id, row.version, row.status.clone());
    let mut a = row.into_active_model();
    a.status = Set(InteractionStatus::Open.as_str().to_owned());
    a.updated_at = Set(Utc::now().trunc_subsecs(6));
    a.version = Set(version + 1);
    a.update(tx).await?;
    audit::record(
        tx,
        ctx,
        Change::new("attention.interaction.status", "attention_interaction", id)
            .before(json!({"status": before}))
            .after(json!({"status": InteractionStatus::Open.as_str(), "by": "message"})),
    )
    .await?;
    Ok(())
}

pub(crate) async fn link(
    tx: &DatabaseTransaction,
    message_id: Uuid,
    interaction_id: Uuid,
) -> Result<(), AttentionError> {
    interaction_message::ActiveModel {
        message_id: Set(message_id),
        interaction_id: Set(interaction_id),
        created_at: Set(Utc::now().trunc_subsecs(6)),
    }
    .insert(tx)
    .await?;
    Ok(())
}

/// A consultation's messages, oldest first (the caller checked its scope).
pub async fn messages(
    conn: &impl ConnectionTrait,
    interaction_id: Uuid,
) -> Result<Vec<ThreadMessage>, AttentionError> {
    let ids: Vec<Uuid> = interaction_message::Entity::find()
        .filter(interaction_message::Column::InteractionId.eq(interaction_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|l| l.message_id)
        .collect();
    Ok(messaging::thread(conn, &ids).await?)
}

/// When a WhatsApp conversation's window closes, if it is open.
pub async fn window_closes(
    conn: &impl ConnectionTrait,
    i: &interaction::Model,
) -> Result<Option<DateTime<Utc>>, AttentionError> {
    match (i.channel.as_str(), &i.contact) {
        ("whatsapp", Some(address)) => Ok(messaging::window_closes(conn, address).await?),
        _ => Ok(None),
    }
}

/// A reply as written.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReplyInput {
    /// The text (1 to 1,000 characters).
    pub text: String,
    /// Any text unique to this reply (a form's): sending it twice sends one message.
    pub key: Option<String>,
}

/// Answers a conversation (capture scope of its office): the message is queued in the
/// same transaction that links it and counts as the first answer. Refused (409) on
/// WhatsApp more than 24 hours after the person last wrote.
pub async fn reply(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &ReplyInput,
) -> Result<Option<Uuid>, AttentionError> {
    let mut errors = FieldErrors::new();
    let text = sipe_platform::validation::multiline_text(
        &mut errors,
        "text",
        &input.text,
        true,
        REPLY_MAX,
    );
    let key = super::service::trimmed(input.key.as_deref());
    if key.as_ref().is_some_and(|k| k.len() > 100) {
        errors.add("key", "attention-reply-key-invalid");
    }
    errors.into_result()?;
    let tx = db::begin_write(db).await?;
    let i = store::find(&tx, access, ScopeKind::Capture, id)
        .await?
        .ok_or(AttentionError::NotFound)?;
    let Some(address) = i.contact.clone() else {
        return Err(AttentionError::Conflict("attention-reply-channel"));
    };
    let email = sipe_platform::validation::is_email(&address);
    let channel = match i.channel.as_str() {
        "sms" => sipe_messaging::domain::Channel::Sms,
        "whatsapp" => sipe_messaging::domain::Channel::Whatsapp,
        // E-mail and the web form are answered by e-mail.
        "email" | "web" if email => sipe_messaging::domain::Channel::Email,
        _ => return Err(AttentionError::Conflict("attention-reply-channel")),
    };
    // An e-mail answers the person's last mail, in its thread and under its subject.
    let answered = if channel == sipe_messaging::domain::Channel::Email {
        let ids: Vec<Uuid> = interaction_message::Entity::find()
            .filter(interaction_message::Column::InteractionId.eq(i.id))
            .all(&tx)
            .await?
            .into_iter()
            .map(|l| l.message_id)
            .collect();
        messaging::last_mail_of(&tx, &ids).await?
    } else {
        None
    };
    let subject = match answered.as_ref().and_then(|(_, s)| s.as_deref()) {
        Some(s) if !s.is_empty() && !s.to_lowercase().starts_with("re:") => format!("Re: {s}"),
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => sipe_platform::i18n::Lang::EsAr
            .t("attention-email-reply-subject")
            .into_owned(),
    };
    let key = format!(
        "reply:{id}:{}",
        key.unwrap_or_else(|| Uuid::now_v7().to_string())
    );
    let queued = messaging::reply(
        &tx,
        messaging::Reply {
            channel,
            address: &address,
            subject: Some(&subject),
            in_reply_to: answered.as_ref().map(|(id, _)| id.as_str()),
            person_id: i.person_id,
            office_id: i.office_id,
            text: &text,
            key,
            by: &access.actor.full_name,
        },
    )
    .await?;
    let message_id = match queued {
        Ok(id) => id,
        Err(Refused::WindowClosed) => {
            return Err(AttentionError::Conflict("attention-reply-window-closed"));
        }
        Err(Refused::Channel) => return Err(AttentionError::Conflict("attention-reply-channel")),
    };
    let Some(message_id) = message_id else {
        // Sent before with this key: nothing new.
        return Ok(None);
    };
    link(&tx, message_id, id).await?;
    let now = Utc::now().trunc_subsecs(6);
    let version = i.version;
    let answered_before = i.first_response_at.is_some();
    let mut a = i.into_active_model();
    if !answered_before {
        a.first_response_at = Set(Some(now));
    }
    a.updated_at = Set(now);
    a.version = Set(version + 1);
    a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("attention.interaction.reply", "attention_interaction", id)
            .after(json!({"message_id": message_id, "channel": channel.as_str()})),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(message_id))
}
