//! The compliance review queue: what the nightly check of active beneficiaries proposes
//! (a suspension or an ending, with its reason), and what an operator decided.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_query::Expr;

use sipe_platform::db::migrations::schema::{ts, ts_null};

/// The compliance table.
pub struct M0033ProgrammeCompliance;

impl MigrationName for M0033ProgrammeCompliance {
    fn name(&self) -> &str {
        "m0033_programme_compliance"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0033ProgrammeCompliance {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("programme_compliance_reviews")
                .col(pk_uuid("id"))
                .col(uuid("application_id"))
                .col(uuid("programme_id"))
                .col(uuid("person_id"))
                // The application's office: whose queue it is in.
                .col(uuid("office_id"))
                // `finish` or `suspend`.
                .col(string("proposal"))
                // `hired`, `aged_out`, `incompatible`, `not_eligible`.
                .col(string("reason"))
                // What was found, language-neutral: the criteria not met, the other
                // programme's code.
                .col(string("detail"))
                // The day it holds from (a hire's first day, a birthday), if known.
                .col(date_null("since"))
                // The application's version when proposed.
                .col(integer("application_version"))
                .col(ts("found_at"))
                // `open`, `confirmed`, `dismissed`, `lapsed` (no longer found).
                .col(string("state"))
                .col(uuid_null("decided_by"))
                .col(string_null("decided_by_name"))
                .col(ts_null("decided_at"))
                .col(string_null("note"))
                .col(integer("version"))
                .foreign_key(
                    ForeignKey::create()
                        .from("programme_compliance_reviews", "application_id")
                        .to("programme_applications", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        // At most one open proposal per application.
        m.create_index(
            Index::create()
                .name("programme_compliance_open")
                .table("programme_compliance_reviews")
                .col("application_id")
                .unique()
                .and_where(Expr::col("state").eq("open"))
                .take(),
        )
        .await?;
        for (name, col) in [
            ("programme_compliance_state_office", "state"),
            ("programme_compliance_person", "person_id"),
        ] {
            let mut index = Index::create();
            index
                .name(name)
                .table("programme_compliance_reviews")
                .col(col);
            if col == "state" {
                index.col("office_id");
            }
            m.create_index(index.take()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("programme_compliance_reviews").take())
            .await?;
        Ok(())
    }
}
