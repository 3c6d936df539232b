//! Use cases on employers: one transaction each, with audit rows.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait,
    QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::entity::{employer, employer_agreement, employer_contact, employer_site};
use super::input::{
    EmployerInput, ItemKind, NewItem, ValidAgreement, ValidContact, ValidEmployer, ValidSite,
};
use super::store;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db, StoreError};
use sipe_platform::territory::{self, entity::office};
use sipe_platform::validation::FieldErrors;

/// Why an employer use case failed.
#[derive(Debug, thiserror::Error)]
pub enum EmployerError {
    /// Bad input; nothing stored.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such employer in the caller's capture scope.
    #[error("not found")]
    NotFound,
    /// Another employer holds this CUIT. `visible`: may the caller open it?
    #[error("CUIT already registered")]
    CuitTaken {
        /// The existing employer.
        id: Uuid,
        /// Inside the caller's view scope?
        visible: bool,
    },
    /// Database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for EmployerError {
    fn from(e: sea_orm::DbErr) -> Self {
        EmployerError::Store(StoreError::from_db(e))
    }
}

/// The managing office: the one asked for (inside the capture scope), else the caller's
/// first capture office.
async fn managing_office(
    conn: &impl ConnectionTrait,
    access: &Access,
    code: Option<&str>,
) -> Result<office::Model, EmployerError> {
    Ok(territory::store::capture_office(conn, access, code, &[]).await??)
}

async fn check_territory(
    conn: &impl ConnectionTrait,
    field: &'static str,
    code: Option<&str>,
) -> Result<(), EmployerError> {
    if let Some(code) = code
        && !territory::store::is_department(conn, code).await?
    {
        return Err(FieldErrors::one(field, "office-territory-unknown").into());
    }
    Ok(())
}

/// Refuses a CUIT another employer holds.
async fn check_cuit(
    conn: &impl ConnectionTrait,
    access: &Access,
    cuit: &str,
    self_id: Option<Uuid>,
) -> Result<(), EmployerError> {
    match store::find_by_cuit(conn, cuit).await? {
        Some(other) if Some(other.id) != self_id => {
            let visible = store::find_employer(conn, access, ScopeKind::View, other.id)
                .await?
                .is_some();
            Err(EmployerError::CuitTaken {
                id: other.id,
                visible,
            })
        }
        _ => Ok(()),
    }
}

fn search_name(v: &ValidEmployer) -> String {
    sipe_platform::text::fold(&format!(
        "{} {}",
        v.legal_name,
        v.trade_name.as_deref().unwrap_or_default()
    ))
}

fn snapshot(e: &employer::Model) -> serde_json::Value {
    json!({
        "cuit": e.cuit, "legal_name": e.legal_name, "trade_name": e.trade_name,
        "activity_code": e.activity_code, "size_band": e.size_band, "office_id": e.office_id,
        "address": e.address, "territory_code": e.territory_code, "phone": e.phone,
        "email": e.email, "website": e.website, "notes": e.notes, "active": e.active,
    })
}

fn apply(a: &mut employer::ActiveModel, v: &ValidEmployer, office_id: Uuid) {
    a.cuit = Set(v.cuit.as_str().to_owned());
    a.legal_name = Set(v.legal_name.clone());
    a.trade_name = Set(v.trade_name.clone());
    a.search_name = Set(search_name(v));
    a.activity_code = Set(v.activity_code.clone());
    a.size_band = Set(v.size_band.map(|b| b.as_str().to_owned()));
    a.office_id = Set(office_id);
    a.address = Set(v.address.clone());
    a.territory_code = Set(v.territory_code.clone());
    a.phone = Set(v.phone.clone());
    a.email = Set(v.email.clone());
    a.website = Set(v.website.clone());
    a.notes = Set(v.notes.clone());
    a.updated_at = Set(Utc::now());
}

/// A unique-index violation means a concurrent registration of the same CUIT won.
fn conflict_as_cuit_taken(e: sea_orm::DbErr) -> EmployerError {
    match StoreError::from_db(e) {
        StoreError::Conflict(_) => FieldErrors::one("cuit", "employer-cuit-taken").into(),
        other => other.into(),
    }
}

/// Registers an employer (and the contacts given with it); returns its id.
pub async fn create_employer(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    input: &EmployerInput,
) -> Result<Uuid, EmployerError> {
    let v = ValidEmployer::try_from(input)?;
    let tx = db::begin_write(db).await?;
    check_cuit(&tx, access, v.cuit.as_str(), None).await?;
    let office = managing_office(&tx, access, v.office_code.as_deref()).await?;
    check_territory(&tx, "territory_code", v.territory_code.as_deref()).await?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    let mut a = employer::ActiveModel {
        id: Set(id),
        active: Set(true),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut a, &v, office.id);
    let model = a.insert(&tx).await.map_err(conflict_as_cuit_taken)?;
    for c in &v.contacts {
        insert_contact(&tx, Uuid::now_v7(), id, c).await?;
    }
    audit::record(
        &tx,
        ctx,
        Change::new("employer.create", "employer", id)
            .after(json!({"employer": snapshot(&model), "contacts": v.contacts})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The employer, if the caller may edit it (capture scope).
async fn editable(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<employer::Model, EmployerError> {
    store::find_employer(conn, access, ScopeKind::Capture, id)
        .await?
        .ok_or(EmployerError::NotFound)
}

/// Replaces an employer's fields (contacts given here are ignored: they have their own
/// use cases).
pub async fn update_employer(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &EmployerInput,
) -> Result<(), EmployerError> {
    let v = ValidEmployer::try_from(&EmployerInput {
        contacts: Vec::new(),
        ..input.clone()
    })?;
    let tx = db::begin_write(db).await?;
    let current = editable(&tx, access, id).await?;
    check_cuit(&tx, access, v.cuit.as_str(), Some(id)).await?;
    let office_id = match &v.office_code {
        Some(code) => managing_office(&tx, access, Some(code)).await?.id,
        None => current.office_id,
    };
    check_territory(&tx, "territory_code", v.territory_code.as_deref()).await?;
    let before = snapshot(&current);
    let mut a = current.into_active_model();
    apply(&mut a, &v, office_id);
    let updated = a.update(&tx).await.map_err(conflict_as_cuit_taken)?;
    audit::record(
        &tx,
        ctx,
        Change::new("employer.update", "employer", id)
            .before(before)
            .after(snapshot(&updated)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks the relationship with an employer active or inactive.
pub async fn set_employer_active(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    active: bool,
) -> Result<(), EmployerError> {
    let tx = db::begin_write(db).await?;
    let current = editable(&tx, access, id).await?;
    let before = json!({"active": current.active});
    let mut a = current.into_active_model();
    a.active = Set(active);
    a.updated_at = Set(Utc::now());
    a.update(&tx).await?;
    let action = if active {
        "employer.activate"
    } else {
        "employer.deactivate"
    };
    audit::record(
        &tx,
        ctx,
        Change::new(action, "employer", id)
            .before(before)
            .after(json!({"active": active})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_contact(
    conn: &impl ConnectionTrait,
    id: Uuid,
    employer_id: Uuid,
    c: &ValidContact,
) -> Result<(), EmployerError> {
    employer_contact::ActiveModel {
        id: Set(id),
        employer_id: Set(employer_id),
        name: Set(c.name.clone()),
        role: Set(c.role.clone()),
        phone: Set(c.phone.clone()),
        email: Set(c.email.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Adds a contact, site or agreement to an employer the caller may edit; returns its id.
pub async fn add_item(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    employer_id: Uuid,
    item: NewItem<'_>,
) -> Result<Uuid, EmployerError> {
    let id = Uuid::now_v7();
    let now = Utc::now();
    // Validate before opening the transaction: bad input never waits for the write lock.
    let valid = match item {
        NewItem::Contact(input) => {
            let mut e = FieldErrors::new();
            let valid = input.validate(&mut e);
            e.into_result()?;
            ValidItem::Contact(valid.ok_or_else(FieldErrors::new)?)
        }
        NewItem::Site(input) => ValidItem::Site(ValidSite::try_from(input)?),
        NewItem::Agreement(input) => ValidItem::Agreement(ValidAgreement::try_from(input)?),
    };
    let tx = db::begin_write(db).await?;
    editable(&tx, access, employer_id).await?;
    let after = match &valid {
        ValidItem::Contact(c) => {
            insert_contact(&tx, id, employer_id, c).await?;
            json!({"contact_id": id, "contact": c})
        }
        ValidItem::Site(v) => {
            check_territory(&tx, "site_territory_code", Some(&v.territory_code)).await?;
            employer_site::ActiveModel {
                id: Set(id),
                employer_id: Set(employer_id),
                name: Set(v.name.clone()),
                address: Set(v.address.clone()),
                territory_code: Set(v.territory_code.clone()),
                created_at: Set(now),
            }
            .insert(&tx)
            .await?;
            json!({"site_id": id, "site": v})
        }
        ValidItem::Agreement(v) => {
            employer_agreement::ActiveModel {
                id: Set(id),
                employer_id: Set(employer_id),
                kind: Set(v.kind.to_owned()),
                title: Set(v.title.clone()),
                signed_on: Set(v.signed_on),
                expires_on: Set(v.expires_on),
                notes: Set(v.notes.clone()),
                created_at: Set(now),
            }
            .insert(&tx)
            .await?;
            json!({"agreement_id": id, "agreement": v})
        }
    };
    let action = format!("employer.{}.add", item.kind().as_str());
    audit::record(
        &tx,
        ctx,
        Change::new(&action, "employer", employer_id).after(after),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An item's input once valid.
enum ValidItem {
    Contact(ValidContact),
    Site(ValidSite),
    Agreement(ValidAgreement),
}

/// Removes one of an employer's contacts, sites or agreements (recorded by mistake, or
/// no longer true); the audit row keeps what it held.
pub async fn remove_item(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    employer_id: Uuid,
    kind: ItemKind,
    item_id: Uuid,
) -> Result<(), EmployerError> {
    let tx = db::begin_write(db).await?;
    editable(&tx, access, employer_id).await?;
    let before = match kind {
        ItemKind::Contact => {
            let c = employer_contact::Entity::find_by_id(item_id)
                .filter(employer_contact::Column::EmployerId.eq(employer_id))
                .one(&tx)
                .await?
                .ok_or(EmployerError::NotFound)?;
            let before = json!({"contact_id": c.id, "name": c.name, "role": c.role,
                "phone": c.phone, "email": c.email});
            c.delete(&tx).await?;
            before
        }
        ItemKind::Site => {
            let s = employer_site::Entity::find_by_id(item_id)
                .filter(employer_site::Column::EmployerId.eq(employer_id))
                .one(&tx)
                .await?
                .ok_or(EmployerError::NotFound)?;
            let before = json!({"site_id": s.id, "name": s.name, "address": s.address,
                "territory_code": s.territory_code});
            s.delete(&tx).await?;
            before
        }
        ItemKind::Agreement => {
            let a = employer_agreement::Entity::find_by_id(item_id)
                .filter(employer_agreement::Column::EmployerId.eq(employer_id))
                .one(&tx)
                .await?
                .ok_or(EmployerError::NotFound)?;
            let before = json!({"agreement_id": a.id, "kind": a.kind, "title": a.title,
                "signed_on": a.signed_on, "expires_on": a.expires_on});
            a.delete(&tx).await?;
            before
        }
    };
    let action = format!("employer.{}.remove", kind.as_str());
    audit::record(
        &tx,
        ctx,
        Change::new(&action, "employer", employer_id).before(before),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

impl sipe_platform::failure::UseCaseError for EmployerError {
    fn failure(self) -> sipe_platform::failure::Failure {
        use sipe_platform::failure::Failure;
        match self {
            EmployerError::Invalid(f) => Failure::Invalid(f),
            EmployerError::NotFound => Failure::NotFound,
            EmployerError::CuitTaken { id, visible } => Failure::Conflict(if visible {
                format!("An employer with this CUIT is already registered: /api/v1/employers/{id}")
            } else {
                "An employer with this CUIT is already registered by another office.".into()
            }),
            EmployerError::Store(s) => Failure::Store(s),
        }
    }
}
