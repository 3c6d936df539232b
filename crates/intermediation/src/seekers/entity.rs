//! The job search of a person: what matching needs and the person record lacks.

/// One row per person who has stated their job search (absent: derived from the
/// employment status, see [`super::Summary`]).
pub mod job_seeker {
    use sea_orm::entity::prelude::*;

    /// A person's job search.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "job_seekers")]
    pub struct Model {
        /// The person.
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: Uuid,
        /// Actively looking for work.
        pub actively_looking: bool,
        /// Since when (set when the flag is turned on).
        pub looking_since: Option<Date>,
        /// Preferred contract types, comma-separated (empty: no preference).
        pub preferred_contracts: String,
        /// Lowest acceptable monthly gross salary (ARS).
        pub salary_expectation: Option<i64>,
        /// When they were last placed through a referral (excluded from matching).
        pub placed_at: Option<DateTimeUtc>,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
