//! Persona: the person registry at the centre of sipe. Every module's activity about a
//! person converges on the person's timeline.
//!
//! Invariants: a person belongs to one office (`office_id`), and every query filters by
//! the caller's scope on that column: `search` to find, `view` to open, `capture` to
//! change; a document (type + number) and a CUIL identify at most one person; every
//! change of a field leaves a history row, an audit row and a timeline event in the same
//! transaction; reads of a record are audited.

pub mod audience;
pub mod contact;
pub mod demo;
pub mod duplicates;
pub mod eligibility;
mod entity;
pub mod export;
pub mod import;
pub mod interview;
pub mod migrations;
pub mod module;
pub mod profile;
pub mod registry;
pub mod saved;
pub mod search;
pub mod timeline;
pub mod transfer;

pub use entity::person::Model as Person;
// The registry's parts are the crate's facade under their short names.
pub use module::{MODULE, index};
pub use registry::{api, domain, filters, handlers, input, service, store, views};

use sipe_platform::access::Permission;
use sipe_platform::web::{Guard, Routes};

/// Routes of the module.
pub fn routes() -> Routes {
    use handlers::*;
    let view = Guard::Web(Permission::ViewPersons);
    let edit = Guard::Web(Permission::EditPersons);
    let coordinate = Guard::Web(Permission::CoordinatePersons);
    let api_view = Guard::Api(Permission::ViewPersons);
    let api_edit = Guard::Api(Permission::EditPersons);
    Routes::new()
        .get("/persons", view, list_persons)
        .get("/persons/new", edit, new_person)
        .get(
            "/admin/imports",
            Guard::Web(Permission::ImportPersons),
            import::handlers::list_imports,
        )
        .post(
            "/admin/imports",
            Guard::Web(Permission::ImportPersons),
            import::handlers::upload_import,
        )
        .get(
            "/admin/imports/{run_id}/report",
            Guard::Web(Permission::ImportPersons),
            import::handlers::download_report,
        )
        .get("/persons/export.csv", coordinate, export::handlers::export)
        .get("/persons/export.xlsx", coordinate, export::handlers::export)
        .get(
            "/persons/{id}/record",
            coordinate,
            export::handlers::record_html,
        )
        .get(
            "/persons/{id}/record.json",
            coordinate,
            export::handlers::record_json,
        )
        .post(
            "/persons/{id}/duplicates",
            coordinate,
            duplicates::handlers::add_pair,
        )
        .get("/occupations/uncoded", coordinate, profile::uncoded::list)
        .post("/occupations/uncoded", coordinate, profile::uncoded::code)
        .get(
            "/persons/duplicates",
            coordinate,
            duplicates::handlers::list_duplicates,
        )
        .post(
            "/persons/duplicates/scan",
            Guard::Web(Permission::ManageJobs),
            duplicates::handlers::scan_duplicates,
        )
        .get(
            "/persons/duplicates/{pair_id}",
            coordinate,
            duplicates::handlers::show_pair,
        )
        .post(
            "/persons/duplicates/{pair_id}/merge",
            coordinate,
            duplicates::handlers::merge_pair,
        )
        .post(
            "/persons/duplicates/{pair_id}/dismiss",
            coordinate,
            duplicates::handlers::dismiss_pair,
        )
        .get(
            "/persons/transfers",
            edit,
            transfer::handlers::list_transfers,
        )
        .post(
            "/persons/transfers",
            edit,
            transfer::handlers::request_transfer,
        )
        .post(
            "/persons/transfers/{request_id}/approve",
            coordinate,
            transfer::handlers::approve_transfer,
        )
        .post(
            "/persons/transfers/{request_id}/reject",
            coordinate,
            transfer::handlers::reject_transfer,
        )
        .post("/persons", edit, create_person)
        .get("/persons/{id}", view, show_person)
        .get("/persons/{id}/certificate", view, certificate)
        .get("/persons/{id}/edit", edit, edit_person)
        .post("/persons/{id}", edit, update_person)
        .get("/persons/{id}/items/new", edit, profile::handlers::new_item)
        .post("/persons/{id}/items", edit, profile::handlers::create_item)
        .post(
            "/persons/{id}/items/{item_id}/delete",
            edit,
            profile::handlers::delete_item,
        )
        .get(
            "/persons/{id}/situation",
            edit,
            profile::handlers::edit_situation,
        )
        .post(
            "/persons/{id}/situation",
            edit,
            profile::handlers::update_situation,
        )
        .get(
            "/persons/{id}/interviews/new",
            edit,
            profile::handlers::new_interview,
        )
        .post(
            "/persons/{id}/interviews",
            edit,
            profile::handlers::create_interview,
        )
        .get(
            "/persons/{id}/interviews/{interview_id}",
            view,
            profile::handlers::show_interview,
        )
        .post("/persons/searches", view, saved::handlers::save)
        .post(
            "/persons/searches/{id}/delete",
            view,
            saved::handlers::delete,
        )
        .get(
            "/api/v1/saved-searches",
            api_view,
            saved::handlers::api_list,
        )
        .post(
            "/api/v1/saved-searches",
            api_view,
            saved::handlers::api_save,
        )
        .delete(
            "/api/v1/saved-searches/{id}",
            api_view,
            saved::handlers::api_delete,
        )
        .get("/api/v1/persons", api_view, api::list_persons)
        .post("/api/v1/persons", api_edit, api::create_person)
        .get("/api/v1/persons/{id}", api_view, api::show_person)
        .patch("/api/v1/persons/{id}", api_edit, api::update_person)
        .get(
            "/api/v1/persons/{id}/timeline",
            api_view,
            api::person_timeline,
        )
        .get(
            "/api/v1/transfer-requests",
            api_edit,
            transfer::handlers::api_list_transfers,
        )
        .post(
            "/api/v1/transfer-requests",
            api_edit,
            transfer::handlers::api_request_transfer,
        )
        .post(
            "/api/v1/transfer-requests/{request_id}/approve",
            Guard::Api(Permission::CoordinatePersons),
            transfer::handlers::api_approve_transfer,
        )
        .post(
            "/api/v1/transfer-requests/{request_id}/reject",
            Guard::Api(Permission::CoordinatePersons),
            transfer::handlers::api_reject_transfer,
        )
        .get(
            "/api/v1/persons/{id}/profile",
            api_view,
            profile::api::show_profile,
        )
        .post(
            "/api/v1/persons/{id}/items",
            api_edit,
            profile::api::create_item,
        )
        .delete(
            "/api/v1/persons/{id}/items/{item_id}",
            api_edit,
            profile::api::delete_item,
        )
        .put(
            "/api/v1/persons/{id}/situation",
            api_edit,
            profile::api::update_situation,
        )
        .get(
            "/api/v1/persons/{id}/interviews",
            api_view,
            profile::api::list_interviews,
        )
        .post(
            "/api/v1/persons/{id}/interviews",
            api_edit,
            profile::api::create_interview,
        )
}

/// The module's part of the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    saved::handlers::api_list,
    saved::handlers::api_save,
    saved::handlers::api_delete,
    api::list_persons,
    api::show_person,
    api::create_person,
    api::update_person,
    api::person_timeline,
    profile::api::show_profile,
    profile::api::create_item,
    profile::api::delete_item,
    profile::api::update_situation,
    profile::api::list_interviews,
    profile::api::create_interview,
    transfer::handlers::api_list_transfers,
    transfer::handlers::api_request_transfer,
    transfer::handlers::api_approve_transfer,
    transfer::handlers::api_reject_transfer,
))]
struct ApiDoc;

/// The module's paths and schemas of the API document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

/// The module's UI texts.
pub static MESSAGES: sipe_platform::i18n::Messages = sipe_platform::i18n::Messages {
    owner: "persons",
    es_ar: include_str!("../locales/es-AR/persons.ftl"),
    en: include_str!("../locales/en/persons.ftl"),
};
