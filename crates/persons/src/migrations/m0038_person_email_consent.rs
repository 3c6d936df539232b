//! Consent to be contacted by e-mail, beside the SMS and WhatsApp consents.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `persons.email_consent`. Nobody's consent is presumed: existing rows start without it,
/// and an office records it as it records the others.
pub struct M0038PersonEmailConsent;

impl MigrationName for M0038PersonEmailConsent {
    fn name(&self) -> &str {
        "m0038_person_email_consent"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0038PersonEmailConsent {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("persons")
                .add_column(boolean("email_consent").default(false).take())
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("persons")
                .drop_column("email_consent")
                .take(),
        )
        .await
    }
}
