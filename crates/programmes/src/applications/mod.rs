//! Applications of people to programmes: `draft → submitted → under_review → approved |
//! rejected → active → suspended → active | finished`, each step dated, attributed,
//! audited and on the person's timeline. Approval checks eligibility, incompatible
//! programmes and the quotas (office and total), and numbers the approval per programme
//! and year (`PEJ-2026-000123`); those waiting are served by the day they were sent.

pub mod service;
pub mod store;

use serde::{Deserialize, Serialize};

/// Every state.
pub const STATES: [&str; 8] = [
    "draft",
    "submitted",
    "under_review",
    "approved",
    "rejected",
    "active",
    "suspended",
    "finished",
];

/// States that hold a place of the quota (and make other programmes incompatible).
pub const HOLDING: [&str; 3] = ["approved", "active", "suspended"];
/// States still open (a person has at most one open application per programme).
pub const OPEN: [&str; 6] = [
    "draft",
    "submitted",
    "under_review",
    "approved",
    "active",
    "suspended",
];
/// States waiting for a decision (the waiting list).
pub const WAITING: [&str; 2] = ["submitted", "under_review"];

/// Coded reasons of a rejection.
pub const REJECT_REASONS: [&str; 6] = [
    "not_eligible",
    "missing_documents",
    "no_quota",
    "incompatible",
    "withdrawn",
    "other",
];
/// Coded reasons an application finishes.
pub const FINISH_REASONS: [&str; 6] = [
    "completed",
    "dropped_out",
    "hired",
    "aged_out",
    "incompatible",
    "other",
];
/// Coded reasons of a suspension.
pub const SUSPEND_REASONS: [&str; 5] = [
    "absences",
    "documents",
    "incompatible",
    "not_eligible",
    "other",
];

/// What can be done to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Send for review.
    Submit,
    /// Start reviewing.
    Review,
    /// Approve (checks eligibility, incompatibilities and quotas; numbers it).
    Approve,
    /// Reject, with a coded reason.
    Reject,
    /// Start the benefit on a day.
    Activate,
    /// Suspend from a day, with a coded reason.
    Suspend,
    /// Resume a suspended one.
    Resume,
    /// Move the planned end to a later day, with a note.
    Extend,
    /// Finish on a day, with a coded reason.
    Finish,
}

impl Action {
    /// Every action, in the order buttons show.
    pub const ALL: [Action; 9] = [
        Action::Submit,
        Action::Review,
        Action::Approve,
        Action::Reject,
        Action::Activate,
        Action::Suspend,
        Action::Resume,
        Action::Extend,
        Action::Finish,
    ];

    /// Its name (`approve`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Review => "review",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Activate => "activate",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
            Action::Extend => "extend",
            Action::Finish => "finish",
        }
    }

    /// From its name.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The state it leads to from `state`, if it can be done there.
    pub fn from(self, state: &str) -> Option<&'static str> {
        Some(match (self, state) {
            (Action::Submit, "draft") => "submitted",
            (Action::Review, "submitted") => "under_review",
            (Action::Approve, "submitted" | "under_review") => "approved",
            (Action::Reject, "draft" | "submitted" | "under_review") => "rejected",
            (Action::Activate, "approved") => "active",
            (Action::Suspend, "active") => "suspended",
            (Action::Resume, "suspended") => "active",
            (Action::Extend, "active") => "active",
            (Action::Finish, "active" | "suspended") => "finished",
            _ => return None,
        })
    }

    /// Decided by whoever manages programmes (not by the office that applies).
    pub fn is_decision(self) -> bool {
        matches!(self, Action::Approve | Action::Reject)
    }

    /// The reasons it takes, if it needs one.
    pub fn reasons(self) -> Option<&'static [&'static str]> {
        match self {
            Action::Reject => Some(&REJECT_REASONS),
            Action::Suspend => Some(&SUSPEND_REASONS),
            Action::Finish => Some(&FINISH_REASONS),
            _ => None,
        }
    }

    /// Does it take a day (start, suspension, resumption, new end, finish)?
    pub fn takes_day(self) -> bool {
        matches!(
            self,
            Action::Activate | Action::Suspend | Action::Resume | Action::Extend | Action::Finish
        )
    }
}

/// An approval number: the programme's code, the year and six digits.
pub fn number(code: &str, year: i32, n: i64) -> String {
    format!("{code}-{year}-{n:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_machine_allows_only_its_steps() {
        let mut allowed = 0;
        for a in Action::ALL {
            for s in STATES {
                if let Some(to) = a.from(s) {
                    allowed += 1;
                    assert!(STATES.contains(&to), "{a:?} from {s}");
                    assert_ne!(s, "finished", "nothing leaves finished");
                    assert_ne!(s, "rejected", "nothing leaves rejected");
                }
            }
        }
        assert_eq!(allowed, 13);
        assert_eq!(Action::Approve.from("draft"), None, "a draft is sent first");
        assert_eq!(Action::Activate.from("submitted"), None);
        assert_eq!(Action::Resume.from("suspended"), Some("active"));
        assert_eq!(number("PEJ", 2026, 123), "PEJ-2026-000123");
        assert_eq!(Action::parse("approve"), Some(Action::Approve));
        assert_eq!(Action::parse("APPROVE"), None);
    }
}
