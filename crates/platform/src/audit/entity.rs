//! Tables of the audit log.

/// The append-only, hash-chained log.
pub mod audit_log {
    use sea_orm::entity::prelude::*;

    /// One audited action.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        /// Position in the chain, 1, 2, 3... without gaps.
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        /// UUIDv7.
        pub id: Uuid,
        /// When (UTC, microseconds).
        pub at: DateTimeUtc,
        /// The acting user, if any.
        pub actor_id: Option<Uuid>,
        /// The acting user's name (`system`, `cli` for the machine).
        pub actor_name: String,
        /// Dotted action name: `office.update`, `user.login_failed`.
        pub action: String,
        /// Kind of record acted on.
        pub entity_type: String,
        /// Its id or code.
        pub entity_id: Option<String>,
        /// JSON of the record before the change.
        pub before: Option<String>,
        /// JSON of the record after the change.
        pub after: Option<String>,
        /// Client address.
        pub ip: Option<String>,
        /// Request id, to join with logs.
        pub request_id: Option<String>,
        /// Hash of the previous row.
        pub prev_hash: String,
        /// Hash of this row's content and `prev_hash`.
        pub hash: String,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The single row holding the chain's head: its lock orders concurrent appends.
pub mod audit_head {
    use sea_orm::entity::prelude::*;

    /// The head of the chain.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_head")]
    pub struct Model {
        /// Always 1.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        /// Last assigned sequence number.
        pub seq: i64,
        /// Hash of the last row.
        pub last_hash: String,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
