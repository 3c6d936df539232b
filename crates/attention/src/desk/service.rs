//! Use cases on services and counters: one transaction each, with audit rows.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::store;
use crate::entity::{counter, service};
use crate::error::AttentionError;
use crate::tickets::domain;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db, StoreError};
use sipe_platform::validation::{self, FieldErrors};

/// Longest name of a service or counter.
const NAME_MAX: usize = 80;
/// Most services or counters an office may have (a kiosk page of buttons, a display).
const PER_OFFICE_MAX: usize = 60;

/// A service as typed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ServiceInput {
    /// One to three letters.
    pub prefix: String,
    /// Name shown at the kiosk.
    pub name: String,
    /// Order at the kiosk (0–999).
    pub position: Option<i32>,
    /// Offered for new tickets (default yes).
    pub active: Option<bool>,
    /// Minutes of an appointment slot, 5–240; 0 takes no appointments (default: as it
    /// was, none for a new service).
    pub slot_minutes: Option<i32>,
    /// People an appointment slot takes, 1–100 (with `slot_minutes`).
    pub slot_capacity: Option<i32>,
}

/// A counter as typed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CounterInput {
    /// Name shown on the display ("Box 3").
    pub name: String,
    /// Ids of the office's services it calls (at least one).
    pub services: Vec<Uuid>,
    /// In use (default yes).
    pub active: Option<bool>,
}

struct ValidService {
    prefix: String,
    name: String,
    position: i32,
    active: bool,
    /// Slot minutes and capacity, when given.
    slots: Option<(i32, i32)>,
}

/// Longest appointment slot, in minutes.
const SLOT_MINUTES_MAX: i32 = 240;
/// Most people per appointment slot.
const SLOT_CAPACITY_MAX: i32 = 100;

/// A slot's length and capacity as typed: both left out keeps them; 0 minutes takes no
/// appointments.
fn check_slots(errors: &mut FieldErrors, input: &ServiceInput) -> Option<(i32, i32)> {
    match (input.slot_minutes, input.slot_capacity) {
        (None, None) => None,
        (Some(0), _) => Some((0, 0)),
        (minutes, capacity) => {
            let minutes = minutes.unwrap_or(0);
            let capacity = capacity.unwrap_or(1);
            if !(5..=SLOT_MINUTES_MAX).contains(&minutes) {
                errors.add("slot_minutes", "attention-slot-minutes-invalid");
            }
            if !(1..=SLOT_CAPACITY_MAX).contains(&capacity) {
                errors.add("slot_capacity", "attention-slot-capacity-invalid");
            }
            Some((minutes, capacity))
        }
    }
}

fn check_service(input: &ServiceInput) -> Result<ValidService, FieldErrors> {
    let mut errors = FieldErrors::new();
    let prefix = domain::prefix(&input.prefix).unwrap_or_else(|key| {
        errors.add("prefix", key);
        String::new()
    });
    let name = validation::text(&mut errors, "name", &input.name, true, NAME_MAX);
    let position = input.position.unwrap_or(0);
    if !(0..=999).contains(&position) {
        errors.add("position", "attention-position-invalid");
    }
    let slots = check_slots(&mut errors, input);
    errors.into_result()?;
    Ok(ValidService {
        prefix,
        name,
        position,
        active: input.active.unwrap_or(true),
        slots,
    })
}

fn taken_prefix(e: sea_orm::DbErr) -> AttentionError {
    match StoreError::from_db(e) {
        StoreError::Conflict(_) => FieldErrors::one("prefix", "attention-prefix-taken").into(),
        other => other.into(),
    }
}

/// Adds a service to an office of the caller's capture scope; returns its id.
pub async fn create_service(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    office_code: &str,
    input: &ServiceInput,
) -> Result<Uuid, AttentionError> {
    let mut v = check_service(input)?;
    let tx = db::begin_write(db).await?;
    let office = store::office_in(&tx, access, ScopeKind::Capture, office_code).await?;
    let existing = store::services(&tx, office.id, false).await?;
    if existing.len() >= PER_OFFICE_MAX {
        return Err(FieldErrors::one("name", "attention-too-many").into());
    }
    // Left out, a new service comes last at the kiosk.
    if input.position.is_none() {
        v.position = existing
            .iter()
            .map(|s| s.position)
            .max()
            .map_or(0, |p| (p + 10).min(999));
    }
    let id = Uuid::now_v7();
    let now = Utc::now();
    let row = service::ActiveModel {
        id: Set(id),
        office_id: Set(office.id),
        prefix: Set(v.prefix),
        name: Set(v.name),
        position: Set(v.position),
        active: Set(v.active),
        created_at: Set(now),
        updated_at: Set(now),
        slot_minutes: Set(v.slots.map_or(0, |s| s.0)),
        slot_capacity: Set(v.slots.map_or(0, |s| s.1)),
    }
    .insert(&tx)
    .await
    .map_err(taken_prefix)?;
    audit::record(
        &tx,
        ctx,
        Change::new("attention.service.create", "attention_service", id).after(json!({
            "office": office.code, "prefix": row.prefix, "name": row.name,
            "position": row.position, "active": row.active,
            "slot_minutes": row.slot_minutes, "slot_capacity": row.slot_capacity,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a service (capture scope of its office).
pub async fn update_service(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &ServiceInput,
) -> Result<(), AttentionError> {
    let v = check_service(input)?;
    let tx = db::begin_write(db).await?;
    let (current, _) = store::service_in(&tx, access, ScopeKind::Capture, id).await?;
    let before = json!({"prefix": current.prefix, "name": current.name,
        "position": current.position, "active": current.active,
        "slot_minutes": current.slot_minutes, "slot_capacity": current.slot_capacity});
    // Left out, `active` stays as it is.
    let active = input.active.unwrap_or(current.active);
    let mut a = current.into_active_model();
    a.prefix = Set(v.prefix);
    a.name = Set(v.name);
    a.position = Set(v.position);
    a.active = Set(active);
    if let Some((minutes, capacity)) = v.slots {
        a.slot_minutes = Set(minutes);
        a.slot_capacity = Set(capacity);
    }
    a.updated_at = Set(Utc::now());
    let row = a.update(&tx).await.map_err(taken_prefix)?;
    audit::record(
        &tx,
        ctx,
        Change::new("attention.service.update", "attention_service", id)
            .before(before)
            .after(json!({"prefix": row.prefix, "name": row.name,
                "position": row.position, "active": row.active,
                "slot_minutes": row.slot_minutes, "slot_capacity": row.slot_capacity})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a counter's input against its office's services.
async fn check_counter(
    conn: &impl sea_orm::ConnectionTrait,
    office_id: Uuid,
    input: &CounterInput,
) -> Result<(String, Vec<Uuid>, bool), AttentionError> {
    let mut errors = FieldErrors::new();
    let name = validation::text(&mut errors, "name", &input.name, true, NAME_MAX);
    let mut services: Vec<Uuid> = Vec::new();
    for s in &input.services {
        if !services.contains(s) {
            services.push(*s);
        }
    }
    if services.is_empty() {
        errors.add("services", "attention-counter-needs-service");
    } else if services.len() > PER_OFFICE_MAX {
        errors.add("services", "attention-too-many");
    } else {
        let known = service::Entity::find()
            .filter(service::Column::OfficeId.eq(office_id))
            .filter(service::Column::Id.is_in(services.clone()))
            .all(conn)
            .await?
            .len();
        if known != services.len() {
            errors.add("services", "attention-service-unknown");
        }
    }
    errors.into_result()?;
    Ok((name, services, input.active.unwrap_or(true)))
}

/// Adds a counter to an office of the caller's capture scope; returns its id.
pub async fn create_counter(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    office_code: &str,
    input: &CounterInput,
) -> Result<Uuid, AttentionError> {
    let tx = db::begin_write(db).await?;
    let office = store::office_in(&tx, access, ScopeKind::Capture, office_code).await?;
    let (name, services, active) = check_counter(&tx, office.id, input).await?;
    if store::counters(&tx, office.id).await?.len() >= PER_OFFICE_MAX {
        return Err(FieldErrors::one("name", "attention-too-many").into());
    }
    let id = Uuid::now_v7();
    let now = Utc::now();
    counter::ActiveModel {
        id: Set(id),
        office_id: Set(office.id),
        name: Set(name.clone()),
        services: Set(json!(services).to_string()),
        active: Set(active),
        operator_id: Set(None),
        operator_name: Set(None),
        signed_in_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&tx)
    .await
    .map_err(taken_name)?;
    audit::record(
        &tx,
        ctx,
        Change::new("attention.counter.create", "attention_counter", id).after(json!({
            "office": office.code, "name": name, "services": services, "active": active,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn taken_name(e: sea_orm::DbErr) -> AttentionError {
    match StoreError::from_db(e) {
        StoreError::Conflict(_) => FieldErrors::one("name", "attention-counter-name-taken").into(),
        other => other.into(),
    }
}

/// Changes a counter (capture scope of its office). Deactivating it signs its operator
/// out and puts the ticket it held back in the queue, in its place.
pub async fn update_counter(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &CounterInput,
) -> Result<(), AttentionError> {
    let tx = db::begin_write(db).await?;
    let (current, office) = store::counter_in(&tx, access, ScopeKind::Capture, id).await?;
    let (name, services, _) = check_counter(&tx, office.id, input).await?;
    // Left out, `active` stays as it is.
    let active = input.active.unwrap_or(current.active);
    let before = json!({"name": current.name, "services": store::services_of(&current),
        "active": current.active});
    if !active && let Some(t) = crate::tickets::store::at_counter(&tx, current.id).await? {
        crate::tickets::service::back_to_queue(&tx, ctx, t).await?;
    }
    let mut a = current.into_active_model();
    a.name = Set(name.clone());
    a.services = Set(json!(services).to_string());
    a.active = Set(active);
    if !active {
        a.operator_id = Set(None);
        a.operator_name = Set(None);
        a.signed_in_at = Set(None);
    }
    a.updated_at = Set(Utc::now());
    a.update(&tx).await.map_err(taken_name)?;
    audit::record(
        &tx,
        ctx,
        Change::new("attention.counter.update", "attention_counter", id)
            .before(before)
            .after(json!({"name": name, "services": services, "active": active})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Signs the caller in to a counter of their capture scope (and out of any other). One
/// who takes over a counter signs its operator out: the audit row names both.
pub async fn sign_in(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
) -> Result<(), AttentionError> {
    let tx = db::begin_write(db).await?;
    let (c, _) = store::counter_in(&tx, access, ScopeKind::Capture, id).await?;
    if !c.active {
        return Err(AttentionError::Conflict("attention-counter-inactive"));
    }
    sign_in_tx(&tx, ctx, access, c).await?;
    tx.commit().await?;
    Ok(())
}

/// Inside a use case's transaction: the caller takes `c` (nothing when they hold it).
pub(crate) async fn sign_in_tx(
    tx: &sea_orm::DatabaseTransaction,
    ctx: &AuditCtx,
    access: &Access,
    c: counter::Model,
) -> Result<counter::Model, AttentionError> {
    let me = access.actor.user_id;
    if c.operator_id == Some(me) {
        return Ok(c);
    }
    if let Some(other) = store::signed_in_counter(tx, me).await? {
        let left = other.id;
        // Nobody is left to attend the ticket called there: it goes back to the queue.
        if let Some(t) = crate::tickets::store::at_counter(tx, left).await? {
            crate::tickets::service::back_to_queue(tx, ctx, t).await?;
        }
        clear_operator(tx, other).await?;
        audit::record(
            tx,
            ctx,
            Change::new("attention.counter.sign_out", "attention_counter", left)
                .before(json!({"operator": access.actor.full_name})),
        )
        .await?;
    }
    let replaced = c.operator_name.clone();
    let id = c.id;
    let mut a = c.into_active_model();
    a.operator_id = Set(Some(me));
    a.operator_name = Set(Some(access.actor.full_name.clone()));
    a.signed_in_at = Set(Some(Utc::now()));
    a.updated_at = Set(Utc::now());
    // One counter per operator (a unique index): two sign-ins of one user at once, the
    // second is told to try again.
    let c = a
        .update(tx)
        .await
        .map_err(|e| match StoreError::from_db(e) {
            StoreError::Conflict(_) => AttentionError::Conflict("attention-counter-busy"),
            other => other.into(),
        })?;
    audit::record(
        tx,
        ctx,
        Change::new("attention.counter.sign_in", "attention_counter", id)
            .before(json!({"operator": replaced}))
            .after(json!({"operator": access.actor.full_name})),
    )
    .await?;
    Ok(c)
}

async fn clear_operator(
    tx: &sea_orm::DatabaseTransaction,
    c: counter::Model,
) -> Result<(), AttentionError> {
    let mut a = c.into_active_model();
    a.operator_id = Set(None);
    a.operator_name = Set(None);
    a.signed_in_at = Set(None);
    a.updated_at = Set(Utc::now());
    a.update(tx).await?;
    Ok(())
}

/// Signs the caller out of the counter they hold, if any.
pub async fn sign_out(db: &Db, ctx: &AuditCtx, access: &Access) -> Result<(), AttentionError> {
    let tx = db::begin_write(db).await?;
    if let Some(c) = store::signed_in_counter(&tx, access.actor.user_id).await? {
        let id = c.id;
        // Nobody is left to attend the ticket called there: it goes back to the queue.
        if let Some(t) = crate::tickets::store::at_counter(&tx, id).await? {
            crate::tickets::service::back_to_queue(&tx, ctx, t).await?;
        }
        clear_operator(&tx, c).await?;
        audit::record(
            &tx,
            ctx,
            Change::new("attention.counter.sign_out", "attention_counter", id)
                .before(json!({"operator": access.actor.full_name})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
