//! `sipe demo`: a morning of the phone line — calls answered by the help desk (each
//! with its consultation), an outbound one, and missed calls waiting to be called back.

use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::ids::OfficeId;

use super::domain::CtiEvent;
use super::service;

/// One call of the morning: the caller (an index into the office's people with a phone,
/// or a number), how it went.
enum Caller {
    Person(usize),
    Number(&'static str),
}

const CALLS: [(&str, Caller, &str, Option<&str>); 6] = [
    (
        "demo-call-1",
        Caller::Person(0),
        "in",
        Some("normalClearing"),
    ),
    (
        "demo-call-2",
        Caller::Person(1),
        "in",
        Some("normalClearing"),
    ),
    ("demo-call-3", Caller::Person(2), "in", None),
    ("demo-call-4", Caller::Number("anonymous"), "in", None),
    ("demo-call-5", Caller::Number("+5491122334455"), "in", None),
    (
        "demo-call-6",
        Caller::Person(3),
        "out",
        Some("normalClearing"),
    ),
];

/// The help desk's demo user, who answers.
const ANSWERS: &str = "mesa_ayuda";

pub(crate) async fn seed(ctx: &sipe_platform::module::DemoCtx<'_>) -> anyhow::Result<String> {
    let db = ctx.db;
    let system = Access::system("demo");
    let office = crate::desk::store::office_in(db, &system, ScopeKind::Capture, "OE-CAP-01").await;
    let Ok(office) = office else {
        return Ok("no OE-CAP-01: no calls".into());
    };
    let ids = sipe_persons::store::unemployed_of_office(db, OfficeId(office.id), 40).await?;
    let today = chrono::Utc::now().date_naive();
    let phones: Vec<String> = sipe_persons::contact::contacts_of(db, &ids, today)
        .await?
        .into_iter()
        .filter_map(|c| c.phone)
        .collect();
    let mut calls = 0;
    for (id, caller, direction, ended) in CALLS {
        let outside = match caller {
            // As a PBX gives a mobile: the national number, without the 9.
            Caller::Person(i) => match phones.get(i) {
                Some(p) => p.strip_prefix("+549").unwrap_or(p).to_owned(),
                None => continue,
            },
            Caller::Number(n) => n.to_owned(),
        };
        let (from, to) = if direction == "in" {
            (outside, "08004447000".to_owned())
        } else {
            ("08004447000".to_owned(), outside)
        };
        let mut events = vec![serde_json::json!({
            "event": "newCall", "callId": id, "from": from, "to": to, "direction": direction,
            "user": ["Marta Mesa de Ayuda"]
        })];
        match ended {
            Some(cause) => {
                events.push(serde_json::json!({
                    "event": "answer", "callId": id, "answeringNumber": ANSWERS
                }));
                events.push(serde_json::json!({
                    "event": "hangup", "callId": id, "cause": cause
                }));
            }
            None => events.push(serde_json::json!({
                "event": "hangup", "callId": id, "cause": "cancel"
            })),
        }
        for e in &events {
            let event = CtiEvent::from_json(e).map_err(|e| anyhow::anyhow!("{e}"))?;
            service::apply(db, ctx.config.tz(), None, &event).await?;
        }
        calls += 1;
    }
    Ok(format!("{calls} calls"))
}
