//! What decides who a programme takes besides its catalogue entry: its eligibility
//! criteria, its quota per office and the programmes it cannot be combined with. They
//! are replaced together, in one use case, audited before and after.

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::eligibility::{self, Criterion};
use crate::entity::{incompatibility, office_quota, programme};
use crate::error::ProgrammeError;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::territory::store as territory;
use sipe_platform::validation::FieldErrors;

/// Most programmes one is incompatible with.
pub const MAX_INCOMPATIBLE: usize = 50;
/// Most office quotas (one per office).
pub const MAX_QUOTAS: usize = 2_000;

/// An office's quota as given.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct OfficeQuotaInput {
    /// Office code.
    pub office_code: String,
    /// Most people of that office in the programme at once.
    pub quota: u32,
}

/// A programme's rules as given (the API's body; the form builds one).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RulesInput {
    /// Eligibility criteria, at most one of each kind.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// Quotas per office; an office without one is limited only by the total.
    #[serde(default)]
    pub office_quotas: Vec<OfficeQuotaInput>,
    /// Programmes a person cannot be in at the same time as this one.
    #[serde(default)]
    pub incompatible_with: Vec<Uuid>,
}

/// An office's quota.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfficeQuota {
    /// Office id.
    pub office_id: Uuid,
    /// Office code.
    pub office_code: String,
    /// Office name.
    pub office_name: String,
    /// Places.
    pub quota: u32,
}

/// A programme's rules.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Rules {
    /// Eligibility criteria, in order.
    pub criteria: Vec<Criterion>,
    /// Quotas per office, by office code.
    pub office_quotas: Vec<OfficeQuota>,
    /// Incompatible programmes.
    pub incompatible_with: Vec<Uuid>,
}

/// The programmes incompatible with one (the pair binds both ways).
pub async fn incompatible_with(
    conn: &impl ConnectionTrait,
    programme: Uuid,
) -> Result<Vec<Uuid>, DbErr> {
    let rows = incompatibility::Entity::find()
        .filter(
            Condition::any()
                .add(incompatibility::Column::FirstId.eq(programme))
                .add(incompatibility::Column::SecondId.eq(programme)),
        )
        .all(conn)
        .await?;
    let mut ids: Vec<Uuid> = rows
        .into_iter()
        .map(|r| {
            if r.first_id == programme {
                r.second_id
            } else {
                r.first_id
            }
        })
        .collect();
    ids.sort();
    Ok(ids)
}

/// An office's quota in a programme, if it has one.
pub async fn office_quota(
    conn: &impl ConnectionTrait,
    programme: Uuid,
    office: Uuid,
) -> Result<Option<u32>, DbErr> {
    Ok(office_quota::Entity::find_by_id((programme, office))
        .one(conn)
        .await?
        .map(|q| q.quota.max(0) as u32))
}

/// A programme's rules.
pub async fn read(conn: &impl ConnectionTrait, programme: Uuid) -> Result<Rules, DbErr> {
    let offices = territory::all_offices(conn).await?;
    let mut office_quotas: Vec<OfficeQuota> = office_quota::Entity::find()
        .filter(office_quota::Column::ProgrammeId.eq(programme))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|q| {
            let o = offices.iter().find(|o| o.id == q.office_id)?;
            Some(OfficeQuota {
                office_id: o.id,
                office_code: o.code.clone(),
                office_name: o.name.clone(),
                quota: q.quota.max(0) as u32,
            })
        })
        .collect();
    office_quotas.sort_by(|a, b| a.office_code.cmp(&b.office_code));
    Ok(Rules {
        criteria: eligibility::store::of(conn, programme).await?,
        office_quotas,
        incompatible_with: incompatible_with(conn, programme).await?,
    })
}

/// Territory codes that are not what the residence criterion says they are.
async fn check_territories(
    conn: &impl ConnectionTrait,
    criteria: &[Criterion],
    errors: &mut FieldErrors,
) -> Result<(), DbErr> {
    for c in criteria {
        let Criterion::Residence {
            province,
            departments,
        } = c
        else {
            continue;
        };
        match territory::find_territory(conn, province).await? {
            Some(t) if t.kind == "province" => {
                for d in departments {
                    let ok = territory::find_territory(conn, d)
                        .await?
                        .is_some_and(|t| t.parent_code.as_deref() == Some(province.as_str()));
                    if !ok {
                        errors.add(
                            "residence_departments",
                            "criterion-department-not-in-province",
                        );
                        break;
                    }
                }
            }
            _ => errors.add("residence_province", "field-choice-invalid"),
        }
    }
    Ok(())
}

/// Replaces a programme's criteria, office quotas and incompatibilities.
pub async fn set(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    input: &RulesInput,
) -> Result<(), ProgrammeError> {
    let mut errors = match eligibility::check(&input.criteria) {
        Ok(()) => FieldErrors::new(),
        Err(e) => e,
    };
    if input.office_quotas.len() > MAX_QUOTAS {
        errors.add("office_quotas", "field-too-long");
    }
    if input.incompatible_with.len() > MAX_INCOMPATIBLE {
        errors.add("incompatible_with", "field-too-long");
    }
    // What is wrong already is said before any query (a huge list costs nothing).
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let tx = db::begin_write(db).await?;
    let current = programme::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    check_territories(&tx, &input.criteria, &mut errors).await?;
    let national = crate::national::store::codes(&tx).await?;
    for c in &input.criteria {
        if let Criterion::Benefits { programmes, .. } = c
            && programmes.iter().any(|p| !national.contains(p))
        {
            errors.add("benefits_programmes", "criterion-benefits-unknown");
        }
    }
    let offices = territory::all_offices(&tx).await?;
    let mut quotas: Vec<(Uuid, i32)> = Vec::new();
    for q in input.office_quotas.iter().take(MAX_QUOTAS) {
        let code = q.office_code.trim();
        match offices.iter().find(|o| o.code.eq_ignore_ascii_case(code)) {
            Some(o) if quotas.iter().any(|(id, _)| *id == o.id) => {
                errors.add("office_quotas", "programme-quota-office-repeated")
            }
            Some(_) if q.quota > 10_000_000 => errors.add("office_quotas", "field-number-invalid"),
            Some(o) => quotas.push((o.id, q.quota as i32)),
            None => errors.add("office_quotas", "programme-quota-office-unknown"),
        }
    }
    let sum: i64 = quotas.iter().map(|(_, q)| i64::from(*q)).sum();
    if current.quota_total.is_some_and(|t| sum > i64::from(t)) {
        errors.add("office_quotas", "programme-quotas-over-total");
    }
    let mut others: Vec<Uuid> = input
        .incompatible_with
        .iter()
        .take(MAX_INCOMPATIBLE)
        .copied()
        .collect();
    others.sort();
    others.dedup();
    if others.contains(&id) {
        errors.add("incompatible_with", "programme-incompatible-self");
    }
    let known = programme::Entity::find()
        .filter(programme::Column::Id.is_in(others.clone()))
        .all(&tx)
        .await?
        .len();
    if known != others.len() {
        errors.add("incompatible_with", "programme-incompatible-unknown");
    }
    errors.into_result()?;

    let before = read(&tx, id).await?;
    eligibility::store::replace(&tx, id, &input.criteria).await?;
    office_quota::Entity::delete_many()
        .filter(office_quota::Column::ProgrammeId.eq(id))
        .exec(&tx)
        .await?;
    if !quotas.is_empty() {
        office_quota::Entity::insert_many(quotas.iter().map(|(office, q)| {
            office_quota::ActiveModel {
                programme_id: Set(id),
                office_id: Set(*office),
                quota: Set(*q),
            }
        }))
        .exec(&tx)
        .await?;
    }
    incompatibility::Entity::delete_many()
        .filter(
            Condition::any()
                .add(incompatibility::Column::FirstId.eq(id))
                .add(incompatibility::Column::SecondId.eq(id)),
        )
        .exec(&tx)
        .await?;
    if !others.is_empty() {
        incompatibility::Entity::insert_many(others.iter().map(|o| {
            let (first, second) = if id < *o { (id, *o) } else { (*o, id) };
            incompatibility::ActiveModel {
                first_id: Set(first),
                second_id: Set(second),
            }
        }))
        .exec(&tx)
        .await?;
    }
    let after = read(&tx, id).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.programme.rules", "programme", id)
            .before(json!(before))
            .after(json!(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
