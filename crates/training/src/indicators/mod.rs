//! Training indicators per office, institution or course, for the cohorts that start in
//! a period: enrolled, attending, completed, certified, drop-out rate, average
//! attendance, and people employed within 6 months after completing (an intermediation
//! placement starting after the cohort's last day). Computed from the rows (nothing
//! stored), in the caller's reach: the cohorts of their view scope's offices, or of
//! their institution for its staff; the whole offer for national users.

pub mod handlers;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{CohortState, EnrolmentState, WithdrawalReason};
use crate::entity::{certificate, cohort, enrolment};
use sipe_platform::access::Access;

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The cohort's office.
    Office,
    /// The cohort's institution.
    Institution,
    /// The cohort's course.
    Course,
}

impl By {
    /// Every grouping, in the page's order.
    pub const ALL: [By; 3] = [By::Office, By::Institution, By::Course];

    /// Identifier in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            By::Office => "office",
            By::Institution => "institution",
            By::Course => "course",
        }
    }

    /// Parses the identifier (the office by default).
    pub fn parse(s: &str) -> Option<By> {
        match s.trim() {
            "" => Some(By::Office),
            other => By::ALL.into_iter().find(|b| b.as_str() == other),
        }
    }
}

/// The indicators of one group (or of all, in the total).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TrainingIndicators {
    /// The office's code, the institution's or the course's name (`total` for the sum).
    pub group: String,
    /// Cohorts starting in the period (cancelled ones included).
    pub cohorts: u64,
    /// People who held a place (in a place now, completed, not completed, or left).
    pub enrolled: u64,
    /// In a place of a running cohort now.
    pub attending: u64,
    /// Completed.
    pub completed: u64,
    /// Certificates valid now.
    pub certified: u64,
    /// Left by their own reason (not a cohort called off, not a place never had).
    pub dropped: u64,
    /// Dropped / enrolled.
    pub dropout_rate: Option<f64>,
    /// Mean attendance (%) of those whose attendance is known.
    pub average_attendance: Option<f64>,
    /// Completed people with a job (a placement) starting within 6 months after the
    /// cohort's last day.
    pub employed_6m: u64,
    /// Employed within 6 months / completed.
    pub employment_rate: Option<f64>,
}

/// The rows indicators are computed from.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Cohorts: id → (office, institution, course, state).
    pub cohorts: HashMap<Uuid, (Uuid, Uuid, Uuid, String)>,
    /// Enrolments: (cohort, state, withdrawal reason, attendance).
    pub enrolments: Vec<(Uuid, String, Option<String>, Option<i32>)>,
    /// Valid certificates: their cohort.
    pub certified: Vec<Uuid>,
    /// Completed and employed within 6 months: their cohort.
    pub employed: Vec<Uuid>,
}

/// An enrolment as the indicators read it: cohort, person, state, withdrawal reason,
/// attendance.
type EnrolmentRow = (Uuid, Uuid, String, Option<String>, Option<i32>);

/// Reads the rows of the cohorts starting in `[from, to]` that the caller reaches.
pub async fn rows(
    conn: &impl ConnectionTrait,
    access: &Access,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Rows, DbErr> {
    let cohorts: Vec<(Uuid, Uuid, Uuid, Uuid, String, NaiveDate)> = cohort::Entity::find()
        .select_only()
        .columns([
            cohort::Column::Id,
            cohort::Column::OfficeId,
            cohort::Column::InstitutionId,
            cohort::Column::CourseId,
            cohort::Column::State,
            cohort::Column::EndsOn,
        ])
        .filter(cohort::Column::StartsOn.between(from, to))
        .filter(crate::cohorts::run_by(access, &access.view))
        .limit(20_000)
        .into_tuple()
        .all(conn)
        .await?;
    let ends: HashMap<Uuid, NaiveDate> = cohorts.iter().map(|c| (c.0, c.5)).collect();
    let ids: Vec<Uuid> = cohorts.iter().map(|c| c.0).collect();
    let mut out = Rows {
        cohorts: cohorts
            .into_iter()
            .map(|(id, o, i, c, s, _)| (id, (o, i, c, s)))
            .collect(),
        ..Default::default()
    };
    let mut completed: Vec<(Uuid, Uuid)> = Vec::new();
    for chunk in ids.chunks(1_000) {
        let rows: Vec<EnrolmentRow> = enrolment::Entity::find()
            .select_only()
            .columns([
                enrolment::Column::CohortId,
                enrolment::Column::PersonId,
                enrolment::Column::State,
                enrolment::Column::WithdrawalReason,
                enrolment::Column::Attendance,
            ])
            .filter(enrolment::Column::CohortId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        for (cohort, person, state, reason, attendance) in rows {
            if state == EnrolmentState::Completed.as_str() {
                completed.push((cohort, person));
            }
            out.enrolments.push((cohort, state, reason, attendance));
        }
        let certified: Vec<Uuid> = certificate::Entity::find()
            .select_only()
            .column(certificate::Column::CohortId)
            .filter(certificate::Column::CohortId.is_in(chunk.iter().copied()))
            .filter(certificate::Column::Status.eq(crate::certificates::VALID))
            .into_tuple()
            .all(conn)
            .await?;
        out.certified.extend(certified);
    }
    let people: Vec<Uuid> = completed
        .iter()
        .map(|(_, p)| *p)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let starts = sipe_intermediation::referrals::placement_starts(conn, &people).await?;
    for (cohort, person) in completed {
        let Some(end) = ends.get(&cohort) else {
            continue;
        };
        let limit = end
            .checked_add_months(chrono::Months::new(6))
            .unwrap_or(*end);
        if starts
            .get(&person)
            .is_some_and(|days| days.iter().any(|d| d > end && *d <= limit))
        {
            out.employed.push(cohort);
        }
    }
    Ok(out)
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The indicators of the cohorts `keep` selects, named `group`.
pub fn compute(rows: &Rows, group: &str, keep: impl Fn(&Uuid) -> bool) -> TrainingIndicators {
    let mut i = TrainingIndicators {
        group: group.to_owned(),
        cohorts: rows.cohorts.keys().filter(|id| keep(id)).count() as u64,
        ..Default::default()
    };
    let running = |c: &Uuid| {
        rows.cohorts
            .get(c)
            .is_some_and(|(_, _, _, s)| s == CohortState::Running.as_str())
    };
    let (mut sum, mut known) = (0u64, 0u64);
    for (c, state, reason, attendance) in rows.enrolments.iter().filter(|e| keep(&e.0)) {
        let user_left = state == EnrolmentState::Withdrawn.as_str()
            && reason.as_deref().is_some_and(|r| {
                !matches!(
                    WithdrawalReason::parse(r),
                    Some(WithdrawalReason::Cancelled | WithdrawalReason::NoPlace)
                )
            });
        let held = user_left
            || [
                EnrolmentState::Enrolled,
                EnrolmentState::Completed,
                EnrolmentState::NotCompleted,
            ]
            .iter()
            .any(|s| s.as_str() == state);
        if held {
            i.enrolled += 1;
        }
        if user_left {
            i.dropped += 1;
        }
        if state == EnrolmentState::Enrolled.as_str() && running(c) {
            i.attending += 1;
        }
        if state == EnrolmentState::Completed.as_str() {
            i.completed += 1;
        }
        if let Some(a) = attendance.filter(|_| held) {
            sum += u64::try_from(a).unwrap_or(0);
            known += 1;
        }
    }
    i.certified = rows.certified.iter().filter(|c| keep(c)).count() as u64;
    i.employed_6m = rows.employed.iter().filter(|c| keep(c)).count() as u64;
    i.dropout_rate = share(i.dropped, i.enrolled);
    i.employment_rate = share(i.employed_6m, i.completed);
    i.average_attendance = (known > 0).then(|| sum as f64 / known as f64);
    i
}

/// One row per group with cohorts, by `by`, named by `names`; and the total.
pub fn grouped(
    rows: &Rows,
    by: By,
    names: &HashMap<Uuid, String>,
) -> (Vec<TrainingIndicators>, TrainingIndicators) {
    let key = |id: &Uuid| {
        rows.cohorts.get(id).map(|(o, i, c, _)| match by {
            By::Office => *o,
            By::Institution => *i,
            By::Course => *c,
        })
    };
    let groups: BTreeMap<String, Uuid> = rows
        .cohorts
        .keys()
        .filter_map(key)
        .map(|g| (names.get(&g).cloned().unwrap_or_else(|| g.to_string()), g))
        .collect();
    let each = groups
        .into_iter()
        .map(|(name, g)| compute(rows, &name, |c| key(c) == Some(g)))
        .collect();
    (each, compute(rows, "total", |_| true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_outs_count_only_people_who_left_by_their_own_reason() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let office = Uuid::now_v7();
        let rows = Rows {
            cohorts: HashMap::from([
                (a, (office, office, office, "running".to_owned())),
                (b, (office, office, office, "finished".to_owned())),
            ]),
            enrolments: vec![
                (a, "enrolled".into(), None, Some(80)),
                (a, "waitlisted".into(), None, None),
                (a, "withdrawn".into(), Some("employment".into()), Some(40)),
                (b, "completed".into(), None, Some(90)),
                (b, "not_completed".into(), None, Some(50)),
                (b, "withdrawn".into(), Some("no_place".into()), None),
            ],
            certified: vec![b],
            employed: vec![b],
        };
        let i = compute(&rows, "total", |_| true);
        assert_eq!(
            (i.cohorts, i.enrolled, i.attending, i.completed, i.dropped),
            (2, 4, 1, 1, 1)
        );
        assert_eq!(i.dropout_rate, Some(0.25));
        assert_eq!(i.average_attendance, Some(65.0));
        assert_eq!(
            (i.certified, i.employed_6m, i.employment_rate),
            (1, 1, Some(1.0))
        );
        let only_a = compute(&rows, "a", |c| *c == a);
        assert_eq!(
            (only_a.enrolled, only_a.completed, only_a.employment_rate),
            (2, 0, None)
        );
    }
}
