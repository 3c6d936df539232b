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
        /// How a month is paid: `full_month`, `calendar_days`, `attendance`.
        pub payment_rule: String,
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

/// Days attended per beneficiary and month, as the host employer certifies them.
pub mod attendance {
    use sea_orm::entity::prelude::*;

    /// One month of one beneficiary.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_attendance")]
    pub struct Model {
        /// The application.
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: Uuid,
        /// First day of the month.
        #[sea_orm(primary_key, auto_increment = false)]
        pub month: Date,
        /// Days attended.
        pub days_attended: i32,
        /// Working days expected.
        pub days_expected: i32,
        /// `office` or `csv`.
        pub source: String,
        /// Who recorded it.
        pub recorded_by: String,
        /// When.
        pub recorded_at: DateTimeUtc,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A programme's payment of a month.
pub mod payment_run {
    use sea_orm::entity::prelude::*;

    /// One run.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_payment_runs")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The programme.
        pub programme_id: Uuid,
        /// First day of the month paid.
        pub month: Date,
        /// `computed`, `approved`, `exported`, `reconciled`.
        pub state: String,
        /// Sum of the lines, cents.
        pub total_cents: i64,
        /// People paid (lines with an amount).
        pub beneficiaries: i32,
        /// Lines, excluded ones included.
        pub lines: i32,
        /// Who computed it.
        pub computed_by: Option<Uuid>,
        /// Their name.
        pub computed_by_name: String,
        /// When.
        pub computed_at: DateTimeUtc,
        /// Who approved it (never who computed it).
        pub approved_by: Option<Uuid>,
        /// Their name.
        pub approved_by_name: Option<String>,
        /// When.
        pub approved_at: Option<DateTimeUtc>,
        /// First payment file.
        pub exported_at: Option<DateTimeUtc>,
        /// Bank result imported.
        pub reconciled_at: Option<DateTimeUtc>,
        /// Bumped by each change.
        pub version: i32,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One beneficiary's line of a run: a snapshot.
pub mod payment_line {
    use sea_orm::entity::prelude::*;

    /// One line.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_payment_lines")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The run.
        pub run_id: Uuid,
        /// Order in the run (by name).
        pub position: i32,
        /// The application.
        pub application_id: Uuid,
        /// The person.
        pub person_id: Uuid,
        /// CUIL when computed.
        pub cuil: Option<String>,
        /// `Surnames, names` when computed.
        pub name: String,
        /// CBU or alias when computed.
        pub account: Option<String>,
        /// Amount category.
        pub category: String,
        /// The month's full amount, cents.
        pub base_cents: i64,
        /// Paid, cents.
        pub amount_cents: i64,
        /// `paid`, `reduced`, `excluded`.
        pub status: String,
        /// Why reduced or excluded.
        pub reason: Option<String>,
        /// Days in the programme this month.
        pub days: i32,
        /// Days attended (attendance rule).
        pub days_attended: Option<i32>,
        /// Days expected (attendance rule).
        pub days_expected: Option<i32>,
        /// The rejected line of an earlier run it pays again.
        pub carries: Option<Uuid>,
        /// Bank's answer: `paid` or `rejected`.
        pub result: Option<String>,
        /// Why rejected.
        pub result_reason: Option<String>,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// What the compliance check proposed, and what was decided.
pub mod compliance_review {
    use sea_orm::entity::prelude::*;

    /// One proposal.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_compliance_reviews")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The application.
        pub application_id: Uuid,
        /// Its programme.
        pub programme_id: Uuid,
        /// Its person.
        pub person_id: Uuid,
        /// Its office.
        pub office_id: Uuid,
        /// `finish` or `suspend`.
        pub proposal: String,
        /// `hired`, `aged_out`, `incompatible`, `not_eligible`.
        pub reason: String,
        /// What was found (criteria kinds, a programme's code).
        pub detail: String,
        /// The day it holds from, if known.
        pub since: Option<Date>,
        /// The application's version when proposed.
        pub application_version: i32,
        /// When found.
        pub found_at: DateTimeUtc,
        /// `open`, `confirmed`, `dismissed`, `lapsed`.
        pub state: String,
        /// Who decided (user id).
        pub decided_by: Option<Uuid>,
        /// Who decided (name).
        pub decided_by_name: Option<String>,
        /// When.
        pub decided_at: Option<DateTimeUtc>,
        /// Why (a dismissal's note).
        pub note: Option<String>,
        /// Bumped by each change.
        pub version: i32,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// National programmes the offices do not run, whose beneficiary lists are imported.
pub mod national_programme {
    use sea_orm::entity::prelude::*;

    /// One national programme.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "national_programmes")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// As the lists name it (`PROGRESAR`).
        pub code: String,
        /// Name.
        pub name: String,
        /// Who publishes the lists.
        pub agency: String,
        /// When added.
        pub created_at: DateTimeUtc,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One line of an imported national beneficiary list.
pub mod national_benefit {
    use sea_orm::entity::prelude::*;

    /// A person's status in a national programme for a month.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "national_benefits")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Eleven digits.
        pub cuil: String,
        /// The national programme.
        pub programme_id: Uuid,
        /// First day of the month.
        pub period: Date,
        /// `active`, `suspended`, `ended`.
        pub status: String,
        /// Pesos in cents, if given.
        pub amount_cents: Option<i64>,
        /// The import that last wrote it.
        pub import_run_id: Uuid,
        /// When.
        pub imported_at: DateTimeUtc,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Documents attached to applications.
pub mod application_document {
    use sea_orm::entity::prelude::*;

    /// One attached file.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_application_documents")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The application.
        pub application_id: Uuid,
        /// Which required document it is ("" for another).
        pub document: String,
        /// File name as uploaded.
        pub file_name: String,
        /// Media type as detected.
        pub media_type: String,
        /// Bytes.
        pub size: i64,
        /// SHA-256, hex: where the bytes are.
        pub sha256: String,
        /// Who uploaded it (user id).
        pub uploaded_by: Option<Uuid>,
        /// Who uploaded it (name).
        pub uploaded_by_name: String,
        /// When.
        pub uploaded_at: DateTimeUtc,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// National lists whose import finished.
pub mod national_list {
    use sea_orm::entity::prelude::*;

    /// One programme's list for one month.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "national_lists")]
    pub struct Model {
        /// The national programme.
        #[sea_orm(primary_key, auto_increment = false)]
        pub programme_id: Uuid,
        /// First day of the month.
        #[sea_orm(primary_key, auto_increment = false)]
        pub period: Date,
        /// People in it.
        pub listed: i64,
        /// Of them, receiving.
        pub active: i64,
        /// Of them, registered here when published.
        pub registered: i64,
        /// The import that published it.
        pub run_id: Uuid,
        /// When.
        pub published_at: DateTimeUtc,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Work-training placements of applications.
pub mod placement {
    use sea_orm::entity::prelude::*;

    /// One placement.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_placements")]
    pub struct Model {
        /// The application.
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: Uuid,
        /// The host employer.
        pub employer_id: Uuid,
        /// Where the training happens.
        pub workplace: String,
        /// The employer's tutor.
        pub tutor_name: String,
        /// How to reach the tutor.
        pub tutor_contact: String,
        /// The tasks.
        pub tasks: String,
        /// Hours a week.
        pub weekly_hours: i32,
        /// First day.
        pub starts_on: Date,
        /// Last day.
        pub ends_on: Date,
        /// Who recorded it last.
        pub updated_by: String,
        /// When.
        pub updated_at: DateTimeUtc,
        /// Bumped by each change.
        pub version: i32,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
