//! Eligibility as data: a programme's rules are a typed list of criteria (at most one of
//! each kind), stored as rows and edited in a form. Each evaluation explains every
//! criterion with the person's value; "who is eligible" counts per office over the whole
//! registry and lists within the reader's scope.

pub mod explain;
pub mod form;
pub mod held;
pub mod who;

pub use held::Held;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sipe_persons::eligibility::Condition;
use sipe_persons::input::EMPLOYMENT_STATUSES;
use sipe_platform::validation::FieldErrors;

/// One eligibility criterion of a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Criterion {
    /// Age in whole years, both ends included, on a fixed day (`on`) or on the day of
    /// the evaluation.
    Age {
        /// Youngest.
        min: u32,
        /// Oldest.
        max: u32,
        /// The day ages are taken on (empty: the day of the evaluation).
        #[serde(default)]
        on: Option<NaiveDate>,
    },
    /// Lives in a province (INDEC territory code), in one of its departments if given.
    Residence {
        /// Province code (`AR-90`).
        province: String,
        /// Department codes (`AR-90084`); empty: the whole province.
        #[serde(default)]
        departments: Vec<String>,
    },
    /// Employment status among these; when given, unemployed at least so many months.
    Employment {
        /// `employed`, `unemployed`, `inactive`.
        statuses: Vec<String>,
        /// Whole months unemployed, at least.
        #[serde(default)]
        min_months_unemployed: Option<u32>,
    },
    /// Education at most this ISCED 2011 level (`0`–`8`); an unknown level does not
    /// qualify.
    Education {
        /// Highest level.
        max_level: u8,
    },
    /// Household: at least so many dependants, and/or head of household.
    Household {
        /// Dependants, at least.
        #[serde(default)]
        min_dependants: Option<i32>,
        /// Must be head of household.
        #[serde(default)]
        head_of_household: bool,
    },
    /// With a disability.
    Disability,
    /// Registered in sipe at least so many days before.
    Registered {
        /// Days.
        min_days: u32,
    },
    /// Receives (or, with `receives` false, does not receive) one of these national
    /// programmes in its newest imported list.
    Benefits {
        /// National programme codes (`PROGRESAR`).
        programmes: Vec<String>,
        /// Must receive one (true) or none (false).
        receives: bool,
    },
    /// Not in this programme now, nor in it during the last so many months.
    NotAgain {
        /// Months.
        months: u32,
    },
}

/// Most criteria a programme has (one of each kind).
pub const KINDS: [&str; 9] = [
    "age",
    "residence",
    "employment",
    "education",
    "household",
    "disability",
    "registered",
    "benefits",
    "not_again",
];

impl Criterion {
    /// Its kind, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            Criterion::Age { .. } => "age",
            Criterion::Residence { .. } => "residence",
            Criterion::Employment { .. } => "employment",
            Criterion::Education { .. } => "education",
            Criterion::Household { .. } => "household",
            Criterion::Disability => "disability",
            Criterion::Registered { .. } => "registered",
            Criterion::Benefits { .. } => "benefits",
            Criterion::NotAgain { .. } => "not_again",
        }
    }

    /// The registry conditions it stands for (none for the criteria on this module's own
    /// records, which [`Held`] answers).
    pub fn conditions(&self) -> Vec<Condition> {
        match self {
            Criterion::Age { min, max, .. } => vec![Condition::AgeBetween(*min, *max)],
            Criterion::Residence {
                province,
                departments,
            } => vec![Condition::Residence(province.clone(), departments.clone())],
            Criterion::Employment {
                statuses,
                min_months_unemployed,
            } => {
                let mut c = vec![Condition::EmploymentIn(statuses.clone())];
                if let Some(m) = min_months_unemployed {
                    c.push(Condition::UnemployedMonths(*m));
                }
                c
            }
            Criterion::Education { max_level } => vec![Condition::EducationAtMost(*max_level)],
            Criterion::Household {
                min_dependants,
                head_of_household,
            } => {
                let mut c = Vec::new();
                if let Some(n) = min_dependants {
                    c.push(Condition::DependantsAtLeast(*n));
                }
                if *head_of_household {
                    c.push(Condition::HeadOfHousehold);
                }
                c
            }
            Criterion::Disability => vec![Condition::Disability],
            Criterion::Registered { min_days } => vec![Condition::RegisteredDays(*min_days)],
            Criterion::Benefits { .. } | Criterion::NotAgain { .. } => Vec::new(),
        }
    }

    /// The day it is evaluated on, given the day of the evaluation.
    pub fn day(&self, today: NaiveDate) -> NaiveDate {
        match self {
            Criterion::Age { on: Some(d), .. } => *d,
            _ => today,
        }
    }
}

/// Checks the criteria's values (territories are checked by the caller, who reads them).
/// Errors go on the form's field of the value.
pub fn check(criteria: &[Criterion]) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    if criteria.len() > KINDS.len() {
        e.add("criteria", "criterion-too-many");
        return e.into_result();
    }
    for (i, c) in criteria.iter().enumerate() {
        if criteria[..i].iter().any(|o| o.kind() == c.kind()) {
            e.add("criteria", "criterion-repeated");
        }
        match c {
            Criterion::Age { min, max, on } => {
                if on.is_some_and(|d| !(1900..=2200).contains(&chrono::Datelike::year(&d))) {
                    e.add("age_on", "field-date-invalid");
                }
                if *max > 120 {
                    e.add("age_max", "field-number-invalid");
                } else if min > max {
                    e.add("age_max", "criterion-age-range");
                }
            }
            Criterion::Residence {
                province,
                departments,
            } => {
                if province.trim().is_empty() || province.len() > 20 {
                    e.add("residence_province", "field-choice-invalid");
                }
                if departments.len() > 200 || departments.iter().any(|d| d.len() > 20) {
                    e.add("residence_departments", "field-choice-invalid");
                }
            }
            Criterion::Employment {
                statuses,
                min_months_unemployed,
            } => {
                if statuses.is_empty()
                    || statuses.len() > EMPLOYMENT_STATUSES.len()
                    || statuses
                        .iter()
                        .any(|s| !EMPLOYMENT_STATUSES.contains(&s.as_str()))
                {
                    e.add("employment_statuses", "criterion-statuses-required");
                }
                if min_months_unemployed.is_some_and(|m| !(1..=600).contains(&m)) {
                    e.add("employment_months", "field-number-invalid");
                } else if min_months_unemployed.is_some()
                    && !statuses.iter().any(|s| s == "unemployed")
                {
                    e.add("employment_months", "criterion-months-need-unemployed");
                }
            }
            Criterion::Education { max_level } => {
                if *max_level > 8 {
                    e.add("education_max", "field-choice-invalid");
                }
            }
            Criterion::Household {
                min_dependants,
                head_of_household,
            } => {
                if min_dependants.is_some_and(|n| !(1..=30).contains(&n)) {
                    e.add("household_dependants", "field-number-invalid");
                } else if min_dependants.is_none() && !head_of_household {
                    e.add("household_dependants", "criterion-household-empty");
                }
            }
            Criterion::Disability => {}
            Criterion::Registered { min_days } => {
                if !(1..=3_650).contains(min_days) {
                    e.add("registered_days", "field-number-invalid");
                }
            }
            Criterion::Benefits { programmes, .. } => {
                if programmes.is_empty()
                    || programmes.len() > 20
                    || programmes.iter().any(|p| p.is_empty() || p.len() > 20)
                {
                    e.add("benefits_programmes", "criterion-benefits-required");
                }
            }
            Criterion::NotAgain { months } => {
                if !(1..=240).contains(months) {
                    e.add("not_again_months", "criterion-not-again-range");
                }
            }
        }
    }
    e.into_result()
}

/// Reads and replaces the criteria of a programme.
pub mod store {
    use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
    use uuid::Uuid;

    use super::Criterion;
    use crate::entity::criterion;

    /// A programme's criteria, in order.
    pub async fn of(conn: &impl ConnectionTrait, programme: Uuid) -> Result<Vec<Criterion>, DbErr> {
        let rows = criterion::Entity::find()
            .filter(criterion::Column::ProgrammeId.eq(programme))
            .order_by_asc(criterion::Column::Position)
            .all(conn)
            .await?;
        rows.iter()
            .map(|r| {
                serde_json::from_str(&r.rule)
                    .map_err(|e| DbErr::Custom(format!("criterion {}: {e}", r.kind)))
            })
            .collect()
    }

    /// Replaces them (inside the caller's transaction).
    pub(crate) async fn replace(
        conn: &impl ConnectionTrait,
        programme: Uuid,
        criteria: &[Criterion],
    ) -> Result<(), DbErr> {
        criterion::Entity::delete_many()
            .filter(criterion::Column::ProgrammeId.eq(programme))
            .exec(conn)
            .await?;
        if criteria.is_empty() {
            return Ok(());
        }
        criterion::Entity::insert_many(criteria.iter().enumerate().map(|(i, c)| {
            criterion::ActiveModel {
                programme_id: Set(programme),
                kind: Set(c.kind().to_owned()),
                position: Set(i as i32),
                rule: Set(serde_json::to_string(c).unwrap_or_default()),
            }
        }))
        .exec(conn)
        .await?;
        Ok(())
    }
}
