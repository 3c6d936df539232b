//! SLAs of consultations: targets per channel and topic, each office's opening hours,
//! the holidays, and each consultation's due times.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts_null};

/// The SLA tables and the consultations' due times.
pub struct M0046AttentionSla;

impl MigrationName for M0046AttentionSla {
    fn name(&self) -> &str {
        "m0046_attention_sla"
    }
}

/// Targets every deployment starts with, in business minutes: channel and topic (''
/// for any), first response, resolution. An office day is six hours (360 minutes).
const TARGETS: [(&str, &str, i32, i32); 5] = [
    ("", "", 360, 2_160),
    ("whatsapp", "", 120, 2_160),
    ("sms", "", 120, 2_160),
    ("web", "", 360, 2_160),
    ("", "complaint", 360, 3_600),
];

/// Argentina's national holidays and Holy Thursday, a non-working day (Ley 27.399,
/// movable ones already moved) for 2026 and 2027; an admin adds the province's, the
/// days decreed each year and the next years' on the SLA page.
const HOLIDAYS: [(&str, &str); 33] = [
    ("2026-01-01", "Año Nuevo"),
    ("2026-02-16", "Carnaval"),
    ("2026-02-17", "Carnaval"),
    (
        "2026-03-24",
        "Día Nacional de la Memoria por la Verdad y la Justicia",
    ),
    (
        "2026-04-02",
        "Día del Veterano y de los Caídos en la Guerra de Malvinas",
    ),
    ("2026-04-03", "Viernes Santo"),
    ("2026-05-01", "Día del Trabajador"),
    ("2026-05-25", "Día de la Revolución de Mayo"),
    (
        "2026-06-15",
        "Paso a la Inmortalidad del General Martín Miguel de Güemes",
    ),
    (
        "2026-06-20",
        "Paso a la Inmortalidad del General Manuel Belgrano",
    ),
    ("2026-07-09", "Día de la Independencia"),
    (
        "2026-08-17",
        "Paso a la Inmortalidad del General José de San Martín",
    ),
    ("2026-10-12", "Día del Respeto a la Diversidad Cultural"),
    ("2026-11-23", "Día de la Soberanía Nacional"),
    ("2026-12-08", "Inmaculada Concepción de María"),
    ("2026-12-25", "Navidad"),
    ("2027-01-01", "Año Nuevo"),
    ("2027-02-08", "Carnaval"),
    ("2027-02-09", "Carnaval"),
    (
        "2027-03-24",
        "Día Nacional de la Memoria por la Verdad y la Justicia",
    ),
    ("2027-03-25", "Jueves Santo (no laborable)"),
    ("2027-03-26", "Viernes Santo"),
    (
        "2027-04-02",
        "Día del Veterano y de los Caídos en la Guerra de Malvinas",
    ),
    ("2027-05-01", "Día del Trabajador"),
    ("2027-05-25", "Día de la Revolución de Mayo"),
    (
        "2027-06-20",
        "Paso a la Inmortalidad del General Manuel Belgrano",
    ),
    (
        "2027-06-21",
        "Paso a la Inmortalidad del General Martín Miguel de Güemes",
    ),
    ("2027-07-09", "Día de la Independencia"),
    (
        "2027-08-16",
        "Paso a la Inmortalidad del General José de San Martín",
    ),
    ("2027-10-11", "Día del Respeto a la Diversidad Cultural"),
    ("2027-11-20", "Día de la Soberanía Nacional"),
    ("2027-12-08", "Inmaculada Concepción de María"),
    ("2027-12-25", "Navidad"),
];

#[async_trait::async_trait]
impl MigrationTrait for M0046AttentionSla {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("attention_sla_targets")
                .col(pk_uuid("id"))
                // A channel code, or '' for any.
                .col(string("channel"))
                // A topic code, or '' for any.
                .col(string("topic_code"))
                // Business minutes.
                .col(integer("first_response_minutes"))
                .col(integer("resolution_minutes"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("attention_sla_targets_key")
                .table("attention_sla_targets")
                .col("channel")
                .col("topic_code")
                .unique()
                .take(),
        )
        .await?;
        let mut insert = Query::insert();
        insert.into_table("attention_sla_targets").columns([
            "id",
            "channel",
            "topic_code",
            "first_response_minutes",
            "resolution_minutes",
        ]);
        for (channel, topic, first, resolution) in TARGETS {
            insert.values_panic([
                uuid::Uuid::now_v7().into(),
                channel.into(),
                topic.into(),
                first.into(),
                resolution.into(),
            ]);
        }
        m.exec_stmt(insert).await?;
        m.create_table(
            Table::create()
                .table("attention_office_hours")
                .col(uuid("office_id"))
                // 0 Monday ... 6 Sunday.
                .col(integer("weekday"))
                // Local times, HH:MM.
                .col(string("opens"))
                .col(string("closes"))
                .primary_key(Index::create().col("office_id").col("weekday"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("attention_holidays")
                .col(date("day").primary_key())
                .col(string("name"))
                .take(),
        )
        .await?;
        let mut insert = Query::insert();
        insert
            .into_table("attention_holidays")
            .columns(["day", "name"]);
        for (day, name) in HOLIDAYS {
            let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|e| DbErr::Custom(e.to_string()))?;
            insert.values_panic([day.into(), name.into()]);
        }
        m.exec_stmt(insert).await?;
        for column in ["first_response_due", "resolution_due", "first_response_at"] {
            m.alter_table(
                Table::alter()
                    .table("attention_interactions")
                    .add_column(ts_null(column))
                    .take(),
            )
            .await?;
        }
        m.create_index(index(
            "attention_interactions",
            "attention_interactions_due",
            &["status", "resolution_due"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("attention_interactions_due")
                .table("attention_interactions")
                .to_owned(),
        )
        .await?;
        for column in ["first_response_due", "resolution_due", "first_response_at"] {
            m.alter_table(
                Table::alter()
                    .table("attention_interactions")
                    .drop_column(column)
                    .take(),
            )
            .await?;
        }
        for t in [
            "attention_holidays",
            "attention_office_hours",
            "attention_sla_targets",
        ] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
