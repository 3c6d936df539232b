//! The CTI webhook's events as the PBX sends them (Zammad's generic CTI: `newCall`,
//! `answer`, `hangup`), read from JSON or form fields and bounded.

use serde_json::Value;

use crate::interactions::Direction;

/// What happened to the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtiKind {
    /// It rings (inbound) or is being dialled (outbound).
    NewCall,
    /// Someone picked up.
    Answer,
    /// It ended.
    Hangup,
}

/// Why a call ended, in Zammad's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// One of the parties hung up after talking.
    NormalClearing,
    /// The called party was busy.
    Busy,
    /// The caller hung up before anyone picked up.
    Cancel,
    /// The called party rejected it.
    NoAnswer,
    /// The called party could not be reached.
    Congestion,
    /// No such number, or the party is offline.
    NotFound,
    /// Sent on to another party.
    Forwarded,
}

impl Cause {
    const ALL: [(Cause, &'static str); 7] = [
        (Cause::NormalClearing, "normalClearing"),
        (Cause::Busy, "busy"),
        (Cause::Cancel, "cancel"),
        (Cause::NoAnswer, "noAnswer"),
        (Cause::Congestion, "congestion"),
        (Cause::NotFound, "notFound"),
        (Cause::Forwarded, "forwarded"),
    ];

    /// The PBX's word for it.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(c, _)| *c == self)
            .map_or("normalClearing", |(_, s)| s)
    }

    /// Parses the PBX's word.
    pub fn parse(s: &str) -> Option<Cause> {
        Self::ALL.iter().find(|(_, w)| *w == s).map(|(c, _)| *c)
    }

    /// Catalogue key of its name.
    pub fn label_key(self) -> String {
        format!("attention-cause-{}", self.as_str().to_lowercase())
    }
}

/// One event of the webhook, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtiEvent {
    /// What happened.
    pub kind: CtiKind,
    /// The PBX's id of the call.
    pub call_id: String,
    /// The calling number.
    pub from: String,
    /// The called number.
    pub to: String,
    /// `in` or `out`; required by `newCall`, taken from the call otherwise.
    pub direction: Option<Direction>,
    /// The names of the users involved.
    pub users: Vec<String>,
    /// The PBX's queue.
    pub queue: Option<String>,
    /// Why it ended (`hangup`).
    pub cause: Option<Cause>,
    /// Who answered: a username, an e-mail or a user id (`answer`, `hangup`).
    pub answering: Option<String>,
}

/// Longest `callId` (Zammad's bound).
pub const CALL_ID_MAX: usize = 250;
/// Longest number or name field.
const FIELD_MAX: usize = 120;
/// Most users named in one event.
const USERS_MAX: usize = 20;

/// A field the PBX sent wrongly: the field and what is wrong, in English (the PBX's log
/// reads it, not a person at a screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadField(pub &'static str, pub &'static str);

impl std::fmt::Display for BadField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0, self.1)
    }
}

fn bounded(field: &'static str, raw: &str, max: usize) -> Result<String, BadField> {
    let s = raw.trim();
    if s.chars().count() > max {
        return Err(BadField(field, "too long"));
    }
    if s.chars().any(char::is_control) {
        return Err(BadField(field, "has control characters"));
    }
    Ok(s.to_owned())
}

impl CtiEvent {
    /// Reads form fields (`user[]` repeated, or `user`).
    pub fn from_fields<'a>(
        fields: impl IntoIterator<Item = (&'a str, String)>,
    ) -> Result<Self, BadField> {
        let mut get = std::collections::HashMap::<&str, String>::new();
        let mut users = Vec::new();
        for (k, v) in fields {
            match k {
                "user" | "user[]" => {
                    if users.len() >= USERS_MAX {
                        return Err(BadField("user", "more than 20 users"));
                    }
                    users.push(v);
                }
                "event" | "from" | "to" | "direction" | "callId" | "queue" | "cause"
                | "answeringNumber" => {
                    get.insert(k, v);
                }
                // Other fields (Zammad's clients send some) are ignored.
                _ => {}
            }
        }
        let field = |k: &str| get.get(k).map(String::as_str).unwrap_or_default();
        let kind = match field("event") {
            "newCall" => CtiKind::NewCall,
            "answer" => CtiKind::Answer,
            "hangup" => CtiKind::Hangup,
            "" => return Err(BadField("event", "missing")),
            _ => return Err(BadField("event", "not newCall, answer or hangup")),
        };
        let call_id = bounded("callId", field("callId"), CALL_ID_MAX)?;
        if call_id.is_empty() {
            return Err(BadField("callId", "missing"));
        }
        let direction = match field("direction").trim() {
            "" if kind == CtiKind::NewCall => return Err(BadField("direction", "missing")),
            "" => None,
            d => Some(Direction::parse(d).ok_or(BadField("direction", "not in or out"))?),
        };
        let cause = match field("cause").trim() {
            "" => None,
            c => Some(Cause::parse(c).ok_or(BadField("cause", "not one of Zammad's causes"))?),
        };
        let optional = |k: &'static str, max| -> Result<Option<String>, BadField> {
            Ok(Some(bounded(k, field(k), max)?).filter(|s| !s.is_empty()))
        };
        let users = users
            .iter()
            .map(|u| bounded("user", u, FIELD_MAX))
            .filter(|u| u.as_ref().map_or(true, |u| !u.is_empty()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CtiEvent {
            kind,
            call_id,
            from: bounded("from", field("from"), FIELD_MAX)?,
            to: bounded("to", field("to"), FIELD_MAX)?,
            direction,
            users,
            queue: optional("queue", FIELD_MAX)?,
            cause,
            answering: optional("answeringNumber", CALL_ID_MAX)?,
        })
    }

    /// Reads a JSON object (`user` a string or a list of strings).
    pub fn from_json(value: &Value) -> Result<Self, BadField> {
        let object = value
            .as_object()
            .ok_or(BadField("body", "not a JSON object"))?;
        let mut fields = Vec::new();
        for (k, v) in object {
            let text = |v: &Value| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Null => Ok(String::new()),
                _ => Err(BadField("body", "a field is neither text nor a number")),
            };
            match v {
                Value::Array(items) if k == "user" => {
                    for item in items.iter().take(USERS_MAX + 1) {
                        fields.push((k.as_str(), text(item)?));
                    }
                }
                v => fields.push((k.as_str(), text(v)?)),
            }
        }
        Self::from_fields(fields)
    }

    /// The party outside: the caller of an inbound call, the called of an outbound one.
    pub fn outside(&self, direction: Direction) -> &str {
        match direction {
            Direction::In => &self.from,
            Direction::Out => &self.to,
        }
    }
}

/// The phones in E.164 a caller id may be: PBXs give national numbers without the
/// mobile `9` (`3815442347`), with the trunk `0`, or international digits without `+`;
/// people's records hold mobiles with the `9`. `anonymous` and short extensions give
/// none.
pub fn phone_candidates(raw: &str) -> Vec<String> {
    let raw = raw.trim();
    let digits = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    let text = if digits && raw.starts_with("54") && raw.len() >= 12 {
        format!("+{raw}")
    } else {
        raw.to_owned()
    };
    if text.chars().filter(char::is_ascii_digit).count() < 8 {
        return Vec::new();
    }
    let Some(parsed) = sipe_persons::registry::domain::PhoneE164::parse(&text) else {
        return Vec::new();
    };
    with_and_without_nine(parsed.as_str())
}

/// An Argentine E.164 number and its twin with (or without) the mobile `9`: a caller
/// id does not say whether the number is a mobile.
pub fn with_and_without_nine(e164: &str) -> Vec<String> {
    let mut out = vec![e164.to_owned()];
    if let Some(rest) = e164.strip_prefix("+549") {
        out.push(format!("+54{rest}"));
    } else if let Some(rest) = e164.strip_prefix("+54") {
        out.push(format!("+549{rest}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(pairs: &[(&'static str, &str)]) -> Result<CtiEvent, BadField> {
        CtiEvent::from_fields(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())))
    }

    #[test]
    fn reads_zammads_form_and_json_shapes() {
        let e = form(&[
            ("event", "newCall"),
            ("from", "493055571600"),
            ("to", "491711234567890"),
            ("direction", "in"),
            ("callId", "4991155921769858278-1"),
            ("user[]", "Christopher Miller"),
            ("user[]", "Emma Taylor"),
            ("queue", "helpdesk"),
        ])
        .unwrap();
        assert_eq!(e.kind, CtiKind::NewCall);
        assert_eq!(e.users, ["Christopher Miller", "Emma Taylor"]);
        assert_eq!(e.direction, Some(Direction::In));
        assert_eq!(e.queue.as_deref(), Some("helpdesk"));
        let j = CtiEvent::from_json(&json!({
            "event": "hangup", "from": "493023125741", "to": "492214710334",
            "direction": "in", "callId": "307fa962", "user": "Emma Taylor",
            "answeringNumber": "emma@example.com", "cause": "normalClearing"
        }))
        .unwrap();
        assert_eq!(j.kind, CtiKind::Hangup);
        assert_eq!(j.cause, Some(Cause::NormalClearing));
        assert_eq!(j.answering.as_deref(), Some("emma@example.com"));
        assert_eq!(j.users, ["Emma Taylor"]);
        let list = CtiEvent::from_json(&json!({
            "event": "answer", "callId": 123, "user": ["A", "B"]
        }))
        .unwrap();
        assert_eq!(list.call_id, "123");
        assert_eq!(list.direction, None);
    }

    #[test]
    fn refuses_what_is_not_an_event() {
        let cases: [(&[(&'static str, &str)], &str); 6] = [
            (&[("callId", "1")], "event"),
            (&[("event", "ring"), ("callId", "1")], "event"),
            (&[("event", "answer")], "callId"),
            (&[("event", "newCall"), ("callId", "1")], "direction"),
            (
                &[("event", "hangup"), ("callId", "1"), ("cause", "bored")],
                "cause",
            ),
            (
                &[("event", "answer"), ("callId", "1"), ("direction", "up")],
                "direction",
            ),
        ];
        for (fields, field) in cases {
            assert_eq!(form(fields).unwrap_err().0, field, "{fields:?}");
        }
        let long = "x".repeat(CALL_ID_MAX + 1);
        assert_eq!(
            form(&[("event", "answer"), ("callId", &long)])
                .unwrap_err()
                .0,
            "callId"
        );
        let many: Vec<(&'static str, String)> = std::iter::once(("event", "answer".into()))
            .chain(std::iter::once(("callId", "1".into())))
            .chain((0..21).map(|i| ("user[]", format!("u{i}"))))
            .collect();
        assert_eq!(CtiEvent::from_fields(many).unwrap_err().0, "user");
        assert!(CtiEvent::from_json(&json!(["event"])).is_err());
        assert!(CtiEvent::from_json(&json!({"event": {"x": 1}, "callId": "1"})).is_err());
        assert_eq!(
            form(&[("event", "answer"), ("callId", "a\u{7}b")])
                .unwrap_err()
                .1,
            "has control characters"
        );
    }

    #[test]
    fn caller_ids_become_the_phones_records_hold() {
        // A Tucumán mobile as a PBX gives it (national, no 9), with the trunk 0, and
        // international: each finds the record's +549 number.
        for raw in [
            "3815442347",
            "03815442347",
            "543815442347",
            "+5493815442347",
        ] {
            let c = phone_candidates(raw);
            assert!(c.contains(&"+5493815442347".to_owned()), "{raw}: {c:?}");
        }
        // A landline is tried as typed too.
        assert!(phone_candidates("03814221000").contains(&"+543814221000".to_owned()));
        assert!(phone_candidates("anonymous").is_empty());
        assert!(phone_candidates("201").is_empty());
        assert!(phone_candidates("").is_empty());
    }
}
