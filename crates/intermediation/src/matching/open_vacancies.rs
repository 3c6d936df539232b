//! Person → vacancies: every open vacancy's requirements, held per node (ADR 0003) and
//! scored against one candidate. The list is re-read from the database every few
//! seconds and at once after a vacancy changes on this node.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::profile;
use super::score::{self, Candidate, Requirements, Weights};
use crate::matching::index::{Reach, within};
use crate::vacancies::entity::{vacancy, vacancy_requirement};
use sipe_platform::cache::TtlCache;
use sipe_platform::db::Db;

/// An open vacancy as matching holds it.
#[derive(Debug, Clone)]
pub struct OpenVacancy {
    /// Id.
    pub id: Uuid,
    /// Managing office (scopes apply through it).
    pub office_id: Uuid,
    /// Employer.
    pub employer_id: Uuid,
    /// Title.
    pub title: String,
    /// Requirements in matching's codes.
    pub requirements: Requirements,
    /// Skill labels by key (to name gaps).
    pub skills: Vec<vacancy_requirement::Model>,
}

static OPEN: LazyLock<TtlCache<(), Arc<Vec<OpenVacancy>>>> =
    LazyLock::new(|| TtlCache::new(Duration::from_secs(10), 1));

/// Forgets the list after a vacancy changed on this node.
pub fn forget() {
    OPEN.remove_where(|_| true);
}

/// Every open vacancy, from the per-node list or the database.
pub async fn open_vacancies(db: &Db) -> Result<Arc<Vec<OpenVacancy>>, sea_orm::DbErr> {
    if let Some(list) = OPEN.get(&()) {
        return Ok(list);
    }
    let rows = vacancy::Entity::find()
        .filter(vacancy::Column::State.eq("open"))
        .all(db)
        .await?;
    let mut reqs: std::collections::HashMap<Uuid, Vec<vacancy_requirement::Model>> =
        std::collections::HashMap::new();
    let ids: Vec<Uuid> = rows.iter().map(|v| v.id).collect();
    for chunk in ids.chunks(10_000) {
        for r in vacancy_requirement::Entity::find()
            .filter(vacancy_requirement::Column::VacancyId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            reqs.entry(r.vacancy_id).or_default().push(r);
        }
    }
    let list: Arc<Vec<OpenVacancy>> = Arc::new(
        rows.into_iter()
            .map(|v| {
                let own = reqs.remove(&v.id).unwrap_or_default();
                OpenVacancy {
                    requirements: profile::requirements(&v, &own),
                    skills: own,
                    id: v.id,
                    office_id: v.office_id,
                    employer_id: v.employer_id,
                    title: v.title,
                }
            })
            .collect(),
    );
    OPEN.insert((), list.clone());
    Ok(list)
}

/// The best `limit` open vacancies for a candidate among those whose office passes
/// `visible`, best first (ties by vacancy id): (index in `list`, score).
pub fn rank(
    list: &[OpenVacancy],
    candidate: &Candidate,
    visible: impl Fn(Uuid) -> bool,
    occupation_digits: u8,
    reach: Reach,
    weights: &Weights,
    limit: usize,
) -> Vec<(usize, f32)> {
    let weights = weights.clamped();
    let divisor = 10u32.pow(u32::from(4 - occupation_digits.min(4)));
    let mut scored: Vec<(usize, f32)> = list
        .iter()
        .enumerate()
        .filter(|(_, v)| visible(v.office_id))
        .filter(|(_, v)| {
            let r = &v.requirements;
            occupation_digits == 0
                || candidate
                    .unit_groups
                    .iter()
                    .any(|g| g / divisor == r.unit_group / divisor)
        })
        .filter(|(_, v)| score::passes(&v.requirements, candidate))
        .filter(|(_, v)| within(reach, v.requirements.department, candidate.department))
        .map(|(i, v)| {
            (
                i,
                score::factors(&v.requirements, candidate).score(&weights),
            )
        })
        .collect();
    let order = |a: &(usize, f32), b: &(usize, f32)| {
        b.1.total_cmp(&a.1)
            .then_with(|| list[a.0].id.cmp(&list[b.0].id))
    };
    // Only the winners are sorted: partitioning 50,000 scores costs a fraction of a sort.
    if scored.len() > limit && limit > 0 {
        scored.select_nth_unstable_by(limit - 1, order);
        scored.truncate(limit);
    }
    scored.sort_by(order);
    scored.truncate(limit);
    scored
}
