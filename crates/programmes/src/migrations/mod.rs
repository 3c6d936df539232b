//! Programmes' migrations. A merged migration is never edited: add a new one.

use sea_orm_migration::MigrationTrait;

mod m0028_programmes_bank_accounts;
mod m0029_programmes;
mod m0030_programme_rules;
mod m0031_programme_applications;
mod m0032_programme_payments;
mod m0033_programme_compliance;
mod m0034_national_benefits;
mod m0035_programme_documents;
mod m0036_national_lists;
mod m0037_programme_placements;

/// The module's migrations (the application orders every module's by name).
pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m0028_programmes_bank_accounts::M0028ProgrammesBankAccounts),
        Box::new(m0029_programmes::M0029Programmes),
        Box::new(m0030_programme_rules::M0030ProgrammeRules),
        Box::new(m0031_programme_applications::M0031ProgrammeApplications),
        Box::new(m0032_programme_payments::M0032ProgrammePayments),
        Box::new(m0033_programme_compliance::M0033ProgrammeCompliance),
        Box::new(m0034_national_benefits::M0034NationalBenefits),
        Box::new(m0035_programme_documents::M0035ProgrammeDocuments),
        Box::new(m0036_national_lists::M0036NationalLists),
        Box::new(m0037_programme_placements::M0037ProgrammePlacements),
    ]
}
