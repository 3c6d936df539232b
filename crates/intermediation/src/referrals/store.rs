//! Reads of referrals, placements and follow-ups: lists within the caller's scope, a
//! referral's history and placement, and what employer and vacancy pages show.

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use super::entity::{follow_up, placement, referral, referral_event};
use super::service::ORIGINS;
use super::state::{self, ReferralState};
use crate::vacancies::entity::vacancy;
use sipe_platform::access::Access;
use sipe_platform::ids::PersonId;
use sipe_platform::web::table::Pager;

/// Referrals of a vacancy, newest first.
pub async fn of_vacancy(
    conn: &impl ConnectionTrait,
    vacancy_id: Uuid,
) -> Result<Vec<referral::Model>, DbErr> {
    referral::Entity::find()
        .filter(referral::Column::VacancyId.eq(vacancy_id))
        .order_by_desc(referral::Column::CreatedAt)
        .all(conn)
        .await
}

/// Referrals of a person, newest first.
pub async fn of_person(
    conn: &impl ConnectionTrait,
    person_id: Uuid,
) -> Result<Vec<referral::Model>, DbErr> {
    referral::Entity::find()
        .filter(referral::Column::PersonId.eq(person_id))
        .order_by_desc(referral::Column::CreatedAt)
        .all(conn)
        .await
}

/// The history of a referral, oldest first.
pub async fn events(
    conn: &impl ConnectionTrait,
    referral_id: Uuid,
) -> Result<Vec<referral_event::Model>, DbErr> {
    referral_event::Entity::find()
        .filter(referral_event::Column::ReferralId.eq(referral_id))
        .order_by_asc(referral_event::Column::At)
        .order_by_asc(referral_event::Column::Id)
        .all(conn)
        .await
}

/// The placement of a referral, with its follow-ups.
pub async fn placement_of(
    conn: &impl ConnectionTrait,
    referral_id: Uuid,
) -> Result<Option<(placement::Model, Vec<follow_up::Model>)>, DbErr> {
    let Some(p) = placement::Entity::find()
        .filter(placement::Column::ReferralId.eq(referral_id))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let f = follow_up::Entity::find()
        .filter(follow_up::Column::PlacementId.eq(p.id))
        .order_by_asc(follow_up::Column::DueOn)
        .all(conn)
        .await?;
    Ok(Some((p, f)))
}

/// Display names of these people, by id (one query). For naming the person of a referral
/// the caller may already see.
pub async fn person_names(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, DbErr> {
    // Collected before the await: a borrowing iterator would make the future not Send.
    let ids: Vec<PersonId> = ids.into_iter().map(PersonId).collect();
    Ok(sipe_persons::store::names_of(conn, ids)
        .await?
        .into_iter()
        .map(|p| (p.id.uuid(), p.display()))
        .collect())
}

/// Placements at an employer, newest first, with the person's name.
pub async fn placements_of_employer(
    conn: &impl ConnectionTrait,
    employer_id: Uuid,
) -> Result<Vec<(placement::Model, String)>, DbErr> {
    let rows = placement::Entity::find()
        .filter(placement::Column::EmployerId.eq(employer_id))
        .order_by_desc(placement::Column::StartDate)
        .all(conn)
        .await?;
    let names = person_names(conn, rows.iter().map(|p| p.person_id)).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let name = names.get(&p.person_id).cloned().unwrap_or_default();
            (p, name)
        })
        .collect())
}

/// Referrals to an employer's vacancies, counted by state (in `ReferralState::ALL` order).
pub async fn referral_counts_of_employer(
    conn: &impl ConnectionTrait,
    employer_id: Uuid,
) -> Result<Vec<(&'static str, u64)>, DbErr> {
    use crate::vacancies::entity::vacancy;
    use sea_orm::QuerySelect;
    let vacancies: Vec<Uuid> = vacancy::Entity::find()
        .select_only()
        .column(vacancy::Column::Id)
        .filter(vacancy::Column::EmployerId.eq(employer_id))
        .into_tuple()
        .all(conn)
        .await?;
    let states: Vec<String> = referral::Entity::find()
        .select_only()
        .column(referral::Column::State)
        .filter(referral::Column::VacancyId.is_in(vacancies))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(state::ReferralState::ALL
        .iter()
        .map(|s| {
            let n = states.iter().filter(|x| *x == s.as_str()).count() as u64;
            (s.as_str(), n)
        })
        .filter(|(_, n)| *n > 0)
        .collect())
}

/// Columns the list sorts by.
pub const SORTS: [&str; 3] = ["updated_at", "created_at", "state"];

/// Filters of the list.
#[derive(Debug, Clone, Default)]
pub struct ReferralFilter {
    /// One state.
    pub state: Option<&'static str>,
    /// One origin.
    pub origin: Option<&'static str>,
}

impl ReferralFilter {
    /// The filters as typed (unknown values mean no filter).
    pub fn parse(state: &str, origin: &str) -> Self {
        Self {
            state: ReferralState::parse(state).map(ReferralState::as_str),
            origin: ORIGINS.into_iter().find(|o| *o == origin.trim()),
        }
    }
}

/// A referral with the names its row shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReferralRow {
    /// Id.
    pub id: Uuid,
    /// State.
    pub state: String,
    /// `referred` or `applied`.
    pub origin: String,
    /// The person.
    pub person_id: Uuid,
    /// The person's name.
    pub person: String,
    /// The vacancy.
    pub vacancy_id: Uuid,
    /// The vacancy's title.
    pub vacancy: String,
    /// The employer's legal name.
    pub employer: String,
    /// Interview date and time, when scheduled.
    pub interview_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last change.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Referrals visible in the caller's view scope: those of vacancies of their offices and
/// those of their offices' people (the rule `service::visible` applies to one).
fn visible(access: &Access) -> Condition {
    if access.view.is_national() {
        return Condition::all();
    }
    Condition::any()
        .add(access.view.owns(referral::Column::OfficeId))
        .add(
            referral::Column::PersonId.in_subquery(sipe_persons::store::ids_in_scope(&access.view)),
        )
}

/// Referrals the caller may see in one state (those waiting for the employer's answer,
/// on the home page).
pub async fn count_in_state(
    conn: &impl ConnectionTrait,
    access: &Access,
    state: ReferralState,
) -> Result<u64, DbErr> {
    referral::Entity::find()
        .filter(visible(access))
        .filter(referral::Column::State.eq(state.as_str()))
        .count(conn)
        .await
}

/// Interviews the caller may see between two instants (today's, on the home page).
pub async fn count_interviews_between(
    conn: &impl ConnectionTrait,
    access: &Access,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    referral::Entity::find()
        .filter(visible(access))
        .filter(referral::Column::State.eq(ReferralState::InterviewScheduled.as_str()))
        .filter(referral::Column::InterviewAt.gte(from))
        .filter(referral::Column::InterviewAt.lt(to))
        .count(conn)
        .await
}

/// One page of the referrals the caller may see, newest change first by default.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &ReferralFilter,
    pager: &Pager,
) -> Result<(Vec<ReferralRow>, u64), DbErr> {
    let mut q = referral::Entity::find().filter(visible(access));
    if let Some(state) = filter.state {
        q = q.filter(referral::Column::State.eq(state));
    }
    if let Some(origin) = filter.origin {
        q = q.filter(referral::Column::Origin.eq(origin));
    }
    let total = q.clone().count(conn).await?;
    let col = match pager.sort.as_str() {
        "created_at" => referral::Column::CreatedAt,
        "state" => referral::Column::State,
        _ => referral::Column::UpdatedAt,
    };
    let order = if pager.desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = q
        .order_by(col, order)
        .order_by_desc(referral::Column::Id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    let names = super::store::person_names(conn, rows.iter().map(|r| r.person_id)).await?;
    let vacancies = vacancy::Entity::find()
        .filter(vacancy::Column::Id.is_in(rows.iter().map(|r| r.vacancy_id)))
        .all(conn)
        .await?;
    let employers =
        crate::employers::store::legal_names(conn, vacancies.iter().map(|v| v.employer_id)).await?;
    let out = rows
        .into_iter()
        .map(|r| {
            let v = vacancies.iter().find(|v| v.id == r.vacancy_id);
            ReferralRow {
                person: names.get(&r.person_id).cloned().unwrap_or_default(),
                vacancy: v.map(|v| v.title.clone()).unwrap_or_default(),
                employer: v
                    .and_then(|v| employers.get(&v.employer_id).cloned())
                    .unwrap_or_default(),
                id: r.id,
                state: r.state,
                origin: r.origin,
                person_id: r.person_id,
                vacancy_id: r.vacancy_id,
                interview_at: r.interview_at,
                created_at: r.created_at,
                updated_at: r.updated_at,
            }
        })
        .collect();
    Ok((out, total))
}

/// A follow-up with what its row shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUpRow {
    /// Id.
    pub id: Uuid,
    /// 3, 6 or 12.
    pub months: i32,
    /// Due date.
    pub due_on: NaiveDate,
    /// Done?
    pub done: bool,
    /// Still employed, when done.
    pub still_employed: Option<bool>,
    /// The referral of the placement.
    pub referral_id: Uuid,
    /// The person.
    pub person_id: Uuid,
    /// The person's name.
    pub person: String,
    /// The employer's legal name.
    pub employer: String,
    /// First day of work.
    pub start_date: NaiveDate,
}

/// Pending follow-ups due by today in the caller's view scope (the dashboard's number).
pub async fn count_due_in_scope(
    conn: &impl ConnectionTrait,
    access: &Access,
    today: chrono::NaiveDate,
) -> Result<u64, sea_orm::DbErr> {
    follow_up::Entity::find()
        .filter(access.view.owns(follow_up::Column::OfficeId))
        .filter(follow_up::Column::DoneAt.is_null())
        .filter(follow_up::Column::DueOn.lte(today))
        .count(conn)
        .await
}

/// Follow-ups of the offices in the caller's view scope: pending ones (due first) or all.
pub async fn follow_ups(
    conn: &impl ConnectionTrait,
    access: &Access,
    pending_only: bool,
    pager: &Pager,
) -> Result<(Vec<FollowUpRow>, u64), sea_orm::DbErr> {
    let mut q = follow_up::Entity::find().filter(access.view.owns(follow_up::Column::OfficeId));
    if pending_only {
        q = q.filter(follow_up::Column::DoneAt.is_null());
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_asc(follow_up::Column::DueOn)
        .order_by_asc(follow_up::Column::Id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    let placements = placement::Entity::find()
        .filter(placement::Column::Id.is_in(rows.iter().map(|f| f.placement_id)))
        .all(conn)
        .await?;
    let names = super::store::person_names(conn, placements.iter().map(|p| p.person_id)).await?;
    let employers =
        crate::employers::store::legal_names(conn, placements.iter().map(|p| p.employer_id))
            .await?;
    let out = rows
        .into_iter()
        .filter_map(|f| {
            let p = placements.iter().find(|p| p.id == f.placement_id)?;
            Some(FollowUpRow {
                id: f.id,
                months: f.months,
                due_on: f.due_on,
                done: f.done_at.is_some(),
                still_employed: f.still_employed,
                referral_id: p.referral_id,
                person_id: p.person_id,
                person: names.get(&p.person_id).cloned().unwrap_or_default(),
                employer: employers.get(&p.employer_id).cloned().unwrap_or_default(),
                start_date: p.start_date,
            })
        })
        .collect();
    Ok((out, total))
}
