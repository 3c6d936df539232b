//! Tables of programmes. Rows leave the crate only as the facade's records.

/// Beneficiaries' bank accounts, one per person.
pub mod bank_account {
    use sea_orm::entity::prelude::*;

    /// One account.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_bank_accounts")]
    pub struct Model {
        /// The person.
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: Uuid,
        /// `cbu` or `alias`.
        pub kind: String,
        /// 22 digits, when a CBU.
        pub cbu: Option<String>,
        /// Lowercase, when an alias.
        pub alias: Option<String>,
        /// Who recorded it.
        pub updated_by: String,
        /// When.
        pub updated_at: DateTimeUtc,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Employment programmes.
pub mod programme {
    use sea_orm::entity::prelude::*;

    /// One programme.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programmes")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Prefix of its approval numbers, unique (`PEJ`).
        pub code: String,
        /// Name.
        pub name: String,
        /// Folded code and name, for the list's text filter.
        pub search_name: String,
        /// Kind (see `Kind`).
        pub kind: String,
        /// The resolution that creates it.
        pub legal_basis: String,
        /// Its date.
        pub legal_date: Option<Date>,
        /// First day.
        pub starts_on: Date,
        /// Last day, if it ends.
        pub ends_on: Option<Date>,
        /// Where the money comes from (free text until planning links it).
        pub funding_source: Option<String>,
        /// Longest a person is in it, months.
        pub max_months: Option<i32>,
        /// Documents an application needs, one per line.
        pub required_documents: Option<String>,
        /// Most people at once over all offices.
        pub quota_total: Option<i32>,
        /// Taking applications?
        pub active: bool,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A programme's monthly benefit per category, from a date on.
pub mod amount {
    use sea_orm::entity::prelude::*;

    /// One amount in force from a date.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_amounts")]
    pub struct Model {
        /// The programme.
        #[sea_orm(primary_key, auto_increment = false)]
        pub programme_id: Uuid,
        /// Category (`general`, `con hijos`...).
        #[sea_orm(primary_key, auto_increment = false)]
        pub category: String,
        /// In force from.
        #[sea_orm(primary_key, auto_increment = false)]
        pub effective_from: Date,
        /// Pesos in cents.
        pub amount_cents: i64,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A programme's eligibility criteria, one per kind.
pub mod criterion {
    use sea_orm::entity::prelude::*;

    /// One criterion.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_criteria")]
    pub struct Model {
        /// The programme.
        #[sea_orm(primary_key, auto_increment = false)]
        pub programme_id: Uuid,
        /// Kind of criterion (`age`, `residence`...).
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        /// Order shown.
        pub position: i32,
        /// The typed criterion as JSON.
        pub rule: String,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Most people an office may have in a programme at once.
pub mod office_quota {
    use sea_orm::entity::prelude::*;

    /// One office's quota.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_office_quotas")]
    pub struct Model {
        /// The programme.
        #[sea_orm(primary_key, auto_increment = false)]
        pub programme_id: Uuid,
        /// The office.
        #[sea_orm(primary_key, auto_increment = false)]
        pub office_id: Uuid,
        /// Places.
        pub quota: i32,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Pairs of programmes a person cannot be in at once (smaller id first).
pub mod incompatibility {
    use sea_orm::entity::prelude::*;

    /// One pair.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_incompatibilities")]
    pub struct Model {
        /// The programme with the smaller id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub first_id: Uuid,
        /// The other.
        #[sea_orm(primary_key, auto_increment = false)]
        pub second_id: Uuid,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A person's application to a programme.
pub mod application {
    use sea_orm::entity::prelude::*;

    /// One application.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_applications")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The programme.
        pub programme_id: Uuid,
        /// The person.
        pub person_id: Uuid,
        /// The person's office when they applied.
        pub office_id: Uuid,
        /// State (see `applications::STATES`).
        pub state: String,
        /// Amount category.
        pub category: String,
        /// Approval number.
        pub number: Option<String>,
        /// Created.
        pub created_at: DateTimeUtc,
        /// By whom.
        pub created_by: String,
        /// Sent for review (the waiting list's order).
        pub submitted_at: Option<DateTimeUtc>,
        /// Approved or rejected.
        pub decided_at: Option<DateTimeUtc>,
        /// Coded reason of a rejection.
        pub reject_reason: Option<String>,
        /// First day in the programme.
        pub starts_on: Option<Date>,
        /// Last day planned.
        pub ends_on: Option<Date>,
        /// Day it finished.
        pub finished_on: Option<Date>,
        /// Coded reason it finished.
        pub finish_reason: Option<String>,
        /// Bumped by each step (a stale page cannot act twice).
        pub version: i32,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Each step of an application.
pub mod application_event {
    use sea_orm::entity::prelude::*;

    /// One step.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_application_events")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The application.
        pub application_id: Uuid,
        /// State before (none at creation).
        pub from_state: Option<String>,
        /// State after.
        pub to_state: String,
        /// What was done.
        pub action: String,
        /// Coded reason.
        pub reason: Option<String>,
        /// Free note.
        pub note: Option<String>,
        /// Day it takes effect.
        pub effective_on: Option<Date>,
        /// When.
        pub at: DateTimeUtc,
        /// Who (user id).
        pub actor_id: Option<Uuid>,
        /// Who (name).
        pub actor_name: String,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
