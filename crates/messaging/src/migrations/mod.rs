//! Messaging's migrations. A merged migration is never edited: add a new one.

use sea_orm_migration::MigrationTrait;

mod m0039_messaging;
mod m0040_message_templates;
mod m0041_message_campaigns;
mod m0042_message_addresses;
mod m0049_message_mailboxes;

/// The module's migrations (the application orders every module's by name).
pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m0039_messaging::M0039Messaging),
        Box::new(m0040_message_templates::M0040MessageTemplates),
        Box::new(m0041_message_campaigns::M0041MessageCampaigns),
        Box::new(m0042_message_addresses::M0042MessageAddresses),
        Box::new(m0049_message_mailboxes::M0049MessageMailboxes),
    ]
}
