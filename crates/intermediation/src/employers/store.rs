//! Every query of employers. Functions that take an `Access` only see employers whose
//! managing office lies in the given scope.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entity::{employer, employer_agreement, employer_contact, employer_site};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::web::table::Pager;

/// Filters of the employers list.
#[derive(Debug, Clone, Default)]
pub struct EmployerFilter {
    /// Words of the legal or trade name, or digits of the CUIT.
    pub q: String,
    /// Activity division (two digits): codes starting with it.
    pub division: Option<String>,
    /// Size band.
    pub size_band: Option<String>,
    /// Managing office.
    pub office_id: Option<Uuid>,
    /// Only active (true) or inactive (false) relationships.
    pub active: Option<bool>,
}

fn filter_cond(filter: &EmployerFilter) -> Condition {
    let mut cond = Condition::all();
    let digits: String = filter.q.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 4 && digits.len() == filter.q.chars().filter(|c| !"-. ".contains(*c)).count()
    {
        cond = cond.add(employer::Column::Cuit.like(format!("%{digits}%")));
    } else {
        for word in sipe_platform::text::bounded_words(
            sipe_platform::text::fold(&filter.q).split_whitespace(),
        ) {
            cond = cond.add(employer::Column::SearchName.like(format!("%{word}%")));
        }
    }
    if let Some(d) = &filter.division {
        cond = cond.add(employer::Column::ActivityCode.like(format!("{d}%")));
    }
    if let Some(b) = &filter.size_band {
        cond = cond.add(employer::Column::SizeBand.eq(b.clone()));
    }
    if let Some(o) = filter.office_id {
        cond = cond.add(employer::Column::OfficeId.eq(o));
    }
    if let Some(a) = filter.active {
        cond = cond.add(employer::Column::Active.eq(a));
    }
    cond
}

/// One page of the employers in the caller's view scope, with the total.
pub async fn list_employers(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &EmployerFilter,
    pager: &Pager,
) -> Result<(Vec<employer::Model>, u64), DbErr> {
    let query = employer::Entity::find()
        .filter(access.view.owns(employer::Column::OfficeId))
        .filter(filter_cond(filter));
    let total = query.clone().count(conn).await?;
    let col = match pager.sort.as_str() {
        "cuit" => employer::Column::Cuit,
        "activity" => employer::Column::ActivityCode,
        "updated_at" => employer::Column::UpdatedAt,
        _ => employer::Column::LegalName,
    };
    let order = if pager.desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = query
        .order_by(col, order)
        .order_by_asc(employer::Column::Id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// An employer in the caller's scope of this kind, or `None` (also when it exists
/// outside the scope).
pub async fn find_employer(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<Option<employer::Model>, DbErr> {
    employer::Entity::find_by_id(id)
        .filter(access.scope(kind).owns(employer::Column::OfficeId))
        .one(conn)
        .await
}

/// The employer with this CUIT, wherever it is (duplicate check; system use).
pub async fn find_by_cuit(
    conn: &impl ConnectionTrait,
    cuit: &str,
) -> Result<Option<employer::Model>, DbErr> {
    employer::Entity::find()
        .filter(employer::Column::Cuit.eq(cuit))
        .one(conn)
        .await
}

/// Contacts of an employer, oldest first.
pub async fn contacts(
    conn: &impl ConnectionTrait,
    employer_id: Uuid,
) -> Result<Vec<employer_contact::Model>, DbErr> {
    employer_contact::Entity::find()
        .filter(employer_contact::Column::EmployerId.eq(employer_id))
        .order_by_asc(employer_contact::Column::CreatedAt)
        .order_by_asc(employer_contact::Column::Id)
        .all(conn)
        .await
}

/// Other sites of an employer, in the order they were added.
pub async fn sites(
    conn: &impl ConnectionTrait,
    employer_id: Uuid,
) -> Result<Vec<employer_site::Model>, DbErr> {
    employer_site::Entity::find()
        .filter(employer_site::Column::EmployerId.eq(employer_id))
        .order_by_asc(employer_site::Column::CreatedAt)
        .order_by_asc(employer_site::Column::Id)
        .all(conn)
        .await
}

/// Agreements of an employer, latest signed first.
pub async fn agreements(
    conn: &impl ConnectionTrait,
    employer_id: Uuid,
) -> Result<Vec<employer_agreement::Model>, DbErr> {
    employer_agreement::Entity::find()
        .filter(employer_agreement::Column::EmployerId.eq(employer_id))
        .order_by_desc(employer_agreement::Column::SignedOn)
        .order_by_asc(employer_agreement::Column::Id)
        .all(conn)
        .await
}

/// Employers in scope whose name or CUIT matches, for pickers (at most `limit`).
pub async fn suggest(
    conn: &impl ConnectionTrait,
    access: &Access,
    q: &str,
    limit: u64,
) -> Result<Vec<employer::Model>, DbErr> {
    employer::Entity::find()
        .filter(access.capture.owns(employer::Column::OfficeId))
        .filter(employer::Column::Active.eq(true))
        .filter(filter_cond(&EmployerFilter {
            q: q.to_owned(),
            ..Default::default()
        }))
        .order_by_asc(employer::Column::LegalName)
        .limit(limit)
        .all(conn)
        .await
}

/// Legal names of these employers, by id (one query). For naming the employer of a
/// record the caller may already see, such as a vacancy.
pub async fn legal_names(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, DbErr> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(Uuid, String)> = employer::Entity::find()
        .select_only()
        .column(employer::Column::Id)
        .column(employer::Column::LegalName)
        .filter(employer::Column::Id.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Number of employers, whatever the scope (the demo and its tests).
pub async fn count_all(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    employer::Entity::find().count(conn).await
}
