//! The candidate side of a person's profile: actively looking (with the date), preferred
//! contract types, salary expectation, and whether they were placed. Editable from the
//! person page and the API; every change re-indexes the person, so matching reads it.
//!
//! A person without a row is taken as actively looking when their employment status is
//! `unemployed` (what the registry knows until they say more).

pub(crate) mod entity;
pub mod handlers;
pub mod service;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use entity::job_seeker;

/// A person's job search as screens and matching use it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Summary {
    /// Actively looking for work.
    pub actively_looking: bool,
    /// Since when.
    pub looking_since: Option<chrono::NaiveDate>,
    /// Preferred contract types (empty: no preference).
    pub preferred_contracts: Vec<String>,
    /// Lowest acceptable monthly gross salary (ARS).
    pub salary_expectation: Option<i64>,
    /// Placed through a referral (then out of matching until they look again).
    pub placed: bool,
    /// Stated by the person (false: derived from the employment status).
    pub stated: bool,
}

impl Summary {
    /// From the stored row, or derived from the employment status when there is none.
    pub fn of(row: Option<&job_seeker::Model>, employment_status: Option<&str>) -> Self {
        match row {
            Some(r) => Self {
                actively_looking: r.actively_looking,
                looking_since: r.looking_since,
                preferred_contracts: r
                    .preferred_contracts
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
                salary_expectation: r.salary_expectation,
                placed: r.placed_at.is_some() && !r.actively_looking,
                stated: true,
            },
            None => Self {
                actively_looking: employment_status == Some("unemployed"),
                ..Default::default()
            },
        }
    }
}

/// The stored job searches of these people.
pub async fn rows_of(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, job_seeker::Model>, DbErr> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(10_000) {
        let rows = job_seeker::Entity::find()
            .filter(job_seeker::Column::PersonId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        out.extend(rows.into_iter().map(|r| (r.person_id, r)));
    }
    Ok(out)
}
