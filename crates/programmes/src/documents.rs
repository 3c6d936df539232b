//! The documents an application needs (the programme's list, one per line), attached as
//! files kept by content in `<data_dir>/documents/`. Approval waits until every required
//! document is attached.
//!
//! Invariants: a file is attached only to an application whose person is in the
//! caller's capture scope and that is still open (not rejected nor finished); it is read
//! only within the view scope, and each read is audited; every attachment is audited
//! and on the person's timeline.

use std::path::Path;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::files;
use sipe_platform::validation::FieldErrors;
use uuid::Uuid;

use crate::applications::store as applications;
use crate::entity::application_document;
use crate::error::ProgrammeError;
use crate::programmes::Programme;

/// Where the files are kept in the data folder.
pub const AREA: &str = "documents";
/// Largest file.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most files per application.
pub const MAX_FILES: u64 = 30;
/// States in which files may still be attached.
const OPEN: [&str; 6] = [
    "draft",
    "submitted",
    "under_review",
    "approved",
    "active",
    "suspended",
];

/// An attached document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Document {
    /// Id (download at `/api/v1/programme-documents/{id}`).
    pub id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// Which required document it is ("" for another).
    pub document: String,
    /// File name as uploaded.
    pub file_name: String,
    /// Media type as detected (PDF, JPEG, PNG, WebP).
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Who attached it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: chrono::DateTime<Utc>,
}

impl From<application_document::Model> for Document {
    fn from(m: application_document::Model) -> Self {
        Document {
            id: m.id,
            application_id: m.application_id,
            document: m.document,
            file_name: m.file_name,
            media_type: m.media_type,
            size: m.size,
            sha256: m.sha256,
            uploaded_by: m.uploaded_by_name,
            uploaded_at: m.uploaded_at,
        }
    }
}

/// The programme's required documents, one per line of its list.
pub fn required(programme: &Programme) -> Vec<String> {
    programme
        .required_documents
        .as_deref()
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The required documents none of `attached` is.
pub fn missing(required: &[String], attached: &[Document]) -> Vec<String> {
    required
        .iter()
        .filter(|r| !attached.iter().any(|d| &d.document == *r))
        .cloned()
        .collect()
}

/// An application's documents, oldest first.
pub async fn of(conn: &impl ConnectionTrait, application: Uuid) -> Result<Vec<Document>, DbErr> {
    Ok(application_document::Entity::find()
        .filter(application_document::Column::ApplicationId.eq(application))
        .order_by_asc(application_document::Column::UploadedAt)
        .order_by_asc(application_document::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Document::from)
        .collect())
}

/// The required documents an application still lacks.
pub async fn missing_of(
    conn: &impl ConnectionTrait,
    programme: &Programme,
    application: Uuid,
) -> Result<Vec<String>, DbErr> {
    Ok(missing(&required(programme), &of(conn, application).await?))
}

/// A file to attach.
pub struct Upload<'a> {
    /// Which required document it is ("" for another).
    pub document: &'a str,
    /// The name it came with.
    pub file_name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// The application a file may be attached to now, and its programme: every check
/// before anything is written.
async fn target(
    conn: &impl ConnectionTrait,
    access: &Access,
    application: Uuid,
    document: &str,
) -> Result<(applications::Application, Programme), ProgrammeError> {
    let a = applications::find(conn, access, ScopeKind::Capture, application)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    if !OPEN.contains(&a.state.as_str()) {
        return Err(FieldErrors::one("file", "document-application-closed").into());
    }
    let programme = crate::programmes::find(conn, a.programme_id)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    if !document.is_empty() && !required(&programme).iter().any(|r| r == document) {
        return Err(FieldErrors::one("document", "document-unknown").into());
    }
    let files = application_document::Entity::find()
        .filter(application_document::Column::ApplicationId.eq(a.id))
        .count(conn)
        .await?;
    if files >= MAX_FILES {
        return Err(FieldErrors::one("file", "document-too-many").into());
    }
    Ok((a, programme))
}

/// Attaches a file to an application of a person in the caller's capture scope: PDF,
/// JPEG, PNG or WebP up to 10 MiB. Audited, and on the person's timeline.
pub async fn attach(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    data_dir: &Path,
    application: Uuid,
    upload: Upload<'_>,
) -> Result<Uuid, ProgrammeError> {
    let mut errors = FieldErrors::new();
    let document = upload.document.trim();
    if document.chars().count() > 200 {
        errors.add("document", "document-unknown");
    }
    let file_name = files::base_name(upload.file_name, "documento");
    let media_type = if upload.bytes.is_empty() {
        errors.add("file", "document-empty");
        None
    } else if upload.bytes.len() > MAX_BYTES {
        errors.add("file", "document-too-large");
        None
    } else {
        let found = files::media_type_of(upload.bytes, false);
        if found.is_none() {
            errors.add("file", "document-type-unsupported");
        }
        found
    };
    errors.into_result()?;
    let sha256 = files::sha256_hex(upload.bytes);
    {
        // Checked before writing anything: a refused upload leaves no file.
        let tx = db::begin_write(db).await?;
        target(&tx, access, application, document).await?;
        tx.rollback().await?;
    }
    files::store(data_dir, AREA, &sha256, upload.bytes)
        .await
        .map_err(|e| ProgrammeError::Internal(e.into()))?;
    // And again with the row: the application may have closed in between.
    let tx = db::begin_write(db).await?;
    let (a, programme) = target(&tx, access, application, document).await?;
    let id = Uuid::now_v7();
    application_document::ActiveModel {
        id: Set(id),
        application_id: Set(a.id),
        document: Set(document.to_owned()),
        file_name: Set(file_name.clone()),
        media_type: Set(media_type.unwrap_or("application/octet-stream").to_owned()),
        size: Set(upload.bytes.len() as i64),
        sha256: Set(sha256.clone()),
        uploaded_by: Set(ctx.actor_id),
        uploaded_by_name: Set(access.actor.full_name.clone()),
        uploaded_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.document.add", "programme_application", a.id).after(json!({
            "document_id": id, "document": document, "file_name": file_name,
            "sha256": sha256, "size": upload.bytes.len(),
        })),
    )
    .await?;
    timeline::append(
        &tx,
        ctx,
        NewEvent {
            person_id: a.person_id,
            kind: "programmes.document",
            args: vec![
                (
                    "programme",
                    Arg::text(format!("{} — {}", programme.code, programme.name)),
                ),
                (
                    "document",
                    if document.is_empty() {
                        Arg::key("document-other".to_owned())
                    } else {
                        Arg::text(document.to_owned())
                    },
                ),
            ],
            link: Some(format!("/programme-applications/{}#documents", a.id)),
            office_id: Some(a.office_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A document's row and bytes, for a reader who sees the application's person; the read
/// is audited.
pub async fn open(
    db: &Db,
    reads: &sipe_platform::audit::reads::ReadLog,
    ctx: &AuditCtx,
    access: &Access,
    data_dir: &Path,
    id: Uuid,
) -> Result<(Document, Vec<u8>), ProgrammeError> {
    let row = application_document::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    let a = applications::find(db, access, ScopeKind::View, row.application_id)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    let bytes = tokio::fs::read(files::stored_path(data_dir, AREA, &row.sha256))
        .await
        .map_err(|_| ProgrammeError::NotFound)?;
    sipe_persons::service::record_shown(
        reads,
        ctx,
        "programmes.document.read",
        &id.to_string(),
        std::iter::once(sipe_platform::ids::PersonId(a.person_id)),
    )
    .await
    .map_err(|e| ProgrammeError::Internal(anyhow::anyhow!(e.to_string())))?;
    Ok((row.into(), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str) -> Document {
        Document {
            id: Uuid::nil(),
            application_id: Uuid::nil(),
            document: name.into(),
            file_name: "x.pdf".into(),
            media_type: "application/pdf".into(),
            size: 1,
            sha256: String::new(),
            uploaded_by: String::new(),
            uploaded_at: Utc::now(),
        }
    }

    #[test]
    fn missing_documents_are_those_no_file_is() {
        let required = vec!["DNI".to_owned(), "Constancia de CUIL".to_owned()];
        assert_eq!(missing(&required, &[]), required);
        assert_eq!(
            missing(&required, &[doc("DNI"), doc("")]),
            ["Constancia de CUIL"]
        );
        assert!(missing(&required, &[doc("Constancia de CUIL"), doc("DNI")]).is_empty());
    }
}
