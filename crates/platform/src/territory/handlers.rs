//! HTML handlers of offices and territories: extract, parse, call, render.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::domain::{OfficeInput, OfficeKind};
use super::service::{self, OfficeError};
use super::store;
use super::views::*;
use crate::access::{Permission, ScopeKind};
use crate::validation::FieldErrors;
use crate::web::auth::{Authenticated, Ctx};
use crate::web::page::redirect_with_flash;
use crate::web::table::{ListQuery, Pager};
use crate::web::{AppState, PageCtx, WebError};

/// Filters of the offices list.
#[derive(Debug, Deserialize, Default)]
pub struct OfficeListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(flatten)]
    list: ListQuery,
}

/// `GET /offices`.
pub async fn list_offices(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(query): Query<OfficeListQuery>,
) -> Result<Response, WebError> {
    let mut pager = Pager::new(
        "/offices",
        &query.list,
        &["code", "name", "kind", "updated_at"],
        false,
    )?
    .keep("q", &query.q)
    .keep("kind", &query.kind);
    let filter = store::OfficeFilter {
        q: query.q.trim().to_owned(),
        kind: OfficeKind::parse(&query.kind).map(|k| k.as_str().to_owned()),
        active: None,
    };
    let (rows, total) = store::list_offices(&state.db, &user.access, &filter, &pager).await?;
    pager.total = total;
    crate::web::render::page(OfficesPage {
        ctx,
        rows,
        pager,
        q: query.q,
        kind: query.kind,
        can_manage: user.access.can(Permission::ManageOffices),
    })
}

/// `GET /offices/{id}`.
pub async fn show_office(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let access = &user.access;
    let office = store::find_office(&state.db, access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let parent = match office.parent_id {
        Some(p) => store::find_office(&state.db, access, p).await?,
        None => None,
    };
    let territory = match &office.territory_code {
        Some(code) => store::find_territory(&state.db, code).await?,
        None => None,
    };
    let coverage = store::coverage(&state.db, id).await?;
    let children = store::offices_in_scope(&state.db, access, ScopeKind::View)
        .await?
        .into_iter()
        .filter(|o| o.parent_id == Some(id))
        .collect();
    let users = crate::access::store::count_users_with_office(&state.db, id).await?;
    crate::web::render::page(OfficePage {
        ctx,
        can_manage: access.can(Permission::ManageOffices)
            && access.capture.includes_path(&office.path),
        office,
        parent,
        territory,
        coverage,
        children,
        users,
    })
}

/// Which office form: new (no id) or edit (the office's id).
struct Target(Option<Uuid>);

impl Target {
    fn action(&self) -> String {
        match self.0 {
            Some(id) => format!("/offices/{id}"),
            None => "/offices".into(),
        }
    }

    fn title_key(&self) -> &'static str {
        if self.0.is_some() {
            "office-edit-title"
        } else {
            "office-new-title"
        }
    }
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    target: Target,
    form: OfficeInput,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let self_id = target.0;
    let parents = store::offices_in_scope(&state.db, &user.access, ScopeKind::Capture).await?;
    let departments = store::departments_of(&state.db, &state.config.province_code).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = OfficeFormPage {
        kinds: OfficeKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().into(),
                label: ctx.t(k.label_key()).into_owned(),
                selected: form.kind == k.as_str(),
            })
            .collect(),
        parents: parents
            .into_iter()
            .filter(|p| {
                Some(p.id) != self_id && !self_id.is_some_and(|id| p.path.contains(&id.to_string()))
            })
            .map(|p| Choice {
                selected: form.parent_code.eq_ignore_ascii_case(&p.code),
                label: format!("{} — {}", p.code, p.name),
                value: p.code,
            })
            .collect(),
        places: departments
            .iter()
            .map(|d| Choice {
                value: d.code.clone(),
                label: d.name.clone(),
                selected: form.territory_code == d.code,
            })
            .collect(),
        coverage: departments
            .iter()
            .map(|d| Choice {
                value: d.code.clone(),
                label: d.name.clone(),
                selected: form.coverage.contains(&d.code),
            })
            .collect(),
        ctx,
        action: target.action(),
        title_key: target.title_key(),
        form,
        errors,
    };
    let html = askama::Template::render(&page).map_err(anyhow::Error::from)?;
    Ok((status, Html(html)).into_response())
}

/// `GET /offices/new`.
pub async fn new_office(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    let form = OfficeInput {
        kind: "employment_office".into(),
        ..Default::default()
    };
    form_page(&state, ctx, &user, Target(None), form, FieldErrors::new()).await
}

/// `POST /offices`.
pub async fn create_office(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<OfficeInput>,
) -> Result<Response, WebError> {
    match service::create_office(&state.db, &audit, &user.access, &form).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/offices/{id}"),
            "success",
            "office-created",
        )),
        Err(OfficeError::Invalid(errors)) => {
            form_page(&state, ctx, &user, Target(None), form, errors).await
        }
        Err(OfficeError::NotFound) => Err(WebError::NotFound),
        Err(OfficeError::Store(e)) => Err(e.into()),
    }
}

/// `GET /offices/{id}/edit`.
pub async fn edit_office(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let o = store::find_office(&state.db, &user.access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if !user.access.capture.includes_path(&o.path) {
        return Err(WebError::NotFound);
    }
    let parent_code = match o.parent_id {
        Some(p) => store::find_office(&state.db, &user.access, p)
            .await?
            .map(|p| p.code)
            .unwrap_or_default(),
        None => String::new(),
    };
    let coverage = store::coverage(&state.db, id)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    let form = OfficeInput {
        code: o.code,
        name: o.name,
        kind: o.kind,
        parent_code,
        address: o.address,
        territory_code: o.territory_code.unwrap_or_default(),
        phone: o.phone,
        email: o.email,
        opening_hours: o.opening_hours,
        coverage,
    };
    form_page(
        &state,
        ctx,
        &user,
        Target(Some(id)),
        form,
        FieldErrors::new(),
    )
    .await
}

/// `POST /offices/{id}`.
pub async fn update_office(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<OfficeInput>,
) -> Result<Response, WebError> {
    match service::update_office(&state.db, &audit, &user.access, id, &form).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/offices/{id}"),
            "success",
            "office-updated",
        )),
        Err(OfficeError::Invalid(errors)) => {
            form_page(&state, ctx, &user, Target(Some(id)), form, errors).await
        }
        Err(OfficeError::NotFound) => Err(WebError::NotFound),
        Err(OfficeError::Store(e)) => Err(e.into()),
    }
}

/// Body of the activate/deactivate buttons.
#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    active: String,
}

/// `POST /offices/{id}/active`.
pub async fn set_office_active(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ActiveForm>,
) -> Result<Response, WebError> {
    let active = form.active == "true";
    match service::set_office_active(&state.db, &audit, &user.access, id, active).await {
        Ok(()) => {
            let key = if active {
                "office-activated"
            } else {
                "office-deactivated"
            };
            Ok(redirect_with_flash(
                &format!("/offices/{id}"),
                "success",
                key,
            ))
        }
        Err(OfficeError::NotFound | OfficeError::Invalid(_)) => Err(WebError::NotFound),
        Err(OfficeError::Store(e)) => Err(e.into()),
    }
}

/// Query of the territories pages.
#[derive(Debug, Deserialize, Default)]
pub struct TerritoryQuery {
    #[serde(default)]
    q: String,
    #[serde(flatten)]
    list: ListQuery,
}

/// `GET /territories`: the provinces.
pub async fn list_territories(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(query): Query<TerritoryQuery>,
) -> Result<Response, WebError> {
    territories_page(state, ctx, None, query).await
}

/// `GET /territories/{code}`: a unit and the units below it.
pub async fn show_territory(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
    Query(query): Query<TerritoryQuery>,
) -> Result<Response, WebError> {
    let t = store::find_territory(&state.db, &code)
        .await?
        .ok_or(WebError::NotFound)?;
    territories_page(state, ctx, Some(t), query).await
}

async fn territories_page(
    state: AppState,
    ctx: PageCtx,
    current: Option<super::entity::territory::Model>,
    query: TerritoryQuery,
) -> Result<Response, WebError> {
    let base = match &current {
        Some(t) => format!("/territories/{}", t.code),
        None => "/territories".to_owned(),
    };
    let mut pager =
        Pager::new(&base, &query.list, &["code", "name", "population"], false)?.keep("q", &query.q);
    let (rows, total) = store::list_territories(
        &state.db,
        current.as_ref().map(|t| t.code.as_str()),
        query.q.trim(),
        &pager,
    )
    .await?;
    pager.total = total;
    crate::web::render::page(TerritoriesPage {
        ctx,
        current,
        rows,
        pager,
        q: query.q,
    })
}
