//! Atención: consultations from every channel, the counter queue (atención en boxes)
//! and appointments (built in slices). Now: an office's services and counters, tickets
//! issued at reception, the kiosk or the web, called by counters, and the office's
//! public display fed by server-sent events; appointments in a service's slots, checked
//! in at the kiosk by QR into the queue with priority; consultations; the phone line's
//! calls from the PBX's CTI webhook, with the caller's record popped up for who answers.
//!
//! Invariants:
//! - Which waiting ticket a counter calls next is decided by one pure function,
//!   `queue::next`, from the tickets waiting, the time and the office's policy: no
//!   ticket that has waited the policy's maximum is passed over by one that has not.
//! - Every operation on an office's queue locks the office's queue row: two counters
//!   never call the same ticket, and a service's numbers never repeat within a day.
//! - A call is stored in the transaction that makes it, before any display hears of it,
//!   so a display that reconnects is given every call it missed.
//! - Staff reach an office's queue through their scope (capture to act, view to read);
//!   the public pages show numbers, services and counters, never a person.

pub mod api;
pub mod appointments;
pub mod demo;
pub mod desk;
pub mod display;
pub(crate) mod entity;
pub mod error;
pub mod interactions;
pub mod migrations;
pub mod module;
pub mod phone;
pub mod queue;
pub mod reports;
pub mod sla;
pub mod tickets;
pub mod web;

pub use module::MODULE;

/// Routes of the module.
pub fn routes() -> sipe_platform::web::Routes {
    use sipe_platform::access::Permission::{
        AnswerPhone, Attend, ManageAttention, ManageSla, ViewAttention,
    };
    use sipe_platform::web::{Guard, Routes};
    let view = Guard::Api(ViewAttention);
    let attend = Guard::Api(Attend);
    let manage = Guard::Api(ManageAttention);
    Routes::new()
        .get("/api/v1/offices/{code}/services", view, api::list_services)
        .post(
            "/api/v1/offices/{code}/services",
            manage,
            api::create_service,
        )
        .put("/api/v1/queue-services/{id}", manage, api::update_service)
        .get("/api/v1/offices/{code}/counters", view, api::list_counters)
        .post(
            "/api/v1/offices/{code}/counters",
            manage,
            api::create_counter,
        )
        .put("/api/v1/counters/{id}", manage, api::update_counter)
        .post("/api/v1/counters/{id}/sign-in", attend, api::sign_in)
        .post("/api/v1/counters/sign-out", attend, api::sign_out)
        .post("/api/v1/counters/{id}/call-next", attend, api::call_next)
        .get("/api/v1/offices/{code}/tickets", view, api::list_tickets)
        .post("/api/v1/offices/{code}/tickets", attend, api::issue)
        .get("/api/v1/tickets/{id}", view, api::show_ticket)
        .post("/api/v1/tickets/{id}/steps", attend, api::step)
        .get(
            "/api/v1/offices/{code}/appointment-slots",
            view,
            appointments::api::slots,
        )
        .get(
            "/api/v1/offices/{code}/appointments",
            view,
            appointments::api::list,
        )
        .post(
            "/api/v1/offices/{code}/appointments",
            attend,
            appointments::api::book,
        )
        .get("/api/v1/appointments/{id}", view, appointments::api::show)
        .post(
            "/api/v1/appointments/{id}/cancel",
            attend,
            appointments::api::cancel,
        )
        .post(
            "/api/v1/appointments/{id}/check-in",
            attend,
            appointments::api::check_in,
        )
        .post("/api/v1/interactions", attend, interactions::api::create)
        .post("/api/v1/interactions/bulk", attend, interactions::api::bulk)
        .get(
            "/api/v1/interactions/{id}/messages",
            view,
            interactions::api::messages,
        )
        .post(
            "/api/v1/interactions/{id}/replies",
            attend,
            interactions::api::reply,
        )
        .get("/api/v1/interactions", view, interactions::api::list)
        .get("/api/v1/interactions/{id}", view, interactions::api::show)
        .post(
            "/api/v1/interactions/{id}/status",
            attend,
            interactions::api::change_status,
        )
        .get(
            "/api/v1/interaction-topics",
            view,
            interactions::api::topics,
        )
        .get("/api/v1/sla-targets", view, sla::api::targets)
        .put(
            "/api/v1/sla-targets",
            Guard::Api(ManageSla),
            sla::api::save_target,
        )
        .delete(
            "/api/v1/sla-targets/{id}",
            Guard::Api(ManageSla),
            sla::api::delete_target,
        )
        .get("/api/v1/holidays", view, sla::api::holidays)
        .post(
            "/api/v1/holidays",
            Guard::Api(ManageSla),
            sla::api::add_holiday,
        )
        .delete(
            "/api/v1/holidays/{day}",
            Guard::Api(ManageSla),
            sla::api::delete_holiday,
        )
        .get("/api/v1/offices/{code}/hours", view, sla::api::hours)
        .put("/api/v1/offices/{code}/hours", manage, sla::api::set_hours)
        .post("/api/v1/cti/{token}", Guard::Public, phone::api::webhook)
        .get(
            "/api/v1/phone-calls",
            Guard::Api(AnswerPhone),
            phone::api::list,
        )
        .post(
            "/api/v1/phone-calls/{id}/callback",
            Guard::Api(AnswerPhone),
            phone::api::callback,
        )
        .get(
            "/offices/{code}/display/events",
            Guard::Public,
            display::events,
        )
        .merge(web::routes())
}

/// The module's part of the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::list_services,
    api::create_service,
    api::update_service,
    api::list_counters,
    api::create_counter,
    api::update_counter,
    api::sign_in,
    api::sign_out,
    api::call_next,
    api::list_tickets,
    api::issue,
    api::show_ticket,
    api::step,
    appointments::api::slots,
    appointments::api::list,
    appointments::api::book,
    appointments::api::show,
    appointments::api::cancel,
    appointments::api::check_in,
    interactions::api::create,
    interactions::api::list,
    interactions::api::show,
    interactions::api::change_status,
    interactions::api::topics,
    interactions::api::bulk,
    interactions::api::messages,
    interactions::api::reply,
    sla::api::targets,
    sla::api::save_target,
    sla::api::delete_target,
    sla::api::holidays,
    sla::api::add_holiday,
    sla::api::delete_holiday,
    sla::api::hours,
    sla::api::set_hours,
    phone::api::webhook,
    phone::api::list,
    phone::api::callback,
))]
struct ApiDoc;

/// The module's paths and schemas of the API document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

/// The module's UI texts.
pub static MESSAGES: sipe_platform::i18n::Messages = sipe_platform::i18n::Messages {
    owner: "attention",
    es_ar: include_str!("../locales/es-AR/attention.ftl"),
    en: include_str!("../locales/en/attention.ftl"),
};
