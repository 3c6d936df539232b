//! Transfer of a person to another office (pase), DHIS2-style: an office that finds the
//! person registered elsewhere asks for them without seeing any personal data; a
//! coordinator of the owning office approves (the owning office changes, with field
//! history, audit and timeline) or rejects.

pub mod handlers;

use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{DocumentNumber, DocumentType};
use crate::entity::{person, transfer_request};
use crate::service::{PersonError, record_changes};
use crate::store;
use crate::timeline::{self, NewEvent};
use sipe_platform::access::{Access, Permission, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::OfficeId;
use sipe_platform::ids::PersonId;
use sipe_platform::territory;
use sipe_platform::validation::{self, FieldErrors};

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
    let reason = validation::multiline_text(&mut e, "reason", &input.reason, true, 500);
    e.into_result()?;
    let (Some(doc_type), Some(number)) = (doc_type, number) else {
        return Err(FieldErrors::one("doc_number", "person-doc-number-invalid").into());
    };
    let tx = db::begin_write(db).await?;
    let to = territory::store::capture_office(&tx, access, Some(&input.office_code), &[]).await??;
    let found = store::find_by_document(&tx, doc_type.as_str(), number.as_str()).await?;
    if found.as_ref().is_some_and(|p| p.office_id == to.id) {
        // Already theirs: nothing to ask, and nothing the requester cannot see anyway.
        return Ok(None);
    }
    // A request is stored whether or not the document is registered: the requester's
    // answer and list look the same either way until the owning office approves.
    let pending = transfer_request::Entity::find()
        .filter(transfer_request::Column::DocType.eq(doc_type.as_str()))
        .filter(transfer_request::Column::DocNumber.eq(number.as_str()))
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
        person_id: Set(found.as_ref().map(|p| p.id)),
        from_office_id: Set(found.as_ref().map(|p| p.office_id)),
        to_office_id: Set(to.id),
        doc_type: Set(doc_type.as_str().to_owned()),
        doc_number: Set(number.as_str().to_owned()),
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
    let change = match &found {
        Some(p) => Change::new("person.transfer_request", "person", p.id),
        None => Change {
            entity_id: None,
            ..Change::new("person.transfer_request", "person", "")
        },
    };
    audit::record(
        &tx,
        ctx,
        change.after(serde_json::json!({
            "request": id,
            "to_office": to.code,
            "reason": reason,
            "document": format!("{} {}", doc_type.as_str(), number.as_str()),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Days after which a request the requester still sees as pending is shown as closed.
pub const REQUEST_OPEN_DAYS: i64 = 30;

/// A request with what the caller may see of it.
#[derive(Debug, Clone)]
pub struct RequestView {
    /// The request.
    pub request: transfer_request::Model,
    /// Office asking.
    pub to_office: String,
    /// Office owning the person, only for the owning side (and once approved).
    pub from_office: Option<String>,
    /// Name of the person, only when the caller may view them.
    pub person_name: Option<String>,
    /// May the caller decide it?
    pub can_decide: bool,
    /// The status as the caller may know it: the requesting side sees `pending` until
    /// the owning office approves (a rejection and an unknown document look alike),
    /// then `approved`, or `closed` after `REQUEST_OPEN_DAYS`.
    pub status: String,
}

/// Requests the caller may see: made by their offices (capture scope) or about people
/// their offices own (capture scope, to decide). Newest first, at most `LIST_MAX`.
///
/// The requesting side learns nothing about the person until the owning office
/// approves: not whether the document is registered, not which office owns it, not a
/// rejection (see [`RequestView::status`]).
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    status: Option<&str>,
) -> Result<Vec<RequestView>, PersonError> {
    let q = transfer_request::Entity::find()
        .filter(
            Condition::any()
                .add(access.capture.owns(transfer_request::Column::FromOfficeId))
                .add(access.capture.owns(transfer_request::Column::ToOfficeId)),
        )
        .order_by_desc(transfer_request::Column::CreatedAt)
        .limit(LIST_MAX);
    let rows = q.all(conn).await?;
    let offices = territory::store::all_offices(conn).await?;
    let office = |id: Option<Uuid>| {
        offices
            .iter()
            .find(|o| Some(o.id) == id)
            .map(|o| (format!("{} — {}", o.code, o.name), o.path.clone()))
    };
    // Names only of people the caller may view, in one query for the whole list.
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.person_id).collect();
    let names: std::collections::HashMap<Uuid, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .filter(access.view.owns(person::Column::OfficeId))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, crate::service::display_name(&p)))
        .collect();
    let now = Utc::now();
    let out = rows
        .into_iter()
        .filter_map(|r| {
            let from = office(r.from_office_id);
            let (to_office, _) = office(Some(r.to_office_id)).unwrap_or_default();
            let owner = from
                .as_ref()
                .is_some_and(|(_, path)| access.capture.includes_path(path));
            let approved = r.status == "approved";
            let seen_status = if owner || approved {
                r.status.clone()
            } else if now - r.created_at > chrono::Duration::days(REQUEST_OPEN_DAYS) {
                "closed".to_owned()
            } else {
                "pending".to_owned()
            };
            if status.is_some_and(|s| s != seen_status) {
                return None;
            }
            Some(RequestView {
                can_decide: owner
                    && access.can(Permission::CoordinatePersons)
                    && r.status == "pending",
                person_name: r.person_id.and_then(|id| names.get(&id).cloned()),
                from_office: (owner || approved).then(|| from.map(|(f, _)| f)).flatten(),
                status: seen_status,
                request: r,
                to_office,
            })
        })
        .collect();
    Ok(out)
}

/// Most requests one list shows.
pub const LIST_MAX: u64 = 500;

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
        .filter(transfer_request::Column::PersonId.is_not_null())
        .filter(transfer_request::Column::Status.eq("pending"))
        .one(&tx)
        .await?
        .ok_or(PersonError::NotFound)?;
    let to = territory::store::office_by_id(&tx, OfficeId(r.to_office_id))
        .await?
        .ok_or(PersonError::NotFound)?;
    let mut a = r.clone().into_active_model();
    a.status = Set(if approve { "approved" } else { "rejected" }.into());
    a.decided_by_name = Set(Some(ctx.actor_name.clone()));
    a.decided_at = Set(Some(Utc::now().trunc_subsecs(6)));
    a.update(&tx).await?;
    if approve {
        let person_id = r.person_id.ok_or(PersonError::NotFound)?;
        let current = store::find_person(&tx, access, ScopeKind::Capture, PersonId(person_id))
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
                person_id,
                kind: "person.transferred",
                args: vec![(
                    "office",
                    timeline::Arg::text(format!("{} — {}", to.code, to.name)),
                )],
                link: None,
                office_id: Some(to.id),
            },
        )
        .await?;
    } else {
        audit::record(
            &tx,
            ctx,
            Change::new(
                "person.transfer_reject",
                "person",
                r.person_id.map(|id| id.to_string()).unwrap_or_default(),
            )
            .after(serde_json::json!({"request": r.id})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(r.person_id.unwrap_or_default())
}
