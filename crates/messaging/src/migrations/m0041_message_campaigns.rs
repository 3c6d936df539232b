//! Audiences (saved filters over the registry) and campaigns (a template sent to an
//! audience on one channel, approved when large, then expanded into messages).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts, ts_null};

/// The audiences and campaigns tables.
pub struct M0041MessageCampaigns;

impl MigrationName for M0041MessageCampaigns {
    fn name(&self) -> &str {
        "m0041_message_campaigns"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0041MessageCampaigns {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("message_audiences")
                .col(pk_uuid("id"))
                .col(string("name"))
                // The office whose people it selects (none: every office, national users).
                .col(uuid_null("office_id"))
                // The filters as JSON; never the people, who are found at each use.
                .col(text("filters"))
                .col(uuid_null("created_by"))
                .col(string("created_by_name"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("message_campaigns")
                .col(pk_uuid("id"))
                .col(string("name"))
                .col(uuid("template_id"))
                // The template's version when it was launched: a template changed since
                // is not sent under an approval given to other words.
                .col(integer("template_version"))
                .col(string("channel"))
                .col(uuid_null("office_id"))
                .col(text("filters"))
                // draft, pending_approval, scheduled, sending, finished, cancelled.
                .col(string("state"))
                // People the channel reached when it was launched.
                .col(big_integer("recipients"))
                .col(ts_null("scheduled_at"))
                .col(uuid_null("created_by"))
                .col(string("created_by_name"))
                .col(uuid_null("approved_by"))
                .col(string_null("approved_by_name"))
                .col(ts_null("approved_at"))
                .col(ts_null("started_at"))
                .col(ts_null("finished_at"))
                .col(string_null("cancelled_by_name"))
                .col(ts_null("cancelled_at"))
                // Expansion: the last person queued, done when the audience is read
                // to its end; a runner holds it until `expanding_until`.
                .col(uuid_null("cursor"))
                .col(boolean("expanded"))
                .col(ts_null("expanding_until"))
                .col(big_integer("queued"))
                .col(big_integer("excluded"))
                .col(integer("version"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "message_campaigns",
            "message_campaigns_state",
            &["state", "scheduled_at"],
        ))
        .await?;
        m.create_index(index(
            "message_campaigns",
            "message_campaigns_office",
            &["office_id", "created_at"],
        ))
        .await?;
        m.create_index(index(
            "message_audiences",
            "message_audiences_office",
            &["office_id", "name"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("message_campaigns").take())
            .await?;
        m.drop_table(Table::drop().table("message_audiences").take())
            .await?;
        Ok(())
    }
}
