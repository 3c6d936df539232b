//! Enrolment: a person into a cohort, checked against the course's requirements; past
//! the capacity onto a waiting list that moves up when a place frees; withdrawal with a
//! coded reason. Every step is on the person's timeline and in the audit log.
//!
//! Scope: enrolling needs the person in the caller's search scope (as referring does);
//! a cohort's roster shows everyone to those who run the cohort (its office in their
//! view scope) and, to anyone else, only the people in their own view scope.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::cohorts::Cohort;
use crate::domain::{
    self, Applicant, CohortState, EnrolmentState, Requirements, Unmet, WithdrawalReason,
};
use crate::entity::{certificate, cohort, enrolment};
use crate::error::TrainingError;
use sipe_persons::store::PersonCard;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::FieldErrors;

pub use enrolment::Model as Enrolment;

/// States that hold or wait for a place.
pub const ACTIVE: [EnrolmentState; 2] = [EnrolmentState::Enrolled, EnrolmentState::Waitlisted];

pub(crate) fn active_codes() -> impl Iterator<Item = &'static str> {
    ACTIVE.iter().map(|s| s.as_str())
}

/// How an enrolment came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// From the person's page.
    PersonPage,
    /// From a vacancy candidate's skill gap.
    SkillGap,
    /// From the cohort's page, by document.
    CohortPage,
    /// Through the API.
    Api,
    /// In bulk, from a list of documents.
    Bulk,
}

impl Origin {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Origin::PersonPage => "person_page",
            Origin::SkillGap => "skill_gap",
            Origin::CohortPage => "cohort_page",
            Origin::Api => "api",
            Origin::Bulk => "bulk",
        }
    }
}

/// Where the person landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Enrolled {
    /// The enrolment.
    pub id: Uuid,
    /// On the waiting list rather than in a place?
    pub waitlisted: bool,
}

/// What eligibility needs beyond the person and the course.
async fn applicant(
    conn: &impl ConnectionTrait,
    card: &PersonCard,
    c: &Cohort,
) -> Result<Applicant, DbErr> {
    let same_course = cohort::Entity::find()
        .select_only()
        .column(cohort::Column::Id)
        .filter(cohort::Column::CourseId.eq(c.course_id));
    let already_certified = certificate::Entity::find()
        .filter(certificate::Column::PersonId.eq(card.id))
        .filter(certificate::Column::Status.eq("valid"))
        .filter(
            certificate::Column::CohortId
                .in_subquery(sea_orm::QueryTrait::into_query(same_course.clone())),
        )
        .count(conn)
        .await?
        > 0;
    let in_open_cohort = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.eq(card.id))
        .filter(enrolment::Column::CohortId.ne(c.id))
        .filter(enrolment::Column::State.is_in(active_codes()))
        .filter(
            enrolment::Column::CohortId.in_subquery(sea_orm::QueryTrait::into_query(same_course)),
        )
        .count(conn)
        .await?
        > 0;
    Ok(Applicant {
        birth_date: card.birth_date,
        education_level: card.education_level.clone(),
        already_certified,
        in_open_cohort,
    })
}

/// Every course requirement the person fails for the cohort; empty when eligible.
pub async fn unmet(
    conn: &impl ConnectionTrait,
    card: &PersonCard,
    c: &Cohort,
) -> Result<Vec<Unmet>, TrainingError> {
    let course = crate::courses::find(conn, c.course_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let req = Requirements {
        min_age: course.min_age,
        min_education: course.min_education,
    };
    Ok(domain::unmet(
        &req,
        &applicant(conn, card, c).await?,
        c.starts_on,
    ))
}

async fn card_in_scope(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    person_id: Uuid,
) -> Result<PersonCard, TrainingError> {
    sipe_persons::store::find_person(conn, access, kind, PersonId(person_id))
        .await?
        .filter(|p| p.merged_into.is_none())
        .ok_or(TrainingError::NotFound)?;
    sipe_persons::store::cards_of(conn, [PersonId(person_id)])
        .await?
        .pop()
        .ok_or(TrainingError::NotFound)
}

pub(crate) async fn holding_places(
    conn: &impl ConnectionTrait,
    cohort_id: Uuid,
) -> Result<u64, DbErr> {
    enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.eq(cohort_id))
        .filter(enrolment::Column::State.eq(EnrolmentState::Enrolled.as_str()))
        .count(conn)
        .await
}

pub(crate) async fn course_name(conn: &impl ConnectionTrait, c: &Cohort) -> Result<String, DbErr> {
    Ok(crate::courses::find(conn, c.course_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default())
}

pub(crate) async fn on_timeline(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    person_id: Uuid,
    kind: &'static str,
    c: &Cohort,
    extra: Option<(&'static str, Arg)>,
) -> Result<(), DbErr> {
    let mut args = vec![
        ("course", Arg::text(course_name(conn, c).await?)),
        ("cohort", Arg::text(c.code.clone())),
    ];
    args.extend(extra);
    timeline::append(
        conn,
        ctx,
        NewEvent {
            person_id,
            kind,
            args,
            link: Some(format!("/training/cohorts/{}", c.id)),
            office_id: Some(c.office_id),
        },
    )
    .await
}

/// The idempotency key of the confirmation of one enrolment attempt.
pub(crate) fn confirmation_key(cohort: Uuid, person: Uuid, at: chrono::DateTime<Utc>) -> String {
    format!("enrolment:{cohort}:{person}:{}", at.timestamp_micros())
}

/// Tells the person they hold a place (once per enrolment: a return after a withdrawal
/// is a new one), with the change.
async fn confirm(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    c: &crate::entity::cohort::Model,
    person_id: Uuid,
    at: chrono::DateTime<Utc>,
) -> Result<(), DbErr> {
    let course = course_name(tx, c).await?;
    sipe_messaging::send(
        tx,
        ctx,
        "enrolment_confirmation",
        sipe_platform::ids::PersonId(person_id),
        &[
            ("curso", course),
            ("fecha", c.starts_on.format("%d/%m/%Y").to_string()),
        ],
        &confirmation_key(c.id, person_id, at),
    )
    .await?;
    Ok(())
}

/// Enrols a person: into a place while there are any, else onto the waiting list.
pub async fn enrol(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    cohort_id: Uuid,
    person_id: Uuid,
    origin: Origin,
) -> Result<Enrolled, TrainingError> {
    let tx = db::begin_write(db).await?;
    let out = enrol_in(&tx, ctx, access, cohort_id, person_id, origin).await?;
    tx.commit().await?;
    Ok(out)
}

/// [`enrol`] inside the caller's transaction (bulk enrolment runs many in one).
pub async fn enrol_in(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    access: &Access,
    cohort_id: Uuid,
    person_id: Uuid,
    origin: Origin,
) -> Result<Enrolled, TrainingError> {
    // Locked: two enrolments for the last place, or one racing the cohort's finish,
    // take turns.
    let c = crate::cohorts::lock(tx, cohort_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let card = card_in_scope(tx, access, ScopeKind::Search, person_id).await?;
    if !CohortState::parse(&c.state).is_some_and(CohortState::takes_enrolments) {
        return Err(TrainingError::Conflict("enrol-cohort-closed"));
    }
    let existing = enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.eq(cohort_id))
        .filter(enrolment::Column::PersonId.eq(person_id))
        .one(tx)
        .await?;
    if existing
        .as_ref()
        .is_some_and(|e| e.state != EnrolmentState::Withdrawn.as_str())
    {
        return Err(TrainingError::Conflict("enrol-already"));
    }
    let unmet = unmet(tx, &card, &c).await?;
    if !unmet.is_empty() {
        return Err(TrainingError::Ineligible(unmet));
    }
    let waitlisted = holding_places(tx, cohort_id).await? >= u64::try_from(c.capacity).unwrap_or(0);
    let state = if waitlisted {
        EnrolmentState::Waitlisted
    } else {
        EnrolmentState::Enrolled
    };
    let now = Utc::now();
    let id = match existing {
        // Coming back after a withdrawal: the same row, at the end of the queue, with
        // nothing of the earlier attempt (marks, grade, outcome).
        Some(e) => {
            let id = e.id;
            crate::entity::attendance::Entity::delete_many()
                .filter(crate::entity::attendance::Column::EnrolmentId.eq(id))
                .exec(tx)
                .await?;
            let mut a = e.into_active_model();
            a.state = Set(state.as_str().to_owned());
            a.withdrawal_reason = Set(None);
            a.grade = Set(None);
            a.passed = Set(None);
            a.attendance = Set(None);
            a.origin = Set(origin.as_str().to_owned());
            a.created_at = Set(now);
            a.updated_at = Set(now);
            a.update(tx).await?;
            id
        }
        None => {
            let id = Uuid::now_v7();
            enrolment::ActiveModel {
                id: Set(id),
                cohort_id: Set(cohort_id),
                person_id: Set(person_id),
                state: Set(state.as_str().to_owned()),
                origin: Set(origin.as_str().to_owned()),
                withdrawal_reason: Set(None),
                grade: Set(None),
                passed: Set(None),
                attendance: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(tx)
            .await?;
            id
        }
    };
    let kind = if waitlisted {
        "training.waitlisted"
    } else {
        "training.enrolled"
    };
    on_timeline(tx, ctx, person_id, kind, &c, None).await?;
    if !waitlisted {
        confirm(tx, ctx, &c, person_id, now).await?;
    }
    audit::record(
        tx,
        ctx,
        Change::new("training.enrol", "training_enrolment", id).after(json!({
            "cohort_id": cohort_id, "person_id": person_id, "state": state.as_str(),
            "origin": origin.as_str(),
        })),
    )
    .await?;
    Ok(Enrolled { id, waitlisted })
}

/// Withdraws a person from a cohort, with a coded reason, and gives a freed place to the
/// first on the waiting list. Those who run the cohort, and those who may change the
/// person, may do it. Says whether someone waiting got the place.
pub async fn withdraw(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    enrolment_id: Uuid,
    reason: WithdrawalReason,
) -> Result<bool, TrainingError> {
    // The system's own reasons (a cohort called off or over) are not the user's to give.
    if matches!(
        reason,
        WithdrawalReason::Cancelled | WithdrawalReason::NoPlace
    ) {
        return Err(FieldErrors::one("reason", "field-choice-invalid").into());
    }
    let tx = db::begin_write(db).await?;
    let e = visible_to_change(&tx, access, enrolment_id).await?;
    // Locked, then read again: a concurrent withdrawal promotes the same person once.
    let c = crate::cohorts::lock(&tx, e.cohort_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let e = enrolment::Entity::find_by_id(enrolment_id)
        .one(&tx)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let from = EnrolmentState::parse(&e.state);
    if !from.is_some_and(|s| ACTIVE.contains(&s)) {
        return Err(TrainingError::Conflict("enrol-not-active"));
    }
    let person_id = e.person_id;
    let mut a = e.into_active_model();
    a.state = Set(EnrolmentState::Withdrawn.as_str().to_owned());
    a.withdrawal_reason = Set(Some(reason.as_str().to_owned()));
    a.updated_at = Set(Utc::now());
    a.update(&tx).await?;
    on_timeline(
        &tx,
        ctx,
        person_id,
        "training.withdrawn",
        &c,
        Some((
            "reason",
            Arg::key(format!("withdrawal-{}", reason.as_str())),
        )),
    )
    .await?;
    let promoted = if from == Some(EnrolmentState::Enrolled) {
        promote(&tx, ctx, &c).await?
    } else {
        None
    };
    audit::record(
        &tx,
        ctx,
        Change::new("training.withdraw", "training_enrolment", enrolment_id).after(json!({
            "reason": reason.as_str(), "promoted": promoted,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(promoted.is_some())
}

/// The enrolment, if the caller may change it: they run its cohort (capture scope), or
/// they may change its person. Anything else is "not found", whether or not it exists.
pub async fn visible_to_change(
    conn: &impl ConnectionTrait,
    access: &Access,
    enrolment_id: Uuid,
) -> Result<Enrolment, TrainingError> {
    let e = enrolment::Entity::find_by_id(enrolment_id)
        .one(conn)
        .await?
        .ok_or(TrainingError::NotFound)?;
    if crate::cohorts::editable(conn, access, e.cohort_id)
        .await
        .is_err()
    {
        card_in_scope(conn, access, ScopeKind::Capture, e.person_id).await?;
    }
    Ok(e)
}

/// Gives free places to the first on the waiting list, in order of enrolment; the ids
/// of the enrolments promoted.
pub async fn promote(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    c: &Cohort,
) -> Result<Option<Vec<Uuid>>, DbErr> {
    let held = holding_places(conn, c.id).await?;
    let free = (u64::try_from(c.capacity).unwrap_or(0)).saturating_sub(held);
    if free == 0 {
        return Ok(None);
    }
    let next = enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.eq(c.id))
        .filter(enrolment::Column::State.eq(EnrolmentState::Waitlisted.as_str()))
        .order_by_asc(enrolment::Column::CreatedAt)
        .order_by_asc(enrolment::Column::Id)
        .limit(free)
        .all(conn)
        .await?;
    let mut ids = Vec::new();
    for e in next {
        ids.push(e.id);
        let (person_id, enrolled_at) = (e.person_id, e.created_at);
        let mut a = e.into_active_model();
        a.state = Set(EnrolmentState::Enrolled.as_str().to_owned());
        a.updated_at = Set(Utc::now());
        a.update(conn).await?;
        on_timeline(conn, ctx, person_id, "training.promoted", c, None).await?;
        confirm(conn, ctx, c, person_id, enrolled_at).await?;
    }
    Ok((!ids.is_empty()).then_some(ids))
}

/// Withdraws everyone still in or waiting for a cancelled cohort.
pub async fn withdraw_all(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    c: &Cohort,
) -> Result<u64, DbErr> {
    withdraw_in(conn, ctx, c, &ACTIVE, WithdrawalReason::Cancelled).await
}

/// Withdraws those in `states` with one reason (a cohort called off or over).
pub async fn withdraw_in(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    c: &Cohort,
    states: &[EnrolmentState],
    reason: WithdrawalReason,
) -> Result<u64, DbErr> {
    let codes: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    let people = enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.eq(c.id))
        .filter(enrolment::Column::State.is_in(codes.clone()))
        .all(conn)
        .await?;
    enrolment::Entity::update_many()
        .col_expr(
            enrolment::Column::State,
            Expr::value(EnrolmentState::Withdrawn.as_str()),
        )
        .col_expr(
            enrolment::Column::WithdrawalReason,
            Expr::value(reason.as_str()),
        )
        .col_expr(enrolment::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(enrolment::Column::CohortId.eq(c.id))
        .filter(enrolment::Column::State.is_in(codes))
        .exec(conn)
        .await?;
    for e in &people {
        on_timeline(
            conn,
            ctx,
            e.person_id,
            "training.withdrawn",
            c,
            Some((
                "reason",
                Arg::key(format!("withdrawal-{}", reason.as_str())),
            )),
        )
        .await?;
    }
    Ok(people.len() as u64)
}

/// One row of a roster: the enrolment and the person's identity and contact.
#[derive(Debug, Clone)]
pub struct RosterRow {
    /// The enrolment.
    pub enrolment: Enrolment,
    /// The person.
    pub person: PersonCard,
}

/// The people of a cohort the caller may see (see the module's scope rule), in a place
/// first, then waiting in order, then the rest; and whether the caller sees all of them.
pub async fn roster(
    conn: &impl ConnectionTrait,
    access: &Access,
    c: &Cohort,
) -> Result<(Vec<RosterRow>, bool), DbErr> {
    let runs_it = crate::cohorts::runs(conn, access, c.id).await?;
    let mut cond = Condition::all().add(enrolment::Column::CohortId.eq(c.id));
    if !runs_it {
        cond = cond.add(
            enrolment::Column::PersonId
                .in_subquery(sipe_persons::store::ids_in_scope(&access.view)),
        );
    }
    let rows = enrolment::Entity::find()
        .filter(cond)
        .order_by_asc(enrolment::Column::CreatedAt)
        .order_by_asc(enrolment::Column::Id)
        .limit(2_000)
        .all(conn)
        .await?;
    let cards =
        sipe_persons::store::cards_of(conn, rows.iter().map(|e| PersonId(e.person_id))).await?;
    let by_id: std::collections::HashMap<Uuid, PersonCard> =
        cards.into_iter().map(|c| (c.id, c)).collect();
    let rank = |s: &str| match EnrolmentState::parse(s) {
        Some(
            EnrolmentState::Enrolled | EnrolmentState::Completed | EnrolmentState::NotCompleted,
        ) => 0,
        Some(EnrolmentState::Waitlisted) => 1,
        _ => 2,
    };
    let mut out: Vec<RosterRow> = rows
        .into_iter()
        .filter_map(|e| {
            let person = by_id.get(&e.person_id)?.clone();
            Some(RosterRow {
                enrolment: e,
                person,
            })
        })
        .collect();
    out.sort_by_key(|r| rank(&r.enrolment.state));
    Ok((out, runs_it))
}

/// A person's enrolments, newest first (their page; the caller has checked the person
/// is in scope).
pub async fn of_person(
    conn: &impl ConnectionTrait,
    person_id: Uuid,
) -> Result<Vec<Enrolment>, DbErr> {
    enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.eq(person_id))
        .order_by_desc(enrolment::Column::CreatedAt)
        .limit(200)
        .all(conn)
        .await
}

/// One enrolment.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Enrolment>, DbErr> {
    enrolment::Entity::find_by_id(id).one(conn).await
}

/// Counts of a cohort's enrolments by state.
pub async fn counts(
    conn: &impl ConnectionTrait,
    cohort_id: Uuid,
) -> Result<std::collections::BTreeMap<String, u64>, DbErr> {
    let rows: Vec<(String, i64)> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::State)
        .column_as(enrolment::Column::Id.count(), "n")
        .filter(enrolment::Column::CohortId.eq(cohort_id))
        .group_by(enrolment::Column::State)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(s, n)| (s, u64::try_from(n).unwrap_or(0)))
        .collect())
}
