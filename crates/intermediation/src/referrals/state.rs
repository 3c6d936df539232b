//! The life of a referral: `proposed → sent → interview_scheduled → hired | rejected |
//! withdrawn | no_show`, and `obsolete` when the person is hired elsewhere.

use serde::{Deserialize, Serialize};

/// The state of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferralState {
    /// Proposed by the office, not yet sent to the employer.
    Proposed,
    /// Sent to the employer (the person has their letter).
    Sent,
    /// The employer set an interview.
    InterviewScheduled,
    /// Hired: a placement exists.
    Hired,
    /// The employer (or the office) turned it down, with a reason.
    Rejected,
    /// The person or the office withdrew it.
    Withdrawn,
    /// The person did not attend.
    NoShow,
    /// The person was hired elsewhere (set automatically).
    Obsolete,
}

impl ReferralState {
    /// All states, in the order screens list them.
    pub const ALL: [ReferralState; 8] = [
        ReferralState::Proposed,
        ReferralState::Sent,
        ReferralState::InterviewScheduled,
        ReferralState::Hired,
        ReferralState::Rejected,
        ReferralState::Withdrawn,
        ReferralState::NoShow,
        ReferralState::Obsolete,
    ];

    /// Stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralState::Proposed => "proposed",
            ReferralState::Sent => "sent",
            ReferralState::InterviewScheduled => "interview_scheduled",
            ReferralState::Hired => "hired",
            ReferralState::Rejected => "rejected",
            ReferralState::Withdrawn => "withdrawn",
            ReferralState::NoShow => "no_show",
            ReferralState::Obsolete => "obsolete",
        }
    }

    /// Parses the stored identifier.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// The states a user may move it to (`obsolete` is only ever set by a hire
    /// elsewhere).
    pub fn next(self) -> &'static [ReferralState] {
        use ReferralState::*;
        match self {
            Proposed => &[Sent, Rejected, Withdrawn],
            Sent => &[InterviewScheduled, Hired, Rejected, Withdrawn, NoShow],
            InterviewScheduled => &[Hired, Rejected, Withdrawn, NoShow],
            Hired | Rejected | Withdrawn | NoShow | Obsolete => &[],
        }
    }

    /// Still in progress (a hire elsewhere makes it obsolete)?
    pub fn is_open(self) -> bool {
        !self.next().is_empty()
    }
}

/// Coded reasons of a rejection.
pub const REJECT_REASONS: [&str; 7] = [
    "unreachable",
    "did_not_attend",
    "lacks_skills",
    "lacks_experience",
    "hired_by_another",
    "declined_offer",
    "other",
];

#[cfg(test)]
mod tests {
    use super::ReferralState::*;
    use super::*;

    #[test]
    fn the_allowed_moves() {
        assert!(Proposed.can(Sent) && Sent.can(InterviewScheduled));
        assert!(InterviewScheduled.can(Hired) && Sent.can(Hired));
        assert!(!Proposed.can(Hired), "a hire needs the employer to have it");
        assert!(
            !Proposed.can(Obsolete) && !Sent.can(Obsolete),
            "obsolete is automatic"
        );
        for end in [Hired, Rejected, Withdrawn, NoShow, Obsolete] {
            assert!(!end.is_open());
        }
        for s in ReferralState::ALL {
            assert_eq!(ReferralState::parse(s.as_str()), Some(s));
        }
    }

    impl ReferralState {
        fn can(self, to: ReferralState) -> bool {
            self.next().contains(&to)
        }
    }
}
