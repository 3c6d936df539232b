//! Conversations: the SMS and WhatsApp messages of each consultation, and how far the
//! inbox has read the messages people sent.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts};

/// The messages of consultations and the reading cursor.
pub struct M0047AttentionConversations;

impl MigrationName for M0047AttentionConversations {
    fn name(&self) -> &str {
        "m0047_attention_conversations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0047AttentionConversations {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("attention_interaction_messages")
                // A message belongs to one consultation.
                .col(uuid("message_id").primary_key())
                .col(uuid("interaction_id"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "attention_interaction_messages",
            "attention_interaction_messages_interaction",
            &["interaction_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("attention_cursors")
                .col(string("name").primary_key())
                .col(ts("at"))
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["attention_cursors", "attention_interaction_messages"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
