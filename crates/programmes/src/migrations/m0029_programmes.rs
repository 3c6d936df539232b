//! The programmes themselves and their benefit amounts, effective-dated per category.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::ts;

/// The programmes tables.
pub struct M0029Programmes;

impl MigrationName for M0029Programmes {
    fn name(&self) -> &str {
        "m0029_programmes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0029Programmes {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("programmes")
                .col(pk_uuid("id"))
                // Prefix of its approval numbers (`PEJ-2026-000123`), unique.
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("search_name"))
                .col(string("kind"))
                .col(string("legal_basis"))
                .col(date_null("legal_date"))
                .col(date("starts_on"))
                .col(date_null("ends_on"))
                .col(text_null("funding_source"))
                .col(integer_null("max_months"))
                // Documents an application needs, one per line.
                .col(text_null("required_documents"))
                .col(integer_null("quota_total"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("programme_amounts")
                .col(uuid("programme_id"))
                .col(string("category"))
                .col(date("effective_from"))
                // Pesos in cents.
                .col(big_integer("amount_cents"))
                .primary_key(
                    Index::create()
                        .col("programme_id")
                        .col("category")
                        .col("effective_from"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("programme_amounts", "programme_id")
                        .to("programmes", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["programme_amounts", "programmes"] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
