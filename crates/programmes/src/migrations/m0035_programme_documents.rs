//! The documents attached to an application (the programme's required documents), kept
//! by content in the data folder.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::ts;

/// The documents table.
pub struct M0035ProgrammeDocuments;

impl MigrationName for M0035ProgrammeDocuments {
    fn name(&self) -> &str {
        "m0035_programme_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0035ProgrammeDocuments {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("programme_application_documents")
                .col(pk_uuid("id"))
                .col(uuid("application_id"))
                // Which of the programme's required documents it is ("" for another).
                .col(string("document"))
                .col(string("file_name"))
                .col(string("media_type"))
                .col(big_integer("size"))
                // Where the bytes are: `<data_dir>/documents/<2 hex>/<sha256>`.
                .col(string("sha256"))
                .col(uuid_null("uploaded_by"))
                .col(string("uploaded_by_name"))
                .col(ts("uploaded_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("programme_application_documents", "application_id")
                        .to("programme_applications", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("programme_documents_application")
                .table("programme_application_documents")
                .col("application_id")
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table("programme_application_documents")
                .take(),
        )
        .await?;
        Ok(())
    }
}
