//! Tables of employers.

/// Companies, public bodies and individual employers, each managed by one office.
pub mod employer {
    use sea_orm::entity::prelude::*;

    /// One employer.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "employers")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// CUIT, 11 digits, unique.
        pub cuit: String,
        /// Razón social.
        pub legal_name: String,
        /// Nombre de fantasía.
        pub trade_name: Option<String>,
        /// Lowercased, accent-free legal and trade names, for the list's text filter.
        pub search_name: String,
        /// ISIC Rev.4 division or finer ISIC/CLAE code.
        pub activity_code: Option<String>,
        /// Size band (`micro` … `large`, `public`).
        pub size_band: Option<String>,
        /// The office that manages the relationship; scopes apply through it.
        pub office_id: Uuid,
        /// Street address of the main site.
        pub address: Option<String>,
        /// Department of the main site.
        pub territory_code: Option<String>,
        /// Main phone, E.164.
        pub phone: Option<String>,
        /// Main e-mail.
        pub email: Option<String>,
        /// Website.
        pub website: Option<String>,
        /// Internal notes.
        pub notes: Option<String>,
        /// Still an active relationship?
        pub active: bool,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Contact people at an employer.
pub mod employer_contact {
    use sea_orm::entity::prelude::*;

    /// One contact.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "employer_contacts")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The employer.
        pub employer_id: Uuid,
        /// Full name.
        pub name: String,
        /// Role.
        pub role: Option<String>,
        /// Phone, E.164.
        pub phone: Option<String>,
        /// E-mail.
        pub email: Option<String>,
        /// Added.
        pub created_at: DateTimeUtc,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An employer's other sites (plants, branches, warehouses) besides its main address.
pub mod employer_site {
    use sea_orm::entity::prelude::*;

    /// One site.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "employer_sites")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The employer.
        pub employer_id: Uuid,
        /// What the site is ("Planta Famaillá", "Sucursal centro").
        pub name: String,
        /// Street address.
        pub address: Option<String>,
        /// Department (INDEC code).
        pub territory_code: String,
        /// Added.
        pub created_at: DateTimeUtc,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Agreements between an employer and its office (collaboration, internships, programmes).
pub mod employer_agreement {
    use sea_orm::entity::prelude::*;

    /// One agreement.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "employer_agreements")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The employer.
        pub employer_id: Uuid,
        /// `collaboration`, `internships`, `programme`, `other`.
        pub kind: String,
        /// Title or reference.
        pub title: String,
        /// Signed on.
        pub signed_on: Date,
        /// Ends on.
        pub expires_on: Option<Date>,
        /// Notes.
        pub notes: Option<String>,
        /// Added.
        pub created_at: DateTimeUtc,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
