//! Public pages, without login: an office's display (fed by the display stream), its
//! kiosk (a touch page at the entrance that issues tickets, rate-limited per address)
//! and a ticket's page (its number, the people ahead and a QR to follow it on a
//! phone; `?imprimir=1` lays it out for an 80-mm printer). None shows a person.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::desk;
use crate::display::public_office;
use crate::entity::{call, service, ticket};
use crate::error::AttentionError;
use crate::tickets::service::{IssueInput, Issuer, Queue, issue};
use crate::tickets::{Source, TicketStatus, store};
use sea_orm::EntityTrait;
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Client, Ctx};
use sipe_platform::web::form::Choice;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

const SCRIPT: &str = include_str!("../../static/attention.js");
const STYLE: &str = include_str!("../../static/attention.css");

/// `/static/attention.css`: the display's, kiosk's and ticket's layout.
pub async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}

/// `/static/attention.js`: the display's stream, chime and speech; the kiosk's return.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
}

/// Calls shown on a display when it opens.
const SHOWN: u64 = 8;

#[derive(askama::Template)]
#[template(path = "attention/display.html")]
struct DisplayPage {
    ctx: PageCtx,
    office: office::Model,
    calls: Vec<call::Model>,
    after: String,
    /// A QR of the office's virtual queue, for people to take a ticket on their phone.
    web_qr: String,
}

/// A QR code of `url`, as SVG.
pub(crate) fn qr_svg(url: &str) -> String {
    qrcode::QrCode::new(url.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

/// `GET /offices/{code}/display`: the office's screen of calls.
pub async fn display(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let office = public_office(&state.db, &code).await?;
    let since = chrono::Utc::now() - chrono::TimeDelta::hours(12);
    let calls = store::latest_calls(&state.db, office.id, since, SHOWN).await?;
    // The stream starts after the newest call shown (0: from the first of today).
    let after = calls.first().map_or(0, |c| c.seq).to_string();
    page_with(
        StatusCode::OK,
        DisplayPage {
            web_qr: qr_svg(&format!("{}/offices/{}/turno", state.base_url, office.code)),
            ctx,
            office,
            calls,
            after,
        },
    )
}

/// Tickets issued per minute and address at the kiosk and from the web.
pub struct KioskLimiter(pub(crate) sipe_platform::web::auth::LoginLimiter);

impl Default for KioskLimiter {
    fn default() -> Self {
        KioskLimiter(sipe_platform::web::auth::LoginLimiter::new(30))
    }
}

#[derive(askama::Template)]
#[template(path = "attention/kiosk.html")]
struct KioskPage {
    ctx: PageCtx,
    office: office::Model,
    services: Vec<service::Model>,
    priorities: Vec<Choice>,
    form: KioskForm,
    errors: FieldErrors,
    /// Too many tickets from this address in the last minute.
    limited: bool,
    /// The person's own phone on the web (the virtual queue), not the entrance's tablet:
    /// the document is required, one waiting ticket per person.
    web: bool,
}

/// What the kiosk sends.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct KioskForm {
    service_id: String,
    priority: String,
    document: String,
    phone: String,
}

async fn kiosk_page(
    state: &AppState,
    ctx: PageCtx,
    code: &str,
    form: KioskForm,
    errors: FieldErrors,
    limited: bool,
    web: bool,
) -> Result<Response, WebError> {
    let office = public_office(&state.db, code).await?;
    let called = desk::store::called_services(&state.db, office.id).await?;
    let services = desk::store::services(&state.db, office.id, true)
        .await?
        .into_iter()
        .filter(|s| called.contains(&s.id))
        .collect();
    let status = if limited {
        StatusCode::TOO_MANY_REQUESTS
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        KioskPage {
            priorities: super::queue::priority_choices(&ctx, &form.priority, true),
            ctx,
            office,
            services,
            form,
            errors,
            limited,
            web,
        },
    )
}

/// `GET /offices/{code}/kiosk`.
pub async fn kiosk(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    kiosk_page(
        &state,
        ctx,
        &code,
        KioskForm::default(),
        FieldErrors::new(),
        false,
        false,
    )
    .await
}

/// `GET /offices/{code}/turno`: the virtual queue, a ticket from one's own phone.
pub async fn web_queue(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    kiosk_page(
        &state,
        ctx,
        &code,
        KioskForm::default(),
        FieldErrors::new(),
        false,
        true,
    )
    .await
}

/// `POST /offices/{code}/turno`: issues a virtual-queue ticket and shows it.
pub async fn web_issue(
    state: State<AppState>,
    ctx: PageCtx,
    client: Client,
    audit: Ctx,
    code: Path<String>,
    form: Form<KioskForm>,
) -> Result<Response, WebError> {
    take_ticket(state, ctx, client, audit, code, form, true).await
}

/// `POST /offices/{code}/kiosk`: issues the ticket and shows it.
pub async fn kiosk_issue(
    state: State<AppState>,
    ctx: PageCtx,
    client: Client,
    audit: Ctx,
    code: Path<String>,
    form: Form<KioskForm>,
) -> Result<Response, WebError> {
    take_ticket(state, ctx, client, audit, code, form, false).await
}

/// A ticket taken by the public, at the kiosk or on the web, 30 a minute per address.
async fn take_ticket(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: Client,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    Form(form): Form<KioskForm>,
    web: bool,
) -> Result<Response, WebError> {
    let allowed = match (state.extensions.get::<KioskLimiter>(), client.ip) {
        (Some(l), Some(ip)) => l.0.allow(ip),
        _ => true,
    };
    if !allowed {
        let mut page = kiosk_page(&state, ctx, &code, form, FieldErrors::new(), true, web).await?;
        page.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
        return Ok(page);
    }
    let input = IssueInput {
        service_id: Uuid::parse_str(form.service_id.trim()).ok(),
        priority: Some(form.priority.clone()),
        document: Some(form.document.clone()),
        person_id: None,
        phone: Some(form.phone.clone()),
    };
    match issue(
        &Queue::of(&state),
        &audit,
        Issuer::Public(if web { Source::Web } else { Source::Kiosk }),
        &code,
        &input,
    )
    .await
    {
        Ok(t) if web => Ok(Redirect::to(&format!("/turnos/{}", t.id)).into_response()),
        Ok(t) => Ok(Redirect::to(&format!("/turnos/{}?kiosco=1", t.id)).into_response()),
        Err(AttentionError::Invalid(errors)) => {
            kiosk_page(&state, ctx, &code, form, errors, false, web).await
        }
        Err(e) => Err(e.into()),
    }
}

/// How the ticket page is shown.
#[derive(Debug, Default, Deserialize)]
pub struct TicketQuery {
    /// Laid out for the 80-mm printer, printing at once.
    imprimir: Option<String>,
    /// Shown at the kiosk: back to it after a while.
    kiosco: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "attention/ticket.html")]
struct TicketPage {
    ctx: PageCtx,
    t: ticket::Model,
    office: office::Model,
    service: String,
    status: TicketStatus,
    ahead: Option<u64>,
    counter: Option<String>,
    qr: String,
    print: bool,
    kiosk: bool,
}

/// `GET /turnos/{id}`: a ticket's page (its id, 74 random bits, is the key).
pub async fn ticket(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<TicketQuery>,
) -> Result<Response, WebError> {
    let id = Uuid::parse_str(&id).map_err(|_| WebError::NotFound)?;
    let t = ticket::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(WebError::NotFound)?;
    let office = sipe_platform::territory::store::office_by_id(
        &state.db,
        sipe_platform::ids::OfficeId(t.office_id),
    )
    .await?
    .ok_or(WebError::NotFound)?;
    let service = service::Entity::find_by_id(t.service_id)
        .one(&state.db)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let status = TicketStatus::parse(&t.status).unwrap_or(TicketStatus::Waiting);
    let ahead = if status == TicketStatus::Waiting {
        Some(store::ahead_of(&state.db, &t).await?)
    } else {
        None
    };
    let counter = match (status.at_counter(), t.counter_id) {
        (true, Some(c)) => crate::entity::counter::Entity::find_by_id(c)
            .one(&state.db)
            .await?
            .map(|c| c.name),
        _ => None,
    };
    let qr = qr_svg(&format!("{}/turnos/{}", state.base_url, t.id));
    page_with(
        StatusCode::OK,
        TicketPage {
            ctx,
            office,
            service,
            status,
            ahead,
            counter,
            qr,
            print: q.imprimir.is_some(),
            kiosk: q.kiosco.is_some(),
            t,
        },
    )
}
