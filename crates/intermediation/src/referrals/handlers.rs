//! HTML handlers of referrals: the work list and its export, refer from the candidates
//! page, the referral page with its transitions, the printable letter, and the follow-ups.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::entity::referral;
use super::service::{
    self, FollowUpInput, ORIGINS, RecordError, ReferralError, ReferralInput, TransitionInput,
};
use super::state::{REJECT_REASONS, ReferralState};
use super::store::{self, ReferralFilter, SORTS};
use super::views::{FollowUpsPage, LetterPage, ReferralPage, ReferralsPage};
use crate::vacancies::entity::vacancy;
use axum::response::IntoResponse;
use sipe_persons::handlers::reindex_now;
use sipe_platform::access::{Permission, ScopeKind};
use sipe_platform::ids::OfficeId;
use sipe_platform::ids::PersonId;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, Format};
use sipe_platform::web::form::choices;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::table::{ExportPages, ListQuery, Pager};
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
            reindex_now(&state, PersonId(form.person_id)).await;
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
    let person = sipe_persons::store::find_person(
        &state.db,
        &system,
        ScopeKind::View,
        PersonId(referral.person_id),
    )
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
    super::record_shown(
        state,
        audit,
        "referral.view",
        std::iter::once(PersonId(l.person.id)),
    )
    .await?;
    let can_move = user.access.can(Permission::EditIntermediation)
        && service::visible(&state.db, &user.access, ScopeKind::Capture, id)
            .await?
            .is_some();
    let current = ReferralState::parse(&l.referral.state).unwrap_or(ReferralState::Proposed);
    let history = super::store::events(&state.db, id).await?;
    let placement = super::store::placement_of(&state.db, id).await?;
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
                reindex_now(&state, PersonId(r.person_id)).await;
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
    sipe_persons::service::record_read(&state.reads, &audit, PersonId(l.person.id)).await?;
    let office =
        sipe_platform::territory::store::office_by_id(&state.db, OfficeId(l.vacancy.office_id))
            .await?
            .map(|o| (o.name, o.address, o.phone))
            .unwrap_or_default();
    let today = chrono::Utc::now()
        .with_timezone(&state.tz)
        .date_naive()
        .format("%d/%m/%Y")
        .to_string();
    // Whom the person asks for: the employer's first contact, else its own phone.
    let contact = crate::employers::store::contacts(&state.db, l.employer.id)
        .await?
        .into_iter()
        .next()
        .map(|c| {
            let reach = c.phone.or(c.email).unwrap_or_default();
            format!("{} {}", c.name, reach).trim().to_owned()
        })
        .or_else(|| l.employer.phone.clone());
    let place = l
        .vacancy
        .address
        .clone()
        .or(l.employer.address.clone())
        .unwrap_or_default();
    sipe_platform::web::render::page_with(
        StatusCode::OK,
        LetterPage {
            place,
            contact,
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

/// Filters of the page and the export.
#[derive(Debug, Default, Deserialize)]
pub struct ReferralListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    origin: String,
    #[serde(flatten)]
    list: ListQuery,
}

impl ReferralListQuery {
    /// The list's pager, its links keeping the filters.
    fn pager(&self, list: &ListQuery) -> Result<Pager, WebError> {
        Ok(Pager::new("/referrals", list, &SORTS, true)?
            .keep("state", &self.state)
            .keep("origin", &self.origin))
    }
}

/// `GET /referrals`.
pub async fn list_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(query): Query<ReferralListQuery>,
) -> Result<Response, WebError> {
    let mut pager = query.pager(&query.list)?;
    let filter = ReferralFilter::parse(&query.state, &query.origin);
    let (rows, total) = store::list(&state.db, &user.access, &filter, &pager).await?;
    pager.total = total;
    super::record_shown(
        &state,
        &audit,
        "referral.list",
        rows.iter().map(|r| PersonId(r.person_id)),
    )
    .await?;
    let states = ReferralState::ALL.map(ReferralState::as_str);
    let html = ReferralsPage {
        states: choices(&ctx, "referral-state-", &states, &query.state),
        origins: choices(&ctx, "referral-origin-", &ORIGINS, &query.origin),
        ctx,
        rows,
        pager,
    }
    .render()
    .map_err(anyhow::Error::from)?;
    Ok((StatusCode::OK, axum::response::Html(html)).into_response())
}

/// Columns of the export.
const EXPORT_HEADER: [&str; 10] = [
    "derivacion_id",
    "estado",
    "origen",
    "persona_id",
    "persona",
    "oferta",
    "empleador",
    "entrevista",
    "creada",
    "actualizada",
];

/// `GET /referrals.csv` and `.xlsx`: the filtered list (it names people: audited).
pub async fn export(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Query(query): Query<ReferralListQuery>,
) -> Result<Response, WebError> {
    let filter = ReferralFilter::parse(&query.state, &query.origin);
    let list_page = query.pager(&ListQuery::default())?;
    let mut out = Export::new(format, "derivaciones", &EXPORT_HEADER)
        .audit("referral.export", "referral_list", list_page.filters())
        .back_to(&list_page.href(1));
    let mut pages = ExportPages::new("/referrals.csv", &SORTS, true);
    while let Some(pager) = pages.next_page() {
        let (rows, total) = store::list(&state.db, &user.access, &filter, &pager).await?;
        if !out.expect(total) {
            break;
        }
        for r in &rows {
            out.row([
                r.id.to_string(),
                r.state.clone(),
                r.origin.clone(),
                r.person_id.to_string(),
                r.person.clone(),
                r.vacancy.clone(),
                r.employer.clone(),
                r.interview_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                r.created_at.to_rfc3339(),
                r.updated_at.to_rfc3339(),
            ]);
        }
        pages.read(rows.len(), total);
    }
    out.respond(&state, &audit).await
}

/// Query of the list.
#[derive(Debug, Default, Deserialize)]
pub struct FollowUpQuery {
    #[serde(default)]
    all: String,
    #[serde(flatten)]
    list: ListQuery,
}

/// `GET /follow-ups`.
pub async fn follow_ups_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(q): Query<FollowUpQuery>,
) -> Result<Response, WebError> {
    let pending = q.all.is_empty();
    let mut pager = Pager::new("/follow-ups", &q.list, &["due_on"], false)?.keep("all", &q.all);
    let (rows, total) = store::follow_ups(&state.db, &user.access, pending, &pager).await?;
    super::record_shown(
        &state,
        &audit,
        "follow_up.list",
        rows.iter().map(|r| PersonId(r.person_id)),
    )
    .await?;
    pager.total = total;
    sipe_platform::web::render::page_with(
        StatusCode::OK,
        FollowUpsPage {
            ctx,
            rows,
            pager,
            pending,
            today: chrono::Utc::now().with_timezone(&state.tz).date_naive(),
            can_record: user
                .access
                .can(sipe_platform::access::Permission::EditIntermediation),
        },
    )
}

/// `POST /follow-ups/{id}`.
pub async fn record_form(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<FollowUpInput>,
) -> Result<Response, WebError> {
    match service::record_follow_up(&state.db, &audit, &user.access, id, &form).await {
        Ok(()) => Ok(redirect_with_flash(
            "/follow-ups",
            "success",
            "follow-up-recorded",
        )),
        Err(RecordError::Invalid(_)) => Ok(redirect_with_flash(
            "/follow-ups",
            "error",
            "follow-up-answer-required",
        )),
        Err(RecordError::NotFound) => Err(WebError::NotFound),
        Err(RecordError::Store(e)) => Err(e.into()),
    }
}
