//! A user may work for a partner organisation rather than the secretariat (a training
//! institution's staff): their affiliation, which scopes what they reach.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `users.affiliation_id`.
pub struct M0024UserAffiliation;

impl MigrationName for M0024UserAffiliation {
    fn name(&self) -> &str {
        "m0024_user_affiliation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0024UserAffiliation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(uuid_null("affiliation_id"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .drop_column("affiliation_id")
                .take(),
        )
        .await
    }
}
