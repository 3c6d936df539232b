//! Tables of the territory module.

/// Provinces, departments and localities by INDEC code (and other countries' codes).
pub mod territory {
    use sea_orm::entity::prelude::*;

    /// One territorial unit.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "territories")]
    pub struct Model {
        /// `AR`, `AR-90`, `AR-90084`: country, then the national statistics code.
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        /// `country`, `province`, `department`, `locality`.
        pub kind: String,
        /// Official name.
        pub name: String,
        /// Code of the unit above.
        pub parent_code: Option<String>,
        /// ISO 3166-1 alpha-2 of the country.
        pub country_code: String,
        /// Code of the national statistics office (INDEC in Argentina).
        pub indec_code: Option<String>,
        /// ISO 3166-2 code, where one exists.
        pub iso_code: Option<String>,
        /// Census population.
        pub population: Option<i64>,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Employment offices, central areas and training centres.
pub mod office {
    use sea_orm::entity::prelude::*;

    /// One office.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "offices")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Short unique code people cite (`OE-CAP-01`).
        pub code: String,
        /// Name shown everywhere.
        pub name: String,
        /// `employment_office`, `central_area`, `training_centre`.
        pub kind: String,
        /// The office above in the hierarchy.
        pub parent_id: Option<Uuid>,
        /// Materialized path of ids, `/root/.../self/`, for "this office and below".
        pub path: String,
        /// Street address.
        pub address: String,
        /// Department (or locality) where the office stands.
        pub territory_code: Option<String>,
        /// Phone as written by the office.
        pub phone: String,
        /// Contact e-mail.
        pub email: String,
        /// Opening hours as shown to the public.
        pub opening_hours: String,
        /// Deactivated offices stay for history but take no new work.
        pub active: bool,
        /// Creation time (UTC).
        pub created_at: DateTimeUtc,
        /// Last change (UTC).
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Territories an office serves.
pub mod office_coverage {
    use sea_orm::entity::prelude::*;

    /// One (office, territory) pair.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "office_coverage")]
    pub struct Model {
        /// The office.
        #[sea_orm(primary_key, auto_increment = false)]
        pub office_id: Uuid,
        /// A department or locality it covers.
        #[sea_orm(primary_key, auto_increment = false)]
        pub territory_code: String,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
