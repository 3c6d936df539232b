//! The public consultation form: anyone writes to the secretariat without an account.
//! Their consultation enters the inbox of the office they chose (the head office when
//! they chose none) as a `web` consultation whose contact is their e-mail, and an
//! acknowledgement goes to that address through the messaging outbox in the same
//! transaction; the office answers from the consultation, by e-mail, in the same thread.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use uuid::Uuid;

use super::domain::Channel;
use super::service::{Origin, open_conversation};
use crate::error::AttentionError;
use sipe_platform::access::Access;
use sipe_platform::audit::AuditCtx;
use sipe_platform::db::{self, Db};
use sipe_platform::i18n::Lang;
use sipe_platform::territory::entity::office;
use sipe_platform::validation::{self, FieldErrors};

/// Longest message, in characters.
pub const MESSAGE_MAX: usize = 3_000;

/// What the form sends.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    /// Name and surname.
    pub name: String,
    /// Where the answer goes.
    pub email: String,
    /// Optional.
    pub phone: String,
    /// Optional document number.
    pub document: String,
    /// Optional office code.
    pub office: String,
    /// The question.
    pub message: String,
}

/// Offices a person may address (active, by name).
pub async fn offices(
    conn: &impl sea_orm::ConnectionTrait,
) -> Result<Vec<office::Model>, sea_orm::DbErr> {
    office::Entity::find()
        .filter(office::Column::Active.eq(true))
        .order_by_asc(office::Column::Name)
        .limit(1_000)
        .all(conn)
        .await
}

struct Valid {
    name: String,
    email: String,
    phone: Option<String>,
    document: Option<String>,
    message: String,
}

fn check(input: &ContactInput) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = validation::text(&mut errors, "name", &input.name, true, 120);
    let email = input.email.trim().to_lowercase();
    if email.is_empty() {
        errors.add("email", "field-required");
    } else if email.len() > 200 || !validation::is_email(&email) {
        errors.add("email", "attention-contact-email-invalid");
    }
    let phone = crate::tickets::issue::phone(&mut errors, Some(&input.phone));
    let document = crate::tickets::issue::document(&input.document).unwrap_or_else(|k| {
        errors.add("document", k);
        None
    });
    let message =
        validation::multiline_text(&mut errors, "message", &input.message, true, MESSAGE_MAX);
    errors.into_result()?;
    Ok(Valid {
        name,
        email,
        phone,
        document,
        message,
    })
}

/// Records the consultation and queues its acknowledgement; its id.
pub async fn submit(
    db: &Db,
    tz: chrono_tz::Tz,
    input: &ContactInput,
) -> Result<Uuid, AttentionError> {
    let v = check(input)?;
    let tx = db::begin_write(db).await?;
    let office = match input.office.trim() {
        "" => crate::phone::service::head_office(&tx).await?,
        code => Some(
            crate::desk::store::active_office(&tx, code)
                .await?
                .ok_or_else(|| FieldErrors::one("office", "attention-contact-office-unknown"))?,
        ),
    };
    // No office at all: nothing can own it.
    let office = office.ok_or(AttentionError::NotFound)?;
    // What the person wrote, with who they say they are, as the consultation's notes.
    let mut notes = format!("{}\n", v.name);
    if let Some(d) = &v.document {
        notes.push_str(&format!("DNI {d}\n"));
    }
    if let Some(p) = &v.phone {
        notes.push_str(&format!("Tel. {p}\n"));
    }
    notes.push('\n');
    notes.push_str(&v.message);
    let ctx = AuditCtx {
        actor_name: format!("web:{}", v.email),
        ..AuditCtx::system()
    };
    let access = Access::system(&ctx.actor_name);
    let origin = Origin {
        tz,
        office_id: office.id,
        person_id: None,
        ticket_id: None,
    };
    let row = open_conversation(&tx, &ctx, &access, Channel::Web, &v.email, &notes, origin).await?;
    let subject = Lang::EsAr.t("attention-contact-ack-subject").into_owned();
    let text = Lang::EsAr.t_args(
        "attention-contact-ack-text",
        &[("name", v.name.clone()), ("office", office.name.clone())],
    );
    let queued = sipe_messaging::conversation::reply(
        &tx,
        sipe_messaging::conversation::Reply {
            channel: sipe_messaging::domain::Channel::Email,
            address: &v.email,
            subject: Some(&subject),
            in_reply_to: None,
            person_id: None,
            office_id: office.id,
            text: &text,
            key: format!("web-ack:{}", row.id),
            by: "sipe",
        },
    )
    .await?;
    if let Ok(Some(message_id)) = queued {
        super::conversation::link(&tx, message_id, row.id).await?;
    }
    tx.commit().await?;
    Ok(row.id)
}
