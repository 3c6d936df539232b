//! The life of a vacancy: `draft → open ⇄ paused`, then `filled`, `closed` or
//! `cancelled`. Pure rules; the service stores each change with its history row.

use serde::{Deserialize, Serialize};

/// The state of a vacancy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VacancyState {
    /// Being written; not offered to anyone yet.
    Draft,
    /// Open: matching and referrals run on it.
    Open,
    /// Temporarily not taking referrals.
    Paused,
    /// Every position was filled.
    Filled,
    /// Closed without filling every position (expired, employer withdrew).
    Closed,
    /// Cancelled before it was worked on (a mistake, a duplicate).
    Cancelled,
}

impl VacancyState {
    /// All states, in the order screens list them.
    pub const ALL: [VacancyState; 6] = [
        VacancyState::Draft,
        VacancyState::Open,
        VacancyState::Paused,
        VacancyState::Filled,
        VacancyState::Closed,
        VacancyState::Cancelled,
    ];

    /// Stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            VacancyState::Draft => "draft",
            VacancyState::Open => "open",
            VacancyState::Paused => "paused",
            VacancyState::Filled => "filled",
            VacancyState::Closed => "closed",
            VacancyState::Cancelled => "cancelled",
        }
    }

    /// Parses the stored identifier.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// The states reachable from this one.
    pub fn next(self) -> &'static [VacancyState] {
        use VacancyState::*;
        match self {
            Draft => &[Open, Cancelled],
            Open => &[Paused, Filled, Closed, Cancelled],
            Paused => &[Open, Filled, Closed, Cancelled],
            Filled | Closed | Cancelled => &[],
        }
    }

    /// May the vacancy move to `to`?
    pub fn can_become(self, to: VacancyState) -> bool {
        self.next().contains(&to)
    }

    /// Ended for good?
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    /// May its fields still be edited? (Ended vacancies keep what they were.)
    pub fn is_editable(self) -> bool {
        !self.is_final()
    }
}

#[cfg(test)]
mod tests {
    use super::VacancyState::*;
    use super::*;

    #[test]
    fn the_allowed_moves() {
        assert!(Draft.can_become(Open));
        assert!(Open.can_become(Paused) && Paused.can_become(Open));
        assert!(Open.can_become(Filled) && Paused.can_become(Closed));
        assert!(!Draft.can_become(Filled), "a draft was never offered");
        assert!(!Open.can_become(Draft));
        assert!(!Open.can_become(Open));
        for end in [Filled, Closed, Cancelled] {
            assert!(end.is_final() && !end.is_editable());
            assert!(VacancyState::ALL.iter().all(|s| !end.can_become(*s)));
        }
    }

    #[test]
    fn identifiers_round_trip() {
        for s in VacancyState::ALL {
            assert_eq!(VacancyState::parse(s.as_str()), Some(s));
        }
        assert_eq!(VacancyState::parse("archived"), None);
    }
}
