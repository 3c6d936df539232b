//! The rules form: one fieldset per kind of criterion (ticked to apply), a quota per
//! office and the incompatible programmes; every value is text so the page can be
//! shown again as typed.

use serde::Deserialize;
use sipe_platform::validation::{self, FieldErrors};
use uuid::Uuid;

use super::Criterion;
use crate::rules::{OfficeQuotaInput, Rules, RulesInput};

/// The rules form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RulesForm {
    pub(crate) use_age: String,
    pub(crate) age_min: String,
    pub(crate) age_max: String,
    pub(crate) age_on: String,
    pub(crate) use_residence: String,
    pub(crate) residence_province: String,
    pub(crate) residence_departments: Vec<String>,
    pub(crate) use_employment: String,
    pub(crate) employment_statuses: Vec<String>,
    pub(crate) employment_months: String,
    pub(crate) use_education: String,
    pub(crate) education_max: String,
    pub(crate) use_household: String,
    pub(crate) household_dependants: String,
    pub(crate) household_head: String,
    pub(crate) use_disability: String,
    pub(crate) use_registered: String,
    pub(crate) registered_days: String,
    pub(crate) use_benefits: String,
    pub(crate) benefits_programmes: Vec<String>,
    /// `yes` (must receive one) or `no` (must receive none).
    pub(crate) benefits_receives: String,
    pub(crate) use_not_again: String,
    pub(crate) not_again_months: String,
    /// Office codes, side by side with `quota_value`.
    pub(crate) quota_office: Vec<String>,
    pub(crate) quota_value: Vec<String>,
    pub(crate) incompatible: Vec<String>,
}

fn on(v: &str) -> bool {
    matches!(v, "on" | "true" | "1")
}

fn whole(errors: &mut FieldErrors, field: &'static str, raw: &str, required: bool) -> Option<u32> {
    match raw.trim() {
        "" if !required => None,
        t => match t.parse::<u32>() {
            Ok(n) if n <= 100_000 => Some(n),
            _ => {
                errors.add(field, "field-number-invalid");
                None
            }
        },
    }
}

impl RulesForm {
    /// Is the kind ticked?
    pub fn uses(&self, kind: &str) -> bool {
        on(match kind {
            "age" => &self.use_age,
            "residence" => &self.use_residence,
            "employment" => &self.use_employment,
            "education" => &self.use_education,
            "household" => &self.use_household,
            "disability" => &self.use_disability,
            "registered" => &self.use_registered,
            "benefits" => &self.use_benefits,
            "not_again" => &self.use_not_again,
            _ => "",
        })
    }

    /// The office's quota as typed.
    pub fn quota_of(&self, code: &str) -> &str {
        self.quota_office
            .iter()
            .position(|c| c == code)
            .and_then(|i| self.quota_value.get(i))
            .map_or("", String::as_str)
    }

    /// The rules it gives, or what is wrong in which field.
    pub fn input(&self) -> Result<RulesInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut criteria = Vec::new();
        if self.uses("age") {
            let min = whole(&mut e, "age_min", &self.age_min, true);
            let max = whole(&mut e, "age_max", &self.age_max, true);
            let day = validation::date(&mut e, "age_on", &self.age_on, false);
            if let (Some(min), Some(max)) = (min, max) {
                criteria.push(Criterion::Age { min, max, on: day });
            }
        }
        if self.uses("residence") {
            criteria.push(Criterion::Residence {
                province: self.residence_province.trim().to_owned(),
                departments: self.residence_departments.clone(),
            });
        }
        if self.uses("employment") {
            let months = whole(&mut e, "employment_months", &self.employment_months, false);
            criteria.push(Criterion::Employment {
                statuses: self.employment_statuses.clone(),
                min_months_unemployed: months,
            });
        }
        if self.uses("education") {
            match self.education_max.trim().parse::<u8>() {
                Ok(l) => criteria.push(Criterion::Education { max_level: l }),
                Err(_) => e.add("education_max", "field-choice-invalid"),
            }
        }
        if self.uses("household") {
            let n = whole(
                &mut e,
                "household_dependants",
                &self.household_dependants,
                false,
            );
            criteria.push(Criterion::Household {
                min_dependants: n.map(|n| n.min(1_000) as i32),
                head_of_household: on(&self.household_head),
            });
        }
        if self.uses("disability") {
            criteria.push(Criterion::Disability);
        }
        if self.uses("registered")
            && let Some(d) = whole(&mut e, "registered_days", &self.registered_days, true)
        {
            criteria.push(Criterion::Registered { min_days: d });
        }
        if self.uses("benefits") {
            let receives = match self.benefits_receives.as_str() {
                "yes" => true,
                "no" => false,
                _ => {
                    e.add("benefits_receives", "field-choice-invalid");
                    true
                }
            };
            criteria.push(Criterion::Benefits {
                programmes: self.benefits_programmes.clone(),
                receives,
            });
        }
        if self.uses("not_again")
            && let Some(months) = whole(&mut e, "not_again_months", &self.not_again_months, true)
        {
            criteria.push(Criterion::NotAgain { months });
        }
        let mut office_quotas = Vec::new();
        for (i, code) in self.quota_office.iter().enumerate() {
            let raw = self.quota_value.get(i).map_or("", |v| v.trim());
            if raw.is_empty() {
                continue;
            }
            match raw.parse::<u32>() {
                Ok(quota) => office_quotas.push(OfficeQuotaInput {
                    office_code: code.clone(),
                    quota,
                }),
                Err(_) => e.add("office_quotas", "programme-quota-invalid"),
            }
        }
        let mut incompatible_with = Vec::new();
        for raw in &self.incompatible {
            match raw.parse::<Uuid>() {
                Ok(id) => incompatible_with.push(id),
                Err(_) => e.add("incompatible_with", "programme-incompatible-unknown"),
            }
        }
        if let Err(more) = super::check(&criteria) {
            for f in more.0 {
                e.add(f.field, f.key);
            }
        }
        e.into_result()?;
        Ok(RulesInput {
            criteria,
            office_quotas,
            incompatible_with,
        })
    }

    /// The form showing stored rules.
    pub fn of(rules: &Rules) -> RulesForm {
        let mut f = RulesForm::default();
        let yes = || "on".to_owned();
        for c in &rules.criteria {
            match c {
                Criterion::Age { min, max, on } => {
                    f.use_age = yes();
                    f.age_min = min.to_string();
                    f.age_max = max.to_string();
                    f.age_on = on.map(|d| d.to_string()).unwrap_or_default();
                }
                Criterion::Residence {
                    province,
                    departments,
                } => {
                    f.use_residence = yes();
                    f.residence_province = province.clone();
                    f.residence_departments = departments.clone();
                }
                Criterion::Employment {
                    statuses,
                    min_months_unemployed,
                } => {
                    f.use_employment = yes();
                    f.employment_statuses = statuses.clone();
                    f.employment_months = min_months_unemployed
                        .map(|m| m.to_string())
                        .unwrap_or_default();
                }
                Criterion::Education { max_level } => {
                    f.use_education = yes();
                    f.education_max = max_level.to_string();
                }
                Criterion::Household {
                    min_dependants,
                    head_of_household,
                } => {
                    f.use_household = yes();
                    f.household_dependants =
                        min_dependants.map(|n| n.to_string()).unwrap_or_default();
                    if *head_of_household {
                        f.household_head = yes();
                    }
                }
                Criterion::Disability => f.use_disability = yes(),
                Criterion::Registered { min_days } => {
                    f.use_registered = yes();
                    f.registered_days = min_days.to_string();
                }
                Criterion::Benefits {
                    programmes,
                    receives,
                } => {
                    f.use_benefits = yes();
                    f.benefits_programmes = programmes.clone();
                    f.benefits_receives = if *receives { "yes" } else { "no" }.to_owned();
                }
                Criterion::NotAgain { months } => {
                    f.use_not_again = yes();
                    f.not_again_months = months.to_string();
                }
            }
        }
        for q in &rules.office_quotas {
            f.quota_office.push(q.office_code.clone());
            f.quota_value.push(q.quota.to_string());
        }
        f.incompatible = rules
            .incompatible_with
            .iter()
            .map(Uuid::to_string)
            .collect();
        f
    }
}
