//! `/vacancies/{id}/candidates` and its API: the ranking with filters and weights the
//! operator adjusts, every result with its factors and gaps.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::score::{FACTOR_NAMES, Weights};
use super::service::MatchError;
use super::service::{self, CandidateMatch, GapDto, MatchOptions};
use crate::matching::index::Reach;
use sipe_platform::api::{ApiAccess, ApiError};
use sipe_platform::ids::PersonId;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Query of a matching search (API and page).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct CandidateParams {
    /// How many results per page (default 50, at most 200).
    pub limit: Option<usize>,
    /// Page of the ranking, from 1 (pages × limit at most 1,000).
    pub page: Option<usize>,
    /// Leading ISCO-08 digits a candidate's occupation must share with the vacancy's:
    /// 4 unit group, 3 minor group, 2 sub-major group (default), 1 major group, 0 any.
    pub occupation_digits: Option<u8>,
    /// `department`, `province` or `anywhere` (default).
    pub reach: Option<Reach>,
    /// Weight of occupation proximity (default 3).
    pub w_occupation: Option<f32>,
    /// Weight of required skills (default 2).
    pub w_required_skills: Option<f32>,
    /// Weight of desired skills (default 0.5).
    pub w_desired_skills: Option<f32>,
    /// Weight of education (default 1).
    pub w_education: Option<f32>,
    /// Weight of experience (default 1).
    pub w_experience: Option<f32>,
    /// Weight of languages (default 0.5).
    pub w_languages: Option<f32>,
    /// Weight of distance (default 1.5).
    pub w_distance: Option<f32>,
    /// Weight of availability (default 0.5).
    pub w_availability: Option<f32>,
    /// Weight of preferences (default 0.5).
    pub w_preferences: Option<f32>,
}

impl CandidateParams {
    /// The options of the search, defaults where absent.
    pub fn options(&self) -> MatchOptions {
        let d = MatchOptions::default();
        let w = d.weights;
        let limit = self.limit.unwrap_or(d.limit).clamp(1, 200);
        MatchOptions {
            limit,
            page: self
                .page
                .unwrap_or(1)
                .clamp(1, super::service::MAX_RANKED / limit),
            occupation_digits: self.occupation_digits.unwrap_or(d.occupation_digits).min(4),
            reach: self.reach.unwrap_or(d.reach),
            weights: Weights {
                occupation: self.w_occupation.unwrap_or(w.occupation),
                required_skills: self.w_required_skills.unwrap_or(w.required_skills),
                desired_skills: self.w_desired_skills.unwrap_or(w.desired_skills),
                education: self.w_education.unwrap_or(w.education),
                experience: self.w_experience.unwrap_or(w.experience),
                languages: self.w_languages.unwrap_or(w.languages),
                distance: self.w_distance.unwrap_or(w.distance),
                availability: self.w_availability.unwrap_or(w.availability),
                preferences: self.w_preferences.unwrap_or(w.preferences),
            }
            .clamped(),
        }
    }
}

/// Ranked candidates of a vacancy.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CandidatesDto {
    /// Best first.
    pub items: Vec<CandidateMatch>,
    /// People who passed every filter and were scored.
    pub scored: u64,
}

/// The best candidates for a vacancy among the caller's search scope: people actively
/// looking and not placed, who meet the vacancy's mandatory requirements, ordered by
/// score; each with `factors` (name → 0–1) and `gaps`.
#[utoipa::path(get, path = "/api/v1/vacancies/{id}/candidates",
    params(("id" = Uuid, Path, description = "Vacancy id"), CandidateParams),
    responses((status = 200, body = CandidatesDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn api_candidates(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    Query(p): Query<CandidateParams>,
) -> Result<Json<CandidatesDto>, ApiError> {
    let m = service::candidates(
        &state.db,
        sipe_persons::index(&state).map_err(anyhow::Error::from)?,
        &state.reads,
        &ctx,
        &access,
        id,
        &p.options(),
    )
    .await
    .map_err(|e| match e {
        MatchError::NotFound => ApiError::NotFound,
        MatchError::Index(e) => ApiError::Internal(e.into()),
        MatchError::Store(s) => s.into(),
    })?;
    Ok(Json(CandidatesDto {
        items: m.items,
        scored: m.scored,
    }))
}

/// A weight's row in the form.
pub struct WeightRow {
    /// Factor name.
    pub name: &'static str,
    /// Current weight.
    pub value: f32,
}

/// `/vacancies/{id}/candidates`.
#[derive(Template)]
#[template(path = "intermediation/candidates.html")]
pub struct CandidatesPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Vacancy id.
    pub id: Uuid,
    /// Vacancy title.
    pub title: String,
    /// Vacancy state.
    pub state: String,
    /// Results.
    pub items: Vec<CandidateMatch>,
    /// People scored.
    pub scored: u64,
    /// The options used.
    pub digits: u8,
    /// Reach used.
    pub reach: &'static str,
    /// Weights used.
    pub weights: Vec<WeightRow>,
    /// Factor names, in column order.
    pub factor_names: [&'static str; 9],
    /// May refer (permission, and the vacancy is open).
    pub can_refer: bool,
    /// State of each person's latest referral to this vacancy.
    pub referred: std::collections::HashMap<Uuid, String>,
    /// Link to the previous page of the ranking.
    pub prev: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
    /// Page shown.
    pub page: usize,
    /// The lacked skills an open course teaches (empty when the reader may not enrol).
    pub taught: std::collections::HashSet<String>,
}

/// What a candidate meets, lacks and what the vacancy does not ask, in words.
pub struct Summary {
    /// Factors fully met.
    pub meets: Vec<String>,
    /// Requirements lacking (specific gaps first, then partly met factors).
    pub lacks: Vec<String>,
    /// Factors the vacancy does not ask for.
    pub not_asked: Vec<String>,
}

impl CandidatesPage {
    /// Does the candidate lack a skill an open course teaches (to a reader who may enrol)?
    pub fn teachable(&self, m: &CandidateMatch) -> bool {
        m.gaps.iter().any(|g| {
            g.kind.ends_with("_skill") && g.code.as_ref().is_some_and(|c| self.taught.contains(c))
        })
    }

    /// The codes of the skills the candidate lacks, for the courses that teach them.
    pub fn missing_skills(&self, m: &CandidateMatch) -> String {
        m.gaps
            .iter()
            .filter(|g| g.kind.ends_with("_skill"))
            .filter_map(|g| g.code.clone())
            .filter(|c| self.taught.contains(c))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Does the vacancy ask for this factor? (Not asked: `null`, neutral.)
    pub fn asked(&self, m: &CandidateMatch, name: &str) -> bool {
        m.factors.get(name).is_some_and(|v| !v.is_null())
    }

    /// A candidate's result in plain words.
    pub fn summary(&self, m: &CandidateMatch) -> Summary {
        let ctx = &self.ctx;
        let mut out = Summary {
            meets: Vec::new(),
            lacks: m.gaps.iter().map(|g| gap_text(ctx, g)).collect(),
            not_asked: Vec::new(),
        };
        for name in FACTOR_NAMES {
            let label = ctx.tp("factor-", name).to_lowercase();
            match m.factors.get(name).and_then(|v| v.as_f64()) {
                None => out.not_asked.push(label),
                Some(v) if v >= 0.999 => out.meets.push(label),
                // Every skill held: met, declared (0.8) or certified alike.
                Some(_)
                    if name == "required_skills"
                        && !m
                            .gaps
                            .iter()
                            .any(|g| g.kind == "required_skill" || g.kind == "licence") =>
                {
                    out.meets.push(label)
                }
                Some(_)
                    if name == "desired_skills"
                        && !m.gaps.iter().any(|g| g.kind == "desired_skill") =>
                {
                    out.meets.push(label)
                }
                // Skills, education, experience and languages name their gaps already.
                Some(_)
                    if matches!(
                        name,
                        "required_skills"
                            | "desired_skills"
                            | "education"
                            | "experience"
                            | "languages"
                    ) => {}
                Some(v) => out
                    .lacks
                    .push(format!("{label} ({} %)", (v * 100.0).round())),
            }
        }
        out
    }

    /// The tie-break of a result in words.
    pub fn tie_break(&self, m: &CandidateMatch) -> String {
        let t = &m.tie_break;
        let contact = self.ctx.t1(
            "tie-contact",
            "days",
            self.ctx.number(u64::from(t.days_since_contact)),
        );
        if t.days_unemployed > 0 {
            let since = chrono::Utc::now().with_timezone(&self.ctx.tz).date_naive()
                - chrono::Duration::days(i64::from(t.days_unemployed));
            format!(
                "{contact} · {}",
                self.ctx.t2(
                    "tie-unemployed",
                    "months",
                    t.months_unemployed(),
                    "since",
                    since.format("%d/%m/%Y"),
                )
            )
        } else {
            contact
        }
    }

    /// Is this result's score shared with the one before or after it on the page?
    pub fn tied(&self, index: impl std::borrow::Borrow<usize>) -> bool {
        let index = *index.borrow();
        let score = self.items[index].score;
        let same = |i: Option<usize>| {
            i.and_then(|i| self.items.get(i))
                .is_some_and(|o| o.score == score)
        };
        same(index.checked_sub(1)) || same(Some(index + 1))
    }
    /// The state of a person's referral to this vacancy, if any.
    pub fn referral_state(&self, person: &Uuid) -> Option<&str> {
        self.referred.get(person).map(String::as_str)
    }

    /// A factor of a result as a percentage.
    pub fn pct(&self, m: &CandidateMatch, name: &str) -> u32 {
        let v = m.factors.get(name).and_then(|v| v.as_f64()).unwrap_or(0.0);
        (v * 100.0).round() as u32
    }

    /// One gap in words.
    pub fn gap(&self, g: &GapDto) -> String {
        gap_text(&self.ctx, g)
    }
}

/// A gap in the page's language.
fn gap_text(ctx: &PageCtx, g: &GapDto) -> String {
    let req = g.required.clone().unwrap_or_default();
    match g.kind.as_str() {
        "required_skill" | "desired_skill" => format!(
            "{}: {}",
            ctx.tp("gap-", &g.kind),
            g.label.clone().unwrap_or_default()
        ),
        "education" => format!("{}: {}", ctx.t("gap-education"), ctx.tp("isced-", &req)),
        "experience" => ctx.lang.t_args(
            "gap-experience",
            &[
                ("required", req),
                ("has", g.has.clone().unwrap_or_default()),
            ],
        ),
        "licence" => format!(
            "{}: {}",
            ctx.t("gap-licence"),
            g.code.clone().unwrap_or_default()
        ),
        "language" => format!(
            "{}: {} {}",
            ctx.t("gap-language"),
            ctx.tp("lang-", g.code.clone().unwrap_or_default()),
            req
        ),
        other => other.to_owned(),
    }
}

/// Which skills some open course teaches: a training module contributes it (as
/// `Arc<dyn SkillCourses>`), so a candidate's gap links to courses only when there is one.
pub trait SkillCourses: Send + Sync {
    /// The codes, among `skills`, that an open cohort teaches.
    fn taught<'a>(
        &'a self,
        state: &'a AppState,
        skills: &'a [String],
    ) -> sipe_platform::module::BoxFuture<
        'a,
        Result<std::collections::HashSet<String>, sea_orm::DbErr>,
    >;
}

/// `GET /vacancies/{id}/candidates`.
pub async fn candidates_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Query(p): Query<CandidateParams>,
) -> Result<Response, WebError> {
    let opts = p.options();
    let m = match service::candidates(
        &state.db,
        sipe_persons::index(&state).map_err(anyhow::Error::from)?,
        &state.reads,
        &audit,
        &user.access,
        id,
        &opts,
    )
    .await
    {
        Ok(m) => m,
        Err(MatchError::Store(e)) => return Err(e.into()),
        Err(MatchError::Index(e)) => return Err(WebError::Internal(e.into())),
        Err(MatchError::NotFound) => return Err(WebError::NotFound),
    };
    let mut referred = std::collections::HashMap::new();
    // Newest first: the first seen per person is their latest referral.
    for r in crate::referrals::store::of_vacancy(&state.db, id).await? {
        referred.entry(r.person_id).or_insert(r.state);
    }
    let can_refer = user
        .access
        .can(sipe_platform::access::Permission::EditIntermediation)
        && m.vacancy.state == "open";
    // The skills lacked on this page that an open course teaches (one question for all).
    let lacked: Vec<String> = m
        .items
        .iter()
        .flat_map(|c| c.gaps.iter())
        .filter(|g| g.kind.ends_with("_skill"))
        .filter_map(|g| g.code.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut taught = std::collections::HashSet::new();
    if user
        .access
        .can(sipe_platform::access::Permission::EditTraining)
        && !lacked.is_empty()
    {
        for courses in state
            .modules
            .contributions()
            .all::<std::sync::Arc<dyn SkillCourses>>()
        {
            taught.extend(courses.taught(&state, &lacked).await?);
        }
    }
    let link = |page: usize| {
        let params = CandidateParams {
            page: Some(page),
            ..p.clone()
        };
        // The search's own options, as they came, with the page changed.
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&params) {
            for (k, v) in map {
                match v {
                    serde_json::Value::Null => {}
                    serde_json::Value::String(s) => {
                        q.append_pair(&k, &s);
                    }
                    other => {
                        q.append_pair(&k, &other.to_string());
                    }
                }
            }
        }
        format!("/vacancies/{id}/candidates?{}", q.finish())
    };
    let reachable = (m.scored as usize).min(super::service::MAX_RANKED);
    let prev = (m.page > 1).then(|| link(m.page - 1));
    let next = (m.page * m.per_page < reachable).then(|| link(m.page + 1));
    let w = opts.weights;
    let values = [
        w.occupation,
        w.required_skills,
        w.desired_skills,
        w.education,
        w.experience,
        w.languages,
        w.distance,
        w.availability,
        w.preferences,
    ];
    sipe_platform::web::render::page_with(
        StatusCode::OK,
        CandidatesPage {
            ctx,
            id,
            title: m.vacancy.title,
            state: m.vacancy.state,
            items: m.items,
            scored: m.scored,
            digits: opts.occupation_digits,
            reach: reach_name(opts.reach),
            weights: FACTOR_NAMES
                .iter()
                .zip(values)
                .map(|(name, value)| WeightRow { name, value })
                .collect(),
            factor_names: FACTOR_NAMES,
            can_refer,
            referred,
            prev,
            next,
            page: m.page,
            taught,
        },
    )
}

/// Open vacancies ranked for a person.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VacanciesDto {
    /// Best first.
    pub items: Vec<super::service::VacancyMatch>,
}

/// The open vacancies (in the caller's view scope) that suit a person, best first, each
/// with `factors` and `gaps`; the same options as the candidates search.
#[utoipa::path(get, path = "/api/v1/persons/{id}/vacancies",
    params(("id" = Uuid, Path, description = "Person id"), CandidateParams),
    responses((status = 200, body = VacanciesDto), (status = 404, body = sipe_platform::api::Problem)))]
pub async fn api_person_vacancies(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    Query(p): Query<CandidateParams>,
) -> Result<Json<VacanciesDto>, ApiError> {
    let items = service::vacancies_for(
        &state.db,
        &state.reads,
        &ctx,
        &access,
        id,
        &p.options(),
        state.extensions.get(),
    )
    .await?;
    Ok(Json(VacanciesDto { items }))
}

/// `/persons/{id}/vacancies`.
#[derive(Template)]
#[template(path = "intermediation/person_vacancies.html")]
pub struct PersonVacanciesPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Person id.
    pub id: Uuid,
    /// Person's name.
    pub name: String,
    /// Results.
    pub items: Vec<super::service::VacancyMatch>,
    /// Digits used.
    pub digits: u8,
    /// Reach used.
    pub reach: &'static str,
    /// Factor names, in column order.
    pub factor_names: [&'static str; 9],
    /// May record an application (permission).
    pub can_apply: bool,
    /// State of the person's latest referral to each vacancy.
    pub referred: std::collections::HashMap<Uuid, String>,
}

impl PersonVacanciesPage {
    /// The state of the person's referral to a vacancy, if any.
    pub fn referral_state(&self, vacancy: &Uuid) -> Option<&str> {
        self.referred.get(vacancy).map(String::as_str)
    }

    /// Does the vacancy ask for this factor? (Not asked: neutral.)
    pub fn asked(&self, m: &super::service::VacancyMatch, name: &str) -> bool {
        m.factors.get(name).is_some_and(|v| !v.is_null())
    }

    /// A factor of a result as a percentage.
    pub fn pct(&self, m: &super::service::VacancyMatch, name: &str) -> u32 {
        let v = m.factors.get(name).and_then(|v| v.as_f64()).unwrap_or(0.0);
        (v * 100.0).round() as u32
    }

    /// One gap in words.
    pub fn gap(&self, g: &GapDto) -> String {
        gap_text(&self.ctx, g)
    }
}

fn reach_name(reach: Reach) -> &'static str {
    match reach {
        Reach::Department => "department",
        Reach::Province => "province",
        Reach::Anywhere => "anywhere",
    }
}

/// `GET /persons/{id}/vacancies`.
pub async fn person_vacancies_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Query(p): Query<CandidateParams>,
) -> Result<Response, WebError> {
    let opts = p.options();
    let items = service::vacancies_for(
        &state.db,
        &state.reads,
        &audit,
        &user.access,
        id,
        &opts,
        state.extensions.get(),
    )
    .await?;
    let person = sipe_persons::store::find_person(
        &state.db,
        &user.access,
        sipe_platform::access::ScopeKind::View,
        PersonId(id),
    )
    .await?
    .ok_or(WebError::NotFound)?;
    let mut referred = std::collections::HashMap::new();
    // Newest first: the first seen per vacancy is the person's latest referral to it.
    for r in crate::referrals::store::of_person(&state.db, id).await? {
        referred.entry(r.vacancy_id).or_insert(r.state);
    }
    sipe_platform::web::render::page_with(
        StatusCode::OK,
        PersonVacanciesPage {
            ctx,
            id,
            name: sipe_persons::service::display_name(&person),
            items,
            digits: opts.occupation_digits,
            reach: reach_name(opts.reach),
            factor_names: FACTOR_NAMES,
            can_apply: user
                .access
                .can(sipe_platform::access::Permission::EditIntermediation),
            referred,
        },
    )
}
