//! An office's setup: its services (with their ticket prefixes) and its counters (with
//! the services each calls).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::desk::{self, CounterInput, ServiceInput};
use crate::entity::{counter, service};
use crate::error::AttentionError;
use sipe_platform::access::ScopeKind;
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::form::Choice;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Which new-record form of the page was sent back with errors.
#[derive(Default)]
enum Failed {
    #[default]
    None,
    Service(ServiceForm, FieldErrors),
    Counter(CounterForm, FieldErrors),
}

/// A counter with the names of its services.
pub struct CounterRow {
    c: counter::Model,
    services: String,
}

#[derive(askama::Template)]
#[template(path = "attention/setup.html")]
struct SetupPage {
    ctx: PageCtx,
    office: office::Model,
    services: Vec<service::Model>,
    /// Services no active counter calls.
    uncalled: Vec<Uuid>,
    counters: Vec<CounterRow>,
    service_form: ServiceForm,
    service_errors: FieldErrors,
    counter_name: String,
    counter_services: Vec<Choice>,
    counter_errors: FieldErrors,
}

impl SetupPage {
    /// A service's appointments in a cell: "cada 20 min · 2 por horario", or "—".
    fn appointments_of(&self, s: &service::Model) -> String {
        if s.slot_minutes > 0 {
            self.ctx.lang.t_args(
                "attention-slot-summary",
                &[
                    ("minutes", s.slot_minutes.to_string()),
                    ("capacity", s.slot_capacity.to_string()),
                ],
            )
        } else {
            "—".to_owned()
        }
    }
}

#[derive(askama::Template)]
#[template(path = "attention/service_edit.html")]
struct ServiceEditPage {
    ctx: PageCtx,
    office: office::Model,
    id: Uuid,
    form: ServiceForm,
    errors: FieldErrors,
}

#[derive(askama::Template)]
#[template(path = "attention/counter_edit.html")]
struct CounterEditPage {
    ctx: PageCtx,
    office: office::Model,
    id: Uuid,
    name: String,
    active: bool,
    services: Vec<Choice>,
    errors: FieldErrors,
}

/// A service as the form sends it.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ServiceForm {
    prefix: String,
    name: String,
    position: String,
    active: String,
    slot_minutes: String,
    slot_capacity: String,
}

/// A whole number typed in `field`, none when left blank.
fn number(field: &'static str, raw: &str, key: &'static str) -> Result<Option<i32>, FieldErrors> {
    match raw.trim() {
        "" => Ok(None),
        n => n
            .parse::<i32>()
            .map(Some)
            .map_err(|_| FieldErrors::one(field, key)),
    }
}

impl ServiceForm {
    fn of(s: &service::Model) -> Self {
        ServiceForm {
            prefix: s.prefix.clone(),
            name: s.name.clone(),
            position: s.position.to_string(),
            active: if s.active { "on".into() } else { String::new() },
            slot_minutes: s.slot_minutes.to_string(),
            slot_capacity: if s.slot_minutes > 0 {
                s.slot_capacity.to_string()
            } else {
                String::new()
            },
        }
    }

    fn input(&self, editing: bool) -> Result<ServiceInput, FieldErrors> {
        let position = number("position", &self.position, "attention-position-invalid")?;
        let slot_minutes = number(
            "slot_minutes",
            &self.slot_minutes,
            "attention-slot-minutes-invalid",
        )?;
        let slot_capacity = number(
            "slot_capacity",
            &self.slot_capacity,
            "attention-slot-capacity-invalid",
        )?;
        Ok(ServiceInput {
            prefix: self.prefix.clone(),
            name: self.name.clone(),
            position,
            // A new service is offered; a change sends its checkbox.
            active: Some(!editing || self.active == "on"),
            // The edit form always sends the slot: blank takes no appointments.
            slot_minutes: if editing {
                Some(slot_minutes.unwrap_or(0))
            } else {
                slot_minutes
            },
            slot_capacity,
        })
    }
}

/// A counter as the form sends it.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct CounterForm {
    name: String,
    services: Vec<String>,
    active: String,
}

impl CounterForm {
    fn input(&self, editing: bool) -> CounterInput {
        CounterInput {
            name: self.name.clone(),
            // An id that does not parse is one the office does not have.
            services: self
                .services
                .iter()
                .take(100)
                .map(|s| Uuid::parse_str(s.trim()).unwrap_or_else(|_| Uuid::max()))
                .collect(),
            active: Some(!editing || self.active == "on"),
        }
    }
}

fn service_choices(services: &[service::Model], chosen: &[String]) -> Vec<Choice> {
    services
        .iter()
        .map(|s| Choice {
            value: s.id.to_string(),
            label: format!("{} · {}", s.prefix, s.name),
            selected: chosen.iter().any(|c| c == &s.id.to_string()),
        })
        .collect()
}

async fn render(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    code: &str,
    failed: Failed,
) -> Result<Response, WebError> {
    let office = desk::store::office_in(&state.db, &user.access, ScopeKind::Capture, code).await?;
    let services = desk::store::services(&state.db, office.id, false).await?;
    let counters: Vec<CounterRow> = desk::store::counters(&state.db, office.id)
        .await?
        .into_iter()
        .map(|c| {
            let ids = desk::store::services_of(&c);
            let names: Vec<&str> = services
                .iter()
                .filter(|s| ids.contains(&s.id))
                .map(|s| s.prefix.as_str())
                .collect();
            CounterRow {
                services: names.join(", "),
                c,
            }
        })
        .collect();
    let called = desk::store::called_services(&state.db, office.id).await?;
    let uncalled = services
        .iter()
        .filter(|s| !called.contains(&s.id))
        .map(|s| s.id)
        .collect();
    let mut page = SetupPage {
        ctx,
        office,
        uncalled,
        counter_services: service_choices(&services, &[]),
        services,
        counters,
        service_form: ServiceForm::default(),
        service_errors: FieldErrors::new(),
        counter_name: String::new(),
        counter_errors: FieldErrors::new(),
    };
    let status = match failed {
        Failed::None => StatusCode::OK,
        Failed::Service(form, errors) => {
            page.service_form = form;
            page.service_errors = errors;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Failed::Counter(form, errors) => {
            page.counter_name = form.name.clone();
            page.counter_services = service_choices(&page.services, &form.services);
            page.counter_errors = errors;
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    page_with(status, page)
}

fn status_of(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// `GET /attention/services/{id}`: a service's form.
pub async fn edit_service(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (s, office) =
        desk::store::service_in(&state.db, &user.access, ScopeKind::Capture, id).await?;
    let form = ServiceForm::of(&s);
    service_edit(ctx, office, id, form, FieldErrors::new())
}

fn service_edit(
    ctx: PageCtx,
    office: office::Model,
    id: Uuid,
    form: ServiceForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    page_with(
        status_of(&errors),
        ServiceEditPage {
            ctx,
            office,
            id,
            form,
            errors,
        },
    )
}

/// `GET /attention/counters/{id}/edit`: a counter's form.
pub async fn edit_counter(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (c, office) =
        desk::store::counter_in(&state.db, &user.access, ScopeKind::Capture, id).await?;
    let chosen: Vec<String> = desk::store::services_of(&c)
        .iter()
        .map(Uuid::to_string)
        .collect();
    let form = CounterForm {
        name: c.name.clone(),
        services: chosen,
        active: if c.active { "on".into() } else { String::new() },
    };
    counter_edit(&state, ctx, office, id, form, FieldErrors::new()).await
}

async fn counter_edit(
    state: &AppState,
    ctx: PageCtx,
    office: office::Model,
    id: Uuid,
    form: CounterForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let services = desk::store::services(&state.db, office.id, false).await?;
    page_with(
        status_of(&errors),
        CounterEditPage {
            ctx,
            services: service_choices(&services, &form.services),
            office,
            id,
            name: form.name,
            active: form.active == "on",
            errors,
        },
    )
}

/// `GET /attention/offices/{code}/setup`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    render(&state, ctx, &user, &code, Failed::None).await
}

fn back(code: &str, key: &str) -> Response {
    redirect_with_flash(&format!("/attention/offices/{code}/setup"), "success", key)
}

/// `POST /attention/offices/{code}/services`.
pub async fn create_service(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    Form(form): Form<ServiceForm>,
) -> Result<Response, WebError> {
    let done = match form.input(false) {
        Ok(input) => desk::service::create_service(&state.db, &audit, &user.access, &code, &input)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match done {
        Ok(()) => Ok(back(&code, "attention-service-saved")),
        Err(AttentionError::Invalid(errors)) => {
            render(&state, ctx, &user, &code, Failed::Service(form, errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /attention/services/{id}`.
pub async fn update_service(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ServiceForm>,
) -> Result<Response, WebError> {
    let (_, office) =
        desk::store::service_in(&state.db, &user.access, ScopeKind::Capture, id).await?;
    let done = match form.input(true) {
        Ok(input) => {
            desk::service::update_service(&state.db, &audit, &user.access, id, &input).await
        }
        Err(e) => Err(e.into()),
    };
    match done {
        Ok(()) => Ok(back(&office.code, "attention-service-saved")),
        Err(AttentionError::Invalid(errors)) => service_edit(ctx, office, id, form, errors),
        Err(e) => Err(e.into()),
    }
}

/// `POST /attention/offices/{code}/counters`.
pub async fn create_counter(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    Form(form): Form<CounterForm>,
) -> Result<Response, WebError> {
    let input = form.input(false);
    match desk::service::create_counter(&state.db, &audit, &user.access, &code, &input).await {
        Ok(_) => Ok(back(&code, "attention-counter-saved")),
        Err(AttentionError::Invalid(errors)) => {
            render(&state, ctx, &user, &code, Failed::Counter(form, errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /attention/counters/{id}/edit`.
pub async fn update_counter(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<CounterForm>,
) -> Result<Response, WebError> {
    let (_, office) =
        desk::store::counter_in(&state.db, &user.access, ScopeKind::Capture, id).await?;
    let input = form.input(true);
    match desk::service::update_counter(&state.db, &audit, &user.access, id, &input).await {
        Ok(()) => Ok(back(&office.code, "attention-counter-saved")),
        Err(AttentionError::Invalid(errors)) => {
            counter_edit(&state, ctx, office, id, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
