//! What other modules' eligibility rules read about a person, and the same rules as
//! conditions on the registry so they count people without loading them.
//!
//! `Condition::holds` (one person, explained by the caller) and `Condition::sql` (the
//! whole registry) must agree; a property test checks they do.

use chrono::{Datelike, Months, NaiveDate, NaiveTime};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition as Cond, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use sipe_platform::access::Scope;
use sipe_platform::ids::{OfficeId, PersonId};
use sipe_platform::web::table::Pager;

use crate::entity::person;

/// What eligibility rules read of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The person.
    pub id: PersonId,
    /// Their office.
    pub office_id: OfficeId,
    /// CUIL (eleven digits), if known: national programmes' lists are keyed by it.
    pub cuil: Option<String>,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Province (INDEC code), if known.
    pub province_code: Option<String>,
    /// Department (INDEC code), if known.
    pub department_code: Option<String>,
    /// `employed`, `unemployed`, `inactive`, if known.
    pub employment_status: Option<String>,
    /// Unemployed since, if unemployed and known.
    pub unemployed_since: Option<NaiveDate>,
    /// ISCED 2011 level `0`–`8`, if known.
    pub education_level: Option<String>,
    /// Dependants, if known.
    pub dependants: Option<i32>,
    /// Head of household?
    pub head_of_household: bool,
    /// With a disability?
    pub has_disability: bool,
    /// Day registered in sipe (UTC).
    pub registered_on: NaiveDate,
}

impl Facts {
    fn of(p: &person::Model) -> Facts {
        Facts {
            id: PersonId::from(p.id),
            office_id: OfficeId::from(p.office_id),
            cuil: p.cuil.clone(),
            birth_date: p.birth_date,
            province_code: p.province_code.clone(),
            department_code: p.department_code.clone(),
            employment_status: p.employment_status.clone(),
            unemployed_since: p.unemployed_since,
            education_level: p.education_level.clone(),
            dependants: p.dependants,
            head_of_household: p.head_of_household,
            has_disability: p.has_disability,
            registered_on: p.created_at.date_naive(),
        }
    }

    /// Whole years of age on a day.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        day.years_since(self.birth_date).unwrap_or(0)
    }

    /// Whole months unemployed on a day (0 when not unemployed or unknown).
    pub fn months_unemployed_on(&self, day: NaiveDate) -> u32 {
        let Some(since) = self.unemployed_since.filter(|_| self.is_unemployed()) else {
            return 0;
        };
        let approx = (day.year() - since.year()) * 12 + day.month() as i32 - since.month() as i32;
        let mut m = approx.clamp(0, 1_200) as u32;
        // The same threshold the SQL uses: `since` on or before `day` minus m months.
        while m > 0 && months_back(day, m).is_none_or(|d| since > d) {
            m -= 1;
        }
        while months_back(day, m + 1).is_some_and(|d| since <= d) {
            m += 1;
        }
        m
    }

    /// Is the person unemployed?
    pub fn is_unemployed(&self) -> bool {
        self.employment_status.as_deref() == Some("unemployed")
    }
}

fn months_back(day: NaiveDate, months: u32) -> Option<NaiveDate> {
    day.checked_sub_months(Months::new(months))
}

/// One rule over the registry's fields, evaluated on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Age in whole years between the two, both included.
    AgeBetween(u32, u32),
    /// Lives in the province, and in one of the departments when any are given.
    Residence(String, Vec<String>),
    /// Employment status among these.
    EmploymentIn(Vec<String>),
    /// Unemployed for at least this many whole months.
    UnemployedMonths(u32),
    /// Education level at most this ISCED level (an unknown level does not qualify).
    EducationAtMost(u8),
    /// At least this many dependants.
    DependantsAtLeast(i32),
    /// Head of household.
    HeadOfHousehold,
    /// With a disability.
    Disability,
    /// Registered in sipe at least this many days before.
    RegisteredDays(u32),
}

impl Condition {
    /// Does the person meet it on `day`?
    pub fn holds(&self, f: &Facts, day: NaiveDate) -> bool {
        match self {
            Condition::AgeBetween(min, max) => (min..=max).contains(&&f.age_on(day)),
            Condition::Residence(p, deps) => {
                f.province_code.as_deref() == Some(p.as_str())
                    && (deps.is_empty()
                        || f.department_code.as_ref().is_some_and(|d| deps.contains(d)))
            }
            Condition::EmploymentIn(s) => {
                f.employment_status.as_ref().is_some_and(|e| s.contains(e))
            }
            Condition::UnemployedMonths(n) => {
                f.is_unemployed()
                    && f.unemployed_since
                        .zip(months_back(day, *n))
                        .is_some_and(|(since, limit)| since <= limit)
            }
            Condition::EducationAtMost(l) => f
                .education_level
                .as_deref()
                .and_then(|e| e.parse::<u8>().ok())
                .is_some_and(|e| e <= *l),
            Condition::DependantsAtLeast(n) => f.dependants.is_some_and(|d| d >= *n),
            Condition::HeadOfHousehold => f.head_of_household,
            Condition::Disability => f.has_disability,
            Condition::RegisteredDays(n) => {
                f.registered_on + chrono::Duration::days(i64::from(*n)) <= day
            }
        }
    }

    /// The same rule as a condition on the person table.
    fn sql(&self, day: NaiveDate) -> Cond {
        use person::Column as C;
        let never = || Cond::all().add(Expr::val(1).eq(0));
        match self {
            Condition::AgeBetween(min, max) => {
                let (Some(latest), Some(earliest)) =
                    (months_back(day, min * 12), months_back(day, (max + 1) * 12))
                else {
                    return never();
                };
                Cond::all()
                    .add(C::BirthDate.lte(latest))
                    .add(C::BirthDate.gt(earliest))
            }
            Condition::Residence(p, deps) => {
                let c = Cond::all().add(C::ProvinceCode.eq(p.as_str()));
                if deps.is_empty() {
                    c
                } else {
                    c.add(C::DepartmentCode.is_in(deps.iter().map(String::as_str)))
                }
            }
            Condition::EmploymentIn(s) => {
                Cond::all().add(C::EmploymentStatus.is_in(s.iter().map(String::as_str)))
            }
            Condition::UnemployedMonths(n) => match months_back(day, *n) {
                Some(limit) => Cond::all()
                    .add(C::EmploymentStatus.eq("unemployed"))
                    .add(C::UnemployedSince.lte(limit)),
                None => never(),
            },
            Condition::EducationAtMost(l) => Cond::all()
                .add(C::EducationLevel.is_in((0..=std::cmp::min(*l, 8)).map(|l| l.to_string()))),
            Condition::DependantsAtLeast(n) => Cond::all().add(C::Dependants.gte(*n)),
            Condition::HeadOfHousehold => Cond::all().add(C::HeadOfHousehold.eq(true)),
            Condition::Disability => Cond::all().add(C::HasDisability.eq(true)),
            Condition::RegisteredDays(n) => {
                // Registered on or before `day - n`: before the next day's midnight (UTC).
                let next = day - chrono::Duration::days(i64::from(*n)) + chrono::Duration::days(1);
                Cond::all().add(C::CreatedAt.lt(next.and_time(NaiveTime::MIN).and_utc()))
            }
        }
    }
}

/// The conditions, and other modules' own conditions on the person table (`persons`,
/// e.g. `persons.id NOT IN (…)` for their own records).
fn matching(conditions: &[(Condition, NaiveDate)], extra: &[Cond]) -> Cond {
    let mut c = Cond::all().add(person::Column::MergedInto.is_null());
    for (cond, day) in conditions {
        c = c.add(cond.sql(*day));
    }
    for more in extra {
        c = c.add(more.clone());
    }
    c
}

/// The facts of these people, within a scope (people outside it are left out).
pub async fn facts_of(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    ids: &[PersonId],
) -> Result<Vec<Facts>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.iter().map(|i| i.uuid())))
            .filter(scope.owns(person::Column::OfficeId))
            .all(conn)
            .await?;
        out.extend(rows.iter().map(Facts::of));
    }
    Ok(out)
}

/// People who meet every condition (each on its day) and the extra ones, counted per
/// office, over the whole registry (counts only: no one is named).
pub async fn count_per_office(
    conn: &impl ConnectionTrait,
    conditions: &[(Condition, NaiveDate)],
    extra: &[Cond],
) -> Result<Vec<(OfficeId, u64)>, DbErr> {
    let rows: Vec<(uuid::Uuid, i64)> = person::Entity::find()
        .select_only()
        .column(person::Column::OfficeId)
        .column_as(Expr::col(person::Column::Id).count(), "n")
        .filter(matching(conditions, extra))
        .group_by(person::Column::OfficeId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(o, n)| (OfficeId::from(o), u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// A page of the people within a scope who meet every condition (by surname), and
/// their total.
pub async fn page_matching(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    conditions: &[(Condition, NaiveDate)],
    extra: &[Cond],
    pager: &Pager,
) -> Result<(Vec<crate::Person>, u64), DbErr> {
    let q = person::Entity::find()
        .filter(scope.owns(person::Column::OfficeId))
        .filter(matching(conditions, extra));
    sipe_platform::web::table::page_of(
        conn,
        q,
        person::Column::SearchName,
        person::Column::Id,
        pager,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(birth: &str) -> Facts {
        Facts {
            id: PersonId::from(uuid::Uuid::nil()),
            office_id: OfficeId::from(uuid::Uuid::nil()),
            cuil: None,
            birth_date: birth.parse().unwrap(),
            province_code: None,
            department_code: None,
            employment_status: Some("unemployed".into()),
            unemployed_since: Some("2026-01-31".parse().unwrap()),
            education_level: None,
            dependants: None,
            head_of_household: false,
            has_disability: false,
            registered_on: "2026-01-01".parse().unwrap(),
        }
    }

    #[test]
    fn ages_and_months_count_whole_units() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let f = facts("2008-02-29");
        assert_eq!(f.age_on(day("2026-02-28")), 17);
        assert_eq!(f.age_on(day("2026-03-01")), 18);
        assert_eq!(f.months_unemployed_on(day("2026-02-28")), 0);
        assert_eq!(f.months_unemployed_on(day("2026-03-31")), 2);
        assert!(Condition::UnemployedMonths(2).holds(&f, day("2026-03-31")));
        assert!(!Condition::UnemployedMonths(2).holds(&f, day("2026-03-30")));
        assert!(Condition::RegisteredDays(30).holds(&f, day("2026-01-31")));
        assert!(!Condition::RegisteredDays(31).holds(&f, day("2026-01-31")));
    }
}
