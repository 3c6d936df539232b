//! HTML handlers of referrals: refer from the candidates page, the referral page with its
//! transitions, and the printable letter.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::entity::{follow_up, placement, referral, referral_event};
use super::service::{self, ReferralError, ReferralInput, TransitionInput};
use super::state::{REJECT_REASONS, ReferralState};
use crate::vacancies::entity::vacancy;
use sipe_persons::handlers::reindex_now;
use sipe_platform::access::{Permission, ScopeKind};
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::{AppState, PageCtx, WebError};

fn web(e: ReferralError) -> WebError {
    match e {
        ReferralError::Store(s) => s.into(),
        _ => WebError::NotFound,
    }
}

/// Body of `POST /vacancies/{id}/referrals`.
#[derive(Debug, Deserialize)]
pub struct ReferForm {
    person_id: Uuid,
    #[serde(default)]
    employer_note: String,
    #[serde(default)]
    internal_note: String,
    /// `applied` when the person asked (from their suggested vacancies).
    #[serde(default)]
    origin: String,
}

/// `POST /vacancies/{id}/referrals`: refers a ranked candidate, or records a person's
/// application to a suggested vacancy.
pub async fn refer(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(vacancy_id): Path<Uuid>,
    Form(form): Form<ReferForm>,
) -> Result<Response, WebError> {
    // Problems are shown on the page the operator came from.
    let back = if form.origin == "applied" {
        format!("/persons/{}/vacancies", form.person_id)
    } else {
        format!("/vacancies/{vacancy_id}/candidates")
    };
    let input = ReferralInput {
        vacancy_id: Some(vacancy_id),
        person_id: Some(form.person_id),
        internal_note: form.internal_note,
        employer_note: form.employer_note,
        origin: form.origin,
    };
    match service::refer(&state.db, &audit, &user.access, &input).await {
        Ok(id) => {
            reindex_now(&state, form.person_id).await;
            Ok(redirect_with_flash(
                &format!("/referrals/{id}"),
                "success",
                "referral-created",
            ))
        }
        Err(ReferralError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(ReferralError::Invalid(_)) => {
            Ok(redirect_with_flash(&back, "error", "form-has-errors"))
        }
        Err(e) => Err(web(e)),
    }
}

/// `/referrals/{id}`.
#[derive(Template)]
#[template(path = "intermediation/referral.html")]
pub struct ReferralPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The referral.
    pub referral: referral::Model,
    /// Its vacancy.
    pub vacancy: vacancy::Model,
    /// The employer's legal name.
    pub employer: String,
    /// The person's name.
    pub person: String,
    /// History.
    pub history: Vec<referral_event::Model>,
    /// Placement and follow-ups, once hired.
    pub placement: Option<(placement::Model, Vec<follow_up::Model>)>,
    /// States it may move to (empty when the caller may not).
    pub next_states: Vec<&'static str>,
    /// Rejection reasons.
    pub reasons: [&'static str; 7],
    /// Contract types.
    pub contracts: [&'static str; 6],
    /// The transition as entered (after an error).
    pub form: TransitionInput,
    /// Problems.
    pub errors: FieldErrors,
}

impl ReferralPage {
    /// The interview time in the deployment's zone.
    pub fn interview(&self) -> String {
        self.ctx.time_opt(&self.referral.interview_at)
    }
}

/// `/referrals/{id}/letter`.
#[derive(Template)]
#[template(path = "intermediation/referral_letter.html")]
pub struct LetterPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The referral.
    pub referral: referral::Model,
    /// Its vacancy.
    pub vacancy: vacancy::Model,
    /// The employer's legal name and address.
    pub employer: (String, String),
    /// The person's name and document.
    pub person: (String, String),
    /// The office's name, address and phone.
    pub office: (String, String, String),
    /// Today, as the letter is dated.
    pub today: String,
}

struct Loaded {
    referral: referral::Model,
    vacancy: vacancy::Model,
    employer: crate::employers::entity::employer::Model,
    person: sipe_persons::Person,
}

/// The referral and what its pages show, if the caller may see it. Names of the person
/// and the employer come with the referral: either office may see both.
async fn load(state: &AppState, user: &Authenticated, id: Uuid) -> Result<Loaded, WebError> {
    let referral = service::visible(&state.db, &user.access, ScopeKind::View, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let system = sipe_platform::access::Access::system("referral");
    let vacancy = crate::vacancies::store::find_vacancy(
        &state.db,
        &system,
        ScopeKind::View,
        referral.vacancy_id,
    )
    .await?
    .ok_or(WebError::NotFound)?;
    let employer = crate::employers::store::find_employer(
        &state.db,
        &system,
        ScopeKind::View,
        vacancy.employer_id,
    )
    .await?
    .ok_or(WebError::NotFound)?;
    let person =
        sipe_persons::store::find_person(&state.db, &system, ScopeKind::View, referral.person_id)
            .await?
            .ok_or(WebError::NotFound)?;
    Ok(Loaded {
        referral,
        vacancy,
        employer,
        person,
    })
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    audit: &sipe_platform::audit::AuditCtx,
    id: Uuid,
    form: TransitionInput,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let l = load(state, user, id).await?;
    super::record_shown(state, audit, "referral.view", std::iter::once(l.person.id)).await?;
    let can_move = user.access.can(Permission::EditIntermediation)
        && service::visible(&state.db, &user.access, ScopeKind::Capture, id)
            .await?
            .is_some();
    let current = ReferralState::parse(&l.referral.state).unwrap_or(ReferralState::Proposed);
    let history = super::events(&state.db, id).await?;
    let placement = super::placement_of(&state.db, id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    sipe_platform::web::render::page_with(
        status,
        ReferralPage {
            ctx,
            person: sipe_persons::service::display_name(&l.person),
            employer: l.employer.legal_name,
            referral: l.referral,
            vacancy: l.vacancy,
            history,
            placement,
            next_states: if can_move {
                current.next().iter().map(|s| s.as_str()).collect()
            } else {
                Vec::new()
            },
            reasons: REJECT_REASONS,
            contracts: crate::vacancies::input::CONTRACT_TYPES,
            form,
            errors,
        },
    )
}

/// `GET /referrals/{id}`.
pub async fn show_referral(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    page(
        &state,
        ctx,
        &user,
        &audit,
        id,
        TransitionInput::default(),
        FieldErrors::new(),
    )
    .await
}

/// `POST /referrals/{id}/transitions`.
pub async fn transition(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<TransitionInput>,
) -> Result<Response, WebError> {
    match service::transition(&state.db, &audit, &user.access, state.tz, id, &form).await {
        Ok(_) => {
            if let Some(r) = service::visible(&state.db, &user.access, ScopeKind::View, id).await? {
                reindex_now(&state, r.person_id).await;
            }
            Ok(redirect_with_flash(
                &format!("/referrals/{id}"),
                "success",
                "referral-updated",
            ))
        }
        Err(ReferralError::Invalid(errors)) => {
            page(&state, ctx, &user, &audit, id, form, errors).await
        }
        Err(ReferralError::Conflict(key)) => Ok(redirect_with_flash(
            &format!("/referrals/{id}"),
            "error",
            key,
        )),
        Err(e) => Err(web(e)),
    }
}

/// `GET /referrals/{id}/letter`: the one-page letter the person takes to the employer.
/// It prints the person's document, so it is audited as a read of their record.
pub async fn letter(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let l = load(&state, &user, id).await?;
    sipe_persons::service::record_read(&state.reads, &audit, l.person.id).await?;
    let office = sipe_platform::territory::store::office_by_id(&state.db, l.vacancy.office_id)
        .await?
        .map(|o| (o.name, o.address, o.phone))
        .unwrap_or_default();
    let today = chrono::Utc::now()
        .with_timezone(&state.tz)
        .date_naive()
        .format("%d/%m/%Y")
        .to_string();
    sipe_platform::web::render::page_with(
        StatusCode::OK,
        LetterPage {
            ctx,
            person: (
                sipe_persons::service::display_name(&l.person),
                format!(
                    "{} {}",
                    l.person.doc_type.to_uppercase(),
                    l.person.doc_number
                ),
            ),
            employer: (
                l.employer.legal_name,
                l.vacancy
                    .address
                    .clone()
                    .or(l.employer.address)
                    .unwrap_or_default(),
            ),
            referral: l.referral,
            vacancy: l.vacancy,
            office,
            today,
        },
    )
}
