//! Appointments: a service's slots (their length and how many people each takes) and
//! the appointments booked in them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts, ts_null};

/// Slots of services and their appointments.
pub struct M0048AttentionAppointments;

impl MigrationName for M0048AttentionAppointments {
    fn name(&self) -> &str {
        "m0048_attention_appointments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0048AttentionAppointments {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Minutes of a slot (0: the service takes no appointments) and people per slot.
        for column in ["slot_minutes", "slot_capacity"] {
            m.alter_table(
                Table::alter()
                    .table("attention_services")
                    .add_column(integer(column).default(0))
                    .take(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("attention_appointments")
                .col(pk_uuid("id"))
                .col(uuid("office_id"))
                .col(uuid("service_id"))
                // The office's local day and the slot's start.
                .col(date("day"))
                .col(ts("starts_at"))
                // booked, checked_in, cancelled.
                .col(string("status"))
                // staff, web.
                .col(string("source"))
                .col(uuid_null("person_id"))
                .col(string("document"))
                .col(string_null("phone"))
                // The secret of the appointment's link and QR (kept whole: the reminder
                // a day before carries the link again).
                .col(string("secret").unique_key())
                // The ticket its check-in issued.
                .col(uuid_null("ticket_id"))
                .col(ts_null("reminded_at"))
                .col(ts_null("cancelled_at"))
                .col(string("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "attention_appointments",
            "attention_appointments_slot",
            &["service_id", "starts_at"],
        ))
        .await?;
        m.create_index(index(
            "attention_appointments",
            "attention_appointments_day",
            &["office_id", "day", "starts_at"],
        ))
        .await?;
        m.create_index(index(
            "attention_appointments",
            "attention_appointments_document",
            &["document", "day"],
        ))
        .await?;
        m.create_index(index(
            "attention_appointments",
            "attention_appointments_reminder",
            &["status", "starts_at"],
        ))
        .await?;
        m.create_index(index(
            "attention_appointments",
            "attention_appointments_person",
            &["person_id"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("attention_appointments").take())
            .await?;
        for column in ["slot_minutes", "slot_capacity"] {
            m.alter_table(
                Table::alter()
                    .table("attention_services")
                    .drop_column(column)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
