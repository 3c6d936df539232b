//! The module kit: the one value each feature module hands to the application.
//!
//! A module (persons, intermediation, and the platform's own areas) describes itself in a
//! [`Module`]: its routes, API document, navigation entries, dashboard cards, background
//! jobs, person-merge hook and what it contributes to other modules' extension points.
//! The application collects the modules into [`Modules`]; the platform reads only that
//! collection and never names a module's internals.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sea_orm::{DatabaseTransaction, DbErr};

use crate::access::{Access, Permission};
use crate::audit::AuditCtx;
use crate::jobs::Registry;
use crate::web::{AppState, Routes};

/// A boxed future borrowing its inputs.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An area of the navigation (the main menu groups entries by area, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// The person registry.
    Persons,
    /// Employers, vacancies, referrals.
    Intermediation,
    /// Vocational training.
    Training,
    /// Employment programmes.
    Programmes,
    /// Consultations and counters.
    Attention,
    /// Messages to people.
    Messaging,
    /// Records intake (Mesa de Entrada).
    Records,
    /// Planning and budgeting.
    Planning,
    /// Labour inspection.
    Inspection,
    /// Collective agreements.
    Agreements,
    /// The employment observatory.
    Observatory,
    /// Users, offices, vocabularies, audit, jobs.
    Administration,
}

impl Area {
    /// Catalogue key of the area's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Area::Persons => "area-persons",
            Area::Intermediation => "area-intermediation",
            Area::Training => "area-training",
            Area::Programmes => "area-programmes",
            Area::Attention => "area-attention",
            Area::Messaging => "area-messaging",
            Area::Records => "area-records",
            Area::Planning => "area-planning",
            Area::Inspection => "area-inspection",
            Area::Agreements => "area-agreements",
            Area::Observatory => "area-observatory",
            Area::Administration => "area-administration",
        }
    }
}

/// One entry of the navigation.
#[derive(Debug, Clone, Copy)]
pub struct NavEntry {
    /// Where it sits.
    pub area: Area,
    /// Link target.
    pub href: &'static str,
    /// Catalogue key of its text.
    pub label: &'static str,
    /// Who sees it.
    pub permission: Permission,
}

/// A search box in the header of every page (the registry's: DNI or name).
#[derive(Debug, Clone, Copy)]
pub struct HeaderSearch {
    /// Where the box sends `q`.
    pub action: &'static str,
    /// Catalogue key of its label (read by screen readers).
    pub label: &'static str,
    /// Catalogue key of its placeholder.
    pub placeholder: &'static str,
    /// Who sees it.
    pub permission: Permission,
}

/// Counts one dashboard number for a user (already allowed to see it).
pub type CountFn = for<'a> fn(&'a AppState, &'a Access) -> BoxFuture<'a, Result<u64, DbErr>>;

/// One number on the home dashboard.
#[derive(Clone, Copy)]
pub struct Card {
    /// Catalogue key of its label.
    pub label: &'static str,
    /// Where it leads.
    pub href: &'static str,
    /// Who sees it.
    pub permission: Permission,
    /// How it is counted (within the user's scope).
    pub count: CountFn,
}

/// What a person-merge hook is told: inside the merge's transaction, `gone` was merged
/// into `kept`.
pub struct PersonMerge<'a> {
    /// The merge's transaction: the hook's changes commit or roll back with it.
    pub tx: &'a DatabaseTransaction,
    /// Who merges (for audit rows).
    pub ctx: &'a AuditCtx,
    /// The surviving person.
    pub kept: crate::ids::PersonId,
    /// The person merged away.
    pub gone: crate::ids::PersonId,
}

impl PersonMerge<'_> {
    /// Re-points every row of `E` whose `column` holds the merged person to the kept
    /// one, in the merge's transaction; returns how many rows moved.
    pub async fn repoint<E: sea_orm::EntityTrait>(&self, column: E::Column) -> Result<u64, DbErr> {
        use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
        Ok(E::update_many()
            .col_expr(column, Expr::value(self.kept))
            .filter(column.eq(self.gone))
            .exec(self.tx)
            .await?
            .rows_affected)
    }
}

/// Re-points a module's rows from the merged person to the surviving one.
pub type MergeHook = for<'a> fn(&'a PersonMerge<'a>) -> BoxFuture<'a, Result<(), DbErr>>;

/// Starts a module's per-application state (stored in the application's extensions).
pub type StartFn = fn(&mut StartCtx<'_>) -> anyhow::Result<()>;

/// A long-running task of a module (a follower, a scheduler), stopped by `shutdown`.
pub type TaskFn = fn(AppState, tokio::sync::watch::Receiver<bool>) -> BoxFuture<'static, ()>;

/// What a module's start step reaches.
pub struct StartCtx<'a> {
    /// The validated configuration.
    pub config: &'a crate::config::Config,
    /// What the modules contributed to each other's extension points.
    pub contributions: &'a Contributions,
    /// Per-application state of the modules.
    pub extensions: &'a mut Extensions,
}

/// When a demo step runs: every step of a stage after every step of the stages before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DemoStage {
    /// Employers, institutions: what people are later tied to.
    Partners,
    /// The people themselves.
    People,
    /// What people's records hold (work history, skills).
    Profiles,
    /// Activity between them (referrals, enrolments).
    Activity,
}

/// What a demo step reaches.
pub struct DemoCtx<'a> {
    /// The database.
    pub db: &'a crate::db::Db,
    /// The configuration (data folder, time zone).
    pub config: &'a crate::config::Config,
    /// How many people the demo asked for.
    pub persons: u64,
}

/// The demo password of a demo user (every module's demo users follow it).
pub fn demo_password(username: &str) -> String {
    format!("sipe-demo-{username}")
}

/// Seeds a module's demo data through its ordinary use cases; returns a line saying what
/// it added. A step that stopped half-way must complete (not duplicate) on the next run.
pub type DemoFn = for<'a> fn(&'a DemoCtx<'a>) -> BoxFuture<'a, anyhow::Result<String>>;

/// One step of `sipe demo`, recorded once complete.
pub struct DemoStep {
    /// Unique name (recorded in the settings once done).
    pub name: &'static str,
    /// When it runs.
    pub stage: DemoStage,
    /// What it does.
    pub run: DemoFn,
}

/// A feature module, as the application sees it.
pub struct Module {
    /// Short identifier (`persons`).
    pub name: &'static str,
    /// Its web and API routes, each with its guard.
    pub routes: fn() -> Routes,
    /// Its part of the OpenAPI document.
    pub openapi: fn() -> utoipa::openapi::OpenApi,
    /// Its navigation entries.
    pub nav: &'static [NavEntry],
    /// Its numbers on the home dashboard.
    pub cards: &'static [Card],
    /// Registers its background job handlers.
    pub jobs: fn(Registry) -> Registry,
    /// Kinds of the timeline events it writes.
    pub timeline_kinds: &'static [&'static str],
    /// Moves its rows when two people are merged (every module that stores a person id
    /// has one; a test finds such tables from the schema).
    pub person_merge: Option<MergeHook>,
    /// Adds to other modules' extension points.
    pub contribute: fn(&mut Contributions),
    /// Builds its per-application state.
    pub start: Option<StartFn>,
    /// Its long-running tasks.
    pub tasks: &'static [TaskFn],
    /// Its migrations (the application orders every module's by name).
    pub migrations: fn() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>>,
    /// Its UI texts (keys it uses that the platform's catalogue does not define).
    pub messages: Option<&'static crate::i18n::Messages>,
    /// Its steps of `sipe demo`.
    pub demo: &'static [DemoStep],
    /// Its search box in the header of every page, if it has one.
    pub header_search: Option<HeaderSearch>,
}

fn no_routes() -> Routes {
    Routes::new()
}

fn no_openapi() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApiBuilder::new().build()
}

fn no_jobs(r: Registry) -> Registry {
    r
}

fn no_contributions(_: &mut Contributions) {}

fn no_migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
    Vec::new()
}

impl Module {
    /// A module that adds nothing yet (fill the fields it has with struct update syntax).
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            routes: no_routes,
            openapi: no_openapi,
            nav: &[],
            cards: &[],
            jobs: no_jobs,
            timeline_kinds: &[],
            person_merge: None,
            contribute: no_contributions,
            start: None,
            tasks: &[],
            migrations: no_migrations,
            messages: None,
            demo: &[],
            header_search: None,
        }
    }
}

/// Values modules hand to each other's extension points, by type: a module defines the
/// type in its facade (a trait object, say) and reads every value of it; other modules
/// add values in their `contribute`.
#[derive(Default)]
pub struct Contributions {
    by_type: HashMap<TypeId, Vec<Box<dyn Any + Send + Sync>>>,
}

impl Contributions {
    /// Adds a value.
    pub fn add<T: Any + Send + Sync>(&mut self, value: T) {
        self.by_type
            .entry(TypeId::of::<T>())
            .or_default()
            .push(Box::new(value));
    }

    /// Every value of a type, in module order.
    pub fn all<T: Any + Send + Sync>(&self) -> impl Iterator<Item = &T> {
        self.by_type
            .get(&TypeId::of::<T>())
            .into_iter()
            .flatten()
            .filter_map(|v| v.downcast_ref::<T>())
    }
}

/// Per-application state of the modules, one value per type (a search index, a cache).
/// Two applications in one process (the tests) each have their own.
#[derive(Default)]
pub struct Extensions {
    by_type: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl Extensions {
    /// Stores a value (replacing one of the same type).
    pub fn insert<T: Any + Send + Sync>(&mut self, value: T) {
        self.by_type.insert(TypeId::of::<T>(), Arc::new(value));
    }

    /// The value of a type.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.by_type.get(&TypeId::of::<T>())?.downcast_ref::<T>()
    }

    /// The value of a type, shared.
    pub fn get_arc<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        Arc::clone(self.by_type.get(&TypeId::of::<T>())?)
            .downcast::<T>()
            .ok()
    }
}

/// The modules of an application, collected once at start.
pub struct Modules {
    list: Vec<&'static Module>,
    contributions: Contributions,
    /// The navigation, sorted once (every page reads it).
    nav: Vec<&'static NavEntry>,
}

impl Modules {
    /// Collects the modules (in navigation order) and their contributions.
    pub fn new(list: Vec<&'static Module>) -> Self {
        let mut contributions = Contributions::default();
        for m in &list {
            (m.contribute)(&mut contributions);
            if let Some(messages) = m.messages {
                crate::i18n::register(messages);
            }
        }
        let mut nav: Vec<&'static NavEntry> = list.iter().flat_map(|m| m.nav).collect();
        nav.sort_by_key(|e| e.area);
        Self {
            list,
            contributions,
            nav,
        }
    }

    /// The modules.
    pub fn iter(&self) -> impl Iterator<Item = &'static Module> + '_ {
        self.list.iter().copied()
    }

    /// What they contributed to each other.
    pub fn contributions(&self) -> &Contributions {
        &self.contributions
    }

    /// Every navigation entry, grouped by area in [`Area`] order (stable within one).
    pub fn nav(&self) -> &[&'static NavEntry] {
        &self.nav
    }

    /// Every dashboard card, in module order.
    pub fn cards(&self) -> impl Iterator<Item = &'static Card> + '_ {
        self.iter().flat_map(|m| m.cards)
    }

    /// The header search boxes, in module order.
    pub fn header_searches(&self) -> impl Iterator<Item = &'static HeaderSearch> + '_ {
        self.iter().filter_map(|m| m.header_search.as_ref())
    }

    /// Every person-merge hook.
    pub fn merge_hooks(&self) -> Vec<MergeHook> {
        self.iter().filter_map(|m| m.person_merge).collect()
    }

    /// Every route.
    pub fn routes(&self) -> Routes {
        self.iter()
            .fold(Routes::new(), |all, m| all.merge((m.routes)()))
    }

    /// Every demo step, by stage (in module order within one).
    pub fn demo_steps(&self) -> Vec<&'static DemoStep> {
        let mut steps: Vec<&'static DemoStep> = self.iter().flat_map(|m| m.demo).collect();
        steps.sort_by_key(|s| s.stage);
        steps
    }

    /// Every job handler.
    pub fn jobs(&self, registry: Registry) -> Registry {
        self.iter().fold(registry, |r, m| (m.jobs)(r))
    }

    /// Every migration: the platform's and the modules', in name order.
    pub fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        let mut all = crate::db::migrations::platform();
        for m in self.iter() {
            all.extend((m.migrations)());
        }
        all.sort_by(|a, b| a.name().cmp(b.name()));
        all
    }

    /// Every timeline event kind, with the module that writes it.
    pub fn timeline_kinds(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.iter()
            .flat_map(|m| m.timeline_kinds.iter().map(move |k| (m.name, *k)))
    }
}

/// Runs every merge hook in the merge's transaction.
pub async fn run_merge_hooks(hooks: &[MergeHook], merge: &PersonMerge<'_>) -> Result<(), DbErr> {
    for hook in hooks {
        hook(merge).await?;
    }
    Ok(())
}
