//! The course catalogue: what is taught, for which occupation and skills, to whom, and
//! what completing it takes.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{Certification, Modality};
use crate::entity::{course, course_skill};
use crate::error::TrainingError;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::taxonomy::Catalog;
use sipe_platform::validation::{self, FieldErrors};
use sipe_platform::web::table::Pager;

pub use course::Model as Course;

/// Most skills a course lists.
pub const MAX_SKILLS: usize = 30;

/// A course as forms and the API give it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CourseInput {
    /// Name.
    pub name: String,
    /// Occupational family (construction, gastronomy, ...).
    pub family: String,
    /// Target occupation: a code, or its title as the type-ahead writes it.
    #[serde(default)]
    pub occupation: String,
    /// Skills it teaches: labels or codes of the skills vocabulary, one per line or
    /// separated by semicolons.
    #[serde(default)]
    pub skills: String,
    /// Hours.
    pub hours: String,
    /// `in_person`, `virtual`, `blended`.
    pub modality: String,
    /// Minimum age on the first day (empty: none).
    #[serde(default)]
    pub min_age: String,
    /// Minimum ISCED level `0`–`8` (empty: none).
    #[serde(default)]
    pub min_education: String,
    /// Other requirements, as text.
    #[serde(default)]
    pub other_requirements: String,
    /// `attendance`, `approval`, `competency`.
    pub certification: String,
    /// Minimum attendance to complete, percent (default 75).
    #[serde(default)]
    pub min_attendance: String,
    /// Must the assessment be passed? (`true`/`on` or empty.)
    #[serde(default)]
    pub requires_pass: String,
    /// The competency standard it leads to: its id, or empty. A course that certifies
    /// competency against a standard is passed by its assessment, unit by unit.
    #[serde(default)]
    pub standard: String,
}

impl Default for CourseInput {
    fn default() -> Self {
        CourseInput {
            name: String::new(),
            family: String::new(),
            occupation: String::new(),
            skills: String::new(),
            hours: String::new(),
            modality: Modality::InPerson.as_str().into(),
            min_age: "18".into(),
            min_education: String::new(),
            other_requirements: String::new(),
            certification: Certification::Approval.as_str().into(),
            min_attendance: "75".into(),
            requires_pass: "true".into(),
            standard: String::new(),
        }
    }
}

struct Valid {
    name: String,
    family: String,
    occupation_code: Option<String>,
    skills: Vec<String>,
    hours: i32,
    modality: Modality,
    min_age: Option<i32>,
    min_education: Option<String>,
    other_requirements: Option<String>,
    certification: Certification,
    min_attendance: i32,
    requires_pass: bool,
    standard_id: Option<Uuid>,
}

fn is_true(s: &str) -> bool {
    matches!(s.trim(), "true" | "on" | "1" | "si" | "sí")
}

fn validate(
    i: &CourseInput,
    skills: &Catalog,
    occupations: &sipe_platform::taxonomy::Occupations,
    standards: &[Uuid],
) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = validation::text(&mut errors, "name", &i.name, true, 160);
    let family = validation::text(&mut errors, "family", &i.family, true, 80);
    let occupation_code = match i.occupation.trim() {
        "" => None,
        typed if typed.chars().count() > 200 => {
            errors.add("occupation", "field-too-long");
            None
        }
        typed => match occupations.resolve(typed, sipe_platform::taxonomy::Gender::Unknown) {
            Some(hit) => Some(hit.code),
            None => {
                errors.add("occupation", "course-occupation-unknown");
                None
            }
        },
    };
    let mut codes = Vec::new();
    if i.skills.chars().count() > 4_000 {
        errors.add("skills", "field-too-long");
    } else {
        for typed in i
            .skills
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match skills.resolve(typed) {
                Some(hit) if !codes.contains(&hit.code) => codes.push(hit.code),
                Some(_) => {}
                None => {
                    errors.add("skills", "course-skill-unknown");
                    break;
                }
            }
        }
        if codes.len() > MAX_SKILLS {
            errors.add("skills", "course-skills-too-many");
        }
    }
    let hours = crate::number(&mut errors, "hours", &i.hours, 1..=2_000, true);
    let modality = Modality::parse(&i.modality);
    if modality.is_none() {
        errors.add("modality", "field-choice-invalid");
    }
    let min_age = if i.min_age.trim().is_empty() {
        None
    } else {
        crate::number(&mut errors, "min_age", &i.min_age, 14..=99, false)
    };
    let min_education = match i.min_education.trim() {
        "" => None,
        l if l.len() == 1 && ("0"..="8").contains(&l) => Some(l.to_owned()),
        _ => {
            errors.add("min_education", "field-choice-invalid");
            None
        }
    };
    let other_requirements = validation::multiline_text(
        &mut errors,
        "other_requirements",
        &i.other_requirements,
        false,
        1_000,
    );
    let certification = Certification::parse(&i.certification);
    if certification.is_none() {
        errors.add("certification", "field-choice-invalid");
    }
    let min_attendance = if i.min_attendance.trim().is_empty() {
        Some(75)
    } else {
        crate::number(
            &mut errors,
            "min_attendance",
            &i.min_attendance,
            0..=100,
            false,
        )
    };
    let standard_id = match i.standard.trim() {
        "" => None,
        raw => match Uuid::parse_str(raw) {
            Ok(id) if standards.contains(&id) => Some(id),
            _ => {
                errors.add("standard", "field-choice-invalid");
                None
            }
        },
    };
    if standard_id.is_some() && certification != Some(Certification::Competency) {
        errors.add("standard", "course-standard-needs-competency");
    }
    errors.into_result()?;
    let certification = certification.unwrap_or(Certification::Attendance);
    // Assessed against a standard, the assessment is what passing means.
    let assessed = certification == Certification::Competency && standard_id.is_some();
    Ok(Valid {
        name,
        family,
        occupation_code,
        skills: codes,
        hours: hours.unwrap_or(1),
        modality: modality.unwrap_or(Modality::InPerson),
        min_age,
        min_education,
        other_requirements: (!other_requirements.is_empty()).then_some(other_requirements),
        // An attendance certificate never asks for a pass.
        requires_pass: assessed
            || (certification != Certification::Attendance && is_true(&i.requires_pass)),
        standard_id,
        certification,
        min_attendance: min_attendance.unwrap_or(75),
    })
}

fn apply(a: &mut course::ActiveModel, v: &Valid) {
    a.name = Set(v.name.clone());
    a.search_name = Set(sipe_platform::text::fold(&format!(
        "{} {}",
        v.name, v.family
    )));
    a.family = Set(v.family.clone());
    a.occupation_code = Set(v.occupation_code.clone());
    a.hours = Set(v.hours);
    a.modality = Set(v.modality.as_str().to_owned());
    a.min_age = Set(v.min_age);
    a.min_education = Set(v.min_education.clone());
    a.other_requirements = Set(v.other_requirements.clone());
    a.certification = Set(v.certification.as_str().to_owned());
    a.min_attendance = Set(v.min_attendance);
    a.requires_pass = Set(v.requires_pass);
    a.standard_id = Set(v.standard_id);
    a.updated_at = Set(Utc::now());
}

fn snapshot(c: &Course, skills: &[String]) -> serde_json::Value {
    json!({
        "name": c.name, "family": c.family, "occupation_code": c.occupation_code,
        "hours": c.hours, "modality": c.modality, "min_age": c.min_age,
        "min_education": c.min_education, "other_requirements": c.other_requirements,
        "certification": c.certification, "min_attendance": c.min_attendance,
        "requires_pass": c.requires_pass, "active": c.active, "skills": skills,
        "standard_id": c.standard_id,
    })
}

async fn replace_skills(
    conn: &impl ConnectionTrait,
    id: Uuid,
    codes: &[String],
) -> Result<(), DbErr> {
    course_skill::Entity::delete_many()
        .filter(course_skill::Column::CourseId.eq(id))
        .exec(conn)
        .await?;
    if codes.is_empty() {
        return Ok(());
    }
    course_skill::Entity::insert_many(codes.iter().map(|code| course_skill::ActiveModel {
        course_id: Set(id),
        skill_code: Set(code.clone()),
    }))
    .exec(conn)
    .await?;
    Ok(())
}

/// Adds a course to the catalogue.
pub async fn create(db: &Db, ctx: &AuditCtx, input: &CourseInput) -> Result<Uuid, TrainingError> {
    let skills = sipe_platform::taxonomy::skills::catalog(db).await?;
    let occupations = sipe_platform::taxonomy::Occupations::read(db).await?;
    let standards = standard_ids(db).await?;
    let v = validate(input, &skills, &occupations, &standards)?;
    let tx = db::begin_write(db).await?;
    let id = Uuid::now_v7();
    let mut a = course::ActiveModel {
        id: Set(id),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    apply(&mut a, &v);
    let model = a.insert(&tx).await?;
    replace_skills(&tx, id, &v.skills).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.course.create", "training_course", id)
            .after(snapshot(&model, &v.skills)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a course's fields and skills. Certificates already issued keep what they
/// said.
pub async fn update(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    input: &CourseInput,
) -> Result<(), TrainingError> {
    let skills = sipe_platform::taxonomy::skills::catalog(db).await?;
    let occupations = sipe_platform::taxonomy::Occupations::read(db).await?;
    let standards = standard_ids(db).await?;
    let v = validate(input, &skills, &occupations, &standards)?;
    let tx = db::begin_write(db).await?;
    let current = course::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let before = snapshot(&current, &skill_codes(&tx, id).await?);
    let mut a = current.into_active_model();
    apply(&mut a, &v);
    let model = a.update(&tx).await?;
    replace_skills(&tx, id, &v.skills).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.course.update", "training_course", id)
            .before(before)
            .after(snapshot(&model, &v.skills)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The standards a course may lead to: every one (a retired standard stays on the
/// courses that led to it).
async fn standard_ids(db: &Db) -> Result<Vec<Uuid>, DbErr> {
    use sea_orm::QuerySelect;
    crate::entity::standard::Entity::find()
        .select_only()
        .column(crate::entity::standard::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// One course.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Course>, DbErr> {
    course::Entity::find_by_id(id).one(conn).await
}

/// The skill codes a course teaches.
pub async fn skill_codes(conn: &impl ConnectionTrait, id: Uuid) -> Result<Vec<String>, DbErr> {
    Ok(course_skill::Entity::find()
        .filter(course_skill::Column::CourseId.eq(id))
        .order_by_asc(course_skill::Column::SkillCode)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.skill_code)
        .collect())
}

/// The ids of the courses that teach any of these skills.
pub async fn teaching(
    conn: &impl ConnectionTrait,
    skill_codes: &[String],
) -> Result<Vec<Uuid>, DbErr> {
    if skill_codes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(course_skill::Entity::find()
        .filter(course_skill::Column::SkillCode.is_in(skill_codes.iter().take(200).cloned()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.course_id)
        .collect())
}

/// The form of an existing course.
pub fn input_of(c: &Course, skills: &[String], catalog: &Catalog) -> CourseInput {
    CourseInput {
        name: c.name.clone(),
        family: c.family.clone(),
        occupation: c
            .occupation_code
            .as_deref()
            .map(|code| format!("{} ({code})", occupation_label(code)))
            .unwrap_or_default(),
        skills: skills
            .iter()
            .map(|code| catalog.label(code).unwrap_or(code).to_owned())
            .collect::<Vec<_>>()
            .join("\n"),
        hours: c.hours.to_string(),
        modality: c.modality.clone(),
        min_age: c.min_age.map(|a| a.to_string()).unwrap_or_default(),
        min_education: c.min_education.clone().unwrap_or_default(),
        other_requirements: c.other_requirements.clone().unwrap_or_default(),
        certification: c.certification.clone(),
        min_attendance: c.min_attendance.to_string(),
        requires_pass: if c.requires_pass {
            "true".into()
        } else {
            String::new()
        },
        standard: c.standard_id.map(|s| s.to_string()).unwrap_or_default(),
    }
}

/// Sort columns of the list.
pub const SORTS: [&str; 3] = ["name", "family", "hours"];

/// A page of courses matching the words, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    q: &str,
    pager: &Pager,
) -> Result<(Vec<Course>, u64), DbErr> {
    let cond = sipe_platform::web::table::every_word_in(course::Column::SearchName, q);
    let query = course::Entity::find().filter(cond);
    let col = match pager.sort.as_str() {
        "family" => course::Column::Family,
        "hours" => course::Column::Hours,
        _ => course::Column::SearchName,
    };
    sipe_platform::web::table::page_of(conn, query, col, course::Column::Id, pager).await
}

/// Active courses, by name (form choices).
pub async fn active(conn: &impl ConnectionTrait) -> Result<Vec<Course>, DbErr> {
    course::Entity::find()
        .filter(course::Column::Active.eq(true))
        .order_by_asc(course::Column::SearchName)
        .limit(2_000)
        .all(conn)
        .await
}

/// The title of an occupation code: a reference occupation, else its unit group.
pub fn occupation_label(code: &str) -> String {
    sipe_platform::taxonomy::occupations()
        .label(code)
        .or_else(|| sipe_platform::taxonomy::titles::unit_group_label(code))
        .unwrap_or(code)
        .to_owned()
}

/// The codes, among `skills`, that a cohort taking enrolments teaches.
pub async fn taught_in_open_cohorts(
    conn: &impl ConnectionTrait,
    skills: &[String],
) -> Result<std::collections::HashSet<String>, DbErr> {
    use crate::domain::CohortState;
    use crate::entity::cohort;
    if skills.is_empty() {
        return Ok(Default::default());
    }
    let open_courses = sea_orm::QueryTrait::into_query(
        cohort::Entity::find()
            .select_only()
            .column(cohort::Column::CourseId)
            .filter(cohort::Column::State.is_in([
                CohortState::Enrolling.as_str(),
                CohortState::Running.as_str(),
            ])),
    );
    Ok(course_skill::Entity::find()
        .filter(course_skill::Column::SkillCode.is_in(skills.iter().take(200).cloned()))
        .filter(course_skill::Column::CourseId.in_subquery(open_courses))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.skill_code)
        .collect())
}

/// Every course's name by id (active or not: indicators name past cohorts).
pub async fn all_names(
    conn: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<Uuid, String>, DbErr> {
    use sea_orm::QuerySelect;
    let rows: Vec<(Uuid, String)> = course::Entity::find()
        .select_only()
        .column(course::Column::Id)
        .column(course::Column::Name)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}
