//! Programmes' migrations. A merged migration is never edited: add a new one.

use sea_orm_migration::MigrationTrait;

mod m0028_programmes_bank_accounts;
mod m0029_programmes;

/// The module's migrations (the application orders every module's by name).
pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m0028_programmes_bank_accounts::M0028ProgrammesBankAccounts),
        Box::new(m0029_programmes::M0029Programmes),
    ]
}
