//! Vacancy input as forms and the API give it, and its validation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use sipe_persons::input::EDUCATION_LEVELS;
use sipe_persons::profile::{LANGUAGE_LEVELS, LANGUAGES, LICENCE_CLASSES};
use sipe_platform::taxonomy::Catalog;
use sipe_platform::validation::{self, FieldErrors};

/// Contract types a vacancy offers (and a person may prefer).
pub const CONTRACT_TYPES: [&str; 6] = [
    "permanent",
    "fixed_term",
    "seasonal",
    "internship",
    "freelance",
    "other",
];

/// Working time of a vacancy.
pub const VACANCY_HOURS: [&str; 2] = ["full_time", "part_time"];

/// Most skills a vacancy lists (required plus desired).
pub const MAX_SKILLS: usize = 12;

/// A language a vacancy asks for, with the lowest acceptable level.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct LanguageRequirement {
    /// ISO 639-1 code (`en`).
    pub code: String,
    /// CEFR level (`B1`) or `native`.
    pub level: String,
}

/// A vacancy as entered. Booleans arrive from forms as `"true"`/absent and from the API
/// as JSON booleans.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct VacancyInput {
    /// The employer offering it.
    pub employer_id: Option<Uuid>,
    /// Title as the employer words it.
    pub title: String,
    /// Occupation: a code (`7112.1`), `label (code)` or words of the taxonomy.
    pub occupation: String,
    /// Number of positions (default 1).
    #[serde(default)]
    pub positions: Option<i32>,
    /// Tasks.
    #[serde(default)]
    pub tasks: String,
    /// Required skills (labels or skill ids).
    #[serde(default)]
    pub required_skills: Vec<String>,
    /// Desired skills (labels or skill ids).
    #[serde(default)]
    pub desired_skills: Vec<String>,
    /// Minimum education level (ISCED 2011, `0`–`8`).
    #[serde(default)]
    pub education_min: String,
    /// Is the education level a hard requirement?
    #[serde(default)]
    pub education_mandatory: bool,
    /// Months of experience in the occupation.
    #[serde(default)]
    pub experience_months: Option<i32>,
    /// Languages.
    #[serde(default)]
    pub languages: Vec<LanguageRequirement>,
    /// Driving licence class.
    #[serde(default)]
    pub licence_class: String,
    /// Is the licence a hard requirement?
    #[serde(default)]
    pub licence_mandatory: bool,
    /// Department of the workplace (default: the employer's).
    #[serde(default)]
    pub territory_code: String,
    /// Address of the workplace (default: the employer's).
    #[serde(default)]
    pub address: String,
    /// Schedule as words (`lunes a viernes de 7 a 15`).
    #[serde(default)]
    pub schedule: String,
    /// `full_time` or `part_time`.
    #[serde(default)]
    pub hours: String,
    /// Hours per week.
    #[serde(default)]
    pub weekly_hours: Option<i32>,
    /// Contract type.
    #[serde(default)]
    pub contract_type: String,
    /// Lowest monthly gross salary offered (ARS).
    #[serde(default)]
    pub salary_min: Option<i64>,
    /// Highest monthly gross salary offered (ARS).
    #[serde(default)]
    pub salary_max: Option<i64>,
    /// Applicable collective agreement (free text for now).
    #[serde(default)]
    pub collective_agreement: String,
    /// Suitable for people with disabilities (accessible workplace and tasks).
    #[serde(default)]
    pub accessible: bool,
    /// First day of publication.
    #[serde(default)]
    pub published_from: String,
    /// Last day of publication.
    #[serde(default)]
    pub published_until: String,
    /// Office that manages it (default: the employer's, when in the caller's capture scope).
    #[serde(default)]
    pub office_code: String,
}

/// A required or desired skill, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkillRequirement {
    /// Skill id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Required (true) or desired (false).
    pub required: bool,
}

/// A validated vacancy; employer, office and territory are still to be checked in the
/// database.
#[derive(Debug, Clone, Serialize)]
pub struct ValidVacancy {
    /// Employer.
    pub employer_id: Uuid,
    /// Title.
    pub title: String,
    /// Occupation code.
    pub occupation_code: String,
    /// Occupation label.
    pub occupation_label: String,
    /// Positions.
    pub positions: i32,
    /// Tasks.
    pub tasks: Option<String>,
    /// Skills.
    pub skills: Vec<SkillRequirement>,
    /// Minimum education.
    pub education_min: Option<String>,
    /// Education mandatory.
    pub education_mandatory: bool,
    /// Experience months.
    pub experience_months: Option<i32>,
    /// Languages.
    pub languages: Vec<LanguageRequirement>,
    /// Licence class.
    pub licence_class: Option<String>,
    /// Licence mandatory.
    pub licence_mandatory: bool,
    /// Department.
    pub territory_code: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Schedule.
    pub schedule: Option<String>,
    /// Hours.
    pub hours: Option<String>,
    /// Weekly hours.
    pub weekly_hours: Option<i32>,
    /// Contract type.
    pub contract_type: Option<String>,
    /// Salary range.
    pub salary_min: Option<i64>,
    /// Salary range.
    pub salary_max: Option<i64>,
    /// Collective agreement.
    pub collective_agreement: Option<String>,
    /// Accessible.
    pub accessible: bool,
    /// Publication.
    pub published_from: Option<NaiveDate>,
    /// Publication.
    pub published_until: Option<NaiveDate>,
    /// Office code.
    pub office_code: Option<String>,
}

fn optional(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

fn choice(e: &mut FieldErrors, field: &'static str, raw: &str, allowed: &[&str]) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if allowed.contains(&raw) {
        Some(raw.to_owned())
    } else {
        e.add(field, "field-choice-invalid");
        None
    }
}

fn in_range<T: PartialOrd + Copy>(
    e: &mut FieldErrors,
    field: &'static str,
    value: Option<T>,
    min: T,
    max: T,
) -> Option<T> {
    match value {
        Some(v) if v < min || v > max => {
            e.add(field, "field-number-invalid");
            None
        }
        other => other,
    }
}

impl VacancyInput {
    /// Validates the input against the active skills and the occupation vocabulary.
    pub fn validate(
        &self,
        skills: &Catalog,
        occupations: &sipe_platform::taxonomy::Occupations,
    ) -> Result<ValidVacancy, FieldErrors> {
        let mut e = FieldErrors::new();
        if self.employer_id.is_none() {
            e.add("employer_id", "field-required");
        }
        let title = validation::text(&mut e, "title", &self.title, true, 160);
        let occupation = match self.occupation.trim() {
            "" => {
                e.add("occupation", "field-required");
                None
            }
            typed => {
                let hit = occupations.resolve(typed, sipe_platform::taxonomy::Gender::Unknown);
                if hit.is_none() {
                    e.add("occupation", "occupation-unknown");
                }
                hit
            }
        };
        let positions = in_range(&mut e, "positions", self.positions, 1, 999).unwrap_or(1);
        let tasks = validation::multiline_text(&mut e, "tasks", &self.tasks, false, 4000);
        let mut resolved: Vec<SkillRequirement> = Vec::new();
        // Each skill is looked up in the vocabulary: bound the lists before doing so.
        let too_many = self.required_skills.len() + self.desired_skills.len() > MAX_SKILLS;
        let lists = if too_many {
            e.add("required_skills", "vacancy-too-many-skills");
            [].as_slice()
        } else {
            &[
                (&self.required_skills, true, "required_skills"),
                (&self.desired_skills, false, "desired_skills"),
            ][..]
        };
        for &(list, required, field) in lists {
            for typed in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                match skills.resolve(typed) {
                    Some(hit) if !resolved.iter().any(|s| s.id == hit.code) => {
                        resolved.push(SkillRequirement {
                            id: hit.code,
                            label: hit.label,
                            required,
                        });
                    }
                    Some(_) => {}
                    None => e.add(field, "skill-unknown"),
                }
            }
        }
        let education_min = choice(
            &mut e,
            "education_min",
            &self.education_min,
            &EDUCATION_LEVELS,
        );
        let experience_months =
            in_range(&mut e, "experience_months", self.experience_months, 0, 600);
        let mut languages: Vec<LanguageRequirement> = Vec::new();
        if self.languages.len() > LANGUAGES.len() {
            e.add("languages", "field-choice-invalid");
        }
        for l in self.languages.iter().take(LANGUAGES.len()) {
            let code = l.code.trim();
            if code.is_empty() {
                continue;
            }
            let level = l.level.trim();
            if !LANGUAGES.contains(&code) || !LANGUAGE_LEVELS.contains(&level) {
                e.add("languages", "field-choice-invalid");
            } else if !languages.iter().any(|x| x.code == code) {
                languages.push(LanguageRequirement {
                    code: code.to_owned(),
                    level: level.to_owned(),
                });
            }
        }
        let licence_class = choice(
            &mut e,
            "licence_class",
            &self.licence_class,
            &LICENCE_CLASSES,
        );
        if self.licence_mandatory && licence_class.is_none() {
            e.add("licence_class", "vacancy-mandatory-needs-value");
        }
        if self.education_mandatory && education_min.is_none() {
            e.add("education_min", "vacancy-mandatory-needs-value");
        }
        let address = validation::text(&mut e, "address", &self.address, false, 200);
        let schedule = validation::text(&mut e, "schedule", &self.schedule, false, 200);
        let hours = choice(&mut e, "hours", &self.hours, &VACANCY_HOURS);
        let weekly_hours = in_range(&mut e, "weekly_hours", self.weekly_hours, 1, 60);
        let contract_type = choice(
            &mut e,
            "contract_type",
            &self.contract_type,
            &CONTRACT_TYPES,
        );
        let salary_min = in_range(&mut e, "salary_min", self.salary_min, 0, 1_000_000_000);
        let salary_max = in_range(&mut e, "salary_max", self.salary_max, 0, 1_000_000_000);
        if let (Some(lo), Some(hi)) = (salary_min, salary_max)
            && hi < lo
        {
            e.add("salary_max", "vacancy-salary-range");
        }
        let collective_agreement = validation::text(
            &mut e,
            "collective_agreement",
            &self.collective_agreement,
            false,
            200,
        );
        let published_from =
            validation::date(&mut e, "published_from", &self.published_from, false);
        let published_until =
            validation::date(&mut e, "published_until", &self.published_until, false);
        if let (Some(from), Some(until)) = (published_from, published_until)
            && until < from
        {
            e.add("published_until", "field-date-before-start");
        }
        e.into_result()?;
        let occupation = occupation.ok_or_else(FieldErrors::new)?;
        Ok(ValidVacancy {
            employer_id: self.employer_id.ok_or_else(FieldErrors::new)?,
            title,
            occupation_code: occupation.code,
            occupation_label: occupation.label,
            positions,
            tasks: optional(tasks),
            skills: resolved,
            education_min,
            education_mandatory: self.education_mandatory,
            experience_months,
            languages,
            licence_class,
            licence_mandatory: self.licence_mandatory,
            territory_code: optional(self.territory_code.trim().to_owned()),
            address: optional(address),
            schedule: optional(schedule),
            hours,
            weekly_hours,
            contract_type,
            salary_min,
            salary_max,
            collective_agreement: optional(collective_agreement),
            accessible: self.accessible,
            published_from,
            published_until,
            office_code: optional(self.office_code.trim().to_uppercase()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skills() -> Catalog {
        Catalog::new([
            ("s1".to_owned(), "Manejo de autoelevador".to_owned(), vec![]),
            ("s2".to_owned(), "Atención al cliente".to_owned(), vec![]),
        ])
    }

    fn input() -> VacancyInput {
        VacancyInput {
            employer_id: Some(Uuid::nil()),
            title: "Operario de empaque".into(),
            occupation: "9321.2".into(),
            required_skills: vec!["autoelevador".into(), String::new()],
            desired_skills: vec!["Atención al cliente".into(), "s1".into()],
            education_min: "2".into(),
            languages: vec![LanguageRequirement {
                code: "en".into(),
                level: "A2".into(),
            }],
            salary_min: Some(800_000),
            salary_max: Some(950_000),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_vacancy_resolves_its_occupation_and_skills() {
        let v = input()
            .validate(
                &skills(),
                &sipe_platform::taxonomy::Occupations::new(Vec::new()),
            )
            .expect("valid");
        assert_eq!(
            sipe_platform::taxonomy::unit_group(&v.occupation_code),
            "9321"
        );
        assert_eq!(v.positions, 1);
        assert_eq!(
            v.skills,
            [
                SkillRequirement {
                    id: "s1".into(),
                    label: "Manejo de autoelevador".into(),
                    required: true
                },
                SkillRequirement {
                    id: "s2".into(),
                    label: "Atención al cliente".into(),
                    required: false
                },
            ],
            "a skill listed twice stays required"
        );
        assert_eq!(v.languages.len(), 1);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = VacancyInput {
            employer_id: None,
            title: String::new(),
            occupation: "zzzz qqqq".into(),
            positions: Some(0),
            required_skills: vec!["telepatía avanzada".into()],
            licence_mandatory: true,
            contract_type: "slavery".into(),
            salary_min: Some(10),
            salary_max: Some(5),
            published_from: "2026-05-01".into(),
            published_until: "2026-04-01".into(),
            ..Default::default()
        };
        let errors = bad
            .validate(
                &skills(),
                &sipe_platform::taxonomy::Occupations::new(Vec::new()),
            )
            .expect_err("invalid");
        let fields: Vec<_> = errors.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "employer_id",
                "title",
                "occupation",
                "positions",
                "required_skills",
                "licence_class",
                "contract_type",
                "salary_max",
                "published_until",
            ]
        );
    }
}
