//! The counter queue: services and counters of an office, its queue state, tickets and
//! the calls its display shows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts, ts_null};

/// The counter queue's tables.
pub struct M0043AttentionQueue;

impl MigrationName for M0043AttentionQueue {
    fn name(&self) -> &str {
        "m0043_attention_queue"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0043AttentionQueue {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("attention_services")
                .col(pk_uuid("id"))
                .col(uuid("office_id"))
                // The letters before a ticket's number (`A` in `A-001`).
                .col(string("prefix"))
                .col(string("name"))
                .col(integer("position"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("attention_services_prefix")
                .table("attention_services")
                .col("office_id")
                .col("prefix")
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("attention_counters")
                .col(pk_uuid("id"))
                .col(uuid("office_id"))
                .col(string("name"))
                // The ids of the services it calls, as a JSON list.
                .col(text("services"))
                .col(boolean("active"))
                // The operator signed in to it, if any.
                .col(uuid_null("operator_id"))
                .col(string_null("operator_name"))
                .col(ts_null("signed_in_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("attention_counters_name")
                .table("attention_counters")
                .col("office_id")
                .col("name")
                .unique()
                .take(),
        )
        .await?;
        // An operator holds one counter at a time (NULLs, free counters, do not clash).
        m.create_index(
            Index::create()
                .name("attention_counters_operator")
                .table("attention_counters")
                .col("operator_id")
                .unique()
                .take(),
        )
        .await?;
        // One row per office: locked by every ticket operation of the office, so two
        // counters never call the same ticket and numbers never repeat.
        m.create_table(
            Table::create()
                .table("attention_queues")
                .col(pk_uuid("office_id"))
                // The queue policy as JSON (none: the default).
                .col(text_null("policy"))
                .col(integer("priority_run"))
                .col(integer("regular_owed"))
                // The office's calls so far: each call takes the next number, in the
                // order the lock gives them, so displays resume by it without a gap.
                .col(big_integer("last_call"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        // Per prefix, not per service: a prefix given to another service the same day
        // goes on counting.
        m.create_table(
            Table::create()
                .table("attention_ticket_numbers")
                .col(uuid("office_id"))
                .col(string("prefix"))
                .col(date("day"))
                .col(integer("last"))
                .primary_key(Index::create().col("office_id").col("prefix").col("day"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("attention_tickets")
                .col(pk_uuid("id"))
                .col(uuid("office_id"))
                .col(uuid("service_id"))
                // The office's local day it was issued on, and its number that day.
                .col(date("day"))
                .col(string("number"))
                .col(string("priority"))
                // waiting, called, serving, finished, no_show, cancelled.
                .col(string("status"))
                // kiosk, reception, web, appointment.
                .col(string("source"))
                .col(uuid_null("person_id"))
                // The document typed at issue, looked up at the counter in the
                // operator's search scope.
                .col(string_null("document"))
                .col(string_null("phone"))
                .col(ts("issued_at"))
                // Its place in the queue: the first issue time, kept across redirects.
                .col(ts("queued_at"))
                .col(ts_null("called_at"))
                .col(uuid_null("counter_id"))
                .col(uuid_null("operator_id"))
                .col(string_null("operator_name"))
                .col(integer("recalls"))
                .col(ts_null("started_at"))
                .col(ts_null("finished_at"))
                // The service it was redirected from, if any.
                .col(uuid_null("redirected_from"))
                // Topics of the services delivered, as a JSON list.
                .col(text_null("delivered"))
                .col(integer("version"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "attention_tickets",
            "attention_tickets_queue",
            &["office_id", "status", "queued_at"],
        ))
        .await?;
        m.create_index(index(
            "attention_tickets",
            "attention_tickets_day",
            &["office_id", "day"],
        ))
        .await?;
        m.create_index(index(
            "attention_tickets",
            "attention_tickets_counter",
            &["counter_id", "status"],
        ))
        .await?;
        m.create_index(index(
            "attention_tickets",
            "attention_tickets_person",
            &["person_id"],
        ))
        .await?;
        // What an office's display shows: every call and recall, in order.
        m.create_table(
            Table::create()
                .table("attention_calls")
                .col(pk_uuid("id"))
                .col(uuid("office_id"))
                // The office's call number (`attention_queues.last_call`).
                .col(big_integer("seq"))
                .col(uuid("ticket_id"))
                .col(string("number"))
                .col(string("counter_name"))
                .col(boolean("recall"))
                .col(ts("at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("attention_calls_office")
                .table("attention_calls")
                .col("office_id")
                .col("seq")
                .unique()
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "attention_calls",
            "attention_tickets",
            "attention_ticket_numbers",
            "attention_queues",
            "attention_counters",
            "attention_services",
        ] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
