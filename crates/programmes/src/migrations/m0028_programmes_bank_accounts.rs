//! Beneficiaries' bank accounts: where programme payments go, one per person.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::ts;

/// The bank accounts table.
pub struct M0028ProgrammesBankAccounts;

impl MigrationName for M0028ProgrammesBankAccounts {
    fn name(&self) -> &str {
        "m0028_programmes_bank_accounts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0028ProgrammesBankAccounts {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("programme_bank_accounts")
                .col(pk_uuid("person_id"))
                .col(string("kind"))
                .col(string_null("cbu"))
                .col(string_null("alias"))
                .col(string("updated_by"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("programme_bank_accounts", "person_id")
                        .to("persons", "id"),
                )
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("programme_bank_accounts").take())
            .await
    }
}
