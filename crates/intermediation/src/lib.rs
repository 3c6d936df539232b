//! Intermediación Laboral: employers, vacancies, matching, referrals and placements
//! (issue 4), built in slices.

pub mod activity;
pub mod audience;
pub mod demo;
pub mod domain;
pub mod employers;
pub mod indicators;
pub mod matching;
pub mod migrations;
pub mod module;
pub mod referrals;
pub mod seekers;
pub mod vacancies;

pub use module::MODULE;

/// Routes of the module.
pub fn routes() -> sipe_platform::web::Routes {
    use sipe_platform::access::Permission;
    use sipe_platform::web::Guard;
    employers::routes()
        .merge(vacancies::routes())
        .get(
            "/persons/{id}/job-search",
            Guard::Web(Permission::EditPersons),
            seekers::handlers::edit_job_search,
        )
        .post(
            "/persons/{id}/job-search",
            Guard::Web(Permission::EditPersons),
            seekers::handlers::update_job_search,
        )
        .get(
            "/referrals",
            Guard::Web(Permission::ViewIntermediation),
            referrals::handlers::list_page,
        )
        .get(
            "/referrals.csv",
            Guard::Web(Permission::ViewIntermediation),
            referrals::handlers::export,
        )
        .get(
            "/referrals.xlsx",
            Guard::Web(Permission::ViewIntermediation),
            referrals::handlers::export,
        )
        .get(
            "/api/v1/referrals",
            Guard::Api(Permission::ViewIntermediation),
            referrals::api::api_list,
        )
        .post(
            "/vacancies/{id}/referrals",
            Guard::Web(Permission::EditIntermediation),
            referrals::handlers::refer,
        )
        .get(
            "/referrals/{id}",
            Guard::Web(Permission::ViewIntermediation),
            referrals::handlers::show_referral,
        )
        .get(
            "/referrals/{id}/letter",
            Guard::Web(Permission::ViewIntermediation),
            referrals::handlers::letter,
        )
        .post(
            "/referrals/{id}/transitions",
            Guard::Web(Permission::EditIntermediation),
            referrals::handlers::transition,
        )
        .get(
            "/indicators/intermediation",
            Guard::Web(Permission::ViewIntermediation),
            indicators::handlers::page,
        )
        .get(
            "/indicators/intermediation.csv",
            Guard::Web(Permission::ViewIntermediation),
            indicators::handlers::export,
        )
        .get(
            "/indicators/intermediation.xlsx",
            Guard::Web(Permission::ViewIntermediation),
            indicators::handlers::export,
        )
        .get(
            "/api/v1/indicators/intermediation",
            Guard::Api(Permission::ViewIntermediation),
            indicators::handlers::api,
        )
        .get(
            "/follow-ups",
            Guard::Web(Permission::ViewIntermediation),
            referrals::handlers::follow_ups_page,
        )
        .post(
            "/follow-ups/{id}",
            Guard::Web(Permission::EditIntermediation),
            referrals::handlers::record_form,
        )
        .get(
            "/api/v1/follow-ups",
            Guard::Api(Permission::ViewIntermediation),
            referrals::api::api_follow_ups,
        )
        .post(
            "/api/v1/follow-ups/{id}",
            Guard::Api(Permission::EditIntermediation),
            referrals::api::api_record_follow_up,
        )
        .post(
            "/api/v1/referrals",
            Guard::Api(Permission::EditIntermediation),
            referrals::api::create_referral,
        )
        .get(
            "/api/v1/referrals/{id}",
            Guard::Api(Permission::ViewIntermediation),
            referrals::api::show_referral,
        )
        .post(
            "/api/v1/referrals/{id}/transitions",
            Guard::Api(Permission::EditIntermediation),
            referrals::api::transition,
        )
        .get(
            "/api/v1/vacancies/{id}/referrals",
            Guard::Api(Permission::ViewIntermediation),
            referrals::api::vacancy_referrals,
        )
        .get(
            "/api/v1/persons/{id}/referrals",
            Guard::Api(Permission::ViewIntermediation),
            referrals::api::person_referrals,
        )
        .get(
            "/persons/{id}/vacancies",
            Guard::Web(Permission::ViewIntermediation),
            matching::handlers::person_vacancies_page,
        )
        .get(
            "/api/v1/persons/{id}/vacancies",
            Guard::Api(Permission::ViewIntermediation),
            matching::handlers::api_person_vacancies,
        )
        .get(
            "/api/v1/persons/{id}/job-search",
            Guard::Api(Permission::ViewPersons),
            seekers::handlers::api_job_search,
        )
        .put(
            "/api/v1/persons/{id}/job-search",
            Guard::Api(Permission::EditPersons),
            seekers::handlers::api_update_job_search,
        )
}

/// The module's part of the API document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        employers::api::list_employers,
        employers::api::show_employer,
        employers::api::create_employer,
        employers::api::update_employer,
        employers::api::add_contact,
        employers::api::remove_contact,
        employers::api::add_site,
        referrals::api::api_list,
        employers::api::remove_site,
        employers::api::add_agreement,
        employers::api::remove_agreement,
        vacancies::api::list_vacancies,
        vacancies::api::show_vacancy,
        vacancies::api::create_vacancy,
        vacancies::api::update_vacancy,
        vacancies::api::change_state,
        matching::handlers::api_candidates,
        matching::handlers::api_person_vacancies,
        referrals::api::create_referral,
        referrals::api::show_referral,
        referrals::api::transition,
        referrals::api::vacancy_referrals,
        referrals::api::person_referrals,
        referrals::api::api_follow_ups,
        referrals::api::api_record_follow_up,
        indicators::handlers::api,
        seekers::handlers::api_job_search,
        seekers::handlers::api_update_job_search,
    ),
    components(schemas(matching::index::Reach))
)]
struct ApiDoc;

/// The module's paths and schemas of the API document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

/// The module's UI texts.
pub static MESSAGES: sipe_platform::i18n::Messages = sipe_platform::i18n::Messages {
    owner: "intermediation",
    es_ar: include_str!("../locales/es-AR/intermediation.ftl"),
    en: include_str!("../locales/en/intermediation.ftl"),
};
