//! Referrals (derivaciones): a person referred to a vacancy, moved along a state machine
//! with a dated, attributed history; a hire records a placement with follow-ups at 3, 6
//! and 12 months.
//!
//! Invariants: every transition writes its history row, a timeline event of the person
//! and an audit row in the same transaction; a hire makes the person's other open
//! referrals obsolete in that transaction too. A referral is visible to the offices of
//! its vacancy and of its person.

pub mod api;
pub(crate) mod entity;
pub mod follow_ups;
pub mod handlers;
pub mod list;
pub mod service;
pub mod state;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use entity::{follow_up, placement, referral, referral_event};

/// Records which people a referral list, record or follow-up list shows the caller
/// (one audit row per request, through the read log), before it is shown.
pub async fn record_shown(
    state: &sipe_platform::web::AppState,
    ctx: &sipe_platform::audit::AuditCtx,
    action: &str,
    people: impl Iterator<Item = Uuid>,
) -> anyhow::Result<()> {
    sipe_persons::service::record_shown(&state.reads, ctx, action, "", people).await?;
    Ok(())
}

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
    Ok(sipe_persons::store::names_of(conn, ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.display()))
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
