//! Attention's migrations. A merged migration is never edited: add a new one.

use sea_orm_migration::MigrationTrait;

mod m0043_attention_queue;
mod m0044_attention_interactions;
mod m0045_attention_phone_calls;
mod m0046_attention_sla;
mod m0047_attention_conversations;
mod m0048_attention_appointments;

/// The module's migrations (the application orders every module's by name).
pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m0043_attention_queue::M0043AttentionQueue),
        Box::new(m0044_attention_interactions::M0044AttentionInteractions),
        Box::new(m0045_attention_phone_calls::M0045AttentionPhoneCalls),
        Box::new(m0046_attention_sla::M0046AttentionSla),
        Box::new(m0047_attention_conversations::M0047AttentionConversations),
        Box::new(m0048_attention_appointments::M0048AttentionAppointments),
    ]
}
