//! Timeline events keep the arguments of their catalogue message, so each reader sees
//! them in their own language.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `timeline_events.args`: JSON, absent on the events written before.
pub struct M0017TimelineArgs;

impl MigrationName for M0017TimelineArgs {
    fn name(&self) -> &str {
        "m0017_timeline_args"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0017TimelineArgs {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("timeline_events")
                .add_column(text_null("args"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("timeline_events")
                .drop_column("args")
                .take(),
        )
        .await
    }
}
