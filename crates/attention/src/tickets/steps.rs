//! A ticket's steps at the counter or reception: recall, start, absent, redirect,
//! finish (with the topics delivered), cancel.

use chrono::{SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::TicketStatus;
use super::store;
use crate::entity::{counter, service, ticket};
use crate::error::AttentionError;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self};
use sipe_platform::validation::FieldErrors;

use super::service::{Queue, Ticket, describe, lock_queue, record_call};

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
            // The person the counter screen showed.
            let person_id = store::person_of(&tx, access, &t).await?.map(|p| p.id);
            let origin = crate::interactions::service::Origin {
                tz: q.tz,
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
