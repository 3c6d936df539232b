//! Every query of vacancies. Functions that take an `Access` only see vacancies whose
//! managing office lies in the given scope.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entity::{vacancy, vacancy_event, vacancy_requirement};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::web::table::Pager;

/// Filters of vacancy lists.
#[derive(Debug, Clone, Default)]
pub struct VacancyFilter {
    /// Words of the title, occupation or employer.
    pub q: String,
    /// Only this state.
    pub state: Option<String>,
    /// Only this employer's.
    pub employer_id: Option<Uuid>,
    /// Occupations whose code starts with this (an ISCO group).
    pub occupation_prefix: Option<String>,
}

fn filter_cond(filter: &VacancyFilter) -> Condition {
    let mut cond = Condition::all();
    for word in
        sipe_platform::text::bounded_words(sipe_platform::text::fold(&filter.q).split_whitespace())
    {
        cond = cond.add(vacancy::Column::SearchText.like(format!("%{word}%")));
    }
    if let Some(s) = &filter.state {
        cond = cond.add(vacancy::Column::State.eq(s.clone()));
    }
    if let Some(e) = filter.employer_id {
        cond = cond.add(vacancy::Column::EmployerId.eq(e));
    }
    if let Some(p) = &filter.occupation_prefix {
        cond = cond.add(vacancy::Column::OccupationCode.like(format!("{p}%")));
    }
    cond
}

/// The sortable columns of vacancy lists (the first is the default, newest first).
pub const SORTS: [&str; 4] = ["created_at", "title", "state", "positions"];

/// One page of the vacancies in the caller's view scope, with the total.
pub async fn list_vacancies(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &VacancyFilter,
    pager: &Pager,
) -> Result<(Vec<vacancy::Model>, u64), DbErr> {
    let query = vacancy::Entity::find()
        .filter(access.view.owns(vacancy::Column::OfficeId))
        .filter(filter_cond(filter));
    let total = query.clone().count(conn).await?;
    let col = match pager.sort.as_str() {
        "title" => vacancy::Column::Title,
        "state" => vacancy::Column::State,
        "positions" => vacancy::Column::Positions,
        _ => vacancy::Column::CreatedAt,
    };
    let order = if pager.desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = query
        .order_by(col, order)
        .order_by_desc(vacancy::Column::Id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Open vacancies in the caller's view scope (the dashboard's number).
pub async fn count_open_in_scope(
    conn: &impl ConnectionTrait,
    access: &Access,
) -> Result<u64, DbErr> {
    vacancy::Entity::find()
        .filter(access.view.owns(vacancy::Column::OfficeId))
        .filter(vacancy::Column::State.eq("open"))
        .count(conn)
        .await
}

/// A vacancy in the caller's scope of this kind, or `None`.
pub async fn find_vacancy(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<Option<vacancy::Model>, DbErr> {
    vacancy::Entity::find_by_id(id)
        .filter(access.scope(kind).owns(vacancy::Column::OfficeId))
        .one(conn)
        .await
}

/// Skills and languages of a vacancy, required first.
pub async fn requirements(
    conn: &impl ConnectionTrait,
    vacancy_id: Uuid,
) -> Result<Vec<vacancy_requirement::Model>, DbErr> {
    vacancy_requirement::Entity::find()
        .filter(vacancy_requirement::Column::VacancyId.eq(vacancy_id))
        .order_by_desc(vacancy_requirement::Column::Required)
        .order_by_asc(vacancy_requirement::Column::Kind)
        .order_by_asc(vacancy_requirement::Column::Label)
        .all(conn)
        .await
}

/// The state history of a vacancy, oldest first.
pub async fn events(
    conn: &impl ConnectionTrait,
    vacancy_id: Uuid,
) -> Result<Vec<vacancy_event::Model>, DbErr> {
    vacancy_event::Entity::find()
        .filter(vacancy_event::Column::VacancyId.eq(vacancy_id))
        .order_by_asc(vacancy_event::Column::At)
        .order_by_asc(vacancy_event::Column::Id)
        .all(conn)
        .await
}

/// Titles of these vacancies and their employers' legal names, by vacancy id (for rows
/// that name where a person was referred).
pub async fn titles_and_employers(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, (String, String)>, DbErr> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    let rows = vacancy::Entity::find()
        .filter(vacancy::Column::Id.is_in(ids))
        .all(conn)
        .await?;
    let names =
        crate::employers::store::legal_names(conn, rows.iter().map(|v| v.employer_id)).await?;
    Ok(rows
        .into_iter()
        .map(|v| {
            let employer = names.get(&v.employer_id).cloned().unwrap_or_default();
            (v.id, (v.title, employer))
        })
        .collect())
}
