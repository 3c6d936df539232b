//! Intermediation's migrations. A merged migration is never edited: add a new one.

use sea_orm_migration::MigrationTrait;

mod m0008_employers;
mod m0009_vacancies;
mod m0010_job_seekers;
mod m0011_referrals;
mod m0012_employer_sites;
mod m0013_referral_origin;
mod m0018_referral_codes;

/// The module's migrations (the application orders every module's by name).
pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m0008_employers::M0008Employers),
        Box::new(m0009_vacancies::M0009Vacancies),
        Box::new(m0010_job_seekers::M0010JobSeekers),
        Box::new(m0011_referrals::M0011Referrals),
        Box::new(m0012_employer_sites::M0012EmployerSites),
        Box::new(m0013_referral_origin::M0013ReferralOrigin),
        Box::new(m0018_referral_codes::M0018ReferralCodes),
    ]
}
