//! Intermediación Laboral: employers, vacancies, matching, referrals and placements
//! (issue 4), built in slices.

pub mod activity;
pub mod demo;
pub mod domain;
pub mod employers;
pub mod vacancies;

/// Routes of the module.
pub fn routes() -> crate::web::Routes {
    employers::routes().merge(vacancies::routes())
}
