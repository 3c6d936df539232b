//! Templates of employers.

use askama::Template;

use super::entity::{employer, employer_agreement, employer_contact, employer_site};
use super::input::{AgreementInput, ContactInput, EmployerInput, SiteInput};
use crate::activity;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::PageCtx;
use sipe_platform::web::table::Pager;

/// A row of the employers list.
pub struct EmployerRow {
    /// The employer.
    pub employer: employer::Model,
    /// Code of the managing office.
    pub office_code: String,
}

/// `/employers`.
#[derive(Template)]
#[template(path = "intermediation/employers.html")]
pub struct EmployersPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Rows.
    pub rows: Vec<EmployerRow>,
    /// Paging and sorting.
    pub pager: Pager,
    /// Text filter.
    pub q: String,
    /// Divisions to filter by.
    pub divisions: Vec<Choice>,
    /// Size bands to filter by.
    pub sizes: Vec<Choice>,
    /// State filter (`active`, `inactive` or empty).
    pub state: String,
    /// May register employers.
    pub can_edit: bool,
}

/// `/employers/{id}`.
#[derive(Template)]
#[template(path = "intermediation/employer.html")]
pub struct EmployerPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The employer.
    pub employer: employer::Model,
    /// Managing office, `code — name`.
    pub office: String,
    /// Name of the department of the main site.
    pub territory: Option<String>,
    /// Contacts.
    pub contacts: Vec<employer_contact::Model>,
    /// Other sites with their department's name.
    pub sites: Vec<(employer_site::Model, String)>,
    /// Departments to choose a new site's from (when editable).
    pub departments: Vec<Choice>,
    /// Agreements.
    pub agreements: Vec<employer_agreement::Model>,
    /// May edit (capture scope and permission).
    pub can_edit: bool,
    /// The add-contact form as entered (after an error).
    pub contact: ContactInput,
    /// The add-site form as entered (after an error).
    pub site: SiteInput,
    /// The add-agreement form as entered (after an error).
    pub agreement: AgreementInput,
    /// Agreement kinds.
    pub agreement_kinds: Vec<Choice>,
    /// Problems of the add-contact or add-agreement form.
    pub errors: FieldErrors,
    /// Its latest vacancies in the caller's view scope.
    pub vacancies: Vec<crate::vacancies::entity::vacancy::Model>,
    /// How many vacancies in all.
    pub vacancy_total: u64,
    /// Referrals to its vacancies by state.
    pub referral_counts: Vec<(&'static str, u64)>,
    /// Its placements with the person's name.
    pub placements: Vec<(crate::referrals::entity::placement::Model, String)>,
}

impl EmployerPage {
    /// The activity code with its division's title.
    pub fn activity(&self) -> String {
        self.employer
            .activity_code
            .as_deref()
            .map(activity::describe)
            .unwrap_or_else(|| "—".into())
    }
}

/// `/employers/new` and `/employers/{id}/edit`.
#[derive(Template)]
#[template(path = "intermediation/employer_form.html")]
pub struct EmployerFormPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Where the form posts.
    pub action: String,
    /// Heading key.
    pub title_key: &'static str,
    /// Values as entered.
    pub form: EmployerInput,
    /// Field problems.
    pub errors: FieldErrors,
    /// The employer already holding the CUIT, when the caller may open it.
    pub existing: Option<uuid::Uuid>,
    /// Divisions.
    pub divisions: Vec<Choice>,
    /// Size bands.
    pub sizes: Vec<Choice>,
    /// Offices in the capture scope.
    pub offices: Vec<Choice>,
    /// Departments of the province.
    pub departments: Vec<Choice>,
}

impl EmployerFormPage {}
