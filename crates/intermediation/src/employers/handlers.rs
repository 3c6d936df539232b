//! HTML handlers of employers: extract, parse, call, render.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::input::{
    AGREEMENT_KINDS, AgreementInput, ContactInput, EmployerInput, ItemInput, ItemKind, NewItem,
    SiteInput, SizeBand,
};
use super::service::{self, EmployerError};
use super::store::{self, EmployerFilter};
use super::views::*;
use crate::activity;
use sipe_platform::access::{Permission, ScopeKind};
use sipe_platform::ids::OfficeId;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, Format};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::table::{ExportPages, ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

fn status_of(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn division_choices(current: &str) -> Vec<Choice> {
    activity::divisions()
        .iter()
        .map(|d| Choice {
            value: d.code.clone(),
            label: format!("{} — {}", d.code, d.title),
            selected: current == d.code,
        })
        .collect()
}

fn size_choices(ctx: &PageCtx, current: &str) -> Vec<Choice> {
    SizeBand::ALL
        .iter()
        .map(|b| Choice {
            value: b.as_str().into(),
            label: ctx.tp("employer-size-", b.as_str()).into_owned(),
            selected: current == b.as_str(),
        })
        .collect()
}

/// Filters of the employers list.
#[derive(Debug, Deserialize, Default)]
pub struct EmployerListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    division: String,
    #[serde(default)]
    size_band: String,
    #[serde(default)]
    state: String,
    #[serde(flatten)]
    list: ListQuery,
}

impl EmployerListQuery {
    /// The list's pager, its links keeping the filters.
    fn pager(&self, list: &ListQuery) -> Result<Pager, WebError> {
        Ok(Pager::new("/employers", list, &super::api::SORTS, false)?
            .keep("q", &self.q)
            .keep("division", &self.division)
            .keep("size_band", &self.size_band)
            .keep("state", &self.state))
    }

    fn filter(&self) -> Result<EmployerFilter, WebError> {
        Ok(EmployerFilter {
            q: sipe_platform::validation::search_text("q", &self.q)?,
            division: activity::division_of(&self.division).map(|d| d.code.clone()),
            size_band: SizeBand::parse(&self.size_band).map(|b| b.as_str().to_owned()),
            office_id: None,
            active: match self.state.as_str() {
                "active" => Some(true),
                "inactive" => Some(false),
                _ => None,
            },
        })
    }
}

/// `GET /employers.csv` and `.xlsx`: the filtered list (without contacts).
pub async fn export_employers(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Query(query): Query<EmployerListQuery>,
) -> Result<Response, WebError> {
    let filter = query.filter()?;
    let list = query.pager(&ListQuery::default())?;
    let mut out = Export::new(format, "empleadores", &EXPORT_HEADER)
        .audit("employer.export", "employer_list", list.filters())
        .back_to(&list.href(1));
    let mut pages = ExportPages::new("/employers.csv", &super::api::SORTS, false);
    while let Some(pager) = pages.next_page() {
        let (rows, total) = store::list_employers(&state.db, &user.access, &filter, &pager).await?;
        if !out.expect(total) {
            break;
        }
        let codes = sipe_platform::territory::store::office_codes(
            &state.db,
            rows.iter().map(|e| OfficeId(e.office_id)),
        )
        .await?;
        for e in &rows {
            let division = e
                .activity_code
                .as_deref()
                .and_then(activity::division_of)
                .map(|d| d.title.clone())
                .unwrap_or_default();
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            out.row([
                e.cuit.clone(),
                e.legal_name.clone(),
                text(&e.trade_name),
                text(&e.activity_code),
                division,
                text(&e.size_band),
                codes
                    .get(&OfficeId(e.office_id))
                    .cloned()
                    .unwrap_or_default(),
                text(&e.territory_code),
                text(&e.address),
                text(&e.phone),
                text(&e.email),
                if e.active { "si" } else { "no" }.to_owned(),
            ]);
        }
        pages.read(rows.len(), total);
    }
    out.respond(&state, &audit).await
}

/// Columns of the employers export.
const EXPORT_HEADER: [&str; 12] = [
    "cuit",
    "razon_social",
    "nombre_fantasia",
    "actividad",
    "division",
    "tamano",
    "oficina",
    "departamento",
    "domicilio",
    "telefono",
    "email",
    "activo",
];

/// `GET /employers`.
pub async fn list_employers(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(query): Query<EmployerListQuery>,
) -> Result<Response, WebError> {
    let mut pager = query.pager(&query.list)?;
    let filter = query.filter()?;
    let (rows, total) = store::list_employers(&state.db, &user.access, &filter, &pager).await?;
    pager.total = total;
    let codes = sipe_platform::territory::store::office_codes(
        &state.db,
        rows.iter().map(|e| OfficeId(e.office_id)),
    )
    .await?;
    sipe_platform::web::render::page_with(
        StatusCode::OK,
        EmployersPage {
            divisions: division_choices(&query.division),
            sizes: size_choices(&ctx, &query.size_band),
            ctx,
            rows: rows
                .into_iter()
                .map(|e| EmployerRow {
                    office_code: codes
                        .get(&OfficeId(e.office_id))
                        .cloned()
                        .unwrap_or_default(),
                    employer: e,
                })
                .collect(),
            pager,
            q: query.q,
            state: query.state,
            can_edit: user.access.can(Permission::EditIntermediation),
        },
    )
}

/// The employer page's sub-forms as entered (all empty but the one that failed).
#[derive(Default)]
struct SubForms {
    contact: ContactInput,
    site: SiteInput,
    agreement: AgreementInput,
}

impl SubForms {
    /// Empty forms but the one holding `item`.
    fn holding(item: NewItem<'_>) -> Self {
        let mut forms = Self::default();
        match item {
            NewItem::Contact(c) => forms.contact = c.clone(),
            NewItem::Site(s) => forms.site = s.clone(),
            NewItem::Agreement(a) => forms.agreement = a.clone(),
        }
        forms
    }
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Uuid,
    forms: SubForms,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let SubForms {
        contact,
        site,
        agreement,
    } = forms;
    let access = &user.access;
    let employer = store::find_employer(&state.db, access, ScopeKind::View, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let can_edit = access.can(Permission::EditIntermediation)
        && store::find_employer(&state.db, access, ScopeKind::Capture, id)
            .await?
            .is_some();
    let office =
        sipe_platform::territory::store::office_by_id(&state.db, OfficeId(employer.office_id))
            .await?
            .map(|o| format!("{} — {}", o.code, o.name))
            .unwrap_or_default();
    let territory = match &employer.territory_code {
        Some(code) => sipe_platform::territory::store::find_territory(&state.db, code)
            .await?
            .map(|t| t.name),
        None => None,
    };
    let contacts = store::contacts(&state.db, id).await?;
    let agreements = store::agreements(&state.db, id).await?;
    let mut sites = Vec::new();
    for s in store::sites(&state.db, id).await? {
        let name = sipe_platform::territory::store::find_territory(&state.db, &s.territory_code)
            .await?
            .map(|t| t.name)
            .unwrap_or_else(|| s.territory_code.clone());
        sites.push((s, name));
    }
    let departments = if can_edit {
        sipe_platform::territory::store::departments_of(&state.db, &state.config.province_code)
            .await?
            .into_iter()
            .map(|d| Choice {
                selected: site.territory_code == d.code,
                value: d.code,
                label: d.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let latest = Pager::new(
        "/vacancies",
        &ListQuery {
            per_page: Some("20".into()),
            ..Default::default()
        },
        &crate::vacancies::store::SORTS,
        true,
    )?;
    let (vacancies, vacancy_total) = crate::vacancies::store::list_vacancies(
        &state.db,
        access,
        &crate::vacancies::store::VacancyFilter {
            employer_id: Some(id),
            ..Default::default()
        },
        &latest,
    )
    .await?;
    let agreement_kinds = AGREEMENT_KINDS
        .iter()
        .map(|k| Choice {
            value: (*k).into(),
            label: ctx.tp("agreement-kind-", k).into_owned(),
            selected: agreement.kind == *k,
        })
        .collect();
    sipe_platform::web::render::page_with(
        status_of(&errors),
        EmployerPage {
            ctx,
            employer,
            office,
            territory,
            contacts,
            sites,
            departments,
            agreements,
            can_edit,
            contact,
            site,
            agreement,
            agreement_kinds,
            errors,
            vacancies,
            vacancy_total,
            referral_counts: crate::referrals::store::referral_counts_of_employer(&state.db, id)
                .await?,
            placements: crate::referrals::store::placements_of_employer(&state.db, id).await?,
        },
    )
}

/// `GET /employers/{id}`.
pub async fn show_employer(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    show_page(
        &state,
        ctx,
        &user,
        id,
        SubForms::default(),
        FieldErrors::new(),
    )
    .await
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    target: Option<Uuid>,
    form: EmployerInput,
    errors: FieldErrors,
    existing: Option<Uuid>,
) -> Result<Response, WebError> {
    let offices = sipe_platform::territory::store::offices_in_scope(
        &state.db,
        &user.access,
        ScopeKind::Capture,
    )
    .await?;
    let departments =
        sipe_platform::territory::store::departments_of(&state.db, &state.config.province_code)
            .await?;
    sipe_platform::web::render::page_with(
        status_of(&errors),
        EmployerFormPage {
            action: match target {
                Some(id) => format!("/employers/{id}"),
                None => "/employers".into(),
            },
            title_key: if target.is_some() {
                "employer-edit-title"
            } else {
                "employer-new-title"
            },
            divisions: division_choices(
                activity::parse_code(&form.activity_code)
                    .as_deref()
                    .and_then(activity::division_of)
                    .map(|d| d.code.as_str())
                    .unwrap_or_default(),
            ),
            sizes: size_choices(&ctx, &form.size_band),
            offices: offices
                .into_iter()
                .filter(|o| o.active)
                .map(|o| Choice {
                    selected: form.office_code.eq_ignore_ascii_case(&o.code),
                    label: format!("{} — {}", o.code, o.name),
                    value: o.code,
                })
                .collect(),
            departments: departments
                .into_iter()
                .map(|d| Choice {
                    selected: form.territory_code == d.code,
                    value: d.code,
                    label: d.name,
                })
                .collect(),
            ctx,
            form,
            errors,
            existing,
        },
    )
}

/// The form again with the problem shown; other failures become error pages.
async fn refused(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    target: Option<Uuid>,
    form: EmployerInput,
    e: EmployerError,
) -> Result<Response, WebError> {
    match e {
        EmployerError::Invalid(errors) => {
            form_page(state, ctx, user, target, form, errors, None).await
        }
        EmployerError::CuitTaken { id, visible } => {
            let errors = FieldErrors::one(
                "cuit",
                if visible {
                    "employer-cuit-taken"
                } else {
                    "employer-cuit-taken-elsewhere"
                },
            );
            let mut page = form_page(
                state,
                ctx,
                user,
                target,
                form,
                errors,
                visible.then_some(id),
            )
            .await?;
            *page.status_mut() = StatusCode::CONFLICT;
            Ok(page)
        }
        EmployerError::NotFound => Err(WebError::NotFound),
        EmployerError::Store(e) => Err(e.into()),
    }
}

/// `GET /employers/new`.
pub async fn new_employer(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    form_page(
        &state,
        ctx,
        &user,
        None,
        EmployerInput::default(),
        FieldErrors::new(),
        None,
    )
    .await
}

/// `POST /employers`.
pub async fn create_employer(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<EmployerInput>,
) -> Result<Response, WebError> {
    match service::create_employer(&state.db, &audit, &user.access, &form).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/employers/{id}"),
            "success",
            "employer-created",
        )),
        Err(e) => refused(&state, ctx, &user, None, form, e).await,
    }
}

/// `GET /employers/{id}/edit`.
pub async fn edit_employer(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let e = store::find_employer(&state.db, &user.access, ScopeKind::Capture, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let office_code =
        sipe_platform::territory::store::office_by_id(&state.db, OfficeId(e.office_id))
            .await?
            .map(|o| o.code)
            .unwrap_or_default();
    let form = EmployerInput {
        cuit: e.cuit,
        legal_name: e.legal_name,
        trade_name: e.trade_name.unwrap_or_default(),
        activity_code: e.activity_code.unwrap_or_default(),
        size_band: e.size_band.unwrap_or_default(),
        office_code,
        address: e.address.unwrap_or_default(),
        territory_code: e.territory_code.unwrap_or_default(),
        phone: e.phone.unwrap_or_default(),
        email: e.email.unwrap_or_default(),
        website: e.website.unwrap_or_default(),
        notes: e.notes.unwrap_or_default(),
        contacts: Vec::new(),
    };
    form_page(&state, ctx, &user, Some(id), form, FieldErrors::new(), None).await
}

/// `POST /employers/{id}`.
pub async fn update_employer(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<EmployerInput>,
) -> Result<Response, WebError> {
    match service::update_employer(&state.db, &audit, &user.access, id, &form).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/employers/{id}"),
            "success",
            "employer-updated",
        )),
        Err(e) => refused(&state, ctx, &user, Some(id), form, e).await,
    }
}

/// Body of `POST /employers/{id}/active`.
#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    active: bool,
}

/// `POST /employers/{id}/active`.
pub async fn set_employer_active(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ActiveForm>,
) -> Result<Response, WebError> {
    match service::set_employer_active(&state.db, &audit, &user.access, id, form.active).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/employers/{id}"),
            "success",
            "employer-updated",
        )),
        Err(EmployerError::Store(e)) => Err(e.into()),
        Err(_) => Err(WebError::NotFound),
    }
}

/// A sub-form's outcome: back to the page with a flash, or the page with the problems.
async fn after_item(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Uuid,
    result: Result<(), EmployerError>,
    flash: &str,
    forms: SubForms,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/employers/{id}"),
            "success",
            flash,
        )),
        Err(EmployerError::Invalid(errors)) => show_page(state, ctx, user, id, forms, errors).await,
        Err(EmployerError::Store(e)) => Err(e.into()),
        Err(_) => Err(WebError::NotFound),
    }
}

/// `POST /employers/{id}/contacts`, `/sites` and `/agreements`.
pub async fn add_item<I: ItemInput>(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<I>,
) -> Result<Response, WebError> {
    let item = form.item();
    let result = service::add_item(&state.db, &audit, &user.access, id, item)
        .await
        .map(|_| ());
    let added = match I::KIND {
        ItemKind::Contact => "employer-contact-added",
        ItemKind::Site => "employer-site-added",
        ItemKind::Agreement => "employer-agreement-added",
    };
    after_item(
        &state,
        ctx,
        &user,
        id,
        result,
        added,
        SubForms::holding(item),
    )
    .await
}

/// `POST /employers/{id}/{contacts,sites,agreements}/{item_id}/delete`.
pub async fn remove_item<I: ItemInput>(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path((id, item_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, WebError> {
    let result = service::remove_item(&state.db, &audit, &user.access, id, I::KIND, item_id).await;
    after_item(
        &state,
        ctx,
        &user,
        id,
        result,
        "employer-item-removed",
        SubForms::default(),
    )
    .await
}
