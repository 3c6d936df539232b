//! The matching score: factors between a vacancy's requirements and a candidate's
//! profile, each a number in `[0, 1]`, combined by the search's weights; the gaps are
//! what the candidate lacks. Plain functions over two small structs, shared by both
//! directions (vacancy → people, person → vacancies) and by the explanation, so the
//! number shown is the number ranked on.

use serde::{Deserialize, Serialize};

/// What a vacancy asks for, in the numeric codes matching compares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Requirements {
    /// ISCO-08 unit group of the occupation (`9321`).
    pub unit_group: u32,
    /// Required skills (ids as 64-bit keys).
    pub required_skills: Vec<u64>,
    /// Desired skills.
    pub desired_skills: Vec<u64>,
    /// Minimum ISCED level.
    pub education_min: Option<u8>,
    /// The education level is a hard filter.
    pub education_mandatory: bool,
    /// Months of experience in the unit group.
    pub experience_months: Option<u32>,
    /// Driving licence class (bit of [`licence_bit`]).
    pub licence: Option<u16>,
    /// The licence is a hard filter.
    pub licence_mandatory: bool,
    /// Languages: (language index, lowest level index).
    pub languages: Vec<(u8, u8)>,
    /// INDEC department code of the workplace (`90084`).
    pub department: Option<u32>,
    /// `HOURS_FULL` or `HOURS_PART`.
    pub hours: u8,
    /// Contract type (bit of the contract types).
    pub contract: Option<u8>,
    /// Highest salary offered.
    pub salary_max: Option<i64>,
}

/// What matching knows of a candidate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidate {
    /// ISCO-08 unit groups of desired occupations and work history.
    pub unit_groups: Vec<u32>,
    /// Months of work per unit group.
    pub experience: Vec<(u32, u32)>,
    /// Skills (ids as 64-bit keys).
    pub skills: Vec<u64>,
    /// Those of `skills` a training certificate certifies.
    pub certified: Vec<u64>,
    /// ISCED level.
    pub education: Option<u8>,
    /// Driving licence classes held (bit set).
    pub licences: u16,
    /// Languages: (language index, level index).
    pub languages: Vec<(u8, u8)>,
    /// INDEC department code of their address.
    pub department: Option<u32>,
    /// `HOURS_*`.
    pub hours: u8,
    /// Preferred contract types (bit set; 0 = no preference).
    pub contracts: u8,
    /// Salary expectation.
    pub salary_expectation: Option<i64>,
    /// Day (days from the Common Era) of the last change to their record: interviews,
    /// profile updates, referrals. Not scored: it breaks ties.
    pub last_contact_day: u32,
    /// Day they started looking for work: unemployed since, or the start of their job
    /// search (0: not known). Breaks ties: longer first.
    pub unemployed_since_day: u32,
}

/// What breaks a tie between candidates of equal score, in the order a counsellor uses
/// it: who was in touch with the office recently (by month), then who has been
/// unemployed longest, then the most recent contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TieBreak {
    /// Days since the last contact (change to the record).
    pub days_since_contact: u32,
    /// Days looking for work: unemployed, or in a stated job search (0: not known).
    pub days_unemployed: u32,
}

impl TieBreak {
    /// The tie-break of a candidate as of `today` (days from the Common Era).
    pub fn of(c: &Candidate, today: u32) -> Self {
        Self {
            days_since_contact: today.saturating_sub(c.last_contact_day),
            days_unemployed: if c.unemployed_since_day == 0 {
                0
            } else {
                today.saturating_sub(c.unemployed_since_day)
            },
        }
    }

    /// Whole months unemployed.
    pub fn months_unemployed(&self) -> u32 {
        self.days_unemployed / 30
    }

    /// A key that orders better tie-breaks higher.
    pub fn key(&self) -> u64 {
        let recent_month = 0xFFFF - (self.days_since_contact / 30).min(0xFFFF);
        let unemployed = self.days_unemployed.min(0xFFFF);
        let recent_day = 0xFFFF_FFFF - self.days_since_contact;
        (u64::from(recent_month) << 48) | (u64::from(unemployed) << 32) | u64::from(recent_day)
    }
}

/// A score as ranked and shown: tenths (97.6 → 976), so equal as shown is equal as
/// ranked and the tie-break decides.
pub fn tenths(score: f32) -> u32 {
    (score.max(0.0) * 10.0).round() as u32
}

/// Working time unknown.
pub const HOURS_UNKNOWN: u8 = 0;
/// Full time.
pub const HOURS_FULL: u8 = 1;
/// Part time.
pub const HOURS_PART: u8 = 2;
/// Either.
pub const HOURS_ANY: u8 = 3;

/// How much each factor weighs in the score; adjustable per search.
#[derive(
    Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema, utoipa::IntoParams,
)]
#[serde(default)]
pub struct Weights {
    /// Occupation proximity along ISCO-08.
    pub occupation: f32,
    /// Coverage of required skills.
    pub required_skills: f32,
    /// Coverage of desired skills.
    pub desired_skills: f32,
    /// Education level met.
    pub education: f32,
    /// Experience met.
    pub experience: f32,
    /// Languages met.
    pub languages: f32,
    /// Distance tier.
    pub distance: f32,
    /// Availability (working time).
    pub availability: f32,
    /// Preferences (contract type, salary).
    pub preferences: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            occupation: 3.0,
            required_skills: 2.0,
            desired_skills: 0.5,
            education: 1.0,
            experience: 1.0,
            languages: 0.5,
            distance: 1.5,
            availability: 0.5,
            preferences: 0.5,
        }
    }
}

impl Weights {
    /// Clamps each weight to `0..=10` (a negative weight would reward a lack).
    pub fn clamped(self) -> Self {
        let c = |w: f32| {
            if w.is_finite() {
                w.clamp(0.0, 10.0)
            } else {
                0.0
            }
        };
        Self {
            occupation: c(self.occupation),
            required_skills: c(self.required_skills),
            desired_skills: c(self.desired_skills),
            education: c(self.education),
            experience: c(self.experience),
            languages: c(self.languages),
            distance: c(self.distance),
            availability: c(self.availability),
            preferences: c(self.preferences),
        }
    }

    fn as_array(&self) -> [f32; FACTORS] {
        [
            self.occupation,
            self.required_skills,
            self.desired_skills,
            self.education,
            self.experience,
            self.languages,
            self.distance,
            self.availability,
            self.preferences,
        ]
    }
}

/// Number of factors.
pub const FACTORS: usize = 9;

/// Factor names as the API reports them, in [`Factors::values`] order.
pub const FACTOR_NAMES: [&str; FACTORS] = [
    "occupation",
    "required_skills",
    "desired_skills",
    "education",
    "experience",
    "languages",
    "distance",
    "availability",
    "preferences",
];

/// Every factor of one pair, each in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Factors {
    /// Values in [`FACTOR_NAMES`] order.
    pub values: [f32; FACTORS],
    /// Which factors the vacancy asks for; the others are neutral ("no se pide"): they
    /// neither add nor take away, so a person without languages does not "meet" a
    /// language requirement that does not exist.
    pub asked: [bool; FACTORS],
}

impl Factors {
    /// The weighted mean over the factors asked for, scaled to 0–100.
    pub fn score(&self, w: &Weights) -> f32 {
        let weights = w.as_array();
        let total: f32 = weights
            .iter()
            .zip(self.asked)
            .filter(|(_, a)| *a)
            .map(|(w, _)| w)
            .sum();
        if total <= 0.0 {
            return 0.0;
        }
        let sum: f32 = self
            .values
            .iter()
            .zip(weights)
            .zip(self.asked)
            .filter(|(_, a)| *a)
            .map(|((v, w), _)| v * w)
            .sum();
        100.0 * sum / total
    }
}

impl Requirements {
    /// Which factors this vacancy asks for, in [`FACTOR_NAMES`] order.
    pub fn asked(&self) -> [bool; FACTORS] {
        [
            self.unit_group > 0,
            !self.required_skills.is_empty() || self.licence.is_some(),
            !self.desired_skills.is_empty(),
            self.education_min.is_some(),
            self.experience_months.is_some_and(|m| m > 0),
            !self.languages.is_empty(),
            self.department.is_some(),
            self.hours != HOURS_UNKNOWN,
            self.contract.is_some() || self.salary_max.is_some(),
        ]
    }
}

/// Occupation proximity: same unit group 1, same minor group 0.6, same sub-major group
/// 0.3, same major group 0.1, else 0 (the best over the candidate's occupations).
pub fn occupation_proximity(wanted: u32, have: &[u32]) -> f32 {
    have.iter()
        .map(|&g| {
            if g == wanted {
                1.0
            } else if g / 10 == wanted / 10 {
                0.6
            } else if g / 100 == wanted / 100 {
                0.3
            } else if g / 1000 == wanted / 1000 {
                0.1
            } else {
                0.0
            }
        })
        .fold(0.0, f32::max)
}

/// What a skill the person only declared counts for, against 1 for a certified one:
/// a certificate is evidence, a declaration is a claim.
pub const DECLARED_SKILL: f32 = 0.8;

fn coverage(wanted: &[u64], c: &Candidate) -> f32 {
    if wanted.is_empty() {
        return 1.0;
    }
    let met: f32 = wanted
        .iter()
        .map(|s| {
            if c.certified.contains(s) {
                1.0
            } else if c.skills.contains(s) {
                DECLARED_SKILL
            } else {
                0.0
            }
        })
        .sum();
    met / wanted.len() as f32
}

/// The wanted skills the candidate holds certified.
pub fn certified_met(r: &Requirements, c: &Candidate) -> Vec<u64> {
    r.required_skills
        .iter()
        .chain(&r.desired_skills)
        .filter(|s| c.certified.contains(s))
        .copied()
        .collect()
}

fn months_in(c: &Candidate, unit_group: u32) -> u32 {
    c.experience
        .iter()
        .filter(|(g, _)| *g == unit_group)
        .map(|(_, m)| *m)
        .sum()
}

fn language_met(c: &Candidate, (lang, level): (u8, u8)) -> bool {
    c.languages.iter().any(|&(l, v)| l == lang && v >= level)
}

/// Does the candidate pass the vacancy's own hard filters (mandatory licence and
/// education)? Scope, "actively looking" and "not placed" are filtered before.
pub fn passes(r: &Requirements, c: &Candidate) -> bool {
    let licence_ok = !r.licence_mandatory || r.licence.is_none_or(|bit| c.licences & bit != 0);
    let education_ok = !r.education_mandatory
        || r.education_min
            .is_none_or(|min| c.education.is_some_and(|e| e >= min));
    licence_ok && education_ok
}

fn education_factor(r: &Requirements, c: &Candidate) -> f32 {
    match (r.education_min, c.education) {
        (None, _) => 1.0,
        (Some(min), Some(e)) if e >= min => 1.0,
        (Some(min), Some(e)) if e + 1 == min => 0.5,
        _ => 0.0,
    }
}

fn distance_factor(r: &Requirements, c: &Candidate) -> f32 {
    match (r.department, c.department) {
        (Some(a), Some(b)) if a == b => 1.0,
        (Some(a), Some(b)) if a / 1000 == b / 1000 => 0.5,
        (None, _) | (_, None) => 0.25,
        _ => 0.0,
    }
}

fn availability_factor(r: &Requirements, c: &Candidate) -> f32 {
    match (r.hours, c.hours) {
        (HOURS_UNKNOWN, _) | (_, HOURS_ANY) => 1.0,
        (_, HOURS_UNKNOWN) => 0.5,
        (want, have) if want == have => 1.0,
        _ => 0.0,
    }
}

fn preferences_factor(r: &Requirements, c: &Candidate) -> f32 {
    let contract = match r.contract {
        None => 1.0,
        Some(_) if c.contracts == 0 => 1.0,
        Some(bit) if c.contracts & bit != 0 => 1.0,
        Some(_) => 0.0,
    };
    let salary = match (r.salary_max, c.salary_expectation) {
        (Some(max), Some(want)) if want > max => 0.0,
        _ => 1.0,
    };
    (contract + salary) / 2.0
}

/// A missing licence that is not mandatory counts as a missing required skill.
fn licence_factor(r: &Requirements, c: &Candidate) -> f32 {
    match r.licence {
        Some(bit) if c.licences & bit == 0 => 0.0,
        _ => 1.0,
    }
}

/// Every factor of a vacancy–candidate pair.
pub fn factors(r: &Requirements, c: &Candidate) -> Factors {
    let experience = match r.experience_months {
        None | Some(0) => 1.0,
        Some(need) => (months_in(c, r.unit_group) as f32 / need as f32).min(1.0),
    };
    let languages = if r.languages.is_empty() {
        1.0
    } else {
        let met = r.languages.iter().filter(|l| language_met(c, **l)).count();
        met as f32 / r.languages.len() as f32
    };
    Factors {
        values: [
            occupation_proximity(r.unit_group, &c.unit_groups),
            coverage(&r.required_skills, c) * licence_factor(r, c),
            coverage(&r.desired_skills, c),
            education_factor(r, c),
            experience,
            languages,
            distance_factor(r, c),
            availability_factor(r, c),
            preferences_factor(r, c),
        ],
        asked: r.asked(),
    }
}

/// The best score the candidate could reach knowing only their occupations and
/// single-valued fields (skills, experience and languages taken as fully met). Never
/// below the real score, so a search can skip reading the rest for people whose best
/// cannot beat the last of its top.
pub fn upper_bound(r: &Requirements, c: &Candidate, w: &Weights) -> f32 {
    Factors {
        values: [
            occupation_proximity(r.unit_group, &c.unit_groups),
            licence_factor(r, c),
            1.0,
            education_factor(r, c),
            1.0,
            1.0,
            distance_factor(r, c),
            availability_factor(r, c),
            preferences_factor(r, c),
        ],
        asked: r.asked(),
    }
    .score(w)
}

/// A requirement the candidate lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Gap {
    /// A required skill (its id key).
    RequiredSkill {
        /// 64-bit key of the skill id.
        skill: u64,
    },
    /// A desired skill.
    DesiredSkill {
        /// 64-bit key of the skill id.
        skill: u64,
    },
    /// The education level is below the minimum.
    Education {
        /// Minimum ISCED level.
        required: u8,
        /// The candidate's level, when known.
        has: Option<u8>,
    },
    /// Fewer months of experience in the occupation than asked.
    Experience {
        /// Months asked.
        required: u32,
        /// Months the candidate has.
        has: u32,
    },
    /// The driving licence.
    Licence {
        /// Bit of the class.
        class: u16,
    },
    /// A language at the level asked.
    Language {
        /// Language index.
        language: u8,
        /// Level index.
        level: u8,
    },
}

/// What the candidate lacks of the vacancy's requirements.
pub fn gaps(r: &Requirements, c: &Candidate) -> Vec<Gap> {
    let mut out = Vec::new();
    for s in &r.required_skills {
        if !c.skills.contains(s) {
            out.push(Gap::RequiredSkill { skill: *s });
        }
    }
    for s in &r.desired_skills {
        if !c.skills.contains(s) {
            out.push(Gap::DesiredSkill { skill: *s });
        }
    }
    if let Some(min) = r.education_min
        && c.education.is_none_or(|e| e < min)
    {
        out.push(Gap::Education {
            required: min,
            has: c.education,
        });
    }
    if let Some(need) = r.experience_months.filter(|m| *m > 0) {
        let has = months_in(c, r.unit_group);
        if has < need {
            out.push(Gap::Experience {
                required: need,
                has,
            });
        }
    }
    if let Some(bit) = r.licence
        && c.licences & bit == 0
    {
        out.push(Gap::Licence { class: bit });
    }
    for l in &r.languages {
        if !language_met(c, *l) {
            out.push(Gap::Language {
                language: l.0,
                level: l.1,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vacancy() -> Requirements {
        Requirements {
            unit_group: 9321,
            required_skills: vec![1, 2],
            desired_skills: vec![3],
            education_min: Some(2),
            experience_months: Some(12),
            department: Some(90084),
            hours: HOURS_FULL,
            ..Default::default()
        }
    }

    #[test]
    fn factors_the_vacancy_does_not_ask_for_are_neutral() {
        // A receptionist vacancy asking for nothing but the occupation and the place.
        let r = Requirements {
            unit_group: 4226,
            department: Some(90084),
            ..Default::default()
        };
        let nothing = Candidate {
            unit_groups: vec![4226],
            department: Some(90084),
            ..Default::default()
        };
        let f = factors(&r, &nothing);
        assert_eq!(
            f.asked,
            [true, false, false, false, false, false, true, false, false]
        );
        assert_eq!(f.score(&Weights::default()), 100.0);
        // Asking for English makes the person without it lose points, and say why.
        let bilingual = Requirements {
            languages: vec![(1, 3)],
            ..r.clone()
        };
        let f = factors(&bilingual, &nothing);
        assert!(f.asked[5] && f.values[5] == 0.0);
        assert!(f.score(&Weights::default()) < 100.0);
        assert_eq!(gaps(&bilingual, &nothing).len(), 1);
    }

    #[test]
    fn occupation_proximity_follows_the_isco_hierarchy() {
        assert_eq!(occupation_proximity(9321, &[9321]), 1.0);
        assert_eq!(occupation_proximity(9321, &[9329]), 0.6);
        assert_eq!(occupation_proximity(9321, &[9312]), 0.3);
        assert_eq!(occupation_proximity(9321, &[9112]), 0.1);
        assert_eq!(occupation_proximity(9321, &[7112]), 0.0);
        assert_eq!(
            occupation_proximity(9321, &[7112, 9329]),
            0.6,
            "the best counts"
        );
        assert_eq!(occupation_proximity(9321, &[]), 0.0);
    }

    #[test]
    fn a_perfect_candidate_scores_100_and_has_no_gaps() {
        let c = Candidate {
            unit_groups: vec![9321],
            experience: vec![(9321, 8), (9321, 6)],
            skills: vec![1, 2, 3],
            certified: vec![1, 2, 3],
            education: Some(3),
            department: Some(90084),
            hours: HOURS_ANY,
            ..Default::default()
        };
        let f = factors(&vacancy(), &c);
        assert_eq!(f.values, [1.0; FACTORS]);
        assert!((f.score(&Weights::default()) - 100.0).abs() < 1e-4);
        assert!(gaps(&vacancy(), &c).is_empty());
        // The same skills only declared count 0.8 each: no gap, a lower score.
        let declared = Candidate {
            certified: Vec::new(),
            ..c
        };
        let f = factors(&vacancy(), &declared);
        assert_eq!(f.values[1], DECLARED_SKILL);
        assert_eq!(f.values[2], DECLARED_SKILL);
        assert!(f.score(&Weights::default()) < 100.0);
        assert!(gaps(&vacancy(), &declared).is_empty());
        assert_eq!(certified_met(&vacancy(), &declared), Vec::<u64>::new());
    }

    #[test]
    fn each_shortfall_lowers_its_factor_and_shows_as_a_gap() {
        let c = Candidate {
            unit_groups: vec![9329],
            experience: vec![(9321, 3)],
            skills: vec![1],
            education: Some(1),
            department: Some(90119),
            hours: HOURS_PART,
            ..Default::default()
        };
        let f = factors(&vacancy(), &c);
        let by_name: std::collections::HashMap<_, _> =
            FACTOR_NAMES.iter().copied().zip(f.values).collect();
        assert_eq!(by_name["occupation"], 0.6);
        assert_eq!(
            by_name["required_skills"], 0.4,
            "one of two, declared (0.8)"
        );
        assert_eq!(by_name["desired_skills"], 0.0);
        assert_eq!(by_name["education"], 0.5, "one level below");
        assert_eq!(by_name["experience"], 0.25);
        assert_eq!(by_name["distance"], 0.5, "same province");
        assert_eq!(by_name["availability"], 0.0);
        assert_eq!(
            gaps(&vacancy(), &c),
            [
                Gap::RequiredSkill { skill: 2 },
                Gap::DesiredSkill { skill: 3 },
                Gap::Education {
                    required: 2,
                    has: Some(1)
                },
                Gap::Experience {
                    required: 12,
                    has: 3
                },
            ]
        );
        let w = Weights::default();
        assert!(f.score(&w) < 100.0);
        // Weights move the score: ignoring everything but the occupation gives 60.
        let only_occupation = Weights {
            occupation: 1.0,
            required_skills: 0.0,
            desired_skills: 0.0,
            education: 0.0,
            experience: 0.0,
            languages: 0.0,
            distance: 0.0,
            availability: 0.0,
            preferences: 0.0,
        };
        assert!((f.score(&only_occupation) - 60.0).abs() < 1e-4);
    }

    #[test]
    fn mandatory_requirements_filter_and_optional_ones_only_score() {
        let mut r = vacancy();
        r.licence = Some(1 << 1);
        let without = Candidate::default();
        assert!(passes(&r, &without), "an optional licence does not filter");
        assert_eq!(factors(&r, &without).values[1], 0.0);
        r.licence_mandatory = true;
        assert!(!passes(&r, &without));
        let with = Candidate {
            licences: 1 << 1,
            education: Some(2),
            ..Default::default()
        };
        assert!(passes(&r, &with));
        r.education_mandatory = true;
        r.education_min = Some(3);
        assert!(!passes(&r, &with));
    }

    #[test]
    fn preferences_and_languages() {
        let r = Requirements {
            contract: Some(1 << 2),
            salary_max: Some(900_000),
            languages: vec![(1, 2)],
            ..Default::default()
        };
        let c = Candidate {
            contracts: 1 << 0,
            salary_expectation: Some(1_000_000),
            languages: vec![(1, 3)],
            ..Default::default()
        };
        let f = factors(&r, &c);
        assert_eq!(f.values[8], 0.0, "neither contract nor salary fit");
        assert_eq!(f.values[5], 1.0, "a higher level meets a lower requirement");
        let open = Candidate::default();
        assert_eq!(
            factors(&r, &open).values[8],
            1.0,
            "no stated preferences fit anything"
        );
        assert_eq!(factors(&r, &open).values[5], 0.0);
    }

    mod bound {
        use super::super::*;
        use proptest::prelude::*;

        fn candidate() -> impl Strategy<Value = Candidate> {
            (
                proptest::collection::vec(9311u32..9335, 0..3),
                proptest::collection::vec((9311u32..9335, 0u32..60), 0..3),
                proptest::collection::vec(0u64..6, 0..4),
                proptest::option::of(0u8..8),
                0u16..4,
                proptest::collection::vec((0u8..3, 0u8..6), 0..2),
                proptest::option::of(prop_oneof![Just(90084u32), Just(90119), Just(6007)]),
                0u8..4,
                0u8..8,
                proptest::option::of(500_000i64..1_500_000),
            )
                .prop_map(|(g, x, s, e, l, lang, d, h, ct, sal)| Candidate {
                    unit_groups: g,
                    experience: x,
                    skills: s,
                    education: e,
                    licences: l,
                    languages: lang,
                    department: d,
                    hours: h,
                    contracts: ct,
                    salary_expectation: sal,
                    ..Candidate::default()
                })
        }

        proptest! {
            #[test]
            fn the_upper_bound_is_never_below_the_score(
                c in candidate(),
                w in (0f32..10.0, 0f32..10.0, 0f32..10.0, 0f32..10.0, 0f32..10.0),
                licence in proptest::option::of(prop_oneof![Just(1u16), Just(2)]),
                contract in proptest::option::of(prop_oneof![Just(1u8), Just(4)]),
            ) {
                let r = Requirements {
                    licence,
                    contract,
                    languages: vec![(1, 3)],
                    salary_max: Some(900_000),
                    ..super::vacancy()
                };
                let w = Weights {
                    occupation: w.0,
                    required_skills: w.1,
                    education: w.2,
                    distance: w.3,
                    languages: w.4,
                    ..Weights::default()
                };
                let score = factors(&r, &c).score(&w);
                prop_assert!(upper_bound(&r, &c, &w) >= score);
                // With skills, experience and languages fully met the bound is the score:
                // it only assumes the best of what it does not read.
                let met = Candidate {
                    unit_groups: vec![r.unit_group],
                    experience: vec![(r.unit_group, 12)],
                    skills: vec![1, 2, 3],
                    certified: vec![1, 2, 3],
                    languages: vec![(1, 3)],
                    ..c
                };
                prop_assert_eq!(upper_bound(&r, &met, &w), factors(&r, &met).score(&w));
            }
        }
    }
}
