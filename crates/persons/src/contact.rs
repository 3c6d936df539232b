//! How a person may be contacted, for the messaging module: addresses, the consents per
//! channel and the purposes consented to; people by phone (inbound messages); and a
//! consent withdrawn by the person (a BAJA reply, an unsubscribe link), recorded like
//! any edit of the record: field history, audit row and timeline event.

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::entity::{person, profile_item};
use crate::registry::service::{PersonError, Snapshot, record_changes};
use sipe_platform::audit::AuditCtx;
use sipe_platform::ids::{OfficeId, PersonId};

/// A person's addresses and consents.
#[derive(Debug, Clone)]
pub struct Contact {
    /// Person.
    pub id: PersonId,
    /// Owning office.
    pub office_id: OfficeId,
    /// Names (the self-perceived name when there is one).
    pub names: String,
    /// Surnames.
    pub surnames: String,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Accepts SMS.
    pub sms_consent: bool,
    /// Accepts WhatsApp.
    pub whatsapp_consent: bool,
    /// Accepts e-mail.
    pub email_consent: bool,
    /// Purposes with a consent in force on `today` (given, not withdrawn).
    pub purposes: Vec<String>,
}

/// The channels a person consents to one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactChannel {
    /// SMS.
    Sms,
    /// WhatsApp.
    Whatsapp,
    /// E-mail.
    Email,
}

#[derive(sea_orm::FromQueryResult)]
struct Row {
    id: Uuid,
    office_id: Uuid,
    names: String,
    chosen_name: Option<String>,
    surnames: String,
    phone: Option<String>,
    email: Option<String>,
    sms_consent: bool,
    whatsapp_consent: bool,
    email_consent: bool,
}

/// Addresses and consents of these people (merged records left out), whatever the
/// scope: callers reach people they already may see, or filter by office themselves.
pub async fn contacts_of(
    conn: &impl ConnectionTrait,
    ids: &[PersonId],
    today: NaiveDate,
) -> Result<Vec<Contact>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let rows: Vec<Row> = person::Entity::find()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::OfficeId,
                person::Column::Names,
                person::Column::ChosenName,
                person::Column::Surnames,
                person::Column::Phone,
                person::Column::Email,
                person::Column::SmsConsent,
                person::Column::WhatsappConsent,
                person::Column::EmailConsent,
            ])
            .filter(person::Column::Id.is_in(chunk.iter().map(|p| p.0)))
            .filter(person::Column::MergedInto.is_null())
            .into_model()
            .all(conn)
            .await?;
        let consents: Vec<(Uuid, String)> = profile_item::Entity::find()
            .select_only()
            .columns([profile_item::Column::PersonId, profile_item::Column::Code])
            .filter(profile_item::Column::PersonId.is_in(chunk.iter().map(|p| p.0)))
            .filter(profile_item::Column::Kind.eq("consent"))
            .filter(
                Condition::any()
                    .add(profile_item::Column::FromDate.is_null())
                    .add(profile_item::Column::FromDate.lte(today)),
            )
            .filter(
                Condition::any()
                    .add(profile_item::Column::ToDate.is_null())
                    .add(profile_item::Column::ToDate.gt(today)),
            )
            .into_tuple()
            .all(conn)
            .await?;
        let mut by_person: std::collections::HashMap<Uuid, Vec<String>> =
            std::collections::HashMap::new();
        for (p, code) in consents {
            by_person.entry(p).or_default().push(code);
        }
        out.extend(rows.into_iter().map(|r| Contact {
            id: PersonId(r.id),
            office_id: OfficeId(r.office_id),
            names: r.chosen_name.unwrap_or(r.names),
            surnames: r.surnames,
            phone: r.phone,
            email: r.email,
            sms_consent: r.sms_consent,
            whatsapp_consent: r.whatsapp_consent,
            email_consent: r.email_consent,
            purposes: by_person.remove(&r.id).unwrap_or_default(),
        }));
    }
    Ok(out)
}

/// People (not merged away) whose phone is this E.164 number, with their office; more
/// than one when a family shares a phone. Bounded, but far above any family: a BAJA
/// from a number typed into many records (an office's line) reaches all of them.
pub async fn find_by_phone(
    conn: &impl ConnectionTrait,
    e164: &str,
) -> Result<Vec<(PersonId, OfficeId)>, DbErr> {
    let rows: Vec<(Uuid, Uuid)> = person::Entity::find()
        .select_only()
        .columns([person::Column::Id, person::Column::OfficeId])
        .filter(person::Column::Phone.eq(e164))
        .filter(person::Column::MergedInto.is_null())
        .limit(1_000)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(p, o)| (PersonId(p), OfficeId(o)))
        .collect())
}

/// People (not merged away) whose e-mail is this address (lowercase), with their
/// office; bounded like [`find_by_phone`].
pub async fn find_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> Result<Vec<(PersonId, OfficeId)>, DbErr> {
    let rows: Vec<(Uuid, Uuid)> = person::Entity::find()
        .select_only()
        .columns([person::Column::Id, person::Column::OfficeId])
        .filter(person::Column::Email.eq(email))
        .filter(person::Column::MergedInto.is_null())
        .limit(1_000)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(p, o)| (PersonId(p), OfficeId(o)))
        .collect())
}

/// Records that the person withdrew their consent to `channel`, inside the caller's
/// transaction (history, audit, timeline); false when it was not given.
pub async fn withdraw_consent(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    person_id: PersonId,
    channel: ContactChannel,
) -> Result<bool, PersonError> {
    set_consent(tx, ctx, person_id, channel, false).await
}

/// Records that the person gave (or withdrew) their consent to `channel`, inside the
/// caller's transaction, like any edit of the record; false when it already was so.
pub async fn set_consent(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    person_id: PersonId,
    channel: ContactChannel,
    given: bool,
) -> Result<bool, PersonError> {
    use sea_orm::ActiveModelTrait;
    let p = person::Entity::find_by_id(person_id)
        .one(tx)
        .await?
        .ok_or(PersonError::NotFound)?;
    let (field, now) = match channel {
        ContactChannel::Sms => ("sms_consent", p.sms_consent),
        ContactChannel::Whatsapp => ("whatsapp_consent", p.whatsapp_consent),
        ContactChannel::Email => ("email_consent", p.email_consent),
    };
    if now == given {
        return Ok(false);
    }
    let before: Snapshot = vec![(field, Some(now.to_string()))];
    let after: Snapshot = vec![(field, Some(given.to_string()))];
    let mut a = p.into_active_model();
    match channel {
        ContactChannel::Sms => a.sms_consent = Set(given),
        ContactChannel::Whatsapp => a.whatsapp_consent = Set(given),
        ContactChannel::Email => a.email_consent = Set(given),
    }
    a.updated_at = Set(chrono::Utc::now());
    let updated = a.update(tx).await?;
    record_changes(tx, ctx, &updated, &before, &after).await?;
    Ok(true)
}
