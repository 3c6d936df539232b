//! The queue board (every office of the user's view scope with a desk), an office's
//! queue of today, and issuing a ticket at reception.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum_extra::extract::Form;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Deserialize;
use uuid::Uuid;

use crate::desk;
use crate::entity::{counter, service, ticket};
use crate::error::AttentionError;
use crate::queue::Priority;
use crate::tickets::service::{self as tickets, IssueInput, Issuer, Queue};
use crate::tickets::{TicketStatus, store};
use sipe_platform::access::{Permission, ScopeKind};
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::form::Choice;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// One office on the board.
pub struct BoardRow {
    office: office::Model,
    waiting: i64,
    longest: Option<i64>,
    open: i64,
}

#[derive(askama::Template)]
#[template(path = "attention/board.html")]
struct BoardPage {
    ctx: PageCtx,
    rows: Vec<BoardRow>,
    my_counter: Option<counter::Model>,
}

/// Most offices the board lists (a province has ~47; a country, a few hundred).
const BOARD_MAX: u64 = 500;

/// `GET /attention`: each office of the view scope with services: people waiting now,
/// the longest wait and the counters open.
pub async fn board(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    let access = &user.access;
    let office_ids: Vec<Uuid> = service::Entity::find()
        .select_only()
        .column(service::Column::OfficeId)
        .distinct()
        .filter(access.view.owns(service::Column::OfficeId))
        .limit(BOARD_MAX)
        .into_tuple()
        .all(&state.db)
        .await?;
    let day = tickets::today(&state);
    let waiting: Vec<(Uuid, i64, Option<DateTime<Utc>>)> = ticket::Entity::find()
        .select_only()
        .column(ticket::Column::OfficeId)
        .column_as(Expr::from(Func::count(Expr::col(ticket::Column::Id))), "n")
        .column_as(
            Expr::from(Func::min(Expr::col(ticket::Column::QueuedAt))),
            "oldest",
        )
        .filter(ticket::Column::OfficeId.is_in(office_ids.clone()))
        .filter(ticket::Column::Day.eq(day))
        .filter(ticket::Column::Status.eq(TicketStatus::Waiting.as_str()))
        .group_by(ticket::Column::OfficeId)
        .into_tuple()
        .all(&state.db)
        .await?;
    let open: Vec<(Uuid, i64)> = counter::Entity::find()
        .select_only()
        .column(counter::Column::OfficeId)
        .column_as(Expr::from(Func::count(Expr::col(counter::Column::Id))), "n")
        .filter(counter::Column::OfficeId.is_in(office_ids.clone()))
        .filter(counter::Column::OperatorId.is_not_null())
        .group_by(counter::Column::OfficeId)
        .into_tuple()
        .all(&state.db)
        .await?;
    let waiting: HashMap<Uuid, (i64, Option<DateTime<Utc>>)> =
        waiting.into_iter().map(|(o, n, t)| (o, (n, t))).collect();
    let open: HashMap<Uuid, i64> = open.into_iter().collect();
    let offices = office::Entity::find()
        .filter(office::Column::Id.is_in(office_ids))
        .all(&state.db)
        .await?;
    let now = Utc::now();
    let mut rows: Vec<BoardRow> = offices
        .into_iter()
        .map(|o| {
            let (n, oldest) = waiting.get(&o.id).copied().unwrap_or((0, None));
            BoardRow {
                waiting: n,
                longest: oldest.map(|t| super::minutes(t, now)),
                open: open.get(&o.id).copied().unwrap_or(0),
                office: o,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.office.code.cmp(&b.office.code));
    let my_counter = desk::store::signed_in_counter(&state.db, access.actor.user_id).await?;
    page_with(
        StatusCode::OK,
        BoardPage {
            ctx,
            rows,
            my_counter,
        },
    )
}

/// A waiting ticket on the office page.
pub struct WaitingRow {
    t: ticket::Model,
    service: String,
    waited: i64,
}

/// A counter on the office page.
pub struct CounterRow {
    c: counter::Model,
    current: Option<ticket::Model>,
}

#[derive(askama::Template)]
#[template(path = "attention/office.html")]
struct OfficePage {
    ctx: PageCtx,
    office: office::Model,
    waiting: Vec<WaitingRow>,
    pager: Pager,
    counters: Vec<CounterRow>,
    can_issue: bool,
    can_setup: bool,
    services: Vec<Choice>,
    priorities: Vec<Choice>,
    form: IssueForm,
    errors: FieldErrors,
    finished: u64,
}

/// The reception form.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct IssueForm {
    service_id: String,
    priority: String,
    document: String,
    phone: String,
}

impl IssueForm {
    fn input(&self) -> IssueInput {
        IssueInput {
            service_id: Uuid::parse_str(self.service_id.trim()).ok(),
            priority: Some(self.priority.clone()),
            document: Some(self.document.clone()),
            person_id: None,
            phone: Some(self.phone.clone()),
        }
    }
}

/// The choices of the kiosk's and reception's priority field (the public's without the
/// appointment's: it comes with checking one in).
pub fn priority_choices(ctx: &PageCtx, current: &str, public: bool) -> Vec<Choice> {
    Priority::ALL
        .iter()
        .filter(|p| !public || **p != Priority::Appointment)
        .map(|p| Choice {
            value: p.as_str().to_owned(),
            label: ctx
                .t(format!(
                    "attention-priority-{}",
                    p.as_str().replace('_', "-")
                ))
                .into_owned(),
            selected: p.as_str() == current || (current.is_empty() && *p == Priority::Regular),
        })
        .collect()
}

/// The page's query: paging of the waiting list.
#[derive(Debug, Default, Deserialize)]
pub struct OfficeQuery {
    #[serde(flatten)]
    list: ListQuery,
}

async fn office_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    code: &str,
    list: &ListQuery,
    form: IssueForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let access = &user.access;
    let office = desk::store::office_in(&state.db, access, ScopeKind::View, code).await?;
    let mut pager = Pager::new(
        &format!("/attention/offices/{}", office.code),
        list,
        &["queued_at"],
        false,
    )?;
    let day = tickets::today(state);
    let (rows, total) = store::list_day(
        &state.db,
        office.id,
        day,
        Some(TicketStatus::Waiting),
        &pager,
    )
    .await?;
    pager.total = total;
    let services = desk::store::services(&state.db, office.id, false).await?;
    let names: HashMap<Uuid, String> = services
        .iter()
        .map(|s| (s.id, format!("{} · {}", s.prefix, s.name)))
        .collect();
    let now = Utc::now();
    let waiting = rows
        .into_iter()
        .map(|t| WaitingRow {
            service: names.get(&t.service_id).cloned().unwrap_or_default(),
            waited: super::minutes(t.queued_at, now),
            t,
        })
        .collect();
    let mut counters = Vec::new();
    for c in desk::store::counters(&state.db, office.id).await? {
        let current = store::at_counter(&state.db, c.id).await?;
        counters.push(CounterRow { c, current });
    }
    let finished = store::count_day(&state.db, office.id, day, TicketStatus::Finished).await?;
    let can_issue = access.can(Permission::Attend) && access.capture.includes_path(&office.path);
    let can_setup =
        access.can(Permission::ManageAttention) && access.capture.includes_path(&office.path);
    let service_choices = services
        .iter()
        .filter(|s| s.active)
        .map(|s| Choice {
            value: s.id.to_string(),
            label: format!("{} · {}", s.prefix, s.name),
            selected: s.id.to_string() == form.service_id,
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        OfficePage {
            priorities: priority_choices(&ctx, &form.priority, false),
            ctx,
            office,
            waiting,
            pager,
            counters,
            can_issue,
            can_setup,
            services: service_choices,
            form,
            errors,
            finished,
        },
    )
}

/// `GET /attention/offices/{code}`: today's queue of an office (view scope).
pub async fn office(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(code): Path<String>,
    Query(q): Query<OfficeQuery>,
) -> Result<Response, WebError> {
    office_page(
        &state,
        ctx,
        &user,
        &code,
        &q.list,
        IssueForm::default(),
        FieldErrors::new(),
    )
    .await
}

/// `POST /attention/offices/{code}/tickets`: a ticket issued at reception, shown ready
/// to print.
pub async fn issue(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    Form(form): Form<IssueForm>,
) -> Result<Response, WebError> {
    match tickets::issue(
        &Queue::of(&state),
        &audit,
        Issuer::Staff(&user.access),
        &code,
        &form.input(),
    )
    .await
    {
        Ok(t) => Ok(axum::response::IntoResponse::into_response(Redirect::to(
            &format!("/turnos/{}?imprimir=1", t.id),
        ))),
        Err(AttentionError::Invalid(errors)) => {
            office_page(
                &state,
                ctx,
                &user,
                &code,
                &ListQuery::default(),
                form,
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
