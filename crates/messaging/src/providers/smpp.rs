//! SMS over SMPP 3.4 (`rusmppc`): one transceiver session kept bound in the background
//! (reconnecting with a growing pause when the SMSC drops it, `enquire_link` on a
//! quiet line), `submit_sm` with registered delivery through a window of requests
//! awaiting their answer, and `deliver_sm` from the SMSC, either a delivery receipt
//! or a message a person sent, answered only once it is stored (an SMSC repeats what
//! it did not see acknowledged).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use rusmpp::extra::concatenation::SubmitSmMultipartExt;
use rusmpp::pdus::{BindTransceiver, DeliverSm, DeliverSmResp, SubmitSm};
use rusmpp::tlvs::TlvValue;
use rusmpp::types::{COctetString, OctetString};
use rusmpp::values::{
    DataCoding, EsmClass, InterfaceVersion, MessageState, MessageType, Npi, RegisteredDelivery, Ton,
};
use rusmpp::{Command, CommandId, CommandStatus, Pdu};
use rusmppc::{Client, ConnectionBuilder, Event};
use sipe_platform::module::BoxFuture;
use tokio::sync::{Semaphore, watch};

use super::{Events, Outgoing, Provider, SendError};
use crate::config;
use crate::domain::{Channel, status};
use crate::inbound::{Inbound, ProviderEvent, Receipt};

/// How long a send waits for a bound session before it is retried later.
const BIND_WAIT: Duration = Duration::from_secs(10);
/// How long a `submit_sm` waits for its answer.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);
/// `deliver_sm` waiting to be stored.
const INBOUND_QUEUE: usize = 1_000;
/// `deliver_sm` stored in one transaction.
const BATCH: usize = 200;
/// How long the first `deliver_sm` of a batch waits for others.
const GATHER: Duration = Duration::from_millis(50);

/// The SMPP provider.
pub struct Smpp {
    cfg: config::Smpp,
    session: watch::Sender<Option<Client>>,
    window: Semaphore,
}

impl Smpp {
    /// A provider for this SMSC; the session opens when [`Provider::run`] starts.
    pub fn new(cfg: config::Smpp) -> Self {
        let window = Semaphore::new(cfg.window as usize);
        Smpp {
            cfg,
            session: watch::Sender::new(None),
            window,
        }
    }

    /// Is a session bound now?
    pub fn is_bound(&self) -> bool {
        self.session
            .borrow()
            .as_ref()
            .is_some_and(Client::is_active)
    }

    async fn bound(&self) -> Option<Client> {
        let mut rx = self.session.subscribe();
        let ready = tokio::time::timeout(
            BIND_WAIT,
            rx.wait_for(|s| s.as_ref().is_some_and(Client::is_active)),
        )
        .await;
        match ready {
            Ok(Ok(s)) => s.clone(),
            _ => None,
        }
    }

    /// Connects and binds; the client and its events.
    async fn open(
        &self,
    ) -> Result<(Client, impl futures::Stream<Item = Event> + Unpin + 'static), String> {
        let address = (self.cfg.host.as_str(), self.cfg.port);
        let stream = tokio::time::timeout(
            Duration::from_secs(10),
            tokio::net::TcpStream::connect(address),
        )
        .await
        .map_err(|_| "connection timed out".to_owned())?
        .map_err(|e| format!("connect: {e}"))?;
        let (client, events) = ConnectionBuilder::new()
            .enquire_link_interval(Duration::from_secs(self.cfg.enquire_link_secs))
            .enquire_link_response_timeout(Duration::from_secs(10))
            .response_timeout(RESPONSE_TIMEOUT)
            // SMPP 3.4 SMSCs answer without the version TLV of 5.0.
            .disable_interface_version_check()
            .connected(stream);
        let password = self
            .cfg
            .password
            .as_ref()
            .map(|p| p.expose().to_owned())
            .unwrap_or_default();
        let bind = BindTransceiver::builder()
            .system_id(c_string(&self.cfg.system_id)?)
            .password(c_string(&password)?)
            .system_type(c_string(&self.cfg.system_type)?)
            .interface_version(InterfaceVersion::Smpp3_4)
            .addr_ton(Ton::Unknown)
            .addr_npi(Npi::Unknown)
            .build();
        client
            .bind_transceiver(bind)
            .await
            .map_err(|e| format!("bind_transceiver: {e}"))?;
        Ok((client, events))
    }

    /// Submits every part of the message; the SMSC's id of the first.
    async fn submit(&self, client: &Client, m: &Outgoing) -> Result<Option<String>, SendError> {
        let Some(to) = m.address.strip_prefix('+') else {
            return Err(SendError::Permanent(format!(
                "not an E.164 number: {}",
                m.address
            )));
        };
        let (source_ton, source_npi) = source_numbering(&self.cfg.source_addr);
        let base = SubmitSm::builder()
            .source_addr_ton(source_ton)
            .source_addr_npi(source_npi)
            .source_addr(
                c_string(self.cfg.source_addr.trim_start_matches('+'))
                    .map_err(SendError::Permanent)?,
            )
            .dest_addr_ton(Ton::International)
            .dest_addr_npi(Npi::Isdn)
            .destination_addr(c_string(to).map_err(SendError::Permanent)?)
            // 0: a plain message (rusmpp's default sets the ANSI-41 acknowledgement bit).
            .esm_class(EsmClass::from(0))
            .registered_delivery(RegisteredDelivery::from(1))
            .short_message(OctetString::empty())
            .build();
        // Split as `sms::count` counts (and charges): GSM-7 one septet per octet, 160
        // alone or 153 a part after a 6-octet header; UCS-2 70 or 67. A reference per
        // message, so a handset joins the right parts.
        let count = crate::sms::count(&m.body, false);
        let reference = m.id.as_bytes()[15];
        let builder = base.multipart(&m.body).reference_u8(reference);
        let parts = match count.encoding {
            crate::sms::Encoding::Gsm7 => builder
                .gsm7bit_unpacked()
                .max_short_message_size(if count.segments > 1 { 159 } else { 160 })
                .build()
                .map_err(|e| format!("{e:?}")),
            crate::sms::Encoding::Ucs2 => builder
                .ucs2()
                .max_short_message_size(140)
                .build()
                .map_err(|e| format!("{e:?}")),
        }
        .map_err(|e| SendError::Permanent(format!("cannot encode the text: {e}")))?;
        let mut first: Option<String> = None;
        for part in parts {
            let answer = client.submit_sm(part).await;
            match (answer, &first) {
                (Ok(resp), None) => first = Some(resp.message_id().as_str().to_owned()),
                (Ok(_), Some(_)) => {}
                (Err(e), None) => return Err(classify(e)),
                (Err(e), Some(id)) => {
                    // The first part is out: sending again would repeat it. The message
                    // counts as sent; the log keeps which part was lost.
                    tracing::warn!(message = %m.id, smsc_id = id, error = %e, "SMPP: a later part of a long SMS failed");
                }
            }
        }
        Ok(first)
    }

    async fn serve(
        &self,
        events: &Events,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(), String> {
        let (client, mut from_smsc) = self.open().await?;
        tracing::info!(
            host = self.cfg.host,
            port = self.cfg.port,
            "SMPP session bound"
        );
        self.session.send_replace(Some(client.clone()));
        let (storing, queue) = tokio::sync::mpsc::channel(INBOUND_QUEUE);
        let batcher = tokio::spawn(store_in_batches(client.clone(), Arc::clone(events), queue));
        let outcome = loop {
            tokio::select! {
                event = from_smsc.next() => match event {
                    None => break Err("the SMSC closed the session".to_owned()),
                    Some(Event::Error(e)) => {
                        tracing::warn!(error = %e, "SMPP session");
                    }
                    Some(Event::Incoming(command)) => {
                        incoming(&client, command, &storing).await;
                    }
                },
                _ = shutdown.changed() => {
                    let _ = tokio::time::timeout(Duration::from_secs(5), client.unbind()).await;
                    let _ = client.close().await;
                    break Ok(());
                }
            }
        };
        self.session.send_replace(None);
        // What is queued is still stored and answered if the line allows.
        drop(storing);
        let _ = batcher.await;
        outcome
    }
}

impl Provider for Smpp {
    fn name(&self) -> &'static str {
        "smpp"
    }

    fn capacity(&self) -> usize {
        self.cfg.window as usize
    }

    fn ready(&self) -> BoxFuture<'_, bool> {
        Box::pin(async move { self.bound().await.is_some() })
    }

    fn send<'a>(&'a self, m: &'a Outgoing) -> BoxFuture<'a, Result<Option<String>, SendError>> {
        Box::pin(async move {
            let Some(client) = self.bound().await else {
                return Err(SendError::Temporary("no SMPP session bound".into()));
            };
            let Ok(_slot) = self.window.acquire().await else {
                return Err(SendError::Temporary("SMPP window closed".into()));
            };
            self.submit(&client, m).await
        })
    }

    fn run<'a>(
        &'a self,
        events: Events,
        mut shutdown: watch::Receiver<bool>,
    ) -> Option<BoxFuture<'a, ()>> {
        Some(Box::pin(async move {
            let mut pause = Duration::from_secs(1);
            while !*shutdown.borrow() {
                let started = std::time::Instant::now();
                match self.serve(&events, &mut shutdown).await {
                    Ok(()) => break,
                    Err(e) => tracing::warn!(
                        error = e,
                        host = self.cfg.host,
                        "SMPP session down; reconnecting"
                    ),
                }
                // A session that lived a while starts the pauses over.
                if started.elapsed() > Duration::from_secs(60) {
                    pause = Duration::from_secs(1);
                }
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.changed() => {}
                }
                pause = (pause * 2).min(Duration::from_secs(30));
            }
        }))
    }
}

/// A `deliver_sm` waiting to be stored, and the sequence number its answer takes.
type Pending = (u32, Option<ProviderEvent>);

/// Reads what the SMSC sends: a `deliver_sm` goes to the queue the batcher stores;
/// `unbind` and `enquire_link` are answered here.
async fn incoming(client: &Client, command: Command, storing: &tokio::sync::mpsc::Sender<Pending>) {
    let sequence = command.sequence_number();
    match command.id() {
        CommandId::DeliverSm => {
            let Some(Pdu::DeliverSm(deliver)) = command.pdu() else {
                let _ = client.generic_nack(sequence).await;
                return;
            };
            // A full queue makes the SMSC wait: its window holds the rest.
            let _ = storing.send((sequence, read_deliver_sm(deliver))).await;
        }
        CommandId::Unbind => {
            let _ = client.unbind_resp(sequence).await;
            let _ = client.close().await;
        }
        CommandId::EnquireLink => {
            let _ = client.enquire_link_resp(sequence).await;
        }
        // A request this client does not take (`data_sm`, `alert_notification` …): the
        // SMSC is told so instead of waiting for an answer that never comes.
        id if !id.is_response() => {
            let _ = client.generic_nack(sequence).await;
        }
        _ => {}
    }
}

/// Stores queued `deliver_sm` a batch at a time (receipts come as fast as messages
/// go; one transaction each would make them fight the sender for the database), then
/// answers each: accepted once stored, a temporary error otherwise (the SMSC delivers
/// it again later).
async fn store_in_batches(
    client: Client,
    events: Events,
    mut queue: tokio::sync::mpsc::Receiver<Pending>,
) {
    let mut batch: Vec<Pending> = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        // A moment for the rest of a burst to arrive: one transaction for all of it.
        if batch.len() < BATCH {
            tokio::time::sleep(GATHER).await;
            while batch.len() < BATCH {
                match queue.try_recv() {
                    Ok(p) => batch.push(p),
                    Err(_) => break,
                }
            }
        }
        let sequences: Vec<u32> = batch.iter().map(|(s, _)| *s).collect();
        let found: Vec<ProviderEvent> = batch.drain(..).filter_map(|(_, e)| e).collect();
        let stored = found.is_empty() || events(found).await;
        for sequence in sequences {
            let answer = if stored {
                client
                    .deliver_sm_resp(sequence, DeliverSmResp::default())
                    .await
            } else {
                client
                    .status(CommandStatus::EsmeRxTAppn)
                    .deliver_sm_resp(sequence, DeliverSmResp::default())
                    .await
            };
            if let Err(e) = answer {
                tracing::warn!(error = %e, "SMPP: deliver_sm_resp not sent");
            }
        }
    }
}

fn c_string<const MIN: usize, const MAX: usize>(s: &str) -> Result<COctetString<MIN, MAX>, String> {
    COctetString::from_str(s).map_err(|e| format!("{s:?} does not fit SMPP: {e:?}"))
}

/// A sender's TON and NPI: a name is alphanumeric, `+…` international, digits a short
/// code or national number as the SMSC knows it.
fn source_numbering(source: &str) -> (Ton, Npi) {
    if source.chars().any(|c| !c.is_ascii_digit() && c != '+') {
        (Ton::Alphanumeric, Npi::Unknown)
    } else if source.starts_with('+') {
        (Ton::International, Npi::Isdn)
    } else {
        (Ton::Unknown, Npi::Isdn)
    }
}

/// Temporary (the SMSC is busy, throttling, or the line broke before the request went
/// out) or permanent (it refused this message). A request that went out and got no
/// answer is in doubt: the SMSC may have it, so it is not sent again.
fn classify(e: rusmppc::error::Error) -> SendError {
    use rusmppc::error::Error as E;
    match e {
        E::UnexpectedResponse { response } => {
            let status = response.status();
            let code = u32::from(status);
            let text = format!("{status:?} (0x{code:08X})");
            match status {
                CommandStatus::EsmeRthrottled
                | CommandStatus::EsmeRmsgqful
                | CommandStatus::EsmeRsyserr
                | CommandStatus::EsmeRxTAppn => SendError::Temporary(text),
                _ => SendError::Permanent(text),
            }
        }
        // The session was bound when the request went: it may have been written before
        // the line broke (rusmppc answers `ConnectionClosed` then too).
        E::ResponseTimeout { .. } | E::ConnectionClosed | E::ConnectionClosedByPeer | E::Io(_) => {
            SendError::InDoubt(e.to_string())
        }
        other => SendError::Temporary(other.to_string()),
    }
}

/// What a `deliver_sm` says: a delivery receipt of ours, or a message a person sent;
/// `None` for an intermediate notification.
pub fn read_deliver_sm(d: &DeliverSm) -> Option<ProviderEvent> {
    let now = Utc::now();
    let mut receipted: Option<String> = None;
    let mut state: Option<MessageState> = None;
    let mut payload: Option<Vec<u8>> = None;
    for tlv in d.tlvs() {
        match tlv.value() {
            Some(TlvValue::ReceiptedMessageId(id)) => receipted = Some(id.as_str().to_owned()),
            Some(TlvValue::MessageState(s)) => state = Some(*s),
            Some(TlvValue::MessagePayload(p)) => payload = Some(p.value.as_ref().to_vec()),
            _ => {}
        }
    }
    let bytes = payload.unwrap_or_else(|| d.short_message().as_ref().to_vec());
    match d.esm_class.message_type {
        MessageType::ShortMessageContainsMCDeliveryReceipt => {
            let text = String::from_utf8_lossy(&bytes);
            let fields = receipt_fields(&text);
            let id = receipted.or(fields.id)?;
            let outcome = match state {
                Some(MessageState::Delivered) => Some(status::DELIVERED),
                Some(MessageState::Expired) => Some(status::EXPIRED),
                Some(
                    MessageState::Undeliverable
                    | MessageState::Rejected
                    | MessageState::Deleted
                    | MessageState::Unknown,
                ) => Some(status::FAILED),
                _ => fields.stat.as_deref().and_then(stat_status),
            }?;
            Some(ProviderEvent::Receipt(Receipt {
                provider: "smpp",
                provider_id: id,
                status: outcome,
                detail: (outcome != status::DELIVERED).then(|| {
                    format!(
                        "{} err:{}",
                        fields.stat.unwrap_or_default(),
                        fields.err.unwrap_or_default()
                    )
                }),
                at: now,
            }))
        }
        MessageType::ShortMessageContainsIntermediateDeliveryNotification => None,
        // An SME's delivery or user acknowledgement (bits 3–4): not a person writing.
        _ if u8::from(d.esm_class) & 0x18 != 0 => None,
        _ => {
            let udh = u8::from(d.esm_class) & 0x40 != 0;
            let body = if udh { skip_udh(&bytes) } else { &bytes[..] };
            let text = decode(d.data_coding, body);
            let from = d.source_addr.as_str().to_owned();
            Some(ProviderEvent::Inbound(Inbound {
                channel: Channel::Sms,
                provider: "smpp",
                // The SMSC gives inbound messages no id: sender, time and text name it.
                provider_id: format!("{}:{}:{:016x}", from, now.timestamp(), fxhash(&bytes)),
                international: d.source_addr_ton == Ton::International,
                from,
                text,
                at: now,
                mail: None,
            }))
        }
    }
}

/// The `stat:` of a 3.4 receipt as a status; `None` for ENROUTE, ACCEPTD and the like.
fn stat_status(stat: &str) -> Option<&'static str> {
    match stat {
        "DELIVRD" => Some(status::DELIVERED),
        "EXPIRED" => Some(status::EXPIRED),
        "UNDELIV" | "REJECTD" | "DELETED" | "UNKNOWN" => Some(status::FAILED),
        _ => None,
    }
}

#[derive(Debug, Default, PartialEq)]
struct ReceiptFields {
    id: Option<String>,
    stat: Option<String>,
    err: Option<String>,
}

/// `id:… sub:… dlvrd:… submit date:… done date:… stat:DELIVRD err:000 text:…`
fn receipt_fields(text: &str) -> ReceiptFields {
    let mut f = ReceiptFields::default();
    for word in text.split_whitespace() {
        let Some((k, v)) = word.split_once(':') else {
            continue;
        };
        match k.to_ascii_lowercase().as_str() {
            "id" if f.id.is_none() => f.id = Some(v.to_owned()),
            "stat" => f.stat = Some(v.to_ascii_uppercase()),
            "err" => f.err = Some(v.to_owned()),
            "text" => break,
            _ => {}
        }
    }
    f
}

fn skip_udh(bytes: &[u8]) -> &[u8] {
    match bytes.first() {
        Some(&len) if bytes.len() > usize::from(len) => &bytes[usize::from(len) + 1..],
        _ => bytes,
    }
}

/// Text of a `deliver_sm` in its coding: UCS-2, Latin-1, or the SMSC's default (GSM
/// 03.38, one septet a byte).
fn decode(coding: DataCoding, bytes: &[u8]) -> String {
    match coding {
        DataCoding::Ucs2 => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        DataCoding::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
        _ => crate::sms::from_gsm7_unpacked(bytes),
    }
}

fn fxhash(bytes: &[u8]) -> u64 {
    // FNV-1a: stable across runs and versions (a repeat must name the same message).
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_of_smpp_3_4_are_read() {
        let f = receipt_fields(
            "id:0a1b2c sub:001 dlvrd:001 submit date:2611301200 done date:2611301201 stat:DELIVRD err:000 text:Hola",
        );
        assert_eq!(f.id.as_deref(), Some("0a1b2c"));
        assert_eq!(f.stat.as_deref(), Some("DELIVRD"));
        assert_eq!(f.err.as_deref(), Some("000"));
        assert_eq!(stat_status("DELIVRD"), Some(status::DELIVERED));
        assert_eq!(stat_status("UNDELIV"), Some(status::FAILED));
        assert_eq!(stat_status("EXPIRED"), Some(status::EXPIRED));
        assert_eq!(stat_status("ENROUTE"), None);
        // A text that says "id:" is not taken for the id.
        let f = receipt_fields("id:1 stat:REJECTD err:0B text:id:2 stat:DELIVRD");
        assert_eq!(
            (f.id.as_deref(), f.stat.as_deref()),
            (Some("1"), Some("REJECTD"))
        );
    }

    #[test]
    fn texts_are_decoded_in_their_coding() {
        assert_eq!(
            decode(DataCoding::Ucs2, &[0, b'B', 0, 0xE1, 0, b'j']),
            "Báj"
        );
        assert_eq!(decode(DataCoding::Latin1, &[b'B', 0xE1]), "Bá");
        // GSM 03.38: 0x7F is à, 0x1B 0x65 is €.
        assert_eq!(
            decode(
                DataCoding::McSpecific,
                &[b'B', b'A', b'J', b'A', 0x7F, 0x1B, 0x65]
            ),
            "BAJAà€"
        );
        assert_eq!(skip_udh(&[5, 0, 3, 1, 2, 1, b'h']), b"h");
    }

    #[test]
    fn senders_get_their_numbering() {
        assert_eq!(
            source_numbering("EmpleoTuc"),
            (Ton::Alphanumeric, Npi::Unknown)
        );
        assert_eq!(
            source_numbering("+5493815550000"),
            (Ton::International, Npi::Isdn)
        );
        assert_eq!(source_numbering("28282"), (Ton::Unknown, Npi::Isdn));
    }
}
