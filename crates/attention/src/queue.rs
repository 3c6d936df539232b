//! The order of a counter queue: which waiting ticket a counter calls next.
//!
//! Three rules, in this order:
//! 1. **Urgent first.** A ticket that has waited `max_wait − urgency_margin` is urgent;
//!    urgent tickets go before any other, the longest-waiting first. With the margin at
//!    least the time between two calls, and tickets arriving no faster than counters
//!    call, no ticket waits past `max_wait` (the property test below).
//! 2. **Alternation (N:M).** After `priority_run` priority tickets called in a row, the
//!    next `regular_turns` calls go to regular tickets when any waits, so a stream of
//!    priority tickets never stops the regular queue.
//! 3. **Head start.** Otherwise a ticket's place is its issue time minus its priority's
//!    head start: a pregnant woman arriving ten minutes after a regular ticket goes
//!    first with a thirty-minute head start, one arriving an hour later does not. The
//!    weight of a priority is how much waiting it counts as done, so a regular ticket is
//!    passed only by priority tickets issued within their head start after it (ageing
//!    comes with the clock). Ties: the larger head start, then the earlier ticket.
//!
//! A redirected ticket keeps its original issue time, so it keeps its place. The
//! function is pure: the caller gives the waiting tickets, the time and where the
//! alternation stands, and stores the `Turns` it gets back.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Why a ticket goes ahead of the regular queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// No priority.
    Regular,
    /// The person booked this time.
    Appointment,
    /// An older adult.
    OlderAdult,
    /// A pregnant woman.
    Pregnancy,
    /// A person with a disability.
    Disability,
}

impl Priority {
    /// Every priority, regular first.
    pub const ALL: [Priority; 5] = [
        Priority::Regular,
        Priority::Appointment,
        Priority::OlderAdult,
        Priority::Pregnancy,
        Priority::Disability,
    ];

    /// The code forms and the API use.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Regular => "regular",
            Priority::Appointment => "appointment",
            Priority::OlderAdult => "older_adult",
            Priority::Pregnancy => "pregnancy",
            Priority::Disability => "disability",
        }
    }

    /// The priority of a code.
    pub fn parse(code: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == code)
    }

    /// Any priority but regular.
    pub fn is_priority(self) -> bool {
        self != Priority::Regular
    }
}

/// An office's rules for calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Waiting each priority counts as already done (regular: none).
    pub head_start: [(Priority, Duration); 4],
    /// The longest a ticket should wait.
    pub max_wait: Duration,
    /// How long before `max_wait` a ticket becomes urgent: at least the time between
    /// two calls of the office's counters.
    pub urgency_margin: Duration,
    /// N of N:M: priority tickets called in a row before regular ones get their turns
    /// (0: no alternation).
    pub priority_run: u32,
    /// M of N:M: regular tickets called, when any waits, before the next priority one.
    pub regular_turns: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            head_start: [
                (Priority::Appointment, Duration::minutes(30)),
                (Priority::OlderAdult, Duration::minutes(20)),
                (Priority::Pregnancy, Duration::minutes(30)),
                (Priority::Disability, Duration::minutes(30)),
            ],
            max_wait: Duration::minutes(60),
            urgency_margin: Duration::minutes(5),
            priority_run: 2,
            regular_turns: 1,
        }
    }
}

impl Policy {
    /// The head start of a priority.
    pub fn head_start(&self, p: Priority) -> Duration {
        self.head_start
            .iter()
            .find(|(q, _)| *q == p)
            .map_or(Duration::zero(), |(_, d)| *d)
    }

    /// The setting out of bounds, if any: `max_wait` 5 minutes to 8 hours, the urgency
    /// margin under it (at or over it every ticket would be urgent and priorities
    /// ignored), head starts 0 to 8 hours, N and M up to 20.
    pub fn check(&self) -> Result<(), &'static str> {
        let hours8 = Duration::hours(8);
        if self.max_wait < Duration::minutes(5) || self.max_wait > hours8 {
            return Err("max_wait");
        }
        if self.urgency_margin < Duration::zero() || self.urgency_margin >= self.max_wait {
            return Err("urgency_margin");
        }
        if self
            .head_start
            .iter()
            .any(|(_, d)| *d < Duration::zero() || *d > hours8)
        {
            return Err("head_start");
        }
        if self.priority_run > 20 || self.regular_turns > 20 {
            return Err("alternation");
        }
        Ok(())
    }

    /// Has a ticket issued at `issued_at` waited long enough at `now` to be urgent?
    pub fn is_urgent(&self, issued_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now - issued_at >= self.max_wait - self.urgency_margin
    }
}

/// A waiting ticket, as the order sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// When it was issued (a redirect keeps the original time).
    pub issued_at: DateTime<Utc>,
    /// Its priority.
    pub priority: Priority,
    /// Its number within the office's day: the last tie-break.
    pub seq: u32,
}

/// Where the alternation stands, from one call to the next.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turns {
    /// Priority tickets called in a row.
    pub priority_run: u32,
    /// Regular tickets owed before the next priority one.
    pub regular_owed: u32,
}

/// Which rule chose a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// It waited `max_wait − urgency_margin`.
    Urgent,
    /// Regular tickets had their turn after a run of priority ones.
    Alternation,
    /// Its place in the queue.
    Order,
}

/// The ticket to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// Its index in the waiting tickets given.
    pub index: usize,
    /// Why it goes now.
    pub reason: Reason,
    /// The alternation after calling it.
    pub turns: Turns,
}

/// The ticket a counter calls next among `waiting` at `now`, or none when nobody waits.
pub fn next(
    waiting: &[Waiting],
    now: DateTime<Utc>,
    policy: &Policy,
    turns: Turns,
) -> Option<Call> {
    let choose = |index: usize, reason: Reason| Call {
        index,
        reason,
        turns: after(turns, waiting[index].priority, policy),
    };
    let urgent = waiting
        .iter()
        .enumerate()
        .filter(|(_, w)| policy.is_urgent(w.issued_at, now))
        .min_by_key(|(_, w)| (w.issued_at, w.seq));
    if let Some((i, _)) = urgent {
        return Some(choose(i, Reason::Urgent));
    }
    let place = |w: &Waiting| {
        let head = policy.head_start(w.priority);
        (
            w.issued_at - head,
            std::cmp::Reverse(head),
            w.issued_at,
            w.seq,
        )
    };
    if turns.regular_owed > 0 {
        let regular = waiting
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.priority.is_priority())
            .min_by_key(|(_, w)| place(w));
        if let Some((i, _)) = regular {
            return Some(choose(i, Reason::Alternation));
        }
    }
    waiting
        .iter()
        .enumerate()
        .min_by_key(|(_, w)| place(w))
        .map(|(i, _)| choose(i, Reason::Order))
}

/// The alternation after calling a ticket of priority `called`.
fn after(turns: Turns, called: Priority, policy: &Policy) -> Turns {
    if !called.is_priority() {
        return Turns {
            priority_run: 0,
            regular_owed: turns.regular_owed.saturating_sub(1),
        };
    }
    let run = turns.priority_run + 1;
    if policy.priority_run > 0 && run >= policy.priority_run {
        Turns {
            priority_run: 0,
            regular_owed: policy.regular_turns,
        }
    } else {
        Turns {
            priority_run: run,
            regular_owed: turns.regular_owed,
        }
    }
}

#[cfg(test)]
mod tests;
