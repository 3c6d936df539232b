//! Employers: companies, public bodies and individuals who hire, each managed by one
//! office, with their contacts and agreements.
//!
//! Invariants: a CUIT is registered once (unique index; the service answers with the
//! existing employer); every query goes through an `Access` and sees only employers
//! whose managing office lies in the relevant scope.

pub mod api;
pub(crate) mod entity;
pub mod handlers;
pub mod input;
pub mod service;
pub mod store;
pub mod views;

use sipe_platform::access::Permission;
use sipe_platform::web::{Guard, Routes};

/// Routes of employers.
pub fn routes() -> Routes {
    use handlers::*;
    use input::{AgreementInput, ContactInput, SiteInput};
    let view = Guard::Web(Permission::ViewIntermediation);
    let edit = Guard::Web(Permission::EditIntermediation);
    let api_view = Guard::Api(Permission::ViewIntermediation);
    let api_edit = Guard::Api(Permission::EditIntermediation);
    Routes::new()
        .get("/employers", view, list_employers)
        .get("/employers.csv", view, export_employers)
        .get("/employers.xlsx", view, export_employers)
        .get("/employers/new", edit, new_employer)
        .post("/employers", edit, create_employer)
        .get("/employers/{id}", view, show_employer)
        .get("/employers/{id}/edit", edit, edit_employer)
        .post("/employers/{id}", edit, update_employer)
        .post("/employers/{id}/active", edit, set_employer_active)
        .post("/employers/{id}/contacts", edit, add_item::<ContactInput>)
        .post(
            "/employers/{id}/contacts/{contact_id}/delete",
            edit,
            remove_item::<ContactInput>,
        )
        .post("/employers/{id}/sites", edit, add_item::<SiteInput>)
        .post(
            "/employers/{id}/sites/{site_id}/delete",
            edit,
            remove_item::<SiteInput>,
        )
        .post(
            "/employers/{id}/agreements",
            edit,
            add_item::<AgreementInput>,
        )
        .post(
            "/employers/{id}/agreements/{agreement_id}/delete",
            edit,
            remove_item::<AgreementInput>,
        )
        .get("/api/v1/employers", api_view, api::list_employers)
        .post("/api/v1/employers", api_edit, api::create_employer)
        .get("/api/v1/employers/{id}", api_view, api::show_employer)
        .patch("/api/v1/employers/{id}", api_edit, api::update_employer)
        .post(
            "/api/v1/employers/{id}/contacts",
            api_edit,
            api::add_contact,
        )
        .delete(
            "/api/v1/employers/{id}/contacts/{contact_id}",
            api_edit,
            api::remove_contact,
        )
        .post("/api/v1/employers/{id}/sites", api_edit, api::add_site)
        .delete(
            "/api/v1/employers/{id}/sites/{site_id}",
            api_edit,
            api::remove_site,
        )
        .post(
            "/api/v1/employers/{id}/agreements",
            api_edit,
            api::add_agreement,
        )
        .delete(
            "/api/v1/employers/{id}/agreements/{agreement_id}",
            api_edit,
            api::remove_agreement,
        )
}
