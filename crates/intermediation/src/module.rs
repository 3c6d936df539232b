//! The intermediation module as the application sees it: its descriptor, what it adds to
//! the people index, and how it follows a person merge.

use std::sync::Arc;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};

use super::referrals::entity::{placement, referral};
use super::referrals::service::{ReferralError, make_obsolete, open_states};
use super::seekers::entity::job_seeker;
use sipe_persons::module::{PersonFacts, PersonSection};
use sipe_persons::search::IndexExtension;
use sipe_platform::access::Permission;
use sipe_platform::module::{Area, BoxFuture, Card, Contributions, Module, NavEntry, PersonMerge};
use sipe_platform::web::AppState;

const VIEW: Permission = Permission::ViewIntermediation;

const fn nav(href: &'static str, label: &'static str) -> NavEntry {
    NavEntry {
        area: Area::Intermediation,
        href,
        label,
        permission: VIEW,
    }
}

/// The intermediation module.
pub const MODULE: Module = Module {
    routes: super::routes,
    openapi: super::openapi,
    nav: &[
        nav("/employers", "nav-employers"),
        nav("/vacancies", "nav-vacancies"),
        nav("/referrals", "nav-referrals"),
        nav("/follow-ups", "nav-follow-ups"),
        nav("/indicators/intermediation", "nav-indicators"),
    ],
    cards: &[
        Card {
            label: "dashboard-open-vacancies",
            href: "/vacancies?state=open",
            permission: VIEW,
            count: count_open_vacancies,
        },
        Card {
            label: "dashboard-interviews-today",
            href: "/referrals?state=interview_scheduled",
            permission: VIEW,
            count: count_interviews_today,
        },
        Card {
            label: "dashboard-referrals-waiting",
            href: "/referrals?state=sent",
            permission: VIEW,
            count: count_referrals_waiting,
        },
        Card {
            label: "dashboard-follow-ups-due",
            href: "/follow-ups",
            permission: VIEW,
            count: count_follow_ups_due,
        },
    ],
    timeline_kinds: &["referral.proposed", "referral.state"],
    person_merge: Some(merge_person),
    start: Some(|ctx| {
        ctx.extensions
            .insert(super::matching::open_vacancies::OpenVacancies::default());
        Ok(())
    }),
    contribute,
    migrations: crate::migrations::all,
    messages: Some(&crate::MESSAGES),
    demo: super::demo::STEPS,
    ..Module::new("intermediation")
};

fn contribute(c: &mut Contributions) {
    let matching: Arc<dyn IndexExtension> = Arc::new(super::matching::index::MatchingFields);
    c.add(matching);
    let job_search: Arc<dyn PersonSection> = Arc::new(JobSearchSection);
    c.add(job_search);
    let referrals: Arc<dyn PersonSection> = Arc::new(ReferralsSection);
    c.add(referrals);
    let candidates: Arc<dyn sipe_messaging::audiences::AudienceSource> =
        Arc::new(crate::audience::Candidates);
    c.add(candidates);
}

/// The person's referrals on their page: where they were sent and how it went.
#[derive(askama::Template)]
#[template(path = "intermediation/person_referrals.html")]
struct ReferralsView<'a> {
    ctx: &'a sipe_platform::web::PageCtx,
    rows: Vec<PersonReferral>,
}

/// One referral of the person, with the names its row shows.
struct PersonReferral {
    id: uuid::Uuid,
    code: String,
    state: String,
    vacancy: String,
    employer: String,
    updated_at: chrono::DateTime<chrono::Utc>,
}

struct ReferralsSection;

impl PersonSection for ReferralsSection {
    fn render<'a>(
        &'a self,
        state: &'a AppState,
        ctx: &'a sipe_platform::web::PageCtx,
        person: &'a PersonFacts<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, sipe_platform::web::WebError>> {
        Box::pin(async move {
            if !person.access.can(VIEW) {
                return Ok(None);
            }
            let referrals = super::referrals::store::of_person(&state.db, person.id).await?;
            let vacancies = super::vacancies::store::titles_and_employers(
                &state.db,
                referrals.iter().map(|r| r.vacancy_id),
            )
            .await?;
            let rows = referrals
                .into_iter()
                .map(|r| {
                    let (vacancy, employer) =
                        vacancies.get(&r.vacancy_id).cloned().unwrap_or_default();
                    PersonReferral {
                        id: r.id,
                        code: r.code.unwrap_or_default(),
                        state: r.state,
                        vacancy,
                        employer,
                        updated_at: r.updated_at,
                    }
                })
                .collect();
            let html = askama::Template::render(&ReferralsView { ctx, rows })
                .map_err(anyhow::Error::from)?;
            Ok(Some(html))
        })
    }
}

/// The job search on a person's page.
#[derive(askama::Template)]
#[template(path = "intermediation/person_job_search.html")]
struct JobSearchView<'a> {
    ctx: &'a sipe_platform::web::PageCtx,
    person_id: uuid::Uuid,
    can_edit: bool,
    job_search: super::seekers::Summary,
}

struct JobSearchSection;

impl PersonSection for JobSearchSection {
    fn render<'a>(
        &'a self,
        state: &'a AppState,
        ctx: &'a sipe_platform::web::PageCtx,
        person: &'a PersonFacts<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, sipe_platform::web::WebError>> {
        Box::pin(async move {
            if !person.access.can(VIEW) {
                return Ok(None);
            }
            let rows = super::seekers::rows_of(&state.db, &[person.id]).await?;
            let view = JobSearchView {
                ctx,
                person_id: person.id,
                can_edit: person.can_edit,
                job_search: super::seekers::Summary::of(
                    rows.get(&person.id),
                    person.employment_status.as_deref(),
                ),
            };
            let html = askama::Template::render(&view).map_err(anyhow::Error::from)?;
            Ok(Some(html))
        })
    }
}

fn count_open_vacancies<'a>(
    state: &'a AppState,
    access: &'a sipe_platform::access::Access,
) -> BoxFuture<'a, Result<u64, sea_orm::DbErr>> {
    Box::pin(super::vacancies::store::count_open_in_scope(
        &state.db, access,
    ))
}

fn count_interviews_today<'a>(
    state: &'a AppState,
    access: &'a sipe_platform::access::Access,
) -> BoxFuture<'a, Result<u64, sea_orm::DbErr>> {
    use chrono::TimeZone;
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let start = |d: chrono::NaiveDate| {
        state
            .tz
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_default()
    };
    let (from, to) = (start(today), start(today + chrono::Duration::days(1)));
    Box::pin(super::referrals::store::count_interviews_between(
        &state.db, access, from, to,
    ))
}

fn count_referrals_waiting<'a>(
    state: &'a AppState,
    access: &'a sipe_platform::access::Access,
) -> BoxFuture<'a, Result<u64, sea_orm::DbErr>> {
    Box::pin(super::referrals::store::count_in_state(
        &state.db,
        access,
        super::referrals::state::ReferralState::Sent,
    ))
}

fn count_follow_ups_due<'a>(
    state: &'a AppState,
    access: &'a sipe_platform::access::Access,
) -> BoxFuture<'a, Result<u64, sea_orm::DbErr>> {
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    Box::pin(super::referrals::store::count_due_in_scope(
        &state.db, access, today,
    ))
}

/// Moves the merged person's referrals, placements and job search to the kept person.
/// A referral of both to the same vacancy leaves the merged one's obsolete; of the two
/// job searches the newest state wins, and if that is a placement the person's other
/// open referrals become obsolete, as at a hire.
fn merge_person<'a>(m: &'a PersonMerge<'a>) -> BoxFuture<'a, Result<(), sea_orm::DbErr>> {
    Box::pin(async move {
        let failed = |e: ReferralError| match e {
            ReferralError::Store(s) => sea_orm::DbErr::Custom(s.to_string()),
            other => sea_orm::DbErr::Custom(other.to_string()),
        };
        let open = open_states();
        let kept_vacancies: Vec<uuid::Uuid> = referral::Entity::find()
            .filter(referral::Column::PersonId.eq(m.kept))
            .filter(referral::Column::State.is_in(open.clone()))
            .all(m.tx)
            .await?
            .into_iter()
            .map(|r| r.vacancy_id)
            .collect();
        let twins = referral::Entity::find()
            .filter(referral::Column::PersonId.eq(m.gone))
            .filter(referral::Column::State.is_in(open.clone()))
            .filter(referral::Column::VacancyId.is_in(kept_vacancies))
            .all(m.tx)
            .await?;
        let twins = make_obsolete(m.tx, m.ctx, m.kept.uuid(), twins, "merged_duplicate", None)
            .await
            .map_err(failed)?;
        let referrals = m
            .repoint::<referral::Entity>(referral::Column::PersonId)
            .await?;
        let placements = m
            .repoint::<placement::Entity>(placement::Column::PersonId)
            .await?;
        let gone_search = job_seeker::Entity::find_by_id(m.gone).one(m.tx).await?;
        let kept_search = job_seeker::Entity::find_by_id(m.kept).one(m.tx).await?;
        let mut brought_by_gone = false;
        let job_search = match (gone_search, kept_search) {
            (None, _) => "none",
            (Some(gone), kept) => {
                // The newest statement of the two is the person's state now; the last
                // placement date is kept whichever it is.
                let placed_at = gone.placed_at.max(kept.as_ref().and_then(|k| k.placed_at));
                let newest = match kept {
                    Some(k) if k.updated_at >= gone.updated_at => k,
                    _ => {
                        brought_by_gone = true;
                        gone.clone()
                    }
                };
                let mut row = newest.clone().into_active_model();
                row.person_id = Set(m.kept.uuid());
                row.placed_at = Set(placed_at);
                job_seeker::Entity::delete_many()
                    .filter(job_seeker::Column::PersonId.is_in([m.gone, m.kept]))
                    .exec(m.tx)
                    .await?;
                row.insert(m.tx).await?;
                "combined"
            }
        };
        // Placed now: what else was in progress for them is over, as at a hire.
        // Only a placement the merged record brought ends what was in progress for the
        // kept one, and only what began before it.
        let placed_at = job_seeker::Entity::find_by_id(m.kept)
            .one(m.tx)
            .await?
            .filter(|j| !j.actively_looking)
            .and_then(|j| j.placed_at);
        let mut closed_by_hire = Vec::new();
        if let Some(placed_at) = placed_at.filter(|_| brought_by_gone) {
            let hired = placement::Entity::find()
                .filter(placement::Column::PersonId.eq(m.kept))
                .order_by_desc(placement::Column::StartDate)
                .one(m.tx)
                .await?;
            let still_open = referral::Entity::find()
                .filter(referral::Column::PersonId.eq(m.kept))
                .filter(referral::Column::State.is_in(open))
                .filter(referral::Column::CreatedAt.lt(placed_at))
                .all(m.tx)
                .await?;
            closed_by_hire = make_obsolete(
                m.tx,
                m.ctx,
                m.kept.uuid(),
                still_open,
                "hired_by_another",
                hired.map(|h| h.referral_id),
            )
            .await
            .map_err(failed)?;
        }
        sipe_platform::audit::record(
            m.tx,
            m.ctx,
            sipe_platform::audit::Change::new("intermediation.person_merge", "person", m.kept)
                .after(serde_json::json!({
                    "merged": m.gone,
                    "referrals": referrals,
                    "placements": placements,
                    "job_search": job_search,
                    "duplicate_referrals_closed": twins,
                    "referrals_closed_by_placement": closed_by_hire,
                })),
        )
        .await?;
        Ok(())
    })
}
