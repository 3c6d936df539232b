//! Employers, their contacts and their agreements with offices (issue 4).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts};

/// `employers`, `employer_contacts`, `employer_agreements`.
pub struct M0008Employers;

impl MigrationName for M0008Employers {
    fn name(&self) -> &str {
        "m0008_employers"
    }
}

fn belongs_to_employer(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, "employer_id")
        .to("employers", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for M0008Employers {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("employers")
                .col(pk_uuid("id"))
                .col(string_uniq("cuit"))
                .col(string("legal_name"))
                .col(string_null("trade_name"))
                .col(string("search_name"))
                .col(string_null("activity_code"))
                .col(string_null("size_band"))
                .col(uuid("office_id"))
                .col(string_null("address"))
                .col(string_null("territory_code"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(string_null("website"))
                .col(text_null("notes"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("employers", "office_id")
                        .to("offices", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("employers", "territory_code")
                        .to("territories", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "employers",
            "ix_employers_office",
            &["office_id", "legal_name"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("employer_contacts")
                .col(pk_uuid("id"))
                .col(uuid("employer_id"))
                .col(string("name"))
                .col(string_null("role"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(ts("created_at"))
                .foreign_key(&mut belongs_to_employer("employer_contacts"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "employer_contacts",
            "ix_employer_contacts_employer",
            &["employer_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("employer_agreements")
                .col(pk_uuid("id"))
                .col(uuid("employer_id"))
                .col(string("kind"))
                .col(string("title"))
                .col(date("signed_on"))
                .col(date_null("expires_on"))
                .col(text_null("notes"))
                .col(ts("created_at"))
                .foreign_key(&mut belongs_to_employer("employer_agreements"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "employer_agreements",
            "ix_employer_agreements_employer",
            &["employer_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["employer_agreements", "employer_contacts", "employers"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
