//! Tables of referrals and placements.

/// A person referred to a vacancy.
pub mod referral {
    use sea_orm::entity::prelude::*;

    /// One referral.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "referrals")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The vacancy.
        pub vacancy_id: Uuid,
        /// The person.
        pub person_id: Uuid,
        /// The vacancy's office (scopes apply through it and the person's office).
        pub office_id: Uuid,
        /// State (see `state::ReferralState`).
        pub state: String,
        /// `referred` (the office proposed the person) or `applied` (the person asked).
        pub origin: String,
        /// Coded reason of a rejection.
        pub reason: Option<String>,
        /// Words of an `other` reason.
        pub reason_text: Option<String>,
        /// Interview date and time.
        pub interview_at: Option<DateTimeUtc>,
        /// Note the employer may read (printed on the letter).
        pub employer_note: Option<String>,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
        /// Short human code: office, year, sequence (`OE-CAP-01-2026-00042`).
        pub code: Option<String>,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The last referral number given per office and year (codes are numbered from it).
pub mod referral_sequence {
    use sea_orm::entity::prelude::*;

    /// One office's year.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "referral_sequences")]
    pub struct Model {
        /// The office.
        #[sea_orm(primary_key, auto_increment = false)]
        pub office_id: Uuid,
        /// The year.
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        /// Last number given.
        pub last: i32,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The history of a referral: every transition, dated and attributed.
pub mod referral_event {
    use sea_orm::entity::prelude::*;

    /// One transition (the first row is the creation).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "referral_events")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The referral.
        pub referral_id: Uuid,
        /// Before.
        pub from_state: Option<String>,
        /// After.
        pub to_state: String,
        /// Rejection reason.
        pub reason: Option<String>,
        /// Internal note (office only).
        pub internal_note: Option<String>,
        /// Note the employer may read.
        pub employer_note: Option<String>,
        /// Who.
        pub actor_id: Option<Uuid>,
        /// Their username then.
        pub actor_name: String,
        /// When.
        pub at: DateTimeUtc,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A hire through a referral.
pub mod placement {
    use sea_orm::entity::prelude::*;

    /// One placement.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "placements")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The referral that led to it.
        pub referral_id: Uuid,
        /// The person.
        pub person_id: Uuid,
        /// The vacancy.
        pub vacancy_id: Uuid,
        /// The employer.
        pub employer_id: Uuid,
        /// The vacancy's office.
        pub office_id: Uuid,
        /// First day of work.
        pub start_date: Date,
        /// Contract type.
        pub contract_type: Option<String>,
        /// Hours per week.
        pub weekly_hours: Option<i32>,
        /// Monthly gross salary (ARS).
        pub salary: Option<i64>,
        /// Recorded.
        pub created_at: DateTimeUtc,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Follow-ups of a placement at 3, 6 and 12 months.
pub mod follow_up {
    use sea_orm::entity::prelude::*;

    /// One follow-up.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "follow_ups")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The placement.
        pub placement_id: Uuid,
        /// The office that follows it.
        pub office_id: Uuid,
        /// 3, 6 or 12.
        pub months: i32,
        /// Due date.
        pub due_on: Date,
        /// When it was done.
        pub done_at: Option<DateTimeUtc>,
        /// Still employed then?
        pub still_employed: Option<bool>,
        /// Employer then (if another).
        pub employer_name: Option<String>,
        /// Note.
        pub note: Option<String>,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
