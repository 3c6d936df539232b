//! Rules of training without I/O: the codes it stores, the cohort's states, the sessions
//! a weekly schedule generates, eligibility and completion.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Declares a closed set of stored codes with `ALL`, `as_str` and `parse`.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored code.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses the stored code; `None` for anything else.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s.trim())
            }
        }
    };
}

codes!(
    /// What kind of body an institution is.
    InstitutionKind {
        /// Centro de formación profesional.
        Centre = "centre",
        /// School.
        School = "school",
        /// University.
        University = "university",
        /// Trade union.
        Union = "union",
        /// Civil society organisation.
        Ngo = "ngo",
        /// Company.
        Company = "company",
        /// The secretariat itself (its Aula Virtual).
        Secretariat = "secretariat",
    }
);

codes!(
    /// How a course is given.
    Modality {
        /// In a classroom.
        InPerson = "in_person",
        /// In the Aula Virtual.
        Virtual = "virtual",
        /// Both.
        Blended = "blended",
    }
);

codes!(
    /// What a course's certificate states.
    Certification {
        /// That the person attended.
        Attendance = "attendance",
        /// That the person attended and passed.
        Approval = "approval",
        /// That the person is competent in a standard's units.
        Competency = "competency",
    }
);

codes!(
    /// Where a cohort meets.
    Place {
        /// An employment office.
        Office = "office",
        /// The institution's address.
        Institution = "institution",
        /// Online.
        Virtual = "virtual",
    }
);

codes!(
    /// A cohort's life.
    CohortState {
        /// Being prepared.
        Planned = "planned",
        /// Taking enrolments.
        Enrolling = "enrolling",
        /// In class.
        Running = "running",
        /// Over; completion applied.
        Finished = "finished",
        /// Called off.
        Cancelled = "cancelled",
    }
);

impl CohortState {
    /// The states it may move to.
    pub fn next(self) -> &'static [CohortState] {
        use CohortState::*;
        match self {
            Planned => &[Enrolling, Cancelled],
            Enrolling => &[Running, Cancelled],
            Running => &[Finished, Cancelled],
            Finished | Cancelled => &[],
        }
    }

    /// May it move to `to`?
    pub fn may_become(self, to: CohortState) -> bool {
        self.next().contains(&to)
    }

    /// Does it take enrolments (including onto the waiting list)?
    pub fn takes_enrolments(self) -> bool {
        matches!(self, CohortState::Enrolling | CohortState::Running)
    }
}

codes!(
    /// Where a person stands in a cohort.
    EnrolmentState {
        /// Has a place.
        Enrolled = "enrolled",
        /// Waiting for a place, in order of enrolment.
        Waitlisted = "waitlisted",
        /// Left, with a coded reason.
        Withdrawn = "withdrawn",
        /// Met the course's completion rule.
        Completed = "completed",
        /// Did not.
        NotCompleted = "not_completed",
    }
);

codes!(
    /// Why a person left a cohort.
    WithdrawalReason {
        /// Found a job.
        Employment = "employment",
        /// Schedule or distance.
        Schedule = "schedule",
        /// Health or care duties.
        Health = "health",
        /// Lost interest.
        Interest = "interest",
        /// Enrolled by mistake.
        Error = "error",
        /// The cohort was called off.
        Cancelled = "cancelled",
        /// The cohort finished before a place freed.
        NoPlace = "no_place",
        /// Anything else.
        Other = "other",
    }
);

codes!(
    /// A mark in a session.
    AttendanceStatus {
        /// There.
        Present = "present",
        /// Not there.
        Absent = "absent",
        /// Not there, with a reason accepted.
        Justified = "justified",
    }
);

/// Most sessions a cohort may have (five a week for two years).
pub const MAX_SESSIONS: usize = 520;

/// Parses `HH:MM` (00:00–23:59).
pub fn parse_time(raw: &str) -> Option<chrono::NaiveTime> {
    chrono::NaiveTime::parse_from_str(raw.trim(), "%H:%M").ok()
}

/// Parses ISO weekday numbers (`1` Monday … `7` Sunday), however separated; sorted,
/// without repeats. `None` when empty or a number is out of range.
pub fn parse_weekdays<'a>(raw: impl IntoIterator<Item = &'a str>) -> Option<Vec<u32>> {
    let mut days = Vec::new();
    for part in raw {
        for piece in part.split([',', ' ']).filter(|p| !p.is_empty()) {
            let n: u32 = piece.parse().ok()?;
            if !(1..=7).contains(&n) {
                return None;
            }
            days.push(n);
        }
    }
    days.sort_unstable();
    days.dedup();
    (!days.is_empty()).then_some(days)
}

/// The days of the sessions from `starts_on` to `ends_on` on the given ISO weekdays;
/// `None` when there would be more than [`MAX_SESSIONS`].
pub fn session_days(
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    weekdays: &[u32],
) -> Option<Vec<NaiveDate>> {
    let mut out = Vec::new();
    for day in starts_on.iter_days().take_while(|d| *d <= ends_on) {
        if weekdays.contains(&day.weekday().number_from_monday()) {
            if out.len() == MAX_SESSIONS {
                return None;
            }
            out.push(day);
        }
    }
    Some(out)
}

/// Age in whole years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    on.years_since(birth).map(|y| y as i32).unwrap_or(0)
}

/// What the eligibility check needs to know of a person.
#[derive(Debug, Clone)]
pub struct Applicant {
    /// Birth date.
    pub birth_date: NaiveDate,
    /// ISCED level (`0`–`8`), if known.
    pub education_level: Option<String>,
    /// Already holds a certificate of this course?
    pub already_certified: bool,
    /// Already in another open cohort of this course?
    pub in_open_cohort: bool,
}

/// What a course requires.
#[derive(Debug, Clone, Default)]
pub struct Requirements {
    /// Minimum age on the first day.
    pub min_age: Option<i32>,
    /// Minimum ISCED level.
    pub min_education: Option<String>,
}

/// A failed criterion: its catalogue key and the values its message shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Unmet {
    /// Catalogue key (`eligibility-age`, ...).
    pub key: &'static str,
    /// What the course asks.
    pub required: String,
    /// What the person has.
    pub actual: String,
}

/// Every criterion the person fails for a cohort starting on `starts_on`; empty when
/// eligible.
pub fn unmet(req: &Requirements, who: &Applicant, starts_on: NaiveDate) -> Vec<Unmet> {
    let mut out = Vec::new();
    if let Some(min) = req.min_age {
        let age = age_on(who.birth_date, starts_on);
        if age < min {
            out.push(Unmet {
                key: "eligibility-age",
                required: min.to_string(),
                actual: age.to_string(),
            });
        }
    }
    // Level 0 (no schooling) is everyone's: no requirement at all.
    if let Some(min) = req.min_education.as_deref().filter(|m| *m != "0") {
        let has = who.education_level.as_deref().unwrap_or("");
        if has.is_empty() || has < min {
            out.push(Unmet {
                key: "eligibility-education",
                required: min.to_owned(),
                actual: has.to_owned(),
            });
        }
    }
    if who.already_certified {
        out.push(Unmet {
            key: "eligibility-certified",
            required: String::new(),
            actual: String::new(),
        });
    }
    if who.in_open_cohort {
        out.push(Unmet {
            key: "eligibility-in-cohort",
            required: String::new(),
            actual: String::new(),
        });
    }
    out
}

/// The marks of one enrolment over a cohort's sessions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    /// Sessions present.
    pub present: u32,
    /// Sessions absent.
    pub absent: u32,
    /// Sessions absent with a justification.
    pub justified: u32,
}

impl Marks {
    /// Attendance percent, rounded down: present over the sessions taken, a justified
    /// absence counting neither way. `None` when no session counts.
    pub fn percent(self) -> Option<i32> {
        let counted = self.present + self.absent;
        (counted > 0).then(|| (self.present * 100 / counted) as i32)
    }
}

/// A course's completion rule.
#[derive(Debug, Clone, Copy)]
pub struct CompletionRule {
    /// Minimum attendance, percent.
    pub min_attendance: i32,
    /// Must the assessment be passed?
    pub requires_pass: bool,
}

/// Does an enrolment with these marks and this outcome complete the course?
pub fn completes(rule: CompletionRule, marks: Marks, passed: Option<bool>) -> bool {
    // A minimum of 0 asks for no attendance (a virtual course graded on its work); any
    // other needs sessions taken and the share met.
    let attended =
        rule.min_attendance <= 0 || marks.percent().is_some_and(|p| p >= rule.min_attendance);
    attended && (!rule.requires_pass || passed == Some(true))
}

/// Symbols of verification codes: digits and capitals without 0, 1, I and O.
const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Length of a verification code (100 bits).
pub const CODE_LEN: usize = 20;

/// A new random verification code.
pub fn new_code(rng: &mut impl rand::Rng) -> String {
    (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.random_range(0..32)] as char)
        .collect()
}

/// Normalises a typed code (any case, with or without dashes or spaces); `None` when it
/// cannot be one.
pub fn parse_code(raw: &str) -> Option<String> {
    if raw.len() > 64 {
        return None;
    }
    let code: String = raw
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// The code in groups of four, as printed.
pub fn grouped_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A document number with its middle digits hidden (`12.***.*78`): enough for the reader
/// of a certificate to match it against the holder's ID, not to learn it.
pub fn masked_doc(doc: &str) -> String {
    let chars: Vec<char> = doc.chars().collect();
    let n = chars.len();
    // At most a quarter of the characters at each end, two at most: a short document
    // keeps more than half of it hidden.
    let shown = (n / 4).min(2);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < shown || i + shown >= n { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn cohort_states_move_forward_only() {
        use CohortState::*;
        assert!(Planned.may_become(Enrolling));
        assert!(Running.may_become(Finished));
        assert!(!Finished.may_become(Running));
        assert!(!Planned.may_become(Finished));
        assert!(Cancelled.next().is_empty());
    }

    #[test]
    fn a_schedule_generates_its_weekdays_only() {
        // 2026-03-02 is a Monday.
        let days = session_days(d("2026-03-02"), d("2026-03-15"), &[1, 3]).unwrap_or_default();
        assert_eq!(
            days,
            vec![
                d("2026-03-02"),
                d("2026-03-04"),
                d("2026-03-09"),
                d("2026-03-11")
            ]
        );
        assert!(session_days(d("2026-01-01"), d("2029-01-01"), &[1, 2, 3, 4, 5]).is_none());
        assert_eq!(parse_weekdays(["3,1", "3"]), Some(vec![1, 3]));
        assert_eq!(parse_weekdays(["8"]), None);
        assert_eq!(parse_weekdays([""]), None);
    }

    #[test]
    fn eligibility_names_every_failed_criterion() {
        let req = Requirements {
            min_age: Some(18),
            min_education: Some("3".into()),
        };
        let young = Applicant {
            birth_date: d("2010-05-01"),
            education_level: Some("2".into()),
            already_certified: false,
            in_open_cohort: false,
        };
        let found = unmet(&req, &young, d("2026-03-01"));
        let keys: Vec<_> = found.iter().map(|u| u.key).collect();
        assert_eq!(keys, ["eligibility-age", "eligibility-education"]);
        assert_eq!(found[0].actual, "15");
        let adult = Applicant {
            birth_date: d("1990-05-01"),
            education_level: Some("3".into()),
            ..young
        };
        assert!(unmet(&req, &adult, d("2026-03-01")).is_empty());
    }

    #[test]
    fn completion_needs_attendance_and_a_pass_when_asked() {
        let rule = CompletionRule {
            min_attendance: 75,
            requires_pass: true,
        };
        let good = Marks {
            present: 3,
            absent: 1,
            justified: 2,
        };
        assert_eq!(good.percent(), Some(75));
        assert!(completes(rule, good, Some(true)));
        assert!(!completes(rule, good, None));
        assert!(!completes(rule, good, Some(false)));
        let poor = Marks {
            present: 2,
            absent: 2,
            justified: 0,
        };
        assert!(!completes(rule, poor, Some(true)));
        assert!(!completes(rule, Marks::default(), Some(true)));
        let graded_only = CompletionRule {
            min_attendance: 0,
            requires_pass: true,
        };
        assert!(
            completes(graded_only, Marks::default(), Some(true)),
            "no attendance asked"
        );
        assert!(!completes(graded_only, Marks::default(), Some(false)));
        let attendance_only = CompletionRule {
            requires_pass: false,
            ..rule
        };
        assert!(completes(attendance_only, good, None));
    }

    #[test]
    fn codes_are_random_and_read_back_in_any_writing() {
        let mut rng = rand::rng();
        let a = new_code(&mut rng);
        let b = new_code(&mut rng);
        assert_ne!(a, b);
        assert_eq!(
            parse_code(&grouped_code(&a).to_lowercase()),
            Some(a.clone())
        );
        assert_eq!(parse_code("not-a-code"), None);
        assert_eq!(parse_code(&"A".repeat(100)), None);
        assert_eq!(masked_doc("12345678"), "12****78");
        assert_eq!(
            masked_doc("12345"),
            "1***5",
            "a short document keeps most hidden"
        );
        assert_eq!(masked_doc("123"), "***");
    }

    proptest! {
        #[test]
        fn code_parsing_never_panics(s in "\\PC{0,80}") {
            let _ = parse_code(&s);
            let _ = masked_doc(&s);
        }

        #[test]
        fn attendance_percent_stays_within_bounds(p in 0u32..500, a in 0u32..500, j in 0u32..500) {
            let pct = Marks { present: p, absent: a, justified: j }.percent();
            prop_assert!(pct.is_none_or(|v| (0..=100).contains(&v)));
        }
    }
}
