//! Referrals, their history, placements and follow-ups (issue 4).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts, ts_null};

/// `referrals`, `referral_events`, `placements`, `follow_ups`.
pub struct M0011Referrals;

impl MigrationName for M0011Referrals {
    fn name(&self) -> &str {
        "m0011_referrals"
    }
}

fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(to, "id").take()
}

#[async_trait::async_trait]
impl MigrationTrait for M0011Referrals {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("referrals")
                .col(pk_uuid("id"))
                .col(uuid("vacancy_id"))
                .col(uuid("person_id"))
                .col(uuid("office_id"))
                .col(string("state"))
                .col(string_null("reason"))
                .col(text_null("reason_text"))
                .col(ts_null("interview_at"))
                .col(text_null("employer_note"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("referrals", "vacancy_id", "vacancies"))
                .foreign_key(&mut fk("referrals", "person_id", "persons"))
                .foreign_key(&mut fk("referrals", "office_id", "offices"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "referrals",
            "ix_referrals_vacancy",
            &["vacancy_id", "state"],
        ))
        .await?;
        m.create_index(index(
            "referrals",
            "ix_referrals_person",
            &["person_id", "state"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("referral_events")
                .col(pk_uuid("id"))
                .col(uuid("referral_id"))
                .col(string_null("from_state"))
                .col(string("to_state"))
                .col(string_null("reason"))
                .col(text_null("internal_note"))
                .col(text_null("employer_note"))
                .col(uuid_null("actor_id"))
                .col(string("actor_name"))
                .col(ts("at"))
                .foreign_key(
                    &mut fk("referral_events", "referral_id", "referrals")
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "referral_events",
            "ix_referral_events_referral",
            &["referral_id", "at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("placements")
                .col(pk_uuid("id"))
                .col(uuid_uniq("referral_id"))
                .col(uuid("person_id"))
                .col(uuid("vacancy_id"))
                .col(uuid("employer_id"))
                .col(uuid("office_id"))
                .col(date("start_date"))
                .col(string_null("contract_type"))
                .col(integer_null("weekly_hours"))
                .col(big_integer_null("salary"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("placements", "referral_id", "referrals"))
                .foreign_key(&mut fk("placements", "person_id", "persons"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "placements",
            "ix_placements_office",
            &["office_id", "start_date"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("follow_ups")
                .col(pk_uuid("id"))
                .col(uuid("placement_id"))
                .col(uuid("office_id"))
                .col(integer("months"))
                .col(date("due_on"))
                .col(ts_null("done_at"))
                .col(boolean_null("still_employed"))
                .col(string_null("employer_name"))
                .col(text_null("note"))
                .foreign_key(
                    &mut fk("follow_ups", "placement_id", "placements")
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "follow_ups",
            "ix_follow_ups_office_due",
            &["office_id", "due_on"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["follow_ups", "placements", "referral_events", "referrals"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
