//! The counter screen: the operator signs in, calls the next ticket, and moves the
//! ticket they hold (recall, start, absent, redirect, finish). The ticket's person,
//! when known or found by the document typed at issue, is one click away.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use crate::desk;
use crate::entity::{counter, service, ticket};
use crate::error::AttentionError;
use crate::tickets::service::{self as tickets, Queue, TicketStep};
use crate::tickets::{TicketStatus, store};
use sipe_platform::access::ScopeKind;
use sipe_platform::territory::entity::office;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::form::Choice;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// The ticket the counter holds, as the screen shows it.
pub struct Current {
    t: ticket::Model,
    service: String,
    waited: i64,
    called: bool,
    /// The person's record, when the operator may find it.
    person: Option<(Uuid, String)>,
}

#[derive(askama::Template)]
#[template(path = "attention/counter.html")]
struct CounterPage {
    ctx: PageCtx,
    office: office::Model,
    counter: counter::Model,
    mine: bool,
    current: Option<Current>,
    /// The counter holds a ticket called and not started: start it or mark it absent
    /// before calling the next.
    holding_called: bool,
    waiting: usize,
    redirect_to: Vec<Choice>,
    topics: Vec<Choice>,
}

async fn person_of(
    state: &AppState,
    user: &Authenticated,
    t: &ticket::Model,
) -> Result<Option<(Uuid, String)>, WebError> {
    Ok(store::person_of(&state.db, &user.access, t)
        .await?
        .map(|p| (p.id, sipe_persons::service::display_name(&p))))
}

/// `GET /attention/counters/{id}`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (c, office) =
        desk::store::counter_in(&state.db, &user.access, ScopeKind::Capture, id).await?;
    let services = desk::store::services(&state.db, office.id, false).await?;
    let name_of = |sid: Uuid| {
        services
            .iter()
            .find(|s| s.id == sid)
            .map(|s| format!("{} · {}", s.prefix, s.name))
            .unwrap_or_default()
    };
    let current = match store::at_counter(&state.db, c.id).await? {
        Some(t) => Some(Current {
            service: name_of(t.service_id),
            waited: super::minutes(t.queued_at, t.called_at.unwrap_or_else(Utc::now)),
            called: t.status == TicketStatus::Called.as_str(),
            person: person_of(&state, &user, &t).await?,
            t,
        }),
        None => None,
    };
    let today = tickets::today(&state);
    let waiting = store::waiting_for(&state.db, office.id, today, &desk::store::services_of(&c))
        .await?
        .len();
    let redirect_to = services
        .iter()
        .filter(|s: &&service::Model| {
            s.active && current.as_ref().is_some_and(|cur| cur.t.service_id != s.id)
        })
        .map(|s| Choice {
            value: s.id.to_string(),
            label: format!("{} · {}", s.prefix, s.name),
            selected: false,
        })
        .collect();
    let topics = crate::interactions::store::topics(&state.db, true)
        .await?
        .into_iter()
        .map(|t| Choice {
            value: t.code,
            label: t.name,
            selected: false,
        })
        .collect();
    page_with(
        StatusCode::OK,
        CounterPage {
            topics,
            mine: c.operator_id == Some(user.access.actor.user_id),
            holding_called: current.as_ref().is_some_and(|cur| cur.called),
            ctx,
            office,
            counter: c,
            current,
            waiting,
            redirect_to,
        },
    )
}

fn to_counter(id: Uuid) -> Response {
    Redirect::to(&format!("/attention/counters/{id}")).into_response()
}

/// `POST /attention/counters/{id}/sign-in`.
pub async fn sign_in(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    match desk::service::sign_in(&state.db, &audit, &user.access, id).await {
        Ok(()) => Ok(to_counter(id)),
        Err(AttentionError::Conflict(key)) => Ok(redirect_with_flash(
            &format!("/attention/counters/{id}"),
            "error",
            key,
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /attention/counters/sign-out`.
pub async fn sign_out(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
) -> Result<Response, WebError> {
    desk::service::sign_out(&state.db, &audit, &user.access).await?;
    Ok(redirect_with_flash(
        "/attention",
        "success",
        "attention-signed-out",
    ))
}

/// What the screen showed when "call next" was pressed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallForm {
    /// The ticket the screen showed, or `none`.
    current: String,
}

/// `POST /attention/counters/{id}/call-next`.
pub async fn call_next(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<CallForm>,
) -> Result<Response, WebError> {
    let back = format!("/attention/counters/{id}");
    let holding = tickets::Holding::parse(&form.current);
    match tickets::call_next(&Queue::of(&state), &audit, &user.access, id, holding).await {
        Ok(Some(_)) => Ok(to_counter(id)),
        Ok(None) => Ok(redirect_with_flash(
            &back,
            "info",
            "attention-nobody-waiting",
        )),
        Err(AttentionError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(e) => Err(e.into()),
    }
}

/// A step as the counter screen's buttons send it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    step: String,
    service_id: String,
    topics: Vec<String>,
}

impl StepForm {
    fn step(&self) -> Option<TicketStep> {
        Some(match self.step.as_str() {
            "recall" => TicketStep::Recall,
            "start" => TicketStep::Start,
            "no_show" => TicketStep::NoShow,
            "redirect" => TicketStep::Redirect {
                service_id: Uuid::parse_str(self.service_id.trim()).ok()?,
            },
            "finish" => TicketStep::Finish {
                topics: self.topics.iter().take(20).cloned().collect(),
            },
            "cancel" => TicketStep::Cancel,
            _ => return None,
        })
    }
}

/// What the screen says after a step.
fn done_key(step: &TicketStep) -> &'static str {
    match step {
        TicketStep::Recall => "attention-done-recall",
        TicketStep::Start => "attention-done-start",
        TicketStep::NoShow => "attention-done-no-show",
        TicketStep::Redirect { .. } => "attention-done-redirect",
        TicketStep::Finish { .. } => "attention-done-finish",
        TicketStep::Cancel => "attention-done-cancel",
    }
}

/// `POST /attention/tickets/{id}/steps`: back to the counter that holds the ticket (or
/// to the office's queue).
pub async fn step(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    let (t, office) = store::ticket_in(&state.db, &user.access, ScopeKind::Capture, id).await?;
    let back = match t.counter_id {
        Some(c) => format!("/attention/counters/{c}"),
        None => format!("/attention/offices/{}", office.code),
    };
    let Some(step) = form.step() else {
        return Ok(redirect_with_flash(
            &back,
            "error",
            "attention-step-invalid",
        ));
    };
    match tickets::step(&Queue::of(&state), &audit, &user.access, id, &step).await {
        Ok(_) => Ok(redirect_with_flash(&back, "success", done_key(&step))),
        Err(AttentionError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(AttentionError::Invalid(_)) => Ok(redirect_with_flash(
            &back,
            "error",
            "attention-step-invalid",
        )),
        Err(e) => Err(e.into()),
    }
}
