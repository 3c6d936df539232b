//! Changing a person's job search: one transaction, audited, and the person re-indexed.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::Summary;
use super::entity::job_seeker;
use crate::vacancies::input::CONTRACT_TYPES;
use sipe_persons::service::PersonError;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::FieldErrors;

/// The job search as entered (forms send text; the API may send the same).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct JobSearchInput {
    /// `true`/`on` when actively looking.
    #[serde(default)]
    pub actively_looking: Option<String>,
    /// Preferred contract types.
    #[serde(default)]
    pub preferred_contracts: Vec<String>,
    /// Lowest acceptable monthly gross salary (ARS), digits.
    #[serde(default)]
    pub salary_expectation: String,
}

struct Valid {
    looking: bool,
    contracts: Vec<String>,
    salary: Option<i64>,
}

fn validate(input: &JobSearchInput) -> Result<Valid, FieldErrors> {
    let mut e = FieldErrors::new();
    let looking = matches!(
        input.actively_looking.as_deref().map(str::trim),
        Some("on" | "true" | "1")
    );
    let mut contracts = Vec::new();
    for c in input.preferred_contracts.iter().map(|c| c.trim()) {
        if c.is_empty() {
            continue;
        }
        if CONTRACT_TYPES.contains(&c) {
            if !contracts.iter().any(|x: &String| x == c) {
                contracts.push(c.to_owned());
            }
        } else {
            e.add("preferred_contracts", "field-choice-invalid");
        }
    }
    let salary = sipe_platform::validation::whole_number(
        &mut e,
        "salary_expectation",
        &input.salary_expectation,
        1_000_000_000i64,
    );
    e.into_result()?;
    Ok(Valid {
        looking,
        contracts,
        salary,
    })
}

/// Records a person's job search (capture scope). A search that starts now starts on
/// today's date in the deployment's time zone `tz`.
pub async fn update_job_search(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    tz: chrono_tz::Tz,
    person_id: Uuid,
    input: &JobSearchInput,
) -> Result<Summary, PersonError> {
    let v = validate(input)?;
    let tx = db::begin_write(db).await?;
    let p = sipe_persons::store::find_person(&tx, access, ScopeKind::Capture, PersonId(person_id))
        .await?
        .ok_or(PersonError::NotFound)?;
    let current = job_seeker::Entity::find_by_id(person_id).one(&tx).await?;
    let before = Summary::of(current.as_ref(), p.employment_status.as_deref());
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    let looking_since = match (&current, v.looking) {
        (Some(c), true) if c.actively_looking => c.looking_since,
        (None, true) if before.actively_looking => p.unemployed_since.or(Some(today)),
        (_, true) => Some(today),
        (_, false) => None,
    };
    let row = job_seeker::ActiveModel {
        person_id: Set(person_id),
        actively_looking: Set(v.looking),
        looking_since: Set(looking_since),
        preferred_contracts: Set(v.contracts.join(",")),
        salary_expectation: Set(v.salary),
        placed_at: Set(current.as_ref().and_then(|c| c.placed_at)),
        updated_at: Set(now),
    };
    let saved = match current {
        Some(_) => row.update(&tx).await?,
        None => row.insert(&tx).await?,
    };
    // The person's change stamp moves so every node re-indexes them for matching.
    sipe_persons::service::touch(&tx, PersonId(p.id)).await?;
    let after = Summary::of(Some(&saved), p.employment_status.as_deref());
    audit::record(
        &tx,
        ctx,
        Change::new("person.job_search", "person", person_id)
            .before(json!(before))
            .after(json!(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
