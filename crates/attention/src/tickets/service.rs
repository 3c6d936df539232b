//! Use cases on tickets: one transaction each, with audit rows. Every operation on an
//! office's queue first locks the office's queue row, so two counters never call the
//! same ticket and a day's numbers never repeat (SQLite: the write lock does the same).
//! A call is written to `attention_calls` in its transaction and published to the
//! office's displays after the commit.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::{self, Source, TicketStatus};
use super::store;
use crate::desk;
use crate::entity::{call, counter, queue, service, ticket, ticket_number};
use crate::error::AttentionError;
use crate::queue::{self as order, Policy, Priority, Turns, Waiting};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::AppState;

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
}

/// A ticket as screens and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ticket {
    /// Id (also the key of the person's follow-up page).
    pub id: Uuid,
    /// `A-001`.
    pub number: String,
    /// Office code.
    pub office_code: String,
    /// The service.
    pub service_id: Uuid,
    /// Its name.
    pub service_name: String,
    /// `regular`, `appointment`, `older_adult`, `pregnancy`, `disability`.
    pub priority: String,
    /// Where it stands.
    pub status: TicketStatus,
    /// kiosk, reception, web, appointment.
    pub source: String,
    /// The person, when known.
    pub person_id: Option<Uuid>,
    /// Issued.
    pub issued_at: DateTime<Utc>,
    /// Its place in the queue (the first issue time, kept across redirects).
    pub queued_at: DateTime<Utc>,
    /// Last called.
    pub called_at: Option<DateTime<Utc>>,
    /// The counter holding it.
    pub counter_id: Option<Uuid>,
    /// Its name.
    pub counter_name: Option<String>,
    /// Times recalled.
    pub recalls: i32,
    /// Attention started.
    pub started_at: Option<DateTime<Utc>>,
    /// Finished or marked absent.
    pub finished_at: Option<DateTime<Utc>>,
}

impl Ticket {
    fn of(t: ticket::Model, office_code: &str, service: &str, counter: Option<&str>) -> Self {
        Ticket {
            id: t.id,
            number: t.number,
            office_code: office_code.to_owned(),
            service_id: t.service_id,
            service_name: service.to_owned(),
            priority: t.priority,
            status: TicketStatus::parse(&t.status).unwrap_or(TicketStatus::Waiting),
            source: t.source,
            person_id: t.person_id,
            issued_at: t.issued_at,
            queued_at: t.queued_at,
            called_at: t.called_at,
            counter_id: t.counter_id,
            counter_name: counter.map(str::to_owned),
            recalls: t.recalls,
            started_at: t.started_at,
            finished_at: t.finished_at,
        }
    }
}

/// Reads a ticket as shown, with its office's code and its service's and counter's
/// names.
pub async fn describe(
    conn: &impl sea_orm::ConnectionTrait,
    t: ticket::Model,
    office_code: &str,
) -> Result<Ticket, sea_orm::DbErr> {
    let service = service::Entity::find_by_id(t.service_id).one(conn).await?;
    let counter = match t.counter_id {
        Some(id) => counter::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    Ok(Ticket::of(
        t,
        office_code,
        service
            .as_ref()
            .map(|s| s.name.as_str())
            .unwrap_or_default(),
        counter.as_ref().map(|c| c.name.as_str()),
    ))
}

struct ValidIssue {
    service_id: Uuid,
    priority: Priority,
    document: Option<String>,
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
    errors.into_result()?;
    Ok(ValidIssue {
        service_id,
        priority,
        document,
    })
}

/// Locks an office's queue row (creating it the first time). The first operation of a
/// day closes what earlier days left open.
async fn lock_queue(
    tx: &DatabaseTransaction,
    office_id: Uuid,
    tz: chrono_tz::Tz,
) -> Result<queue::Model, AttentionError> {
    let found = queue::Entity::find_by_id(office_id)
        .lock_exclusive()
        .one(tx)
        .await?;
    let q = match found {
        Some(q) => q,
        None => {
            queue::Entity::insert(queue::ActiveModel {
                office_id: Set(office_id),
                policy: Set(None),
                priority_run: Set(0),
                regular_owed: Set(0),
                last_call: Set(0),
                updated_at: Set(Utc::now()),
            })
            .on_conflict_do_nothing_on([queue::Column::OfficeId])
            .exec(tx)
            .await?;
            queue::Entity::find_by_id(office_id)
                .lock_exclusive()
                .one(tx)
                .await?
                .ok_or(AttentionError::NotFound)?
        }
    };
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    if q.updated_at.with_timezone(&tz).date_naive() < today {
        close_earlier_days(tx, office_id, today).await?;
        let mut a = q.into_active_model();
        a.updated_at = Set(now);
        return Ok(a.update(tx).await?);
    }
    Ok(q)
}

/// Tickets of earlier days still open: those waiting were never attended (cancelled),
/// those called never came (absent), those being attended were attended.
async fn close_earlier_days(
    tx: &DatabaseTransaction,
    office_id: Uuid,
    today: chrono::NaiveDate,
) -> Result<(), AttentionError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    // No end time: when they ended is not known (reports leave them out of durations).
    let mut closed = serde_json::Map::new();
    for (from, to) in [
        (TicketStatus::Waiting, TicketStatus::Cancelled),
        (TicketStatus::Called, TicketStatus::NoShow),
        (TicketStatus::Serving, TicketStatus::Finished),
    ] {
        let n = ticket::Entity::update_many()
            .col_expr(ticket::Column::Status, Expr::value(to.as_str()))
            .col_expr(
                ticket::Column::FinishedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                ticket::Column::Version,
                Expr::col(ticket::Column::Version).add(1),
            )
            .filter(ticket::Column::OfficeId.eq(office_id))
            .filter(ticket::Column::Day.lt(today))
            .filter(ticket::Column::Status.eq(from.as_str()))
            .exec(tx)
            .await?
            .rows_affected;
        if n > 0 {
            closed.insert(from.as_str().to_owned(), json!(n));
        }
    }
    if !closed.is_empty() {
        audit::record(
            tx,
            &AuditCtx::system(),
            Change::new("attention.queue.close_days", "office", office_id)
                .after(serde_json::Value::Object(closed)),
        )
        .await?;
    }
    Ok(())
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
            let office = sipe_platform::territory::store::find_office_by_code(q.db, office_code)
                .await?
                .filter(|o| o.active && office_code.len() <= 40)
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
    let tx = db::begin_write(q.db).await?;
    lock_queue(&tx, office.id, q.tz).await?;
    let now = Utc::now().trunc_subsecs(6);
    let day = now.with_timezone(&q.tz).date_naive();
    let seq = next_number(&tx, office.id, &svc.prefix, day).await?;
    let id = Uuid::now_v7();
    let row = ticket::ActiveModel {
        id: Set(id),
        office_id: Set(office.id),
        service_id: Set(svc.id),
        day: Set(day),
        number: Set(domain::number(&svc.prefix, seq)),
        priority: Set(v.priority.as_str().to_owned()),
        status: Set(TicketStatus::Waiting.as_str().to_owned()),
        source: Set(source.as_str().to_owned()),
        person_id: Set(person_id),
        document: Set(v.document),
        phone: Set(None),
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
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("attention.ticket.issue", "attention_ticket", id).after(json!({
            "office": office.code, "service": svc.prefix, "number": row.number,
            "priority": row.priority, "source": row.source, "person_id": row.person_id,
            "with_document": row.document.is_some(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Ticket::of(row, &office.code, &svc.name, None))
}

/// What a counter's "call next" did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Called {
    /// The ticket called (its fields at the top level: `number`, `id`...).
    #[serde(flatten)]
    pub ticket: Ticket,
    /// The rule that chose it: `urgent`, `alternation` or `order`.
    pub reason: order::Reason,
    /// The ticket the counter held before, now finished.
    pub closed: Option<String>,
}

/// Closes the ticket a counter holds: attended (`finished`) unless told otherwise.
/// Its audit row is returned, to be written last (see `call_next`).
async fn close_current(
    tx: &DatabaseTransaction,
    held: Option<ticket::Model>,
    now: DateTime<Utc>,
) -> Result<Option<(String, Change<'static>)>, AttentionError> {
    let Some(t) = held else {
        return Ok(None);
    };
    let number = t.number.clone();
    let id = t.id;
    let before = t.status.clone();
    let version = t.version;
    let started = t.started_at.or(t.called_at).unwrap_or(now);
    let mut a = t.into_active_model();
    a.status = Set(TicketStatus::Finished.as_str().to_owned());
    a.started_at = Set(Some(started));
    a.finished_at = Set(Some(now));
    a.version = Set(version + 1);
    a.update(tx).await?;
    let change = Change::new("attention.ticket.finish", "attention_ticket", id)
        .before(json!({"status": before}))
        .after(json!({"status": "finished", "by": "call_next"}));
    Ok(Some((number, change)))
}

/// Puts a ticket a counter held back in the queue, in its place (the counter closed).
pub(crate) async fn back_to_queue(
    tx: &DatabaseTransaction,
    ctx: &AuditCtx,
    t: ticket::Model,
) -> Result<(), AttentionError> {
    use sea_orm::sea_query::Expr;
    let id = t.id;
    let before = json!({"status": t.status, "counter_id": t.counter_id});
    // Only if the counter still holds it: this runs without the office's queue lock,
    // and a counter may have finished the ticket meanwhile (PostgreSQL re-checks the
    // condition after waiting for the row).
    let moved = ticket::Entity::update_many()
        .col_expr(
            ticket::Column::Status,
            Expr::value(TicketStatus::Waiting.as_str()),
        )
        .col_expr(ticket::Column::CounterId, Expr::value(Option::<Uuid>::None))
        .col_expr(
            ticket::Column::OperatorId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            ticket::Column::OperatorName,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            ticket::Column::CalledAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            ticket::Column::StartedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(ticket::Column::Version, Expr::value(t.version + 1))
        .filter(ticket::Column::Id.eq(id))
        .filter(ticket::Column::CounterId.eq(t.counter_id))
        .filter(ticket::Column::Status.is_in([
            TicketStatus::Called.as_str(),
            TicketStatus::Serving.as_str(),
        ]))
        .exec(tx)
        .await?
        .rows_affected;
    if moved == 0 {
        return Ok(());
    }
    audit::record(
        tx,
        ctx,
        Change::new("attention.ticket.requeue", "attention_ticket", id)
            .before(before)
            .after(json!({"status": "waiting"})),
    )
    .await?;
    Ok(())
}

/// Writes a call (or recall) for the display; published after the commit.
async fn record_call(
    tx: &DatabaseTransaction,
    t: &ticket::Model,
    counter_name: &str,
    recall: bool,
    at: DateTime<Utc>,
    seq: i64,
) -> Result<call::Model, AttentionError> {
    Ok(call::ActiveModel {
        id: Set(Uuid::now_v7()),
        office_id: Set(t.office_id),
        seq: Set(seq),
        ticket_id: Set(t.id),
        number: Set(t.number.clone()),
        counter_name: Set(counter_name.to_owned()),
        recall: Set(recall),
        at: Set(at),
    }
    .insert(tx)
    .await?)
}

/// What a counter screen or client believes the counter holds when it asks for the
/// next ticket: a second click on a stale screen must not call (and close) again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Holding {
    /// No belief given (API clients that do not send one).
    #[default]
    Unknown,
    /// Nothing.
    Nothing,
    /// This ticket.
    Ticket(Uuid),
}

impl Holding {
    /// `none`, a ticket id, or (empty, anything else) unknown.
    pub fn parse(raw: &str) -> Self {
        match raw.trim() {
            "none" => Holding::Nothing,
            id => Uuid::parse_str(id).map_or(Holding::Unknown, Holding::Ticket),
        }
    }
}

/// The counter's "call next": finishes the ticket it holds, then calls the ticket
/// `queue::next` picks among today's waiting for its services. A free counter is taken
/// by the caller (signing in); one another operator holds is refused. `None`, and
/// nothing changed, when nobody waits.
pub async fn call_next(
    q: &Queue<'_>,
    ctx: &AuditCtx,
    access: &Access,
    counter_id: Uuid,
    holding: Holding,
) -> Result<Option<Called>, AttentionError> {
    // The scope check reads outside the write transaction (kept short: see `issue`).
    let (c, office) = desk::store::counter_in(q.db, access, ScopeKind::Capture, counter_id).await?;
    if !c.active {
        return Err(AttentionError::Conflict("attention-counter-inactive"));
    }
    let tx = db::begin_write(q.db).await?;
    let row = lock_queue(&tx, office.id, q.tz).await?;
    // Read under the lock: another operator may have taken it meanwhile.
    let c = crate::entity::counter::Entity::find_by_id(c.id)
        .one(&tx)
        .await?
        .ok_or(AttentionError::NotFound)?;
    if !c.active {
        return Err(AttentionError::Conflict("attention-counter-inactive"));
    }
    if c.operator_id.is_some_and(|o| o != access.actor.user_id) {
        return Err(AttentionError::Conflict("attention-counter-held"));
    }
    let held = store::at_counter(&tx, c.id).await?;
    let believed = match holding {
        Holding::Unknown => held.as_ref().map(|t| t.id),
        Holding::Nothing => None,
        Holding::Ticket(id) => Some(id),
    };
    if believed != held.as_ref().map(|t| t.id) {
        return Err(AttentionError::Conflict("attention-screen-stale"));
    }
    let now = Utc::now().trunc_subsecs(6);
    let today = now.with_timezone(&q.tz).date_naive();
    let services = desk::store::services_of(&c);
    let waiting = store::waiting_for(&tx, office.id, today, &services).await?;
    let candidates: Vec<Waiting> = waiting
        .iter()
        .map(|t| Waiting {
            issued_at: t.queued_at,
            priority: Priority::parse(&t.priority).unwrap_or(Priority::Regular),
            seq: domain::seq_of(&t.number),
        })
        .collect();
    let turns = Turns {
        priority_run: row.priority_run.max(0) as u32,
        regular_owed: row.regular_owed.max(0) as u32,
    };
    // Nobody waiting: nothing changes (the ticket held stays with the counter), but
    // for the closing of earlier days the lock may have done.
    let Some(pick) = order::next(&candidates, now, &Policy::default(), turns) else {
        tx.commit().await?;
        return Ok(None);
    };
    let c = desk::service::sign_in_tx(&tx, ctx, access, c).await?;
    let closed = close_current(&tx, held, now).await?;
    let chosen = waiting[pick.index].clone();
    let version = chosen.version;
    let mut a = chosen.into_active_model();
    a.status = Set(TicketStatus::Called.as_str().to_owned());
    a.called_at = Set(Some(now));
    a.counter_id = Set(Some(c.id));
    a.operator_id = Set(Some(access.actor.user_id));
    a.operator_name = Set(Some(access.actor.full_name.clone()));
    a.version = Set(version + 1);
    let t = a.update(&tx).await?;
    let seq = row.last_call + 1;
    let mut qa = row.into_active_model();
    qa.priority_run = Set(pick.turns.priority_run as i32);
    qa.regular_owed = Set(pick.turns.regular_owed as i32);
    qa.last_call = Set(seq);
    qa.updated_at = Set(now);
    qa.update(&tx).await?;
    let call = record_call(&tx, &t, &c.name, false, now, seq).await?;
    // Audit rows last: appending takes the chain's lock, shared by every write of the
    // system, until the commit.
    let closed = match closed {
        Some((number, change)) => {
            audit::record(&tx, ctx, change).await?;
            Some(number)
        }
        None => None,
    };
    audit::record(
        &tx,
        ctx,
        Change::new("attention.ticket.call", "attention_ticket", t.id).after(json!({
            "number": t.number, "counter": c.name, "reason": pick.reason,
        })),
    )
    .await?;
    tx.commit().await?;
    q.publish(call);
    let svc = service::Entity::find_by_id(t.service_id).one(q.db).await?;
    Ok(Some(Called {
        ticket: Ticket::of(
            t,
            &office.code,
            svc.as_ref().map(|s| s.name.as_str()).unwrap_or_default(),
            Some(&c.name),
        ),
        reason: pick.reason,
        closed,
    }))
}

/// A step on the ticket a counter holds.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum TicketStep {
    /// Calls it again (the display shows it again).
    Recall,
    /// The person came: attention starts.
    Start,
    /// The person did not come.
    NoShow,
    /// Back to the queue of another service of the office, keeping its place.
    Redirect {
        /// The service to wait for.
        service_id: Uuid,
    },
    /// Attended; the topics of the services delivered.
    Finish {
        /// Codes of the topics delivered (may be empty).
        #[serde(default)]
        topics: Vec<String>,
    },
    /// Withdrawn before being called (reception).
    Cancel,
}

impl TicketStep {
    /// Its audit action.
    fn action(&self) -> &'static str {
        match self {
            TicketStep::Recall => "attention.ticket.recall",
            TicketStep::Start => "attention.ticket.start",
            TicketStep::NoShow => "attention.ticket.no_show",
            TicketStep::Redirect { .. } => "attention.ticket.redirect",
            TicketStep::Finish { .. } => "attention.ticket.finish",
            TicketStep::Cancel => "attention.ticket.cancel",
        }
    }

    /// The statuses it applies to.
    fn from(&self) -> &'static [TicketStatus] {
        use TicketStatus::*;
        match self {
            TicketStep::Recall | TicketStep::NoShow => &[Called],
            TicketStep::Start => &[Called],
            TicketStep::Redirect { .. } | TicketStep::Finish { .. } => &[Called, Serving],
            TicketStep::Cancel => &[Waiting],
        }
    }
}

/// Most topics a finished ticket records.
const TOPICS_MAX: usize = 10;

/// Moves a ticket one step (capture scope of its office), at the version read when
/// given. Answers the ticket as it is after.
pub async fn step(
    q: &Queue<'_>,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    step: &TicketStep,
) -> Result<Ticket, AttentionError> {
    // The scope check reads outside the write transaction (kept short: see `issue`).
    let (t, office) = store::ticket_in(q.db, access, ScopeKind::Capture, id).await?;
    let tx = db::begin_write(q.db).await?;
    let row = lock_queue(&tx, office.id, q.tz).await?;
    // Read again under the lock: another counter may have moved it meanwhile.
    let t = ticket::Entity::find_by_id(t.id)
        .one(&tx)
        .await?
        .ok_or(AttentionError::NotFound)?;
    let status = TicketStatus::parse(&t.status).unwrap_or(TicketStatus::Waiting);
    if !step.from().contains(&status) {
        return Err(AttentionError::Conflict("attention-step-not-now"));
    }
    let now = Utc::now().trunc_subsecs(6);
    let before = json!({"status": t.status, "service_id": t.service_id});
    let mut seq = row.last_call;
    let counter = match (step, t.counter_id) {
        (TicketStep::Recall, Some(cid)) => counter::Entity::find_by_id(cid).one(&tx).await?,
        _ => None,
    };
    let version = t.version;
    let mut a = t.clone().into_active_model();
    a.version = Set(version + 1);
    let mut call = None;
    match step {
        TicketStep::Recall => {
            a.recalls = Set(t.recalls + 1);
            a.called_at = Set(Some(now));
            let name = counter
                .as_ref()
                .map(|c| c.name.as_str())
                .unwrap_or_default();
            seq += 1;
            call = Some(record_call(&tx, &t, name, true, now, seq).await?);
        }
        TicketStep::Start => {
            a.status = Set(TicketStatus::Serving.as_str().to_owned());
            a.started_at = Set(Some(now));
        }
        TicketStep::NoShow => {
            a.status = Set(TicketStatus::NoShow.as_str().to_owned());
            a.finished_at = Set(Some(now));
        }
        TicketStep::Redirect { service_id } => {
            let target = service::Entity::find_by_id(*service_id)
                .filter(service::Column::OfficeId.eq(office.id))
                .filter(service::Column::Active.eq(true))
                .one(&tx)
                .await?
                .ok_or_else(|| FieldErrors::one("service_id", "attention-service-unknown"))?;
            if target.id == t.service_id {
                return Err(FieldErrors::one("service_id", "attention-redirect-same").into());
            }
            a.status = Set(TicketStatus::Waiting.as_str().to_owned());
            a.service_id = Set(target.id);
            a.redirected_from = Set(Some(t.service_id));
            a.counter_id = Set(None);
            a.operator_id = Set(None);
            a.operator_name = Set(None);
            a.called_at = Set(None);
            a.started_at = Set(None);
        }
        TicketStep::Finish { topics } => {
            if topics.len() > TOPICS_MAX || topics.iter().any(|c| c.len() > 40) {
                return Err(FieldErrors::one("topics", "attention-topics-invalid").into());
            }
            a.status = Set(TicketStatus::Finished.as_str().to_owned());
            a.started_at = Set(Some(t.started_at.or(t.called_at).unwrap_or(now)));
            a.finished_at = Set(Some(now));
            a.delivered = Set(Some(json!(topics).to_string()));
            let person_id = match (t.person_id, &t.document) {
                (Some(p), _) => Some(p),
                // The person the counter screen showed: found by the document typed,
                // within the operator's search scope.
                (None, Some(doc)) => {
                    match sipe_persons::store::find_by_document(&tx, "dni", doc).await? {
                        Some(p) => sipe_persons::store::find_person(
                            &tx,
                            access,
                            ScopeKind::Search,
                            sipe_platform::ids::PersonId(p.id),
                        )
                        .await?
                        .filter(|p| p.merged_into.is_none())
                        .map(|p| p.id),
                        None => None,
                    }
                }
                (None, None) => None,
            };
            let origin = crate::interactions::service::Origin {
                office_id: office.id,
                person_id,
                ticket_id: Some(t.id),
            };
            crate::interactions::service::record_delivered(&tx, ctx, access, topics, &origin)
                .await?;
        }
        TicketStep::Cancel => {
            a.status = Set(TicketStatus::Cancelled.as_str().to_owned());
            a.finished_at = Set(Some(now));
        }
    }
    let t = a.update(&tx).await?;
    if seq != row.last_call {
        let mut qa = row.into_active_model();
        qa.last_call = Set(seq);
        qa.update(&tx).await?;
    }
    // Audit last (see `call_next`).
    audit::record(
        &tx,
        ctx,
        Change::new(step.action(), "attention_ticket", t.id)
            .before(before)
            .after(json!({"status": t.status, "service_id": t.service_id})),
    )
    .await?;
    tx.commit().await?;
    if let Some(call) = call {
        q.publish(call);
    }
    Ok(describe(q.db, t, &office.code).await?)
}

/// Today, in the deployment's time zone.
pub fn today(state: &AppState) -> chrono::NaiveDate {
    Utc::now().with_timezone(&state.tz).date_naive()
}

/// What the queue's use cases reach: the database, the deployment's time zone (a
/// ticket's day) and this node's displays (told of calls after the commit).
pub struct Queue<'a> {
    /// The database.
    pub db: &'a Db,
    /// The deployment's time zone.
    pub tz: chrono_tz::Tz,
    /// This node's display streams, if it serves any.
    pub displays: Option<&'a crate::display::Displays>,
}

impl<'a> Queue<'a> {
    /// The server's.
    pub fn of(state: &'a AppState) -> Self {
        Queue {
            db: &state.db,
            tz: state.tz,
            displays: state.extensions.get::<crate::display::Displays>(),
        }
    }

    fn publish(&self, call: call::Model) {
        if let Some(d) = self.displays {
            d.publish(call);
        }
    }
}

/// An office of the caller's view scope by code, for pages that read its queue.
pub async fn office(db: &Db, access: &Access, code: &str) -> Result<office::Model, AttentionError> {
    desk::store::office_in(db, access, ScopeKind::View, code).await
}
