//! "Your turn is near": a ticket issued with a mobile gets one SMS when few people are
//! ahead of it, queued through the messaging outbox in the transaction of the call that
//! brought it near (the message's key is the ticket: never twice).

use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::domain::TicketStatus;
use super::store;
use crate::entity::ticket;
use crate::error::AttentionError;
use sipe_platform::territory::entity::office;

/// People ahead at which the SMS goes.
pub const NEAR: u64 = 3;
/// Tickets with a phone looked at per call (an office's waiting room, not a campaign).
const LOOKED_AT: u64 = 50;

/// Queues the SMS of the office's waiting tickets of `day` that are now near and have
/// a phone; returns how many were queued.
pub(crate) async fn tell_the_near(
    tx: &DatabaseTransaction,
    office: &office::Model,
    day: chrono::NaiveDate,
) -> Result<u32, AttentionError> {
    let waiting = ticket::Entity::find()
        .filter(ticket::Column::OfficeId.eq(office.id))
        .filter(ticket::Column::Day.eq(day))
        .filter(ticket::Column::Status.eq(TicketStatus::Waiting.as_str()))
        .filter(ticket::Column::Phone.is_not_null())
        .order_by_asc(ticket::Column::QueuedAt)
        .limit(LOOKED_AT)
        .all(tx)
        .await?;
    let mut queued = 0;
    for t in waiting {
        let Some(phone) = &t.phone else { continue };
        if store::ahead_of(tx, &t).await? >= NEAR {
            continue;
        }
        let text = sipe_platform::i18n::Lang::EsAr.t_args(
            "attention-turn-near-sms",
            &[
                ("office", office.name.clone()),
                ("number", t.number.clone()),
            ],
        );
        let sent = sipe_messaging::conversation::notify_number(
            tx,
            phone,
            office.id,
            &text,
            format!("turn-near:{}", t.id),
            "attention",
        )
        .await?;
        if sent.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}
