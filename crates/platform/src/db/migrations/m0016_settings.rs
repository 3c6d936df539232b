//! A small key-value table of facts about the installation itself.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `settings`: `database_id` (a random id given to the database once, so a node can tell
/// its search index belongs to this database) and the demo's seeding progress.
pub struct M0016Settings;

impl MigrationName for M0016Settings {
    fn name(&self) -> &str {
        "m0016_settings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0016Settings {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("settings")
                .col(string("key").primary_key())
                .col(text("value"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("settings").take()).await
    }
}
