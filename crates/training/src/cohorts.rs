//! Cohorts (comisiones): a course given by an institution between two dates on a weekly
//! schedule, for a number of places, run by an office. Its sessions are generated from
//! the schedule; its states move forward only, each change kept in its history.
//!
//! Scope: any user who may see training sees the cohorts (they are the offer people are
//! enrolled into from every office); changing one needs its office in the capture scope.

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{self, CohortState, Place};
use crate::entity::{cohort, cohort_event, session};
use crate::error::TrainingError;
use sipe_platform::access::Access;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};
use sipe_platform::web::table::Pager;

pub use cohort::Model as Cohort;
pub use cohort_event::Model as CohortEvent;
pub use session::Model as Session;

/// A cohort as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CohortInput {
    /// The course.
    pub course_id: String,
    /// The institution.
    pub institution_id: String,
    /// Code of the office that runs it (empty: the user's own).
    #[serde(default)]
    pub office_code: String,
    /// First day (`YYYY-MM-DD`).
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
    /// ISO weekdays of the sessions (`1` Monday … `7` Sunday).
    #[serde(default)]
    pub weekdays: Vec<String>,
    /// Start time (`HH:MM`).
    pub start_time: String,
    /// End time (`HH:MM`).
    pub end_time: String,
    /// `office`, `institution`, `virtual`.
    pub place: String,
    /// Room or address detail.
    #[serde(default)]
    pub place_detail: String,
    /// Places.
    pub capacity: String,
    /// Instructor's name.
    #[serde(default)]
    pub instructor: String,
    /// Course id in the Aula Virtual (Moodle), for virtual cohorts.
    #[serde(default)]
    pub moodle_course_id: String,
}

struct Valid {
    course_id: Uuid,
    institution_id: Uuid,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    weekdays: Vec<u32>,
    start_time: String,
    end_time: String,
    place: Place,
    place_detail: Option<String>,
    capacity: i32,
    instructor: Option<String>,
    moodle_course_id: Option<i32>,
    days: Vec<NaiveDate>,
}

fn validate(i: &CohortInput) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::new();
    let course_id = Uuid::parse_str(i.course_id.trim()).ok();
    if course_id.is_none() {
        errors.add("course_id", "field-choice-invalid");
    }
    let institution_id = Uuid::parse_str(i.institution_id.trim()).ok();
    if institution_id.is_none() {
        errors.add("institution_id", "field-choice-invalid");
    }
    let starts_on = validation::parse_date(&i.starts_on);
    if starts_on.is_none() {
        errors.add("starts_on", "field-date-invalid");
    }
    let ends_on = validation::parse_date(&i.ends_on);
    if ends_on.is_none() {
        errors.add("ends_on", "field-date-invalid");
    }
    if let (Some(s), Some(e)) = (starts_on, ends_on)
        && e < s
    {
        errors.add("ends_on", "field-date-before-start");
    }
    let weekdays = if i.weekdays.len() > 7 {
        None
    } else {
        domain::parse_weekdays(i.weekdays.iter().map(String::as_str))
    };
    if weekdays.is_none() {
        errors.add("weekdays", "cohort-weekdays-invalid");
    }
    let start = domain::parse_time(&i.start_time);
    if start.is_none() {
        errors.add("start_time", "cohort-time-invalid");
    }
    let end = domain::parse_time(&i.end_time);
    if end.is_none() {
        errors.add("end_time", "cohort-time-invalid");
    }
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        errors.add("end_time", "cohort-time-order");
    }
    let place = Place::parse(&i.place);
    if place.is_none() {
        errors.add("place", "field-choice-invalid");
    }
    let place_detail = validation::text(&mut errors, "place_detail", &i.place_detail, false, 200);
    let capacity = crate::number(&mut errors, "capacity", &i.capacity, 1..=500, true);
    let instructor = validation::text(&mut errors, "instructor", &i.instructor, false, 120);
    let moodle_course_id = if i.moodle_course_id.trim().is_empty() {
        None
    } else {
        crate::number(
            &mut errors,
            "moodle_course_id",
            &i.moodle_course_id,
            1..=i32::MAX,
            false,
        )
    };
    let days = match (starts_on, ends_on, &weekdays) {
        (Some(s), Some(e), Some(w)) if e >= s => match domain::session_days(s, e, w) {
            Some(d) if d.is_empty() => {
                errors.add("weekdays", "cohort-no-sessions");
                Vec::new()
            }
            Some(d) => d,
            None => {
                errors.add("ends_on", "cohort-too-many-sessions");
                Vec::new()
            }
        },
        _ => Vec::new(),
    };
    errors.into_result()?;
    let fmt =
        |t: Option<chrono::NaiveTime>| t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
    Ok(Valid {
        course_id: course_id.unwrap_or_default(),
        institution_id: institution_id.unwrap_or_default(),
        starts_on: starts_on.unwrap_or_default(),
        ends_on: ends_on.unwrap_or_default(),
        weekdays: weekdays.unwrap_or_default(),
        start_time: fmt(start),
        end_time: fmt(end),
        place: place.unwrap_or(Place::Institution),
        place_detail: (!place_detail.is_empty()).then_some(place_detail),
        capacity: capacity.unwrap_or(1),
        instructor: (!instructor.is_empty()).then_some(instructor),
        moodle_course_id,
        days,
    })
}

fn snapshot(c: &Cohort) -> serde_json::Value {
    json!({
        "code": c.code, "course_id": c.course_id, "institution_id": c.institution_id,
        "office_id": c.office_id, "starts_on": c.starts_on, "ends_on": c.ends_on,
        "weekdays": c.weekdays, "start_time": c.start_time, "end_time": c.end_time,
        "place": c.place, "place_detail": c.place_detail, "capacity": c.capacity,
        "hours": c.hours, "certification": c.certification,
        "min_attendance": c.min_attendance, "requires_pass": c.requires_pass,
        "instructor": c.instructor, "state": c.state, "moodle_course_id": c.moodle_course_id,
    })
}

async fn next_code(conn: &impl ConnectionTrait, year: i32) -> Result<String, DbErr> {
    let n = next_number(conn, &format!("cohort-{year}")).await?;
    Ok(format!("FP-{year}-{n:04}"))
}

async fn write_sessions(
    conn: &impl ConnectionTrait,
    cohort_id: Uuid,
    days: &[NaiveDate],
    start: &str,
    end: &str,
) -> Result<(), DbErr> {
    for chunk in days.chunks(100) {
        session::Entity::insert_many(chunk.iter().map(|d| session::ActiveModel {
            id: Set(Uuid::now_v7()),
            cohort_id: Set(cohort_id),
            on_date: Set(*d),
            start_time: Set(start.to_owned()),
            end_time: Set(end.to_owned()),
        }))
        .exec(conn)
        .await?;
    }
    Ok(())
}

/// Opens a cohort in the `planned` state, with its sessions.
pub async fn create(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    input: &CohortInput,
) -> Result<Uuid, TrainingError> {
    let v = validate(input)?;
    let tx = db::begin_write(db).await?;
    let course = crate::courses::find(&tx, v.course_id)
        .await?
        .filter(|c| c.active)
        .ok_or_else(|| FieldErrors::one("course_id", "field-choice-invalid"))?;
    let institution = crate::institutions::find(&tx, v.institution_id).await?;
    if !institution.as_ref().is_some_and(|i| i.active) {
        return Err(FieldErrors::one("institution_id", "field-choice-invalid").into());
    }
    // An institution's staff open cohorts of their institution only, at any office
    // (the office then coordinates it too); everyone else at an office they capture for.
    if access.affiliation.is_some_and(|a| a != v.institution_id) {
        return Err(FieldErrors::one("institution_id", "cohort-institution-not-yours").into());
    }
    let reach = match access.affiliation {
        Some(_) => Access::system(&access.actor.username),
        None => access.clone(),
    };
    let office =
        sipe_platform::territory::store::capture_office(&tx, &reach, Some(&input.office_code), &[])
            .await??;
    let id = Uuid::now_v7();
    let now = Utc::now();
    let model = cohort::ActiveModel {
        id: Set(id),
        code: Set(next_code(&tx, v.starts_on.year()).await?),
        course_id: Set(v.course_id),
        institution_id: Set(v.institution_id),
        office_id: Set(office.id),
        starts_on: Set(v.starts_on),
        ends_on: Set(v.ends_on),
        weekdays: Set(v
            .weekdays
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",")),
        start_time: Set(v.start_time.clone()),
        end_time: Set(v.end_time.clone()),
        place: Set(v.place.as_str().to_owned()),
        place_detail: Set(v.place_detail),
        capacity: Set(v.capacity),
        hours: Set(course.hours),
        certification: Set(course.certification.clone()),
        min_attendance: Set(course.min_attendance),
        requires_pass: Set(course.requires_pass),
        instructor: Set(v.instructor),
        state: Set(CohortState::Planned.as_str().to_owned()),
        moodle_course_id: Set(v.moodle_course_id),
        created_at: Set(now),
        updated_at: Set(now),
        // Assessed against the course's standard as it is now: a later edit of the
        // course does not change what these people are assessed on.
        standard_id: Set(course
            .standard_id
            .filter(|_| course.certification == crate::domain::Certification::Competency.as_str())),
    }
    .insert(&tx)
    .await?;
    write_sessions(&tx, id, &v.days, &v.start_time, &v.end_time).await?;
    record_event(&tx, ctx, id, None, CohortState::Planned, None).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.cohort.create", "training_cohort", id)
            .after(json!({"cohort": snapshot(&model), "sessions": v.days.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn record_event(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    cohort_id: Uuid,
    from: Option<CohortState>,
    to: CohortState,
    note: Option<String>,
) -> Result<(), DbErr> {
    cohort_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        cohort_id: Set(cohort_id),
        from_state: Set(from.map(|s| s.as_str().to_owned())),
        to_state: Set(to.as_str().to_owned()),
        note: Set(note),
        actor_id: Set(ctx.actor_id),
        actor_name: Set(ctx.actor_name.clone()),
        at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The cohorts the caller runs in `scope`: an institution's staff run their
/// institution's, everyone else the cohorts of the offices in the scope.
pub(crate) fn run_by(access: &Access, scope: &sipe_platform::access::Scope) -> Condition {
    match access.affiliation {
        Some(institution) => Condition::all().add(cohort::Column::InstitutionId.eq(institution)),
        None => scope.owns(cohort::Column::OfficeId),
    }
}

/// The cohorts the caller sees: the whole offer, or only their institution's for its
/// staff.
pub(crate) fn offered_to(access: &Access) -> Condition {
    match access.affiliation {
        Some(institution) => Condition::all().add(cohort::Column::InstitutionId.eq(institution)),
        None => Condition::all(),
    }
}

/// The cohort, if the caller may change it (its office in the capture scope).
pub async fn editable(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<Cohort, TrainingError> {
    cohort::Entity::find_by_id(id)
        .filter(run_by(access, &access.capture))
        .one(conn)
        .await?
        .ok_or(TrainingError::NotFound)
}

/// Moves a cohort to another state. Finishing applies the course's completion rule and
/// issues the certificates; cancelling withdraws everyone. All in one transaction.
pub async fn transition(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    to: CohortState,
    note: &str,
    today: NaiveDate,
) -> Result<(), TrainingError> {
    let mut errors = FieldErrors::new();
    let note = validation::multiline_text(&mut errors, "note", note, false, 1_000);
    errors.into_result()?;
    let tx = db::begin_write(db).await?;
    let current = lock_editable(&tx, access, id).await?;
    let from = CohortState::parse(&current.state)
        .ok_or(TrainingError::Conflict("cohort-state-invalid"))?;
    if !from.may_become(to) {
        return Err(TrainingError::Conflict("cohort-state-invalid"));
    }
    // Finished applies the completion rule and issues certificates: not before the last
    // day (a cohort that ends early is cancelled, or its end date corrected).
    if to == CohortState::Finished && today < current.ends_on {
        return Err(TrainingError::Conflict("cohort-not-over"));
    }
    // The update is conditional on the state read: two concurrent changes cannot both
    // apply.
    let moved = cohort::Entity::update_many()
        .col_expr(cohort::Column::State, Expr::value(to.as_str()))
        .col_expr(cohort::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(cohort::Column::Id.eq(id))
        .filter(cohort::Column::State.eq(from.as_str()))
        .exec(&tx)
        .await?;
    if moved.rows_affected != 1 {
        return Err(TrainingError::Conflict("cohort-state-invalid"));
    }
    let outcome = match to {
        CohortState::Finished => Some(crate::completion::finish(&tx, ctx, &current, today).await?),
        CohortState::Cancelled => {
            crate::enrolment::withdraw_all(&tx, ctx, &current).await?;
            None
        }
        _ => None,
    };
    record_event(
        &tx,
        ctx,
        id,
        Some(from),
        to,
        (!note.is_empty()).then_some(note.clone()),
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.cohort.state", "training_cohort", id)
            .before(json!({"state": from.as_str()}))
            .after(json!({"state": to.as_str(), "note": note, "completion": outcome})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One cohort, whoever asks (for use cases that scope otherwise).
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Cohort>, DbErr> {
    cohort::Entity::find_by_id(id).one(conn).await
}

/// One cohort the caller sees (every training user sees the offer; an institution's
/// staff only their institution's).
pub async fn find_visible(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<Option<Cohort>, DbErr> {
    cohort::Entity::find_by_id(id)
        .filter(offered_to(access))
        .one(conn)
        .await
}

/// The cohort's sessions, by day.
pub async fn sessions(conn: &impl ConnectionTrait, cohort_id: Uuid) -> Result<Vec<Session>, DbErr> {
    session::Entity::find()
        .filter(session::Column::CohortId.eq(cohort_id))
        .order_by_asc(session::Column::OnDate)
        .all(conn)
        .await
}

/// One session.
pub async fn find_session(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Session>, DbErr> {
    session::Entity::find_by_id(id).one(conn).await
}

/// The cohort's history, oldest first.
pub async fn history(
    conn: &impl ConnectionTrait,
    cohort_id: Uuid,
) -> Result<Vec<CohortEvent>, DbErr> {
    cohort_event::Entity::find()
        .filter(cohort_event::Column::CohortId.eq(cohort_id))
        .order_by_asc(cohort_event::Column::At)
        .all(conn)
        .await
}

/// Sort columns of the list.
pub const SORTS: [&str; 3] = ["starts_on", "code", "state"];

/// Filters of the list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// State.
    pub state: Option<CohortState>,
    /// Course.
    pub course_id: Option<Uuid>,
    /// Institution.
    pub institution_id: Option<Uuid>,
    /// Only cohorts of courses teaching one of these skills.
    pub teaching: Option<Vec<Uuid>>,
    /// Only cohorts that take enrolments.
    pub open_only: bool,
}

fn condition(filter: &Filter) -> Condition {
    let mut cond = Condition::all();
    if let Some(s) = filter.state {
        cond = cond.add(cohort::Column::State.eq(s.as_str()));
    }
    if let Some(c) = filter.course_id {
        cond = cond.add(cohort::Column::CourseId.eq(c));
    }
    if let Some(i) = filter.institution_id {
        cond = cond.add(cohort::Column::InstitutionId.eq(i));
    }
    if let Some(courses) = &filter.teaching {
        cond = cond.add(cohort::Column::CourseId.is_in(courses.iter().copied()));
    }
    if filter.open_only {
        cond = cond.add(
            cohort::Column::State.is_in(
                CohortState::ALL
                    .iter()
                    .filter(|s| s.takes_enrolments())
                    .map(|s| s.as_str()),
            ),
        );
    }
    cond
}

/// A page of the cohorts the caller sees, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &Filter,
    pager: &Pager,
) -> Result<(Vec<Cohort>, u64), DbErr> {
    let query = cohort::Entity::find()
        .filter(condition(filter))
        .filter(offered_to(access));
    let col = match pager.sort.as_str() {
        "code" => cohort::Column::Code,
        "state" => cohort::Column::State,
        _ => cohort::Column::StartsOn,
    };
    sipe_platform::web::table::page_of(conn, query, col, cohort::Column::Id, pager).await
}

/// Cohorts taking enrolments, soonest first, at most `limit`.
pub async fn open(
    conn: &impl ConnectionTrait,
    teaching: Option<Vec<Uuid>>,
    limit: u64,
) -> Result<Vec<Cohort>, DbErr> {
    cohort::Entity::find()
        .filter(condition(&Filter {
            teaching,
            open_only: true,
            ..Default::default()
        }))
        .order_by_asc(cohort::Column::StartsOn)
        .limit(limit)
        .all(conn)
        .await
}

/// Cohorts in a state (the home page's card: the offer open for enrolment).
pub async fn count_in_state(
    conn: &impl ConnectionTrait,
    access: &Access,
    state: CohortState,
) -> Result<u64, DbErr> {
    cohort::Entity::find()
        .filter(cohort::Column::State.eq(state.as_str()))
        .filter(offered_to(access))
        .count(conn)
        .await
}

/// The next number of a sequence, in the caller's transaction: the row is created once,
/// then incremented under its row lock, so two transactions never get one number.
pub(crate) async fn next_number(conn: &impl ConnectionTrait, name: &str) -> Result<i32, DbErr> {
    use crate::entity::sequence;
    use sea_orm::sea_query::ExprTrait;
    sequence::Entity::insert(sequence::ActiveModel {
        name: Set(name.to_owned()),
        last: Set(0),
    })
    .on_conflict_do_nothing_on([sequence::Column::Name])
    .exec(conn)
    .await?;
    sequence::Entity::update_many()
        .col_expr(
            sequence::Column::Last,
            Expr::col(sequence::Column::Last).add(1),
        )
        .filter(sequence::Column::Name.eq(name))
        .exec(conn)
        .await?;
    Ok(sequence::Entity::find_by_id(name.to_owned())
        .one(conn)
        .await?
        .map_or(1, |s| s.last))
}

/// The cohort, locked for the rest of the transaction (PostgreSQL; SQLite's writers are
/// serialised already), if the caller may change it (its office in the capture scope).
pub async fn lock_editable(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<Cohort, TrainingError> {
    cohort::Entity::find_by_id(id)
        .filter(run_by(access, &access.capture))
        .lock_exclusive()
        .one(conn)
        .await?
        .ok_or(TrainingError::NotFound)
}

/// The cohort, locked for the rest of the transaction, whoever asks.
pub async fn lock(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Cohort>, DbErr> {
    cohort::Entity::find_by_id(id)
        .lock_exclusive()
        .one(conn)
        .await
}

/// Does the caller run or oversee this cohort (its office in the view scope)?
pub async fn runs(conn: &impl ConnectionTrait, access: &Access, id: Uuid) -> Result<bool, DbErr> {
    Ok(cohort::Entity::find_by_id(id)
        .filter(run_by(access, &access.view))
        .count(conn)
        .await?
        > 0)
}
