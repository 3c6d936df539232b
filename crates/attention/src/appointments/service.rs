//! Use cases of appointments, one transaction each under the office's queue lock (two
//! people never take a slot's last place): booking by staff or by the person on the
//! web, cancelling (staff, or the person by the link), checking in (the kiosk's QR or
//! document, or reception), which puts a ticket with the appointment's priority in the
//! queue; and the reminders a day before. Confirmations and reminders go out by SMS
//! through the messaging outbox, committed with the change.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::{self, AppointmentStatus, CheckIn};
use crate::desk;
use crate::entity::{appointment, service};
use crate::error::AttentionError;
use crate::queue::Priority;
use crate::tickets::Source;
use crate::tickets::issue::document;
use crate::tickets::issue::{NewTicket, insert_ticket};
use crate::tickets::service::{Queue, Ticket, lock_queue};
use sipe_platform::access::session::new_secret;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db;
use sipe_platform::i18n::Lang;
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;

/// An appointment to book.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BookInput {
    /// A service of the office that takes appointments.
    pub service_id: Option<Uuid>,
    /// The slot's start (one of `GET …/appointment-slots`).
    pub starts_at: Option<DateTime<Utc>>,
    /// The person's document number (required).
    pub document: Option<String>,
    /// A mobile for the confirmation and the reminder (required on the web).
    pub phone: Option<String>,
    /// The person, when staff know them (view scope; gives the document).
    pub person_id: Option<Uuid>,
}

/// Who books.
pub enum Booker<'a> {
    /// Staff in the office's capture scope.
    Staff(&'a Access),
    /// The person, on the public page.
    Web,
}

/// An appointment as staff and the API see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Appointment {
    /// Id.
    pub id: Uuid,
    /// Office code.
    pub office_code: String,
    /// The service.
    pub service_id: Uuid,
    /// Its name.
    pub service_name: String,
    /// The slot's start.
    pub starts_at: DateTime<Utc>,
    /// The office's local day.
    pub day: chrono::NaiveDate,
    /// Where it stands.
    pub status: AppointmentStatus,
    /// `staff` or `web`.
    pub source: String,
    /// The person, when known.
    pub person_id: Option<Uuid>,
    /// Document number.
    pub document: String,
    /// Mobile (E.164).
    pub phone: Option<String>,
    /// The ticket its check-in issued.
    pub ticket_id: Option<Uuid>,
    /// That ticket's number (`A-005`; in a day's list).
    pub ticket_number: Option<String>,
    /// That ticket's status (waiting, called, serving, finished, no_show, cancelled; in
    /// a day's list): what became of the person after check-in.
    pub ticket_status: Option<String>,
    /// Booked.
    pub created_at: DateTime<Utc>,
}

impl Appointment {
    pub(crate) fn of(a: appointment::Model, office_code: &str, service_name: &str) -> Self {
        Appointment {
            id: a.id,
            office_code: office_code.to_owned(),
            service_id: a.service_id,
            service_name: service_name.to_owned(),
            starts_at: a.starts_at,
            day: a.day,
            status: AppointmentStatus::parse(&a.status).unwrap_or(AppointmentStatus::Booked),
            source: a.source,
            person_id: a.person_id,
            document: a.document,
            phone: a.phone,
            ticket_id: a.ticket_id,
            ticket_number: None,
            ticket_status: None,
            created_at: a.created_at,
        }
    }
}

/// A booked appointment and the secret of its link.
pub struct Booked {
    /// The appointment.
    pub appointment: Appointment,
    /// The secret of `/citas/{secret}` and of its QR.
    pub secret: String,
}

/// A slot of a day and the places left in it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Slot {
    /// The service.
    pub service_id: Uuid,
    /// Its start.
    pub starts_at: DateTime<Utc>,
    /// Places left.
    pub free: u32,
}

/// An office by id, whatever the reader's scope (the public's links, the reminders).
async fn office_of(
    conn: &impl sea_orm::ConnectionTrait,
    id: Uuid,
) -> Result<Option<office::Model>, sea_orm::DbErr> {
    sipe_platform::territory::store::office_by_id(conn, sipe_platform::ids::OfficeId(id)).await
}

/// Active appointments (booked or checked in).
fn active() -> sea_orm::sea_query::SimpleExpr {
    appointment::Column::Status.is_in([
        AppointmentStatus::Booked.as_str(),
        AppointmentStatus::CheckedIn.as_str(),
    ])
}

/// Appointments that still count for their person at `now`: checked in, or booked and
/// not yet past their check-in window (one missed holds nothing).
fn holding(now: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::any()
        .add(appointment::Column::Status.eq(AppointmentStatus::CheckedIn.as_str()))
        .add(
            sea_orm::Condition::all()
                .add(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
                .add(appointment::Column::StartsAt.gt(now - domain::LATE)),
        )
}

/// Appointments one document, or one mobile on the web, may hold ahead at once: more
/// would let one person (or one prankster's phone) empty an office's calendar.
pub const MAX_AHEAD: u64 = 3;

/// The service `id` of the office, active and taking appointments; the public see only
/// those a counter calls.
pub(crate) async fn bookable_service(
    conn: &impl sea_orm::ConnectionTrait,
    office_id: Uuid,
    id: Uuid,
    public: bool,
) -> Result<service::Model, AttentionError> {
    let svc = service::Entity::find_by_id(id)
        .filter(service::Column::OfficeId.eq(office_id))
        .filter(service::Column::Active.eq(true))
        .filter(service::Column::SlotMinutes.gt(0))
        .one(conn)
        .await?
        .ok_or_else(|| FieldErrors::one("service_id", "attention-service-no-appointments"))?;
    if public
        && !desk::store::called_services(conn, office_id)
            .await?
            .contains(&svc.id)
    {
        return Err(FieldErrors::one("service_id", "attention-service-no-appointments").into());
    }
    Ok(svc)
}

/// A service by id, whatever its office (the office's staff reach it through their scope
/// first).
pub async fn bookable_service_of(
    conn: &impl sea_orm::ConnectionTrait,
    id: Uuid,
) -> Result<service::Model, AttentionError> {
    service::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AttentionError::NotFound)
}

/// The services of an office that take appointments (public: those a counter calls).
pub async fn bookable_services(
    conn: &impl sea_orm::ConnectionTrait,
    office_id: Uuid,
    public: bool,
) -> Result<Vec<service::Model>, AttentionError> {
    let called = if public {
        Some(desk::store::called_services(conn, office_id).await?)
    } else {
        None
    };
    Ok(desk::store::services(conn, office_id, true)
        .await?
        .into_iter()
        .filter(|s| s.slot_minutes > 0)
        .filter(|s| called.as_ref().is_none_or(|c| c.contains(&s.id)))
        .collect())
}

/// A day's slots of a service with the places left, those still ahead of `now`.
pub async fn slots(
    conn: &impl sea_orm::ConnectionTrait,
    tz: chrono_tz::Tz,
    svc: &service::Model,
    day: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<Slot>, AttentionError> {
    let today = now.with_timezone(&tz).date_naive();
    if !domain::bookable_day(today, day) {
        return Ok(Vec::new());
    }
    let cal = crate::sla::store::calendar(conn, tz, svc.office_id).await?;
    let starts: Vec<DateTime<Utc>> = domain::slots(&cal, day, svc.slot_minutes.unsigned_abs())
        .into_iter()
        .filter(|s| *s > now)
        .collect();
    let taken: Vec<DateTime<Utc>> = appointment::Entity::find()
        .select_only()
        .column(appointment::Column::StartsAt)
        .filter(appointment::Column::ServiceId.eq(svc.id))
        .filter(appointment::Column::Day.eq(day))
        .filter(active())
        .into_tuple()
        .all(conn)
        .await?;
    let capacity = svc.slot_capacity.unsigned_abs();
    Ok(starts
        .into_iter()
        .map(|s| {
            let used = taken.iter().filter(|t| **t == s).count();
            Slot {
                service_id: svc.id,
                starts_at: s,
                free: capacity.saturating_sub(u32::try_from(used).unwrap_or(u32::MAX)),
            }
        })
        .collect())
}

struct ValidBooking {
    service_id: Uuid,
    starts_at: DateTime<Utc>,
    document: Option<String>,
    phone: Option<String>,
}

fn check_booking(input: &BookInput, web: bool) -> Result<ValidBooking, FieldErrors> {
    let mut errors = FieldErrors::new();
    let service_id = input.service_id.unwrap_or_else(|| {
        errors.add("service_id", "field-required");
        Uuid::nil()
    });
    let starts_at = input.starts_at.unwrap_or_else(|| {
        errors.add("starts_at", "attention-slot-required");
        DateTime::<Utc>::MIN_UTC
    });
    let document = document(input.document.as_deref().unwrap_or_default()).unwrap_or_else(|k| {
        errors.add("document", k);
        None
    });
    if document.is_none() && input.person_id.is_none() && !errors.has("document") {
        errors.add("document", "field-required");
    }
    let phone = crate::tickets::issue::phone(&mut errors, input.phone.as_deref());
    if web && phone.is_none() && !errors.has("phone") {
        errors.add("phone", "attention-appointment-phone-required");
    }
    errors.into_result()?;
    Ok(ValidBooking {
        service_id,
        starts_at,
        document,
        phone,
    })
}

/// "martes 02/12 a las 10:30" (or its English), in the office's time zone.
pub fn when(lang: Lang, tz: chrono_tz::Tz, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&tz);
    let weekday = chrono::Datelike::weekday(&local).num_days_from_monday();
    lang.t_args(
        "attention-when",
        &[
            (
                "weekday",
                lang.t(&format!("attention-weekday-{weekday}"))
                    .to_lowercase(),
            ),
            ("date", local.format("%d/%m").to_string()),
            ("time", local.format("%H:%M").to_string()),
        ],
    )
}

/// Queues an SMS about the appointment (confirmation or reminder) to its phone.
async fn tell(
    tx: &DatabaseTransaction,
    tz: chrono_tz::Tz,
    base_url: &str,
    office: &office::Model,
    svc: &service::Model,
    a: &appointment::Model,
    kind: &str,
) -> Result<(), AttentionError> {
    let Some(phone) = &a.phone else {
        return Ok(());
    };
    let link = format!("{base_url}/citas/{}", a.secret);
    let text = Lang::EsAr.t_args(
        &format!("attention-appointment-{kind}-sms"),
        &[
            ("service", svc.name.clone()),
            ("office", office.name.clone()),
            ("when", when(Lang::EsAr, tz, a.starts_at)),
            ("link", link),
        ],
    );
    sipe_messaging::conversation::notify_number(
        tx,
        phone,
        office.id,
        &text,
        format!("appointment-{kind}:{}", a.id),
        "attention",
    )
    .await?;
    Ok(())
}

/// Books an appointment in a slot of a service of the office `office_code`.
pub async fn book(
    q: &Queue<'_>,
    ctx: &AuditCtx,
    booker: Booker<'_>,
    office_code: &str,
    input: &BookInput,
    base_url: &str,
) -> Result<Booked, AttentionError> {
    let web = matches!(booker, Booker::Web);
    let mut v = check_booking(input, web)?;
    let (office, person_id, by, sms) = match booker {
        Booker::Staff(access) => {
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
            // The person's document is the appointment's: another typed beside it is a
            // mistake to say, not to keep.
            if let Some(p) = &person {
                if v.document.as_ref().is_some_and(|d| *d != p.doc_number) {
                    return Err(FieldErrors::one(
                        "document",
                        "attention-appointment-document-mismatch",
                    )
                    .into());
                }
                v.document = Some(p.doc_number.clone());
            }
            // A known person gets SMS only with their consent.
            let sms = person.as_ref().is_none_or(|p| p.sms_consent);
            (
                office,
                person.map(|p| p.id),
                access.actor.username.clone(),
                sms,
            )
        }
        Booker::Web => {
            let office = desk::store::active_office(q.db, office_code)
                .await?
                .ok_or(AttentionError::NotFound)?;
            (office, None, "web".to_owned(), true)
        }
    };
    let Some(doc) = v.document else {
        return Err(FieldErrors::one("document", "field-required").into());
    };
    let svc = bookable_service(q.db, office.id, v.service_id, web).await?;
    let tx = db::begin_write(q.db).await?;
    lock_queue(&tx, office.id, q.tz).await?;
    let now = Utc::now().trunc_subsecs(6);
    let day = v.starts_at.with_timezone(&q.tz).date_naive();
    let slot = slots(&tx, q.tz, &svc, day, now)
        .await?
        .into_iter()
        .find(|s| s.starts_at == v.starts_at)
        .ok_or_else(|| FieldErrors::one("starts_at", "attention-slot-unknown"))?;
    if slot.free == 0 {
        return Err(FieldErrors::one("starts_at", "attention-slot-full").into());
    }
    // One appointment per person, office and day (a checked-in one included: its
    // ticket is in the queue), and a few ahead at most.
    let same_day = appointment::Entity::find()
        .filter(appointment::Column::OfficeId.eq(office.id))
        .filter(appointment::Column::Day.eq(day))
        .filter(appointment::Column::Document.eq(doc.clone()))
        .filter(holding(now))
        .count(&tx)
        .await?;
    if same_day > 0 {
        return Err(FieldErrors::one("document", "attention-appointment-same-day").into());
    }
    let ahead = |column: appointment::Column, value: String| {
        appointment::Entity::find()
            .filter(column.eq(value))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
            .filter(appointment::Column::StartsAt.gt(now))
            .count(&tx)
    };
    if ahead(appointment::Column::Document, doc.clone()).await? >= MAX_AHEAD {
        return Err(FieldErrors::one("document", "attention-appointment-too-many").into());
    }
    if let (true, Some(phone)) = (web, &v.phone)
        && ahead(appointment::Column::Phone, phone.clone()).await? >= MAX_AHEAD
    {
        return Err(FieldErrors::one("phone", "attention-appointment-too-many-phone").into());
    }
    let secret = new_secret();
    let id = Uuid::now_v7();
    let row = appointment::ActiveModel {
        id: Set(id),
        office_id: Set(office.id),
        service_id: Set(svc.id),
        day: Set(day),
        starts_at: Set(v.starts_at),
        status: Set(AppointmentStatus::Booked.as_str().to_owned()),
        source: Set(if web { "web" } else { "staff" }.to_owned()),
        person_id: Set(person_id),
        document: Set(doc),
        phone: Set(v.phone.filter(|_| sms)),
        secret: Set(secret.clone()),
        ticket_id: Set(None),
        reminded_at: Set(None),
        cancelled_at: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("attention.appointment.book", "attention_appointment", id).after(json!({
            "office": office.code, "service": svc.prefix, "starts_at": row.starts_at,
            "source": row.source, "person_id": row.person_id,
            "with_phone": row.phone.is_some(),
        })),
    )
    .await?;
    tell(&tx, q.tz, base_url, &office, &svc, &row, "booked").await?;
    tx.commit().await?;
    Ok(Booked {
        appointment: Appointment::of(row, &office.code, &svc.name),
        secret,
    })
}

/// The appointment whose link's secret is `secret`.
pub async fn by_secret(
    conn: &impl sea_orm::ConnectionTrait,
    secret: &str,
) -> Result<Option<appointment::Model>, AttentionError> {
    if secret.is_empty() || secret.len() > 64 {
        return Ok(None);
    }
    Ok(appointment::Entity::find()
        .filter(appointment::Column::Secret.eq(secret))
        .one(conn)
        .await?)
}

/// An appointment of the caller's scope of `kind`, with its office.
pub async fn find(
    conn: &impl sea_orm::ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<(appointment::Model, office::Model, service::Model), AttentionError> {
    let a = appointment::Entity::find_by_id(id)
        .filter(access.scope(kind).owns(appointment::Column::OfficeId))
        .one(conn)
        .await?
        .ok_or(AttentionError::NotFound)?;
    let office = office_of(conn, a.office_id)
        .await?
        .ok_or(AttentionError::NotFound)?;
    let svc = service::Entity::find_by_id(a.service_id)
        .one(conn)
        .await?
        .ok_or(AttentionError::NotFound)?;
    Ok((a, office, svc))
}

/// Who cancels.
pub enum Canceller<'a> {
    /// Staff in the office's capture scope, by id.
    Staff(&'a Access, Uuid),
    /// The person, by the link's secret.
    Link(&'a str),
}

/// Cancels a booked appointment; its place is free again.
pub async fn cancel(
    q: &Queue<'_>,
    ctx: &AuditCtx,
    who: Canceller<'_>,
) -> Result<Appointment, AttentionError> {
    let (a, office, svc) = match who {
        Canceller::Staff(access, id) => find(q.db, access, ScopeKind::Capture, id).await?,
        Canceller::Link(secret) => {
            let a = by_secret(q.db, secret)
                .await?
                .ok_or(AttentionError::NotFound)?;
            let office = office_of(q.db, a.office_id)
                .await?
                .ok_or(AttentionError::NotFound)?;
            let svc = service::Entity::find_by_id(a.service_id)
                .one(q.db)
                .await?
                .ok_or(AttentionError::NotFound)?;
            (a, office, svc)
        }
    };
    let tx = db::begin_write(q.db).await?;
    lock_queue(&tx, office.id, q.tz).await?;
    // Read again under the lock: a check-in may have come first.
    let a = appointment::Entity::find_by_id(a.id)
        .one(&tx)
        .await?
        .ok_or(AttentionError::NotFound)?;
    if a.status != AppointmentStatus::Booked.as_str() {
        return Err(AttentionError::Conflict("attention-appointment-not-booked"));
    }
    let now = Utc::now();
    // The person cancels what is still ahead; staff also tidy up a missed one.
    if matches!(who, Canceller::Link(_)) && a.starts_at <= now {
        return Err(AttentionError::Conflict("attention-appointment-past"));
    }
    let mut m = a.into_active_model();
    m.status = Set(AppointmentStatus::Cancelled.as_str().to_owned());
    m.cancelled_at = Set(Some(now));
    m.updated_at = Set(now);
    let row = m.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new(
            "attention.appointment.cancel",
            "attention_appointment",
            row.id,
        )
        .before(json!({"status": "booked"}))
        .after(json!({"status": row.status, "office": office.code})),
    )
    .await?;
    tx.commit().await?;
    Ok(Appointment::of(row, &office.code, &svc.name))
}

/// How an appointment is found at check-in.
pub enum Arrival<'a> {
    /// The kiosk of the office `office_code`: what its scanner read from the QR (the
    /// link's secret, or the whole link) or the document typed; only within the
    /// check-in window.
    Kiosk {
        /// The office of the kiosk.
        office_code: &'a str,
        /// What was scanned or typed.
        code: &'a str,
    },
    /// Reception (capture scope), by id, any time of its day.
    Staff(&'a Access, Uuid),
}

/// The secret in what a scanner read: the link's last segment, or the text itself.
fn secret_in(code: &str) -> &str {
    let code = code.trim().trim_end_matches('/');
    code.rsplit_once("/citas/").map_or(code, |(_, s)| s)
}

/// Today's appointment of a document typed at the kiosk, one whose check-in window is
/// open. Early, late and none at all say the same: a stranger typing a document at the
/// entrance learns nothing of whether its owner has an appointment.
async fn by_document(
    conn: &impl sea_orm::ConnectionTrait,
    office_id: Uuid,
    today: chrono::NaiveDate,
    doc: &str,
    now: DateTime<Utc>,
) -> Result<appointment::Model, AttentionError> {
    let rows = appointment::Entity::find()
        .filter(appointment::Column::OfficeId.eq(office_id))
        .filter(appointment::Column::Day.eq(today))
        .filter(appointment::Column::Document.eq(doc))
        .filter(active())
        .order_by_asc(appointment::Column::StartsAt)
        .limit(20)
        .all(conn)
        .await?;
    if rows
        .iter()
        .any(|a| a.status == AppointmentStatus::CheckedIn.as_str())
    {
        return Err(FieldErrors::one("code", "attention-checkin-done").into());
    }
    rows.into_iter()
        .find(|a| domain::check_in_window(a.starts_at, now) == CheckIn::Open)
        .ok_or_else(|| FieldErrors::one("code", "attention-checkin-document-none").into())
}

/// Checks a person in: their ticket enters the queue with the appointment's priority,
/// numbered by the service like any other.
pub async fn check_in(
    q: &Queue<'_>,
    ctx: &AuditCtx,
    arrival: Arrival<'_>,
) -> Result<Ticket, AttentionError> {
    let now = Utc::now().trunc_subsecs(6);
    let today = now.with_timezone(&q.tz).date_naive();
    let (office, id, kiosk) = match arrival {
        Arrival::Kiosk { office_code, code } => {
            let office = desk::store::active_office(q.db, office_code)
                .await?
                .ok_or(AttentionError::NotFound)?;
            if code.trim().is_empty() || code.len() > 300 {
                return Err(FieldErrors::one("code", "attention-checkin-code-required").into());
            }
            let found = match document(code) {
                Ok(Some(doc)) => Some(by_document(q.db, office.id, today, &doc, now).await?),
                _ => by_secret(q.db, secret_in(code)).await?,
            };
            let a = found
                .filter(|a| a.office_id == office.id)
                .ok_or_else(|| FieldErrors::one("code", "attention-checkin-unknown"))?;
            (office, a.id, true)
        }
        Arrival::Staff(access, id) => {
            let (a, office, _) = find(q.db, access, ScopeKind::Capture, id).await?;
            (office, a.id, false)
        }
    };
    let tx = db::begin_write(q.db).await?;
    lock_queue(&tx, office.id, q.tz).await?;
    let a = appointment::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(AttentionError::NotFound)?;
    let field = if kiosk { "code" } else { "id" };
    match AppointmentStatus::parse(&a.status) {
        Some(AppointmentStatus::Booked) => {}
        Some(AppointmentStatus::CheckedIn) => {
            return Err(FieldErrors::one(field, "attention-checkin-done").into());
        }
        _ => return Err(FieldErrors::one(field, "attention-checkin-cancelled").into()),
    }
    if a.day != today {
        return Err(FieldErrors::one(field, "attention-checkin-other-day").into());
    }
    if kiosk {
        match domain::check_in_window(a.starts_at, now) {
            CheckIn::Open => {}
            CheckIn::TooEarly => {
                return Err(FieldErrors::one(field, "attention-checkin-early").into());
            }
            CheckIn::TooLate => {
                return Err(FieldErrors::one(field, "attention-checkin-late").into());
            }
        }
    }
    let svc = service::Entity::find_by_id(a.service_id)
        .one(&tx)
        .await?
        .ok_or(AttentionError::NotFound)?;
    let t = insert_ticket(
        &tx,
        ctx,
        &office,
        &svc,
        NewTicket {
            priority: Priority::Appointment,
            source: Source::Appointment,
            person_id: a.person_id,
            document: Some(a.document.clone()),
            phone: a.phone.clone(),
        },
        (now, today),
    )
    .await?;
    let mut m = a.into_active_model();
    m.status = Set(AppointmentStatus::CheckedIn.as_str().to_owned());
    m.ticket_id = Set(Some(t.id));
    m.updated_at = Set(now);
    let row = m.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new(
            "attention.appointment.check_in",
            "attention_appointment",
            row.id,
        )
        .before(json!({"status": "booked"}))
        .after(json!({"status": row.status, "ticket": t.number, "at_kiosk": kiosk})),
    )
    .await?;
    tx.commit().await?;
    Ok(Ticket::of(t, &office.code, &svc.name, None))
}

/// Most appointments a day's list holds: an office's slots times their capacity stay
/// far below; past it the list says how many it left out.
pub const DAY_LIMIT: u64 = 2_000;

/// An office's day of appointments.
pub struct Day {
    /// The office.
    pub office: office::Model,
    /// Its appointments by time, at most [`DAY_LIMIT`].
    pub items: Vec<Appointment>,
    /// How many there are.
    pub total: u64,
}

/// An office's appointments of a day, by time, with what became of their tickets
/// (view scope).
pub async fn of_day(
    conn: &impl sea_orm::ConnectionTrait,
    access: &Access,
    office_code: &str,
    day: chrono::NaiveDate,
) -> Result<Day, AttentionError> {
    let office = desk::store::office_in(conn, access, ScopeKind::View, office_code).await?;
    let names: std::collections::HashMap<Uuid, String> =
        desk::store::services(conn, office.id, false)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
    let of_the_day = appointment::Entity::find()
        .filter(appointment::Column::OfficeId.eq(office.id))
        .filter(appointment::Column::Day.eq(day));
    let total = of_the_day.clone().count(conn).await?;
    let rows = of_the_day
        .order_by_asc(appointment::Column::StartsAt)
        .order_by_asc(appointment::Column::CreatedAt)
        .limit(DAY_LIMIT)
        .all(conn)
        .await?;
    let ticket_ids: Vec<Uuid> = rows.iter().filter_map(|a| a.ticket_id).collect();
    let mut tickets = std::collections::HashMap::new();
    for chunk in ticket_ids.chunks(500) {
        let found: Vec<(Uuid, String, String)> = crate::entity::ticket::Entity::find()
            .select_only()
            .column(crate::entity::ticket::Column::Id)
            .column(crate::entity::ticket::Column::Number)
            .column(crate::entity::ticket::Column::Status)
            .filter(crate::entity::ticket::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        tickets.extend(found.into_iter().map(|(id, n, s)| (id, (n, s))));
    }
    let items = rows
        .into_iter()
        .map(|a| {
            let name = names.get(&a.service_id).cloned().unwrap_or_default();
            let ticket = a.ticket_id.and_then(|t| tickets.get(&t)).cloned();
            let mut out = Appointment::of(a, &office.code, &name);
            if let Some((number, status)) = ticket {
                out.ticket_number = Some(number);
                out.ticket_status = Some(status);
            }
            out
        })
        .collect();
    Ok(Day {
        office,
        items,
        total,
    })
}

/// Reminders queued per round.
const REMINDERS_PER_ROUND: u64 = 200;

/// Queues the reminder of each booked appointment starting within a day that was
/// booked more than a day before its time (a fresher one has just had its
/// confirmation);
/// returns how many were sent.
pub async fn remind(
    db: &sipe_platform::db::Db,
    tz: chrono_tz::Tz,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<u32, AttentionError> {
    let tx = db::begin_write(db).await?;
    let due = appointment::Entity::find()
        .filter(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
        .filter(appointment::Column::RemindedAt.is_null())
        .filter(appointment::Column::StartsAt.gt(now))
        .filter(appointment::Column::StartsAt.lte(now + chrono::Duration::hours(24)))
        .order_by_asc(appointment::Column::StartsAt)
        .limit(REMINDERS_PER_ROUND)
        .all(&tx)
        .await?;
    let mut sent = 0;
    for a in due {
        if a.phone.is_some() && a.created_at < a.starts_at - chrono::Duration::hours(24) {
            let office = office_of(&tx, a.office_id).await?;
            let svc = service::Entity::find_by_id(a.service_id).one(&tx).await?;
            if let (Some(office), Some(svc)) = (office, svc) {
                tell(&tx, tz, base_url, &office, &svc, &a, "reminder").await?;
                sent += 1;
            }
        }
        let mut m = a.into_active_model();
        m.reminded_at = Set(Some(now));
        m.update(&tx).await?;
    }
    tx.commit().await?;
    Ok(sent)
}
