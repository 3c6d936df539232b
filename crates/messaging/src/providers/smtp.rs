//! E-mail over SMTP (lettre): a pool of connections, STARTTLS or TLS with the web PKI
//! roots, a plain-text part and an HTML part made from it, the message's id as its
//! Message-ID (a repeat after a crash is recognisably the same mail), and
//! `List-Unsubscribe` (one click, RFC 8058) on campaign mail.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sipe_platform::module::BoxFuture;

use super::{Outgoing, Provider, SendError};
use crate::config::{Security, Smtp as Settings};

/// An SMTP relay.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
}

impl Smtp {
    /// Connects lazily: the first message opens the first connection.
    pub fn new(s: &Settings) -> anyhow::Result<Self> {
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("[messaging.email] from {:?}: {e}", s.from))?;
        let builder = match s.security {
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)?,
            Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)?,
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        };
        let mut builder = builder
            .port(s.port)
            .timeout(Some(Duration::from_secs(20)))
            .pool_config(PoolConfig::new().max_size(s.pool_size));
        if let (Some(user), Some(password)) = (&s.username, &s.password) {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Smtp {
            transport: builder.build(),
            domain: from.email.domain().to_owned(),
            from,
        })
    }

    fn message(&self, m: &Outgoing) -> Result<Message, SendError> {
        let to: Mailbox = m
            .address
            .parse()
            .map_err(|e| SendError::Permanent(format!("address {:?}: {e}", m.address)))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone().unwrap_or_default())
            .message_id(Some(format!("<{}@{}>", m.id, self.domain)));
        // A reply stays in the person's thread.
        let threading: crate::email::Threading = m
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default();
        if let Some(answered) = threading.answered() {
            builder = builder
                .in_reply_to(answered.to_owned())
                .references(answered.to_owned());
        }
        if let Some(link) = &m.unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{link}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        builder
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(m.body.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(crate::email::html(&m.body, m.unsubscribe.as_deref())),
                    ),
            )
            .map_err(|e| SendError::Permanent(format!("message: {e}")))
    }
}

impl Provider for Smtp {
    fn name(&self) -> &'static str {
        "smtp"
    }

    fn send<'a>(&'a self, m: &'a Outgoing) -> BoxFuture<'a, Result<Option<String>, SendError>> {
        Box::pin(async move {
            let message = self.message(m)?;
            match self.transport.send(message).await {
                // SMTP gives no id to follow a message by (servers word their "queued"
                // line as they like): the Message-ID is the message's own id.
                Ok(_) => Ok(None),
                Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                Err(e) => Err(SendError::Temporary(e.to_string())),
            }
        })
    }
}
