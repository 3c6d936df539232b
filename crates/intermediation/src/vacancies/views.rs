//! Templates of vacancies.

use askama::Template;

use super::entity::{vacancy, vacancy_event, vacancy_requirement};
use super::form::VacancyForm;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::PageCtx;
use sipe_platform::web::table::Pager;

/// A row of a vacancy list.
pub struct VacancyRow {
    /// The vacancy.
    pub vacancy: vacancy::Model,
    /// Employer's legal name.
    pub employer: String,
}

/// `/vacancies`.
#[derive(Template)]
#[template(path = "intermediation/vacancies.html")]
pub struct VacanciesPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Rows.
    pub rows: Vec<VacancyRow>,
    /// Paging and sorting.
    pub pager: Pager,
    /// Text filter.
    pub q: String,
    /// State filter.
    pub states: Vec<Choice>,
    /// May register vacancies.
    pub can_edit: bool,
}

/// `/vacancies/{id}`.
#[derive(Template)]
#[template(path = "intermediation/vacancy.html")]
pub struct VacancyPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The vacancy.
    pub vacancy: vacancy::Model,
    /// Employer's id and legal name.
    pub employer: (uuid::Uuid, String),
    /// Managing office, `code — name`.
    pub office: String,
    /// Department of the workplace.
    pub territory: Option<String>,
    /// Requirements.
    pub requirements: Vec<vacancy_requirement::Model>,
    /// State history.
    pub history: Vec<vacancy_event::Model>,
    /// States it may move to (empty when the caller may not change it).
    pub next_states: Vec<&'static str>,
    /// May edit its fields.
    pub can_edit: bool,
    /// Problems of the state form.
    pub errors: FieldErrors,
    /// Its referrals with the person's name, newest first.
    pub referrals: Vec<(crate::referrals::entity::referral::Model, String)>,
}

impl VacancyPage {
    /// `$ 800.000 – $ 950.000`, or a dash.
    pub fn salary(&self) -> String {
        let money = |n: i64| {
            let digits = n.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push('.');
                }
                out.push(c);
            }
            format!("$ {out}")
        };
        match (self.vacancy.salary_min, self.vacancy.salary_max) {
            (Some(lo), Some(hi)) => format!("{} – {}", money(lo), money(hi)),
            (Some(lo), None) => format!("≥ {}", money(lo)),
            (None, Some(hi)) => format!("≤ {}", money(hi)),
            (None, None) => "—".into(),
        }
    }
}

/// `/vacancies/new` and `/vacancies/{id}/edit`.
#[derive(Template)]
#[template(path = "intermediation/vacancy_form.html")]
pub struct VacancyFormPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Where the form posts.
    pub action: String,
    /// Heading key.
    pub title_key: &'static str,
    /// Values as entered.
    pub form: VacancyForm,
    /// Field problems.
    pub errors: FieldErrors,
    /// Employers to choose from.
    pub employers: Vec<Choice>,
    /// Offices in the capture scope.
    pub offices: Vec<Choice>,
    /// Departments of the province.
    pub departments: Vec<Choice>,
    /// Education levels.
    pub education: Vec<Choice>,
    /// Licence classes.
    pub licences: Vec<Choice>,
    /// Contract types.
    pub contracts: Vec<Choice>,
    /// Working time.
    pub hours: Vec<Choice>,
    /// Languages (codes).
    pub languages: Vec<&'static str>,
    /// Language levels (codes).
    pub levels: Vec<&'static str>,
}

impl VacancyFormPage {
    /// The `n`-th required skill as entered.
    pub fn required(&self, n: &usize) -> &str {
        VacancyForm::nth(&self.form.required_skills, *n)
    }

    /// The `n`-th desired skill as entered.
    pub fn desired(&self, n: &usize) -> &str {
        VacancyForm::nth(&self.form.desired_skills, *n)
    }

    /// The `n`-th language as entered.
    pub fn language(&self, n: &usize) -> &str {
        VacancyForm::nth(&self.form.language, *n)
    }

    /// The `n`-th language level as entered.
    pub fn level(&self, n: &usize) -> &str {
        VacancyForm::nth(&self.form.language_level, *n)
    }
}
