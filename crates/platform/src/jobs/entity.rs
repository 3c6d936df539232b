//! The jobs table.

/// Jobs and outbox events.
pub mod job {
    use sea_orm::entity::prelude::*;

    /// One unit of background work.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "jobs")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Handler name, e.g. `sessions.purge`.
        pub kind: String,
        /// JSON payload.
        pub payload: String,
        /// `pending`, `running`, `done`, `failed`.
        pub status: String,
        /// Runs so far.
        pub attempts: i32,
        /// Runs allowed before `failed`.
        pub max_attempts: i32,
        /// Not before this time.
        pub run_at: DateTimeUtc,
        /// A running job whose lock expired is taken again (its worker died).
        pub locked_until: Option<DateTimeUtc>,
        /// Last failure.
        pub last_error: Option<String>,
        /// Deduplicates enqueues of the same logical job.
        pub idempotency_key: Option<String>,
        /// Creation time.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
        /// Completion time.
        pub finished_at: Option<DateTimeUtc>,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
