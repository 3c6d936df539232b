//! Pages of competency standards: the list, a standard with its units and its
//! accredited evaluators, and the form that edits them.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::catalogue::CatalogueQuery;
use super::status_of;
use crate::error::TrainingError;
use crate::standards::{
    self, AccreditationInput, Evaluator, MAX_UNITS, Standard, StandardInput, Unit, UnitInput,
};
use sipe_platform::access::Permission;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::Pager;
use sipe_platform::web::{AppState, PageCtx, WebError};

#[derive(askama::Template)]
#[template(path = "training/standards.html")]
struct StandardsPage {
    ctx: PageCtx,
    rows: Vec<Standard>,
    pager: Pager,
    q: String,
    can_manage: bool,
}

/// `GET /training/standards`.
pub async fn list_standards(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, WebError> {
    let mut pager = Pager::new("/training/standards", &query.list, &standards::SORTS, false)?
        .keep("q", &query.q);
    let q = sipe_platform::validation::search_text("q", &query.q)?;
    let (rows, total) = standards::list(&state.db, &q, &pager).await?;
    pager.total = total;
    page_with(
        axum::http::StatusCode::OK,
        StandardsPage {
            ctx,
            rows,
            pager,
            q: query.q,
            can_manage: user.access.can(Permission::ManageTraining),
        },
    )
}

/// The standard's form as the page posts it: one row per unit, the criteria one per
/// line.
#[derive(Debug, Default, Deserialize)]
pub struct StandardForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    occupation: String,
    #[serde(default)]
    unit_code: Vec<String>,
    #[serde(default)]
    unit_title: Vec<String>,
    #[serde(default)]
    unit_criteria: Vec<String>,
    #[serde(default)]
    active: String,
}

impl StandardForm {
    /// The input, without the rows left empty.
    fn input(&self) -> StandardInput {
        let n = self
            .unit_code
            .len()
            .max(self.unit_title.len())
            .max(self.unit_criteria.len())
            .min(MAX_UNITS + 5);
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        StandardInput {
            code: self.code.clone(),
            title: self.title.clone(),
            occupation: self.occupation.clone(),
            units: (0..n)
                .map(|i| UnitInput {
                    code: at(&self.unit_code, i),
                    title: at(&self.unit_title, i),
                    criteria: at(&self.unit_criteria, i)
                        .lines()
                        .map(str::to_owned)
                        .collect(),
                })
                .filter(|u| {
                    !u.code.trim().is_empty()
                        || !u.title.trim().is_empty()
                        || u.criteria.iter().any(|c| !c.trim().is_empty())
                })
                .collect(),
            active: None,
        }
    }
}

/// A unit row of the form.
pub struct UnitRow {
    code: String,
    title: String,
    criteria: String,
    /// Where its error is reported.
    field: &'static str,
}

#[derive(askama::Template)]
#[template(path = "training/standard.html")]
struct StandardPage {
    ctx: PageCtx,
    standard: Option<Standard>,
    occupation: Option<String>,
    units: Vec<Unit>,
    evaluators: Vec<Evaluator>,
    form: StandardInput,
    rows: Vec<UnitRow>,
    active: bool,
    errors: FieldErrors,
    accreditation: AccreditationInput,
    accreditation_errors: FieldErrors,
    today: chrono::NaiveDate,
    can_manage: bool,
}

impl StandardPage {
    fn criteria<'a>(&self, u: &'a Unit) -> Vec<&'a str> {
        standards::criteria_of(u)
    }
}

struct Attempt {
    form: Option<StandardInput>,
    errors: FieldErrors,
    accreditation: AccreditationInput,
    accreditation_errors: FieldErrors,
}

impl Attempt {
    fn none() -> Self {
        Attempt {
            form: None,
            errors: FieldErrors::new(),
            accreditation: AccreditationInput::default(),
            accreditation_errors: FieldErrors::new(),
        }
    }
}

async fn standard_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Option<Uuid>,
    attempt: Attempt,
) -> Result<Response, WebError> {
    let standard = match id {
        Some(id) => Some(
            standards::find(&state.db, id)
                .await?
                .ok_or(WebError::NotFound)?,
        ),
        None => None,
    };
    let (units, evaluators) = match &standard {
        Some(s) => (
            standards::units_of(&state.db, s.id).await?,
            standards::evaluators_of(&state.db, s.id).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let form = attempt.form.unwrap_or_else(|| match &standard {
        Some(s) => standards::input_of(s, &units),
        None => StandardInput::default(),
    });
    let active = form.active.unwrap_or(true);
    // The units as typed, and blank rows to add more.
    let blanks = (MAX_UNITS.saturating_sub(form.units.len())).min(3);
    let rows = form
        .units
        .iter()
        .cloned()
        .chain(std::iter::repeat_n(UnitInput::default(), blanks))
        .take(MAX_UNITS)
        .enumerate()
        .map(|(i, u)| UnitRow {
            code: u.code,
            title: u.title,
            criteria: u.criteria.join("\n"),
            field: standards::UNIT_FIELDS[i],
        })
        .collect();
    let occupation = standard
        .as_ref()
        .and_then(|s| s.occupation_code.as_deref())
        .map(crate::courses::occupation_label);
    let status = if attempt.accreditation_errors.is_empty() {
        status_of(&attempt.errors)
    } else {
        status_of(&attempt.accreditation_errors)
    };
    page_with(
        status,
        StandardPage {
            ctx,
            standard,
            occupation,
            units,
            evaluators,
            form,
            rows,
            active,
            errors: attempt.errors,
            accreditation: attempt.accreditation,
            accreditation_errors: attempt.accreditation_errors,
            today: chrono::Utc::now().with_timezone(&state.tz).date_naive(),
            can_manage: user.access.can(Permission::ManageTraining),
        },
    )
}

/// `GET /training/standards/new`.
pub async fn new_standard(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    standard_page(&state, ctx, &user, None, Attempt::none()).await
}

/// `GET /training/standards/{id}`.
pub async fn show_standard(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    standard_page(&state, ctx, &user, Some(id), Attempt::none()).await
}

/// `POST /training/standards` and `POST /training/standards/{id}`.
pub async fn save_standard(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    id: Option<Path<Uuid>>,
    Form(form): Form<StandardForm>,
) -> Result<Response, WebError> {
    let id = id.map(|Path(id)| id);
    let mut input = form.input();
    input.active = Some(id.is_none() || matches!(form.active.as_str(), "on" | "true"));
    let done = match id {
        Some(id) => standards::update(&state.db, &audit, id, &input)
            .await
            .map(|()| id),
        None => standards::create(&state.db, &audit, &input).await,
    };
    match done {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/training/standards/{id}"),
            "success",
            "training-saved",
        )),
        Err(TrainingError::Invalid(errors)) => {
            let attempt = Attempt {
                form: Some(input),
                errors,
                ..Attempt::none()
            };
            standard_page(&state, ctx, &user, id, attempt).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /training/standards/{id}/evaluators`.
pub async fn accredit(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<AccreditationInput>,
) -> Result<Response, WebError> {
    match standards::accredit(&state.db, &audit, id, &form).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/training/standards/{id}#evaluators"),
            "success",
            "evaluator-accredited",
        )),
        Err(TrainingError::Invalid(errors)) => {
            let attempt = Attempt {
                accreditation: form,
                accreditation_errors: errors,
                ..Attempt::none()
            };
            standard_page(&state, ctx, &user, Some(id), attempt).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /training/standards/{id}/evaluators/{accreditation}/withdrawal`.
pub async fn withdraw(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
    Path((id, accreditation)): Path<(Uuid, Uuid)>,
) -> Result<Response, WebError> {
    standards::withdraw(&state.db, &audit, id, accreditation).await?;
    Ok(redirect_with_flash(
        &format!("/training/standards/{id}#evaluators"),
        "success",
        "evaluator-withdrawn",
    ))
}
