//! Issuing a ticket: at reception (staff, capture scope), at the kiosk or from the web
//! (public), numbered per prefix and day under the office's queue lock.

use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::{self, Source, TicketStatus};
use crate::desk;
use crate::entity::{service, ticket, ticket_number};
use crate::error::AttentionError;
use crate::queue::Priority;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self};
use sipe_platform::validation::FieldErrors;

use super::service::{Queue, Ticket, lock_queue};

/// A ticket to issue.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct IssueInput {
    /// The service (of the office in the path).
    pub service_id: Option<Uuid>,
    /// `regular` (default), `appointment`, `older_adult`, `pregnancy`, `disability`.
    pub priority: Option<String>,
    /// The person's document number (digits), looked up at the counter.
    pub document: Option<String>,
    /// The person, when staff know them (view scope).
    pub person_id: Option<Uuid>,
    /// A mobile to get an SMS when the turn is near (optional).
    pub phone: Option<String>,
}

struct ValidIssue {
    service_id: Uuid,
    priority: Priority,
    document: Option<String>,
    phone: Option<String>,
}

/// A document number as typed: dots and spaces dropped, 6 to 11 digits.
pub fn document(raw: &str) -> Result<Option<String>, &'static str> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '-'))
        .collect();
    if digits.is_empty() {
        Ok(None)
    } else if (6..=11).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(digits))
    } else {
        Err("attention-document-invalid")
    }
}

fn check_issue(input: &IssueInput) -> Result<ValidIssue, FieldErrors> {
    let mut errors = FieldErrors::new();
    let service_id = input.service_id.unwrap_or_else(|| {
        errors.add("service_id", "field-required");
        Uuid::nil()
    });
    let priority = match input.priority.as_deref().map(str::trim) {
        None | Some("") => Priority::Regular,
        Some(p) => Priority::parse(p).unwrap_or_else(|| {
            errors.add("priority", "attention-priority-invalid");
            Priority::Regular
        }),
    };
    let document = document(input.document.as_deref().unwrap_or_default()).unwrap_or_else(|k| {
        errors.add("document", k);
        None
    });
    let phone = phone(&mut errors, input.phone.as_deref());
    errors.into_result()?;
    Ok(ValidIssue {
        service_id,
        priority,
        document,
        phone,
    })
}

/// A mobile as typed, in E.164 (none when blank); its problem added to `errors`.
pub fn phone(errors: &mut FieldErrors, raw: Option<&str>) -> Option<String> {
    match raw.map(str::trim) {
        None | Some("") => None,
        Some(raw) if raw.len() > 40 => {
            errors.add("phone", "field-phone-too-long");
            None
        }
        Some(raw) => match sipe_persons::registry::domain::PhoneE164::parse(raw) {
            Some(p) => Some(p.as_str().to_owned()),
            None => {
                errors.add("phone", sipe_platform::validation::phone_problem(raw));
                None
            }
        },
    }
}

/// The next number of a prefix on a day (the queue row is locked).
async fn next_number(
    tx: &DatabaseTransaction,
    office_id: Uuid,
    prefix: &str,
    day: chrono::NaiveDate,
) -> Result<i32, AttentionError> {
    let current = ticket_number::Entity::find_by_id((office_id, prefix.to_owned(), day))
        .one(tx)
        .await?;
    let next = match current {
        Some(n) => {
            let next = n.last + 1;
            let mut a = n.into_active_model();
            a.last = Set(next);
            a.update(tx).await?;
            next
        }
        None => {
            ticket_number::ActiveModel {
                office_id: Set(office_id),
                prefix: Set(prefix.to_owned()),
                day: Set(day),
                last: Set(1),
            }
            .insert(tx)
            .await?;
            1
        }
    };
    Ok(next)
}

/// Who issues a ticket: staff (with their scope) or the public at a kiosk or the web.
pub enum Issuer<'a> {
    /// Staff in the office's capture scope.
    Staff(&'a Access),
    /// The kiosk page or the person on the web.
    Public(Source),
}

/// Issues a ticket for a service of the office `office_code`.
pub async fn issue(
    q: &Queue<'_>,
    ctx: &AuditCtx,
    issuer: Issuer<'_>,
    office_code: &str,
    input: &IssueInput,
) -> Result<Ticket, AttentionError> {
    let mut v = check_issue(input)?;
    // Reads first, outside the write transaction: it holds the office's queue lock
    // (SQLite: the database's) for as short as it can.
    let (office, source, person_id) = match &issuer {
        Issuer::Staff(access) => {
            let office =
                desk::store::office_in(q.db, access, ScopeKind::Capture, office_code).await?;
            let person = match input.person_id {
                Some(id) => Some(
                    sipe_persons::store::find_person(
                        q.db,
                        access,
                        ScopeKind::View,
                        sipe_platform::ids::PersonId(id),
                    )
                    .await?
                    .ok_or_else(|| FieldErrors::one("person_id", "attention-person-unknown"))?,
                ),
                None => None,
            };
            if let Some(p) = &person
                && v.document.is_none()
            {
                v.document = Some(p.doc_number.clone());
            }
            (office, Source::Reception, person.map(|p| p.id))
        }
        Issuer::Public(source) => {
            let office = desk::store::active_office(q.db, office_code)
                .await?
                .ok_or(AttentionError::NotFound)?;
            (office, *source, None)
        }
    };
    let svc = service::Entity::find_by_id(v.service_id)
        .filter(service::Column::OfficeId.eq(office.id))
        .filter(service::Column::Active.eq(true))
        .one(q.db)
        .await?
        .ok_or_else(|| FieldErrors::one("service_id", "attention-service-unknown"))?;
    if matches!(issuer, Issuer::Public(_))
        && !desk::store::called_services(q.db, office.id)
            .await?
            .contains(&svc.id)
    {
        return Err(FieldErrors::one("service_id", "attention-service-unknown").into());
    }
    // The appointment's priority comes with checking one in, not by choosing it.
    if matches!(issuer, Issuer::Public(_)) && v.priority == Priority::Appointment {
        return Err(FieldErrors::one("priority", "attention-priority-appointment-public").into());
    }
    if source == Source::Web && v.document.is_none() {
        return Err(FieldErrors::one("document", "attention-web-document-required").into());
    }
    let tx = db::begin_write(q.db).await?;
    lock_queue(&tx, office.id, q.tz).await?;
    let now = Utc::now().trunc_subsecs(6);
    let day = now.with_timezone(&q.tz).date_naive();
    // On the web, one ticket in the queue per person and office (checked under the
    // queue's lock: two taps take one).
    if source == Source::Web
        && ticket::Entity::find()
            .filter(ticket::Column::OfficeId.eq(office.id))
            .filter(ticket::Column::Day.eq(day))
            .filter(ticket::Column::Document.eq(v.document.clone()))
            .filter(ticket::Column::Status.is_in([
                TicketStatus::Waiting.as_str(),
                TicketStatus::Called.as_str(),
            ]))
            .one(&tx)
            .await?
            .is_some()
    {
        return Err(FieldErrors::one("document", "attention-web-one-waiting").into());
    }
    let row = insert_ticket(
        &tx,
        ctx,
        &office,
        &svc,
        NewTicket {
            priority: v.priority,
            source,
            person_id,
            document: v.document,
            phone: v.phone,
        },
        (now, day),
    )
    .await?;
    tx.commit().await?;
    Ok(Ticket::of(row, &office.code, &svc.name, None))
}

/// What a new ticket carries besides its service.
pub(crate) struct NewTicket {
    pub priority: Priority,
    pub source: Source,
    pub person_id: Option<Uuid>,
    pub document: Option<String>,
    pub phone: Option<String>,
}

/// Numbers and stores a waiting ticket issued at `now` on the office's local `day`, with
/// its audit row (the caller's transaction holds the office's queue lock).
pub(crate) async fn insert_ticket(
    tx: &DatabaseTransaction,
    ctx: &AuditCtx,
    office: &sipe_platform::territory::entity::office::Model,
    svc: &service::Model,
    new: NewTicket,
    (now, day): (chrono::DateTime<Utc>, chrono::NaiveDate),
) -> Result<ticket::Model, AttentionError> {
    let seq = next_number(tx, office.id, &svc.prefix, day).await?;
    let id = Uuid::now_v7();
    let row = ticket::ActiveModel {
        id: Set(id),
        office_id: Set(office.id),
        service_id: Set(svc.id),
        day: Set(day),
        number: Set(domain::number(&svc.prefix, seq)),
        priority: Set(new.priority.as_str().to_owned()),
        status: Set(TicketStatus::Waiting.as_str().to_owned()),
        source: Set(new.source.as_str().to_owned()),
        person_id: Set(new.person_id),
        document: Set(new.document),
        phone: Set(new.phone),
        issued_at: Set(now),
        queued_at: Set(now),
        called_at: Set(None),
        counter_id: Set(None),
        operator_id: Set(None),
        operator_name: Set(None),
        recalls: Set(0),
        started_at: Set(None),
        finished_at: Set(None),
        redirected_from: Set(None),
        delivered: Set(None),
        version: Set(1),
    }
    .insert(tx)
    .await?;
    audit::record(
        tx,
        ctx,
        Change::new("attention.ticket.issue", "attention_ticket", id).after(json!({
            "office": office.code, "service": svc.prefix, "number": row.number,
            "priority": row.priority, "source": row.source, "person_id": row.person_id,
            "with_document": row.document.is_some(), "with_phone": row.phone.is_some(),
        })),
    )
    .await?;
    Ok(row)
}
