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
pub mod handlers;
pub mod service;
pub mod state;
pub mod store;
pub mod views;

/// Records which people a referral list, record or follow-up list shows the caller
/// (one audit row per request, through the read log), before it is shown.
pub async fn record_shown(
    state: &sipe_platform::web::AppState,
    ctx: &sipe_platform::audit::AuditCtx,
    action: &str,
    people: impl Iterator<Item = sipe_platform::ids::PersonId>,
) -> anyhow::Result<()> {
    sipe_persons::service::record_shown(&state.reads, ctx, action, "", people).await?;
    Ok(())
}

/// The first days of work of these people's placements, by person (another module's
/// indicators: who found a job after a course).
pub async fn placement_starts(
    conn: &impl sea_orm::ConnectionTrait,
    people: &[uuid::Uuid],
) -> Result<std::collections::HashMap<uuid::Uuid, Vec<chrono::NaiveDate>>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let mut out: std::collections::HashMap<uuid::Uuid, Vec<chrono::NaiveDate>> =
        std::collections::HashMap::new();
    for chunk in people.chunks(1_000) {
        let rows: Vec<(uuid::Uuid, chrono::NaiveDate)> = entity::placement::Entity::find()
            .select_only()
            .column(entity::placement::Column::PersonId)
            .column(entity::placement::Column::StartDate)
            .filter(entity::placement::Column::PersonId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        for (person, start) in rows {
            out.entry(person).or_default().push(start);
        }
    }
    Ok(out)
}
