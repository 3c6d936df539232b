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
    AgreementInput, ContactInput, EmployerInput, SiteInput, ValidAgreement, ValidEmployer,
    ValidSite,
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
    let mut contacts = Vec::new();
    for c in &v.contacts {
        contacts.push(insert_contact(&tx, id, c).await?);
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
    employer_id: Uuid,
    c: &super::input::ValidContact,
) -> Result<employer_contact::Model, EmployerError> {
    Ok(employer_contact::ActiveModel {
        id: Set(Uuid::now_v7()),
        employer_id: Set(employer_id),
        name: Set(c.name.clone()),
        role: Set(c.role.clone()),
        phone: Set(c.phone.clone()),
        email: Set(c.email.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?)
}

/// Adds a contact person; returns its id.
pub async fn add_contact(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    employer_id: Uuid,
    input: &ContactInput,
) -> Result<Uuid, EmployerError> {
    let mut e = FieldErrors::new();
    let valid = input.validate(&mut e);
    e.into_result()?;
    let c = valid.ok_or_else(FieldErrors::new)?;
    let tx = db::begin_write(db).await?;
    editable(&tx, access, employer_id).await?;
    let model = insert_contact(&tx, employer_id, &c).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("employer.contact.add", "employer", employer_id)
            .after(json!({"contact_id": model.id, "contact": c})),
    )
    .await?;
    tx.commit().await?;
    Ok(model.id)
}

/// Removes a contact person.
pub async fn remove_contact(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    employer_id: Uuid,
    contact_id: Uuid,
) -> Result<(), EmployerError> {
    let tx = db::begin_write(db).await?;
    editable(&tx, access, employer_id).await?;
    let contact = employer_contact::Entity::find_by_id(contact_id)
        .filter(employer_contact::Column::EmployerId.eq(employer_id))
        .one(&tx)
        .await?
        .ok_or(EmployerError::NotFound)?;
    let before = json!({"contact_id": contact.id, "name": contact.name, "role": contact.role,
        "phone": contact.phone, "email": contact.email});
    contact.delete(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("employer.contact.remove", "employer", employer_id).before(before),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records an agreement with the employer's office; returns its id.
pub async fn add_agreement(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    employer_id: Uuid,
    input: &AgreementInput,
) -> Result<Uuid, EmployerError> {
    let v = ValidAgreement::try_from(input)?;
    let tx = db::begin_write(db).await?;
    editable(&tx, access, employer_id).await?;
    let id = Uuid::now_v7();
    employer_agreement::ActiveModel {
        id: Set(id),
        employer_id: Set(employer_id),
        kind: Set(v.kind.to_owned()),
        title: Set(v.title.clone()),
        signed_on: Set(v.signed_on),
        expires_on: Set(v.expires_on),
        notes: Set(v.notes.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("employer.agreement.add", "employer", employer_id)
            .after(json!({"agreement_id": id, "agreement": v})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes an agreement recorded by mistake.
pub async fn remove_agreement(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    employer_id: Uuid,
    agreement_id: Uuid,
) -> Result<(), EmployerError> {
    let tx = db::begin_write(db).await?;
    editable(&tx, access, employer_id).await?;
    let agreement = employer_agreement::Entity::find_by_id(agreement_id)
        .filter(employer_agreement::Column::EmployerId.eq(employer_id))
        .one(&tx)
        .await?
        .ok_or(EmployerError::NotFound)?;
    let before = json!({"agreement_id": agreement.id, "kind": agreement.kind,
        "title": agreement.title, "signed_on": agreement.signed_on,
        "expires_on": agreement.expires_on});
    agreement.delete(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("employer.agreement.remove", "employer", employer_id).before(before),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds another site (plant, branch, warehouse) in a department; returns its id.
pub async fn add_site(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    employer_id: Uuid,
    input: &SiteInput,
) -> Result<Uuid, EmployerError> {
    let v = ValidSite::try_from(input)?;
    let tx = db::begin_write(db).await?;
    editable(&tx, access, employer_id).await?;
    check_territory(&tx, "site_territory_code", Some(&v.territory_code)).await?;
    let id = Uuid::now_v7();
    employer_site::ActiveModel {
        id: Set(id),
        employer_id: Set(employer_id),
        name: Set(v.name.clone()),
        address: Set(v.address.clone()),
        territory_code: Set(v.territory_code.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("employer.site.add", "employer", employer_id)
            .after(json!({"site_id": id, "site": v})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes one of the employer's other sites.
pub async fn remove_site(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    employer_id: Uuid,
    site_id: Uuid,
) -> Result<(), EmployerError> {
    let tx = db::begin_write(db).await?;
    editable(&tx, access, employer_id).await?;
    let site = employer_site::Entity::find_by_id(site_id)
        .filter(employer_site::Column::EmployerId.eq(employer_id))
        .one(&tx)
        .await?
        .ok_or(EmployerError::NotFound)?;
    let before = json!({"site_id": site.id, "name": site.name, "address": site.address,
        "territory_code": site.territory_code});
    site.delete(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("employer.site.remove", "employer", employer_id).before(before),
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
