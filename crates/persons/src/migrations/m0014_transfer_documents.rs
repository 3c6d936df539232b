//! Transfer requests name the document asked for, and may name no one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `transfer_requests` gets `doc_type` and `doc_number` (what the requester typed), and
/// `person_id` / `from_office_id` become optional: a request is stored whether or not
/// the document is registered, so asking reveals nothing. SQLite cannot relax a column,
/// so the table is copied into a new one (existing rows take their person's document).
pub struct M0014TransferDocuments;

impl MigrationName for M0014TransferDocuments {
    fn name(&self) -> &str {
        "m0014_transfer_documents"
    }
}

fn table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(pk_uuid("id"))
        .col(uuid_null("person_id"))
        .col(uuid_null("from_office_id"))
        .col(uuid("to_office_id"))
        .col(string("doc_type"))
        .col(string("doc_number"))
        .col(uuid_null("requested_by"))
        .col(string("requested_by_name"))
        .col(text("reason"))
        .col(string("status"))
        .col(string_null("decided_by_name"))
        .col(super::ts_null("decided_at"))
        .col(super::ts("created_at"))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for M0014TransferDocuments {
    // One transaction on one connection, on SQLite too: the copy, drop and rename must
    // not run on different pooled connections (nor half-way).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table("transfer_requests_v2")).await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO transfer_requests_v2 (id, person_id, from_office_id, to_office_id, \
                 doc_type, doc_number, requested_by, requested_by_name, reason, status, \
                 decided_by_name, decided_at, created_at) \
                 SELECT t.id, t.person_id, t.from_office_id, t.to_office_id, \
                 COALESCE(p.doc_type, ''), COALESCE(p.doc_number, ''), t.requested_by, \
                 t.requested_by_name, t.reason, t.status, t.decided_by_name, t.decided_at, \
                 t.created_at \
                 FROM transfer_requests t LEFT JOIN persons p ON p.id = t.person_id",
            )
            .await?;
        m.drop_table(Table::drop().table("transfer_requests").take())
            .await?;
        m.rename_table(
            Table::rename()
                .table("transfer_requests_v2", "transfer_requests")
                .take(),
        )
        .await?;
        m.create_index(super::index(
            "transfer_requests",
            "ix_transfer_requests_from",
            &["status", "from_office_id"],
        ))
        .await?;
        m.create_index(super::index(
            "transfer_requests",
            "ix_transfer_requests_to",
            &["to_office_id", "created_at"],
        ))
        .await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "m0014 cannot be undone: requests without a person would be lost".into(),
        ))
    }
}
