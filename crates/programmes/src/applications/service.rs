//! Every change of an application: one transaction with its step, audit row and
//! timeline entry.

use chrono::{Datelike, Months, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::access::{Access, Scope, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::{self, FieldErrors};
use uuid::Uuid;

use super::store::Application;
use super::{Action, HOLDING, OPEN};
use crate::entity::{application, application_event};
use crate::error::ProgrammeError;
use crate::programmes::Programme;

/// A new application as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ApplyInput {
    /// The programme.
    pub programme_id: Uuid,
    /// The person (in the caller's capture scope).
    pub person_id: Uuid,
    /// Amount category (`general` when empty).
    #[serde(default)]
    pub category: String,
    /// Send it for review at once (otherwise it stays a draft).
    #[serde(default)]
    pub submit: bool,
}

/// One step as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct StepInput {
    /// `submit`, `review`, `approve`, `reject`, `activate`, `suspend`, `resume`,
    /// `extend`, `finish`.
    pub action: String,
    /// The version shown (a page that changed meanwhile is refused).
    pub version: i32,
    /// Coded reason (reject, suspend, finish).
    #[serde(default)]
    pub reason: String,
    /// Note.
    #[serde(default)]
    pub note: String,
    /// Day it takes effect: start, suspension, new end, finish (default today).
    #[serde(default)]
    pub date: String,
}

fn refused(field: &'static str, key: &'static str) -> ProgrammeError {
    ProgrammeError::Invalid(FieldErrors::one(field, key))
}

/// Is the person in a programme incompatible with this one? Its name, if so.
async fn incompatible_holding(
    conn: &impl ConnectionTrait,
    programme: Uuid,
    person: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    let others = crate::rules::incompatible_with(conn, programme).await?;
    if others.is_empty() {
        return Ok(None);
    }
    Ok(application::Entity::find()
        .filter(application::Column::PersonId.eq(person))
        .filter(application::Column::ProgrammeId.is_in(others))
        .filter(application::Column::State.is_in(HOLDING))
        .one(conn)
        .await?
        .map(|a| a.programme_id))
}

async fn programme_of(conn: &impl ConnectionTrait, id: Uuid) -> Result<Programme, ProgrammeError> {
    crate::programmes::find(conn, id)
        .await?
        .ok_or_else(|| refused("programme_id", "application-programme-unknown"))
}

fn label(p: &Programme) -> String {
    format!("{} — {}", p.code, p.name)
}

#[allow(clippy::too_many_arguments)]
async fn record_step(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    a: &Application,
    programme: &Programme,
    from: Option<&str>,
    action: &str,
    reason: Option<String>,
    note: Option<String>,
    day: Option<NaiveDate>,
) -> Result<(), DbErr> {
    application_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(a.id),
        from_state: Set(from.map(str::to_owned)),
        to_state: Set(a.state.clone()),
        action: Set(action.to_owned()),
        reason: Set(reason.clone()),
        note: Set(note),
        effective_on: Set(day),
        at: Set(Utc::now()),
        actor_id: Set(ctx.actor_id),
        actor_name: Set(ctx.actor_name.clone()),
    }
    .insert(conn)
    .await?;
    audit::record(
        conn,
        ctx,
        Change::new(
            if from.is_none() {
                "programmes.application.create"
            } else {
                "programmes.application.step"
            },
            "programme_application",
            a.id,
        )
        .before(json!({"state": from}))
        .after(json!({
            "state": a.state, "action": action, "reason": reason, "day": day,
            "number": a.number, "programme_id": a.programme_id, "person_id": a.person_id,
        })),
    )
    .await?;
    timeline::append(
        conn,
        ctx,
        NewEvent {
            person_id: a.person_id,
            kind: "programmes.application",
            args: vec![
                ("programme", Arg::text(label(programme))),
                ("step", Arg::key(format!("application-step-{action}"))),
                // With its leading space, so a step without a number reads well.
                (
                    "number",
                    Arg::text(
                        a.number
                            .as_ref()
                            .map(|n| format!(" {n}"))
                            .unwrap_or_default(),
                    ),
                ),
            ],
            link: Some(format!("/programme-applications/{}", a.id)),
            office_id: Some(a.office_id),
        },
    )
    .await?;
    Ok(())
}

/// Applies a person of the caller's capture scope to a programme taking applications;
/// refused when the person already has an open application to it, or is in an
/// incompatible programme.
pub async fn apply(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    input: &ApplyInput,
    today: NaiveDate,
) -> Result<Uuid, ProgrammeError> {
    let tx = db::begin_write(db).await?;
    let person = sipe_persons::store::find_person(
        &tx,
        access,
        ScopeKind::Capture,
        PersonId(input.person_id),
    )
    .await?
    .ok_or(ProgrammeError::NotFound)?;
    let programme = programme_of(&tx, input.programme_id).await?;
    if !programme.active
        || programme.starts_on > today
        || programme.ends_on.is_some_and(|e| e < today)
    {
        return Err(refused("programme_id", "application-programme-closed"));
    }
    let category = match input.category.trim() {
        "" => "general".to_owned(),
        c => c.to_lowercase(),
    };
    let amounts = crate::programmes::amounts_of(&tx, programme.id).await?;
    if !amounts.iter().any(|a| a.category == category) {
        return Err(refused("category", "application-category-unknown"));
    }
    let open = application::Entity::find()
        .filter(application::Column::PersonId.eq(person.id))
        .filter(application::Column::ProgrammeId.eq(programme.id))
        .filter(application::Column::State.is_in(OPEN))
        .count(&tx)
        .await?;
    if open > 0 {
        return Err(refused("programme_id", "application-already-open"));
    }
    if incompatible_holding(&tx, programme.id, person.id)
        .await?
        .is_some()
    {
        return Err(refused("programme_id", "application-incompatible"));
    }
    let now = Utc::now();
    let a = application::ActiveModel {
        id: Set(Uuid::now_v7()),
        programme_id: Set(programme.id),
        person_id: Set(person.id),
        office_id: Set(person.office_id),
        state: Set(if input.submit { "submitted" } else { "draft" }.to_owned()),
        category: Set(category),
        number: Set(None),
        created_at: Set(now),
        created_by: Set(access.actor.full_name.clone()),
        submitted_at: Set(input.submit.then_some(now)),
        decided_at: Set(None),
        reject_reason: Set(None),
        starts_on: Set(None),
        ends_on: Set(None),
        finished_on: Set(None),
        finish_reason: Set(None),
        version: Set(1),
        updated_at: Set(now),
    }
    .insert(&tx)
    .await?;
    let action = if input.submit { "submit" } else { "create" };
    record_step(&tx, ctx, &a, &programme, None, action, None, None, None).await?;
    tx.commit().await?;
    Ok(a.id)
}

/// The next approval number of a programme in a year. The counter row is locked until
/// the transaction ends, so concurrent approvals of one programme take turns (and see
/// each other's places when they count the quota).
async fn next_number(
    conn: &impl ConnectionTrait,
    programme: &Programme,
    year: i32,
) -> Result<String, DbErr> {
    let stmt = Query::insert()
        .into_table("programme_number_counters")
        .columns(["programme_id", "year", "last"])
        .values_panic([programme.id.into(), year.into(), 1.into()])
        .on_conflict(
            OnConflict::columns(["programme_id", "year"])
                .value(
                    "last",
                    Expr::col(("programme_number_counters", "last")).add(1),
                )
                .to_owned(),
        )
        .returning_col("last")
        .take();
    let row = conn
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::Custom("number counter returned nothing".into()))?;
    let last: i32 = row.try_get("", "last")?;
    Ok(super::number(&programme.code, year, i64::from(last)))
}

/// Checks an approval: eligibility today, incompatible programmes, then the office's
/// and the total quota.
async fn check_approval(
    conn: &impl ConnectionTrait,
    a: &Application,
    programme: &Programme,
    today: NaiveDate,
) -> Result<(), ProgrammeError> {
    let criteria = crate::eligibility::store::of(conn, programme.id).await?;
    let facts =
        sipe_persons::eligibility::facts_of(conn, &Scope::National, &[PersonId(a.person_id)])
            .await?
            .pop()
            .ok_or(ProgrammeError::NotFound)?;
    let held = crate::eligibility::held::of(
        conn,
        programme.id,
        &[a.id],
        &[(a.person_id, facts.cuil.clone())],
    )
    .await?
    .remove(&a.person_id)
    .unwrap_or_default();
    // Incompatible programmes are refused below with their own reason.
    let eligible = crate::eligibility::explain::evaluate(
        &criteria,
        &facts,
        &held,
        today,
        sipe_platform::i18n::Lang::EsAr,
        &Default::default(),
    )
    .criteria
    .iter()
    .all(|o| o.met || o.kind == "incompatible");
    if !eligible {
        return Err(refused("action", "application-not-eligible"));
    }
    if !crate::documents::missing_of(conn, programme, a.id)
        .await?
        .is_empty()
    {
        return Err(refused("action", "application-documents-missing"));
    }
    if incompatible_holding(conn, programme.id, a.person_id)
        .await?
        .is_some()
    {
        return Err(refused("action", "application-incompatible"));
    }
    // One place per person and programme (two applications may meet after a merge).
    let holds = application::Entity::find()
        .filter(application::Column::PersonId.eq(a.person_id))
        .filter(application::Column::ProgrammeId.eq(programme.id))
        .filter(application::Column::State.is_in(HOLDING))
        .filter(application::Column::Id.ne(a.id))
        .count(conn)
        .await?;
    if holds > 0 {
        return Err(refused("action", "application-already-holding"));
    }
    if !programme.active
        || programme.starts_on > today
        || programme.ends_on.is_some_and(|e| e < today)
    {
        return Err(refused("action", "application-programme-closed"));
    }
    if let Some(q) = crate::rules::office_quota(conn, programme.id, a.office_id).await?
        && super::store::holding(conn, programme.id, Some(a.office_id)).await? >= u64::from(q)
    {
        return Err(refused("action", "application-quota-office-full"));
    }
    if let Some(q) = programme.quota_total
        && super::store::holding(conn, programme.id, None).await? >= u64::try_from(q).unwrap_or(0)
    {
        return Err(refused("action", "application-quota-total-full"));
    }
    Ok(())
}

/// Takes a step. Decisions (approve, reject) need `ManageProgrammes`; the rest a person
/// of the caller's capture scope.
pub async fn step(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &StepInput,
    today: NaiveDate,
) -> Result<Application, ProgrammeError> {
    let tx = db::begin_write(db).await?;
    let saved = step_in(&tx, ctx, access, id, input, today).await?;
    tx.commit().await?;
    Ok(saved)
}

/// The same inside the caller's transaction (a confirmed compliance proposal takes its
/// step and closes the proposal at once).
pub(crate) async fn step_in(
    tx: &DatabaseTransaction,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &StepInput,
    today: NaiveDate,
) -> Result<Application, ProgrammeError> {
    let action = Action::parse(input.action.trim())
        .ok_or_else(|| refused("action", "application-action-invalid"))?;
    let mut errors = FieldErrors::new();
    let reason = match action.reasons() {
        Some(allowed) if allowed.contains(&input.reason.trim()) => {
            Some(input.reason.trim().to_owned())
        }
        Some(_) => {
            errors.add("reason", "application-reason-required");
            None
        }
        None => None,
    };
    let note = validation::multiline_text(&mut errors, "note", &input.note, false, 1_000);
    let note = (!note.is_empty()).then_some(note);
    if action == Action::Extend && note.is_none() {
        errors.add("note", "application-extend-note");
    }
    let day = if action.takes_day() {
        validation::date(&mut errors, "date", &input.date, false).or(Some(today))
    } else {
        None
    };
    errors.into_result()?;
    if action.is_decision() && !access.can(sipe_platform::access::Permission::ManageProgrammes) {
        return Err(ProgrammeError::NotFound);
    }
    let a = super::store::find_for_update(tx, access, ScopeKind::Capture, id)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    if a.version != input.version {
        return Err(refused("version", "application-changed"));
    }
    let to = action
        .from(&a.state)
        .ok_or_else(|| refused("action", "application-step-not-allowed"))?;
    let programme = programme_of(tx, a.programme_id).await?;
    let from = a.state.clone();
    let mut m = a.clone().into_active_model();
    let now = Utc::now();
    match action {
        Action::Submit => m.submitted_at = Set(Some(now)),
        Action::Approve => {
            // The number first: its counter row serialises approvals of the programme.
            let number = next_number(tx, &programme, today.year()).await?;
            check_approval(tx, &a, &programme, today).await?;
            m.number = Set(Some(number));
            m.decided_at = Set(Some(now));
        }
        Action::Reject => {
            m.reject_reason = Set(reason.clone());
            m.decided_at = Set(Some(now));
        }
        Action::Activate => {
            let start = day.unwrap_or(today);
            if start < programme.starts_on || programme.ends_on.is_some_and(|e| start > e) {
                return Err(refused("date", "application-start-outside"));
            }
            m.starts_on = Set(Some(start));
            let planned = programme
                .max_months
                .and_then(|n| {
                    start.checked_add_months(Months::new(std::cmp::max(
                        u32::try_from(n).unwrap_or(1),
                        1,
                    )))
                })
                .and_then(|d| d.pred_opt());
            // Never past the programme's own end.
            m.ends_on = Set(match (planned, programme.ends_on) {
                (Some(p), Some(e)) => Some(std::cmp::min(p, e)),
                (p, e) => p.or(e),
            });
        }
        Action::Extend => {
            let end = day.unwrap_or(today);
            if a.ends_on.is_some_and(|e| end <= e) {
                return Err(refused("date", "application-extend-later"));
            }
            if programme.ends_on.is_some_and(|e| end > e) {
                return Err(refused("date", "application-extend-past-programme"));
            }
            m.ends_on = Set(Some(end));
        }
        Action::Finish => {
            let end = day.unwrap_or(today);
            if a.starts_on.is_some_and(|s| end < s) {
                return Err(refused("date", "application-finish-before-start"));
            }
            if end > today || a.ends_on.is_some_and(|e| end > e) {
                return Err(refused("date", "application-finish-late"));
            }
            // Not before a suspension or resumption already recorded.
            if super::store::last_step_days(tx, &[a.id])
                .await?
                .get(&a.id)
                .is_some_and(|last| end < *last)
            {
                return Err(refused("date", "application-finish-before-step"));
            }
            m.finished_on = Set(Some(end));
            m.finish_reason = Set(reason.clone());
        }
        Action::Suspend | Action::Resume => {
            let d = day.unwrap_or(today);
            // Within the stay, not ahead of today, and a resumption after its suspension.
            if a.starts_on.is_some_and(|s| d < s) || a.ends_on.is_some_and(|e| d > e) || d > today {
                return Err(refused("date", "application-date-outside"));
            }
            if action == Action::Resume {
                let suspended = application_event::Entity::find()
                    .filter(application_event::Column::ApplicationId.eq(a.id))
                    .filter(application_event::Column::Action.eq("suspend"))
                    .all(tx)
                    .await?
                    .into_iter()
                    .filter_map(|s| s.effective_on)
                    .max();
                if suspended.is_some_and(|s| d < s) {
                    return Err(refused("date", "application-resume-before"));
                }
            }
        }
        Action::Review => {}
    }
    m.state = Set(to.to_owned());
    m.version = Set(a.version + 1);
    m.updated_at = Set(now);
    let saved = m.update(tx).await?;
    if matches!(from.as_str(), "active" | "suspended") && !matches!(to, "active" | "suspended") {
        // What the compliance check proposed about it no longer holds.
        crate::compliance::scan::lapse_open_of(tx, saved.id).await?;
    }
    record_step(
        tx,
        ctx,
        &saved,
        &programme,
        Some(&from),
        action.as_str(),
        reason,
        note,
        day,
    )
    .await?;
    if action == Action::Approve {
        sipe_messaging::send(
            tx,
            ctx,
            "programme_approval",
            sipe_platform::ids::PersonId(saved.person_id),
            &[("programa", programme.name.clone())],
            &format!("programme-approval:{}", saved.id),
        )
        .await?;
    }
    Ok(saved)
}
