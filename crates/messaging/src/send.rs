//! Transactional messages: the one function other modules call to tell a person about
//! their own procedures (a referral, an enrolment, a payment). It runs inside the
//! caller's transaction, so the message is queued if and only if the change commits;
//! it goes on the cheapest channel the person accepts that the template has a variant
//! for, through the same outbox, consent and quiet-hour rules as campaigns (a template
//! marked "any hour" skips the quiet hours). The caller's key makes it idempotent.

use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::domain::{self, Channel, Reach, status};
use crate::outbox::{self, NewMessage};
use crate::sms;
use crate::templates::{self, Template};
use sipe_persons::contact::Contact;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::audit::AuditCtx;
use sipe_platform::ids::PersonId;

/// What happened to a transactional message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The message (none when its key was used before, or no template).
    pub message_id: Option<Uuid>,
    /// The channel chosen.
    pub channel: Option<Channel>,
    /// `queued` or `skipped`.
    pub status: &'static str,
    /// Why it was skipped.
    pub reason: Option<&'static str>,
}

impl Outcome {
    fn skipped(reason: &'static str) -> Self {
        Outcome {
            message_id: None,
            channel: None,
            status: status::SKIPPED,
            reason: Some(reason),
        }
    }
}

/// Queues the template `code` for `person`, filled with the person's own variables
/// (`nombre`, `apellido`, `oficina`) and `values`, once per `key` (the caller's: the
/// same key again queues nothing). A missing or retired template, or a person who
/// accepts none of its channels, is not an error: the change that sends it goes on,
/// and the outcome (and, for a person not reached, a `skipped` message on their
/// record) says why nothing left.
pub async fn send(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    code: &str,
    person: PersonId,
    values: &[(&str, String)],
    key: &str,
) -> Result<Outcome, DbErr> {
    let item = Item {
        person,
        values: values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        key: key.to_owned(),
    };
    let mut out = send_many(conn, ctx, code, vec![item]).await?;
    Ok(out.pop().unwrap_or(Outcome::skipped("no_person")))
}

/// One person's message of a batch.
#[derive(Debug, Clone)]
pub struct Item {
    /// The person.
    pub person: PersonId,
    /// Variables beyond the person's own.
    pub values: Vec<(String, String)>,
    /// The caller's idempotency key.
    pub key: String,
}

/// [`send`] for many people at once (a payment run's notices): the same rules, read
/// and written in batches. One outcome per item, in order; a person not found (merged
/// away) is skipped with `no_person`.
pub async fn send_many(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    code: &str,
    items: Vec<Item>,
) -> Result<Vec<Outcome>, DbErr> {
    let Some(template) = templates::by_code(conn, code).await? else {
        tracing::warn!(template = code, "no such message template: nothing sent");
        return Ok(items
            .iter()
            .map(|_| Outcome::skipped("no_template"))
            .collect());
    };
    if !template.active {
        return Ok(items
            .iter()
            .map(|_| Outcome::skipped("template_inactive"))
            .collect());
    }
    let runtime = crate::runtime::read(conn).await?;
    let channels: Vec<Channel> = template
        .channels()
        .into_iter()
        .filter(|c| runtime.channels.contains(c))
        .collect();
    if channels.is_empty() {
        return Ok(items
            .iter()
            .map(|_| Outcome::skipped("no_channel"))
            .collect());
    }
    let people: Vec<PersonId> = items.iter().map(|i| i.person).collect();
    let contacts: std::collections::HashMap<PersonId, Contact> =
        sipe_persons::contact::contacts_of(conn, &people, runtime.today())
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
    let mut offices: std::collections::HashMap<sipe_platform::ids::OfficeId, String> =
        std::collections::HashMap::new();
    let mut outcomes = Vec::with_capacity(items.len());
    let mut queued: Vec<(usize, NewMessage)> = Vec::new();
    let mut missing = None;
    for (i, item) in items.into_iter().enumerate() {
        let Some(contact) = contacts.get(&item.person) else {
            outcomes.push(Outcome::skipped("no_person"));
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = offices.entry(contact.office_id) {
            let name = sipe_platform::territory::store::office_by_id(conn, contact.office_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            slot.insert(name);
        }
        let mut filled = vec![
            ("nombre".to_owned(), contact.names.clone()),
            ("apellido".to_owned(), contact.surnames.clone()),
            (
                "oficina".to_owned(),
                offices.get(&contact.office_id).cloned().unwrap_or_default(),
            ),
        ];
        filled.extend(item.values);
        let (message, lacking) = compose_for(
            &template,
            &channels,
            contact,
            &filled,
            &item.key,
            &ctx.actor_name,
        );
        missing = missing.or(lacking);
        outcomes.push(Outcome {
            message_id: None,
            channel: Some(message.channel),
            status: message.status,
            reason: message.reason.as_deref().and_then(reason_of),
        });
        queued.push((i, message));
    }
    if let Some(name) = missing {
        tracing::error!(
            template = template.code,
            variable = name,
            "a template variable its sender does not give: those messages were not sent"
        );
    }
    // What the timeline needs of each message, kept before the outbox takes them.
    let facts: Vec<Fact> = queued
        .iter()
        .map(|(i, m)| Fact {
            index: *i,
            channel: m.channel,
            state: m.status,
            person: m.person_id,
            office: m.office_id,
            reason: m.reason.clone(),
        })
        .collect();
    let ids = outbox::queue_many(conn, queued.into_iter().map(|(_, m)| m).collect()).await?;
    let mut events = Vec::new();
    for (fact, id) in facts.into_iter().zip(ids) {
        let Fact {
            index: i,
            channel,
            state,
            person,
            office,
            reason,
        } = fact;
        let Some(id) = id else {
            outcomes[i].reason = Some("already_sent");
            continue;
        };
        outcomes[i].message_id = Some(id);
        if let Some(person) = person {
            events.push(NewEvent {
                person_id: person,
                kind: "messaging.message",
                args: vec![
                    (
                        "channel",
                        Arg::key(format!("messaging-channel-{}", channel.as_str())),
                    ),
                    ("template", Arg::text(template.name.clone())),
                    ("state", Arg::text(state)),
                ],
                link: Some(format!("/messaging/messages/{id}")),
                office_id: office,
            });
            if let (Some(event), Some(reason)) = (events.last_mut(), reason) {
                event
                    .args
                    .push(("reason", Arg::key(format!("messaging-reason-{reason}"))));
            }
        }
    }
    timeline::append_each(conn, ctx, events).await?;
    Ok(outcomes)
}

/// What a queued message's timeline event says.
struct Fact {
    index: usize,
    channel: Channel,
    state: &'static str,
    person: Option<uuid::Uuid>,
    office: Option<uuid::Uuid>,
    reason: Option<String>,
}

/// The static reason of a skipped message.
fn reason_of(r: &str) -> Option<&'static str> {
    [
        domain::Unreachable::NoAddress.as_str(),
        domain::Unreachable::NoChannelConsent.as_str(),
        domain::Unreachable::NoPurposeConsent.as_str(),
        MISSING_VARIABLE,
    ]
    .into_iter()
    .find(|s| *s == r)
}

/// The reason of a message whose template uses a variable its sender does not give
/// (the template was edited to say more than the sender knows).
const MISSING_VARIABLE: &str = "missing_variable";

/// The message for one person: on the first of `channels` (the template's, in use)
/// the person can be reached on, else a `skipped` one on the first, saying why. A
/// variable the sender does not give skips it too (and is named beside it).
fn compose_for(
    template: &Template,
    channels: &[Channel],
    contact: &Contact,
    filled: &[(String, String)],
    key: &str,
    by: &str,
) -> (NewMessage, Option<String>) {
    let reach = reach_of(contact);
    let chosen = channels.iter().find_map(|c| {
        domain::address(&reach, *c, &template.purpose)
            .ok()
            .map(|a| (*c, a))
    });
    let (channel, address, skipped) = match chosen {
        Some((c, a)) => (c, a, None),
        None => {
            let first = channels.first().copied().unwrap_or(Channel::Sms);
            let why = domain::address(&reach, first, &template.purpose)
                .err()
                .map(|u| u.as_str());
            (first, String::new(), why)
        }
    };
    let message = |body: Composed, skipped: Option<&str>| NewMessage {
        key: format!("t:{key}"),
        channel,
        person_id: Some(contact.id.0),
        office_id: Some(contact.office_id.0),
        template_id: Some(template.id),
        campaign_id: None,
        address: address.clone(),
        subject: body.subject,
        sms: body.sms,
        payload: body.payload,
        body: body.text,
        status: if skipped.is_some() {
            status::SKIPPED
        } else {
            status::QUEUED
        },
        reason: skipped.map(str::to_owned),
        any_hour: template.any_hour,
        created_by: by.to_owned(),
    };
    match compose(template, channel, filled) {
        Ok(body) => (message(body, skipped), None),
        Err(name) => {
            let empty = Composed {
                subject: None,
                text: String::new(),
                sms: None,
                payload: None,
            };
            (message(empty, Some(MISSING_VARIABLE)), Some(name))
        }
    }
}

/// What a person's record says about reaching them.
pub fn reach_of(c: &Contact) -> Reach {
    Reach {
        phone: c.phone.clone(),
        email: c.email.clone(),
        sms: c.sms_consent,
        whatsapp: c.whatsapp_consent,
        email_ok: c.email_consent,
        purposes: c.purposes.clone(),
    }
}

/// A message's text on a channel.
pub struct Composed {
    /// Subject (e-mail).
    pub subject: Option<String>,
    /// Text as sent.
    pub text: String,
    /// SMS encoding and segments.
    pub sms: Option<(String, i32)>,
    /// WhatsApp: the template call and the free text (JSON).
    pub payload: Option<String>,
}

/// Fills the template's variant for `channel`; a variable without a value is an error
/// naming it.
pub fn compose(
    t: &Template,
    channel: Channel,
    values: &[(String, String)],
) -> Result<Composed, String> {
    let fill = |text: &str| domain::render(text, values);
    Ok(match channel {
        Channel::Sms => {
            let text = fill(t.sms_text.as_deref().unwrap_or_default())?;
            let count = sms::count(&text, t.sms_transliterate);
            Composed {
                subject: None,
                sms: Some((
                    count.encoding.as_str().to_owned(),
                    i32::try_from(count.segments).unwrap_or(i32::MAX),
                )),
                text: count.text,
                payload: None,
            }
        }
        Channel::Email => Composed {
            subject: Some(fill(t.email_subject.as_deref().unwrap_or_default())?),
            text: fill(t.email_text.as_deref().unwrap_or_default())?,
            sms: None,
            payload: None,
        },
        Channel::Whatsapp => {
            let free = t.whatsapp_text.as_deref().map(fill).transpose()?;
            let template = match (&t.whatsapp_name, &t.whatsapp_language) {
                (Some(name), Some(language)) => Some(crate::providers::whatsapp::TemplateCall {
                    name: name.clone(),
                    language: language.clone(),
                    params: t
                        .whatsapp_params
                        .iter()
                        .map(|p| fill(&format!("{{{p}}}")))
                        .collect::<Result<_, _>>()?,
                }),
                _ => None,
            };
            // What screens show: the free text, else the template with its values.
            let text = match (&free, &template) {
                (Some(f), _) => f.clone(),
                (None, Some(c)) => format!("[{}] {}", c.name, c.params.join(" | ")),
                (None, None) => String::new(),
            };
            let payload = crate::providers::whatsapp::Payload {
                text: free,
                template,
            };
            Composed {
                subject: None,
                text,
                sms: None,
                payload: serde_json::to_string(&payload).ok(),
            }
        }
    })
}
