//! Appointments (turnos programados): a service of an office takes them when it has a
//! slot length; the office's calendar (opening hours less holidays) cuts each day into
//! slots of that length, each taking `slot_capacity` people. Booked by staff or by the
//! person on the web (document and mobile: a confirmation and a reminder by SMS, a link
//! to see or cancel it), checked in at the kiosk by the link's QR or the document, which
//! puts the person in the queue with the appointment's priority.

pub mod api;
pub mod domain;
pub mod service;

pub use domain::AppointmentStatus;
pub use service::{Appointment, BookInput, Slot};
