//! The phone page: the line's caller log and missed calls, calling one back, and the
//! pop-up of the caller's record when the user answers (server-sent events).

use std::collections::HashSet;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entity::phone_call;
use crate::error::AttentionError;
use crate::phone::store::{self, Caller, Which};
use crate::phone::{PhoneHub, hub, service};
use sipe_platform::access::Access;
use sipe_platform::audit::AuditCtx;
use sipe_platform::ids::PersonId;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// A row of the caller log.
pub struct Row {
    c: phone_call::Model,
    /// The person's name and id, when the reader may see them.
    person: Option<(Uuid, String)>,
    talk: String,
    /// The number outside, as people read it (a hidden one says so).
    number: String,
    can_call_back: bool,
}

#[derive(askama::Template)]
#[template(path = "attention/phone.html")]
struct PhonePage {
    ctx: PageCtx,
    rows: Vec<Row>,
    pager: Pager,
    missed: bool,
    missed_count: u64,
    /// Where the pop-up stream starts (microseconds since the epoch).
    since: i64,
    /// May the user register a person (the pop-up offers it for an unknown caller)?
    can_register: bool,
}

/// The page's query.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PhoneQuery {
    missed: String,
    #[serde(flatten)]
    list: ListQuery,
}

/// The party outside as people read it: the phone formatted, else as the PBX gave it,
/// else "hidden number".
fn outside_number(ctx: &PageCtx, c: &phone_call::Model) -> String {
    if let Some(e164) = &c.outside_e164 {
        return ctx.phone(e164);
    }
    let raw = if c.direction == "out" {
        &c.to_number
    } else {
        &c.from_number
    };
    if raw.is_empty() || raw.eq_ignore_ascii_case("anonymous") {
        ctx.t("attention-phone-hidden").into_owned()
    } else {
        raw.clone()
    }
}

fn talk(c: &phone_call::Model) -> String {
    match c.answered_at.zip(c.ended_at) {
        Some((a, e)) => {
            let s = (e - a).num_seconds().max(0);
            format!("{}:{:02}", s / 60, s % 60)
        }
        None => "—".into(),
    }
}

/// `GET /attention/phone`: the caller log (`?missed=1`: the missed calls to call back).
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(q): Query<PhoneQuery>,
) -> Result<Response, WebError> {
    let missed = q.missed == "1";
    let mut pager =
        Pager::new("/attention/phone", &q.list, &store::SORTS, true)?.keep("missed", &q.missed);
    let which = if missed {
        Which::MissedPending
    } else {
        Which::All
    };
    let (rows, total) = store::list(&state.db, which, &pager).await?;
    pager.total = total;
    let missed_count = store::missed_pending(&state.db).await?;
    let visible = crate::phone::api::visible_people(&state, &user.access, &rows).await?;
    let names: std::collections::HashMap<Uuid, String> =
        sipe_persons::store::names_of(&state.db, visible.iter().copied().map(PersonId))
            .await?
            .into_iter()
            .map(|n| (n.id.0, n.display()))
            .collect();
    sipe_persons::service::record_shown(
        &state.reads,
        &audit,
        "attention.phone.list",
        "/attention/phone",
        visible.iter().copied().map(PersonId),
    )
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
    let rows = rows
        .into_iter()
        .map(|c| Row {
            person: c
                .person_id
                .and_then(|p| names.get(&p).map(|n| (p, n.clone()))),
            talk: talk(&c),
            number: outside_number(&ctx, &c),
            can_call_back: c.missed && c.callback_at.is_none() && c.outside_e164.is_some(),
            c,
        })
        .collect();
    page_with(
        StatusCode::OK,
        PhonePage {
            ctx,
            rows,
            pager,
            missed,
            missed_count,
            since: Utc::now().timestamp_micros(),
            can_register: user
                .access
                .can(sipe_platform::access::Permission::EditPersons),
        },
    )
}

/// `POST /attention/phone/calls/{id}/callback`: opens the outbound consultation and
/// goes to it.
pub async fn callback(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    match service::call_back(&state.db, state.tz, &audit, &user.access, id).await {
        Ok(i) => Ok(redirect_with_flash(
            &format!("/attention/interactions/{i}"),
            "success",
            "attention-phone-callback-done",
        )),
        Err(AttentionError::Conflict(key)) => Ok(redirect_with_flash(
            "/attention/phone?missed=1",
            "error",
            key,
        )),
        Err(e) => Err(e.into()),
    }
}

/// A pop-up as the stream sends it (event `answered`).
#[derive(Debug, Serialize)]
pub struct PopUp {
    /// The call.
    pub call: Uuid,
    /// The number outside, as people read it; `null` when hidden.
    pub number: Option<String>,
    /// When it was answered.
    pub at: DateTime<Utc>,
    /// The people of the reader's view with that phone (a family may share one).
    pub people: Vec<Caller>,
    /// The consultation opened for it.
    pub interaction: Option<String>,
}

/// Where a stream starts.
#[derive(Debug, Default, Deserialize)]
pub struct Since {
    /// Microseconds since the epoch (the page's time); a reconnecting browser sends
    /// `Last-Event-ID` instead.
    pub since: Option<String>,
}

/// How long one stream lives before the browser reconnects through the guards.
const STREAM_LIFE: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// How far back a stream is given answers (a page reopened later starts fresh).
const REPLAY: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

struct Follow {
    state: AppState,
    /// The session that opened the stream: it ends when the session does.
    session_id: std::sync::Arc<str>,
    /// The stream ends then (the browser reconnects, passing the guards again).
    until: std::time::Instant,
    access: std::sync::Arc<Access>,
    audit: AuditCtx,
    since: DateTime<Utc>,
    pending: std::collections::VecDeque<phone_call::Model>,
    /// Calls already popped up (an answer repeated by the PBX pops up once).
    shown: HashSet<Uuid>,
    read_db: bool,
    listener: hub::Listener,
}

/// Is the stream's session still good, and its user still on the line (role, scope)?
async fn still_allowed(f: &mut Follow) -> Result<bool, sea_orm::DbErr> {
    if std::time::Instant::now() >= f.until
        || !sipe_platform::access::session::still_live(&f.state.db, &f.state.config, &f.session_id)
            .await?
    {
        return Ok(false);
    }
    let Some(user) =
        sipe_platform::access::entity::user::Entity::find_by_id(f.access.actor.user_id)
            .one(&f.state.db)
            .await?
    else {
        return Ok(false);
    };
    let access = sipe_platform::access::store::load_access(&f.state.db, &user).await?;
    let allowed = access.can(sipe_platform::access::Permission::AnswerPhone);
    f.access = std::sync::Arc::new(access);
    Ok(allowed)
}

async fn pop_up(f: &Follow, c: &phone_call::Model) -> Result<Event, AttentionError> {
    let people = store::callers(&f.state.db, &f.access, c).await?;
    sipe_persons::service::record_shown(
        &f.state.reads,
        &f.audit,
        "attention.phone.popup",
        "/attention/phone/events",
        people.iter().map(|p| PersonId(p.id)),
    )
    .await
    .map_err(|e| sipe_platform::db::StoreError::Other(sea_orm::DbErr::Custom(e.to_string())))?;
    let raw = if c.direction == "out" {
        &c.to_number
    } else {
        &c.from_number
    };
    let number = match &c.outside_e164 {
        Some(e164) => Some(sipe_platform::text::phone_display(e164)),
        None if raw.is_empty() || raw.eq_ignore_ascii_case("anonymous") => None,
        None => Some(raw.clone()),
    };
    let data = PopUp {
        call: c.id,
        number,
        at: c.answered_at.unwrap_or(c.started_at),
        people,
        interaction: c
            .interaction_id
            .map(|i| format!("/attention/interactions/{i}")),
    };
    Ok(Event::default()
        .id(c.updated_at.timestamp_micros().to_string())
        .event("answered")
        .json_data(&data)
        .unwrap_or_default())
}

async fn next(mut f: Follow) -> Option<(Result<Event, std::convert::Infallible>, Follow)> {
    loop {
        if let Some(c) = f.pending.pop_front() {
            if !f.shown.insert(c.id) {
                continue;
            }
            if f.shown.len() > 1_000 {
                f.shown.clear();
            }
            match pop_up(&f, &c).await {
                Ok(e) => return Some((Ok(e), f)),
                Err(e) => {
                    tracing::warn!(error = %e, "phone pop-up: reading the call failed");
                    continue;
                }
            }
        }
        if f.read_db {
            f.read_db = false;
            // Logged out, expired, no longer on the line: the stream ends (the page's
            // reconnection then meets the login).
            match still_allowed(&mut f).await {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    tracing::warn!(error = %e, "phone pop-up: checking the session failed");
                    return None;
                }
            }
            match store::answered_by(&f.state.db, f.access.actor.user_id, f.since).await {
                Ok(rows) => {
                    for c in rows {
                        f.since = f.since.max(c.updated_at);
                        f.pending.push_back(c);
                    }
                    continue;
                }
                Err(e) => tracing::warn!(error = %e, "phone pop-up: reading answers failed"),
            }
        }
        tokio::select! {
            r = f.listener.receiver.recv() => match r {
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => f.read_db = true,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            },
            () = tokio::time::sleep(hub::POLL) => f.read_db = true,
        }
    }
}

fn micros(v: &str) -> Option<DateTime<Utc>> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|_| v.len() <= 20)
        .and_then(DateTime::from_timestamp_micros)
}

/// `GET /attention/phone/events`: the pop-ups of the calls the user answers, each an
/// event `answered` whose data is a [`PopUp`].
pub async fn events(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(since): Query<Since>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let hub = state
        .extensions
        .get_arc::<PhoneHub>()
        .ok_or(WebError::NotFound)?;
    let Some(listener) = hub.enter(user.access.actor.user_id) else {
        return Ok((
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "30")],
            "too many phone pages open",
        )
            .into_response());
    };
    let now = Utc::now();
    let from = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(micros)
        .or_else(|| since.since.as_deref().and_then(micros))
        .unwrap_or(now)
        .clamp(now - REPLAY, now);
    let follow = Follow {
        state: state.clone(),
        session_id: user.session_id.clone(),
        until: std::time::Instant::now() + STREAM_LIFE,
        access: user.access.clone(),
        audit,
        since: from,
        pending: std::collections::VecDeque::new(),
        shown: HashSet::new(),
        read_db: true,
        listener,
    };
    Ok(crate::display::sse_response(futures::stream::unfold(
        follow, next,
    )))
}
