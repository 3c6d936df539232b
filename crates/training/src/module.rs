//! The training module as the application sees it: its descriptor, its section on the
//! person page, and how it follows a person merge.

use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::entity::{certificate, enrolment};
use sipe_persons::module::PersonSection;
use sipe_platform::access::Permission;
use sipe_platform::module::{Area, BoxFuture, Card, Contributions, Module, NavEntry, PersonMerge};

const fn nav(href: &'static str, label: &'static str, permission: Permission) -> NavEntry {
    NavEntry {
        area: Area::Training,
        href,
        label,
        permission,
    }
}

/// The training module.
pub const MODULE: Module = Module {
    routes: crate::routes,
    openapi: crate::openapi,
    nav: &[
        nav("/training/cohorts", "nav-cohorts", Permission::ViewTraining),
        nav("/training/courses", "nav-courses", Permission::ViewTraining),
        nav(
            "/training/institutions",
            "nav-institutions",
            Permission::ViewTraining,
        ),
        nav(
            "/training/certificates",
            "nav-certificates",
            Permission::ViewTraining,
        ),
    ],
    cards: &[Card {
        label: "dashboard-cohorts-enrolling",
        href: "/training/cohorts?state=enrolling",
        permission: Permission::ViewTraining,
        count: |state, _| {
            Box::pin(crate::cohorts::count_in_state(
                &state.db,
                crate::domain::CohortState::Enrolling,
            ))
        },
    }],
    timeline_kinds: &[
        "training.enrolled",
        "training.waitlisted",
        "training.promoted",
        "training.withdrawn",
        "training.completed",
        "training.not_completed",
        "training.certified",
        "training.revoked",
    ],
    person_merge: Some(merge_person),
    start: Some(|ctx| {
        ctx.extensions
            .insert(crate::web::certificates::VerifyLimiter::new(
                ctx.config.public_lookups_per_minute,
            ));
        Ok(())
    }),
    contribute,
    migrations: crate::migrations::all,
    messages: Some(&crate::MESSAGES),
    demo: crate::demo::STEPS,
    ..Module::new("training")
};

fn contribute(c: &mut Contributions) {
    let section: Arc<dyn PersonSection> = Arc::new(crate::web::person::TrainingSection);
    c.add(section);
}

/// Moves the merged person's enrolments and certificates to the kept person. When both
/// records were in the same cohort, one enrolment stands: the one holding a certificate,
/// else the kept record's; the other is deleted with its attendance, its row kept in the
/// audit. Both holding a certificate of one cohort stops the merge: one must be revoked
/// and the merge decided by a person.
fn merge_person<'a>(m: &'a PersonMerge<'a>) -> BoxFuture<'a, Result<(), sea_orm::DbErr>> {
    Box::pin(async move {
        let kept_rows = enrolment::Entity::find()
            .filter(enrolment::Column::PersonId.eq(m.kept))
            .all(m.tx)
            .await?;
        let gone_rows = enrolment::Entity::find()
            .filter(enrolment::Column::PersonId.eq(m.gone))
            .all(m.tx)
            .await?;
        let certified = |id: uuid::Uuid| async move {
            certificate::Entity::find()
                .filter(certificate::Column::EnrolmentId.eq(id))
                .count(m.tx)
                .await
                .map(|n| n > 0)
        };
        let mut dropped = Vec::new();
        for gone in &gone_rows {
            let Some(kept) = kept_rows.iter().find(|k| k.cohort_id == gone.cohort_id) else {
                continue;
            };
            let drop = match (certified(kept.id).await?, certified(gone.id).await?) {
                (true, true) => {
                    return Err(sea_orm::DbErr::Custom(
                        "both records hold a certificate of the same cohort".into(),
                    ));
                }
                (false, true) => kept,
                _ => gone,
            };
            dropped.push(serde_json::json!({
                "enrolment_id": drop.id, "cohort_id": drop.cohort_id, "state": drop.state,
                "person_id": drop.person_id,
            }));
            enrolment::Entity::delete_by_id(drop.id).exec(m.tx).await?;
        }
        let enrolments = m
            .repoint::<enrolment::Entity>(enrolment::Column::PersonId)
            .await?;
        let certificates = m
            .repoint::<certificate::Entity>(certificate::Column::PersonId)
            .await?;
        sipe_platform::audit::record(
            m.tx,
            m.ctx,
            sipe_platform::audit::Change::new("training.person_merge", "person", m.kept).after(
                serde_json::json!({
                    "merged": m.gone, "enrolments": enrolments,
                    "certificates": certificates, "duplicate_enrolments_dropped": dropped,
                }),
            ),
        )
        .await?;
        Ok(())
    })
}
