//! The unsubscribe link of campaign e-mails (`/baja/{message}`, no login): the person
//! confirms, and their e-mail consent is withdrawn like any edit of the record (field
//! history, audit, timeline), attributed to the address. The same URL takes the
//! one-click POST of RFC 8058 that mail programs send from `List-Unsubscribe`. The
//! message's id (UUIDv7: 74 random bits) is the only key; the page shows the address
//! masked.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::Channel;
use crate::entity::message;
use sipe_persons::contact::{self, ContactChannel};
use sipe_platform::audit::AuditCtx;
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use sipe_platform::web::auth::Client;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

#[derive(askama::Template)]
#[template(path = "messaging/unsubscribe.html")]
struct UnsubscribePage {
    ctx: PageCtx,
    id: Uuid,
    /// `ask`, `done` or `already`.
    state: &'static str,
    message: String,
}

/// What the link leads to: the person and the address the e-mail went to.
async fn target(db: &Db, id: Uuid) -> Result<Option<(Uuid, String)>, sea_orm::DbErr> {
    Ok(message::Entity::find_by_id(id)
        .filter(message::Column::Channel.eq(Channel::Email.as_str()))
        .filter(message::Column::Direction.eq("out"))
        .filter(message::Column::CampaignId.is_not_null())
        .one(db)
        .await?
        .and_then(|m| Some((m.person_id?, m.address))))
}

/// Does the person still have this address with the e-mail consent given?
async fn subscribed(db: &Db, person: Uuid, address: &str) -> Result<bool, sea_orm::DbErr> {
    let today = chrono::Utc::now().date_naive();
    Ok(contact::contacts_of(db, &[PersonId(person)], today)
        .await?
        .first()
        .is_some_and(|c| c.email_consent && c.email.as_deref() == Some(address)))
}

/// `a***@example.org`.
pub fn masked(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

fn page(ctx: PageCtx, id: Uuid, state: &'static str, address: &str) -> Result<Response, WebError> {
    let message = ctx.lang.t_args(
        &format!("messaging-unsubscribe-{state}"),
        &[("address", masked(address))],
    );
    page_with(
        StatusCode::OK,
        UnsubscribePage {
            ctx,
            id,
            state,
            message,
        },
    )
}

/// `GET /baja/{id}`: asks to confirm (a link opened by a mail scanner changes nothing).
pub async fn ask(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (person, address) = target(&state.db, id).await?.ok_or(WebError::NotFound)?;
    let next = if subscribed(&state.db, person, &address).await? {
        "ask"
    } else {
        "already"
    };
    page(ctx, id, next, &address)
}

/// `POST /baja/{id}`: withdraws the e-mail consent (from the page's button or a mail
/// program's one-click request).
pub async fn confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: Client,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (person, address) = target(&state.db, id).await?.ok_or(WebError::NotFound)?;
    if !subscribed(&state.db, person, &address).await? {
        // Withdrawn already, or the record has another address now: nothing to do.
        return page(ctx, id, "already", &address);
    }
    let audit = AuditCtx {
        actor_name: format!("email:{address}"),
        ip: client.ip.map(|ip| ip.to_string()),
        ..AuditCtx::system()
    };
    let tx = db::begin_write(&state.db).await?;
    contact::withdraw_consent(&tx, &audit, PersonId(person), ContactChannel::Email)
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?;
    tx.commit().await?;
    page(ctx, id, "done", &address)
}
