//! An employer's other sites (plants, branches, warehouses) besides its main address.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts};

/// `employer_sites`.
pub struct M0012EmployerSites;

impl MigrationName for M0012EmployerSites {
    fn name(&self) -> &str {
        "m0012_employer_sites"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0012EmployerSites {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("employer_sites")
                .col(pk_uuid("id"))
                .col(uuid("employer_id"))
                .col(string("name"))
                .col(string_null("address"))
                .col(string("territory_code"))
                .col(ts("created_at"))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from("employer_sites", "employer_id")
                        .to("employers", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .foreign_key(
                    &mut ForeignKey::create()
                        .from("employer_sites", "territory_code")
                        .to("territories", "code")
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "employer_sites",
            "ix_employer_sites_employer",
            &["employer_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("employer_sites").to_owned())
            .await
    }
}
