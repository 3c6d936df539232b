//! Consultations (interactions) from every channel and the topics they are about.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts, ts_null};

/// The interactions and topics tables, with the secretariat's first topics.
pub struct M0044AttentionInteractions;

impl MigrationName for M0044AttentionInteractions {
    fn name(&self) -> &str {
        "m0044_attention_interactions"
    }
}

/// The topics every deployment starts with (an admin adds and retires others).
const TOPICS: [(&str, &str, i32); 8] = [
    ("registration", "Inscripción y actualización de datos", 10),
    ("programmes", "Programas de empleo", 20),
    ("payments", "Pagos de programas", 30),
    ("training", "Cursos de formación profesional", 40),
    ("jobs", "Ofertas de empleo y entrevistas", 50),
    ("certificates", "Certificados y constancias", 60),
    ("complaint", "Reclamos", 70),
    ("other", "Otro tema", 999),
];

#[async_trait::async_trait]
impl MigrationTrait for M0044AttentionInteractions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("attention_topics")
                .col(string("code").primary_key())
                .col(string("name"))
                .col(integer("position"))
                .col(boolean("active"))
                .take(),
        )
        .await?;
        let mut insert = Query::insert();
        insert
            .into_table("attention_topics")
            .columns(["code", "name", "position", "active"]);
        for (code, name, position) in TOPICS {
            insert.values_panic([code.into(), name.into(), position.into(), true.into()]);
        }
        m.exec_stmt(insert).await?;
        m.create_table(
            Table::create()
                .table("attention_interactions")
                .col(pk_uuid("id"))
                // phone, email, whatsapp, social, web, counter, sms.
                .col(string("channel"))
                // in, out.
                .col(string("direction"))
                .col(uuid_null("person_id"))
                .col(uuid("office_id"))
                .col(string_null("topic_code"))
                // open, waiting_person, waiting_area, resolved.
                .col(string("status"))
                .col(text_null("outcome"))
                .col(text_null("notes"))
                // The phone or address it came from, as given.
                .col(string_null("contact"))
                .col(uuid_null("ticket_id"))
                .col(uuid_null("assigned_to"))
                .col(string_null("assigned_name"))
                .col(uuid_null("created_by"))
                .col(string("created_by_name"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("resolved_at"))
                .col(integer("version"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "attention_interactions",
            "attention_interactions_office",
            &["office_id", "status", "created_at"],
        ))
        .await?;
        m.create_index(index(
            "attention_interactions",
            "attention_interactions_person",
            &["person_id"],
        ))
        .await?;
        m.create_index(index(
            "attention_interactions",
            "attention_interactions_assigned",
            &["assigned_to", "status"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("attention_interactions").take())
            .await?;
        m.drop_table(Table::drop().table("attention_topics").take())
            .await?;
        Ok(())
    }
}
