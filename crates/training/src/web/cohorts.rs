//! Pages of cohorts: the list, the form, the cohort with its roster, states, outcomes
//! and certificates, and the attendance sheet of a session.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::{options, status_of};
use crate::certificates::{self, Certificate};
use crate::cohorts::{self, Cohort, CohortEvent, CohortInput, Session};
use crate::domain::{self, CohortState, Place, Unmet, WithdrawalReason};
use crate::enrolment::{self, Origin, RosterRow};
use crate::error::TrainingError;
use sipe_platform::access::{Permission, ScopeKind};
use sipe_platform::ids::OfficeId;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// A cohort with the names its rows show.
pub struct CohortRow {
    /// The cohort.
    pub cohort: Cohort,
    /// Course name.
    pub course: String,
    /// Institution name.
    pub institution: String,
}

/// Names of the courses and institutions of these cohorts.
pub async fn named(state: &AppState, rows: Vec<Cohort>) -> Result<Vec<CohortRow>, WebError> {
    let mut courses: HashMap<Uuid, String> = HashMap::new();
    let mut institutions: HashMap<Uuid, String> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for cohort in rows {
        if let Entry::Vacant(slot) = courses.entry(cohort.course_id) {
            slot.insert(
                crate::courses::find(&state.db, cohort.course_id)
                    .await?
                    .map(|c| c.name)
                    .unwrap_or_default(),
            );
        }
        if let Entry::Vacant(slot) = institutions.entry(cohort.institution_id) {
            slot.insert(
                crate::institutions::find(&state.db, cohort.institution_id)
                    .await?
                    .map(|i| i.name)
                    .unwrap_or_default(),
            );
        }
        out.push(CohortRow {
            course: courses[&cohort.course_id].clone(),
            institution: institutions[&cohort.institution_id].clone(),
            cohort,
        });
    }
    Ok(out)
}

/// Filters of the cohorts list.
#[derive(Debug, Deserialize, Default)]
pub struct CohortListQuery {
    #[serde(default)]
    state: String,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(askama::Template)]
#[template(path = "training/cohorts.html")]
struct CohortsPage {
    ctx: PageCtx,
    rows: Vec<CohortRow>,
    pager: Pager,
    state: String,
    states: Vec<&'static str>,
    can_manage: bool,
}

/// `GET /training/cohorts`.
pub async fn list_cohorts(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(query): Query<CohortListQuery>,
) -> Result<Response, WebError> {
    let mut pager = Pager::new("/training/cohorts", &query.list, &cohorts::SORTS, true)?
        .keep("state", &query.state);
    let filter = cohorts::Filter {
        state: CohortState::parse(&query.state),
        ..Default::default()
    };
    let (rows, total) = cohorts::list(&state.db, &user.access, &filter, &pager).await?;
    pager.total = total;
    let rows = named(&state, rows).await?;
    page_with(
        axum::http::StatusCode::OK,
        CohortsPage {
            ctx,
            rows,
            pager,
            state: query.state,
            states: CohortState::ALL.iter().map(|s| s.as_str()).collect(),
            can_manage: user.access.can(Permission::ManageCohorts),
        },
    )
}

#[derive(askama::Template)]
#[template(path = "training/cohort_form.html")]
struct CohortFormPage {
    ctx: PageCtx,
    form: CohortInput,
    errors: FieldErrors,
    courses: Vec<Choice>,
    institutions: Vec<Choice>,
    offices: Vec<Choice>,
    weekdays: Vec<Choice>,
    places: Vec<&'static str>,
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    form: CohortInput,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let courses = crate::courses::active(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id.to_string(), c.name));
    let institutions = crate::institutions::active(&state.db)
        .await?
        .into_iter()
        .filter(|i| user.access.affiliation.is_none_or(|a| a == i.id))
        .map(|i| (i.id.to_string(), i.name));
    // An institution's staff open cohorts at any office (see `cohorts::create`).
    let reach = match user.access.affiliation {
        Some(_) => sipe_platform::access::Access::system(&user.access.actor.username),
        None => (*user.access).clone(),
    };
    let offices =
        sipe_platform::territory::store::offices_in_scope(&state.db, &reach, ScopeKind::Capture)
            .await?
            .into_iter()
            .filter(|o| o.active)
            .map(|o| (o.code.clone(), format!("{} — {}", o.code, o.name)));
    let weekdays = (1..=7)
        .map(|d: u32| Choice {
            value: d.to_string(),
            label: ctx.tp("weekday-", d.to_string()).into_owned(),
            selected: form.weekdays.iter().any(|w| w.trim() == d.to_string()),
        })
        .collect();
    page_with(
        status_of(&errors),
        CohortFormPage {
            courses: options(courses, &form.course_id),
            institutions: options(institutions, &form.institution_id),
            offices: options(offices, &form.office_code),
            weekdays,
            places: Place::ALL.iter().map(|p| p.as_str()).collect(),
            ctx,
            form,
            errors,
        },
    )
}

/// Preselection of the new cohort form.
#[derive(Debug, Deserialize, Default)]
pub struct NewCohortQuery {
    #[serde(default)]
    course: String,
    #[serde(default)]
    institution: String,
}

/// `GET /training/cohorts/new`.
pub async fn new_cohort(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(q): Query<NewCohortQuery>,
) -> Result<Response, WebError> {
    let form = CohortInput {
        course_id: q.course.chars().take(36).collect(),
        institution_id: q.institution.chars().take(36).collect(),
        start_time: "18:00".into(),
        end_time: "21:00".into(),
        place: Place::Institution.as_str().into(),
        capacity: "25".into(),
        ..Default::default()
    };
    form_page(&state, ctx, &user, form, FieldErrors::new()).await
}

/// `POST /training/cohorts`.
pub async fn create_cohort(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<CohortInput>,
) -> Result<Response, WebError> {
    match cohorts::create(&state.db, &audit, &user.access, &form).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/training/cohorts/{id}"),
            "success",
            "training-saved",
        )),
        Err(TrainingError::Invalid(errors)) => form_page(&state, ctx, &user, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "training/cohort.html")]
struct CohortPage {
    ctx: PageCtx,
    cohort: Cohort,
    course: crate::courses::Course,
    institution: crate::institutions::Institution,
    office: String,
    place: String,
    weekdays: String,
    sessions: Vec<Session>,
    roster: Vec<RosterRow>,
    sees_all: bool,
    counts: Vec<(String, u64)>,
    history: Vec<CohortEvent>,
    certificates: Vec<Certificate>,
    next_states: Vec<&'static str>,
    reasons: Vec<&'static str>,
    can_edit: bool,
    /// Withdrawals from the roster: those who run the cohort, and an office's staff for
    /// their own people in it (the use case checks each person's capture scope).
    can_withdraw: bool,
    can_run: bool,
    can_enrol: bool,
    running: bool,
    document: String,
    unmet: Vec<Unmet>,
    errors: FieldErrors,
    typed: HashMap<Uuid, (String, String)>,
    bad_grades: Vec<Uuid>,
    today: chrono::NaiveDate,
    /// Attendance so far per enrolment, while the cohort runs.
    so_far: HashMap<Uuid, i32>,
    /// The competency standard its people are assessed against, unit by unit.
    standard: Option<crate::standards::Standard>,
}

impl CohortPage {
    /// The state select asks before finishing or cancelling (they cannot be undone).
    fn move_attrs(&self) -> String {
        format!(
            "data-testid=\"cohort-to\" data-confirm-values=\"finished,cancelled\" data-confirm=\"{}\"",
            askama::filters::escape(self.ctx.t("cohort-move-confirm"), askama::filters::Html)
                .map(|s| s.to_string())
                .unwrap_or_default()
        )
    }

    /// Attendance of a person in a place while the cohort runs (present over taken).
    fn bad_grade(&self, r: &RosterRow) -> bool {
        self.bad_grades.contains(&r.enrolment.id)
    }

    fn so_far(&self, r: &RosterRow) -> Option<i32> {
        self.so_far.get(&r.enrolment.id).copied()
    }

    /// The message of a failed criterion.
    fn unmet_text(&self, u: &Unmet) -> String {
        unmet_text(&self.ctx, u)
    }

    /// Grade as typed back into the outcomes form.
    fn grade_of(&self, r: &RosterRow) -> String {
        if let Some((grade, _)) = self.typed.get(&r.enrolment.id) {
            return grade.clone();
        }
        r.enrolment
            .grade
            .map(|g| g.to_string().replace('.', ","))
            .unwrap_or_default()
    }

    /// The grade as the roster shows it (decimal comma in Spanish).
    fn grade_text(&self, r: &RosterRow) -> String {
        r.enrolment
            .grade
            .map(|g| self.ctx.decimal(g as f32))
            .unwrap_or_default()
    }

    /// A verification code in groups of four, as printed.
    fn grouped(&self, code: &str) -> String {
        domain::grouped_code(code)
    }

    /// The result of the outcomes form.
    fn result_of(&self, r: &RosterRow) -> &str {
        if let Some((_, result)) = self.typed.get(&r.enrolment.id) {
            return result.as_str();
        }
        match r.enrolment.passed {
            Some(true) => "passed",
            Some(false) => "failed",
            None => "",
        }
    }
}

/// The message of a failed criterion, with what is required and what the person has.
pub fn unmet_text(ctx: &PageCtx, u: &Unmet) -> String {
    let label = |v: &str| {
        if u.key == "eligibility-education" {
            if v.is_empty() {
                ctx.t("eligibility-unknown").into_owned()
            } else {
                ctx.tp("isced-", v).into_owned()
            }
        } else {
            v.to_owned()
        }
    };
    ctx.t2(
        u.key,
        "required",
        label(&u.required),
        "actual",
        label(&u.actual),
    )
}

/// A form of the cohort page shown back: what was typed, why it was refused.
#[derive(Default)]
pub(crate) struct Attempt {
    pub(crate) document: String,
    pub(crate) unmet: Vec<Unmet>,
    pub(crate) errors: FieldErrors,
    /// Outcomes as typed (grade, result) by enrolment, shown back after an error.
    pub(crate) outcomes: HashMap<Uuid, (String, String)>,
    /// Enrolments whose typed grade is not one.
    pub(crate) bad_grades: Vec<Uuid>,
}

async fn cohort_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    audit: &sipe_platform::audit::AuditCtx,
    id: Uuid,
    attempt: Attempt,
) -> Result<Response, WebError> {
    let Attempt {
        document,
        unmet,
        errors,
        outcomes,
        bad_grades,
    } = attempt;
    let access = &user.access;
    let cohort = cohorts::find_visible(&state.db, access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let course = crate::courses::find(&state.db, cohort.course_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let institution = crate::institutions::find(&state.db, cohort.institution_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let office_row =
        sipe_platform::territory::store::office_by_id(&state.db, OfficeId(cohort.office_id))
            .await?;
    let office = office_row
        .as_ref()
        .map(|o| format!("{} — {}", o.code, o.name))
        .unwrap_or_default();
    let place = match Place::parse(&cohort.place) {
        Some(Place::Office) => office.clone(),
        Some(Place::Institution) => institution
            .address
            .clone()
            .unwrap_or_else(|| institution.name.clone()),
        _ => ctx.t("place-virtual").into_owned(),
    };
    let can_edit = access.can(Permission::EditTraining)
        && cohorts::editable(&state.db, access, id).await.is_ok();
    let state_now = CohortState::parse(&cohort.state);
    let (roster, sees_all) = enrolment::roster(&state.db, access, &cohort).await?;
    sipe_persons::service::record_shown(
        &state.reads,
        audit,
        "training.roster.view",
        &cohort.code,
        roster
            .iter()
            .map(|r| sipe_platform::ids::PersonId(r.person.id)),
    )
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
    let weekdays = domain::parse_weekdays([cohort.weekdays.as_str()])
        .unwrap_or_default()
        .iter()
        .map(|d| ctx.tp("weekday-", d.to_string()).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    let certificates = if sees_all {
        certificates::of_cohort(&state.db, id).await?
    } else {
        Vec::new()
    };
    let standard = crate::assessment::standard_of(&state.db, &cohort).await?;
    page_with(
        status_of(&errors),
        CohortPage {
            standard,
            sessions: cohorts::sessions(&state.db, id).await?,
            counts: enrolment::counts(&state.db, id)
                .await?
                .into_iter()
                .collect(),
            history: cohorts::history(&state.db, id).await?,
            can_run: can_edit && access.can(Permission::ManageCohorts),
            next_states: if can_edit && access.can(Permission::ManageCohorts) {
                state_now
                    .map(|s| s.next().iter().map(|n| n.as_str()).collect())
                    .unwrap_or_default()
            } else {
                Vec::new()
            },
            reasons: WithdrawalReason::ALL
                .iter()
                .filter(|r| !matches!(r, WithdrawalReason::Cancelled | WithdrawalReason::NoPlace))
                .map(|r| r.as_str())
                .collect(),
            // An institution's staff find nobody in the registry: operators enrol.
            can_enrol: access.can(Permission::EditTraining)
                && access.affiliation.is_none()
                && state_now.is_some_and(CohortState::takes_enrolments),
            running: state_now == Some(CohortState::Running),
            so_far: if state_now == Some(CohortState::Running) {
                crate::attendance::marks_of_cohort(&state.db, id)
                    .await?
                    .into_iter()
                    .filter_map(|(e, m)| m.percent().map(|p| (e, p)))
                    .collect()
            } else {
                HashMap::new()
            },
            today: chrono::Utc::now().with_timezone(&state.tz).date_naive(),
            certificates,
            ctx,
            cohort,
            course,
            institution,
            office,
            place,
            weekdays,
            roster,
            sees_all,
            can_edit,
            can_withdraw: can_edit
                || access.can(Permission::EditTraining) && access.affiliation.is_none(),
            document,
            unmet,
            errors,
            typed: outcomes,
            bad_grades,
        },
    )
}

/// The cohort page again, with what was typed and what is wrong (422).
pub(crate) async fn cohort_page_again(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    audit: &sipe_platform::audit::AuditCtx,
    id: Uuid,
    attempt: Attempt,
) -> Result<Response, WebError> {
    cohort_page(state, ctx, user, audit, id, attempt).await
}

/// `GET /training/cohorts/{id}`.
pub async fn show_cohort(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    cohort_page(&state, ctx, &user, &audit, id, Attempt::default()).await
}

/// The state change form.
#[derive(Debug, Deserialize)]
pub struct TransitionForm {
    to: String,
    #[serde(default)]
    note: String,
}

/// `POST /training/cohorts/{id}/transitions`.
pub async fn transition(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<TransitionForm>,
) -> Result<Response, WebError> {
    let back = format!("/training/cohorts/{id}");
    let Some(to) = CohortState::parse(&form.to) else {
        return Ok(redirect_with_flash(&back, "error", "cohort-state-invalid"));
    };
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    match cohorts::transition(&state.db, &audit, &user.access, id, to, &form.note, today).await {
        Ok(()) => Ok(redirect_with_flash(
            &back,
            "success",
            "cohort-state-changed",
        )),
        Err(TrainingError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(TrainingError::Invalid(_)) => {
            Ok(redirect_with_flash(&back, "error", "form-has-errors"))
        }
        Err(e) => Err(e.into()),
    }
}

/// The enrolment form of the cohort page: a document number.
#[derive(Debug, Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    document: String,
}

/// The person with this document in the caller's search scope.
async fn person_by_document(
    state: &AppState,
    user: &Authenticated,
    raw: &str,
) -> Result<Result<Uuid, &'static str>, WebError> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '-'))
        .collect();
    if digits.is_empty() || digits.len() > 20 || !digits.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Ok(Err("enrol-document-invalid"));
    }
    let found = sipe_persons::store::find_by_number_in_scope(
        &state.db,
        &user.access,
        &digits.to_uppercase(),
    )
    .await?;
    Ok(match found.as_slice() {
        [one] => Ok(one.id),
        [] => Err("enrol-person-not-found"),
        _ => Err("enrol-document-ambiguous"),
    })
}

/// `POST /training/cohorts/{id}/enrolments`.
pub async fn enrol(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<EnrolForm>,
) -> Result<Response, WebError> {
    let person = match person_by_document(&state, &user, &form.document).await? {
        Ok(p) => p,
        Err(key) => {
            let errors = FieldErrors::one("document", key);
            return cohort_page(
                &state,
                ctx,
                &user,
                &audit,
                id,
                Attempt {
                    document: form.document,
                    errors,
                    ..Default::default()
                },
            )
            .await;
        }
    };
    let back = format!("/training/cohorts/{id}");
    match enrolment::enrol(
        &state.db,
        &audit,
        &user.access,
        id,
        person,
        Origin::CohortPage,
    )
    .await
    {
        Ok(e) => Ok(redirect_with_flash(
            &back,
            "success",
            if e.waitlisted {
                "enrol-waitlisted"
            } else {
                "enrol-done"
            },
        )),
        Err(TrainingError::Ineligible(unmet)) => {
            // Why, in detail (education, other enrolments), only to those who may read
            // the person's record; search scope finds a person, it does not open them.
            let readable = sipe_persons::store::find_person(
                &state.db,
                &user.access,
                ScopeKind::View,
                sipe_platform::ids::PersonId(person),
            )
            .await?
            .is_some();
            let unmet = if readable { unmet } else { Vec::new() };
            let errors = FieldErrors::one("document", "enrol-ineligible");
            let attempt = Attempt {
                document: form.document,
                unmet,
                errors,
                ..Default::default()
            };
            cohort_page(&state, ctx, &user, &audit, id, attempt).await
        }
        Err(TrainingError::Conflict(key)) => {
            let errors = FieldErrors::one("document", key);
            cohort_page(
                &state,
                ctx,
                &user,
                &audit,
                id,
                Attempt {
                    document: form.document,
                    errors,
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The withdrawal form.
#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    reason: String,
    #[serde(default)]
    back: String,
}

/// `POST /training/enrolments/{id}/withdrawal`.
pub async fn withdraw(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, WebError> {
    // Authorised before anything of it is used: another office's enrolment is "not
    // found", whatever the form says.
    let e = enrolment::visible_to_change(&state.db, &user.access, id).await?;
    // Back to the person's page when asked from there, else to the cohort.
    let back = if form.back == "person" {
        format!("/persons/{}", e.person_id)
    } else {
        format!("/training/cohorts/{}", e.cohort_id)
    };
    let Some(reason) = WithdrawalReason::parse(&form.reason) else {
        return Ok(redirect_with_flash(
            &back,
            "error",
            "withdrawal-reason-required",
        ));
    };
    match enrolment::withdraw(&state.db, &audit, &user.access, id, reason).await {
        Ok(promoted) => Ok(redirect_with_flash(
            &back,
            "success",
            if promoted {
                "withdrawal-done-promoted"
            } else {
                "withdrawal-done"
            },
        )),
        Err(TrainingError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(TrainingError::Invalid(_)) => Ok(redirect_with_flash(
            &back,
            "error",
            "withdrawal-reason-required",
        )),
        Err(e) => Err(e.into()),
    }
}
