//! The programmes module as the application sees it: its descriptor, its section on the
//! person page, and how it follows a person merge.

use std::sync::Arc;

use sea_orm::EntityTrait;

use crate::entity::{application, bank_account, compliance_review, payment_line};
use sipe_persons::module::PersonSection;
use sipe_platform::access::Permission;
use sipe_platform::jobs::Registry;
use sipe_platform::module::{Area, BoxFuture, Card, Contributions, Module, NavEntry, PersonMerge};
use sipe_platform::web::AppState;

/// The programmes module.
pub const MODULE: Module = Module {
    routes: crate::routes,
    openapi: crate::openapi,
    nav: &[
        NavEntry {
            area: Area::Programmes,
            href: "/programmes",
            label: "nav-programmes",
            permission: Permission::ViewProgrammes,
        },
        NavEntry {
            area: Area::Programmes,
            href: "/programmes/indicators",
            label: "nav-programme-indicators",
            permission: Permission::ViewProgrammes,
        },
        NavEntry {
            area: Area::Programmes,
            href: "/programmes/national",
            label: "nav-national",
            permission: Permission::ViewProgrammes,
        },
    ],
    cards: &[Card {
        label: "dashboard-compliance-open",
        href: "/programmes/compliance",
        permission: Permission::EditProgrammes,
        count: count_compliance,
    }],
    jobs,
    tasks: &[compliance_task],
    timeline_kinds: &[
        "programmes.bank_account",
        "programmes.application",
        "programmes.document",
        "programmes.placement",
    ],
    person_merge: Some(merge_person),
    contribute,
    migrations: crate::migrations::all,
    messages: Some(&crate::MESSAGES),
    demo: crate::demo::STEPS,
    ..Module::new("programmes")
};

fn jobs(r: Registry) -> Registry {
    r.register(
        crate::compliance::scan::SCAN_JOB,
        |db, payload| async move { crate::compliance::scan::run_job(&db, &payload).await },
    )
    .register(crate::web::national::IMPORT_JOB, |db, payload| async move {
        crate::web::national::run_job(&db, &payload).await
    })
}

fn compliance_task(
    state: AppState,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> BoxFuture<'static, ()> {
    Box::pin(crate::compliance::scan::schedule(state, shutdown))
}

fn count_compliance<'a>(
    state: &'a AppState,
    access: &'a sipe_platform::access::Access,
) -> BoxFuture<'a, Result<u64, sea_orm::DbErr>> {
    Box::pin(crate::compliance::store::count_open(&state.db, access))
}

fn contribute(c: &mut Contributions) {
    let section: Arc<dyn PersonSection> = Arc::new(crate::web::ProgrammesSection);
    c.add(section);
    let beneficiaries: Arc<dyn sipe_messaging::audiences::AudienceSource> =
        Arc::new(crate::audience::Beneficiaries);
    c.add(beneficiaries);
}

/// The kept person keeps their account; without one, they take the merged person's.
/// Applications and payment lines all go to the kept person.
fn merge_person<'a>(m: &'a PersonMerge<'a>) -> BoxFuture<'a, Result<(), sea_orm::DbErr>> {
    Box::pin(async move {
        let applications = m
            .repoint::<application::Entity>(application::Column::PersonId)
            .await?
            + m.repoint::<payment_line::Entity>(payment_line::Column::PersonId)
                .await?
            + m.repoint::<compliance_review::Entity>(compliance_review::Column::PersonId)
                .await?;
        let kept = bank_account::Entity::find_by_id(m.kept).one(m.tx).await?;
        let gone = bank_account::Entity::find_by_id(m.gone).one(m.tx).await?;
        let moved = match (kept, gone) {
            (None, Some(_)) => {
                m.repoint::<bank_account::Entity>(bank_account::Column::PersonId)
                    .await?
            }
            (Some(_), Some(g)) => {
                bank_account::Entity::delete_by_id(g.person_id)
                    .exec(m.tx)
                    .await?;
                0
            }
            _ if applications == 0 => return Ok(()),
            _ => 0,
        };
        sipe_platform::audit::record(
            m.tx,
            m.ctx,
            sipe_platform::audit::Change::new("programmes.person_merge", "person", m.kept).after(
                serde_json::json!({
                    "merged": m.gone, "bank_account_moved": moved == 1,
                    "applications_and_payments_moved": applications,
                }),
            ),
        )
        .await?;
        Ok(())
    })
}
