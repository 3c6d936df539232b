//! Person → vacancies: every open vacancy's requirements, held per application (ADR
//! 0003) and scored against one candidate. The copy is read again whenever the vacancies
//! table has changed (its stamp: count and last change).

use std::sync::{Arc, Mutex};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::profile;
use super::score::{self, Candidate, Requirements, Weights};
use crate::matching::index::{Reach, within};
use crate::vacancies::entity::{vacancy, vacancy_requirement};
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

/// This application's copy of the open vacancies, with the stamp of the table it was read
/// at (the number of vacancies and their last change) and when. A change moves the
/// stamp; a node whose clock lags could write an older change time, so a copy is also
/// read again after [`MAX_AGE`].
#[derive(Default)]
pub struct OpenVacancies(Mutex<Option<Held>>);

/// A copy: the stamp it was read at, when, and the vacancies.
type Held = (Stamp, std::time::Instant, Arc<Vec<OpenVacancy>>);

/// The longest a copy is used without reading the vacancies again.
pub const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(10);

type Stamp = (u64, Option<chrono::DateTime<chrono::Utc>>);

async fn stamp(db: &Db) -> Result<Stamp, sea_orm::DbErr> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Expr, Func};
    let row: Option<(i64, Option<chrono::DateTime<chrono::Utc>>)> = vacancy::Entity::find()
        .select_only()
        .column_as(Expr::expr(Func::count(Expr::col(vacancy::Column::Id))), "n")
        .column_as(
            Expr::expr(Func::max(Expr::col(vacancy::Column::UpdatedAt))),
            "last",
        )
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.map_or((0, None), |(n, last)| (u64::try_from(n).unwrap_or(0), last)))
}

/// Every open vacancy, from this application's copy when the table has not changed.
pub async fn open_vacancies(
    db: &Db,
    copy: Option<&OpenVacancies>,
) -> Result<Arc<Vec<OpenVacancy>>, sea_orm::DbErr> {
    let now = stamp(db).await?;
    if let Some(copy) = copy
        && let Some((at, read, list)) = copy.0.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
        && *at == now
        && read.elapsed() < MAX_AGE
    {
        return Ok(list.clone());
    }
    let list = Arc::new(read_open(db).await?);
    if let Some(copy) = copy {
        *copy.0.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((now, std::time::Instant::now(), list.clone()));
    }
    Ok(list)
}

async fn read_open(db: &Db) -> Result<Vec<OpenVacancy>, sea_orm::DbErr> {
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
    Ok(rows
        .into_iter()
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
        .collect())
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
