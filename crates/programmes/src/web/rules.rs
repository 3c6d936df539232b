//! Pages of a programme's rules (criteria, office quotas, incompatibilities) and of who
//! is eligible for it.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use uuid::Uuid;

use crate::eligibility::form::RulesForm;
use crate::eligibility::who;
use crate::error::ProgrammeError;
use crate::programmes::{self, Programme};
use crate::rules;
use sipe_persons::Person;
use sipe_persons::input::{EDUCATION_LEVELS, EMPLOYMENT_STATUSES};
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, ExportLinks, Format};
use sipe_platform::web::form::Choice;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ExportPages, ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// An office's row of the quota table.
pub struct QuotaRow {
    code: String,
    name: String,
    value: String,
}

#[derive(askama::Template)]
#[template(path = "programmes/rules.html")]
struct RulesPage {
    ctx: PageCtx,
    programme: Programme,
    form: RulesForm,
    errors: FieldErrors,
    provinces: Vec<Choice>,
    departments: Vec<Choice>,
    statuses: Vec<Choice>,
    levels: Vec<Choice>,
    quotas: Vec<QuotaRow>,
    others: Vec<Choice>,
    national: Vec<Choice>,
    receives: Vec<Choice>,
}

async fn programme(state: &AppState, id: Uuid) -> Result<Programme, WebError> {
    programmes::find(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)
}

async fn rules_page(
    state: &AppState,
    ctx: PageCtx,
    id: Uuid,
    form: Option<RulesForm>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    use sipe_platform::territory::store as territory;
    let programme = programme(state, id).await?;
    let form = match form {
        Some(f) => f,
        None => RulesForm::of(&rules::read(&state.db, id).await?),
    };
    let provinces: Vec<Choice> = territory::of_kinds(&state.db, &["province"])
        .await?
        .into_iter()
        .map(|t| Choice {
            selected: t.code == form.residence_province,
            value: t.code,
            label: t.name,
        })
        .collect();
    let departments = if form.residence_province.is_empty() {
        Vec::new()
    } else {
        territory::departments_of(&state.db, &form.residence_province)
            .await?
            .into_iter()
            .map(|t| Choice {
                selected: form.residence_departments.contains(&t.code),
                value: t.code,
                label: t.name,
            })
            .collect()
    };
    let statuses = EMPLOYMENT_STATUSES
        .iter()
        .map(|s| Choice {
            value: (*s).into(),
            label: ctx.tp("criterion-status-", s).into_owned(),
            selected: form.employment_statuses.iter().any(|x| x == s),
        })
        .collect();
    let levels = EDUCATION_LEVELS
        .iter()
        .map(|l| Choice {
            value: (*l).into(),
            label: ctx.tp("isced-", l).into_owned(),
            selected: form.education_max == *l,
        })
        .collect();
    let quotas = territory::all_offices(&state.db)
        .await?
        .into_iter()
        .map(|o| QuotaRow {
            value: form.quota_of(&o.code).to_owned(),
            code: o.code,
            name: o.name,
        })
        .collect();
    let others = programmes::all(&state.db)
        .await?
        .into_iter()
        .filter(|p| p.id != id)
        .map(|p| Choice {
            selected: form.incompatible.contains(&p.id.to_string()),
            value: p.id.to_string(),
            label: format!("{} — {}", p.code, p.name),
        })
        .collect();
    let national = crate::national::store::all(&state.db)
        .await?
        .into_iter()
        .map(|p| Choice {
            selected: form.benefits_programmes.contains(&p.code),
            label: format!("{} — {}", p.code, p.name),
            value: p.code,
        })
        .collect();
    let receives = ["yes", "no"]
        .iter()
        .map(|v| Choice {
            value: (*v).into(),
            label: ctx.tp("criterion-benefits-receives-", v).into_owned(),
            selected: form.benefits_receives == *v
                || (form.benefits_receives.is_empty() && *v == "yes"),
        })
        .collect();
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        RulesPage {
            ctx,
            programme,
            form,
            errors,
            provinces,
            departments,
            statuses,
            levels,
            quotas,
            others,
            national,
            receives,
        },
    )
}

/// `GET /programmes/{id}/rules`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    rules_page(&state, ctx, id, None, FieldErrors::new()).await
}

/// `POST /programmes/{id}/rules`.
pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<RulesForm>,
) -> Result<Response, WebError> {
    let done = match form.input() {
        Ok(input) => rules::set(&state.db, &audit, id, &input).await,
        Err(e) => Err(ProgrammeError::Invalid(e)),
    };
    match done {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/programmes/{id}"),
            "success",
            "programme-rules-saved",
        )),
        Err(ProgrammeError::Invalid(errors)) => {
            rules_page(&state, ctx, id, Some(form), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "programmes/eligible.html")]
struct EligiblePage {
    ctx: PageCtx,
    programme: Programme,
    has_criteria: bool,
    counts: who::Counts,
    rows: Vec<Person>,
    pager: Pager,
    export: ExportLinks,
}

fn today(state: &AppState) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&state.tz).date_naive()
}

/// `GET /programmes/{id}/eligible`: counts per office over the registry, and the people
/// of the reader's scope.
pub async fn eligible(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Query(list): Query<ListQuery>,
) -> Result<Response, WebError> {
    let programme = programme(&state, id).await?;
    let criteria = crate::eligibility::store::of(&state.db, id).await?;
    let day = today(&state);
    let counts = who::counts(&state.db, &user.access, id, &criteria, day).await?;
    let base = format!("/programmes/{id}/eligible");
    let mut pager = Pager::new(&base, &list, &["name"], false)?;
    let (rows, total) = who::page(&state.db, &user.access, id, &criteria, day, &pager).await?;
    pager.total = total;
    super::shown(
        &state,
        &audit,
        "programmes.eligible.list",
        rows.iter().map(|r| r.id),
    )
    .await?;
    page_with(
        axum::http::StatusCode::OK,
        EligiblePage {
            ctx,
            has_criteria: !criteria.is_empty(),
            counts,
            rows,
            pager,
            export: ExportLinks::new(&base, [], "eligible-export"),
            programme,
        },
    )
}

/// `GET /programmes/{id}/eligible.csv|.xlsx`: the eligible people of the reader's scope.
pub async fn export(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let programme = programme(&state, id).await?;
    let criteria = crate::eligibility::store::of(&state.db, id).await?;
    let mut out = Export::new(
        format,
        &format!("elegibles-{}", programme.code.to_lowercase()),
        &EXPORT_HEADER,
    )
    .audit(
        "programmes.eligible.export",
        "programme",
        serde_json::json!({"programme_id": id}),
    )
    .back_to(&format!("/programmes/{id}/eligible"));
    let offices = sipe_platform::territory::store::all_offices(&state.db).await?;
    let day = today(&state);
    let mut pages = ExportPages::new(&format!("/programmes/{id}/eligible.csv"), &["name"], false);
    while let Some(pager) = pages.next_page() {
        let (rows, total) = who::page(&state.db, &user.access, id, &criteria, day, &pager).await?;
        if !out.expect(total) {
            break;
        }
        for p in &rows {
            let office = offices
                .iter()
                .find(|o| o.id == p.office_id)
                .map_or("", |o| o.code.as_str());
            out.row([
                p.doc_type.clone(),
                p.doc_number.clone(),
                p.cuil.clone().unwrap_or_default(),
                format!("{}, {}", p.surnames, p.names),
                office.to_owned(),
                p.birth_date.to_string(),
            ]);
        }
        pages.read(rows.len(), total);
    }
    out.respond(&state, &audit).await
}

/// Columns of the eligible people's export.
const EXPORT_HEADER: [&str; 6] = [
    "tipo_documento",
    "documento",
    "cuil",
    "apellido_nombre",
    "oficina",
    "fecha_nacimiento",
];
