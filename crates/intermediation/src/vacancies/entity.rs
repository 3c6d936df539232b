//! Tables of vacancies.

/// Vacancies (ofertas de empleo) of employers, each managed by one office.
pub mod vacancy {
    use sea_orm::entity::prelude::*;

    /// One vacancy.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vacancies")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The employer.
        pub employer_id: Uuid,
        /// The office that manages it; scopes apply through it.
        pub office_id: Uuid,
        /// Title.
        pub title: String,
        /// Folded title, employer name and occupation label, for the list's text filter.
        pub search_text: String,
        /// ISCO-08 based occupation code (`9321.2`).
        pub occupation_code: String,
        /// Its label when entered.
        pub occupation_label: String,
        /// Positions offered.
        pub positions: i32,
        /// Tasks.
        pub tasks: Option<String>,
        /// Minimum education level (ISCED 2011).
        pub education_min: Option<String>,
        /// Is the education level a hard filter?
        pub education_mandatory: bool,
        /// Months of experience asked for.
        pub experience_months: Option<i32>,
        /// Driving licence class.
        pub licence_class: Option<String>,
        /// Is the licence a hard filter?
        pub licence_mandatory: bool,
        /// Department of the workplace.
        pub territory_code: Option<String>,
        /// Address of the workplace.
        pub address: Option<String>,
        /// Schedule.
        pub schedule: Option<String>,
        /// `full_time` or `part_time`.
        pub hours: Option<String>,
        /// Hours per week.
        pub weekly_hours: Option<i32>,
        /// Contract type.
        pub contract_type: Option<String>,
        /// Salary range (ARS per month, gross).
        pub salary_min: Option<i64>,
        /// Salary range (ARS per month, gross).
        pub salary_max: Option<i64>,
        /// Applicable collective agreement.
        pub collective_agreement: Option<String>,
        /// Suitable for people with disabilities.
        pub accessible: bool,
        /// Publication start.
        pub published_from: Option<Date>,
        /// Publication end.
        pub published_until: Option<Date>,
        /// `draft`, `open`, `paused`, `filled`, `closed`, `cancelled`.
        pub state: String,
        /// When it was first opened (indicators count from here).
        pub opened_at: Option<DateTimeUtc>,
        /// When it reached a final state.
        pub ended_at: Option<DateTimeUtc>,
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

/// Skills and languages a vacancy asks for.
pub mod vacancy_requirement {
    use sea_orm::entity::prelude::*;

    /// One requirement.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vacancy_requirements")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The vacancy.
        pub vacancy_id: Uuid,
        /// `skill` or `language`.
        pub kind: String,
        /// Skill id or ISO 639-1 code.
        pub code: String,
        /// Skill label or language code.
        pub label: String,
        /// Lowest language level.
        pub level: Option<String>,
        /// Required (true) or desired (false).
        pub required: bool,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The history of a vacancy's states: who moved it, when, why.
pub mod vacancy_event {
    use sea_orm::entity::prelude::*;

    /// One change of state (the first row is the creation, `from_state` empty).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vacancy_events")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The vacancy.
        pub vacancy_id: Uuid,
        /// State before.
        pub from_state: Option<String>,
        /// State after.
        pub to_state: String,
        /// Why.
        pub note: Option<String>,
        /// Who.
        pub actor_id: Option<Uuid>,
        /// Their username when it happened.
        pub actor_name: String,
        /// When.
        pub at: DateTimeUtc,
    }

    /// No navigable relations: queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
