//! National programmes the offices do not run (Progresar, AUH …) and the beneficiary
//! lists their agencies publish, imported so the counter can answer "¿cobro este mes?".

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_query::Expr;

use sipe_platform::db::migrations::schema::ts;

/// The national programmes tables.
pub struct M0034NationalBenefits;

impl MigrationName for M0034NationalBenefits {
    fn name(&self) -> &str {
        "m0034_national_benefits"
    }
}

/// The national programmes most asked about at the counters, ready to import lists of.
const KNOWN: [(&str, &str, &str); 5] = [
    ("PROGRESAR", "Becas Progresar", "ANSES"),
    ("AUH", "Asignación Universal por Hijo", "ANSES"),
    (
        "POTENCIAR",
        "Potenciar Trabajo / Volver al Trabajo",
        "Capital Humano",
    ),
    ("ALIMENTAR", "Prestación Alimentar", "Capital Humano"),
    ("PNC", "Pensión no contributiva", "ANDIS"),
];

#[async_trait::async_trait]
impl MigrationTrait for M0034NationalBenefits {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("national_programmes")
                .col(pk_uuid("id"))
                // As the lists name it (`PROGRESAR`), unique, upper case.
                .col(string_uniq("code"))
                .col(string("name"))
                // Who publishes the lists.
                .col(string("agency"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        let mut seed = Query::insert();
        seed.into_table("national_programmes").columns([
            "id",
            "code",
            "name",
            "agency",
            "created_at",
        ]);
        for (code, name, agency) in KNOWN {
            seed.values_panic([
                uuid::Uuid::now_v7().into(),
                code.into(),
                name.into(),
                agency.into(),
                chrono::Utc::now().into(),
            ]);
        }
        m.exec_stmt(seed).await?;
        m.create_table(
            Table::create()
                .table("national_benefits")
                .col(pk_uuid("id"))
                // Kept by CUIL, not by person: most people in a national list are not
                // registered here, and whoever registers later is matched at once.
                .col(string("cuil"))
                .col(uuid("programme_id"))
                // First day of the month the list is for.
                .col(date("period"))
                // `active`, `suspended`, `ended`.
                .col(string("status"))
                // Pesos in cents, when the list gives an amount.
                .col(big_integer_null("amount_cents"))
                // The import that last wrote the row.
                .col(uuid("import_run_id"))
                .col(ts("imported_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("national_benefits", "programme_id")
                        .to("national_programmes", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("national_benefits_key")
                .table("national_benefits")
                .col("programme_id")
                .col("period")
                .col("cuil")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("national_benefits_cuil")
                .table("national_benefits")
                .col("cuil")
                .take(),
        )
        .await?;
        // Who receives a programme in its newest list (the eligibility criterion).
        m.create_index(
            Index::create()
                .name("national_benefits_active")
                .table("national_benefits")
                .col("programme_id")
                .col("period")
                .col("cuil")
                .and_where(Expr::col("status").eq("active"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("national_benefits_run")
                .table("national_benefits")
                .col("import_run_id")
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["national_benefits", "national_programmes"] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
