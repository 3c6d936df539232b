//! Use cases on consultations: one transaction each, with audit rows and the person's
//! timeline event.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::{Channel, Direction, InteractionStatus};
use super::store;
use crate::entity::{interaction, topic};
use crate::error::AttentionError;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::{self, FieldErrors};

/// Longest notes or outcome, in characters.
pub const NOTES_MAX: usize = 4_000;

/// A consultation as recorded.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InteractionInput {
    /// phone, email, whatsapp, social, web, counter, sms.
    pub channel: String,
    /// `in` (default) or `out`.
    pub direction: Option<String>,
    /// The person, when known (view scope).
    pub person_id: Option<Uuid>,
    /// A topic code (`GET /api/v1/interaction-topics`).
    pub topic: Option<String>,
    /// Notes (up to 4,000 characters).
    pub notes: Option<String>,
    /// What was answered or done.
    pub outcome: Option<String>,
    /// open (default), waiting_person, waiting_area, resolved.
    pub status: Option<String>,
    /// The phone or address it came from.
    pub contact: Option<String>,
    /// The owning office (capture scope; default: the person's, else the caller's).
    pub office_code: Option<String>,
}

/// A consultation as screens and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Interaction {
    /// Id.
    pub id: Uuid,
    /// Channel.
    pub channel: Channel,
    /// Direction.
    pub direction: Direction,
    /// The person.
    pub person_id: Option<Uuid>,
    /// The owning office.
    pub office_id: Uuid,
    /// Topic code.
    pub topic: Option<String>,
    /// Status.
    pub status: InteractionStatus,
    /// Notes.
    pub notes: Option<String>,
    /// Outcome.
    pub outcome: Option<String>,
    /// Phone or address it came from.
    pub contact: Option<String>,
    /// The counter ticket it came from.
    pub ticket_id: Option<Uuid>,
    /// Assigned operator.
    pub assigned_name: Option<String>,
    /// Who recorded it.
    pub created_by_name: String,
    /// Recorded.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
    /// Resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Version, for changes.
    pub version: i32,
    /// When the first answer is due (business hours of the office).
    pub first_response_due: Option<DateTime<Utc>>,
    /// When it must be resolved.
    pub resolution_due: Option<DateTime<Utc>>,
    /// When it was first answered.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Past a due time, not resolved.
    pub breached: bool,
}

/// Is an unresolved consultation past its first-answer or resolution time at `now`?
pub fn breached(m: &interaction::Model, now: DateTime<Utc>) -> bool {
    m.status != InteractionStatus::Resolved.as_str()
        && (m.first_response_at.is_none() && m.first_response_due.is_some_and(|d| d < now)
            || m.resolution_due.is_some_and(|d| d < now))
}

/// What a consultation's clock runs toward now: its first answer until it has one,
/// then its resolution; nothing once resolved or without a target.
pub fn pending_due(m: &interaction::Model) -> Option<(SlaStage, DateTime<Utc>)> {
    if m.status == InteractionStatus::Resolved.as_str() {
        return None;
    }
    match (m.first_response_at, m.first_response_due) {
        (None, Some(d)) => Some((SlaStage::FirstResponse, d)),
        _ => m.resolution_due.map(|d| (SlaStage::Resolution, d)),
    }
}

/// Which SLA target a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaStage {
    /// The first answer.
    FirstResponse,
    /// The resolution.
    Resolution,
}

impl From<interaction::Model> for Interaction {
    fn from(m: interaction::Model) -> Self {
        let breached = breached(&m, Utc::now());
        Interaction {
            breached,
            first_response_due: m.first_response_due,
            resolution_due: m.resolution_due,
            first_response_at: m.first_response_at,
            id: m.id,
            channel: Channel::parse(&m.channel).unwrap_or(Channel::Phone),
            direction: Direction::parse(&m.direction).unwrap_or(Direction::In),
            person_id: m.person_id,
            office_id: m.office_id,
            topic: m.topic_code,
            status: InteractionStatus::parse(&m.status).unwrap_or(InteractionStatus::Open),
            notes: m.notes,
            outcome: m.outcome,
            contact: m.contact,
            ticket_id: m.ticket_id,
            assigned_name: m.assigned_name,
            created_by_name: m.created_by_name,
            created_at: m.created_at,
            updated_at: m.updated_at,
            resolved_at: m.resolved_at,
            version: m.version,
        }
    }
}

struct Valid {
    channel: Channel,
    direction: Direction,
    status: InteractionStatus,
    notes: Option<String>,
    outcome: Option<String>,
    contact: Option<String>,
    topic: Option<String>,
}

fn optional(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// A code or key as given: trimmed, `None` when empty.
pub(crate) fn trimmed(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn check(input: &InteractionInput) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::new();
    let channel = Channel::parse(&input.channel).unwrap_or_else(|| {
        errors.add("channel", "attention-channel-invalid");
        Channel::Phone
    });
    let direction = match input.direction.as_deref().map(str::trim) {
        None | Some("") => Direction::In,
        Some(d) => Direction::parse(d).unwrap_or_else(|| {
            errors.add("direction", "attention-direction-invalid");
            Direction::In
        }),
    };
    let status = match input.status.as_deref().map(str::trim) {
        None | Some("") => InteractionStatus::Open,
        Some(s) => InteractionStatus::parse(s).unwrap_or_else(|| {
            errors.add("status", "attention-istatus-invalid");
            InteractionStatus::Open
        }),
    };
    let text = |errors: &mut FieldErrors, field, raw: &Option<String>, max| {
        optional(validation::multiline_text(
            errors,
            field,
            raw.as_deref().unwrap_or_default(),
            false,
            max,
        ))
    };
    let notes = text(&mut errors, "notes", &input.notes, NOTES_MAX);
    let outcome = text(&mut errors, "outcome", &input.outcome, NOTES_MAX);
    let contact = optional(validation::text(
        &mut errors,
        "contact",
        input.contact.as_deref().unwrap_or_default(),
        false,
        200,
    ));
    let topic = trimmed(input.topic.as_deref());
    if topic.as_ref().is_some_and(|t| t.len() > 40) {
        errors.add("topic", "attention-topic-unknown");
    }
    if topic.is_none() && notes.is_none() && errors.is_empty() {
        errors.add("notes", "attention-interaction-empty");
    }
    errors.into_result()?;
    Ok(Valid {
        channel,
        direction,
        status,
        notes,
        outcome,
        contact,
        topic,
    })
}

/// Is `code` an active topic?
async fn check_topic(
    conn: &impl ConnectionTrait,
    code: Option<&str>,
) -> Result<(), AttentionError> {
    if let Some(code) = code
        && topic::Entity::find_by_id(code.to_owned())
            .filter(topic::Column::Active.eq(true))
            .one(conn)
            .await?
            .is_none()
    {
        return Err(FieldErrors::one("topic", "attention-topic-unknown").into());
    }
    Ok(())
}

/// What a new row holds besides the input.
pub(crate) struct Origin {
    /// The deployment's time zone (the SLA's business hours).
    pub tz: chrono_tz::Tz,
    pub office_id: Uuid,
    pub person_id: Option<Uuid>,
    pub ticket_id: Option<Uuid>,
}

/// Writes a consultation and the person's timeline event, inside a use case's
/// transaction.
async fn insert(
    tx: &DatabaseTransaction,
    ctx: &AuditCtx,
    access: &Access,
    v: Valid,
    origin: Origin,
) -> Result<interaction::Model, AttentionError> {
    let now = Utc::now().trunc_subsecs(6);
    let id = Uuid::now_v7();
    let (first_response_due, resolution_due) = crate::sla::store::due(
        tx,
        origin.tz,
        origin.office_id,
        v.channel.as_str(),
        v.topic.as_deref(),
        now,
    )
    .await?;
    // A call or a visit is answered as it happens; anything recorded past "open" was
    // answered when recorded.
    let answered = v.status != InteractionStatus::Open
        || matches!(v.channel, Channel::Phone | Channel::Counter);
    let row = interaction::ActiveModel {
        id: Set(id),
        channel: Set(v.channel.as_str().to_owned()),
        direction: Set(v.direction.as_str().to_owned()),
        person_id: Set(origin.person_id),
        office_id: Set(origin.office_id),
        topic_code: Set(v.topic.clone()),
        status: Set(v.status.as_str().to_owned()),
        outcome: Set(v.outcome),
        notes: Set(v.notes),
        contact: Set(v.contact),
        ticket_id: Set(origin.ticket_id),
        assigned_to: Set(Some(access.actor.user_id).filter(|u| !u.is_nil())),
        assigned_name: Set(Some(access.actor.full_name.clone())),
        created_by: Set(Some(access.actor.user_id).filter(|u| !u.is_nil())),
        created_by_name: Set(access.actor.full_name.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        resolved_at: Set((v.status == InteractionStatus::Resolved).then_some(now)),
        version: Set(1),
        first_response_due: Set(first_response_due),
        resolution_due: Set(resolution_due),
        first_response_at: Set(answered.then_some(now)),
    }
    .insert(tx)
    .await?;
    audit::record(
        tx,
        ctx,
        Change::new("attention.interaction.create", "attention_interaction", id).after(json!({
            "channel": row.channel, "direction": row.direction, "person_id": row.person_id,
            "office_id": row.office_id, "topic": row.topic_code, "status": row.status,
            "ticket_id": row.ticket_id,
        })),
    )
    .await?;
    if let Some(person) = row.person_id {
        let topic_name = match &row.topic_code {
            Some(code) => topic::Entity::find_by_id(code.clone())
                .one(tx)
                .await?
                .map(|t| Arg::text(t.name)),
            None => None,
        }
        .unwrap_or_else(|| Arg::key("attention-no-topic"));
        timeline::append(
            tx,
            ctx,
            NewEvent {
                person_id: person,
                kind: "attention.interaction",
                args: vec![
                    ("channel", Arg::key(v.channel.label_key())),
                    ("topic", topic_name),
                ],
                link: Some(format!("/attention/interactions/{id}")),
                office_id: Some(row.office_id),
            },
        )
        .await?;
    }
    Ok(row)
}

/// Records a consultation; returns it.
pub async fn record(
    db: &Db,
    tz: chrono_tz::Tz,
    ctx: &AuditCtx,
    access: &Access,
    input: &InteractionInput,
) -> Result<Interaction, AttentionError> {
    let v = check(input)?;
    let tx = db::begin_write(db).await?;
    check_topic(&tx, v.topic.as_deref()).await?;
    let person = match input.person_id {
        Some(id) => Some(
            sipe_persons::store::find_person(&tx, access, ScopeKind::View, PersonId(id))
                .await?
                .ok_or_else(|| FieldErrors::one("person_id", "attention-person-unknown"))?,
        ),
        None => None,
    };
    let preferred: Vec<Uuid> = person.iter().map(|p| p.office_id).collect();
    let office = sipe_platform::territory::store::capture_office(
        &tx,
        access,
        input.office_code.as_deref(),
        &preferred,
    )
    .await??;
    let origin = Origin {
        tz,
        office_id: office.id,
        person_id: person.map(|p| p.id),
        ticket_id: None,
    };
    let row = insert(&tx, ctx, access, v, origin).await?;
    tx.commit().await?;
    Ok(row.into())
}

/// Inside a finished ticket's transaction: one consultation per topic delivered, at the
/// counter, resolved.
pub(crate) async fn record_delivered(
    tx: &DatabaseTransaction,
    ctx: &AuditCtx,
    access: &Access,
    topics: &[String],
    origin: &Origin,
) -> Result<(), AttentionError> {
    for code in topics {
        check_topic(tx, Some(code)).await?;
        let v = Valid {
            channel: Channel::Counter,
            direction: Direction::In,
            status: InteractionStatus::Resolved,
            notes: None,
            outcome: None,
            contact: None,
            topic: Some(code.clone()),
        };
        let origin = Origin {
            tz: origin.tz,
            office_id: origin.office_id,
            person_id: origin.person_id,
            ticket_id: origin.ticket_id,
        };
        insert(tx, ctx, access, v, origin).await?;
    }
    Ok(())
}

/// Inside a received message's transaction: a new conversation, open, its first
/// message as notes (the thread keeps every message).
pub(crate) async fn open_conversation(
    tx: &DatabaseTransaction,
    ctx: &AuditCtx,
    access: &Access,
    channel: Channel,
    address: &str,
    first: &str,
    origin: Origin,
) -> Result<interaction::Model, AttentionError> {
    let v = Valid {
        channel,
        direction: Direction::In,
        status: InteractionStatus::Open,
        notes: optional(
            first
                .chars()
                .take(NOTES_MAX)
                .collect::<String>()
                .trim()
                .to_owned(),
        ),
        outcome: None,
        contact: Some(address.to_owned()),
        topic: None,
    };
    insert(tx, ctx, access, v, origin).await
}

/// Inside a call's transaction (answered, or a missed one called back): an open phone
/// consultation, assigned to the user (its topic and notes come as they talk).
pub(crate) async fn open_for_call(
    tx: &DatabaseTransaction,
    ctx: &AuditCtx,
    access: &Access,
    direction: Direction,
    contact: Option<String>,
    origin: Origin,
) -> Result<interaction::Model, AttentionError> {
    let v = Valid {
        channel: Channel::Phone,
        direction,
        status: InteractionStatus::Open,
        notes: None,
        outcome: None,
        contact,
        topic: None,
    };
    insert(tx, ctx, access, v, origin).await
}

/// Inside a call's transaction: the consultation passes to the user who took the
/// transferred call.
pub(crate) async fn reassign(
    tx: &DatabaseTransaction,
    ctx: &AuditCtx,
    id: Uuid,
    user: (Uuid, &str),
) -> Result<(), AttentionError> {
    let Some(row) = interaction::Entity::find_by_id(id).one(tx).await? else {
        return Ok(());
    };
    if row.assigned_to == Some(user.0) {
        return Ok(());
    }
    let before = json!({"assigned_to": row.assigned_to});
    let version = row.version;
    let mut a = row.into_active_model();
    a.assigned_to = Set(Some(user.0));
    a.assigned_name = Set(Some(user.1.to_owned()));
    a.updated_at = Set(Utc::now().trunc_subsecs(6));
    a.version = Set(version + 1);
    a.update(tx).await?;
    audit::record(
        tx,
        ctx,
        Change::new("attention.interaction.assign", "attention_interaction", id)
            .before(before)
            .after(json!({"assigned_to": user.0})),
    )
    .await?;
    Ok(())
}

/// A change of a consultation's status, at the version read.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StatusChange {
    /// The new status.
    pub status: String,
    /// What was answered or done (replaces the outcome when given).
    pub outcome: Option<String>,
    /// Its topic, when it is known now (a call's, a message's): a topic code.
    pub topic: Option<String>,
    /// The version read.
    pub version: i32,
}

/// Changes a consultation's status (capture scope of its office).
pub async fn change_status(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    change: &StatusChange,
) -> Result<Interaction, AttentionError> {
    let status = InteractionStatus::parse(&change.status)
        .ok_or_else(|| FieldErrors::one("status", "attention-istatus-invalid"))?;
    let mut errors = FieldErrors::new();
    let outcome = optional(validation::multiline_text(
        &mut errors,
        "outcome",
        change.outcome.as_deref().unwrap_or_default(),
        false,
        NOTES_MAX,
    ));
    let topic = trimmed(change.topic.as_deref());
    if topic.as_ref().is_some_and(|t| t.len() > 40) {
        errors.add("topic", "attention-topic-unknown");
    }
    errors.into_result()?;
    let tx = db::begin_write(db).await?;
    let current = store::find(&tx, access, ScopeKind::Capture, id)
        .await?
        .ok_or(AttentionError::NotFound)?;
    // A topic retired since it was given stays; a new one must be active.
    if topic != current.topic_code {
        check_topic(&tx, topic.as_deref()).await?;
    }
    if current.version != change.version {
        return Err(AttentionError::Conflict("attention-changed-meanwhile"));
    }
    let before =
        json!({"status": current.status, "outcome": current.outcome, "topic": current.topic_code});
    let now = Utc::now().trunc_subsecs(6);
    let version = current.version;
    let mut a = current.into_active_model();
    a.status = Set(status.as_str().to_owned());
    if outcome.is_some() {
        a.outcome = Set(outcome);
    }
    if topic.is_some() {
        a.topic_code = Set(topic);
    }
    a.resolved_at = Set((status == InteractionStatus::Resolved).then_some(now));
    if a.first_response_at.as_ref().is_none() && status != InteractionStatus::Open {
        a.first_response_at = Set(Some(now));
    }
    a.updated_at = Set(now);
    a.version = Set(version + 1);
    let row = a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("attention.interaction.status", "attention_interaction", id)
            .before(before)
            .after(json!({"status": row.status, "outcome": row.outcome, "topic": row.topic_code})),
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// Most consultations one bulk action takes.
pub const BULK_MAX: usize = 100;

/// A bulk action on consultations picked in the inbox.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InteractionBulkInput {
    /// The consultations (up to 100).
    pub ids: Vec<Uuid>,
    /// `assign` or `resolve`.
    pub action: String,
    /// Who they are assigned to (`assign`; default: the caller).
    pub assignee_id: Option<Uuid>,
}

/// What a bulk action did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InteractionBulkOutcome {
    /// Consultations changed.
    pub changed: u64,
    /// Left as they were: outside the caller's capture scope (or the assignee's),
    /// already resolved (`resolve`) or already theirs (`assign`).
    pub skipped: u64,
}

/// Assigns or resolves the picked consultations in one transaction, each audited; those
/// the caller may not change are skipped and counted.
pub async fn bulk(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    input: &InteractionBulkInput,
) -> Result<InteractionBulkOutcome, AttentionError> {
    let mut errors = FieldErrors::new();
    if input.ids.is_empty() {
        errors.add("ids", "attention-bulk-none");
    } else if input.ids.len() > BULK_MAX {
        errors.add("ids", "attention-bulk-too-many");
    }
    let resolve = match input.action.trim() {
        "resolve" => true,
        "assign" => false,
        _ => {
            errors.add("action", "attention-bulk-action-invalid");
            false
        }
    };
    errors.into_result()?;
    let tx = db::begin_write(db).await?;
    // Whom to assign to: an active user who may attend, checked against each office.
    let assignee = if resolve {
        None
    } else {
        let id = input.assignee_id.unwrap_or(access.actor.user_id);
        let user = sipe_platform::access::entity::user::Entity::find_by_id(id)
            .filter(sipe_platform::access::entity::user::Column::Active.eq(true))
            .one(&tx)
            .await?
            .ok_or_else(|| FieldErrors::one("assignee_id", "attention-bulk-assignee-invalid"))?;
        let their = sipe_platform::access::store::load_access(&tx, &user).await?;
        if !their.can(sipe_platform::access::Permission::Attend) {
            return Err(FieldErrors::one("assignee_id", "attention-bulk-assignee-invalid").into());
        }
        Some((user, their))
    };
    let now = Utc::now().trunc_subsecs(6);
    let (mut changed, mut skipped) = (0, 0);
    let mut ids = input.ids.clone();
    ids.sort();
    ids.dedup();
    for id in ids {
        let Some(row) = store::find(&tx, access, ScopeKind::Capture, id).await? else {
            skipped += 1;
            continue;
        };
        let version = row.version;
        let before = json!({"status": row.status, "assigned_to": row.assigned_to});
        let mut a = row.clone().into_active_model();
        let action = if resolve {
            if row.status == InteractionStatus::Resolved.as_str() {
                skipped += 1;
                continue;
            }
            a.status = Set(InteractionStatus::Resolved.as_str().to_owned());
            a.resolved_at = Set(Some(now));
            if row.first_response_at.is_none() {
                a.first_response_at = Set(Some(now));
            }
            "attention.interaction.status"
        } else {
            let Some((user, their)) = &assignee else {
                continue;
            };
            let reachable = store::find(&tx, their, ScopeKind::Capture, id)
                .await?
                .is_some();
            if !reachable || row.assigned_to == Some(user.id) {
                skipped += 1;
                continue;
            }
            a.assigned_to = Set(Some(user.id));
            a.assigned_name = Set(Some(user.full_name.clone()));
            "attention.interaction.assign"
        };
        a.updated_at = Set(now);
        a.version = Set(version + 1);
        let row = a.update(&tx).await?;
        audit::record(
            &tx,
            ctx,
            Change::new(action, "attention_interaction", id)
                .before(before)
                .after(json!({"status": row.status, "assigned_to": row.assigned_to, "bulk": true})),
        )
        .await?;
        changed += 1;
    }
    tx.commit().await?;
    Ok(InteractionBulkOutcome { changed, skipped })
}
