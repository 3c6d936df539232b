//! Background work: a job/outbox table in the database, drained by a worker loop inside
//! the server process. A use case inserts its job in its own transaction (outbox), so the
//! job exists exactly when the change committed. Handlers must be idempotent: a job may
//! run again after a crash. Failures retry with exponential backoff up to `max_attempts`.

pub mod entity;
pub mod handlers;
pub mod store;
pub mod worker;

pub use worker::{Handler, Registry, Worker};

use crate::access::Permission;
use crate::web::{Guard, Routes};

/// Routes of the module.
pub fn routes() -> Routes {
    Routes::new()
        .get(
            "/admin/jobs",
            Guard::Web(Permission::ManageJobs),
            handlers::list_jobs,
        )
        .post(
            "/admin/jobs/{job_id}/retry",
            Guard::Web(Permission::ManageJobs),
            handlers::retry_job,
        )
}

/// Background jobs, as the application sees them.
pub const MODULE: crate::module::Module = crate::module::Module {
    routes,
    nav: &[crate::module::NavEntry {
        area: crate::module::Area::Administration,
        href: "/admin/jobs",
        label: "nav-jobs",
        permission: Permission::ManageJobs,
    }],
    cards: &[crate::module::Card {
        label: "dashboard-jobs-failed",
        href: "/admin/jobs?status=failed",
        permission: Permission::ManageJobs,
        count: |state, _| Box::pin(store::count_by_status(&state.db, "failed")),
    }],
    ..crate::module::Module::new("jobs")
};
