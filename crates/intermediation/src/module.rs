//! The intermediation module as the application sees it: its descriptor, what it adds to
//! the people index, and how it follows a person merge.

use std::sync::Arc;

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::referrals::entity::{placement, referral};
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
            href: "/vacancies",
            permission: VIEW,
            count: count_open_vacancies,
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
    contribute,
    migrations: crate::migrations::all,
    ..Module::new("intermediation")
};

fn contribute(c: &mut Contributions) {
    let matching: Arc<dyn IndexExtension> = Arc::new(super::matching::index::MatchingFields);
    c.add(matching);
    let job_search: Arc<dyn PersonSection> = Arc::new(JobSearchSection);
    c.add(job_search);
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
        person: &'a PersonFacts,
    ) -> BoxFuture<'a, Result<Option<String>, sipe_platform::web::WebError>> {
        Box::pin(async move {
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

fn count_follow_ups_due<'a>(
    state: &'a AppState,
    access: &'a sipe_platform::access::Access,
) -> BoxFuture<'a, Result<u64, sea_orm::DbErr>> {
    Box::pin(super::referrals::follow_ups::count_due_in_scope(
        &state.db, access,
    ))
}

/// Moves the merged person's referrals, placements and job search to the kept person.
/// Both job searches: the kept one stays, looking if either was, placed at the later date.
fn merge_person<'a>(m: &'a PersonMerge<'a>) -> BoxFuture<'a, Result<(), sea_orm::DbErr>> {
    Box::pin(async move {
        let referrals = referral::Entity::update_many()
            .col_expr(referral::Column::PersonId, Expr::value(m.kept))
            .filter(referral::Column::PersonId.eq(m.gone))
            .exec(m.tx)
            .await?
            .rows_affected;
        let placements = placement::Entity::update_many()
            .col_expr(placement::Column::PersonId, Expr::value(m.kept))
            .filter(placement::Column::PersonId.eq(m.gone))
            .exec(m.tx)
            .await?
            .rows_affected;
        let gone_search = job_seeker::Entity::find_by_id(m.gone).one(m.tx).await?;
        let kept_search = job_seeker::Entity::find_by_id(m.kept).one(m.tx).await?;
        let job_search = match (gone_search, kept_search) {
            (None, _) => "none",
            (Some(gone), None) => {
                // The primary key is the person: insert the kept copy, drop the old one.
                let mut moved = gone.clone().into_active_model();
                moved.person_id = Set(m.kept);
                job_seeker::Entity::delete_by_id(m.gone).exec(m.tx).await?;
                moved.insert(m.tx).await?;
                "moved"
            }
            (Some(gone), Some(kept)) => {
                let mut a = kept.clone().into_active_model();
                if gone.actively_looking && !kept.actively_looking {
                    a.actively_looking = Set(true);
                    a.looking_since = Set(gone.looking_since);
                }
                if gone.placed_at > kept.placed_at {
                    a.placed_at = Set(gone.placed_at);
                }
                a.updated_at = Set(chrono::Utc::now());
                a.update(m.tx).await?;
                job_seeker::Entity::delete_by_id(m.gone).exec(m.tx).await?;
                "combined"
            }
        };
        sipe_platform::audit::record(
            m.tx,
            m.ctx,
            sipe_platform::audit::Change::new("intermediation.person_merge", "person", m.kept)
                .after(serde_json::json!({
                    "merged": m.gone,
                    "referrals": referrals,
                    "placements": placements,
                    "job_search": job_search,
                })),
        )
        .await?;
        Ok(())
    })
}
