//! What the queue's use cases share: their context (`Queue`), the ticket as shown, the
//! lock of an office's queue row (every operation on an office's queue takes it first,
//! so two counters never call the same ticket and a day's numbers never repeat; SQLite's
//! write lock does the same), the calls written for the displays and a ticket put back
//! in the queue. The use cases themselves: `issue`, `call` (a counter's "call next")
//! and `steps`; re-exported here.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::TicketStatus;
use crate::entity::{call, counter, queue, service, ticket};
use crate::error::AttentionError;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::Db;
use sipe_platform::web::AppState;

pub use super::call::{Called, Holding, call_next};
pub use super::issue::{IssueInput, Issuer, document, issue};
pub use super::steps::{TicketStep, step};

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
    pub(crate) fn of(
        t: ticket::Model,
        office_code: &str,
        service: &str,
        counter: Option<&str>,
    ) -> Self {
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

/// Locks an office's queue row (creating it the first time). The first operation of a
/// day closes what earlier days left open.
pub(crate) async fn lock_queue(
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

/// Writes a call (or recall) for the display; published after the commit.
pub(crate) async fn record_call(
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

    pub(crate) fn publish(&self, call: call::Model) {
        if let Some(d) = self.displays {
            d.publish(call);
        }
    }
}
