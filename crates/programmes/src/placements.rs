//! Work-training placements ("acciones de entrenamiento para el trabajo"): for an
//! application to a work-placement programme, the host employer (one of
//! intermediation's employers, given by CUIT), the workplace, the employer's tutor, the
//! tasks, the weekly hours and the dates. Attendance the employer certifies each month
//! is recorded through `attendance` and pays the month.
//!
//! Invariants: recorded for an open application of a person in the caller's capture
//! scope, with an employer the caller sees; the dates lie within the programme's
//! longest stay; each change is versioned, audited and on the person's timeline.

use chrono::{Months, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};
use uuid::Uuid;

use crate::applications::store as applications;
use crate::entity::placement;
use crate::error::ProgrammeError;

/// Most hours a week.
pub const MAX_WEEKLY_HOURS: i32 = 48;
/// States of an application whose placement may still be recorded.
const OPEN: [&str; 6] = [
    "draft",
    "submitted",
    "under_review",
    "approved",
    "active",
    "suspended",
];

/// A placement as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlacementInput {
    /// The host employer's CUIT.
    pub employer_cuit: String,
    /// Where the training happens (address, branch).
    pub workplace: String,
    /// The employer's tutor.
    pub tutor_name: String,
    /// How to reach the tutor (phone or e-mail).
    pub tutor_contact: String,
    /// The tasks.
    pub tasks: String,
    /// Hours a week, 1–48.
    pub weekly_hours: String,
    /// First day (`YYYY-MM-DD`).
    pub starts_on: String,
    /// Last day (`YYYY-MM-DD`).
    pub ends_on: String,
    /// The version it replaces (0 for a new one).
    pub version: i32,
}

/// A placement.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Placement {
    /// The application.
    pub application_id: Uuid,
    /// The host employer.
    pub employer_id: Uuid,
    /// Its CUIT.
    pub employer_cuit: String,
    /// Its legal name.
    pub employer_name: String,
    /// Where.
    pub workplace: String,
    /// Tutor.
    pub tutor_name: String,
    /// Tutor's contact.
    pub tutor_contact: String,
    /// Tasks.
    pub tasks: String,
    /// Hours a week.
    pub weekly_hours: i32,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Recorded by.
    pub updated_by: String,
    /// When.
    pub updated_at: chrono::DateTime<Utc>,
    /// Version (send it back to change it).
    pub version: i32,
}

async fn with_employer(
    conn: &impl ConnectionTrait,
    m: placement::Model,
) -> Result<Placement, DbErr> {
    let e = sipe_intermediation::employers::store::find_employer(
        conn,
        &Access::system("placements"),
        ScopeKind::View,
        m.employer_id,
    )
    .await?;
    Ok(Placement {
        application_id: m.application_id,
        employer_id: m.employer_id,
        employer_cuit: e.as_ref().map(|e| e.cuit.clone()).unwrap_or_default(),
        employer_name: e.map(|e| e.legal_name).unwrap_or_default(),
        workplace: m.workplace,
        tutor_name: m.tutor_name,
        tutor_contact: m.tutor_contact,
        tasks: m.tasks,
        weekly_hours: m.weekly_hours,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        updated_by: m.updated_by,
        updated_at: m.updated_at,
        version: m.version,
    })
}

/// An application's placement, if recorded (the caller checked the application).
pub async fn of(
    conn: &impl ConnectionTrait,
    application: Uuid,
) -> Result<Option<Placement>, DbErr> {
    match placement::Entity::find_by_id(application).one(conn).await? {
        Some(m) => Ok(Some(with_employer(conn, m).await?)),
        None => Ok(None),
    }
}

#[derive(Debug)]
struct Valid {
    cuit: String,
    workplace: String,
    tutor_name: String,
    tutor_contact: String,
    tasks: String,
    weekly_hours: i32,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
}

fn check(input: &PlacementInput) -> Result<Valid, FieldErrors> {
    let mut e = FieldErrors::new();
    let cuit = sipe_intermediation::domain::Cuit::parse(&input.employer_cuit);
    if let Err(problem) = &cuit {
        e.add("employer_cuit", problem.key());
    }
    let workplace = validation::text(&mut e, "workplace", &input.workplace, true, 200);
    let tutor_name = validation::text(&mut e, "tutor_name", &input.tutor_name, true, 120);
    let tutor_contact = validation::text(&mut e, "tutor_contact", &input.tutor_contact, true, 120);
    let tasks = validation::multiline_text(&mut e, "tasks", &input.tasks, true, 2_000);
    let hours = match input.weekly_hours.trim().parse::<i32>() {
        Ok(h) if (1..=MAX_WEEKLY_HOURS).contains(&h) => Some(h),
        _ => {
            e.add("weekly_hours", "wtp-hours-invalid");
            None
        }
    };
    let starts = validation::date(&mut e, "starts_on", &input.starts_on, true);
    let ends = validation::date(&mut e, "ends_on", &input.ends_on, true);
    if let (Some(s), Some(f)) = (starts, ends)
        && f < s
    {
        e.add("ends_on", "field-date-before-start");
    }
    e.into_result()?;
    match (cuit, hours, starts, ends) {
        (Ok(c), Some(weekly_hours), Some(starts_on), Some(ends_on)) => Ok(Valid {
            cuit: c.as_str().to_owned(),
            workplace,
            tutor_name,
            tutor_contact,
            tasks,
            weekly_hours,
            starts_on,
            ends_on,
        }),
        _ => Err(FieldErrors::one("employer_cuit", "form-has-errors")),
    }
}

/// Records (or replaces) an application's placement.
pub async fn set(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    application: Uuid,
    input: &PlacementInput,
) -> Result<Placement, ProgrammeError> {
    let v = check(input)?;
    let tx = db::begin_write(db).await?;
    let a = applications::find(&tx, access, ScopeKind::Capture, application)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    let programme = crate::programmes::find(&tx, a.programme_id)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    if programme.kind != "work_placement" {
        return Err(FieldErrors::one("employer_cuit", "wtp-not-a-placement-programme").into());
    }
    if !OPEN.contains(&a.state.as_str()) {
        return Err(FieldErrors::one("employer_cuit", "wtp-application-closed").into());
    }
    if let Some(months) = programme.max_months.and_then(|m| u32::try_from(m).ok())
        && v.starts_on
            .checked_add_months(Months::new(months))
            .is_some_and(|limit| v.ends_on >= limit)
    {
        return Err(FieldErrors::one("ends_on", "wtp-too-long").into());
    }
    // An employer the caller sees (the CUIT of another office's employer is not theirs
    // to use).
    let employer = match sipe_intermediation::employers::store::find_by_cuit(&tx, &v.cuit).await? {
        Some(e) => {
            sipe_intermediation::employers::store::find_employer(&tx, access, ScopeKind::View, e.id)
                .await?
        }
        None => None,
    }
    .ok_or_else(|| FieldErrors::one("employer_cuit", "wtp-employer-unknown"))?;
    let current = placement::Entity::find_by_id(a.id).one(&tx).await?;
    let version = current.as_ref().map_or(0, |c| c.version);
    if input.version != version {
        return Err(FieldErrors::one("employer_cuit", "wtp-changed").into());
    }
    let before = current.as_ref().map(|c| {
        json!({"employer_id": c.employer_id, "workplace": c.workplace, "tutor_name": c.tutor_name,
               "weekly_hours": c.weekly_hours, "starts_on": c.starts_on, "ends_on": c.ends_on})
    });
    let row = placement::Model {
        application_id: a.id,
        employer_id: employer.id,
        workplace: v.workplace,
        tutor_name: v.tutor_name,
        tutor_contact: v.tutor_contact,
        tasks: v.tasks,
        weekly_hours: v.weekly_hours,
        starts_on: v.starts_on,
        ends_on: v.ends_on,
        updated_by: access.actor.full_name.clone(),
        updated_at: Utc::now(),
        version: version + 1,
    };
    match current {
        Some(c) => {
            let mut am = c.into_active_model();
            am.employer_id = Set(row.employer_id);
            am.workplace = Set(row.workplace.clone());
            am.tutor_name = Set(row.tutor_name.clone());
            am.tutor_contact = Set(row.tutor_contact.clone());
            am.tasks = Set(row.tasks.clone());
            am.weekly_hours = Set(row.weekly_hours);
            am.starts_on = Set(row.starts_on);
            am.ends_on = Set(row.ends_on);
            am.updated_by = Set(row.updated_by.clone());
            am.updated_at = Set(row.updated_at);
            am.version = Set(row.version);
            am.update(&tx).await?;
        }
        None => {
            placement::ActiveModel::from(row.clone())
                .insert(&tx)
                .await?;
        }
    }
    let mut change = Change::new("programmes.placement.set", "programme_application", a.id).after(
        json!({"employer_id": row.employer_id, "workplace": row.workplace, "tutor_name": row.tutor_name,
               "weekly_hours": row.weekly_hours, "starts_on": row.starts_on, "ends_on": row.ends_on}),
    );
    if let Some(b) = before {
        change = change.before(b);
    }
    audit::record(&tx, ctx, change).await?;
    timeline::append(
        &tx,
        ctx,
        NewEvent {
            person_id: a.person_id,
            kind: "programmes.placement",
            args: vec![
                (
                    "programme",
                    Arg::text(format!("{} — {}", programme.code, programme.name)),
                ),
                ("employer", Arg::text(employer.legal_name.clone())),
                (
                    "period",
                    Arg::text(format!(
                        "{} – {}",
                        row.starts_on.format("%d/%m/%Y"),
                        row.ends_on.format("%d/%m/%Y")
                    )),
                ),
            ],
            link: Some(format!("/programme-applications/{}#placement", a.id)),
            office_id: Some(a.office_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(with_employer(db, row).await?)
}

/// A hire of the beneficiary by the host employer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct HireInput {
    /// The job's title.
    pub title: String,
    /// The job's occupation (a code or title of the occupations catalogue).
    pub occupation: String,
    /// First day of work (`YYYY-MM-DD`), not after today: the training ends that day.
    pub start_date: String,
    /// Contract type (as intermediation's placements take it), optional.
    pub contract_type: String,
    /// Monthly gross salary in pesos, optional.
    pub salary: String,
    /// The application's version (a stale page cannot hire twice).
    pub version: i32,
}

fn referral_error(e: sipe_intermediation::referrals::service::ReferralError) -> ProgrammeError {
    use sipe_intermediation::referrals::service::ReferralError as R;
    match e {
        R::Invalid(f) => f.into(),
        R::NotFound => ProgrammeError::NotFound,
        R::Conflict(key) => FieldErrors::one("title", key).into(),
        R::Store(s) => ProgrammeError::Store(s),
    }
}

fn vacancy_error(e: sipe_intermediation::vacancies::service::VacancyError) -> ProgrammeError {
    use sipe_intermediation::vacancies::service::VacancyError as V;
    match e {
        V::Invalid(f) => f.into(),
        V::NotFound => FieldErrors::one("title", "wtp-hire-employer-not-yours").into(),
        V::WrongState(_) => FieldErrors::one("title", "wtp-hire-refused").into(),
        V::Store(s) => ProgrammeError::Store(s),
    }
}

/// The host employer hires the beneficiary: in one transaction, intermediation records
/// the job (a vacancy of one position at the employer, the person referred and hired,
/// the placement with its follow-ups at 3, 6 and 12 months, the vacancy filled) and the
/// application finishes as hired on the first day of work. Returns the referral's id.
pub async fn hire(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    tz: chrono_tz::Tz,
    application: Uuid,
    input: &HireInput,
    today: NaiveDate,
) -> Result<Uuid, ProgrammeError> {
    use sipe_intermediation::referrals::service as referrals;
    use sipe_intermediation::vacancies::service as vacancies;
    let mut e = FieldErrors::new();
    let start = validation::date(&mut e, "start_date", &input.start_date, true);
    if start.is_some_and(|s| s > today) {
        e.add("start_date", "wtp-hire-start-future");
    }
    e.into_result()?;
    let start = start.unwrap_or(today);
    let a = applications::find(db, access, ScopeKind::Capture, application)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    let placed = placement::Entity::find_by_id(a.id)
        .one(db)
        .await?
        .ok_or_else(|| FieldErrors::one("title", "wtp-hire-no-placement"))?;
    if start < placed.starts_on {
        return Err(FieldErrors::one("start_date", "wtp-hire-before-training").into());
    }
    // The stay ends that day: within it.
    if a.starts_on.is_some_and(|s| start < s) || a.ends_on.is_some_and(|e| start > e) {
        return Err(FieldErrors::one("start_date", "wtp-hire-outside-stay").into());
    }
    let job = sipe_intermediation::vacancies::input::VacancyInput {
        employer_id: Some(placed.employer_id),
        title: input.title.clone(),
        occupation: input.occupation.clone(),
        positions: Some(1),
        tasks: placed.tasks.clone(),
        address: placed.workplace.clone(),
        weekly_hours: Some(placed.weekly_hours),
        contract_type: input.contract_type.clone(),
        ..Default::default()
    };
    let valid = vacancies::validated(db, &job)
        .await
        .map_err(vacancy_error)?;
    let tx = db::begin_write(db).await?;
    let vacancy = vacancies::create_vacancy_in(&tx, ctx, access, &valid)
        .await
        .map_err(vacancy_error)?;
    vacancies::change_state_in(
        &tx,
        ctx,
        access,
        vacancy,
        sipe_intermediation::vacancies::state::VacancyState::Open,
        String::new(),
    )
    .await
    .map_err(vacancy_error)?;
    let referral = referrals::refer_in(
        &tx,
        ctx,
        access,
        &referrals::ReferralInput {
            vacancy_id: Some(vacancy),
            person_id: Some(a.person_id),
            internal_note: format!("Contratación al terminar el entrenamiento ({})", a.id),
            employer_note: String::new(),
            origin: String::new(),
        },
    )
    .await
    .map_err(referral_error)?;
    for to in ["sent", "hired"] {
        let step = referrals::TransitionInput {
            to: to.into(),
            start_date: start.to_string(),
            contract_type: input.contract_type.clone(),
            weekly_hours: placed.weekly_hours.to_string(),
            salary: input.salary.clone(),
            // The hire is recorded after the fact: no "you were proposed" notice.
            silent: true,
            ..Default::default()
        };
        referrals::transition_in(&tx, ctx, access, tz, referral, &step)
            .await
            .map_err(referral_error)?;
    }
    crate::applications::service::step_in(
        &tx,
        ctx,
        access,
        a.id,
        &crate::applications::service::StepInput {
            action: "finish".into(),
            version: input.version,
            reason: "hired".into(),
            date: start.to_string(),
            note: String::new(),
        },
        today,
    )
    .await?;
    tx.commit().await?;
    Ok(referral)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PlacementInput {
        PlacementInput {
            employer_cuit: "30-71234567-1".into(),
            workplace: "Av. Mate de Luna 1200".into(),
            tutor_name: "Rosa Díaz".into(),
            tutor_contact: "381 555-0101".into(),
            tasks: "Atención al público\\nReposición".into(),
            weekly_hours: "20".into(),
            starts_on: "2026-03-01".into(),
            ends_on: "2026-08-31".into(),
            version: 0,
        }
    }

    #[test]
    fn a_placement_is_checked_field_by_field() {
        assert!(check(&input()).is_ok());
        let bad = PlacementInput {
            employer_cuit: "30-71234567-2".into(),
            weekly_hours: "49".into(),
            ends_on: "2026-02-01".into(),
            tutor_name: String::new(),
            ..input()
        };
        let errors = check(&bad).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field).collect();
        for f in ["employer_cuit", "weekly_hours", "ends_on", "tutor_name"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }
}
