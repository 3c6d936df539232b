//! The phone line's calls, as the PBX reports them through the CTI webhook.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts, ts_null};

/// The calls table.
pub struct M0045AttentionPhoneCalls;

impl MigrationName for M0045AttentionPhoneCalls {
    fn name(&self) -> &str {
        "m0045_attention_phone_calls"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0045AttentionPhoneCalls {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("attention_phone_calls")
                .col(pk_uuid("id"))
                // The PBX's id of the call (`callId`), up to 250 characters.
                .col(string_len("call_id", 250))
                // in, out.
                .col(string("direction"))
                .col(string("from_number"))
                .col(string("to_number"))
                // The party outside (the caller of an inbound call), E.164 when it is a
                // phone, for finding the person.
                .col(string_null("outside_e164"))
                // The person, when exactly one record has that phone.
                .col(uuid_null("person_id"))
                .col(string_null("queue"))
                // The PBX's names of the users involved (JSON list).
                .col(text("users"))
                // ringing, answered, ended.
                .col(string("state"))
                // Zammad's hangup causes: normalClearing, busy, cancel, noAnswer, ...
                .col(string_null("cause"))
                .col(uuid_null("answered_by"))
                .col(string_null("answered_by_name"))
                // The consultation opened when it was answered.
                .col(uuid_null("interaction_id"))
                // An inbound call nobody answered.
                .col(boolean("missed"))
                .col(ts_null("callback_at"))
                .col(uuid_null("callback_by"))
                .col(string_null("callback_by_name"))
                .col(ts("started_at"))
                .col(ts_null("answered_at"))
                .col(ts_null("ended_at"))
                .col(ts("updated_at"))
                .col(integer("version"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("attention_phone_calls_call_id")
                .table("attention_phone_calls")
                .col("call_id")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(index(
            "attention_phone_calls",
            "attention_phone_calls_started",
            &["started_at"],
        ))
        .await?;
        m.create_index(index(
            "attention_phone_calls",
            "attention_phone_calls_missed",
            &["missed", "callback_at", "started_at"],
        ))
        .await?;
        m.create_index(index(
            "attention_phone_calls",
            "attention_phone_calls_answered",
            &["answered_by", "answered_at"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("attention_phone_calls").take())
            .await?;
        Ok(())
    }
}
