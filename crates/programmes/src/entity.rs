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
