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
    ColumnTrait, Condition, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
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
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::{OfficeId, PersonId};

/// People read and queued per transaction.
pub const BATCH: u64 = 2_000;
/// How long one runner holds a campaign's expansion.
const HOLD_SECS: i64 = 120;

/// One round: starts due campaigns, expands one batch of each started one, finishes
/// those done. `only` limits it to one campaign (the demo). Returns how many messages
/// it queued. A campaign that fails is logged and tried again in the next round (its
/// hold expires); the others go on.
pub async fn run_once(
    db: &Db,
    tz: chrono_tz::Tz,
    settings: &Settings,
    sources: &[Arc<dyn AudienceSource>],
    only: Option<Uuid>,
) -> anyhow::Result<u64> {
    let now = Utc::now();
    let mut due = campaign::Entity::find()
        .filter(campaign::Column::State.eq(state::SCHEDULED))
        .filter(campaign::Column::ScheduledAt.lte(now));
    if let Some(id) = only {
        due = due.filter(campaign::Column::Id.eq(id));
    }
    for c in due.limit(50).all(db).await? {
        let tx = db::begin_write(db).await?;
        let started = campaign::Entity::update_many()
            .col_expr(campaign::Column::State, Expr::value(state::SENDING))
            .col_expr(campaign::Column::StartedAt, Expr::value(now))
            .col_expr(campaign::Column::Version, Expr::value(c.version + 1))
            .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
            .filter(campaign::Column::Id.eq(c.id))
            .filter(campaign::Column::State.eq(state::SCHEDULED))
            .filter(campaign::Column::Version.eq(c.version))
            .exec(&tx)
            .await?;
        if started.rows_affected == 1 {
            audit::record(
                &tx,
                &AuditCtx::system(),
                Change::new("messaging.campaign.start", "message_campaign", c.id)
                    .after(serde_json::json!({"state": state::SENDING})),
            )
            .await?;
        }
        tx.commit().await?;
    }
    let mut open = campaign::Entity::find()
        .filter(campaign::Column::State.eq(state::SENDING))
        .filter(campaign::Column::Expanded.eq(false));
    if let Some(id) = only {
        open = open.filter(campaign::Column::Id.eq(id));
    }
    let open: Vec<Uuid> = open
        .select_only()
        .column(campaign::Column::Id)
        .order_by_asc(campaign::Column::StartedAt)
        .limit(20)
        .into_tuple()
        .all(db)
        .await?;
    let mut queued = 0;
    for id in open {
        if !hold(db, id).await? {
            continue;
        }
        // Read again once held: another runner may have moved it on.
        let Some(c) = campaign::Entity::find_by_id(id)
            .filter(campaign::Column::State.eq(state::SENDING))
            .one(db)
            .await?
        else {
            continue;
        };
        match expand_batch(db, tz, settings, sources, &c).await {
            Ok(n) => queued += n,
            Err(e) => {
                tracing::error!(campaign = %id, error = format!("{e:#}"), "campaign batch failed; retried later")
            }
        }
    }
    finish_done(db, only).await?;
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

/// Stops a campaign that can no longer be sent as approved, with the reason audited.
async fn stop(db: &Db, c: &campaign::Model, reason: &str) -> anyhow::Result<u64> {
    tracing::warn!(campaign = %c.id, reason, "campaign stopped");
    let tx = db::begin_write(db).await?;
    super::cancel_in(
        &tx,
        &AuditCtx::system(),
        state::SENDING,
        c.version,
        c.id,
        reason,
    )
    .await?;
    tx.commit().await?;
    Ok(0)
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
        return stop(db, c, "author_inactive").await;
    };
    let access = sipe_platform::access::store::load_access(db, &author).await?;
    // Filters that no longer read, or name a filter no module offers, would widen the
    // audience: stop instead.
    let Ok(filters) = serde_json::from_str::<audiences::AudienceFilters>(&c.filters) else {
        return stop(db, c, "filters_unreadable").await;
    };
    if filters
        .extra
        .keys()
        .any(|k| !sources.iter().any(|s| s.key() == k))
    {
        return stop(db, c, "filter_unknown").await;
    }
    let Some(channel) = Channel::parse(&c.channel).filter(|ch| settings.channels().contains(ch))
    else {
        return stop(db, c, "channel_off").await;
    };
    // The words approved: a template changed, retired or without this channel since.
    let template = crate::templates::find(db, c.template_id)
        .await?
        .filter(|t| t.active && t.version == c.template_version && t.has(channel));
    let Some(template) = template else {
        return stop(db, c, "template_changed").await;
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
            payload: body.payload,
            body: body.text,
            status: status::QUEUED,
            reason: None,
            any_hour: template.any_hour,
            created_by: c.created_by_name.clone(),
        });
    }
    // The audience grew well beyond what was approved (or beyond what needs no
    // approval): it goes no further.
    let allowed = std::cmp::max(
        c.recipients + c.recipients / 20 + 10,
        i64::try_from(settings.approval_threshold).unwrap_or(i64::MAX),
    );
    let to_queue = i64::try_from(messages.len()).unwrap_or(i64::MAX);
    if c.queued.saturating_add(to_queue) > allowed {
        return stop(db, c, "audience_grew").await;
    }
    let tx = db::begin_write(db).await?;
    // First, the campaign's row, still sending and where this batch began: it locks the
    // row, so a cancel either came before (nothing is queued) or waits for the batch
    // (and withdraws it).
    let at_cursor = match c.cursor {
        Some(cur) => Condition::all().add(campaign::Column::Cursor.eq(cur)),
        None => Condition::all().add(campaign::Column::Cursor.is_null()),
    };
    let mine = campaign::Entity::update_many()
        .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
        .filter(campaign::Column::Id.eq(c.id))
        .filter(campaign::Column::State.eq(state::SENDING))
        .filter(at_cursor)
        .exec(&tx)
        .await?;
    if mine.rows_affected != 1 {
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

/// Finishes campaigns read to their end whose messages have all settled.
async fn finish_done(db: &Db, only: Option<Uuid>) -> Result<(), DbErr> {
    let mut q = campaign::Entity::find()
        .filter(campaign::Column::State.eq(state::SENDING))
        .filter(campaign::Column::Expanded.eq(true));
    if let Some(id) = only {
        q = q.filter(campaign::Column::Id.eq(id));
    }
    for c in q.all(db).await? {
        let pending = message::Entity::find()
            .filter(message::Column::CampaignId.eq(c.id))
            .filter(message::Column::Status.is_in([status::QUEUED, status::SENDING]))
            .count(db)
            .await?;
        if pending > 0 {
            continue;
        }
        let now = Utc::now();
        let tx = db::begin_write(db).await?;
        let finished = campaign::Entity::update_many()
            .col_expr(campaign::Column::State, Expr::value(state::FINISHED))
            .col_expr(campaign::Column::FinishedAt, Expr::value(now))
            .col_expr(campaign::Column::Version, Expr::value(c.version + 1))
            .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
            .filter(campaign::Column::Id.eq(c.id))
            .filter(campaign::Column::State.eq(state::SENDING))
            .filter(campaign::Column::Version.eq(c.version))
            .exec(&tx)
            .await?;
        if finished.rows_affected == 1 {
            audit::record(
                &tx,
                &AuditCtx::system(),
                Change::new("messaging.campaign.finish", "message_campaign", c.id).after(
                    serde_json::json!({"state": state::FINISHED, "queued": c.queued,
                        "excluded": c.excluded}),
                ),
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}
