//! The module's pages: the queue board, an office's queue and reception, its setup, the
//! counter screen, and the public kiosk, display and ticket pages.

pub mod appointments;
pub mod booking;
pub mod contact;
pub mod counter;
pub mod interactions;
pub mod phone;
pub mod public;
pub mod queue;
pub mod reports;
pub mod setup;
pub mod sla;

use sipe_platform::access::Permission::{
    AnswerPhone, Attend, ManageAttention, ManageSla, ViewAttention,
};
use sipe_platform::web::{Guard, Routes};

/// The module's page routes.
pub fn routes() -> Routes {
    let view = Guard::Web(ViewAttention);
    let attend = Guard::Web(Attend);
    let manage = Guard::Web(ManageAttention);
    Routes::new()
        .get("/attention", view, queue::board)
        .get("/attention/offices/{code}", view, queue::office)
        .post("/attention/offices/{code}/tickets", attend, queue::issue)
        .get("/attention/offices/{code}/setup", manage, setup::page)
        .post(
            "/attention/offices/{code}/services",
            manage,
            setup::create_service,
        )
        .get("/attention/services/{id}", manage, setup::edit_service)
        .post("/attention/services/{id}", manage, setup::update_service)
        .post(
            "/attention/offices/{code}/counters",
            manage,
            setup::create_counter,
        )
        .get("/attention/counters/{id}/edit", manage, setup::edit_counter)
        .post(
            "/attention/counters/{id}/edit",
            manage,
            setup::update_counter,
        )
        .get(
            "/attention/offices/{code}/appointments",
            view,
            appointments::page,
        )
        .post(
            "/attention/offices/{code}/appointments",
            attend,
            appointments::book,
        )
        .post(
            "/attention/appointments/{id}/check-in",
            attend,
            appointments::check_in,
        )
        .post(
            "/attention/appointments/{id}/cancel",
            attend,
            appointments::cancel,
        )
        .get("/attention/counters/{id}", attend, counter::page)
        .post("/attention/counters/{id}/sign-in", attend, counter::sign_in)
        .post("/attention/counters/sign-out", attend, counter::sign_out)
        .post(
            "/attention/counters/{id}/call-next",
            attend,
            counter::call_next,
        )
        .post("/attention/tickets/{id}/steps", attend, counter::step)
        .get("/attention/interactions", view, interactions::inbox)
        .get("/attention/interactions/new", attend, interactions::new)
        .post("/attention/interactions", attend, interactions::create)
        .post("/attention/interactions/bulk", attend, interactions::bulk)
        .post(
            "/attention/interactions/{id}/replies",
            attend,
            interactions::reply,
        )
        .get("/attention/interactions/{id}", view, interactions::show)
        .post(
            "/attention/interactions/{id}/status",
            attend,
            interactions::change_status,
        )
        .get("/attention/reports", view, reports::page)
        .get("/attention/reports/{file}", view, reports::export)
        .get("/attention/sla", Guard::Web(ManageSla), sla::page)
        .post(
            "/attention/sla/targets",
            Guard::Web(ManageSla),
            sla::save_target,
        )
        .post(
            "/attention/sla/targets/{id}/delete",
            Guard::Web(ManageSla),
            sla::delete_target,
        )
        .post(
            "/attention/sla/holidays",
            Guard::Web(ManageSla),
            sla::save_holiday,
        )
        .post(
            "/attention/sla/holidays/{day}/delete",
            Guard::Web(ManageSla),
            sla::delete_holiday,
        )
        .get("/attention/offices/{code}/hours", view, sla::hours)
        .post("/attention/offices/{code}/hours", manage, sla::save_hours)
        .get("/attention/phone", Guard::Web(AnswerPhone), phone::page)
        .get(
            "/attention/phone/events",
            Guard::Web(AnswerPhone),
            phone::events,
        )
        .post(
            "/attention/phone/calls/{id}/callback",
            Guard::Web(AnswerPhone),
            phone::callback,
        )
        .get("/offices/{code}/display", Guard::Public, public::display)
        .get("/offices/{code}/kiosk", Guard::Public, public::kiosk)
        .get("/offices/{code}/turno", Guard::Public, public::web_queue)
        .post("/offices/{code}/turno", Guard::Public, public::web_issue)
        .post("/offices/{code}/kiosk", Guard::Public, public::kiosk_issue)
        .get("/turnos/{id}", Guard::Public, public::ticket)
        .get("/consultas", Guard::Public, contact::page)
        .post("/consultas", Guard::Public, contact::submit)
        .get("/consultas/enviada", Guard::Public, contact::sent)
        .get("/offices/{code}/citas", Guard::Public, booking::page)
        .post("/offices/{code}/citas", Guard::Public, booking::book)
        .get("/citas/{secret}", Guard::Public, booking::show)
        .post("/citas/{secret}/cancel", Guard::Public, booking::cancel)
        .get(
            "/offices/{code}/kiosk/cita",
            Guard::Public,
            booking::check_in_form,
        )
        .post(
            "/offices/{code}/kiosk/cita",
            Guard::Public,
            booking::check_in,
        )
        .get("/static/attention.js", Guard::Public, public::script)
        .get("/static/attention.css", Guard::Public, public::style)
}

/// Minutes between two times, for "waited" columns (0 when reversed).
pub fn minutes(from: chrono::DateTime<chrono::Utc>, to: chrono::DateTime<chrono::Utc>) -> i64 {
    (to - from).num_minutes().max(0)
}
