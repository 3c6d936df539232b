//! Use cases on offices: one transaction each, with audit rows.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};
use serde::Serialize;
use uuid::Uuid;

use super::domain::{OfficeInput, ValidOffice};
use super::entity::office;
use super::store;
use crate::access::Access;
use crate::audit::{self, AuditCtx, Change};
use crate::db::{self, Db, StoreError};
use crate::validation::FieldErrors;

/// Why an office use case failed.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// Bad input; nothing stored.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such office in the caller's scope.
    #[error("not found")]
    NotFound,
    /// Database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for OfficeError {
    fn from(e: sea_orm::DbErr) -> Self {
        OfficeError::Store(StoreError::from_db(e))
    }
}

#[derive(Serialize)]
struct Snapshot {
    office: serde_json::Value,
    coverage: Vec<String>,
}

fn snapshot(o: &office::Model, coverage: &[String]) -> Snapshot {
    Snapshot {
        office: serde_json::json!({
            "code": o.code, "name": o.name, "kind": o.kind, "parent_id": o.parent_id,
            "address": o.address, "territory_code": o.territory_code, "phone": o.phone,
            "email": o.email, "opening_hours": o.opening_hours, "active": o.active,
        }),
        coverage: coverage.to_vec(),
    }
}

/// Checks references against the database; returns the parent office.
async fn check_references(
    conn: &impl ConnectionTrait,
    access: &Access,
    v: &ValidOffice,
    self_id: Option<Uuid>,
) -> Result<Option<office::Model>, OfficeError> {
    let mut e = FieldErrors::new();
    if let Some(existing) = store::find_office_by_code(conn, v.code.as_str()).await?
        && Some(existing.id) != self_id
    {
        e.add("code", "office-code-taken");
    }
    let parent = match &v.parent_code {
        Some(code) => match store::find_office_by_code(conn, code).await? {
            Some(p) if access.capture.includes_path(&p.path) => {
                if self_id.is_some_and(|id| p.path.contains(&id.to_string())) {
                    e.add("parent_code", "office-parent-cycle");
                }
                Some(p)
            }
            _ => {
                e.add("parent_code", "office-parent-unknown");
                None
            }
        },
        None => {
            if !access.capture.is_national() {
                e.add("parent_code", "office-parent-required");
            }
            None
        }
    };
    if let Some(t) = &v.territory_code
        && store::find_territory(conn, t).await?.is_none()
    {
        e.add("territory_code", "office-territory-unknown");
    }
    if !store::unknown_territories(conn, &v.coverage)
        .await?
        .is_empty()
    {
        e.add("coverage", "office-territory-unknown");
    }
    e.into_result()?;
    Ok(parent)
}

/// Creates an office under a parent in the caller's capture scope; returns its id.
pub async fn create_office(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    input: &OfficeInput,
) -> Result<Uuid, OfficeError> {
    let v = ValidOffice::try_from(input)?;
    let tx = db::begin_write(db).await?;
    let parent = check_references(&tx, access, &v, None).await?;
    let id = Uuid::now_v7();
    let path = format!(
        "{}{id}/",
        parent.as_ref().map(|p| p.path.as_str()).unwrap_or("/")
    );
    let now = Utc::now();
    let model = office::ActiveModel {
        id: Set(id),
        code: Set(v.code.as_str().to_owned()),
        name: Set(v.name.clone()),
        kind: Set(v.kind.as_str().to_owned()),
        parent_id: Set(parent.map(|p| p.id)),
        path: Set(path),
        address: Set(v.address.clone()),
        territory_code: Set(v.territory_code.clone()),
        phone: Set(v.phone.clone()),
        email: Set(v.email.clone()),
        opening_hours: Set(v.opening_hours.clone()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&tx)
    .await?;
    store::replace_coverage(&tx, id, &v.coverage).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("office.create", "office", id).after(snapshot(&model, &v.coverage)),
    )
    .await?;
    tx.commit().await?;
    super::store::forget_office_scopes();
    Ok(id)
}

/// Updates an office in the caller's capture scope (moving it moves its subtree).
pub async fn update_office(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &OfficeInput,
) -> Result<(), OfficeError> {
    let v = ValidOffice::try_from(input)?;
    let tx = db::begin_write(db).await?;
    let current = store::find_office(&tx, access, id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    if !access.capture.includes_path(&current.path) {
        return Err(OfficeError::NotFound);
    }
    let parent = check_references(&tx, access, &v, Some(id)).await?;
    let before_cov: Vec<String> = store::coverage(&tx, id)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    let before = snapshot(&current, &before_cov);
    let old_path = current.path.clone();
    let new_path = format!(
        "{}{id}/",
        parent.as_ref().map(|p| p.path.as_str()).unwrap_or("/")
    );
    let mut active = current.into_active_model();
    active.code = Set(v.code.as_str().to_owned());
    active.name = Set(v.name.clone());
    active.kind = Set(v.kind.as_str().to_owned());
    active.parent_id = Set(parent.map(|p| p.id));
    active.path = Set(new_path.clone());
    active.address = Set(v.address.clone());
    active.territory_code = Set(v.territory_code.clone());
    active.phone = Set(v.phone.clone());
    active.email = Set(v.email.clone());
    active.opening_hours = Set(v.opening_hours.clone());
    active.updated_at = Set(Utc::now());
    let updated = active.update(&tx).await?;
    if new_path != old_path {
        for child in store::descendants(&tx, &old_path).await? {
            let moved = format!("{new_path}{}", &child.path[old_path.len()..]);
            let mut a = child.into_active_model();
            a.path = Set(moved);
            a.update(&tx).await?;
        }
    }
    store::replace_coverage(&tx, id, &v.coverage).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("office.update", "office", id)
            .before(before)
            .after(snapshot(&updated, &v.coverage)),
    )
    .await?;
    tx.commit().await?;
    super::store::forget_office_scopes();
    Ok(())
}

/// Activates or deactivates an office in the caller's capture scope.
pub async fn set_office_active(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    active_flag: bool,
) -> Result<(), OfficeError> {
    let tx = db::begin_write(db).await?;
    let current = store::find_office(&tx, access, id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    if !access.capture.includes_path(&current.path) {
        return Err(OfficeError::NotFound);
    }
    let before = serde_json::json!({"active": current.active});
    let mut a = current.into_active_model();
    a.active = Set(active_flag);
    a.updated_at = Set(Utc::now());
    a.update(&tx).await?;
    let action = if active_flag {
        "office.activate"
    } else {
        "office.deactivate"
    };
    audit::record(
        &tx,
        ctx,
        Change::new(action, "office", id)
            .before(before)
            .after(serde_json::json!({"active": active_flag})),
    )
    .await?;
    tx.commit().await?;
    super::store::forget_office_scopes();
    Ok(())
}

impl crate::failure::UseCaseError for OfficeError {
    fn failure(self) -> crate::failure::Failure {
        use crate::failure::Failure;
        match self {
            OfficeError::Invalid(f) => Failure::Invalid(f),
            OfficeError::NotFound => Failure::NotFound,
            OfficeError::Store(s) => Failure::Store(s),
        }
    }
}
