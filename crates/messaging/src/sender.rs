//! The senders: one loop per channel in use drains the outbox, at most the provider's
//! rate (messages per second), holding back SMS and WhatsApp during quiet hours,
//! checking each message again just before sending (the person may have withdrawn a
//! consent or changed the address since it was queued, the template may be retired),
//! and recording each answer as it comes. Sends run as their own tasks, a few at once,
//! so a slow provider never stalls the ones behind it.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{Quota, RateLimiter};
use tokio::sync::watch;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::domain::{self, Channel, is_quiet, status};
use crate::entity::message;
use crate::outbox;
use crate::providers::{Events, Messaging, Outgoing, Provider, SendError};
use sipe_platform::db::Db;
use sipe_platform::ids::PersonId;
use sipe_platform::web::AppState;

/// How long a sender holds a batch before another may take it over; the sender
/// renews it while the batch is in flight (a provider may take its time: SMTP's
/// timeouts are 20 s), so a sender that died frees its batch within this.
const LEASE_SECS: i64 = 20;
/// How often a held batch's lease is renewed.
const RENEW: Duration = Duration::from_secs(5);
/// How often leases of dead senders are looked for.
const RECOVERY: Duration = Duration::from_secs(5);
/// E-mails in flight at once per sender.
const IN_FLIGHT: usize = 8;

/// How a channel's senders share its work: how many overlap, how many messages each
/// claims at once, and how many of those it hands over together (its messages in
/// flight, and what a crash leaves in doubt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shares {
    /// Senders of the channel.
    pub workers: usize,
    /// Messages a sender claims at once.
    pub claim: usize,
    /// Messages handed over (and in flight) at once.
    pub chunk: usize,
}

/// The shares of a channel sent at `rate` a second by a provider taking `capacity` at
/// once. SMS and WhatsApp claim about a second of sending (its checks and answers then
/// cost a few transactions a second, not one per handful) and hand it over a chunk at
/// a time; two senders overlap at higher rates, one's database work hiding behind the
/// other's sending, never more in flight together than the provider takes.
pub fn shares(channel: Channel, rate: u32, capacity: usize) -> Shares {
    let rate = rate as usize;
    let capacity = capacity.max(1);
    if !channel.rings() {
        let chunk = IN_FLIGHT.min(capacity);
        return Shares {
            workers: (rate / 100).min(capacity / chunk).clamp(1, 4),
            claim: rate.clamp(1, 100),
            chunk,
        };
    }
    let workers = if rate >= 200 && capacity >= 2 { 2 } else { 1 };
    let chunk = (capacity / workers).clamp(1, 50);
    Shares {
        workers,
        claim: rate.clamp(chunk, 200),
        chunk,
    }
}

/// How often an idle sender looks for work.
const IDLE: Duration = Duration::from_millis(500);

/// Publishes the channels in use, then runs a sender per channel until `shutdown`.
pub async fn run(state: AppState, shutdown: watch::Receiver<bool>) {
    let Some(messaging) = state.extensions.get_arc::<Messaging>() else {
        return;
    };
    let published = crate::runtime::Runtime {
        channels: messaging.settings.channels(),
        timezone: state.tz.name().to_owned(),
    };
    if let Err(e) = crate::runtime::publish(&state.db, &published).await {
        tracing::error!(error = %e, "messaging: could not publish the channels in use");
    }
    let campaigns = tokio::spawn(campaign_loop(
        state.clone(),
        Arc::clone(&messaging),
        shutdown.clone(),
    ));
    let mut loops: Vec<_> = messaging
        .settings
        .channels()
        .into_iter()
        .filter_map(|channel| {
            let provider = messaging.provider(channel)?;
            Some(tokio::spawn(channel_loop(
                state.db.clone(),
                state.tz,
                Arc::clone(&messaging),
                channel,
                provider,
                shutdown.clone(),
            )))
        })
        .collect();
    loops.push(campaigns);
    if let Some(inbox) = messaging.settings.inbox.clone() {
        loops.push(tokio::spawn(inbox_loop(
            state.db.clone(),
            inbox,
            shutdown.clone(),
        )));
    }
    // The providers' own sessions (SMPP), which also bring receipts and replies.
    let events = events_into(state.db.clone());
    for channel in messaging.settings.channels() {
        let Some(provider) = messaging.provider(channel) else {
            continue;
        };
        let (events, shutdown) = (Arc::clone(&events), shutdown.clone());
        loops.push(tokio::spawn(async move {
            if let Some(session) = provider.run(events, shutdown) {
                session.await;
            }
        }));
    }
    for l in loops {
        let _ = l.await;
    }
}

/// Stores what providers report (receipts, replies); true once stored.
pub fn events_into(db: Db) -> Events {
    Arc::new(move |events| {
        let db = db.clone();
        Box::pin(async move {
            match crate::inbound::apply_all(&db, events).await {
                Ok(()) => true,
                Err(e) => {
                    tracing::error!(error = %e, "messaging: a provider's report was not stored");
                    false
                }
            }
        })
    })
}

/// Reads the IMAP mailbox every `poll_seconds`; a failed round is logged and the next
/// one starts from the same UID.
async fn inbox_loop(db: Db, inbox: crate::config::Imap, mut shutdown: watch::Receiver<bool>) {
    while !*shutdown.borrow() {
        match crate::providers::imap::poll(&db, &inbox).await {
            Ok(r) if r.stored > 0 => tracing::info!(stored = r.stored, "inbox: mail read"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, host = %inbox.host, "inbox: round failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(inbox.poll_seconds)) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Starts due campaigns and queues their messages a batch at a time.
async fn campaign_loop(
    state: AppState,
    messaging: Arc<Messaging>,
    mut shutdown: watch::Receiver<bool>,
) {
    let sources = crate::web_campaigns::sources(&state);
    while !*shutdown.borrow() {
        let queued = crate::campaigns::runner::run_once(
            &state.db,
            state.tz,
            &messaging.settings,
            &sources,
            None,
        )
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = format!("{e:#}"), "campaign runner");
            0
        });
        if queued == 0 {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

async fn channel_loop(
    db: Db,
    tz: chrono_tz::Tz,
    messaging: Arc<Messaging>,
    channel: Channel,
    provider: Arc<dyn Provider>,
    shutdown: watch::Receiver<bool>,
) {
    let rate =
        NonZeroU32::new(messaging.settings.provider(channel).rate()).unwrap_or(NonZeroU32::MIN);
    let limiter = Arc::new(RateLimiter::direct(Quota::per_second(rate)));
    // A batch waits for its slowest answer: at higher rates a few senders of the channel
    // overlap, each with its own batch, sharing the rate, never more in flight together
    // than the provider takes at once (SMPP's window).
    let shares = shares(channel, rate.get(), provider.capacity());
    let mut senders = JoinSet::new();
    for worker in 0..shares.workers {
        senders.spawn(sender_loop(
            db.clone(),
            tz,
            Arc::clone(&messaging),
            channel,
            Arc::clone(&provider),
            Arc::clone(&limiter),
            worker == 0,
            shutdown.clone(),
        ));
    }
    while senders.join_next().await.is_some() {}
}

/// One sender of a channel; the first also settles what dead senders left.
#[allow(clippy::too_many_arguments)]
async fn sender_loop(
    db: Db,
    tz: chrono_tz::Tz,
    messaging: Arc<Messaging>,
    channel: Channel,
    provider: Arc<dyn Provider>,
    limiter: Arc<Limiter>,
    recovers: bool,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut last_recovery: Option<std::time::Instant> = None;
    while !*shutdown.borrow() {
        if recovers && last_recovery.is_none_or(|t| t.elapsed() > RECOVERY) {
            last_recovery = Some(std::time::Instant::now());
            if let Err(e) = outbox::sweep_early(&db).await {
                tracing::warn!(error = %e, "messaging: early receipts not applied");
            }
            if let Err(e) = outbox::forget_early(&db).await {
                tracing::warn!(error = %e, "messaging: old early receipts not forgotten");
            }
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
        let handled = match drain_once(&db, tz, &messaging, channel, &provider, &limiter).await {
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
        if handled == 0 {
            tokio::select! {
                _ = tokio::time::sleep(IDLE) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// The rate limiter of a channel.
pub type Limiter = RateLimiter<
    governor::state::NotKeyed,
    governor::state::InMemoryState,
    governor::clock::DefaultClock,
>;

/// Claims one batch and sends it; returns how many messages it handled. A batch of
/// SMS or WhatsApp is no bigger than what is in flight at once: should the process
/// die, only those are in doubt (and were already handed over).
pub async fn drain_once(
    db: &Db,
    tz: chrono_tz::Tz,
    messaging: &Messaging,
    channel: Channel,
    provider: &Arc<dyn Provider>,
    limiter: &Limiter,
) -> anyhow::Result<usize> {
    let local = chrono::Utc::now().with_timezone(&tz);
    let quiet = channel.rings() && is_quiet(messaging.settings.quiet_hours, local.time());
    let shares = shares(
        channel,
        messaging.settings.provider(channel).rate(),
        provider.capacity(),
    );
    let batch = outbox::claim(
        db,
        channel,
        shares.claim as u64,
        quiet,
        chrono::Duration::seconds(LEASE_SECS),
    )
    .await?;
    let handled = batch.len();
    let Some(token) = batch.first().and_then(|m| m.claim) else {
        return Ok(0);
    };
    let stopped = no_longer_sendable(db, channel, &batch, local.date_naive()).await?;
    // The lease is renewed by a task of its own: a renewal awaited here would stall
    // the batch (and wait on rows the batch's own transaction holds).
    let renewal = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut renew = tokio::time::interval(RENEW);
            renew.tick().await;
            loop {
                renew.tick().await;
                let lease = chrono::Duration::seconds(LEASE_SECS);
                if let Err(e) = outbox::extend(&db, token, lease).await {
                    tracing::warn!(error = %e, "messaging: a lease was not renewed");
                }
            }
        })
    };
    send_batch(
        db,
        messaging,
        channel,
        provider,
        limiter,
        shares.chunk,
        batch,
        stopped,
    )
    .await;
    renewal.abort();
    Ok(handled)
}

/// Hands a claimed batch to the provider, at its rate, and records each answer.
#[allow(clippy::too_many_arguments)]
async fn send_batch(
    db: &Db,
    messaging: &Messaging,
    channel: Channel,
    provider: &Arc<dyn Provider>,
    limiter: &Limiter,
    chunk: usize,
    batch: Vec<message::Model>,
    stopped: Vec<(Uuid, &'static str)>,
) {
    let open = match channel {
        Channel::Whatsapp => {
            let addresses: Vec<String> = batch.iter().map(|m| m.address.clone()).collect();
            match outbox::windows_open(db, channel, addresses).await {
                Ok(open) => open,
                Err(e) => {
                    // Unknown: templates only, which go inside the window too.
                    tracing::warn!(error = %e, "messaging: WhatsApp windows unknown");
                    Vec::new()
                }
            }
        }
        _ => Vec::new(),
    };
    let claim = batch.first().and_then(|m| m.claim);
    let mut going = Vec::with_capacity(batch.len());
    for m in batch {
        if let Some((_, reason)) = stopped.iter().find(|(id, _)| *id == m.id) {
            log(outbox::finish(db, &m, status::CANCELLED, None, reason, None).await);
            continue;
        }
        going.push(m);
    }
    if !channel.rings() {
        let answers = send_all(
            messaging,
            channel,
            provider,
            Some(limiter),
            &open,
            going,
            chunk,
        )
        .await;
        store(db, messaging, provider.name(), answers).await;
        return;
    }
    // SMS and WhatsApp, a chunk at a time: its turn at the rate first, then marked
    // handed over in one statement, then all sent at once, so the mark and the bytes
    // leaving are a moment apart (from the mark on, a crash takes them as sent: a phone
    // must not get one twice); its answers are stored before the next chunk goes, so
    // the receipts that follow find them.
    let mut rest = going.into_iter();
    loop {
        let next: Vec<message::Model> = rest.by_ref().take(chunk.max(1)).collect();
        if next.is_empty() {
            return;
        }
        // A provider that cannot take them now (an SMPP session not bound): this
        // chunk and the rest back to the queue, never marked.
        if !provider.ready().await {
            log(outbox::release(db, claim).await);
            return;
        }
        // The rate counts what goes on the air: each part of a long SMS.
        for m in &next {
            for _ in 0..m.segments.unwrap_or(1).max(1) {
                limiter.until_ready().await;
            }
        }
        let ids: Vec<Uuid> = next.iter().map(|m| m.id).collect();
        let marked = match outbox::handing(db, claim, ids).await {
            Ok(marked) => marked,
            Err(e) => {
                // Left claimed and never handed over: recovery queues them again.
                tracing::error!(error = %e, "messaging: could not mark messages handed over");
                return;
            }
        };
        let next: Vec<message::Model> = next
            .into_iter()
            .filter(|m| marked.contains(&m.id))
            .collect();
        let answers = send_all(messaging, channel, provider, None, &open, next, chunk).await;
        store(db, messaging, provider.name(), answers).await;
    }
}

/// A message and what the provider answered for it.
type Answer = (message::Model, Result<Option<String>, SendError>);

/// Sends each message as a task of its own, at most `in_flight` at once; `pace`:
/// each waits for its turn at the rate first (e-mail; SMS and WhatsApp waited before
/// their mark).
async fn send_all(
    messaging: &Messaging,
    channel: Channel,
    provider: &Arc<dyn Provider>,
    pace: Option<&Limiter>,
    open: &[String],
    batch: Vec<message::Model>,
    in_flight: usize,
) -> Vec<Answer> {
    let mut tasks = JoinSet::new();
    let mut answers = Vec::with_capacity(batch.len());
    for m in batch {
        if let Some(limiter) = pace {
            limiter.until_ready().await;
        }
        let window_open = open.contains(&m.address);
        // Campaign e-mails carry their unsubscribe link (`List-Unsubscribe` too).
        let unsubscribe = match (&messaging.settings.public_url, channel, m.campaign_id) {
            (Some(site), Channel::Email, Some(_)) => Some(format!("{site}/baja/{}", m.id)),
            _ => None,
        };
        let sending = Arc::clone(provider);
        tasks.spawn(async move {
            let out = Outgoing {
                id: m.id,
                channel,
                address: m.address.clone(),
                subject: m.subject.clone(),
                body: m.body.clone(),
                unsubscribe,
                payload: m.payload.clone(),
                window_open,
            };
            let result = sending.send(&out).await;
            (m, result)
        });
        while tasks.len() >= in_flight.max(1) {
            if let Some(Ok(done)) = tasks.join_next().await {
                answers.push(done);
            }
        }
    }
    while let Some(done) = tasks.join_next().await {
        if let Ok(done) = done {
            answers.push(done);
        }
    }
    answers
}

/// Records answers in one transaction: fewer turns at the database's write lock,
/// which receipts and the campaign runner also want. Not stored: the messages stay
/// claimed, and recovery settles them when their lease ends.
async fn store(db: &Db, messaging: &Messaging, provider: &str, answers: Vec<Answer>) {
    if answers.is_empty() {
        return;
    }
    let stored = async {
        let tx = sipe_platform::db::begin_write(db).await?;
        let ids: Vec<String> = answers
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok().cloned().flatten())
            .collect();
        for (m, result) in answers {
            record(&tx, messaging, provider, &m, result).await?;
        }
        outbox::apply_early(&tx, provider, ids).await?;
        tx.commit().await
    };
    log(stored.await);
}

fn log(result: Result<(), sea_orm::DbErr>) {
    if let Err(e) = result {
        // The message stays claimed; its lease expires and recovery settles it.
        tracing::error!(error = %e, "messaging: could not record a message's outcome");
    }
}

async fn record(
    db: &impl sea_orm::ConnectionTrait,
    messaging: &Messaging,
    provider: &str,
    m: &message::Model,
    result: Result<Option<String>, SendError>,
) -> Result<(), sea_orm::DbErr> {
    let cost = || i64::from(m.segments.unwrap_or(0)) * messaging.settings.sms_cents_per_segment;
    match result {
        Ok(provider_id) => outbox::sent(db, m, provider, provider_id, cost(), None).await,
        Err(SendError::InDoubt(detail)) => {
            tracing::warn!(message = %m.id, detail, "message sent, unconfirmed");
            outbox::sent(db, m, provider, None, cost(), Some(&detail)).await
        }
        Err(SendError::Permanent(detail)) => {
            tracing::warn!(message = %m.id, detail, "message refused");
            outbox::finish(
                db,
                m,
                status::FAILED,
                Some(provider),
                outbox::PROVIDER_REFUSED,
                Some(&detail),
            )
            .await
        }
        Err(SendError::Temporary(detail)) => {
            tracing::info!(message = %m.id, detail, "message to be retried");
            outbox::retry_later(db, m, provider, &detail).await
        }
    }
}

/// Messages of the batch that must not leave, with why: the person withdrew the
/// channel's or the purpose's consent, or their address is no longer the one queued,
/// or the template was retired.
async fn no_longer_sendable(
    db: &Db,
    channel: Channel,
    batch: &[message::Model],
    today: chrono::NaiveDate,
) -> anyhow::Result<Vec<(Uuid, &'static str)>> {
    let people: Vec<PersonId> = batch
        .iter()
        .filter_map(|m| m.person_id.map(PersonId))
        .collect();
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let contacts = sipe_persons::contact::contacts_of(db, &people, today).await?;
    let mut templates: Vec<(Uuid, Option<crate::templates::Template>)> = Vec::new();
    let mut out = Vec::new();
    for m in batch {
        let Some(person) = m.person_id else { continue };
        // A reply in a conversation the person started (no template, no campaign): they
        // wrote from this address on this channel, asking; consents govern what the
        // office starts.
        if m.template_id.is_none() && m.campaign_id.is_none() {
            continue;
        }
        let Some(contact) = contacts.iter().find(|c| c.id.0 == person) else {
            out.push((m.id, "no_person"));
            continue;
        };
        let template = match m.template_id {
            Some(t) => {
                if !templates.iter().any(|(id, _)| *id == t) {
                    templates.push((t, crate::templates::find(db, t).await?));
                }
                templates
                    .iter()
                    .find(|(id, _)| *id == t)
                    .and_then(|(_, x)| x.as_ref())
            }
            None => None,
        };
        if template.is_some_and(|t| !t.active) {
            out.push((m.id, "template_inactive"));
            continue;
        }
        let purpose = template.map_or(domain::SERVICE, |t| t.purpose.as_str());
        match domain::address(&crate::send::reach_of(contact), channel, purpose) {
            Ok(address) if address == m.address => {}
            Ok(_) => out.push((m.id, "address_changed")),
            Err(domain::Unreachable::NoChannelConsent) => out.push((m.id, "consent_withdrawn")),
            Err(other) => out.push((m.id, other.as_str())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_keep_in_flight_within_the_window() {
        // SMPP at 500/s with a window of 20: two senders, ten each in flight.
        assert_eq!(
            shares(Channel::Sms, 500, 20),
            Shares {
                workers: 2,
                claim: 200,
                chunk: 10
            }
        );
        // A slow channel: one sender, a second's worth claimed, never less than a chunk.
        assert_eq!(
            shares(Channel::Whatsapp, 5, 32),
            Shares {
                workers: 1,
                claim: 32,
                chunk: 32
            }
        );
        assert_eq!(shares(Channel::Sms, 50, 1).chunk, 1);
        // E-mail as before: a few senders of eight in flight.
        assert_eq!(
            shares(Channel::Email, 20, 32),
            Shares {
                workers: 1,
                claim: 20,
                chunk: 8
            }
        );
        for (rate, capacity) in [(1, 1), (200, 3), (10_000, 100), (500, 7)] {
            let s = shares(Channel::Sms, rate, capacity);
            assert!(s.workers * s.chunk <= capacity, "{rate} {capacity}: {s:?}");
            assert!(s.claim >= s.chunk, "{s:?}");
        }
    }
}
