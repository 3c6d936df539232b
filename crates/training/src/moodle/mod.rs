//! Aula Virtual: sipe drives a Moodle rather than being an LMS. For each cohort linked
//! to a Moodle course it pushes enrolments (finding the user by document number, or
//! creating them) and withdrawals, and, while the cohort runs, pulls completion and the
//! course grade into the enrolment's outcome.
//!
//! Idempotent and resumable: each enrolment remembers what was pushed (so a repeated
//! run calls Moodle only for what changed) and, after a failure, when to try again
//! (backoff doubling from 1 minute to 1 hour). A background task syncs every
//! `moodle_sync_minutes`; "sincronizar ahora" on the cohort's status page runs at once,
//! ignoring the backoff.

pub mod client;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

pub use client::{Client, MoodleError, NewUser};

use crate::domain::{CohortState, EnrolmentState};
use crate::entity::{enrolment, moodle_link, moodle_run};
use crate::error::TrainingError;
use sipe_persons::store::PersonCard;
use sipe_platform::access::Access;
use sipe_platform::audit::AuditCtx;
use sipe_platform::db::Db;
use sipe_platform::ids::PersonId;

pub use moodle_link::Model as Link;
pub use moodle_run::Model as Run;

/// The configured Moodle (in the application's extensions when `moodle_url` is set).
pub struct Moodle(pub Client);

/// What `enrolled` means in the sync state.
const ENROLLED: &str = "enrolled";
/// What `unenrolled` means in the sync state.
const UNENROLLED: &str = "unenrolled";
/// Stored instead of a message when a person has no e-mail (the page translates it).
pub const NO_EMAIL: &str = "moodle-no-email";

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Enrolments and withdrawals pushed.
    pub pushed: usize,
    /// Outcomes pulled.
    pub pulled: usize,
    /// Enrolments that failed (they are retried later).
    pub failed: usize,
    /// What stopped the run, if anything did (an invalid token stops everything).
    pub error: Option<String>,
}

/// Minutes to wait after `attempts` failures in a row: 1, 2, 4 … up to 60.
pub fn backoff_minutes(attempts: i32) -> i64 {
    let exp = u32::try_from(attempts.clamp(1, 7) - 1).unwrap_or(0);
    (1i64 << exp).min(60)
}

fn desired(state: &str, pushed: &str) -> Option<&'static str> {
    match EnrolmentState::parse(state)? {
        EnrolmentState::Enrolled | EnrolmentState::Completed | EnrolmentState::NotCompleted => {
            Some(ENROLLED)
        }
        // Only someone Moodle has is taken out of it.
        EnrolmentState::Withdrawn if pushed == ENROLLED => Some(UNENROLLED),
        _ => None,
    }
}

async fn push(
    client: &Client,
    course: i64,
    link: &Link,
    person: Option<&PersonCard>,
    to: &str,
) -> Result<i64, String> {
    let person = person.ok_or("person not found")?;
    let user = match link.moodle_user_id {
        Some(id) => id,
        None => match client
            .user_by_idnumber(&person.doc_number)
            .await
            .map_err(|e| e.to_string())?
        {
            Some(id) => id,
            None if to == UNENROLLED => return Err("not a Moodle user".into()),
            None => {
                let email = person.email.as_deref().ok_or(NO_EMAIL)?;
                let username = format!("sipe{}", person.doc_number.to_lowercase());
                client
                    .create_user(&NewUser {
                        username: &username,
                        firstname: person.chosen_name.as_deref().unwrap_or(&person.names),
                        lastname: &person.surnames,
                        email,
                        idnumber: &person.doc_number,
                    })
                    .await
                    .map_err(|e| e.to_string())?
            }
        },
    };
    let done = if to == ENROLLED {
        client.enrol(user, course).await
    } else {
        client.unenrol(user, course).await
    };
    done.map_err(|e| e.to_string())?;
    Ok(user)
}

fn is_token_error(e: &str) -> bool {
    e.contains("(invalidtoken)") || e.contains("(accessexception)")
}

/// Syncs one cohort with its Moodle course. `force` ignores the backoff of failed
/// enrolments (an operator asked). A cohort without a Moodle course does nothing.
pub async fn sync_cohort(
    db: &Db,
    client: &Client,
    cohort_id: Uuid,
    force: bool,
) -> Result<Report, TrainingError> {
    let c = crate::cohorts::find(db, cohort_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let Some(course) = c.moodle_course_id.map(i64::from) else {
        return Ok(Report::default());
    };
    let now = Utc::now();
    let enrolments = enrolment::Entity::find()
        .filter(enrolment::Column::CohortId.eq(cohort_id))
        .all(db)
        .await?;
    let mut links: HashMap<Uuid, Link> = moodle_link::Entity::find()
        .filter(moodle_link::Column::CohortId.eq(cohort_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.enrolment_id, l))
        .collect();
    let cards: HashMap<Uuid, PersonCard> =
        sipe_persons::store::cards_of(db, enrolments.iter().map(|e| PersonId(e.person_id)))
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let mut report = Report::default();
    for e in &enrolments {
        let link = links.entry(e.id).or_insert_with(|| Link {
            enrolment_id: e.id,
            cohort_id,
            moodle_user_id: None,
            pushed: String::new(),
            attempts: 0,
            next_attempt_at: None,
            last_error: None,
            completed: None,
            grade: None,
            pulled_at: None,
            updated_at: now,
        });
        let Some(to) = desired(&e.state, &link.pushed) else {
            continue;
        };
        if link.pushed == to || !force && link.next_attempt_at.is_some_and(|t| t > now) {
            continue;
        }
        match push(client, course, link, cards.get(&e.person_id), to).await {
            Ok(user) => {
                link.moodle_user_id = Some(user);
                link.pushed = to.to_owned();
                link.attempts = 0;
                link.next_attempt_at = None;
                link.last_error = None;
                report.pushed += 1;
            }
            Err(error) => {
                link.attempts += 1;
                link.next_attempt_at =
                    Some(now + chrono::Duration::minutes(backoff_minutes(link.attempts)));
                report.failed += 1;
                let stop = is_token_error(&error);
                link.last_error = Some(error.chars().take(500).collect());
                if stop {
                    report.error = link.last_error.clone();
                }
            }
        }
        link.updated_at = now;
        save(db, link).await?;
        if report.error.is_some() {
            break;
        }
    }
    if report.error.is_none() && c.state == CohortState::Running.as_str() {
        pull(db, client, course, &enrolments, &mut links, &mut report).await?;
    }
    record_run(db, cohort_id, now, &report).await?;
    Ok(report)
}

async fn save(db: &Db, link: &Link) -> Result<(), TrainingError> {
    let exists = moodle_link::Entity::find_by_id(link.enrolment_id)
        .one(db)
        .await?
        .is_some();
    let active = moodle_link::ActiveModel::from(link.clone()).reset_all();
    if exists {
        active.update(db).await?;
    } else {
        active.insert(db).await?;
    }
    Ok(())
}

/// Completion and grades of those Moodle has, into the enrolments' outcomes.
async fn pull(
    db: &Db,
    client: &Client,
    course: i64,
    enrolments: &[enrolment::Model],
    links: &mut HashMap<Uuid, Link>,
    report: &mut Report,
) -> Result<(), TrainingError> {
    let now = Utc::now();
    let mut outcomes = Vec::new();
    let mut cohort = None;
    for e in enrolments
        .iter()
        .filter(|e| e.state == EnrolmentState::Enrolled.as_str())
    {
        let Some(link) = links.get_mut(&e.id) else {
            continue;
        };
        let Some(user) = link.moodle_user_id.filter(|_| link.pushed == ENROLLED) else {
            continue;
        };
        let pulled = async {
            Ok::<_, MoodleError>((
                client.completed(user, course).await?,
                client.course_grade(user, course).await?,
            ))
        }
        .await;
        let (completed, grade) = match pulled {
            Ok(p) => p,
            Err(err) => {
                link.last_error = Some(err.to_string().chars().take(500).collect());
                report.failed += 1;
                continue;
            }
        };
        link.completed = Some(completed);
        link.grade = grade;
        link.pulled_at = Some(now);
        link.updated_at = now;
        save(db, link).await?;
        report.pulled += 1;
        cohort = Some(e.cohort_id);
        if completed || grade.is_some() {
            outcomes.push(crate::attendance::OutcomeInput {
                enrolment_id: e.id,
                grade: grade
                    .map(|g| g.to_string().replace('.', ","))
                    .unwrap_or_default(),
                result: if completed {
                    "passed".into()
                } else {
                    String::new()
                },
            });
        }
    }
    if let (Some(cohort), false) = (cohort, outcomes.is_empty()) {
        crate::attendance::record_outcomes(
            db,
            &AuditCtx::system(),
            &Access::system("moodle"),
            cohort,
            &outcomes,
        )
        .await?;
    }
    Ok(())
}

async fn record_run(
    db: &Db,
    cohort_id: Uuid,
    at: DateTime<Utc>,
    report: &Report,
) -> Result<(), TrainingError> {
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let row = moodle_run::ActiveModel {
        cohort_id: Set(cohort_id),
        ran_at: Set(at),
        pushed: Set(count(report.pushed)),
        pulled: Set(count(report.pulled)),
        failed: Set(count(report.failed)),
        error: Set(report.error.clone()),
    };
    if moodle_run::Entity::find_by_id(cohort_id)
        .one(db)
        .await?
        .is_some()
    {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(())
}

/// The cohort's last run and every enrolment's sync state.
pub async fn status(
    conn: &impl ConnectionTrait,
    cohort_id: Uuid,
) -> Result<(Option<Run>, HashMap<Uuid, Link>), TrainingError> {
    let run = moodle_run::Entity::find_by_id(cohort_id).one(conn).await?;
    let links = moodle_link::Entity::find()
        .filter(moodle_link::Column::CohortId.eq(cohort_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|l| (l.enrolment_id, l))
        .collect();
    Ok((run, links))
}

/// Syncs every cohort linked to a Moodle course that is taking enrolments, running or
/// called off (its withdrawals); failures are logged and retried on the next round.
pub async fn sync_all(db: &Db, client: &Client) -> Result<usize, TrainingError> {
    use crate::entity::cohort;
    let ids: Vec<Uuid> = cohort::Entity::find()
        .filter(cohort::Column::MoodleCourseId.is_not_null())
        .filter(cohort::Column::State.is_in([
            CohortState::Enrolling.as_str(),
            CohortState::Running.as_str(),
            CohortState::Cancelled.as_str(),
        ]))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    for id in &ids {
        match sync_cohort(db, client, *id, false).await {
            Ok(r) if r.error.is_some() => {
                tracing::warn!(cohort = %id, error = r.error.as_deref().unwrap_or(""), "Moodle sync stopped");
                break;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(cohort = %id, error = %e, "Moodle sync failed"),
        }
    }
    Ok(ids.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_one_minute_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(backoff_minutes).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }

    #[test]
    fn only_someone_moodle_has_is_taken_out() {
        assert_eq!(desired("enrolled", ""), Some(ENROLLED));
        assert_eq!(desired("waitlisted", ""), None);
        assert_eq!(desired("withdrawn", ""), None);
        assert_eq!(desired("withdrawn", ENROLLED), Some(UNENROLLED));
    }
}
