//! The office displays: every call and recall, pushed to the display pages over
//! server-sent events.
//!
//! A call is a row of `attention_calls`, written in the transaction that calls the
//! ticket, numbered in the office's order (`seq`, taken under the office's queue lock,
//! so numbers follow the commits without gaps); the number is the event id. After the
//! commit it is published to this node's open streams of the office. A stream that
//! reconnects sends `Last-Event-ID` and is given every call after it from the database
//! first, so a network glitch loses no call. A stream that hears of a call out of turn
//! (published before an earlier one), or falls behind, reads the missing ones from the
//! database; so does an idle stream every `POLL` seconds, which brings calls made on
//! another node.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::entity::call;
use crate::tickets::store;
use sipe_platform::db::Db;
use sipe_platform::web::{AppState, WebError};

/// How often an idle stream reads the database (calls made on other nodes).
const POLL: Duration = Duration::from_secs(10);
/// Most open streams per office, per client address and in all (each is a task and a
/// database read now and then): displays and some phones, bounded so that one address
/// cannot take an office's places.
/// (Per address: the configuration's `display_streams_per_address`.)
const STREAMS_PER_OFFICE: usize = 200;
const STREAMS_MAX: usize = 5_000;
/// How far back a resumed stream is given calls (a display off overnight starts fresh).
const REPLAY: chrono::TimeDelta = chrono::TimeDelta::hours(12);
/// Calls buffered per office for slow streams before they read the database instead.
const BUFFER: usize = 64;

/// This node's open display streams and their channels, per office.
pub struct Displays {
    offices: Mutex<HashMap<Uuid, Office>>,
    addresses: Mutex<HashMap<std::net::IpAddr, usize>>,
    per_address: usize,
    open: AtomicUsize,
}

struct Office {
    sender: broadcast::Sender<Arc<call::Model>>,
    streams: usize,
}

impl Displays {
    /// No streams yet; at most `per_address` per client address.
    pub fn new(per_address: usize) -> Self {
        Displays {
            offices: Mutex::default(),
            addresses: Mutex::default(),
            per_address,
            open: AtomicUsize::new(0),
        }
    }

    /// Tells this node's streams of the call's office.
    pub(crate) fn publish(&self, c: call::Model) {
        let offices = self.offices.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(o) = offices.get(&c.office_id) {
            let _ = o.sender.send(Arc::new(c));
        }
    }

    /// A place for one more stream of the office, if the bounds allow.
    fn enter(self: &Arc<Self>, office_id: Uuid, address: Option<std::net::IpAddr>) -> Option<Slot> {
        let mut offices = self.offices.lock().unwrap_or_else(|e| e.into_inner());
        if self.open.load(Ordering::Relaxed) >= STREAMS_MAX {
            return None;
        }
        if let Some(ip) = address {
            let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
            let n = addresses.entry(ip).or_default();
            if *n >= self.per_address {
                return None;
            }
            *n += 1;
        }
        let o = offices.entry(office_id).or_insert_with(|| Office {
            sender: broadcast::channel(BUFFER).0,
            streams: 0,
        });
        if o.streams >= STREAMS_PER_OFFICE {
            if let Some(ip) = address {
                self.release_address(ip);
            }
            return None;
        }
        o.streams += 1;
        self.open.fetch_add(1, Ordering::Relaxed);
        Some(Slot {
            displays: Arc::clone(self),
            office_id,
            address,
            receiver: o.sender.subscribe(),
        })
    }

    fn release_address(&self, ip: std::net::IpAddr) {
        let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = addresses.get_mut(&ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                addresses.remove(&ip);
            }
        }
    }

    /// Ends every stream (at shutdown, so the server stops waiting for them).
    pub fn close(&self) {
        self.offices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Open streams on this node.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }
}

/// One open stream's place; given back when the stream ends.
struct Slot {
    displays: Arc<Displays>,
    office_id: Uuid,
    address: Option<std::net::IpAddr>,
    receiver: broadcast::Receiver<Arc<call::Model>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.displays.open.fetch_sub(1, Ordering::Relaxed);
        if let Some(ip) = self.address {
            self.displays.release_address(ip);
        }
        let mut offices = self
            .displays
            .offices
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(o) = offices.get_mut(&self.office_id) {
            o.streams = o.streams.saturating_sub(1);
            if o.streams == 0 {
                offices.remove(&self.office_id);
            }
        }
    }
}

/// A call as the display stream sends it (the event's `data:`).
#[derive(Debug, Serialize)]
pub struct CallData {
    /// The ticket's number (`A-001`).
    pub number: String,
    /// The counter calling.
    pub counter: String,
    /// Called again?
    pub recall: bool,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

fn event(c: &call::Model) -> Event {
    let data = CallData {
        number: c.number.clone(),
        counter: c.counter_name.clone(),
        recall: c.recall,
        at: c.at,
    };
    Event::default()
        .id(c.seq.to_string())
        .event("call")
        .json_data(&data)
        .unwrap_or_default()
}

/// Where a new stream starts.
#[derive(Debug, Default, Deserialize)]
pub struct After {
    /// The office's call number the page already shows (0: none); a reconnecting
    /// browser sends `Last-Event-ID` instead. Anything else is ignored (the stream
    /// starts at the latest call), so an old page's link still connects.
    pub after: Option<String>,
}

struct Follow {
    db: Db,
    office_id: Uuid,
    /// The last call number sent.
    last: i64,
    /// Calls to send, each marked when read from the database (in order, complete).
    pending: VecDeque<(call::Model, bool)>,
    read_db: bool,
    slot: Slot,
}

/// Most calls given per database read.
const PAGE: u64 = 50;

async fn next(mut f: Follow) -> Option<(Result<Event, std::convert::Infallible>, Follow)> {
    loop {
        while let Some((c, from_db)) = f.pending.pop_front() {
            if c.seq <= f.last {
                continue;
            }
            if from_db || c.seq == f.last + 1 {
                f.last = c.seq;
                let e = event(&c);
                return Some((Ok(e), f));
            }
            // Heard before an earlier call: read what is missing, in order.
            f.read_db = true;
            f.pending.clear();
            break;
        }
        if f.read_db {
            let since = chrono::Utc::now() - REPLAY;
            match store::calls_after(&f.db, f.office_id, f.last, since, PAGE).await {
                Ok(rows) => {
                    f.read_db = rows.len() as u64 == PAGE;
                    f.pending.extend(rows.into_iter().map(|c| (c, true)));
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "display stream: reading calls failed");
                    f.read_db = false;
                }
            }
        }
        tokio::select! {
            r = f.slot.receiver.recv() => match r {
                Ok(c) => f.pending.push_back(((*c).clone(), false)),
                Err(broadcast::error::RecvError::Lagged(_)) => f.read_db = true,
                Err(broadcast::error::RecvError::Closed) => return None,
            },
            () = tokio::time::sleep(POLL) => f.read_db = true,
        }
    }
}

/// `GET /offices/{code}/display/events`: the office display's stream (public). Each
/// call is an event `call` whose `data:` is `{"number", "counter", "recall", "at"}`.
pub async fn events(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(after): Query<After>,
    client: sipe_platform::web::auth::Client,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let office = public_office(&state.db, &code).await?;
    let displays = state
        .extensions
        .get_arc::<Displays>()
        .ok_or(WebError::NotFound)?;
    let Some(slot) = displays.enter(office.id, client.ip) else {
        return Ok((
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "30")],
            "too many display streams",
        )
            .into_response());
    };
    let resumed = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 20)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or_else(|| {
            after
                .after
                .as_deref()
                .filter(|v| v.len() <= 20)
                .and_then(|v| v.trim().parse::<i64>().ok())
        })
        .map(|n| n.max(0));
    let last = match resumed {
        Some(n) => n,
        // A new display starts at the latest call (it shows the earlier ones itself).
        None => store::latest_calls(&state.db, office.id, chrono::DateTime::UNIX_EPOCH, 1)
            .await?
            .first()
            .map_or(0, |c| c.seq),
    };
    let follow = Follow {
        db: state.db.clone(),
        office_id: office.id,
        last,
        pending: VecDeque::new(),
        read_db: resumed.is_some(),
        slot,
    };
    Ok(sse_response(futures::stream::unfold(follow, next)))
}

/// A server-sent-events answer: kept alive every 15 s, and marked so a reverse proxy
/// (nginx) passes each event on at once.
pub(crate) fn sse_response(
    stream: impl Stream<Item = Result<Event, std::convert::Infallible>> + Send + 'static,
) -> Response {
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    response.headers_mut().insert(
        "x-accel-buffering",
        axum::http::HeaderValue::from_static("no"),
    );
    response
}

/// An active office by code, for the public pages (no scope: the display shows numbers
/// and counters only).
pub async fn public_office(
    db: &Db,
    code: &str,
) -> Result<sipe_platform::territory::entity::office::Model, WebError> {
    crate::desk::store::active_office(db, code)
        .await?
        .ok_or(WebError::NotFound)
}
