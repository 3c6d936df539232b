//! Intermediation indicators per office and period: vacancies open during the period
//! and opened in it, with their positions, referrals by state, placements, placement rate, median days from opening to
//! the first referral and to the first hire, and retention at 3, 6 and 12 months.
//! Computed from the rows of the period (nothing stored), as tables, SVG charts, CSV,
//! XLSX and JSON.

pub mod handlers;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use super::referrals::entity::{follow_up, placement, referral};
use super::referrals::state::ReferralState;
use super::vacancies::entity::vacancy;
use sipe_platform::access::Access;

/// The indicators of one office (or of all, in `total`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Indicators {
    /// Office code (`total` for the sum).
    pub office: String,
    /// Vacancies open at some time during the period (opened before its end, not ended
    /// before its start).
    pub vacancies_open: u64,
    /// Their positions.
    pub open_positions: u64,
    /// Vacancies opened in the period.
    pub vacancies_opened: u64,
    /// Their positions.
    pub positions: u64,
    /// Referrals made in the period, by state now.
    pub referrals: BTreeMap<String, u64>,
    /// All referrals made in the period.
    pub referrals_total: u64,
    /// Placements recorded in the period.
    pub placements: u64,
    /// Placements / referrals of the period.
    pub placement_rate: Option<f64>,
    /// Median days from a vacancy's opening to its first referral.
    pub median_days_to_first_referral: Option<f64>,
    /// Median days from a vacancy's opening to its first hire.
    pub median_days_to_hire: Option<f64>,
    /// Share of the recorded follow-ups at 3, 6 and 12 months still employed.
    pub retention: BTreeMap<String, Option<f64>>,
}

/// The rows indicators are computed from.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Vacancies open during the period: (office, positions).
    pub open: Vec<(Uuid, i32)>,
    /// Vacancies opened in the period: (id, office, positions, opened at).
    pub vacancies: Vec<(Uuid, Uuid, i32, DateTime<Utc>)>,
    /// Referrals: (office, vacancy, state, created at).
    pub referrals: Vec<(Uuid, Uuid, String, DateTime<Utc>)>,
    /// Placements: (office, vacancy, created at).
    pub placements: Vec<(Uuid, Uuid, DateTime<Utc>)>,
    /// Recorded follow-ups of the period's placements: (office, months, still employed).
    pub follow_ups: Vec<(Uuid, i32, bool)>,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let m = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Some((m * 10.0).round() / 10.0)
}

fn days(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds().max(0) as f64 / 86_400.0
}

/// The indicators of the rows whose office passes `keep` (all offices for the total).
pub fn compute(rows: &Rows, label: &str, keep: impl Fn(Uuid) -> bool) -> Indicators {
    let vacancies: Vec<_> = rows.vacancies.iter().filter(|v| keep(v.1)).collect();
    let referrals: Vec<_> = rows.referrals.iter().filter(|r| keep(r.0)).collect();
    let placements: Vec<_> = rows.placements.iter().filter(|p| keep(p.0)).collect();
    let mut by_state: BTreeMap<String, u64> = ReferralState::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), 0))
        .collect();
    for r in &referrals {
        *by_state.entry(r.2.clone()).or_default() += 1;
    }
    let first = |times: &mut dyn Iterator<Item = (Uuid, DateTime<Utc>)>| {
        let mut m: BTreeMap<Uuid, DateTime<Utc>> = BTreeMap::new();
        for (v, t) in times {
            m.entry(v).and_modify(|x| *x = (*x).min(t)).or_insert(t);
        }
        m
    };
    let first_referral = first(&mut rows.referrals.iter().map(|r| (r.1, r.3)));
    let first_hire = first(&mut rows.placements.iter().map(|p| (p.1, p.2)));
    let to_referral = vacancies
        .iter()
        .filter_map(|v| first_referral.get(&v.0).map(|t| days(v.3, *t)))
        .collect();
    let to_hire = vacancies
        .iter()
        .filter_map(|v| first_hire.get(&v.0).map(|t| days(v.3, *t)))
        .collect();
    let retention = [3, 6, 12]
        .into_iter()
        .map(|months| {
            let done: Vec<bool> = rows
                .follow_ups
                .iter()
                .filter(|f| keep(f.0) && f.1 == months)
                .map(|f| f.2)
                .collect();
            let share = (!done.is_empty())
                .then(|| done.iter().filter(|s| **s).count() as f64 / done.len() as f64);
            (
                format!("m{months}"),
                share.map(|s| (s * 1000.0).round() / 1000.0),
            )
        })
        .collect();
    let referrals_total = referrals.len() as u64;
    let open: Vec<_> = rows.open.iter().filter(|v| keep(v.0)).collect();
    Indicators {
        office: label.to_owned(),
        vacancies_open: open.len() as u64,
        open_positions: open.iter().map(|v| v.1.max(0) as u64).sum(),
        vacancies_opened: vacancies.len() as u64,
        positions: vacancies.iter().map(|v| v.2.max(0) as u64).sum(),
        referrals: by_state,
        referrals_total,
        placements: placements.len() as u64,
        placement_rate: (referrals_total > 0).then(|| {
            ((placements.len() as f64 / referrals_total as f64) * 1000.0).round() / 1000.0
        }),
        median_days_to_first_referral: median(to_referral),
        median_days_to_hire: median(to_hire),
        retention,
    }
}

/// Midnight at the start of `day` in the deployment's time zone, in UTC.
fn local_midnight(day: NaiveDate, tz: chrono_tz::Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// The rows of the period `[from, to]` (local dates, inclusive) for the offices of the
/// caller's view scope.
pub async fn rows(
    conn: &impl ConnectionTrait,
    access: &Access,
    from: NaiveDate,
    to: NaiveDate,
    tz: chrono_tz::Tz,
) -> Result<Rows, DbErr> {
    let start = local_midnight(from, tz);
    let end = local_midnight(to + chrono::Days::new(1), tz);
    let open = vacancy::Entity::find()
        .filter(access.view.owns(vacancy::Column::OfficeId))
        .filter(vacancy::Column::OpenedAt.lt(end))
        .filter(
            sea_orm::Condition::any()
                .add(vacancy::Column::EndedAt.is_null())
                .add(vacancy::Column::EndedAt.gte(start)),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|v| (v.office_id, v.positions))
        .collect();
    let vacancies = vacancy::Entity::find()
        .filter(access.view.owns(vacancy::Column::OfficeId))
        .filter(vacancy::Column::OpenedAt.gte(start))
        .filter(vacancy::Column::OpenedAt.lt(end))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|v| Some((v.id, v.office_id, v.positions, v.opened_at?)))
        .collect();
    let referrals = referral::Entity::find()
        .filter(access.view.owns(referral::Column::OfficeId))
        .filter(referral::Column::CreatedAt.gte(start))
        .filter(referral::Column::CreatedAt.lt(end))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.office_id, r.vacancy_id, r.state, r.created_at))
        .collect();
    let placed = placement::Entity::find()
        .filter(access.view.owns(placement::Column::OfficeId))
        .filter(placement::Column::CreatedAt.gte(start))
        .filter(placement::Column::CreatedAt.lt(end))
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = placed.iter().map(|p| p.id).collect();
    let mut follow_ups = Vec::new();
    for chunk in ids.chunks(10_000) {
        for f in follow_up::Entity::find()
            .filter(follow_up::Column::PlacementId.is_in(chunk.iter().copied()))
            .filter(follow_up::Column::StillEmployed.is_not_null())
            .all(conn)
            .await?
        {
            follow_ups.push((f.office_id, f.months, f.still_employed.unwrap_or(false)));
        }
    }
    Ok(Rows {
        open,
        vacancies,
        referrals,
        placements: placed
            .into_iter()
            .map(|p| (p.office_id, p.vacancy_id, p.created_at))
            .collect(),
        follow_ups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_of_hand_built_rows() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let (v1, v2, v3) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let t = |day: u32| {
            NaiveDate::from_ymd_opt(2026, 3, day)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap()
                .and_utc()
        };
        let rows = Rows {
            open: vec![(a, 3), (a, 1), (a, 5), (b, 10)],
            vacancies: vec![(v1, a, 3, t(1)), (v2, a, 1, t(2)), (v3, b, 10, t(1))],
            referrals: vec![
                (a, v1, "hired".into(), t(3)),
                (a, v1, "rejected".into(), t(5)),
                (a, v2, "sent".into(), t(6)),
                (b, v3, "proposed".into(), t(2)),
            ],
            placements: vec![(a, v1, t(11))],
            follow_ups: vec![(a, 3, true), (a, 6, false), (a, 6, true)],
        };
        let office_a = compute(&rows, "A", |o| o == a);
        assert_eq!(office_a.vacancies_open, 3, "one opened before the period");
        assert_eq!(office_a.open_positions, 9);
        assert_eq!(office_a.vacancies_opened, 2);
        assert_eq!(office_a.positions, 4);
        assert_eq!(office_a.referrals_total, 3);
        assert_eq!(office_a.referrals["hired"], 1);
        assert_eq!(office_a.referrals["obsolete"], 0, "every state is listed");
        assert_eq!(office_a.placements, 1);
        assert_eq!(office_a.placement_rate, Some(0.333));
        // v1: 2 days to the first referral, v2: 4 days; median 3.
        assert_eq!(office_a.median_days_to_first_referral, Some(3.0));
        assert_eq!(office_a.median_days_to_hire, Some(10.0));
        assert_eq!(office_a.retention["m3"], Some(1.0));
        assert_eq!(office_a.retention["m6"], Some(0.5));
        assert_eq!(office_a.retention["m12"], None, "none recorded yet");
        let total = compute(&rows, "total", |_| true);
        assert_eq!(total.vacancies_opened, 3);
        assert_eq!(
            total.median_days_to_first_referral,
            Some(2.0),
            "1, 2 and 4 days"
        );
        assert_eq!(
            compute(&Rows::default(), "x", |_| true).placement_rate,
            None
        );
    }

    #[test]
    fn periods_are_local_days() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let start = local_midnight(day, chrono_tz::America::Argentina::Tucuman);
        assert_eq!(start.to_rfc3339(), "2026-11-22T03:00:00+00:00");
    }
}
