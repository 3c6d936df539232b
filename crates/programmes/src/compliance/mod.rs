//! Compliance: a nightly check of every active (and suspended) beneficiary against their
//! programme's rules and the registry. Hired in a placement → end as hired; past the
//! age range → end as aged out; in an incompatible programme approved earlier → end as
//! incompatible; any other criterion no longer met → suspend. Each finding is a
//! proposal in a review queue; nothing changes until an operator confirms it, and then
//! only through the application's own step.
//!
//! Invariants: at most one open proposal per application; a proposal no longer found is
//! lapsed by the next check; a dismissed one is not proposed again until the
//! application changes.

pub mod scan;
pub mod service;
pub mod store;

use chrono::{Months, NaiveDate};
use sipe_persons::eligibility::Facts;

use crate::eligibility::{Criterion, Held};

/// Reasons a proposal gives, strongest first (one application gets the first found).
pub const REASONS: [&str; 4] = ["hired", "aged_out", "incompatible", "not_eligible"];
/// States of a proposal.
pub const STATES: [&str; 4] = ["open", "confirmed", "dismissed", "lapsed"];

/// What the check found about one beneficiary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `finish` or `suspend`.
    pub proposal: &'static str,
    /// One of `REASONS`.
    pub reason: &'static str,
    /// Language-neutral detail: the criteria kinds not met, or the other programme's
    /// code.
    pub detail: String,
    /// The day it holds from, if known.
    pub since: Option<NaiveDate>,
}

/// What the check knows of one beneficiary.
pub struct Beneficiary<'a> {
    /// `active` or `suspended`.
    pub state: &'a str,
    /// First day in the programme.
    pub starts_on: Option<NaiveDate>,
    /// The person's facts (none for a person merged away).
    pub facts: Option<&'a Facts>,
    /// First days of the person's job placements (intermediation).
    pub hires: &'a [NaiveDate],
    /// Code of an incompatible programme the person was placed in earlier, if any.
    pub incompatible: Option<&'a str>,
    /// What the module's own criteria read (national lists, other stays).
    pub held: &'a Held,
}

/// What to propose for a beneficiary of a programme with these criteria, on `today`:
/// every finding, strongest first (the check proposes the first one not dismissed).
/// Nothing before the stay starts: no step could take effect yet.
pub fn findings(b: &Beneficiary<'_>, criteria: &[Criterion], today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(started) = b.starts_on.filter(|s| *s <= today) else {
        return out;
    };
    let finish = |reason, detail: String, since| Finding {
        proposal: "finish",
        reason,
        detail,
        since,
    };
    // A job that started while in the programme (not one held before it).
    if let Some(first) = b
        .hires
        .iter()
        .filter(|d| **d >= started && **d <= today)
        .min()
    {
        out.push(finish("hired", String::new(), Some(*first)));
    }
    let Some(facts) = b.facts else {
        return out;
    };
    for c in criteria {
        if let Criterion::Age { max, on: None, .. } = c
            && facts.age_on(today) > *max
        {
            // The birthday that took them past the range.
            let birthday = facts
                .birth_date
                .checked_add_months(Months::new((*max + 1) * 12));
            out.push(finish("aged_out", c.kind().to_owned(), birthday));
        }
    }
    if let Some(code) = b.incompatible {
        out.push(finish("incompatible", code.to_owned(), None));
    }
    if b.state == "active" {
        let failing: Vec<&str> = criteria
            .iter()
            // "Not again within N months" is an entry rule: a stay never breaks it.
            .filter(|c| !matches!(c, Criterion::NotAgain { .. }))
            .filter(|c| !crate::eligibility::explain::meets(c, facts, b.held, today))
            .map(Criterion::kind)
            .collect();
        if !failing.is_empty() {
            out.push(Finding {
                proposal: "suspend",
                reason: "not_eligible",
                detail: failing.join(","),
                since: None,
            });
        }
    }
    out
}

/// The strongest finding, if any.
pub fn finding(b: &Beneficiary<'_>, criteria: &[Criterion], today: NaiveDate) -> Option<Finding> {
    findings(b, criteria, today).into_iter().next()
}

/// The day a confirmed proposal takes effect when the operator gives none: the day it
/// holds from, kept within the stay (not before its start nor a step already taken,
/// `floor`) and not after today.
pub fn effective_day(
    since: Option<NaiveDate>,
    floor: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    today: NaiveDate,
) -> NaiveDate {
    let mut day = since.unwrap_or(today);
    if let Some(s) = floor {
        day = std::cmp::max(day, s);
    }
    let mut last = today;
    if let Some(e) = ends_on {
        last = std::cmp::min(last, e);
    }
    std::cmp::min(day, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sipe_platform::ids::{OfficeId, PersonId};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    fn facts(birth: NaiveDate, status: &str) -> Facts {
        Facts {
            id: PersonId(uuid::Uuid::nil()),
            office_id: OfficeId(uuid::Uuid::nil()),
            birth_date: birth,
            province_code: Some("90".into()),
            department_code: None,
            employment_status: Some(status.into()),
            cuil: None,
            unemployed_since: None,
            education_level: Some("3".into()),
            dependants: None,
            head_of_household: false,
            has_disability: false,
            registered_on: day(2020, 1, 1),
        }
    }

    fn criteria() -> Vec<Criterion> {
        vec![
            Criterion::Age {
                min: 18,
                max: 24,
                on: None,
            },
            Criterion::Employment {
                statuses: vec!["unemployed".into()],
                min_months_unemployed: None,
            },
        ]
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 30);

    fn today() -> NaiveDate {
        day(TODAY.0, TODAY.1, TODAY.2)
    }

    static NOTHING_HELD: Held = Held {
        national: Vec::new(),
        stays: Vec::new(),
        incompatible: Vec::new(),
        holding_incompatible: Vec::new(),
    };

    fn active<'a>(f: &'a Facts, hires: &'a [NaiveDate], inc: Option<&'a str>) -> Beneficiary<'a> {
        Beneficiary {
            state: "active",
            starts_on: Some(day(2026, 3, 1)),
            facts: Some(f),
            hires,
            incompatible: inc,
            held: &NOTHING_HELD,
        }
    }

    #[test]
    fn starting_to_receive_an_excluded_national_programme_proposes_a_suspension() {
        let f = facts(day(2004, 6, 1), "unemployed");
        let mut rules = criteria();
        rules.push(Criterion::Benefits {
            programmes: vec!["POTENCIAR".into()],
            receives: false,
        });
        assert_eq!(finding(&active(&f, &[], None), &rules, today()), None);
        let held = Held {
            national: vec![crate::eligibility::held::Listed {
                code: "POTENCIAR".into(),
                period: day(2026, 3, 1),
                status: "active".into(),
            }],
            ..Default::default()
        };
        let b = Beneficiary {
            held: &held,
            ..active(&f, &[], None)
        };
        let found = finding(&b, &rules, today()).expect("a proposal");
        assert_eq!((found.proposal, found.reason), ("suspend", "not_eligible"));
        assert_eq!(found.detail, "benefits");
    }

    #[test]
    fn a_beneficiary_who_still_qualifies_gets_no_proposal() {
        let f = facts(day(2004, 6, 1), "unemployed");
        assert_eq!(finding(&active(&f, &[], None), &criteria(), today()), None);
    }

    #[test]
    fn a_hire_during_the_stay_ends_as_hired_from_its_first_day() {
        let f = facts(day(2004, 6, 1), "unemployed");
        let hires = [day(2025, 1, 10), day(2026, 9, 14), day(2026, 10, 1)];
        let got = finding(&active(&f, &hires, Some("ETT")), &criteria(), today()).expect("found");
        assert_eq!((got.proposal, got.reason), ("finish", "hired"));
        assert_eq!(got.since, Some(day(2026, 9, 14)));
        // A job held before the programme, or starting after today, is not a hire.
        let old = [day(2025, 1, 10), day(2027, 1, 1)];
        assert_eq!(finding(&active(&f, &old, None), &criteria(), today()), None);
    }

    #[test]
    fn turning_past_the_age_range_ends_as_aged_out_from_the_birthday() {
        // 25 on 2026-06-01.
        let f = facts(day(2001, 6, 1), "unemployed");
        let got = finding(&active(&f, &[], None), &criteria(), today()).expect("found");
        assert_eq!((got.proposal, got.reason), ("finish", "aged_out"));
        assert_eq!(got.since, Some(day(2026, 6, 1)));
        // Not when the age is judged on a fixed day.
        let fixed = vec![Criterion::Age {
            min: 18,
            max: 24,
            on: Some(day(2026, 1, 1)),
        }];
        assert_eq!(finding(&active(&f, &[], None), &fixed, today()), None);
    }

    #[test]
    fn an_incompatible_programme_ends_and_other_criteria_suspend_only_the_active() {
        let f = facts(day(2004, 6, 1), "unemployed");
        let got = finding(&active(&f, &[], Some("ETT")), &criteria(), today()).expect("found");
        assert_eq!(
            (got.proposal, got.reason, got.detail.as_str()),
            ("finish", "incompatible", "ETT")
        );
        let employed = facts(day(2004, 6, 1), "employed");
        let got = finding(&active(&employed, &[], None), &criteria(), today()).expect("found");
        assert_eq!(
            (got.proposal, got.reason, got.detail.as_str()),
            ("suspend", "not_eligible", "employment")
        );
        let mut suspended = active(&employed, &[], None);
        suspended.state = "suspended";
        assert_eq!(finding(&suspended, &criteria(), today()), None);
    }

    #[test]
    fn nothing_is_proposed_before_the_benefit_starts_or_for_a_merged_person() {
        let f = facts(day(2001, 6, 1), "employed");
        let mut b = active(&f, &[], Some("ETT"));
        b.starts_on = None;
        assert_eq!(finding(&b, &criteria(), today()), None);
        let b = Beneficiary {
            facts: None,
            ..active(&f, &[], Some("ETT"))
        };
        assert_eq!(finding(&b, &criteria(), today()), None);
    }

    #[test]
    fn a_stay_starting_after_today_gets_nothing_yet() {
        let f = facts(day(2001, 6, 1), "employed");
        let mut b = active(&f, &[], Some("ETT"));
        b.starts_on = Some(day(2026, 12, 1));
        assert!(findings(&b, &criteria(), today()).is_empty());
    }

    #[test]
    fn every_finding_is_listed_strongest_first() {
        // Hired, aged out, incompatible and no longer unemployed, all at once.
        let f = facts(day(2001, 6, 1), "employed");
        let hires = [day(2026, 9, 14)];
        let all: Vec<&str> = findings(&active(&f, &hires, Some("ETT")), &criteria(), today())
            .iter()
            .map(|f| f.reason)
            .collect();
        assert_eq!(all, ["hired", "aged_out", "incompatible", "not_eligible"]);
    }

    #[test]
    fn the_effective_day_stays_within_the_stay_and_not_after_today() {
        let (s, e) = (Some(day(2026, 3, 1)), Some(day(2026, 12, 31)));
        assert_eq!(
            effective_day(Some(day(2026, 6, 1)), s, e, today()),
            day(2026, 6, 1)
        );
        assert_eq!(
            effective_day(Some(day(2025, 6, 1)), s, e, today()),
            day(2026, 3, 1)
        );
        assert_eq!(effective_day(None, s, e, today()), today());
        assert_eq!(
            effective_day(None, s, Some(day(2026, 10, 31)), today()),
            day(2026, 10, 31)
        );
    }
}
