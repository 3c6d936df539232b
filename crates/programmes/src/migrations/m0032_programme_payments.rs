//! Monthly payments: how a programme pays a month, the attendance employers certify,
//! and the payment runs with their frozen lines.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{ts, ts_null};

/// The payments tables.
pub struct M0032ProgrammePayments;

impl MigrationName for M0032ProgrammePayments {
    fn name(&self) -> &str {
        "m0032_programme_payments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0032ProgrammePayments {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // `full_month`, `calendar_days` or `attendance`.
        m.alter_table(
            Table::alter()
                .table("programmes")
                .add_column(string("payment_rule").default("calendar_days"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("programme_attendance")
                .col(uuid("application_id"))
                // First day of the month.
                .col(date("month"))
                .col(integer("days_attended"))
                .col(integer("days_expected"))
                // `office` or `csv`.
                .col(string("source"))
                .col(string("recorded_by"))
                .col(ts("recorded_at"))
                .primary_key(Index::create().col("application_id").col("month"))
                .foreign_key(
                    ForeignKey::create()
                        .from("programme_attendance", "application_id")
                        .to("programme_applications", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("programme_payment_runs")
                .col(pk_uuid("id"))
                .col(uuid("programme_id"))
                .col(date("month"))
                .col(string("state"))
                .col(big_integer("total_cents"))
                .col(integer("beneficiaries"))
                .col(integer("lines"))
                .col(uuid_null("computed_by"))
                .col(string("computed_by_name"))
                .col(ts("computed_at"))
                .col(uuid_null("approved_by"))
                .col(string_null("approved_by_name"))
                .col(ts_null("approved_at"))
                .col(ts_null("exported_at"))
                .col(ts_null("reconciled_at"))
                .col(integer("version"))
                .foreign_key(
                    ForeignKey::create()
                        .from("programme_payment_runs", "programme_id")
                        .to("programmes", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("programme_payment_runs_month")
                .table("programme_payment_runs")
                .col("programme_id")
                .col("month")
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("programme_payment_lines")
                .col(pk_uuid("id"))
                .col(uuid("run_id"))
                .col(integer("position"))
                .col(uuid("application_id"))
                .col(uuid("person_id"))
                // Snapshots: what was paid to whom, whatever changes later.
                .col(string_null("cuil"))
                .col(string("name"))
                .col(string_null("account"))
                .col(string("category"))
                .col(big_integer("base_cents"))
                .col(big_integer("amount_cents"))
                // `paid`, `reduced`, `excluded`.
                .col(string("status"))
                .col(string_null("reason"))
                .col(integer("days"))
                .col(integer_null("days_attended"))
                .col(integer_null("days_expected"))
                // A rejected payment of an earlier run this line pays again.
                .col(uuid_null("carries"))
                // The bank's answer: `paid` or `rejected`, with its reason.
                .col(string_null("result"))
                .col(string_null("result_reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("programme_payment_lines", "run_id")
                        .to("programme_payment_runs", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        for (name, col) in [
            ("programme_payment_lines_run", "run_id"),
            ("programme_payment_lines_person", "person_id"),
            ("programme_payment_lines_carries", "carries"),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table("programme_payment_lines")
                    .col(col)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "programme_payment_lines",
            "programme_payment_runs",
            "programme_attendance",
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        m.alter_table(
            Table::alter()
                .table("programmes")
                .drop_column("payment_rule")
                .take(),
        )
        .await
    }
}
