//! Reads of tickets and calls. Staff reach an office's tickets through their scope; the
//! public display and a person's follow-up page read only what they show.

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::domain::TicketStatus;
use crate::entity::{call, ticket};
use crate::error::AttentionError;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::ids::PersonId;
use sipe_platform::territory::entity::office;

/// Most waiting tickets the order looks at (a day's queue of the busiest office is far
/// below).
pub const WAITING_MAX: u64 = 2_000;

/// A ticket with its office, if the office lies in the caller's scope of `kind`.
pub async fn ticket_in(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<(ticket::Model, office::Model), AttentionError> {
    let t = ticket::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AttentionError::NotFound)?;
    let o = crate::desk::store::office_by_id(conn, access, kind, t.office_id).await?;
    Ok((t, o))
}

/// Tickets of an office's `day` waiting for any of `services`, oldest place first.
pub async fn waiting_for(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
    day: NaiveDate,
    services: &[Uuid],
) -> Result<Vec<ticket::Model>, DbErr> {
    ticket::Entity::find()
        .filter(ticket::Column::OfficeId.eq(office_id))
        .filter(ticket::Column::Day.eq(day))
        .filter(ticket::Column::Status.eq(TicketStatus::Waiting.as_str()))
        .filter(ticket::Column::ServiceId.is_in(services.to_vec()))
        .order_by_asc(ticket::Column::QueuedAt)
        .limit(WAITING_MAX)
        .all(conn)
        .await
}

/// The ticket a counter holds (called or being attended), if any.
pub async fn at_counter(
    conn: &impl ConnectionTrait,
    counter_id: Uuid,
) -> Result<Option<ticket::Model>, DbErr> {
    ticket::Entity::find()
        .filter(ticket::Column::CounterId.eq(counter_id))
        .filter(ticket::Column::Status.is_in([
            TicketStatus::Called.as_str(),
            TicketStatus::Serving.as_str(),
        ]))
        .order_by_desc(ticket::Column::CalledAt)
        .one(conn)
        .await
}

/// An office's tickets of a day in `statuses` (all when empty), oldest place first,
/// at most `limit`.
pub async fn of_day(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
    day: NaiveDate,
    statuses: &[TicketStatus],
    limit: u64,
) -> Result<Vec<ticket::Model>, DbErr> {
    let mut q = ticket::Entity::find()
        .filter(ticket::Column::OfficeId.eq(office_id))
        .filter(ticket::Column::Day.eq(day));
    if !statuses.is_empty() {
        q = q.filter(ticket::Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    }
    q.order_by_asc(ticket::Column::QueuedAt)
        .limit(limit)
        .all(conn)
        .await
}

/// How many of today's tickets for the same service are ahead of `t` in the queue's
/// order (issue time less each priority's head start): the follow-up page's position;
/// urgency and alternation may still move it by a few.
pub async fn ahead_of(conn: &impl ConnectionTrait, t: &ticket::Model) -> Result<u64, DbErr> {
    use crate::queue::{Policy, Priority};
    let policy = Policy::default();
    // `queue::next`'s order: place, the larger head start, issue time, number.
    let place = |w: &ticket::Model| {
        let p = Priority::parse(&w.priority).unwrap_or(Priority::Regular);
        let head = policy.head_start(p);
        (
            w.queued_at - head,
            std::cmp::Reverse(head),
            w.queued_at,
            super::domain::seq_of(&w.number),
        )
    };
    let mine = place(t);
    let waiting = ticket::Entity::find()
        .filter(ticket::Column::OfficeId.eq(t.office_id))
        .filter(ticket::Column::Day.eq(t.day))
        .filter(ticket::Column::ServiceId.eq(t.service_id))
        .filter(ticket::Column::Status.eq(TicketStatus::Waiting.as_str()))
        .filter(ticket::Column::Id.ne(t.id))
        .order_by_asc(ticket::Column::QueuedAt)
        .limit(WAITING_MAX)
        .all(conn)
        .await?;
    Ok(waiting.iter().filter(|w| place(w) < mine).count() as u64)
}

/// Calls of an office after its call number `after`, made since `since`, in order, at
/// most `limit`.
pub async fn calls_after(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
    after: i64,
    since: chrono::DateTime<chrono::Utc>,
    limit: u64,
) -> Result<Vec<call::Model>, DbErr> {
    call::Entity::find()
        .filter(call::Column::OfficeId.eq(office_id))
        .filter(call::Column::Seq.gt(after))
        .filter(call::Column::At.gte(since))
        .order_by_asc(call::Column::Seq)
        .limit(limit)
        .all(conn)
        .await
}

/// The latest calls of an office, newest first.
pub async fn latest_calls(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
    since: chrono::DateTime<chrono::Utc>,
    limit: u64,
) -> Result<Vec<call::Model>, DbErr> {
    call::Entity::find()
        .filter(call::Column::OfficeId.eq(office_id))
        .filter(call::Column::At.gte(since))
        .order_by_desc(call::Column::Seq)
        .limit(limit)
        .all(conn)
        .await
}

/// A page of an office's tickets of a day, optionally of one status, in queue order.
pub async fn list_day(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
    day: NaiveDate,
    status: Option<TicketStatus>,
    pager: &sipe_platform::web::table::Pager,
) -> Result<(Vec<ticket::Model>, u64), DbErr> {
    let mut q = ticket::Entity::find()
        .filter(ticket::Column::OfficeId.eq(office_id))
        .filter(ticket::Column::Day.eq(day));
    if let Some(s) = status {
        q = q.filter(ticket::Column::Status.eq(s.as_str()));
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_asc(ticket::Column::QueuedAt)
        .order_by_asc(ticket::Column::Id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// How many of an office's tickets of a day are in `status`.
pub async fn count_day(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
    day: NaiveDate,
    status: TicketStatus,
) -> Result<u64, DbErr> {
    ticket::Entity::find()
        .filter(ticket::Column::OfficeId.eq(office_id))
        .filter(ticket::Column::Day.eq(day))
        .filter(ticket::Column::Status.eq(status.as_str()))
        .count(conn)
        .await
}

/// The ticket's person as the counter sees them: the person given at issue, else the one
/// whose document was typed; within the operator's search scope, merged records left
/// out. The counter screen shows them and a finished ticket's consultations name them.
pub async fn person_of(
    conn: &impl ConnectionTrait,
    access: &Access,
    t: &ticket::Model,
) -> Result<Option<sipe_persons::Person>, DbErr> {
    let id = match (t.person_id, &t.document) {
        (Some(id), _) => id,
        (None, Some(doc)) => match sipe_persons::store::find_by_document(conn, "dni", doc).await? {
            Some(p) => p.id,
            None => return Ok(None),
        },
        (None, None) => return Ok(None),
    };
    Ok(
        sipe_persons::store::find_person(conn, access, ScopeKind::Search, PersonId(id))
            .await?
            .filter(|p| p.merged_into.is_none()),
    )
}
