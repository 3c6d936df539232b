//! Profile items may carry evidence: a skill certified by a training certificate.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `profile_items.evidence`: `certificate:<code>` (added by the certificate) or
/// `certificate:<code>+declared` (declared before, certified since); absent otherwise.
pub struct M0022CertifiedItems;

impl MigrationName for M0022CertifiedItems {
    fn name(&self) -> &str {
        "m0022_certified_items"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0022CertifiedItems {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("profile_items")
                .add_column(string_null("evidence"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("profile_items")
                .drop_column("evidence")
                .take(),
        )
        .await
    }
}
