//! HTML handlers of vacancies: extract, parse, call, render.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::form::VacancyForm;
use super::input::{CONTRACT_TYPES, VACANCY_HOURS};
use super::service::{self, VacancyError};
use super::state::VacancyState;
use super::store::{self, SORTS, VacancyFilter};
use super::views::*;
use crate::employers;
use sipe_persons::input::EDUCATION_LEVELS;
use sipe_persons::profile::{LANGUAGE_LEVELS, LANGUAGES, LICENCE_CLASSES};
use sipe_platform::access::{Permission, ScopeKind};
use sipe_platform::ids::OfficeId;
use sipe_platform::ids::PersonId;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, Format};
use sipe_platform::web::form::choices;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::table::{ExportPages, ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Filters of the vacancies list.
#[derive(Debug, Deserialize, Default)]
pub struct VacancyListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    employer_id: String,
    #[serde(flatten)]
    list: ListQuery,
}

impl VacancyListQuery {
    fn filter(&self) -> Result<VacancyFilter, WebError> {
        Ok(VacancyFilter {
            q: sipe_platform::validation::search_text("q", &self.q)?,
            state: VacancyState::parse(&self.state).map(|s| s.as_str().to_owned()),
            employer_id: self.employer_id.parse().ok(),
            occupation_prefix: None,
        })
    }

    /// The list's pager, its links keeping the filters.
    fn pager(&self, list: &ListQuery) -> Result<Pager, WebError> {
        Ok(Pager::new("/vacancies", list, &SORTS, true)?
            .keep("q", &self.q)
            .keep("state", &self.state)
            .keep("employer_id", &self.employer_id))
    }
}

/// `GET /vacancies.csv` and `.xlsx`: the filtered list.
pub async fn export_vacancies(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Query(query): Query<VacancyListQuery>,
) -> Result<Response, WebError> {
    let filter = query.filter()?;
    let list = query.pager(&ListQuery::default())?;
    // Positions and salaries add up in a spreadsheet.
    let mut out = Export::new(format, "ofertas", &EXPORT_HEADER)
        .numeric([5, 11, 12])
        .audit("vacancy.export", "vacancy_list", list.filters())
        .back_to(&list.href(1));
    let mut pages = ExportPages::new("/vacancies.csv", &SORTS, true);
    while let Some(pager) = pages.next_page() {
        let (rows, total) = store::list_vacancies(&state.db, &user.access, &filter, &pager).await?;
        if !out.expect(total) {
            break;
        }
        let names =
            employers::store::legal_names(&state.db, rows.iter().map(|v| v.employer_id)).await?;
        let codes = sipe_platform::territory::store::office_codes(
            &state.db,
            rows.iter().map(|v| OfficeId(v.office_id)),
        )
        .await?;
        for v in &rows {
            let opt = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
            out.row([
                v.id.to_string(),
                v.title.clone(),
                names.get(&v.employer_id).cloned().unwrap_or_default(),
                v.occupation_code.clone(),
                v.occupation_label.clone(),
                v.positions.to_string(),
                v.state.clone(),
                codes
                    .get(&OfficeId(v.office_id))
                    .cloned()
                    .unwrap_or_default(),
                v.territory_code.clone().unwrap_or_default(),
                v.hours.clone().unwrap_or_default(),
                v.contract_type.clone().unwrap_or_default(),
                opt(v.salary_min),
                opt(v.salary_max),
                if v.accessible { "si" } else { "no" }.into(),
                v.opened_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                v.created_at.to_rfc3339(),
            ]);
        }
        pages.read(rows.len(), total);
    }
    out.respond(&state, &audit).await
}

/// Columns of the vacancies export.
const EXPORT_HEADER: [&str; 16] = [
    "oferta_id",
    "titulo",
    "empleador",
    "ocupacion_codigo",
    "ocupacion",
    "puestos",
    "estado",
    "oficina",
    "departamento",
    "jornada",
    "tipo_contrato",
    "salario_min",
    "salario_max",
    "accesible",
    "abierta",
    "registrada",
];

/// `GET /vacancies`.
pub async fn list_vacancies(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(query): Query<VacancyListQuery>,
) -> Result<Response, WebError> {
    let mut pager = query.pager(&query.list)?;
    let filter = query.filter()?;
    let (rows, total) = store::list_vacancies(&state.db, &user.access, &filter, &pager).await?;
    pager.total = total;
    let names =
        employers::store::legal_names(&state.db, rows.iter().map(|v| v.employer_id)).await?;
    let states = VacancyState::ALL.map(|s| s.as_str());
    sipe_platform::web::render::page_with(
        StatusCode::OK,
        VacanciesPage {
            states: choices(&ctx, "vacancy-state-", &states, &query.state),
            ctx,
            rows: rows
                .into_iter()
                .map(|v| VacancyRow {
                    employer: names.get(&v.employer_id).cloned().unwrap_or_default(),
                    vacancy: v,
                })
                .collect(),
            pager,
            q: query.q,
            can_edit: user.access.can(Permission::EditIntermediation),
        },
    )
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    audit: &sipe_platform::audit::AuditCtx,
    id: Uuid,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let access = &user.access;
    let vacancy = store::find_vacancy(&state.db, access, ScopeKind::View, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let can_change = access.can(Permission::EditIntermediation)
        && store::find_vacancy(&state.db, access, ScopeKind::Capture, id)
            .await?
            .is_some();
    let current = VacancyState::parse(&vacancy.state).unwrap_or(VacancyState::Draft);
    // The vacancy is visible, so naming its employer reveals nothing more.
    let employer = (
        vacancy.employer_id,
        employers::store::legal_names(&state.db, [vacancy.employer_id])
            .await?
            .remove(&vacancy.employer_id)
            .unwrap_or_default(),
    );
    let office =
        sipe_platform::territory::store::office_by_id(&state.db, OfficeId(vacancy.office_id))
            .await?
            .map(|o| format!("{} — {}", o.code, o.name))
            .unwrap_or_default();
    let territory = match &vacancy.territory_code {
        Some(code) => sipe_platform::territory::store::find_territory(&state.db, code)
            .await?
            .map(|t| t.name),
        None => None,
    };
    let requirements = store::requirements(&state.db, id).await?;
    let history = store::events(&state.db, id).await?;
    let referrals = crate::referrals::store::of_vacancy(&state.db, id).await?;
    // The vacancy's page names who was referred and how it went: audited like a list.
    crate::referrals::record_shown(
        state,
        audit,
        "referral.list",
        referrals.iter().map(|r| PersonId(r.person_id)),
    )
    .await?;
    let names =
        crate::referrals::store::person_names(&state.db, referrals.iter().map(|r| r.person_id))
            .await?;
    let referrals = referrals
        .into_iter()
        .map(|r| {
            let name = names.get(&r.person_id).cloned().unwrap_or_default();
            (r, name)
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    sipe_platform::web::render::page_with(
        status,
        VacancyPage {
            ctx,
            employer,
            office,
            territory,
            requirements,
            history,
            next_states: if can_change {
                current.next().iter().map(|s| s.as_str()).collect()
            } else {
                Vec::new()
            },
            can_edit: can_change && current.is_editable(),
            errors,
            referrals,
            vacancy,
        },
    )
}

/// `GET /vacancies/{id}`.
pub async fn show_vacancy(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    show_page(&state, ctx, &user, &audit, id, FieldErrors::new()).await
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    target: Option<Uuid>,
    form: VacancyForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let access = &user.access;
    let mut employers = employers::store::suggest(&state.db, access, "", 500).await?;
    // The current employer stays offered even when it is not in the first 500.
    if let Some(id) = form.employer()
        && !employers.iter().any(|e| e.id == id)
        && let Some(e) =
            employers::store::find_employer(&state.db, access, ScopeKind::View, id).await?
    {
        employers.insert(0, e);
    }
    let offices =
        sipe_platform::territory::store::offices_in_scope(&state.db, access, ScopeKind::Capture)
            .await?;
    let departments =
        sipe_platform::territory::store::departments_of(&state.db, &state.config.province_code)
            .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let education: Vec<&str> = EDUCATION_LEVELS.to_vec();
    sipe_platform::web::render::page_with(
        status,
        VacancyFormPage {
            action: match target {
                Some(id) => format!("/vacancies/{id}"),
                None => "/vacancies".into(),
            },
            title_key: if target.is_some() {
                "vacancy-edit-title"
            } else {
                "vacancy-new-title"
            },
            employers: employers
                .into_iter()
                .map(|e| Choice {
                    selected: form.employer() == Some(e.id),
                    value: e.id.to_string(),
                    label: format!("{} ({})", e.legal_name, e.cuit),
                })
                .collect(),
            offices: std::iter::once(Choice {
                value: String::new(),
                label: ctx.t("vacancy-office-default").into_owned(),
                selected: form.office_code.is_empty(),
            })
            .chain(offices.into_iter().filter(|o| o.active).map(|o| Choice {
                selected: form.office_code.eq_ignore_ascii_case(&o.code),
                label: format!("{} — {}", o.code, o.name),
                value: o.code,
            }))
            .collect(),
            departments: departments
                .into_iter()
                .map(|d| Choice {
                    selected: form.territory_code == d.code,
                    value: d.code,
                    label: d.name,
                })
                .collect(),
            education: choices(&ctx, "isced-", &education, &form.education_min),
            licences: choices(&ctx, "licence-", &LICENCE_CLASSES, &form.licence_class),
            contracts: choices(&ctx, "contract-", &CONTRACT_TYPES, &form.contract_type),
            hours: choices(&ctx, "hours-", &VACANCY_HOURS, &form.hours),
            languages: LANGUAGES.to_vec(),
            levels: LANGUAGE_LEVELS.to_vec(),
            ctx,
            form,
            errors,
        },
    )
}

/// Query of `/vacancies/new`.
#[derive(Debug, Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    employer_id: String,
}

/// `GET /vacancies/new`.
pub async fn new_vacancy(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    let form = VacancyForm {
        employer_id: q.employer_id,
        positions: "1".into(),
        ..Default::default()
    };
    form_page(&state, ctx, &user, None, form, FieldErrors::new()).await
}

async fn refused(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    target: Option<Uuid>,
    form: VacancyForm,
    e: VacancyError,
) -> Result<Response, WebError> {
    match e {
        VacancyError::Invalid(errors) => form_page(state, ctx, user, target, form, errors).await,
        VacancyError::WrongState(_) => Ok(redirect_with_flash(
            &format!("/vacancies/{}", target.unwrap_or_default()),
            "error",
            "vacancy-not-editable",
        )),
        VacancyError::NotFound => Err(WebError::NotFound),
        VacancyError::Store(e) => Err(e.into()),
    }
}

/// `POST /vacancies`.
pub async fn create_vacancy(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<VacancyForm>,
) -> Result<Response, WebError> {
    let input = match form.to_input() {
        Ok(i) => i,
        Err(errors) => return form_page(&state, ctx, &user, None, form, errors).await,
    };
    match service::create_vacancy(&state.db, &audit, &user.access, &input).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/vacancies/{id}"),
            "success",
            "vacancy-created",
        )),
        Err(e) => refused(&state, ctx, &user, None, form, e).await,
    }
}

/// `GET /vacancies/{id}/edit`.
pub async fn edit_vacancy(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let v = store::find_vacancy(&state.db, &user.access, ScopeKind::Capture, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let office_code =
        sipe_platform::territory::store::office_by_id(&state.db, OfficeId(v.office_id))
            .await?
            .map(|o| o.code)
            .unwrap_or_default();
    let reqs = store::requirements(&state.db, id).await?;
    let form = VacancyForm::of(&v, office_code, &reqs);
    form_page(&state, ctx, &user, Some(id), form, FieldErrors::new()).await
}

/// `POST /vacancies/{id}`.
pub async fn update_vacancy(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<VacancyForm>,
) -> Result<Response, WebError> {
    let input = match form.to_input() {
        Ok(i) => i,
        Err(errors) => return form_page(&state, ctx, &user, Some(id), form, errors).await,
    };
    match service::update_vacancy(&state.db, &audit, &user.access, id, &input).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/vacancies/{id}"),
            "success",
            "vacancy-updated",
        )),
        Err(e) => refused(&state, ctx, &user, Some(id), form, e).await,
    }
}

/// Body of `POST /vacancies/{id}/state`.
#[derive(Debug, Deserialize)]
pub struct StateForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    note: String,
}

/// `POST /vacancies/{id}/state`.
pub async fn change_state(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<StateForm>,
) -> Result<Response, WebError> {
    match service::change_state(&state.db, &audit, &user.access, id, &form.state, &form.note).await
    {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/vacancies/{id}"),
            "success",
            "vacancy-state-changed",
        )),
        Err(VacancyError::Invalid(errors)) => {
            show_page(&state, ctx, &user, &audit, id, errors).await
        }
        Err(VacancyError::WrongState(_)) => Ok(redirect_with_flash(
            &format!("/vacancies/{id}"),
            "error",
            "vacancy-state-not-allowed",
        )),
        Err(VacancyError::NotFound) => Err(WebError::NotFound),
        Err(VacancyError::Store(e)) => Err(e.into()),
    }
}
