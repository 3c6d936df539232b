//! The senders: one loop per channel drains the outbox, at most the provider's rate
//! (messages per second), holding back SMS and WhatsApp during quiet hours, checking
//! each person's consent again just before sending (a BAJA may have arrived since the
//! message was queued), and recording each answer as it comes.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use governor::{Quota, RateLimiter};
use tokio::sync::watch;
use uuid::Uuid;

use crate::domain::{Channel, is_quiet, status};
use crate::entity::message;
use crate::outbox;
use crate::providers::{Messaging, Outgoing, Provider, SendError};
use sipe_platform::db::Db;
use sipe_platform::ids::PersonId;
use sipe_platform::web::AppState;

/// How long a sender holds a batch before another may take it over.
const LEASE_SECS: i64 = 60;
/// Messages in flight at once per channel.
const IN_FLIGHT: usize = 8;
/// How often an idle sender looks for work.
const IDLE: Duration = Duration::from_millis(500);

/// Runs a sender per channel until `shutdown`.
pub async fn run(state: AppState, shutdown: watch::Receiver<bool>) {
    let Some(messaging) = state.extensions.get_arc::<Messaging>() else {
        return;
    };
    let loops: Vec<_> = Channel::ALL
        .into_iter()
        .map(|channel| {
            tokio::spawn(channel_loop(
                state.db.clone(),
                state.tz,
                Arc::clone(&messaging),
                channel,
                shutdown.clone(),
            ))
        })
        .collect();
    for l in loops {
        let _ = l.await;
    }
}

async fn channel_loop(
    db: Db,
    tz: chrono_tz::Tz,
    messaging: Arc<Messaging>,
    channel: Channel,
    mut shutdown: watch::Receiver<bool>,
) {
    let provider = messaging.provider(channel);
    let rate =
        NonZeroU32::new(messaging.settings.provider(channel).rate()).unwrap_or(NonZeroU32::MIN);
    let limiter = RateLimiter::direct(Quota::per_second(rate));
    let mut last_recovery = std::time::Instant::now() - Duration::from_secs(3600);
    while !*shutdown.borrow() {
        if last_recovery.elapsed() > Duration::from_secs(15) {
            last_recovery = std::time::Instant::now();
            match outbox::recover(&db, channel).await {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    channel = channel.as_str(),
                    n,
                    "messages left by a stopped sender settled"
                ),
                Err(e) => tracing::error!(error = %e, "messaging recovery"),
            }
        }
        let sent = match drain_once(&db, tz, &messaging, channel, &provider, &limiter).await {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(
                    channel = channel.as_str(),
                    error = format!("{e:#}"),
                    "messaging sender"
                );
                0
            }
        };
        if sent == 0 {
            tokio::select! {
                _ = tokio::time::sleep(IDLE) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

type Limiter = RateLimiter<
    governor::state::NotKeyed,
    governor::state::InMemoryState,
    governor::clock::DefaultClock,
>;

/// Claims one batch and sends it; returns how many messages it handled.
pub async fn drain_once(
    db: &Db,
    tz: chrono_tz::Tz,
    messaging: &Messaging,
    channel: Channel,
    provider: &Arc<dyn Provider>,
    limiter: &Limiter,
) -> anyhow::Result<usize> {
    let local = chrono::Utc::now().with_timezone(&tz).time();
    let quiet = channel.rings() && is_quiet(messaging.settings.quiet_hours, local);
    let rate = u64::from(messaging.settings.provider(channel).rate());
    let batch = outbox::claim(
        db,
        channel,
        rate.clamp(1, 200),
        quiet,
        chrono::Duration::seconds(LEASE_SECS),
    )
    .await?;
    let handled = batch.len();
    let withdrawn = withdrawn(db, channel, &batch).await?;
    let mut in_flight = FuturesUnordered::new();
    for m in batch {
        if withdrawn.contains(&m.id) {
            outbox::finish(db, m.id, status::CANCELLED, None, "consent_withdrawn").await?;
            continue;
        }
        limiter.until_ready().await;
        let provider = Arc::clone(provider);
        let name = provider.name();
        in_flight.push(async move {
            let out = Outgoing {
                id: m.id,
                channel,
                address: m.address.clone(),
                subject: m.subject.clone(),
                body: m.body.clone(),
                unsubscribe: None,
            };
            let result = provider.send(&out).await;
            (m, result)
        });
        if in_flight.len() >= IN_FLIGHT
            && let Some((m, result)) = in_flight.next().await
        {
            record(db, messaging, name, &m, result).await?;
        }
    }
    while let Some((m, result)) = in_flight.next().await {
        record(db, messaging, provider.name(), &m, result).await?;
    }
    Ok(handled)
}

async fn record(
    db: &Db,
    messaging: &Messaging,
    provider: &str,
    m: &message::Model,
    result: Result<Option<String>, SendError>,
) -> anyhow::Result<()> {
    match result {
        Ok(provider_id) => {
            let cost =
                i64::from(m.segments.unwrap_or(0)) * messaging.settings.sms_cents_per_segment;
            outbox::sent(db, m.id, provider, provider_id, cost).await?;
        }
        Err(SendError::Permanent(reason)) => {
            tracing::warn!(message = %m.id, reason, "message refused");
            outbox::finish(db, m.id, status::FAILED, Some(provider), &reason).await?;
        }
        Err(SendError::Temporary(reason)) => {
            tracing::info!(message = %m.id, reason, "message to be retried");
            outbox::retry_later(db, m, provider, &reason).await?;
        }
    }
    Ok(())
}

/// Messages of the batch whose person no longer accepts the channel.
async fn withdrawn(
    db: &Db,
    channel: Channel,
    batch: &[message::Model],
) -> anyhow::Result<Vec<Uuid>> {
    let people: Vec<PersonId> = batch
        .iter()
        .filter_map(|m| m.person_id.map(PersonId))
        .collect();
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let contacts =
        sipe_persons::contact::contacts_of(db, &people, chrono::Utc::now().date_naive()).await?;
    let accepts = |p: Uuid| {
        contacts
            .iter()
            .find(|c| c.id.0 == p)
            .is_some_and(|c| match channel {
                Channel::Email => c.email_consent,
                Channel::Sms => c.sms_consent,
                Channel::Whatsapp => c.whatsapp_consent,
            })
    };
    Ok(batch
        .iter()
        .filter(|m| m.person_id.is_some_and(|p| !accepts(p)))
        .map(|m| m.id)
        .collect())
}
