//! Templates of the territory module.

use askama::Template;

use super::entity::{office, territory};
use crate::validation::FieldErrors;
use crate::web::PageCtx;
use crate::web::table::Pager;

/// `/offices`.
#[derive(Template)]
#[template(path = "territory/offices.html")]
pub struct OfficesPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Rows.
    pub rows: Vec<office::Model>,
    /// Paging and sorting.
    pub pager: Pager,
    /// Text filter.
    pub q: String,
    /// Kind filter.
    pub kind: String,
    /// May create offices.
    pub can_manage: bool,
}

/// `/offices/{id}`.
#[derive(Template)]
#[template(path = "territory/office.html")]
pub struct OfficePage {
    /// Page context.
    pub ctx: PageCtx,
    /// The office.
    pub office: office::Model,
    /// Parent office, when visible.
    pub parent: Option<office::Model>,
    /// Name of the territory where it stands.
    pub territory: Option<territory::Model>,
    /// Covered territories.
    pub coverage: Vec<territory::Model>,
    /// Offices directly below, in scope.
    pub children: Vec<office::Model>,
    /// Users with a grant on this office.
    pub users: u64,
    /// May edit.
    pub can_manage: bool,
}

pub use crate::web::form::Choice;

/// `/offices/new` and `/offices/{id}/edit`.
#[derive(Template)]
#[template(path = "territory/office_form.html")]
pub struct OfficeFormPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Where the form posts.
    pub action: String,
    /// Heading key.
    pub title_key: &'static str,
    /// Values as entered.
    pub form: super::domain::OfficeInput,
    /// Field problems.
    pub errors: FieldErrors,
    /// Kinds.
    pub kinds: Vec<Choice>,
    /// Possible parents.
    pub parents: Vec<Choice>,
    /// Departments for location.
    pub places: Vec<Choice>,
    /// Departments for coverage.
    pub coverage: Vec<Choice>,
}

impl OfficeFormPage {}

/// `/territories` and `/territories/{code}`.
#[derive(Template)]
#[template(path = "territory/territories.html")]
pub struct TerritoriesPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The unit shown (None: the provinces list).
    pub current: Option<territory::Model>,
    /// Units below.
    pub rows: Vec<territory::Model>,
    /// Paging.
    pub pager: Pager,
    /// Name filter.
    pub q: String,
}
