//! Training institutions: who gives the courses. A CUIT is registered once.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::domain::InstitutionKind;
use crate::entity::institution;
use crate::error::TrainingError;
use sipe_intermediation::domain::Cuit;
use sipe_persons::domain::PhoneE164;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};
use sipe_platform::web::table::Pager;

pub use institution::Model as Institution;

/// An institution as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct InstitutionInput {
    /// CUIT, with or without dashes.
    pub cuit: String,
    /// Name.
    pub name: String,
    /// Kind (`centre`, `school`, `university`, `union`, `ngo`, `company`, `secretariat`).
    pub kind: String,
    /// Accreditation number.
    #[serde(default)]
    pub accreditation_number: String,
    /// Accreditation valid until (`YYYY-MM-DD`).
    #[serde(default)]
    pub accredited_until: String,
    /// Department (INDEC code).
    #[serde(default)]
    pub territory_code: String,
    /// Street address.
    #[serde(default)]
    pub address: String,
    /// Contact person.
    #[serde(default)]
    pub contact_name: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
}

struct Valid {
    cuit: String,
    name: String,
    kind: InstitutionKind,
    accreditation_number: Option<String>,
    accredited_until: Option<NaiveDate>,
    territory_code: Option<String>,
    address: Option<String>,
    contact_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

fn some(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl TryFrom<&InstitutionInput> for Valid {
    type Error = FieldErrors;

    fn try_from(i: &InstitutionInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let cuit = match Cuit::parse(&i.cuit) {
            Ok(c) => c.as_str().to_owned(),
            Err(e) => {
                errors.add(
                    "cuit",
                    match e {
                        sipe_intermediation::domain::CuitError::Malformed => {
                            "institution-cuit-malformed"
                        }
                        sipe_intermediation::domain::CuitError::Prefix => "institution-cuit-prefix",
                        sipe_intermediation::domain::CuitError::CheckDigit => {
                            "institution-cuit-check-digit"
                        }
                    },
                );
                String::new()
            }
        };
        let name = validation::text(&mut errors, "name", &i.name, true, 160);
        let kind = InstitutionKind::parse(&i.kind);
        if kind.is_none() {
            errors.add("kind", "field-choice-invalid");
        }
        let accreditation_number = validation::text(
            &mut errors,
            "accreditation_number",
            &i.accreditation_number,
            false,
            60,
        );
        let accredited_until = if i.accredited_until.trim().is_empty() {
            None
        } else {
            let parsed = validation::parse_date(&i.accredited_until);
            if parsed.is_none() {
                errors.add("accredited_until", "field-date-invalid");
            }
            parsed
        };
        let territory_code = i.territory_code.trim().to_owned();
        if territory_code.len() > 20 {
            errors.add("territory_code", "field-too-long");
        }
        let address = validation::text(&mut errors, "address", &i.address, false, 200);
        let contact_name =
            validation::text(&mut errors, "contact_name", &i.contact_name, false, 120);
        let phone = if i.phone.trim().is_empty() {
            None
        } else {
            match PhoneE164::parse(&i.phone) {
                Some(p) => Some(p.as_str().to_owned()),
                None => {
                    errors.add("phone", validation::phone_problem(&i.phone));
                    None
                }
            }
        };
        let email = validation::text(&mut errors, "email", &i.email, false, 254);
        if !email.is_empty() && !validation::is_email(&email) {
            errors.add("email", "field-email-invalid");
        }
        errors.into_result()?;
        Ok(Valid {
            cuit,
            name,
            kind: kind.unwrap_or(InstitutionKind::Centre),
            accreditation_number: some(accreditation_number),
            accredited_until,
            territory_code: some(territory_code),
            address: some(address),
            contact_name: some(contact_name),
            phone,
            email: some(email),
        })
    }
}

impl From<&Institution> for InstitutionInput {
    fn from(m: &Institution) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        InstitutionInput {
            cuit: m.cuit.clone(),
            name: m.name.clone(),
            kind: m.kind.clone(),
            accreditation_number: text(&m.accreditation_number),
            accredited_until: m
                .accredited_until
                .map(|d| d.to_string())
                .unwrap_or_default(),
            territory_code: text(&m.territory_code),
            address: text(&m.address),
            contact_name: text(&m.contact_name),
            phone: text(&m.phone),
            email: text(&m.email),
        }
    }
}

fn apply(a: &mut institution::ActiveModel, v: Valid) {
    a.search_name = Set(sipe_platform::text::fold(&v.name));
    a.cuit = Set(v.cuit);
    a.name = Set(v.name);
    a.kind = Set(v.kind.as_str().to_owned());
    a.accreditation_number = Set(v.accreditation_number);
    a.accredited_until = Set(v.accredited_until);
    a.territory_code = Set(v.territory_code);
    a.address = Set(v.address);
    a.contact_name = Set(v.contact_name);
    a.phone = Set(v.phone);
    a.email = Set(v.email);
    a.updated_at = Set(Utc::now());
}

fn snapshot(m: &Institution) -> serde_json::Value {
    json!({
        "cuit": m.cuit, "name": m.name, "kind": m.kind,
        "accreditation_number": m.accreditation_number, "accredited_until": m.accredited_until,
        "territory_code": m.territory_code, "address": m.address,
        "contact_name": m.contact_name, "phone": m.phone, "email": m.email, "active": m.active,
    })
}

async fn check(
    conn: &impl ConnectionTrait,
    v: &Valid,
    self_id: Option<Uuid>,
) -> Result<(), TrainingError> {
    if let Some(code) = &v.territory_code
        && !sipe_platform::territory::store::is_department(conn, code).await?
    {
        return Err(FieldErrors::one("territory_code", "office-territory-unknown").into());
    }
    let taken = institution::Entity::find()
        .filter(institution::Column::Cuit.eq(v.cuit.clone()))
        .one(conn)
        .await?;
    if taken.is_some_and(|t| Some(t.id) != self_id) {
        return Err(FieldErrors::one("cuit", "institution-cuit-taken").into());
    }
    Ok(())
}

/// Registers an institution.
pub async fn create(
    db: &Db,
    ctx: &AuditCtx,
    input: &InstitutionInput,
) -> Result<Uuid, TrainingError> {
    let v = Valid::try_from(input)?;
    let tx = db::begin_write(db).await?;
    check(&tx, &v, None).await?;
    let id = Uuid::now_v7();
    let mut a = institution::ActiveModel {
        id: Set(id),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    apply(&mut a, v);
    let model = a.insert(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.institution.create", "training_institution", id)
            .after(snapshot(&model)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces an institution's fields.
pub async fn update(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    input: &InstitutionInput,
) -> Result<(), TrainingError> {
    let v = Valid::try_from(input)?;
    let tx = db::begin_write(db).await?;
    let current = institution::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(TrainingError::NotFound)?;
    check(&tx, &v, Some(id)).await?;
    let before = snapshot(&current);
    let mut a = current.into_active_model();
    apply(&mut a, v);
    let model = a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.institution.update", "training_institution", id)
            .before(before)
            .after(snapshot(&model)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks an institution active or not.
pub async fn set_active(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    active: bool,
) -> Result<(), TrainingError> {
    let tx = db::begin_write(db).await?;
    let current = institution::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let mut a = current.into_active_model();
    a.active = Set(active);
    a.updated_at = Set(Utc::now());
    a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.institution.active", "training_institution", id)
            .after(json!({ "active": active })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One institution.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Institution>, DbErr> {
    institution::Entity::find_by_id(id).one(conn).await
}

/// Sort columns of the list.
pub const SORTS: [&str; 3] = ["name", "kind", "accredited_until"];

/// Filters of the list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Words of the name, or digits of the CUIT.
    pub q: String,
    /// Only active (or inactive) ones.
    pub active: Option<bool>,
}

/// A page of institutions and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &Filter,
    pager: &Pager,
) -> Result<(Vec<Institution>, u64), DbErr> {
    let mut cond = Condition::all();
    let digits: String = filter.q.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 4 {
        cond = cond.add(institution::Column::Cuit.like(format!("%{digits}%")));
    } else {
        cond = cond.add(sipe_platform::web::table::every_word_in(
            institution::Column::SearchName,
            &filter.q,
        ));
    }
    if let Some(a) = filter.active {
        cond = cond.add(institution::Column::Active.eq(a));
    }
    let query = institution::Entity::find().filter(cond);
    let col = match pager.sort.as_str() {
        "kind" => institution::Column::Kind,
        "accredited_until" => institution::Column::AccreditedUntil,
        _ => institution::Column::SearchName,
    };
    sipe_platform::web::table::page_of(conn, query, col, institution::Column::Id, pager).await
}

/// Active institutions, by name (form choices).
pub async fn active(conn: &impl ConnectionTrait) -> Result<Vec<Institution>, DbErr> {
    institution::Entity::find()
        .filter(institution::Column::Active.eq(true))
        .order_by_asc(institution::Column::SearchName)
        .limit(2_000)
        .all(conn)
        .await
}

/// Every active institution as (id, name), by name: those a user may work for.
pub async fn active_names(conn: &impl ConnectionTrait) -> Result<Vec<(Uuid, String)>, DbErr> {
    institution::Entity::find()
        .select_only()
        .column(institution::Column::Id)
        .column(institution::Column::Name)
        .filter(institution::Column::Active.eq(true))
        .order_by_asc(institution::Column::Name)
        .limit(5_000)
        .into_tuple()
        .all(conn)
        .await
}

/// Every institution's name by id (active or not: indicators name past cohorts).
pub async fn all_names(
    conn: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<Uuid, String>, DbErr> {
    let rows: Vec<(Uuid, String)> = institution::Entity::find()
        .select_only()
        .column(institution::Column::Id)
        .column(institution::Column::Name)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}
