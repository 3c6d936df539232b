//! Territories (country → province → department, by INDEC codes) and offices (employment
//! offices, central areas, training centres) arranged in a hierarchy.
//!
//! Invariants: an office's `path` is its parent's path plus its own id, so "this office
//! and everything below it" is a prefix match; every office query goes through an
//! `Access` and never returns an office outside the caller's view scope.

pub mod api;
pub mod domain;
pub mod entity;
pub mod handlers;
pub mod reference;
pub mod service;
pub mod store;
pub mod views;

use crate::access::Permission;
use crate::web::{Guard, Routes};

/// Routes of the module.
pub fn routes() -> Routes {
    use handlers::*;
    let view = Guard::Web(Permission::ViewOffices);
    let manage = Guard::Web(Permission::ManageOffices);
    let terr = Guard::Web(Permission::ViewTerritories);
    Routes::new()
        .get("/offices", view, list_offices)
        .get("/offices/new", manage, new_office)
        .post("/offices", manage, create_office)
        .get("/offices/{id}", view, show_office)
        .get("/offices/{id}/edit", manage, edit_office)
        .post("/offices/{id}", manage, update_office)
        .post("/offices/{id}/active", manage, set_office_active)
        .get("/territories", terr, list_territories)
        .get("/territories/{code}", terr, show_territory)
        .get(
            "/api/v1/offices",
            Guard::Api(Permission::ViewOffices),
            api::list_offices,
        )
        .post(
            "/api/v1/offices",
            Guard::Api(Permission::ManageOffices),
            api::create_office,
        )
        .get(
            "/api/v1/offices/{id}",
            Guard::Api(Permission::ViewOffices),
            api::show_office,
        )
        .patch(
            "/api/v1/offices/{id}",
            Guard::Api(Permission::ManageOffices),
            api::update_office,
        )
        .get(
            "/api/v1/territories",
            Guard::Api(Permission::ViewTerritories),
            api::list_territories,
        )
        .get(
            "/api/v1/territories/{code}",
            Guard::Api(Permission::ViewTerritories),
            api::show_territory,
        )
}

/// The module's part of the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::list_offices,
    api::show_office,
    api::create_office,
    api::update_office,
    api::list_territories,
    api::show_territory,
))]
struct ApiDoc;

/// The module's paths and schemas of the API document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

/// Offices and territories, as the application sees them.
pub const MODULE: crate::module::Module = crate::module::Module {
    routes,
    openapi,
    nav: &[
        crate::module::NavEntry {
            area: crate::module::Area::Administration,
            href: "/offices",
            label: "nav-offices",
            permission: Permission::ViewOffices,
        },
        crate::module::NavEntry {
            area: crate::module::Area::Administration,
            href: "/territories",
            label: "nav-territories",
            permission: Permission::ViewTerritories,
        },
    ],
    cards: &[crate::module::Card {
        label: "dashboard-offices",
        href: "/offices",
        permission: Permission::ViewOffices,
        count: |state, access| Box::pin(store::count_offices_in_scope(&state.db, access)),
    }],
    ..crate::module::Module::new("territory")
};
