//! Attention's tables (private to the crate: other modules call the facade).

/// Services an office attends at its counters.
pub mod service {
    use sea_orm::entity::prelude::*;

    /// One service of an office.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_services")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The office.
        pub office_id: Uuid,
        /// Letters before its tickets' numbers.
        pub prefix: String,
        /// Name shown at the kiosk and the counter.
        pub name: String,
        /// Order at the kiosk.
        pub position: i32,
        /// Offered for new tickets.
        pub active: bool,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Changed.
        pub updated_at: DateTimeUtc,
        /// Minutes of an appointment slot (0: no appointments).
        pub slot_minutes: i32,
        /// People an appointment slot takes.
        pub slot_capacity: i32,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Counters (boxes) of an office.
pub mod counter {
    use sea_orm::entity::prelude::*;

    /// One counter.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_counters")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The office.
        pub office_id: Uuid,
        /// Name shown on the display ("Box 3").
        pub name: String,
        /// Ids of the services it calls (JSON list).
        pub services: String,
        /// In use.
        pub active: bool,
        /// The operator signed in to it.
        pub operator_id: Option<Uuid>,
        /// Their name, for the office board.
        pub operator_name: Option<String>,
        /// Since when.
        pub signed_in_at: Option<DateTimeUtc>,
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

/// The queue state of each office (the row every ticket operation locks).
pub mod queue {
    use sea_orm::entity::prelude::*;

    /// An office's queue.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_queues")]
    pub struct Model {
        /// The office.
        #[sea_orm(primary_key, auto_increment = false)]
        pub office_id: Uuid,
        /// Its policy (JSON; none: the default).
        pub policy: Option<String>,
        /// Priority tickets called in a row.
        pub priority_run: i32,
        /// Regular tickets owed before the next priority one.
        pub regular_owed: i32,
        /// The office's calls so far.
        pub last_call: i64,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The last number given per service and day.
pub mod ticket_number {
    use sea_orm::entity::prelude::*;

    /// A prefix's count on a day.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_ticket_numbers")]
    pub struct Model {
        /// The office.
        #[sea_orm(primary_key, auto_increment = false)]
        pub office_id: Uuid,
        /// The prefix.
        #[sea_orm(primary_key, auto_increment = false)]
        pub prefix: String,
        /// The office's local day.
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: Date,
        /// The last number given.
        pub last: i32,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Tickets (turnos) of the counter queue.
pub mod ticket {
    use sea_orm::entity::prelude::*;

    /// One ticket.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_tickets")]
    pub struct Model {
        /// UUIDv7 (also the key of the person's follow-up page).
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The office.
        pub office_id: Uuid,
        /// The service it waits for.
        pub service_id: Uuid,
        /// The office's local day of issue.
        pub day: Date,
        /// `A-001`.
        pub number: String,
        /// `queue::Priority`.
        pub priority: String,
        /// `TicketStatus`.
        pub status: String,
        /// kiosk, reception, web, appointment.
        pub source: String,
        /// The person, when known.
        pub person_id: Option<Uuid>,
        /// Document number typed at issue.
        pub document: Option<String>,
        /// Phone for "your turn is near" (E.164).
        pub phone: Option<String>,
        /// Issued.
        pub issued_at: DateTimeUtc,
        /// Its place: the first issue time.
        pub queued_at: DateTimeUtc,
        /// Last called (or recalled).
        pub called_at: Option<DateTimeUtc>,
        /// The counter that called it.
        pub counter_id: Option<Uuid>,
        /// The operator who called it.
        pub operator_id: Option<Uuid>,
        /// Their name.
        pub operator_name: Option<String>,
        /// Times recalled.
        pub recalls: i32,
        /// Attention started.
        pub started_at: Option<DateTimeUtc>,
        /// Finished, or marked absent.
        pub finished_at: Option<DateTimeUtc>,
        /// Service it was redirected from.
        pub redirected_from: Option<Uuid>,
        /// Topics delivered (JSON list).
        pub delivered: Option<String>,
        /// Bumped on each change.
        pub version: i32,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Calls shown on an office's display.
pub mod call {
    use sea_orm::entity::prelude::*;

    /// One call or recall.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_calls")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The office.
        pub office_id: Uuid,
        /// The office's call number: the display stream's event id.
        pub seq: i64,
        /// The ticket.
        pub ticket_id: Uuid,
        /// Its number.
        pub number: String,
        /// The counter calling.
        pub counter_name: String,
        /// A recall of a ticket called before.
        pub recall: bool,
        /// When.
        pub at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Topics of consultations (an admin-managed code list).
pub mod topic {
    use sea_orm::entity::prelude::*;

    /// One topic.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_topics")]
    pub struct Model {
        /// Stable code (`programmes`).
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        /// Name shown.
        pub name: String,
        /// Order in lists.
        pub position: i32,
        /// Offered for new consultations.
        pub active: bool,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Consultations from every channel.
pub mod interaction {
    use sea_orm::entity::prelude::*;

    /// One consultation.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_interactions")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// `Channel`.
        pub channel: String,
        /// `in` or `out`.
        pub direction: String,
        /// The person, when known.
        pub person_id: Option<Uuid>,
        /// The office (or team) that owns it.
        pub office_id: Uuid,
        /// Its topic.
        pub topic_code: Option<String>,
        /// `InteractionStatus`.
        pub status: String,
        /// What was answered or done.
        pub outcome: Option<String>,
        /// Notes.
        pub notes: Option<String>,
        /// Phone or address it came from.
        pub contact: Option<String>,
        /// The counter ticket it came from.
        pub ticket_id: Option<Uuid>,
        /// The operator it is assigned to.
        pub assigned_to: Option<Uuid>,
        /// Their name.
        pub assigned_name: Option<String>,
        /// Who recorded it.
        pub created_by: Option<Uuid>,
        /// Their name.
        pub created_by_name: String,
        /// Recorded.
        pub created_at: DateTimeUtc,
        /// Changed.
        pub updated_at: DateTimeUtc,
        /// Resolved.
        pub resolved_at: Option<DateTimeUtc>,
        /// Bumped on each change.
        pub version: i32,
        /// When the first answer is due (its SLA target in business minutes).
        pub first_response_due: Option<DateTimeUtc>,
        /// When it must be resolved.
        pub resolution_due: Option<DateTimeUtc>,
        /// When it was first answered (taken out of "open").
        pub first_response_at: Option<DateTimeUtc>,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Calls on the phone line, as the PBX reported them.
pub mod phone_call {
    use sea_orm::entity::prelude::*;

    /// One call.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_phone_calls")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The PBX's `callId`.
        pub call_id: String,
        /// `in` or `out`.
        pub direction: String,
        /// The calling number, as the PBX gave it.
        pub from_number: String,
        /// The called number.
        pub to_number: String,
        /// The party outside, E.164, when it is a phone.
        pub outside_e164: Option<String>,
        /// The person, when exactly one record has that phone.
        pub person_id: Option<Uuid>,
        /// The PBX's queue.
        pub queue: Option<String>,
        /// The PBX's names of the users involved (JSON list).
        pub users: String,
        /// `ringing`, `answered`, `ended`.
        pub state: String,
        /// Why it ended (Zammad's causes).
        pub cause: Option<String>,
        /// The user who answered.
        pub answered_by: Option<Uuid>,
        /// Their name.
        pub answered_by_name: Option<String>,
        /// The consultation opened when it was answered.
        pub interaction_id: Option<Uuid>,
        /// An inbound call nobody answered.
        pub missed: bool,
        /// When someone called back.
        pub callback_at: Option<DateTimeUtc>,
        /// Who.
        pub callback_by: Option<Uuid>,
        /// Their name.
        pub callback_by_name: Option<String>,
        /// First heard of.
        pub started_at: DateTimeUtc,
        /// Answered.
        pub answered_at: Option<DateTimeUtc>,
        /// Ended.
        pub ended_at: Option<DateTimeUtc>,
        /// Changed.
        pub updated_at: DateTimeUtc,
        /// Bumped on each change.
        pub version: i32,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// SLA targets of consultations per channel and topic.
pub mod sla_target {
    use sea_orm::entity::prelude::*;

    /// One target; '' in `channel` or `topic_code` is any.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_sla_targets")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// A channel code, or ''.
        pub channel: String,
        /// A topic code, or ''.
        pub topic_code: String,
        /// Business minutes to the first answer.
        pub first_response_minutes: i32,
        /// Business minutes to the resolution.
        pub resolution_minutes: i32,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Offices' opening hours per weekday (an office without rows keeps the default).
pub mod office_hours {
    use sea_orm::entity::prelude::*;

    /// One weekday of an office.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_office_hours")]
    pub struct Model {
        /// The office.
        #[sea_orm(primary_key, auto_increment = false)]
        pub office_id: Uuid,
        /// 0 Monday ... 6 Sunday.
        #[sea_orm(primary_key, auto_increment = false)]
        pub weekday: i32,
        /// Opens, HH:MM local.
        pub opens: String,
        /// Closes, HH:MM local.
        pub closes: String,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Days every office is closed besides weekends.
pub mod holiday {
    use sea_orm::entity::prelude::*;

    /// One holiday.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_holidays")]
    pub struct Model {
        /// The day.
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: Date,
        /// Its name.
        pub name: String,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The SMS and WhatsApp messages of consultations.
pub mod interaction_message {
    use sea_orm::entity::prelude::*;

    /// One message of one consultation.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_interaction_messages")]
    pub struct Model {
        /// The messaging module's message.
        #[sea_orm(primary_key, auto_increment = false)]
        pub message_id: Uuid,
        /// The consultation.
        pub interaction_id: Uuid,
        /// Linked.
        pub created_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// How far a follower has read (the conversations' reading of received messages).
pub mod cursor {
    use sea_orm::entity::prelude::*;

    /// One follower's position.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_cursors")]
    pub struct Model {
        /// The follower.
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        /// Read up to here.
        pub at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Appointments booked in a service's slots.
pub mod appointment {
    use sea_orm::entity::prelude::*;

    /// One appointment.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attention_appointments")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The office.
        pub office_id: Uuid,
        /// The service.
        pub service_id: Uuid,
        /// The office's local day.
        pub day: Date,
        /// The slot's start.
        pub starts_at: DateTimeUtc,
        /// booked, checked_in, cancelled.
        pub status: String,
        /// staff, web.
        pub source: String,
        /// The person, when staff booked for a known one.
        pub person_id: Option<Uuid>,
        /// Document number.
        pub document: String,
        /// Mobile for the confirmation and the reminder (E.164).
        pub phone: Option<String>,
        /// The secret of its link and QR.
        pub secret: String,
        /// The ticket issued at check-in.
        pub ticket_id: Option<Uuid>,
        /// Reminder queued.
        pub reminded_at: Option<DateTimeUtc>,
        /// Cancelled.
        pub cancelled_at: Option<DateTimeUtc>,
        /// Who booked it (a username, or `web`).
        pub created_by: String,
        /// Booked.
        pub created_at: DateTimeUtc,
        /// Changed.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
