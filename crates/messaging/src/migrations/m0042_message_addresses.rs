//! Messages by address (an inbound reply finds the message it answers, and WhatsApp's
//! 24-hour window is the time since the person last wrote from that number), and when
//! a sender started handing a message over (a crash settles the message by it).

use sea_orm_migration::prelude::*;

use sipe_platform::db::migrations::schema::{index, ts_null};

/// An index of messages by channel and address; `messages.handed_at`.
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
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("messages")
                .drop_column("handed_at")
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
