//! Every query of the territory module. Office queries take an `Access` and only ever
//! see offices inside its view scope.

use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entity::{office, office_coverage, territory};
use crate::access::{Access, ScopeKind};
use crate::ids::OfficeId;
use crate::web::table::Pager;

/// Filters of the offices list.
#[derive(Debug, Clone, Default)]
pub struct OfficeFilter {
    /// Text in code or name.
    pub q: String,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only active or inactive offices.
    pub active: Option<bool>,
}

fn filter_cond(filter: &OfficeFilter) -> Condition {
    let mut cond = Condition::all();
    if !filter.q.is_empty() {
        let like = format!("%{}%", filter.q.to_lowercase());
        cond = cond.add(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(office::Column::Code))).like(like.clone()))
                .add(Expr::expr(Func::lower(Expr::col(office::Column::Name))).like(like)),
        );
    }
    if let Some(kind) = &filter.kind {
        cond = cond.add(office::Column::Kind.eq(kind.clone()));
    }
    if let Some(active) = filter.active {
        cond = cond.add(office::Column::Active.eq(active));
    }
    cond
}

/// One page of the offices the caller may view, with the total.
pub async fn list_offices(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &OfficeFilter,
    pager: &Pager,
) -> Result<(Vec<office::Model>, u64), DbErr> {
    let query = office::Entity::find()
        .filter(access.view.office_rows())
        .filter(filter_cond(filter));
    let total = query.clone().count(conn).await?;
    let col = match pager.sort.as_str() {
        "name" => office::Column::Name,
        "kind" => office::Column::Kind,
        "updated_at" => office::Column::UpdatedAt,
        _ => office::Column::Code,
    };
    let order = if pager.desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = query
        .order_by(col, order)
        .order_by_asc(office::Column::Code)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Every office the caller may see in a scope, by code (selects and CLI listing).
pub async fn offices_in_scope(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
) -> Result<Vec<office::Model>, DbErr> {
    office::Entity::find()
        .filter(access.scope(kind).office_rows())
        .order_by_asc(office::Column::Code)
        .all(conn)
        .await
}

/// Ids of the offices in scope, per node for a few seconds: a person search needs them on
/// every call. Keyed by the scope's own offices (ids are globally unique); office writes
/// on this node clear it at once ([`forget_office_scopes`]), other nodes within the TTL.
static SCOPE_IDS: std::sync::LazyLock<crate::cache::TtlCache<Vec<Uuid>, std::sync::Arc<[Uuid]>>> =
    std::sync::LazyLock::new(|| {
        crate::cache::TtlCache::new(std::time::Duration::from_secs(10), 10_000)
    });

/// The ids of every office in `scope` (`None` for a national scope).
pub async fn office_ids_in_scope(
    conn: &impl ConnectionTrait,
    scope: &crate::access::Scope,
) -> Result<Option<std::sync::Arc<[Uuid]>>, DbErr> {
    let crate::access::Scope::Offices(list) = scope else {
        return Ok(None);
    };
    let mut key: Vec<Uuid> = list.iter().map(|o| o.id).collect();
    key.sort_unstable();
    if let Some(ids) = SCOPE_IDS.get(&key) {
        return Ok(Some(ids));
    }
    let ids: std::sync::Arc<[Uuid]> = office::Entity::find()
        .select_only()
        .column(office::Column::Id)
        .filter(scope.office_rows())
        .into_tuple::<Uuid>()
        .all(conn)
        .await?
        .into();
    SCOPE_IDS.insert(key, ids.clone());
    Ok(Some(ids))
}

/// Office codes by id, per node (a results page names each row's office).
static OFFICE_CODES: std::sync::LazyLock<crate::cache::TtlCache<Uuid, String>> =
    std::sync::LazyLock::new(|| {
        crate::cache::TtlCache::new(std::time::Duration::from_secs(10), 10_000)
    });

/// The codes of these offices, from the per-node cache or one query for the rest.
pub async fn office_codes(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = OfficeId>,
) -> Result<std::collections::HashMap<OfficeId, String>, DbErr> {
    let mut out = std::collections::HashMap::new();
    let mut missing = Vec::new();
    for id in ids.into_iter().map(OfficeId::uuid) {
        if out.contains_key(&OfficeId(id)) || missing.contains(&id) {
            continue;
        }
        match OFFICE_CODES.get(&id) {
            Some(code) => {
                out.insert(OfficeId(id), code);
            }
            None => missing.push(id),
        }
    }
    if !missing.is_empty() {
        let found: Vec<(Uuid, String)> = office::Entity::find()
            .select_only()
            .column(office::Column::Id)
            .column(office::Column::Code)
            .filter(office::Column::Id.is_in(missing))
            .into_tuple()
            .all(conn)
            .await?;
        for (id, code) in found {
            OFFICE_CODES.insert(id, code.clone());
            out.insert(OfficeId(id), code);
        }
    }
    Ok(out)
}

/// Forgets the cached scopes and codes after an office is created, changed or
/// (de)activated.
pub fn forget_office_scopes() {
    SCOPE_IDS.remove_where(|_| true);
    OFFICE_CODES.remove_where(|_| true);
}

/// Number of offices the caller may view.
pub async fn count_offices_in_scope(
    conn: &impl ConnectionTrait,
    access: &Access,
) -> Result<u64, DbErr> {
    office::Entity::find()
        .filter(access.view.office_rows())
        .count(conn)
        .await
}

/// Every office (system use: CLI, demo loader, admin selects).
pub async fn all_offices(conn: &impl ConnectionTrait) -> Result<Vec<office::Model>, DbErr> {
    office::Entity::find()
        .order_by_asc(office::Column::Code)
        .all(conn)
        .await
}

/// An office the caller may view, or `None` (also when it exists outside the scope).
pub async fn find_office(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<Option<office::Model>, DbErr> {
    office::Entity::find_by_id(id)
        .filter(access.view.office_rows())
        .one(conn)
        .await
}

/// An office by code, whatever the scope (system use).
pub async fn find_office_by_code(
    conn: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<office::Model>, DbErr> {
    office::Entity::find()
        .filter(office::Column::Code.eq(code.trim().to_uppercase()))
        .one(conn)
        .await
}

/// Offices below `path` (excluding the office itself).
pub async fn descendants(
    conn: &impl ConnectionTrait,
    path: &str,
) -> Result<Vec<office::Model>, DbErr> {
    office::Entity::find()
        .filter(office::Column::Path.like(format!("{path}%")))
        .filter(office::Column::Path.ne(path))
        .all(conn)
        .await
}

/// Territory codes an office covers.
pub async fn coverage(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
) -> Result<Vec<territory::Model>, DbErr> {
    let codes: Vec<String> = office_coverage::Entity::find()
        .filter(office_coverage::Column::OfficeId.eq(office_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| c.territory_code)
        .collect();
    territory::Entity::find()
        .filter(territory::Column::Code.is_in(codes))
        .order_by_asc(territory::Column::Name)
        .all(conn)
        .await
}

/// Replaces the covered territories of an office.
pub async fn replace_coverage(
    conn: &impl ConnectionTrait,
    office_id: Uuid,
    codes: &[String],
) -> Result<(), DbErr> {
    office_coverage::Entity::delete_many()
        .filter(office_coverage::Column::OfficeId.eq(office_id))
        .exec(conn)
        .await?;
    if codes.is_empty() {
        return Ok(());
    }
    let rows = codes.iter().map(|c| office_coverage::ActiveModel {
        office_id: sea_orm::Set(office_id),
        territory_code: sea_orm::Set(c.clone()),
    });
    office_coverage::Entity::insert_many(rows)
        .exec(conn)
        .await?;
    Ok(())
}

/// Active employment offices that cover a territory, by code.
pub async fn offices_covering(
    conn: &impl ConnectionTrait,
    territory_code: &str,
) -> Result<Vec<office::Model>, DbErr> {
    let ids: Vec<Uuid> = office_coverage::Entity::find()
        .filter(office_coverage::Column::TerritoryCode.eq(territory_code))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| c.office_id)
        .collect();
    office::Entity::find()
        .filter(office::Column::Id.is_in(ids))
        .filter(office::Column::Active.eq(true))
        .filter(office::Column::Kind.eq("employment_office"))
        .order_by_asc(office::Column::Code)
        .all(conn)
        .await
}

/// An office by id, whatever the scope (system use: labels of records already in scope).
pub async fn office_by_id(
    conn: &impl ConnectionTrait,
    id: OfficeId,
) -> Result<Option<office::Model>, DbErr> {
    office::Entity::find_by_id(id).one(conn).await
}

/// A territory by code.
pub async fn find_territory(
    conn: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<territory::Model>, DbErr> {
    territory::Entity::find_by_id(code.trim().to_owned())
        .one(conn)
        .await
}

/// Territories whose codes are all in `codes`; returns the unknown ones.
pub async fn unknown_territories(
    conn: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<String>, DbErr> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<String> = territory::Entity::find()
        .filter(territory::Column::Code.is_in(codes.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    Ok(codes
        .iter()
        .filter(|c| !found.contains(c))
        .cloned()
        .collect())
}

/// Units directly below `parent` (or the countries when `None`), one page with total.
pub async fn list_territories(
    conn: &impl ConnectionTrait,
    parent: Option<&str>,
    q: &str,
    pager: &Pager,
) -> Result<(Vec<territory::Model>, u64), DbErr> {
    let mut query = territory::Entity::find();
    query = match parent {
        Some(p) => query.filter(territory::Column::ParentCode.eq(p)),
        None => query.filter(territory::Column::Kind.eq("province")),
    };
    if !q.is_empty() {
        query = query.filter(
            Expr::expr(Func::lower(Expr::col(territory::Column::Name)))
                .like(format!("%{}%", q.to_lowercase())),
        );
    }
    let total = query.clone().count(conn).await?;
    let col = match pager.sort.as_str() {
        "name" => territory::Column::Name,
        "population" => territory::Column::Population,
        _ => territory::Column::Code,
    };
    let order = if pager.desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = query
        .order_by(col, order)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Departments of a province (for coverage pickers), by name.
pub async fn departments_of(
    conn: &impl ConnectionTrait,
    province_code: &str,
) -> Result<Vec<territory::Model>, DbErr> {
    territory::Entity::find()
        .filter(territory::Column::ParentCode.eq(province_code))
        .order_by_asc(territory::Column::Name)
        .all(conn)
        .await
}

/// Every territory of these kinds (`province`, `department`...), for checks in bulk.
pub async fn of_kinds(
    conn: &impl ConnectionTrait,
    kinds: &[&str],
) -> Result<Vec<territory::Model>, DbErr> {
    territory::Entity::find()
        .filter(territory::Column::Kind.is_in(kinds.iter().copied()))
        .all(conn)
        .await
}

/// Number of territories loaded.
pub async fn count_territories(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    territory::Entity::find().count(conn).await
}

/// Is `code` a department (the unit addresses and workplaces are recorded at)?
pub async fn is_department(conn: &impl ConnectionTrait, code: &str) -> Result<bool, DbErr> {
    Ok(find_territory(conn, code)
        .await?
        .is_some_and(|t| t.kind == "department"))
}

/// Which office of the caller's capture scope owns a new or moved record: the one asked
/// for by code (active and inside the scope, else refused on `office_code`), else the
/// first active one of `preferred` inside the scope (an office covering the person's
/// department, the employer's office), else the caller's first active capture office.
pub async fn capture_office(
    conn: &impl ConnectionTrait,
    access: &Access,
    asked: Option<&str>,
    preferred: &[Uuid],
) -> Result<Result<office::Model, crate::validation::FieldErrors>, DbErr> {
    use crate::validation::FieldErrors;
    if let Some(code) = asked.map(str::trim).filter(|c| !c.is_empty()) {
        return Ok(
            match find_office_by_code(conn, &code.to_uppercase()).await? {
                Some(o) if o.active && access.capture.includes_path(&o.path) => Ok(o),
                _ => Err(FieldErrors::one("office_code", "office-not-in-capture")),
            },
        );
    }
    for id in preferred {
        if let Some(o) = office_by_id(conn, OfficeId(*id)).await?
            && o.active
            && access.capture.includes_path(&o.path)
        {
            return Ok(Ok(o));
        }
    }
    if let crate::access::Scope::Offices(list) = &access.capture {
        for entry in list {
            if let Some(o) = office_by_id(conn, OfficeId(entry.id)).await?
                && o.active
            {
                return Ok(Ok(o));
            }
        }
    }
    Ok(Err(FieldErrors::one("office_code", "office-required")))
}
