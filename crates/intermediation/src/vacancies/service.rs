//! Use cases on vacancies: one transaction each, with audit rows and state history.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::entity::{vacancy, vacancy_event, vacancy_requirement};
use super::input::{VacancyInput, ValidVacancy};
use super::state::VacancyState;
use super::store;
use crate::employers::{self, entity::employer};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db, StoreError};
use sipe_platform::territory;
use sipe_platform::validation::FieldErrors;

/// Why a vacancy use case failed.
#[derive(Debug, thiserror::Error)]
pub enum VacancyError {
    /// Bad input; nothing stored.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such vacancy (or employer) in the caller's scope.
    #[error("not found")]
    NotFound,
    /// The vacancy's state does not allow this.
    #[error("not allowed in state {0}")]
    WrongState(&'static str),
    /// Database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for VacancyError {
    fn from(e: sea_orm::DbErr) -> Self {
        VacancyError::Store(StoreError::from_db(e))
    }
}

/// The managing office: the one asked for, else the employer's, else the caller's
/// first; always inside the caller's capture scope.
async fn managing_office(
    conn: &impl ConnectionTrait,
    access: &Access,
    code: Option<&str>,
    employer: &employer::Model,
) -> Result<Uuid, VacancyError> {
    let chosen =
        territory::store::capture_office(conn, access, code, &[employer.office_id]).await??;
    Ok(chosen.id)
}

/// The employer, which the caller must be able to see.
async fn employer_of(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<employer::Model, VacancyError> {
    employers::store::find_employer(conn, access, ScopeKind::View, id)
        .await?
        .ok_or_else(|| FieldErrors::one("employer_id", "vacancy-employer-unknown").into())
}

fn search_text(v: &ValidVacancy, e: &employer::Model) -> String {
    sipe_platform::text::fold(&format!(
        "{} {} {} {}",
        v.title,
        v.occupation_label,
        e.legal_name,
        e.trade_name.as_deref().unwrap_or_default()
    ))
}

fn apply(a: &mut vacancy::ActiveModel, v: &ValidVacancy, e: &employer::Model, office_id: Uuid) {
    a.employer_id = Set(e.id);
    a.office_id = Set(office_id);
    a.title = Set(v.title.clone());
    a.search_text = Set(search_text(v, e));
    a.occupation_code = Set(v.occupation_code.clone());
    a.occupation_label = Set(v.occupation_label.clone());
    a.positions = Set(v.positions);
    a.tasks = Set(v.tasks.clone());
    a.education_min = Set(v.education_min.clone());
    a.education_mandatory = Set(v.education_mandatory);
    a.experience_months = Set(v.experience_months);
    a.licence_class = Set(v.licence_class.clone());
    a.licence_mandatory = Set(v.licence_mandatory);
    a.territory_code = Set(v.territory_code.clone().or(e.territory_code.clone()));
    a.address = Set(v.address.clone().or(e.address.clone()));
    a.schedule = Set(v.schedule.clone());
    a.hours = Set(v.hours.clone());
    a.weekly_hours = Set(v.weekly_hours);
    a.contract_type = Set(v.contract_type.clone());
    a.salary_min = Set(v.salary_min);
    a.salary_max = Set(v.salary_max);
    a.collective_agreement = Set(v.collective_agreement.clone());
    a.accessible = Set(v.accessible);
    a.published_from = Set(v.published_from);
    a.published_until = Set(v.published_until);
    a.updated_at = Set(Utc::now());
}

async fn check_territory(
    conn: &impl ConnectionTrait,
    code: Option<&str>,
) -> Result<(), VacancyError> {
    if let Some(code) = code
        && !territory::store::is_department(conn, code).await?
    {
        return Err(FieldErrors::one("territory_code", "office-territory-unknown").into());
    }
    Ok(())
}

async fn replace_requirements(
    conn: &impl ConnectionTrait,
    id: Uuid,
    v: &ValidVacancy,
) -> Result<(), VacancyError> {
    vacancy_requirement::Entity::delete_many()
        .filter(vacancy_requirement::Column::VacancyId.eq(id))
        .exec(conn)
        .await?;
    let skills = v.skills.iter().map(|s| vacancy_requirement::ActiveModel {
        id: Set(Uuid::now_v7()),
        vacancy_id: Set(id),
        kind: Set("skill".into()),
        code: Set(s.id.clone()),
        label: Set(s.label.clone()),
        level: Set(None),
        required: Set(s.required),
    });
    let languages = v
        .languages
        .iter()
        .map(|l| vacancy_requirement::ActiveModel {
            id: Set(Uuid::now_v7()),
            vacancy_id: Set(id),
            kind: Set("language".into()),
            code: Set(l.code.clone()),
            label: Set(l.code.clone()),
            level: Set(Some(l.level.clone())),
            required: Set(true),
        });
    let rows: Vec<_> = skills.chain(languages).collect();
    if !rows.is_empty() {
        vacancy_requirement::Entity::insert_many(rows)
            .exec(conn)
            .await?;
    }
    Ok(())
}

async fn record_event(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    id: Uuid,
    from: Option<VacancyState>,
    to: VacancyState,
    note: Option<String>,
) -> Result<(), sea_orm::DbErr> {
    vacancy_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        vacancy_id: Set(id),
        from_state: Set(from.map(|s| s.as_str().to_owned())),
        to_state: Set(to.as_str().to_owned()),
        note: Set(note),
        actor_id: Set(ctx.actor_id),
        actor_name: Set(ctx.actor_name.clone()),
        at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Checks a vacancy's fields against the skills and occupations catalogues.
pub async fn validated(db: &Db, input: &VacancyInput) -> Result<ValidVacancy, VacancyError> {
    let skills = sipe_platform::taxonomy::skills::catalog(db).await?;
    let occupations = sipe_platform::taxonomy::Occupations::read(db).await?;
    Ok(input.validate(&skills, &occupations)?)
}

/// Registers a vacancy as a draft; returns its id.
pub async fn create_vacancy(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    input: &VacancyInput,
) -> Result<Uuid, VacancyError> {
    let v = validated(db, input).await?;
    let tx = db::begin_write(db).await?;
    let id = create_vacancy_in(&tx, ctx, access, &v).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create_vacancy`] inside the caller's transaction, its fields already validated
/// (another module's use case that opens a vacancy as one of its steps).
pub async fn create_vacancy_in(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    access: &Access,
    v: &ValidVacancy,
) -> Result<Uuid, VacancyError> {
    let e = employer_of(tx, access, v.employer_id).await?;
    let office_id = managing_office(tx, access, v.office_code.as_deref(), &e).await?;
    check_territory(tx, v.territory_code.as_deref()).await?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    let mut a = vacancy::ActiveModel {
        id: Set(id),
        state: Set(VacancyState::Draft.as_str().into()),
        opened_at: Set(None),
        ended_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut a, v, &e, office_id);
    a.insert(tx).await?;
    replace_requirements(tx, id, v).await?;
    record_event(tx, ctx, id, None, VacancyState::Draft, None).await?;
    audit::record(
        tx,
        ctx,
        Change::new("vacancy.create", "vacancy", id).after(v),
    )
    .await?;
    Ok(id)
}

/// The vacancy, if the caller may change it (capture scope).
async fn editable(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<vacancy::Model, VacancyError> {
    store::find_vacancy(conn, access, ScopeKind::Capture, id)
        .await?
        .ok_or(VacancyError::NotFound)
}

fn state_of(v: &vacancy::Model) -> VacancyState {
    VacancyState::parse(&v.state).unwrap_or(VacancyState::Draft)
}

/// Replaces a vacancy's fields and requirements (not once it has ended).
pub async fn update_vacancy(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &VacancyInput,
) -> Result<(), VacancyError> {
    let v = validated(db, input).await?;
    let tx = db::begin_write(db).await?;
    let current = editable(&tx, access, id).await?;
    let state = state_of(&current);
    if !state.is_editable() {
        return Err(VacancyError::WrongState(state.as_str()));
    }
    let e = employer_of(&tx, access, v.employer_id).await?;
    let office_id = match &v.office_code {
        Some(code) => managing_office(&tx, access, Some(code), &e).await?,
        None => current.office_id,
    };
    check_territory(&tx, v.territory_code.as_deref()).await?;
    let before = json!({"title": current.title, "occupation_code": current.occupation_code,
        "positions": current.positions, "office_id": current.office_id,
        "requirements": store::requirements(&tx, id).await?.into_iter()
            .map(|r| json!({"kind": r.kind, "code": r.code, "level": r.level, "required": r.required}))
            .collect::<Vec<_>>()});
    let mut a = current.into_active_model();
    apply(&mut a, &v, &e, office_id);
    a.update(&tx).await?;
    replace_requirements(&tx, id, &v).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("vacancy.update", "vacancy", id)
            .before(before)
            .after(&v),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a vacancy to another state, with a note, when its state machine allows it.
pub async fn change_state(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    to: &str,
    note: &str,
) -> Result<(), VacancyError> {
    let to =
        VacancyState::parse(to).ok_or_else(|| FieldErrors::one("state", "field-choice-invalid"))?;
    let mut e = FieldErrors::new();
    let note = sipe_platform::validation::multiline_text(&mut e, "note", note, false, 1000);
    e.into_result()?;
    let tx = db::begin_write(db).await?;
    change_state_in(&tx, ctx, access, id, to, note).await?;
    tx.commit().await?;
    Ok(())
}

/// [`change_state`] inside the caller's transaction, the note already checked.
pub async fn change_state_in(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    to: VacancyState,
    note: String,
) -> Result<(), VacancyError> {
    let current = editable(tx, access, id).await?;
    let from = state_of(&current);
    if !from.can_become(to) {
        return Err(VacancyError::WrongState(from.as_str()));
    }
    let now = Utc::now();
    let first_opening = to == VacancyState::Open && current.opened_at.is_none();
    let mut a = current.into_active_model();
    a.state = Set(to.as_str().to_owned());
    if first_opening {
        a.opened_at = Set(Some(now));
    }
    if to.is_final() {
        a.ended_at = Set(Some(now));
    }
    a.updated_at = Set(now);
    a.update(tx).await?;
    let note = (!note.is_empty()).then_some(note);
    record_event(tx, ctx, id, Some(from), to, note.clone()).await?;
    audit::record(
        tx,
        ctx,
        Change::new("vacancy.state", "vacancy", id)
            .before(json!({"state": from.as_str()}))
            .after(json!({"state": to.as_str(), "note": note})),
    )
    .await?;
    Ok(())
}

/// Marks an open or paused vacancy filled once its placements reach its positions (called
/// in the transaction that records a hire). Returns whether it did.
pub(crate) async fn fill_if_complete(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    v: vacancy::Model,
) -> Result<bool, sea_orm::DbErr> {
    use crate::referrals::entity::placement;
    use sea_orm::PaginatorTrait;
    let from = state_of(&v);
    if !from.can_become(VacancyState::Filled) {
        return Ok(false);
    }
    let placed = placement::Entity::find()
        .filter(placement::Column::VacancyId.eq(v.id))
        .count(conn)
        .await?;
    if placed < u64::try_from(v.positions).unwrap_or(0) {
        return Ok(false);
    }
    let id = v.id;
    let now = Utc::now();
    let mut a = v.into_active_model();
    a.state = Set(VacancyState::Filled.as_str().to_owned());
    a.ended_at = Set(Some(now));
    a.updated_at = Set(now);
    a.update(conn).await?;
    record_event(conn, ctx, id, Some(from), VacancyState::Filled, None).await?;
    audit::record(
        conn,
        ctx,
        Change::new("vacancy.state", "vacancy", id)
            .before(json!({"state": from.as_str()}))
            .after(
                json!({"state": "filled", "reason": "all_positions_filled", "placements": placed}),
            ),
    )
    .await?;
    Ok(true)
}

impl sipe_platform::failure::UseCaseError for VacancyError {
    fn failure(self) -> sipe_platform::failure::Failure {
        use sipe_platform::failure::Failure;
        match self {
            VacancyError::Invalid(f) => Failure::Invalid(f),
            VacancyError::NotFound => Failure::NotFound,
            VacancyError::WrongState(s) => {
                Failure::Conflict(format!("Not allowed while the vacancy is {s}."))
            }
            VacancyError::Store(s) => Failure::Store(s),
        }
    }
}
