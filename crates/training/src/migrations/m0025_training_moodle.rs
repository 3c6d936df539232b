//! The Aula Virtual's sync with Moodle: per enrolment, what was pushed and pulled and
//! the retry state; per cohort, the last run.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{ts, ts_null};

/// The Moodle sync tables.
pub struct M0025TrainingMoodle;

impl MigrationName for M0025TrainingMoodle {
    fn name(&self) -> &str {
        "m0025_training_moodle"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0025TrainingMoodle {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("training_moodle_links")
                .col(pk_uuid("enrolment_id"))
                .col(uuid("cohort_id"))
                .col(big_integer_null("moodle_user_id"))
                // `enrolled`, `unenrolled`, or empty before the first push.
                .col(string("pushed"))
                .col(integer("attempts"))
                .col(ts_null("next_attempt_at"))
                .col(text_null("last_error"))
                .col(boolean_null("completed"))
                .col(double_null("grade"))
                .col(ts_null("pulled_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("training_moodle_links", "enrolment_id")
                        .to("training_enrolments", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_training_moodle_links_cohort")
                .table("training_moodle_links")
                .col("cohort_id")
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("training_moodle_runs")
                .col(pk_uuid("cohort_id"))
                .col(ts("ran_at"))
                .col(integer("pushed"))
                .col(integer("pulled"))
                .col(integer("failed"))
                .col(text_null("error"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["training_moodle_runs", "training_moodle_links"] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
