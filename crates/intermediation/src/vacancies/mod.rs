//! Vacancies (ofertas de empleo): what an employer offers, through one office, with its
//! requirements and the audited history of its states.
//!
//! Invariants: a vacancy's state changes only along `state::VacancyState::next`, each
//! change with a history row and an audit row in the same transaction; every query goes
//! through an `Access` and sees only vacancies whose managing office is in scope.

pub mod api;
pub(crate) mod entity;
pub mod form;
pub mod handlers;
pub mod input;
pub mod service;
pub mod state;
pub mod store;
pub mod views;

use sipe_platform::access::Permission;
use sipe_platform::web::{Guard, Routes};

/// Routes of vacancies.
pub fn routes() -> Routes {
    use handlers::*;
    let view = Guard::Web(Permission::ViewIntermediation);
    let edit = Guard::Web(Permission::EditIntermediation);
    let api_view = Guard::Api(Permission::ViewIntermediation);
    let api_edit = Guard::Api(Permission::EditIntermediation);
    Routes::new()
        .get("/vacancies", view, list_vacancies)
        .get("/vacancies.csv", view, export_vacancies)
        .get("/vacancies.xlsx", view, export_vacancies)
        .get("/vacancies/new", edit, new_vacancy)
        .post("/vacancies", edit, create_vacancy)
        .get("/vacancies/{id}", view, show_vacancy)
        .get("/vacancies/{id}/edit", edit, edit_vacancy)
        .post("/vacancies/{id}", edit, update_vacancy)
        .post("/vacancies/{id}/state", edit, change_state)
        .get(
            "/vacancies/{id}/candidates",
            view,
            crate::matching::handlers::candidates_page,
        )
        .get("/api/v1/vacancies", api_view, api::list_vacancies)
        .post("/api/v1/vacancies", api_edit, api::create_vacancy)
        .get("/api/v1/vacancies/{id}", api_view, api::show_vacancy)
        .patch("/api/v1/vacancies/{id}", api_edit, api::update_vacancy)
        .post("/api/v1/vacancies/{id}/state", api_edit, api::change_state)
        .get(
            "/api/v1/vacancies/{id}/candidates",
            api_view,
            crate::matching::handlers::api_candidates,
        )
}
