//! Tables of the taxonomies.

/// ISCO-08 groups (major, sub-major, minor, unit) and local groups.
pub mod occupation_group {
    use sea_orm::entity::prelude::*;

    /// One group.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "occupation_groups")]
    pub struct Model {
        /// ISCO-08 code (`7`, `71`, `711`, `7112`) or local code (`I31`).
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        /// `major`, `sub_major`, `minor`, `unit`, `local`.
        pub kind: String,
        /// Preferred label (Argentine Spanish).
        pub label: String,
        /// Enclosing group.
        pub parent_code: Option<String>,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Occupations, each under an ISCO-08 unit group (or a local group).
pub mod occupation {
    use sea_orm::entity::prelude::*;

    /// One occupation.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "occupations")]
    pub struct Model {
        /// Code (`7112.1`; local ones like `5221_2`).
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        /// Unit group code (`7112`).
        pub group_code: String,
        /// Preferred label.
        pub label: String,
        /// Alternative labels, one per line.
        pub alt_labels: String,
        /// Description.
        pub description: String,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The skills vocabulary: seeded from the reference skill groups and local skills,
/// extended by admins.
pub mod skill {
    use sea_orm::entity::prelude::*;

    /// One skill.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "skills")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Label (unique).
        pub label: String,
        /// `reference`, `local`, `admin`.
        pub source: String,
        /// Offered in forms.
        pub active: bool,
        /// When added.
        pub created_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The local vocabulary: job titles as people in Argentina say them, each mapped to an
/// ISCO-08 unit group.
pub mod occupation_title {
    use sea_orm::entity::prelude::*;

    /// One title.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "occupation_titles")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Masculine (or only) form: `mozo`.
        pub masculine: String,
        /// Feminine form: `moza`.
        pub feminine: Option<String>,
        /// ISCO-08 unit group (`5131`).
        pub unit_group: String,
        /// Sector of the labour market (`agro`, `comercio`, …).
        pub sector: String,
        /// Offered in forms.
        pub active: bool,
        /// `seed` or `admin`.
        pub source: String,
        /// When added.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
