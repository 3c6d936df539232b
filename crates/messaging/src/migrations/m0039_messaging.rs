//! Templates and the messages themselves: every message sent or received is one row,
//! and the queued rows are the outbox the senders drain.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts, ts_null};

/// The templates and messages tables.
pub struct M0039Messaging;

impl MigrationName for M0039Messaging {
    fn name(&self) -> &str {
        "m0039_messaging"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0039Messaging {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("message_templates")
                .col(pk_uuid("id"))
                .col(string("code").unique_key())
                .col(string("name"))
                // `service` or a consent purpose of the registry.
                .col(string("purpose"))
                // Sent at any hour (a login code), quiet hours notwithstanding.
                .col(boolean("any_hour"))
                .col(text_null("sms_text"))
                .col(boolean("sms_transliterate"))
                .col(string_null("email_subject"))
                .col(text_null("email_text"))
                // The provider's approved template and its language; its parameters
                // are these variables, in order (a JSON list).
                .col(string_null("whatsapp_name"))
                .col(string_null("whatsapp_language"))
                .col(text_null("whatsapp_params"))
                // Free text, inside the 24 hours after the person wrote.
                .col(text_null("whatsapp_text"))
                .col(boolean("active"))
                .col(integer("version"))
                .col(string("updated_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("messages")
                .col(pk_uuid("id"))
                // One message per key: a retry, a restart or a second call never sends
                // twice (`c:<campaign>:<person>:<channel>`, `t:<caller's key>`, `in:...`).
                .col(string("idempotency_key").unique_key())
                .col(string("direction"))
                .col(string("channel"))
                .col(uuid_null("person_id"))
                // The person's office when queued or received: the message's scope.
                .col(uuid_null("office_id"))
                .col(uuid_null("template_id"))
                .col(uuid_null("campaign_id"))
                .col(string("address"))
                .col(string_null("subject"))
                .col(text("body"))
                .col(string("status"))
                // A coded reason (`no_channel_consent`, `provider_refused`, ...), and
                // the provider's own words.
                .col(string_null("reason"))
                .col(text_null("detail"))
                .col(boolean("any_hour"))
                .col(string_null("provider"))
                .col(string_null("provider_id"))
                .col(string_null("encoding"))
                .col(integer_null("segments"))
                .col(big_integer("cost_cents"))
                .col(integer("attempts"))
                .col(ts("next_attempt_at"))
                .col(ts_null("locked_until"))
                // Who claimed it for sending (a sender's batch).
                .col(uuid_null("claim"))
                .col(string("created_by"))
                .col(ts("created_at"))
                .col(ts_null("sent_at"))
                .col(ts_null("delivered_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        for (name, cols) in [
            (
                "messages_due",
                &["status", "channel", "next_attempt_at"][..],
            ),
            ("messages_person", &["person_id", "created_at"][..]),
            ("messages_campaign", &["campaign_id", "status"][..]),
            ("messages_claim", &["claim"][..]),
            ("messages_office", &["office_id", "created_at"][..]),
        ] {
            m.create_index(index("messages", name, cols)).await?;
        }
        // A delivery report names one message.
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
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("messages").take()).await?;
        m.drop_table(Table::drop().table("message_templates").take())
            .await?;
        Ok(())
    }
}
