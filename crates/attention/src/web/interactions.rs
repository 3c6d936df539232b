//! Consultations: the inbox (with counts per status and filters), recording one, and
//! one consultation with its status.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::entity::{interaction, topic};
use crate::error::AttentionError;
use crate::interactions::api::ListParams;
use crate::interactions::service::{self, InteractionInput, StatusChange};
use crate::interactions::store;
use crate::interactions::{Channel, Direction, InteractionStatus};
use sipe_platform::access::{Permission, ScopeKind};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::form::Choice;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// A row of the inbox.
pub struct Row {
    i: interaction::Model,
    /// Its phone or address, as people read it.
    contact: Option<String>,
    /// Its SLA clock, as read: text and whether it is past due.
    left: Option<(String, bool)>,
    topic: String,
    person: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "attention/interactions.html")]
struct InboxPage {
    ctx: PageCtx,
    rows: Vec<Row>,
    pager: Pager,
    counts: Vec<(InteractionStatus, u64)>,
    status: String,
    channel: String,
    mine: bool,
    breached: bool,
    breached_count: u64,
    /// Colleagues a consultation may be assigned to.
    assignees: Vec<Choice>,
    /// What the last bulk action did: changed, skipped.
    bulk_done: Option<(u64, u64)>,
    /// This page's address, to come back to after a bulk action.
    here: String,
    channels: Vec<Choice>,
    can_record: bool,
}

/// The inbox's query.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    status: String,
    channel: String,
    mine: String,
    breached: String,
    // Text: numbers do not parse inside a flattened query.
    bulk_changed: String,
    bulk_skipped: String,
    #[serde(flatten)]
    list: ListQuery,
}

/// Colleagues within the user's reach who may attend (at most 200, by name).
async fn assignees(state: &AppState, user: &Authenticated) -> Result<Vec<Choice>, WebError> {
    let pager = Pager::new(
        "/",
        &ListQuery {
            per_page: Some("100".into()),
            sort: Some("full_name".into()),
            ..Default::default()
        },
        &["full_name"],
        false,
    )?;
    let filter = sipe_platform::access::store::UserFilter {
        active: Some(true),
        ..Default::default()
    };
    let (users, _) =
        sipe_platform::access::store::list_users(&state.db, &user.access, &filter, &pager).await?;
    Ok(users
        .into_iter()
        .filter(|u| {
            sipe_platform::access::Role::parse(&u.role).is_some_and(|r| r.can(Permission::Attend))
        })
        .map(|u| Choice {
            selected: u.id == user.access.actor.user_id,
            value: u.id.to_string(),
            label: u.full_name,
        })
        .collect())
}

/// A phone as people read it (`+54 9 381 544-2347`); anything else as it came.
pub fn contact_display(ctx: &PageCtx, contact: &str) -> String {
    if contact.starts_with('+') && contact[1..].bytes().all(|b| b.is_ascii_digit()) {
        ctx.phone(contact)
    } else {
        contact.to_owned()
    }
}

fn topic_names(topics: &[topic::Model], code: Option<&str>) -> String {
    code.and_then(|c| topics.iter().find(|t| t.code == c))
        .map(|t| t.name.clone())
        .unwrap_or_default()
}

fn channel_choices(ctx: &PageCtx, current: &str) -> Vec<Choice> {
    Channel::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str().to_owned(),
            label: ctx.t(c.label_key()).into_owned(),
            selected: c.as_str() == current,
        })
        .collect()
}

/// `GET /attention/interactions`: the consultations of the view scope.
pub async fn inbox(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(q): Query<InboxQuery>,
) -> Result<Response, WebError> {
    let params = ListParams {
        status: Some(q.status.clone()),
        channel: Some(q.channel.clone()),
        mine: Some(q.mine == "1"),
        breached: Some(q.breached == "1"),
        ..Default::default()
    };
    let filter = params.filter(user.access.actor.user_id)?;
    let mut pager = Pager::new("/attention/interactions", &q.list, &store::SORTS, true)?
        .keep("status", &q.status)
        .keep("channel", &q.channel)
        .keep("mine", &q.mine)
        .keep("breached", &q.breached);
    let (rows, total) = store::list(&state.db, &user.access, &filter, &pager).await?;
    pager.total = total;
    let counts = store::counts(&state.db, &user.access, &filter).await?;
    let breached_count = store::count_breached(&state.db, &user.access, &filter).await?;
    let now = chrono::Utc::now();
    let mut clocks = crate::sla::store::Clocks::new(state.tz);
    let mut lefts = Vec::with_capacity(rows.len());
    for r in &rows {
        lefts.push(match service::pending_due(r) {
            Some((stage, due)) => Some(
                clocks
                    .describe(&state.db, &ctx, r.office_id, stage, due, now)
                    .await?,
            ),
            None => None,
        });
    }
    let topics = store::topics(&state.db, false).await?;
    let people: Vec<PersonId> = rows
        .iter()
        .filter_map(|r| r.person_id.map(PersonId))
        .collect();
    // Names of the people the user may see (a consultation of the office may name
    // someone registered elsewhere).
    let visible =
        sipe_platform::territory::store::office_ids_in_scope(&state.db, &user.access.view).await?;
    let names: std::collections::HashMap<PersonId, String> =
        sipe_persons::store::names_of(&state.db, people.iter().copied())
            .await?
            .into_iter()
            .filter(|n| visible.as_ref().is_none_or(|v| v.contains(&n.office_id.0)))
            .map(|n| (n.id, n.display()))
            .collect();
    sipe_persons::service::record_shown(
        &state.reads,
        &audit,
        "attention.interactions.list",
        "/attention/interactions",
        people.iter().copied(),
    )
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
    let rows = rows
        .into_iter()
        .zip(lefts)
        .map(|(i, left)| Row {
            left,
            contact: i.contact.as_deref().map(|c| contact_display(&ctx, c)),
            topic: topic_names(&topics, i.topic_code.as_deref()),
            person: i.person_id.and_then(|p| names.get(&PersonId(p)).cloned()),
            i,
        })
        .collect();
    let here = pager.href(pager.page);
    page_with(
        StatusCode::OK,
        InboxPage {
            assignees: assignees(&state, &user).await?,
            bulk_done: q.bulk_changed.parse().ok().zip(q.bulk_skipped.parse().ok()),
            here,
            channels: channel_choices(&ctx, &q.channel),
            can_record: user.access.can(Permission::Attend),
            ctx,
            rows,
            pager,
            counts,
            status: q.status,
            channel: q.channel,
            mine: q.mine == "1",
            breached: q.breached == "1",
            breached_count,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "attention/interaction_new.html")]
struct NewPage {
    ctx: PageCtx,
    form: NewForm,
    channels: Vec<Choice>,
    topics: Vec<Choice>,
    statuses: Vec<Choice>,
    person: Option<(Uuid, String)>,
    errors: FieldErrors,
}

/// The form of a new consultation.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct NewForm {
    channel: String,
    direction: String,
    person_id: String,
    topic: String,
    notes: String,
    outcome: String,
    status: String,
    contact: String,
}

fn topic_choices(topics: &[topic::Model], current: &str) -> Vec<Choice> {
    topics
        .iter()
        .map(|t| Choice {
            value: t.code.clone(),
            label: t.name.clone(),
            selected: t.code == current,
        })
        .collect()
}

fn status_choices(ctx: &PageCtx, current: &str) -> Vec<Choice> {
    InteractionStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: ctx.t(s.label_key()).into_owned(),
            selected: s.as_str() == current,
        })
        .collect()
}

async fn new_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    form: NewForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let person = match Uuid::parse_str(form.person_id.trim()) {
        Ok(id) => {
            sipe_persons::store::find_person(&state.db, &user.access, ScopeKind::View, PersonId(id))
                .await?
                .map(|p| (p.id, sipe_persons::service::display_name(&p)))
        }
        Err(_) => None,
    };
    let topics = store::topics(&state.db, true).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        NewPage {
            channels: channel_choices(&ctx, &form.channel),
            topics: topic_choices(&topics, &form.topic),
            statuses: status_choices(&ctx, &form.status),
            ctx,
            form,
            person,
            errors,
        },
    )
}

/// What the new-consultation link may carry.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    person: String,
    channel: String,
}

/// `GET /attention/interactions/new`.
pub async fn new(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    let form = NewForm {
        person_id: q.person.chars().take(40).collect(),
        channel: if q.channel.is_empty() {
            "phone".into()
        } else {
            q.channel.chars().take(20).collect()
        },
        status: "open".into(),
        ..Default::default()
    };
    new_page(&state, ctx, &user, form, FieldErrors::new()).await
}

/// `POST /attention/interactions`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<NewForm>,
) -> Result<Response, WebError> {
    let person_id = match form.person_id.trim() {
        "" => None,
        raw => match Uuid::parse_str(raw) {
            Ok(id) => Some(id),
            Err(_) => {
                let errors = FieldErrors::one("person_id", "attention-person-unknown");
                return new_page(&state, ctx, &user, form, errors).await;
            }
        },
    };
    let input = InteractionInput {
        channel: form.channel.clone(),
        direction: Some(form.direction.clone()),
        person_id,
        topic: Some(form.topic.clone()),
        notes: Some(form.notes.clone()),
        outcome: Some(form.outcome.clone()),
        status: Some(form.status.clone()),
        contact: Some(form.contact.clone()),
        office_code: None,
    };
    match service::record(&state.db, state.tz, &audit, &user.access, &input).await {
        Ok(i) => Ok(redirect_with_flash(
            &format!("/attention/interactions/{}", i.id),
            "success",
            "attention-interaction-saved",
        )),
        Err(AttentionError::Invalid(errors)) => new_page(&state, ctx, &user, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "attention/interaction.html")]
struct ShowPage {
    ctx: PageCtx,
    i: interaction::Model,
    channel: String,
    direction: String,
    status: InteractionStatus,
    topic: String,
    person: Option<(Uuid, String)>,
    office: String,
    statuses: Vec<Choice>,
    /// The topics, the current one chosen.
    topic_choices: Vec<Choice>,
    can_change: bool,
    /// Its SLA clock: text and whether it is past due.
    left: Option<(String, bool)>,
    /// Its phone or address, as people read it.
    contact: Option<String>,
    /// An SMS, WhatsApp or e-mail conversation: its messages, oldest first.
    thread: Option<Vec<sipe_messaging::conversation::ThreadMessage>>,
    /// WhatsApp: the window for free text closes then (none: closed).
    window: Option<chrono::DateTime<chrono::Utc>>,
    /// May the user answer it here (capture scope, attend, window open on WhatsApp)?
    can_reply: bool,
    /// Sent with the reply: a double click sends one message.
    reply_key: Uuid,
}

/// `GET /attention/interactions/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let i = store::find(&state.db, &user.access, ScopeKind::View, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let person = match i.person_id {
        Some(p) => {
            sipe_persons::service::record_read(&state.reads, &audit, PersonId(p))
                .await
                .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
            sipe_persons::store::find_person(&state.db, &user.access, ScopeKind::View, PersonId(p))
                .await?
                .map(|p| (p.id, sipe_persons::service::display_name(&p)))
        }
        None => None,
    };
    let topics = store::topics(&state.db, false).await?;
    let office = sipe_platform::territory::store::office_by_id(
        &state.db,
        sipe_platform::ids::OfficeId(i.office_id),
    )
    .await?
    .map(|o| format!("{} · {}", o.code, o.name))
    .unwrap_or_default();
    let status = InteractionStatus::parse(&i.status).unwrap_or(InteractionStatus::Open);
    let left = match service::pending_due(&i) {
        Some((stage, due)) => Some(
            crate::sla::store::Clocks::new(state.tz)
                .describe(&state.db, &ctx, i.office_id, stage, due, chrono::Utc::now())
                .await?,
        ),
        None => None,
    };
    let can_change = user.access.can(Permission::Attend)
        && store::find(&state.db, &user.access, ScopeKind::Capture, id)
            .await?
            .is_some();
    let by_mail = matches!(i.channel.as_str(), "email" | "web")
        && i.contact
            .as_deref()
            .is_some_and(sipe_platform::validation::is_email);
    let conversation =
        (matches!(i.channel.as_str(), "sms" | "whatsapp") && i.contact.is_some()) || by_mail;
    let thread = if conversation {
        Some(crate::interactions::conversation::messages(&state.db, id).await?)
    } else {
        None
    };
    let window = crate::interactions::conversation::window_closes(&state.db, &i).await?;
    let contact = i.contact.as_deref().map(|c| contact_display(&ctx, c));
    let can_reply =
        conversation && can_change && (i.channel == "sms" || by_mail || window.is_some());
    page_with(
        StatusCode::OK,
        ShowPage {
            channel: Channel::parse(&i.channel)
                .map(|c| ctx.t(c.label_key()).into_owned())
                .unwrap_or_default(),
            direction: ctx
                .t(format!(
                    "attention-direction-{}",
                    Direction::parse(&i.direction)
                        .unwrap_or(Direction::In)
                        .as_str()
                ))
                .into_owned(),
            statuses: status_choices(&ctx, status.as_str()),
            topic_choices: topic_choices(&topics, i.topic_code.as_deref().unwrap_or_default()),
            topic: topic_names(&topics, i.topic_code.as_deref()),
            ctx,
            status,
            person,
            office,
            can_change,
            left,
            thread,
            window,
            can_reply,
            contact,
            reply_key: Uuid::now_v7(),
            i,
        },
    )
}

/// The status form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status: String,
    outcome: String,
    topic: String,
    version: String,
}

/// `POST /attention/interactions/{id}/status`.
pub async fn change_status(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<StatusForm>,
) -> Result<Response, WebError> {
    let back = format!("/attention/interactions/{id}");
    let change = StatusChange {
        status: form.status,
        outcome: Some(form.outcome),
        topic: Some(form.topic),
        version: form.version.trim().parse().unwrap_or(-1),
    };
    match service::change_status(&state.db, &audit, &user.access, id, &change).await {
        Ok(_) => Ok(redirect_with_flash(
            &back,
            "success",
            "attention-interaction-saved",
        )),
        Err(AttentionError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(AttentionError::Invalid(_)) => Ok(redirect_with_flash(
            &back,
            "error",
            "attention-interaction-invalid",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The inbox's bulk form: the rows ticked, the action, the colleague, and the page to
/// return to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BulkForm {
    ids: Vec<String>,
    action: String,
    assignee_id: String,
    back: String,
}

/// `POST /attention/interactions/bulk`: assigns or resolves the ticked consultations and
/// goes back to the inbox saying how many changed.
pub async fn bulk(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<BulkForm>,
) -> Result<Response, WebError> {
    let back = if form.back.starts_with("/attention/interactions") && form.back.len() < 2_000 {
        form.back.clone()
    } else {
        "/attention/interactions".to_owned()
    };
    let ids: Vec<Uuid> = form
        .ids
        .iter()
        .take(service::BULK_MAX + 1)
        .filter_map(|i| Uuid::parse_str(i).ok())
        .collect();
    let input = service::InteractionBulkInput {
        ids,
        action: form.action.clone(),
        assignee_id: Uuid::parse_str(form.assignee_id.trim()).ok(),
    };
    match service::bulk(&state.db, &audit, &user.access, &input).await {
        Ok(done) => {
            let sep = if back.contains('?') { '&' } else { '?' };
            Ok(axum::response::IntoResponse::into_response(
                axum::response::Redirect::to(&format!(
                    "{back}{sep}bulk_changed={}&bulk_skipped={}",
                    done.changed, done.skipped
                )),
            ))
        }
        Err(AttentionError::Invalid(e)) => {
            let key = e.0.first().map_or("form-has-errors", |f| f.key);
            Ok(redirect_with_flash(&back, "error", key))
        }
        Err(e) => Err(e.into()),
    }
}

/// The reply form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReplyForm {
    text: String,
    key: String,
}

/// `POST /attention/interactions/{id}/replies`: answers the conversation and shows it.
pub async fn reply(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, WebError> {
    let back = format!("/attention/interactions/{id}");
    let input = crate::interactions::conversation::ReplyInput {
        text: form.text,
        key: Some(form.key).filter(|k| !k.is_empty()),
    };
    match crate::interactions::conversation::reply(&state.db, &audit, &user.access, id, &input)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &back,
            "success",
            "attention-reply-sent",
        )),
        Err(AttentionError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(AttentionError::Invalid(e)) => {
            let key = e.0.first().map_or("form-has-errors", |f| f.key);
            Ok(redirect_with_flash(&back, "error", key))
        }
        Err(e) => Err(e.into()),
    }
}
