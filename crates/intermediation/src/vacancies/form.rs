//! The vacancy form as the browser sends it (every field text, lists repeated), turned
//! into the API's `VacancyInput`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::{vacancy, vacancy_requirement};
use super::input::{LanguageRequirement, VacancyInput};
use sipe_platform::validation::{FieldErrors, whole_number};

/// Fields of `/vacancies/new` and `/vacancies/{id}/edit`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct VacancyForm {
    /// As typed; see [`VacancyInput::employer_id`].
    #[serde(default)]
    pub employer_id: String,
    /// As typed; see [`VacancyInput::title`].
    #[serde(default)]
    pub title: String,
    /// As typed; see [`VacancyInput::occupation`].
    #[serde(default)]
    pub occupation: String,
    /// As typed; see [`VacancyInput::positions`].
    #[serde(default)]
    pub positions: String,
    /// As typed; see [`VacancyInput::tasks`].
    #[serde(default)]
    pub tasks: String,
    /// As typed; see [`VacancyInput::required_skills`].
    #[serde(default)]
    pub required_skills: Vec<String>,
    /// As typed; see [`VacancyInput::desired_skills`].
    #[serde(default)]
    pub desired_skills: Vec<String>,
    /// As typed; see [`VacancyInput::education_min`].
    #[serde(default)]
    pub education_min: String,
    /// As typed; see [`VacancyInput::education_mandatory`].
    #[serde(default)]
    pub education_mandatory: Option<String>,
    /// As typed; see [`VacancyInput::experience_months`].
    #[serde(default)]
    pub experience_months: String,
    /// As typed: one entry per language slot.
    #[serde(default)]
    pub language: Vec<String>,
    /// As typed: one entry per language slot.
    #[serde(default)]
    pub language_level: Vec<String>,
    /// As typed; see [`VacancyInput::licence_class`].
    #[serde(default)]
    pub licence_class: String,
    /// As typed; see [`VacancyInput::licence_mandatory`].
    #[serde(default)]
    pub licence_mandatory: Option<String>,
    /// As typed; see [`VacancyInput::territory_code`].
    #[serde(default)]
    pub territory_code: String,
    /// As typed; see [`VacancyInput::address`].
    #[serde(default)]
    pub address: String,
    /// As typed; see [`VacancyInput::schedule`].
    #[serde(default)]
    pub schedule: String,
    /// As typed; see [`VacancyInput::hours`].
    #[serde(default)]
    pub hours: String,
    /// As typed; see [`VacancyInput::weekly_hours`].
    #[serde(default)]
    pub weekly_hours: String,
    /// As typed; see [`VacancyInput::contract_type`].
    #[serde(default)]
    pub contract_type: String,
    /// As typed; see [`VacancyInput::salary_min`].
    #[serde(default)]
    pub salary_min: String,
    /// As typed; see [`VacancyInput::salary_max`].
    #[serde(default)]
    pub salary_max: String,
    /// As typed; see [`VacancyInput::collective_agreement`].
    #[serde(default)]
    pub collective_agreement: String,
    /// As typed; see [`VacancyInput::accessible`].
    #[serde(default)]
    pub accessible: Option<String>,
    /// As typed; see [`VacancyInput::published_from`].
    #[serde(default)]
    pub published_from: String,
    /// As typed; see [`VacancyInput::published_until`].
    #[serde(default)]
    pub published_until: String,
    /// As typed; see [`VacancyInput::office_code`].
    #[serde(default)]
    pub office_code: String,
}

impl VacancyForm {
    /// The input, or the fields that are not numbers where numbers go.
    pub fn to_input(&self) -> Result<VacancyInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let input = VacancyInput {
            employer_id: self.employer_id.trim().parse().ok(),
            title: self.title.clone(),
            occupation: self.occupation.clone(),
            positions: whole_number(&mut e, "positions", &self.positions, i32::MAX),
            tasks: self.tasks.clone(),
            required_skills: self.required_skills.clone(),
            desired_skills: self.desired_skills.clone(),
            education_min: self.education_min.clone(),
            education_mandatory: self.education_mandatory.is_some(),
            experience_months: whole_number(
                &mut e,
                "experience_months",
                &self.experience_months,
                i32::MAX,
            ),
            languages: self
                .language
                .iter()
                .zip(
                    self.language_level
                        .iter()
                        .chain(std::iter::repeat(&String::new())),
                )
                .map(|(code, level)| LanguageRequirement {
                    code: code.clone(),
                    level: level.clone(),
                })
                .collect(),
            licence_class: self.licence_class.clone(),
            licence_mandatory: self.licence_mandatory.is_some(),
            territory_code: self.territory_code.clone(),
            address: self.address.clone(),
            schedule: self.schedule.clone(),
            hours: self.hours.clone(),
            weekly_hours: whole_number(&mut e, "weekly_hours", &self.weekly_hours, i32::MAX),
            contract_type: self.contract_type.clone(),
            salary_min: whole_number(&mut e, "salary_min", &self.salary_min, i64::MAX),
            salary_max: whole_number(&mut e, "salary_max", &self.salary_max, i64::MAX),
            collective_agreement: self.collective_agreement.clone(),
            accessible: self.accessible.is_some(),
            published_from: self.published_from.clone(),
            published_until: self.published_until.clone(),
            office_code: self.office_code.clone(),
        };
        e.into_result().map(|()| input)
    }

    /// The form of a stored vacancy.
    pub fn of(
        v: &vacancy::Model,
        office_code: String,
        reqs: &[vacancy_requirement::Model],
    ) -> Self {
        let skills = |required: bool| {
            reqs.iter()
                .filter(|r| r.kind == "skill" && r.required == required)
                // Skills are named by label (unique); their ids are not for people.
                .map(|r| r.label.clone())
                .collect()
        };
        let languages: Vec<&vacancy_requirement::Model> =
            reqs.iter().filter(|r| r.kind == "language").collect();
        let text = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        Self {
            employer_id: v.employer_id.to_string(),
            title: v.title.clone(),
            occupation: format!("{} ({})", v.occupation_label, v.occupation_code),
            positions: v.positions.to_string(),
            tasks: v.tasks.clone().unwrap_or_default(),
            required_skills: skills(true),
            desired_skills: skills(false),
            education_min: v.education_min.clone().unwrap_or_default(),
            education_mandatory: v.education_mandatory.then(|| "true".into()),
            experience_months: text(v.experience_months.map(i64::from)),
            language: languages.iter().map(|l| l.code.clone()).collect(),
            language_level: languages
                .iter()
                .map(|l| l.level.clone().unwrap_or_default())
                .collect(),
            licence_class: v.licence_class.clone().unwrap_or_default(),
            licence_mandatory: v.licence_mandatory.then(|| "true".into()),
            territory_code: v.territory_code.clone().unwrap_or_default(),
            address: v.address.clone().unwrap_or_default(),
            schedule: v.schedule.clone().unwrap_or_default(),
            hours: v.hours.clone().unwrap_or_default(),
            weekly_hours: text(v.weekly_hours.map(i64::from)),
            contract_type: v.contract_type.clone().unwrap_or_default(),
            salary_min: text(v.salary_min),
            salary_max: text(v.salary_max),
            collective_agreement: v.collective_agreement.clone().unwrap_or_default(),
            accessible: v.accessible.then(|| "true".into()),
            published_from: v.published_from.map(|d| d.to_string()).unwrap_or_default(),
            published_until: v.published_until.map(|d| d.to_string()).unwrap_or_default(),
            office_code,
        }
    }

    /// The `n`-th entry of a repeated field, or empty (the form shows fixed slots).
    pub fn nth(list: &[String], n: usize) -> &str {
        list.get(n).map(String::as_str).unwrap_or_default()
    }

    /// Employer id as a UUID, when it is one.
    pub fn employer(&self) -> Option<Uuid> {
        self.employer_id.trim().parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_checkboxes_are_read_from_text() {
        let form = VacancyForm {
            employer_id: Uuid::nil().to_string(),
            positions: "3".into(),
            salary_min: "850.000".into(),
            accessible: Some("true".into()),
            language: vec!["en".into(), String::new()],
            language_level: vec!["B1".into()],
            ..Default::default()
        };
        let input = form.to_input().expect("numbers parse");
        assert_eq!(input.positions, Some(3));
        assert_eq!(input.salary_min, Some(850_000));
        assert!(input.accessible && !input.licence_mandatory);
        assert_eq!(input.languages[0].level, "B1");
        assert_eq!(
            input.languages[1].level, "",
            "a slot without a level stays empty"
        );
        let bad = VacancyForm {
            positions: "tres".into(),
            ..Default::default()
        };
        let errors = bad.to_input().expect_err("not a number");
        assert_eq!(errors.0[0].field, "positions");
    }
}
