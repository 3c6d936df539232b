//! E-mail people send, read from an IMAP mailbox. Each round logs in, selects the
//! mailbox and fetches by UID what came after the last UID stored for it (with the
//! mailbox's UIDVALIDITY: when the server renumbers, the round starts over and the
//! Message-ID keeps what was already stored from coming in twice). Each message is
//! stored before the cursor moves past it, so a crash or a restart loses nothing; the
//! server's copy is only read (`BODY.PEEK[]`), never flagged or deleted.

use chrono::{TimeZone, Utc};
use futures::TryStreamExt;
use sea_orm::{EntityTrait, Set};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::config::{Imap, Security};
use crate::domain::Channel;
use crate::entity::mailbox;
use crate::inbound::{Inbound, Mail, receive};
use sipe_platform::db::Db;

/// Messages read per round (the rest come the next round).
const PER_ROUND: u32 = 200;
/// Largest message read; a bigger one is stored without its body.
const MAX_BYTES: usize = 10 * 1024 * 1024;

/// What a round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Messages stored.
    pub stored: u32,
    /// Messages seen before (by Message-ID), skipped.
    pub repeated: u32,
}

/// Why a round failed (the next one tries again from the same UID).
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// Connecting, TLS or the IMAP conversation.
    #[error("imap: {0}")]
    Imap(String),
    /// Storing.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

fn imap_err(e: impl std::fmt::Display) -> InboxError {
    InboxError::Imap(e.to_string())
}

/// One round: reads the mail that came since the last round.
pub async fn poll(db: &Db, cfg: &Imap) -> Result<Round, InboxError> {
    let tcp = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        tokio::net::TcpStream::connect((cfg.host.as_str(), cfg.port)),
    )
    .await
    .map_err(|_| InboxError::Imap(format!("{}:{} did not answer", cfg.host, cfg.port)))?
    .map_err(imap_err)?;
    match cfg.security {
        Security::None => round(db, cfg, tcp).await,
        Security::Tls | Security::StartTls => {
            let mut roots = rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .map_err(imap_err)?
            .with_root_certificates(roots)
            .with_no_client_auth();
            let name =
                rustls::pki_types::ServerName::try_from(cfg.host.clone()).map_err(imap_err)?;
            let stream = tokio_rustls::TlsConnector::from(std::sync::Arc::new(tls))
                .connect(name, tcp)
                .await
                .map_err(imap_err)?;
            round(db, cfg, stream).await
        }
    }
}

async fn round<T>(db: &Db, cfg: &Imap, stream: T) -> Result<Round, InboxError>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut client = async_imap::Client::new(stream);
    client
        .read_response()
        .await
        .map_err(imap_err)?
        .ok_or_else(|| InboxError::Imap("no greeting".into()))?;
    let password = cfg
        .password
        .as_ref()
        .map(|p| p.expose().to_owned())
        .unwrap_or_default();
    let mut session = client
        .login(&cfg.username, password)
        .await
        .map_err(|(e, _)| imap_err(e))?;
    let selected = session.select(&cfg.mailbox).await.map_err(imap_err)?;
    let validity = i64::from(selected.uid_validity.unwrap_or(0));
    let name = format!("{}@{}:{}/{}", cfg.username, cfg.host, cfg.port, cfg.mailbox);
    let cursor = mailbox::Entity::find_by_id(name.clone()).one(db).await?;
    // A new UIDVALIDITY renumbered the mailbox: every UID is read again.
    let after = cursor
        .as_ref()
        .filter(|c| c.uid_validity == validity)
        .map_or(0, |c| c.last_uid);
    let mut done = Round::default();
    let mut last = after;
    let fetched: Vec<(u32, Vec<u8>)> = {
        let first = u32::try_from(after + 1).unwrap_or(u32::MAX);
        let stream = session
            .uid_fetch(format!("{first}:*"), "(UID RFC822.SIZE BODY.PEEK[])")
            .await
            .map_err(imap_err)?;
        let all: Vec<_> = stream.try_collect().await.map_err(imap_err)?;
        // `N:*` names the last message when none is newer than N: keep only newer ones.
        let mut out: Vec<(u32, Vec<u8>)> = all
            .iter()
            .filter_map(|f| {
                let uid = f.uid?;
                (i64::from(uid) > after).then(|| (uid, f.body().unwrap_or_default().to_vec()))
            })
            .collect();
        out.sort_by_key(|(uid, _)| *uid);
        out.truncate(PER_ROUND as usize);
        out
    };
    for (uid, raw) in fetched {
        let inbound = parse(&raw, validity, uid);
        match receive(db, inbound).await?.id {
            Some(_) => done.stored += 1,
            None => done.repeated += 1,
        }
        last = i64::from(uid);
        save(db, &name, validity, last).await?;
    }
    // A first round, or a renumbered mailbox, with nothing new: remember where it is.
    if last == after && cursor.as_ref().is_none_or(|c| c.uid_validity != validity) {
        save(db, &name, validity, last).await?;
    }
    let _ = session.logout().await;
    Ok(done)
}

/// Moves the mailbox's cursor (an upsert: two nodes may read one mailbox).
async fn save(db: &Db, name: &str, validity: i64, last: i64) -> Result<(), sea_orm::DbErr> {
    let row = mailbox::ActiveModel {
        name: Set(name.to_owned()),
        uid_validity: Set(validity),
        last_uid: Set(last),
        updated_at: Set(Utc::now()),
    };
    mailbox::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(mailbox::Column::Name)
                .update_columns([
                    mailbox::Column::UidValidity,
                    mailbox::Column::LastUid,
                    mailbox::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// A raw message as an inbound e-mail: sender, subject, the text part (or the HTML's
/// text), its Message-ID and those it answers. A message with no Message-ID is named
/// by the mailbox's UIDVALIDITY and its UID.
pub fn parse(raw: &[u8], validity: i64, uid: u32) -> Inbound {
    let raw = &raw[..raw.len().min(MAX_BYTES)];
    let parsed = mail_parser::MessageParser::default().parse(raw);
    let fallback = format!("uid-{validity}-{uid}");
    let Some(m) = parsed else {
        return Inbound {
            channel: Channel::Email,
            provider: "imap",
            provider_id: fallback,
            from: String::new(),
            international: false,
            text: String::new(),
            at: Utc::now(),
            mail: Some(Mail::default()),
        };
    };
    let from = m
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let ids = |v: &mail_parser::HeaderValue<'_>| -> Vec<String> {
        match v {
            mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
            mail_parser::HeaderValue::TextList(l) => l.iter().map(ToString::to_string).collect(),
            _ => Vec::new(),
        }
    };
    let mut answers = ids(m.in_reply_to());
    for r in ids(m.references()) {
        if !answers.contains(&r) {
            answers.push(r);
        }
    }
    answers.truncate(50);
    let text = m
        .body_text(0)
        .map(|t| t.trim().to_owned())
        .unwrap_or_default();
    let at = m
        .date()
        .and_then(|d| Utc.timestamp_opt(d.to_timestamp(), 0).single())
        .filter(|d| *d <= Utc::now())
        .unwrap_or_else(Utc::now);
    Inbound {
        channel: Channel::Email,
        provider: "imap",
        provider_id: m
            .message_id()
            .map(|id| id.chars().take(250).collect())
            .unwrap_or(fallback),
        from,
        international: false,
        text,
        at,
        mail: Some(Mail {
            subject: m.subject().unwrap_or_default().chars().take(250).collect(),
            answers,
            attachments: u32::try_from(m.attachment_count()).unwrap_or(u32::MAX),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_mail_gives_its_sender_thread_and_text() {
        let raw = "From: =?utf-8?q?Luc=C3=ADa?= <Lucia@Example.org>\r\nSubject: =?utf-8?q?Inscripci=C3=B3n?=\r\nMessage-ID: <a1@x.org>\r\nIn-Reply-To: <b2@y.org>\r\nReferences: <c3@y.org> <b2@y.org>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hola <b>equipo</b></p>\r\n";
        let m = parse(raw.as_bytes(), 7, 3);
        assert_eq!(m.from, "lucia@example.org");
        assert_eq!(m.provider_id, "a1@x.org");
        let mail = m.mail.unwrap();
        assert_eq!(mail.subject, "Inscripción");
        assert_eq!(mail.answers, ["b2@y.org", "c3@y.org"]);
        assert!(
            m.text.contains("Hola") && !m.text.contains("<b>"),
            "{}",
            m.text
        );
    }

    #[test]
    fn a_mail_without_message_id_is_named_by_its_uid() {
        let m = parse(b"From: a@b.org\r\n\r\nhola\r\n", 7, 3);
        assert_eq!(m.provider_id, "uid-7-3");
        let junk = parse(b"", 7, 4);
        assert_eq!(junk.provider_id, "uid-7-4");
    }
}
