//! Promoción: employment programmes (built in slices). Now: where a beneficiary is paid,
//! a bank account per person (a CBU with both check digits valid, or an alias).
//!
//! Invariants: a person has at most one account; it is recorded only for a person in
//! the caller's capture scope and read only within the view scope; every change is
//! audited (digits hidden but the bank's and the last four) and on the person's
//! timeline; a person merge keeps the kept person's account, else takes the other's.

pub mod api;
pub mod applications;
pub mod attendance;
pub mod audience;
pub mod bank;
pub mod compliance;
pub mod demo;
pub mod documents;
pub mod eligibility;
pub(crate) mod entity;
pub mod error;
pub mod indicators;
pub mod migrations;
pub mod module;
pub mod national;
pub mod payments;
pub mod placements;
pub mod programmes;
pub mod rules;
pub mod web;

pub use module::MODULE;

/// Routes of the module.
pub fn routes() -> sipe_platform::web::Routes {
    use sipe_platform::access::Permission::{EditProgrammes, ManageProgrammes, ViewProgrammes};
    use sipe_platform::web::{Guard, Routes};
    use web::catalogue;
    Routes::new()
        .get("/programmes", Guard::Web(ViewProgrammes), catalogue::list)
        .get(
            "/programmes/new",
            Guard::Web(ManageProgrammes),
            catalogue::new_programme,
        )
        .post("/programmes", Guard::Web(ManageProgrammes), catalogue::save)
        .get(
            "/programmes/{id}",
            Guard::Web(ViewProgrammes),
            catalogue::show,
        )
        .post(
            "/programmes/{id}",
            Guard::Web(ManageProgrammes),
            catalogue::save,
        )
        .get(
            "/api/v1/programmes",
            Guard::Api(ViewProgrammes),
            api::list_programmes,
        )
        .post(
            "/api/v1/programmes",
            Guard::Api(ManageProgrammes),
            api::create_programme,
        )
        .get(
            "/api/v1/programmes/{id}",
            Guard::Api(ViewProgrammes),
            api::show_programme,
        )
        .put(
            "/api/v1/programmes/{id}",
            Guard::Api(ManageProgrammes),
            api::update_programme,
        )
        .get(
            "/programmes/{id}/rules",
            Guard::Web(ManageProgrammes),
            web::rules::show,
        )
        .post(
            "/programmes/{id}/rules",
            Guard::Web(ManageProgrammes),
            web::rules::save,
        )
        .get(
            "/programmes/{id}/eligible",
            Guard::Web(ViewProgrammes),
            web::rules::eligible,
        )
        .get(
            "/programmes/{id}/eligible.csv",
            Guard::Web(ViewProgrammes),
            web::rules::export,
        )
        .get(
            "/programmes/{id}/eligible.xlsx",
            Guard::Web(ViewProgrammes),
            web::rules::export,
        )
        .get(
            "/api/v1/programmes/{id}/rules",
            Guard::Api(ViewProgrammes),
            api::show_rules,
        )
        .put(
            "/api/v1/programmes/{id}/rules",
            Guard::Api(ManageProgrammes),
            api::set_rules,
        )
        .get(
            "/api/v1/programmes/{id}/eligible",
            Guard::Api(ViewProgrammes),
            api::eligible,
        )
        .get(
            "/api/v1/persons/{id}/eligibility",
            Guard::Api(ViewProgrammes),
            api::person_eligibility,
        )
        .get(
            "/programmes/{id}/applications",
            Guard::Web(ViewProgrammes),
            web::applications::list,
        )
        .post(
            "/programme-applications",
            Guard::Web(EditProgrammes),
            web::applications::apply,
        )
        .get(
            "/programme-applications/{id}",
            Guard::Web(ViewProgrammes),
            web::applications::show,
        )
        .post(
            "/programme-applications/{id}/steps",
            Guard::Web(EditProgrammes),
            web::applications::take_step,
        )
        .post(
            "/programme-applications/{id}/documents",
            Guard::Web(EditProgrammes),
            web::applications::attach_document,
        )
        .post(
            "/programme-applications/{id}/placement",
            Guard::Web(EditProgrammes),
            web::applications::save_placement,
        )
        .post(
            "/programme-applications/{id}/placement/hire",
            Guard::Web(EditProgrammes),
            web::applications::hire,
        )
        .post(
            "/api/v1/programme-applications/{id}/placement/hire",
            Guard::Api(EditProgrammes),
            api::hire_from_placement,
        )
        .get(
            "/api/v1/programme-applications/{id}/placement",
            Guard::Api(ViewProgrammes),
            api::show_placement,
        )
        .put(
            "/api/v1/programme-applications/{id}/placement",
            Guard::Api(EditProgrammes),
            api::set_placement,
        )
        .get(
            "/programme-documents/{id}",
            Guard::Web(ViewProgrammes),
            web::applications::download_document,
        )
        .get(
            "/api/v1/programme-applications/{id}/documents",
            Guard::Api(ViewProgrammes),
            api::list_documents,
        )
        .post(
            "/api/v1/programme-applications/{id}/documents",
            Guard::Api(EditProgrammes),
            api::attach_document,
        )
        .get(
            "/api/v1/programme-documents/{id}",
            Guard::Api(ViewProgrammes),
            api::download_document,
        )
        .get(
            "/api/v1/programme-applications",
            Guard::Api(ViewProgrammes),
            api::list_applications,
        )
        .post(
            "/api/v1/programme-applications",
            Guard::Api(EditProgrammes),
            api::create_application,
        )
        .get(
            "/api/v1/programme-applications/{id}",
            Guard::Api(ViewProgrammes),
            api::show_application,
        )
        .post(
            "/api/v1/programme-applications/{id}/transitions",
            Guard::Api(EditProgrammes),
            api::transition_application,
        )
        .get(
            "/programmes/{id}/attendance",
            Guard::Web(ViewProgrammes),
            web::payments::attendance,
        )
        .post(
            "/programmes/{id}/attendance",
            Guard::Web(EditProgrammes),
            web::payments::save_attendance,
        )
        .post(
            "/programmes/{id}/attendance/file",
            Guard::Web(EditProgrammes),
            web::payments::upload_attendance,
        )
        .put(
            "/api/v1/programmes/{id}/attendance",
            Guard::Api(EditProgrammes),
            api::set_attendance,
        )
        .get(
            "/programmes/{id}/payment-runs",
            Guard::Web(ManageProgrammes),
            web::payments::runs,
        )
        .post(
            "/programmes/{id}/payment-runs",
            Guard::Web(ManageProgrammes),
            web::payments::compute,
        )
        .get(
            "/payment-runs/rejected",
            Guard::Web(ViewProgrammes),
            web::payments::rejected,
        )
        .get(
            "/payment-runs/{id}",
            Guard::Web(ManageProgrammes),
            web::payments::run,
        )
        .post(
            "/payment-runs/{id}/approval",
            Guard::Web(ManageProgrammes),
            web::payments::approve,
        )
        .get(
            "/payment-runs/{id}/payment-file.csv",
            Guard::Web(ManageProgrammes),
            web::payments::payment_file,
        )
        .get(
            "/payment-runs/{id}/payment-file.txt",
            Guard::Web(ManageProgrammes),
            web::payments::payment_file,
        )
        .post(
            "/payment-runs/{id}/bank-result",
            Guard::Web(ManageProgrammes),
            web::payments::bank_result,
        )
        .get(
            "/api/v1/payment-runs",
            Guard::Api(ManageProgrammes),
            api::list_runs,
        )
        .post(
            "/api/v1/payment-runs",
            Guard::Api(ManageProgrammes),
            api::compute_run,
        )
        .get(
            "/api/v1/payment-runs/{id}",
            Guard::Api(ManageProgrammes),
            api::show_run,
        )
        .post(
            "/api/v1/payment-runs/{id}/approval",
            Guard::Api(ManageProgrammes),
            api::approve_run,
        )
        .get(
            "/api/v1/payment-runs/{id}/payment-file.csv",
            Guard::Api(ManageProgrammes),
            api::run_file,
        )
        .get(
            "/api/v1/payment-runs/{id}/payment-file.txt",
            Guard::Api(ManageProgrammes),
            api::run_file_txt,
        )
        .post(
            "/api/v1/payment-runs/{id}/bank-result",
            Guard::Api(ManageProgrammes),
            api::bank_result,
        )
        .get(
            "/programmes/compliance",
            Guard::Web(ViewProgrammes),
            web::compliance::queue,
        )
        .post(
            "/programmes/compliance/scan",
            Guard::Web(ManageProgrammes),
            web::compliance::scan,
        )
        .post(
            "/programmes/compliance/{id}",
            Guard::Web(EditProgrammes),
            web::compliance::decide,
        )
        .get(
            "/api/v1/programme-compliance",
            Guard::Api(ViewProgrammes),
            api::list_compliance,
        )
        .post(
            "/api/v1/programme-compliance/scan",
            Guard::Api(ManageProgrammes),
            api::scan_compliance,
        )
        .post(
            "/api/v1/programme-compliance/{id}/decision",
            Guard::Api(EditProgrammes),
            api::decide_compliance,
        )
        .get(
            "/programmes/indicators",
            Guard::Web(ViewProgrammes),
            indicators::handlers::page,
        )
        .get(
            "/programmes/indicators.csv",
            Guard::Web(ViewProgrammes),
            indicators::handlers::export,
        )
        .get(
            "/programmes/indicators.xlsx",
            Guard::Web(ViewProgrammes),
            indicators::handlers::export,
        )
        .get(
            "/api/v1/indicators/programmes",
            Guard::Api(ViewProgrammes),
            indicators::handlers::api,
        )
        .get(
            "/programmes/national",
            Guard::Web(ViewProgrammes),
            web::national::show,
        )
        .post(
            "/programmes/national",
            Guard::Web(ManageProgrammes),
            web::national::add,
        )
        .post(
            "/programmes/national/imports",
            Guard::Web(ManageProgrammes),
            web::national::upload,
        )
        .get(
            "/programmes/national/imports/{id}/report",
            Guard::Web(ManageProgrammes),
            web::national::report,
        )
        .get(
            "/api/v1/national-programmes",
            Guard::Api(ViewProgrammes),
            api::list_national,
        )
        .post(
            "/api/v1/national-programmes",
            Guard::Api(ManageProgrammes),
            api::add_national,
        )
        .get(
            "/api/v1/persons/{id}/national-benefits",
            Guard::Api(ViewProgrammes),
            api::person_national,
        )
        .get(
            "/api/v1/national-benefit-imports",
            Guard::Api(ManageProgrammes),
            api::list_national_imports,
        )
        .post(
            "/api/v1/national-benefit-imports",
            Guard::Api(ManageProgrammes),
            api::import_national,
        )
        .post(
            "/persons/{id}/bank-account",
            Guard::Web(EditProgrammes),
            web::save_account,
        )
        .get(
            "/api/v1/persons/{id}/bank-account",
            Guard::Api(ViewProgrammes),
            api::show_account,
        )
        .put(
            "/api/v1/persons/{id}/bank-account",
            Guard::Api(EditProgrammes),
            api::set_account,
        )
}

/// The module's part of the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::show_account,
    api::set_account,
    api::list_programmes,
    api::create_programme,
    api::show_programme,
    api::update_programme,
    api::show_rules,
    api::set_rules,
    api::eligible,
    api::person_eligibility,
    api::list_applications,
    api::create_application,
    api::show_application,
    api::transition_application,
    api::set_attendance,
    api::list_runs,
    api::compute_run,
    api::show_run,
    api::approve_run,
    api::run_file,
    api::run_file_txt,
    api::bank_result,
    api::list_compliance,
    api::decide_compliance,
    api::scan_compliance,
    indicators::handlers::api,
    api::show_placement,
    api::set_placement,
    api::hire_from_placement,
    api::list_documents,
    api::attach_document,
    api::download_document,
    api::list_national,
    api::add_national,
    api::person_national,
    api::list_national_imports,
    api::import_national,
))]
struct ApiDoc;

/// The module's paths and schemas of the API document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

/// The module's UI texts.
pub static MESSAGES: sipe_platform::i18n::Messages = sipe_platform::i18n::Messages {
    owner: "programmes",
    es_ar: include_str!("../locales/es-AR/programmes.ftl"),
    en: include_str!("../locales/en/programmes.ftl"),
};
