//! The training module as the application sees it: its descriptor, its section on the
//! person page, and how it follows a person merge.

use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::{certificate, enrolment};
use sipe_intermediation::matching::handlers::SkillCourses;
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
        nav("/training/paths", "nav-paths", Permission::ViewTraining),
        nav(
            "/training/standards",
            "nav-standards",
            Permission::ViewTraining,
        ),
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
        nav(
            "/indicators/training",
            "nav-training-indicators",
            Permission::ViewTraining,
        ),
    ],
    cards: &[Card {
        label: "dashboard-cohorts-enrolling",
        href: "/training/cohorts?state=enrolling",
        permission: Permission::ViewTraining,
        count: |state, access| {
            Box::pin(crate::cohorts::count_in_state(
                &state.db,
                access,
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
        "training.path_completed",
    ],
    person_merge: Some(merge_person),
    tasks: &[moodle_task],
    start: Some(|ctx| {
        ctx.extensions
            .insert(crate::web::certificates::VerifyLimiter::new(
                ctx.config.public_lookups_per_minute,
            ));
        ctx.extensions
            .insert(crate::web::certificates::PrintPermits::default());
        ctx.extensions
            .insert(crate::web::certificates::VerifyCache::default());
        // The process's TLS provider for outgoing HTTPS (Moodle); once per process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let secret = crate::credentials::secret(ctx.config)?;
        ctx.extensions.insert(crate::credentials::Keys::new(
            crate::credentials::Sealer::new(&secret)?,
        ));
        if let Some(url) = &ctx.config.moodle_url {
            let token = ctx.config.moodle_token()?.ok_or_else(|| {
                anyhow::anyhow!("moodle_url is set but neither moodle_token nor moodle_token_file")
            })?;
            ctx.extensions
                .insert(crate::moodle::Moodle(crate::moodle::Client::new(
                    url,
                    token.expose(),
                )?));
        }
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
    let courses: Arc<dyn SkillCourses> = Arc::new(OpenCourses);
    c.add(courses);
    let institutions: Arc<dyn sipe_platform::access::Affiliations> = Arc::new(Institutions);
    c.add(institutions);
    let enrolled: Arc<dyn sipe_messaging::audiences::AudienceSource> =
        Arc::new(crate::audience::Enrolled);
    c.add(enrolled);
}

/// Training institutions, whose staff are users affiliated with them.
struct Institutions;

impl sipe_platform::access::Affiliations for Institutions {
    fn choices<'a>(
        &'a self,
        state: &'a sipe_platform::web::AppState,
    ) -> BoxFuture<'a, Result<Vec<(uuid::Uuid, String)>, sea_orm::DbErr>> {
        Box::pin(crate::institutions::active_names(&state.db))
    }
}

/// The skills an open cohort teaches, for the candidates page's gap links.
struct OpenCourses;

impl SkillCourses for OpenCourses {
    fn taught<'a>(
        &'a self,
        state: &'a sipe_platform::web::AppState,
        skills: &'a [String],
    ) -> BoxFuture<'a, Result<std::collections::HashSet<String>, sea_orm::DbErr>> {
        Box::pin(crate::courses::taught_in_open_cohorts(&state.db, skills))
    }
}

/// How much an enrolment is worth keeping when both records of a person are in one
/// cohort: a valid certificate, any certificate, then how far it got.
fn worth(state: &str) -> u8 {
    match state {
        "completed" => 5,
        "enrolled" => 4,
        "waitlisted" => 3,
        "not_completed" => 2,
        _ => 1,
    }
}

/// Moves the merged person's enrolments and certificates to the kept person. When both
/// records were in the same cohort, the enrolment worth more stands (a valid certificate,
/// then any certificate, then how far it got) and the other is deleted with its
/// attendance, its row kept in the audit; a place it held goes to the first waiting.
/// Both holding a certificate of one cohort stops the merge with a reason. The kept
/// person's valid certificates certify their skills again (the persons merge may have
/// folded a certified skill into a declared one).
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
        let certificates_of = |id: uuid::Uuid| async move {
            let rows = certificate::Entity::find()
                .filter(certificate::Column::EnrolmentId.eq(id))
                .all(m.tx)
                .await?;
            Ok::<_, sea_orm::DbErr>((
                rows.iter().any(|c| c.status == crate::certificates::VALID),
                !rows.is_empty(),
            ))
        };
        let failed = |e: crate::error::TrainingError| sea_orm::DbErr::Custom(e.to_string());
        let mut dropped = Vec::new();
        for gone in &gone_rows {
            let Some(kept) = kept_rows.iter().find(|k| k.cohort_id == gone.cohort_id) else {
                continue;
            };
            let (kv, ka) = certificates_of(kept.id).await?;
            let (gv, ga) = certificates_of(gone.id).await?;
            if ka && ga {
                return Err(sea_orm::DbErr::Custom(
                    "both records hold a certificate of the same cohort".into(),
                ));
            }
            let keep_gone = (gv, ga, worth(&gone.state)) > (kv, ka, worth(&kept.state));
            let drop = if keep_gone { kept } else { gone };
            dropped.push(serde_json::json!({
                "enrolment_id": drop.id, "cohort_id": drop.cohort_id, "state": drop.state,
                "person_id": drop.person_id,
            }));
            enrolment::Entity::delete_by_id(drop.id).exec(m.tx).await?;
            if drop.state == "enrolled"
                && let Some(c) = crate::cohorts::lock(m.tx, drop.cohort_id).await?
            {
                crate::enrolment::promote(m.tx, m.ctx, &c).await?;
            }
        }
        let enrolments = m
            .repoint::<enrolment::Entity>(enrolment::Column::PersonId)
            .await?;
        let certificates = m
            .repoint::<certificate::Entity>(certificate::Column::PersonId)
            .await?;
        crate::certificates::recertify(m.tx, m.ctx, m.kept)
            .await
            .map_err(failed)?;
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

fn moodle_task(
    state: sipe_platform::web::AppState,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> BoxFuture<'static, ()> {
    Box::pin(moodle_loop(state, shutdown))
}

/// Syncs the virtual cohorts with Moodle every `moodle_sync_minutes`, on nodes that run
/// background work, when a Moodle is configured.
async fn moodle_loop(
    state: sipe_platform::web::AppState,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    if !state.config.worker_enabled {
        return;
    }
    let Some(client) = state
        .extensions
        .get::<crate::moodle::Moodle>()
        .map(|m| m.0.clone())
    else {
        return;
    };
    let every = std::time::Duration::from_secs(state.config.moodle_sync_minutes * 60);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => break,
        }
        if let Err(e) = crate::moodle::sync_all(&state.db, &client).await {
            tracing::warn!(error = %e, "Moodle sync round failed");
        }
    }
}
