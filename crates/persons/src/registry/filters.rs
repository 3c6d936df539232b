//! The search box and its filters as they arrive from a page, the API or an export,
//! turned into one `PersonQuery` (scope is applied by the store, not here).

use chrono::{Months, NaiveDate};
use serde::Deserialize;

use crate::domain::Sex;
use crate::input::{EDUCATION_LEVELS, EMPLOYMENT_STATUSES};
use crate::store::PersonQuery;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::db::StoreError;

/// Why the filters cannot become a query.
#[derive(Debug, thiserror::Error)]
pub enum FilterError {
    /// Search text over its bounds.
    #[error(transparent)]
    Invalid(#[from] sipe_platform::validation::FieldErrors),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for FilterError {
    fn from(e: sea_orm::DbErr) -> Self {
        FilterError::Store(StoreError::from_db(e))
    }
}

impl From<FilterError> for sipe_platform::web::WebError {
    fn from(e: FilterError) -> Self {
        match e {
            FilterError::Invalid(f) => f.into(),
            FilterError::Store(s) => s.into(),
        }
    }
}

impl From<FilterError> for sipe_platform::api::ApiError {
    fn from(e: FilterError) -> Self {
        match e {
            FilterError::Invalid(f) => sipe_platform::api::ApiError::Invalid(f),
            FilterError::Store(s) => s.into(),
        }
    }
}

/// Search text and filters; every value is text so a form can be re-shown as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PersonFilters {
    /// DNI/CUIL (dots and dashes allowed) or words of the name, in any order.
    pub q: String,
    /// Owning office code.
    pub office: String,
    /// Department territory code (`AR-90084`).
    pub department: String,
    /// `F`, `M` or `X`.
    pub sex: String,
    /// Youngest age, in years.
    pub age_min: String,
    /// Oldest age, in years.
    pub age_max: String,
    /// ISCED 2011 level (`0`–`8`).
    pub education: String,
    /// `employed`, `unemployed`, `inactive`.
    pub employment: String,
    /// `yes` or `no`.
    pub disability: String,
    /// Occupation (code, `label (code)` or words): matches its ISCO-08 unit group in the
    /// work history or desired occupations.
    pub occupation: String,
}

fn age(raw: &str) -> Option<u32> {
    raw.trim().parse::<u32>().ok().filter(|a| *a <= 120)
}

fn choice(raw: &str, allowed: &[&str]) -> Option<String> {
    let v = raw.trim();
    allowed.contains(&v).then(|| v.to_owned())
}

impl PersonFilters {
    /// Any filter besides the text set?
    pub fn any(&self) -> bool {
        [
            &self.office,
            &self.department,
            &self.sex,
            &self.age_min,
            &self.age_max,
            &self.education,
            &self.employment,
            &self.disability,
            &self.occupation,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }

    /// Is the search box the only thing filled?
    pub fn other_filters_empty(&self) -> bool {
        self.pairs().iter().all(|(k, _)| *k == "q")
    }

    /// The filters that are set, as query parameters (for links that keep them).
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("q", &self.q),
            ("office", &self.office),
            ("department", &self.department),
            ("sex", &self.sex),
            ("age_min", &self.age_min),
            ("age_max", &self.age_max),
            ("education", &self.education),
            ("employment", &self.employment),
            ("disability", &self.disability),
            ("occupation", &self.occupation),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.as_str()))
        .collect()
    }

    /// The filters as a query string (`q=...&sex=F`).
    pub fn query_string(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.pairs())
            .finish()
    }

    /// The ISCO-08 unit group the occupation filter names, with its label.
    pub fn occupation_group(
        &self,
        occupations: &sipe_platform::taxonomy::Occupations,
    ) -> Option<(String, String)> {
        occupations
            .resolve(&self.occupation, sipe_platform::taxonomy::Gender::Unknown)
            .map(|h| {
                (
                    sipe_platform::taxonomy::unit_group(&h.code).to_owned(),
                    h.label,
                )
            })
    }

    /// Does any filter look at more than identity (names, document, birth date, owning
    /// office)? Such a search runs over the view scope only: the search scope finds
    /// people, it does not tell who has a disability in an office one cannot view.
    pub fn beyond_identity(&self) -> bool {
        [
            &self.department,
            &self.sex,
            &self.education,
            &self.employment,
            &self.disability,
            &self.occupation,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }

    /// The query: unknown values are ignored (a filter never widens the scope). Search
    /// text beyond `text::MAX_SEARCH_CHARS` or `MAX_SEARCH_WORDS` is refused on `q` (or
    /// `occupation`). Filters beyond identity narrow the scope to the view scope.
    pub async fn to_query(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        access: &Access,
        today: NaiveDate,
    ) -> Result<PersonQuery, FilterError> {
        let mut errors = sipe_platform::validation::FieldErrors::new();
        for (field, value) in [("q", &self.q), ("occupation", &self.occupation)] {
            if let Err(key) = sipe_platform::text::check_search(value) {
                errors.add(field, key);
            } else if field == "q"
                && value.trim().chars().filter(|c| c.is_alphanumeric()).count() == 1
            {
                // One letter matches half the registry: ask for a little more.
                errors.add(field, "search-too-short");
            }
        }
        errors.into_result()?;
        let scope = if self.beyond_identity() {
            ScopeKind::View
        } else {
            ScopeKind::Search
        };
        let office_id = match self.office.trim() {
            "" => None,
            code => {
                let searchable =
                    sipe_platform::territory::store::offices_in_scope(conn, access, scope).await?;
                // An office outside scope matches no one rather than everyone.
                Some(
                    searchable
                        .iter()
                        .find(|o| o.code == code)
                        .map(|o| o.id)
                        .unwrap_or_else(uuid::Uuid::nil),
                )
            }
        };
        // Age a..b ⇔ born after today-(b+1) years and on or before today-a years.
        let born_to =
            age(&self.age_min).and_then(|a| today.checked_sub_months(Months::new(a * 12)));
        let born_from = age(&self.age_max)
            .and_then(|a| today.checked_sub_months(Months::new((a + 1) * 12)))
            .and_then(|d| d.succ_opt());
        let department = self.department.trim();
        Ok(PersonQuery {
            scope,
            q: self.q.trim().to_owned(),
            office_id,
            department_code: (!department.is_empty()).then(|| department.to_owned()),
            sex: Sex::parse(&self.sex).map(|s| s.as_str().to_owned()),
            born_from,
            born_to,
            education: choice(&self.education, &EDUCATION_LEVELS),
            employment: choice(&self.employment, &EMPLOYMENT_STATUSES),
            disability: match self.disability.trim() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            occupation: if self.occupation.trim().is_empty() {
                None
            } else {
                self.occupation_group(&sipe_platform::taxonomy::Occupations::read(conn).await?)
                    .map(|(g, _)| g)
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_age_range_becomes_a_birth_date_range() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let f = PersonFilters {
            age_min: "18".into(),
            age_max: "24".into(),
            ..Default::default()
        };
        let born_to = age(&f.age_min).and_then(|a| today.checked_sub_months(Months::new(a * 12)));
        assert_eq!(born_to, NaiveDate::from_ymd_opt(2008, 11, 22));
        let born_from = age(&f.age_max)
            .and_then(|a| today.checked_sub_months(Months::new((a + 1) * 12)))
            .and_then(|d| d.succ_opt());
        assert_eq!(born_from, NaiveDate::from_ymd_opt(2001, 11, 23));
        // Someone born 2001-11-23 is 24 today; born 2001-11-22, 25.
        assert_eq!(crate::domain::age(born_from.unwrap(), today), 24);
    }
}
