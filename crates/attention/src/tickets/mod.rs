//! Tickets (turnos) of the counter queue: issued at the kiosk, at reception or from the
//! web, called by a counter in the order `queue::next` decides, then attended,
//! redirected, finished or marked absent. Every call is written for the office's display.

pub mod call;
pub mod domain;
pub mod issue;
pub mod near;
pub mod service;
pub mod steps;
pub mod store;

pub use domain::{Source, TicketStatus};
pub use service::{IssueInput, Ticket};
