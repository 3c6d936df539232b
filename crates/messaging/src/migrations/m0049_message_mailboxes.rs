//! How far each IMAP mailbox has been read (its UIDVALIDITY and last UID), and inbound
//! messages found by the provider's id (an e-mail's Message-ID, which threads replies).

use sea_orm_migration::prelude::*;

use sea_orm_migration::schema::{big_integer, string};
use sipe_platform::db::migrations::schema::ts;

/// `message_mailboxes`.
pub struct M0049MessageMailboxes;

impl MigrationName for M0049MessageMailboxes {
    fn name(&self) -> &str {
        "m0049_message_mailboxes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0049MessageMailboxes {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("message_mailboxes")
                .col(string("name").primary_key())
                .col(big_integer("uid_validity"))
                .col(big_integer("last_uid"))
                .col(ts("updated_at"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("message_mailboxes").take())
            .await
    }
}
