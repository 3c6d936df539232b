//! Matching use cases: the best candidates for a vacancy, every result explained.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::codes;
use super::profile;
use super::score::{self, Gap, Requirements, Weights};
use crate::matching::index::{MatchFilters, Reach};
use crate::vacancies::entity::{vacancy, vacancy_requirement};
use crate::vacancies::store as vacancies;
use sipe_persons::search::PersonIndex;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::reads::ReadLog;
use sipe_platform::audit::{AuditCtx, Change};
use sipe_platform::db::Db;
use sipe_platform::ids::PersonId;

/// Why a matching search failed.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// No such vacancy in the caller's view scope.
    #[error("not found")]
    NotFound,
    /// The people index failed.
    #[error(transparent)]
    Index(#[from] sipe_persons::search::SearchError),
    /// Database failure.
    #[error(transparent)]
    Store(#[from] sipe_platform::db::StoreError),
}

impl From<sea_orm::DbErr> for MatchError {
    fn from(e: sea_orm::DbErr) -> Self {
        MatchError::Store(sipe_platform::db::StoreError::from_db(e))
    }
}

/// How deep a ranking may be paged (pages × page size).
pub const MAX_RANKED: usize = 1_000;

/// What the operator may adjust per search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchOptions {
    /// How many results per page (1–200).
    pub limit: usize,
    /// Page of the ranking, from 1 (page × limit at most [`MAX_RANKED`]).
    pub page: usize,
    /// Factor weights.
    pub weights: Weights,
    /// Leading ISCO digits a candidate's occupation must share (0–4).
    pub occupation_digits: u8,
    /// How far from the workplace.
    pub reach: Reach,
}

impl Default for MatchOptions {
    fn default() -> Self {
        Self {
            limit: 50,
            page: 1,
            weights: Weights::default(),
            occupation_digits: 2,
            reach: Reach::Anywhere,
        }
    }
}

/// A requirement the candidate lacks, as the API and the UI show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GapDto {
    /// `required_skill`, `desired_skill`, `education`, `experience`, `licence`,
    /// `language`.
    pub kind: String,
    /// Skill id, licence class or language code.
    pub code: Option<String>,
    /// Skill label.
    pub label: Option<String>,
    /// What the vacancy asks (ISCED level, months, language level).
    pub required: Option<String>,
    /// What the candidate has.
    pub has: Option<String>,
}

/// One ranked candidate with the explanation of their place.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CandidateMatch {
    /// Place in the ranking, from 1.
    pub rank: usize,
    /// The person.
    pub person_id: Uuid,
    /// Score, 0–100 (one decimal; equal scores are ordered by `tie_break`).
    pub score: f32,
    /// What orders them among equal scores.
    pub tie_break: score::TieBreak,
    /// Every factor that entered the score, each 0–1.
    #[schema(value_type = Object)]
    pub factors: serde_json::Map<String, serde_json::Value>,
    /// What they lack of the vacancy's requirements.
    pub gaps: Vec<GapDto>,
    /// The vacancy's skills they hold certified by a training certificate (these weigh
    /// more than declared ones).
    pub certified_skills: Vec<String>,
    /// Name to show (not in the API).
    #[serde(skip)]
    pub name: String,
    /// Department code (not in the API).
    #[serde(skip)]
    pub department: Option<String>,
}

/// The result of a search.
#[derive(Debug, Clone)]
pub struct Matches {
    /// The vacancy.
    pub vacancy: vacancy::Model,
    /// Its requirements.
    pub requirements: Vec<vacancy_requirement::Model>,
    /// Best first.
    pub items: Vec<CandidateMatch>,
    /// People who passed every filter.
    pub scored: u64,
    /// The page shown and the page size.
    pub page: usize,
    /// Results per page.
    pub per_page: usize,
}

/// The labels of the vacancy's skills the candidate holds certified.
fn certified_labels(
    r: &score::Requirements,
    c: &score::Candidate,
    reqs: &[vacancy_requirement::Model],
) -> Vec<String> {
    score::certified_met(r, c)
        .into_iter()
        .filter_map(|key| {
            reqs.iter()
                .find(|q| q.kind == "skill" && codes::skill(&q.code) == key)
                .map(|q| q.label.clone())
        })
        .collect()
}

fn gap_dto(g: &Gap, reqs: &[vacancy_requirement::Model]) -> GapDto {
    let skill = |key: u64, kind: &str| {
        let r = reqs
            .iter()
            .find(|r| r.kind == "skill" && codes::skill(&r.code) == key);
        GapDto {
            kind: kind.into(),
            code: r.map(|r| r.code.clone()),
            label: r.map(|r| r.label.clone()),
            required: None,
            has: None,
        }
    };
    match g {
        Gap::RequiredSkill { skill: key } => skill(*key, "required_skill"),
        Gap::DesiredSkill { skill: key } => skill(*key, "desired_skill"),
        Gap::Education { required, has } => GapDto {
            kind: "education".into(),
            code: None,
            label: None,
            required: Some(required.to_string()),
            has: has.map(|h| h.to_string()),
        },
        Gap::Experience { required, has } => GapDto {
            kind: "experience".into(),
            code: None,
            label: None,
            required: Some(required.to_string()),
            has: Some(has.to_string()),
        },
        Gap::Licence { class } => GapDto {
            kind: "licence".into(),
            code: Some(codes::licence_class(*class).into()),
            label: None,
            required: None,
            has: None,
        },
        Gap::Language { language, level } => {
            let (l, v) = codes::language_codes((*language, *level));
            GapDto {
                kind: "language".into(),
                code: Some(l.into()),
                label: None,
                required: Some(v.into()),
                has: None,
            }
        }
    }
}

/// The factors of a pair as a JSON object (name → value, rounded to 3 decimals; `null`
/// for a factor the vacancy does not ask for, which does not enter the score).
pub fn factor_map(f: &score::Factors) -> serde_json::Map<String, serde_json::Value> {
    score::FACTOR_NAMES
        .iter()
        .zip(f.values)
        .zip(f.asked)
        .map(|((name, v), asked)| {
            let value = if asked {
                json!((f64::from(v) * 1000.0).round() / 1000.0)
            } else {
                serde_json::Value::Null
            };
            ((*name).to_owned(), value)
        })
        .collect()
}

/// The best candidates for a vacancy the caller may see, among the people of their
/// search scope who are actively looking and not placed. One audit row per search.
pub async fn candidates(
    db: &Db,
    index: &PersonIndex,
    reads: &ReadLog,
    ctx: &AuditCtx,
    access: &Access,
    vacancy_id: Uuid,
    opts: &MatchOptions,
) -> Result<Matches, MatchError> {
    let v = vacancies::find_vacancy(db, access, ScopeKind::View, vacancy_id)
        .await?
        .ok_or(MatchError::NotFound)?;
    let reqs = vacancies::requirements(db, vacancy_id).await?;
    let req: Requirements = profile::requirements(&v, &reqs);
    // Candidates are the people the caller may both search and view. A ranking filtered
    // by a vacancy's requirements tells facts of every profile it lists (its education,
    // its department, its occupation), so it is a read of the profile: the search scope
    // alone, which shows identity only, cannot reach it. Those people are found by name
    // and referred from their record.
    let searchable =
        sipe_platform::territory::store::office_ids_in_scope(db, &access.search).await?;
    let viewable = sipe_platform::territory::store::office_ids_in_scope(db, &access.view).await?;
    let in_scope: Option<Vec<Uuid>> = match (searchable, viewable) {
        (None, None) => None,
        (Some(ids), None) | (None, Some(ids)) => Some(ids.to_vec()),
        (Some(s), Some(v)) => Some(s.iter().filter(|id| v.contains(id)).copied().collect()),
    };
    let filters = MatchFilters {
        offices: in_scope.clone(),
        occupation_digits: opts.occupation_digits.min(4),
        reach: opts.reach,
    };
    let weights = opts.weights.clamped();
    let per_page = opts.limit.clamp(1, 200);
    let page = opts.page.clamp(1, MAX_RANKED / per_page);
    let mut ranking = super::index::match_candidates(
        index,
        &req,
        &filters,
        &weights,
        page * per_page,
        chrono::Utc::now().date_naive(),
    )?;
    let skip = (page - 1) * per_page;
    ranking.items = ranking.items.split_off(skip.min(ranking.items.len()));
    let ids: Vec<Uuid> = ranking.items.iter().map(|r| r.person_id).collect();
    // The scope again on the rows: the index is derived data and may lag a transfer.
    let rows = sipe_persons::store::names_of(db, ids.into_iter().map(PersonId)).await?;
    let known: HashMap<Uuid, sipe_persons::store::PersonName> = rows
        .into_iter()
        .filter(|r| r.merged_into.is_none())
        .filter(|r| {
            in_scope
                .as_ref()
                .is_none_or(|ids| ids.contains(&r.office_id.uuid()))
        })
        .map(|r| (r.id.uuid(), r))
        .collect();
    let items: Vec<CandidateMatch> = ranking
        .items
        .into_iter()
        .enumerate()
        .filter_map(|(n, r)| {
            let row = known.get(&r.person_id)?;
            let f = score::factors(&req, &r.candidate);
            Some(CandidateMatch {
                rank: skip + n + 1,
                tie_break: r.tie_break,
                person_id: r.person_id,
                score: (f.score(&weights) * 10.0).round() / 10.0,
                factors: factor_map(&f),
                gaps: score::gaps(&req, &r.candidate)
                    .iter()
                    .map(|g| gap_dto(g, &reqs))
                    .collect(),
                certified_skills: certified_labels(&req, &r.candidate, &reqs),
                name: format!(
                    "{} {}",
                    row.chosen_name.as_deref().unwrap_or(&row.names),
                    row.surnames
                ),
                department: row.department_code.clone(),
            })
        })
        .collect();
    reads
        .record(
            ctx,
            Change::new("vacancy.match", "vacancy", vacancy_id).after(json!({
                "shown": items.iter().map(|i| i.person_id).collect::<Vec<_>>(),
                "scored": ranking.scored,
                "occupation_digits": filters.occupation_digits,
            })),
        )
        .await
        .map_err(|e| MatchError::Store(e.into()))?;
    Ok(Matches {
        vacancy: v,
        requirements: reqs,
        items,
        scored: ranking.scored,
        page,
        per_page,
    })
}

/// One open vacancy ranked for a person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VacancyMatch {
    /// The vacancy.
    pub vacancy_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its employer.
    pub employer_id: Uuid,
    /// The employer's legal name.
    pub employer: String,
    /// Score, 0–100.
    pub score: f32,
    /// Every factor that entered the score, each 0–1.
    #[schema(value_type = Object)]
    pub factors: serde_json::Map<String, serde_json::Value>,
    /// What the person lacks of the vacancy's requirements.
    pub gaps: Vec<GapDto>,
    /// The vacancy's skills the person holds certified.
    pub certified_skills: Vec<String>,
}

/// The open vacancies (in the caller's view scope) that suit a person the caller may see,
/// best first. The read of the person's profile is audited.
pub async fn vacancies_for(
    db: &Db,
    reads: &ReadLog,
    ctx: &AuditCtx,
    access: &Access,
    person_id: Uuid,
    opts: &MatchOptions,
    copy: Option<&super::open_vacancies::OpenVacancies>,
) -> Result<Vec<VacancyMatch>, sipe_persons::service::PersonError> {
    use sipe_persons::service::PersonError;
    let p = sipe_persons::store::find_person(db, access, ScopeKind::View, PersonId(person_id))
        .await?
        .ok_or(PersonError::NotFound)?;
    let items = sipe_persons::profile::item_parts_of(db, &[PersonId(person_id)])
        .await?
        .remove(&PersonId(person_id))
        .unwrap_or_default();
    let seeker = crate::seekers::rows_of(db, &[person_id]).await?;
    let summary =
        crate::seekers::Summary::of(seeker.get(&person_id), p.employment_status.as_deref());
    let candidate = profile::candidate(
        p.education_level.as_deref(),
        p.department_code.as_deref(),
        p.availability_hours.as_deref(),
        &items,
        &summary,
        chrono::Utc::now().date_naive(),
    );
    let list = super::open_vacancies::open_vacancies(db, copy).await?;
    let in_scope = sipe_platform::territory::store::office_ids_in_scope(db, &access.view).await?;
    let ranked = super::open_vacancies::rank(
        &list,
        &candidate,
        |office| in_scope.as_ref().is_none_or(|ids| ids.contains(&office)),
        opts.occupation_digits,
        opts.reach,
        &opts.weights,
        opts.limit.clamp(1, 200),
    );
    let names =
        crate::employers::store::legal_names(db, ranked.iter().map(|(i, _)| list[*i].employer_id))
            .await?;
    let weights = opts.weights.clamped();
    let out: Vec<VacancyMatch> = ranked
        .into_iter()
        .map(|(i, _)| {
            let v = &list[i];
            let f = score::factors(&v.requirements, &candidate);
            VacancyMatch {
                vacancy_id: v.id,
                title: v.title.clone(),
                employer_id: v.employer_id,
                employer: names.get(&v.employer_id).cloned().unwrap_or_default(),
                score: (f.score(&weights) * 10.0).round() / 10.0,
                factors: factor_map(&f),
                gaps: score::gaps(&v.requirements, &candidate)
                    .iter()
                    .map(|g| gap_dto(g, &v.skills))
                    .collect(),
                certified_skills: certified_labels(&v.requirements, &candidate, &v.skills),
            }
        })
        .collect();
    reads
        .record(
            ctx,
            Change::new("person.match", "person", person_id).after(json!({
                "shown": out.iter().map(|v| v.vacancy_id).collect::<Vec<_>>(),
            })),
        )
        .await
        .map_err(|e| PersonError::Store(e.into()))?;
    Ok(out)
}

impl sipe_platform::failure::UseCaseError for MatchError {
    fn failure(self) -> sipe_platform::failure::Failure {
        use sipe_platform::failure::Failure;
        match self {
            MatchError::NotFound => Failure::NotFound,
            MatchError::Index(e) => Failure::Internal(e.into()),
            MatchError::Store(s) => Failure::Store(s),
        }
    }
}
