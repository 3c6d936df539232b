//! Import runs, shared by every file import (`persons`, other modules' lists): one row
//! per file (by SHA-256) with the first record not yet committed, so the same file
//! resumes where it stopped and a file imported completely is not imported again.

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::entity::import_run;

/// One import of one file.
pub type ImportRun = import_run::Model;

/// What a new run records.
pub struct NewRun<'a> {
    /// What is imported (`persons`, `national_benefits`).
    pub kind: &'a str,
    /// SHA-256 of the file, hex.
    pub sha256: &'a str,
    /// File name as given.
    pub file_name: &'a str,
    /// Records after the header.
    pub total_records: u64,
    /// Where rejected rows go.
    pub report_path: &'a str,
    /// Who started it.
    pub started_by: &'a str,
}

/// The run of this file (by kind and SHA-256), created when there is none.
pub async fn open(conn: &impl ConnectionTrait, new: NewRun<'_>) -> Result<ImportRun, DbErr> {
    if let Some(run) = import_run::Entity::find()
        .filter(import_run::Column::Kind.eq(new.kind))
        .filter(import_run::Column::FileSha256.eq(new.sha256))
        .one(conn)
        .await?
    {
        return Ok(run);
    }
    import_run::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(new.kind.to_owned()),
        file_sha256: Set(new.sha256.to_owned()),
        file_name: Set(new.file_name.to_owned()),
        status: Set("running".into()),
        next_record: Set(0),
        accepted: Set(0),
        rejected: Set(0),
        duplicates: Set(0),
        started_at: Set(Utc::now()),
        finished_at: Set(None),
        total_records: Set(Some(new.total_records as i64)),
        report_path: Set(Some(new.report_path.to_owned())),
        started_by: Set(Some(new.started_by.to_owned())),
    }
    .insert(conn)
    .await
}

/// Records a committed batch (inside its transaction): the next record to read and the
/// rows it accepted, rejected and skipped as duplicates.
pub async fn advance(
    conn: &impl ConnectionTrait,
    run: Uuid,
    next_record: u64,
    accepted: u64,
    rejected: u64,
    duplicates: u64,
) -> Result<(), DbErr> {
    import_run::Entity::update_many()
        .col_expr(
            import_run::Column::NextRecord,
            Expr::value(next_record as i64),
        )
        .col_expr(
            import_run::Column::Accepted,
            Expr::col(import_run::Column::Accepted).add(accepted as i64),
        )
        .col_expr(
            import_run::Column::Rejected,
            Expr::col(import_run::Column::Rejected).add(rejected as i64),
        )
        .col_expr(
            import_run::Column::Duplicates,
            Expr::col(import_run::Column::Duplicates).add(duplicates as i64),
        )
        .filter(import_run::Column::Id.eq(run))
        .exec(conn)
        .await?;
    Ok(())
}

/// Marks a run done.
pub async fn finish(conn: &impl ConnectionTrait, run: Uuid) -> Result<(), DbErr> {
    import_run::Entity::update_many()
        .col_expr(import_run::Column::Status, Expr::value("done"))
        .col_expr(import_run::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(import_run::Column::Id.eq(run))
        .exec(conn)
        .await?;
    Ok(())
}

/// The newest runs of a kind.
pub async fn list(
    conn: &impl ConnectionTrait,
    kind: &str,
    limit: u64,
) -> Result<Vec<ImportRun>, DbErr> {
    import_run::Entity::find()
        .filter(import_run::Column::Kind.eq(kind))
        .order_by_desc(import_run::Column::StartedAt)
        .limit(limit)
        .all(conn)
        .await
}

/// One run of a kind.
pub async fn find(
    conn: &impl ConnectionTrait,
    kind: &str,
    id: Uuid,
) -> Result<Option<ImportRun>, DbErr> {
    import_run::Entity::find_by_id(id)
        .filter(import_run::Column::Kind.eq(kind))
        .one(conn)
        .await
}
