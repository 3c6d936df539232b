//! Messaging's tables (private to the crate: other modules call the facade).

/// Message templates.
pub mod template {
    use sea_orm::entity::prelude::*;

    /// One template, with a variant per channel.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "message_templates")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Unique code other modules send by (`referral_notice`).
        pub code: String,
        /// Name shown on screens.
        pub name: String,
        /// `service` or a consent purpose.
        pub purpose: String,
        /// Sent at any hour.
        pub any_hour: bool,
        /// SMS text.
        pub sms_text: Option<String>,
        /// Transliterate the SMS into GSM-7.
        pub sms_transliterate: bool,
        /// E-mail subject.
        pub email_subject: Option<String>,
        /// E-mail text (the HTML part is made from it).
        pub email_text: Option<String>,
        /// WhatsApp approved template name.
        pub whatsapp_name: Option<String>,
        /// Its language (`es_AR`).
        pub whatsapp_language: Option<String>,
        /// Its parameters: variables, in order (JSON list).
        pub whatsapp_params: Option<String>,
        /// Free text inside the 24-hour window.
        pub whatsapp_text: Option<String>,
        /// Offered for new messages.
        pub active: bool,
        /// Bumped on each change.
        pub version: i32,
        /// Who changed it last.
        pub updated_by: String,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Changed.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Every message sent or received.
pub mod message {
    use sea_orm::entity::prelude::*;

    /// One message.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "messages")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// One message per key.
        pub idempotency_key: String,
        /// `out` or `in`.
        pub direction: String,
        /// `email`, `sms`, `whatsapp`.
        pub channel: String,
        /// The person (none for an unknown sender).
        pub person_id: Option<Uuid>,
        /// The person's office: the message's scope.
        pub office_id: Option<Uuid>,
        /// Template it came from.
        pub template_id: Option<Uuid>,
        /// Campaign it belongs to.
        pub campaign_id: Option<Uuid>,
        /// E.164 phone or e-mail address.
        pub address: String,
        /// E-mail subject.
        pub subject: Option<String>,
        /// Text.
        pub body: String,
        /// See `domain::status`.
        pub status: String,
        /// Why it failed or was skipped (a code).
        pub reason: Option<String>,
        /// The provider's own words about it.
        pub detail: Option<String>,
        /// Sent at any hour.
        pub any_hour: bool,
        /// Provider that took it.
        pub provider: Option<String>,
        /// The provider's id for it (delivery reports refer to it).
        pub provider_id: Option<String>,
        /// SMS encoding.
        pub encoding: Option<String>,
        /// SMS segments.
        pub segments: Option<i32>,
        /// Cost, in cents.
        pub cost_cents: i64,
        /// Send attempts so far.
        pub attempts: i32,
        /// Not before.
        pub next_attempt_at: DateTimeUtc,
        /// A sender holds it until then.
        pub locked_until: Option<DateTimeUtc>,
        /// The sender batch holding it.
        pub claim: Option<Uuid>,
        /// When its sender started handing it to the provider (SMS, WhatsApp): after
        /// a crash, a message with this set may have left, one without never did.
        pub handed_at: Option<DateTimeUtc>,
        /// WhatsApp: the approved template's call and the free text, as JSON
        /// (`whatsapp::Payload`); which goes depends on the 24-hour window.
        pub payload: Option<String>,
        /// Who or what created it.
        pub created_by: String,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Accepted by the provider.
        pub sent_at: Option<DateTimeUtc>,
        /// Delivered.
        pub delivered_at: Option<DateTimeUtc>,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Saved audiences.
pub mod audience {
    use sea_orm::entity::prelude::*;

    /// One audience: filters, never people.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "message_audiences")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Name.
        pub name: String,
        /// The office whose people it selects (none: every office).
        pub office_id: Option<Uuid>,
        /// The filters (JSON).
        pub filters: String,
        /// Who saved it.
        pub created_by: Option<Uuid>,
        /// Their name.
        pub created_by_name: String,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Changed.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Campaigns.
pub mod campaign {
    use sea_orm::entity::prelude::*;

    /// One campaign.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "message_campaigns")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Name.
        pub name: String,
        /// Template.
        pub template_id: Uuid,
        /// The template's version at launch.
        pub template_version: i32,
        /// Channel.
        pub channel: String,
        /// The office whose people it reaches (none: every office).
        pub office_id: Option<Uuid>,
        /// The audience's filters (JSON).
        pub filters: String,
        /// See `campaigns::State`.
        pub state: String,
        /// People the channel reached at launch.
        pub recipients: i64,
        /// Not before.
        pub scheduled_at: Option<DateTimeUtc>,
        /// Who prepared it.
        pub created_by: Option<Uuid>,
        /// Their name.
        pub created_by_name: String,
        /// Who approved it.
        pub approved_by: Option<Uuid>,
        /// Their name.
        pub approved_by_name: Option<String>,
        /// When.
        pub approved_at: Option<DateTimeUtc>,
        /// Sending began.
        pub started_at: Option<DateTimeUtc>,
        /// Every message settled.
        pub finished_at: Option<DateTimeUtc>,
        /// Who cancelled it.
        pub cancelled_by_name: Option<String>,
        /// When.
        pub cancelled_at: Option<DateTimeUtc>,
        /// Last person queued.
        pub cursor: Option<Uuid>,
        /// The audience was read to its end.
        pub expanded: bool,
        /// A runner holds the expansion until then.
        pub expanding_until: Option<DateTimeUtc>,
        /// Messages queued.
        pub queued: i64,
        /// People of the audience left out (no address or consent, over the cap).
        pub excluded: i64,
        /// Bumped on each change.
        pub version: i32,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Changed.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Delivery reports that arrived before the answer naming their message was recorded
/// (a provider reports within milliseconds; the sender records a batch at a time).
pub mod early_receipt {
    use sea_orm::entity::prelude::*;

    /// One report waiting for its message.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "message_early_receipts")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Provider.
        pub provider: String,
        /// The provider's id of the message.
        pub provider_id: String,
        /// `delivered`, `failed` or `expired`.
        pub status: String,
        /// The provider's words.
        pub detail: Option<String>,
        /// When it happened.
        pub reported_at: DateTimeUtc,
        /// When it arrived.
        pub created_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod mailbox {
    use sea_orm::entity::prelude::*;

    /// How far an IMAP mailbox has been read.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "message_mailboxes")]
    pub struct Model {
        /// `user@host:port/MAILBOX`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        /// The mailbox's UIDVALIDITY when `last_uid` was read.
        pub uid_validity: i64,
        /// The last UID stored.
        pub last_uid: i64,
        /// Last moved.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
