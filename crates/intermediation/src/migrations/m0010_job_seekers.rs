//! The candidate side of a person's profile (issue 4).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{ts, ts_null};

/// `job_seekers`.
pub struct M0010JobSeekers;

impl MigrationName for M0010JobSeekers {
    fn name(&self) -> &str {
        "m0010_job_seekers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0010JobSeekers {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("job_seekers")
                .col(uuid("person_id").primary_key())
                .col(boolean("actively_looking"))
                .col(date_null("looking_since"))
                .col(string("preferred_contracts"))
                .col(big_integer_null("salary_expectation"))
                .col(ts_null("placed_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("job_seekers", "person_id")
                        .to("persons", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("job_seekers").to_owned())
            .await
    }
}
