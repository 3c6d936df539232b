use chrono::TimeZone;
use proptest::prelude::*;

use super::*;

const R: Priority = Priority::Regular;
const A: Priority = Priority::Appointment;
const O: Priority = Priority::OlderAdult;
const P: Priority = Priority::Pregnancy;
const D: Priority = Priority::Disability;

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap() + Duration::minutes(minute)
}

/// Tickets as (minute issued, priority), numbered in that order from 1.
fn tickets(list: &[(i64, Priority)]) -> Vec<Waiting> {
    list.iter()
        .zip(1..)
        .map(|(&(m, priority), seq)| Waiting {
            issued_at: at(m),
            priority,
            seq,
        })
        .collect()
}

/// The numbers a counter calls one after another at `now`, starting from `turns`.
fn calls(list: &[(i64, Priority)], now: i64, policy: &Policy, mut turns: Turns) -> Vec<u32> {
    let mut waiting = tickets(list);
    let mut out = Vec::new();
    while let Some(c) = next(&waiting, at(now), policy, turns) {
        out.push(waiting.remove(c.index).seq);
        turns = c.turns;
    }
    out
}

/// A case of the order: what it shows, the tickets, the minute of the calls and the
/// numbers called.
type Case = (
    &'static str,
    &'static [(i64, Priority)],
    i64,
    &'static [u32],
);

fn no_alternation() -> Policy {
    Policy {
        priority_run: 0,
        ..Policy::default()
    }
}

#[test]
fn nobody_waiting_calls_nobody() {
    assert_eq!(next(&[], at(0), &Policy::default(), Turns::default()), None);
}

#[test]
fn the_order_follows_the_table_of_cases() {
    // (case, tickets, minute of the calls, expected order)
    let cases: [Case; 10] = [
        (
            "regular tickets in issue order",
            &[(0, R), (1, R), (2, R)],
            10,
            &[1, 2, 3],
        ),
        ("the same minute: by number", &[(5, R), (5, R)], 10, &[1, 2]),
        (
            "a pregnancy ten minutes later goes first (30-minute head start)",
            &[(0, R), (10, P)],
            12,
            &[2, 1],
        ),
        (
            "a pregnancy forty minutes later does not",
            &[(0, R), (40, P)],
            41,
            &[1, 2],
        ),
        (
            "an older adult 25 minutes later does not (20-minute head start)",
            &[(0, R), (25, O)],
            30,
            &[1, 2],
        ),
        (
            "issued together: the larger head start first",
            &[(0, O), (0, D), (0, A)],
            1,
            &[2, 3, 1],
        ),
        (
            "an urgent regular ticket before a fresh disability",
            &[(0, R), (54, D)],
            55,
            &[1, 2],
        ),
        (
            "two urgent: the longest waiting first, priority or not",
            &[(0, R), (1, D), (30, P)],
            57,
            &[1, 2, 3],
        ),
        (
            "a redirected ticket keeps its issue time",
            &[(20, R), (3, R), (15, R)],
            25,
            &[2, 3, 1],
        ),
        (
            "an appointment on time ahead of the morning's regulars",
            &[(0, R), (5, R), (10, A)],
            11,
            &[3, 1, 2],
        ),
    ];
    for (case, list, now, expected) in cases {
        assert_eq!(
            calls(list, now, &no_alternation(), Turns::default()),
            expected,
            "{case}"
        );
    }
}

#[test]
fn alternation_gives_regular_tickets_their_turns() {
    // Priority tickets issued after the regulars still come first by head start.
    let list: &[(i64, Priority)] = &[(0, R), (1, R), (2, P), (3, D), (4, O), (5, A), (6, P)];
    let cases: [(u32, u32, &[u32]); 4] = [
        (0, 0, &[3, 4, 6, 7, 5, 1, 2]),
        (2, 1, &[3, 4, 1, 6, 7, 2, 5]),
        (1, 1, &[3, 1, 4, 2, 6, 7, 5]),
        (3, 2, &[3, 4, 6, 1, 2, 7, 5]),
    ];
    for (run, turns, expected) in cases {
        let policy = Policy {
            priority_run: run,
            regular_turns: turns,
            ..Policy::default()
        };
        assert_eq!(
            calls(list, 7, &policy, Turns::default()),
            expected,
            "{run}:{turns}"
        );
    }
}

#[test]
fn owed_turns_wait_for_a_regular_ticket() {
    let policy = Policy::default();
    let owed = Turns {
        priority_run: 0,
        regular_owed: 1,
    };
    // Nobody regular waits: the priority ticket goes, and the regular turn stays owed.
    let only = tickets(&[(0, P)]);
    let c = next(&only, at(1), &policy, owed).unwrap();
    assert_eq!(
        (c.index, c.reason, c.turns.regular_owed),
        (0, Reason::Order, 1)
    );
    // A regular ticket arriving later takes the owed turn ahead of a priority one.
    let both = tickets(&[(0, P), (2, R)]);
    let c = next(&both, at(3), &policy, owed).unwrap();
    assert_eq!((c.index, c.reason), (1, Reason::Alternation));
    assert_eq!(c.turns, Turns::default());
}

#[test]
fn the_reason_is_given() {
    let policy = no_alternation();
    let list = tickets(&[(0, R), (50, D)]);
    assert_eq!(
        next(&list, at(51), &policy, Turns::default())
            .unwrap()
            .reason,
        Reason::Order
    );
    assert_eq!(
        next(&list, at(55), &policy, Turns::default())
            .unwrap()
            .reason,
        Reason::Urgent
    );
}

#[test]
fn a_policy_out_of_bounds_names_its_setting() {
    assert_eq!(Policy::default().check(), Ok(()));
    let with = |f: fn(&mut Policy)| {
        let mut p = Policy::default();
        f(&mut p);
        p.check()
    };
    assert_eq!(with(|p| p.max_wait = Duration::minutes(2)), Err("max_wait"));
    assert_eq!(
        with(|p| p.urgency_margin = p.max_wait),
        Err("urgency_margin")
    );
    assert_eq!(
        with(|p| p.urgency_margin = Duration::minutes(-1)),
        Err("urgency_margin")
    );
    assert_eq!(
        with(|p| p.head_start[0].1 = Duration::minutes(-5)),
        Err("head_start")
    );
    assert_eq!(
        with(|p| p.head_start[2].1 = Duration::days(2)),
        Err("head_start")
    );
    assert_eq!(with(|p| p.priority_run = 21), Err("alternation"));
}

#[test]
fn priority_codes_read_back() {
    for p in Priority::ALL {
        assert_eq!(Priority::parse(p.as_str()), Some(p));
    }
    assert_eq!(Priority::parse("vip"), None);
}

fn priority() -> impl Strategy<Value = Priority> {
    prop::sample::select(Priority::ALL.to_vec())
}

proptest! {
    /// Tickets arriving no faster than the counters call (one call every `gap` minutes,
    /// arrivals at least `gap` apart) never wait past `max_wait` when the urgency
    /// margin covers a gap, whatever their priorities and the alternation. The queue
    /// starts with a backlog (tickets issued a gap apart before the first call), so
    /// regular tickets keep being passed by priority ones until they turn urgent.
    #[test]
    fn no_ticket_waits_past_the_maximum_while_counters_call(
        gap in 1i64..=4,
        backlog in 0i64..=25,
        extra_gaps in prop::collection::vec((prop::sample::select(vec![0i64, 0, 0, 1, 3]), priority()), 1..150),
        max_wait in 10i64..=90,
        margin_over in 0i64..=3,
        run in 0u32..=3,
        turns in 0u32..=2,
    ) {
        let policy = Policy {
            max_wait: Duration::minutes(max_wait),
            urgency_margin: Duration::minutes(gap + margin_over),
            priority_run: run,
            regular_turns: turns,
            ..Policy::default()
        };
        // Arrival minutes: each at least one gap after the previous, the first ones
        // before the first call (but not yet urgent at it).
        let backlog = backlog.min((max_wait - gap - margin_over) / gap);
        let mut minute = -backlog * gap;
        let arrivals: Vec<(i64, Priority)> = extra_gaps
            .iter()
            .map(|&(extra, p)| {
                let m = minute;
                minute += gap + extra;
                (m, p)
            })
            .collect();
        let mut waiting: Vec<Waiting> = Vec::new();
        let mut state = Turns::default();
        let (mut arrived, mut called, mut now) = (0, 0, 0);
        while called < arrivals.len() {
            while arrived < arrivals.len() && arrivals[arrived].0 <= now {
                let (m, p) = arrivals[arrived];
                arrived += 1;
                waiting.push(Waiting { issued_at: at(m), priority: p, seq: arrived as u32 });
            }
            if let Some(c) = next(&waiting, at(now), &policy, state) {
                let t = waiting.remove(c.index);
                let waited = at(now) - t.issued_at;
                prop_assert!(
                    waited <= policy.max_wait,
                    "ticket {} waited {} min (max {max_wait})", t.seq, waited.num_minutes()
                );
                state = c.turns;
                called += 1;
            }
            now += gap;
        }
    }

    /// An urgent ticket is never passed over: while one waits, the call goes to the
    /// longest-waiting urgent ticket.
    #[test]
    fn urgent_tickets_go_first_and_oldest_first(
        list in prop::collection::vec((0i64..=120, priority()), 1..40),
        now in 0i64..=180,
        owed in 0u32..=2,
    ) {
        let policy = Policy::default();
        let waiting = tickets(&list);
        let turns = Turns { priority_run: 0, regular_owed: owed };
        let c = next(&waiting, at(now), &policy, turns).unwrap();
        let oldest_urgent = waiting
            .iter()
            .filter(|w| policy.is_urgent(w.issued_at, at(now)))
            .min_by_key(|w| (w.issued_at, w.seq));
        if let Some(u) = oldest_urgent {
            prop_assert_eq!(waiting[c.index], *u);
            prop_assert_eq!(c.reason, Reason::Urgent);
        }
    }

    /// With N:M alternation and nobody urgent, no more than N priority tickets are
    /// called in a row while a regular ticket waits.
    #[test]
    fn a_priority_run_never_exceeds_n_while_a_regular_waits(
        list in prop::collection::vec((0i64..=20, priority()), 1..40),
        run in 1u32..=4,
        turns in 1u32..=3,
    ) {
        let policy = Policy { priority_run: run, regular_turns: turns, ..Policy::default() };
        let mut waiting = tickets(&list);
        let mut state = Turns::default();
        let mut in_a_row = 0;
        while let Some(c) = next(&waiting, at(21), &policy, state) {
            let regular_waits = waiting.iter().any(|w| !w.priority.is_priority());
            let t = waiting.remove(c.index);
            if t.priority.is_priority() {
                in_a_row += 1;
                prop_assert!(!regular_waits || in_a_row <= run, "{in_a_row} priority calls in a row");
            } else {
                in_a_row = 0;
            }
            state = c.turns;
        }
    }
}
