//! The persons module as the application sees it: its descriptor, its per-application
//! state (the people index) and its background tasks.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::search::{IndexExtension, PersonIndex, SearchError};
use sipe_platform::access::Permission;
use sipe_platform::jobs::{self, Registry};
use sipe_platform::module::{Area, BoxFuture, Card, HeaderSearch, Module, NavEntry, StartCtx};
use sipe_platform::web::AppState;

/// The persons module.
pub const MODULE: Module = Module {
    routes: crate::routes,
    openapi: crate::openapi,
    nav: &[
        NavEntry {
            area: Area::Persons,
            href: "/persons",
            label: "nav-persons",
            permission: Permission::ViewPersons,
        },
        NavEntry {
            area: Area::Persons,
            href: "/persons/duplicates",
            label: "nav-duplicates",
            permission: Permission::CoordinatePersons,
        },
        NavEntry {
            area: Area::Persons,
            href: "/occupations/uncoded",
            label: "nav-uncoded",
            permission: Permission::CoordinatePersons,
        },
        NavEntry {
            area: Area::Administration,
            href: "/admin/imports",
            label: "nav-imports",
            permission: Permission::ImportPersons,
        },
    ],
    cards: &[
        Card {
            label: "dashboard-persons",
            href: "/persons",
            permission: Permission::ViewPersons,
            count: count_persons,
        },
        Card {
            label: "dashboard-persons-week",
            href: "/persons?sort=updated_at&dir=desc",
            permission: Permission::EditPersons,
            count: count_registered_this_week,
        },
        Card {
            label: "dashboard-duplicates",
            href: "/persons/duplicates",
            permission: Permission::CoordinatePersons,
            count: count_duplicates,
        },
    ],
    jobs,
    timeline_kinds: crate::timeline::KINDS,
    start: Some(start),
    tasks: &[follow_task, schedule_task],
    migrations: crate::migrations::all,
    messages: Some(&crate::MESSAGES),
    demo: crate::demo::STEPS,
    header_search: Some(HeaderSearch {
        action: "/persons",
        label: "header-search-label",
        placeholder: "header-search-placeholder",
        permission: Permission::ViewPersons,
    }),
    ..Module::new("persons")
};

/// A part another module adds to a person's page (intermediation adds the job search),
/// contributed as `Arc<dyn PersonSection>` through the module kit.
pub trait PersonSection: Send + Sync {
    /// The section's HTML (escaped by its own template), or `None` to show nothing. The
    /// caller may view the person; `can_edit` says whether they may change them.
    fn render<'a>(
        &'a self,
        state: &'a AppState,
        ctx: &'a sipe_platform::web::PageCtx,
        person: &'a PersonFacts<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, sipe_platform::web::WebError>>;
}

/// What a person-page section is told about the person and the reader.
pub struct PersonFacts<'a> {
    /// Who reads the page (a section checks its own module's permission).
    pub access: &'a sipe_platform::access::Access,
    /// The person.
    pub id: uuid::Uuid,
    /// Their employment status.
    pub employment_status: Option<String>,
    /// May the caller change them?
    pub can_edit: bool,
}

/// The sections the modules add to a person's page, rendered in module order.
pub async fn person_sections(
    state: &AppState,
    ctx: &sipe_platform::web::PageCtx,
    person: &PersonFacts<'_>,
) -> Result<Vec<String>, sipe_platform::web::WebError> {
    let mut out = Vec::new();
    for section in state
        .modules
        .contributions()
        .all::<Arc<dyn PersonSection>>()
    {
        if let Some(html) = section.render(state, ctx, person).await? {
            out.push(html);
        }
    }
    Ok(out)
}

/// Folder of this node's people index in the data dir.
pub fn index_dir(config: &sipe_platform::config::Config) -> std::path::PathBuf {
    config
        .data_dir
        .join("index")
        .join(crate::search::PERSONS_INDEX_DIR)
}

/// The index extensions the modules contributed.
pub fn index_extensions(
    contributions: &sipe_platform::module::Contributions,
) -> crate::search::Extensions {
    contributions
        .all::<Arc<dyn IndexExtension>>()
        .cloned()
        .collect()
}

/// The application's people index.
pub fn index(state: &AppState) -> Result<&Arc<PersonIndex>, SearchError> {
    state
        .extensions
        .get::<Arc<PersonIndex>>()
        .ok_or(SearchError::NotStarted)
}

/// Opens this node's people index, with the fields the modules add, for writing
/// (`sipe reindex`, imports) or for reading only (`sipe check`, while a server runs).
pub fn open_index(
    config: &sipe_platform::config::Config,
    modules: &sipe_platform::module::Modules,
    write: bool,
) -> Result<PersonIndex, SearchError> {
    let extensions = index_extensions(modules.contributions());
    if write {
        PersonIndex::open(&index_dir(config), extensions)
    } else {
        PersonIndex::open_read_only(&index_dir(config), extensions)
    }
}

fn start(ctx: &mut StartCtx<'_>) -> anyhow::Result<()> {
    let index = PersonIndex::open(&index_dir(ctx.config), index_extensions(ctx.contributions))?;
    ctx.extensions.insert(Arc::new(index));
    Ok(())
}

fn jobs(r: Registry) -> Registry {
    r.register(
        crate::import::handlers::IMPORT_JOB,
        |db, payload| async move { crate::import::handlers::run_job(&db, &payload).await },
    )
    .register(
        crate::duplicates::handlers::SCAN_JOB,
        |db, _payload| async move {
            let open = crate::duplicates::scan(&db).await?;
            tracing::info!(duplicates.open = open, "duplicates scan finished");
            Ok(())
        },
    )
}

fn count_persons<'a>(
    state: &'a AppState,
    access: &'a sipe_platform::access::Access,
) -> BoxFuture<'a, Result<u64, sea_orm::DbErr>> {
    Box::pin(crate::store::count_in_scope(&state.db, access))
}

fn count_registered_this_week<'a>(
    state: &'a AppState,
    access: &'a sipe_platform::access::Access,
) -> BoxFuture<'a, Result<u64, sea_orm::DbErr>> {
    let since = chrono::Utc::now() - chrono::Duration::days(7);
    Box::pin(crate::store::count_registered_since(
        &state.db, access, since,
    ))
}

fn count_duplicates<'a>(
    state: &'a AppState,
    access: &'a sipe_platform::access::Access,
) -> BoxFuture<'a, Result<u64, sea_orm::DbErr>> {
    Box::pin(crate::duplicates::count_open(&state.db, access))
}

fn follow_task(state: AppState, shutdown: watch::Receiver<bool>) -> BoxFuture<'static, ()> {
    Box::pin(follow_persons(state, shutdown))
}

fn schedule_task(state: AppState, shutdown: watch::Receiver<bool>) -> BoxFuture<'static, ()> {
    Box::pin(schedule_scan(state, shutdown))
}

/// Keeps this node's search index following the database (see `search::indexer`):
/// first brings it up to the database as it is at start (rebuilding an index of another
/// database or one ahead of a restored one) and marks the node ready, then follows.
async fn follow_persons(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let index = match crate::index(&state) {
        Ok(index) => index.clone(),
        Err(e) => {
            tracing::error!(error = %e, "no people index to follow");
            return;
        }
    };
    loop {
        match crate::search::indexer::prepare(&state.db, &index).await {
            Ok(rebuilt) => {
                if let Some(reason) = rebuilt {
                    tracing::warn!(reason = ?reason, "search index rebuilt from the database at start");
                }
                state
                    .ready
                    .store(true, std::sync::atomic::Ordering::Release);
                tracing::info!("search index caught up: ready");
                break;
            }
            Err(e) => tracing::warn!(error = format!("{e:#}"), "preparing the search index"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
    let mut tick: u64 = 1;
    loop {
        // Once a minute (and at start) re-read a few seconds back, for lagging clocks.
        let overlap = tick.is_multiple_of(60);
        tick += 1;
        if let Err(e) = crate::search::indexer::sync(&state.db, &index, overlap).await {
            tracing::warn!(error = format!("{e:#}"), "search index sync");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => break,
        }
    }
}

/// Enqueues tonight's duplicates scan (on nodes that run jobs).
async fn schedule_scan(state: AppState, mut shutdown: watch::Receiver<bool>) {
    if !state.config.worker_enabled {
        return;
    }
    let db = &state.db;
    loop {
        let scan = crate::duplicates::handlers::SCAN_JOB;
        if let Some(key) = nightly_scan_key(chrono::Utc::now())
            && !jobs::store::is_active(db, scan).await.unwrap_or(true)
            && let Err(e) = jobs::store::enqueue(
                db,
                crate::duplicates::handlers::SCAN_JOB,
                &serde_json::json!({}),
                Some(key),
            )
            .await
        {
            tracing::warn!(error = %e, "scheduling the duplicates scan");
        }

        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(300)) => {}
            _ = shutdown.changed() => break,
        }
    }
}

/// The job key of tonight's duplicates scan, if `now` is in the night window: between
/// 02:00 and 06:00 UTC (23:00–03:00 in Argentina). A node started during the day does not
/// scan the whole registry while people work; the key makes it once per night whatever
/// the number of nodes.
fn nightly_scan_key(now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    (2..6)
        .contains(&chrono::Timelike::hour(&now))
        .then(|| format!("persons.duplicates_scan:nightly:{}", now.format("%Y%m%d")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duplicates_scan_runs_only_at_night() {
        let at = |h: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
                .unwrap()
                .and_hms_opt(h, 30, 0)
                .unwrap()
                .and_utc()
        };
        assert_eq!(nightly_scan_key(at(1)), None);
        assert_eq!(
            nightly_scan_key(at(2)).as_deref(),
            Some("persons.duplicates_scan:nightly:20261122")
        );
        assert_eq!(nightly_scan_key(at(5)), nightly_scan_key(at(2)));
        assert_eq!(nightly_scan_key(at(6)), None);
        assert_eq!(nightly_scan_key(at(14)), None);
    }
}
