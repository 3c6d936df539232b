//! A candidate and a vacancy as matching sees them, built from stored rows. The index
//! builds candidates with the same function, so a search and an explanation agree.

use chrono::{Datelike, NaiveDate};

use super::codes;
use super::score::{Candidate, Requirements};
use crate::seekers::Summary;
use crate::vacancies::entity::{vacancy, vacancy_requirement};

pub use sipe_persons::profile::{ITEM_PARTS_KINDS as ITEM_KINDS, ItemParts};

fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    if to <= from {
        return 0;
    }
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    months.max(0) as u32
}

/// The candidate of a person: their education, department and working time, profile
/// items and job search, as of `today` (open jobs count until today; expired licences
/// do not count).
pub fn candidate(
    education: Option<&str>,
    department: Option<&str>,
    hours: Option<&str>,
    items: &[ItemParts],
    seeker: &Summary,
    today: NaiveDate,
) -> Candidate {
    let mut c = Candidate {
        education: codes::education(education),
        department: department.and_then(codes::department),
        hours: codes::hours(hours),
        contracts: seeker
            .preferred_contracts
            .iter()
            .filter_map(|k| codes::contract_bit(k))
            .fold(0, |a, b| a | b),
        salary_expectation: seeker.salary_expectation,
        ..Default::default()
    };
    for item in items {
        match item.kind.as_str() {
            "work" | "desired" => {
                let Some(group) = codes::unit_group(&item.code) else {
                    continue;
                };
                if !c.unit_groups.contains(&group) {
                    c.unit_groups.push(group);
                }
                if item.kind == "work"
                    && let Some(from) = item.from_date
                {
                    let months = months_between(from, item.to_date.unwrap_or(today));
                    match c.experience.iter_mut().find(|(g, _)| *g == group) {
                        Some((_, m)) => *m += months,
                        None => c.experience.push((group, months)),
                    }
                }
            }
            "skill" => {
                let key = codes::skill(&item.code);
                if !c.skills.contains(&key) {
                    c.skills.push(key);
                }
                if item.evidence.is_some() && !c.certified.contains(&key) {
                    c.certified.push(key);
                }
            }
            "language" => {
                if let Some(pair) = item
                    .level
                    .as_deref()
                    .and_then(|level| codes::language(&item.code, level))
                {
                    c.languages.push(pair);
                }
            }
            "licence" => {
                if item.to_date.is_none_or(|expiry| expiry >= today)
                    && let Some(bit) = codes::licence_bit(&item.code)
                {
                    c.licences |= bit;
                }
            }
            _ => {}
        }
    }
    c.unit_groups.sort_unstable();
    c.experience.sort_unstable();
    c.skills.sort_unstable();
    c.certified.sort_unstable();
    c.languages.sort_unstable();
    c
}

/// Sets what breaks ties between equal scores: the day of the last change to the
/// person's record, and since when they look for work (unemployed since, or else the
/// start of their stated job search).
pub fn tie_break_facts(
    c: &mut Candidate,
    updated_at: chrono::DateTime<chrono::Utc>,
    employment_status: Option<&str>,
    unemployed_since: Option<NaiveDate>,
    looking_since: Option<NaiveDate>,
) {
    let day = |d: NaiveDate| u32::try_from(d.num_days_from_ce()).unwrap_or_default();
    c.last_contact_day = day(updated_at.date_naive());
    c.unemployed_since_day = match (employment_status, unemployed_since) {
        (Some("unemployed"), Some(since)) => day(since),
        _ => looking_since.map(day).unwrap_or(0),
    };
}

/// The requirements of a vacancy.
pub fn requirements(v: &vacancy::Model, reqs: &[vacancy_requirement::Model]) -> Requirements {
    let skills = |required: bool| {
        reqs.iter()
            .filter(|r| r.kind == "skill" && r.required == required)
            .map(|r| codes::skill(&r.code))
            .collect()
    };
    Requirements {
        unit_group: codes::unit_group(&v.occupation_code).unwrap_or_default(),
        required_skills: skills(true),
        desired_skills: skills(false),
        education_min: codes::education(v.education_min.as_deref()),
        education_mandatory: v.education_mandatory,
        experience_months: v.experience_months.and_then(|m| u32::try_from(m).ok()),
        licence: v.licence_class.as_deref().and_then(codes::licence_bit),
        licence_mandatory: v.licence_mandatory,
        languages: reqs
            .iter()
            .filter(|r| r.kind == "language")
            .filter_map(|r| codes::language(&r.code, r.level.as_deref().unwrap_or_default()))
            .collect(),
        department: v.territory_code.as_deref().and_then(codes::department),
        hours: codes::hours(v.hours.as_deref()),
        contract: v.contract_type.as_deref().and_then(codes::contract_bit),
        salary_max: v.salary_max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: &str, code: &str) -> ItemParts {
        ItemParts {
            person_id: sipe_platform::ids::PersonId(uuid::Uuid::nil()),
            kind: kind.into(),
            code: code.into(),
            level: None,
            from_date: None,
            to_date: None,
            evidence: None,
        }
    }

    #[test]
    fn a_profile_becomes_a_candidate() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-11-22");
        let items = vec![
            ItemParts {
                from_date: Some(d("2024-01-10")),
                to_date: Some(d("2025-01-10")),
                ..item("work", "9321.2")
            },
            ItemParts {
                from_date: Some(d("2026-05-01")),
                ..item("work", "9321.1")
            },
            item("desired", "7112.1"),
            ItemParts {
                level: Some("B1".into()),
                ..item("language", "en")
            },
            ItemParts {
                to_date: Some(d("2026-01-01")),
                ..item("licence", "C")
            },
            item("licence", "B1"),
            item("skill", "01a20559-667f-7394-9048-0c99ed19620b"),
        ];
        let seeker = Summary {
            preferred_contracts: vec!["permanent".into()],
            ..Default::default()
        };
        let c = candidate(
            Some("3"),
            Some("AR-90084"),
            Some("any"),
            &items,
            &seeker,
            today,
        );
        assert_eq!(c.unit_groups, [7112, 9321]);
        assert_eq!(
            c.experience,
            [(9321, 12 + 6)],
            "open jobs count until today"
        );
        assert_eq!(
            c.licences,
            codes::licence_bit("B1").unwrap(),
            "expired C left out"
        );
        assert_eq!(c.languages, [codes::language("en", "B1").unwrap()]);
        assert_eq!(c.education, Some(3));
        assert_eq!(c.department, Some(90084));
        assert_eq!(c.contracts, codes::contract_bit("permanent").unwrap());
        assert_eq!(c.skills.len(), 1);
    }
}
