//! Messages by address (an inbound reply finds the message it answers, and WhatsApp's
//! 24-hour window is the time since the person last wrote from that number), and when
//! a sender started handing a message over (a crash settles the message by it), and a
//! WhatsApp message's approved-template call beside its free text; and delivery reports
//! that outran the answer naming their message. A provider's message ids are not
//! unique forever (an SMSC's counter restarts): their index is no longer unique.

use sea_orm_migration::prelude::*;

use sea_orm_migration::schema::{pk_uuid, string, text_null};
use sipe_platform::db::migrations::schema::{index, ts, ts_null};

/// An index of messages by channel and address; `messages.handed_at` and `payload`.
pub struct M0042MessageAddresses;

impl MigrationName for M0042MessageAddresses {
    fn name(&self) -> &str {
        "m0042_message_addresses"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0042MessageAddresses {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "messages",
            "messages_address",
            &["channel", "address", "created_at"],
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table("messages")
                .add_column(ts_null("handed_at"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("messages")
                .add_column(ColumnDef::new("payload").text().null())
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("message_early_receipts")
                .col(pk_uuid("id"))
                .col(string("provider"))
                .col(string("provider_id"))
                .col(string("status"))
                .col(text_null("detail"))
                .col(ts("reported_at"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("messages_provider_id")
                .table("messages")
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "messages",
            "messages_provider_ref",
            &["provider", "provider_id"],
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("message_early_receipts_id")
                .table("message_early_receipts")
                .col("provider")
                .col("provider_id")
                .unique()
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("message_early_receipts").take())
            .await?;
        m.drop_index(
            Index::drop()
                .name("messages_provider_ref")
                .table("messages")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("messages_provider_id")
                .table("messages")
                .col("provider")
                .col("provider_id")
                .unique()
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("messages")
                .drop_column("handed_at")
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("messages")
                .drop_column("payload")
                .take(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("messages_address")
                .table("messages")
                .to_owned(),
        )
        .await
    }
}
