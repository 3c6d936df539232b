//! A counter's "call next": the ticket `queue::next` picks, the one the counter held
//! finished, the call written for the display.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, Set};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::{self, TicketStatus};
use super::store;
use crate::desk;
use crate::entity::{service, ticket};
use crate::error::AttentionError;
use crate::queue::{self as order, Policy, Priority, Turns, Waiting};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self};

use super::service::{Queue, Ticket, lock_queue, record_call};

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
    super::near::tell_the_near(&tx, &office, today).await?;
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
