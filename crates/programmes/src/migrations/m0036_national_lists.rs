//! The national lists as published: one row per programme and month whose import
//! finished, with its counts. "Receiving" reads the newest published list, never one
//! still being imported.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::ts;

/// The published lists table.
pub struct M0036NationalLists;

impl MigrationName for M0036NationalLists {
    fn name(&self) -> &str {
        "m0036_national_lists"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0036NationalLists {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("national_lists")
                .col(uuid("programme_id"))
                .col(date("period"))
                // People in the list, receiving (active), and registered here when
                // it was published.
                .col(big_integer("listed"))
                .col(big_integer("active"))
                .col(big_integer("registered"))
                // The import that published it.
                .col(uuid("run_id"))
                .col(ts("published_at"))
                .primary_key(Index::create().col("programme_id").col("period"))
                .foreign_key(
                    ForeignKey::create()
                        .from("national_lists", "programme_id")
                        .to("national_programmes", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("national_lists").take())
            .await?;
        Ok(())
    }
}
