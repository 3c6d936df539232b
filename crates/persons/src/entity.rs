//! Tables of the person registry.

/// People registered at the offices.
pub mod person {
    use sea_orm::entity::prelude::*;

    /// One person.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "persons")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The owning office: its scope decides who sees the person.
        pub office_id: Uuid,
        /// `dni`, `py_ci`, `passport`, `foreign`.
        pub doc_type: String,
        /// Normalised document number.
        pub doc_number: String,
        /// CUIL, 11 digits.
        pub cuil: Option<String>,
        /// Surnames as on the document.
        pub surnames: String,
        /// Given names as on the document.
        pub names: String,
        /// Self-perceived name (Ley 26.743), shown wherever the person is named.
        pub chosen_name: Option<String>,
        /// Birth date.
        pub birth_date: Date,
        /// Registered sex: `F`, `M`, `X`.
        pub sex: String,
        /// Gender identity as the person states it.
        pub gender: Option<String>,
        /// Nationality (ISO 3166-1 alpha-2).
        pub nationality: String,
        /// Marital status.
        pub marital_status: Option<String>,
        /// Phone, E.164.
        pub phone: Option<String>,
        /// E-mail.
        pub email: Option<String>,
        /// Consent to be contacted by WhatsApp.
        pub whatsapp_consent: bool,
        /// Consent to be contacted by SMS.
        pub sms_consent: bool,
        /// Consent to be contacted by e-mail.
        pub email_consent: bool,
        /// Street.
        pub street: String,
        /// Street number.
        pub street_number: String,
        /// Floor and unit.
        pub floor_unit: String,
        /// Locality.
        pub locality: String,
        /// Province territory code (`AR-90`).
        pub province_code: Option<String>,
        /// Department territory code (`AR-90084`).
        pub department_code: Option<String>,
        /// Postal code.
        pub postal_code: String,
        /// ISCED 2011 level (`0`–`8`).
        pub education_level: Option<String>,
        /// `employed`, `unemployed`, `inactive`.
        pub employment_status: Option<String>,
        /// Folded "surnames names chosen name", for search and duplicate detection.
        pub search_name: String,
        /// Set when merged into another person (this id stays resolvable).
        pub merged_into: Option<Uuid>,
        /// Has a disability (CUD, Certificado Único de Discapacidad, or declared).
        pub has_disability: bool,
        /// Kind of disability as certified (motor, visceral, intellectual, mental, sensory).
        pub disability_type: Option<String>,
        /// Expiry of the CUD.
        pub cud_expiry: Option<Date>,
        /// People who depend on the person.
        pub dependants: Option<i32>,
        /// Head of household.
        pub head_of_household: bool,
        /// Unemployed since (when unemployed).
        pub unemployed_since: Option<Date>,
        /// Hours available: `full_time`, `part_time`, `any`.
        pub availability_hours: Option<String>,
        /// How far the person would travel to work, in km.
        pub travel_radius_km: Option<i32>,
        /// Creation time.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Field-level history of persons.
pub mod person_change {
    use sea_orm::entity::prelude::*;

    /// One changed field.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "person_changes")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The person.
        pub person_id: Uuid,
        /// Field name.
        pub field: String,
        /// Value before.
        pub old_value: Option<String>,
        /// Value after.
        pub new_value: Option<String>,
        /// Who.
        pub actor_id: Option<Uuid>,
        /// Who, by name.
        pub actor_name: String,
        /// When.
        pub at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The timeline every module appends to.
pub mod timeline_event {
    use sea_orm::entity::prelude::*;

    /// One dated entry about a person.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "timeline_events")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The person.
        pub person_id: Uuid,
        /// Dotted kind: `person.registered`, `person.updated`, `interview`...
        pub kind: String,
        /// One-line summary in the deployment's first language (kept for readers of the
        /// raw rows; pages render `args`).
        pub summary: String,
        /// The arguments of its catalogue message, as JSON (`None` on old events).
        pub args: Option<String>,
        /// Link to the record the event is about.
        pub link: Option<String>,
        /// Office where it happened.
        pub office_id: Option<Uuid>,
        /// Author.
        pub author_id: Option<Uuid>,
        /// Author, by name.
        pub author_name: String,
        /// When.
        pub at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Runs of `sipe import persons`.
pub mod import_run {
    use sea_orm::entity::prelude::*;

    /// One import of one file.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "import_runs")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// What is imported (`persons`).
        pub kind: String,
        /// SHA-256 of the file: the same file resumes the same run.
        pub file_sha256: String,
        /// File name as given.
        pub file_name: String,
        /// `running` or `done`.
        pub status: String,
        /// Index (0-based, after the header) of the first record not yet committed.
        pub next_record: i64,
        /// Rows stored.
        pub accepted: i64,
        /// Rows refused with a reason.
        pub rejected: i64,
        /// Rows skipped as already registered.
        pub duplicates: i64,
        /// Start.
        pub started_at: DateTimeUtc,
        /// End.
        pub finished_at: Option<DateTimeUtc>,
        /// Records in the file (for progress).
        pub total_records: Option<i64>,
        /// Where the report of rejected rows is written.
        pub report_path: Option<String>,
        /// Who started it (user name, or `cli`).
        pub started_by: Option<String>,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The repeating parts of a profile: work history, skills, languages, driving licences,
/// benefits, consents and desired occupations. They share one shape (a coded value, an
/// optional level, dates and a note), so one table keeps them and their handling uniform.
pub mod profile_item {
    use sea_orm::entity::prelude::*;

    /// One item.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "profile_items")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The person.
        pub person_id: Uuid,
        /// `work`, `skill`, `language`, `licence`, `benefit`, `consent`, `desired`.
        pub kind: String,
        /// Coded value: occupation code, skill id, ISO 639-1 language, licence category,
        /// benefit code, consent purpose.
        pub code: String,
        /// Label of the code when it was chosen.
        pub label: String,
        /// Level (skill, language), legal basis (consent), rank (desired occupation).
        pub level: Option<String>,
        /// Employer (work history).
        pub employer: Option<String>,
        /// From (work, benefit, consent given).
        pub from_date: Option<Date>,
        /// To (work, benefit, licence expiry, consent withdrawn).
        pub to_date: Option<Date>,
        /// Tasks (work) or detail.
        pub note: Option<String>,
        /// When it was added.
        pub created_at: DateTimeUtc,
        /// Who added it.
        pub created_by: String,
        /// What proves it: `certificate:<code>` for a skill a training certificate
        /// certifies (see `profile::certify_skills`).
        pub evidence: Option<String>,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Structured interviews at an office.
pub mod interview {
    use sea_orm::entity::prelude::*;

    /// One interview.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "interviews")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The person.
        pub person_id: Uuid,
        /// Office where it took place.
        pub office_id: Uuid,
        /// When.
        pub at: DateTimeUtc,
        /// Interviewer.
        pub interviewer_id: Option<Uuid>,
        /// Interviewer, by name.
        pub interviewer_name: String,
        /// Situation code (`first_job`, `unemployed`, `underemployed`, `employed_seeking`,
        /// `inactive`).
        pub situation: String,
        /// `full_time`, `part_time`, `any`.
        pub hours: String,
        /// Days available, comma-separated (`mon,tue,...`).
        pub days: String,
        /// Travel radius in km.
        pub travel_radius_km: Option<i32>,
        /// Barriers to employment, comma-separated codes.
        pub barriers: String,
        /// Counselor notes.
        pub notes: String,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Requests to move a person to another office.
pub mod transfer_request {
    use sea_orm::entity::prelude::*;

    /// One request.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "transfer_requests")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The person, when the document is registered.
        pub person_id: Option<Uuid>,
        /// Office owning the person when asked (with `person_id`).
        pub from_office_id: Option<Uuid>,
        /// Office asking for the person.
        pub to_office_id: Uuid,
        /// Document type asked for.
        pub doc_type: String,
        /// Document number asked for.
        pub doc_number: String,
        /// Who asked.
        pub requested_by: Option<Uuid>,
        /// Who asked, by name.
        pub requested_by_name: String,
        /// Why.
        pub reason: String,
        /// `pending`, `approved`, `rejected`.
        pub status: String,
        /// Who decided.
        pub decided_by_name: Option<String>,
        /// When decided.
        pub decided_at: Option<DateTimeUtc>,
        /// When asked.
        pub created_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Likely duplicate pairs found by the duplicates scan.
pub mod duplicate_pair {
    use sea_orm::entity::prelude::*;

    /// One pair (`first_id` < `second_id`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "duplicate_pairs")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// One person.
        pub first_id: Uuid,
        /// The other.
        pub second_id: Uuid,
        /// `name_birth`, `phone`, `email`.
        pub reason: String,
        /// Similarity 0–100.
        pub score: i32,
        /// `open`, `dismissed`, `merged`.
        pub status: String,
        /// When found.
        pub found_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A user's saved searches of the persons list.
pub mod saved_search {
    use sea_orm::entity::prelude::*;

    /// One saved search.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "person_saved_searches")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Its owner.
        pub user_id: Uuid,
        /// Name, unique for the user.
        pub name: String,
        /// The filters as the list's query string.
        pub query: String,
        /// Saved.
        pub created_at: DateTimeUtc,
    }

    /// No relations are declared: queries join by id explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
