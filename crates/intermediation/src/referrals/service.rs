//! Referral use cases: refer a person to a vacancy, move a referral along its states;
//! a hire records the placement, schedules its follow-ups and makes the person's other
//! open referrals obsolete, all in one transaction.

use chrono::{Months, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::entity::{follow_up, placement, referral, referral_event, referral_sequence};
use super::state::{REJECT_REASONS, ReferralState};
use crate::seekers::entity::job_seeker;
use crate::vacancies::entity::vacancy;
use crate::vacancies::input::CONTRACT_TYPES;
use sipe_persons::timeline::{self, NewEvent};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db, StoreError};
use sipe_platform::ids::OfficeId;
use sipe_platform::ids::PersonId;
use sipe_platform::validation::{self, FieldErrors};

/// Why a referral use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ReferralError {
    /// Bad input; nothing stored.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such referral, vacancy or person in the caller's scope.
    #[error("not found")]
    NotFound,
    /// The state does not allow it (or the person is already referred there).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for ReferralError {
    fn from(e: sea_orm::DbErr) -> Self {
        ReferralError::Store(StoreError::from_db(e))
    }
}

/// A new referral.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ReferralInput {
    /// The vacancy (open, in the caller's view scope).
    pub vacancy_id: Option<Uuid>,
    /// The person (in the caller's search scope).
    pub person_id: Option<Uuid>,
    /// Note for the office only.
    #[serde(default)]
    pub internal_note: String,
    /// Note the employer may read.
    #[serde(default)]
    pub employer_note: String,
    /// `referred` (the office proposes the person; the default) or `applied` (the person
    /// asked to apply, through an operator).
    #[serde(default)]
    pub origin: String,
}

/// How a referral came about.
pub const ORIGINS: [&str; 2] = ["referred", "applied"];

/// A move of a referral. Fields are text, as forms send them.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct TransitionInput {
    /// The state to move to.
    pub to: String,
    /// Coded reason (required to reject).
    #[serde(default)]
    pub reason: String,
    /// Words of an `other` reason.
    #[serde(default)]
    pub reason_text: String,
    /// Interview date and time, `YYYY-MM-DDTHH:MM` local time (to schedule one).
    #[serde(default)]
    pub interview_at: String,
    /// Note for the office only.
    #[serde(default)]
    pub internal_note: String,
    /// Note the employer may read.
    #[serde(default)]
    pub employer_note: String,
    /// First day of work, `YYYY-MM-DD` (required to hire).
    #[serde(default)]
    pub start_date: String,
    /// Contract type of the hire.
    #[serde(default)]
    pub contract_type: String,
    /// Hours per week of the hire.
    #[serde(default)]
    pub weekly_hours: String,
    /// Monthly gross salary of the hire (ARS).
    #[serde(default)]
    pub salary: String,
    /// Tell the person nothing (a hire recorded after the fact: there is no letter to
    /// wait for). Never from a form or the API.
    #[serde(skip)]
    pub silent: bool,
}

fn optional(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The arguments of a referral's timeline message.
fn event_args(title: &str, state: ReferralState) -> timeline::Args {
    vec![
        ("vacancy", timeline::Arg::text(title)),
        (
            "state",
            timeline::Arg::key(format!("referral-state-{}", state.as_str())),
        ),
    ]
}

/// May the caller read this referral? (The vacancy's or the person's office in scope.)
pub async fn visible(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<Option<referral::Model>, sea_orm::DbErr> {
    let Some(r) = referral::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let scope = access.scope(kind);
    let by_vacancy = sipe_platform::territory::store::office_by_id(conn, OfficeId(r.office_id))
        .await?
        .is_some_and(|o| scope.includes_path(&o.path));
    let by_person = sipe_persons::store::find_person(conn, access, kind, PersonId(r.person_id))
        .await?
        .is_some();
    Ok((by_vacancy || by_person).then_some(r))
}

async fn record_event(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    referral_id: Uuid,
    from: Option<ReferralState>,
    to: ReferralState,
    reason: Option<String>,
    notes: (Option<String>, Option<String>),
) -> Result<(), sea_orm::DbErr> {
    referral_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        referral_id: Set(referral_id),
        from_state: Set(from.map(|s| s.as_str().to_owned())),
        to_state: Set(to.as_str().to_owned()),
        reason: Set(reason),
        internal_note: Set(notes.0),
        employer_note: Set(notes.1),
        actor_id: Set(ctx.actor_id),
        actor_name: Set(ctx.actor_name.clone()),
        at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The next code of an office's referrals this year (`OE-CAP-01-2026-00042`), taken in
/// the referral's transaction: the sequence row is created once, then incremented under
/// its row lock, so two referrals never get one number.
async fn next_code(
    tx: &impl ConnectionTrait,
    office_id: Uuid,
    now: chrono::DateTime<Utc>,
) -> Result<String, ReferralError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let year = chrono::Datelike::year(&now);
    referral_sequence::Entity::insert(referral_sequence::ActiveModel {
        office_id: Set(office_id),
        year: Set(year),
        last: Set(0),
    })
    .on_conflict_do_nothing_on([
        referral_sequence::Column::OfficeId,
        referral_sequence::Column::Year,
    ])
    .exec(tx)
    .await?;
    referral_sequence::Entity::update_many()
        .col_expr(
            referral_sequence::Column::Last,
            Expr::col(referral_sequence::Column::Last).add(1),
        )
        .filter(referral_sequence::Column::OfficeId.eq(office_id))
        .filter(referral_sequence::Column::Year.eq(year))
        .exec(tx)
        .await?;
    let last = referral_sequence::Entity::find_by_id((office_id, year))
        .one(tx)
        .await?
        .map_or(1, |s| s.last);
    let office = sipe_platform::territory::store::office_codes(tx, [OfficeId(office_id)])
        .await?
        .remove(&OfficeId(office_id))
        .unwrap_or_default();
    Ok(format!("{office}-{year}-{last:05}"))
}

/// Refers a person to an open vacancy; returns the referral's id.
pub async fn refer(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    input: &ReferralInput,
) -> Result<Uuid, ReferralError> {
    let tx = db::begin_write(db).await?;
    let out = refer_in(&tx, ctx, access, input).await?;
    tx.commit().await?;
    Ok(out)
}

/// [`refer`] inside the caller's transaction.
pub async fn refer_in(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    access: &Access,
    input: &ReferralInput,
) -> Result<Uuid, ReferralError> {
    let mut e = FieldErrors::new();
    if input.vacancy_id.is_none() {
        e.add("vacancy_id", "field-required");
    }
    if input.person_id.is_none() {
        e.add("person_id", "field-required");
    }
    let internal =
        validation::multiline_text(&mut e, "internal_note", &input.internal_note, false, 1000);
    let employer =
        validation::multiline_text(&mut e, "employer_note", &input.employer_note, false, 1000);
    let origin = match input.origin.trim() {
        "" => Some("referred"),
        given => ORIGINS.into_iter().find(|o| *o == given),
    };
    let Some(origin) = origin else {
        e.add("origin", "field-choice-invalid");
        return Err(e.into());
    };
    e.into_result()?;
    let (Some(vacancy_id), Some(person_id)) = (input.vacancy_id, input.person_id) else {
        return Err(ReferralError::NotFound);
    };
    let v = crate::vacancies::store::find_vacancy(tx, access, ScopeKind::View, vacancy_id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    if v.state != "open" {
        return Err(ReferralError::Conflict("referral-vacancy-not-open"));
    }
    sipe_persons::store::find_person(tx, access, ScopeKind::Search, PersonId(person_id))
        .await?
        // A merged record takes no new referral (its person is the kept record).
        .filter(|p| p.merged_into.is_none())
        .ok_or(ReferralError::NotFound)?;
    let open_states: Vec<&str> = ReferralState::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str())
        .collect();
    let existing = referral::Entity::find()
        .filter(referral::Column::VacancyId.eq(vacancy_id))
        .filter(referral::Column::PersonId.eq(person_id))
        .filter(referral::Column::State.is_in(open_states))
        .one(tx)
        .await?;
    if existing.is_some() {
        return Err(ReferralError::Conflict("referral-exists"));
    }
    let id = Uuid::now_v7();
    let now = Utc::now();
    referral::ActiveModel {
        id: Set(id),
        vacancy_id: Set(vacancy_id),
        person_id: Set(person_id),
        office_id: Set(v.office_id),
        state: Set(ReferralState::Proposed.as_str().into()),
        origin: Set(origin.to_owned()),
        reason: Set(None),
        reason_text: Set(None),
        interview_at: Set(None),
        employer_note: Set(optional(employer.clone())),
        created_at: Set(now),
        updated_at: Set(now),
        code: Set(Some(next_code(tx, v.office_id, now).await?)),
    }
    .insert(tx)
    .await?;
    let notes = (optional(internal), optional(employer));
    record_event(tx, ctx, id, None, ReferralState::Proposed, None, notes).await?;
    timeline::append(
        tx,
        ctx,
        NewEvent {
            person_id,
            kind: "referral.proposed",
            args: event_args(&v.title, ReferralState::Proposed),
            link: Some(format!("/referrals/{id}")),
            office_id: Some(v.office_id),
        },
    )
    .await?;
    audit::record(
        tx,
        ctx,
        Change::new("referral.create", "referral", id)
            .after(json!({"vacancy_id": vacancy_id, "person_id": person_id, "origin": origin})),
    )
    .await?;
    Ok(id)
}

struct Hire {
    start: NaiveDate,
    contract: Option<String>,
    hours: Option<i32>,
    salary: Option<i64>,
}

/// What a transition carries, validated for its target state.
struct Move {
    to: ReferralState,
    reason: Option<String>,
    reason_text: Option<String>,
    interview_at: Option<chrono::DateTime<Utc>>,
    notes: (Option<String>, Option<String>),
    hire: Option<Hire>,
}

fn validate_move(input: &TransitionInput, tz: chrono_tz::Tz) -> Result<Move, FieldErrors> {
    let mut e = FieldErrors::new();
    let to = ReferralState::parse(&input.to);
    if to.is_none() || to == Some(ReferralState::Obsolete) {
        e.add("to", "field-choice-invalid");
    }
    let reason = input.reason.trim();
    let reason = (!reason.is_empty()).then(|| reason.to_owned());
    let reason_text =
        validation::multiline_text(&mut e, "reason_text", &input.reason_text, false, 500);
    if to == Some(ReferralState::Rejected) {
        match reason.as_deref() {
            None => e.add("reason", "referral-reason-required"),
            Some(r) if !REJECT_REASONS.contains(&r) => e.add("reason", "field-choice-invalid"),
            Some("other") if reason_text.is_empty() => {
                e.add("reason_text", "referral-reason-text-required")
            }
            _ => {}
        }
    }
    let interview_at = match input.interview_at.trim() {
        "" => {
            if to == Some(ReferralState::InterviewScheduled) {
                e.add("interview_at", "referral-interview-required");
            }
            None
        }
        raw => match validation::parse_local_datetime(raw) {
            Some(local) => tz
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc)),
            None => {
                e.add("interview_at", "field-date-invalid");
                None
            }
        },
    };
    let internal =
        validation::multiline_text(&mut e, "internal_note", &input.internal_note, false, 1000);
    let employer =
        validation::multiline_text(&mut e, "employer_note", &input.employer_note, false, 1000);
    let hire = if to == Some(ReferralState::Hired) {
        let start = validation::date(&mut e, "start_date", &input.start_date, true);
        let contract = match input.contract_type.trim() {
            "" => None,
            c if CONTRACT_TYPES.contains(&c) => Some(c.to_owned()),
            _ => {
                e.add("contract_type", "field-choice-invalid");
                None
            }
        };
        let hours = validation::whole_number(&mut e, "weekly_hours", &input.weekly_hours, 60);
        let salary = validation::whole_number(&mut e, "salary", &input.salary, 1_000_000_000);
        start.map(|start| Hire {
            start,
            contract,
            hours,
            salary,
        })
    } else {
        None
    };
    e.into_result()?;
    Ok(Move {
        to: to.ok_or_else(FieldErrors::new)?,
        reason: if to == Some(ReferralState::Rejected) {
            reason
        } else {
            None
        },
        reason_text: optional(reason_text),
        interview_at: interview_at.filter(|_| to == Some(ReferralState::InterviewScheduled)),
        notes: (optional(internal), optional(employer)),
        hire,
    })
}

/// Moves a referral to another state. A hire records the placement and its follow-ups,
/// marks the person placed (out of matching) and makes their other open referrals
/// obsolete. Returns the ids of the referrals made obsolete.
pub async fn transition(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    tz: chrono_tz::Tz,
    id: Uuid,
    input: &TransitionInput,
) -> Result<Vec<Uuid>, ReferralError> {
    let tx = db::begin_write(db).await?;
    let out = transition_in(&tx, ctx, access, tz, id, input).await?;
    tx.commit().await?;
    Ok(out)
}

/// [`transition`] inside the caller's transaction.
pub async fn transition_in(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    access: &Access,
    tz: chrono_tz::Tz,
    id: Uuid,
    input: &TransitionInput,
) -> Result<Vec<Uuid>, ReferralError> {
    let m = validate_move(input, tz)?;
    let r = visible(tx, access, ScopeKind::Capture, id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    let from = ReferralState::parse(&r.state).unwrap_or(ReferralState::Proposed);
    if !from.next().contains(&m.to) {
        return Err(ReferralError::Conflict("referral-state-not-allowed"));
    }
    let v = vacancy::Entity::find_by_id(r.vacancy_id)
        .one(tx)
        .await?
        .ok_or(ReferralError::NotFound)?;
    let now = Utc::now();
    let person_id = r.person_id;
    let mut a = r.into_active_model();
    a.state = Set(m.to.as_str().to_owned());
    if m.to == ReferralState::Rejected {
        a.reason = Set(m.reason.clone());
        a.reason_text = Set(m.reason_text.clone());
    }
    if m.interview_at.is_some() {
        a.interview_at = Set(m.interview_at);
    }
    if m.notes.1.is_some() {
        a.employer_note = Set(m.notes.1.clone());
    }
    a.updated_at = Set(now);
    a.update(tx).await?;
    record_event(
        tx,
        ctx,
        id,
        Some(from),
        m.to,
        m.reason.clone(),
        m.notes.clone(),
    )
    .await?;
    timeline::append(
        tx,
        ctx,
        NewEvent {
            person_id,
            kind: "referral.state",
            args: event_args(&v.title, m.to),
            link: Some(format!("/referrals/{id}")),
            office_id: Some(v.office_id),
        },
    )
    .await?;
    if m.to == ReferralState::Sent && !input.silent {
        // The person has their letter: they hear of it (on the cheapest channel they
        // accept), with the change.
        let employer = crate::employers::store::legal_names(tx, [v.employer_id])
            .await?
            .remove(&v.employer_id)
            .unwrap_or_default();
        sipe_messaging::send(
            tx,
            ctx,
            "referral_notice",
            PersonId(person_id),
            &[("puesto", v.title.clone()), ("empresa", employer)],
            &format!("referral:{id}"),
        )
        .await?;
    }
    let mut obsolete = Vec::new();
    if let Some(hire) = &m.hire {
        let placement_id = Uuid::now_v7();
        placement::ActiveModel {
            id: Set(placement_id),
            referral_id: Set(id),
            person_id: Set(person_id),
            vacancy_id: Set(v.id),
            employer_id: Set(v.employer_id),
            office_id: Set(v.office_id),
            start_date: Set(hire.start),
            contract_type: Set(hire.contract.clone().or(v.contract_type.clone())),
            weekly_hours: Set(hire.hours.or(v.weekly_hours)),
            salary: Set(hire.salary),
            created_at: Set(now),
        }
        .insert(tx)
        .await?;
        for months in [3, 6, 12] {
            follow_up::ActiveModel {
                id: Set(Uuid::now_v7()),
                placement_id: Set(placement_id),
                office_id: Set(v.office_id),
                months: Set(months),
                due_on: Set(hire.start + Months::new(months as u32)),
                done_at: Set(None),
                still_employed: Set(None),
                employer_name: Set(None),
                note: Set(None),
            }
            .insert(tx)
            .await?;
        }
        obsolete = make_others_obsolete(tx, ctx, person_id, id).await?;
        mark_placed(tx, ctx, person_id, now).await?;
        crate::vacancies::service::fill_if_complete(tx, ctx, v).await?;
    }
    audit::record(
        tx,
        ctx,
        Change::new("referral.transition", "referral", id)
            .before(json!({"state": from.as_str()}))
            .after(json!({"state": m.to.as_str(), "reason": m.reason, "obsolete": obsolete})),
    )
    .await?;
    Ok(obsolete)
}

/// The person's other open referrals become obsolete (hired elsewhere).
async fn make_others_obsolete(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    person_id: Uuid,
    hired: Uuid,
) -> Result<Vec<Uuid>, ReferralError> {
    let others = referral::Entity::find()
        .filter(referral::Column::PersonId.eq(person_id))
        .filter(referral::Column::Id.ne(hired))
        .filter(referral::Column::State.is_in(open_states()))
        .all(conn)
        .await?;
    make_obsolete(
        conn,
        ctx,
        person_id,
        others,
        "hired_by_another",
        Some(hired),
    )
    .await
}

/// The states of a referral still in progress.
pub(crate) fn open_states() -> Vec<&'static str> {
    ReferralState::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str())
        .collect()
}

/// Closes these referrals as obsolete for `reason`, each with its event, audit row and an
/// entry on the timeline of `person_id` (the person they are about now).
pub(crate) async fn make_obsolete(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    person_id: Uuid,
    others: Vec<referral::Model>,
    reason: &'static str,
    hired: Option<Uuid>,
) -> Result<Vec<Uuid>, ReferralError> {
    let mut ids = Vec::new();
    for other in others {
        let from = ReferralState::parse(&other.state).unwrap_or(ReferralState::Proposed);
        let oid = other.id;
        let vacancy_title = vacancy::Entity::find_by_id(other.vacancy_id)
            .one(conn)
            .await?
            .map(|v| v.title)
            .unwrap_or_default();
        let office_id = other.office_id;
        let mut a = other.into_active_model();
        a.state = Set(ReferralState::Obsolete.as_str().into());
        a.reason = Set(Some(reason.into()));
        a.updated_at = Set(Utc::now());
        a.update(conn).await?;
        record_event(
            conn,
            ctx,
            oid,
            Some(from),
            ReferralState::Obsolete,
            Some(reason.into()),
            (None, None),
        )
        .await?;
        // Often another office's referral: it gets its own audit row.
        audit::record(
            conn,
            ctx,
            Change::new("referral.transition", "referral", oid)
                .before(json!({"state": from.as_str()}))
                .after(json!({
                    "state": ReferralState::Obsolete.as_str(),
                    "reason": reason,
                    "hired_through": hired,
                })),
        )
        .await?;
        timeline::append(
            conn,
            ctx,
            NewEvent {
                person_id,
                kind: "referral.state",
                args: event_args(&vacancy_title, ReferralState::Obsolete),
                link: Some(format!("/referrals/{oid}")),
                office_id: Some(office_id),
            },
        )
        .await?;
        ids.push(oid);
    }
    Ok(ids)
}

/// Records the person as placed and no longer looking, and employed through the persons
/// module's use case (field history, audit, timeline); their record's change stamp moves
/// so every node re-indexes them (matching leaves them out).
async fn mark_placed(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    person_id: Uuid,
    now: chrono::DateTime<Utc>,
) -> Result<(), ReferralError> {
    let current = job_seeker::Entity::find_by_id(person_id).one(conn).await?;
    let row = job_seeker::ActiveModel {
        person_id: Set(person_id),
        actively_looking: Set(false),
        looking_since: Set(None),
        preferred_contracts: Set(current
            .as_ref()
            .map(|c| c.preferred_contracts.clone())
            .unwrap_or_default()),
        salary_expectation: Set(current.as_ref().and_then(|c| c.salary_expectation)),
        placed_at: Set(Some(now)),
        updated_at: Set(now),
    };
    match current {
        Some(_) => row.update(conn).await?,
        None => row.insert(conn).await?,
    };
    sipe_persons::service::record_hired(conn, ctx, PersonId(person_id), now)
        .await
        .map_err(|e| match e {
            sipe_persons::service::PersonError::Store(s) => ReferralError::Store(s),
            other => ReferralError::Store(sipe_platform::db::StoreError::Other(
                sea_orm::DbErr::Custom(other.to_string()),
            )),
        })?;
    Ok(())
}

impl sipe_platform::failure::UseCaseError for ReferralError {
    fn failure(self) -> sipe_platform::failure::Failure {
        use sipe_platform::failure::Failure;
        match self {
            ReferralError::Invalid(f) => Failure::Invalid(f),
            ReferralError::NotFound => Failure::NotFound,
            ReferralError::Conflict(key) => {
                Failure::Conflict(sipe_platform::i18n::Lang::En.t(key).into_owned())
            }
            ReferralError::Store(s) => Failure::Store(s),
        }
    }
}

/// A follow-up as recorded.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct FollowUpInput {
    /// `true` or `false`.
    pub still_employed: String,
    /// The employer now, when another.
    #[serde(default)]
    pub employer_name: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// Why recording failed.
#[derive(Debug)]
pub enum RecordError {
    /// Bad input.
    Invalid(FieldErrors),
    /// Not in the caller's capture scope.
    NotFound,
    /// Database failure.
    Store(sipe_platform::db::StoreError),
}

impl From<sea_orm::DbErr> for RecordError {
    fn from(e: sea_orm::DbErr) -> Self {
        RecordError::Store(sipe_platform::db::StoreError::from_db(e))
    }
}

/// Records a follow-up (capture scope of its office), audited.
pub async fn record_follow_up(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &FollowUpInput,
) -> Result<(), RecordError> {
    let mut e = FieldErrors::new();
    let still = match input.still_employed.trim() {
        "true" | "on" | "si" | "sí" => Some(true),
        "false" | "no" => Some(false),
        _ => {
            e.add("still_employed", "field-choice-invalid");
            None
        }
    };
    let employer = validation::text(&mut e, "employer_name", &input.employer_name, false, 160);
    let note = validation::multiline_text(&mut e, "note", &input.note, false, 1000);
    e.into_result().map_err(RecordError::Invalid)?;
    let tx = db::begin_write(db).await?;
    let f = follow_up::Entity::find_by_id(id)
        .filter(access.capture.owns(follow_up::Column::OfficeId))
        .one(&tx)
        .await?
        .ok_or(RecordError::NotFound)?;
    let mut a = f.into_active_model();
    a.done_at = Set(Some(Utc::now()));
    a.still_employed = Set(still);
    a.employer_name = Set((!employer.is_empty()).then_some(employer.clone()));
    a.note = Set((!note.is_empty()).then_some(note));
    a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("follow_up.record", "follow_up", id)
            .after(json!({"still_employed": still, "employer_name": employer})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

impl sipe_platform::failure::UseCaseError for RecordError {
    fn failure(self) -> sipe_platform::failure::Failure {
        use sipe_platform::failure::Failure;
        match self {
            RecordError::Invalid(f) => Failure::Invalid(f),
            RecordError::NotFound => Failure::NotFound,
            RecordError::Store(s) => Failure::Store(s),
        }
    }
}
