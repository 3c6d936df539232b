//! Training on a person's page: their enrolments and certificates, and the open cohorts
//! they may be enrolled into, each with its eligibility explained.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::cohorts::{CohortRow, named, unmet_text};
use crate::certificates::{self, Certificate};
use crate::domain::{EnrolmentState, Unmet, WithdrawalReason};
use crate::enrolment::{self, Enrolment, Origin};
use crate::error::TrainingError;
use sipe_persons::module::{PersonFacts, PersonSection};
use sipe_platform::access::{Permission, ScopeKind};
use sipe_platform::ids::PersonId;
use sipe_platform::module::BoxFuture;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// One enrolment of the person, with the cohort's names.
pub struct PersonEnrolment {
    /// The enrolment.
    pub enrolment: Enrolment,
    /// Its cohort.
    pub cohort: CohortRow,
}

#[derive(askama::Template)]
#[template(path = "training/person_section.html")]
struct SectionView<'a> {
    ctx: &'a PageCtx,
    person_id: Uuid,
    rows: Vec<PersonEnrolment>,
    certificates: Vec<Certificate>,
    paths: Vec<crate::paths::Progress>,
    reasons: Vec<&'static str>,
    can_enrol: bool,
}

impl SectionView<'_> {
    fn active(&self, e: &Enrolment) -> bool {
        e.state == EnrolmentState::Enrolled.as_str()
            || e.state == EnrolmentState::Waitlisted.as_str()
    }
}

/// The person's training on their page.
pub struct TrainingSection;

impl PersonSection for TrainingSection {
    fn render<'a>(
        &'a self,
        state: &'a AppState,
        ctx: &'a PageCtx,
        person: &'a PersonFacts<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, WebError>> {
        Box::pin(async move {
            if !person.access.can(Permission::ViewTraining) {
                return Ok(None);
            }
            let enrolments = enrolment::of_person(&state.db, person.id).await?;
            let mut cohorts = Vec::with_capacity(enrolments.len());
            for e in &enrolments {
                if let Some(c) = crate::cohorts::find(&state.db, e.cohort_id).await? {
                    cohorts.push(c);
                }
            }
            let named = named(state, cohorts).await?;
            let rows = enrolments
                .into_iter()
                .filter_map(|e| {
                    let cohort = named.iter().find(|c| c.cohort.id == e.cohort_id)?;
                    Some(PersonEnrolment {
                        cohort: CohortRow {
                            cohort: cohort.cohort.clone(),
                            course: cohort.course.clone(),
                            institution: cohort.institution.clone(),
                        },
                        enrolment: e,
                    })
                })
                .collect();
            let pager = Pager::new(
                "/training/certificates",
                &ListQuery {
                    per_page: Some("100".into()),
                    ..Default::default()
                },
                &certificates::SORTS,
                true,
            )?;
            let (certificates, _) = certificates::list(
                &state.db,
                person.access,
                &certificates::Filter {
                    person_id: Some(person.id),
                    ..Default::default()
                },
                &pager,
            )
            .await?;
            let view = SectionView {
                ctx,
                person_id: person.id,
                rows,
                certificates,
                paths: crate::paths::progress_of(&state.db, person.id).await?,
                reasons: WithdrawalReason::ALL
                    .iter()
                    .filter(|r| {
                        !matches!(r, WithdrawalReason::Cancelled | WithdrawalReason::NoPlace)
                    })
                    .map(|r| r.as_str())
                    .collect(),
                can_enrol: person.access.can(Permission::EditTraining),
            };
            Ok(Some(
                askama::Template::render(&view).map_err(anyhow::Error::from)?,
            ))
        })
    }
}

/// One open cohort offered to the person.
pub struct Offer {
    /// The cohort and its names.
    pub cohort: CohortRow,
    /// Places left (0: the waiting list).
    pub places_left: u64,
    /// Failed criteria (empty: eligible).
    pub unmet: Vec<Unmet>,
    /// Already in it or waiting?
    pub already: bool,
}

#[derive(askama::Template)]
#[template(path = "training/person_training.html")]
struct OffersPage {
    ctx: PageCtx,
    person_id: Uuid,
    person: String,
    offers: Vec<Offer>,
    skills: String,
    skill_labels: Vec<String>,
}

impl OffersPage {
    fn unmet_text(&self, u: &Unmet) -> String {
        unmet_text(&self.ctx, u)
    }
}

/// `?skills=` (codes, comma-separated): only cohorts teaching one of them.
#[derive(Debug, Deserialize, Default)]
pub struct OffersQuery {
    #[serde(default)]
    skills: String,
}

/// Most cohorts offered at once.
const MAX_OFFERS: u64 = 60;

/// `GET /persons/{id}/training`: open cohorts for the person, eligibility explained (to
/// those who may read the person: the reasons show their education and enrolments).
pub async fn offers(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
    Query(q): Query<OffersQuery>,
) -> Result<Response, WebError> {
    let person =
        sipe_persons::store::find_person(&state.db, &user.access, ScopeKind::View, PersonId(id))
            .await?
            .filter(|p| p.merged_into.is_none())
            .ok_or(WebError::NotFound)?;
    let card = sipe_persons::store::cards_of(&state.db, [PersonId(id)])
        .await?
        .pop()
        .ok_or(WebError::NotFound)?;
    let skills: Vec<String> = q
        .skills
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 80)
        .take(30)
        .map(str::to_owned)
        .collect();
    let teaching = if skills.is_empty() {
        None
    } else {
        Some(crate::courses::teaching(&state.db, &skills).await?)
    };
    let cohorts = crate::cohorts::open(&state.db, teaching, MAX_OFFERS).await?;
    let mine: Vec<Uuid> = enrolment::of_person(&state.db, id)
        .await?
        .into_iter()
        .filter(|e| enrolment::ACTIVE.iter().any(|s| s.as_str() == e.state))
        .map(|e| e.cohort_id)
        .collect();
    let mut offers = Vec::new();
    for row in named(&state, cohorts).await? {
        let counts = enrolment::counts(&state.db, row.cohort.id).await?;
        let held = counts
            .get(EnrolmentState::Enrolled.as_str())
            .copied()
            .unwrap_or(0);
        let unmet = enrolment::unmet(&state.db, &card, &row.cohort).await?;
        offers.push(Offer {
            places_left: u64::try_from(row.cohort.capacity)
                .unwrap_or(0)
                .saturating_sub(held),
            already: mine.contains(&row.cohort.id),
            unmet,
            cohort: row,
        });
    }
    let catalog = sipe_platform::taxonomy::skills::catalog(&state.db).await?;
    page_with(
        axum::http::StatusCode::OK,
        OffersPage {
            ctx,
            person_id: id,
            person: sipe_persons::service::display_name(&person),
            offers,
            skill_labels: skills
                .iter()
                .map(|c| catalog.label(c).unwrap_or(c).to_owned())
                .collect(),
            skills: skills.join(","),
        },
    )
}

/// The enrol button.
#[derive(Debug, Deserialize)]
pub struct EnrolPersonForm {
    cohort_id: Uuid,
    #[serde(default)]
    skills: String,
}

/// `POST /persons/{id}/training`.
pub async fn enrol_person(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<EnrolPersonForm>,
) -> Result<Response, WebError> {
    let origin = if form.skills.is_empty() {
        Origin::PersonPage
    } else {
        Origin::SkillGap
    };
    let back = format!("/persons/{id}/training");
    match enrolment::enrol(&state.db, &audit, &user.access, form.cohort_id, id, origin).await {
        Ok(e) => Ok(redirect_with_flash(
            &format!("/persons/{id}"),
            "success",
            if e.waitlisted {
                "enrol-waitlisted"
            } else {
                "enrol-done"
            },
        )),
        Err(TrainingError::Ineligible(_)) => {
            Ok(redirect_with_flash(&back, "error", "enrol-ineligible"))
        }
        Err(TrainingError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(e) => Err(e.into()),
    }
}
