//! Formación Profesional and Aula Virtual: training institutions, the course catalogue,
//! cohorts with their sessions, enrolment with a waiting list, attendance, outcomes and
//! verifiable certificates.
//!
//! Invariants: a cohort's state moves forward only and each change is in its history;
//! a cohort holds at most `capacity` people in a place, the rest wait in order of
//! enrolment and move up when a place frees; finishing applies the course's completion
//! rule once, in the same transaction that issues the certificates; a certificate
//! copies what it certifies at issue and is only ever revoked, never edited or deleted;
//! personal data is read through the persons facade, within the caller's scope.

pub mod api;
pub mod api_competency;
pub mod assessment;
pub mod attendance;
pub mod audience;
pub mod bulk;
pub mod certificates;
pub mod cohorts;
pub mod completion;
pub mod courses;
pub mod credentials;
pub mod demo;
mod demo_competency;
pub mod domain;
pub mod enrolment;
mod entity;
pub mod error;
pub mod indicators;
pub mod institutions;
pub mod migrations;
pub mod module;
pub mod moodle;
pub mod paths;
pub mod pdf;
pub mod standards;
pub mod web;

pub use module::MODULE;

use sipe_platform::validation::FieldErrors;

/// A whole number within `range`; `None` (and an error when `required`) when empty.
pub(crate) fn number(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    range: std::ops::RangeInclusive<i32>,
    required: bool,
) -> Option<i32> {
    let raw = raw.trim();
    if raw.is_empty() {
        if required {
            errors.add(field, "field-required");
        }
        return None;
    }
    match raw.parse::<i32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.add(field, "field-number-invalid");
            None
        }
    }
}

/// Routes of the module.
pub fn routes() -> sipe_platform::web::Routes {
    use sipe_platform::access::Permission::{
        EditTraining, ManageCohorts, ManageTraining, ViewTraining,
    };
    use sipe_platform::web::{Guard, Routes};
    use web::{attendance, catalogue, certificates, cohorts, person};
    let view = Guard::Web(ViewTraining);
    let edit = Guard::Web(EditTraining);
    let manage = Guard::Web(ManageTraining);
    let run = Guard::Web(ManageCohorts);
    Routes::new()
        .get("/training/institutions", view, catalogue::list_institutions)
        .get(
            "/training/institutions/new",
            manage,
            catalogue::new_institution,
        )
        .post(
            "/training/institutions",
            manage,
            catalogue::save_institution,
        )
        .get(
            "/training/institutions/{id}",
            view,
            catalogue::show_institution,
        )
        .post(
            "/training/institutions/{id}",
            manage,
            catalogue::save_institution,
        )
        .get("/training/courses", view, catalogue::list_courses)
        .get("/training/courses/new", manage, catalogue::new_course)
        .post("/training/courses", manage, catalogue::save_course)
        .get("/training/courses/{id}", view, catalogue::show_course)
        .post("/training/courses/{id}", manage, catalogue::save_course)
        .get("/training/standards", view, web::standards::list_standards)
        .get(
            "/training/standards/new",
            manage,
            web::standards::new_standard,
        )
        .post("/training/standards", manage, web::standards::save_standard)
        .get(
            "/training/standards/{id}",
            view,
            web::standards::show_standard,
        )
        .post(
            "/training/standards/{id}",
            manage,
            web::standards::save_standard,
        )
        .post(
            "/training/standards/{id}/evaluators",
            manage,
            web::standards::accredit,
        )
        .post(
            "/training/standards/{id}/evaluators/{accreditation}/withdrawal",
            manage,
            web::standards::withdraw,
        )
        .get("/training/paths", view, web::paths::list_paths)
        .get("/training/paths/new", manage, web::paths::new_path)
        .post("/training/paths", manage, web::paths::save_path)
        .get("/training/paths/{id}", view, web::paths::show_path)
        .post("/training/paths/{id}", manage, web::paths::save_path)
        .get(
            "/training/enrolments/{id}/assessment",
            view,
            web::assessment::show,
        )
        .post(
            "/training/enrolments/{id}/assessment",
            edit,
            web::assessment::save,
        )
        .post(
            "/training/enrolments/{id}/evidence",
            edit,
            web::assessment::upload,
        )
        .get("/training/evidence/{id}", view, web::assessment::download)
        .get("/training/cohorts", view, cohorts::list_cohorts)
        .get("/training/cohorts/new", run, cohorts::new_cohort)
        .post("/training/cohorts", run, cohorts::create_cohort)
        .get("/training/cohorts/{id}", view, cohorts::show_cohort)
        .post(
            "/training/cohorts/{id}/transitions",
            run,
            cohorts::transition,
        )
        .post("/training/cohorts/{id}/enrolments", edit, cohorts::enrol)
        .get("/training/cohorts/{id}/bulk", edit, web::bulk::bulk_form)
        .get(
            "/indicators/training",
            view,
            crate::indicators::handlers::page,
        )
        .get(
            "/indicators/training.csv",
            view,
            crate::indicators::handlers::export,
        )
        .get(
            "/indicators/training.xlsx",
            view,
            crate::indicators::handlers::export,
        )
        .get(
            "/training/cohorts/{id}/moodle",
            view,
            web::moodle::status_page,
        )
        .post("/training/cohorts/{id}/moodle", edit, web::moodle::sync_now)
        .post("/training/cohorts/{id}/bulk", edit, web::bulk::bulk_check)
        .post(
            "/training/cohorts/{id}/bulk/search",
            edit,
            web::bulk::bulk_from_search,
        )
        .post(
            "/training/cohorts/{id}/bulk/confirm",
            edit,
            web::bulk::bulk_confirm,
        )
        .post(
            "/training/cohorts/{id}/outcomes",
            edit,
            attendance::outcomes,
        )
        .post(
            "/training/enrolments/{id}/withdrawal",
            edit,
            cohorts::withdraw,
        )
        .get(
            "/training/sessions/{id}/attendance",
            edit,
            attendance::attendance_sheet,
        )
        .post(
            "/training/sessions/{id}/attendance",
            edit,
            attendance::save_attendance,
        )
        .get("/training/certificates", view, certificates::list_page)
        .get(
            "/training/certificates/{code}/certificate.pdf",
            view,
            certificates::pdf_page,
        )
        .get(
            "/training/cohorts/{id}/certificates.pdf",
            view,
            certificates::cohort_pdf,
        )
        .get(
            "/training/cohorts/{id}/certificates.zip",
            view,
            certificates::cohort_pdf,
        )
        .post(
            "/training/certificates/{code}/revoke",
            run,
            certificates::revoke,
        )
        .get("/persons/{id}/training", edit, person::offers)
        .post("/persons/{id}/training", edit, person::enrol_person)
        .get("/verificar", Guard::Public, certificates::verify_form)
        .get(
            "/verificar/{code}",
            Guard::Public,
            certificates::verify_page,
        )
        .merge(api_routes())
}

fn api_routes() -> sipe_platform::web::Routes {
    use sipe_platform::access::Permission::{
        EditTraining, ManageCohorts, ManageTraining, ViewTraining,
    };
    use sipe_platform::web::{Guard, Routes};
    let view = Guard::Api(ViewTraining);
    let edit = Guard::Api(EditTraining);
    let manage = Guard::Api(ManageTraining);
    let run = Guard::Api(ManageCohorts);
    Routes::new()
        .get("/api/v1/institutions", view, api::list_institutions)
        .post("/api/v1/institutions", manage, api::create_institution)
        .get("/api/v1/institutions/{id}", view, api::show_institution)
        .put("/api/v1/institutions/{id}", manage, api::update_institution)
        .get("/api/v1/courses", view, api::list_courses)
        .post("/api/v1/courses", manage, api::create_course)
        .get("/api/v1/courses/{id}", view, api::show_course)
        .put("/api/v1/courses/{id}", manage, api::update_course)
        .get("/api/v1/standards", view, api_competency::list_standards)
        .post("/api/v1/standards", manage, api_competency::create_standard)
        .get(
            "/api/v1/standards/{id}",
            view,
            api_competency::show_standard,
        )
        .put(
            "/api/v1/standards/{id}",
            manage,
            api_competency::update_standard,
        )
        .get(
            "/api/v1/standards/{id}/evaluators",
            view,
            api_competency::list_evaluators,
        )
        .post(
            "/api/v1/standards/{id}/evaluators",
            manage,
            api_competency::accredit,
        )
        .delete(
            "/api/v1/standards/{id}/evaluators/{accreditation}",
            manage,
            api_competency::withdraw,
        )
        .get("/api/v1/training-paths", view, api_competency::list_paths)
        .post(
            "/api/v1/training-paths",
            manage,
            api_competency::create_path,
        )
        .get(
            "/api/v1/training-paths/{id}",
            view,
            api_competency::show_path,
        )
        .put(
            "/api/v1/training-paths/{id}",
            manage,
            api_competency::update_path,
        )
        .get(
            "/api/v1/persons/{id}/training-paths",
            view,
            api_competency::person_paths,
        )
        .get(
            "/api/v1/enrolments/{id}/assessment",
            view,
            api_competency::show_assessment,
        )
        .put(
            "/api/v1/enrolments/{id}/assessment",
            edit,
            api_competency::save_assessment,
        )
        .post(
            "/api/v1/enrolments/{id}/evidence",
            edit,
            api_competency::upload_evidence,
        )
        .get(
            "/api/v1/evidence/{id}",
            view,
            api_competency::download_evidence,
        )
        .get("/api/v1/cohorts", view, api::list_cohorts)
        .post("/api/v1/cohorts", run, api::create_cohort)
        .get("/api/v1/cohorts/{id}", view, api::show_cohort)
        .post("/api/v1/cohorts/{id}/transitions", run, api::transition)
        .get(
            "/api/v1/cohorts/{id}/enrolments",
            view,
            api::list_enrolments,
        )
        .post("/api/v1/cohorts/{id}/enrolments", edit, api::enrol)
        .post(
            "/api/v1/cohorts/{id}/bulk-enrolments",
            edit,
            api::bulk_enrol,
        )
        .put("/api/v1/cohorts/{id}/outcomes", edit, api::save_outcomes)
        .post("/api/v1/enrolments/{id}/withdrawal", edit, api::withdraw)
        .put(
            "/api/v1/sessions/{id}/attendance",
            edit,
            api::save_attendance,
        )
        .get("/api/v1/certificates", view, web::certificates::api_list)
        .get(
            "/api/v1/certificates/{code}/certificate.pdf",
            view,
            web::certificates::api_pdf,
        )
        .get(
            "/api/v1/certificates/{code}",
            Guard::Public,
            web::certificates::api_verify,
        )
        .post(
            "/api/v1/certificates/{code}/revocation",
            run,
            web::certificates::api_revoke,
        )
        .get(
            "/api/v1/indicators/training",
            view,
            crate::indicators::handlers::api,
        )
        .get(
            "/api/v1/certificates/{code}/credential.jwt",
            Guard::Public,
            web::credentials::api_credential,
        )
        .get(
            "/api/v1/issuers/{owner}/status-lists/{n}",
            Guard::Public,
            web::credentials::api_status_list,
        )
        .get(
            "/api/v1/issuers/{owner}",
            Guard::Public,
            web::credentials::api_issuer,
        )
        .get(
            "/api/v1/issuers/{owner}/jwks",
            Guard::Public,
            web::credentials::api_key_set,
        )
        .get(
            "/api/v1/issuers/{owner}/keys/{id}",
            Guard::Public,
            web::credentials::api_key,
        )
}

/// The module's part of the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::list_institutions,
    api::create_institution,
    api::show_institution,
    api::update_institution,
    api::list_courses,
    api::create_course,
    api::show_course,
    api::update_course,
    api::list_cohorts,
    api::create_cohort,
    api::show_cohort,
    api::transition,
    api::list_enrolments,
    api::enrol,
    api::bulk_enrol,
    api::save_outcomes,
    api::withdraw,
    api::save_attendance,
    web::certificates::api_list,
    web::certificates::api_verify,
    web::certificates::api_revoke,
    web::certificates::api_pdf,
    web::credentials::api_credential,
    indicators::handlers::api,
    web::credentials::api_status_list,
    web::credentials::api_issuer,
    web::credentials::api_key_set,
    web::credentials::api_key,
    api_competency::list_standards,
    api_competency::create_standard,
    api_competency::show_standard,
    api_competency::update_standard,
    api_competency::list_evaluators,
    api_competency::accredit,
    api_competency::withdraw,
    api_competency::list_paths,
    api_competency::create_path,
    api_competency::show_path,
    api_competency::update_path,
    api_competency::person_paths,
    api_competency::show_assessment,
    api_competency::save_assessment,
    api_competency::upload_evidence,
    api_competency::download_evidence,
))]
struct ApiDoc;

/// The module's paths and schemas of the API document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

/// The module's UI texts.
pub static MESSAGES: sipe_platform::i18n::Messages = sipe_platform::i18n::Messages {
    owner: "training",
    es_ar: include_str!("../locales/es-AR/training.ftl"),
    en: include_str!("../locales/en/training.ftl"),
};
