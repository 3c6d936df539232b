//! Atención: consultations from every channel, the counter queue (atención en boxes)
//! and appointments.
//!
//! Invariants:
//! - Which waiting ticket a counter calls next is decided by one pure function,
//!   `queue::next`, from the tickets waiting, the time and the office's policy: no
//!   ticket that has waited the policy's maximum is passed over by one that has not.

pub mod queue;
