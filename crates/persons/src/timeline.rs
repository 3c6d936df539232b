//! The timeline mechanism: any module appends dated events about a person here, inside
//! its own transaction; the person page reads them back in order. No module's tables
//! are joined: each event carries its own summary and link.

use chrono::{SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use uuid::Uuid;

use super::entity::timeline_event;
use sipe_platform::audit::AuditCtx;

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// The person.
    pub person_id: Uuid,
    /// Dotted kind (`person.registered`, `interview`, `referral.sent`...).
    pub kind: &'a str,
    /// One-line summary, in the deployment's language.
    pub summary: String,
    /// Link to the record the event is about.
    pub link: Option<String>,
    /// Office where it happened.
    pub office_id: Option<Uuid>,
}

/// Appends an event, attributed to the request's actor.
pub async fn append(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    event: NewEvent<'_>,
) -> Result<(), DbErr> {
    timeline_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(event.person_id),
        kind: Set(event.kind.to_owned()),
        summary: Set(event.summary.chars().take(300).collect()),
        link: Set(event.link),
        office_id: Set(event.office_id),
        author_id: Set(ctx.actor_id),
        author_name: Set(ctx.actor_name.clone()),
        at: Set(Utc::now().trunc_subsecs(6)),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The kinds of timeline events the persons module writes.
pub const KINDS: &[&str] = &[
    "person.registered",
    "person.updated",
    "person.merged",
    "person.transferred",
    "interview",
];
