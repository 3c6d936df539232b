//! Use cases of the phone line: the PBX's events (one transaction each, audited) and a
//! missed call called back.

use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::domain::{Cause, CtiEvent, CtiKind, phone_candidates};
use super::hub::PhoneHub;
use crate::entity::phone_call;
use crate::error::AttentionError;
use crate::interactions::Direction;
use crate::interactions::service::{self as interactions, Origin};
use sipe_platform::access::entity::user;
use sipe_platform::access::{Access, Permission, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db, StoreError};
use sipe_platform::ids::PersonId;
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;

/// Call states.
pub mod state {
    /// Ringing, or being dialled.
    pub const RINGING: &str = "ringing";
    /// Someone picked up.
    pub const ANSWERED: &str = "answered";
    /// Over.
    pub const ENDED: &str = "ended";
}

/// The audit rows of the webhook name the PBX as their actor.
fn pbx() -> AuditCtx {
    AuditCtx {
        actor_name: "cti".into(),
        ..AuditCtx::system()
    }
}

/// Applies one event of the PBX. Events may come twice, out of order (an `answer`
/// before its `newCall` after a PBX restart) or for a call never announced: each is
/// taken as far as it makes sense, never refused for it. A user who answered is told
/// on their open phone page.
pub async fn apply(
    db: &Db,
    tz: chrono_tz::Tz,
    hub: Option<&PhoneHub>,
    event: &CtiEvent,
) -> Result<(), AttentionError> {
    // Two events of a new call at once: one inserts, the other retries and finds it.
    let mut tries = 0;
    let answered = loop {
        match apply_once(db, tz, event).await {
            Err(AttentionError::Store(StoreError::Conflict(_))) if tries < 2 => {
                tries += 1;
            }
            other => break other?,
        }
    };
    if let (Some(hub), Some((user, call))) = (hub, answered) {
        hub.publish(user, call);
    }
    Ok(())
}

/// One try; the user and call to tell when someone answered.
async fn apply_once(
    db: &Db,
    tz: chrono_tz::Tz,
    e: &CtiEvent,
) -> Result<Option<(Uuid, Uuid)>, AttentionError> {
    let tx = db::begin_write(db).await?;
    let now = Utc::now().trunc_subsecs(6);
    // Locked: an answer racing a hangup, or two answers, apply one after the other.
    let found = phone_call::Entity::find()
        .filter(phone_call::Column::CallId.eq(e.call_id.clone()))
        .lock_exclusive()
        .one(&tx)
        .await?;
    let call = match found {
        // Announced after an answer or a hangup that named no numbers: they fill in.
        Some(c) if e.kind == CtiKind::NewCall => {
            if c.from_number.is_empty()
                && c.to_number.is_empty()
                && !(e.from.is_empty() && e.to.is_empty())
            {
                complete(&tx, e, c, now).await?;
                tx.commit().await?;
            }
            // Otherwise announced twice: nothing new.
            return Ok(None);
        }
        Some(c) => c,
        None => insert(&tx, e, now).await?,
    };
    let told = match e.kind {
        CtiKind::NewCall => None,
        CtiKind::Answer => answer(&tx, tz, e, call, now).await?,
        CtiKind::Hangup => {
            hang_up(&tx, e, call, now).await?;
            None
        }
    };
    tx.commit().await?;
    Ok(told)
}

/// The party outside as kept (the phone records hold, a mobile's with its 9, else as
/// parsed) and the person, when exactly one record has it.
async fn outside_party(
    tx: &DatabaseTransaction,
    e: &CtiEvent,
    direction: Direction,
) -> Result<(Option<String>, Option<Uuid>), AttentionError> {
    let candidates = phone_candidates(e.outside(direction));
    let mut people: Vec<PersonId> = Vec::new();
    // The number kept is the one records hold (a mobile's with its 9), else as parsed.
    let mut outside = candidates.first().cloned();
    for phone in &candidates {
        let found = sipe_persons::contact::find_by_phone(tx, phone).await?;
        if people.is_empty() && !found.is_empty() {
            outside = Some(phone.clone());
        }
        for (p, _) in found {
            if !people.contains(&p) {
                people.push(p);
            }
        }
    }
    Ok((outside, (people.len() == 1).then(|| people[0].0)))
}

/// A call first heard of by an event that named no numbers, completed by its `newCall`.
async fn complete(
    tx: &DatabaseTransaction,
    e: &CtiEvent,
    call: phone_call::Model,
    now: chrono::DateTime<Utc>,
) -> Result<(), AttentionError> {
    let direction = e.direction.unwrap_or(Direction::In);
    let (outside, person) = outside_party(tx, e, direction).await?;
    let (id, version) = (call.id, call.version);
    let mut row = call.into_active_model();
    row.direction = Set(direction.as_str().to_owned());
    row.from_number = Set(e.from.clone());
    row.to_number = Set(e.to.clone());
    row.outside_e164 = Set(outside);
    row.person_id = Set(person);
    row.queue = Set(e.queue.clone());
    row.users = Set(serde_json::to_string(&e.users).unwrap_or_else(|_| "[]".into()));
    row.updated_at = Set(now);
    row.version = Set(version + 1);
    let row = row.update(tx).await?;
    audit::record(
        tx,
        &pbx(),
        Change::new("attention.phone.call", "attention_phone_call", id).after(json!({
            "call_id": row.call_id, "direction": row.direction, "from": row.from_number,
            "to": row.to_number, "person_id": row.person_id, "completed": true,
        })),
    )
    .await?;
    Ok(())
}

/// Stores a call first heard of, with the person whose phone it is (when only one
/// record has it).
async fn insert(
    tx: &DatabaseTransaction,
    e: &CtiEvent,
    now: chrono::DateTime<Utc>,
) -> Result<phone_call::Model, AttentionError> {
    let direction = e.direction.unwrap_or(Direction::In);
    let (outside, person) = outside_party(tx, e, direction).await?;
    let id = Uuid::now_v7();
    let row = phone_call::ActiveModel {
        id: Set(id),
        call_id: Set(e.call_id.clone()),
        direction: Set(direction.as_str().to_owned()),
        from_number: Set(e.from.clone()),
        to_number: Set(e.to.clone()),
        outside_e164: Set(outside),
        person_id: Set(person),
        queue: Set(e.queue.clone()),
        users: Set(serde_json::to_string(&e.users).unwrap_or_else(|_| "[]".into())),
        state: Set(state::RINGING.to_owned()),
        cause: Set(None),
        answered_by: Set(None),
        answered_by_name: Set(None),
        interaction_id: Set(None),
        missed: Set(false),
        callback_at: Set(None),
        callback_by: Set(None),
        callback_by_name: Set(None),
        started_at: Set(now),
        answered_at: Set(None),
        ended_at: Set(None),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(tx)
    .await?;
    audit::record(
        tx,
        &pbx(),
        Change::new("attention.phone.call", "attention_phone_call", id).after(json!({
            "call_id": row.call_id, "direction": row.direction, "from": row.from_number,
            "to": row.to_number, "person_id": row.person_id,
        })),
    )
    .await?;
    Ok(row)
}

/// The user the PBX names as having answered: `answeringNumber` as a username, an
/// e-mail or a user id (Zammad's order, with the username for its login), else (an
/// extension, say) the one active user whose full name is the only name in `user`.
async fn answering_user(
    tx: &DatabaseTransaction,
    e: &CtiEvent,
) -> Result<Option<user::Model>, AttentionError> {
    let active = || user::Entity::find().filter(user::Column::Active.eq(true));
    if let Some(a) = &e.answering {
        let by_name = active()
            .filter(user::Column::Username.eq(a.to_lowercase()))
            .one(tx)
            .await?;
        if by_name.is_some() {
            return Ok(by_name);
        }
        if a.contains('@') {
            let mut by_mail = active()
                .filter(user::Column::Email.eq(a.clone()))
                .all(tx)
                .await?;
            if by_mail.len() == 1 {
                return Ok(by_mail.pop());
            }
        }
        if let Ok(id) = Uuid::parse_str(a)
            && let Some(u) = active().filter(user::Column::Id.eq(id)).one(tx).await?
        {
            return Ok(Some(u));
        }
        // An extension sipe does not know: the names may still say who.
    }
    if let [name] = e.users.as_slice() {
        let mut named = active()
            .filter(user::Column::FullName.eq(name.clone()))
            .all(tx)
            .await?;
        if named.len() == 1 {
            return Ok(named.pop());
        }
    }
    Ok(None)
}

/// The office a call's consultation belongs to: the person's, when the user may record
/// there; else the user's own; for a user of the whole network (the help desk) with an
/// unknown caller, the network's head office (the first active office at the top of the
/// tree).
async fn line_office(
    tx: &DatabaseTransaction,
    access: &Access,
    preferred: &[Uuid],
) -> Result<Option<office::Model>, AttentionError> {
    if let Ok(o) =
        sipe_platform::territory::store::capture_office(tx, access, None, preferred).await?
    {
        return Ok(Some(o));
    }
    if !access.capture.is_national() {
        return Ok(None);
    }
    Ok(head_office(tx).await?)
}

/// The network's head office: the first active office at the top of the tree (owner of
/// what comes from nobody known: an unknown caller's call, a stranger's message).
pub(crate) async fn head_office(
    conn: &impl sea_orm::ConnectionTrait,
) -> Result<Option<office::Model>, sea_orm::DbErr> {
    office::Entity::find()
        .filter(office::Column::ParentId.is_null())
        .filter(office::Column::Active.eq(true))
        .order_by_asc(office::Column::Code)
        .one(conn)
        .await
}

/// Someone picked up: the call is answered; an inbound call answered by a user of the
/// line opens a consultation assigned to them (or passes it on, when a transfer is
/// answered by another).
async fn answer(
    tx: &DatabaseTransaction,
    tz: chrono_tz::Tz,
    e: &CtiEvent,
    call: phone_call::Model,
    now: chrono::DateTime<Utc>,
) -> Result<Option<(Uuid, Uuid)>, AttentionError> {
    if call.state == state::ENDED {
        // An answer heard after the hangup changes nothing.
        return Ok(None);
    }
    let who = answering_user(tx, e).await?;
    let access = match &who {
        Some(u) => Some(sipe_platform::access::store::load_access(tx, u).await?),
        None => None,
    }
    .filter(|a| a.can(Permission::AnswerPhone));
    let mut interaction_id = call.interaction_id;
    if let Some(a) = &access
        && call.direction == Direction::In.as_str()
    {
        let ctx = AuditCtx {
            actor_id: Some(a.actor.user_id),
            actor_name: a.actor.username.clone(),
            ..pbx()
        };
        match interaction_id {
            Some(id) => {
                interactions::reassign(tx, &ctx, id, (a.actor.user_id, &a.actor.full_name)).await?
            }
            None => interaction_id = open_consultation(tx, tz, &ctx, a, &call).await?,
        }
    }
    let before = json!({"state": call.state, "answered_by": call.answered_by});
    let version = call.version;
    let id = call.id;
    let first = call.answered_at.is_none();
    let mut row = call.into_active_model();
    row.state = Set(state::ANSWERED.to_owned());
    if first {
        row.answered_at = Set(Some(now));
    }
    if let Some(u) = &who {
        row.answered_by = Set(Some(u.id));
        row.answered_by_name = Set(Some(u.full_name.clone()));
    }
    row.interaction_id = Set(interaction_id);
    row.updated_at = Set(now);
    row.version = Set(version + 1);
    let row = row.update(tx).await?;
    audit::record(
        tx,
        &pbx(),
        Change::new("attention.phone.answer", "attention_phone_call", id)
            .before(before)
            .after(json!({"state": row.state, "answered_by": row.answered_by,
                "interaction_id": row.interaction_id})),
    )
    .await?;
    Ok(access.map(|a| (a.actor.user_id, id)))
}

/// The consultation of an answered call: the person when the one record with that
/// phone is within the user's view, in the user's office for it (the person's when
/// they may record there). None when the user may record in no office.
async fn open_consultation(
    tx: &DatabaseTransaction,
    tz: chrono_tz::Tz,
    ctx: &AuditCtx,
    access: &Access,
    call: &phone_call::Model,
) -> Result<Option<Uuid>, AttentionError> {
    let person = match call.person_id {
        Some(id) => {
            sipe_persons::store::find_person(tx, access, ScopeKind::View, PersonId(id)).await?
        }
        None => None,
    };
    let preferred: Vec<Uuid> = person.iter().map(|p| p.office_id).collect();
    let Some(office) = line_office(tx, access, &preferred).await? else {
        return Ok(None);
    };
    // A hidden number is no contact.
    let contact = call.outside_e164.clone().or_else(|| {
        Some(call.from_number.clone())
            .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("anonymous"))
    });
    let origin = Origin {
        tz,
        office_id: office.id,
        person_id: person.map(|p| p.id),
        ticket_id: None,
    };
    let row = interactions::open_for_call(tx, ctx, access, Direction::In, contact, origin).await?;
    Ok(Some(row.id))
}

/// The call ended: an inbound call nobody answered is missed (unless it was
/// forwarded), and goes to the missed-calls list.
async fn hang_up(
    tx: &DatabaseTransaction,
    e: &CtiEvent,
    call: phone_call::Model,
    now: chrono::DateTime<Utc>,
) -> Result<(), AttentionError> {
    if call.state == state::ENDED {
        return Ok(());
    }
    let cause = e.cause.unwrap_or(Cause::NormalClearing);
    let missed = call.direction == Direction::In.as_str()
        && call.answered_at.is_none()
        && cause != Cause::Forwarded;
    let before = json!({"state": call.state});
    let (id, version) = (call.id, call.version);
    let mut row = call.into_active_model();
    row.state = Set(state::ENDED.to_owned());
    row.cause = Set(Some(cause.as_str().to_owned()));
    row.ended_at = Set(Some(now));
    row.missed = Set(missed);
    row.updated_at = Set(now);
    row.version = Set(version + 1);
    row.update(tx).await?;
    audit::record(
        tx,
        &pbx(),
        Change::new("attention.phone.hangup", "attention_phone_call", id)
            .before(before)
            .after(json!({"state": state::ENDED, "cause": cause.as_str(), "missed": missed})),
    )
    .await?;
    Ok(())
}

/// A missed call called back: an outbound phone consultation, open and assigned to
/// the user, with the person when they may see them; the call leaves the missed list.
/// Refused (409) when someone already called back.
pub async fn call_back(
    db: &Db,
    tz: chrono_tz::Tz,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
) -> Result<Uuid, AttentionError> {
    let tx = db::begin_write(db).await?;
    // Locked: two users calling the same number back at once call it once.
    let call = phone_call::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&tx)
        .await?
        .ok_or(AttentionError::NotFound)?;
    if !call.missed {
        return Err(AttentionError::Conflict("attention-phone-not-missed"));
    }
    if call.callback_at.is_some() {
        return Err(AttentionError::Conflict("attention-phone-called-back"));
    }
    if call.outside_e164.is_none() {
        return Err(AttentionError::Conflict("attention-phone-no-number"));
    }
    let person = match call.person_id {
        Some(p) => {
            sipe_persons::store::find_person(&tx, access, ScopeKind::View, PersonId(p)).await?
        }
        None => None,
    };
    let preferred: Vec<Uuid> = person.iter().map(|p| p.office_id).collect();
    let office = line_office(&tx, access, &preferred)
        .await?
        .ok_or_else(|| FieldErrors::one("office_code", "office-required"))?;
    let contact = call.outside_e164.clone();
    let origin = Origin {
        tz,
        office_id: office.id,
        person_id: person.map(|p| p.id),
        ticket_id: None,
    };
    let interaction =
        interactions::open_for_call(&tx, ctx, access, Direction::Out, contact.clone(), origin)
            .await?
            .id;
    let now = Utc::now().trunc_subsecs(6);
    let version = call.version;
    let mut row = call.into_active_model();
    row.callback_at = Set(Some(now));
    row.callback_by = Set(Some(access.actor.user_id).filter(|u| !u.is_nil()));
    row.callback_by_name = Set(Some(access.actor.full_name.clone()));
    row.updated_at = Set(now);
    row.version = Set(version + 1);
    row.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("attention.phone.callback", "attention_phone_call", id)
            .after(json!({"interaction_id": interaction})),
    )
    .await?;
    // The same number's other missed calls are answered by this one call back.
    if let Some(number) = &contact {
        let others = phone_call::Entity::update_many()
            .col_expr(
                phone_call::Column::CallbackAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .col_expr(
                phone_call::Column::CallbackBy,
                sea_orm::sea_query::Expr::value(Some(access.actor.user_id).filter(|u| !u.is_nil())),
            )
            .col_expr(
                phone_call::Column::CallbackByName,
                sea_orm::sea_query::Expr::value(access.actor.full_name.clone()),
            )
            .col_expr(
                phone_call::Column::UpdatedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(phone_call::Column::Missed.eq(true))
            .filter(phone_call::Column::CallbackAt.is_null())
            .filter(phone_call::Column::OutsideE164.eq(number.clone()))
            .exec(&tx)
            .await?;
        if others.rows_affected > 0 {
            audit::record(
                &tx,
                ctx,
                Change::new("attention.phone.callback", "attention_phone_call", id)
                    .after(json!({"same_number_calls": others.rows_affected})),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(interaction)
}

/// How long a call may ring or last before sipe takes its hangup as lost.
const STALE: chrono::TimeDelta = chrono::TimeDelta::hours(4);

/// Ends the calls whose hangup never came (a PBX restart, a failed request): one still
/// ringing after `STALE` is missed (an inbound one goes to the list to call back), one
/// in progress is over. Returns how many.
pub async fn end_stale(db: &Db) -> Result<usize, AttentionError> {
    let cutoff = Utc::now() - STALE;
    let stale = phone_call::Entity::find()
        .filter(phone_call::Column::State.is_in([state::RINGING, state::ANSWERED]))
        .filter(phone_call::Column::UpdatedAt.lt(cutoff))
        .limit(500)
        .all(db)
        .await?;
    let mut ended = 0;
    for call in stale {
        let tx = db::begin_write(db).await?;
        let Some(call) = phone_call::Entity::find_by_id(call.id)
            .lock_exclusive()
            .one(&tx)
            .await?
            .filter(|c| c.state != state::ENDED && c.updated_at < cutoff)
        else {
            continue;
        };
        let missed = call.direction == Direction::In.as_str() && call.answered_at.is_none();
        let (id, version, before) = (call.id, call.version, call.state.clone());
        let now = Utc::now().trunc_subsecs(6);
        let mut row = call.into_active_model();
        row.state = Set(state::ENDED.to_owned());
        row.missed = Set(missed);
        row.ended_at = Set(Some(now));
        row.updated_at = Set(now);
        row.version = Set(version + 1);
        row.update(&tx).await?;
        audit::record(
            &tx,
            &pbx(),
            Change::new("attention.phone.hangup", "attention_phone_call", id)
                .before(json!({"state": before}))
                .after(json!({"state": state::ENDED, "missed": missed, "lost_hangup": true})),
        )
        .await?;
        tx.commit().await?;
        ended += 1;
    }
    Ok(ended)
}
