//! What decides who a programme takes: its eligibility criteria (typed, as data), its
//! quota per office and the programmes it cannot be combined with.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// The rules tables.
pub struct M0030ProgrammeRules;

impl MigrationName for M0030ProgrammeRules {
    fn name(&self) -> &str {
        "m0030_programme_rules"
    }
}

fn to_programme(table: &'static str, column: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to("programmes", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for M0030ProgrammeRules {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("programme_criteria")
                .col(uuid("programme_id"))
                // One criterion of each kind per programme.
                .col(string("kind"))
                .col(integer("position"))
                // The criterion's parameters as JSON (`{"kind":"age","min":18,...}`).
                .col(text("rule"))
                .primary_key(Index::create().col("programme_id").col("kind"))
                .foreign_key(&mut to_programme("programme_criteria", "programme_id"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("programme_office_quotas")
                .col(uuid("programme_id"))
                .col(uuid("office_id"))
                .col(integer("quota"))
                .primary_key(Index::create().col("programme_id").col("office_id"))
                .foreign_key(&mut to_programme("programme_office_quotas", "programme_id"))
                .take(),
        )
        .await?;
        // A pair is stored once, smaller id first; it binds both programmes.
        m.create_table(
            Table::create()
                .table("programme_incompatibilities")
                .col(uuid("first_id"))
                .col(uuid("second_id"))
                .primary_key(Index::create().col("first_id").col("second_id"))
                .foreign_key(&mut to_programme("programme_incompatibilities", "first_id"))
                .foreign_key(&mut to_programme(
                    "programme_incompatibilities",
                    "second_id",
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("programme_incompatibilities_second")
                .table("programme_incompatibilities")
                .col("second_id")
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "programme_incompatibilities",
            "programme_office_quotas",
            "programme_criteria",
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
