//! Vacancies, their requirements and their state history (issue 4).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts, ts_null};

/// `vacancies`, `vacancy_requirements`, `vacancy_events`.
pub struct M0009Vacancies;

impl MigrationName for M0009Vacancies {
    fn name(&self) -> &str {
        "m0009_vacancies"
    }
}

fn belongs_to_vacancy(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, "vacancy_id")
        .to("vacancies", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for M0009Vacancies {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("vacancies")
                .col(pk_uuid("id"))
                .col(uuid("employer_id"))
                .col(uuid("office_id"))
                .col(string("title"))
                .col(text("search_text"))
                .col(string("occupation_code"))
                .col(text("occupation_label"))
                .col(integer("positions"))
                .col(text_null("tasks"))
                .col(string_null("education_min"))
                .col(boolean("education_mandatory"))
                .col(integer_null("experience_months"))
                .col(string_null("licence_class"))
                .col(boolean("licence_mandatory"))
                .col(string_null("territory_code"))
                .col(string_null("address"))
                .col(string_null("schedule"))
                .col(string_null("hours"))
                .col(integer_null("weekly_hours"))
                .col(string_null("contract_type"))
                .col(big_integer_null("salary_min"))
                .col(big_integer_null("salary_max"))
                .col(string_null("collective_agreement"))
                .col(boolean("accessible"))
                .col(date_null("published_from"))
                .col(date_null("published_until"))
                .col(string("state"))
                .col(ts_null("opened_at"))
                .col(ts_null("ended_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("vacancies", "employer_id")
                        .to("employers", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("vacancies", "office_id")
                        .to("offices", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("vacancies", "territory_code")
                        .to("territories", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "vacancies",
            "ix_vacancies_office_state",
            &["office_id", "state"],
        ))
        .await?;
        m.create_index(index(
            "vacancies",
            "ix_vacancies_employer",
            &["employer_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("vacancy_requirements")
                .col(pk_uuid("id"))
                .col(uuid("vacancy_id"))
                .col(string("kind"))
                .col(string("code"))
                .col(text("label"))
                .col(string_null("level"))
                .col(boolean("required"))
                .foreign_key(&mut belongs_to_vacancy("vacancy_requirements"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "vacancy_requirements",
            "ix_vacancy_requirements_vacancy",
            &["vacancy_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("vacancy_events")
                .col(pk_uuid("id"))
                .col(uuid("vacancy_id"))
                .col(string_null("from_state"))
                .col(string("to_state"))
                .col(text_null("note"))
                .col(uuid_null("actor_id"))
                .col(string("actor_name"))
                .col(ts("at"))
                .foreign_key(&mut belongs_to_vacancy("vacancy_events"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "vacancy_events",
            "ix_vacancy_events_vacancy",
            &["vacancy_id", "at"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["vacancy_events", "vacancy_requirements", "vacancies"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
