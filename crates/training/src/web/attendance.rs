//! The attendance sheet of a session and the outcomes form of a cohort: many people's
//! marks or grades in one request, for those who run the cohort.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::Form;
use uuid::Uuid;

use crate::attendance::{self, MarkInput, OutcomeInput};
use crate::cohorts::{self, Cohort, Session};
use crate::domain::{self, EnrolmentState};
use crate::enrolment::{self, RosterRow};
use crate::error::TrainingError;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// `POST /training/cohorts/{id}/outcomes`: `grade_<enrolment>` and `result_<enrolment>`.
pub async fn outcomes(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let back = format!("/training/cohorts/{id}");
    let mut by_enrolment: HashMap<Uuid, OutcomeInput> = HashMap::new();
    for (key, value) in pairs.iter().take(2 * attendance::MAX_MARKS + 10) {
        let (field, rest) = match key.split_once('_') {
            Some(("grade", rest)) => ("grade", rest),
            Some(("result", rest)) => ("result", rest),
            _ => continue,
        };
        let Ok(enrolment_id) = Uuid::parse_str(rest) else {
            continue;
        };
        let o = by_enrolment
            .entry(enrolment_id)
            .or_insert_with(|| OutcomeInput {
                enrolment_id,
                ..Default::default()
            });
        if field == "grade" {
            o.grade = value.clone();
        } else {
            o.result = value.clone();
        }
    }
    let list: Vec<OutcomeInput> = by_enrolment.into_values().collect();
    match attendance::record_outcomes(&state.db, &audit, &user.access, id, &list).await {
        Ok(_) => Ok(redirect_with_flash(&back, "success", "outcomes-saved")),
        // Shown back as typed, the wrong grades marked: nothing of the sheet is lost.
        Err(TrainingError::Invalid(errors)) => {
            let bad_grades = list
                .iter()
                .filter(|o| attendance::grade_is_invalid(&o.grade))
                .map(|o| o.enrolment_id)
                .collect();
            let attempt = super::cohorts::Attempt {
                errors,
                outcomes: list
                    .into_iter()
                    .map(|o| (o.enrolment_id, (o.grade, o.result)))
                    .collect(),
                bad_grades,
                ..Default::default()
            };
            super::cohorts::cohort_page_again(&state, ctx, &user, &audit, id, attempt).await
        }
        Err(TrainingError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "training/attendance.html")]
struct AttendancePage {
    ctx: PageCtx,
    cohort: Cohort,
    course: String,
    session: Session,
    rows: Vec<(RosterRow, String)>,
    statuses: Vec<&'static str>,
    prev: Option<Uuid>,
    next: Option<Uuid>,
}

/// `GET /training/sessions/{id}/attendance`: the sheet, for those who run the cohort.
pub async fn attendance_sheet(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let session = cohorts::find_session(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let cohort = cohorts::editable(&state.db, &user.access, session.cohort_id).await?;
    let course = crate::courses::find(&state.db, cohort.course_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let marks = attendance::marks_of_session(&state.db, id).await?;
    let (roster, _) = enrolment::roster(&state.db, &user.access, &cohort).await?;
    let sessions = cohorts::sessions(&state.db, cohort.id).await?;
    let at = sessions.iter().position(|s| s.id == id).unwrap_or(0);
    let rows = roster
        .into_iter()
        .filter(|r| r.enrolment.state == EnrolmentState::Enrolled.as_str())
        .map(|r| {
            let mark = marks.get(&r.enrolment.id).cloned().unwrap_or_default();
            (r, mark)
        })
        .collect();
    page_with(
        axum::http::StatusCode::OK,
        AttendancePage {
            ctx,
            course,
            rows,
            statuses: domain::AttendanceStatus::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
            prev: at
                .checked_sub(1)
                .and_then(|i| sessions.get(i))
                .map(|s| s.id),
            next: sessions.get(at + 1).map(|s| s.id),
            cohort,
            session,
        },
    )
}

/// `POST /training/sessions/{id}/attendance`: `mark_<enrolment>` = status, all at once.
pub async fn save_attendance(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let back = format!("/training/sessions/{id}/attendance");
    let marks: Vec<MarkInput> = pairs
        .iter()
        .take(attendance::MAX_MARKS + 10)
        .filter_map(|(k, v)| {
            let enrolment_id = Uuid::parse_str(k.strip_prefix("mark_")?).ok()?;
            Some(MarkInput {
                enrolment_id,
                status: v.clone(),
            })
        })
        .collect();
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    match attendance::save(&state.db, &audit, &user.access, id, &marks, today).await {
        Ok(_) => Ok(redirect_with_flash(&back, "success", "attendance-saved")),
        Err(TrainingError::Invalid(errors)) => Ok(redirect_with_flash(
            &back,
            "error",
            errors.0.first().map_or("form-has-errors", |e| e.key),
        )),
        Err(TrainingError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(e) => Err(e.into()),
    }
}
