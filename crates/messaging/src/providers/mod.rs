//! The providers that carry messages, one per channel, behind one interface: the
//! sender hands each a message and gets back the provider's id for it or an error that
//! is either temporary (retried with backoff) or permanent (the message fails).

pub mod http;
pub mod imap;
pub mod sink;
pub mod smpp;
pub mod smtp;
pub mod whatsapp;

use std::sync::Arc;

use sipe_platform::module::BoxFuture;
use uuid::Uuid;

use crate::config::{Provider as ProviderSettings, Settings};
use crate::domain::Channel;
use crate::inbound::ProviderEvent;

/// A message on its way to a provider.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The message's id (the e-mail's Message-ID, the sink's file name).
    pub id: Uuid,
    /// Channel.
    pub channel: Channel,
    /// E.164 phone or e-mail address.
    pub address: String,
    /// E-mail subject.
    pub subject: Option<String>,
    /// Text.
    pub body: String,
    /// A campaign message's unsubscribe link (e-mail `List-Unsubscribe`).
    pub unsubscribe: Option<String>,
    /// WhatsApp: the template call and the free text (JSON, [`whatsapp::Payload`]).
    pub payload: Option<String>,
    /// WhatsApp: the person wrote from this number in the last 24 hours.
    pub window_open: bool,
}

/// Why a provider did not take a message.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SendError {
    /// Try again later (a timeout, a busy server, a throttle).
    #[error("temporary: {0}")]
    Temporary(String),
    /// Never (an invalid address, a refused content).
    #[error("permanent: {0}")]
    Permanent(String),
    /// The request went out and its answer never came: the provider may have it, so
    /// it is taken as sent, unconfirmed, rather than sent twice.
    #[error("in doubt: {0}")]
    InDoubt(String),
}

/// Where a provider hands what it hears (receipts, people's messages), a batch at a
/// time: true once they are stored, so the provider may acknowledge them.
pub type Events = Arc<dyn Fn(Vec<ProviderEvent>) -> BoxFuture<'static, bool> + Send + Sync>;

/// A provider of one channel.
pub trait Provider: Send + Sync {
    /// Its name, stored on each message it takes.
    fn name(&self) -> &'static str;
    /// Hands the message over; the provider's id for it, when it gives one.
    fn send<'a>(&'a self, m: &'a Outgoing) -> BoxFuture<'a, Result<Option<String>, SendError>>;
    /// Messages it takes at once (SMPP: its window); a channel's senders never have
    /// more in flight.
    fn capacity(&self) -> usize {
        32
    }
    /// Waits until it can take messages now (SMPP: a bound session). False when it
    /// cannot: the batch goes back to the queue, never marked as leaving.
    fn ready(&self) -> BoxFuture<'_, bool> {
        Box::pin(async { true })
    }
    /// Keeps the provider's session until `shutdown`, handing what it hears to
    /// `events` (SMPP); `None` for providers without one.
    fn run<'a>(
        &'a self,
        _events: Events,
        _shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> Option<BoxFuture<'a, ()>> {
        None
    }
}

/// The module's running state: the settings and a provider per channel in use.
pub struct Messaging {
    /// The checked settings.
    pub settings: Settings,
    email: Option<Arc<dyn Provider>>,
    sms: Option<Arc<dyn Provider>>,
    whatsapp: Option<Arc<dyn Provider>>,
}

impl Messaging {
    /// Builds every channel's provider from the settings.
    pub fn new(settings: Settings) -> anyhow::Result<Self> {
        let make = |channel: Channel| -> anyhow::Result<Option<Arc<dyn Provider>>> {
            Ok(match settings.provider(channel) {
                ProviderSettings::Off => None,
                ProviderSettings::Sink { .. } => Some(Arc::new(sink::Sink::new(
                    settings.sink_dir.join(channel.as_str()),
                ))),
                ProviderSettings::Smtp(s) => Some(Arc::new(smtp::Smtp::new(s)?)),
                ProviderSettings::Smpp(s) => Some(Arc::new(smpp::Smpp::new(s.clone()))),
                ProviderSettings::Http(h) => Some(Arc::new(http::Gateway::new((**h).clone())?)),
                ProviderSettings::CloudApi(w) => {
                    Some(Arc::new(whatsapp::CloudApi::new(w.clone())?))
                }
            })
        };
        Ok(Messaging {
            email: make(Channel::Email)?,
            sms: make(Channel::Sms)?,
            whatsapp: make(Channel::Whatsapp)?,
            settings,
        })
    }

    /// The provider of a channel in use.
    pub fn provider(&self, channel: Channel) -> Option<Arc<dyn Provider>> {
        match channel {
            Channel::Email => self.email.clone(),
            Channel::Sms => self.sms.clone(),
            Channel::Whatsapp => self.whatsapp.clone(),
        }
    }
}
