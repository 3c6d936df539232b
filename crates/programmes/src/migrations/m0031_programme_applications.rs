//! Applications of people to programmes, each step they went through, and the counters
//! that number approvals per programme and year.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::ts;

/// The applications tables.
pub struct M0031ProgrammeApplications;

impl MigrationName for M0031ProgrammeApplications {
    fn name(&self) -> &str {
        "m0031_programme_applications"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0031ProgrammeApplications {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("programme_applications")
                .col(pk_uuid("id"))
                .col(uuid("programme_id"))
                .col(uuid("person_id"))
                // The person's office when they applied: its quota is the one used.
                .col(uuid("office_id"))
                .col(string("state"))
                // Amount category (`general`, `con hijos`...).
                .col(string("category"))
                // `PEJ-2026-000123`, given at approval.
                .col(string_null("number"))
                .col(ts("created_at"))
                .col(string("created_by"))
                // Sent for review: the waiting list's order.
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(string_null("reject_reason"))
                .col(date_null("starts_on"))
                .col(date_null("ends_on"))
                .col(date_null("finished_on"))
                .col(string_null("finish_reason"))
                .col(integer("version"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("programme_applications", "programme_id")
                        .to("programmes", "id"),
                )
                .take(),
        )
        .await?;
        for (name, cols) in [
            ("programme_applications_number", &["number"][..]),
            ("programme_applications_person", &["person_id"][..]),
            (
                "programme_applications_programme_state",
                &["programme_id", "state", "office_id"][..],
            ),
        ] {
            let mut idx = Index::create()
                .name(name)
                .table("programme_applications")
                .take();
            for c in cols {
                idx.col(*c);
            }
            if name.ends_with("number") {
                idx.unique();
            }
            m.create_index(idx).await?;
        }
        m.create_table(
            Table::create()
                .table("programme_application_events")
                .col(pk_uuid("id"))
                .col(uuid("application_id"))
                .col(string_null("from_state"))
                .col(string("to_state"))
                // What was done (`submit`, `approve`, `extend`...).
                .col(string("action"))
                .col(string_null("reason"))
                .col(text_null("note"))
                // The day it takes effect (suspension from, new end...).
                .col(date_null("effective_on"))
                .col(ts("at"))
                .col(uuid_null("actor_id"))
                .col(string("actor_name"))
                .foreign_key(
                    ForeignKey::create()
                        .from("programme_application_events", "application_id")
                        .to("programme_applications", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("programme_application_events_application")
                .table("programme_application_events")
                .col("application_id")
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("programme_number_counters")
                .col(uuid("programme_id"))
                .col(integer("year"))
                .col(integer("last"))
                .primary_key(Index::create().col("programme_id").col("year"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "programme_number_counters",
            "programme_application_events",
            "programme_applications",
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
