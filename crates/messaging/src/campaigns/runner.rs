//! Sending campaigns: due campaigns start; a started one is expanded into messages a
//! batch of people at a time, each batch in one transaction with the campaign's cursor
//! (the last person queued), so a crash resumes after the last batch committed and the
//! messages' keys make a repeated batch a no-op. People without an address or the
//! consents, or over the frequency cap, are left out and counted. A campaign whose
//! audience is read and whose messages have all settled is finished.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::state;
use crate::audiences::{self, AudienceSource};
use crate::config::Settings;
use crate::domain::{self, Channel, status};
use crate::entity::{campaign, message};
use crate::outbox::{self, NewMessage};
use crate::send::{compose, reach_of};
use sipe_persons::audience::Audience;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::audit::AuditCtx;
use sipe_platform::db::{self, Db};
use sipe_platform::ids::{OfficeId, PersonId};

/// People read and queued per transaction.
pub const BATCH: u64 = 2_000;
/// How long one runner holds a campaign's expansion.
const HOLD_SECS: i64 = 120;

/// One round: starts due campaigns, expands one batch of each started one, finishes
/// those done. Returns how many messages it queued.
pub async fn run_once(
    db: &Db,
    tz: chrono_tz::Tz,
    settings: &Settings,
    sources: &[Arc<dyn AudienceSource>],
) -> anyhow::Result<u64> {
    let now = Utc::now();
    campaign::Entity::update_many()
        .col_expr(campaign::Column::State, Expr::value(state::SENDING))
        .col_expr(campaign::Column::StartedAt, Expr::value(now))
        .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
        .filter(campaign::Column::State.eq(state::SCHEDULED))
        .filter(campaign::Column::ScheduledAt.lte(now))
        .exec(db)
        .await?;
    let open: Vec<campaign::Model> = campaign::Entity::find()
        .filter(campaign::Column::State.eq(state::SENDING))
        .filter(campaign::Column::Expanded.eq(false))
        .limit(20)
        .all(db)
        .await?;
    let mut queued = 0;
    for c in open {
        if !hold(db, c.id).await? {
            continue;
        }
        queued += expand_batch(db, tz, settings, sources, &c).await?;
    }
    finish_done(db).await?;
    Ok(queued)
}

/// Takes a campaign's expansion for this runner, unless another holds it.
async fn hold(db: &Db, id: Uuid) -> Result<bool, DbErr> {
    let now = Utc::now();
    let res = campaign::Entity::update_many()
        .col_expr(
            campaign::Column::ExpandingUntil,
            Expr::value(now + chrono::Duration::seconds(HOLD_SECS)),
        )
        .filter(campaign::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(campaign::Column::ExpandingUntil.is_null())
                .add(campaign::Column::ExpandingUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Queues the next batch of a campaign's audience; returns how many messages.
async fn expand_batch(
    db: &Db,
    tz: chrono_tz::Tz,
    settings: &Settings,
    sources: &[Arc<dyn AudienceSource>],
    c: &campaign::Model,
) -> anyhow::Result<u64> {
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    // The audience is read within its author's view scope, as it is now.
    let author = match c.created_by {
        Some(id) => sipe_platform::access::store::find_user(db, id).await?,
        None => None,
    };
    let Some(author) = author.filter(|u| u.active) else {
        tracing::warn!(campaign = %c.id, "campaign author gone: cancelled");
        cancel(db, c.id, "sipe").await?;
        return Ok(0);
    };
    let access = sipe_platform::access::store::load_access(db, &author).await?;
    let filters: audiences::AudienceFilters = serde_json::from_str(&c.filters).unwrap_or_default();
    let (Some(template), Some(channel)) = (
        crate::templates::find(db, c.template_id).await?,
        Channel::parse(&c.channel),
    ) else {
        cancel(db, c.id, "sipe").await?;
        return Ok(0);
    };
    let query = audiences::query_of(db, &access, &filters, today)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let audience = Audience {
        query: &query,
        extra: audiences::extra_of(sources, &filters),
        purpose: (template.purpose != domain::SERVICE).then_some(template.purpose.as_str()),
        today,
    };
    let ids = sipe_persons::audience::ids_after(db, &access, &audience, c.cursor, BATCH).await?;
    let last = ids.last().map(|p| p.0);
    let contacts = sipe_persons::contact::contacts_of(db, &ids, today).await?;
    let capped = over_cap(db, &ids, settings).await?;
    let mut offices: HashMap<OfficeId, String> = HashMap::new();
    let mut messages = Vec::new();
    let mut excluded: i64 = 0;
    for contact in &contacts {
        let address = domain::address(&reach_of(contact), channel, &template.purpose);
        let Ok(address) = address else {
            excluded += 1;
            continue;
        };
        if capped.contains(&contact.id.0) {
            excluded += 1;
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = offices.entry(contact.office_id) {
            let name = sipe_platform::territory::store::office_by_id(db, contact.office_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            slot.insert(name);
        }
        let values = vec![
            ("nombre".to_owned(), contact.names.clone()),
            ("apellido".to_owned(), contact.surnames.clone()),
            (
                "oficina".to_owned(),
                offices.get(&contact.office_id).cloned().unwrap_or_default(),
            ),
        ];
        let Ok(body) = compose(&template, channel, &values) else {
            excluded += 1;
            continue;
        };
        messages.push(NewMessage {
            key: format!("c:{}:{}:{}", c.id, contact.id.0, channel.as_str()),
            channel,
            person_id: Some(contact.id.0),
            office_id: Some(contact.office_id.0),
            template_id: Some(template.id),
            campaign_id: Some(c.id),
            address,
            subject: body.subject,
            sms: body.sms,
            body: body.text,
            status: status::QUEUED,
            reason: None,
            any_hour: template.any_hour,
            created_by: c.created_by_name.clone(),
        });
    }
    let tx = db::begin_write(db).await?;
    // Cancelled meanwhile: nothing more is queued.
    let still = campaign::Entity::find_by_id(c.id)
        .filter(campaign::Column::State.eq(state::SENDING))
        .one(&tx)
        .await?;
    if still.is_none() {
        return Ok(0);
    }
    let people: Vec<(Uuid, Option<Uuid>)> = messages
        .iter()
        .map(|m| (m.person_id.unwrap_or_default(), m.office_id))
        .collect();
    let stored = outbox::queue_many(&tx, messages).await?;
    let ctx = AuditCtx {
        actor_id: c.created_by,
        actor_name: c.created_by_name.clone(),
        ..AuditCtx::system()
    };
    let events: Vec<NewEvent> = people
        .iter()
        .zip(&stored)
        .filter_map(|((person, office), id)| {
            let id = (*id)?;
            Some(NewEvent {
                person_id: *person,
                kind: "messaging.message",
                args: vec![
                    (
                        "channel",
                        Arg::key(format!("messaging-channel-{}", channel.as_str())),
                    ),
                    ("template", Arg::text(c.name.clone())),
                    ("state", Arg::text(status::QUEUED)),
                    ("reason", Arg::key("messaging-reason-")),
                ],
                link: Some(format!("/messaging/messages/{id}")),
                office_id: *office,
            })
        })
        .collect();
    let queued = events.len() as u64;
    timeline::append_each(&tx, &ctx, events).await?;
    let done = (ids.len() as u64) < BATCH;
    campaign::Entity::update_many()
        .col_expr(campaign::Column::Cursor, Expr::value(last.or(c.cursor)))
        .col_expr(campaign::Column::Expanded, Expr::value(done))
        .col_expr(
            campaign::Column::ExpandingUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            campaign::Column::Queued,
            Expr::col(campaign::Column::Queued).add(i64::try_from(queued).unwrap_or(0)),
        )
        .col_expr(
            campaign::Column::Excluded,
            Expr::col(campaign::Column::Excluded)
                .add(excluded + i64::try_from(ids.len() - contacts.len()).unwrap_or(0)),
        )
        .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
        .filter(campaign::Column::Id.eq(c.id))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(queued)
}

/// People of the batch who already had as many campaign messages as the cap allows
/// within its days.
async fn over_cap(db: &Db, ids: &[PersonId], settings: &Settings) -> Result<Vec<Uuid>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let since = Utc::now() - chrono::Duration::days(i64::from(settings.frequency_days));
    let rows: Vec<(Uuid, i64)> = message::Entity::find()
        .select_only()
        .column(message::Column::PersonId)
        .expr(Expr::cust("COUNT(*)"))
        .filter(message::Column::PersonId.is_in(ids.iter().map(|p| p.0)))
        .filter(message::Column::CampaignId.is_not_null())
        .filter(message::Column::CreatedAt.gt(since))
        .filter(message::Column::Status.is_in([
            status::QUEUED,
            status::SENDING,
            status::SENT,
            status::DELIVERED,
        ]))
        .group_by(message::Column::PersonId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, n)| *n >= i64::from(settings.frequency_cap))
        .map(|(p, _)| p)
        .collect())
}

async fn cancel(db: &Db, id: Uuid, by: &str) -> Result<(), DbErr> {
    let now = Utc::now();
    campaign::Entity::update_many()
        .col_expr(campaign::Column::State, Expr::value(state::CANCELLED))
        .col_expr(campaign::Column::CancelledByName, Expr::value(by))
        .col_expr(campaign::Column::CancelledAt, Expr::value(now))
        .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
        .filter(campaign::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Finishes campaigns read to their end whose messages have all settled.
async fn finish_done(db: &Db) -> Result<(), DbErr> {
    let expanded: Vec<Uuid> = campaign::Entity::find()
        .select_only()
        .column(campaign::Column::Id)
        .filter(campaign::Column::State.eq(state::SENDING))
        .filter(campaign::Column::Expanded.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    for id in expanded {
        let pending = message::Entity::find()
            .filter(message::Column::CampaignId.eq(id))
            .filter(message::Column::Status.is_in([status::QUEUED, status::SENDING]))
            .count(db)
            .await?;
        if pending == 0 {
            let now = Utc::now();
            campaign::Entity::update_many()
                .col_expr(campaign::Column::State, Expr::value(state::FINISHED))
                .col_expr(campaign::Column::FinishedAt, Expr::value(now))
                .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
                .filter(campaign::Column::Id.eq(id))
                .filter(campaign::Column::State.eq(state::SENDING))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}
