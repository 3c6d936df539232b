//! `/api/v1`: institutions, courses, cohorts, enrolments, attendance and outcomes.
//! Certificates are in `web::certificates`, beside their pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::attendance::{self, MarkInput, OutcomeInput};
use crate::cohorts::{self, Cohort, CohortInput};
use crate::courses::{self, Course, CourseInput};
use crate::domain::{CohortState, WithdrawalReason};
use crate::enrolment::{self, Origin};
use crate::institutions::{self, Institution, InstitutionInput};
use sipe_platform::api::{ApiAccess, ApiError, ApiJson, Page};
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Ctx;
use sipe_platform::web::table::{ListQuery, Pager};

/// Paging and sorting of a list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// Words to look for (names).
    pub q: Option<String>,
    /// Filter by state (cohorts).
    pub state: Option<String>,
    /// Sort column.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Rows per page.
    pub per_page: Option<u64>,
}

impl ListParams {
    pub(crate) fn pager(&self, base: &str, sorts: &[&str], desc: bool) -> Result<Pager, ApiError> {
        Ok(Pager::new(
            base,
            &ListQuery {
                page: self.page.map(|n| n.to_string()),
                per_page: self.per_page.map(|n| n.to_string()),
                sort: self.sort.clone(),
                dir: self.dir.clone(),
            },
            sorts,
            desc,
        )?)
    }

    pub(crate) fn q(&self) -> Result<String, ApiError> {
        Ok(sipe_platform::validation::search_text(
            "q",
            self.q.as_deref().unwrap_or_default(),
        )?)
    }
}

/// An institution.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstitutionDto {
    /// Id.
    pub id: Uuid,
    /// CUIT.
    pub cuit: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Accreditation number.
    pub accreditation_number: Option<String>,
    /// Accreditation valid until.
    pub accredited_until: Option<chrono::NaiveDate>,
    /// Department (INDEC code).
    pub territory_code: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Active?
    pub active: bool,
}

impl From<Institution> for InstitutionDto {
    fn from(i: Institution) -> Self {
        InstitutionDto {
            id: i.id,
            cuit: i.cuit,
            name: i.name,
            kind: i.kind,
            accreditation_number: i.accreditation_number,
            accredited_until: i.accredited_until,
            territory_code: i.territory_code,
            address: i.address,
            contact_name: i.contact_name,
            phone: i.phone,
            email: i.email,
            active: i.active,
        }
    }
}

/// Training institutions.
#[utoipa::path(get, path = "/api/v1/institutions", params(ListParams),
    responses((status = 200, body = Page<InstitutionDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn list_institutions(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Page<InstitutionDto>>, ApiError> {
    let pager = p.pager("/api/v1/institutions", &institutions::SORTS, false)?;
    let filter = institutions::Filter {
        q: p.q()?,
        active: None,
    };
    let (rows, total) = institutions::list(&state.db, &filter, &pager).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
    }))
}

/// One institution.
#[utoipa::path(get, path = "/api/v1/institutions/{id}", params(("id" = Uuid, Path, description = "Institution id")),
    responses((status = 200, body = InstitutionDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_institution(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<InstitutionDto>, ApiError> {
    let i = institutions::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(i.into()))
}

/// Registers an institution.
#[utoipa::path(post, path = "/api/v1/institutions", request_body = InstitutionInput,
    responses((status = 201, body = InstitutionDto), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_institution(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<InstitutionInput>,
) -> Result<(StatusCode, Json<InstitutionDto>), ApiError> {
    let id = institutions::create(&state.db, &ctx, &input).await?;
    let i = institutions::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(i.into())))
}

/// Replaces an institution's fields.
#[utoipa::path(put, path = "/api/v1/institutions/{id}", request_body = InstitutionInput,
    params(("id" = Uuid, Path, description = "Institution id")),
    responses((status = 200, body = InstitutionDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_institution(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<InstitutionInput>,
) -> Result<Json<InstitutionDto>, ApiError> {
    institutions::update(&state.db, &ctx, id, &input).await?;
    let i = institutions::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(i.into()))
}

/// A course.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Occupational family.
    pub family: String,
    /// Target occupation code.
    pub occupation_code: Option<String>,
    /// Skill codes it teaches.
    pub skills: Vec<String>,
    /// Hours.
    pub hours: i32,
    /// Modality.
    pub modality: String,
    /// Minimum age.
    pub min_age: Option<i32>,
    /// Minimum ISCED level.
    pub min_education: Option<String>,
    /// Other requirements.
    pub other_requirements: Option<String>,
    /// Certification type.
    pub certification: String,
    /// Minimum attendance, percent.
    pub min_attendance: i32,
    /// Must the assessment be passed?
    pub requires_pass: bool,
    /// Active?
    pub active: bool,
    /// The competency standard it leads to.
    pub standard_id: Option<Uuid>,
}

fn course_dto(c: Course, skills: Vec<String>) -> CourseDto {
    CourseDto {
        id: c.id,
        name: c.name,
        family: c.family,
        occupation_code: c.occupation_code,
        skills,
        hours: c.hours,
        modality: c.modality,
        min_age: c.min_age,
        min_education: c.min_education,
        other_requirements: c.other_requirements,
        certification: c.certification,
        min_attendance: c.min_attendance,
        requires_pass: c.requires_pass,
        active: c.active,
        standard_id: c.standard_id,
    }
}

async fn course_detail(state: &AppState, id: Uuid) -> Result<CourseDto, ApiError> {
    let c = courses::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let skills = courses::skill_codes(&state.db, id).await?;
    Ok(course_dto(c, skills))
}

/// The course catalogue.
#[utoipa::path(get, path = "/api/v1/courses", params(ListParams),
    responses((status = 200, body = Page<CourseDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn list_courses(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Page<CourseDto>>, ApiError> {
    let pager = p.pager("/api/v1/courses", &courses::SORTS, false)?;
    let (rows, total) = courses::list(&state.db, &p.q()?, &pager).await?;
    let mut items = Vec::with_capacity(rows.len());
    for c in rows {
        let skills = courses::skill_codes(&state.db, c.id).await?;
        items.push(course_dto(c, skills));
    }
    Ok(Json(Page { items, total }))
}

/// One course.
#[utoipa::path(get, path = "/api/v1/courses/{id}", params(("id" = Uuid, Path, description = "Course id")),
    responses((status = 200, body = CourseDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_course(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<CourseDto>, ApiError> {
    Ok(Json(course_detail(&state, id).await?))
}

/// Adds a course.
#[utoipa::path(post, path = "/api/v1/courses", request_body = CourseInput,
    responses((status = 201, body = CourseDto), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_course(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<CourseInput>,
) -> Result<(StatusCode, Json<CourseDto>), ApiError> {
    let id = courses::create(&state.db, &ctx, &input).await?;
    Ok((StatusCode::CREATED, Json(course_detail(&state, id).await?)))
}

/// Replaces a course's fields and skills.
#[utoipa::path(put, path = "/api/v1/courses/{id}", request_body = CourseInput,
    params(("id" = Uuid, Path, description = "Course id")),
    responses((status = 200, body = CourseDto), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn update_course(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<CourseInput>,
) -> Result<Json<CourseDto>, ApiError> {
    courses::update(&state.db, &ctx, id, &input).await?;
    Ok(Json(course_detail(&state, id).await?))
}

/// A cohort.
#[derive(Debug, Serialize, ToSchema)]
pub struct CohortDto {
    /// Id.
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Course.
    pub course_id: Uuid,
    /// Institution.
    pub institution_id: Uuid,
    /// Office that runs it (shown to those who see that office).
    pub office_id: Option<Uuid>,
    /// First day.
    pub starts_on: chrono::NaiveDate,
    /// Last day.
    pub ends_on: chrono::NaiveDate,
    /// ISO weekdays (`1,3`).
    pub weekdays: String,
    /// Start time.
    pub start_time: String,
    /// End time.
    pub end_time: String,
    /// `office`, `institution`, `virtual`.
    pub place: String,
    /// Room or address detail.
    pub place_detail: Option<String>,
    /// Places.
    pub capacity: i32,
    /// Hours (the course's when the cohort opened).
    pub hours: i32,
    /// Certification type (idem).
    pub certification: String,
    /// Minimum attendance to complete, % (idem).
    pub min_attendance: i32,
    /// Must the assessment be passed? (idem)
    pub requires_pass: bool,
    /// Instructor.
    pub instructor: Option<String>,
    /// State.
    pub state: String,
    /// Moodle course id.
    pub moodle_course_id: Option<i32>,
    /// Sessions (detail only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<Vec<SessionDto>>,
}

/// A session of a cohort.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    /// Id.
    pub id: Uuid,
    /// Day.
    pub on_date: chrono::NaiveDate,
    /// Start.
    pub start_time: String,
    /// End.
    pub end_time: String,
}

impl From<Cohort> for CohortDto {
    fn from(c: Cohort) -> Self {
        CohortDto {
            id: c.id,
            code: c.code,
            course_id: c.course_id,
            institution_id: c.institution_id,
            office_id: Some(c.office_id),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            weekdays: c.weekdays,
            start_time: c.start_time,
            end_time: c.end_time,
            place: c.place,
            place_detail: c.place_detail,
            capacity: c.capacity,
            hours: c.hours,
            certification: c.certification,
            min_attendance: c.min_attendance,
            requires_pass: c.requires_pass,
            instructor: c.instructor,
            state: c.state,
            moodle_course_id: c.moodle_course_id,
            sessions: None,
        }
    }
}

/// The offices whose cohorts the caller runs or oversees (view scope).
async fn seen_offices(
    state: &AppState,
    access: &sipe_platform::access::Access,
) -> Result<std::collections::HashSet<Uuid>, ApiError> {
    Ok(sipe_platform::territory::store::offices_in_scope(
        &state.db,
        access,
        sipe_platform::access::ScopeKind::View,
    )
    .await?
    .into_iter()
    .map(|o| o.id)
    .collect())
}

/// The cohort as this caller may see it: its office only to those who see that office.
fn cohort_for(c: Cohort, seen: &std::collections::HashSet<Uuid>) -> CohortDto {
    let shown = seen.contains(&c.office_id);
    let mut dto = CohortDto::from(c);
    if !shown {
        dto.office_id = None;
    }
    dto
}

async fn cohort_detail(
    state: &AppState,
    access: &sipe_platform::access::Access,
    id: Uuid,
) -> Result<CohortDto, ApiError> {
    let c = cohorts::find_visible(&state.db, access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let sessions = cohorts::sessions(&state.db, id)
        .await?
        .into_iter()
        .map(|s| SessionDto {
            id: s.id,
            on_date: s.on_date,
            start_time: s.start_time,
            end_time: s.end_time,
        })
        .collect();
    Ok(CohortDto {
        sessions: Some(sessions),
        ..cohort_for(c, &seen_offices(state, access).await?)
    })
}

/// Cohorts.
#[utoipa::path(get, path = "/api/v1/cohorts", params(ListParams),
    responses((status = 200, body = Page<CohortDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn list_cohorts(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Query(p): Query<ListParams>,
) -> Result<Json<Page<CohortDto>>, ApiError> {
    let pager = p.pager("/api/v1/cohorts", &cohorts::SORTS, true)?;
    let filter = cohorts::Filter {
        state: p.state.as_deref().and_then(CohortState::parse),
        ..Default::default()
    };
    let (rows, total) = cohorts::list(&state.db, &access, &filter, &pager).await?;
    let seen = seen_offices(&state, &access).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(|c| cohort_for(c, &seen)).collect(),
        total,
    }))
}

/// One cohort, with its sessions.
#[utoipa::path(get, path = "/api/v1/cohorts/{id}", params(("id" = Uuid, Path, description = "Cohort id")),
    responses((status = 200, body = CohortDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn show_cohort(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Path(id): Path<Uuid>,
) -> Result<Json<CohortDto>, ApiError> {
    Ok(Json(cohort_detail(&state, &access, id).await?))
}

/// Opens a cohort (planned), generating its sessions.
#[utoipa::path(post, path = "/api/v1/cohorts", request_body = CohortInput,
    responses((status = 201, body = CohortDto), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn create_cohort(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    ApiJson(input): ApiJson<CohortInput>,
) -> Result<(StatusCode, Json<CohortDto>), ApiError> {
    let id = cohorts::create(&state.db, &ctx, &access, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(cohort_detail(&state, &access, id).await?),
    ))
}

/// A change of a cohort's state.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CohortTransition {
    /// `enrolling`, `running`, `finished` or `cancelled`.
    pub to: String,
    /// Why.
    #[serde(default)]
    pub note: String,
}

/// Moves a cohort to another state; `finished` applies the completion rule and issues
/// the certificates.
#[utoipa::path(post, path = "/api/v1/cohorts/{id}/transitions", request_body = CohortTransition,
    params(("id" = Uuid, Path, description = "Cohort id")),
    responses((status = 200, body = CohortDto), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem)))]
pub async fn transition(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<CohortTransition>,
) -> Result<Json<CohortDto>, ApiError> {
    let to = CohortState::parse(&input.to)
        .ok_or_else(|| sipe_platform::validation::FieldErrors::one("to", "field-choice-invalid"))?;
    cohorts::transition(&state.db, &ctx, &access, id, to, &input.note, today(&state)).await?;
    Ok(Json(cohort_detail(&state, &access, id).await?))
}

/// An enrolment.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentDto {
    /// Id.
    pub id: Uuid,
    /// Cohort.
    pub cohort_id: Uuid,
    /// Person.
    pub person_id: Uuid,
    /// Holder's name.
    pub name: String,
    /// Document number.
    pub document: String,
    /// State.
    pub state: String,
    /// Withdrawal reason.
    pub withdrawal_reason: Option<String>,
    /// Grade.
    pub grade: Option<f64>,
    /// Passed?
    pub passed: Option<bool>,
    /// Attendance percent (when finished).
    pub attendance: Option<i32>,
    /// Enrolled at.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The people of a cohort the token's owner may see.
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/enrolments", params(("id" = Uuid, Path, description = "Cohort id")),
    responses((status = 200, body = Page<EnrolmentDto>), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn list_enrolments(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Page<EnrolmentDto>>, ApiError> {
    let c = cohorts::find_visible(&state.db, &access, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (rows, _) = enrolment::roster(&state.db, &access, &c).await?;
    sipe_persons::service::record_shown(
        &state.reads,
        &ctx,
        "training.roster.view",
        &c.code,
        rows.iter()
            .map(|r| sipe_platform::ids::PersonId(r.person.id)),
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
    let items: Vec<EnrolmentDto> = rows
        .into_iter()
        .map(|r| EnrolmentDto {
            id: r.enrolment.id,
            cohort_id: r.enrolment.cohort_id,
            person_id: r.enrolment.person_id,
            name: r.person.display(),
            document: r.person.doc_number,
            state: r.enrolment.state,
            withdrawal_reason: r.enrolment.withdrawal_reason,
            grade: r.enrolment.grade,
            passed: r.enrolment.passed,
            attendance: r.enrolment.attendance,
            created_at: r.enrolment.created_at,
        })
        .collect();
    let total = items.len() as u64;
    Ok(Json(Page { items, total }))
}

/// Enrols a person.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EnrolInput {
    /// The person.
    pub person_id: Uuid,
}

/// Where the person landed, or (409) every failed requirement.
#[utoipa::path(post, path = "/api/v1/cohorts/{id}/enrolments", request_body = EnrolInput,
    params(("id" = Uuid, Path, description = "Cohort id")),
    responses((status = 201, body = enrolment::Enrolled), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem)))]
pub async fn enrol(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<EnrolInput>,
) -> Result<(StatusCode, Json<enrolment::Enrolled>), ApiError> {
    let e = enrolment::enrol(&state.db, &ctx, &access, id, input.person_id, Origin::Api).await?;
    Ok((StatusCode::CREATED, Json(e)))
}

/// A list of documents to enrol at once.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BulkInput {
    /// Document numbers (digits; dots are dropped), at most 20,000.
    #[serde(default)]
    pub documents: Vec<String>,
    /// Instead of `documents`: one of the caller's saved person searches
    /// (`/api/v1/saved-searches`), whose people now in the caller's view scope are the
    /// list.
    #[serde(default)]
    pub saved_search_id: Option<Uuid>,
    /// Only check the list: nothing changes.
    #[serde(default)]
    pub dry_run: bool,
}

/// One document of the list and what happens to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkLineDto {
    /// The document as read.
    pub document: String,
    /// What happens: `place`, `waiting`, `invalid`, `not_found`, `ambiguous`,
    /// `repeated`, `already`, `ineligible`.
    pub verdict: crate::bulk::Verdict,
    /// Who holds it, when found.
    pub person_id: Option<Uuid>,
    /// Every failed requirement (`key`, `required`, `actual`), when ineligible.
    pub unmet: Vec<crate::domain::Unmet>,
}

/// The list checked (and, unless a dry run, applied).
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkDto {
    /// Were the enrolments made?
    pub applied: bool,
    /// How many get a place.
    pub places: usize,
    /// How many join the waiting list.
    pub waiting: usize,
    /// How many are not enrolled.
    pub refused: usize,
    /// Every document, in the list's order.
    pub lines: Vec<BulkLineDto>,
}

/// Enrols a list of documents: each is checked (found in the caller's search scope,
/// not in already, the course's requirements met); the free places go in the list's
/// order and the rest join the waiting list, in one transaction. `dry_run` only checks.
#[utoipa::path(post, path = "/api/v1/cohorts/{id}/bulk-enrolments", request_body = BulkInput,
    params(("id" = Uuid, Path, description = "Cohort id")),
    responses((status = 200, body = BulkDto), (status = 404, body = sipe_platform::api::Problem),
        (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn bulk_enrol(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<BulkInput>,
) -> Result<Json<BulkDto>, ApiError> {
    if input.documents.len() > crate::bulk::MAX_DOCUMENTS {
        return Err(
            sipe_platform::validation::FieldErrors::one("documents", "bulk-too-many").into(),
        );
    }
    let text: String = input
        .documents
        .iter()
        .map(|d| {
            d.chars()
                .take(40)
                .collect::<String>()
                .replace(['\n', '\r'], "")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let documents = match input.saved_search_id {
        Some(_) if !input.documents.is_empty() => {
            return Err(sipe_platform::validation::FieldErrors::one(
                "saved_search_id",
                "bulk-search-or-documents",
            )
            .into());
        }
        Some(search) => {
            let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
            let index = sipe_persons::index(&state)
                .map_err(|e| ApiError::Internal(anyhow::anyhow!(e.to_string())))?;
            let source = crate::bulk::SearchSource {
                index,
                reads: &state.reads,
                field: "saved_search_id",
            };
            crate::bulk::documents_of_search(&state.db, source, &ctx, &access, search, today)
                .await?
        }
        None => crate::bulk::parse_documents(&text)?,
    };
    let plan = if input.dry_run {
        let c = cohorts::find_visible(&state.db, &access, id)
            .await?
            .ok_or(ApiError::NotFound)?;
        crate::bulk::plan(&state.db, &access, &c, &documents).await?
    } else {
        crate::bulk::confirm(&state.db, &ctx, &access, id, &documents).await?
    };
    Ok(Json(BulkDto {
        applied: !input.dry_run,
        places: plan.places,
        waiting: plan.waiting,
        refused: plan.refused(),
        lines: plan
            .lines
            .into_iter()
            .map(|l| BulkLineDto {
                document: l.document,
                verdict: l.verdict,
                person_id: l.person.map(|p| p.id),
                unmet: l.unmet,
            })
            .collect(),
    }))
}

/// A withdrawal.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WithdrawInput {
    /// `employment`, `schedule`, `health`, `interest`, `error`, `other`.
    pub reason: String,
}

/// Withdraws a person; a freed place goes to the first on the waiting list.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/withdrawal", request_body = WithdrawInput,
    params(("id" = Uuid, Path, description = "Enrolment id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem)))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> Result<StatusCode, ApiError> {
    let reason = WithdrawalReason::parse(&input.reason)
        .filter(|r| !matches!(r, WithdrawalReason::Cancelled | WithdrawalReason::NoPlace))
        .ok_or_else(|| {
            sipe_platform::validation::FieldErrors::one("reason", "field-choice-invalid")
        })?;
    enrolment::withdraw(&state.db, &ctx, &access, id, reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A session's sheet.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AttendanceInput {
    /// One mark per person.
    pub marks: Vec<MarkInput>,
}

/// Saves a session's attendance in one request.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/attendance", request_body = AttendanceInput,
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn save_attendance(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AttendanceInput>,
) -> Result<StatusCode, ApiError> {
    attendance::save(&state.db, &ctx, &access, id, &input.marks, today(&state)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Outcomes of a cohort.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OutcomesInput {
    /// One per person.
    pub outcomes: Vec<OutcomeInput>,
}

/// Records assessment outcomes.
#[utoipa::path(put, path = "/api/v1/cohorts/{id}/outcomes", request_body = OutcomesInput,
    params(("id" = Uuid, Path, description = "Cohort id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn save_outcomes(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<OutcomesInput>,
) -> Result<StatusCode, ApiError> {
    attendance::record_outcomes(&state.db, &ctx, &access, id, &input.outcomes).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Today in the deployment's time zone.
fn today(state: &AppState) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&state.tz).date_naive()
}
