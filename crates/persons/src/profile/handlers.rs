//! HTML handlers of the profile: items (work history, skills, languages, licences,
//! benefits, consents, desired occupations), the situation form and interviews.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::entity::interview;
use crate::handlers::reindex_now;
use crate::interview::{BARRIERS, DAYS, InterviewInput, SITUATIONS};
use crate::profile::{self, ITEM_KINDS, ItemInput, SituationInput};
use crate::service::{PersonError, display_name};
use crate::store;
use sipe_platform::access::ScopeKind;
use sipe_platform::ids::OfficeId;
use sipe_platform::ids::PersonId;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::form::choices;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::{AppState, PageCtx, WebError};

fn status_of(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A person in the caller's capture scope as a form names them, or not found.
async fn capture_name(state: &AppState, user: &Authenticated, id: Uuid) -> Result<Named, WebError> {
    let p = store::find_person(&state.db, &user.access, ScopeKind::Capture, PersonId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Named::of(&p))
}

/// The person a form is about: their name, and the occupation type-ahead that offers
/// job titles in their gender ("moza" for a woman).
pub struct Named {
    /// Display name.
    pub name: String,
    /// URL of the occupation type-ahead.
    pub occupation_suggest: String,
}

impl Named {
    fn of(p: &crate::entity::person::Model) -> Self {
        let g = match p.sex.as_str() {
            "F" => "?g=f",
            "M" => "?g=m",
            _ => "",
        };
        Self {
            name: display_name(p),
            occupation_suggest: format!("/occupations/suggest{g}"),
        }
    }
}

/// `/persons/{id}/items/new`.
#[derive(Template)]
#[template(path = "persons/item_form.html")]
pub struct ItemFormPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Person id.
    pub id: Uuid,
    /// Person name.
    pub name: String,
    /// URL of the occupation type-ahead (titles in the person's gender).
    pub occupation_suggest: String,
    /// Values.
    pub form: ItemInput,
    /// Problems.
    pub errors: FieldErrors,
    /// Codes of the kind (languages, classes, benefits, purposes).
    pub codes: Vec<Choice>,
    /// Levels of the kind.
    pub levels: Vec<Choice>,
}

impl ItemFormPage {}

/// Which kind of item to add.
#[derive(Debug, Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

fn item_page(
    ctx: PageCtx,
    id: Uuid,
    named: Named,
    form: ItemInput,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let (codes, levels): (Vec<Choice>, Vec<Choice>) = match form.kind.as_str() {
        "skill" => (
            Vec::new(),
            choices(&ctx, "skill-level-", &profile::SKILL_LEVELS, &form.level),
        ),
        "language" => (
            choices(&ctx, "lang-", &profile::LANGUAGES, &form.code),
            choices(&ctx, "lang-level-", &profile::LANGUAGE_LEVELS, &form.level),
        ),
        "licence" => (
            choices(&ctx, "licence-", &profile::LICENCE_CLASSES, &form.code),
            Vec::new(),
        ),
        "benefit" => (
            choices(&ctx, "benefit-", &profile::BENEFITS, &form.code),
            Vec::new(),
        ),
        "consent" => (
            choices(
                &ctx,
                "consent-purpose-",
                &profile::CONSENT_PURPOSES,
                &form.code,
            ),
            choices(&ctx, "consent-basis-", &profile::CONSENT_BASES, &form.level),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let status = status_of(&errors);
    sipe_platform::web::render::page_with(
        status,
        ItemFormPage {
            ctx,
            id,
            name: named.name,
            occupation_suggest: named.occupation_suggest,
            form,
            errors,
            codes,
            levels,
        },
    )
}

/// `GET /persons/{id}/items/new?kind=…`.
pub async fn new_item(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
    Query(q): Query<KindQuery>,
) -> Result<Response, WebError> {
    if !ITEM_KINDS.contains(&q.kind.as_str()) {
        return Err(WebError::NotFound);
    }
    let name = capture_name(&state, &user, id).await?;
    let form = ItemInput {
        kind: q.kind,
        ..Default::default()
    };
    item_page(ctx, id, name, form, FieldErrors::new())
}

/// `POST /persons/{id}/items`.
pub async fn create_item(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ItemInput>,
) -> Result<Response, WebError> {
    match profile::add_item(&state.db, &audit, &user.access, state.tz, id, &form).await {
        Ok(_) => {
            reindex_now(&state, PersonId(id)).await;
            Ok(redirect_with_flash(
                &format!("/persons/{id}#profile"),
                "success",
                "profile-item-added",
            ))
        }
        Err(PersonError::Invalid(errors)) if ITEM_KINDS.contains(&form.kind.as_str()) => {
            let name = capture_name(&state, &user, id).await?;
            item_page(ctx, id, name, form, errors)
        }
        Err(PersonError::Invalid(_)) => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// `POST /persons/{id}/items/{item_id}/delete`.
pub async fn delete_item(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path((id, item_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, WebError> {
    profile::remove_item(&state.db, &audit, &user.access, id, item_id).await?;
    reindex_now(&state, PersonId(id)).await;
    Ok(redirect_with_flash(
        &format!("/persons/{id}#profile"),
        "success",
        "profile-item-removed",
    ))
}

/// `/persons/{id}/situation`.
#[derive(Template)]
#[template(path = "persons/situation_form.html")]
pub struct SituationPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Person id.
    pub id: Uuid,
    /// Person name.
    pub name: String,
    /// Values.
    pub form: SituationInput,
    /// Problems.
    pub errors: FieldErrors,
    /// Disability types.
    pub disability_types: Vec<Choice>,
    /// Employment statuses.
    pub employment: Vec<Choice>,
    /// Availability.
    pub hours: Vec<Choice>,
}

impl SituationPage {}

fn situation_page(
    ctx: PageCtx,
    id: Uuid,
    name: String,
    form: SituationInput,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let page = SituationPage {
        disability_types: choices(
            &ctx,
            "disability-",
            &profile::DISABILITY_TYPES,
            &form.disability_type,
        ),
        employment: choices(
            &ctx,
            "employment-",
            &crate::input::EMPLOYMENT_STATUSES,
            &form.employment_status,
        ),
        hours: choices(
            &ctx,
            "hours-",
            &profile::AVAILABILITY_HOURS,
            &form.availability_hours,
        ),
        ctx,
        id,
        name,
        form,
        errors,
    };
    sipe_platform::web::render::page_with(status_of(&page.errors), page)
}

/// `GET /persons/{id}/situation`.
pub async fn edit_situation(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let p = store::find_person(&state.db, &user.access, ScopeKind::Capture, PersonId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    crate::service::record_read(&state.reads, &audit, PersonId(id)).await?;
    situation_page(
        ctx,
        id,
        display_name(&p),
        profile::situation_of(&p),
        FieldErrors::new(),
    )
}

/// `POST /persons/{id}/situation`.
pub async fn update_situation(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<SituationInput>,
) -> Result<Response, WebError> {
    match profile::update_situation(&state.db, &audit, &user.access, state.tz, id, &form).await {
        Ok(()) => {
            reindex_now(&state, PersonId(id)).await;
            Ok(redirect_with_flash(
                &format!("/persons/{id}"),
                "success",
                "person-updated",
            ))
        }
        Err(PersonError::Invalid(errors)) => {
            let name = capture_name(&state, &user, id).await?;
            situation_page(ctx, id, name.name, form, errors)
        }
        Err(e) => Err(e.into()),
    }
}

/// `/persons/{id}/interviews/new`.
#[derive(Template)]
#[template(path = "persons/interview_form.html")]
pub struct InterviewFormPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Person id.
    pub id: Uuid,
    /// Person name.
    pub name: String,
    /// URL of the occupation type-ahead (titles in the person's gender).
    pub occupation_suggest: String,
    /// Values.
    pub form: InterviewInput,
    /// Desired occupation inputs (always three).
    pub desired: Vec<String>,
    /// Problems.
    pub errors: FieldErrors,
    /// Situations.
    pub situations: Vec<Choice>,
    /// Availability.
    pub hours: Vec<Choice>,
    /// Days (selected = checked).
    pub days: Vec<Choice>,
    /// Barriers (selected = checked).
    pub barriers: Vec<Choice>,
}

impl InterviewFormPage {}

fn checks(ctx: &PageCtx, prefix: &str, codes: &[&str], on: &[String]) -> Vec<Choice> {
    codes
        .iter()
        .map(|c| Choice {
            value: (*c).to_owned(),
            label: ctx.tp(prefix, c).into_owned(),
            selected: on.iter().any(|o| o == c),
        })
        .collect()
}

fn interview_page(
    ctx: PageCtx,
    id: Uuid,
    named: Named,
    form: InterviewInput,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let mut desired = form.desired.clone();
    desired.resize(profile::MAX_DESIRED, String::new());
    let page = InterviewFormPage {
        situations: choices(&ctx, "situation-", &SITUATIONS, &form.situation),
        hours: choices(&ctx, "hours-", &profile::AVAILABILITY_HOURS, &form.hours),
        days: checks(&ctx, "day-", &DAYS, &form.days),
        barriers: checks(&ctx, "barrier-", &BARRIERS, &form.barriers),
        desired,
        ctx,
        id,
        name: named.name,
        occupation_suggest: named.occupation_suggest,
        form,
        errors,
    };
    sipe_platform::web::render::page_with(status_of(&page.errors), page)
}

/// `GET /persons/{id}/interviews/new`: prefilled from the profile.
pub async fn new_interview(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let p = store::find_person(&state.db, &user.access, ScopeKind::Capture, PersonId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    let desired = profile::items(&state.db, id)
        .await?
        .into_iter()
        // What a certificate certifies is not the interview's to change.
        .filter(|i| i.kind == "desired" && i.evidence.is_none())
        .collect::<Vec<_>>();
    // Uncoded occupations come back as typed, with the box that keeps them so ticked.
    let uncoded = desired.iter().any(|i| i.code == profile::UNCODED);
    let desired = desired
        .into_iter()
        .map(|i| match i.code.as_str() {
            profile::UNCODED => i.label,
            code => format!("{} ({code})", i.label),
        })
        .collect();
    let form = InterviewInput {
        desired,
        uncoded: if uncoded { "on".into() } else { String::new() },
        hours: p.availability_hours.clone().unwrap_or_default(),
        travel_radius_km: p
            .travel_radius_km
            .map(|r| r.to_string())
            .unwrap_or_default(),
        days: DAYS[..5].iter().map(|d| (*d).to_owned()).collect(),
        ..Default::default()
    };
    interview_page(ctx, id, Named::of(&p), form, FieldErrors::new())
}

/// `POST /persons/{id}/interviews`.
pub async fn create_interview(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<InterviewInput>,
) -> Result<Response, WebError> {
    match crate::interview::record(&state.db, &audit, &user.access, id, &form).await {
        Ok(iid) => {
            reindex_now(&state, PersonId(id)).await;
            Ok(redirect_with_flash(
                &format!("/persons/{id}/interviews/{iid}"),
                "success",
                "interview-created",
            ))
        }
        Err(PersonError::Invalid(errors)) => {
            let name = capture_name(&state, &user, id).await?;
            interview_page(ctx, id, name, form, errors)
        }
        Err(e) => Err(e.into()),
    }
}

/// `/persons/{id}/interviews/{interview_id}`.
#[derive(Template)]
#[template(path = "persons/interview.html")]
pub struct InterviewPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Person id.
    pub id: Uuid,
    /// Person name.
    pub name: String,
    /// The interview.
    pub interview: interview::Model,
    /// Days, translated.
    pub days: Vec<String>,
    /// Barriers, translated.
    pub barriers: Vec<String>,
    /// Office.
    pub office: String,
}

/// `GET /persons/{id}/interviews/{interview_id}` (view scope; audited read).
pub async fn show_interview(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path((id, interview_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, WebError> {
    let p = store::find_person(&state.db, &user.access, ScopeKind::View, PersonId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    let interview = crate::interview::find(&state.db, id, interview_id)
        .await?
        .ok_or(WebError::NotFound)?;
    crate::service::record_read(&state.reads, &audit, PersonId(id)).await?;
    let split = |s: &str, prefix: &str| -> Vec<String> {
        s.split(',')
            .filter(|x| !x.is_empty())
            .map(|x| ctx.tp(prefix, x).into_owned())
            .collect()
    };
    let office =
        sipe_platform::territory::store::office_by_id(&state.db, OfficeId(interview.office_id))
            .await?
            .map(|o| format!("{} — {}", o.code, o.name))
            .unwrap_or_default();
    let page = InterviewPage {
        days: split(&interview.days, "day-"),
        barriers: split(&interview.barriers, "barrier-"),
        name: display_name(&p),
        id,
        interview,
        office,
        ctx,
    };
    sipe_platform::web::render::page_with(StatusCode::OK, page)
}
