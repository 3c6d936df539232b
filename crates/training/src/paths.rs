//! Training paths (trayectos formativos): courses in order, completed when every one of
//! them is; a path can lead to a competency standard. A person's progress is read from
//! their enrolments, so it never disagrees with the cohorts.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::domain::EnrolmentState;
use crate::entity::{cohort, course, enrolment, path, path_course};
use crate::error::TrainingError;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};
use sipe_platform::web::table::Pager;

pub use path::Model as Path;

/// Fewest and most courses in a path.
pub const COURSES: std::ops::RangeInclusive<usize> = 2..=12;

/// A path as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PathInput {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// The competency standard it leads to: its id, or empty.
    #[serde(default)]
    pub standard: String,
    /// The course ids, in order (2 to 12); empty entries are skipped.
    #[serde(default)]
    pub courses: Vec<String>,
    /// Still offered? (Updates only; absent: unchanged.)
    #[serde(default)]
    pub active: Option<bool>,
}

struct Valid {
    name: String,
    description: Option<String>,
    standard_id: Option<Uuid>,
    courses: Vec<Uuid>,
}

async fn validate(
    conn: &impl ConnectionTrait,
    i: &PathInput,
    this: Option<Uuid>,
) -> Result<Valid, TrainingError> {
    let mut errors = FieldErrors::new();
    let name = validation::text(&mut errors, "name", &i.name, true, 160);
    if !name.is_empty() {
        let mut same = path::Entity::find()
            .filter(path::Column::SearchName.eq(sipe_platform::text::fold(&name)));
        if let Some(id) = this {
            same = same.filter(path::Column::Id.ne(id));
        }
        if sea_orm::PaginatorTrait::count(same, conn).await? > 0 {
            errors.add("name", "path-name-taken");
        }
    }
    let description =
        validation::multiline_text(&mut errors, "description", &i.description, false, 2_000);
    let standard_id = match i.standard.trim() {
        "" => None,
        raw => match Uuid::parse_str(raw) {
            Ok(id) if crate::standards::find(conn, id).await?.is_some() => Some(id),
            _ => {
                errors.add("standard", "field-choice-invalid");
                None
            }
        },
    };
    let typed: Vec<&str> = i
        .courses
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let mut courses = Vec::new();
    if typed.len() > *COURSES.end() {
        errors.add("courses", "path-courses-too-many");
    } else {
        for raw in typed {
            match Uuid::parse_str(raw) {
                Ok(id) if courses.contains(&id) => {
                    errors.add("courses", "path-course-repeated");
                    break;
                }
                Ok(id) if crate::courses::find(conn, id).await?.is_some() => courses.push(id),
                _ => {
                    errors.add("courses", "field-choice-invalid");
                    break;
                }
            }
        }
        if !errors.has("courses") && courses.len() < *COURSES.start() {
            errors.add("courses", "path-courses-too-few");
        }
    }
    errors.into_result()?;
    Ok(Valid {
        name,
        description: (!description.is_empty()).then_some(description),
        standard_id,
        courses,
    })
}

fn snapshot(p: &Path, courses: &[Uuid]) -> serde_json::Value {
    json!({
        "name": p.name, "description": p.description, "standard_id": p.standard_id,
        "active": p.active, "courses": courses,
    })
}

async fn replace_courses(
    conn: &impl ConnectionTrait,
    id: Uuid,
    courses: &[Uuid],
) -> Result<(), DbErr> {
    path_course::Entity::delete_many()
        .filter(path_course::Column::PathId.eq(id))
        .exec(conn)
        .await?;
    path_course::Entity::insert_many(courses.iter().enumerate().map(|(n, c)| {
        path_course::ActiveModel {
            path_id: Set(id),
            course_id: Set(*c),
            position: Set(n as i32 + 1),
        }
    }))
    .exec(conn)
    .await?;
    Ok(())
}

/// Adds a path.
pub async fn create(db: &Db, ctx: &AuditCtx, input: &PathInput) -> Result<Uuid, TrainingError> {
    let tx = db::begin_write(db).await?;
    let v = validate(&tx, input, None).await?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    let model = path::ActiveModel {
        id: Set(id),
        name: Set(v.name.clone()),
        search_name: Set(sipe_platform::text::fold(&v.name)),
        description: Set(v.description.clone()),
        standard_id: Set(v.standard_id),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&tx)
    .await?;
    replace_courses(&tx, id, &v.courses).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.path.create", "training_path", id)
            .after(snapshot(&model, &v.courses)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a path's fields and courses; `active` retires or restores it. Progress is
/// read from enrolments, so people keep what they completed.
pub async fn update(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    input: &PathInput,
) -> Result<(), TrainingError> {
    let tx = db::begin_write(db).await?;
    let v = validate(&tx, input, Some(id)).await?;
    let current = find(&tx, id).await?.ok_or(TrainingError::NotFound)?;
    let before = snapshot(&current, &course_ids(&tx, id).await?);
    let mut a = current.into_active_model();
    a.name = Set(v.name.clone());
    a.search_name = Set(sipe_platform::text::fold(&v.name));
    a.description = Set(v.description.clone());
    a.standard_id = Set(v.standard_id);
    a.active = Set(input.active.unwrap_or(*a.active.as_ref()));
    a.updated_at = Set(Utc::now());
    let model = a.update(&tx).await?;
    replace_courses(&tx, id, &v.courses).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.path.update", "training_path", id)
            .before(before)
            .after(snapshot(&model, &v.courses)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One path.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Path>, DbErr> {
    path::Entity::find_by_id(id).one(conn).await
}

/// A path's course ids, in order.
pub async fn course_ids(conn: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Ok(path_course::Entity::find()
        .filter(path_course::Column::PathId.eq(id))
        .order_by_asc(path_course::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.course_id)
        .collect())
}

/// A path's courses, in order.
pub async fn courses_of(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Vec<crate::courses::Course>, DbErr> {
    let ids = course_ids(conn, id).await?;
    let mut found = course::Entity::find()
        .filter(course::Column::Id.is_in(ids.clone()))
        .all(conn)
        .await?;
    found.sort_by_key(|c| ids.iter().position(|i| *i == c.id));
    Ok(found)
}

/// The form of an existing path.
pub fn input_of(p: &Path, courses: &[Uuid]) -> PathInput {
    PathInput {
        name: p.name.clone(),
        description: p.description.clone().unwrap_or_default(),
        standard: p.standard_id.map(|s| s.to_string()).unwrap_or_default(),
        courses: courses.iter().map(Uuid::to_string).collect(),
        active: Some(p.active),
    }
}

/// Sort columns of the list.
pub const SORTS: [&str; 1] = ["name"];

/// A page of paths matching the words, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    q: &str,
    pager: &Pager,
) -> Result<(Vec<Path>, u64), DbErr> {
    let cond = sipe_platform::web::table::every_word_in(path::Column::SearchName, q);
    let query = path::Entity::find().filter(cond);
    sipe_platform::web::table::page_of(
        conn,
        query,
        path::Column::SearchName,
        path::Column::Id,
        pager,
    )
    .await
}

/// Where a person stands in one course of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Completed (in any cohort of the course).
    Completed,
    /// Has a place in a cohort that has not finished.
    Enrolled,
    /// Waiting for a place.
    Waitlisted,
    /// Took it without completing it, and is not in it again.
    NotCompleted,
    /// Not started.
    Pending,
}

impl StepState {
    /// The catalogue suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Completed => "completed",
            StepState::Enrolled => "enrolled",
            StepState::Waitlisted => "waitlisted",
            StepState::NotCompleted => "not_completed",
            StepState::Pending => "pending",
        }
    }
}

/// One course of a path, for a person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Step {
    /// The course.
    pub course_id: Uuid,
    /// Its name.
    pub course: String,
    /// Where the person stands.
    pub state: StepState,
}

/// A person's progress along one path.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    /// The path.
    pub path_id: Uuid,
    /// Its name.
    pub name: String,
    /// Courses completed.
    pub completed: usize,
    /// Courses in the path.
    pub total: usize,
    /// Every course completed?
    pub done: bool,
    /// Each course, in order.
    pub steps: Vec<Step>,
}

/// The course of each of these cohorts.
async fn courses_of_cohorts(
    conn: &impl ConnectionTrait,
    cohorts: impl Iterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, Uuid>, DbErr> {
    let ids: std::collections::HashSet<Uuid> = cohorts.collect();
    let mut out = std::collections::HashMap::new();
    let ids: Vec<Uuid> = ids.into_iter().collect();
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, Uuid)> = cohort::Entity::find()
            .select_only()
            .column(cohort::Column::Id)
            .column(cohort::Column::CourseId)
            .filter(cohort::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// The best state of each course the person took: completed beats enrolled beats
/// waiting beats not completed (a withdrawal counts as nothing).
async fn course_states(
    conn: &impl ConnectionTrait,
    person_id: Uuid,
) -> Result<std::collections::HashMap<Uuid, StepState>, DbErr> {
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::PersonId.eq(person_id))
        .limit(2_000)
        .all(conn)
        .await?;
    // A completion whose certificate was revoked does not count.
    let revoked: std::collections::HashSet<Uuid> = crate::entity::certificate::Entity::find()
        .filter(crate::entity::certificate::Column::PersonId.eq(person_id))
        .filter(crate::entity::certificate::Column::Status.eq(crate::certificates::REVOKED))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| c.enrolment_id)
        .collect();
    let course_of = courses_of_cohorts(conn, rows.iter().map(|e| e.cohort_id)).await?;
    let rows = rows.into_iter().filter_map(|e| {
        let state = if revoked.contains(&e.id) {
            EnrolmentState::NotCompleted.as_str().to_owned()
        } else {
            e.state
        };
        Some((*course_of.get(&e.cohort_id)?, state))
    });
    let rank = |s: StepState| match s {
        StepState::Completed => 4,
        StepState::Enrolled => 3,
        StepState::Waitlisted => 2,
        StepState::NotCompleted => 1,
        StepState::Pending => 0,
    };
    let mut out = std::collections::HashMap::new();
    for (course, state) in rows {
        let step = match EnrolmentState::parse(&state) {
            Some(EnrolmentState::Completed) => StepState::Completed,
            Some(EnrolmentState::Enrolled) => StepState::Enrolled,
            Some(EnrolmentState::Waitlisted) => StepState::Waitlisted,
            Some(EnrolmentState::NotCompleted) => StepState::NotCompleted,
            _ => StepState::Pending,
        };
        let best = out.entry(course).or_insert(StepState::Pending);
        if rank(step) > rank(*best) {
            *best = step;
        }
    }
    Ok(out)
}

/// The person's progress along every path with a course they took, by name.
pub async fn progress_of(
    conn: &impl ConnectionTrait,
    person_id: Uuid,
) -> Result<Vec<Progress>, DbErr> {
    let states = course_states(conn, person_id).await?;
    if states.is_empty() {
        return Ok(Vec::new());
    }
    let path_ids: Vec<Uuid> = path_course::Entity::find()
        .filter(path_course::Column::CourseId.is_in(states.keys().copied().take(500)))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.path_id)
        .collect();
    let paths = path::Entity::find()
        .filter(path::Column::Id.is_in(path_ids))
        .order_by_asc(path::Column::SearchName)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let steps: Vec<Step> = courses_of(conn, p.id)
            .await?
            .into_iter()
            .map(|c| Step {
                state: states.get(&c.id).copied().unwrap_or(StepState::Pending),
                course_id: c.id,
                course: c.name,
            })
            .collect();
        let completed = steps
            .iter()
            .filter(|s| s.state == StepState::Completed)
            .count();
        out.push(Progress {
            path_id: p.id,
            name: p.name,
            completed,
            total: steps.len(),
            done: completed == steps.len(),
            steps,
        });
    }
    Ok(out)
}

/// How many people completed the path, and how many are on it without having finished.
pub async fn counts(conn: &impl ConnectionTrait, id: Uuid) -> Result<(u64, u64), DbErr> {
    let ids = course_ids(conn, id).await?;
    let cohorts_of_path = sea_orm::QueryTrait::into_query(
        cohort::Entity::find()
            .select_only()
            .column(cohort::Column::Id)
            .filter(cohort::Column::CourseId.is_in(ids.clone())),
    );
    let rows: Vec<(Uuid, Uuid)> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::PersonId)
        .column(enrolment::Column::CohortId)
        .filter(enrolment::Column::CohortId.in_subquery(cohorts_of_path))
        .filter(enrolment::Column::State.eq(EnrolmentState::Completed.as_str()))
        .into_tuple()
        .all(conn)
        .await?;
    let course_of = courses_of_cohorts(conn, rows.iter().map(|(_, c)| *c)).await?;
    let rows: std::collections::HashSet<(Uuid, Uuid)> = rows
        .into_iter()
        .filter_map(|(person, c)| Some((person, *course_of.get(&c)?)))
        .collect();
    let mut per_person: std::collections::HashMap<Uuid, usize> = Default::default();
    for (person, _) in rows {
        *per_person.entry(person).or_default() += 1;
    }
    let done = per_person.values().filter(|n| **n == ids.len()).count() as u64;
    Ok((done, per_person.len() as u64 - done))
}

/// After a person completed `course_id`: the active paths they have now completed
/// because of it go on their timeline (inside the finishing transaction). Completing a
/// course they had completed before completes nothing new.
pub async fn on_course_completed(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    person_id: Uuid,
    course_id: Uuid,
    office_id: Uuid,
) -> Result<(), DbErr> {
    let containing: Vec<Uuid> = path_course::Entity::find()
        .filter(path_course::Column::CourseId.eq(course_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.path_id)
        .collect();
    if containing.is_empty() {
        return Ok(());
    }
    let cohorts_of_course = sea_orm::QueryTrait::into_query(
        cohort::Entity::find()
            .select_only()
            .column(cohort::Column::Id)
            .filter(cohort::Column::CourseId.eq(course_id)),
    );
    let completions = sea_orm::PaginatorTrait::count(
        enrolment::Entity::find()
            .filter(enrolment::Column::PersonId.eq(person_id))
            .filter(enrolment::Column::State.eq(EnrolmentState::Completed.as_str()))
            .filter(enrolment::Column::CohortId.in_subquery(cohorts_of_course)),
        conn,
    )
    .await?;
    if completions > 1 {
        return Ok(());
    }
    let active: Vec<Uuid> = path::Entity::find()
        .filter(path::Column::Id.is_in(containing.clone()))
        .filter(path::Column::Active.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    for progress in progress_of(conn, person_id).await? {
        if !progress.done || !active.contains(&progress.path_id) {
            continue;
        }
        timeline::append(
            conn,
            ctx,
            NewEvent {
                person_id,
                kind: "training.path_completed",
                args: vec![("path", Arg::text(progress.name.clone()))],
                link: Some(format!("/training/paths/{}", progress.path_id)),
                office_id: Some(office_id),
            },
        )
        .await?;
    }
    Ok(())
}
