//! A ticket's states and numbers: rules without I/O.

use serde::{Deserialize, Serialize};

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// In the queue.
    Waiting,
    /// Called to a counter, not yet there.
    Called,
    /// Being attended.
    Serving,
    /// Attended.
    Finished,
    /// Called and did not come.
    NoShow,
    /// Withdrawn before being called.
    Cancelled,
}

impl TicketStatus {
    /// Every status, in the order of a ticket's life.
    pub const ALL: [TicketStatus; 6] = [
        TicketStatus::Waiting,
        TicketStatus::Called,
        TicketStatus::Serving,
        TicketStatus::Finished,
        TicketStatus::NoShow,
        TicketStatus::Cancelled,
    ];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "waiting",
            TicketStatus::Called => "called",
            TicketStatus::Serving => "serving",
            TicketStatus::Finished => "finished",
            TicketStatus::NoShow => "no_show",
            TicketStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the stored identifier.
    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Catalogue key of its name.
    pub fn label_key(self) -> String {
        format!("attention-status-{}", self.as_str().replace('_', "-"))
    }

    /// Is a counter holding it (called or being attended)?
    pub fn at_counter(self) -> bool {
        matches!(self, TicketStatus::Called | TicketStatus::Serving)
    }
}

/// How a ticket was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The touch page at the entrance.
    Kiosk,
    /// Staff at reception (or the API).
    Reception,
    /// The person, from their phone (virtual queue).
    Web,
    /// Check-in of an appointment.
    Appointment,
}

impl Source {
    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Kiosk => "kiosk",
            Source::Reception => "reception",
            Source::Web => "web",
            Source::Appointment => "appointment",
        }
    }
}

/// A ticket's number: the service's prefix and the day's count, three digits at least
/// (`A-001`, `A-1000`).
pub fn number(prefix: &str, seq: i32) -> String {
    format!("{prefix}-{seq:03}")
}

/// The count inside a number (`A-012` → 12); 0 when it has none.
pub fn seq_of(number: &str) -> u32 {
    number
        .rsplit_once('-')
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0)
}

/// A service prefix as typed: one to three letters A–Z, stored upper-case; the key of
/// the problem otherwise.
pub fn prefix(raw: &str) -> Result<String, &'static str> {
    let p = raw.trim().to_ascii_uppercase();
    if p.is_empty() {
        Err("field-required")
    } else if p.len() > 3 || !p.bytes().all(|b| b.is_ascii_uppercase()) {
        Err("attention-prefix-invalid")
    } else {
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_three_digits_at_least() {
        assert_eq!(number("A", 1), "A-001");
        assert_eq!(number("CE", 42), "CE-042");
        assert_eq!(number("A", 1000), "A-1000");
        assert_eq!(seq_of("A-012"), 12);
        assert_eq!(seq_of("A-1000"), 1000);
        assert_eq!(seq_of("nonsense"), 0);
    }

    #[test]
    fn prefixes_are_one_to_three_letters() {
        assert_eq!(prefix(" a "), Ok("A".into()));
        assert_eq!(prefix("cap"), Ok("CAP".into()));
        assert_eq!(prefix(""), Err("field-required"));
        assert_eq!(prefix("ABCD"), Err("attention-prefix-invalid"));
        assert_eq!(prefix("A1"), Err("attention-prefix-invalid"));
        assert_eq!(prefix("Ñ"), Err("attention-prefix-invalid"));
    }

    #[test]
    fn statuses_round_trip() {
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
        }
        assert!(TicketStatus::Called.at_counter() && !TicketStatus::Waiting.at_counter());
    }
}
