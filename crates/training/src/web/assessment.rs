//! The competency assessment page of an enrolment: the standard's units with their
//! performance criteria, a result and observations per unit, and the evidence files.

use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::assessment::{self, Assessment, MAX_EVIDENCE_BYTES, ResultInput, Upload};
use crate::error::TrainingError;
use sipe_persons::store::PersonCard;
use sipe_platform::access::Permission;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

#[derive(askama::Template)]
#[template(path = "training/assessment.html")]
struct AssessmentPage {
    ctx: PageCtx,
    a: Assessment,
    person: PersonCard,
    course: String,
    can_record: bool,
    /// Why the user cannot record, as a catalogue key, when they cannot.
    why_not: Option<&'static str>,
    /// Results as typed, by unit code, shown back after an error.
    typed: Vec<ResultInput>,
    errors: FieldErrors,
}

impl AssessmentPage {
    fn criteria<'a>(&self, u: &'a crate::standards::Unit) -> Vec<&'a str> {
        crate::standards::criteria_of(u)
    }

    /// The result shown for a unit: as typed after an error, else as recorded.
    fn result_of(&self, u: &crate::standards::Unit, r: &Option<assessment::UnitResult>) -> String {
        match self.typed.iter().find(|t| t.unit == u.code) {
            Some(t) => t.result.clone(),
            None => r.as_ref().map(|r| r.result.clone()).unwrap_or_default(),
        }
    }

    fn observations_of(
        &self,
        u: &crate::standards::Unit,
        r: &Option<assessment::UnitResult>,
    ) -> String {
        match self.typed.iter().find(|t| t.unit == u.code) {
            Some(t) => t.observations.clone(),
            None => r
                .as_ref()
                .and_then(|r| r.observations.clone())
                .unwrap_or_default(),
        }
    }

    fn unit_code(&self, id: &Option<Uuid>) -> String {
        id.and_then(|id| self.a.units.iter().find(|(u, _)| u.id == id))
            .map(|(u, _)| u.code.clone())
            .unwrap_or_default()
    }

    /// Some unit has a result, though not every one.
    fn started(&self) -> bool {
        self.a.units.iter().any(|(_, r)| r.is_some())
    }

    fn kib(&self, size: &i64) -> String {
        format!("{:.0} KiB", (*size as f64 / 1024.0).ceil())
    }
}

async fn assessment_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    audit: &sipe_platform::audit::AuditCtx,
    id: Uuid,
    typed: Vec<ResultInput>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let access = &user.access;
    let a = assessment::find(&state.db, access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let person = a.person.clone();
    sipe_persons::service::record_shown(
        &state.reads,
        audit,
        "training.assessment.view",
        &a.cohort.code,
        std::iter::once(sipe_platform::ids::PersonId(person.id)),
    )
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let runs = access.can(Permission::EditTraining)
        && crate::cohorts::editable(&state.db, access, a.cohort.id)
            .await
            .is_ok();
    let why_not = if !runs {
        Some("assessment-read-only")
    } else if a.cohort.state != crate::domain::CohortState::Running.as_str() {
        Some("assessment-not-running")
    } else if a.enrolment.state != crate::domain::EnrolmentState::Enrolled.as_str() {
        Some("attendance-not-enrolled")
    } else if !crate::standards::is_accredited(
        &state.db,
        access.actor.user_id,
        a.standard.id,
        today,
    )
    .await?
    {
        Some("assessment-not-evaluator")
    } else {
        None
    };
    let course = crate::courses::find(&state.db, a.cohort.course_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    page_with(
        super::status_of(&errors),
        AssessmentPage {
            ctx,
            a,
            person,
            course,
            can_record: why_not.is_none(),
            why_not,
            typed,
            errors,
        },
    )
}

/// `GET /training/enrolments/{id}/assessment`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    assessment_page(
        &state,
        ctx,
        &user,
        &audit,
        id,
        Vec::new(),
        FieldErrors::new(),
    )
    .await
}

/// The results form: one row per unit, in the page's order.
#[derive(Debug, Default, Deserialize)]
pub struct ResultsForm {
    #[serde(default)]
    unit: Vec<String>,
    #[serde(default)]
    result: Vec<String>,
    #[serde(default)]
    observations: Vec<String>,
    #[serde(default)]
    seen: Vec<String>,
}

/// `POST /training/enrolments/{id}/assessment`.
pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ResultsForm>,
) -> Result<Response, WebError> {
    let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    let typed: Vec<ResultInput> = (0..form.unit.len().min(crate::standards::MAX_UNITS + 1))
        .map(|i| ResultInput {
            unit: at(&form.unit, i),
            result: at(&form.result, i),
            observations: at(&form.observations, i),
            // The page's rows say which result they showed.
            seen: form.seen.get(i).cloned(),
        })
        .collect();
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    match assessment::record(&state.db, &audit, &user.access, id, &typed, today).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/training/enrolments/{id}/assessment"),
            "success",
            "assessment-saved",
        )),
        Err(TrainingError::Invalid(errors)) => {
            assessment_page(&state, ctx, &user, &audit, id, typed, errors).await
        }
        // Changed meanwhile: the page again with the current results, what was typed
        // kept, and why.
        Err(TrainingError::Conflict("assessment-changed")) => {
            let errors = FieldErrors::one("units", "assessment-changed");
            assessment_page(&state, ctx, &user, &audit, id, typed, errors).await
        }
        // Back to the page, which says why (not running, not accredited).
        Err(TrainingError::Conflict(key)) => Ok(redirect_with_flash(
            &format!("/training/enrolments/{id}/assessment"),
            "error",
            key,
        )),
        Err(e) => Err(e.into()),
    }
}

/// Reads the upload's `file` (bounded) and `unit`.
async fn read_upload(multipart: Multipart) -> Result<(String, String, Vec<u8>), &'static str> {
    use sipe_platform::web::upload::{Refused, read_small};
    let f = read_small(multipart, MAX_EVIDENCE_BYTES)
        .await
        .map_err(|r| match r {
            Refused::TooLarge => "evidence-too-large",
            Refused::Bad => "evidence-bad-upload",
            Refused::Empty => "evidence-empty",
        })?;
    let unit = f.field("unit").chars().take(40).collect();
    Ok((f.file_name, unit, f.bytes))
}

/// `POST /training/enrolments/{id}/evidence?_csrf=…` (multipart: `file`, `unit`).
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let (name, unit, bytes) = match read_upload(multipart).await {
        Ok(parts) => parts,
        Err(key) => {
            let errors = FieldErrors::one("file", key);
            return assessment_page(&state, ctx, &user, &audit, id, Vec::new(), errors).await;
        }
    };
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let upload = Upload {
        file_name: &name,
        unit: &unit,
        bytes: &bytes,
    };
    match assessment::add_evidence(
        &state.db,
        &audit,
        &user.access,
        &state.config.data_dir,
        id,
        upload,
        today,
    )
    .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/training/enrolments/{id}/assessment#evidence"),
            "success",
            "evidence-saved",
        )),
        Err(TrainingError::Invalid(errors)) => {
            assessment_page(&state, ctx, &user, &audit, id, Vec::new(), errors).await
        }
        Err(TrainingError::Conflict(key)) => Ok(redirect_with_flash(
            &format!("/training/enrolments/{id}/assessment"),
            "error",
            key,
        )),
        Err(e) => Err(e.into()),
    }
}

/// `GET /training/evidence/{id}`: the file, as an attachment.
pub async fn download(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (row, bytes) =
        assessment::open_evidence(&state.db, &audit, &user.access, &state.config.data_dir, id)
            .await?;
    Ok(evidence_response(&row, bytes))
}

/// The file's answer: its detected type, never sniffed, always downloaded.
pub(crate) fn evidence_response(row: &assessment::Evidence, bytes: Vec<u8>) -> Response {
    sipe_platform::web::upload::attachment(&row.file_name, &row.media_type, bytes)
}
