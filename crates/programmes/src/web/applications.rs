//! Pages of applications: one application with its steps and what can be done next,
//! a programme's applications (its waiting list), applying from the person page.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::applications::service::{self, ApplyInput, StepInput};
use crate::applications::store::{self, Application, Filter, Row, Step};
use crate::applications::{Action, STATES};
use crate::eligibility::explain::{Eligibility, Outcome};
use crate::error::ProgrammeError;
use crate::programmes::{self, Programme};
use sipe_platform::access::{Permission, ScopeKind};
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

fn today(state: &AppState) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&state.tz).date_naive()
}

/// The apply form of the person page.
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    person_id: Uuid,
    #[serde(default)]
    programme_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    submit: String,
}

/// `POST /programme-applications`: back to the application, or to the person page with
/// the reason it was refused.
pub async fn apply(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<ApplyForm>,
) -> Result<Response, WebError> {
    let back = format!("/persons/{}#applications", form.person_id);
    let Ok(programme_id) = form.programme_id.parse::<Uuid>() else {
        return Ok(redirect_with_flash(
            &back,
            "error",
            "application-programme-unknown",
        ));
    };
    let input = ApplyInput {
        programme_id,
        person_id: form.person_id,
        category: form.category,
        submit: matches!(form.submit.as_str(), "on" | "true"),
    };
    match service::apply(&state.db, &audit, &user.access, &input, today(&state)).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/programme-applications/{id}"),
            "success",
            "application-created",
        )),
        Err(ProgrammeError::Invalid(e)) => Ok(redirect_with_flash(
            &back,
            "error",
            e.0.first().map_or("form-has-errors", |f| f.key),
        )),
        Err(e) => Err(e.into()),
    }
}

/// A step the reader may take now, with what it asks for.
pub struct StepChoice {
    action: &'static str,
    /// The errors of this step, when it was the one refused.
    errors: FieldErrors,
    reasons: Vec<&'static str>,
    takes_day: bool,
    needs_note: bool,
}

#[derive(askama::Template)]
#[template(path = "programmes/application.html")]
struct ApplicationPage {
    ctx: PageCtx,
    row: Row,
    programme: Programme,
    steps: Vec<Step>,
    eligibility: Option<Eligibility>,
    office_quota: Option<u32>,
    office_holding: u64,
    total_holding: u64,
    choices: Vec<StepChoice>,
    errors: FieldErrors,
    /// What the compliance check proposes about it, if anything is pending.
    review: Option<crate::compliance::store::Review>,
    /// The programme's required documents, each attached or not.
    checklist: Vec<(String, bool)>,
    documents: Vec<crate::documents::Document>,
    /// Files may be attached by the reader now.
    can_attach: bool,
    document_choices: Vec<sipe_platform::web::form::Choice>,
    /// Why the last file was refused.
    document_errors: FieldErrors,
    /// The programme is a work-placement one.
    is_placement: bool,
    placement: Option<crate::placements::Placement>,
    placement_form: crate::placements::PlacementInput,
    placement_errors: FieldErrors,
    contract_types: Vec<sipe_platform::web::form::Choice>,
}

impl ApplicationPage {
    fn sentence(&self, o: &Outcome) -> String {
        o.sentence(self.ctx.lang)
    }

    fn kib(&self, size: &i64) -> String {
        format!("{} KB", (size + 1023) / 1024)
    }
}

async fn application_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    a: Application,
    errors: FieldErrors,
    failed: &str,
) -> Result<Response, WebError> {
    application_page_with(state, ctx, user, a, errors, failed, None).await
}

/// The application's page; `failed` names the form refused (a step's action,
/// `document`, `placement`) and `placement` is the placement form as typed.
async fn application_page_with(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    a: Application,
    errors: FieldErrors,
    failed: &str,
    placement: Option<crate::placements::PlacementInput>,
) -> Result<Response, WebError> {
    let programme = programmes::find(&state.db, a.programme_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let criteria = crate::eligibility::store::of(&state.db, programme.id).await?;
    let eligibility = crate::eligibility::who::verdict(
        &state.db,
        &user.access,
        crate::eligibility::held::For {
            programme: programme.id,
            except: Some(a.id),
        },
        &criteria,
        sipe_platform::ids::PersonId(a.person_id),
        today(state),
        ctx.lang,
    )
    .await?;
    let can_edit = user.access.can(Permission::EditProgrammes)
        && store::find(&state.db, &user.access, ScopeKind::Capture, a.id)
            .await?
            .is_some();
    let can_decide = user.access.can(Permission::ManageProgrammes);
    let choices = Action::ALL
        .into_iter()
        .filter(|act| act.from(&a.state).is_some())
        .filter(|act| can_edit && (!act.is_decision() || can_decide))
        .map(|act| StepChoice {
            errors: if act.as_str() == failed {
                errors.clone()
            } else {
                FieldErrors::new()
            },
            action: act.as_str(),
            reasons: act.reasons().map(<[_]>::to_vec).unwrap_or_default(),
            takes_day: act.takes_day(),
            needs_note: act == Action::Extend,
        })
        .collect();
    let office_quota = crate::rules::office_quota(&state.db, programme.id, a.office_id).await?;
    let office_holding = store::holding(&state.db, programme.id, Some(a.office_id)).await?;
    let total_holding = store::holding(&state.db, programme.id, None).await?;
    let steps = store::steps(&state.db, a.id).await?;
    let review = crate::compliance::store::open_of(&state.db, a.id).await?;
    let documents = crate::documents::of(&state.db, a.id).await?;
    let required = crate::documents::required(&programme);
    let checklist = required
        .iter()
        .map(|r| (r.clone(), documents.iter().any(|d| &d.document == r)))
        .collect();
    let can_attach = can_edit && !matches!(a.state.as_str(), "rejected" | "finished");
    let mut document_choices: Vec<sipe_platform::web::form::Choice> = required
        .iter()
        .map(|r| sipe_platform::web::form::Choice {
            value: r.clone(),
            label: r.clone(),
            selected: false,
        })
        .collect();
    document_choices.push(sipe_platform::web::form::Choice {
        value: String::new(),
        label: ctx.t("document-other").into_owned(),
        selected: required.is_empty(),
    });
    let (errors, document_errors, placement_errors) = match failed {
        "document" => (FieldErrors::new(), errors, FieldErrors::new()),
        "placement" => (FieldErrors::new(), FieldErrors::new(), errors),
        _ => (errors, FieldErrors::new(), FieldErrors::new()),
    };
    let is_placement = programme.kind == "work_placement";
    let contract_types = sipe_intermediation::vacancies::input::CONTRACT_TYPES
        .iter()
        .map(|c| sipe_platform::web::form::Choice {
            value: (*c).into(),
            label: ctx.tp("contract-", c).into_owned(),
            selected: false,
        })
        .collect();
    let current_placement = if is_placement {
        crate::placements::of(&state.db, a.id).await?
    } else {
        None
    };
    let placement_form = placement.unwrap_or_else(|| match &current_placement {
        Some(p) => crate::placements::PlacementInput {
            employer_cuit: p.employer_cuit.clone(),
            workplace: p.workplace.clone(),
            tutor_name: p.tutor_name.clone(),
            tutor_contact: p.tutor_contact.clone(),
            tasks: p.tasks.clone(),
            weekly_hours: p.weekly_hours.to_string(),
            starts_on: p.starts_on.to_string(),
            ends_on: p.ends_on.to_string(),
            version: p.version,
        },
        None => Default::default(),
    });
    let row = store::rows_of(&state.db, vec![a])
        .await?
        .pop()
        .ok_or(WebError::NotFound)?;
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        ApplicationPage {
            ctx,
            row,
            programme,
            steps,
            eligibility,
            office_quota,
            office_holding,
            total_holding,
            choices,
            errors,
            review,
            checklist,
            documents,
            can_attach,
            document_choices,
            document_errors,
            is_placement,
            placement: current_placement,
            placement_form,
            placement_errors,
            contract_types,
        },
    )
}

/// `GET /programme-applications/{id}` (the person's read is audited).
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let a = store::find(&state.db, &user.access, ScopeKind::View, id)
        .await?
        .ok_or(WebError::NotFound)?;
    sipe_persons::service::record_read(
        &state.reads,
        &audit,
        sipe_platform::ids::PersonId(a.person_id),
    )
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
    application_page(&state, ctx, &user, a, FieldErrors::new(), "").await
}

/// The step form as posted.
#[derive(Debug, Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    date: String,
}

/// `POST /programme-applications/{id}/steps`.
pub async fn take_step(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    let input = StepInput {
        action: form.action.clone(),
        version: form.version.trim().parse().unwrap_or(-1),
        reason: form.reason,
        note: form.note,
        date: form.date,
    };
    match service::step(&state.db, &audit, &user.access, id, &input, today(&state)).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/programme-applications/{id}"),
            "success",
            "application-step-done",
        )),
        Err(ProgrammeError::Invalid(errors)) => {
            let a = store::find(&state.db, &user.access, ScopeKind::View, id)
                .await?
                .ok_or(WebError::NotFound)?;
            application_page(&state, ctx, &user, a, errors, &form.action).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Filters of a programme's applications.
#[derive(Debug, Deserialize, Default)]
pub struct ListFilter {
    #[serde(default)]
    state: String,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(askama::Template)]
#[template(path = "programmes/applications.html")]
struct ListPage {
    ctx: PageCtx,
    programme: Programme,
    rows: Vec<Row>,
    pager: Pager,
    state: String,
    states: Vec<&'static str>,
}

/// `GET /programmes/{id}/applications`: a programme's applications within the reader's
/// scope; `state=waiting` is the waiting list, first sent first.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Query(f): Query<ListFilter>,
) -> Result<Response, WebError> {
    let programme = programmes::find(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let wanted = f.state.trim();
    if !wanted.is_empty() && wanted != "waiting" && !STATES.contains(&wanted) {
        return Err(FieldErrors::one("state", "field-choice-invalid").into());
    }
    let mut pager = Pager::new(
        &format!("/programmes/{id}/applications"),
        &f.list,
        &store::SORTS,
        false,
    )?
    .keep("state", wanted);
    let filter = Filter {
        programme: Some(id),
        state: (!wanted.is_empty()).then(|| wanted.to_owned()),
        ..Default::default()
    };
    let (rows, total) = store::list(&state.db, &user.access, &filter, &pager).await?;
    pager.total = total;
    super::shown(
        &state,
        &audit,
        "programmes.application.list",
        rows.iter().map(|r| r.person_id),
    )
    .await?;
    let mut states = vec!["waiting"];
    states.extend(STATES);
    page_with(
        axum::http::StatusCode::OK,
        ListPage {
            ctx,
            programme,
            rows,
            pager,
            state: wanted.to_owned(),
            states,
        },
    )
}

/// `POST /programme-applications/{id}/documents?_csrf=…` (multipart: `document`, `file`).
pub async fn attach_document(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    use sipe_platform::web::upload::{Refused, read_small};
    let refused = |key: &'static str| FieldErrors::one("file", key);
    let result = match read_small(multipart, crate::documents::MAX_BYTES).await {
        Ok(f) => {
            let upload = crate::documents::Upload {
                document: f.field("document"),
                file_name: &f.file_name,
                bytes: &f.bytes,
            };
            crate::documents::attach(
                &state.db,
                &audit,
                &user.access,
                &state.config.data_dir,
                id,
                upload,
            )
            .await
        }
        Err(Refused::TooLarge) => Err(refused("document-too-large").into()),
        Err(Refused::Bad) => Err(refused("document-bad-upload").into()),
        Err(Refused::Empty) => Err(refused("document-empty").into()),
    };
    match result {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/programme-applications/{id}#documents"),
            "success",
            "document-saved",
        )),
        Err(ProgrammeError::Invalid(errors)) => {
            refused_page(&state, ctx, &user, id, errors, "document", None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /programme-documents/{id}`: the file, as an attachment (the read is audited).
pub async fn download_document(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (d, bytes) = crate::documents::open(
        &state.db,
        &state.reads,
        &audit,
        &user.access,
        &state.config.data_dir,
        id,
    )
    .await?;
    Ok(sipe_platform::web::upload::attachment(
        &d.file_name,
        &d.media_type,
        bytes,
    ))
}

/// `POST /programme-applications/{id}/placement`: records the work-training placement.
pub async fn save_placement(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<crate::placements::PlacementInput>,
) -> Result<Response, WebError> {
    match crate::placements::set(&state.db, &audit, &user.access, id, &form).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/programme-applications/{id}#placement"),
            "success",
            "wtp-saved",
        )),
        Err(ProgrammeError::Invalid(errors)) => {
            refused_page(&state, ctx, &user, id, errors, "placement", Some(form)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /programme-applications/{id}/placement/hire`: the host employer hired the
/// beneficiary.
pub async fn hire(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<crate::placements::HireInput>,
) -> Result<Response, WebError> {
    match crate::placements::hire(
        &state.db,
        &audit,
        &user.access,
        state.tz,
        id,
        &form,
        today(&state),
    )
    .await
    {
        Ok(referral) => Ok(redirect_with_flash(
            &format!("/referrals/{referral}"),
            "success",
            "wtp-hire-saved",
        )),
        Err(ProgrammeError::Invalid(errors)) => {
            refused_page(&state, ctx, &user, id, errors, "placement", None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The application's page again, saying why a form (`failed`) was refused.
async fn refused_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Uuid,
    errors: FieldErrors,
    failed: &str,
    placement: Option<crate::placements::PlacementInput>,
) -> Result<Response, WebError> {
    let a = store::find(&state.db, &user.access, ScopeKind::View, id)
        .await?
        .ok_or(WebError::NotFound)?;
    application_page_with(state, ctx, user, a, errors, failed, placement).await
}
