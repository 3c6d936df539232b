//! Work-training placements ("acciones de entrenamiento para el trabajo"): where a
//! beneficiary of a placement programme trains, with whom and for how long.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::ts;

/// The placements table.
pub struct M0037ProgrammePlacements;

impl MigrationName for M0037ProgrammePlacements {
    fn name(&self) -> &str {
        "m0037_programme_placements"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0037ProgrammePlacements {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("programme_placements")
                // One placement per application.
                .col(uuid("application_id").primary_key())
                // The host employer (intermediation's employers).
                .col(uuid("employer_id"))
                .col(string("workplace"))
                .col(string("tutor_name"))
                .col(string("tutor_contact"))
                .col(text("tasks"))
                .col(integer("weekly_hours"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(string("updated_by"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .foreign_key(
                    ForeignKey::create()
                        .from("programme_placements", "application_id")
                        .to("programme_applications", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("programme_placements_employer")
                .table("programme_placements")
                .col("employer_id")
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("programme_placements").take())
            .await?;
        Ok(())
    }
}
