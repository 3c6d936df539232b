//! Labour competency standards (normas de competencia laboral): a code, a title, the
//! occupation it certifies and its units of competency with their performance
//! criteria; and the users accredited to assess each standard.
//!
//! A unit keeps its id while its code stays, so results already recorded against it
//! survive an edit; a unit with results cannot be removed.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::entity::{evaluator, standard, standard_unit, unit_result};
use crate::error::TrainingError;
use sipe_platform::access::Permission;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};
use sipe_platform::web::table::Pager;

pub use evaluator::Model as Accreditation;
pub use standard::Model as Standard;
pub use standard_unit::Model as Unit;

/// Most units a standard has.
pub const MAX_UNITS: usize = 20;
/// Most performance criteria a unit has.
pub const MAX_CRITERIA: usize = 30;

/// The form field of each unit, so an error shows beside the unit it is about.
pub const UNIT_FIELDS: [&str; MAX_UNITS] = [
    "unit_1", "unit_2", "unit_3", "unit_4", "unit_5", "unit_6", "unit_7", "unit_8", "unit_9",
    "unit_10", "unit_11", "unit_12", "unit_13", "unit_14", "unit_15", "unit_16", "unit_17",
    "unit_18", "unit_19", "unit_20",
];

/// One unit of competency as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct UnitInput {
    /// Code, unique within the standard (`UC1`).
    pub code: String,
    /// Title.
    pub title: String,
    /// Performance criteria, one per item.
    #[serde(default)]
    pub criteria: Vec<String>,
}

/// A standard as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct StandardInput {
    /// Registry code (`NCL-0123`): letters, digits, `-`, `.`, `/`.
    pub code: String,
    /// Title.
    pub title: String,
    /// The occupation it certifies: a code, or its title as the type-ahead writes it.
    #[serde(default)]
    pub occupation: String,
    /// Units of competency, in order (1 to 20).
    #[serde(default)]
    pub units: Vec<UnitInput>,
    /// Still offered? (Updates only; absent: unchanged.)
    #[serde(default)]
    pub active: Option<bool>,
}

struct Valid {
    code: String,
    title: String,
    occupation_code: Option<String>,
    units: Vec<(String, String, Vec<String>)>,
}

fn code_problem(code: &str, max: usize) -> Option<&'static str> {
    if code.is_empty() {
        Some("field-required")
    } else if code.chars().count() > max {
        Some("field-too-long")
    } else if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))
    {
        Some("standard-code-invalid")
    } else {
        None
    }
}

fn validate(
    i: &StandardInput,
    occupations: &sipe_platform::taxonomy::Occupations,
) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::new();
    let code = i.code.trim().to_uppercase();
    if let Some(problem) = code_problem(&code, 40) {
        errors.add("code", problem);
    }
    let title = validation::text(&mut errors, "title", &i.title, true, 200);
    let occupation_code = match i.occupation.trim() {
        "" => None,
        typed if typed.chars().count() > 200 => {
            errors.add("occupation", "field-too-long");
            None
        }
        typed => match occupations.resolve(typed, sipe_platform::taxonomy::Gender::Unknown) {
            Some(hit) => Some(hit.code),
            None => {
                errors.add("occupation", "course-occupation-unknown");
                None
            }
        },
    };
    let mut units = Vec::new();
    if i.units.is_empty() {
        errors.add("units", "standard-units-required");
    } else if i.units.len() > MAX_UNITS {
        errors.add("units", "standard-units-too-many");
    } else {
        for (n, u) in i.units.iter().enumerate() {
            let field = UNIT_FIELDS[n];
            let code = u.code.trim().to_uppercase();
            let mut title_errors = FieldErrors::new();
            let title = validation::text(&mut title_errors, field, &u.title, false, 200);
            // One criterion per line, however they came (a list, or lines in one item).
            let criteria: Vec<String> = u
                .criteria
                .iter()
                .flat_map(|c| c.lines())
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect();
            let problem = if let Some(p) = code_problem(&code, 20) {
                Some(p)
            } else if units.iter().any(|(c, _, _)| c == &code) {
                Some("standard-unit-code-repeated")
            } else if let Some(e) = title_errors.0.first() {
                Some(e.key)
            } else if title.is_empty() {
                Some("standard-unit-title-required")
            } else if criteria.is_empty() {
                Some("standard-unit-criteria-required")
            } else if criteria.len() > MAX_CRITERIA {
                Some("standard-unit-criteria-too-many")
            } else if criteria.iter().any(|c| c.chars().count() > 500) {
                Some("standard-unit-criterion-too-long")
            } else {
                None
            };
            match problem {
                Some(p) => errors.add(field, p),
                None => units.push((code, title, criteria)),
            }
        }
    }
    errors.into_result()?;
    Ok(Valid {
        code,
        title,
        occupation_code,
        units,
    })
}

fn snapshot(s: &Standard, units: &[Unit]) -> serde_json::Value {
    json!({
        "code": s.code, "title": s.title, "occupation_code": s.occupation_code,
        "active": s.active,
        "units": units.iter().map(|u| json!({
            "code": u.code, "title": u.title, "criteria": u.criteria,
        })).collect::<Vec<_>>(),
    })
}

/// Writes the units: kept codes keep their id (and their results), new ones are added,
/// gone ones are deleted unless someone was assessed against them.
async fn save_units(
    conn: &impl ConnectionTrait,
    standard_id: Uuid,
    wanted: &[(String, String, Vec<String>)],
) -> Result<(), TrainingError> {
    let current = units_of(conn, standard_id).await?;
    for gone in current
        .iter()
        .filter(|u| !wanted.iter().any(|(code, _, _)| code == &u.code))
    {
        let assessed = unit_result::Entity::find()
            .filter(unit_result::Column::UnitId.eq(gone.id))
            .count(conn)
            .await?
            > 0
            || crate::entity::evidence::Entity::find()
                .filter(crate::entity::evidence::Column::UnitId.eq(gone.id))
                .count(conn)
                .await?
                > 0;
        if assessed {
            return Err(FieldErrors::one("units", "standard-unit-assessed").into());
        }
        standard_unit::Entity::delete_by_id(gone.id)
            .exec(conn)
            .await?;
    }
    for (n, (code, title, criteria)) in wanted.iter().enumerate() {
        let position = n as i32 + 1;
        match current.iter().find(|u| &u.code == code) {
            Some(u) => {
                let mut a = u.clone().into_active_model();
                a.position = Set(position);
                a.title = Set(title.clone());
                a.criteria = Set(criteria.join("\n"));
                a.update(conn).await?;
            }
            None => {
                standard_unit::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    standard_id: Set(standard_id),
                    position: Set(position),
                    code: Set(code.clone()),
                    title: Set(title.clone()),
                    criteria: Set(criteria.join("\n")),
                }
                .insert(conn)
                .await?;
            }
        }
    }
    Ok(())
}

async fn code_taken(
    conn: &impl ConnectionTrait,
    code: &str,
    other_than: Option<Uuid>,
) -> Result<bool, DbErr> {
    let mut q = standard::Entity::find().filter(standard::Column::Code.eq(code));
    if let Some(id) = other_than {
        q = q.filter(standard::Column::Id.ne(id));
    }
    Ok(q.count(conn).await? > 0)
}

/// Adds a standard with its units.
pub async fn create(db: &Db, ctx: &AuditCtx, input: &StandardInput) -> Result<Uuid, TrainingError> {
    let occupations = sipe_platform::taxonomy::Occupations::read(db).await?;
    let v = validate(input, &occupations)?;
    let tx = db::begin_write(db).await?;
    if code_taken(&tx, &v.code, None).await? {
        return Err(FieldErrors::one("code", "standard-code-taken").into());
    }
    let id = Uuid::now_v7();
    let now = Utc::now();
    let model = standard::ActiveModel {
        id: Set(id),
        code: Set(v.code.clone()),
        title: Set(v.title.clone()),
        search_title: Set(sipe_platform::text::fold(&format!(
            "{} {}",
            v.code, v.title
        ))),
        occupation_code: Set(v.occupation_code.clone()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&tx)
    .await?;
    save_units(&tx, id, &v.units).await?;
    let units = units_of(&tx, id).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.standard.create", "training_standard", id)
            .after(snapshot(&model, &units)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a standard's fields and units; `active` retires or restores it.
pub async fn update(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    input: &StandardInput,
) -> Result<(), TrainingError> {
    let occupations = sipe_platform::taxonomy::Occupations::read(db).await?;
    let v = validate(input, &occupations)?;
    let tx = db::begin_write(db).await?;
    let current = find(&tx, id).await?.ok_or(TrainingError::NotFound)?;
    if code_taken(&tx, &v.code, Some(id)).await? {
        return Err(FieldErrors::one("code", "standard-code-taken").into());
    }
    let before = snapshot(&current, &units_of(&tx, id).await?);
    let mut a = current.into_active_model();
    a.code = Set(v.code.clone());
    a.title = Set(v.title.clone());
    a.search_title = Set(sipe_platform::text::fold(&format!(
        "{} {}",
        v.code, v.title
    )));
    a.occupation_code = Set(v.occupation_code.clone());
    a.active = Set(input.active.unwrap_or(*a.active.as_ref()));
    a.updated_at = Set(Utc::now());
    let model = a.update(&tx).await?;
    save_units(&tx, id, &v.units).await?;
    let units = units_of(&tx, id).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.standard.update", "training_standard", id)
            .before(before)
            .after(snapshot(&model, &units)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One standard.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Standard>, DbErr> {
    standard::Entity::find_by_id(id).one(conn).await
}

/// A standard's units, in order.
pub async fn units_of(conn: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Unit>, DbErr> {
    standard_unit::Entity::find()
        .filter(standard_unit::Column::StandardId.eq(id))
        .order_by_asc(standard_unit::Column::Position)
        .all(conn)
        .await
}

/// A unit's criteria, one per item.
pub fn criteria_of(u: &Unit) -> Vec<&str> {
    u.criteria
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// The form of an existing standard.
pub fn input_of(s: &Standard, units: &[Unit]) -> StandardInput {
    StandardInput {
        code: s.code.clone(),
        title: s.title.clone(),
        occupation: s
            .occupation_code
            .as_deref()
            .map(|code| format!("{} ({code})", crate::courses::occupation_label(code)))
            .unwrap_or_default(),
        units: units
            .iter()
            .map(|u| UnitInput {
                code: u.code.clone(),
                title: u.title.clone(),
                criteria: criteria_of(u).into_iter().map(str::to_owned).collect(),
            })
            .collect(),
        active: Some(s.active),
    }
}

/// Sort columns of the list.
pub const SORTS: [&str; 2] = ["code", "title"];

/// A page of standards matching the words, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    q: &str,
    pager: &Pager,
) -> Result<(Vec<Standard>, u64), DbErr> {
    let cond = sipe_platform::web::table::every_word_in(standard::Column::SearchTitle, q);
    let query = standard::Entity::find().filter(cond);
    let col = match pager.sort.as_str() {
        "title" => standard::Column::Title,
        _ => standard::Column::Code,
    };
    sipe_platform::web::table::page_of(conn, query, col, standard::Column::Id, pager).await
}

/// Active standards, by code (form choices).
pub async fn active(conn: &impl ConnectionTrait) -> Result<Vec<Standard>, DbErr> {
    standard::Entity::find()
        .filter(standard::Column::Active.eq(true))
        .order_by_asc(standard::Column::Code)
        .limit(2_000)
        .all(conn)
        .await
}

/// An evaluator's accreditation as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AccreditationInput {
    /// The evaluator's login name.
    pub username: String,
    /// Accreditation number.
    pub accreditation_number: String,
    /// Valid until, `YYYY-MM-DD` or `DD/MM/YYYY` (empty: no end).
    #[serde(default)]
    pub valid_until: String,
}

/// An accredited evaluator as lists show them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evaluator {
    /// The accreditation's id.
    pub id: Uuid,
    /// The user.
    pub user_id: Uuid,
    /// Login name (for the pages of those who manage the catalogue; not in the API).
    #[serde(skip)]
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Accreditation number.
    pub accreditation_number: String,
    /// Valid until (inclusive).
    pub valid_until: Option<chrono::NaiveDate>,
}

impl Evaluator {
    /// Is the accreditation in force on this date?
    pub fn valid_on(&self, day: chrono::NaiveDate) -> bool {
        self.valid_until.is_none_or(|until| day <= until)
    }
}

/// Accredits a user to assess a standard, or renews their accreditation (a new number
/// or end date). The user must exist, be active and be able to record training (their
/// role's `EditTraining`); the end date, if any, is not past.
pub async fn accredit(
    db: &Db,
    ctx: &AuditCtx,
    standard_id: Uuid,
    input: &AccreditationInput,
) -> Result<Uuid, TrainingError> {
    use sipe_platform::access::{roles::Role, store};
    let mut errors = FieldErrors::new();
    let number = validation::text(
        &mut errors,
        "accreditation_number",
        &input.accreditation_number,
        true,
        60,
    );
    let valid_until = validation::date(&mut errors, "valid_until", &input.valid_until, false);
    if valid_until.is_some_and(|d| d < chrono::Utc::now().date_naive()) {
        errors.add("valid_until", "evaluator-expired-date");
    }
    let username = validation::text(&mut errors, "username", &input.username, true, 80);
    let user = if username.is_empty() {
        None
    } else {
        match store::find_user_by_username(db, &username).await? {
            Some(u)
                if u.active
                    && Role::parse(&u.role).is_some_and(|r| r.can(Permission::EditTraining)) =>
            {
                Some(u)
            }
            Some(_) => {
                errors.add("username", "evaluator-user-cannot-assess");
                None
            }
            None => {
                errors.add("username", "evaluator-user-unknown");
                None
            }
        }
    };
    errors.into_result()?;
    let user = user.ok_or(TrainingError::NotFound)?;
    let tx = db::begin_write(db).await?;
    find(&tx, standard_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let already = evaluator::Entity::find()
        .filter(evaluator::Column::StandardId.eq(standard_id))
        .filter(evaluator::Column::UserId.eq(user.id))
        .one(&tx)
        .await?;
    if let Some(current) = already {
        let before = json!({"accreditation_number": current.accreditation_number,
                            "valid_until": current.valid_until});
        let id = current.id;
        let mut a = current.into_active_model();
        a.accreditation_number = Set(number.clone());
        a.valid_until = Set(valid_until);
        a.update(&tx).await?;
        audit::record(
            &tx,
            ctx,
            Change::new("training.evaluator.renew", "training_standard", standard_id)
                .before(before)
                .after(
                    json!({"user": user.username, "accreditation_number": number,
                              "valid_until": valid_until}),
                ),
        )
        .await?;
        tx.commit().await?;
        return Ok(id);
    }
    let id = Uuid::now_v7();
    evaluator::ActiveModel {
        id: Set(id),
        standard_id: Set(standard_id),
        user_id: Set(user.id),
        accreditation_number: Set(number.clone()),
        valid_until: Set(valid_until),
        created_by: Set(ctx.actor_name.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new(
            "training.evaluator.accredit",
            "training_standard",
            standard_id,
        )
        .after(
            json!({"user": user.username, "accreditation_number": number,
                   "valid_until": valid_until}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends an accreditation; results the evaluator recorded stay.
pub async fn withdraw(
    db: &Db,
    ctx: &AuditCtx,
    standard_id: Uuid,
    accreditation_id: Uuid,
) -> Result<(), TrainingError> {
    let tx = db::begin_write(db).await?;
    let row = evaluator::Entity::find_by_id(accreditation_id)
        .filter(evaluator::Column::StandardId.eq(standard_id))
        .one(&tx)
        .await?
        .ok_or(TrainingError::NotFound)?;
    evaluator::Entity::delete_by_id(row.id).exec(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new(
            "training.evaluator.withdraw",
            "training_standard",
            standard_id,
        )
        .before(json!({"user_id": row.user_id, "accreditation_number": row.accreditation_number})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A standard's accredited evaluators, by name.
pub async fn evaluators_of(
    conn: &impl ConnectionTrait,
    standard_id: Uuid,
) -> Result<Vec<Evaluator>, DbErr> {
    let rows = evaluator::Entity::find()
        .filter(evaluator::Column::StandardId.eq(standard_id))
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(u) = sipe_platform::access::store::find_user(conn, r.user_id).await? else {
            continue;
        };
        out.push(Evaluator {
            id: r.id,
            user_id: r.user_id,
            username: u.username,
            full_name: u.full_name,
            accreditation_number: r.accreditation_number,
            valid_until: r.valid_until,
        });
    }
    out.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    Ok(out)
}

/// Is this user accredited to assess the standard on this date?
pub async fn is_accredited(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    standard_id: Uuid,
    day: chrono::NaiveDate,
) -> Result<bool, DbErr> {
    Ok(evaluator::Entity::find()
        .filter(evaluator::Column::StandardId.eq(standard_id))
        .filter(evaluator::Column::UserId.eq(user_id))
        .one(conn)
        .await?
        .is_some_and(|r| r.valid_until.is_none_or(|until| day <= until)))
}
