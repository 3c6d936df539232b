//! Transfer of a person to another office (pase), DHIS2-style: an office that finds the
//! person registered elsewhere asks for them without seeing any personal data; a
//! coordinator of the owning office approves (the owning office changes, with field
//! history, audit and timeline) or rejects.

use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::domain::{DocumentNumber, DocumentType};
use super::entity::{person, transfer_request};
use super::service::{PersonError, record_changes};
use super::store;
use super::timeline::{self, NewEvent};
use crate::access::{Access, Permission, Scope, ScopeKind};
use crate::audit::{self, AuditCtx, Change};
use crate::db::{self, Db};
use crate::territory;
use crate::validation::{self, FieldErrors};

/// A transfer request as entered: the person is named by document only.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TransferInput {
    /// Document type of the person.
    pub doc_type: String,
    /// Document number of the person.
    pub doc_number: String,
    /// Office asking for the person (code; default: the caller's first capture office).
    pub office_code: String,
    /// Why.
    pub reason: String,
}

/// Asks for a person registered in another office. Says nothing about the person: the
/// same answer comes back whether or not the document is registered.
pub async fn request(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    input: &TransferInput,
) -> Result<Option<Uuid>, PersonError> {
    let mut e = FieldErrors::new();
    let doc_type = DocumentType::parse(&input.doc_type);
    let number = doc_type.and_then(|t| DocumentNumber::parse(t, &input.doc_number).ok());
    if number.is_none() {
        e.add("doc_number", "person-doc-number-invalid");
    }
    let reason = validation::text(&mut e, "reason", &input.reason, true, 500);
    e.into_result()?;
    let (Some(doc_type), Some(number)) = (doc_type, number) else {
        return Err(FieldErrors::one("doc_number", "person-doc-number-invalid").into());
    };
    let tx = db::begin_write(db).await?;
    let to = match input.office_code.trim() {
        "" => match &access.capture {
            Scope::Offices(list) => match list.first() {
                Some(o) => territory::store::office_by_id(&tx, o.id).await?,
                None => None,
            },
            Scope::National => None,
        },
        code => territory::store::find_office_by_code(&tx, &code.to_uppercase()).await?,
    }
    .filter(|o| o.active && access.capture.includes_path(&o.path))
    .ok_or_else(|| FieldErrors::one("office_code", "person-office-not-allowed"))?;
    let Some(p) = store::find_by_document(&tx, doc_type.as_str(), number.as_str()).await? else {
        return Ok(None);
    };
    if p.office_id == to.id {
        return Ok(None);
    }
    let pending = transfer_request::Entity::find()
        .filter(transfer_request::Column::PersonId.eq(p.id))
        .filter(transfer_request::Column::ToOfficeId.eq(to.id))
        .filter(transfer_request::Column::Status.eq("pending"))
        .one(&tx)
        .await?;
    if let Some(r) = pending {
        return Ok(Some(r.id));
    }
    let id = Uuid::now_v7();
    transfer_request::ActiveModel {
        id: Set(id),
        person_id: Set(p.id),
        from_office_id: Set(p.office_id),
        to_office_id: Set(to.id),
        requested_by: Set(ctx.actor_id),
        requested_by_name: Set(ctx.actor_name.clone()),
        reason: Set(reason.clone()),
        status: Set("pending".into()),
        decided_by_name: Set(None),
        decided_at: Set(None),
        created_at: Set(Utc::now().trunc_subsecs(6)),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("person.transfer_request", "person", p.id)
            .after(serde_json::json!({"request": id, "to_office": to.code, "reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// A request with what the caller may see of it.
#[derive(Debug, Clone)]
pub struct RequestView {
    /// The request.
    pub request: transfer_request::Model,
    /// Office asking.
    pub to_office: String,
    /// Office owning the person.
    pub from_office: String,
    /// Name of the person, only when the caller may view them.
    pub person_name: Option<String>,
    /// May the caller decide it?
    pub can_decide: bool,
}

/// Requests the caller may see: made by their offices (capture scope) or about people
/// their offices own (capture scope, to decide). Newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    status: Option<&str>,
) -> Result<Vec<RequestView>, PersonError> {
    let mut q = transfer_request::Entity::find()
        .filter(
            Condition::any()
                .add(access.capture.owns(transfer_request::Column::FromOfficeId))
                .add(access.capture.owns(transfer_request::Column::ToOfficeId)),
        )
        .order_by_desc(transfer_request::Column::CreatedAt);
    if let Some(s) = status {
        q = q.filter(transfer_request::Column::Status.eq(s));
    }
    let rows = q.all(conn).await?;
    let offices = territory::store::all_offices(conn).await?;
    let office = |id: Uuid| {
        offices
            .iter()
            .find(|o| o.id == id)
            .map(|o| (format!("{} — {}", o.code, o.name), o.path.clone()))
            .unwrap_or_default()
    };
    // Names only of people the caller may view, in one query for the whole list.
    let ids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
    let names: std::collections::HashMap<Uuid, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .filter(access.view.owns(person::Column::OfficeId))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, super::service::display_name(&p)))
        .collect();
    let out = rows
        .into_iter()
        .map(|r| {
            let (from_office, from_path) = office(r.from_office_id);
            let (to_office, _) = office(r.to_office_id);
            let owner = access.capture.includes_path(&from_path);
            RequestView {
                can_decide: owner
                    && access.can(Permission::CoordinatePersons)
                    && r.status == "pending",
                person_name: names.get(&r.person_id).cloned(),
                request: r,
                to_office,
                from_office,
            }
        })
        .collect();
    Ok(out)
}

/// Approves or rejects a pending request about a person the caller's offices own.
pub async fn decide(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    request_id: Uuid,
    approve: bool,
) -> Result<Uuid, PersonError> {
    let tx = db::begin_write(db).await?;
    let r = transfer_request::Entity::find_by_id(request_id)
        .filter(access.capture.owns(transfer_request::Column::FromOfficeId))
        .filter(transfer_request::Column::Status.eq("pending"))
        .one(&tx)
        .await?
        .ok_or(PersonError::NotFound)?;
    let to = territory::store::office_by_id(&tx, r.to_office_id)
        .await?
        .ok_or(PersonError::NotFound)?;
    let mut a = r.clone().into_active_model();
    a.status = Set(if approve { "approved" } else { "rejected" }.into());
    a.decided_by_name = Set(Some(ctx.actor_name.clone()));
    a.decided_at = Set(Some(Utc::now().trunc_subsecs(6)));
    a.update(&tx).await?;
    if approve {
        let current = store::find_person(&tx, access, ScopeKind::Capture, r.person_id)
            .await?
            .ok_or(PersonError::NotFound)?;
        let before = vec![("office_id", Some(current.office_id.to_string()))];
        let mut p = current.into_active_model();
        p.office_id = Set(to.id);
        p.updated_at = Set(Utc::now());
        let updated: person::Model = p.update(&tx).await?;
        let after = vec![("office_id", Some(to.id.to_string()))];
        record_changes(&tx, ctx, &updated, &before, &after).await?;
        timeline::append(
            &tx,
            ctx,
            NewEvent {
                person_id: r.person_id,
                kind: "person.transferred",
                summary: format!("Pase a {} — {}", to.code, to.name),
                link: None,
                office_id: Some(to.id),
            },
        )
        .await?;
    } else {
        audit::record(
            &tx,
            ctx,
            Change::new("person.transfer_reject", "person", r.person_id)
                .after(serde_json::json!({"request": r.id})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(r.person_id)
}
