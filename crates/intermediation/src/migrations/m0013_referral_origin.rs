//! Whether a referral was the office's proposal or the person's own application.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `referrals.origin`: `referred` (the office proposed the person) or `applied` (the person
/// asked to apply, through an operator). Existing rows were all referred.
pub struct M0013ReferralOrigin;

impl MigrationName for M0013ReferralOrigin {
    fn name(&self) -> &str {
        "m0013_referral_origin"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0013ReferralOrigin {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("referrals")
                .add_column(string("origin").default("referred").take())
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("referrals")
                .drop_column("origin")
                .take(),
        )
        .await
    }
}
