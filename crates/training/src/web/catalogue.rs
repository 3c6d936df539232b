//! Pages of institutions and courses.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::{options, status_of};
use crate::cohorts::{self, Cohort};
use crate::courses::{self, Course, CourseInput};
use crate::domain::{Certification, InstitutionKind, Modality};
use crate::error::TrainingError;
use crate::institutions::{self, Institution, InstitutionInput};
use sipe_platform::access::Permission;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Filters of the catalogue lists.
#[derive(Debug, Deserialize, Default)]
pub struct CatalogueQuery {
    #[serde(default)]
    pub(crate) q: String,
    #[serde(flatten)]
    pub(crate) list: ListQuery,
}

#[derive(askama::Template)]
#[template(path = "training/institutions.html")]
struct InstitutionsPage {
    ctx: PageCtx,
    rows: Vec<Institution>,
    pager: Pager,
    q: String,
    can_manage: bool,
}

/// `GET /training/institutions`.
pub async fn list_institutions(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, WebError> {
    let mut pager = Pager::new(
        "/training/institutions",
        &query.list,
        &institutions::SORTS,
        false,
    )?
    .keep("q", &query.q);
    let filter = institutions::Filter {
        q: sipe_platform::validation::search_text("q", &query.q)?,
        active: None,
    };
    let (rows, total) = institutions::list(&state.db, &filter, &pager).await?;
    pager.total = total;
    page_with(
        axum::http::StatusCode::OK,
        InstitutionsPage {
            ctx,
            rows,
            pager,
            q: query.q,
            can_manage: user.access.can(Permission::ManageTraining),
        },
    )
}

#[derive(askama::Template)]
#[template(path = "training/institution.html")]
struct InstitutionPage {
    ctx: PageCtx,
    institution: Option<Institution>,
    territory: Option<String>,
    cohorts: Vec<Cohort>,
    form: InstitutionInput,
    errors: FieldErrors,
    kinds: Vec<&'static str>,
    departments: Vec<Choice>,
    can_manage: bool,
    can_run: bool,
}

async fn institution_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Option<Uuid>,
    form: Option<InstitutionInput>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let institution = match id {
        Some(id) => Some(
            institutions::find(&state.db, id)
                .await?
                .ok_or(WebError::NotFound)?,
        ),
        None => None,
    };
    let form = form.unwrap_or_else(|| {
        institution
            .as_ref()
            .map(InstitutionInput::from)
            .unwrap_or_default()
    });
    let territory = match institution.as_ref().and_then(|i| i.territory_code.clone()) {
        Some(code) => sipe_platform::territory::store::find_territory(&state.db, &code)
            .await?
            .map(|t| t.name),
        None => None,
    };
    let departments =
        sipe_platform::territory::store::departments_of(&state.db, &state.config.province_code)
            .await?
            .into_iter()
            .map(|d| (d.code, d.name));
    let cohorts = match &institution {
        Some(i) => {
            let pager = Pager::new(
                "/training/cohorts",
                &ListQuery::default(),
                &cohorts::SORTS,
                true,
            )?;
            cohorts::list(
                &state.db,
                &user.access,
                &cohorts::Filter {
                    institution_id: Some(i.id),
                    ..Default::default()
                },
                &pager,
            )
            .await?
            .0
        }
        None => Vec::new(),
    };
    page_with(
        status_of(&errors),
        InstitutionPage {
            departments: options(departments, &form.territory_code),
            ctx,
            institution,
            territory,
            cohorts,
            form,
            errors,
            kinds: InstitutionKind::ALL.iter().map(|k| k.as_str()).collect(),
            can_manage: user.access.can(Permission::ManageTraining),
            can_run: user.access.can(Permission::ManageCohorts),
        },
    )
}

/// `GET /training/institutions/new`.
pub async fn new_institution(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    institution_page(&state, ctx, &user, None, None, FieldErrors::new()).await
}

/// `GET /training/institutions/{id}`.
pub async fn show_institution(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    institution_page(&state, ctx, &user, Some(id), None, FieldErrors::new()).await
}

/// `POST /training/institutions` and `POST /training/institutions/{id}`.
pub async fn save_institution(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    id: Option<Path<Uuid>>,
    Form(form): Form<InstitutionInput>,
) -> Result<Response, WebError> {
    let id = id.map(|Path(id)| id);
    let done = match id {
        Some(id) => institutions::update(&state.db, &audit, id, &form)
            .await
            .map(|()| id),
        None => institutions::create(&state.db, &audit, &form).await,
    };
    match done {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/training/institutions/{id}"),
            "success",
            "training-saved",
        )),
        Err(TrainingError::Invalid(errors)) => {
            institution_page(&state, ctx, &user, id, Some(form), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "training/courses.html")]
struct CoursesPage {
    ctx: PageCtx,
    rows: Vec<Course>,
    pager: Pager,
    q: String,
    can_manage: bool,
}

/// `GET /training/courses`.
pub async fn list_courses(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, WebError> {
    let mut pager =
        Pager::new("/training/courses", &query.list, &courses::SORTS, false)?.keep("q", &query.q);
    let q = sipe_platform::validation::search_text("q", &query.q)?;
    let (rows, total) = courses::list(&state.db, &q, &pager).await?;
    pager.total = total;
    page_with(
        axum::http::StatusCode::OK,
        CoursesPage {
            ctx,
            rows,
            pager,
            q: query.q,
            can_manage: user.access.can(Permission::ManageTraining),
        },
    )
}

#[derive(askama::Template)]
#[template(path = "training/course.html")]
struct CoursePage {
    ctx: PageCtx,
    course: Option<Course>,
    occupation: Option<String>,
    skills: Vec<String>,
    cohorts: Vec<Cohort>,
    form: CourseInput,
    errors: FieldErrors,
    modalities: Vec<&'static str>,
    certifications: Vec<&'static str>,
    education: Vec<Choice>,
    standards: Vec<Choice>,
    standard: Option<crate::standards::Standard>,
    can_manage: bool,
    can_run: bool,
}

async fn course_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Option<Uuid>,
    form: Option<CourseInput>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let course = match id {
        Some(id) => Some(
            courses::find(&state.db, id)
                .await?
                .ok_or(WebError::NotFound)?,
        ),
        None => None,
    };
    let catalog = sipe_platform::taxonomy::skills::catalog(&state.db).await?;
    let codes = match &course {
        Some(c) => courses::skill_codes(&state.db, c.id).await?,
        None => Vec::new(),
    };
    let skills = codes
        .iter()
        .map(|c| catalog.label(c).unwrap_or(c).to_owned())
        .collect();
    let form = form.unwrap_or_else(|| match &course {
        Some(c) => courses::input_of(c, &codes, &catalog),
        None => CourseInput::default(),
    });
    let occupation = course
        .as_ref()
        .and_then(|c| c.occupation_code.as_deref())
        .map(courses::occupation_label);
    let cohorts = match &course {
        Some(c) => {
            let pager = Pager::new(
                "/training/cohorts",
                &ListQuery::default(),
                &cohorts::SORTS,
                true,
            )?;
            cohorts::list(
                &state.db,
                &user.access,
                &cohorts::Filter {
                    course_id: Some(c.id),
                    ..Default::default()
                },
                &pager,
            )
            .await?
            .0
        }
        None => Vec::new(),
    };
    let education = options(
        (0..=8).map(|l| (l.to_string(), ctx.tp("isced-", l.to_string()).into_owned())),
        &form.min_education,
    );
    let standard = match course.as_ref().and_then(|c| c.standard_id) {
        Some(id) => crate::standards::find(&state.db, id).await?,
        None => None,
    };
    // Active standards, and the course's own even if it was retired since.
    let mut choices = crate::standards::active(&state.db).await?;
    if let Some(s) = standard.as_ref().filter(|s| !s.active) {
        choices.push(s.clone());
    }
    let standards = options(
        choices
            .into_iter()
            .map(|s| (s.id.to_string(), format!("{} {}", s.code, s.title))),
        &form.standard,
    );
    page_with(
        status_of(&errors),
        CoursePage {
            standards,
            standard,
            ctx,
            course,
            occupation,
            skills,
            cohorts,
            form,
            errors,
            modalities: Modality::ALL.iter().map(|m| m.as_str()).collect(),
            certifications: Certification::ALL.iter().map(|m| m.as_str()).collect(),
            education,
            can_manage: user.access.can(Permission::ManageTraining),
            can_run: user.access.can(Permission::ManageCohorts),
        },
    )
}

/// `GET /training/courses/new`.
pub async fn new_course(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    course_page(&state, ctx, &user, None, None, FieldErrors::new()).await
}

/// `GET /training/courses/{id}`.
pub async fn show_course(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    course_page(&state, ctx, &user, Some(id), None, FieldErrors::new()).await
}

/// `POST /training/courses` and `POST /training/courses/{id}`.
pub async fn save_course(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    id: Option<Path<Uuid>>,
    Form(form): Form<CourseInput>,
) -> Result<Response, WebError> {
    let id = id.map(|Path(id)| id);
    let done = match id {
        Some(id) => courses::update(&state.db, &audit, id, &form)
            .await
            .map(|()| id),
        None => courses::create(&state.db, &audit, &form).await,
    };
    match done {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/training/courses/{id}"),
            "success",
            "training-saved",
        )),
        Err(TrainingError::Invalid(errors)) => {
            course_page(&state, ctx, &user, id, Some(form), errors).await
        }
        Err(e) => Err(e.into()),
    }
}
